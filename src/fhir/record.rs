//! How a resource becomes an entity (docs/FORMAT.md §12): its entity kind
//! and id, and the record sealed in `encryptedSelf`.
//!
//! Records:
//! - `ehrcrypt/fhir-entry/v1`: one resource, as its Bundle entry's text,
//!   with where it came from (`import`, `input`, `index`) so that export
//!   puts entries back in their order;
//! - `ehrcrypt/fhir-bundle/v1`: a Bundle's own members (id, type, meta,
//!   timestamp, link, total...), so that export gives the Bundle back.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::resource::{ResourceHead, ResourceType};
use crate::entity::EntityKind;
use crate::error::{Error, Result};

pub const ENTRY_FORMAT: &str = "ehrcrypt/fhir-entry/v1";
pub const BUNDLE_FORMAT: &str = "ehrcrypt/fhir-bundle/v1";
const ENTRY_PREFIX: &str = "ehrcrypt/fhir-entry/";
const BUNDLE_PREFIX: &str = "ehrcrypt/fhir-bundle/";

/// The entity kind of a resource type: the iCure kinds that FHIR types
/// correspond to (an encounter is a contact, a problem or an allergy a
/// health element), `form` for every other type. The exact type stays in
/// the encrypted record.
pub fn kind_of(rtype: &ResourceType) -> EntityKind {
    match rtype.as_str() {
        "Patient" => EntityKind::Patient,
        "Encounter" | "EpisodeOfCare" => EntityKind::Contact,
        "Condition" | "AllergyIntolerance" => EntityKind::HealthElement,
        _ => EntityKind::Form,
    }
}

/// The entity id of a resource: `Type/id` (ids are unique per type only);
/// without an id, its `urn:uuid:`/`urn:oid:` fullUrl; else a fresh
/// `urn:uuid:`.
pub fn entity_id(head: &ResourceHead, full_url: Option<&str>) -> String {
    if let Some(k) = head.key() {
        return k.to_string();
    }
    match full_url {
        Some(u) if u.starts_with("urn:uuid:") || u.starts_with("urn:oid:") => u.to_string(),
        _ => format!("urn:uuid:{}", uuid::Uuid::new_v4()),
    }
}

/// Where a record comes from: one import run, its `input`-th input, the
/// `index`-th resource of that input.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub import: String,
    pub input: u64,
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The record of one resource: compact JSON, the entry's text kept as is.
pub fn entry_record(id: &str, origin: &Origin, index: u64, entry: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entry.len() + 160);
    out.extend_from_slice(
        format!(
            "{{\"format\":\"{ENTRY_FORMAT}\",\"id\":{},\"import\":{},\"input\":{},\"index\":{index},\"entry\":",
            json_str(id),
            json_str(&origin.import),
            origin.input
        )
        .as_bytes(),
    );
    out.extend_from_slice(entry);
    out.push(b'}');
    out
}

/// The record of a Bundle's own members; `entry` stands where the entries go.
pub fn bundle_record(id: &str, origin: &Origin, shell: &super::input::Shell) -> Vec<u8> {
    let mut out = format!(
        "{{\"format\":\"{BUNDLE_FORMAT}\",\"id\":{},\"import\":{},\"input\":{},\"entries\":{},\"bundle\":{{",
        json_str(id),
        json_str(&origin.import),
        origin.input,
        shell.entries
    )
    .into_bytes();
    for (i, (name, text)) in shell.members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(json_str(name).as_bytes());
        out.push(b':');
        if name == "entry" {
            out.extend_from_slice(b"[]");
        } else {
            out.extend_from_slice(text);
        }
    }
    out.extend_from_slice(b"}}");
    out
}

/// A decrypted record, either kind.
#[derive(Debug, Deserialize)]
pub struct Stored {
    pub format: String,
    pub import: String,
    pub input: u64,
    #[serde(default)]
    pub index: u64,
    pub entry: Option<Box<RawValue>>,
    pub bundle: Option<Box<RawValue>>,
}

impl Stored {
    /// Parses a decrypted record; `Ok(None)` for a record that is not a
    /// FHIR one (another entity in the same directory).
    pub fn parse(bytes: &[u8], source: &str) -> Result<Option<Stored>> {
        #[derive(Deserialize)]
        struct Probe {
            format: Option<String>,
        }
        let probe: Probe = match serde_json::from_slice(bytes) {
            Ok(p) => p,
            Err(_) => return Ok(None),
        };
        let Some(f) = probe.format else {
            return Ok(None);
        };
        let (prefix, what) = if f.starts_with(ENTRY_PREFIX) {
            (ENTRY_PREFIX, "FHIR entry record")
        } else if f.starts_with(BUNDLE_PREFIX) {
            (BUNDLE_PREFIX, "FHIR bundle record")
        } else {
            return Ok(None);
        };
        let v: serde_json::Value = serde_json::json!({ "format": f });
        crate::format::check_format(&v, prefix, 1, source, what)?;
        let s: Stored = crate::format::parse_strict(bytes, source, what)?;
        let ok = if prefix == ENTRY_PREFIX {
            s.entry.is_some()
        } else {
            s.bundle.is_some()
        };
        if !ok {
            return Err(Error::format(format!("{source}: malformed {what}")));
        }
        Ok(Some(s))
    }

    pub fn is_bundle(&self) -> bool {
        self.bundle.is_some()
    }

    pub fn origin(&self) -> Origin {
        Origin {
            import: self.import.clone(),
            input: self.input,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::resource::ResourceId;

    #[test]
    fn kinds_and_ids() {
        let t = |s: &str| ResourceType::new(s).unwrap();
        assert_eq!(kind_of(&t("Patient")), EntityKind::Patient);
        assert_eq!(kind_of(&t("Encounter")), EntityKind::Contact);
        assert_eq!(kind_of(&t("AllergyIntolerance")), EntityKind::HealthElement);
        assert_eq!(kind_of(&t("Observation")), EntityKind::Form);
        let head = ResourceHead {
            rtype: t("Observation"),
            id: Some(ResourceId::new("o1").unwrap()),
        };
        assert_eq!(entity_id(&head, Some("urn:uuid:x")), "Observation/o1");
        let anon = ResourceHead {
            rtype: t("Observation"),
            id: None,
        };
        assert_eq!(entity_id(&anon, Some("urn:uuid:x")), "urn:uuid:x");
        assert!(entity_id(&anon, Some("http://h/Observation/1")).starts_with("urn:uuid:"));
    }

    #[test]
    fn a_stored_record_with_a_repeated_key_is_malformed() {
        let o = Origin {
            import: "imp".into(),
            input: 1,
        };
        let r = entry_record(
            "Patient/p",
            &o,
            0,
            br#"{"resource":{"resourceType":"Patient"}}"#,
        );
        assert!(Stored::parse(&r, "r").unwrap().is_some());
        let text = String::from_utf8(r).unwrap();
        let twice = text.replacen(
            r#""resourceType":"Patient""#,
            r#""resourceType":"Patient","resourceType":"Group""#,
            1,
        );
        assert_ne!(twice, text);
        let e = Stored::parse(twice.as_bytes(), "r").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Format, "{e}");
    }

    #[test]
    fn records_parse_back() {
        let o = Origin {
            import: "imp".into(),
            input: 2,
        };
        let r = entry_record(
            "Patient/p",
            &o,
            7,
            br#"{"resource":{"resourceType":"Patient","v":5.80}}"#,
        );
        let s = Stored::parse(&r, "t").unwrap().unwrap();
        assert_eq!((s.index, s.origin()), (7, o.clone()));
        assert_eq!(
            s.entry.unwrap().get(),
            r#"{"resource":{"resourceType":"Patient","v":5.80}}"#
        );
        assert!(Stored::parse(br#"{"id": 1, "name": "x"}"#, "t")
            .unwrap()
            .is_none());
        let newer =
            br#"{"format": "ehrcrypt/fhir-entry/v9", "import": "i", "input": 0, "entry": {}}"#;
        assert!(Stored::parse(newer, "t")
            .unwrap_err()
            .message()
            .contains("newer"));
    }
}
