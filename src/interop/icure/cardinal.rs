//! The Cardinal record format (`@icure/cardinal-sdk`, docs/ICURE.md §4):
//! `securityMetadata.secureDelegations`, keyed by a hash of the access
//! control secret of the exchange data the delegation uses.
//!
//! Reading as R: every exchange data R holds a key for is opened (RSA-OAEP,
//! SHA-256 for Cardinal keys; at most once each per command), giving the
//! exchange key K and the access control secret `acs`. For the record's
//! type, `ack = SHA-256(hex(acs) || type)[..16]` and the delegation key is
//! `hex(SHA-256(ack))`; the delegation found there holds
//! `base64(IV || AES-256-CBC(K, "Cure" || value))` for the entity key
//! (32 raw bytes), the secret ids and the parent ids. That is how an
//! anonymous delegate (a patient) finds its delegation too.

use std::collections::HashMap;

use serde_json::Value;
use zeroize::Zeroizing;

use super::codec;
use super::legacy::{cannot_open, open_self_value, Reader};
use super::owner::ExchangeData;
use super::{IcureFingerprint, RecordType};
use crate::crypto::legacy::{oaep_decrypt, CbcKey, OaepHash};
use crate::crypto::{hex, sha256, Fingerprint};
use crate::error::{Error, Result};

/// The 4-byte prefix Cardinal puts before every sealed value: it only
/// tells a successful decryption from garbage, it authenticates nothing.
const VALIDATOR: &[u8] = b"Cure";

/// An opened exchange data: its key and access control secret.
pub struct OpenedExchange {
    pub key: CbcKey,
    acs_hex: Zeroizing<String>,
}

impl OpenedExchange {
    /// `securityMetadata.secureDelegations` key of this exchange data for a
    /// record type (`Patient`, `Contact`, …).
    pub fn delegation_key(&self, entity_type: &str) -> String {
        let mut input = Zeroizing::new(self.acs_hex.as_bytes().to_vec());
        input.extend_from_slice(entity_type.as_bytes());
        let ack = Zeroizing::new(sha256(&input));
        hex(&sha256(&ack[..16]))
    }
}

/// Exchange data opened so far (by id; `None`: not openable with my keys).
#[derive(Default)]
pub struct Cache(HashMap<String, Option<OpenedExchange>>);

/// The name Cardinal uses for a record type in the access control key.
fn type_name(t: RecordType) -> &'static str {
    match t {
        RecordType::Patient => "Patient",
        RecordType::Contact => "Contact",
        RecordType::HealthElement => "HealthElement",
        RecordType::Document => "Document",
        RecordType::Other => "",
    }
}

/// What opening a Cardinal record's delegation gave.
pub struct CardinalKeys {
    pub entity_key: CbcKey,
    pub secret_ids: Vec<String>,
    pub parent_ids: Vec<String>,
}

impl Reader<'_> {
    /// Opens exchange data `d` with one of my keys, once.
    fn open_exchange(&self, d: &ExchangeData) -> Result<()> {
        if self.cardinal.borrow().0.contains_key(&d.id) {
            return Ok(());
        }
        let mut opened = None;
        for (fp, icure, hash) in self.my_cardinal_keys() {
            let v2 = icure.v2();
            let (Some(k), Some(a)) = (d.exchange_key.get(&v2), d.access_control_secret.get(&v2))
            else {
                continue;
            };
            let key = self.private_key(&fp)?;
            let (Ok(kc), Ok(ac)) = (
                codec::base64(k, "exchangeKey"),
                codec::base64(a, "accessControlSecret"),
            ) else {
                continue;
            };
            self.count_rsa(2);
            let (Ok(k), Ok(a)) = (oaep_decrypt(&key, hash, &kc), oaep_decrypt(&key, hash, &ac))
            else {
                continue;
            };
            if let (32, 16) = (k.len(), a.len()) {
                opened = Some(OpenedExchange {
                    key: CbcKey::from_slice(&k).expect("32 bytes"),
                    acs_hex: Zeroizing::new(hex(&a)),
                });
                break;
            }
        }
        self.cardinal.borrow_mut().0.insert(d.id.clone(), opened);
        Ok(())
    }

    /// My keys with their iCure fingerprints and the OAEP hash Cardinal
    /// uses with each (SHA-256 unless my document lists it as legacy).
    fn my_cardinal_keys(&self) -> Vec<(Fingerprint, IcureFingerprint, OaepHash)> {
        let doc = self.store().get(self.me().as_str());
        self.my_keys()
            .iter()
            .map(|(fp, icure)| {
                let legacy = doc.is_some_and(|d| {
                    d.public_key
                        .as_deref()
                        .is_some_and(|p| p.ends_with(&icure.v1()))
                        || d.aes_exchange_keys.keys().any(|p| p.ends_with(&icure.v1()))
                });
                (
                    *fp,
                    icure.clone(),
                    if legacy {
                        OaepHash::Sha1
                    } else {
                        OaepHash::Sha256
                    },
                )
            })
            .collect()
    }

    /// Finds and opens my delegation in a Cardinal record.
    pub fn cardinal_keys(
        &self,
        record: &Value,
        rtype: RecordType,
        source: &str,
    ) -> Result<CardinalKeys> {
        let id = super::legacy::record_id(record);
        let delegations = record
            .pointer("/securityMetadata/secureDelegations")
            .and_then(Value::as_object)
            .ok_or_else(|| {
                Error::format(format!("{source}: no securityMetadata.secureDelegations"))
            })?;
        let tname = type_name(rtype);
        if tname.is_empty() {
            return Err(
                Error::usage(format!("{source}: record {id}: unknown record type"))
                    .hint("pass --type patient|contact|health-element|document"),
            );
        }
        // Exchange data named by a delegation to me first (no guessing),
        // then every one I hold a key for (anonymous delegations).
        let me = self.me().as_str();
        let mut order: Vec<&ExchangeData> = Vec::new();
        for d in delegations.values() {
            if d.get("delegate").and_then(Value::as_str) == Some(me) {
                if let Some(x) = d
                    .get("exchangeDataId")
                    .and_then(Value::as_str)
                    .and_then(|i| self.store().exchange_data.get(i))
                {
                    order.push(x);
                }
            }
        }
        for x in self.store().exchange_data.values() {
            if (x.delegate.as_str() == me || x.delegator.as_str() == me)
                && !order.iter().any(|o| o.id == x.id)
            {
                order.push(x);
            }
        }
        if order.is_empty() {
            return Err(Error::no_access(format!(
                "{source}: record {id}: no Cardinal exchange data of {me} is known here"
            ))
            .hint("import the exchange data documents with `ehrcrypt icure import-owner`"));
        }
        let mut found_any = false;
        for x in order {
            self.open_exchange(x)?;
            let cache = self.cardinal.borrow();
            let Some(Some(opened)) = cache.0.get(&x.id) else {
                continue;
            };
            let Some(deleg) = delegations.get(&opened.delegation_key(tname)) else {
                continue;
            };
            found_any = true;
            let open_all = |field: &str| -> Option<Vec<Zeroizing<Vec<u8>>>> {
                let list = deleg.get(field).and_then(Value::as_array)?;
                let mut out = Vec::new();
                for v in list {
                    let sealed = codec::base64(v.as_str()?, field).ok()?;
                    let pt = opened.key.decrypt(&sealed).ok()?;
                    if !pt.starts_with(VALIDATOR) {
                        return None;
                    }
                    out.push(Zeroizing::new(pt[VALIDATOR.len()..].to_vec()));
                }
                Some(out)
            };
            let (Some(keys), Some(secrets)) = (open_all("encryptionKeys"), open_all("secretIds"))
            else {
                continue;
            };
            let parents = open_all("owningEntityIds").unwrap_or_default();
            let Some(entity_key) = keys.iter().find_map(|k| CbcKey::from_slice(k)) else {
                continue;
            };
            let text = |v: &Zeroizing<Vec<u8>>| String::from_utf8(v.to_vec()).ok();
            return Ok(CardinalKeys {
                entity_key,
                secret_ids: secrets.iter().filter_map(text).collect(),
                parent_ids: parents.iter().filter_map(text).collect(),
            });
        }
        if !found_any {
            return Err(Error::no_access(format!(
                "{source}: record {id} has no delegation for {me} among the exchange data known here"
            )));
        }
        Err(cannot_open(
            source,
            &id,
            &format!("the delegation for {me}"),
        ))
    }

    /// `encryptedSelf` of a Cardinal record (and of a contact's services),
    /// merged back as the SDK does.
    pub fn cardinal_decrypt_value(
        &self,
        record: &Value,
        key: &CbcKey,
        source: &str,
    ) -> Result<Value> {
        open_self_value(record, key, source)
    }
}
