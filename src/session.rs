//! One invocation's view of the keystore: private keys unlocked at most
//! once, exchange keys RSA-decrypted at most once and kept in a zeroizing
//! cache (seed 000: "very few such keys have to be decrypted"), and counters
//! so that `-v` can report how much RSA work a command did.
//!
//! Lookups take `&self` and are thread-safe so that bulk work can run in
//! parallel once the few exchange keys it needs are in the cache.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::crypto::derive::LookupPrf;
use crate::crypto::{b64, Context, Fingerprint, PrivateKey, PublicKey, SymmetricKey};
use crate::error::{Error, Result};
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
    lookups: Mutex<HashMap<OwnerId, Arc<Vec<Lookup>>>>,
    lookup_path: Mutex<()>,
    rsa_decryptions: AtomicUsize,
    key_unlocks: AtomicUsize,
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

const LOOKUP_CACHE_FORMAT: &str = "ehrcrypt/lookup-cache/v1";

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
        })
    }

    pub fn keystore(&self) -> &Keystore {
        &self.keystore
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn stats(&self) -> Stats {
        Stats {
            rsa_decryptions: self.rsa_decryptions.load(Ordering::Relaxed),
            key_unlocks: self.key_unlocks.load(Ordering::Relaxed),
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
        let pass = self.passphrase.get(&format!("owner {}", owner.id))?;
        let key = Arc::new(owner.unlock(fp, pass.as_bytes())?);
        self.key_unlocks.fetch_add(1, Ordering::Relaxed);
        lock(&self.private_keys)?.insert(*fp, key.clone());
        Ok(key)
    }

    /// The newest private key of a local owner (used to sign).
    pub fn current_private_key(&self, owner: &Owner) -> Result<Arc<PrivateKey>> {
        let fp = owner
            .current_private_key_entry()
            .map(|k| k.fingerprint)
            .ok_or_else(|| {
                Error::not_found(format!(
                    "owner {} has no private key in this keystore",
                    owner.id
                ))
            })?;
        self.private_key(owner, &fp)
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
        record.check_signature(self.keystore.owner(delegator)?)?;
        let owner = self.keystore.local_owner(me)?;
        let wrap = record.wraps_for(owner).next().ok_or_else(|| {
            Error::no_access(format!(
                "exchange key {delegator}→{delegate} ({id}) is not wrapped for any private key of {me} held here"
            ))
        })?;
        let private = self.private_key(owner, &wrap.fingerprint)?;
        let key = record.unwrap_with(wrap, &private)?;
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

    /// A lookup PRF for every exchange key `me` holds (as delegator or
    /// delegate, wrapped for a private key of `me` held here, signature
    /// valid), computed once per session. Access-control secrets come from
    /// the lookup cache; those missing cost one RSA decryption each, once,
    /// and are added to it. A record that fails its checks is left out
    /// (it would fail again when used).
    pub fn lookups(&self, me: &OwnerId) -> Result<Arc<Vec<Lookup>>> {
        if let Some(l) = lock(&self.lookups)?.get(me) {
            return Ok(l.clone());
        }
        let _computing = lock(&self.lookup_path)?;
        if let Some(l) = lock(&self.lookups)?.get(me) {
            return Ok(l.clone());
        }
        let owner = self.keystore.local_owner(me)?;
        let mut held = Vec::new();
        for o in self.keystore.owners() {
            for (delegate, list) in &o.hc_party_keys {
                if &o.id != me && delegate != me {
                    continue;
                }
                for r in list {
                    if r.delegator == o.id && &r.delegate == delegate {
                        if r.wraps_for(owner).next().is_some() {
                            held.push(r);
                        }
                    }
                }
            }
        }
        let mut out = Vec::with_capacity(held.len());
        if held.is_empty() {
            lock(&self.lookups)?.insert(me.clone(), Arc::new(out.clone()));
            return Ok(Arc::new(out));
        }
        let cache_path = self.lookup_cache_path();
        let mut cache: LookupCache = std::fs::read(&cache_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .filter(|c: &LookupCache| c.format == LOOKUP_CACHE_FORMAT)
            .unwrap_or_default();
        let private = self.current_private_key(owner)?;
        let fp = private.public().fingerprint();
        let cache_key = private.derive_key(LOOKUP_CACHE_FORMAT)?;
        let mut added = false;
        for r in held {
            let slot = CachedSecret {
                owner: me.clone(),
                key: fp,
                delegator: r.delegator.clone(),
                delegate: r.delegate.clone(),
                exchange_key: r.id.clone(),
                secret: String::new(),
            };
            let cached = cache.entries.iter().find(|c| {
                c.owner == slot.owner
                    && c.key == fp
                    && c.delegator == slot.delegator
                    && c.delegate == slot.delegate
                    && c.exchange_key == slot.exchange_key
            });
            let secret = cached.and_then(|c| {
                let sealed = b64::decode(&c.secret, "cached secret").ok()?;
                let raw = cache_key.open(&c.context(), &sealed).ok()?;
                SymmetricKey::from_slice(&raw, "cached secret").ok()
            });
            let secret = match secret {
                Some(s) => s,
                None => {
                    let key = match self.exchange_key(me, &r.delegator, &r.delegate, &r.id) {
                        Ok(k) => k,
                        Err(e) if e.kind() == crate::ErrorKind::Passphrase => return Err(e),
                        Err(_) => continue,
                    };
                    let secret = r.access_control_secret(&key);
                    cache.entries.retain(|c| {
                        !(c.owner == slot.owner
                            && c.delegator == slot.delegator
                            && c.delegate == slot.delegate
                            && c.exchange_key == slot.exchange_key)
                    });
                    let sealed = cache_key.seal(&slot.context(), secret.expose());
                    cache.entries.push(CachedSecret {
                        secret: b64::encode(&sealed),
                        ..slot
                    });
                    added = true;
                    secret
                }
            };
            out.push(Lookup {
                delegator: r.delegator.clone(),
                delegate: r.delegate.clone(),
                record: r.id.clone(),
                prf: LookupPrf::new(&secret),
            });
        }
        if added {
            cache.format = LOOKUP_CACHE_FORMAT.into();
            if let Ok(mut bytes) = serde_json::to_vec_pretty(&cache) {
                bytes.push(b'\n');
                // A cache that cannot be written costs RSA next time, nothing else.
                let _ = crate::atomic_file::write(&cache_path, &bytes, crate::atomic_file::Mode::Private);
            }
        }
        let out = Arc::new(out);
        lock(&self.lookups)?.insert(me.clone(), out.clone());
        Ok(out)
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
        let signer = self.current_private_key(self.keystore.owner(delegator)?)?;
        let (record, key) = HcPartyKey::create(delegator, delegate, &recipients, &signer)?;
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
            if r.check_signature(owner)? != SignerTrust::Verified
                || r.wraps_for(owner).next().is_none()
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
            if !entry.verified {
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
        for k in from.public_keys.iter().filter(|k| k.verified) {
            out.push((from.id.clone(), k.key()?));
        }
        if delegate != delegator {
            let to = self.keystore.owner(delegate)?;
            let verified: Vec<_> = to.public_keys.iter().filter(|k| k.verified).collect();
            if verified.is_empty() && !allow_unverified {
                let fp = to
                    .current_key()
                    .map(|k| k.fingerprint.short())
                    .unwrap_or_default();
                return Err(Error::refused(format!(
                    "no verified public key for {delegate}: a new exchange key is only wrapped for verified keys"
                ))
                .hint(format!(
                    "ask {delegate} for their fingerprint over a channel you trust (this keystore has {fp}...), then run `ehrcrypt owner verify {delegate} --fingerprint FP`"
                )));
            }
            for k in &to.public_keys {
                if k.verified {
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
                key_unlocks: 1
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
