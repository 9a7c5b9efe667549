//! Real iCure and Cardinal data (issue 14; docs/ICURE.md): their private
//! key files, data owner documents and encrypted records, read with the
//! keystore's keys, checked for the formats' weaknesses, migrated to
//! ehrcrypt entities, and — when a user explicitly accepts the format's lack
//! of integrity — shared in their own format.
//!
//! - [`keys`]: private keys as the apps and SDKs store them → keystore;
//! - [`owner`]: data owner documents (public keys, exchange keys), kept
//!   unverified in a side file of the keystore;
//! - [`legacy`]: `@icure/api` 4.x–6.x records: decrypt and share;
//! - [`check`]: the weakness report;
//! - [`migrate`]: to authenticated ehrcrypt entities.
//!
//! - [`cardinal`]: `@icure/cardinal-sdk` records (`secureDelegations`).

pub mod cardinal;
pub mod check;
pub mod codec;
pub mod keys;
pub mod legacy;
pub mod migrate;
pub mod owner;

use std::fmt;

use serde_json::Value;

use crate::crypto::{Fingerprint, PrivateKey};
use crate::error::{Error, Result};
use crate::keystore::Keystore;
use crate::owner::{Owner, OwnerId, OwnerKind, PublicKeyEntry};

/// iCure's key "fingerprint": the last 32 hex digits of the SPKI hex (v1),
/// or those without the constant `0203010001` (Cardinal's v2, 22 digits).
/// **Not a hash**: the last 11 bytes of the modulus, which whoever makes a
/// key can choose. Shown only to match keys with what iCure tools display.
#[derive(Clone, PartialEq, Eq)]
pub struct IcureFingerprint(String);

impl IcureFingerprint {
    pub fn of_spki_der(der: &[u8]) -> Self {
        let hex = crate::crypto::hex(&der[der.len().saturating_sub(16)..]);
        IcureFingerprint(hex)
    }

    /// From an SPKI hex string (as iCure stores public keys).
    pub fn of_spki_hex(hex: &str) -> Option<Self> {
        let h = hex.get(hex.len().checked_sub(32)?..)?;
        h.bytes()
            .all(|b| b.is_ascii_hexdigit())
            .then(|| IcureFingerprint(h.to_ascii_lowercase()))
    }

    /// The 32 hex digits the legacy SDKs use.
    pub fn v1(&self) -> String {
        self.0.clone()
    }

    /// Cardinal's `spkiHexKeyToFingerprintV2`: v1 without `0203010001`.
    pub fn v2(&self) -> String {
        self.0
            .strip_suffix("0203010001")
            .unwrap_or(&self.0)
            .to_string()
    }
}

impl fmt::Display for IcureFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for IcureFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IcureFingerprint({})", self.0)
    }
}

/// The warning printed wherever iCure fingerprints are shown.
pub const FINGERPRINT_WARNING: &str = "iCure's fingerprint is the last bytes of the key, not a hash: anyone can make a key with the same one. Compare ehrcrypt's SHA-256 fingerprint instead.";

/// Which format a record is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordFormat {
    /// `delegations` / `encryptionKeys` (`@icure/api` 4.x–6.x).
    Legacy,
    /// `securityMetadata.secureDelegations` (Cardinal).
    Cardinal,
    /// An ehrcrypt entity.
    Ehrcrypt,
    /// Nothing encrypted that ehrcrypt knows.
    Unknown,
}

impl RecordFormat {
    pub fn of(record: &Value) -> Self {
        if crate::entity::is_entity(record) {
            return RecordFormat::Ehrcrypt;
        }
        if record
            .get("securityMetadata")
            .and_then(|m| m.get("secureDelegations"))
            .and_then(Value::as_object)
            .is_some_and(|m| !m.is_empty())
        {
            return RecordFormat::Cardinal;
        }
        let has = |f: &str| {
            record
                .get(f)
                .and_then(Value::as_object)
                .is_some_and(|m| !m.is_empty())
        };
        if has("delegations") || has("encryptionKeys") {
            RecordFormat::Legacy
        } else {
            RecordFormat::Unknown
        }
    }

    /// The error for a record that is not in the legacy format.
    pub fn not_legacy(self, source: &str) -> Error {
        match self {
            RecordFormat::Cardinal => Error::format(format!(
                "{source}: a Cardinal record (securityMetadata.secureDelegations); this command handles only the legacy @icure/api format"
            )),
            RecordFormat::Ehrcrypt => Error::format(format!(
                "{source}: an ehrcrypt entity, not an iCure record"
            ))
            .hint("use `ehrcrypt entity decrypt`"),
            _ => Error::format(format!(
                "{source}: not an encrypted iCure record (no delegations or encryptionKeys)"
            )),
        }
    }
}

/// The kinds of iCure record, from `_type` (or the fields they carry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordType {
    Patient,
    Contact,
    HealthElement,
    Document,
    Other,
}

impl RecordType {
    pub fn of(record: &Value) -> Self {
        let t = record.get("_type").and_then(Value::as_str).unwrap_or("");
        match t.rsplit('.').next().unwrap_or("") {
            "Patient" => return RecordType::Patient,
            "Contact" => return RecordType::Contact,
            "HealthElement" => return RecordType::HealthElement,
            "Document" => return RecordType::Document,
            "" => {}
            _ => return RecordType::Other,
        }
        if record.get("services").is_some() || record.get("subContacts").is_some() {
            RecordType::Contact
        } else if record.get("healthElementId").is_some() {
            RecordType::HealthElement
        } else if record.get("attachmentId").is_some() || record.get("documentType").is_some() {
            RecordType::Document
        } else if record.get("firstName").is_some() || record.get("dateOfBirth").is_some() {
            RecordType::Patient
        } else {
            RecordType::Other
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Patient => "patient",
            RecordType::Contact => "contact",
            RecordType::HealthElement => "health-element",
            RecordType::Document => "document",
            RecordType::Other => "other",
        }
    }
}

impl std::str::FromStr for RecordType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "patient" => Ok(RecordType::Patient),
            "contact" => Ok(RecordType::Contact),
            "health-element" => Ok(RecordType::HealthElement),
            "document" => Ok(RecordType::Document),
            _ => Err(Error::usage(format!(
                "'{s}' is not an iCure record type (patient, contact, health-element, document)"
            ))),
        }
    }
}

/// What importing one private key did.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyImport {
    pub id: String,
    pub source: keys::KeySource,
    pub fingerprint: Fingerprint,
    pub icure_fingerprint: String,
    pub icure_fingerprint_v2: String,
    pub created_owner: bool,
}

/// Puts private keys into the keystore, encrypted under `passphrase`.
/// A key without an owner in its storage name takes `default_owner`. An
/// owner the keystore does not know is created with `name`/`kind`; for one
/// whose keys are already held here `passphrase` must open them.
pub fn import_keys(
    keystore: &std::path::Path,
    found: Vec<keys::FoundKey>,
    default_owner: Option<&OwnerId>,
    name: Option<&str>,
    kind: OwnerKind,
    passphrase: &[u8],
) -> Result<Vec<KeyImport>> {
    let mut todo: Vec<(OwnerId, keys::FoundKey)> = Vec::new();
    for k in found {
        let id = match (&k.owner, default_owner) {
            (Some(o), Some(d)) if o != d => {
                // --id selects one owner of a storage dump.
                continue;
            }
            (Some(o), _) => o.clone(),
            (None, Some(d)) => d.clone(),
            (None, None) => {
                return Err(Error::usage("this key file does not say whose key it is")
                    .hint("pass --id OWNER"))
            }
        };
        todo.push((id, k));
    }
    if todo.is_empty() {
        return Err(Error::not_found("no private key of that owner in the file"));
    }
    Keystore::update(keystore, |ks| {
        let mut out = Vec::new();
        for (id, k) in &todo {
            let created = ks.find(id).is_none();
            if created {
                let n = name.map(str::to_string).unwrap_or_else(|| id.to_string());
                crate::owner::check_name(&n)?;
                ks.insert(Owner {
                    id: id.clone(),
                    name: n,
                    kind,
                    public_keys: Vec::new(),
                    private_keys: Vec::new(),
                    hc_party_keys: Default::default(),
                    pre_keys: Vec::new(),
                })?;
            } else {
                ks.owner(id)?.check_passphrase(passphrase).map_err(|e| {
                    e.hint(format!(
                        "{id}'s keys here are under another passphrase: import under that one"
                    ))
                })?;
            }
            add_key(ks, id, &k.key, passphrase)?;
            let icure = k.icure_fingerprint();
            out.push(KeyImport {
                id: id.to_string(),
                source: k.source,
                fingerprint: k.key.public().fingerprint(),
                icure_fingerprint: icure.v1(),
                icure_fingerprint_v2: icure.v2(),
                created_owner: created,
            });
        }
        Ok(out)
    })
}

fn add_key(ks: &mut Keystore, id: &OwnerId, key: &PrivateKey, passphrase: &[u8]) -> Result<()> {
    ks.owner_mut(id)?.add_key_pair(key, passphrase)
}

/// One public key of an imported owner, as reported.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyReport {
    pub fingerprint: Fingerprint,
    pub icure_fingerprint: String,
    pub icure_fingerprint_v2: String,
    pub oaep: crate::crypto::legacy::OaepHash,
    pub verified: bool,
    pub new: bool,
}

/// What importing one data owner document did.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerImport {
    pub id: String,
    pub kind: OwnerKind,
    pub created: bool,
    pub keys: Vec<KeyReport>,
    pub exchange_keys: usize,
}

/// Adds data owner documents to the keystore (public keys, unverified) and
/// to its iCure side file (the exchange keys, replacing an older copy),
/// with Cardinal exchange data documents.
pub fn import_owners(
    keystore: &std::path::Path,
    docs: Vec<owner::IcureOwner>,
    exchange_data: Vec<owner::ExchangeData>,
) -> Result<Vec<OwnerImport>> {
    Keystore::update(keystore, |ks| {
        let mut store = owner::OwnerStore::load(keystore)?;
        for d in exchange_data {
            store.exchange_data.insert(d.id.clone(), d);
        }
        let mut out = Vec::new();
        for doc in docs {
            let keys = doc.keys()?;
            if keys.is_empty() {
                return Err(Error::format(format!(
                    "data owner {} has no public key",
                    doc.id
                )));
            }
            let created = ks.find(&doc.id).is_none();
            if created {
                ks.insert(Owner {
                    id: doc.id.clone(),
                    name: doc.name.clone(),
                    kind: doc.kind,
                    public_keys: Vec::new(),
                    private_keys: Vec::new(),
                    hc_party_keys: Default::default(),
                    pre_keys: Vec::new(),
                })?;
            }
            let o = ks.owner_mut(&doc.id)?;
            let mut reports = Vec::new();
            for k in &keys {
                let fp = k.key.fingerprint();
                let new = o.public_key(&fp).is_none();
                if new {
                    o.public_keys
                        .push(PublicKeyEntry::new(&k.key, crate::now_rfc3339(), false));
                }
                let icure = k.icure_fingerprint();
                reports.push(KeyReport {
                    fingerprint: fp,
                    icure_fingerprint: icure.v1(),
                    icure_fingerprint_v2: icure.v2(),
                    oaep: k.hash,
                    verified: o.public_key(&fp).is_some_and(|e| e.verified),
                    new,
                });
            }
            let exchange_keys = doc.hc_party_keys.len()
                + doc
                    .aes_exchange_keys
                    .values()
                    .map(|m| m.len())
                    .sum::<usize>();
            out.push(OwnerImport {
                id: doc.id.to_string(),
                kind: doc.kind,
                created,
                keys: reports,
                exchange_keys,
            });
            store.owners.insert(doc.id.clone(), doc);
        }
        store.save(keystore)?;
        Ok(out)
    })
}

#[cfg(test)]
pub(crate) mod tests {
    pub const VERSIONS: [&str; 3] = ["icure-api-4.2.39", "icure-api-5.3.18", "icure-api-6.4.4"];

    #[test]
    fn icure_fingerprints_are_the_key_tail() {
        let fp = super::IcureFingerprint::of_spki_hex(&format!(
            "{}{}",
            "30".repeat(20),
            "00112233445566778899aa0203010001"
        ))
        .unwrap();
        assert_eq!(fp.v1(), "00112233445566778899aa0203010001");
        assert_eq!(fp.v2(), "00112233445566778899aa");
    }
}
