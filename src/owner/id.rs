//! The identifier of a data owner, checked where it is made: every owner
//! id in a keystore, a document or a file name went through [`OwnerId::new`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The identifier of a data owner: 1 to 128 characters from
/// `A-Z a-z 0-9 . _ : @ -`, and not `.` or `..`, so that it is safe in file
/// names and messages.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct OwnerId(String);

impl OwnerId {
    pub fn new(s: &str) -> Result<Self> {
        let ok = !s.is_empty()
            && s.len() <= 128
            && s != "."
            && s != ".."
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-_:@".contains(&b));
        if ok {
            Ok(OwnerId(s.to_string()))
        } else {
            // Debug-quoted: an id from a received document may hold escapes.
            Err(Error::usage(format!("{s:?} is not a valid owner id"))
                .hint("use 1-128 characters from A-Z a-z 0-9 . _ : @ - (not . or ..)"))
        }
    }

    /// A fresh random id (UUID v4).
    pub fn random() -> Self {
        OwnerId(uuid::Uuid::new_v4().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for OwnerId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        OwnerId::new(s)
    }
}

impl<'de> Deserialize<'de> for OwnerId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        OwnerId::new(&s).map_err(|e| serde::de::Error::custom(e.message().to_string()))
    }
}

impl fmt::Display for OwnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl fmt::Debug for OwnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OwnerId({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn owner_ids_take_a_safe_alphabet_and_length() {
        let long = "x".repeat(128);
        for ok in ["A", "a.b_c:d@e-f", "...", long.as_str(), "0f8c1d2e-uuid"] {
            assert_eq!(OwnerId::new(ok).unwrap().as_str(), ok);
        }
        let too_long = "x".repeat(129);
        for bad in [
            "",
            ".",
            "..",
            "a b",
            "a/b",
            "a\\b",
            "é",
            "a\n",
            too_long.as_str(),
        ] {
            let err = OwnerId::new(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Usage, "{bad:?}");
        }
    }

    #[test]
    fn owner_id_errors_do_not_echo_control_characters() {
        let err = OwnerId::new("\u{1b}[31mred").unwrap_err();
        assert!(!err.message().contains('\u{1b}'), "{}", err.message());
        assert!(err.message().contains("\\u{1b}"));
    }

    #[test]
    fn owner_ids_are_checked_when_deserialised() {
        assert!(serde_json::from_str::<OwnerId>("\"a/b\"").is_err());
        assert!(serde_json::from_str::<OwnerId>("\"..\"").is_err());
        let id: OwnerId = serde_json::from_str("\"B\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"B\"");
    }

    #[test]
    fn random_ids_are_valid_and_distinct() {
        let (a, b) = (OwnerId::random(), OwnerId::random());
        assert_ne!(a, b);
        assert!(OwnerId::new(a.as_str()).is_ok());
    }
}
