//! A study directory and the five research operations on it.
//!
//! ```text
//! STUDYDIR/study.json              the clinic's signed study document
//! STUDYDIR/records/ID.json         one pseudonymised patient each, Umbral-encrypted
//! STUDYDIR/reidentify.json         pseudonym → patient id, sealed for the clinic only
//! STUDYDIR/cfrags/GRANT/N/ID.json  capsule fragments proxy N made for a grant
//! ```
//!
//! Trust: `study.json` is signed (RSA-PSS) by the clinic's RSA key and
//! names the Umbral keys of the study: one delegating key per epoch, to
//! which records are encrypted, and the verifying key that signs records
//! and key fragments. A researcher checks `study.json` against the
//! clinic's *verified* key, so every record, fragment and capsule fragment
//! is traced back to the clinic. A proxy has no keystore: it checks that
//! everything it is given is consistent with `study.json` and signed by the
//! study's verifying key, and it never holds anything that decrypts.
//!
//! Revocation starts a new epoch: records published after it are encrypted
//! to a key for which the revoked researcher's fragments are useless, even
//! in the hands of a proxy that kept them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use umbral_pre::{
    Capsule, CapsuleFrag, DefaultDeserialize, DefaultSerialize, KeyFrag, PublicKey as UmbralKey,
    Signature as UmbralSignature, VerifiedKeyFrag,
};

use crate::atomic_file::{self, Batch, Mode};
use crate::crypto::{b64, sha256, Context, Fingerprint, PrivateKey, PublicKey};
use crate::error::{display_path, Error, Result};
use crate::hcp_key::SignerTrust;
use crate::owner::{Owner, OwnerId};
use crate::research::deid::{parse_rest_reference, Pseudonymizer};
use crate::research::keys::{parse_public, public_bytes, ResearchKeys};
use crate::session::Session;

pub const STUDY_FORMAT: &str = "ehrcrypt/research-study/v1";
pub const RECORD_FORMAT: &str = "ehrcrypt/research-record/v1";
pub const FRAGMENT_FORMAT: &str = "ehrcrypt/research-fragment/v1";
pub const CFRAG_FORMAT: &str = "ehrcrypt/research-cfrag/v1";
pub const REID_FORMAT: &str = "ehrcrypt/research-reid/v1";

const STUDY_FILE: &str = "study.json";
const RECORDS: &str = "records";
const CFRAGS: &str = "cfrags";
const REID_FILE: &str = "reidentify.json";

/// Most proxies a grant may be split among (Umbral takes up to 255; more
/// than a few dozen hosts is not a deployment anyone runs).
pub const MAX_PROXIES: u32 = 64;

/// Study names: they appear in file names and in key derivation labels.
pub fn check_study_name(s: &str) -> Result<()> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !s.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "study name {:?} is not 1 to 64 letters, digits, '-', '_' or '.'",
            s
        )))
    }
}

fn random_id() -> String {
    let mut raw = [0u8; 16];
    crate::crypto::random_bytes(&mut raw);
    crate::crypto::hex(&raw)
}

fn is_hex_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn umbral_bytes<T: DefaultSerialize>(v: &T) -> Result<String> {
    v.to_bytes()
        .map(|b| b64::encode(&b))
        .map_err(|_| Error::internal("cannot serialise an Umbral value"))
}

fn umbral_parse<T: for<'a> DefaultDeserialize<'a>>(text: &str, what: &str) -> Result<T> {
    let bytes = b64::decode(text, what)?;
    T::from_bytes(&bytes).map_err(|_| Error::format(format!("{what} is malformed")))
}

fn key_field(text: &str, what: &str) -> Result<UmbralKey> {
    parse_public(&b64::decode(text, what)?, what)
}

/// Reads and parses one JSON file of `format`, refusing other kinds.
fn read_doc<T: serde::de::DeserializeOwned>(path: &Path, prefix: &str, what: &str) -> Result<T> {
    parse_doc(&atomic_file::read(path)?, &display_path(path), prefix, what)
}

fn parse_doc<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    source: &str,
    prefix: &str,
    what: &str,
) -> Result<T> {
    // One strict parser for every untrusted document: a repeated key is a
    // format error (issue 11).
    let value: Value = crate::format::parse_strict(bytes, source, what)?;
    crate::format::check_format(&value, prefix, 1, source, what)?;
    serde_json::from_value(value)
        .map_err(|e| Error::format(format!("{source}: malformed {what}: {e}")))
}

fn to_json(v: &impl Serialize) -> Result<Vec<u8>> {
    let mut out =
        serde_json::to_vec_pretty(v).map_err(|_| Error::internal("cannot serialise JSON"))?;
    out.push(b'\n');
    Ok(out)
}

// ---------------------------------------------------------------- study.json

/// One period of the study under one delegating key.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Epoch {
    pub epoch: u32,
    /// Umbral public key records of this epoch are encrypted to, base64.
    pub delegating_key: String,
    pub created: String,
}

/// A researcher's access, split among `proxies` fragments of which
/// `threshold` are needed.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Grant {
    pub id: String,
    pub receiver: OwnerId,
    /// The researcher's pre-key the fragments re-encrypt to, base64.
    pub receiving_key: String,
    pub epoch: u32,
    pub threshold: u32,
    pub proxies: u32,
    pub created: String,
    /// When the clinic withdrew it (consent withdrawn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<String>,
}

/// `study.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StudyDoc {
    pub format: String,
    pub study: String,
    /// The clinic (data owner) that publishes the study.
    pub owner: OwnerId,
    /// The clinic's RSA key that signs this document and derives the study keys.
    pub signer: Fingerprint,
    /// That key, SPKI PEM, so that a proxy can check the document's integrity.
    pub signer_key: String,
    /// Umbral key that signs records and key fragments, base64.
    pub verifying_key: String,
    pub epochs: Vec<Epoch>,
    #[serde(default)]
    pub grants: Vec<Grant>,
    pub updated: String,
    /// RSA-PSS over [`StudyDoc::signed_bytes`], base64.
    pub signature: String,
}

impl StudyDoc {
    fn signed_bytes(&self) -> Result<Vec<u8>> {
        let mut v = serde_json::to_value(self).map_err(|_| Error::internal("study to JSON"))?;
        if let Some(o) = v.as_object_mut() {
            o.remove("signature");
        }
        let mut canon = Vec::new();
        crate::format::canonical_json(&v, &mut canon);
        Ok(Context::new(STUDY_FORMAT)
            .with_bytes(&canon)
            .as_bytes()
            .to_vec())
    }

    fn sign(&mut self, key: &PrivateKey) -> Result<()> {
        self.updated = crate::now_rfc3339();
        self.signature = b64::encode(&key.sign(&self.signed_bytes()?)?);
        Ok(())
    }

    /// Reads `STUDYDIR/study.json` and checks it is signed by the key it names.
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join(STUDY_FILE);
        if !path.exists() {
            return Err(not_a_study(dir));
        }
        Self::parse(&atomic_file::read(&path)?, &display_path(&path))
    }

    /// A study document from its bytes, checked as [`StudyDoc::load`] does.
    fn parse(bytes: &[u8], source: &str) -> Result<Self> {
        let doc: StudyDoc = parse_doc(bytes, source, "ehrcrypt/research-study/", "study document")?;
        check_study_name(&doc.study)
            .map_err(|e| Error::format(format!("{source}: {}", e.message())))?;
        let key = PublicKey::from_pem(&doc.signer_key).map_err(|e| e.context(source))?;
        let sig = b64::decode(&doc.signature, "study signature")?;
        if key.fingerprint() != doc.signer || !key.verify(&doc.signed_bytes()?, &sig) {
            return Err(Error::integrity(format!(
                "{source}: the study document's signature does not verify"
            ))
            .hint("the document was altered after the clinic signed it; do not use it"));
        }
        if doc.epochs.is_empty()
            || doc
                .epochs
                .iter()
                .enumerate()
                .any(|(i, e)| e.epoch as usize != i)
        {
            return Err(Error::format(format!(
                "{source}: epochs are not 0, 1, 2, ..."
            )));
        }
        Ok(doc)
    }

    /// Whether the signing key is a key of the study's owner in this
    /// keystore, and verified there.
    pub fn trust(&self, owner: &Owner) -> Result<SignerTrust> {
        match owner.public_key(&self.signer) {
            Some(k) if k.is_verified() => Ok(SignerTrust::Verified),
            Some(_) => Ok(SignerTrust::Unverified),
            None => Err(Error::integrity(format!(
                "study {} is signed by key {}, which is not a key of {} in this keystore",
                self.study,
                self.signer.short(),
                self.owner
            ))
            .hint(format!(
                "import {}'s current owner document, or do not trust this study",
                self.owner
            ))),
        }
    }

    pub fn epoch(&self, n: u32) -> Result<&Epoch> {
        self.epochs
            .get(n as usize)
            .ok_or_else(|| Error::format(format!("study {} has no epoch {n}", self.study)))
    }

    pub fn current_epoch(&self) -> &Epoch {
        self.epochs
            .last()
            .expect("load and create keep one epoch at least")
    }

    pub fn verifying_key(&self) -> Result<UmbralKey> {
        key_field(&self.verifying_key, "study verifying key")
    }

    pub fn grant(&self, id: &str) -> Option<&Grant> {
        self.grants.iter().find(|g| g.id == id)
    }
}

fn not_a_study(dir: &Path) -> Error {
    Error::not_found(format!(
        "{}: not a study directory (no {STUDY_FILE})",
        dir.display()
    ))
    .hint("the clinic creates it with `ehrcrypt research publish` or `research grant`")
}

/// The clinic's side of a study: its document and the keys behind it.
struct ClinicStudy {
    doc: StudyDoc,
    rsa: std::sync::Arc<PrivateKey>,
    keys: ResearchKeys,
    created: bool,
}

impl ClinicStudy {
    /// Opens the study in `dir`, which must exist, as its owner `me`.
    fn open(session: &Session, me: &OwnerId, study: &str, dir: &Path) -> Result<Self> {
        if !dir.join(STUDY_FILE).exists() {
            return Err(not_a_study(dir));
        }
        Self::open_or_create(session, me, study, dir)
    }

    /// Opens the study in `dir` as its owner `me`, or creates it.
    fn open_or_create(session: &Session, me: &OwnerId, study: &str, dir: &Path) -> Result<Self> {
        check_study_name(study)?;
        let owner = session.keystore().local_owner(me)?;
        if dir.join(STUDY_FILE).exists() {
            let doc = StudyDoc::load(dir)?;
            if doc.study != study || &doc.owner != me {
                return Err(Error::usage(format!(
                    "{} holds study {} of {}, not study {study} of {me}",
                    dir.display(),
                    doc.study,
                    doc.owner
                )));
            }
            let rsa = session.private_key(owner, &doc.signer)?;
            let keys = ResearchKeys::of(&rsa)?;
            return Ok(ClinicStudy {
                doc,
                rsa,
                keys,
                created: false,
            });
        }
        let rsa = session.current_private_key(owner)?;
        let keys = ResearchKeys::of(&rsa)?;
        let mut doc = StudyDoc {
            format: STUDY_FORMAT.to_string(),
            study: study.to_string(),
            owner: me.clone(),
            signer: rsa.public().fingerprint(),
            signer_key: rsa.public().to_pem(),
            verifying_key: b64::encode(&public_bytes(&keys.signer(study).verifying_key())),
            epochs: vec![Epoch {
                epoch: 0,
                delegating_key: b64::encode(&public_bytes(&keys.delegating(study, 0).public_key())),
                created: crate::now_rfc3339(),
            }],
            grants: Vec::new(),
            updated: String::new(),
            signature: String::new(),
        };
        doc.sign(&rsa)?;
        Ok(ClinicStudy {
            doc,
            rsa,
            keys,
            created: true,
        })
    }

    fn stage_doc(&mut self, batch: &mut Batch, dir: &Path) -> Result<()> {
        self.doc.sign(&self.rsa)?;
        batch.stage(&dir.join(STUDY_FILE), &to_json(&self.doc)?, Mode::Public)
    }
}

// ---------------------------------------------------------------- records

/// `records/ID.json`: one patient's pseudonymised data, Umbral-encrypted
/// to the study's delegating key of `epoch`, signed by its verifying key.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Record {
    pub format: String,
    pub study: String,
    pub id: String,
    pub epoch: u32,
    /// Umbral capsule (MessagePack, as umbral-pre serialises it), base64.
    pub capsule: String,
    /// Umbral DEM ciphertext (ChaCha20-Poly1305, the capsule as associated data), base64.
    pub ciphertext: String,
    /// ECDSA-secp256k1 (Umbral `Signer`) over [`Record::signed_bytes`], base64 DER.
    pub signature: String,
}

impl Record {
    fn signed_bytes(&self) -> Vec<u8> {
        Context::new(RECORD_FORMAT)
            .with(&self.study)
            .with(&self.id)
            .with(&self.epoch.to_string())
            .with(&self.capsule)
            .with_bytes(&sha256(self.ciphertext.as_bytes()))
            .as_bytes()
            .to_vec()
    }

    fn read(path: &Path, doc: &StudyDoc, verifying: &UmbralKey) -> Result<Self> {
        let source = display_path(path);
        let r: Record = read_doc(path, "ehrcrypt/research-record/", "study record")?;
        let expected = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if r.study != doc.study || r.id != expected || !is_hex_id(&r.id) {
            return Err(Error::integrity(format!(
                "{source}: record {} of study {} does not belong here",
                r.id, r.study
            )));
        }
        let sig = b64::decode(&r.signature, "record signature")?;
        let sig = UmbralSignature::try_from_der_bytes(&sig)
            .map_err(|_| Error::format(format!("{source}: malformed record signature")))?;
        if !sig.verify(verifying, &r.signed_bytes()) {
            return Err(Error::integrity(format!(
                "{source}: the record is not signed by study {}'s key",
                doc.study
            ))
            .hint("a record was forged or altered; do not use it"));
        }
        doc.epoch(r.epoch).map_err(|e| e.context(&source))?;
        Ok(r)
    }

    fn capsule(&self) -> Result<Capsule> {
        umbral_parse(&self.capsule, "record capsule")
    }
}

/// Every record file of the study, sorted by name.
fn record_paths(dir: &Path) -> Result<Vec<PathBuf>> {
    let rdir = dir.join(RECORDS);
    if !rdir.exists() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(&rdir).map_err(|e| Error::io(&rdir, "list", e))? {
        let p = e.map_err(|e| Error::io(&rdir, "list", e))?.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".json") && !name.starts_with('.') {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

// ---------------------------------------------------------------- publish

/// What `research publish` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishReport {
    pub study: String,
    /// This publication created the study.
    pub new: bool,
    pub epoch: u32,
    /// One per patient: (record id, pseudonym).
    pub records: Vec<PublishedRecord>,
    pub resources: usize,
    /// Resources that belong to no patient (practitioners, organisations):
    /// not published.
    pub skipped: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishedRecord {
    pub id: String,
    pub pseudonym: String,
    pub resources: usize,
}

/// FHIR resources read from the inputs, with the `fullUrl`s that name them.
#[derive(Default)]
struct Resources {
    items: Vec<Value>,
    full_urls: BTreeMap<String, (String, String)>,
}

impl Resources {
    fn add_json(&mut self, v: Value, source: &str) -> Result<()> {
        let Some(t) = v.get("resourceType").and_then(Value::as_str) else {
            return Err(Error::format(format!(
                "{source}: not a FHIR resource (no resourceType)"
            )));
        };
        if t != "Bundle" {
            self.items.push(v);
            return Ok(());
        }
        let entries = v
            .get("entry")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, e) in entries.into_iter().enumerate() {
            let Some(res) = e.get("resource").cloned() else {
                return Err(Error::format(format!(
                    "{source}: Bundle entry {i} has no resource"
                )));
            };
            let (Some(rt), Some(id)) = (
                res.get("resourceType").and_then(Value::as_str),
                res.get("id").and_then(Value::as_str),
            ) else {
                return Err(Error::format(format!(
                    "{source}: Bundle entry {i} is not a FHIR resource with an id"
                )));
            };
            if let Some(u) = e.get("fullUrl").and_then(Value::as_str) {
                self.full_urls
                    .insert(u.to_string(), (rt.to_string(), id.to_string()));
            }
            self.add_json(res, &format!("{source}: entry {i}"))?;
        }
        Ok(())
    }

    /// A JSON file (a resource or a Bundle) or bulk-export ndjson.
    fn add_bytes(&mut self, bytes: &[u8], source: &str) -> Result<()> {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => self.add_json(v, source),
            Err(whole) => {
                let mut any = false;
                for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let v: Value = serde_json::from_slice(line).map_err(|_| {
                        if any {
                            Error::format(format!("{source}: line {} is not JSON", n + 1))
                        } else {
                            crate::format::json_error(source, "FHIR JSON", &whole)
                        }
                    })?;
                    any = true;
                    self.add_json(v, &format!("{source}: line {}", n + 1))?;
                }
                Ok(())
            }
        }
    }

    fn resolve(&self, r: &str) -> Option<(String, String)> {
        self.full_urls
            .get(r)
            .cloned()
            .or_else(|| parse_rest_reference(r))
    }

    /// The patient a resource belongs to: itself, or the Patient that one
    /// of its Patient-compartment references (FHIR R4's definition, as
    /// `fhir::compartment` holds it) resolves to.
    fn patient_of(&self, v: &Value) -> Option<String> {
        let rtype = v.get("resourceType").and_then(Value::as_str)?;
        if rtype == "Patient" {
            return v.get("id").and_then(Value::as_str).map(str::to_string);
        }
        crate::fhir::compartment::compartment_references(rtype, v)
            .into_iter()
            .find_map(|r| match self.resolve(r)? {
                (t, id) if t == "Patient" => Some(id),
                _ => None,
            })
    }
}

/// Publishes `inputs` (FHIR JSON, Bundles, ndjson, or ehrcrypt entities
/// `me` can decrypt) into the study in `dir`: one record per patient.
pub fn publish(
    session: &Session,
    me: &OwnerId,
    study: &str,
    inputs: &[PathBuf],
    dir: &Path,
    keep_notes: bool,
) -> Result<PublishReport> {
    let mut st = ClinicStudy::open_or_create(session, me, study, dir)?;
    let mut res = Resources::default();
    for path in inputs {
        let source = display_path(path);
        let bytes = atomic_file::read(path)?;
        let is_entity = serde_json::from_slice::<Value>(&bytes)
            .map(|v| crate::entity::is_entity(&v))
            .unwrap_or(false);
        if is_entity {
            let plain =
                crate::entity::decrypt_file_bytes_at(session, me, bytes, Some(path), &source)?;
            res.add_bytes(&plain, &source)?;
        } else {
            res.add_bytes(&bytes, &source)?;
        }
    }
    if res.items.is_empty() {
        return Err(Error::usage("no FHIR resource in the inputs"));
    }

    // Group by patient, in input order.
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut skipped = 0;
    for v in &res.items {
        match res.patient_of(v) {
            Some(p) => {
                if !groups.contains_key(&p) {
                    order.push(p.clone());
                }
                groups.entry(p).or_default().push(v.clone());
            }
            None => skipped += 1,
        }
    }
    if order.is_empty() {
        return Err(Error::usage(
            "no resource in the inputs belongs to a patient: nothing to publish",
        ));
    }

    let pseudo = Pseudonymizer::new(st.keys.pseudonym_key(study), keep_notes);
    let epoch = st.doc.current_epoch().epoch;
    let delegating = st.keys.delegating(study, epoch).public_key();
    let signer = st.keys.signer(study);
    let resolve = |r: &str| res.resolve(r);

    // Encrypt in parallel: Umbral's KEM and the signature are the cost.
    let sealed: Vec<Result<(Record, PublishedRecord, String)>> = order
        .par_iter()
        .map(|patient| {
            let mut entries = Vec::new();
            for v in &groups[patient] {
                let mut v = v.clone();
                pseudo.apply(&mut v, &resolve);
                entries.push(json!({ "resource": v }));
            }
            let pseudonym = pseudo.patient(patient);
            let message = json!({
                "citizen-pseudo": pseudonym,
                "health-data": {"resourceType": "Bundle", "type": "collection", "entry": entries},
            });
            let plain = zeroize::Zeroizing::new(
                serde_json::to_vec(&message).map_err(|_| Error::internal("record to JSON"))?,
            );
            let (capsule, ct) = umbral_pre::encrypt(&delegating, &plain)
                .map_err(|_| Error::internal("Umbral encryption failed"))?;
            let mut rec = Record {
                format: RECORD_FORMAT.to_string(),
                study: study.to_string(),
                id: random_id(),
                epoch,
                capsule: umbral_bytes(&capsule)?,
                ciphertext: b64::encode(&ct),
                signature: String::new(),
            };
            rec.signature = b64::encode(&signer.sign(&rec.signed_bytes()).to_der_bytes());
            let published = PublishedRecord {
                id: rec.id.clone(),
                pseudonym: pseudonym.clone(),
                resources: groups[patient].len(),
            };
            Ok((rec, published, patient.clone()))
        })
        .collect();

    let mut batch = Batch::new();
    let rdir = dir.join(RECORDS);
    std::fs::create_dir_all(&rdir).map_err(|e| Error::io(&rdir, "create directory", e))?;
    let mut table = read_reid(dir, &st)?;
    let mut records = Vec::new();
    for r in sealed {
        let (rec, published, patient) = r?;
        batch.stage(
            &rdir.join(format!("{}.json", rec.id)),
            &to_json(&rec)?,
            Mode::Public,
        )?;
        table.insert(published.pseudonym.clone(), patient);
        records.push(published);
    }
    stage_reid(&mut batch, dir, &st, &table)?;
    // The study document last: a reader never sees it before its records.
    if st.created {
        st.stage_doc(&mut batch, dir)?;
    }
    batch.commit()?;
    Ok(PublishReport {
        study: study.to_string(),
        new: st.created,
        epoch,
        resources: records.iter().map(|r| r.resources).sum(),
        records,
        skipped,
    })
}

// ---------------------------------------------------------------- re-identification

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReidFile {
    format: String,
    study: String,
    /// AES-256-GCM of the JSON table {pseudonym: patient id}, base64.
    sealed: String,
}

fn reid_context(study: &str) -> Context {
    Context::new(REID_FORMAT).with(study)
}

fn read_reid(dir: &Path, st: &ClinicStudy) -> Result<BTreeMap<String, String>> {
    let path = dir.join(REID_FILE);
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let f: ReidFile = read_doc(&path, "ehrcrypt/research-reid/", "re-identification table")?;
    let key = st.keys.reidentify_key(&st.doc.study)?;
    let sealed = b64::decode(&f.sealed, "re-identification table")?;
    let plain = key
        .open(&reid_context(&st.doc.study), &sealed)
        .map_err(|_| {
            Error::integrity(format!(
                "{}: the re-identification table does not open",
                display_path(&path)
            ))
            .hint("it was altered, or belongs to another study or clinic")
        })?;
    serde_json::from_slice(&plain).map_err(|_| Error::format("malformed re-identification table"))
}

fn stage_reid(
    batch: &mut Batch,
    dir: &Path,
    st: &ClinicStudy,
    table: &BTreeMap<String, String>,
) -> Result<()> {
    let key = st.keys.reidentify_key(&st.doc.study)?;
    let plain = zeroize::Zeroizing::new(
        serde_json::to_vec(table).map_err(|_| Error::internal("table to JSON"))?,
    );
    let f = ReidFile {
        format: REID_FORMAT.to_string(),
        study: st.doc.study.clone(),
        sealed: b64::encode(&key.seal(&reid_context(&st.doc.study), &plain)),
    };
    batch.stage(&dir.join(REID_FILE), &to_json(&f)?, Mode::Private)
}

/// The patient id behind `pseudonym`, for the clinic only.
pub fn reidentify(
    session: &Session,
    me: &OwnerId,
    study: &str,
    dir: &Path,
    pseudonym: &str,
) -> Result<String> {
    let st = ClinicStudy::open(session, me, study, dir)?;
    read_reid(dir, &st)?.remove(pseudonym).ok_or_else(|| {
        Error::not_found(format!(
            "no patient of study {study} has pseudonym {pseudonym}"
        ))
    })
}

// ---------------------------------------------------------------- grant

/// A fragment file: what one proxy holds for one grant.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FragmentFile {
    pub format: String,
    pub study: String,
    pub grant: String,
    pub owner: OwnerId,
    pub receiver: OwnerId,
    pub epoch: u32,
    /// 1-based: which of the grant's proxies this is for.
    pub index: u32,
    pub threshold: u32,
    pub proxies: u32,
    pub delegating_key: String,
    pub receiving_key: String,
    pub verifying_key: String,
    /// Umbral key fragment, signed by the verifying key over the delegating
    /// and receiving keys (MessagePack, base64).
    pub kfrag: String,
}

/// How a grant is split: `threshold` of `proxies` fragments re-encrypt.
#[derive(Clone, Copy, Debug)]
pub struct Split {
    threshold: u32,
    proxies: u32,
}

impl Split {
    pub fn new(threshold: u32, proxies: u32) -> Result<Self> {
        if proxies == 0 || proxies > MAX_PROXIES || threshold == 0 || threshold > proxies {
            return Err(Error::usage(format!(
                "--threshold {threshold} of --proxies {proxies}: need 1 <= threshold <= proxies <= {MAX_PROXIES}"
            )));
        }
        Ok(Split { threshold, proxies })
    }
}

/// What `research grant` made.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantReport {
    pub study: String,
    pub grant: String,
    pub receiver: OwnerId,
    pub epoch: u32,
    pub threshold: u32,
    pub proxies: u32,
    pub fragments: Vec<PathBuf>,
}

/// Grants `receiver` the study: `proxies` fragment files in `out_dir`
/// (created, must not exist), any `threshold` of which re-encrypt.
pub fn grant(
    session: &Session,
    me: &OwnerId,
    receiver: &OwnerId,
    (study, dir): (&str, &Path),
    split: Split,
    out_dir: &Path,
) -> Result<GrantReport> {
    let Split { threshold, proxies } = split;
    let owner = session.keystore().owner(receiver)?;
    let pre = owner.verified_pre_key()?;
    let receiving = parse_public(&pre.key_bytes()?, "research key")?;
    let mut st = ClinicStudy::open_or_create(session, me, study, dir)?;
    let epoch = st.doc.current_epoch().epoch;
    let delegating = st.keys.delegating(study, epoch);
    let signer = st.keys.signer(study);
    let kfrags = umbral_pre::generate_kfrags(
        &delegating,
        &receiving,
        &signer,
        threshold as usize,
        proxies as usize,
        true,
        true,
    );
    let id = random_id();
    let grant = Grant {
        id: id.clone(),
        receiver: receiver.clone(),
        receiving_key: pre.key.clone(),
        epoch,
        threshold,
        proxies,
        created: crate::now_rfc3339(),
        revoked: None,
    };
    st.doc.grants.push(grant);
    let mut batch = Batch::into_new_dir(out_dir, Mode::Private)?;
    let mut fragments = Vec::new();
    for (i, k) in kfrags.iter().enumerate() {
        let f = FragmentFile {
            format: FRAGMENT_FORMAT.to_string(),
            study: study.to_string(),
            grant: id.clone(),
            owner: me.clone(),
            receiver: receiver.clone(),
            epoch,
            index: i as u32 + 1,
            threshold,
            proxies,
            delegating_key: st.doc.epoch(epoch)?.delegating_key.clone(),
            receiving_key: pre.key.clone(),
            verifying_key: st.doc.verifying_key.clone(),
            kfrag: umbral_bytes(&k.clone().unverify())?,
        };
        let p = out_dir.join(format!("{study}.{}.proxy-{}.json", &id[..8], i + 1));
        batch.stage(&p, &to_json(&f)?, Mode::Private)?;
        fragments.push(p);
    }
    // Fragments first, then the study that lists the grant.
    batch.commit()?;
    let mut doc_batch = Batch::new();
    st.stage_doc(&mut doc_batch, dir)?;
    doc_batch.commit()?;
    Ok(GrantReport {
        study: study.to_string(),
        grant: id,
        receiver: receiver.clone(),
        epoch,
        threshold,
        proxies,
        fragments,
    })
}

// ---------------------------------------------------------------- proxy

/// `cfrags/GRANT/N/ID.json`: proxy N's re-encryption of one record's capsule.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CfragFile {
    pub format: String,
    pub study: String,
    pub grant: String,
    pub record: String,
    pub index: u32,
    /// Umbral capsule fragment with its correctness proof (MessagePack, base64).
    pub cfrag: String,
}

/// What `research proxy` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProxyReport {
    pub study: String,
    pub grant: String,
    pub index: u32,
    pub reencrypted: usize,
    /// Already re-encrypted by an earlier run.
    pub unchanged: usize,
    /// Records of another epoch (published after a revocation): not for this grant.
    pub other_epoch: usize,
    pub out_dir: PathBuf,
}

/// Checks a fragment file against the study and returns the verified key
/// fragment. A fragment of a revoked grant is deleted and refused.
fn check_fragment(path: &Path, doc: &StudyDoc) -> Result<(FragmentFile, VerifiedKeyFrag)> {
    let source = display_path(path);
    let f: FragmentFile = read_doc(path, "ehrcrypt/research-fragment/", "key fragment")?;
    if f.study != doc.study || f.owner != doc.owner {
        return Err(Error::usage(format!(
            "{source}: a fragment of study {} of {}, not of study {} of {}",
            f.study, f.owner, doc.study, doc.owner
        )));
    }
    let Some(g) = doc.grant(&f.grant) else {
        return Err(Error::integrity(format!(
            "{source}: grant {} is not in study {}",
            f.grant, doc.study
        ))
        .hint("the fragment was forged, or the study document is not the clinic's current one"));
    };
    if let Some(when) = &g.revoked {
        std::fs::remove_file(path).map_err(|e| Error::io(path, "destroy revoked fragment", e))?;
        return Err(Error::refused(format!(
            "grant {} of study {} to {} was revoked on {when}: the fragment {source} was destroyed",
            g.id, doc.study, g.receiver
        )));
    }
    let epoch = doc.epoch(g.epoch)?;
    if f.receiver != g.receiver
        || f.receiving_key != g.receiving_key
        || f.epoch != g.epoch
        || f.delegating_key != epoch.delegating_key
        || f.verifying_key != doc.verifying_key
        || f.threshold != g.threshold
        || f.proxies != g.proxies
        || f.index == 0
        || f.index > g.proxies
    {
        return Err(Error::integrity(format!(
            "{source}: the fragment does not match grant {} in the study document",
            g.id
        )));
    }
    let kfrag: KeyFrag = umbral_parse(&f.kfrag, "key fragment")?;
    let verifying = doc.verifying_key()?;
    let delegating = key_field(&f.delegating_key, "delegating key")?;
    let receiving = key_field(&f.receiving_key, "receiving key")?;
    let verified = kfrag
        .verify(&verifying, Some(&delegating), Some(&receiving))
        .map_err(|_| {
            Error::integrity(format!(
                "{source}: the key fragment is not signed by study {}'s key",
                doc.study
            ))
            .hint("a forged or altered fragment; do not use it")
        })?;
    Ok((f, verified))
}

/// Re-encrypts every record of the grant's epoch with one key fragment.
/// Holds no private key and decrypts nothing.
pub fn proxy(fragment: &Path, dir: &Path, out: Option<&Path>) -> Result<ProxyReport> {
    let doc = StudyDoc::load(dir)?;
    let (f, kfrag) = check_fragment(fragment, &doc)?;
    let verifying = doc.verifying_key()?;
    let out_dir = match out {
        Some(o) => o.to_path_buf(),
        None => dir.join(CFRAGS).join(&f.grant).join(f.index.to_string()),
    };
    std::fs::create_dir_all(&out_dir).map_err(|e| Error::io(&out_dir, "create directory", e))?;
    let paths = record_paths(dir)?;
    enum Outcome {
        OtherEpoch,
        Unchanged,
        New(PathBuf, Vec<u8>),
    }
    let results: Vec<Result<Outcome>> = paths
        .par_iter()
        .map(|p| {
            let rec = Record::read(p, &doc, &verifying)?;
            if rec.epoch != f.epoch {
                return Ok(Outcome::OtherEpoch);
            }
            let dest = out_dir.join(format!("{}.json", rec.id));
            if dest.exists() {
                return Ok(Outcome::Unchanged);
            }
            let capsule = rec.capsule().map_err(|e| e.context(display_path(p)))?;
            let cfrag = umbral_pre::reencrypt(&capsule, kfrag.clone());
            let c = CfragFile {
                format: CFRAG_FORMAT.to_string(),
                study: doc.study.clone(),
                grant: f.grant.clone(),
                record: rec.id.clone(),
                index: f.index,
                cfrag: umbral_bytes(&cfrag.unverify())?,
            };
            Ok(Outcome::New(dest, to_json(&c)?))
        })
        .collect();
    let mut batch = Batch::new();
    let (mut reencrypted, mut unchanged, mut other_epoch) = (0, 0, 0);
    for r in results {
        match r? {
            Outcome::OtherEpoch => other_epoch += 1,
            Outcome::Unchanged => unchanged += 1,
            Outcome::New(dest, bytes) => {
                batch.stage(&dest, &bytes, Mode::Public)?;
                reencrypted += 1;
            }
        }
    }
    batch.commit()?;
    Ok(ProxyReport {
        study: doc.study,
        grant: f.grant,
        index: f.index,
        reencrypted,
        unchanged,
        other_epoch,
        out_dir,
    })
}

// ---------------------------------------------------------------- open

/// What `research open` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenReport {
    pub study: String,
    pub opened: usize,
    /// Records with fewer capsule fragments than the threshold (proxies
    /// have not run yet, or fewer than M are reachable).
    pub waiting: usize,
    /// Records of epochs no grant of this researcher covers.
    pub not_granted: usize,
    pub signer: SignerTrust,
    pub out_dir: PathBuf,
}

/// Capsule fragments by (grant, record), then by proxy index, with the file
/// each came from.
type Cfrags = BTreeMap<(String, String), BTreeMap<u32, (String, CfragFile)>>;

/// Capsule fragments found under `dirs`.
fn collect_cfrags(dirs: &[PathBuf], study: &str) -> Result<Cfrags> {
    let mut out = Cfrags::new();
    let mut stack: Vec<(PathBuf, usize)> = dirs.iter().map(|d| (d.clone(), 0)).collect();
    while let Some((d, depth)) = stack.pop() {
        if !d.exists() {
            continue;
        }
        for e in std::fs::read_dir(&d).map_err(|e| Error::io(&d, "list", e))? {
            let p = e.map_err(|e| Error::io(&d, "list", e))?.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                if depth < 3 {
                    stack.push((p, depth + 1));
                }
            } else if name.ends_with(".json") {
                let c: CfragFile = read_doc(&p, "ehrcrypt/research-cfrag/", "capsule fragment")?;
                if c.study == study {
                    out.entry((c.grant.clone(), c.record.clone()))
                        .or_default()
                        .insert(c.index, (display_path(&p), c));
                }
            }
        }
    }
    Ok(out)
}

/// Opens every record of the study `me` was granted, from the capsule
/// fragments the proxies left under `cfrag_dirs` (default `STUDYDIR/cfrags`),
/// into `out_dir` (created, must not exist).
pub fn open(
    session: &Session,
    me: &OwnerId,
    dir: &Path,
    cfrag_dirs: &[PathBuf],
    out_dir: &Path,
    allow_unverified: bool,
) -> Result<OpenReport> {
    let doc = StudyDoc::load(dir)?;
    let ks = session.keystore();
    let clinic = ks.owner(&doc.owner).map_err(|e| {
        e.hint(format!(
            "import {}'s owner document and verify its fingerprint first",
            doc.owner
        ))
    })?;
    let trust = doc.trust(clinic)?;
    if trust == SignerTrust::Unverified && !allow_unverified {
        return Err(Error::refused(format!(
            "study {} is signed by {}'s key {}, which is not verified here",
            doc.study,
            doc.owner,
            doc.signer.short()
        ))
        .hint(format!(
            "compare fingerprints with {0} and run `ehrcrypt owner verify {0} --fingerprint FP`, or pass --no-verify",
            doc.owner
        )));
    }
    let mine: Vec<&Grant> = doc.grants.iter().filter(|g| &g.receiver == me).collect();
    if mine.is_empty() {
        return Err(
            Error::no_access(format!("study {} grants {me} nothing", doc.study))
                .hint(format!("ask {} for a grant", doc.owner)),
        );
    }
    let owner = ks.local_owner(me)?;
    // The receiving secret of each granted pre-key, from the RSA key it came from.
    let mut receiving: BTreeMap<String, umbral_pre::SecretKey> = BTreeMap::new();
    for g in &mine {
        if receiving.contains_key(&g.receiving_key) {
            continue;
        }
        let Some(pre) = owner.pre_keys.iter().find(|k| k.key == g.receiving_key) else {
            continue;
        };
        let rsa = session.private_key(owner, &pre.signer)?;
        receiving.insert(g.receiving_key.clone(), ResearchKeys::of(&rsa)?.receiving());
    }
    let verifying = doc.verifying_key()?;
    let dirs = if cfrag_dirs.is_empty() {
        vec![dir.join(CFRAGS)]
    } else {
        cfrag_dirs.to_vec()
    };
    let cfrags = collect_cfrags(&dirs, &doc.study)?;
    let paths = record_paths(dir)?;

    enum Outcome {
        Opened(String, zeroize::Zeroizing<Vec<u8>>),
        Waiting,
        NotGranted,
    }
    let outcomes: Vec<Result<Outcome>> = paths
        .par_iter()
        .map(|p| {
            let rec = Record::read(p, &doc, &verifying)?;
            let Some((g, sk)) = mine.iter().find_map(|g| {
                (g.epoch == rec.epoch)
                    .then(|| receiving.get(&g.receiving_key).map(|sk| (*g, sk)))
                    .flatten()
            }) else {
                return Ok(Outcome::NotGranted);
            };
            let Some(found) = cfrags.get(&(g.id.clone(), rec.id.clone())) else {
                return Ok(Outcome::Waiting);
            };
            if (found.len() as u32) < g.threshold {
                return Ok(Outcome::Waiting);
            }
            let capsule = rec.capsule()?;
            let delegating = key_field(&doc.epoch(rec.epoch)?.delegating_key, "delegating key")?;
            let receiving_pk = sk.public_key();
            let mut verified = Vec::new();
            for (source, c) in found.values().take(g.threshold as usize) {
                let cf: CapsuleFrag = umbral_parse(&c.cfrag, "capsule fragment")?;
                let v = cf
                    .verify(&capsule, &verifying, &delegating, &receiving_pk)
                    .map_err(|_| {
                        Error::integrity(format!(
                            "{source}: the capsule fragment does not verify for record {}",
                            rec.id
                        ))
                        .hint("a proxy sent a forged or altered fragment; do not use it")
                    })?;
                verified.push(v);
            }
            let ct = b64::decode(&rec.ciphertext, "record ciphertext")?;
            let plain = umbral_pre::decrypt_reencrypted(sk, &delegating, &capsule, verified, &ct)
                .map_err(|_| {
                Error::integrity(format!(
                    "{}: record {} does not decrypt",
                    display_path(p),
                    rec.id
                ))
            })?;
            Ok(Outcome::Opened(
                rec.id,
                zeroize::Zeroizing::new(plain.into_vec()),
            ))
        })
        .collect();

    let mut batch = Batch::into_new_dir(out_dir, Mode::Private)?;
    let (mut opened, mut waiting, mut not_granted) = (0, 0, 0);
    for o in outcomes {
        match o? {
            Outcome::Opened(id, plain) => {
                // Pretty, as the other decrypting commands write JSON.
                let v: Value = serde_json::from_slice(&plain)
                    .map_err(|_| Error::format(format!("record {id}: not JSON")))?;
                let text = zeroize::Zeroizing::new(to_json(&v)?);
                batch.stage(&out_dir.join(format!("{id}.json")), &text, Mode::Private)?;
                opened += 1;
            }
            Outcome::Waiting => waiting += 1,
            Outcome::NotGranted => not_granted += 1,
        }
    }
    if opened == 0 {
        return Err(Error::no_access(format!(
            "no record of study {} opens yet: {waiting} wait for capsule fragments, {not_granted} are not granted to {me}",
            doc.study
        ))
        .hint("the proxies run `ehrcrypt research proxy --fragment FILE STUDYDIR` first"));
    }
    batch.commit()?;
    Ok(OpenReport {
        study: doc.study,
        opened,
        waiting,
        not_granted,
        signer: trust,
        out_dir: out_dir.to_path_buf(),
    })
}

// ---------------------------------------------------------------- revoke

/// What `research revoke` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokeReport {
    pub study: String,
    pub receiver: OwnerId,
    pub grants: Vec<String>,
    /// The epoch new records go to from now on.
    pub epoch: u32,
    /// Researchers whose grants cover only earlier epochs: they need a new
    /// grant for records published from now on.
    pub regrant: Vec<OwnerId>,
}

/// Withdraws every grant of `receiver`: marks them revoked (proxies
/// destroy their fragments and stop), deletes the capsule fragments not
/// yet collected, and starts a new epoch so that records published later
/// are out of reach of the old fragments.
pub fn revoke(
    session: &Session,
    me: &OwnerId,
    receiver: &OwnerId,
    study: &str,
    dir: &Path,
) -> Result<RevokeReport> {
    let mut st = ClinicStudy::open(session, me, study, dir)?;
    let now = crate::now_rfc3339();
    let mut grants = Vec::new();
    for g in st.doc.grants.iter_mut() {
        if &g.receiver == receiver && g.revoked.is_none() {
            g.revoked = Some(now.clone());
            grants.push(g.id.clone());
        }
    }
    if grants.is_empty() {
        return Err(Error::not_found(format!(
            "study {study} has no active grant to {receiver}"
        )));
    }
    let epoch = st.doc.current_epoch().epoch + 1;
    st.doc.epochs.push(Epoch {
        epoch,
        delegating_key: b64::encode(&public_bytes(
            &st.keys.delegating(study, epoch).public_key(),
        )),
        created: now,
    });
    let regrant: BTreeSet<OwnerId> = st
        .doc
        .grants
        .iter()
        .filter(|g| g.revoked.is_none())
        .map(|g| g.receiver.clone())
        .collect();
    let mut batch = Batch::new();
    st.stage_doc(&mut batch, dir)?;
    batch.commit()?;
    for g in &grants {
        let d = dir.join(CFRAGS).join(g);
        if d.exists() {
            std::fs::remove_dir_all(&d).map_err(|e| Error::io(&d, "remove", e))?;
        }
    }
    Ok(RevokeReport {
        study: study.to_string(),
        receiver: receiver.clone(),
        grants,
        epoch,
        regrant: regrant.into_iter().collect(),
    })
}

// ---------------------------------------------------------------- init

/// The pre-key `me` publishes for grants: derived from its current RSA key
/// and signed by it. Returns it and whether it is new.
pub fn pre_key(session: &Session, me: &OwnerId) -> Result<(crate::research::PreKey, bool)> {
    let owner = session.keystore().local_owner(me)?;
    let rsa = session.current_private_key(owner)?;
    let pk = public_bytes(&ResearchKeys::of(&rsa)?.receiving().public_key());
    let text = b64::encode(&pk);
    if let Some(k) = owner
        .pre_keys
        .iter()
        .find(|k| k.key == text && k.signer == rsa.public().fingerprint())
    {
        return Ok((k.clone(), false));
    }
    Ok((crate::research::PreKey::create(me, &pk, &rsa)?, true))
}

/// Fuzzing only (`fuzz/fuzz_targets/research.rs`): the readers of a study
/// folder's documents on untrusted bytes, `kind` picking which: the study
/// document (signature checked), a record, a key fragment, a capsule
/// fragment (each with its Umbral object), or a bare Umbral public key.
#[doc(hidden)]
pub fn fuzz_read(kind: u8, bytes: &[u8]) {
    const S: &str = "fuzz";
    match kind % 5 {
        0 => {
            if let Ok(doc) = StudyDoc::parse(bytes, S) {
                let _ = doc.verifying_key();
            }
        }
        1 => {
            if let Ok(r) = parse_doc::<Record>(bytes, S, "ehrcrypt/research-record/", "record") {
                let _ = r.capsule();
                if let Ok(sig) = b64::decode(&r.signature, "signature") {
                    let _ = UmbralSignature::try_from_der_bytes(&sig);
                }
            }
        }
        2 => {
            let f = parse_doc::<FragmentFile>(bytes, S, "ehrcrypt/research-fragment/", "fragment");
            if let Ok(f) = f {
                let _ = umbral_parse::<KeyFrag>(&f.kfrag, "key fragment");
                let _ = key_field(&f.delegating_key, "delegating key");
            }
        }
        3 => {
            if let Ok(c) = parse_doc::<CfragFile>(bytes, S, "ehrcrypt/research-cfrag/", "cfrag") {
                let _ = umbral_parse::<CapsuleFrag>(&c.cfrag, "capsule fragment");
            }
        }
        _ => {
            let _ = parse_public(bytes, S);
        }
    }
}
