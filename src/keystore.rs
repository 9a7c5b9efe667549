//! The local JSON keystore: data owners, their keys and exchange keys,
//! and (format v2) the trust anchors and CRLs that let certificates verify
//! keys.
//!
//! One file, `ehrcrypt/keystore/v1` (or `v2` once it holds certificates,
//! anchors or CRLs, so that older ehrcrypt builds refuse it instead of
//! silently dropping them), created 0600. Every change goes through
//! [`Keystore::update`], which takes an exclusive lock on a sibling
//! `.lock` file, re-reads the keystore, applies the change and writes it
//! back atomically, so concurrent ehrcrypt processes never lose an update
//! and a crash never leaves half a keystore.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic_file::{self, Mode};
use crate::crypto::Fingerprint;
use crate::error::{Error, ErrorKind, Result};
use crate::hcp_key::HcPartyKey;
use crate::owner::{Owner, OwnerDocument, OwnerId, PublicKeyEntry, OWNER_FORMAT};
use crate::pki::trust::{CrlAdded, LazyCertification};
use crate::pki::{Cert, Certification, Crl, TrustStore};

pub const KEYSTORE_FORMAT: &str = "ehrcrypt/keystore/v1";
/// The format of a keystore that holds certificates, anchors or CRLs.
pub const KEYSTORE_FORMAT_V2: &str = "ehrcrypt/keystore/v2";
const FORMAT_PREFIX: &str = "ehrcrypt/keystore/";
const FORMAT_VERSION: u32 = 2;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Keystore {
    format: String,
    owners: Vec<Owner>,
    /// Trust anchors and CRLs (v2).
    #[serde(default, skip_serializing_if = "TrustStore::is_empty")]
    trust: TrustStore,
}

impl Default for Keystore {
    fn default() -> Self {
        Keystore {
            format: KEYSTORE_FORMAT.to_string(),
            owners: Vec::new(),
            trust: TrustStore::default(),
        }
    }
}

/// The platform's data directory, e.g. `~/.local/share/ehrcrypt/keystore.json`.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "ehrcrypt", "ehrcrypt")
        .map(|d| d.data_dir().join("keystore.json"))
}

/// What `owner import` did.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub id: String,
    /// The owner is new to this keystore. (`new` in JSON: `created` is
    /// always a timestamp in ehrcrypt's JSON output.)
    #[serde(rename = "new")]
    pub created: bool,
    /// Public keys new to this keystore; they start unverified.
    pub new_keys: Vec<Fingerprint>,
    pub removed_keys: Vec<Fingerprint>,
    pub exchange_keys_added: usize,
    /// Research keys new to this keystore.
    pub pre_keys_added: usize,
    /// The name the document states. Like `kind` and the keys' `created`
    /// dates, no signature covers it (owner/v1 signs only exchange-key
    /// records), so it is shown as unverified (issue 11, defect 10).
    pub name: String,
    /// The document's fields that no signature covers.
    pub unsigned: Vec<&'static str>,
    /// What the certificates the document brought say about its keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<CertificateVerdict>,
}

/// What a key's certificate says, for reports and `--json`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateVerdict {
    pub owner: OwnerId,
    pub fingerprint: Fingerprint,
    /// Whether the key is now verified (by a person or the certificate).
    pub verified: bool,
    /// The certificate vouches for the key until then (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    /// Why the certificate does not vouch for it (a stable token) ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// ... and the one-line explanation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl CertificateVerdict {
    pub fn of(owner: &OwnerId, k: &PublicKeyEntry) -> Self {
        let (until, anchor, reason, problem) = match k.certification() {
            Certification::Valid(c) => (
                Some(crate::pki::rfc3339(c.until)),
                Some(c.anchor.clone()),
                None,
                None,
            ),
            Certification::Invalid(r) => {
                (None, None, Some(r.reason.code()), Some(r.detail.clone()))
            }
            Certification::None => (None, None, None, None),
        };
        CertificateVerdict {
            owner: owner.clone(),
            fingerprint: k.fingerprint,
            verified: k.is_verified(),
            verified_until: until,
            anchor,
            reason,
            problem,
        }
    }
}

/// Keys whose verified status a trust change flipped.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustChanges {
    pub now_verified: Vec<CertificateVerdict>,
    pub no_longer_verified: Vec<CertificateVerdict>,
}

/// The fields of an owner/v1 document that no signature covers.
pub const UNSIGNED_OWNER_FIELDS: [&str; 3] = ["name", "kind", "publicKeys[].created"];

impl Keystore {
    /// Reads a keystore; a missing file is `NotFound` with a hint.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| {
            let err = Error::io(path, "read keystore", e);
            if err.kind() == ErrorKind::NotFound {
                Error::not_found(format!("no keystore at {}", path.display())).hint(
                    "create one with `ehrcrypt keygen`, or point --keystore / EHRCRYPT_KEYSTORE at yours",
                )
            } else {
                err
            }
        })?;
        Self::parse(&bytes, &path.display().to_string())
    }

    /// Reads a keystore, or starts an empty one if the file does not exist.
    pub fn load_or_empty(path: &Path) -> Result<Self> {
        match Self::load(path) {
            Err(e) if e.kind() == ErrorKind::NotFound && !path.exists() => Ok(Self::default()),
            other => other,
        }
    }

    pub fn parse(bytes: &[u8], source: &str) -> Result<Self> {
        let value: serde_json::Value = crate::format::parse_strict(bytes, source, "keystore")?;
        crate::format::check_format(&value, FORMAT_PREFIX, FORMAT_VERSION, source, "keystore")?;
        let mut ks: Keystore = serde_json::from_value(value)
            .map_err(|e| Error::format(format!("{source}: malformed keystore: {e}")))?;
        ks.validate().map_err(|e| e.context(source))?;
        ks.refresh_trust();
        Ok(ks)
    }

    /// Re-evaluates every key's certificate chain against the anchors and
    /// CRLs, now. Called on load and after every change to certificates
    /// or trust, so [`PublicKeyEntry::is_verified`] is always current.
    pub fn refresh_trust(&mut self) {
        let now = std::time::SystemTime::now();
        let any = self
            .owners
            .iter()
            .flat_map(|o| &o.public_keys)
            .any(|k| !k.certificates.is_empty());
        // Anchors and CRLs are parsed only when some key has a certificate;
        // each key's chain is validated only when the key is consulted.
        let validator = any.then(|| std::sync::Arc::new(self.trust.validator()));
        for k in self.owners.iter_mut().flat_map(|o| &mut o.public_keys) {
            k.lazy_certification = match &validator {
                Some(v) => LazyCertification::new(v.clone(), now),
                None => LazyCertification::default(),
            };
        }
    }

    pub fn trust(&self) -> &TrustStore {
        &self.trust
    }

    fn verified_keys(&self) -> std::collections::HashSet<(OwnerId, Fingerprint)> {
        self.owners
            .iter()
            .flat_map(|o| {
                o.public_keys
                    .iter()
                    .filter(|k| k.is_verified())
                    .map(|k| (o.id.clone(), k.fingerprint))
            })
            .collect()
    }

    /// Applies a change to the trust store, re-evaluates, and reports which
    /// keys gained or lost verification through it.
    fn change_trust<T>(
        &mut self,
        change: impl FnOnce(&mut TrustStore, &[&Cert]) -> Result<T>,
    ) -> Result<(T, TrustChanges)> {
        let before = self.verified_keys();
        let cas: Vec<Cert> = self.ca_certificates().into_iter().cloned().collect();
        let refs: Vec<&Cert> = cas.iter().collect();
        let out = change(&mut self.trust, &refs)?;
        self.refresh_trust();
        let after = self.verified_keys();
        let mut changes = TrustChanges::default();
        for o in &self.owners {
            for k in &o.public_keys {
                let key = (o.id.clone(), k.fingerprint);
                match (before.contains(&key), after.contains(&key)) {
                    (false, true) => changes.now_verified.push(CertificateVerdict::of(&o.id, k)),
                    (true, false) => changes
                        .no_longer_verified
                        .push(CertificateVerdict::of(&o.id, k)),
                    _ => {}
                }
            }
        }
        Ok((out, changes))
    }

    /// The certificates that may sign a CRL this keystore accepts: the
    /// anchors, and the CA certificates of owner chains that reach an
    /// anchor (valid ones, and revoked ones: webpki checks revocation only
    /// on a path it completed). A CA certificate that merely arrived in a
    /// document is not enough: anyone can name theirs after a real CA.
    fn ca_certificates(&self) -> Vec<&Cert> {
        let mut out: Vec<&Cert> = self.trust.anchors.iter().map(|a| &a.certificate).collect();
        let reached_anchor = |k: &&PublicKeyEntry| match k.certification() {
            Certification::Valid(_) => true,
            Certification::Invalid(r) => r.reason == crate::pki::Reason::Revoked,
            Certification::None => false,
        };
        for k in self
            .owners
            .iter()
            .flat_map(|o| &o.public_keys)
            .filter(reached_anchor)
        {
            for c in k.certificates.iter().skip(1).filter(|c| c.is_ca()) {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        out
    }

    /// `trust add`: trusts a CA certificate as an anchor.
    pub fn add_anchor(&mut self, cert: Cert) -> Result<(bool, TrustChanges)> {
        self.change_trust(|t, _| t.add_anchor(cert))
    }

    /// `trust remove`: stops trusting the anchor with that fingerprint.
    pub fn remove_anchor(&mut self, prefix: &str) -> Result<(Cert, TrustChanges)> {
        self.change_trust(|t, _| t.remove_anchor(prefix).map(|a| a.certificate))
    }

    /// `trust crl add`: a CRL signed by an anchor or a known intermediate.
    pub fn add_crl(&mut self, crl: Crl) -> Result<(CrlAdded, TrustChanges)> {
        self.change_trust(|t, cas| t.add_crl(crl, cas))
    }

    /// `owner import-cert`: attaches `chain` (leaf first) to the key of
    /// owner `id` that its leaf certifies, if the chain vouches for it now.
    /// A chain that does not is refused with its reason, and nothing is
    /// changed: a certificate is only kept where it verifies.
    pub fn attach_certificate(
        &mut self,
        id: &OwnerId,
        chain: Vec<Cert>,
    ) -> Result<CertificateVerdict> {
        let leaf = chain
            .first()
            .ok_or_else(|| Error::format("no certificate given"))?;
        let certified = leaf.key_fingerprint()?;
        let owner = self.owner(id)?;
        if owner.public_key(&certified).is_none() {
            return Err(Error::refused(format!(
                "the certificate of {} certifies key {}, which is not a key of {id}",
                leaf.subject(),
                certified.short()
            ))
            .hint(format!(
                "`ehrcrypt owner fingerprint {id} --all` lists its keys; the CA must certify one of them"
            )));
        }
        crate::owner::check_certificates(&chain, certified)?;
        if let Certification::Invalid(r) =
            self.trust
                .evaluate(&chain, certified, std::time::SystemTime::now())
        {
            return Err(r.to_error());
        }
        let owner = self.owner_mut(id)?;
        let entry = owner
            .public_keys
            .iter_mut()
            .find(|k| k.fingerprint == certified)
            .ok_or_else(|| Error::internal("key vanished"))?;
        entry.certificates = chain;
        self.refresh_trust();
        let entry = self
            .owner(id)?
            .public_key(&certified)
            .ok_or_else(|| Error::internal("key vanished"))?;
        Ok(CertificateVerdict::of(id, entry))
    }

    fn validate(&self) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        for o in &self.owners {
            if !seen.insert(&o.id) {
                return Err(Error::format(format!("owner {} appears twice", o.id)));
            }
            if o.public_keys.is_empty() {
                return Err(Error::format(format!("owner {} has no public key", o.id)));
            }
            for k in &o.public_keys {
                k.key().map_err(|e| e.context(format!("owner {}", o.id)))?;
                crate::owner::check_certificates(&k.certificates, k.fingerprint)
                    .map_err(|e| e.context(format!("owner {}", o.id)))?;
            }
            for p in &o.private_keys {
                if o.public_key(&p.fingerprint).is_none() {
                    return Err(Error::format(format!(
                        "owner {}: private key {} has no public key",
                        o.id,
                        p.fingerprint.short()
                    )));
                }
            }
            check_placement(&o.id, &o.hc_party_keys)?;
        }
        Ok(())
    }

    /// Writes the keystore atomically with mode 0600.
    pub fn save(&self, path: &Path) -> Result<()> {
        let uses_v2 = !self.trust.is_empty()
            || self
                .owners
                .iter()
                .flat_map(|o| &o.public_keys)
                .any(|k| !k.certificates.is_empty());
        let mut doc = self.clone();
        doc.format = if uses_v2 {
            KEYSTORE_FORMAT_V2
        } else {
            KEYSTORE_FORMAT
        }
        .to_string();
        doc.write(path)
    }

    fn write(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.exists() {
                atomic_file::create_private_dir(dir)?;
            }
        }
        let mut bytes = serde_json::to_vec_pretty(self)
            .map_err(|_| Error::internal("cannot serialise keystore"))?;
        bytes.push(b'\n');
        atomic_file::write(path, &bytes, Mode::Private)
    }

    /// Locks the keystore against other writers, loads it (empty if
    /// missing), applies `change`, and saves it if `change` succeeded.
    /// On error nothing is written.
    pub fn update<T>(path: &Path, change: impl FnOnce(&mut Keystore) -> Result<T>) -> Result<T> {
        let _lock = Lock::acquire(path)?;
        let mut ks = Self::load_or_empty(path)?;
        let out = change(&mut ks)?;
        ks.save(path)?;
        Ok(out)
    }

    pub fn owners(&self) -> &[Owner] {
        &self.owners
    }

    pub fn find(&self, id: &OwnerId) -> Option<&Owner> {
        self.owners.iter().find(|o| &o.id == id)
    }

    /// The owner `id`, or a `NotFound` error with a hint.
    pub fn owner(&self, id: &OwnerId) -> Result<&Owner> {
        self.find(id).ok_or_else(|| not_found(id))
    }

    pub fn owner_mut(&mut self, id: &OwnerId) -> Result<&mut Owner> {
        self.owners
            .iter_mut()
            .find(|o| &o.id == id)
            .ok_or_else(|| not_found(id))
    }

    /// An owner whose private key this keystore holds.
    pub fn local_owner(&self, id: &OwnerId) -> Result<&Owner> {
        let o = self.owner(id)?;
        if !o.is_local() {
            return Err(Error::not_found(format!(
                "owner {id} has no private key in this keystore"
            ))
            .hint("act as an identity created here with `ehrcrypt keygen`, or import its key with `ehrcrypt key import-private`"));
        }
        Ok(o)
    }

    /// Adds a new owner; an existing id is refused.
    pub fn insert(&mut self, owner: Owner) -> Result<()> {
        if self.find(&owner.id).is_some() {
            return Err(Error::refused(format!("owner {} already exists", owner.id))
                .hint("pick another --id, or add a key pair with `ehrcrypt key add ID`"));
        }
        self.owners.push(owner);
        Ok(())
    }

    /// Removes an owner. An owner with private keys here needs `force`,
    /// since removing it destroys the only copy of those keys.
    pub fn remove(&mut self, id: &OwnerId, force: bool) -> Result<Owner> {
        let o = self.owner(id)?;
        if o.is_local() && !force {
            return Err(Error::refused(format!(
                "owner {id} holds private keys in this keystore; removing it destroys them"
            ))
            .hint("export them first with `ehrcrypt key export-private`, then pass --force"));
        }
        let pos = self.owners.iter().position(|o| &o.id == id).unwrap_or(0);
        Ok(self.owners.remove(pos))
    }

    /// Marks the key with fingerprint `fp` of owner `id` as verified. A
    /// fingerprint that matches none of the owner's keys is an integrity
    /// error: the key in the keystore is not the one the owner vouched for.
    pub fn verify(&mut self, id: &OwnerId, fp: &Fingerprint) -> Result<()> {
        let o = self.owner_mut(id)?;
        match o.public_keys.iter_mut().find(|k| &k.fingerprint == fp) {
            Some(k) => {
                k.verified = true;
                Ok(())
            }
            None => Err(Error::integrity(format!(
                "fingerprint {} matches no public key of owner {id}",
                fp.short()
            ))
            .hint("the key in this keystore is not the one you were given: do not verify it; re-import the owner's document from a trusted source")),
        }
    }

    /// Merges an owner document into the keystore (see README, "Trust").
    ///
    /// New owners come in with unverified keys. For a known owner, a
    /// document that brings a public key this keystore has not seen is
    /// refused as possible tampering unless `replace`; with `replace` the
    /// document's keys become the owner's keys (keys with a private key here
    /// are never dropped). Exchange keys created by the owner are merged.
    pub fn import(&mut self, doc: OwnerDocument, replace: bool) -> Result<ImportReport> {
        if doc.format != OWNER_FORMAT {
            return Err(Error::format(format!(
                "unsupported owner format {}",
                doc.format
            )));
        }
        check_placement(&doc.id, &doc.hc_party_keys)
            .map_err(|e| e.context(format!("owner document for {}", doc.id)))?;
        let mut report = ImportReport {
            id: doc.id.to_string(),
            name: doc.name.clone(),
            unsigned: UNSIGNED_OWNER_FIELDS.to_vec(),
            ..Default::default()
        };
        let entries: Vec<PublicKeyEntry> = doc
            .public_keys
            .iter()
            .map(|k| PublicKeyEntry {
                spki: k.spki.clone(),
                fingerprint: k.fingerprint,
                created: k.created.clone(),
                verified: false,
                certificates: k.certificates.clone(),
                lazy_certification: Default::default(),
            })
            .collect();
        // Every exchange key in the document must be signed by one of the
        // document's keys: a record injected by someone else is refused
        // here, before it reaches the keystore.
        for r in doc.hc_party_keys.values().flatten() {
            r.check_signature(&doc.id, &entries)
                .map_err(|e| e.context(format!("owner document for {}", doc.id)))?;
        }
        for k in &doc.pre_keys {
            k.check(&doc.id, &entries)
                .map_err(|e| e.context(format!("owner document for {}", doc.id)))?;
        }
        let owner = match self.owners.iter_mut().find(|o| o.id == doc.id) {
            None => {
                report.created = true;
                report.new_keys = entries.iter().map(|k| k.fingerprint).collect();
                self.owners.push(Owner {
                    id: doc.id.clone(),
                    name: doc.name.clone(),
                    kind: doc.kind,
                    public_keys: entries,
                    private_keys: Vec::new(),
                    hc_party_keys: Default::default(),
                    pre_keys: Vec::new(),
                });
                self.owners.last_mut().expect("just pushed")
            }
            Some(owner) => {
                let new: Vec<&PublicKeyEntry> = entries
                    .iter()
                    .filter(|k| owner.public_key(&k.fingerprint).is_none())
                    .collect();
                if !new.is_empty() && !replace {
                    return Err(Error::refused(format!(
                        "owner document for {} brings public key {} that differs from the one in this keystore (possible tampering)",
                        doc.id,
                        new[0].fingerprint.short()
                    ))
                    .hint("check the new fingerprint with the owner out of band; if it is genuine, import again with --replace"));
                }
                report.new_keys = new.iter().map(|k| k.fingerprint).collect();
                // Certificates are public and checked on every use: a
                // document's newer ones replace what is held for its keys.
                for e in entries.iter().filter(|e| !e.certificates.is_empty()) {
                    if let Some(k) = owner
                        .public_keys
                        .iter_mut()
                        .find(|k| k.fingerprint == e.fingerprint)
                    {
                        k.certificates = e.certificates.clone();
                    }
                }
                if replace {
                    let keep: Vec<PublicKeyEntry> = owner
                        .public_keys
                        .iter()
                        .filter(|k| {
                            owner.private_key_entry(&k.fingerprint).is_some()
                                || entries.iter().any(|e| e.fingerprint == k.fingerprint)
                        })
                        .cloned()
                        .collect();
                    report.removed_keys = owner
                        .public_keys
                        .iter()
                        .filter(|k| !keep.iter().any(|x| x.fingerprint == k.fingerprint))
                        .map(|k| k.fingerprint)
                        .collect();
                    owner.public_keys = keep;
                    for e in entries {
                        if owner.public_key(&e.fingerprint).is_none() {
                            owner.public_keys.push(e);
                        }
                    }
                    owner.name = doc.name.clone();
                    owner.kind = doc.kind;
                }
                owner
            }
        };
        for k in doc.pre_keys {
            if !owner.pre_keys.contains(&k) {
                owner.pre_keys.push(k);
                report.pre_keys_added += 1;
            }
        }
        for (delegate, records) in doc.hc_party_keys {
            let list = owner.hc_party_keys.entry(delegate).or_default();
            for r in records {
                if !list.iter().any(|x| x.id == r.id) {
                    list.push(r);
                    report.exchange_keys_added += 1;
                }
            }
        }
        self.refresh_trust();
        let owner = self.owner(&doc.id)?;
        report.certificates = doc
            .public_keys
            .iter()
            .filter(|k| !k.certificates.is_empty())
            .filter_map(|k| owner.public_key(&k.fingerprint))
            .map(|k| CertificateVerdict::of(&owner.id, k))
            .collect();
        Ok(report)
    }
}

/// Each exchange key must sit where its own (signed) fields say: in its
/// delegator's `hcPartyKeys`, under its delegate. A record moved under
/// another delegate would otherwise be found, and reused, as that pair's key.
fn check_placement(
    owner: &OwnerId,
    hc_party_keys: &BTreeMap<OwnerId, Vec<HcPartyKey>>,
) -> Result<()> {
    for (delegate, records) in hc_party_keys {
        for r in records {
            if &r.delegator != owner || &r.delegate != delegate {
                return Err(Error::integrity(format!(
                    "exchange key {}→{} ({}) is stored under {owner}→{delegate}",
                    r.delegator, r.delegate, r.id
                ))
                .hint("the record was moved or injected; do not use this file, restore it from a copy you trust"));
            }
        }
    }
    Ok(())
}

fn not_found(id: &OwnerId) -> Error {
    Error::not_found(format!("no owner {id} in the keystore"))
        .hint("`ehrcrypt owner list` shows known owners; add one with `ehrcrypt owner import FILE`")
}

/// An exclusive advisory lock on `<keystore>.lock`, held until dropped.
struct Lock(#[allow(dead_code)] File);

impl Lock {
    fn acquire(keystore: &Path) -> Result<Self> {
        let mut name = keystore
            .file_name()
            .ok_or_else(|| Error::usage(format!("{}: not a file path", keystore.display())))?
            .to_os_string();
        name.push(".lock");
        let lock_path = keystore.with_file_name(name);
        if let Some(dir) = lock_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.exists() {
                atomic_file::create_private_dir(dir)?;
            }
        }
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, "open lock file", e))?;
        file.lock()
            .map_err(|e| Error::io(&lock_path, "lock keystore", e))?;
        Ok(Lock(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owner::OwnerDocument;

    fn fixture(name: &str) -> Vec<u8> {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/keys")
            .join(name);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// The committed keystore of `who` (A, B, C or P).
    fn keystore(who: &str) -> Keystore {
        Keystore::parse(&fixture(&format!("{who}.keystore.json")), who).unwrap()
    }

    fn doc(who: &str) -> OwnerDocument {
        OwnerDocument::parse(&fixture(&format!("{who}.owner.json")), who).unwrap()
    }

    fn id(s: &str) -> OwnerId {
        OwnerId::new(s).unwrap()
    }

    /// Asserts the error's kind and that its message mentions `needle`.
    fn assert_error(err: Error, kind: ErrorKind, needle: &str) {
        assert_eq!(err.kind(), kind, "{}", err.message());
        assert!(err.message().contains(needle), "{}", err.message());
    }

    fn snapshot(ks: &Keystore) -> String {
        serde_json::to_string(ks).unwrap()
    }

    /// B's document, claiming to be `claimed`'s: a different key for a known id.
    fn impostor(claimed: &str) -> OwnerDocument {
        let mut d = doc("B");
        d.id = id(claimed);
        d
    }

    #[test]
    fn import_of_a_new_owner_is_unverified_and_brings_exchange_keys() {
        let mut ks = Keystore::default();
        let r = ks.import(doc("A"), false).unwrap();
        assert!(r.created);
        assert_eq!(r.new_keys.len(), 1);
        assert_eq!(r.exchange_keys_added, 2, "{{AA}} and {{AB}}");
        let a = ks.owner(&id("A")).unwrap();
        assert!(!a.public_keys[0].verified);
        assert!(!a.is_local());
        assert_eq!(a.hc_party_keys[&id("B")].len(), 1);
    }

    #[test]
    fn importing_the_same_document_again_changes_nothing() {
        let mut ks = keystore("B");
        let before = snapshot(&ks);
        let r = ks.import(doc("A"), false).unwrap();
        assert!(!r.created);
        assert!(r.new_keys.is_empty() && r.removed_keys.is_empty());
        assert_eq!(r.exchange_keys_added, 0);
        assert_eq!(snapshot(&ks), before, "verified flags and records kept");
    }

    #[test]
    fn a_different_key_for_a_known_owner_is_refused_unless_replace() {
        let mut ks = keystore("C");
        let before = snapshot(&ks);
        let err = ks.import(impostor("A"), false).unwrap_err();
        assert_error(err, ErrorKind::Refused, "possible tampering");
        assert_eq!(snapshot(&ks), before);

        let old = ks.owner(&id("A")).unwrap().public_keys[0].fingerprint;
        let r = ks.import(impostor("A"), true).unwrap();
        assert_eq!(r.removed_keys, vec![old]);
        let a = ks.owner(&id("A")).unwrap();
        assert_eq!(a.public_keys.len(), 1);
        assert_eq!(a.public_keys[0].fingerprint, r.new_keys[0]);
        assert!(
            !a.public_keys[0].verified,
            "a replaced key starts unverified"
        );
        assert_eq!(a.name, "Dr Bob");
    }

    #[test]
    fn replace_never_drops_a_key_whose_private_key_is_here() {
        let mut ks = keystore("A");
        let own = ks.owner(&id("A")).unwrap().public_keys[0].fingerprint;
        let r = ks.import(impostor("A"), true).unwrap();
        assert!(r.removed_keys.is_empty());
        let a = ks.owner(&id("A")).unwrap();
        assert!(a.public_key(&own).is_some_and(|k| k.verified));
        assert!(a.private_key_entry(&own).is_some());
        assert_eq!(a.public_keys.len(), 2);
    }

    #[test]
    fn a_document_record_under_the_wrong_delegate_is_refused() {
        let mut ks = keystore("C");
        let before = snapshot(&ks);
        let mut d = doc("A");
        let ab = d.hc_party_keys.remove(&id("B")).unwrap();
        d.hc_party_keys.insert(id("C"), ab);
        let err = ks.import(d, false).unwrap_err();
        assert_error(err, ErrorKind::Integrity, "stored under A→C");
        assert_eq!(snapshot(&ks), before);
    }

    #[test]
    fn a_document_record_not_signed_by_its_owner_is_refused() {
        let b_key = doc("B").public_keys[0].fingerprint;
        let tamper: [(&str, Tamper); 3] = [
            ("signer", |r, b| r.signer = b),
            ("signature", |r, _| r.signature = flip(&r.signature)),
            ("wrapped key", |r, _| {
                r.wrapped[1].key = flip(&r.wrapped[1].key)
            }),
        ];
        for (what, change) in tamper {
            let mut ks = keystore("B");
            let before = snapshot(&ks);
            let mut d = doc("A");
            change(&mut d.hc_party_keys.get_mut(&id("B")).unwrap()[0], b_key);
            // A new id, so that the record is not skipped as already known.
            d.hc_party_keys.get_mut(&id("B")).unwrap()[0].id = "00".repeat(16);
            let err = ks.import(d, false).unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::Integrity,
                "{what}: {}",
                err.message()
            );
            assert_eq!(snapshot(&ks), before, "{what}");
        }
    }

    type Tamper = fn(&mut HcPartyKey, Fingerprint);
    type Change = fn(&mut serde_json::Value);

    /// Changes one base64 character, keeping the text valid base64.
    fn flip(b64: &str) -> String {
        let mut s = b64.to_string();
        let c = if s.starts_with('A') { "B" } else { "A" };
        s.replace_range(0..1, c);
        s
    }

    #[test]
    fn a_keystore_with_a_moved_exchange_key_is_refused_on_load() {
        let mut v: serde_json::Value = serde_json::from_slice(&fixture("A.keystore.json")).unwrap();
        let hc = v["owners"][0]["hcPartyKeys"].as_object_mut().unwrap();
        let ab = hc.remove("B").unwrap();
        hc.insert("C".into(), ab);
        let err = Keystore::parse(&serde_json::to_vec(&v).unwrap(), "ks").unwrap_err();
        assert_error(err, ErrorKind::Integrity, "ks: exchange key A→B");
    }

    #[test]
    fn load_refuses_inconsistent_keystores() {
        let base: serde_json::Value = serde_json::from_slice(&fixture("A.keystore.json")).unwrap();
        let cases: [(&str, Change); 3] = [
            ("appears twice", |v| {
                let a = v["owners"][0].clone();
                v["owners"].as_array_mut().unwrap().push(a);
            }),
            ("has no public key", |v| {
                v["owners"][1]["publicKeys"] = serde_json::json!([]);
            }),
            ("has no public key", |v| {
                let fp = v["owners"][1]["publicKeys"][0]["fingerprint"].clone();
                v["owners"][0]["privateKeys"][0]["fingerprint"] = fp;
            }),
        ];
        for (expect, change) in cases {
            let mut v = base.clone();
            change(&mut v);
            let err = Keystore::parse(&serde_json::to_vec(&v).unwrap(), "ks").unwrap_err();
            assert_error(err, ErrorKind::Format, expect);
        }
    }

    #[test]
    fn verify_needs_a_fingerprint_of_one_of_the_owners_keys() {
        let mut ks = Keystore::default();
        ks.import(doc("A"), false).unwrap();
        let wrong = doc("B").public_keys[0].fingerprint;
        let err = ks.verify(&id("A"), &wrong).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Integrity);
        assert!(!ks.owner(&id("A")).unwrap().public_keys[0].verified);
        let right = doc("A").public_keys[0].fingerprint;
        ks.verify(&id("A"), &right).unwrap();
        assert!(ks.owner(&id("A")).unwrap().public_keys[0].verified);
        assert_eq!(
            ks.verify(&id("Z"), &right).unwrap_err().kind(),
            ErrorKind::NotFound
        );
    }

    #[test]
    fn a_keystore_without_certificates_or_trust_is_still_written_as_v1() {
        // Older ehrcrypt builds keep reading it; only PKI content makes v2.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ks.json");
        keystore("A").save(&p).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        assert_eq!(v["format"], KEYSTORE_FORMAT);
        assert!(v.get("trust").is_none());
        assert!(!std::fs::read_to_string(&p)
            .unwrap()
            .contains("certificates"));
    }

    #[test]
    fn a_v2_keystore_loads_and_a_v3_one_is_refused() {
        let mut v: serde_json::Value = serde_json::from_slice(&fixture("A.keystore.json")).unwrap();
        v["format"] = KEYSTORE_FORMAT_V2.into();
        v["trust"] = serde_json::json!({});
        Keystore::parse(&serde_json::to_vec(&v).unwrap(), "ks").unwrap();
        v["format"] = "ehrcrypt/keystore/v3".into();
        let err = Keystore::parse(&serde_json::to_vec(&v).unwrap(), "ks").unwrap_err();
        assert_error(err, ErrorKind::Format, "newer");
    }

    #[test]
    fn a_certificate_that_is_not_a_certificate_is_refused_on_load() {
        let mut v: serde_json::Value = serde_json::from_slice(&fixture("A.keystore.json")).unwrap();
        v["format"] = KEYSTORE_FORMAT_V2.into();
        v["owners"][1]["publicKeys"][0]["certificates"] =
            serde_json::json!(["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]);
        let err = Keystore::parse(&serde_json::to_vec(&v).unwrap(), "ks").unwrap_err();
        assert_error(err, ErrorKind::Format, "not an X.509 certificate");
    }

    #[test]
    fn removing_a_local_owner_needs_force_and_ids_are_unique() {
        let mut ks = keystore("A");
        assert_eq!(
            ks.remove(&id("A"), false).unwrap_err().kind(),
            ErrorKind::Refused
        );
        ks.remove(&id("B"), false).unwrap();
        assert!(ks.find(&id("B")).is_none());
        let a = ks.owner(&id("A")).unwrap().clone();
        assert_eq!(ks.insert(a).unwrap_err().kind(), ErrorKind::Refused);
        ks.remove(&id("A"), true).unwrap();
        assert!(ks.find(&id("A")).is_none());
    }
}
