//! Entity format v2 (`ehrcrypt/entity/v2`, docs/FORMAT.md §8.2): secure
//! delegations in the spirit of Cardinal's, without its linkability.
//!
//! An observer holding the files sees no owner id, fingerprint or
//! exchange-key id, and no value two entities share:
//! - each entity has a random `salt`;
//! - each delegation is one `access` entry: `lookup = AES-256(ACS, salt)`
//!   where ACS is the access-control secret of the pair's exchange key, and
//!   `entry` = the entity key, secret id and parent id sealed under the
//!   exchange key, bound to the entity and to its lookup key;
//! - who shares with whom is in `directory`, sealed under a key derived
//!   from the entity key: readers of the entity see it (they need it to
//!   revoke and rekey), nobody else does;
//! - a child carries `link = HMAC-SHA256(parent secret id, salt)` instead
//!   of the parent's secret id: whoever can read the parent recomputes it,
//!   siblings share nothing, and only a holder of the secret can make one.
//!
//! The reader computes one lookup per exchange key it holds
//! ([`crate::session::Session::lookups`]) and RSA-decrypts only the
//! exchange key of the entry it finds.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Entity;
use crate::crypto::derive::{hkdf32, hmac_sha256, LookupPrf};
use crate::crypto::{b64, hex, unhex, Context, SymmetricKey};
use crate::error::{Error, Result};
use crate::owner::OwnerId;
use crate::session::Session;

pub const FORMAT_V2: &str = "ehrcrypt/entity/v2";

/// Top-level names v2 adds to those of v1 (`secretForeignKeys`,
/// `cryptedForeignKeys`, `delegations`, `encryptionKeys` stay reserved).
pub const RESERVED_V2: [&str; 7] = [
    "salt",
    "link",
    "access",
    "directory",
    "attachments",
    "attachmentNames",
    "detachedSelf",
];

const ENTRY_LABEL: &str = "ehrcrypt/entity/v2 entry";
const LINK_LABEL: &str = "ehrcrypt/entity/v2 link";
const DIRECTORY_INFO: &str = "ehrcrypt/entity/v2 directory";

/// The v2 metadata of an entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V2Meta {
    /// 16 random bytes, fresh for every entity; kept by share, revoke and rekey.
    pub salt: [u8; 16],
    /// Children only: the tag linking them to their patient.
    pub link: Option<[u8; 32]>,
    /// One entry per delegation, sorted by lookup key (so the order tells
    /// nothing of who was added first).
    pub access: Vec<AccessEntry>,
    /// base64 of `nonce || ciphertext || tag`: the [`DirItem`]s.
    pub directory: String,
    /// Attachments in sidecar files (issue 13), in order.
    pub attachments: Vec<super::attachment::Attachment>,
    /// Their names, sealed (empty without attachments).
    pub attachment_names: String,
    /// The record in a sidecar stream (§8.4), when it is not inside
    /// `encryptedSelf`: its id, size and the sidecar's digest.
    pub detached: Option<super::attachment::Attachment>,
    /// The sidecar of `detached` made by an encryption and not written
    /// yet ([`Entity::take_detached_body`]); never part of the file.
    pub(super) body: Option<super::attachment::DetachedBody>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessEntry {
    pub lookup: [u8; 16],
    /// base64 of `nonce || ciphertext || tag` under the exchange key.
    pub entry: String,
}

/// Who made one access entry for whom: the sealed directory's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirItem {
    pub delegator: OwnerId,
    pub delegate: OwnerId,
    /// The entry's lookup key, hex.
    pub lookup: String,
}

/// What an access entry holds.
pub struct EntryValues {
    pub entity_key: SymmetricKey,
    pub secret_id: String,
    pub parent_id: Option<String>,
}

/// An exchange key to write entries under.
pub struct PairKey<'a> {
    pub delegator: &'a OwnerId,
    pub delegate: &'a OwnerId,
    pub key: &'a SymmetricKey,
    pub prf: &'a LookupPrf,
}

/// The tag a child carries: `HMAC-SHA256(key = UTF-8 of the parent's
/// secret id, ctx("ehrcrypt/entity/v2 link", child salt))`.
pub fn link_tag(parent_secret: &str, child_salt: &[u8; 16]) -> [u8; 32] {
    let msg = Context::new(LINK_LABEL).with_bytes(child_salt);
    hmac_sha256(parent_secret.as_bytes(), msg.as_bytes())
}

impl V2Meta {
    /// Fresh metadata: a random salt, no entries yet.
    pub fn new(parent_secret: Option<&str>) -> Self {
        let mut salt = [0u8; 16];
        crate::crypto::random_bytes(&mut salt);
        V2Meta {
            salt,
            link: parent_secret.map(|s| link_tag(s, &salt)),
            access: Vec::new(),
            directory: String::new(),
            attachments: Vec::new(),
            attachment_names: String::new(),
            detached: None,
            body: None,
        }
    }

    /// The fields of the file, in order (after the clear fields).
    pub(super) fn put_fields(&self, m: &mut serde_json::Map<String, Value>) {
        m.insert("salt".into(), Value::from(hex(&self.salt)));
        if let Some(l) = &self.link {
            m.insert("link".into(), Value::from(hex(l)));
        }
        let access: Vec<Value> = self
            .access
            .iter()
            .map(|a| serde_json::json!({"lookup": hex(&a.lookup), "entry": a.entry}))
            .collect();
        m.insert("access".into(), Value::from(access));
        m.insert("directory".into(), Value::from(self.directory.clone()));
        if !self.attachments.is_empty() {
            let list: Vec<Value> = self.attachments.iter().map(|a| a.to_json()).collect();
            m.insert("attachments".into(), Value::from(list));
            m.insert(
                "attachmentNames".into(),
                Value::from(self.attachment_names.clone()),
            );
        }
        if let Some(d) = &self.detached {
            m.insert("detachedSelf".into(), d.to_json());
        }
    }

    /// The part of `encryptedSelf`'s associated data that lists the
    /// attachments (canonical JSON); empty without attachments.
    pub(super) fn attachments_aad(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if !self.attachments.is_empty() {
            let list: Vec<Value> = self.attachments.iter().map(|a| a.to_json()).collect();
            crate::format::canonical_json(&Value::from(list), &mut out);
        }
        out
    }

    /// The part of `encryptedSelf`'s associated data that describes a
    /// detached record (§8.4): the canonical JSON of `detachedSelf`.
    pub(super) fn detached_aad(&self) -> Option<Vec<u8>> {
        let d = self.detached.as_ref()?;
        let mut out = Vec::new();
        crate::format::canonical_json(&d.to_json(), &mut out);
        Some(out)
    }

    /// Parses the v2 fields of a file.
    pub(super) fn parse(
        [salt, link, access, directory, attachments, attachment_names, detached]: [Option<Value>;
            7],
        bad: &dyn Fn(&str) -> Error,
    ) -> Result<Self> {
        let salt = salt
            .as_ref()
            .and_then(Value::as_str)
            .and_then(unhex::<16>)
            .ok_or_else(|| bad("salt is not 32 hex digits"))?;
        let link = match link {
            None => None,
            Some(v) => Some(
                v.as_str()
                    .and_then(unhex::<32>)
                    .ok_or_else(|| bad("link is not 64 hex digits"))?,
            ),
        };
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct A {
            lookup: String,
            entry: String,
        }
        let list: Vec<A> = serde_json::from_value(access.ok_or_else(|| bad("no access"))?)
            .map_err(|_| bad("access is not a list of {lookup, entry}"))?;
        let mut access = Vec::with_capacity(list.len());
        for a in list {
            let lookup =
                unhex::<16>(&a.lookup).ok_or_else(|| bad("a lookup key is not 32 hex digits"))?;
            access.push(AccessEntry {
                lookup,
                entry: a.entry,
            });
        }
        let directory = directory
            .and_then(|v| v.as_str().map(str::to_string))
            .ok_or_else(|| bad("no directory"))?;
        let attachments = match attachments {
            None => Vec::new(),
            Some(v) => {
                let list: Vec<super::attachment::AttachmentJson> = serde_json::from_value(v)
                    .map_err(|_| bad("attachments is not a list of {id, size, sha256}"))?;
                if list.len() > super::attachment::MAX_ATTACHMENTS {
                    return Err(bad("too many attachments"));
                }
                list.into_iter()
                    .map(super::attachment::Attachment::from_json)
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| bad("an attachment id or digest is not hex"))?
            }
        };
        let attachment_names = match attachment_names {
            None => String::new(),
            Some(v) => v
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| bad("attachmentNames is not a string"))?,
        };
        if attachments.is_empty() != attachment_names.is_empty() {
            return Err(bad("attachments and attachmentNames go together"));
        }
        let detached = match detached {
            None => None,
            Some(v) => {
                let d: super::attachment::AttachmentJson = serde_json::from_value(v)
                    .map_err(|_| bad("detachedSelf is not {id, size, sha256}"))?;
                Some(
                    super::attachment::Attachment::from_json(d)
                        .ok_or_else(|| bad("the detachedSelf id or digest is not hex"))?,
                )
            }
        };
        Ok(V2Meta {
            salt,
            link,
            access,
            directory,
            attachments,
            attachment_names,
            detached,
            body: None,
        })
    }
}

impl Entity {
    fn meta2(&self) -> Result<&V2Meta> {
        self.v2
            .as_ref()
            .ok_or_else(|| Error::internal("not a v2 entity"))
    }

    fn meta2_mut(&mut self) -> Result<&mut V2Meta> {
        self.v2
            .as_mut()
            .ok_or_else(|| Error::internal("not a v2 entity"))
    }

    /// Associated data of an access entry: the entity and the lookup key
    /// it is filed under, so an entry (or its value) moved to another
    /// entity or another lookup key does not open.
    fn entry_context(&self, salt: &[u8; 16], lookup: &[u8; 16]) -> Context {
        Context::new(FORMAT_V2)
            .with("entry")
            .with_bytes(salt)
            .with(&self.id_text())
            .with(self.kind.as_str())
            .with_bytes(lookup)
    }

    fn directory_context(&self, salt: &[u8; 16]) -> Context {
        Context::new(FORMAT_V2)
            .with("directory")
            .with_bytes(salt)
            .with(&self.id_text())
            .with(self.kind.as_str())
    }

    /// Adds an entry for `pair` holding `values`; returns its directory item.
    pub fn v2_add_entry(&mut self, pair: &PairKey, values: &EntryValues) -> Result<DirItem> {
        let salt = self.meta2()?.salt;
        let lookup = pair.prf.lookup(&salt);
        let mut pt = Context::new(ENTRY_LABEL)
            .with_bytes(values.entity_key.expose())
            .with(&values.secret_id);
        if let Some(p) = &values.parent_id {
            pt.push(p);
        }
        let pt = zeroize::Zeroizing::new(pt.as_bytes().to_vec());
        let sealed = pair.key.seal(&self.entry_context(&salt, &lookup), &pt);
        let meta = self.meta2_mut()?;
        meta.access.retain(|a| a.lookup != lookup);
        meta.access.push(AccessEntry {
            lookup,
            entry: b64::encode(&sealed),
        });
        meta.access.sort_by_key(|a| a.lookup);
        Ok(DirItem {
            delegator: pair.delegator.clone(),
            delegate: pair.delegate.clone(),
            lookup: hex(&lookup),
        })
    }

    /// Finds and opens `me`'s entry: one lookup per exchange key `me`
    /// holds, one RSA decryption (per session) for the one it uses.
    pub fn v2_open(&self, session: &Session, me: &OwnerId, source: &str) -> Result<EntryValues> {
        let meta = self.meta2()?;
        let lookups = session.lookups(me)?;
        let find = |l: &crate::session::Lookup| {
            let lookup = l.prf.lookup(&meta.salt);
            meta.access.iter().find(|a| a.lookup == lookup)
        };
        let mut first_err = None;
        for l in lookups.iter() {
            let Some(a) = find(l) else { continue };
            match self.open_entry(session, me, l, a, source) {
                Ok(v) => return Ok(v),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        if let Some(e) = first_err {
            return Err(e);
        }
        // Exchange keys not in the lookup cache yet: one RSA decryption
        // each, only as far as needed to find an entry.
        if let Some(l) = session.resolve_until(me, |l| find(l).is_some())? {
            if let Some(a) = find(&l) {
                return self.open_entry(session, me, &l, a, source);
            }
        }
        let held = session.held_keys(me)?;
        Err(Error::no_access(format!(
            "{source}: entity {}: none of its {} access entr{} is for {me} (looked up with the {} exchange key{} {me} holds here)",
            self.id_text(),
            meta.access.len(),
            if meta.access.len() == 1 { "y" } else { "ies" },
            held,
            if held == 1 { "" } else { "s" },
        ))
        .hint("ask someone who can read it to share it with you (`ehrcrypt share --as THEM --with YOU FILE`), then import their owner document"))
    }

    fn open_entry(
        &self,
        session: &Session,
        me: &OwnerId,
        l: &crate::session::Lookup,
        a: &AccessEntry,
        source: &str,
    ) -> Result<EntryValues> {
        let meta = self.meta2()?;
        let xk = session
            .exchange_key(me, &l.delegator, &l.delegate, &l.record)
            .map_err(|e| e.context(format!("{source}: entity {}", self.id_text())))?;
        let damaged = || {
            Error::integrity(format!(
                "{source}: entity {}: access entry {} does not authenticate (modified, or moved from another entity or entry)",
                self.id_text(),
                &hex(&a.lookup)[..8]
            ))
        };
        let sealed = b64::decode(&a.entry, "access entry").map_err(|_| damaged())?;
        let pt = xk
            .open_in_place(&self.entry_context(&meta.salt, &a.lookup), sealed)
            .map_err(|_| damaged())?;
        let parts = split_context(&pt, ENTRY_LABEL).ok_or_else(damaged)?;
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| damaged());
        match parts.as_slice() {
            [key, secret] | [key, secret, _] => Ok(EntryValues {
                entity_key: SymmetricKey::from_slice(key, "entity key")
                    .map_err(|e| e.context(source))?,
                secret_id: text(secret)?,
                parent_id: match parts.get(2) {
                    Some(p) => Some(text(p)?),
                    None => None,
                },
            }),
            _ => Err(damaged()),
        }
    }

    /// Opens the directory with the entity key and checks that it names
    /// exactly the entries present: an entry added or removed by someone
    /// who cannot read the entity is an integrity error.
    pub fn v2_directory(&self, entity_key: &SymmetricKey, source: &str) -> Result<Vec<DirItem>> {
        let meta = self.meta2()?;
        let damaged =
            |what: &str| Error::integrity(format!("{source}: entity {}: {what}", self.id_text()));
        let key = hkdf32(entity_key.expose(), &meta.salt, DIRECTORY_INFO.as_bytes());
        let sealed = b64::decode(&meta.directory, "directory")
            .map_err(|_| damaged("directory is not base64"))?;
        let pt = key
            .open_in_place(&self.directory_context(&meta.salt), sealed)
            .map_err(|_| {
                damaged("directory does not authenticate (modified, or from another entity)")
            })?;
        let items: Vec<DirItem> = serde_json::from_slice(&pt)
            .map_err(|_| damaged("directory is not a list of entries"))?;
        let mut listed: Vec<&str> = items.iter().map(|i| i.lookup.as_str()).collect();
        listed.sort_unstable();
        let present: Vec<String> = meta.access.iter().map(|a| hex(&a.lookup)).collect();
        if listed != present.iter().map(String::as_str).collect::<Vec<_>>() {
            return Err(damaged(
                "access entries and directory disagree (an entry was added or removed by someone who cannot read the entity)",
            ));
        }
        Ok(items)
    }

    /// Seals `items` as the directory, sorted by lookup key.
    pub fn v2_seal_directory(
        &mut self,
        entity_key: &SymmetricKey,
        mut items: Vec<DirItem>,
    ) -> Result<()> {
        items.sort_by(|a, b| a.lookup.cmp(&b.lookup));
        let salt = self.meta2()?.salt;
        let key = hkdf32(entity_key.expose(), &salt, DIRECTORY_INFO.as_bytes());
        let pt = serde_json::to_vec(&items).map_err(|_| Error::internal("directory"))?;
        let sealed = key.seal(&self.directory_context(&salt), &pt);
        self.meta2_mut()?.directory = b64::encode(&sealed);
        Ok(())
    }

    /// Removes the entries of the given lookup keys.
    pub fn v2_remove(&mut self, lookups: &[String]) -> Result<()> {
        self.meta2_mut()?
            .access
            .retain(|a| !lookups.contains(&hex(&a.lookup)));
        Ok(())
    }
}

/// Splits what [`Context`] encodes, checking its label; `None` if malformed.
fn split_context<'a>(mut bytes: &'a [u8], label: &str) -> Option<Vec<&'a [u8]>> {
    let mut parts = Vec::new();
    while !bytes.is_empty() {
        let len = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        let part = bytes.get(4..4 + len)?;
        parts.push(part);
        bytes = &bytes[4 + len..];
    }
    (parts.first()? == &label.as_bytes()).then(|| parts.split_off(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_split_back() {
        let c = Context::new(ENTRY_LABEL)
            .with("a")
            .with_bytes(&[])
            .with("bc");
        let parts = split_context(c.as_bytes(), ENTRY_LABEL).unwrap();
        assert_eq!(parts, vec![b"a".as_slice(), b"", b"bc"]);
        assert!(split_context(c.as_bytes(), "other").is_none());
        assert!(split_context(&c.as_bytes()[..c.as_bytes().len() - 1], ENTRY_LABEL).is_none());
    }

    #[test]
    fn link_tags_differ_between_siblings_and_parents() {
        let (s1, s2) = ([1u8; 16], [2u8; 16]);
        assert_ne!(link_tag("p", &s1), link_tag("p", &s2));
        assert_ne!(link_tag("p", &s1), link_tag("q", &s1));
    }
}
