//! One invocation's view of the keystore: private keys unlocked at most
//! once, exchange keys RSA-decrypted at most once and kept in a zeroizing
//! cache (seed 000: "very few such keys have to be decrypted"), and counters
//! so that `-v` can report how much RSA work a command did.
//!
//! Lookups take `&self` and are thread-safe so that bulk work can run in
//! parallel once the few exchange keys it needs are in the cache.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[cfg(unix)]
use crate::agent::{AgentKey, Client};
use crate::crypto::derive::LookupPrf;
use crate::crypto::{
    b64, Context, Fingerprint, PrivateKey, PrivateKeyOps, PublicKey, SymmetricKey,
};
use crate::error::{Error, ErrorKind, Result};
use crate::hcp_key::{HcPartyKey, SignerTrust};
use crate::keystore::Keystore;
use crate::owner::{Owner, OwnerId};
use crate::passphrase::PassphraseSource;

/// Counters of expensive operations, reported by `-v`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// RSA-OAEP decryptions of exchange keys.
    pub rsa_decryptions: usize,
    /// Private keys opened with the passphrase.
    pub key_unlocks: usize,
    /// Keys a command used through `ehrcrypt agent` instead of unlocking
    /// them (each for one or more operations).
    pub agent_keys_used: usize,
}

/// How a new exchange key may be made.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExchangeOptions {
    /// Wrap for the delegate's unverified keys too (prints a warning).
    pub allow_unverified: bool,
    /// Make a new key even if a valid one exists.
    pub rotate: bool,
}

/// What [`Session::ensure_exchange_key`] did.
#[derive(Debug)]
pub struct ExchangeOutcome {
    pub record: HcPartyKey,
    pub created: bool,
    /// Unverified delegate keys the new key was wrapped for (with
    /// `allow_unverified`); the caller should warn about each.
    pub unverified: Vec<Fingerprint>,
}

pub struct Session {
    path: PathBuf,
    keystore: Keystore,
    passphrase: PassphraseSource,
    private_keys: Mutex<HashMap<Fingerprint, Arc<PrivateKey>>>,
    /// Keyed by (delegator, delegate, record id): ids are chosen by whoever
    /// wrote the record, so an id alone could name another pair's key.
    exchange_keys: Mutex<HashMap<PairKeyId, SymmetricKey>>,
    /// Serialises cache misses so that parallel workers needing the same
    /// key unlock or RSA-decrypt it once, not once each.
    slow_path: Mutex<()>,
    /// The same for passphrase unlocks (separate: `exchange_key` holds
    /// `slow_path` while it unlocks).
    unlock_path: Mutex<()>,
    /// Per local owner: a lookup PRF for every exchange key it holds
    /// (entity format v2), computed once per session.
    lookups: Mutex<HashMap<OwnerId, LookupState>>,
    lookup_path: Mutex<()>,
    rsa_decryptions: AtomicUsize,
    key_unlocks: AtomicUsize,
    /// The agent named by `EHRCRYPT_AGENT`, if any (Unix only).
    #[cfg(unix)]
    agent: Option<Arc<Client>>,
    /// The fingerprints it holds, asked once; or why it did not answer.
    agent_keys: Mutex<Option<std::result::Result<HashSet<Fingerprint>, String>>>,
    agent_keys_used: AtomicUsize,
}

/// One exchange key a reader holds, ready to find its entries in v2
/// entities: the pair, the record, and the PRF keyed with its
/// access-control secret ([`HcPartyKey::access_control_secret`]).
#[derive(Clone, Debug)]
pub struct Lookup {
    pub delegator: OwnerId,
    pub delegate: OwnerId,
    pub record: String,
    pub prf: LookupPrf,
}

/// The lookup cache beside a keystore (`<keystore>.lookup.json`, 0600):
/// the access-control secrets of the exchange keys a local owner holds,
/// each sealed under a key derived from that owner's private key. Finding
/// one's entries in v2 entities needs every held secret; without the
/// cache, each would cost an RSA decryption per command, with it only the
/// exchange keys actually used do. It is only a cache: a missing, damaged
/// or stale file is rebuilt, never trusted over the keystore.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct LookupCache {
    format: String,
    entries: Vec<CachedSecret>,
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct CachedSecret {
    owner: OwnerId,
    key: Fingerprint,
    delegator: OwnerId,
    delegate: OwnerId,
    exchange_key: String,
    secret: String,
}

/// Also the derivation info of the cache's key (served by `agent`).
pub const LOOKUP_CACHE_FORMAT: &str = "ehrcrypt/lookup-cache/v1";

/// One local owner's exchange keys as lookup PRFs, in a session.
struct LookupState {
    resolved: Arc<Vec<Lookup>>,
    /// (delegator, delegate, record id) not resolved yet, in the order to try.
    pending: Vec<PairKeyId>,
    cache: LookupCache,
    cache_key: Option<(SymmetricKey, Fingerprint)>,
}

impl CachedSecret {
    fn context(&self) -> Context {
        Context::new(LOOKUP_CACHE_FORMAT)
            .with(self.owner.as_str())
            .with(self.delegator.as_str())
            .with(self.delegate.as_str())
            .with(&self.exchange_key)
    }
}

impl Session {
    pub fn open(path: &Path, passphrase: PassphraseSource) -> Result<Self> {
        Ok(Session {
            path: path.to_path_buf(),
            keystore: Keystore::load(path)?,
            passphrase,
            private_keys: Mutex::new(HashMap::new()),
            exchange_keys: Mutex::new(HashMap::new()),
            slow_path: Mutex::new(()),
            unlock_path: Mutex::new(()),
            lookups: Mutex::new(HashMap::new()),
            lookup_path: Mutex::new(()),
            rsa_decryptions: AtomicUsize::new(0),
            key_unlocks: AtomicUsize::new(0),
            #[cfg(unix)]
            agent: Client::from_env().map(Arc::new),
            agent_keys: Mutex::new(None),
            agent_keys_used: AtomicUsize::new(0),
        })
    }

    pub fn keystore(&self) -> &Keystore {
        &self.keystore
    }

    /// Reads the keystore file again (another writer changed it).
    pub fn reload(&mut self) -> Result<()> {
        self.keystore = Keystore::load(&self.path)?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn stats(&self) -> Stats {
        Stats {
            rsa_decryptions: self.rsa_decryptions.load(Ordering::Relaxed),
            key_unlocks: self.key_unlocks.load(Ordering::Relaxed),
            agent_keys_used: self.agent_keys_used.load(Ordering::Relaxed),
        }
    }

    /// The private key `fp` of `owner`, unlocked with the passphrase once.
    pub fn private_key(&self, owner: &Owner, fp: &Fingerprint) -> Result<Arc<PrivateKey>> {
        if let Some(k) = lock(&self.private_keys)?.get(fp) {
            return Ok(k.clone());
        }
        let _unlocking = lock(&self.unlock_path)?;
        if let Some(k) = lock(&self.private_keys)?.get(fp) {
            return Ok(k.clone());
        }
        let pass = self
            .passphrase
            .get(&format!("owner {}", owner.id))
            .map_err(|e| self.agent_hint(e))?;
        let key = Arc::new(owner.unlock(fp, pass.as_bytes())?);
        self.key_unlocks.fetch_add(1, Ordering::Relaxed);
        lock(&self.private_keys)?.insert(*fp, key.clone());
        Ok(key)
    }

    /// The newest private key of a local owner (used to sign).
    pub fn current_private_key(&self, owner: &Owner) -> Result<Arc<PrivateKey>> {
        self.private_key(owner, &owner.current_private_fingerprint()?)
    }

    /// The private key `fp` of `owner` for the everyday operations: the
    /// copy unlocked in this process if there is one, else the agent's
    /// (`EHRCRYPT_AGENT`) if it holds it, else unlocked with the passphrase.
    pub fn key_ops(&self, owner: &Owner, fp: &Fingerprint) -> Result<Arc<dyn PrivateKeyOps>> {
        Ok(self.key_ops_from(owner, fp)?.0)
    }

    /// [`Session::key_ops`], and whether the key is the agent's.
    fn key_ops_from(
        &self,
        owner: &Owner,
        fp: &Fingerprint,
    ) -> Result<(Arc<dyn PrivateKeyOps>, bool)> {
        if let Some(k) = lock(&self.private_keys)?.get(fp) {
            return Ok((k.clone(), false));
        }
        #[cfg(unix)]
        if let Some(agent) = self.agent_holding(fp)? {
            let public = owner
                .public_keys
                .iter()
                .find(|k| k.fingerprint == *fp)
                .and_then(|k| PublicKey::from_pem(&k.spki).ok());
            if let Some(public) = public {
                self.agent_keys_used.fetch_add(1, Ordering::Relaxed);
                return Ok((Arc::new(AgentKey::new(agent, public)), true));
            }
        }
        Ok((self.private_key(owner, fp)?, false))
    }

    /// Runs `op` with the private key `fp` of `owner` ([`Session::key_ops`]).
    /// If the agent went away since this session asked it (stopped,
    /// expired, not answering), it is taken as gone and `op` runs again
    /// with the key opened here with the passphrase.
    pub fn with_key<T>(
        &self,
        owner: &Owner,
        fp: &Fingerprint,
        op: impl Fn(&dyn PrivateKeyOps) -> Result<T>,
    ) -> Result<T> {
        let (key, from_agent) = self.key_ops_from(owner, fp)?;
        match op(key.as_ref()) {
            Err(e) if from_agent && matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Io) => {
                *lock(&self.agent_keys)? = Some(Err(e.message().to_string()));
                op(self.private_key(owner, fp)?.as_ref())
            }
            done => done,
        }
    }

    #[cfg(unix)]
    /// The agent, if there is one and it holds `fp`. Asked once per
    /// session; an agent that does not answer is remembered, so that a
    /// passphrase error can say why it was needed.
    fn agent_holding(&self, fp: &Fingerprint) -> Result<Option<Arc<Client>>> {
        let Some(agent) = &self.agent else {
            return Ok(None);
        };
        let mut known = lock(&self.agent_keys)?;
        let held = known.get_or_insert_with(|| match agent.status() {
            Ok(s) => Ok(s.keys.into_iter().map(|k| k.fingerprint).collect()),
            Err(e) => Err(e.message().to_string()),
        });
        Ok(matches!(held, Ok(set) if set.contains(fp)).then(|| agent.clone()))
    }

    /// A passphrase error, explained when an agent was named but did not
    /// answer (its lifetime ended, or it was stopped).
    fn agent_hint(&self, e: Error) -> Error {
        let down = match lock(&self.agent_keys) {
            Ok(k) => k.as_ref().and_then(|r| r.as_ref().err().cloned()),
            Err(_) => None,
        };
        match down {
            Some(why) if e.kind() == ErrorKind::Passphrase => e.hint(format!(
                "{why}; start the agent again with `eval \"$(ehrcrypt agent start)\"`, or give the passphrase"
            )),
            _ => e,
        }
    }

    /// Finds the exchange key record `id` of `delegator` → `delegate`.
    pub fn record(&self, delegator: &OwnerId, delegate: &OwnerId, id: &str) -> Result<&HcPartyKey> {
        let owner = self.keystore.owner(delegator)?;
        owner
            .hc_party_keys
            .get(delegate)
            .and_then(|list| list.iter().find(|r| r.id == id))
            .ok_or_else(|| {
                Error::not_found(format!(
                    "exchange key {delegator}→{delegate} ({id}) is not in this keystore"
                ))
                .hint(format!(
                    "import {delegator}'s owner document (`ehrcrypt owner import`), which carries its exchange keys"
                ))
            })
    }

    /// The symmetric exchange key `id` of `delegator` → `delegate`, opened by
    /// `me` with one of its private keys: signature checked, RSA-decrypted
    /// once per session, then served from the cache.
    pub fn exchange_key(
        &self,
        me: &OwnerId,
        delegator: &OwnerId,
        delegate: &OwnerId,
        id: &str,
    ) -> Result<SymmetricKey> {
        let slot: PairKeyId = (delegator.clone(), delegate.clone(), id.to_string());
        if let Some(k) = lock(&self.exchange_keys)?.get(&slot) {
            return Ok(k.clone());
        }
        let _slow = lock(&self.slow_path)?;
        if let Some(k) = lock(&self.exchange_keys)?.get(&slot) {
            return Ok(k.clone());
        }
        let record = self.record(delegator, delegate, id)?;
        let signer = self.keystore.owner(delegator)?;
        record.check_signature(&signer.id, &signer.public_keys)?;
        let owner = self.keystore.local_owner(me)?;
        let wrap = record.wraps_for(&owner.id, &owner.private_keys).next().ok_or_else(|| {
            Error::no_access(format!(
                "exchange key {delegator}→{delegate} ({id}) is not wrapped for any private key of {me} held here"
            ))
        })?;
        let key = self.with_key(owner, &wrap.fingerprint, |k| record.unwrap_with(wrap, k))?;
        self.rsa_decryptions.fetch_add(1, Ordering::Relaxed);
        lock(&self.exchange_keys)?.insert(slot, key.clone());
        Ok(key)
    }

    /// Where the lookup cache of this keystore lives.
    fn lookup_cache_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".lookup.json");
        self.path.with_file_name(name)
    }

    /// The lookup PRFs of the exchange keys `me` holds whose access-control
    /// secret is known without an RSA decryption (from the lookup cache,
    /// or opened earlier in this session). [`Session::resolve_until`]
    /// finds the others, one RSA decryption each, only when an entity has
    /// no entry for these.
    pub fn lookups(&self, me: &OwnerId) -> Result<Arc<Vec<Lookup>>> {
        if let Some(l) = lock(&self.lookups)?.get(me) {
            return Ok(l.resolved.clone());
        }
        let _computing = lock(&self.lookup_path)?;
        if let Some(l) = lock(&self.lookups)?.get(me) {
            return Ok(l.resolved.clone());
        }
        let state = self.load_lookups(me)?;
        let resolved = state.resolved.clone();
        lock(&self.lookups)?.insert(me.clone(), state);
        Ok(resolved)
    }

    /// Every exchange key `me` holds (as delegator or delegate, wrapped for
    /// a private key of `me` held here), those in the lookup cache
    /// resolved, the others pending.
    fn load_lookups(&self, me: &OwnerId) -> Result<LookupState> {
        let owner = self.keystore.local_owner(me)?;
        let mut held: Vec<&HcPartyKey> = Vec::new();
        for o in self.keystore.owners() {
            for (delegate, list) in &o.hc_party_keys {
                if &o.id != me && delegate != me {
                    continue;
                }
                held.extend(list.iter().filter(|r| {
                    r.delegator == o.id
                        && &r.delegate == delegate
                        && r.wraps_for(&owner.id, &owner.private_keys).next().is_some()
                }));
            }
        }
        // Shared with `me` first (what a reader mostly reads), then `me`'s
        // own, then those `me` shares with others; each in creation order
        // (a stable sort keeps the keystore's order).
        held.sort_by_key(|r| match (&r.delegator == me, &r.delegate == me) {
            (false, true) => 0,
            (true, true) => 1,
            _ => 2,
        });
        let cache: LookupCache = std::fs::read(self.lookup_cache_path())
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .filter(|c: &LookupCache| c.format == LOOKUP_CACHE_FORMAT)
            .unwrap_or_default();
        let mut state = LookupState {
            resolved: Arc::new(Vec::new()),
            pending: Vec::new(),
            cache,
            cache_key: None,
        };
        let mine = state.cache.entries.iter().any(|c| &c.owner == me);
        let mut resolved = Vec::new();
        for r in held {
            let secret = if mine {
                self.cached_secret(owner, &mut state, r)?
            } else {
                None
            };
            match secret {
                Some(secret) => resolved.push(Lookup {
                    delegator: r.delegator.clone(),
                    delegate: r.delegate.clone(),
                    record: r.id.clone(),
                    prf: LookupPrf::new(&secret),
                }),
                None => state
                    .pending
                    .push((r.delegator.clone(), r.delegate.clone(), r.id.clone())),
            }
        }
        state.resolved = Arc::new(resolved);
        Ok(state)
    }

    /// The key sealing `me`'s entries in the lookup cache, and its slot.
    fn cache_key(
        &self,
        owner: &Owner,
        state: &mut LookupState,
    ) -> Result<(SymmetricKey, Fingerprint)> {
        if let Some(k) = &state.cache_key {
            return Ok(k.clone());
        }
        let k = self.with_key(owner, &owner.current_private_fingerprint()?, |key| {
            Ok((key.derive_key(LOOKUP_CACHE_FORMAT)?, key.fingerprint()))
        })?;
        state.cache_key = Some(k.clone());
        Ok(k)
    }

    fn cached_secret(
        &self,
        owner: &Owner,
        state: &mut LookupState,
        r: &HcPartyKey,
    ) -> Result<Option<SymmetricKey>> {
        let (key, fp) = self.cache_key(owner, state)?;
        let Some(c) = state.cache.entries.iter().find(|c| {
            c.owner == owner.id
                && c.key == fp
                && c.delegator == r.delegator
                && c.delegate == r.delegate
                && c.exchange_key == r.id
        }) else {
            return Ok(None);
        };
        Ok(b64::decode(&c.secret, "cached secret")
            .ok()
            .and_then(|sealed| key.open(&c.context(), &sealed).ok())
            .and_then(|raw| SymmetricKey::from_slice(&raw, "cached secret").ok()))
    }

    /// Resolves pending exchange keys of `me` (one RSA decryption each,
    /// then kept in the lookup cache) until one satisfies `want`, which is
    /// returned; `None` when every key `me` holds is resolved and none does.
    /// A record that fails its checks is dropped (it would fail when used).
    pub fn resolve_until(
        &self,
        me: &OwnerId,
        want: impl Fn(&Lookup) -> bool,
    ) -> Result<Option<Lookup>> {
        self.lookups(me)?;
        let _computing = lock(&self.lookup_path)?;
        let mut all = lock(&self.lookups)?;
        let Some(state) = all.get_mut(me) else {
            return Err(Error::internal("lookups not loaded"));
        };
        if let Some(l) = state.resolved.iter().find(|l| want(l)) {
            return Ok(Some(l.clone()));
        }
        let owner = self.keystore.local_owner(me)?;
        let mut found = None;
        let mut added = false;
        while found.is_none() && !state.pending.is_empty() {
            let (from, to, id) = state.pending.remove(0);
            let key = match self.exchange_key(me, &from, &to, &id) {
                Ok(k) => k,
                Err(e) if e.kind() == crate::ErrorKind::Passphrase => return Err(e),
                Err(_) => continue,
            };
            let secret = self.record(&from, &to, &id)?.access_control_secret(&key);
            let (cache_key, fp) = self.cache_key(owner, state)?;
            let mut slot = CachedSecret {
                owner: me.clone(),
                key: fp,
                delegator: from.clone(),
                delegate: to.clone(),
                exchange_key: id.clone(),
                secret: String::new(),
            };
            slot.secret = b64::encode(&cache_key.seal(&slot.context(), secret.expose()));
            state.cache.entries.retain(|c| {
                !(c.owner == slot.owner
                    && c.delegator == slot.delegator
                    && c.delegate == slot.delegate
                    && c.exchange_key == slot.exchange_key)
            });
            state.cache.entries.push(slot);
            added = true;
            let l = Lookup {
                delegator: from,
                delegate: to,
                record: id,
                prf: LookupPrf::new(&secret),
            };
            if want(&l) {
                found = Some(l.clone());
            }
            let mut resolved = state.resolved.as_ref().clone();
            resolved.push(l);
            state.resolved = Arc::new(resolved);
        }
        if added {
            state.cache.format = LOOKUP_CACHE_FORMAT.into();
            if let Ok(mut bytes) = serde_json::to_vec_pretty(&state.cache) {
                bytes.push(b'\n');
                // A cache that cannot be written costs RSA next time, nothing else.
                let _ = crate::atomic_file::write(
                    &self.lookup_cache_path(),
                    &bytes,
                    crate::atomic_file::Mode::Private,
                );
            }
        }
        Ok(found)
    }

    /// How many exchange keys `me` holds (resolved or not).
    pub fn held_keys(&self, me: &OwnerId) -> Result<usize> {
        self.lookups(me)?;
        Ok(lock(&self.lookups)?
            .get(me)
            .map_or(0, |s| s.resolved.len() + s.pending.len()))
    }

    /// The exchange key `delegator` → `delegate` to wrap new data with:
    /// the newest valid one, or a new one (always with `rotate`), created
    /// under Cardinal's rule that only verified keys receive new keys.
    pub fn ensure_exchange_key(
        &mut self,
        delegator: &OwnerId,
        delegate: &OwnerId,
        opts: ExchangeOptions,
    ) -> Result<(ExchangeOutcome, SymmetricKey)> {
        self.keystore.local_owner(delegator)?;
        if !opts.rotate {
            if let Some((record, unverified)) =
                self.usable_record(delegator, delegate, opts.allow_unverified)?
            {
                let key = self.exchange_key(delegator, delegator, delegate, &record.id)?;
                return Ok((
                    ExchangeOutcome {
                        record,
                        created: false,
                        unverified,
                    },
                    key,
                ));
            }
        }
        let (recipients, unverified) =
            self.recipients(delegator, delegate, opts.allow_unverified)?;
        let owner = self.keystore.owner(delegator)?;
        let (record, key) =
            self.with_key(owner, &owner.current_private_fingerprint()?, |signer| {
                HcPartyKey::create(delegator, delegate, &recipients, signer)
            })?;
        let stored = record.clone();
        self.keystore = {
            let (d, e) = (delegator.clone(), delegate.clone());
            Keystore::update(&self.path, move |ks| {
                ks.owner_mut(&d)?
                    .hc_party_keys
                    .entry(e)
                    .or_default()
                    .push(stored);
                Ok(ks.clone())
            })?
        };
        lock(&self.exchange_keys)?.insert(
            (delegator.clone(), delegate.clone(), record.id.clone()),
            key.clone(),
        );
        // A new exchange key is one more to look entries up with.
        lock(&self.lookups)?.clear();
        Ok((
            ExchangeOutcome {
                record,
                created: true,
                unverified,
            },
            key,
        ))
    }

    /// The newest record for the pair that may wrap new data: signed by a
    /// verified key of the delegator, openable by the delegator here, and
    /// wrapped only for keys that are, in this keystore and today, verified
    /// keys of the delegator or the delegate (the delegate's unverified
    /// keys too with `allow_unverified`; they are returned for a warning).
    /// A record wrapped for a key that was never verified, or that has
    /// since been replaced, is not reused: whoever holds that key would
    /// read everything shared from now on (Cardinal's rule, seed 002).
    fn usable_record(
        &self,
        delegator: &OwnerId,
        delegate: &OwnerId,
        allow_unverified: bool,
    ) -> Result<Option<(HcPartyKey, Vec<Fingerprint>)>> {
        let owner = self.keystore.owner(delegator)?;
        let Some(list) = owner.hc_party_keys.get(delegate) else {
            return Ok(None);
        };
        for r in list.iter().rev() {
            if r.check_signature(&owner.id, &owner.public_keys)? != SignerTrust::Verified
                || r.wraps_for(&owner.id, &owner.private_keys).next().is_none()
            {
                continue;
            }
            if let Some(unverified) = self.trusted_recipients(r, allow_unverified) {
                return Ok(Some((r.clone(), unverified)));
            }
        }
        Ok(None)
    }

    /// Whether every wrap of `r` goes to a key new data may go to (see
    /// [`Session::usable_record`]); `Some` with the delegate's unverified
    /// keys among them, `None` if one may not.
    fn trusted_recipients(
        &self,
        r: &HcPartyKey,
        allow_unverified: bool,
    ) -> Option<Vec<Fingerprint>> {
        let mut unverified = Vec::new();
        for w in &r.wrapped {
            if w.owner != r.delegator && w.owner != r.delegate {
                return None;
            }
            let entry = self.keystore.find(&w.owner)?.public_key(&w.fingerprint)?;
            if !entry.is_verified() {
                if !allow_unverified || w.owner == r.delegator {
                    return None;
                }
                unverified.push(w.fingerprint);
            }
        }
        Some(unverified)
    }

    fn recipients(
        &self,
        delegator: &OwnerId,
        delegate: &OwnerId,
        allow_unverified: bool,
    ) -> Result<(Recipients, Vec<Fingerprint>)> {
        let mut out = Vec::new();
        let mut unverified = Vec::new();
        let from = self.keystore.owner(delegator)?;
        for k in from.public_keys.iter().filter(|k| k.is_verified()) {
            out.push((from.id.clone(), k.key()?));
        }
        if delegate != delegator {
            let to = self.keystore.owner(delegate)?;
            let verified: Vec<_> = to.public_keys.iter().filter(|k| k.is_verified()).collect();
            if verified.is_empty() && !allow_unverified {
                let fp = to
                    .current_key()
                    .map(|k| k.fingerprint.short())
                    .unwrap_or_default();
                // A certificate that no longer vouches (revoked, expired)
                // says why the key stopped being verified.
                let why = to
                    .public_keys
                    .iter()
                    .rev()
                    .find_map(|k| match k.certification() {
                        crate::pki::Certification::Invalid(r) => Some(format!(" ({})", r.detail)),
                        _ => None,
                    })
                    .unwrap_or_default();
                return Err(Error::refused(format!(
                    "no verified public key for {delegate}: a new exchange key is only wrapped for verified keys{why}"
                ))
                .hint(format!(
                    "ask {delegate} for their fingerprint over a channel you trust (this keystore has {fp}...), then run `ehrcrypt owner verify {delegate} --fingerprint FP`; or import a current certificate from a CA you trust (`ehrcrypt owner import-cert`)"
                )));
            }
            for k in &to.public_keys {
                if k.is_verified() {
                    out.push((to.id.clone(), k.key()?));
                } else if allow_unverified {
                    unverified.push(k.fingerprint);
                    out.push((to.id.clone(), k.key()?));
                }
            }
        }
        Ok((out, unverified))
    }
}

/// Names one exchange key: delegator, delegate, record id.
type PairKeyId = (OwnerId, OwnerId, String);

/// The public keys a new exchange key is wrapped for, with their owners.
type Recipients = Vec<(OwnerId, PublicKey)>;

fn lock<T>(m: &Mutex<T>) -> Result<std::sync::MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| Error::internal("a worker thread panicked"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn open(who: &str) -> Session {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/keys")
            .join(format!("{who}.keystore.json"));
        Session::open(&p, PassphraseSource::fixed("test-only-passphrase")).unwrap()
    }

    fn id(s: &str) -> OwnerId {
        OwnerId::new(s).unwrap()
    }

    fn ab_id(s: &Session) -> String {
        s.keystore().owner(&id("A")).unwrap().hc_party_keys[&id("B")][0]
            .id
            .clone()
    }

    #[test]
    fn many_uses_of_one_exchange_key_cost_one_rsa_decryption() {
        let s = open("B");
        let rid = ab_id(&s);
        let first = s.exchange_key(&id("B"), &id("A"), &id("B"), &rid).unwrap();
        for _ in 0..50 {
            let again = s.exchange_key(&id("B"), &id("A"), &id("B"), &rid).unwrap();
            assert_eq!(again, first);
        }
        assert_eq!(
            s.stats(),
            Stats {
                rsa_decryptions: 1,
                key_unlocks: 1,
                agent_keys_used: 0
            }
        );
    }

    #[test]
    fn the_cache_answers_only_for_the_pair_a_key_belongs_to() {
        let s = open("B");
        let rid = ab_id(&s);
        s.exchange_key(&id("B"), &id("A"), &id("B"), &rid).unwrap();
        // The same id under another pair is not {AB}.
        let err = s
            .exchange_key(&id("B"), &id("C"), &id("B"), &rid)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{}", err.message());
    }

    #[test]
    fn both_ends_of_a_pair_open_the_same_key() {
        let (a, b) = (open("A"), open("B"));
        let rid = ab_id(&b);
        let via_a = a.exchange_key(&id("A"), &id("A"), &id("B"), &rid).unwrap();
        let via_b = b.exchange_key(&id("B"), &id("A"), &id("B"), &rid).unwrap();
        assert_eq!(via_a, via_b);
        let err = open("C")
            .exchange_key(&id("C"), &id("A"), &id("B"), &rid)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "C's keystore lacks {{AB}}");
    }
}
