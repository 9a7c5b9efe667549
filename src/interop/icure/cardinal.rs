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
use super::owner::{ExchangeData, OwnerKey};
use super::{IcureFingerprint, RecordType};
use crate::crypto::legacy::{oaep_decrypt, oaep_encrypt, CbcKey, OaepHash};
use crate::crypto::{hex, sha256, Fingerprint};
use crate::error::{Error, Result};
use crate::owner::OwnerId;

/// The 4-byte prefix Cardinal puts before every sealed value: it only
/// tells a successful decryption from garbage, it authenticates nothing.
const VALIDATOR: &[u8] = b"Cure";

/// An opened exchange data: its key and access control secret.
pub struct OpenedExchange {
    pub key: CbcKey,
    acs_hex: Zeroizing<String>,
}

impl OpenedExchange {
    /// The access control key for a record type (`Patient`, `Contact`, …):
    /// `SHA-256(hex(acs) || type)[..16]`.
    fn access_control_key(&self, entity_type: &str) -> Zeroizing<Vec<u8>> {
        let mut input = Zeroizing::new(self.acs_hex.as_bytes().to_vec());
        input.extend_from_slice(entity_type.as_bytes());
        let ack = Zeroizing::new(sha256(&input));
        Zeroizing::new(ack[..16].to_vec())
    }

    /// `securityMetadata.secureDelegations` key of this exchange data for a
    /// record type: `hex(SHA-256(ack))`.
    pub fn delegation_key(&self, entity_type: &str) -> String {
        hex(&sha256(&self.access_control_key(entity_type)))
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
    /// Where the delegation that opened was (its `secureDelegations` key).
    pub delegation_key: String,
    /// Its `permissions` (`WRITE` or `READ`).
    pub permissions: Option<String>,
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
                delegation_key: opened.delegation_key(tname),
                permissions: deleg
                    .get("permissions")
                    .and_then(Value::as_str)
                    .map(str::to_string),
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

/// What [`Reader::cardinal_share`] did, and the documents to upload with
/// the record.
pub struct CardinalShared {
    /// 0 when the delegate already had a delegation through this exchange data.
    pub entries_added: usize,
    /// The new `ExchangeData` document me→delegate (`POST /rest/v2/exchangedata`),
    /// when none existed here.
    pub exchange_data: Option<ExchangeData>,
    /// The `ExchangeDataMap` entries an anonymous delegate (a patient)
    /// needs (`PUT /rest/v2/exchangedatamap/batch`), as a document.
    pub exchange_data_map: Option<Value>,
}

/// Sizes the SDK uses (FORMAT-NOTES B.2).
const ACS_LEN: usize = 16;
const SHARED_SIGNATURE_KEY_LEN: usize = 128;

/// The bytes `sharedSignature` is an HMAC-SHA512 of (RC.7's
/// `bytesToSignForSharedSignature`, FORMAT-NOTES B.2), quirks included: the
/// Kotlin `AccessControlSecret(s=…)` string and an outer list left open.
fn shared_signature_input(
    delegator: &str,
    delegate: &str,
    exchange_key: &[u8],
    acs_hex: &str,
    fingerprints: &[String],
) -> Zeroizing<Vec<u8>> {
    let s = |x: &str| Value::from(x).to_string();
    let mut fps: Vec<&String> = fingerprints.iter().collect();
    fps.sort();
    fps.dedup();
    let fps: Vec<String> = fps.iter().map(|f| s(f)).collect();
    Zeroizing::new(
        format!(
            "[[\"delegator\",{}],[\"delegate\",{}],[\"exchangeKey\",\"{}\"],[\"accessControlSecret\",\"AccessControlSecret(s={})\"],[\"publicKeysFingerprints\",[{}]]",
            s(delegator),
            s(delegate),
            hex(exchange_key),
            acs_hex,
            fps.join(",")
        )
        .into_bytes(),
    )
}

/// `base64(HMAC-SHA512(ssk, M))`.
fn shared_signature(ssk: &[u8], message: &[u8]) -> String {
    use hkdf::hmac::{Hmac, KeyInit, Mac};
    let mut m = <Hmac<sha2::Sha512> as KeyInit>::new_from_slice(ssk).expect("any key length");
    m.update(message);
    crate::crypto::b64::encode(&m.finalize().into_bytes())
}

/// Seals `"Cure" || value` under the exchange key, as `secureDelegations`
/// entries hold it.
fn seal(key: &CbcKey, value: &[u8]) -> Value {
    let mut pt = Zeroizing::new(VALIDATOR.to_vec());
    pt.extend_from_slice(value);
    Value::from(crate::crypto::b64::encode(&key.encrypt(&pt)))
}

impl Reader<'_> {
    /// My Cardinal public keys (in my iCure document, private key held here).
    fn my_owner_keys(&self) -> Result<Vec<OwnerKey>> {
        let keys: Vec<OwnerKey> = self
            .store()
            .owner(self.me().as_str())?
            .keys()?
            .into_iter()
            .filter(|k| {
                self.my_keys()
                    .iter()
                    .any(|(f, _)| *f == k.key.fingerprint())
            })
            .collect();
        if keys.is_empty() {
            return Err(Error::not_found(format!(
                "none of {}'s public keys in its iCure document has its private key here",
                self.me()
            )));
        }
        Ok(keys)
    }

    /// A new exchange data me→`with`, made as the SDK's
    /// `BaseExchangeDataManagerImpl` makes it: a 32-byte exchange key, a
    /// 16-byte access control secret and a 128-byte shared signature key,
    /// each RSA-OAEP-wrapped for my keys and `with_keys` under their v2
    /// fingerprints, and the HMAC-SHA512 `sharedSignature`. The
    /// `delegatorSignature` (RC.7: RSA-PSS-SHA256, salt 32, over
    /// `SHA-256(ssk)`, keyed by the signing key's v2 fingerprint) only with
    /// `signer`, the delegator's signing key, which the Cardinal SDK keeps on
    /// the delegator's device; without it the delegator's SDK counts this
    /// exchange data as unverified (it reads with it, but makes a new one for
    /// its own shares).
    fn new_exchange_data(
        &self,
        with: &OwnerId,
        with_keys: &[OwnerKey],
        signer: Option<&crate::crypto::PrivateKey>,
    ) -> Result<(ExchangeData, OpenedExchange)> {
        let key = CbcKey::generate();
        let mut acs = Zeroizing::new([0u8; ACS_LEN]);
        crate::crypto::random_bytes(&mut acs[..]);
        let mut ssk = Zeroizing::new([0u8; SHARED_SIGNATURE_KEY_LEN]);
        crate::crypto::random_bytes(&mut ssk[..]);
        let mine = self.my_owner_keys()?;
        let mut d = ExchangeData {
            id: uuid::Uuid::new_v4().to_string(),
            delegator: self.me().clone(),
            delegate: with.clone(),
            exchange_key: Default::default(),
            access_control_secret: Default::default(),
            delegator_signature: Default::default(),
            shared_signature_key: Default::default(),
            shared_signature: None,
        };
        for k in mine.iter().chain(with_keys) {
            let fp = k.icure_fingerprint().v2();
            let wrap = |v: &[u8]| -> Result<String> {
                Ok(crate::crypto::b64::encode(&oaep_encrypt(
                    &k.key, k.hash, v,
                )?))
            };
            d.exchange_key.insert(fp.clone(), wrap(key.expose())?);
            d.access_control_secret.insert(fp.clone(), wrap(&acs[..])?);
            d.shared_signature_key.insert(fp, wrap(&ssk[..])?);
        }
        let acs_hex = Zeroizing::new(hex(&acs[..]));
        let fps: Vec<String> = d.exchange_key.keys().cloned().collect();
        let m = shared_signature_input(
            self.me().as_str(),
            with.as_str(),
            key.expose(),
            &acs_hex,
            &fps,
        );
        d.shared_signature = Some(shared_signature(&ssk[..], &m));
        if let Some(s) = signer {
            let fp = IcureFingerprint::of_spki_der(s.public().spki_der()).v2();
            let sig = s.sign(&sha256(&ssk[..]))?;
            d.delegator_signature
                .insert(fp, crate::crypto::b64::encode(&sig));
        }
        Ok((d, OpenedExchange { key, acs_hex }))
    }

    /// Adds `with` as a delegate of a Cardinal record, in its own format
    /// (what the SDK's `shareWith` writes, with the default `MaxWrite`
    /// permission: the delegator's own): the entity key, secret ids and
    /// owning-entity ids I can open, re-sealed under my exchange key with
    /// `with`, at the delegation key of that exchange data's access control
    /// secret, with my own delegation as parent.
    ///
    /// My exchange data with `with` is reused if it is here and opens;
    /// otherwise one is made for `with_keys` (their *verified* keys, chosen
    /// by the caller) and returned, to be uploaded. For an `anonymous`
    /// delegate (a patient, the SDK's `dataOwnerRequiresAnonymousDelegation`)
    /// the entry names neither the delegate nor the exchange data, and the
    /// `ExchangeDataMap` entry that lets my devices find it is returned.
    /// `signer` (my Cardinal signing key) signs new exchange data.
    pub fn cardinal_share(
        &self,
        record: &mut Value,
        with: &OwnerId,
        with_keys: &[OwnerKey],
        anonymous: bool,
        signer: Option<&crate::crypto::PrivateKey>,
        source: &str,
    ) -> Result<CardinalShared> {
        let id = super::legacy::record_id(record);
        if with == self.me() {
            return Err(Error::usage(format!(
                "{source}: record {id}: {with} cannot share with itself"
            )));
        }
        let rtype = RecordType::of(record);
        let tname = type_name(rtype);
        let mine = self.cardinal_keys(record, rtype, source)?;
        // Reuse my exchange data with `with` when one opens here.
        let existing: Vec<ExchangeData> = self
            .store()
            .exchange_data
            .values()
            .filter(|d| d.delegator == *self.me() && d.delegate == *with)
            .cloned()
            .collect();
        let mut exchange: Option<(String, Option<ExchangeData>)> = None;
        for d in &existing {
            self.open_exchange(d)?;
            if matches!(self.cardinal.borrow().0.get(&d.id), Some(Some(_))) {
                exchange = Some((d.id.clone(), None));
                break;
            }
        }
        let (exchange_id, created) = match exchange {
            Some(x) => x,
            None => {
                if with_keys.is_empty() {
                    return Err(Error::refused(format!(
                        "no exchange data {}→{with} opens here and {with} has no verified key to make one for",
                        self.me()
                    ))
                    .hint(format!(
                        "import it with `ehrcrypt icure import-owner`, or compare {with}'s fingerprint with them, then `ehrcrypt owner verify {with} --fingerprint FP`"
                    )));
                }
                let (d, opened) = self.new_exchange_data(with, with_keys, signer)?;
                self.cardinal
                    .borrow_mut()
                    .0
                    .insert(d.id.clone(), Some(opened));
                (d.id.clone(), Some(d))
            }
        };
        let cache = self.cardinal.borrow();
        let opened = cache
            .0
            .get(&exchange_id)
            .and_then(Option::as_ref)
            .ok_or_else(|| Error::internal("exchange data opened above"))?;
        let delegation_key = opened.delegation_key(tname);
        let delegations = record
            .pointer_mut("/securityMetadata/secureDelegations")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| {
                Error::format(format!("{source}: no securityMetadata.secureDelegations"))
            })?;
        if delegations.contains_key(&delegation_key) {
            return Ok(CardinalShared {
                entries_added: 0,
                exchange_data: created,
                exchange_data_map: None,
            });
        }
        let k = &opened.key;
        let mut entry = serde_json::Map::new();
        entry.insert("delegator".into(), Value::from(self.me().as_str()));
        if !anonymous {
            entry.insert("delegate".into(), Value::from(with.as_str()));
        }
        let seal_all = |vals: &[String]| -> Value {
            Value::Array(vals.iter().map(|v| seal(k, v.as_bytes())).collect())
        };
        entry.insert("secretIds".into(), seal_all(&mine.secret_ids));
        entry.insert(
            "encryptionKeys".into(),
            Value::Array(vec![seal(k, mine.entity_key.expose())]),
        );
        if !mine.parent_ids.is_empty() {
            entry.insert("owningEntityIds".into(), seal_all(&mine.parent_ids));
        }
        entry.insert(
            "parentDelegations".into(),
            Value::Array(vec![Value::from(mine.delegation_key.clone())]),
        );
        if !anonymous {
            entry.insert("exchangeDataId".into(), Value::from(exchange_id.as_str()));
        }
        entry.insert(
            "permissions".into(),
            Value::from(mine.permissions.as_deref().unwrap_or("READ")),
        );
        delegations.insert(delegation_key, Value::Object(entry));
        let exchange_data_map = if anonymous {
            let mut ids = serde_json::Map::new();
            for key in self.my_owner_keys()? {
                let sealed = oaep_encrypt(&key.key, key.hash, exchange_id.as_bytes())?;
                ids.insert(
                    key.icure_fingerprint().v2(),
                    Value::from(crate::crypto::b64::encode(&sealed)),
                );
            }
            Some(serde_json::json!({
                "id": hex(&opened.access_control_key(tname)),
                "encryptedExchangeDataIds": ids,
            }))
        } else {
            None
        };
        Ok(CardinalShared {
            entries_added: 1,
            exchange_data: created,
            exchange_data_map,
        })
    }
}

impl ExchangeData {
    /// The document as the Cardinal REST API takes it (every map present,
    /// `delegatorSignature` empty when ehrcrypt made it).
    pub fn rest_document(&self) -> Value {
        serde_json::json!({
            "id": self.id,
            "delegator": self.delegator,
            "delegate": self.delegate,
            "exchangeKey": self.exchange_key,
            "accessControlSecret": self.access_control_secret,
            "delegatorSignature": self.delegator_signature,
            "sharedSignatureKey": self.shared_signature_key,
            "sharedSignature": self.shared_signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(rel: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/icure/cardinal-sdk-1.0.0-RC.7")
            .join(rel);
        std::fs::read(&p).unwrap()
    }

    /// The shared signature is made exactly as RC.7 made the fixtures':
    /// recomputed from the secrets A opens, it equals the SDK's.
    #[test]
    fn shared_signatures_are_computed_as_the_sdk_does() {
        let keys = super::super::keys::parse(&fixture("keys/hcp-a.sdk-storage.json"), "a").unwrap();
        let a = &keys[0];
        let fp = a.icure_fingerprint().v2();
        let storage = fixture("keys/hcp-a.sdk-storage.json");
        let signer =
            super::super::keys::parse_signing_key(&storage, &OwnerId::new("hcp-a").unwrap(), "a")
                .unwrap();
        let v: Value = serde_json::from_slice(&storage).unwrap();
        let (name, entry) = v
            .as_object()
            .unwrap()
            .iter()
            .find(|(k, _)| k.contains(".sign.verify."))
            .unwrap();
        let verify_key = crate::crypto::PublicKey::from_spki_der(
            &codec::base64(entry["publicKey"].as_str().unwrap(), "spki").unwrap(),
        )
        .unwrap();
        assert_eq!(verify_key.fingerprint(), signer.public().fingerprint());
        let verify_fp = IcureFingerprint::of_spki_der(verify_key.spki_der()).v2();
        assert!(name.contains(&verify_fp));
        for name in ["hcp-a--hcp-a", "hcp-a--hcp-b", "hcp-a--patient-p"] {
            let v: Value =
                serde_json::from_slice(&fixture(&format!("exchange-data/{name}.json"))).unwrap();
            let d = ExchangeData::from_rest(&v, name).unwrap();
            let open = |m: &std::collections::BTreeMap<String, String>| {
                oaep_decrypt(
                    &a.key,
                    OaepHash::Sha256,
                    &codec::base64(&m[&fp], "x").unwrap(),
                )
                .unwrap()
            };
            let (k, acs, ssk) = (
                open(&d.exchange_key),
                open(&d.access_control_secret),
                open(&d.shared_signature_key),
            );
            assert_eq!(
                (k.len(), acs.len(), ssk.len()),
                (32, ACS_LEN, SHARED_SIGNATURE_KEY_LEN)
            );
            let fps: Vec<String> = d.exchange_key.keys().cloned().collect();
            let m = shared_signature_input(
                d.delegator.as_str(),
                d.delegate.as_str(),
                &k,
                &hex(&acs),
                &fps,
            );
            assert_eq!(
                Some(shared_signature(&ssk, &m)),
                d.shared_signature,
                "{name}"
            );
            // The delegator signature: RSA-PSS-SHA256 over SHA-256(ssk), by
            // the signing key the SDK stored (its public half beside it).
            let sig = codec::base64(&d.delegator_signature[&verify_fp], "sig").unwrap();
            assert!(verify_key.verify(&sha256(&ssk), &sig), "{name}");
            let ours = signer.sign(&sha256(&ssk)).unwrap();
            assert!(verify_key.verify(&sha256(&ssk), &ours));
        }
    }
}
