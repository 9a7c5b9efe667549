//! The encodings of iCure data, decoded strictly, and the one place where
//! untrusted iCure JSON is parsed.
//!
//! The SDKs accept garbage silently (`hex2ua` turns a non-hex character into
//! some byte; `a2b` maps `-_` to `+/` and decodes whatever is left). ehrcrypt
//! refuses malformed text instead, with a one-line error naming the field.

use serde_json::Value;
use zeroize::Zeroizing;

use crate::crypto::b64;
use crate::error::{Error, Result};

/// Largest iCure JSON file read (a record with its `encryptedSelf`, an
/// owner document with its exchange keys). Checked before parsing.
pub const MAX_JSON_BYTES: usize = 64 << 20;

/// Largest hex value of a delegation-like entry: `"<id>:<uuid>"` sealed is
/// 128 hex digits for a short id; ids are at most a few hundred bytes.
pub const MAX_ENTRY_HEX: usize = 8192;

/// Largest hex of an RSA ciphertext or key (an RSA-8192 PKCS#8 is ~10 KB).
pub const MAX_KEY_HEX: usize = 32 * 1024;

/// Strict hex (either case, even length, at most `max` digits) as bytes.
pub fn hex(text: &str, what: &str, max: usize) -> Result<Vec<u8>> {
    let t = text.as_bytes();
    if t.is_empty() || t.len() > max || !t.len().is_multiple_of(2) {
        return Err(Error::format(format!(
            "{what} is not valid hex ({} characters)",
            t.len()
        )));
    }
    let digit = |c: u8| (c as char).to_digit(16);
    t.chunks_exact(2)
        .map(|p| match (digit(p[0]), digit(p[1])) {
            (Some(h), Some(l)) => Ok((h * 16 + l) as u8),
            _ => Err(Error::format(format!("{what} is not valid hex"))),
        })
        .collect()
}

/// Strict hex of a secret (a private key): the bytes are zeroized on drop.
pub fn secret_hex(text: &str, what: &str, max: usize) -> Result<Zeroizing<Vec<u8>>> {
    hex(text, what, max).map(Zeroizing::new)
}

/// Base64 as the SDKs write it (standard alphabet, padded). The URL-safe
/// characters `-` and `_`, which the SDKs' `a2b` maps to `+` and `/`, are
/// accepted the same way; anything else malformed is refused.
pub fn base64(text: &str, what: &str) -> Result<Vec<u8>> {
    let mapped: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    b64::decode(&mapped, what)
}

/// Unpadded base64url (RFC 7515), as JWK integers are written.
pub fn base64url(text: &str, what: &str) -> Result<Zeroizing<Vec<u8>>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map(Zeroizing::new)
        .map_err(|_| Error::format(format!("{what} is not valid base64url")))
}

/// Parses untrusted JSON after checking its size.
pub fn parse_json(bytes: &[u8], source: &str, what: &str) -> Result<Value> {
    if bytes.len() > MAX_JSON_BYTES {
        return Err(Error::format(format!(
            "{source}: {what} is larger than {} MiB",
            MAX_JSON_BYTES >> 20
        )));
    }
    serde_json::from_slice(bytes).map_err(|e| crate::format::json_error(source, what, &e))
}

/// Reads a file (`-` for stdin), refusing more than [`MAX_JSON_BYTES`]
/// before holding it all: the input is untrusted. Wiped when dropped (a key
/// file may be read this way).
pub fn read_bounded(path: &std::path::Path) -> Result<Zeroizing<Vec<u8>>> {
    use std::io::Read;
    let source = crate::error::display_path(path);
    let mut buf = Zeroizing::new(Vec::new());
    let limit = MAX_JSON_BYTES as u64 + 1;
    let read = if path.as_os_str() == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut buf)
    } else {
        std::fs::File::open(path)
            .map_err(|e| Error::io(path, "read", e))?
            .take(limit)
            .read_to_end(&mut buf)
    };
    read.map_err(|e| Error::io(path, "read", e))?;
    if buf.len() > MAX_JSON_BYTES {
        return Err(Error::format(format!(
            "{source}: larger than {} MiB",
            MAX_JSON_BYTES >> 20
        )));
    }
    Ok(buf)
}

/// Reads and parses a JSON file (`-` for stdin).
pub fn read_json(path: &std::path::Path, what: &str) -> Result<(Value, String)> {
    let source = crate::error::display_path(path);
    let bytes = read_bounded(path)?;
    Ok((parse_json(&bytes, &source, what)?, source))
}

/// A string field, or a format error naming it.
pub fn str_field<'a>(v: &'a Value, name: &str, source: &str) -> Result<&'a str> {
    v.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| Error::format(format!("{source}: \"{name}\" is missing or not a string")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_strict() {
        assert_eq!(hex("00aB", "x", 10).unwrap(), vec![0, 0xab]);
        for bad in ["", "0", "0g", "00 1", "é0", "0000000000aa"] {
            assert!(hex(bad, "x", 10).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn base64_takes_the_sdk_alphabets_and_nothing_else() {
        assert_eq!(base64("+/8=", "x").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(base64("-_8=", "x").unwrap(), vec![0xfb, 0xff]);
        for bad in ["+/8", "+/8=!", "a", "****"] {
            assert!(base64(bad, "x").is_err(), "{bad:?}");
        }
    }
}
