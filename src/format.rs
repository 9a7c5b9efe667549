//! Every file ehrcrypt writes names its format and version in a `format`
//! field (`ehrcrypt/<thing>/v<N>`). This module recognises those markers,
//! refuses versions newer than this build understands, and turns JSON
//! parse errors into one-line messages that say what and where.

use crate::error::{Error, Result};

/// Checks that `value` is a JSON object whose `format` is `{prefix}v{N}`
/// with `N <= supported`. `what` names the expected kind of file.
pub fn check_format(
    value: &serde_json::Value,
    prefix: &str,
    supported: u32,
    source: &str,
    what: &str,
) -> Result<u32> {
    let Some(obj) = value.as_object() else {
        return Err(Error::format(format!(
            "{source}: not an ehrcrypt {what} (not a JSON object)"
        )));
    };
    let Some(fmt) = obj.get("format").and_then(|f| f.as_str()) else {
        return Err(Error::format(format!(
            "{source}: not an ehrcrypt {what} (no \"format\" field)"
        )));
    };
    let Some(version) = fmt.strip_prefix(prefix) else {
        return Err(Error::format(format!(
            "{source}: not an ehrcrypt {what} (its format is \"{fmt}\")"
        )));
    };
    let n: u32 = version
        .strip_prefix('v')
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| Error::format(format!("{source}: unknown {what} format \"{fmt}\"")))?;
    if n == 0 || n > supported {
        return Err(Error::format(format!(
            "{source}: {what} format \"{fmt}\" is newer than this ehrcrypt understands ({prefix}v{supported})"
        ))
        .hint("upgrade ehrcrypt to read it; the file was left untouched"));
    }
    Ok(n)
}

/// A JSON syntax error as a one-line message; EOF means truncation.
pub fn json_error(source: &str, what: &str, e: &serde_json::Error) -> Error {
    let msg = if e.is_eof() {
        format!(
            "{source}: {what} is truncated (unexpected end of JSON at line {})",
            e.line()
        )
    } else {
        format!(
            "{source}: {what} is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        )
    };
    Error::format(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_known_and_refuses_newer_or_foreign() {
        let ok = json!({"format": "ehrcrypt/keystore/v1"});
        assert_eq!(
            check_format(&ok, "ehrcrypt/keystore/", 1, "f", "keystore").unwrap(),
            1
        );
        let newer = json!({"format": "ehrcrypt/keystore/v2"});
        let e = check_format(&newer, "ehrcrypt/keystore/", 1, "f", "keystore").unwrap_err();
        assert!(e.message().contains("newer"));
        let other = json!({"format": "ehrcrypt/entity/v1"});
        assert!(check_format(&other, "ehrcrypt/keystore/", 1, "f", "keystore").is_err());
        assert!(check_format(&json!([1]), "ehrcrypt/keystore/", 1, "f", "keystore").is_err());
    }
}

/// A canonical byte encoding of a JSON value for associated data: object
/// keys sorted, no whitespace, strings and numbers as serde_json writes
/// them. Reformatting or reordering a file does not change it; changing a
/// value does.
pub fn canonical_json(value: &serde_json::Value, out: &mut Vec<u8>) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json_string(k, out);
                out.push(b':');
                canonical_json(&map[k], out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical_json(v, out);
            }
            out.push(b']');
        }
        Value::String(s) => write_json_string(s, out),
        other => out.extend_from_slice(other.to_string().as_bytes()),
    }
}

fn write_json_string(s: &str, out: &mut Vec<u8>) {
    // serde_json's string escaping is deterministic.
    out.extend_from_slice(
        serde_json::Value::String(s.to_string())
            .to_string()
            .as_bytes(),
    );
}

#[cfg(test)]
mod canonical_tests {
    use super::canonical_json;
    use serde_json::json;

    fn c(v: serde_json::Value) -> String {
        let mut out = Vec::new();
        canonical_json(&v, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn sorts_keys_recursively_and_keeps_array_order() {
        assert_eq!(
            c(json!({"b": 1, "a": {"d": [2, 1], "c": "x"}})),
            r#"{"a":{"c":"x","d":[2,1]},"b":1}"#
        );
        assert_ne!(c(json!({"a": "1"})), c(json!({"a": 1})));
    }
}

/// File names of encrypted and decrypted records, one rule for every
/// command (README, "Outputs"): encrypting names the output `NAME.enc.json`,
/// decrypting removes the `.enc` again, so a round trip gives back the
/// input's name and an encrypted file is recognisable by its name.
pub mod names {
    use std::ffi::{OsStr, OsString};

    /// `keats.json` → `keats.enc.json`; `keats.enc.json` stays;
    /// `notes` → `notes.enc.json`.
    pub fn encrypted(name: &OsStr) -> OsString {
        let Some(s) = name.to_str() else {
            let mut n = name.to_os_string();
            n.push(".enc.json");
            return n;
        };
        if s.ends_with(".enc.json") {
            return name.to_os_string();
        }
        let stem = s.strip_suffix(".json").unwrap_or(s);
        OsString::from(format!("{stem}.enc.json"))
    }

    /// `keats.enc.json` → `keats.json`; a name without `.enc.json` stays.
    pub fn decrypted(name: &OsStr) -> OsString {
        match name.to_str().and_then(|s| s.strip_suffix(".enc.json")) {
            Some(stem) if !stem.is_empty() => OsString::from(format!("{stem}.json")),
            _ => name.to_os_string(),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn encrypting_adds_enc_json_and_decrypting_removes_it() {
            for (plain, enc) in [
                ("keats.json", "keats.enc.json"),
                ("notes", "notes.enc.json"),
                ("a.b.json", "a.b.enc.json"),
            ] {
                assert_eq!(encrypted(OsStr::new(plain)), enc);
                assert_eq!(encrypted(OsStr::new(enc)), enc);
                let back = if plain == "notes" {
                    "notes.json"
                } else {
                    plain
                };
                assert_eq!(decrypted(OsStr::new(enc)), back);
            }
            assert_eq!(decrypted(OsStr::new("keats.json")), "keats.json");
            assert_eq!(decrypted(OsStr::new(".enc.json")), ".enc.json");
        }
    }
}
