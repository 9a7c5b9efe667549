//! Data owners (healthcare parties, patients, devices), their public keys
//! with fingerprints and trust, their private keys when held here, and the
//! public owner document that is exchanged between keystores.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::crypto::{Fingerprint, PrivateKey, PublicKey};
use crate::error::{Error, Result};
use crate::hcp_key::{HcPartyKey, SignerTrust};
use crate::pki::Cert;
use crate::research::PreKey;

pub mod id;
pub mod keys;

pub use id::OwnerId;
pub use keys::{KeyTrust, PrivateKeyEntry, PublicKeyEntry};

/// Longest display name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Checks a display name: non-empty, at most [`MAX_NAME_CHARS`] characters,
/// no control characters. Names are printed on terminals, and a name from a
/// received owner document must not be able to send escape sequences.
pub fn check_name(name: &str) -> Result<()> {
    let n = name.chars().count();
    if name.trim().is_empty() || n > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(
            Error::usage(format!("{name:?} is not a valid owner name")).hint(format!(
                "use 1-{MAX_NAME_CHARS} printable characters (no control characters)"
            )),
        );
    }
    Ok(())
}

/// What kind of data owner this is (iCure's healthcare party, patient, device).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OwnerKind {
    Hcp,
    Patient,
    Device,
}

impl fmt::Display for OwnerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            OwnerKind::Hcp => "hcp",
            OwnerKind::Patient => "patient",
            OwnerKind::Device => "device",
        })
    }
}

impl FromStr for OwnerKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "hcp" => Ok(OwnerKind::Hcp),
            "patient" => Ok(OwnerKind::Patient),
            "device" => Ok(OwnerKind::Device),
            _ => Err(Error::usage(format!(
                "'{s}' is not an owner kind (hcp, patient, device)"
            ))),
        }
    }
}

/// A data owner as a keystore holds it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    pub id: OwnerId,
    pub name: String,
    pub kind: OwnerKind,
    /// Oldest first; the last one is the current key.
    pub public_keys: Vec<PublicKeyEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_keys: Vec<PrivateKeyEntry>,
    /// Exchange keys this owner created, keyed by delegate (seed 000).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hc_party_keys: BTreeMap<OwnerId, Vec<HcPartyKey>>,
    /// Proxy re-encryption public keys for research grants, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pre_keys: Vec<PreKey>,
}

impl Owner {
    /// The newest research pre-key whose signing key is verified here: the
    /// only one a grant may go to.
    pub fn verified_pre_key(&self) -> Result<&PreKey> {
        let mut unverified = false;
        for k in self.pre_keys.iter().rev() {
            match k.check(&self.id, &self.public_keys)? {
                SignerTrust::Verified => return Ok(k),
                SignerTrust::Unverified => unverified = true,
            }
        }
        Err(if unverified {
            Error::refused(format!(
                "the research key of {} is signed by a key not verified here",
                self.id
            ))
            .hint(format!(
                "compare fingerprints with {0} out of band, then `ehrcrypt owner verify {0} --fingerprint FP`",
                self.id
            ))
        } else {
            Error::not_found(format!("{} has published no research key", self.id)).hint(format!(
                "{0} runs `ehrcrypt research init --as {0}` and sends you their owner document again",
                self.id
            ))
        })
    }

    /// Whether this keystore holds a private key of the owner.
    pub fn is_local(&self) -> bool {
        !self.private_keys.is_empty()
    }

    pub fn public_key(&self, fp: &Fingerprint) -> Option<&PublicKeyEntry> {
        self.public_keys.iter().find(|k| &k.fingerprint == fp)
    }

    pub fn current_key(&self) -> Option<&PublicKeyEntry> {
        self.public_keys.last()
    }

    pub fn private_key_entry(&self, fp: &Fingerprint) -> Option<&PrivateKeyEntry> {
        self.private_keys.iter().find(|k| &k.fingerprint == fp)
    }

    /// The newest key whose private key is held here: the one that signs,
    /// and the one `key export-private` exports by default.
    pub fn current_private_key_entry(&self) -> Option<&PrivateKeyEntry> {
        self.public_keys
            .iter()
            .rev()
            .find_map(|k| self.private_key_entry(&k.fingerprint))
    }

    /// The fingerprint of the newest private key held here (the one that
    /// signs); not found for an owner without one.
    pub fn current_private_fingerprint(&self) -> Result<Fingerprint> {
        self.current_private_key_entry()
            .map(|k| k.fingerprint)
            .ok_or_else(|| {
                Error::not_found(format!(
                    "owner {} has no private key in this keystore",
                    self.id
                ))
            })
    }

    /// Checks that `passphrase` opens this owner's keys held here (all of
    /// an owner's keys are under one passphrase); true for an owner with
    /// none.
    pub fn check_passphrase(&self, passphrase: &[u8]) -> Result<()> {
        match self.current_private_key_entry() {
            Some(k) => self.unlock(&k.fingerprint, passphrase).map(drop),
            None => Ok(()),
        }
    }

    /// Adds a key pair generated or imported here: its public key is
    /// verified by construction.
    pub fn add_key_pair(&mut self, key: &PrivateKey, passphrase: &[u8]) -> Result<()> {
        let fp = key.public().fingerprint();
        let pem = key.to_encrypted_pem(passphrase)?;
        match self.public_keys.iter_mut().find(|k| k.fingerprint == fp) {
            Some(entry) => entry.verified = true,
            None => self.public_keys.push(PublicKeyEntry::new(
                key.public(),
                crate::now_rfc3339(),
                true,
            )),
        }
        self.private_keys.retain(|k| k.fingerprint != fp);
        self.private_keys.push(PrivateKeyEntry {
            fingerprint: fp,
            pkcs8: pem.to_string(),
        });
        Ok(())
    }

    /// Decrypts the private key with fingerprint `fp`.
    pub fn unlock(&self, fp: &Fingerprint, passphrase: &[u8]) -> Result<PrivateKey> {
        let entry = self.private_key_entry(fp).ok_or_else(|| {
            Error::not_found(format!(
                "no private key {} of owner {} in this keystore",
                fp.short(),
                self.id
            ))
        })?;
        let key = PrivateKey::from_encrypted_pem(&entry.pkcs8, passphrase)
            .map_err(|e| e.context(format!("owner {} key {}", self.id, fp.short())))?;
        if key.public().fingerprint() != *fp {
            return Err(Error::integrity(format!(
                "private key of owner {} does not match its fingerprint {}",
                self.id,
                fp.short()
            )));
        }
        Ok(key)
    }

    /// The public document of this owner: what `owner export` writes.
    pub fn document(&self) -> OwnerDocument {
        OwnerDocument {
            format: OWNER_FORMAT.to_string(),
            id: self.id.clone(),
            name: self.name.clone(),
            kind: self.kind,
            public_keys: self
                .public_keys
                .iter()
                .map(|k| DocumentKey {
                    spki: k.spki.clone(),
                    fingerprint: k.fingerprint,
                    created: k.created.clone(),
                    certificates: k.certificates.clone(),
                })
                .collect(),
            hc_party_keys: self.hc_party_keys.clone(),
            pre_keys: self.pre_keys.clone(),
        }
    }
}

pub const OWNER_FORMAT: &str = "ehrcrypt/owner/v1";

/// What one keystore tells another about an owner. It has no field that
/// could hold a private key, and no trust flag: trust is local.
///
/// Unknown fields are refused (issue 11, defect 10): a misspelt or renamed
/// `hcPartyKeys` silently dropped every exchange key of the document.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OwnerDocument {
    pub format: String,
    pub id: OwnerId,
    pub name: String,
    pub kind: OwnerKind,
    pub public_keys: Vec<DocumentKey>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hc_party_keys: BTreeMap<OwnerId, Vec<HcPartyKey>>,
    /// The owner's research keys, each signed by one of its RSA keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pre_keys: Vec<PreKey>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocumentKey {
    pub spki: String,
    pub fingerprint: Fingerprint,
    pub created: String,
    /// The key's certificate and intermediates, leaf first (optional; a
    /// reader that ignores it only loses the chance to verify by it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<Cert>,
}

impl OwnerDocument {
    /// Parses and checks an owner document: format, keys, fingerprints.
    pub fn parse(bytes: &[u8], source: &str) -> Result<Self> {
        let value: serde_json::Value =
            crate::format::parse_strict(bytes, source, "owner document")?;
        crate::format::check_format(&value, "ehrcrypt/owner/", 1, source, "owner document")?;
        let doc: OwnerDocument = serde_json::from_value(value)
            .map_err(|e| Error::format(format!("{source}: malformed owner document: {e}")))?;
        if doc.public_keys.is_empty() {
            return Err(Error::format(format!(
                "{source}: owner document has no public key"
            )));
        }
        check_name(&doc.name).map_err(|e| Error::format(format!("{source}: {}", e.message())))?;
        for k in &doc.public_keys {
            let parsed = PublicKey::from_pem(&k.spki).map_err(|e| e.context(source))?;
            if parsed.fingerprint() != k.fingerprint {
                return Err(Error::integrity(format!(
                    "{source}: public key does not match its fingerprint {}",
                    k.fingerprint.short()
                )));
            }
            check_certificates(&k.certificates, k.fingerprint).map_err(|e| e.context(source))?;
        }
        Ok(doc)
    }
}

/// A key's certificates: at most [`crate::pki::cert::MAX_CHAIN`], and the
/// first one certifies this very key (a certificate moved onto another key
/// is tampering, whatever its chain).
pub fn check_certificates(certs: &[Cert], key: Fingerprint) -> Result<()> {
    if certs.len() > crate::pki::cert::MAX_CHAIN {
        return Err(Error::format(format!(
            "key {} carries more than {} certificates",
            key.short(),
            crate::pki::cert::MAX_CHAIN
        )));
    }
    if let Some(leaf) = certs.first() {
        let certified = leaf.key_fingerprint()?;
        if certified != key {
            return Err(Error::integrity(format!(
                "the certificate attached to key {} certifies key {}",
                key.short(),
                certified.short()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn names_are_printable() {
        for ok in ["Dr Alice", "José Keats-Ó", "x"] {
            check_name(ok).unwrap();
        }
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        for bad in ["", "   ", "a\u{1b}[2Jb", "a\nb", "tab\there", long.as_str()] {
            assert_eq!(
                check_name(bad).unwrap_err().kind(),
                ErrorKind::Usage,
                "{bad:?}"
            );
        }
    }

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/keys")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn a_document_with_a_control_character_in_the_name_is_refused() {
        let mut v: serde_json::Value = serde_json::from_slice(&fixture("B.owner.json")).unwrap();
        v["name"] = "Dr \u{1b}]0;pwned\u{7}Bob".into();
        let err = OwnerDocument::parse(&serde_json::to_vec(&v).unwrap(), "doc").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Format);
        assert!(!err.message().contains('\u{1b}'));
    }

    #[test]
    fn a_document_whose_key_does_not_match_its_fingerprint_is_refused() {
        let mut v: serde_json::Value = serde_json::from_slice(&fixture("B.owner.json")).unwrap();
        let a: serde_json::Value = serde_json::from_slice(&fixture("A.owner.json")).unwrap();
        v["publicKeys"][0]["fingerprint"] = a["publicKeys"][0]["fingerprint"].clone();
        let err = OwnerDocument::parse(&serde_json::to_vec(&v).unwrap(), "doc").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Integrity);
    }

    #[test]
    fn the_public_document_never_carries_a_private_key() {
        let ks: serde_json::Value = serde_json::from_slice(&fixture("A.keystore.json")).unwrap();
        let owner: Owner = serde_json::from_value(ks["owners"][0].clone()).unwrap();
        assert!(owner.is_local());
        let text = serde_json::to_string(&owner.document()).unwrap();
        assert!(!text.contains("PRIVATE KEY"));
        assert!(!text.contains("privateKeys"));
        assert!(!text.contains("verified"), "trust is local, never exported");
    }
}
