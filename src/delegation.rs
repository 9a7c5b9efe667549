//! Delegation (seed 000, "Sharing of information is cheap and easy"):
//! giving another data owner access to entities, and taking it back.
//!
//! **Share.** Data owner A, who can read an entity, opens the three short
//! values it holds entries for (the entity key, the entity's secret id, the
//! parent's id) with its own exchange keys and wraps each again under
//! {AC} for the new delegate C. `encryptedSelf` is neither decoded nor
//! re-encrypted, so the work does not depend on the record's size; only
//! the parties that can read a record can share it.
//!
//! **Revoke.** Removes every entry addressed to C. C may already have
//! copied the entity key (or the record), so this only stops C reading the
//! file from now on; with **rekey**, the record is re-encrypted under a
//! fresh entity key, wrapped again for every remaining delegate under A's
//! own exchange keys, so the old key no longer opens the new version. The
//! secret id and the parent id are kept, so links to and from the entity
//! survive a rekey.
//!
//! Nothing here changes the entity format: a shared, revoked or rekeyed
//! entity keeps its format version (v1 or v2, see docs/FORMAT.md §8).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::crypto::derive::LookupPrf;
use crate::crypto::{Fingerprint, SymmetricKey};
use crate::entity::v2::{DirItem, EntryValues, PairKey};
use crate::entity::{Delegations, Entity, EntityKind, Role};
use crate::error::{Error, Result};
use crate::owner::OwnerId;
use crate::session::{ExchangeOptions, Session};
use crate::store::Location;

/// The exchange key {me→delegate} that new entries are wrapped under.
struct Grant {
    id: String,
    key: SymmetricKey,
    /// Its lookup PRF, for v2 entities.
    prf: LookupPrf,
}

/// How an exchange key came to be used: for the caller to report.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyUse {
    pub delegate: OwnerId,
    pub exchange_key: String,
    /// Made by this invocation (first share with this delegate).
    pub created: bool,
    /// Unverified keys of the delegate it was wrapped for
    /// (`allow_unverified`); the caller must warn about each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unverified: Vec<Fingerprint>,
}

/// The exchange keys from one data owner to a set of delegates, resolved
/// (and created where missing) once per invocation, before any record is
/// touched: after that, every record costs symmetric work only.
pub struct Grants {
    me: OwnerId,
    keys: BTreeMap<OwnerId, Grant>,
    pub uses: Vec<KeyUse>,
}

impl Grants {
    /// Resolves {me→d} for every `d`, creating it under the verified-key
    /// rule of the exchange-key issue (unverified keys only with
    /// `allow_unverified`).
    pub fn resolve<'a>(
        session: &mut Session,
        me: &OwnerId,
        delegates: impl IntoIterator<Item = &'a OwnerId>,
        allow_unverified: bool,
    ) -> Result<Self> {
        session.keystore().local_owner(me)?;
        let mut keys = BTreeMap::new();
        let mut uses = Vec::new();
        for d in delegates {
            if keys.contains_key(d) {
                continue;
            }
            let opts = ExchangeOptions {
                allow_unverified,
                rotate: false,
            };
            let (outcome, key) = session.ensure_exchange_key(me, d, opts)?;
            uses.push(KeyUse {
                delegate: d.clone(),
                exchange_key: outcome.record.id.clone(),
                created: outcome.created,
                unverified: outcome.unverified,
            });
            let prf = LookupPrf::new(&outcome.record.access_control_secret(&key));
            keys.insert(
                d.clone(),
                Grant {
                    id: outcome.record.id,
                    key,
                    prf,
                },
            );
        }
        Ok(Grants {
            me: me.clone(),
            keys,
            uses,
        })
    }

    pub fn me(&self) -> &OwnerId {
        &self.me
    }

    pub fn delegates(&self) -> impl Iterator<Item = &OwnerId> {
        self.keys.keys()
    }

    /// The exchange key {me→delegate} as a v2 writer needs it.
    fn pair<'a>(&'a self, delegate: &'a OwnerId) -> Result<PairKey<'a>> {
        let g = self.get(delegate)?;
        Ok(PairKey {
            delegator: &self.me,
            delegate,
            key: &g.key,
            prf: &g.prf,
        })
    }

    fn get(&self, delegate: &OwnerId) -> Result<&Grant> {
        self.keys.get(delegate).ok_or_else(|| {
            Error::refused(format!(
                "no exchange key {}→{delegate} was prepared: {UNPREPARED}",
                self.me
            ))
            .hint("run the command again")
        })
    }
}

const UNPREPARED: &str = "the file changed during the run";

/// Whether `e` says a rekey met a delegate added after its exchange keys
/// were prepared (someone shared the file meanwhile): nothing was written,
/// and preparing again from the file as it is now will do.
pub fn is_unprepared(e: &Error) -> bool {
    e.message().ends_with(UNPREPARED)
}

/// The short values `me` can open in an entity, one per role present.
struct Opened(Vec<(Role, Zeroizing<Vec<u8>>)>);

impl Opened {
    /// Opens every role `me` must hold to read and share the entity. Fails
    /// with `NoAccess` (naming the entity and who has access) if `me`
    /// holds no entry for one of them.
    fn open(entity: &Entity, session: &Session, me: &OwnerId, source: &str) -> Result<Self> {
        let mut values = Vec::with_capacity(3);
        for role in Role::ALL {
            if let Some(v) = entity.open(session, me, role, source)? {
                values.push((role, v));
            }
        }
        match values.iter().find(|(r, _)| *r == Role::EncryptionKey) {
            None => Err(Error::format(format!(
                "{source}: entity {} has no encryptionKeys",
                entity.id_text()
            ))),
            Some((_, k)) => {
                SymmetricKey::from_slice(k, "entity key").map_err(|e| e.context(source))?;
                Ok(Opened(values))
            }
        }
    }

    fn entity_key(&self) -> Result<SymmetricKey> {
        let (_, raw) = self
            .0
            .iter()
            .find(|(r, _)| *r == Role::EncryptionKey)
            .ok_or_else(|| Error::internal("entity key not opened"))?;
        SymmetricKey::from_slice(raw, "entity key")
    }
}

fn has_entry(entity: &Entity, role: Role, delegate: &OwnerId) -> bool {
    entity
        .delegations_for(role)
        .get(delegate)
        .is_some_and(|l| !l.is_empty())
}

/// What sharing one entity did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareOutcome {
    /// Delegates who received entries.
    pub added: Vec<OwnerId>,
    /// Delegates who already had an entry for every role: nothing added.
    pub already: Vec<OwnerId>,
}

impl ShareOutcome {
    pub fn changed(&self) -> bool {
        !self.added.is_empty()
    }
}

/// Gives every delegate of `grants` access to `entity`, as `grants.me()`.
///
/// For each role the entity has (entity key, secret id, parent id), a
/// delegate who holds no entry yet receives `me→delegate` wrapped under
/// {me delegate}; a delegate who already holds one (from anyone) receives
/// nothing, so sharing twice changes nothing. `encryptedSelf` is not read.
pub fn share(
    entity: &mut Entity,
    session: &Session,
    grants: &Grants,
    source: &str,
) -> Result<ShareOutcome> {
    if entity.v2.is_some() {
        return share_v2(entity, session, grants, source);
    }
    let opened = Opened::open(entity, session, &grants.me, source)?;
    let mut out = ShareOutcome::default();
    for (delegate, g) in &grants.keys {
        let mut added = false;
        for (role, value) in &opened.0 {
            if !has_entry(entity, *role, delegate) {
                added |= entity.add_delegation(*role, &grants.me, delegate, &g.id, &g.key, value);
            }
        }
        if added {
            out.added.push(delegate.clone());
        } else {
            out.already.push(delegate.clone());
        }
    }
    Ok(out)
}

/// [`share`] of a v2 entity: a delegate already named in the directory
/// (by anyone) has access; every other receives an entry `me→delegate`.
fn share_v2(
    entity: &mut Entity,
    session: &Session,
    grants: &Grants,
    source: &str,
) -> Result<ShareOutcome> {
    let values = entity.v2_open(session, &grants.me, source)?;
    let mut dir = entity.v2_directory(&values.entity_key, source)?;
    let mut out = ShareOutcome::default();
    for delegate in grants.keys.keys() {
        if dir.iter().any(|i| &i.delegate == delegate) {
            out.already.push(delegate.clone());
        } else {
            dir.push(entity.v2_add_entry(&grants.pair(delegate)?, &values)?);
            out.added.push(delegate.clone());
        }
    }
    if out.changed() {
        entity.v2_seal_directory(&values.entity_key, dir)?;
    }
    Ok(out)
}

/// What revoking on one entity did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokeOutcome {
    /// Delegates whose entries were removed.
    pub removed: Vec<OwnerId>,
    /// Delegates that held no entry: nothing to remove.
    pub had_no_access: Vec<OwnerId>,
    /// `(revoked, delegate)`: onward delegations a revoked owner had made.
    /// They are kept (the delegate received access legitimately); the
    /// caller should name them.
    pub onward: Vec<(OwnerId, OwnerId)>,
    /// The entity was re-encrypted under a fresh key.
    pub rekeyed: bool,
    /// With rekey: delegates whose entries other delegators had made, now
    /// made by the revoking owner (they need its exchange key to read).
    pub remade_for: Vec<OwnerId>,
}

impl RevokeOutcome {
    pub fn changed(&self) -> bool {
        !self.removed.is_empty() || self.rekeyed
    }
}

/// Removes every entry addressed to each of `from`, as `me`, who must
/// itself be able to read the entity. Refuses to leave the entity with no
/// reader.
///
/// With `rekey` (the exchange keys from `me` to every remaining delegate,
/// see [`remaining_delegates`]): a fresh entity key, `encryptedSelf`
/// re-encrypted under it, and every entry of every role rebuilt as
/// `me→delegate` under {me delegate} for the same delegates as before, so
/// the old entity key no longer opens the file. The secret id and parent id
/// keep their values, so children and parents still resolve. The
/// attachments of a v2 entity, in sidecars beside `file`, are re-encrypted
/// under the fresh key into new sidecars, complete and synced before this
/// returns; the caller writes the entity (the switch) and then removes the
/// old sidecars ([`crate::entity::attachment::remove_unlisted`]).
pub fn revoke(
    entity: &mut Entity,
    session: &Session,
    me: &OwnerId,
    from: &[OwnerId],
    rekey: Option<&Grants>,
    file: Option<&Path>,
    source: &str,
) -> Result<RevokeOutcome> {
    if entity.v2.is_some() {
        return revoke_v2(entity, session, me, from, rekey, file, source);
    }
    let opened = Opened::open(entity, session, me, source)?;
    let mut out = RevokeOutcome::default();
    for who in from {
        let mut had = false;
        for role in Role::ALL {
            had |= entity.delegations_for_mut(role).remove(who).is_some();
        }
        if had {
            out.removed.push(who.clone());
        } else {
            out.had_no_access.push(who.clone());
        }
        for (delegate, list) in &entity.encryption_keys {
            if list.iter().any(|d| &d.owner == who) {
                out.onward.push((who.clone(), delegate.clone()));
            }
        }
    }
    if entity.encryption_keys.is_empty() {
        return Err(Error::refused(format!(
            "{source}: revoking {} would leave entity {} with no reader",
            join(from),
            entity.id_text()
        ))
        .hint("keep at least one data owner who can read it"));
    }
    if let Some(grants) = rekey {
        if grants.me() != me {
            return Err(Error::internal("rekey keys belong to another owner"));
        }
        if entity.encrypted_self.is_empty() {
            return Err(Error::internal("rekey needs encryptedSelf loaded"));
        }
        let old_key = opened.entity_key()?;
        let plaintext = entity.open_self(&old_key, source)?;
        let new_key = SymmetricKey::generate();
        entity.seal_self(&new_key, &plaintext);
        drop(plaintext);
        for (role, value) in &opened.0 {
            let value: &[u8] = if *role == Role::EncryptionKey {
                new_key.expose()
            } else {
                value
            };
            let old = std::mem::take(entity.delegations_for_mut(*role));
            for (delegate, list) in &old {
                if list.iter().any(|d| &d.owner != me) && !out.remade_for.contains(delegate) {
                    out.remade_for.push(delegate.clone());
                }
                let g = grants.get(delegate)?;
                entity.add_delegation(*role, me, delegate, &g.id, &g.key, value);
            }
        }
        out.rekeyed = true;
    }
    Ok(out)
}

/// [`revoke`] of a v2 entity: the directory says which entries are the
/// revoked owners' (whoever made them), so all of them go.
fn revoke_v2(
    entity: &mut Entity,
    session: &Session,
    me: &OwnerId,
    from: &[OwnerId],
    rekey: Option<&Grants>,
    file: Option<&Path>,
    source: &str,
) -> Result<RevokeOutcome> {
    let values = entity.v2_open(session, me, source)?;
    let mut dir = entity.v2_directory(&values.entity_key, source)?;
    let mut out = RevokeOutcome::default();
    for who in from {
        let gone: Vec<String> = dir
            .iter()
            .filter(|i| &i.delegate == who)
            .map(|i| i.lookup.clone())
            .collect();
        if gone.is_empty() {
            out.had_no_access.push(who.clone());
        } else {
            entity.v2_remove(&gone)?;
            dir.retain(|i| &i.delegate != who);
            out.removed.push(who.clone());
        }
        for i in dir.iter().filter(|i| &i.delegator == who) {
            out.onward.push((who.clone(), i.delegate.clone()));
        }
    }
    if dir.is_empty() {
        return Err(Error::refused(format!(
            "{source}: revoking {} would leave entity {} with no reader",
            join(from),
            entity.id_text()
        ))
        .hint("keep at least one data owner who can read it"));
    }
    let Some(grants) = rekey else {
        if out.changed() {
            entity.v2_seal_directory(&values.entity_key, dir)?;
        }
        return Ok(out);
    };
    if grants.me() != me {
        return Err(Error::internal("rekey keys belong to another owner"));
    }
    if entity.encrypted_self.is_empty() {
        return Err(Error::internal("rekey needs encryptedSelf loaded"));
    }
    let sidecars = entity.has_sidecars();
    let file = match file {
        Some(f) => f,
        None if !sidecars => Path::new(""),
        None => {
            return Err(Error::usage(format!(
                "{source}: entity {} has sidecars (attachments or a detached record); a rekey re-encrypts them beside the entity file, so it needs a local entity file (not standard input or an object store)",
                entity.id_text()
            )))
        }
    };
    let plaintext = entity.open_self(&values.entity_key, source)?;
    let fresh = EntryValues {
        entity_key: SymmetricKey::generate(),
        secret_id: values.secret_id.clone(),
        parent_id: values.parent_id.clone(),
    };
    let delegates: BTreeSet<OwnerId> = dir.iter().map(|i| i.delegate.clone()).collect();
    for d in &delegates {
        if dir.iter().any(|i| &i.delegate == d && &i.delegator != me) {
            out.remade_for.push(d.clone());
        }
    }
    let all: Vec<String> = dir.iter().map(|i| i.lookup.clone()).collect();
    entity.v2_remove(&all)?;
    let mut new_dir: Vec<DirItem> = Vec::with_capacity(delegates.len());
    for d in &delegates {
        new_dir.push(entity.v2_add_entry(&grants.pair(d)?, &fresh)?);
    }
    entity.v2_seal_directory(&fresh.entity_key, new_dir)?;
    // Last, once nothing else can fail: the sidecars (attachments and a
    // detached record) are re-encrypted into new ones, streamed (the list
    // that `encryptedSelf` covers changes; a detached record's plaintext
    // above is the empty marker).
    if sidecars {
        entity.rekey_sidecars(&values.entity_key, &fresh.entity_key, file, source)?;
    }
    entity.seal_self(&fresh.entity_key, &plaintext);
    drop(plaintext);
    out.rekeyed = true;
    Ok(out)
}

/// The delegates of a v1 entity whose entries `me` cannot carry over
/// under their own exchange key (`me` is neither end of it, or does not
/// hold it): [`upgrade`] remakes them as `me→delegate`, so it needs
/// {me→delegate} for each.
pub fn upgrade_needs(entity: &Entity, session: &Session, me: &OwnerId) -> BTreeSet<OwnerId> {
    let mut out = BTreeSet::new();
    if entity.v2.is_some() {
        return out;
    }
    for (delegate, list) in &entity.encryption_keys {
        for d in list {
            if !reusable(session, me, &d.owner, delegate, &d.exchange_key) {
                out.insert(delegate.clone());
            }
        }
    }
    out
}

fn reusable(session: &Session, me: &OwnerId, from: &OwnerId, to: &OwnerId, id: &str) -> bool {
    (me == from || me == to) && session.record(from, to, id).is_ok()
}

/// Rewrites a v1 entity as v2, as `me` (who must be able to read it).
/// Every delegation keeps its delegate: an entry `D→R` under {DR} stays
/// `D→R` when `me` is D or R (and holds {DR}), and becomes `me→R` under
/// {me R} otherwise (from `grants`, see [`upgrade_needs`]). The entity key,
/// secret id and parent id are kept; `secretForeignKeys` becomes the link
/// tag. `encryptedSelf` is re-sealed under the same key: its associated
/// data changes (salt and link replace `secretForeignKeys`), so the format
/// forces it. Returns `false` (nothing done) for a v2 entity.
pub fn upgrade(
    entity: &mut Entity,
    session: &Session,
    me: &OwnerId,
    grants: &Grants,
    source: &str,
) -> Result<bool> {
    if entity.v2.is_some() {
        return Ok(false);
    }
    if grants.me() != me {
        return Err(Error::internal("upgrade keys belong to another owner"));
    }
    let values = EntryValues {
        entity_key: entity.entity_key(session, me, source)?,
        secret_id: match entity.delegations.is_empty() {
            true => uuid::Uuid::new_v4().to_string(),
            false => entity.secret_id(session, me, source)?,
        },
        parent_id: entity.parent_id(session, me, source)?,
    };
    if entity.encrypted_self.is_empty() {
        return Err(Error::internal("upgrade needs encryptedSelf loaded"));
    }
    let plaintext = entity.open_self(&values.entity_key, source)?;
    if entity.secret_foreign_keys.len() > 1 {
        return Err(Error::format(format!(
            "{source}: entity {} links to {} parents; v2 links to one",
            entity.id_text(),
            entity.secret_foreign_keys.len()
        )));
    }
    let mut pairs: Vec<(OwnerId, OwnerId, Option<String>)> = Vec::new();
    for (delegate, list) in &entity.encryption_keys {
        for d in list {
            let pair = if reusable(session, me, &d.owner, delegate, &d.exchange_key) {
                (
                    d.owner.clone(),
                    delegate.clone(),
                    Some(d.exchange_key.clone()),
                )
            } else {
                (me.clone(), delegate.clone(), None)
            };
            if !pairs.iter().any(|p| p.0 == pair.0 && p.1 == pair.1) {
                pairs.push(pair);
            }
        }
    }
    let parent_secret = entity.secret_foreign_keys.first().cloned();
    entity.secret_foreign_keys.clear();
    entity.crypted_foreign_keys.clear();
    entity.delegations.clear();
    entity.encryption_keys.clear();
    entity.v2 = Some(crate::entity::v2::V2Meta::new(parent_secret.as_deref()));
    let mut dir = Vec::with_capacity(pairs.len());
    for (from, to, id) in &pairs {
        match id {
            Some(id) => {
                let key = session.exchange_key(me, from, to, id)?;
                let record = session.record(from, to, id)?;
                let prf = LookupPrf::new(&record.access_control_secret(&key));
                let pair = PairKey {
                    delegator: from,
                    delegate: to,
                    key: &key,
                    prf: &prf,
                };
                dir.push(entity.v2_add_entry(&pair, &values)?);
            }
            None => dir.push(entity.v2_add_entry(&grants.pair(to)?, &values)?),
        }
    }
    entity.v2_seal_directory(&values.entity_key, dir)?;
    entity.seal_self(&values.entity_key, &plaintext);
    Ok(true)
}

fn join(ids: &[OwnerId]) -> String {
    ids.iter()
        .map(OwnerId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The delegates, other than `from`, that hold entries in `entity`: the
/// exchange keys a rekey will need. A v2 entity says so only to a reader
/// (`me`), from its directory.
pub fn remaining_delegates(
    entity: &Entity,
    session: &Session,
    me: &OwnerId,
    from: &[OwnerId],
    source: &str,
) -> Result<BTreeSet<OwnerId>> {
    if entity.v2.is_some() {
        let values = entity.v2_open(session, me, source)?;
        let dir = entity.v2_directory(&values.entity_key, source)?;
        return Ok(dir
            .into_iter()
            .map(|i| i.delegate)
            .filter(|d| !from.contains(d))
            .collect());
    }
    Ok(Role::ALL
        .iter()
        .flat_map(|r| entity.delegations_for(*r).keys())
        .filter(|d| !from.contains(d))
        .cloned()
        .collect())
}

/// One `delegator → delegate` entry of an entity, as `list` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pair {
    pub delegator: OwnerId,
    pub delegate: OwnerId,
    /// v1 only: v2 entities name no exchange key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange_key: Option<String>,
}

/// Who has access to an entity, from its metadata alone (no key needed).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessList {
    pub id: Value,
    pub kind: EntityKind,
    /// The entity format version.
    pub format: u32,
    /// How many delegation entries the entity holds (v1: of
    /// `encryptionKeys`; v2: access entries): all an observer sees of v2.
    pub entries: usize,
    /// Whether `readers` and `roles` are known: always for v1, for v2 only
    /// when read as an owner who can open the entity (its directory).
    pub revealed: bool,
    /// Who can decrypt it: the delegates of `encryptionKeys`.
    pub readers: Vec<OwnerId>,
    /// The entries of each role present, by field name (`encryptionKeys`,
    /// `delegations`, `cryptedForeignKeys`, in that order).
    #[serde(serialize_with = "ordered_map")]
    pub roles: Vec<(&'static str, Vec<Pair>)>,
}

/// Serialises pairs as a JSON object, keeping their order.
fn ordered_map<S: serde::Serializer>(
    pairs: &[(&'static str, Vec<Pair>)],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

/// The access list of an entity.
pub fn access_list(entity: &Entity) -> AccessList {
    let pairs = |d: &Delegations| -> Vec<Pair> {
        d.iter()
            .flat_map(|(delegate, list)| {
                list.iter().map(move |e| Pair {
                    delegator: e.owner.clone(),
                    delegate: delegate.clone(),
                    exchange_key: Some(e.exchange_key.clone()),
                })
            })
            .collect()
    };
    if let Some(meta) = &entity.v2 {
        return AccessList {
            id: entity.id.clone(),
            kind: entity.kind,
            format: 2,
            entries: meta.access.len(),
            revealed: false,
            readers: Vec::new(),
            roles: Vec::new(),
        };
    }
    AccessList {
        id: entity.id.clone(),
        kind: entity.kind,
        format: 1,
        entries: entity.encryption_keys.values().map(Vec::len).sum(),
        revealed: true,
        readers: entity.encryption_keys.keys().cloned().collect(),
        roles: Role::ALL
            .iter()
            .filter(|r| !entity.delegations_for(**r).is_empty())
            .map(|r| (r.field(), pairs(entity.delegations_for(*r))))
            .collect(),
    }
}

/// The access list of an entity as `me` sees it: for v2, what `me`'s keys
/// reveal (the directory, if `me` can read the entity; else what an
/// observer sees).
pub fn access_list_as(
    entity: &Entity,
    session: &Session,
    me: &OwnerId,
    source: &str,
) -> Result<AccessList> {
    let mut list = access_list(entity);
    if entity.v2.is_none() {
        return Ok(list);
    }
    let values = match entity.v2_open(session, me, source) {
        Ok(v) => v,
        Err(e) if is_no_access(&e) => return Ok(list),
        Err(e) => return Err(e),
    };
    let dir = entity.v2_directory(&values.entity_key, source)?;
    let readers: BTreeSet<OwnerId> = dir.iter().map(|i| i.delegate.clone()).collect();
    list.readers = readers.into_iter().collect();
    list.roles = vec![(
        "access",
        dir.into_iter()
            .map(|i| Pair {
                delegator: i.delegator,
                delegate: i.delegate,
                exchange_key: None,
            })
            .collect(),
    )];
    list.revealed = true;
    Ok(list)
}

/// An entity file read for a change of its metadata (share, revoke):
/// `encryptedSelf` is left where it is in the file's bytes, never decoded
/// or copied, and written back verbatim. Parsing checks that it is a JSON
/// string; a share or revoke of a 100 MB record thus costs one read, one
/// scan and one write of the file.
///
/// While `encryptedSelf` stays in the bytes, the entity's `encrypted_self`
/// is empty: call [`EntityFile::load_self`] before decrypting or changing it.
pub struct EntityFile {
    bytes: Vec<u8>,
    /// Where `encryptedSelf`'s text is in `bytes`, if it is still there.
    raw_self: Option<std::ops::Range<usize>>,
    entity: Entity,
    source: String,
}

impl EntityFile {
    /// Reads and parses an entity file (or stdin for `-`).
    pub fn read(path: &Path) -> Result<Self> {
        let source = crate::error::display_path(path);
        Self::parse(crate::atomic_file::read(path)?, source)
    }

    /// Reads and parses the entity at `loc` (a file, stdin, an object).
    pub fn open(loc: &Location) -> Result<Self> {
        Self::parse(crate::store::read(loc)?, loc.to_string())
    }

    /// Parses an entity file's bytes; `source` names it in messages.
    pub fn parse(bytes: Vec<u8>, source: String) -> Result<Self> {
        crate::format::reject_duplicate_keys(&bytes, &source, "entity")?;
        let Envelope { map, raw_self } = serde_json::from_slice(&bytes)
            .map_err(|e| crate::format::malformed(&source, "entity", &e))?;
        // A string borrowed from the input had no escapes: its text in the
        // file is its value, so it can be written back byte for byte.
        let raw_self = raw_self.map(|s| {
            let start = s.as_ptr() as usize - bytes.as_ptr() as usize;
            start..start + s.len()
        });
        let entity = Entity::from_value(Value::Object(map), &source)?;
        Ok(EntityFile {
            bytes,
            raw_self,
            entity,
            source,
        })
    }

    /// The file's name for messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn entity(&self) -> &Entity {
        &self.entity
    }

    /// The entity, to change its metadata (see the type's note on
    /// `encrypted_self`).
    pub fn entity_mut(&mut self) -> &mut Entity {
        &mut self.entity
    }

    /// Moves `encryptedSelf` from the file's bytes into the entity.
    pub fn load_self(&mut self) {
        if let Some(r) = self.raw_self.take() {
            let bytes = std::mem::take(&mut self.bytes);
            // The range came from a &str over these bytes: valid UTF-8.
            self.entity.encrypted_self = String::from_utf8_lossy(&bytes[r]).into_owned();
        }
    }

    /// Writes the entity as [`Entity::write_to`] does, with
    /// `encryptedSelf` copied from the file's bytes if it is still there.
    pub fn write_to<W: std::io::Write + ?Sized>(&self, w: &mut W) -> std::io::Result<()> {
        let Some(r) = &self.raw_self else {
            return self.entity.write_to(w);
        };
        if !self.entity.encrypted_self.is_empty() {
            return Err(std::io::Error::other(
                "encryptedSelf was changed without load_self",
            ));
        }
        // Entity::write_to puts encryptedSelf last: the envelope with an
        // empty one ends `"encryptedSelf": ""` and the closing brace.
        let mut head = Vec::with_capacity(4096);
        self.entity.write_to(&mut head)?;
        const END: &[u8] = b"\"encryptedSelf\": \"\"\n}\n";
        if !head.ends_with(END) {
            return Err(std::io::Error::other("unexpected entity layout"));
        }
        let cut = head.len() - 4; // before `"\n}\n`
        w.write_all(&head[..cut])?;
        w.write_all(&self.bytes[r.clone()])?;
        w.write_all(&head[cut..])
    }
}

/// An entity's top-level object, with `encryptedSelf` replaced by `""`
/// when its text could be borrowed from the input (`raw_self`).
struct Envelope<'de> {
    map: Map<String, Value>,
    raw_self: Option<&'de str>,
}

impl<'de> Deserialize<'de> for Envelope<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Envelope<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut a: A,
            ) -> std::result::Result<Envelope<'de>, A::Error> {
                let mut map = Map::new();
                let mut raw_self = None;
                while let Some(k) = a.next_key::<String>()? {
                    let v = if k == "encryptedSelf" {
                        match a.next_value::<SelfText>()? {
                            SelfText::Borrowed(s) => {
                                raw_self = Some(s);
                                Value::String(String::new())
                            }
                            SelfText::Owned(s) => {
                                raw_self = None;
                                Value::String(s)
                            }
                        }
                    } else {
                        a.next_value()?
                    };
                    map.insert(k, v);
                }
                Ok(Envelope { map, raw_self })
            }
        }
        d.deserialize_map(Fields)
    }
}

/// `encryptedSelf`: borrowed from the input when it holds no escape.
enum SelfText<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl<'de> Deserialize<'de> for SelfText<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct S;
        impl<'de> Visitor<'de> for S {
            type Value = SelfText<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("encryptedSelf as a base64 string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                s: &'de str,
            ) -> std::result::Result<SelfText<'de>, E> {
                Ok(SelfText::Borrowed(s))
            }
            fn visit_str<E: serde::de::Error>(
                self,
                s: &str,
            ) -> std::result::Result<SelfText<'de>, E> {
                Ok(SelfText::Owned(s.to_string()))
            }
        }
        d.deserialize_str(S)
    }
}

/// An entity file's metadata, streamed from the file: `encryptedSelf` is
/// scanned and skipped, never held (issue 11, defect 10: a 1 GB
/// `encryptedSelf` made `delegation list` use 1 GB). The entity's
/// `encrypted_self` is empty. Duplicate keys are refused as by
/// [`crate::format::parse_strict`]. Standard input and objects on an
/// object store are read whole (one GET), through the same strict parser.
pub fn read_metadata(loc: &Location) -> Result<(Entity, String)> {
    let Location::Local(path) = loc else {
        let f = EntityFile::open(loc)?;
        return Ok((f.entity, loc.to_string()));
    };
    let source = crate::error::display_path(path);
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, "read", e))?;
    let last = std::rc::Rc::new(std::cell::Cell::new(0u8));
    let tap = Tap {
        inner: std::io::BufReader::new(file),
        last: last.clone(),
    };
    let mut de = serde_json::Deserializer::from_reader(tap);
    let map = serde::de::DeserializeSeed::deserialize(MetadataSeed(last), &mut de)
        .and_then(|m| de.end().map(|()| m))
        .map_err(|e| {
            if e.is_io() {
                Error::io(path, "read", std::io::Error::other(e.to_string()))
            } else {
                crate::format::malformed(&source, "entity", &e)
            }
        })?;
    Ok((Entity::from_value(Value::Object(map), &source)?, source))
}

/// A reader that remembers the last byte it handed out: serde_json reads
/// byte by byte, so after skipping a value the last byte says what it was
/// (a string ends with `"`; a number, literal, array or object cannot).
struct Tap<R> {
    inner: R,
    last: std::rc::Rc<std::cell::Cell<u8>>,
}

impl<R: std::io::Read> std::io::Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.last.set(buf[n - 1]);
        }
        Ok(n)
    }
}

/// The top-level object of an entity, `encryptedSelf` skipped (kept as
/// `""`, after checking it was a string), every other value parsed
/// strictly.
struct MetadataSeed(std::rc::Rc<std::cell::Cell<u8>>);

impl<'de> serde::de::DeserializeSeed<'de> for MetadataSeed {
    type Value = Map<String, Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for MetadataSeed {
    type Value = Map<String, Value>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> std::result::Result<Self::Value, A::Error> {
        use serde::de::Error as _;
        let mut map = Map::new();
        while let Some(k) = a.next_key::<String>()? {
            if map.contains_key(&k) {
                let shown: String = k.chars().take(64).collect();
                return Err(A::Error::custom(format_args!("duplicate key {shown:?}")));
            }
            let v = if k == "encryptedSelf" {
                a.next_value::<serde::de::IgnoredAny>()?;
                if self.0.get() != b'"' {
                    return Err(A::Error::custom("encryptedSelf is not a string"));
                }
                Value::String(String::new())
            } else {
                let raw: Box<serde_json::value::RawValue> = a.next_value()?;
                crate::format::strict_value(&raw).map_err(A::Error::custom)?
            };
            map.insert(k, v);
        }
        Ok(map)
    }
}

/// The access list of an entity file, read without decrypting anything
/// and without holding `encryptedSelf`.
pub fn read_access_list(path: &Location) -> Result<AccessList> {
    read_metadata(path).map(|(e, _)| access_list(&e))
}

/// The delegates, other than `from`, that hold entries in the entity file
/// at `path` (see [`remaining_delegates`]).
pub fn read_remaining_delegates(
    path: &Location,
    session: &Session,
    me: &OwnerId,
    from: &[OwnerId],
) -> Result<BTreeSet<OwnerId>> {
    let (e, source) = read_metadata(path)?;
    remaining_delegates(&e, session, me, from, &source)
}

/// What [`upgrade_needs`] says of the entity file at `path`.
pub fn read_upgrade_needs(
    path: &Location,
    session: &Session,
    me: &OwnerId,
) -> Result<BTreeSet<OwnerId>> {
    read_metadata(path).map(|(e, _)| upgrade_needs(&e, session, me))
}

/// The secret id of the patient (or other entity) at `path`, as `me`;
/// `None` when the entity has no secret id.
pub fn read_secret_id(session: &Session, me: &OwnerId, path: &Location) -> Result<Option<String>> {
    let (e, source) = read_metadata(path)?;
    if e.v2.is_none() && e.delegations.is_empty() {
        return Ok(None);
    }
    e.secret_id(session, me, &source).map(Some)
}

/// Whether the file at `path` is an entity that claims a link to one of
/// `secret_ids` ([`Entity::is_child_of`]): a first cut, before
/// [`authenticated_link`]. A file that is not an entity (or not readable
/// as one) is not linked.
pub fn is_linked(path: &Location, secret_ids: &BTreeSet<String>) -> bool {
    read_metadata(path).is_ok_and(|(e, _)| secret_ids.iter().any(|s| e.is_child_of(s)))
}

/// Whether `child` is linked to an entity whose secret id is one of
/// `parent_secrets`, with the link authenticated as `me` (issue 11, defect
/// 2: `secretForeignKeys` is in clear, so anyone who can write the folder
/// can copy a patient's secret id into an unrelated record).
///
/// - `Ok(false)`: the child does not claim such a link;
/// - `Ok(true)`: it claims one and the claim authenticates;
/// - `Err` (integrity): it claims one that does not authenticate;
/// - `Err` (no access): `me` cannot open the child to check.
///
/// The claim is [`Entity::is_child_of`] (v1: the clear
/// `secretForeignKeys`; v2: the link tag). entity/v1 authenticates it only
/// through `encryptedSelf`'s associated data, which covers
/// `secretForeignKeys`, so the child's `encryptedSelf` must be loaded, and
/// is opened (the plaintext dropped at once); the same opening checks a v2
/// child's associated data, which covers its link tag and salt.
pub fn authenticated_link(
    child: &Entity,
    session: &Session,
    me: &OwnerId,
    parent_secrets: &BTreeSet<String>,
    source: &str,
) -> Result<bool> {
    if !parent_secrets.iter().any(|s| child.is_child_of(s)) {
        return Ok(false);
    }
    if child.encrypted_self.is_empty() {
        return Err(Error::internal(
            "checking a link needs encryptedSelf loaded",
        ));
    }
    let key = child.entity_key(session, me, source)?;
    child.open_self(&key, source).map_err(|e| {
        Error::integrity(format!(
            "{source}: entity {} claims a link to the parent but it does not authenticate: {}",
            child.id_text(),
            e.message()
        ))
        .hint(
            "the file was modified (possibly relinked to another patient); restore it or remove it",
        )
    })?;
    Ok(true)
}

/// Whether `candidate` is the parent `child` links to, both checked as `me`:
/// the parent id `me` opens from the child's `cryptedForeignKeys` names the
/// candidate, the candidate's secret id opens under its own id and kind,
/// and it is one the child's authenticated `secretForeignKeys` hold. The
/// child's `encryptedSelf` must be loaded (see [`authenticated_link`]).
pub fn authenticated_parent(
    child: &Entity,
    candidate: &Entity,
    session: &Session,
    me: &OwnerId,
    source: &str,
    candidate_source: &str,
) -> Result<bool> {
    let Some(parent_id) = child.parent_id(session, me, source)? else {
        return Ok(false);
    };
    if candidate.kind != EntityKind::Patient || candidate.id_text() != parent_id {
        return Ok(false);
    }
    let secret = candidate.secret_id(session, me, candidate_source)?;
    authenticated_link(child, session, me, &BTreeSet::from([secret]), source)
}

/// Whether an error means "this owner cannot read that entity".
pub fn is_no_access(e: &Error) -> bool {
    crate::entity::is_access_error(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passphrase::PassphraseSource;

    const PASS: &str = "test-only-passphrase";

    fn id(s: &str) -> OwnerId {
        OwnerId::new(s).unwrap()
    }

    /// A session on a copy of a fixture keystore.
    fn session(dir: &Path, who: &str) -> Session {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/keys")
            .join(format!("{who}.keystore.json"));
        let dst = dir.join(format!("{who}.keystore.json"));
        std::fs::copy(src, &dst).unwrap();
        Session::open(&dst, PassphraseSource::fixed(PASS)).unwrap()
    }

    fn encrypt(s: &mut Session, kind: EntityKind, parent: Option<&Entity>) -> Entity {
        let opts = crate::entity::EncryptOptions {
            kind,
            share_with: vec![id("B")],
            clear: vec![],
            parent: parent.map(Entity::to_value),
            allow_unverified: false,
        };
        let enc = crate::entity::Encryptor::new(s, &id("A"), &opts).unwrap();
        enc.encrypt_bytes(br#"{"id":"x1","name":"John Keats"}"#, "t")
            .unwrap()
    }

    #[test]
    fn share_rewraps_short_values_and_leaves_encrypted_self_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = session(dir.path(), "A");
        let patient = encrypt(&mut s, EntityKind::Patient, None);
        let mut contact = encrypt(&mut s, EntityKind::Contact, Some(&patient));
        let before = contact.encrypted_self.clone();
        let grants = Grants::resolve(&mut s, &id("A"), [&id("C")], false).unwrap();
        assert!(grants.uses[0].created);
        let out = share(&mut contact, &s, &grants, "t").unwrap();
        assert_eq!(out.added, vec![id("C")]);
        assert_eq!(contact.encrypted_self, before);
        let a = contact.entity_key(&s, &id("A"), "t").unwrap();
        let dir = contact.v2_directory(&a, "t").unwrap();
        let to_c: Vec<_> = dir.iter().filter(|i| i.delegate == id("C")).collect();
        assert_eq!((to_c.len(), to_c[0].delegator.as_str()), (1, "A"));
        assert_eq!(contact.v2.as_ref().unwrap().access.len(), 3);
        let again = share(&mut contact, &s, &grants, "t").unwrap();
        assert_eq!((again.changed(), again.already), (false, vec![id("C")]));
        assert_eq!(contact.entity_key(&s, &id("A"), "t").unwrap(), a);
    }

    #[test]
    fn share_without_access_is_no_access() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = session(dir.path(), "A");
        let mut entity = encrypt(&mut a, EntityKind::Patient, None);
        let mut c = session(dir.path(), "C");
        let grants = Grants::resolve(&mut c, &id("C"), [&id("B")], false).unwrap();
        let e = share(&mut entity, &c, &grants, "f.json").unwrap_err();
        assert!(is_no_access(&e), "{e:?}");
        // v2: the error names the file, never who has access.
        assert!(e.message().contains("f.json") && !e.message().contains("A, B"));
    }

    #[test]
    fn revoke_removes_and_rekey_replaces_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = session(dir.path(), "A");
        let patient = encrypt(&mut s, EntityKind::Patient, None);
        let mut e = encrypt(&mut s, EntityKind::Contact, Some(&patient));
        let grants = Grants::resolve(&mut s, &id("A"), [&id("C")], false).unwrap();
        share(&mut e, &s, &grants, "t").unwrap();
        let old_key = e.entity_key(&s, &id("A"), "t").unwrap();
        let plain = e.open_self(&old_key, "t").unwrap();
        let secret = e.secret_id(&s, &id("A"), "t").unwrap();

        let mut plain_revoke = e.clone();
        let out = revoke(&mut plain_revoke, &s, &id("A"), &[id("C")], None, None, "t").unwrap();
        assert_eq!(out.removed, vec![id("C")]);
        assert_eq!(plain_revoke.v2.as_ref().unwrap().access.len(), 2);
        let dir = plain_revoke.v2_directory(&old_key, "t").unwrap();
        assert!(dir.iter().all(|i| i.delegate != id("C")));
        assert_eq!(plain_revoke.encrypted_self, e.encrypted_self);
        let none = revoke(&mut plain_revoke, &s, &id("A"), &[id("C")], None, None, "t").unwrap();
        assert_eq!((none.changed(), none.had_no_access), (false, vec![id("C")]));

        let remaining = remaining_delegates(&e, &s, &id("A"), &[id("C")], "t").unwrap();
        assert_eq!(remaining, [id("A"), id("B")].into_iter().collect());
        let rk = Grants::resolve(&mut s, &id("A"), &remaining, false).unwrap();
        let out = revoke(&mut e, &s, &id("A"), &[id("C")], Some(&rk), None, "t").unwrap();
        assert!(out.rekeyed);
        let new_key = e.entity_key(&s, &id("A"), "t").unwrap();
        assert_ne!(new_key, old_key);
        assert!(e.open_self(&old_key, "t").is_err(), "old key must fail");
        assert_eq!(e.open_self(&new_key, "t").unwrap(), plain);
        assert_eq!(e.secret_id(&s, &id("A"), "t").unwrap(), secret);
        assert_eq!(
            remaining_delegates(&e, &s, &id("A"), &[], "t").unwrap(),
            remaining
        );
    }

    #[test]
    fn revoke_refuses_to_leave_no_reader() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = session(dir.path(), "A");
        let mut e = encrypt(&mut s, EntityKind::Patient, None);
        let e0 = e.clone();
        let err = revoke(&mut e, &s, &id("A"), &[id("A"), id("B")], None, None, "t").unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Refused);
        // Revoking oneself while another reader remains is allowed.
        let mut e = e0;
        revoke(&mut e, &s, &id("A"), &[id("A")], None, None, "t").unwrap();
        assert_eq!(e.v2.as_ref().unwrap().access.len(), 1);
    }

    #[test]
    fn entity_file_copies_encrypted_self_verbatim() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = session(dir.path(), "A");
        let e = encrypt(&mut s, EntityKind::Patient, None);
        let p = dir.path().join("e.json");
        std::fs::write(&p, e.to_bytes()).unwrap();
        let mut f = EntityFile::read(&p).unwrap();
        assert!(f.entity().encrypted_self.is_empty(), "left in the bytes");
        let mut out = Vec::new();
        f.write_to(&mut out).unwrap();
        assert_eq!(out, e.to_bytes(), "unchanged metadata: same bytes");

        let grants = Grants::resolve(&mut s, &id("A"), [&id("C")], false).unwrap();
        share(f.entity_mut(), &s, &grants, "t").unwrap();
        let mut shared = e.clone();
        shared.v2 = f.entity().v2.clone();
        let mut out = Vec::new();
        f.write_to(&mut out).unwrap();
        assert_eq!(out, shared.to_bytes());

        // Changing encryptedSelf without loading it is refused, not lost.
        f.entity_mut().encrypted_self = "x".into();
        assert!(f.write_to(&mut Vec::new()).is_err());
        f.entity_mut().encrypted_self.clear();
        f.load_self();
        assert_eq!(f.entity().encrypted_self, e.encrypted_self);

        // An escaped encryptedSelf (legal JSON) is decoded and re-encoded.
        let text = String::from_utf8(e.to_bytes()).unwrap();
        let at = text.find("\"encryptedSelf\": \"").unwrap() + 18;
        let c = text.as_bytes()[at];
        let text = format!("{}\\u00{c:02x}{}", &text[..at], &text[at + 1..]);
        std::fs::write(&p, &text).unwrap();
        let f = EntityFile::read(&p).unwrap();
        assert_eq!(f.entity().encrypted_self, e.encrypted_self);
    }

    #[test]
    fn metadata_skips_encrypted_self_but_checks_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = session(dir.path(), "A");
        let e = encrypt(&mut s, EntityKind::Patient, None);
        let p = dir.path().join("e.json");
        std::fs::write(&p, e.to_bytes()).unwrap();
        let list = read_access_list(&Location::Local(p.clone())).unwrap();
        assert!(list.readers.is_empty() && !list.revealed);
        assert_eq!(list.entries, 2);
        let list = access_list_as(&e, &s, &id("A"), "t").unwrap();
        assert_eq!(list.readers, vec![id("A"), id("B")]);
        assert_eq!(list.roles[0].0, "access");
        assert_eq!(list.roles[0].1.len(), 2);
        let mut v = e.to_value();
        v["encryptedSelf"] = Value::from(3);
        std::fs::write(&p, v.to_string()).unwrap();
        let err = read_access_list(&Location::Local(p.clone())).unwrap_err();
        assert!(err.message().contains("malformed entity"), "{err:?}");
        std::fs::write(&p, "{\"id\": 1}").unwrap();
        assert!(read_access_list(&Location::Local(p.clone())).is_err());
    }
}
