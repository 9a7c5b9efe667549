//! `access-log.jsonl`: break-glass accountability. Every emergency access
//! appends one line (who, when, what), before any plaintext is released.
//!
//! Each line is a JSON object (`ehrcrypt/backup-access/v1`) that names the
//! SHA-256 of the previous line (`prev`) and its position (`seq`), so a line
//! removed or reordered in the middle breaks the chain. Its `auth` is
//! either `{"signature": ...}`, RSA-PSS by the professional whose key is in
//! `by`, or `{"mac": ...}`, HMAC-SHA256 under a key derived from Z_AC when
//! the reader did not identify (it proves only that the writer held the
//! card). Both cover the canonical record without `auth`, bound to the
//! backup's key commitment.
//!
//! Limits, stated plainly: the log lives in the bucket, so whoever can
//! write the bucket can drop its tail, and someone holding a copy of the
//! bucket and the card can read it without logging. The log records
//! honest access; it does not prevent dishonest access.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::Path;

use hkdf::hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};

use super::manifest::{parse_hex32, Author};
use crate::crypto::{b64, hex, Context, PrivateKey, PublicKey, SymmetricKey};
use crate::error::{Error, Result};

pub const ACCESS_FORMAT: &str = "ehrcrypt/backup-access/v1";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Auth {
    Signature(String),
    Mac(String),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessRecord {
    pub format: String,
    pub backup: String,
    pub seq: u64,
    /// SHA-256 (hex) of the previous line's bytes, 64 zeros for the first.
    pub prev: String,
    pub time: String,
    /// `emergency-decrypt` or `emergency-append`.
    pub action: String,
    /// Object ids read or added.
    pub objects: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appendix: Option<String>,
    /// The professional, when identified (`--as`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Author>,
    pub auth: Auth,
}

/// How a record is authenticated when appended.
#[derive(Clone, Copy)]
pub enum Signer<'a> {
    Professional { owner: &'a str, key: &'a PrivateKey },
    Anonymous,
}

fn message(record: &AccessRecord, key_commitment: &[u8; 32]) -> Result<Vec<u8>> {
    let mut v = serde_json::to_value(record).map_err(|_| Error::internal("cannot serialise"))?;
    if let Some(m) = v.as_object_mut() {
        m.remove("auth");
    }
    let mut body = Vec::new();
    crate::format::canonical_json(&v, &mut body);
    Ok(Context::new(ACCESS_FORMAT)
        .with_bytes(key_commitment)
        .with_bytes(&body)
        .as_bytes()
        .to_vec())
}

fn hmac(z: &SymmetricKey, backup_id: &[u8; 16], msg: &[u8]) -> Result<Hmac<sha2::Sha256>> {
    let k = super::derive(z, backup_id, "access log");
    let mut m = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&*k)
        .map_err(|_| Error::internal("HMAC key"))?;
    m.update(msg);
    Ok(m)
}

fn mac(z: &SymmetricKey, backup_id: &[u8; 16], msg: &[u8]) -> Result<[u8; 32]> {
    Ok(hmac(z, backup_id, msg)?.finalize().into_bytes().into())
}

/// Checks a MAC in constant time.
fn mac_matches(z: &SymmetricKey, backup_id: &[u8; 16], msg: &[u8], tag: &[u8]) -> bool {
    hmac(z, backup_id, msg).is_ok_and(|m| m.verify_slice(tag).is_ok())
}

/// Appends one record under an exclusive lock on the log file. Returns it.
#[allow(clippy::too_many_arguments)]
pub fn append(
    path: &Path,
    z: &SymmetricKey,
    backup_id: &[u8; 16],
    action: &str,
    objects: Vec<String>,
    appendix: Option<String>,
    signer: Signer<'_>,
) -> Result<AccessRecord> {
    let mut opts = OpenOptions::new();
    opts.read(true).append(true).create(true);
    let mut file = opts
        .open(path)
        .map_err(|e| Error::io(path, "open the access log", e))?;
    file.lock()
        .map_err(|e| Error::io(path, "lock the access log", e))?;
    let mut existing = Vec::new();
    file.read_to_end(&mut existing)
        .map_err(|e| Error::io(path, "read the access log", e))?;
    let (line, record) = next_line(&existing, z, backup_id, action, objects, appendix, signer)?;
    file.write_all(&line)
        .and_then(|_| file.sync_data())
        .map_err(|e| Error::io(path, "append to the access log", e))?;
    Ok(record)
}

/// The line that appends one record to the log `existing`, chained to its
/// last line (with a newline first if that line is torn), and the record.
/// Used for a log on local disk (under a lock) and on an object store
/// (under a conditional write).
#[allow(clippy::too_many_arguments)]
pub fn next_line(
    existing: &[u8],
    z: &SymmetricKey,
    backup_id: &[u8; 16],
    action: &str,
    objects: Vec<String>,
    appendix: Option<String>,
    signer: Signer<'_>,
) -> Result<(Vec<u8>, AccessRecord)> {
    // A torn last line (a crash mid-append) is left as it is and chained over.
    let lines: Vec<&[u8]> = existing
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let prev = lines
        .last()
        .map(|l| hex(&crate::crypto::sha256(l)))
        .unwrap_or_else(|| "0".repeat(64));
    let kc = super::key_commitment(z, backup_id);
    let mut record = AccessRecord {
        format: ACCESS_FORMAT.to_string(),
        backup: hex(backup_id),
        seq: lines.len() as u64,
        prev,
        time: crate::now_rfc3339(),
        action: action.to_string(),
        objects,
        appendix,
        by: None,
        auth: Auth::Mac(String::new()),
    };
    match signer {
        Signer::Professional { owner, key } => {
            record.by = Some(Author {
                owner: owner.to_string(),
                fingerprint: key.public().fingerprint(),
                spki: key.public().to_pem(),
            });
            record.auth = Auth::Signature(b64::encode(&key.sign(&message(&record, &kc)?)?));
        }
        Signer::Anonymous => {
            record.auth = Auth::Mac(hex(&mac(z, backup_id, &message(&record, &kc)?)?));
        }
    }
    let mut line = serde_json::to_vec(&record).map_err(|_| Error::internal("cannot serialise"))?;
    if existing.last().is_some_and(|b| *b != b'\n') {
        line.insert(0, b'\n');
    }
    line.push(b'\n');
    Ok((line, record))
}

/// What a reader can say about one line.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Checked {
    pub record: Option<AccessRecord>,
    /// `signed`, `mac-valid`, `mac-unchecked` (no key given) or a problem.
    pub status: String,
    /// Whether seq and prev continue the chain.
    pub chained: bool,
}

/// Reads and checks the log. Signatures are checked against the public
/// key each record carries and the backup's key commitment `kc` (from the
/// card, or from `signature.json`); MACs need the card's key `z`.
pub fn read(
    path: &Path,
    backup_id: &[u8; 16],
    kc: &[u8; 32],
    z: Option<&SymmetricKey>,
) -> Result<Vec<Checked>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(path, "read the access log", e)),
    };
    Ok(check_log(&bytes, backup_id, kc, z))
}

/// Checks the log's bytes line by line (see [`read`]): the parser the
/// `access_log` fuzz target drives.
pub fn check_log(
    bytes: &[u8],
    backup_id: &[u8; 16],
    kc: &[u8; 32],
    z: Option<&SymmetricKey>,
) -> Vec<Checked> {
    let mut out = Vec::new();
    let mut prev = "0".repeat(64);
    for (i, line) in bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let parsed: Option<AccessRecord> =
            crate::format::parse_strict(line, "access log", "record").ok();
        let (status, chained) = match &parsed {
            None => ("malformed line".to_string(), false),
            Some(r) => (
                check(r, backup_id, kc, z),
                r.seq == i as u64 && r.prev == prev,
            ),
        };
        out.push(Checked {
            record: parsed,
            status,
            chained,
        });
        prev = hex(&crate::crypto::sha256(line));
    }
    out
}

fn check(
    r: &AccessRecord,
    backup_id: &[u8; 16],
    kc: &[u8; 32],
    z: Option<&SymmetricKey>,
) -> String {
    if r.format != ACCESS_FORMAT {
        return format!("unknown format {}", r.format);
    }
    if r.backup != hex(backup_id) {
        return "INVALID: belongs to another backup".into();
    }
    let Ok(msg) = message(r, kc) else {
        return "INVALID: cannot encode".into();
    };
    match (&r.auth, &r.by) {
        (Auth::Signature(sig), Some(by)) => {
            let Ok(key) = PublicKey::from_pem(&by.spki) else {
                return "INVALID: bad public key".into();
            };
            if key.fingerprint() != by.fingerprint {
                return "INVALID: key does not match its fingerprint".into();
            }
            match b64::decode(sig, "signature") {
                Ok(sig) if key.verify(&msg, &sig) => "signed".into(),
                _ => "INVALID signature".into(),
            }
        }
        (Auth::Signature(_), None) => "INVALID: signature without signer".into(),
        (Auth::Mac(m), _) => {
            let Some(z) = z else {
                return "mac-unchecked".into();
            };
            let ok = parse_hex32(m).is_some_and(|tag| mac_matches(z, backup_id, &msg, &tag));
            if ok {
                "mac-valid".into()
            } else {
                "INVALID mac".into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macs_verify_only_under_the_cards_key_and_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("access-log.jsonl");
        let (z, id) = (SymmetricKey::generate(), [5u8; 16]);
        let kc = super::super::key_commitment(&z, &id);
        append(
            &log,
            &z,
            &id,
            "emergency-decrypt",
            vec!["0".repeat(32)],
            None,
            Signer::Anonymous,
        )
        .unwrap();
        let status = |z: Option<&SymmetricKey>| read(&log, &id, &kc, z).unwrap()[0].status.clone();
        assert_eq!(status(Some(&z)), "mac-valid");
        assert_eq!(status(None), "mac-unchecked");
        assert_eq!(status(Some(&SymmetricKey::generate())), "INVALID mac");
        let text = std::fs::read_to_string(&log).unwrap();
        let mut r: AccessRecord = serde_json::from_str(text.trim()).unwrap();
        for change in [
            |r: &mut AccessRecord| r.objects.push("1".repeat(32)),
            |r: &mut AccessRecord| {
                let Auth::Mac(m) = &mut r.auth else { panic!() };
                m.replace_range(0..1, if m.starts_with('0') { "1" } else { "0" });
            },
        ] {
            let before = r.clone();
            change(&mut r);
            std::fs::write(&log, serde_json::to_string(&r).unwrap() + "\n").unwrap();
            assert_eq!(status(Some(&z)), "INVALID mac");
            r = before;
        }
    }
}
