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

/// The one JSON parser for untrusted documents (keystores, owner
/// documents, entities, manifests, access logs, records, and every format
/// added later): a syntax error is a one-line format error, and so is a
/// key that appears twice in one object, at any depth.
///
/// serde_json alone lets the last duplicate win in maps and
/// `serde_json::Value`, but refuses it in derived structs: two commands
/// reading the same file could then see different documents (issue 11,
/// defect 8). One rule everywhere: duplicates are malformed.
///
/// `T` is [`serde_json::Value`] or any `DeserializeOwned` type; a `T` that
/// does not match the JSON is a format error naming `what`.
pub fn parse_strict<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    source: &str,
    what: &str,
) -> Result<T> {
    reject_duplicate_keys(bytes, source, what)?;
    serde_json::from_slice(bytes).map_err(|e| malformed(source, what, &e))
}

/// The checks of [`parse_strict`] without building anything: for readers
/// that take a document apart with their own `DeserializeSeed` (the
/// entity reader keeps only the caller's delegations). Allocates only the
/// keys of the object being walked that contain escapes.
pub fn reject_duplicate_keys(bytes: &[u8], source: &str, what: &str) -> Result<()> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde::de::DeserializeSeed::deserialize(UniqueKeys, &mut de)
        .and_then(|()| de.end())
        .map_err(|e| malformed(source, what, &e))
}

/// One JSON value out of a larger document, parsed under the rules of
/// [`parse_strict`]; for readers that stream a document and take its
/// parts as [`serde_json::value::RawValue`]s.
pub fn strict_value(
    raw: &serde_json::value::RawValue,
) -> std::result::Result<serde_json::Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    serde::de::DeserializeSeed::deserialize(UniqueKeys, &mut de)?;
    serde_json::from_str(raw.get())
}

/// A serde_json error as a one-line format error: syntax and truncation
/// as [`json_error`] says them, anything else (a duplicate key, a wrong
/// type) as "malformed".
pub fn malformed(source: &str, what: &str, e: &serde_json::Error) -> Error {
    if e.is_syntax() || e.is_eof() {
        json_error(source, what, e)
    } else {
        Error::format(format!("{source}: malformed {what}: {e}"))
    }
}

/// Walks any JSON value and fails on the first object with a repeated key.
/// Depth is bounded by serde_json's recursion limit (128).
#[derive(Clone, Copy)]
pub(crate) struct UniqueKeys;

impl<'de> serde::de::DeserializeSeed<'de> for UniqueKeys {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for UniqueKeys {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<(), A::Error> {
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<(), A::Error> {
        // Most objects have a few keys: compared in a list, they cost no
        // hashing (this pass is a quarter of encrypting a large record);
        // past FEW, a set keeps a hostile object with many keys linear.
        const FEW: usize = 16;
        let mut few = Vec::new();
        let mut many = std::collections::HashSet::new();
        while let Some(key) = map.next_key_seed(KeyText)? {
            let repeated = if few.len() < FEW {
                few.contains(&key)
            } else {
                many.contains(&key) || few.contains(&key)
            };
            if repeated {
                return Err(duplicate_key(&key));
            }
            if few.len() < FEW {
                few.push(key);
            } else {
                many.insert(key);
            }
            map.next_value_seed(self)?;
        }
        Ok(())
    }
}

/// The error of a key seen twice in one object.
pub(crate) fn duplicate_key<E: serde::de::Error>(key: &str) -> E {
    // Debug quoting escapes control characters: the key comes from the
    // attacker and the message must stay one line.
    let shown: String = key.chars().take(64).collect();
    E::custom(format_args!("duplicate key {shown:?}"))
}

/// An object key, borrowed from the input when it has no escapes.
struct KeyText;

impl<'de> serde::de::DeserializeSeed<'de> for KeyText {
    type Value = std::borrow::Cow<'de, str>;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeyText {
    type Value = std::borrow::Cow<'de, str>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
        Ok(std::borrow::Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v.to_string()))
    }
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

    #[test]
    fn duplicates_are_found_in_objects_of_any_size() {
        // Past 16 keys the check keeps a set: a repeat of an early key and
        // of a late one, and the same keys without a repeat.
        let object = |keys: &[usize]| {
            let body: Vec<String> = keys.iter().map(|k| format!("\"k{k}\": {k}")).collect();
            format!("{{{}}}", body.join(", "))
        };
        let distinct: Vec<usize> = (0..40).collect();
        reject_duplicate_keys(object(&distinct).as_bytes(), "f", "doc").unwrap();
        for repeat in [3, 15, 16, 25, 39] {
            let mut keys = distinct.clone();
            keys.push(repeat);
            let e = reject_duplicate_keys(object(&keys).as_bytes(), "f", "doc").unwrap_err();
            assert!(
                e.message()
                    .contains(&format!("duplicate key \"k{repeat}\"")),
                "{e}"
            );
        }
    }

    #[test]
    fn parse_strict_refuses_duplicates_at_any_depth() {
        let ok: serde_json::Value =
            parse_strict(br#"{"a": {"b": [{"c": 1}, {"c": 2}]}, "b": 1}"#, "f", "doc").unwrap();
        assert_eq!(ok["a"]["b"][1]["c"], 2);
        for bad in [
            &br#"{"a": 1, "a": 2}"#[..],
            br#"{"x": {"k": "1", "k": "2"}}"#,
            br#"[{"k": 1, "\u006b": 2}]"#,
        ] {
            let e = parse_strict::<serde_json::Value>(bad, "f", "doc").unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Format, "{e}");
            assert!(e.message().contains("duplicate key"), "{e}");
            assert!(!e.message().contains('\n'));
        }
        // Typed targets get the same rule, even maps that would keep the last.
        let e = parse_strict::<std::collections::BTreeMap<String, u8>>(
            br#"{"k": 1, "k": 2}"#,
            "f",
            "doc",
        )
        .unwrap_err();
        assert!(e.message().contains("duplicate key \"k\""), "{e}");
        let e = parse_strict::<serde_json::Value>(br#"{"a": 1"#, "f", "doc").unwrap_err();
        assert!(e.message().contains("truncated"), "{e}");
        let e = parse_strict::<Vec<u8>>(br#"{"a": 1}"#, "f", "doc").unwrap_err();
        assert!(e.message().starts_with("f: malformed doc:"), "{e}");
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
