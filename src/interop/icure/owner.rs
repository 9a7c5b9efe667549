//! iCure and Cardinal data owner documents, as the REST API returns them
//! (healthcare parties, patients, devices): their public keys and the
//! exchange keys they created (`hcPartyKeys`, `aesExchangeKeys`).
//!
//! None of it is authenticated (docs/ICURE.md, weakness 4): the server, or
//! anyone who can write to it, decides which public key an owner has and
//! which exchange key a delegator made. So imported keys are *unverified*
//! in the keystore, and the exchange keys are kept apart from ehrcrypt's
//! signed ones, in the side file `<keystore>.icure.json`
//! (`ehrcrypt/icure-owners/v1`), used only by the `icure` commands.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::codec;
use super::IcureFingerprint;
use crate::atomic_file::{self, Mode};
use crate::crypto::legacy::OaepHash;
use crate::crypto::PublicKey;
use crate::error::{Error, Result};
use crate::owner::{OwnerId, OwnerKind};

pub const STORE_FORMAT: &str = "ehrcrypt/icure-owners/v1";

/// `aesExchangeKeys`: delegator key (full SPKI hex) → delegate → key fingerprint → hex.
pub type AesExchangeKeys = BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>;

/// The key material of one iCure data owner, validated.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IcureOwner {
    pub id: OwnerId,
    pub kind: OwnerKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hc_party_keys: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aes_exchange_keys: AesExchangeKeys,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_keys_for_oaep_with_sha256: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// The document as the server returned it (with its `rev`), so that an
    /// updated copy keeps every other field.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub document: Value,
}

/// One public key of an owner, with the OAEP hash its place implies
/// (Cardinal's `algorithmOfEncryptionKey`: `publicKey` and the keys of
/// `aesExchangeKeys` are SHA-1, `publicKeysForOaepWithSha256` SHA-256).
#[derive(Clone, Debug)]
pub struct OwnerKey {
    pub key: PublicKey,
    pub hash: OaepHash,
}

impl OwnerKey {
    pub fn icure_fingerprint(&self) -> IcureFingerprint {
        IcureFingerprint::of_spki_der(self.key.spki_der())
    }
}

impl IcureOwner {
    /// Reads a data owner document as the REST API returns it. `kind`
    /// overrides the guess (from `_type`, or patient-only fields).
    pub fn from_rest(v: &Value, kind: Option<OwnerKind>, source: &str) -> Result<Self> {
        let Some(obj) = v.as_object() else {
            return Err(Error::format(format!(
                "{source}: a data owner document is a JSON object"
            )));
        };
        if obj.contains_key("encryptedSelf") || obj.contains_key("securityMetadata") && !has_keys(v)
        {
            return Err(Error::format(format!(
                "{source}: this is an encrypted record, not a data owner document"
            ))
            .hint("give it to `ehrcrypt icure decrypt` instead"));
        }
        let id = OwnerId::new(codec::str_field(v, "id", source)?)
            .map_err(|e| Error::format(format!("{source}: {}", e.message())))?;
        let kind = kind.unwrap_or_else(|| guess_kind(v));
        let name = display_name(v).unwrap_or_else(|| id.to_string());
        let opt_str = |name: &str| -> Result<Option<String>> {
            match obj.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(Error::format(format!(
                    "{source}: \"{name}\" is not a string"
                ))),
            }
        };
        let public_key = opt_str("publicKey")?.filter(|s| !s.is_empty());
        let hc_party_keys: BTreeMap<String, Vec<String>> = field(v, "hcPartyKeys", source)?;
        let aes_exchange_keys: AesExchangeKeys = field(v, "aesExchangeKeys", source)?;
        let sha256: Vec<String> = field(v, "publicKeysForOaepWithSha256", source)?;
        let owner = IcureOwner {
            id,
            kind,
            name,
            public_key,
            hc_party_keys,
            aes_exchange_keys,
            public_keys_for_oaep_with_sha256: sha256,
            parent_id: opt_str("parentId")?,
            document: v.clone(),
        };
        owner.validate().map_err(|e| e.context(source))?;
        Ok(owner)
    }

    /// Every hex value must be well-formed and every key a valid RSA key,
    /// so that later commands never meet garbage.
    fn validate(&self) -> Result<()> {
        self.keys()?;
        for (delegate, pair) in &self.hc_party_keys {
            check_delegate(delegate)?;
            if pair.len() != 2 {
                return Err(Error::format(format!(
                    "hcPartyKeys[{delegate}] has {} entries, not 2",
                    pair.len()
                )));
            }
            for h in pair {
                codec::hex(h, &format!("hcPartyKeys[{delegate}]"), codec::MAX_KEY_HEX)?;
            }
        }
        for by_delegate in self.aes_exchange_keys.values() {
            for (delegate, by_fp) in by_delegate {
                check_delegate(delegate)?;
                for (fp, h) in by_fp {
                    if fp.len() != 32 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return Err(Error::format(format!(
                            "aesExchangeKeys[…][{delegate}]: {fp:?} is not a 32-digit fingerprint"
                        )));
                    }
                    codec::hex(
                        h,
                        &format!("aesExchangeKeys[…][{delegate}]"),
                        codec::MAX_KEY_HEX,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// The document to upload: the server's copy with this owner's key
    /// fields (which ehrcrypt may have extended) put back.
    pub fn rest_document(&self) -> Value {
        let mut v = match &self.document {
            Value::Object(_) => self.document.clone(),
            _ => serde_json::json!({ "id": self.id }),
        };
        let obj = v.as_object_mut().expect("an object");
        obj.insert(
            "hcPartyKeys".into(),
            serde_json::to_value(&self.hc_party_keys).unwrap_or_default(),
        );
        obj.insert(
            "aesExchangeKeys".into(),
            serde_json::to_value(&self.aes_exchange_keys).unwrap_or_default(),
        );
        v
    }

    /// The owner's public keys, each once, with the OAEP hash of its place.
    pub fn keys(&self) -> Result<Vec<OwnerKey>> {
        let mut out: Vec<OwnerKey> = Vec::new();
        let sha1 = self.public_key.iter().chain(self.aes_exchange_keys.keys());
        let all = sha1.map(|h| (h, OaepHash::Sha1)).chain(
            self.public_keys_for_oaep_with_sha256
                .iter()
                .map(|h| (h, OaepHash::Sha256)),
        );
        for (h, hash) in all {
            let der = codec::hex(h, "public key", codec::MAX_KEY_HEX)?;
            let key = PublicKey::from_spki_der(&der)?;
            if !out.iter().any(|k| k.key.fingerprint() == key.fingerprint()) {
                out.push(OwnerKey { key, hash });
            }
        }
        Ok(out)
    }
}

fn check_delegate(d: &str) -> Result<()> {
    OwnerId::new(d)
        .map(drop)
        .map_err(|e| Error::format(e.message().to_string()))
}

fn has_keys(v: &Value) -> bool {
    [
        "publicKey",
        "aesExchangeKeys",
        "publicKeysForOaepWithSha256",
    ]
    .iter()
    .any(|k| v.get(k).is_some())
}

/// An optional field of the given type; `null` counts as absent.
fn field<T: serde::de::DeserializeOwned + Default>(
    v: &Value,
    name: &str,
    source: &str,
) -> Result<T> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(x) => serde_json::from_value(x.clone())
            .map_err(|e| Error::format(format!("{source}: malformed \"{name}\": {e}"))),
    }
}

fn guess_kind(v: &Value) -> OwnerKind {
    let t = v.get("_type").and_then(Value::as_str).unwrap_or("");
    if t.ends_with("Patient")
        || v.get("dateOfBirth").is_some()
        || v.get("ssin").is_some() && v.get("speciality").is_none()
    {
        OwnerKind::Patient
    } else if t.ends_with("Device") {
        OwnerKind::Device
    } else {
        OwnerKind::Hcp
    }
}

fn display_name(v: &Value) -> Option<String> {
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    };
    let name = match (s("name"), s("firstName"), s("lastName")) {
        (Some(n), _, _) => n.to_string(),
        (None, Some(f), Some(l)) => format!("{f} {l}"),
        (None, f, l) => f.or(l)?.to_string(),
    };
    crate::owner::check_name(&name).ok().map(|_| name)
}

/// A Cardinal `ExchangeData` document (FORMAT-NOTES B.2): one exchange key
/// and access control secret from a delegator to a delegate, each wrapped
/// (base64 RSA-OAEP) for both parties' keys, keyed by fingerprint v2.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeData {
    pub id: String,
    pub delegator: OwnerId,
    pub delegate: OwnerId,
    pub exchange_key: BTreeMap<String, String>,
    pub access_control_secret: BTreeMap<String, String>,
    /// Kept for `icure check`; nobody but the delegator can verify them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub delegator_signature: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shared_signature_key: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_signature: Option<String>,
}

impl ExchangeData {
    /// Whether `v` looks like an exchange data document.
    pub fn is(v: &Value) -> bool {
        [
            "delegator",
            "delegate",
            "exchangeKey",
            "accessControlSecret",
        ]
        .iter()
        .all(|k| v.get(k).is_some())
    }

    pub fn from_rest(v: &Value, source: &str) -> Result<Self> {
        let d: ExchangeData = serde_json::from_value(v.clone())
            .map_err(|e| Error::format(format!("{source}: malformed exchange data: {e}")))?;
        d.validate().map_err(|e| e.context(source))?;
        Ok(d)
    }

    fn validate(&self) -> Result<()> {
        if self.id.is_empty() || self.id.len() > 128 {
            return Err(Error::format("exchange data without a valid id"));
        }
        for (what, m) in [
            ("exchangeKey", &self.exchange_key),
            ("accessControlSecret", &self.access_control_secret),
        ] {
            for (fp, b64) in m {
                if fp.len() != 22 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::format(format!(
                        "exchange data {}: {what} key {fp:?} is not a 22-digit fingerprint",
                        self.id
                    )));
                }
                codec::base64(b64, &format!("exchange data {}: {what}", self.id))?;
            }
        }
        Ok(())
    }
}

/// The side file of iCure owners next to a keystore.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerStore {
    format: String,
    pub owners: BTreeMap<OwnerId, IcureOwner>,
    /// Cardinal exchange data, by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exchange_data: BTreeMap<String, ExchangeData>,
}

impl OwnerStore {
    /// `<keystore>.icure.json`.
    pub fn path_for(keystore: &Path) -> PathBuf {
        let mut name = keystore.file_name().unwrap_or_default().to_os_string();
        name.push(".icure.json");
        keystore.with_file_name(name)
    }

    /// Loads the side file of `keystore`; a missing file is an empty store.
    pub fn load(keystore: &Path) -> Result<Self> {
        let path = Self::path_for(keystore);
        if !path.exists() {
            return Ok(OwnerStore {
                format: STORE_FORMAT.into(),
                ..Default::default()
            });
        }
        let (v, source) = codec::read_json(&path, "iCure owner store")?;
        crate::format::check_format(
            &v,
            "ehrcrypt/icure-owners/",
            1,
            &source,
            "iCure owner store",
        )?;
        let store: OwnerStore = serde_json::from_value(v)
            .map_err(|e| Error::format(format!("{source}: malformed iCure owner store: {e}")))?;
        for o in store.owners.values() {
            o.validate().map_err(|e| e.context(&source))?;
        }
        for d in store.exchange_data.values() {
            d.validate().map_err(|e| e.context(&source))?;
        }
        Ok(store)
    }

    pub fn save(&self, keystore: &Path) -> Result<()> {
        let mut bytes = serde_json::to_vec_pretty(&OwnerStore {
            format: STORE_FORMAT.into(),
            owners: self.owners.clone(),
            exchange_data: self.exchange_data.clone(),
        })
        .map_err(|_| Error::internal("cannot serialise the iCure owner store"))?;
        bytes.push(b'\n');
        atomic_file::write(&Self::path_for(keystore), &bytes, Mode::Private)
    }

    pub fn get(&self, id: &str) -> Option<&IcureOwner> {
        self.owners
            .iter()
            .find(|(k, _)| k.as_str() == id)
            .map(|(_, v)| v)
    }

    /// The owner `id`, or a `NotFound` error that says how to add it.
    pub fn owner(&self, id: &str) -> Result<&IcureOwner> {
        self.get(id).ok_or_else(|| {
            Error::not_found(format!("no iCure data owner document for {id}"))
                .hint("import it with `ehrcrypt icure import-owner FILE` (as GET /hcparty/ID or /patient/ID returns it)")
        })
    }
}
