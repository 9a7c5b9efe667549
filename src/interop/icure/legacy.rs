//! The legacy iCure record format (`@icure/api` 4.x–6.x, docs/ICURE.md §3):
//! `delegations`, `encryptionKeys` and `cryptedForeignKeys` keyed by
//! delegate, each entry `hex(IV || AES-256-CBC(K_DR, latin1(id ":" value)))`
//! under the exchange key of its delegator and delegate; `encryptedSelf` is
//! `base64(IV || AES-CBC(entity key, utf8(JSON)))`, the entity key being the
//! 16 bytes of a UUID.
//!
//! [`Reader`] opens records as a local owner, the way the SDK returns them
//! (encrypted fields merged back, a contact's services decrypted with the
//! contact's key). Exchange keys are RSA-decrypted lazily, at most once each.
//!
//! Every failure to open a value (RSA or AES, wrong key, bad padding,
//! malformed plaintext, an entry sealed for another entity) gives the same
//! one-line [`ErrorKind::Integrity`] message, so that feeding modified
//! records to ehrcrypt never tells which of these happened.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::codec;
use super::owner::{IcureOwner, OwnerKey, OwnerStore};
use super::{IcureFingerprint, RecordFormat, RecordType};
use crate::crypto::legacy::{oaep_decrypt, oaep_encrypt, CbcKey, OaepHash};
use crate::crypto::{Fingerprint, PrivateKey};
use crate::error::{Error, ErrorKind, Result};
use crate::owner::OwnerId;
use crate::session::Session;

/// The three delegation-like fields, in the order the SDK fills them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `delegations`: the secret id children carry in `secretForeignKeys`.
    Delegations,
    /// `encryptionKeys`: the entity key (a UUID).
    EncryptionKeys,
    /// `cryptedForeignKeys`: the parent's id.
    CryptedForeignKeys,
}

impl Field {
    pub const ALL: [Field; 3] = [
        Field::Delegations,
        Field::EncryptionKeys,
        Field::CryptedForeignKeys,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Field::Delegations => "delegations",
            Field::EncryptionKeys => "encryptionKeys",
            Field::CryptedForeignKeys => "cryptedForeignKeys",
        }
    }
}

/// One opened entry: who sealed it, the id sealed with it, and its value.
pub struct Opened {
    pub owner: String,
    pub sealed_id: String,
    pub value: Zeroizing<String>,
}

/// A record as the SDK returns it, and what was learnt opening it.
pub struct Decrypted {
    pub id: String,
    pub record_type: RecordType,
    /// The record with its encrypted fields merged back.
    pub value: Value,
    /// Entity key size: 128 for the SDKs' UUID keys.
    pub key_bits: usize,
    /// The secret id (`delegations`), which children hold in `secretForeignKeys`.
    pub secret_id: Option<String>,
    /// The parent ids (`cryptedForeignKeys`).
    pub parent_ids: Vec<String>,
}

/// Exchange keys of one delegator for `me`: the ciphertexts found, and
/// those already RSA-decrypted.
#[derive(Default)]
struct Pending {
    /// (which of my keys, hex ciphertext), distinct ciphertexts only.
    candidates: Vec<(Fingerprint, String)>,
    next: usize,
    opened: Vec<CbcKey>,
}

/// Opens legacy records as one local owner.
pub struct Reader<'a> {
    session: &'a Session,
    store: &'a OwnerStore,
    me: OwnerId,
    /// My private keys' fingerprints (ehrcrypt's and iCure's).
    my_keys: Vec<(Fingerprint, IcureFingerprint)>,
    exchange: RefCell<HashMap<String, Pending>>,
    /// Cardinal exchange data opened so far.
    pub(super) cardinal: RefCell<super::cardinal::Cache>,
    rsa_decryptions: RefCell<usize>,
}

/// The one message for anything that does not open.
pub(super) fn cannot_open(source: &str, id: &str, what: &str) -> Error {
    Error::integrity(format!(
        "{source}: record {id}: {what} does not open with your keys (wrong key or modified data; this format cannot tell which)"
    ))
}

impl<'a> Reader<'a> {
    pub fn new(session: &'a Session, store: &'a OwnerStore, me: &OwnerId) -> Result<Self> {
        let owner = session.keystore().local_owner(me)?;
        let mut my_keys = Vec::new();
        for k in &owner.private_keys {
            let public = owner
                .public_key(&k.fingerprint)
                .ok_or_else(|| Error::internal("private key without public key"))?
                .key()?;
            my_keys.push((
                k.fingerprint,
                IcureFingerprint::of_spki_der(public.spki_der()),
            ));
        }
        Ok(Reader {
            session,
            store,
            me: me.clone(),
            my_keys,
            exchange: RefCell::new(HashMap::new()),
            cardinal: RefCell::new(Default::default()),
            rsa_decryptions: RefCell::new(0),
        })
    }

    pub fn me(&self) -> &OwnerId {
        &self.me
    }

    /// RSA decryptions so far (for `-v`).
    pub fn rsa_decryptions(&self) -> usize {
        *self.rsa_decryptions.borrow()
    }

    pub(super) fn store(&self) -> &OwnerStore {
        self.store
    }

    pub(super) fn my_keys(&self) -> &[(Fingerprint, IcureFingerprint)] {
        &self.my_keys
    }

    pub(super) fn count_rsa(&self, n: usize) {
        *self.rsa_decryptions.borrow_mut() += n;
    }

    pub(super) fn private_key(&self, fp: &Fingerprint) -> Result<std::sync::Arc<PrivateKey>> {
        let owner = self.session.keystore().owner(&self.me)?;
        self.session.private_key(owner, fp)
    }

    /// Where `delegator`'s exchange keys for me are (FORMAT-NOTES A.3):
    /// `aesExchangeKeys[*][me][fp(my key)]` first, then `hcPartyKeys[me]`
    /// (index 0 when I am the delegator, 1 otherwise).
    fn candidates(&self, delegator: &IcureOwner) -> Vec<(Fingerprint, String)> {
        let mut out: Vec<(Fingerprint, String)> = Vec::new();
        let me = self.me.as_str();
        for by_delegate in delegator.aes_exchange_keys.values() {
            if let Some(by_fp) = by_delegate.get(me) {
                for (fp, hex) in by_fp {
                    for (mine, icure) in &self.my_keys {
                        if icure.v1() == fp.to_ascii_lowercase() {
                            out.push((*mine, hex.clone()));
                        }
                    }
                }
            }
        }
        if let Some(pair) = delegator.hc_party_keys.get(me) {
            let i = usize::from(delegator.id != self.me);
            if let Some(hex) = pair.get(i) {
                for (mine, _) in &self.my_keys {
                    out.push((*mine, hex.clone()));
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|(fp, h)| seen.insert((*fp, h.to_ascii_lowercase())));
        out
    }

    /// Opens `entry_hex` with an exchange key of `delegator` → me, RSA-
    /// decrypting further exchange keys only when the known ones fail.
    fn open_with_exchange_key(
        &self,
        delegator: &str,
        sealed: &[u8],
    ) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let mut map = self.exchange.borrow_mut();
        if !map.contains_key(delegator) {
            let Some(doc) = self.store.get(delegator) else {
                return Err(Error::not_found(format!(
                    "no iCure data owner document for {delegator}, whose exchange key is needed"
                ))
                .hint("import it with `ehrcrypt icure import-owner FILE`"));
            };
            map.insert(
                delegator.to_string(),
                Pending {
                    candidates: self.candidates(doc),
                    ..Default::default()
                },
            );
        }
        let pending = map.get_mut(delegator).expect("inserted");
        for k in &pending.opened {
            if let Ok(pt) = k.decrypt(sealed) {
                return Ok(Some(pt));
            }
        }
        while pending.next < pending.candidates.len() {
            let (fp, hex) = pending.candidates[pending.next].clone();
            pending.next += 1;
            let Ok(ct) = codec::hex(&hex, "exchange key", codec::MAX_KEY_HEX) else {
                continue;
            };
            let key = self.private_key(&fp)?;
            *self.rsa_decryptions.borrow_mut() += 1;
            let Ok(raw) = oaep_decrypt(&key, OaepHash::Sha1, &ct) else {
                continue;
            };
            // An exchange key is 32 bytes (AES-256); anything else is not one.
            let Some(k) = (raw.len() == 32)
                .then(|| CbcKey::from_slice(&raw))
                .flatten()
            else {
                continue;
            };
            let pt = k.decrypt(sealed).ok();
            pending.opened.push(k);
            if let Some(pt) = pt {
                return Ok(Some(pt));
            }
        }
        Ok(None)
    }

    /// Opens my entries of `field`; `None` if the record has no such field.
    /// Entries sealed for another entity id are *not* refused here (the SDK
    /// ignores them too); callers decide.
    pub fn open_field(
        &self,
        record: &Value,
        field: Field,
        source: &str,
    ) -> Result<Option<Vec<Opened>>> {
        let id = record_id(record);
        let Some(all) = record.get(field.name()).and_then(Value::as_object) else {
            return Ok(None);
        };
        if all.is_empty() {
            return Ok(None);
        }
        let Some(mine) = all
            .get(self.me.as_str())
            .and_then(Value::as_array)
            .filter(|a| !a.is_empty())
        else {
            let holders: Vec<&str> = all.keys().map(String::as_str).collect();
            return Err(Error::no_access(format!(
                "{source}: record {id} has no {} entry for {}; access is held by {}",
                field.name(),
                self.me,
                holders.join(", ")
            ))
            .hint("ask one of them to share it with you (`ehrcrypt icure share`)"));
        };
        let mut out = Vec::new();
        for e in mine {
            let (Some(owner), Some(key)) = (
                e.get("owner").and_then(Value::as_str),
                e.get("key").and_then(Value::as_str),
            ) else {
                return Err(Error::format(format!(
                    "{source}: record {id}: a {} entry has no owner or key",
                    field.name()
                )));
            };
            let sealed = codec::hex(
                key,
                &format!("{source}: {} entry", field.name()),
                codec::MAX_ENTRY_HEX,
            )?;
            let Some(pt) = self.open_with_exchange_key(owner, &sealed)? else {
                continue;
            };
            // latin-1, as the SDK's ua2string; then "<id>:<value>".
            let text: Zeroizing<String> = Zeroizing::new(pt.iter().map(|&b| b as char).collect());
            let Some((sealed_id, value)) = text.split_once(':') else {
                continue;
            };
            out.push(Opened {
                owner: owner.to_string(),
                sealed_id: sealed_id.to_string(),
                value: Zeroizing::new(value.to_string()),
            });
        }
        if out.is_empty() {
            return Err(cannot_open(
                source,
                &id,
                &format!("no {} entry for {}", field.name(), self.me),
            ));
        }
        Ok(Some(out))
    }

    /// The values of my entries of `field` sealed for this record's id.
    fn values(
        &self,
        record: &Value,
        field: Field,
        source: &str,
    ) -> Result<Option<Vec<Zeroizing<String>>>> {
        let id = record_id(record);
        let Some(opened) = self.open_field(record, field, source)? else {
            return Ok(None);
        };
        let good: Vec<Zeroizing<String>> = opened
            .into_iter()
            .filter(|o| o.sealed_id == id)
            .map(|o| o.value)
            .collect();
        if good.is_empty() {
            // Sealed for another record: moved here. Same message as any
            // other failure (no oracle); `icure check` names it.
            return Err(cannot_open(
                source,
                &id,
                &format!("no {} entry for {}", field.name(), self.me),
            ));
        }
        Ok(Some(good))
    }

    /// The entity key, from `encryptionKeys` (or, for old records without
    /// any, from `delegations`, as the SDK's patient, contact and health
    /// element APIs do).
    pub fn entity_key(&self, record: &Value, rtype: RecordType, source: &str) -> Result<CbcKey> {
        let id = record_id(record);
        let has_ek = record
            .get("encryptionKeys")
            .and_then(Value::as_object)
            .is_some_and(|m| !m.is_empty());
        let field = if !has_ek
            && matches!(
                rtype,
                RecordType::Patient | RecordType::Contact | RecordType::HealthElement
            ) {
            Field::Delegations
        } else {
            Field::EncryptionKeys
        };
        let values = self
            .values(record, field, source)?
            .ok_or_else(|| Error::format(format!("{source}: record {id} has no encryptionKeys")))?;
        values
            .iter()
            .find_map(|v| entity_key_from_secret(v))
            .ok_or_else(|| cannot_open(source, &id, "the entity key"))
    }

    /// Decrypts a legacy or Cardinal record as the SDK returns it.
    pub fn decrypt(
        &self,
        record: &Value,
        type_hint: Option<RecordType>,
        source: &str,
    ) -> Result<Decrypted> {
        let format = RecordFormat::of(record);
        if !matches!(format, RecordFormat::Legacy | RecordFormat::Cardinal) {
            return Err(format.not_legacy(source));
        }
        let id = record_id(record);
        if id.is_empty() {
            return Err(Error::format(format!("{source}: record has no \"id\"")));
        }
        let rtype = type_hint.unwrap_or_else(|| RecordType::of(record));
        if format == RecordFormat::Cardinal {
            let keys = self.cardinal_keys(record, rtype, source)?;
            let value = open_self_value(record, &keys.entity_key, source)?;
            return Ok(Decrypted {
                id,
                record_type: rtype,
                value,
                key_bits: keys.entity_key.bits(),
                secret_id: keys.secret_ids.into_iter().next(),
                parent_ids: keys.parent_ids,
            });
        }
        let key = self.entity_key(record, rtype, source)?;
        let value = open_self_value(record, &key, source)?;
        let secret_id = self
            .values(record, Field::Delegations, source)
            .or_else(|e| {
                if e.kind() == ErrorKind::NoAccess {
                    Ok(None)
                } else {
                    Err(e)
                }
            })?
            .and_then(|v| v.into_iter().next())
            .map(|s| s.to_string());
        let parent_ids = self
            .values(record, Field::CryptedForeignKeys, source)
            .or_else(|e| {
                if e.kind() == ErrorKind::NoAccess {
                    Ok(None)
                } else {
                    Err(e)
                }
            })?
            .unwrap_or_default()
            .iter()
            .map(|s| s.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        Ok(Decrypted {
            id,
            record_type: rtype,
            value,
            key_bits: key.bits(),
            secret_id,
            parent_ids,
        })
    }

    /// My exchange key with `delegate`, if my owner document has one.
    fn own_exchange_key(&self, delegate: &str) -> Result<Option<CbcKey>> {
        let mine = self.store.owner(self.me.as_str())?;
        let mut cands: Vec<(Fingerprint, String)> = Vec::new();
        for (pubhex, by_delegate) in &mine.aes_exchange_keys {
            let my_fp = IcureFingerprint::of_spki_hex(pubhex);
            if let Some(by_fp) = by_delegate.get(delegate) {
                for (fp, hex) in by_fp {
                    for (f, icure) in &self.my_keys {
                        if fp.eq_ignore_ascii_case(&icure.v1())
                            && Some(icure.v1()) == my_fp.as_ref().map(|x| x.v1())
                        {
                            cands.push((*f, hex.clone()));
                        }
                    }
                }
            }
        }
        if let Some(pair) = mine.hc_party_keys.get(delegate) {
            for (f, _) in &self.my_keys {
                cands.push((*f, pair[0].clone()));
            }
        }
        for (fp, hex) in cands {
            let ct = codec::hex(&hex, "exchange key", codec::MAX_KEY_HEX)?;
            let key = self.private_key(&fp)?;
            *self.rsa_decryptions.borrow_mut() += 1;
            if let Ok(raw) = oaep_decrypt(&key, OaepHash::Sha1, &ct) {
                if raw.len() == 32 {
                    return Ok(CbcKey::from_slice(&raw));
                }
            }
        }
        Ok(None)
    }

    /// Adds `with` as a delegate of `record` in the record's own format
    /// (what `addDelegationsAndEncryptionKeys` writes): my `delegations`,
    /// `encryptionKeys` and `cryptedForeignKeys` values re-sealed under my
    /// exchange key with `with`, appended under `[with]`.
    ///
    /// If I have no exchange key with `with`, one is made for `with_keys`
    /// (their *verified* keys, chosen by the caller) and my keys, and my
    /// owner document gains it: [`Shared::owner_document`] must then be
    /// uploaded too, or the iCure apps cannot open it.
    pub fn share(
        &self,
        record: &mut Value,
        with: &OwnerId,
        with_keys: &[OwnerKey],
        source: &str,
    ) -> Result<Shared> {
        match RecordFormat::of(record) {
            RecordFormat::Legacy => {}
            RecordFormat::Cardinal => {
                return Err(Error::refused(format!(
                    "{source}: sharing a Cardinal record in its own format is not supported by this version"
                ))
                .hint("Cardinal records can be shared with the Cardinal SDK, or migrated with `ehrcrypt icure migrate`"))
            }
            other => return Err(other.not_legacy(source)),
        }
        let id = record_id(record);
        let mut values: Vec<(Field, Vec<Zeroizing<String>>)> = Vec::new();
        for f in Field::ALL {
            if let Some(v) = self.values(record, f, source)? {
                values.push((f, v));
            }
        }
        if values.is_empty() {
            return Err(Error::format(format!(
                "{source}: record {id} has no delegation fields to extend"
            )));
        }
        let (key, created) = match self.own_exchange_key(with.as_str())? {
            Some(k) => (k, None),
            None => {
                if with_keys.is_empty() {
                    return Err(Error::refused(format!(
                        "no exchange key {}→{with} exists and {with} has no verified key to make one for",
                        self.me
                    ))
                    .hint(format!(
                        "compare {with}'s fingerprint with them, then `ehrcrypt owner verify {with} --fingerprint FP`"
                    )));
                }
                let k = CbcKey::generate();
                let doc = self.add_exchange_key(&k, with, with_keys)?;
                (k, Some(doc))
            }
        };
        let mut added = 0;
        for (field, vals) in &values {
            let map = record
                .get_mut(field.name())
                .and_then(Value::as_object_mut)
                .expect("the field was read above");
            let list = map
                .entry(with.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            let Some(list) = list.as_array_mut() else {
                return Err(Error::format(format!(
                    "{source}: {}[{with}] is not an array",
                    field.name()
                )));
            };
            if list
                .iter()
                .any(|e| e.get("owner").and_then(Value::as_str) == Some(self.me.as_str()))
            {
                continue;
            }
            // Only the first value of each field: the SDK keeps one per entity.
            let plain = latin1(&format!("{id}:{}", vals[0].as_str())).ok_or_else(|| {
                Error::format(format!("{source}: record {id}: a value is not latin-1"))
            })?;
            let sealed = key.encrypt(&plain);
            let mut entry = Map::new();
            entry.insert("owner".into(), Value::from(self.me.as_str()));
            entry.insert("delegatedTo".into(), Value::from(with.as_str()));
            entry.insert("key".into(), Value::from(crate::crypto::hex(&sealed)));
            list.push(Value::Object(entry));
            added += 1;
        }
        Ok(Shared {
            entries_added: added,
            owner_document: created,
        })
    }

    /// My owner document with a new exchange key me→`with`, as 6.x writes
    /// it: `hcPartyKeys[with]` when both have a legacy `publicKey`, and
    /// `aesExchangeKeys[my key][with]` for each of my keys and theirs.
    fn add_exchange_key(
        &self,
        k: &CbcKey,
        with: &OwnerId,
        with_keys: &[OwnerKey],
    ) -> Result<IcureOwner> {
        let mut doc = self.store.owner(self.me.as_str())?.clone();
        let my_keys: Vec<OwnerKey> = doc
            .keys()?
            .into_iter()
            .filter(|k| self.my_keys.iter().any(|(f, _)| *f == k.key.fingerprint()))
            .collect();
        if my_keys.is_empty() {
            return Err(Error::not_found(format!(
                "none of {}'s public keys in its iCure document has its private key here",
                self.me
            )));
        }
        let wrap = |k2: &OwnerKey| -> Result<String> {
            Ok(crate::crypto::hex(&oaep_encrypt(
                &k2.key,
                k2.hash,
                k.expose(),
            )?))
        };
        for mine in &my_keys {
            let mut by_fp = BTreeMap::new();
            for x in my_keys.iter().chain(with_keys) {
                by_fp.insert(x.icure_fingerprint().v1(), wrap(x)?);
            }
            doc.aes_exchange_keys
                .entry(crate::crypto::hex(mine.key.spki_der()))
                .or_default()
                .insert(with.to_string(), by_fp);
        }
        let with_doc_key = self
            .store
            .get(with.as_str())
            .and_then(|o| o.public_key.clone());
        if let (Some(my_pub), Some(their_pub)) = (&doc.public_key, with_doc_key) {
            let mine = my_keys
                .iter()
                .find(|k| crate::crypto::hex(k.key.spki_der()) == *my_pub);
            let theirs = with_keys
                .iter()
                .find(|k| crate::crypto::hex(k.key.spki_der()) == their_pub);
            if let (Some(m), Some(t)) = (mine, theirs) {
                doc.hc_party_keys
                    .insert(with.to_string(), vec![wrap(m)?, wrap(t)?]);
            }
        }
        Ok(doc)
    }
}

/// What [`Reader::share`] did.
pub struct Shared {
    pub entries_added: usize,
    /// My owner document with the new exchange key, if one was made.
    pub owner_document: Option<IcureOwner>,
}

/// The record's id as text.
pub fn record_id(record: &Value) -> String {
    match record.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn latin1(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

/// The AES key a secret names: a UUID (its 16 bytes: AES-128, what the
/// SDKs make) or 32/64 hex digits (6.x's `filterAndFixValidEntityEncryptionKeyStrings`).
pub fn entity_key_from_secret(secret: &str) -> Option<CbcKey> {
    let s = secret.trim();
    let digits: String =
        if s.len() == 36 && [8, 13, 18, 23].iter().all(|&i| s.as_bytes()[i] == b'-') {
            s.replace('-', "")
        } else {
            s.to_string()
        };
    if !matches!(digits.len(), 32 | 64) {
        return None;
    }
    let bytes = Zeroizing::new(codec::hex(&digits, "key", 64).ok()?);
    CbcKey::from_slice(&bytes)
}

/// The record with its `encryptedSelf` merged back, and each service's
/// (`{"content": …}`, trailing NULs stripped as the SDK does; or the older
/// `encryptedContent`), all under the record's key.
pub(super) fn open_self_value(record: &Value, key: &CbcKey, source: &str) -> Result<Value> {
    let id = record_id(record);
    let mut value = record.clone();
    if let Some(text) = record
        .get("encryptedSelf")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        let fields =
            open_self(key, text, false).ok_or_else(|| cannot_open(source, &id, "encryptedSelf"))?;
        merge(&mut value, fields);
    }
    let Some(services) = value.get_mut("services").and_then(Value::as_array_mut) else {
        return Ok(value);
    };
    for svc in services {
        let what = format!(
            "service {}",
            svc.get("id").and_then(Value::as_str).unwrap_or("?")
        );
        if let Some(text) = svc
            .get("encryptedSelf")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            let fields =
                open_self(key, text, true).ok_or_else(|| cannot_open(source, &id, &what))?;
            merge(svc, fields);
        } else if let Some(text) = svc
            .get("encryptedContent")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            let content =
                open_self(key, text, true).ok_or_else(|| cannot_open(source, &id, &what))?;
            svc["content"] = Value::Object(content);
        }
    }
    Ok(value)
}

/// Decrypts an `encryptedSelf` to its JSON object; `None` on any failure.
fn open_self(key: &CbcKey, text: &str, strip_nuls: bool) -> Option<Map<String, Value>> {
    let sealed = codec::base64(text, "encryptedSelf").ok()?;
    let pt = key.decrypt(&sealed).ok()?;
    let mut end = pt.len();
    if strip_nuls {
        while end > 0 && pt[end - 1] == 0 {
            end -= 1;
        }
    }
    match serde_json::from_slice::<Value>(&pt[..end]).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// `Object.assign(target, fields)`.
fn merge(target: &mut Value, fields: Map<String, Value>) {
    if let Some(obj) = target.as_object_mut() {
        for (k, v) in fields {
            obj.insert(k, v);
        }
    }
}
