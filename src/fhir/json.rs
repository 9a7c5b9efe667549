//! JSON text handled as text: objects read as ordered lists of raw
//! members, and re-indentation that copies every token byte for byte.
//!
//! Why not a `serde_json::Value` round trip: FHIR decimals carry their
//! precision (`5.80` is not `5.8`, FHIR R4 §2.1.0 "decimal"), and a `Value`
//! stores numbers as `f64`. ehrcrypt keeps each resource's JSON text
//! exactly as it came and only changes the white space between tokens.

use std::fmt;
use std::io::{self, Write};

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// A JSON object as its members in document order, values as raw text
/// borrowed from the input. Duplicate names are refused: FHIR JSON has
/// none, and which of two values a reader keeps is unspecified.
pub struct RawObject<'a>(pub Vec<(String, &'a RawValue)>);

impl<'a> RawObject<'a> {
    /// Parses `text`, which must hold one JSON object and nothing else.
    pub fn parse(text: &'a [u8]) -> serde_json::Result<Self> {
        serde_json::from_slice(text)
    }

    pub fn get(&self, name: &str) -> Option<&'a RawValue> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
    }

    /// A member that must be a JSON string, as a string.
    pub fn get_str(&self, name: &str) -> Option<String> {
        self.get(name)
            .and_then(|v| serde_json::from_str::<String>(v.get()).ok())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawObject<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = RawObject<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject<'a>, A::Error> {
                let mut members: Vec<(String, &'a RawValue)> = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    if members.iter().any(|(n, _)| *n == k) {
                        return Err(serde::de::Error::custom(format!(
                            "the name \"{k}\" appears twice in one object"
                        )));
                    }
                    let v: &'a RawValue = map.next_value()?;
                    members.push((k, v));
                }
                Ok(RawObject(members))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// How [`reindent`] lays out JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// No white space at all: one line (ndjson).
    Compact,
    /// Two-space indentation, `"name": value`, empty `{}` and `[]` on one
    /// line: the layout of `serde_json::to_string_pretty`, and of the HL7
    /// examples.
    Pretty,
}

/// Writes the valid JSON `text` to `out` in `layout`, starting at nesting
/// `depth` (the indentation of the line it starts on). Strings, numbers and
/// literals are copied byte for byte; only white space between tokens
/// changes. `text` must already have been checked as JSON (this is a
/// layout pass, not a parser).
pub fn reindent(text: &[u8], layout: Layout, depth: usize, out: &mut dyn Write) -> io::Result<()> {
    let pretty = layout == Layout::Pretty;
    let mut depth = depth;
    let mut i = 0;
    let mut run = 0; // start of the bytes copied as they are
    let newline = |out: &mut dyn Write, depth: usize| -> io::Result<()> {
        out.write_all(b"\n")?;
        for _ in 0..depth {
            out.write_all(b"  ")?;
        }
        Ok(())
    };
    while i < text.len() {
        let b = text[i];
        match b {
            b'"' => {
                // A string: up to the next quote that no backslash escapes.
                i += 1;
                while i < text.len() {
                    match text[i] {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'[' | b'}' | b']' | b',' | b':' => {
                out.write_all(&text[run..i])?;
            }
            _ => {
                i += 1;
                continue;
            }
        }
        match b {
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                let next = text[i + 1..]
                    .iter()
                    .position(|c| !c.is_ascii_whitespace())
                    .map(|p| i + 1 + p);
                if next.is_some_and(|n| text[n] == close) {
                    out.write_all(&[b, close])?;
                    i = next.unwrap_or(i) + 1;
                    run = i;
                    continue;
                }
                out.write_all(&[b])?;
                depth += 1;
                if pretty {
                    newline(out, depth)?;
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if pretty {
                    newline(out, depth)?;
                }
                out.write_all(&[b])?;
            }
            b',' => {
                out.write_all(b",")?;
                if pretty {
                    newline(out, depth)?;
                }
            }
            b':' => out.write_all(if pretty { b": " } else { b":" })?,
            _ => {} // white space between tokens: dropped
        }
        i += 1;
        run = i;
    }
    out.write_all(&text[run.min(text.len())..])
}

/// [`reindent`] into a new buffer.
pub fn reindented(text: &[u8], layout: Layout) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    // Writing into a Vec cannot fail.
    let _ = reindent(text, layout, 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pretty_is_serde_json_pretty_and_compact_is_serde_json_compact() {
        let v = json!({"a": 1, "b": [1, 2.5, {"c": "x, \"y\": [z]"}], "e": {}, "f": [],
                       "g": {"h": [[]]}, "u": "é\u{1}\\"});
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        let compact = serde_json::to_string(&v).unwrap();
        for input in [&pretty, &compact] {
            assert_eq!(
                String::from_utf8(reindented(input.as_bytes(), Layout::Pretty)).unwrap(),
                pretty
            );
            assert_eq!(
                String::from_utf8(reindented(input.as_bytes(), Layout::Compact)).unwrap(),
                compact
            );
        }
    }

    #[test]
    fn numbers_and_escapes_are_kept_as_written() {
        let text = br#"{ "value" : 5.80, "big": 12345678901234567890123, "e": 1E+2,
                         "s": "\u00e9\"\\", "empty" : [ ] , "o": { } }"#;
        let out = String::from_utf8(reindented(text, Layout::Compact)).unwrap();
        assert_eq!(
            out,
            r#"{"value":5.80,"big":12345678901234567890123,"e":1E+2,"s":"\u00e9\"\\","empty":[],"o":{}}"#
        );
    }

    #[test]
    fn a_nested_start_depth_indents_continuation_lines() {
        let mut out = Vec::new();
        reindent(br#"{"a":[1]}"#, Layout::Pretty, 2, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\n      \"a\": [\n        1\n      ]\n    }"
        );
    }

    #[test]
    fn raw_objects_keep_order_and_refuse_duplicate_names() {
        let o = RawObject::parse(br#"{"z": 1, "a": {"b": 5.80}, "s": "x"}"#).unwrap();
        let names: Vec<&str> = o.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["z", "a", "s"]);
        assert_eq!(o.get("a").unwrap().get(), r#"{"b": 5.80}"#);
        assert_eq!(o.get_str("s").as_deref(), Some("x"));
        assert!(RawObject::parse(br#"{"a": 1, "a": 2}"#).is_err());
        assert!(RawObject::parse(b"[1]").is_err());
    }
}
