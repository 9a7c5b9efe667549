//! Encrypted entities (seed 000): patients, contacts, forms and health
//! elements as JSON, each with its own AES-256 key.
//!
//! An entity file (`ehrcrypt/entity/v1`) keeps in clear only its `id`, its
//! `kind`, the fields the user chose to keep in clear, and the crypto
//! metadata:
//! - `encryptedSelf`: the original JSON document, sealed under the entity key;
//! - `encryptionKeys`: the entity key wrapped under exchange keys, keyed by
//!   delegate (`A→A: <HGFE>_{AA}`, `A→B: <HGFE>_{AB}`);
//! - `delegations`: the entity's secret id (children link to it), wrapped likewise;
//! - `secretForeignKeys`: the parent's secret id, in clear;
//! - `cryptedForeignKeys`: the parent's id, wrapped likewise.
//!
//! Every sealed value is AES-256-GCM with associated data naming its place
//! (format, role, entity id, kind, owner, delegate, exchange key), so moving
//! it elsewhere fails to open. `encryptedSelf`'s associated data also covers
//! the clear fields and `secretForeignKeys`, so editing them is detected.
//!
//! A v2 record over 1 MiB written beside a local file may instead be
//! detached into a sidecar stream (`detachedSelf`, docs/FORMAT.md §8.4,
//! [`attachment::DETACH_THRESHOLD`]); `encryptedSelf` then seals nothing
//! and its associated data covers the sidecar's id, size and digest.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeSeed;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::crypto::derive::LookupPrf;
use crate::crypto::{b64, Context, SymmetricKey};
use crate::error::{Error, ErrorKind, Result};
use crate::owner::OwnerId;
use crate::session::{ExchangeOptions, Session};

pub mod attachment;
mod large;
pub mod v2;

pub use v2::FORMAT_V2;

pub const ENTITY_FORMAT: &str = "ehrcrypt/entity/v1";
/// The newest entity format this ehrcrypt reads and the one it writes.
const NEWEST: u32 = 2;
/// What follows the `encryptedSelf` value, the last field, in a file.
const SELF_TAIL: &[u8] = b"\"\n}\n";
const FORMAT_PREFIX: &str = "ehrcrypt/entity/";

/// Top-level names the envelope uses; an input may not keep them in clear.
pub const RESERVED: [&str; 8] = [
    "format",
    "id",
    "kind",
    "secretForeignKeys",
    "cryptedForeignKeys",
    "delegations",
    "encryptionKeys",
    "encryptedSelf",
];

/// The kinds of entity of the iCure model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntityKind {
    Patient,
    Contact,
    Form,
    HealthElement,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Patient => "patient",
            EntityKind::Contact => "contact",
            EntityKind::Form => "form",
            EntityKind::HealthElement => "health-element",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for EntityKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "patient" => Ok(EntityKind::Patient),
            "contact" => Ok(EntityKind::Contact),
            "form" => Ok(EntityKind::Form),
            "health-element" => Ok(EntityKind::HealthElement),
            _ => Err(Error::format(format!(
                "'{s}' is not an entity kind (patient, contact, form, health-element)"
            ))),
        }
    }
}

/// What a delegation entry protects; part of its associated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `encryptionKeys`: the entity key.
    EncryptionKey,
    /// `delegations`: the entity's secret id.
    SecretId,
    /// `cryptedForeignKeys`: the parent's id.
    ParentId,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::EncryptionKey, Role::SecretId, Role::ParentId];

    pub fn field(self) -> &'static str {
        match self {
            Role::EncryptionKey => "encryptionKeys",
            Role::SecretId => "delegations",
            Role::ParentId => "cryptedForeignKeys",
        }
    }
}

/// One wrapped value for one delegate: `owner→delegatedTo: <value>_{owner delegatedTo}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delegation {
    /// Who wrapped it (the delegator).
    pub owner: OwnerId,
    pub delegated_to: OwnerId,
    /// Id of the exchange key {owner delegatedTo} it is wrapped under.
    pub exchange_key: String,
    /// `nonce || ciphertext || tag`, base64.
    pub key: String,
}

/// Delegations keyed by delegate, as in seed 000.
pub type Delegations = BTreeMap<OwnerId, Vec<Delegation>>;

/// A parsed entity envelope.
#[derive(Clone, Debug)]
pub struct Entity {
    /// The id as it appeared (string or integer).
    pub id: Value,
    pub kind: EntityKind,
    /// The fields kept in clear, at their original paths.
    pub clear: Map<String, Value>,
    pub secret_foreign_keys: Vec<String>,
    pub crypted_foreign_keys: Delegations,
    pub delegations: Delegations,
    pub encryption_keys: Delegations,
    /// base64 of `nonce || ciphertext || tag`.
    pub encrypted_self: String,
    /// `Some` for an `ehrcrypt/entity/v2` entity, whose delegations and
    /// links are all here: its four v1 fields above are then empty (the
    /// parser refuses a v2 file carrying any of them).
    pub v2: Option<v2::V2Meta>,
}

/// Whether `value` looks like an ehrcrypt entity (of any version).
pub fn is_entity(value: &Value) -> bool {
    value
        .get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| f.starts_with(FORMAT_PREFIX))
}

/// The id of a JSON document as text: a string or an integer.
fn id_text(id: &Value) -> Option<String> {
    match id {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

impl Entity {
    /// Parses an entity file; `source` names it in errors.
    pub fn parse(value: &Value, source: &str) -> Result<Self> {
        Self::from_value(value.clone(), source)
    }

    /// Parses an entity, taking the JSON apart without copying it (bulk
    /// commands parse thousands, and `encryptedSelf` may be megabytes).
    pub fn from_value(value: Value, source: &str) -> Result<Self> {
        let raw = RawEntity::deserialize(value)
            .map_err(|e| Error::format(format!("{source}: malformed entity: {e}")))?;
        raw.into_entity(source)
    }

    /// Parses an entity straight from a file's bytes, into typed fields
    /// without an intermediate JSON tree: the bulk decryption path.
    pub fn from_slice(bytes: &[u8], source: &str) -> Result<Self> {
        let raw: RawEntity = crate::format::parse_strict(bytes, source, "entity")?;
        raw.into_entity(source)
    }

    /// Parses an entity file's bytes for `me` to read: only `me`'s
    /// delegations are kept, the others' are checked as JSON and skipped.
    /// Private so that such a partial entity can never be written back.
    fn from_slice_for(bytes: &[u8], source: &str, me: &OwnerId) -> Result<Self> {
        crate::format::reject_duplicate_keys(bytes, source, "entity")?;
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let raw = RawSeed { only: Some(me) }
            .deserialize(&mut de)
            .and_then(|r| de.end().map(|()| r))
            .map_err(|e| crate::format::malformed(source, "entity", &e))?;
        raw.into_entity(source)
    }

    /// Reads and parses an entity file (or stdin for `-`).
    pub fn read(path: &std::path::Path) -> Result<(Self, String)> {
        let source = crate::error::display_path(path);
        let bytes = crate::atomic_file::read(path)?;
        Ok((Self::from_slice(&bytes, &source)?, source))
    }

    pub fn id_text(&self) -> String {
        id_text(&self.id).unwrap_or_default()
    }

    /// The envelope as JSON, fields in a fixed order.
    pub fn to_value(&self) -> Value {
        let mut m = self.envelope_head();
        m.insert(
            "encryptedSelf".into(),
            Value::from(self.encrypted_self.clone()),
        );
        Value::Object(m)
    }

    /// Every field of the envelope but `encryptedSelf`, in order.
    fn envelope_head(&self) -> Map<String, Value> {
        let mut m = Map::new();
        let format = if self.v2.is_some() {
            FORMAT_V2
        } else {
            ENTITY_FORMAT
        };
        m.insert("format".into(), Value::from(format));
        m.insert("id".into(), self.id.clone());
        m.insert("kind".into(), Value::from(self.kind.as_str()));
        for (k, v) in &self.clear {
            m.insert(k.clone(), v.clone());
        }
        if let Some(meta) = &self.v2 {
            meta.put_fields(&mut m);
            return m;
        }
        if !self.secret_foreign_keys.is_empty() {
            m.insert(
                "secretForeignKeys".into(),
                Value::from(self.secret_foreign_keys.clone()),
            );
        }
        let put = |m: &mut Map<String, Value>, name: &str, d: &Delegations| {
            if !d.is_empty() {
                m.insert(name.into(), serde_json::to_value(d).unwrap_or_default());
            }
        };
        put(&mut m, "cryptedForeignKeys", &self.crypted_foreign_keys);
        put(&mut m, "delegations", &self.delegations);
        put(&mut m, "encryptionKeys", &self.encryption_keys);
        m
    }

    /// The envelope serialised for a file: pretty JSON and a newline, the
    /// very bytes of pretty-printing [`Entity::to_value`]. `encryptedSelf`,
    /// nearly all of a large entity, is copied once instead of being cloned
    /// into a tree and escaped byte by byte: base64 has nothing to escape.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self.head_up_to_self() {
            Some(head) => {
                let text = self.encrypted_self.as_bytes();
                let mut out = Vec::with_capacity(head.len() + text.len() + SELF_TAIL.len());
                out.extend_from_slice(&head);
                out.extend_from_slice(text);
                out.extend_from_slice(SELF_TAIL);
                out
            }
            None => {
                let mut out = serde_json::to_vec_pretty(&self.to_value()).unwrap_or_default();
                out.push(b'\n');
                out
            }
        }
    }

    /// [`Entity::to_bytes`], reusing the buffer of `encryptedSelf` rather
    /// than copying it into a new one: for a 100 MB record, 133 MB of fresh
    /// memory (which the kernel must zero) fewer.
    pub fn into_bytes(mut self) -> Vec<u8> {
        let Some(head) = self.head_up_to_self() else {
            return self.to_bytes();
        };
        let mut out = std::mem::take(&mut self.encrypted_self).into_bytes();
        out.reserve_exact(head.len() + SELF_TAIL.len());
        out.splice(0..0, head);
        out.extend_from_slice(SELF_TAIL);
        out
    }

    /// The pretty JSON of the envelope up to the opening quote of the
    /// `encryptedSelf` value, or `None` if that value needs escaping.
    fn head_up_to_self(&self) -> Option<Vec<u8>> {
        if needs_json_escape(self.encrypted_self.as_bytes()) {
            return None;
        }
        let mut head = serde_json::to_vec_pretty(&Value::Object(self.envelope_head())).ok()?;
        if !head.ends_with(b"\n}") {
            return None;
        }
        head.truncate(head.len() - 2);
        head.extend_from_slice(b",\n  \"encryptedSelf\": \"");
        Some(head)
    }

    /// Streams what [`Entity::to_bytes`] returns into `w`, byte for byte,
    /// without building a second copy of `encryptedSelf` (a share rewrites
    /// a 100 MB record with no allocation proportional to its size).
    pub fn write_to<W: std::io::Write + ?Sized>(&self, w: &mut W) -> std::io::Result<()> {
        // The pretty envelope without encryptedSelf ends "\n}"; the last
        // field is written after it the way the pretty printer would.
        let mut head = serde_json::to_vec_pretty(&Value::Object(self.envelope_head()))
            .map_err(std::io::Error::other)?;
        if !head.ends_with(b"\n}") {
            return Err(std::io::Error::other("unexpected entity layout"));
        }
        head.truncate(head.len() - 2);
        head.extend_from_slice(b",\n  \"encryptedSelf\": ");
        w.write_all(&head)?;
        serde_json::to_writer(&mut *w, &self.encrypted_self).map_err(std::io::Error::other)?;
        w.write_all(b"\n}\n")
    }

    pub fn delegations_for(&self, role: Role) -> &Delegations {
        match role {
            Role::EncryptionKey => &self.encryption_keys,
            Role::SecretId => &self.delegations,
            Role::ParentId => &self.crypted_foreign_keys,
        }
    }

    pub fn delegations_for_mut(&mut self, role: Role) -> &mut Delegations {
        match role {
            Role::EncryptionKey => &mut self.encryption_keys,
            Role::SecretId => &mut self.delegations,
            Role::ParentId => &mut self.crypted_foreign_keys,
        }
    }

    /// The owners that hold an entity key entry: who has access.
    pub fn readers(&self) -> Vec<&OwnerId> {
        self.encryption_keys.keys().collect()
    }

    /// Associated data of one wrapped value.
    fn wrap_context(
        &self,
        role: Role,
        owner: &OwnerId,
        delegate: &OwnerId,
        exchange_key: &str,
    ) -> Context {
        Context::new(ENTITY_FORMAT)
            .with(role.field())
            .with(&self.id_text())
            .with(self.kind.as_str())
            .with(owner.as_str())
            .with(delegate.as_str())
            .with(exchange_key)
    }

    /// Associated data of `encryptedSelf`: the entity's identity, its clear
    /// fields and its links, so none of them can be changed unnoticed.
    fn self_context(&self) -> Context {
        let mut clear = Vec::new();
        crate::format::canonical_json(&Value::Object(self.clear.clone()), &mut clear);
        if let Some(meta) = &self.v2 {
            // v2: the salt and the link too, so neither can be changed or
            // moved to another entity unnoticed (links are authenticated).
            let mut c = Context::new(FORMAT_V2)
                .with("encryptedSelf")
                .with_bytes(&meta.salt)
                .with(&self.id_text())
                .with(self.kind.as_str())
                .with_bytes(&clear)
                .with_bytes(meta.link.as_ref().map_or(&[][..], |l| &l[..]));
            // Attachments (§8.3): one more part, only when there are any,
            // so entities without attachments keep the associated data of
            // §8.2.4 (and the golden files stay valid).
            if !meta.attachments.is_empty() {
                c.push_bytes(&meta.attachments_aad());
            }
            // A detached record (§8.4): two more parts, a label and its
            // descriptor; `encryptedSelf` then seals nothing.
            if let Some(d) = meta.detached_aad() {
                c.push("detachedSelf");
                c.push_bytes(&d);
            }
            return c;
        }
        let mut links = Vec::new();
        crate::format::canonical_json(&Value::from(self.secret_foreign_keys.clone()), &mut links);
        Context::new(ENTITY_FORMAT)
            .with("encryptedSelf")
            .with(&self.id_text())
            .with(self.kind.as_str())
            .with_bytes(&clear)
            .with_bytes(&links)
    }

    /// Adds `owner→delegate: <value>_{exchange key}` unless an entry of that
    /// owner under that exchange key exists. Returns whether it was added.
    pub fn add_delegation(
        &mut self,
        role: Role,
        owner: &OwnerId,
        delegate: &OwnerId,
        exchange_key_id: &str,
        exchange_key: &SymmetricKey,
        value: &[u8],
    ) -> bool {
        let exists = self.delegations_for(role).get(delegate).is_some_and(|l| {
            l.iter()
                .any(|d| &d.owner == owner && d.exchange_key == exchange_key_id)
        });
        if exists {
            return false;
        }
        let ctx = self.wrap_context(role, owner, delegate, exchange_key_id);
        let sealed = exchange_key.seal(&ctx, value);
        self.delegations_for_mut(role)
            .entry(delegate.clone())
            .or_default()
            .push(Delegation {
                owner: owner.clone(),
                delegated_to: delegate.clone(),
                exchange_key: exchange_key_id.to_string(),
                key: b64::encode(&sealed),
            });
        true
    }

    /// Opens the value of `role` that `me` can read, trying each entry
    /// addressed to `me`. `None` when the entity has no such field at all.
    pub fn open(
        &self,
        session: &Session,
        me: &OwnerId,
        role: Role,
        source: &str,
    ) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let all = self.delegations_for(role);
        if all.is_empty() {
            return Ok(None);
        }
        let Some(mine) = all.get(me).filter(|l| !l.is_empty()) else {
            let holders: Vec<String> = all.keys().map(|k| k.to_string()).collect();
            return Err(Error::no_access(format!(
                "{source}: entity {} has no {} entry for {me}; access is held by {}",
                self.id_text(),
                role.field(),
                holders.join(", ")
            ))
            .hint("ask one of them to share it with you: `ehrcrypt delegation share --as THEM --with YOU FILE`"));
        };
        let mut first_err = None;
        for d in mine {
            match self.open_one(session, me, role, d, source) {
                Ok(v) => return Ok(Some(v)),
                Err(e) => {
                    if first_err.is_none() {
                        first_err = Some(e);
                    }
                }
            }
        }
        Err(first_err.expect("at least one entry was tried"))
    }

    fn open_one(
        &self,
        session: &Session,
        me: &OwnerId,
        role: Role,
        d: &Delegation,
        source: &str,
    ) -> Result<Zeroizing<Vec<u8>>> {
        if &d.delegated_to != me {
            return Err(Error::integrity(format!(
                "{source}: entity {}: a {} entry filed under {me} is addressed to {}",
                self.id_text(),
                role.field(),
                d.delegated_to
            )));
        }
        let xk = session
            .exchange_key(me, &d.owner, &d.delegated_to, &d.exchange_key)
            .map_err(|e| e.context(format!("{source}: entity {}", self.id_text())))?;
        let sealed = b64::decode(&d.key, role.field()).map_err(|e| e.context(source))?;
        let ctx = self.wrap_context(role, &d.owner, &d.delegated_to, &d.exchange_key);
        xk.open_in_place(&ctx, sealed).map_err(|_| {
            Error::integrity(format!(
                "{source}: entity {}: {} entry {}→{} does not authenticate (modified, or moved from another entity or delegation)",
                self.id_text(),
                role.field(),
                d.owner,
                d.delegated_to
            ))
        })
    }

    /// The entity key, opened as `me`.
    pub fn entity_key(
        &self,
        session: &Session,
        me: &OwnerId,
        source: &str,
    ) -> Result<SymmetricKey> {
        if self.v2.is_some() {
            return Ok(self.v2_open(session, me, source)?.entity_key);
        }
        let raw = self
            .open(session, me, Role::EncryptionKey, source)?
            .ok_or_else(|| {
                Error::format(format!(
                    "{source}: entity {} has no encryptionKeys",
                    self.id_text()
                ))
            })?;
        SymmetricKey::from_slice(&raw, "entity key")
    }

    /// The entity's secret id (what children put in `secretForeignKeys`).
    pub fn secret_id(&self, session: &Session, me: &OwnerId, source: &str) -> Result<String> {
        if self.v2.is_some() {
            return Ok(self.v2_open(session, me, source)?.secret_id);
        }
        let raw = self
            .open(session, me, Role::SecretId, source)?
            .ok_or_else(|| {
                Error::format(format!(
                    "{source}: entity {} has no delegations (secret id)",
                    self.id_text()
                ))
            })?;
        utf8(raw, source, "secret id")
    }

    /// [`Entity::entity_key`], [`Entity::secret_id`] and
    /// [`Entity::parent_id`] at once: a v2 entity's entry is opened once,
    /// not three times.
    pub fn key_and_links(
        &self,
        session: &Session,
        me: &OwnerId,
        source: &str,
    ) -> Result<(SymmetricKey, String, Option<String>)> {
        if self.v2.is_some() {
            let v = self.v2_open(session, me, source)?;
            return Ok((v.entity_key, v.secret_id, v.parent_id));
        }
        Ok((
            self.entity_key(session, me, source)?,
            self.secret_id(session, me, source)?,
            self.parent_id(session, me, source)?,
        ))
    }

    /// The parent's id, from `cryptedForeignKeys`; `None` for an entity without parent.
    pub fn parent_id(
        &self,
        session: &Session,
        me: &OwnerId,
        source: &str,
    ) -> Result<Option<String>> {
        if self.v2.is_some() {
            return Ok(self.v2_open(session, me, source)?.parent_id);
        }
        match self.open(session, me, Role::ParentId, source)? {
            None => Ok(None),
            Some(raw) => utf8(raw, source, "parent id").map(Some),
        }
    }

    /// Whether this entity is linked to the patient whose secret id is
    /// `parent_secret`: v1 through `secretForeignKeys`, v2 through its
    /// link tag (which only a holder of that secret can compute).
    pub fn is_child_of(&self, parent_secret: &str) -> bool {
        match &self.v2 {
            Some(meta) => meta
                .link
                .is_some_and(|l| l == v2::link_tag(parent_secret, &meta.salt)),
            None => self.secret_foreign_keys.iter().any(|s| s == parent_secret),
        }
    }

    /// The format version of this entity (1 or 2).
    pub fn version(&self) -> u32 {
        if self.v2.is_some() {
            2
        } else {
            1
        }
    }

    /// Decrypts `encryptedSelf` with the entity key: the original document's bytes.
    pub fn open_self(&self, key: &SymmetricKey, source: &str) -> Result<Zeroizing<Vec<u8>>> {
        let sealed =
            b64::decode(&self.encrypted_self, "encryptedSelf").map_err(|e| e.context(source))?;
        self.open_sealed_self(key, sealed, source)
    }

    /// [`Entity::open_self`] consuming the entity: its base64 text is freed
    /// as soon as it is decoded (a large record is then held twice, not
    /// three times).
    fn into_opened_self(mut self, key: &SymmetricKey, source: &str) -> Result<Zeroizing<Vec<u8>>> {
        let text = std::mem::take(&mut self.encrypted_self);
        let sealed = b64::decode(&text, "encryptedSelf").map_err(|e| e.context(source))?;
        drop(text);
        self.open_sealed_self(key, sealed, source)
    }

    fn open_sealed_self(
        &self,
        key: &SymmetricKey,
        sealed: Vec<u8>,
        source: &str,
    ) -> Result<Zeroizing<Vec<u8>>> {
        key.open_in_place(&self.self_context(), sealed)
            .map_err(|_| {
                let clear: Vec<&str> = self.clear.keys().map(String::as_str).collect();
                let mut fields = String::from("encryptedSelf");
                if !clear.is_empty() {
                    fields.push_str(&format!(" or clear field(s) {}", clear.join(", ")));
                }
                if !self.secret_foreign_keys.is_empty() {
                    fields.push_str(" or secretForeignKeys");
                }
                Error::integrity(format!(
                    "{source}: entity {}: integrity check failed: {fields} modified, or the entity key entry belongs to another version of the entity",
                    self.id_text()
                ))
            })
    }

    /// Re-seals `plaintext` under `key` as the new `encryptedSelf`.
    pub fn seal_self(&mut self, key: &SymmetricKey, plaintext: &[u8]) {
        self.encrypted_self = b64::encode(&key.seal(&self.self_context(), plaintext));
    }
}

/// An entity file as it comes off the disk, before its format is checked.
#[derive(Default)]
struct RawEntity {
    format: Option<Value>,
    id: Option<Value>,
    kind: Option<Value>,
    clear: Map<String, Value>,
    secret_foreign_keys: Option<Vec<String>>,
    crypted_foreign_keys: Delegations,
    delegations: Delegations,
    encryption_keys: Delegations,
    encrypted_self: Option<String>,
    /// The v2 fields (`v2::RESERVED_V2` order); for a v1 file they are clear fields.
    v2_fields: [Option<Value>; 7],
}

impl<'de> Deserialize<'de> for RawEntity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        RawSeed { only: None }.deserialize(d)
    }
}

/// Parses an entity envelope; with `only`, keeps the delegations addressed
/// to that owner and skips the others' without building them (an entity
/// shared with 100 owners is mostly other owners' entries).
struct RawSeed<'a> {
    only: Option<&'a OwnerId>,
}

impl<'de> serde::de::DeserializeSeed<'de> for RawSeed<'_> {
    type Value = RawEntity;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<RawEntity, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RawSeed<'_> {
    type Value = RawEntity;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<RawEntity, A::Error> {
        let mut r = RawEntity::default();
        let only = DelegationsSeed(self.only);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => r.format = Some(map.next_value()?),
                "id" => r.id = Some(map.next_value()?),
                "kind" => r.kind = Some(map.next_value()?),
                "secretForeignKeys" => r.secret_foreign_keys = Some(map.next_value()?),
                "cryptedForeignKeys" => r.crypted_foreign_keys = map.next_value_seed(only)?,
                "delegations" => r.delegations = map.next_value_seed(only)?,
                "encryptionKeys" => r.encryption_keys = map.next_value_seed(only)?,
                "encryptedSelf" => r.encrypted_self = Some(map.next_value()?),
                name if v2::RESERVED_V2.contains(&name) => {
                    let at = v2::RESERVED_V2.iter().position(|n| *n == name).unwrap_or(0);
                    r.v2_fields[at] = Some(map.next_value()?);
                }
                _ => {
                    let v: Value = map.next_value()?;
                    r.clear.insert(key, v);
                }
            }
        }
        Ok(r)
    }
}

/// [`Delegations`], all of them or only those of one delegate.
#[derive(Clone, Copy)]
struct DelegationsSeed<'a>(Option<&'a OwnerId>);

impl<'de> serde::de::DeserializeSeed<'de> for DelegationsSeed<'_> {
    type Value = Delegations;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Delegations, D::Error> {
        match self.0 {
            None => Delegations::deserialize(d),
            Some(_) => d.deserialize_map(self),
        }
    }
}

impl<'de> serde::de::Visitor<'de> for DelegationsSeed<'_> {
    type Value = Delegations;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("delegations keyed by delegate")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Delegations, A::Error> {
        let mut out = Delegations::new();
        let Some(me) = self.0 else {
            return Err(serde::de::Error::custom("no delegate to keep"));
        };
        while let Some(mine) = map.next_key_seed(IsKey(me.as_str()))? {
            if mine {
                out.insert(me.clone(), map.next_value()?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}

/// Whether a map key equals the given string, read without allocating.
struct IsKey<'a>(&'a str);

impl<'de> serde::de::DeserializeSeed<'de> for IsKey<'_> {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for IsKey<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an owner id")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<bool, E> {
        Ok(v == self.0)
    }
}

impl RawEntity {
    fn into_entity(self, source: &str) -> Result<Entity> {
        if self.format.is_none() && self.encrypted_self.is_none() {
            return Err(Error::format(format!(
                "{source}: not an ehrcrypt entity (it has no \"format\": \"{ENTITY_FORMAT}\"); is it a plaintext record?"
            ))
            .hint("encrypt it with `ehrcrypt entity encrypt`"));
        }
        let mut probe = Map::new();
        if let Some(f) = &self.format {
            probe.insert("format".into(), f.clone());
        }
        let version = crate::format::check_format(
            &Value::Object(probe),
            FORMAT_PREFIX,
            NEWEST,
            source,
            "entity",
        )?;
        let bad = |what: &str| Error::format(format!("{source}: malformed entity: {what}"));
        let mut clear = self.clear;
        let v2 = if version >= 2 {
            if self.secret_foreign_keys.is_some()
                || !self.crypted_foreign_keys.is_empty()
                || !self.delegations.is_empty()
                || !self.encryption_keys.is_empty()
            {
                return Err(bad("a v2 entity carries v1 delegations"));
            }
            Some(v2::V2Meta::parse(self.v2_fields, &bad)?)
        } else {
            for (name, v) in v2::RESERVED_V2.iter().zip(self.v2_fields) {
                if let Some(v) = v {
                    clear.insert((*name).into(), v);
                }
            }
            None
        };
        let id = self.id.ok_or_else(|| bad("no id"))?;
        if id_text(&id).is_none() {
            return Err(bad("id is not a string or an integer"));
        }
        let kind: EntityKind = self
            .kind
            .as_ref()
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no kind"))?
            .parse()
            .map_err(|e: Error| e.context(source))?;
        Ok(Entity {
            id,
            kind,
            clear,
            secret_foreign_keys: self.secret_foreign_keys.unwrap_or_default(),
            crypted_foreign_keys: self.crypted_foreign_keys,
            delegations: self.delegations,
            encryption_keys: self.encryption_keys,
            encrypted_self: self.encrypted_self.ok_or_else(|| bad("no encryptedSelf"))?,
            v2,
        })
    }
}

/// A JSON object reduced to the named top-level fields; anything else
/// (including a non-object) is a data error.
struct HeadSeed<'a>(&'a [&'a str]);

impl<'de> DeserializeSeed<'de> for HeadSeed<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for HeadSeed<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut kept = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if self.0.contains(&key.as_str()) {
                kept.insert(key, map.next_value()?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(Value::Object(kept))
    }
}

/// Whether a string needs escaping in JSON. Base64 never does; the check
/// runs over the whole of a large `encryptedSelf`, so it folds 64-byte
/// blocks without branching (the compiler vectorises it) instead of
/// stopping byte by byte: 10% of encrypting a 100 MB record before.
fn needs_json_escape(text: &[u8]) -> bool {
    text.chunks(64).any(|block| {
        block.iter().fold(false, |bad, &b| {
            bad | (b < 0x20) | (b == b'"') | (b == b'\\')
        })
    })
}

fn utf8(raw: Zeroizing<Vec<u8>>, source: &str, what: &str) -> Result<String> {
    String::from_utf8(raw.to_vec())
        .map_err(|_| Error::format(format!("{source}: {what} is not UTF-8")))
}

/// How to encrypt plaintext records.
#[derive(Clone, Debug)]
pub struct EncryptOptions {
    pub kind: EntityKind,
    /// Delegates besides the encrypting owner itself.
    pub share_with: Vec<OwnerId>,
    /// Dotted paths of fields kept in clear.
    pub clear: Vec<String>,
    /// The parent entity (a patient), already encrypted.
    pub parent: Option<Value>,
    /// Allow new exchange keys for unverified delegate keys.
    pub allow_unverified: bool,
}

/// Writes the attachments of a new entity (see [`Encryptor::encrypt_bytes_with`]).
pub type Attach<'a> =
    dyn FnMut(&Entity, &SymmetricKey) -> Result<Vec<(String, attachment::Attachment)>> + 'a;

/// One exchange key {me→delegate} new entities are shared under.
struct Target {
    delegate: OwnerId,
    key: SymmetricKey,
    prf: LookupPrf,
}

/// What a re-encrypted record keeps of the entity it was (see
/// [`Encryptor::encrypt_bytes_preserving`]).
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Preserved {
    /// Dotted paths of its clear fields ([`clear_paths`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clear: Vec<String>,
    /// Its secret id: its children's links point to it.
    pub secret_id: String,
    /// Its parent, when the link was authenticated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ParentLink>,
}

/// A child's link to its patient: the parent's id and secret id.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParentLink {
    pub id: String,
    pub secret_id: String,
}

// Secret ids link records: never in a debug print.
impl fmt::Debug for Preserved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Preserved")
            .field("clear", &self.clear)
            .field("secret_id", &"<redacted>")
            .field("parent", &self.parent)
            .finish()
    }
}

impl fmt::Debug for ParentLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParentLink")
            .field("id", &self.id)
            .field("secret_id", &"<redacted>")
            .finish()
    }
}

impl Drop for Preserved {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.secret_id.zeroize();
        if let Some(p) = &mut self.parent {
            p.secret_id.zeroize();
        }
    }
}

/// What an encryption seals: the record's bytes, or a record already
/// streamed into its sidecar ([`Encryptor::encrypt_reader_beside`]) under
/// `key`, bound to `meta`'s salt.
enum Body<'a> {
    Bytes(&'a [u8]),
    Streamed {
        key: SymmetricKey,
        meta: Box<v2::V2Meta>,
        record: attachment::Attachment,
    },
}

/// The per-record part of [`Encryptor`]'s work.
struct Record<'a> {
    clear: &'a [Vec<String>],
    secret_id: String,
    parent: Option<(String, String)>,
}

/// The dotted paths that reproduce an entity's clear fields: each path
/// down to a value that is not a non-empty object (`copy_path` copies
/// whole values, so `name` and `name.family` + `name.given` give the same
/// fields).
pub fn clear_paths(clear: &Map<String, Value>) -> Vec<String> {
    fn walk(prefix: &str, m: &Map<String, Value>, out: &mut Vec<String>) {
        for (k, v) in m {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v.as_object() {
                Some(inner) if !inner.is_empty() => walk(&path, inner, out),
                _ => out.push(path),
            }
        }
    }
    let mut out = Vec::new();
    walk("", clear, &mut out);
    out
}

/// Encrypts many records as one owner: exchange keys are resolved (and
/// created if needed) once, then each record costs only symmetric work.
pub struct Encryptor {
    me: OwnerId,
    kind: EntityKind,
    clear: Vec<Vec<String>>,
    /// The exchange keys {me→delegate}, `me` first.
    targets: Vec<Target>,
    /// The parent's (id, secret id).
    parent: Option<(String, String)>,
    /// (delegate, fingerprint) of unverified keys that new exchange keys
    /// were wrapped for (`allow_unverified`): the caller warns about each.
    pub unverified: Vec<(OwnerId, crate::crypto::Fingerprint)>,
    /// Records above [`attachment::DETACH_THRESHOLD`] go into a sidecar
    /// (see [`Encryptor::detach_large_records`]).
    detach: bool,
}

impl Encryptor {
    pub fn new(session: &mut Session, me: &OwnerId, opts: &EncryptOptions) -> Result<Self> {
        session.keystore().local_owner(me)?;
        let clear = opts
            .clear
            .iter()
            .map(|p| parse_path(p))
            .collect::<Result<Vec<_>>>()?;
        let parent = match &opts.parent {
            None => None,
            Some(v) => {
                if opts.kind == EntityKind::Patient {
                    return Err(Error::usage("a patient has no parent")
                        .hint("--parent is for contacts, forms and health elements"));
                }
                let p = Entity::parse(v, "parent")?;
                if p.kind != EntityKind::Patient {
                    return Err(Error::usage(format!(
                        "the parent must be a patient, not a {}",
                        p.kind
                    )));
                }
                Some((p.id_text(), p.secret_id(session, me, "parent")?))
            }
        };
        let mut delegates = vec![me.clone()];
        for d in &opts.share_with {
            if !delegates.contains(d) {
                delegates.push(d.clone());
            }
        }
        let mut targets = Vec::new();
        let mut unverified = Vec::new();
        for d in delegates {
            let xo = ExchangeOptions {
                allow_unverified: opts.allow_unverified,
                rotate: false,
            };
            let (outcome, key) = session.ensure_exchange_key(me, &d, xo)?;
            unverified.extend(outcome.unverified.iter().map(|fp| (d.clone(), *fp)));
            let prf = LookupPrf::new(&outcome.record.access_control_secret(&key));
            targets.push(Target {
                delegate: d,
                key,
                prf,
            });
        }
        Ok(Encryptor {
            detach: false,
            unverified,
            me: me.clone(),
            kind: opts.kind,
            clear,
            targets,
            parent,
        })
    }

    /// For a writer whose outputs are local files: a record larger than
    /// [`attachment::DETACH_THRESHOLD`] is then sealed as a detached
    /// sidecar stream (docs/FORMAT.md §8.4), which the caller takes with
    /// [`Entity::take_detached_body`] and writes beside the entity file
    /// before it. Off by default: standard output and object stores keep
    /// every record inside its entity.
    pub fn detach_large_records(&mut self, on: bool) {
        self.detach = on;
    }

    /// Encrypts one record given as its file's bytes: `encryptedSelf` seals
    /// those exact bytes, so decryption returns the file byte for byte.
    pub fn encrypt_bytes(&self, plaintext: &[u8], source: &str) -> Result<Entity> {
        let value = self.record_head(plaintext, source, &self.clear)?;
        self.encrypt_parsed(&value, Body::Bytes(plaintext), source, None, self.record())
    }

    /// [`Encryptor::encrypt_bytes`] for a record that was an entity before
    /// (re-encryption of a backup, `emergency decrypt --reencrypt-as`): it
    /// keeps that entity's clear fields, its secret id (so that its
    /// children stay linked to it) and its link to its parent, instead of
    /// this encryptor's `--clear` and `--parent`. `attach`, if given,
    /// writes its attachments as [`Encryptor::encrypt_bytes_with`]'s does.
    pub fn encrypt_bytes_preserving(
        &self,
        plaintext: &[u8],
        source: &str,
        keep: &Preserved,
        attach: Option<&mut Attach>,
    ) -> Result<Entity> {
        let clear = keep
            .clear
            .iter()
            .map(|p| parse_path(p))
            .collect::<Result<Vec<_>>>()?;
        let value = self.record_head(plaintext, source, &clear)?;
        let record = Record {
            clear: &clear,
            secret_id: keep.secret_id.clone(),
            parent: keep
                .parent
                .as_ref()
                .map(|p| (p.id.clone(), p.secret_id.clone())),
        };
        self.encrypt_parsed(&value, Body::Bytes(plaintext), source, attach, record)
    }

    /// The per-record choices of a new entity under this encryptor.
    fn record(&self) -> Record<'_> {
        Record {
            clear: &self.clear,
            secret_id: uuid::Uuid::new_v4().to_string(),
            parent: self.parent.clone(),
        }
    }

    /// [`Encryptor::encrypt_bytes`] with attachments: `attach` gets the
    /// new entity (salt, id and kind set) and its key, writes the sidecars
    /// and returns them named; their list is sealed into the entity.
    pub fn encrypt_bytes_with(
        &self,
        plaintext: &[u8],
        source: &str,
        attach: &mut Attach,
    ) -> Result<Entity> {
        let value = self.record_head(plaintext, source, &self.clear)?;
        self.encrypt_parsed(
            &value,
            Body::Bytes(plaintext),
            source,
            Some(attach),
            self.record(),
        )
    }

    /// The top-level fields of a record that encryption reads (`id`,
    /// `format`, `encryptedSelf`, and the first name of each clear path),
    /// the rest checked as JSON and skipped: a 100 MB record then costs a
    /// scan, not a tree of every value in it.
    fn record_head(&self, plaintext: &[u8], source: &str, clear: &[Vec<String>]) -> Result<Value> {
        let mut wanted = vec!["id", "format", "encryptedSelf"];
        wanted.extend(clear.iter().map(|p| p[0].as_str()));
        crate::format::reject_duplicate_keys(plaintext, source, "record")?;
        let mut de = serde_json::Deserializer::from_slice(plaintext);
        HeadSeed(&wanted)
            .deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
            .map_err(|e| {
                if e.is_syntax() || e.is_eof() {
                    crate::format::json_error(source, "record", &e)
                } else {
                    Error::format(format!("{source}: a record must be a JSON object"))
                }
            })
    }

    /// Encrypts a record given as a JSON value (sealed in compact form).
    pub fn encrypt_value(&self, value: &Value, source: &str) -> Result<Entity> {
        let bytes = Zeroizing::new(
            serde_json::to_vec(value).map_err(|_| Error::internal("cannot serialise record"))?,
        );
        self.encrypt_parsed(value, Body::Bytes(&bytes), source, None, self.record())
    }

    fn encrypt_parsed(
        &self,
        value: &Value,
        body: Body,
        source: &str,
        attach: Option<&mut Attach>,
        record: Record,
    ) -> Result<Entity> {
        let Some(obj) = value.as_object() else {
            return Err(Error::format(format!(
                "{source}: a record must be a JSON object"
            )));
        };
        if is_entity(value) || obj.contains_key("encryptedSelf") {
            return Err(
                Error::usage(format!("{source}: already an ehrcrypt entity"))
                    .hint("decrypt it first, or share it with `ehrcrypt delegation share`"),
            );
        }
        let id = match obj.get("id") {
            Some(v) => {
                if id_text(v).is_none() {
                    return Err(Error::format(format!(
                        "{source}: \"id\" must be a non-empty string or an integer"
                    )));
                }
                v.clone()
            }
            None => Value::from(uuid::Uuid::new_v4().to_string()),
        };
        let mut clear = Map::new();
        for path in record.clear {
            copy_path(obj, path, &mut clear).map_err(|e| e.context(source))?;
        }
        let parent_secret = record.parent.as_ref().map(|(_, s)| s.as_str());
        let (entity_key, meta, body) = match body {
            Body::Bytes(b) => (
                SymmetricKey::generate(),
                v2::V2Meta::new(parent_secret),
                Ok(b),
            ),
            Body::Streamed { key, meta, record } => (key, *meta, Err(record)),
        };
        let values = v2::EntryValues {
            entity_key,
            secret_id: record.secret_id,
            parent_id: record.parent.as_ref().map(|(id, _)| id.clone()),
        };
        let mut entity = Entity {
            id,
            kind: self.kind,
            clear,
            secret_foreign_keys: Vec::new(),
            crypted_foreign_keys: Delegations::new(),
            delegations: Delegations::new(),
            encryption_keys: Delegations::new(),
            encrypted_self: String::new(),
            v2: Some(meta),
        };
        if let Some(attach) = attach {
            let list = attach(&entity, &values.entity_key)?;
            entity.set_attachments(&values.entity_key, list)?;
        }
        let mut directory = Vec::with_capacity(self.targets.len());
        for t in &self.targets {
            let pair = v2::PairKey {
                delegator: &self.me,
                delegate: &t.delegate,
                key: &t.key,
                prf: &t.prf,
            };
            directory.push(entity.v2_add_entry(&pair, &values)?);
        }
        entity.v2_seal_directory(&values.entity_key, directory)?;
        match body {
            Ok(plaintext) if self.detach && plaintext.len() > attachment::DETACH_THRESHOLD => {
                entity.seal_detached(&values.entity_key, plaintext)?;
                entity.seal_self(&values.entity_key, b"");
            }
            Ok(plaintext) => entity.seal_self(&values.entity_key, plaintext),
            Err(streamed) => {
                entity.set_detached(streamed)?;
                entity.seal_self(&values.entity_key, b"");
            }
        }
        Ok(entity)
    }
}

/// Encrypts one record as `me` (convenience over [`Encryptor`]).
pub fn encrypt(
    session: &mut Session,
    me: &OwnerId,
    plaintext: &Value,
    opts: &EncryptOptions,
) -> Result<Value> {
    let enc = Encryptor::new(session, me, opts)?;
    Ok(enc.encrypt_value(plaintext, "record")?.to_value())
}

/// Decrypts an entity as `me`: the original document's bytes. A detached
/// record (§8.4) needs its file: see [`decrypt_bytes_at`].
pub fn decrypt_bytes(
    session: &Session,
    me: &OwnerId,
    entity: &Entity,
    source: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    decrypt_bytes_at(session, me, entity, None, source)
}

/// [`decrypt_bytes`] of the entity read from `file`: a detached record
/// (§8.4) is read from its sidecar beside it.
pub fn decrypt_bytes_at(
    session: &Session,
    me: &OwnerId,
    entity: &Entity,
    file: Option<&std::path::Path>,
    source: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    let key = entity.entity_key(session, me, source)?;
    entity.read_self(&key, file, source)
}

/// Decrypts an entity file's bytes as `me`: the path of `entity decrypt`.
/// Only `me`'s delegations are parsed (without one, the whole entity is
/// parsed again so that the error names who does have access), and the
/// file's bytes and then the base64 text are freed as soon as they are used.
pub fn decrypt_file_bytes(
    session: &Session,
    me: &OwnerId,
    bytes: Vec<u8>,
    source: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    decrypt_file_bytes_at(session, me, bytes, None, source)
}

/// [`decrypt_file_bytes`] of the bytes of `file` (`None`: standard input
/// or an object): a detached record (§8.4) is read from its sidecar.
pub fn decrypt_file_bytes_at(
    session: &Session,
    me: &OwnerId,
    bytes: Vec<u8>,
    file: Option<&std::path::Path>,
    source: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    open_file_bytes_at(session, me, bytes, file, source)?.into_bytes()
}

/// A record `entity decrypt` writes: whole, or a detached record (§8.4)
/// to stream from its sidecar.
pub enum Plaintext {
    Whole(Zeroizing<Vec<u8>>),
    Detached(Box<attachment::DetachedRecord>),
}

impl Plaintext {
    /// The record in memory.
    pub fn into_bytes(self) -> Result<Zeroizing<Vec<u8>>> {
        match self {
            Plaintext::Whole(b) => Ok(b),
            Plaintext::Detached(d) => d.into_bytes(),
        }
    }
}

/// [`decrypt_file_bytes_at`] without reading a detached record: its
/// entity is authenticated (`encryptedSelf` and the descriptor it covers)
/// and the record is left in its sidecar, to be streamed to the output.
pub fn open_file_bytes_at(
    session: &Session,
    me: &OwnerId,
    bytes: Vec<u8>,
    file: Option<&std::path::Path>,
    source: &str,
) -> Result<Plaintext> {
    let partial = Entity::from_slice_for(&bytes, source, me)?;
    let entity = if partial.v2.is_some() || partial.encryption_keys.contains_key(me) {
        partial
    } else {
        Entity::from_slice(&bytes, source)?
    };
    drop(bytes);
    let key = entity.entity_key(session, me, source)?;
    if !entity.is_detached() {
        return entity.into_opened_self(&key, source).map(Plaintext::Whole);
    }
    let marker = entity.open_self(&key, source)?;
    entity
        .into_detached(key, &marker, file, source)
        .map(|d| Plaintext::Detached(Box::new(d)))
}

/// Decrypts an entity given as JSON, as `me`: the original document.
pub fn decrypt(session: &Session, me: &OwnerId, entity: &Value, source: &str) -> Result<Value> {
    let e = Entity::parse(entity, source)?;
    let bytes = decrypt_bytes(session, me, &e, source)?;
    crate::format::parse_strict(&bytes, source, "decrypted record")
}

/// Splits a dotted path; each segment must be non-empty.
fn parse_path(p: &str) -> Result<Vec<String>> {
    let parts: Vec<String> = p.split('.').map(str::to_string).collect();
    if parts.iter().any(String::is_empty) {
        return Err(Error::usage(format!(
            "--clear {p}: not a dotted field path"
        )));
    }
    // `id` alone is always in clear; under any other reserved name, even a
    // nested path would add a second `kind`, `format`... to the envelope.
    let id_itself = parts.len() == 1 && parts[0] == "id";
    if (RESERVED.contains(&parts[0].as_str()) || v2::RESERVED_V2.contains(&parts[0].as_str()))
        && !id_itself
    {
        return Err(Error::usage(format!(
            "--clear {p}: '{}' is a name the entity format reserves",
            parts[0]
        ))
        .hint("move the field, or keep a nested field in clear instead"));
    }
    Ok(parts)
}

/// Copies the value at `path` from `src` into `dst` at the same path; a
/// path absent from this record is skipped.
fn copy_path(
    src: &Map<String, Value>,
    path: &[String],
    dst: &mut Map<String, Value>,
) -> Result<()> {
    let (first, rest) = path.split_first().expect("paths are non-empty");
    if first == "id" && rest.is_empty() {
        return Ok(()); // always in clear
    }
    let Some(v) = src.get(first) else {
        return Ok(());
    };
    if (RESERVED.contains(&first.as_str()) || v2::RESERVED_V2.contains(&first.as_str()))
        && rest.is_empty()
    {
        return Err(Error::usage(format!(
            "field '{first}' is reserved by the entity format"
        )));
    }
    if rest.is_empty() {
        dst.insert(first.clone(), v.clone());
        return Ok(());
    }
    let Some(inner) = v.as_object() else {
        return Err(Error::usage(format!(
            "--clear {}: '{first}' is not an object",
            path.join(".")
        )));
    };
    let slot = dst
        .entry(first.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(slot) = slot.as_object_mut() else {
        return Err(Error::internal("clear path collision"));
    };
    copy_path(inner, rest, slot)
}

/// Per-kind default clear fields from a config file
/// (`ehrcrypt/config/v1`: `{"format": ..., "clear": {"patient": ["name.family"]}}`).
pub fn default_clear_fields(config: &Value, kind: EntityKind, source: &str) -> Result<Vec<String>> {
    crate::format::check_format(config, "ehrcrypt/config/", 1, source, "config")?;
    match config.get("clear").and_then(|c| c.get(kind.as_str())) {
        None => Ok(Vec::new()),
        Some(v) => serde_json::from_value(v.clone()).map_err(|_| {
            Error::format(format!(
                "{source}: clear.{kind} must be a list of field paths"
            ))
        }),
    }
}

/// The owners an entity is shared with (delegate → delegators), without decrypting.
pub fn access_list(entity: &Entity) -> Vec<(OwnerId, OwnerId)> {
    let mut pairs = BTreeSet::new();
    for (delegate, list) in &entity.encryption_keys {
        for d in list {
            pairs.insert((d.owner.clone(), delegate.clone()));
        }
    }
    pairs.into_iter().collect()
}

/// `NoAccess` and `NotFound` are "cannot read", not "damaged".
pub fn is_access_error(e: &Error) -> bool {
    matches!(e.kind(), ErrorKind::NoAccess)
}

#[cfg(test)]
mod write_tests {
    use super::*;

    #[test]
    fn write_to_streams_exactly_the_pretty_value() {
        let d = Delegation {
            owner: OwnerId::new("A").unwrap(),
            delegated_to: OwnerId::new("B").unwrap(),
            exchange_key: "k".into(),
            key: "a2V5".into(),
        };
        let mut keys = Delegations::new();
        keys.insert(d.delegated_to.clone(), vec![d]);
        let mut clear = Map::new();
        clear.insert(
            "name".into(),
            serde_json::json!({"family": "Keats", "n": [1, 2.5]}),
        );
        let e = Entity {
            id: Value::from(1234),
            kind: EntityKind::Contact,
            clear,
            secret_foreign_keys: vec!["s".into()],
            crypted_foreign_keys: Delegations::new(),
            delegations: keys.clone(),
            encryption_keys: keys,
            encrypted_self: "c2VsZg==".into(),
            v2: None,
        };
        let mut expected = serde_json::to_vec_pretty(&e.to_value()).unwrap();
        expected.push(b'\n');
        assert_eq!(e.to_bytes(), expected);
        let back = Entity::from_value(serde_json::from_slice(&expected).unwrap(), "t").unwrap();
        assert_eq!(back.to_bytes(), expected);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preserved_links_never_show_their_secret_ids_in_debug() {
        let p = Preserved {
            clear: vec!["name".into()],
            secret_id: "child-secret-123".into(),
            parent: Some(ParentLink {
                id: "p1".into(),
                secret_id: "parent-secret-456".into(),
            }),
        };
        let text = format!("{p:?}");
        assert!(text.contains("p1") && text.contains("name"), "{text}");
        assert!(
            !text.contains("secret-123") && !text.contains("secret-456"),
            "{text}"
        );
    }

    fn owner(s: &str) -> OwnerId {
        OwnerId::new(s).unwrap()
    }

    fn delegation(from: &str, to: &str) -> Delegation {
        Delegation {
            owner: owner(from),
            delegated_to: owner(to),
            exchange_key: format!("xk-{from}-{to}"),
            key: "c2VhbGVk".into(),
        }
    }

    fn sample(encrypted_self: &str) -> Entity {
        let mut keys = Delegations::new();
        for to in ["A", "B", "C"] {
            keys.insert(owner(to), vec![delegation("A", to)]);
        }
        let mut clear = Map::new();
        clear.insert("lastName".into(), Value::from("Keats"));
        Entity {
            id: Value::from("1234"),
            kind: EntityKind::Patient,
            clear,
            secret_foreign_keys: vec!["s3cret".into()],
            crypted_foreign_keys: Delegations::new(),
            delegations: keys.clone(),
            encryption_keys: keys,
            encrypted_self: encrypted_self.into(),
            v2: None,
        }
    }

    #[test]
    fn to_bytes_is_pretty_to_value_whatever_encrypted_self_holds() {
        for text in ["QUJD+/==", "", "a \"quoted\"\n\\ value\u{1}é"] {
            let e = sample(text);
            let mut expected = serde_json::to_vec_pretty(&e.to_value()).unwrap();
            expected.push(b'\n');
            assert_eq!(e.to_bytes(), expected, "{text:?}");
            assert_eq!(e.clone().into_bytes(), expected, "{text:?}");
            let back = Entity::from_slice(&e.to_bytes(), "t").unwrap();
            assert_eq!(back.encrypted_self, text);
        }
    }

    #[test]
    fn a_readers_parse_keeps_only_its_delegations() {
        let bytes = sample("QUJD").to_bytes();
        let full = Entity::from_slice(&bytes, "t").unwrap();
        let mine = Entity::from_slice_for(&bytes, "t", &owner("B")).unwrap();
        assert_eq!(full.encryption_keys.len(), 3);
        assert_eq!(
            mine.encryption_keys.keys().collect::<Vec<_>>(),
            vec![&owner("B")]
        );
        assert_eq!(
            mine.encryption_keys[&owner("B")],
            full.encryption_keys[&owner("B")]
        );
        assert_eq!(mine.delegations[&owner("B")], full.delegations[&owner("B")]);
        assert_eq!(mine.clear, full.clear);
        assert_eq!(mine.secret_foreign_keys, full.secret_foreign_keys);
        assert_eq!(mine.encrypted_self, full.encrypted_self);
        let stranger = Entity::from_slice_for(&bytes, "t", &owner("Z")).unwrap();
        assert!(stranger.encryption_keys.is_empty());
        let mut broken = bytes.clone();
        broken.extend_from_slice(b"x");
        assert!(Entity::from_slice_for(&broken, "t", &owner("B")).is_err());
    }

    #[test]
    fn a_record_head_keeps_the_named_fields_and_checks_the_rest() {
        let head = |text: &str| {
            let mut de = serde_json::Deserializer::from_slice(text.as_bytes());
            HeadSeed(&["id", "x"])
                .deserialize(&mut de)
                .and_then(|v| de.end().map(|()| v))
        };
        let v = head(r#"{"id": 7, "big": [1, {"a": "b"}], "x": {"y": 2}}"#).unwrap();
        assert_eq!(v, serde_json::json!({"id": 7, "x": {"y": 2}}));
        assert!(head("[1, 2]").unwrap_err().is_data());
        assert!(head(r#"{"id": 7, "big": [1,]}"#).unwrap_err().is_syntax());
        assert!(head(r#"{"id": 7} {}"#).is_err());
    }
}
