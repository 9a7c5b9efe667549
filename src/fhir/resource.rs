//! Resource types and logical ids (FHIR R4 §2.1.0 "id", §3.1.0 resource
//! names), checked once so that the rest of the code can rely on them.

use std::fmt;

use crate::error::{Error, Result};

/// A resource type name: an upper-case letter then letters
/// (`Patient`, `MedicationRequest`). Any such name is accepted, so that
/// resources of later FHIR versions and custom ones pass through.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceType(String);

impl ResourceType {
    pub fn new(s: &str) -> Result<Self> {
        let mut chars = s.chars();
        let ok = chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_alphabetic())
            && s.len() <= 64;
        if !ok {
            return Err(Error::format(format!(
                "\"{}\" is not a FHIR resource type",
                s.escape_debug()
            )));
        }
        Ok(ResourceType(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A logical id: 1 to 64 characters of `A-Z a-z 0-9 - .` (FHIR R4 `id`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId(String);

impl ResourceId {
    pub fn new(s: &str) -> Result<Self> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !ok {
            return Err(Error::format(format!(
                "\"{}\" is not a FHIR id (1 to 64 of A-Z a-z 0-9 - .)",
                s.escape_debug()
            )));
        }
        Ok(ResourceId(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `Type/id`: what identifies a resource on one server, and the form of a
/// relative reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceKey {
    pub rtype: ResourceType,
    pub id: ResourceId,
}

impl ResourceKey {
    /// Parses `Type/id` (exactly two segments).
    pub fn parse(s: &str) -> Result<Self> {
        let (t, id) = s
            .split_once('/')
            .ok_or_else(|| Error::format(format!("\"{}\" is not Type/id", s.escape_debug())))?;
        Ok(ResourceKey {
            rtype: ResourceType::new(t)?,
            id: ResourceId::new(id)?,
        })
    }
}

impl fmt::Display for ResourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.rtype, self.id)
    }
}

/// What ehrcrypt needs of a resource: its type, its id when it has one,
/// read from its JSON object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceHead {
    pub rtype: ResourceType,
    pub id: Option<ResourceId>,
}

impl ResourceHead {
    /// Reads `resourceType` and `id` of a parsed resource; anything else
    /// is not FHIR JSON.
    pub fn of(resource: &serde_json::Value) -> Result<Self> {
        let obj = resource
            .as_object()
            .ok_or_else(|| Error::format("not FHIR JSON: a resource must be a JSON object"))?;
        let rtype = match obj.get("resourceType") {
            Some(serde_json::Value::String(t)) => ResourceType::new(t)?,
            _ => {
                return Err(Error::format(
                    "not FHIR JSON: no \"resourceType\" string in the resource",
                ))
            }
        };
        let id = match obj.get("id") {
            None => None,
            Some(serde_json::Value::String(s)) => Some(ResourceId::new(s)?),
            Some(_) => return Err(Error::format("\"id\" is not a string")),
        };
        Ok(ResourceHead { rtype, id })
    }

    pub fn key(&self) -> Option<ResourceKey> {
        self.id.as_ref().map(|id| ResourceKey {
            rtype: self.rtype.clone(),
            id: id.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_ids_and_keys() {
        assert!(ResourceType::new("MedicationRequest").is_ok());
        for bad in ["", "patient", "Pa tient", "Patient1"] {
            assert!(ResourceType::new(bad).is_err(), "{bad}");
        }
        assert!(ResourceId::new("a-1.B").is_ok());
        for bad in ["", "a/b", "a_b", &"x".repeat(65)] {
            assert!(ResourceId::new(bad).is_err(), "{bad}");
        }
        let k = ResourceKey::parse("Patient/123").unwrap();
        assert_eq!(k.to_string(), "Patient/123");
        assert!(ResourceKey::parse("Patient/1/_history/2").is_err());
    }

    #[test]
    fn heads() {
        let h = ResourceHead::of(&json!({"resourceType": "Observation", "id": "o1"})).unwrap();
        assert_eq!(h.key().unwrap().to_string(), "Observation/o1");
        assert!(ResourceHead::of(&json!({"resourceType": "Patient"}))
            .unwrap()
            .id
            .is_none());
        assert!(ResourceHead::of(&json!({"id": "x"})).is_err());
        assert!(ResourceHead::of(&json!([1])).is_err());
        assert!(ResourceHead::of(&json!({"resourceType": "Patient", "id": 3})).is_err());
    }
}
