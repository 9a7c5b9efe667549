//! References between resources (FHIR R4 §2.3.0 "Reference", §2.36.0.3
//! "Resolving references in Bundles"): parsing the forms a `reference`
//! string takes, resolving them against a bundle's entries, and finding or
//! rewriting every reference inside a resource.

use serde_json::Value;

use super::resource::{ResourceKey, ResourceType};

/// The form of a `Reference.reference` string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reference {
    /// `#id`: a resource contained in the referring one (`#` alone is the
    /// container itself).
    Contained(String),
    /// `Type/id` or `Type/id/_history/v`, relative to the service base
    /// (in a bundle: to the base of the referring entry's `fullUrl`).
    Relative {
        key: ResourceKey,
        version: Option<String>,
    },
    /// `http(s)://base/Type/id[/_history/v]`.
    Absolute {
        base: String,
        key: ResourceKey,
        version: Option<String>,
    },
    /// `urn:uuid:…` or `urn:oid:…`: names an entry by its `fullUrl`.
    Urn(String),
    /// Anything else (another URL scheme, a malformed value): kept as it is.
    Other(String),
}

impl Reference {
    pub fn parse(s: &str) -> Reference {
        if let Some(id) = s.strip_prefix('#') {
            return Reference::Contained(id.to_string());
        }
        if s.starts_with("urn:uuid:") || s.starts_with("urn:oid:") {
            return Reference::Urn(s.to_string());
        }
        let url = s.starts_with("http://") || s.starts_with("https://");
        let (path, version) = match s.split_once("/_history/") {
            Some((p, v)) if !v.is_empty() && !v.contains('/') => (p, Some(v.to_string())),
            _ => (s, None),
        };
        // The last two segments are Type/id; what precedes them is the base.
        let mut it = path.rsplitn(3, '/');
        let (id, rtype, rest) = (it.next(), it.next(), it.next());
        let key = match (rtype, id) {
            (Some(t), Some(i)) => ResourceKey::parse(&format!("{t}/{i}")).ok(),
            _ => None,
        };
        match (key, url, rest) {
            (Some(key), false, None) => Reference::Relative { key, version },
            (Some(key), true, Some(base)) => Reference::Absolute {
                base: base.to_string(),
                key,
                version,
            },
            _ => Reference::Other(s.to_string()),
        }
    }

    /// The `Type/id` this names, when it names one.
    pub fn key(&self) -> Option<&ResourceKey> {
        match self {
            Reference::Relative { key, .. } | Reference::Absolute { key, .. } => Some(key),
            _ => None,
        }
    }

    /// The `fullUrl` an entry must have to be the target, for a reference
    /// made in an entry whose `fullUrl` is `from` (§2.36.0.3): absolute
    /// and `urn:` references name it directly; a relative one is resolved
    /// against the base of an absolute `from`.
    pub fn full_url(&self, from: Option<&str>) -> Option<String> {
        match self {
            Reference::Urn(u) => Some(u.clone()),
            Reference::Absolute { base, key, .. } => Some(format!("{base}/{key}")),
            Reference::Relative { key, .. } => {
                let from = from?;
                match Reference::parse(from) {
                    Reference::Absolute { base, .. } => Some(format!("{base}/{key}")),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// Every `reference` string in `value` (a resource, or any part of one),
/// in document order: every object with a string member `reference` is a
/// Reference, wherever it sits (`subject`, `performer[0].actor`, an
/// extension's `valueReference`, a contained resource).
pub fn references(value: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    collect(value, &mut out);
    out
}

fn collect<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("reference") {
                out.push(r);
            }
            for v in m.values() {
                collect(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// Rewrites every `reference` string in `value`: `f` returns the new text,
/// or `None` to keep it. Returns how many were changed. (Pseudonymisation
/// replaces ids this way; `#id` references are usually left alone, since
/// contained ids are local to the resource.)
pub fn rewrite_references(
    value: &mut Value,
    f: &mut dyn FnMut(&Reference) -> Option<String>,
) -> usize {
    match value {
        Value::Object(m) => {
            let mut n = 0;
            if let Some(Value::String(r)) = m.get_mut("reference") {
                if let Some(new) = f(&Reference::parse(r)) {
                    *r = new;
                    n += 1;
                }
            }
            for (k, v) in m.iter_mut() {
                if k != "reference" {
                    n += rewrite_references(v, f);
                }
            }
            n
        }
        Value::Array(a) => a.iter_mut().map(|v| rewrite_references(v, f)).sum(),
        _ => 0,
    }
}

/// The references at an element path of a resource (`subject`,
/// `performer.actor`): each segment steps into a member, through arrays.
pub fn references_at<'a>(resource: &'a Value, path: &[&str]) -> Vec<&'a str> {
    let mut here = vec![resource];
    for seg in path {
        let mut next = Vec::new();
        for v in here {
            match v.get(seg) {
                Some(Value::Array(a)) => next.extend(a.iter()),
                Some(x) => next.push(x),
                None => {}
            }
        }
        here = next;
    }
    here.iter()
        .filter_map(|v| v.get("reference").and_then(Value::as_str))
        .collect()
}

/// Whether `r` can only name a resource of type `t` or has no type at all
/// (`urn:uuid:`): used to skip a `Practitioner/…` performer when looking
/// for a patient.
pub fn may_name(r: &Reference, t: &ResourceType) -> bool {
    match r.key() {
        Some(k) => &k.rtype == t,
        None => matches!(r, Reference::Urn(_)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn forms() {
        let rel = Reference::parse("Patient/123");
        assert_eq!(rel.key().unwrap().to_string(), "Patient/123");
        assert!(matches!(
            Reference::parse("Patient/123/_history/4"),
            Reference::Relative { version: Some(v), .. } if v == "4"
        ));
        match Reference::parse("https://example.org/fhir/Patient/123") {
            Reference::Absolute { base, key, .. } => {
                assert_eq!(base, "https://example.org/fhir");
                assert_eq!(key.to_string(), "Patient/123");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            Reference::parse("#med1"),
            Reference::Contained("med1".into())
        );
        assert!(matches!(
            Reference::parse("urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"),
            Reference::Urn(_)
        ));
        for other in [
            "patient/1",
            "a/b/c",
            "Patient",
            "ftp://x/Patient/1",
            "x/Patient/1",
        ] {
            assert!(
                matches!(Reference::parse(other), Reference::Other(_)),
                "{other}"
            );
        }
    }

    #[test]
    fn resolution_in_a_bundle() {
        let from = Some("http://example.org/fhir/Observation/o1");
        assert_eq!(
            Reference::parse("Patient/p1").full_url(from).as_deref(),
            Some("http://example.org/fhir/Patient/p1")
        );
        assert_eq!(
            Reference::parse("Patient/p1").full_url(Some("urn:uuid:x")),
            None
        );
        assert_eq!(
            Reference::parse("urn:uuid:abc").full_url(None).as_deref(),
            Some("urn:uuid:abc")
        );
    }

    #[test]
    fn finds_and_rewrites_every_reference() {
        let mut r = json!({
            "resourceType": "Observation",
            "subject": {"reference": "Patient/p1"},
            "performer": [{"reference": "Practitioner/d1"}, {"display": "no reference"}],
            "extension": [{"url": "x", "valueReference": {"reference": "urn:uuid:abc"}}],
            "contained": [{"resourceType": "Medication", "id": "m", "manufacturer": {"reference": "Organization/o"}}],
            "hasMember": [{"reference": "#m"}]
        });
        assert_eq!(
            references(&r),
            [
                "Patient/p1",
                "Practitioner/d1",
                "urn:uuid:abc",
                "Organization/o",
                "#m"
            ]
        );
        assert_eq!(references_at(&r, &["performer"]), ["Practitioner/d1"]);
        let n = rewrite_references(&mut r, &mut |re| match re.key() {
            Some(k) if k.rtype.as_str() == "Patient" => Some(format!("Patient/pseudo-{}", k.id)),
            _ => None,
        });
        assert_eq!(n, 1);
        assert_eq!(r["subject"]["reference"], "Patient/pseudo-p1");
        assert_eq!(r["performer"][0]["reference"], "Practitioner/d1");
    }
}
