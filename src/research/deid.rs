//! What reaches a researcher (seed 004, RDS): FHIR R4 resources with
//! direct identifiers removed and every id and reference replaced by a
//! study pseudonym. Pseudonyms are HMAC-SHA256 under a per-study key of the
//! clinic, truncated to 128 bits: stable within a study (the same patient
//! gets the same pseudonym in every publication), unlinkable between two
//! studies (two keys), and not reversible by anyone but the clinic, which
//! keeps the sealed table back (`research reidentify`).
//!
//! The fields removed are listed in README ("Pseudonyms"); keep the two in step.

use hkdf::hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

/// Resource types that describe a person: their names, contacts and
/// pictures go, birth dates keep only the year.
const PERSONS: [&str; 4] = ["Patient", "Practitioner", "RelatedPerson", "Person"];

/// Removed from person resources. Extensions go too: US Core and Synthea
/// put the mother's maiden name and the birth place there.
const PERSON_FIELDS: [&str; 4] = ["name", "contact", "extension", "modifierExtension"];

/// Removed wherever they occur: business identifiers (MRN, SSN,
/// passport), contact points, addresses, pictures.
const ANYWHERE: [&str; 4] = ["identifier", "telecom", "address", "photo"];

/// Pseudonymises the resources of one study.
pub struct Pseudonymizer {
    key: Zeroizing<[u8; 32]>,
    keep_notes: bool,
}

impl Pseudonymizer {
    pub fn new(key: Zeroizing<[u8; 32]>, keep_notes: bool) -> Self {
        Pseudonymizer { key, keep_notes }
    }

    fn mac(&self, parts: &[&str]) -> String {
        let mut m = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&self.key[..])
            .expect("HMAC takes any key length");
        for p in parts {
            // Length-prefixed, so ("ab","c") and ("a","bc") differ.
            m.update(&(p.len() as u64).to_be_bytes());
            m.update(p.as_bytes());
        }
        crate::crypto::hex(&m.finalize().into_bytes()[..16])
    }

    /// The study pseudonym of a patient (`citizen-pseudo`).
    pub fn patient(&self, patient_id: &str) -> String {
        format!("psn-{}", self.mac(&["patient", patient_id]))
    }

    /// The pseudonymous id of any other resource.
    pub fn resource(&self, resource_type: &str, id: &str) -> String {
        if resource_type == "Patient" {
            return self.patient(id);
        }
        format!("rid-{}", self.mac(&["resource", resource_type, id]))
    }

    /// Removes direct identifiers from `resource` and pseudonymises its id
    /// and every reference in it. `resolve` turns a reference as written
    /// (`Patient/1`, a URL, a `urn:uuid:`) into (type, id) where the input
    /// knows it.
    pub fn apply(&self, resource: &mut Value, resolve: &dyn Fn(&str) -> Option<(String, String)>) {
        let Some(obj) = resource.as_object_mut() else {
            return;
        };
        let rtype = obj
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if let Some(id) = obj.get("id").and_then(Value::as_str) {
            let p = self.resource(&rtype, id);
            obj.insert("id".into(), Value::String(p));
        }
        // The narrative repeats the resource in free text (names included);
        // meta may name the source system.
        obj.remove("text");
        obj.remove("meta");
        if PERSONS.contains(&rtype.as_str()) {
            for f in PERSON_FIELDS {
                obj.remove(f);
            }
            for f in ["birthDate", "deceasedDateTime"] {
                if let Some(Value::String(d)) = obj.get_mut(f) {
                    d.truncate(4);
                }
            }
        }
        self.walk_object(obj, resolve);
    }

    fn walk_object(
        &self,
        obj: &mut Map<String, Value>,
        resolve: &dyn Fn(&str) -> Option<(String, String)>,
    ) {
        for f in ANYWHERE {
            obj.remove(f);
        }
        if !self.keep_notes {
            obj.remove("note");
        }
        if let Some(Value::String(r)) = obj.get("reference") {
            // A Reference: its display text is usually a name.
            let new = self.reference(r, resolve);
            obj.insert("reference".into(), Value::String(new));
            obj.remove("display");
        }
        for (k, v) in obj.iter_mut() {
            if k == "contained" {
                if let Value::Array(items) = v {
                    for item in items {
                        self.apply_contained(item, resolve);
                    }
                }
                continue;
            }
            self.walk(v, resolve);
        }
    }

    fn apply_contained(
        &self,
        item: &mut Value,
        resolve: &dyn Fn(&str) -> Option<(String, String)>,
    ) {
        // Contained resources keep their local `#id`: it means nothing outside.
        let id = item.get("id").cloned();
        self.apply(item, resolve);
        if let (Some(id), Some(o)) = (id, item.as_object_mut()) {
            o.insert("id".into(), id);
        }
    }

    fn walk(&self, v: &mut Value, resolve: &dyn Fn(&str) -> Option<(String, String)>) {
        match v {
            Value::Object(o) => self.walk_object(o, resolve),
            Value::Array(a) => a.iter_mut().for_each(|x| self.walk(x, resolve)),
            _ => {}
        }
    }

    /// A reference, pseudonymised: `Type/pseudonym` where the target is
    /// known, a local `#id` unchanged, anything else replaced by an opaque
    /// value (a URL would name the source system).
    fn reference(&self, r: &str, resolve: &dyn Fn(&str) -> Option<(String, String)>) -> String {
        if r.starts_with('#') {
            return r.to_string();
        }
        match resolve(r) {
            Some((t, id)) => format!("{t}/{}", self.resource(&t, &id)),
            None => format!("urn:ehrcrypt:{}", self.mac(&["reference", r])),
        }
    }
}

/// The (type, id) a relative or absolute RESTful reference names
/// (`Patient/1`, `https://host/fhir/Patient/1/_history/2`), as the FHIR
/// module reads references.
pub fn parse_rest_reference(r: &str) -> Option<(String, String)> {
    crate::fhir::reference::Reference::parse(r)
        .key()
        .map(|k| (k.rtype.as_str().to_string(), k.id.as_str().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(key: u8) -> Pseudonymizer {
        Pseudonymizer::new(Zeroizing::new([key; 32]), false)
    }

    #[test]
    fn pseudonyms_are_stable_per_key_and_unlinkable_across_keys() {
        assert_eq!(p(1).patient("123"), p(1).patient("123"));
        assert_ne!(p(1).patient("123"), p(2).patient("123"));
        assert_ne!(p(1).patient("123"), p(1).patient("124"));
        assert_ne!(
            p(1).resource("Observation", "1"),
            p(1).resource("Condition", "1")
        );
        assert_eq!(p(1).patient("1").len(), 4 + 32);
    }

    #[test]
    fn direct_identifiers_go_and_references_follow_the_pseudonym() {
        let mut pat = json!({
            "resourceType": "Patient", "id": "123",
            "text": {"status": "generated", "div": "<div>John Keats</div>"},
            "identifier": [{"system": "urn:ssn", "value": "999-99-9999"}],
            "name": [{"family": "Keats", "given": ["John"]}],
            "telecom": [{"system": "phone", "value": "+44 20 7946 0000"}],
            "address": [{"line": ["10 Keats Grove"], "city": "London"}],
            "birthDate": "1795-10-31", "gender": "male",
            "generalPractitioner": [{"reference": "Practitioner/dr1", "display": "Dr Alice Smith"}]
        });
        let s = p(1);
        s.apply(&mut pat, &|r| parse_rest_reference(r));
        let text = pat.to_string();
        for gone in [
            "Keats", "John", "999-99", "7946", "London", "Alice", "1795-10",
        ] {
            assert!(!text.contains(gone), "{gone} survived: {text}");
        }
        assert_eq!(pat["birthDate"], "1795");
        assert_eq!(pat["gender"], "male");
        assert_eq!(pat["id"], s.patient("123"));
        assert_eq!(
            pat["generalPractitioner"][0]["reference"],
            format!("Practitioner/{}", s.resource("Practitioner", "dr1"))
        );

        let mut obs = json!({
            "resourceType": "Observation", "id": "o1",
            "subject": {"reference": "https://ehr.example/fhir/Patient/123/_history/4", "display": "John Keats"},
            "note": [{"text": "patient mentioned his sister Fanny"}],
            "valueQuantity": {"value": 7.2, "unit": "mmol/L"}
        });
        s.apply(&mut obs, &|r| parse_rest_reference(r));
        assert_eq!(
            obs["subject"]["reference"],
            format!("Patient/{}", s.patient("123"))
        );
        assert!(obs.get("note").is_none());
        assert_eq!(obs["valueQuantity"]["value"], 7.2);
    }

    #[test]
    fn notes_stay_when_asked_and_unknown_references_become_opaque() {
        let s = Pseudonymizer::new(Zeroizing::new([3; 32]), true);
        let mut c = json!({"resourceType": "Condition", "note": [{"text": "n"}],
            "evidence": [{"detail": [{"reference": "urn:uuid:abc"}]}]});
        s.apply(&mut c, &|_| None);
        assert_eq!(c["note"][0]["text"], "n");
        let r = c["evidence"][0]["detail"][0]["reference"].as_str().unwrap();
        assert!(r.starts_with("urn:ehrcrypt:") && !r.contains("abc"));
    }

    #[test]
    fn rest_references_parse() {
        assert_eq!(
            parse_rest_reference("Patient/1"),
            Some(("Patient".into(), "1".into()))
        );
        assert_eq!(
            parse_rest_reference("http://h/fhir/Observation/a-1/_history/2"),
            Some(("Observation".into(), "a-1".into()))
        );
        assert_eq!(parse_rest_reference("urn:uuid:1234"), None);
        assert_eq!(parse_rest_reference("#c1"), None);
    }
}
