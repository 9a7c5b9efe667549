//! `fhir import`: resources in, one entity per resource out, each in its
//! patient's compartment linked to the patient through the secret links.
//!
//! Two passes over the inputs, so that ndjson of any length is processed
//! in bounded memory: the first reads every resource once, keeps a small
//! summary (ids, fullUrl, the references that matter), encrypts the
//! patients and checks the input; the links are then resolved; the second
//! pass reads the resources again and encrypts them in parallel batches.
//! Everything goes into one [`Batch`]: all files appear, or none.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;

use super::compartment::compartment_references;
use super::input::{for_each_item, Input, Item, Parse};
use super::record::{self, Origin};
use super::reference::{references, Reference};
use super::resource::ResourceKey;
use super::Progress;
use crate::atomic_file::{Batch, Mode, Staged};
use crate::crypto::Fingerprint;
use crate::entity::{EncryptOptions, Encryptor, EntityKind};
use crate::error::{Error, Result};
use crate::owner::OwnerId;
use crate::session::Session;

/// Dangling references listed in a report; the rest are only counted.
pub const MAX_LISTED: usize = 1000;
/// Resources encrypted per parallel batch in the second pass.
const CHUNK: usize = 512;

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Delegates besides the importing owner.
    pub share_with: Vec<OwnerId>,
    /// Allow new exchange keys for unverified delegate keys.
    pub allow_unverified: bool,
    /// The outputs stay local files: records over 1 MiB are detached into
    /// sidecars (docs/FORMAT.md §8.4). Off for a folder published to an
    /// object store, where no sidecar can sit beside its entity.
    pub detach_large_records: bool,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub resources: u64,
    pub patients: u64,
    /// Resources linked to a patient (children of its entity).
    pub linked: u64,
    /// Bundles whose own members were kept (one record each).
    pub bundles: u64,
    /// References to resources that are not in the input (kept as they
    /// are): how many, and the first [`MAX_LISTED`] as messages.
    pub dangling_count: u64,
    pub dangling: Vec<String>,
    /// (delegate, fingerprint) of unverified keys new exchange keys went to.
    pub unverified: Vec<(OwnerId, Fingerprint)>,
}

/// What the first pass keeps of a resource.
struct Planned {
    kind: EntityKind,
    index: u64,
    entity_id: String,
    full_url: Option<String>,
    /// References that may name its patient, in the compartment's order.
    compartment: Vec<String>,
    /// Its `encounter`, for resources outside the compartment table.
    encounter: Option<String>,
    /// Every other reference but `#contained` ones (for the dangling report).
    refs: Vec<String>,
    /// `FILE: entry 3 (Observation/o1)`.
    location: String,
    parent: Option<usize>,
}

/// Imports `inputs` as `me` into `out_dir` (created if missing).
pub fn import(
    session: &mut Session,
    me: &OwnerId,
    inputs: &[Input],
    out_dir: &Path,
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let mut batch = if out_dir.exists() {
        if !out_dir.is_dir() {
            return Err(Error::usage(format!(
                "{}: not a directory",
                out_dir.display()
            )));
        }
        Batch::new()
    } else {
        Batch::into_new_dir(out_dir, Mode::Public)?
    };
    let import_id = uuid::Uuid::new_v4().to_string();
    let mut report = ImportReport::default();
    let mut encryptors = Encryptors::new(me, opts);
    let patient_enc = encryptors.make(session, EntityKind::Patient, None)?;
    let form_enc = encryptors.make(session, EntityKind::Form, None)?;

    // Pass 1: summaries, patients and bundle records; duplicate ids refused.
    progress.phase("reading", None);
    let mut plan: Vec<Planned> = Vec::new();
    let mut by_key: HashMap<ResourceKey, usize> = HashMap::new();
    let mut by_url: HashMap<String, usize> = HashMap::new();
    let mut patients: HashMap<usize, Value> = HashMap::new();
    for (n, input) in inputs.iter().enumerate() {
        let origin = Origin {
            import: import_id.clone(),
            input: n as u64,
        };
        let shell = for_each_item(input, Parse::Full, &mut |item: Item| {
            let j = plan.len();
            let location = item.locate(&input.name);
            if let Some(key) = item.head.key() {
                if let Some(&first) = by_key.get(&key) {
                    return Err(duplicate(&location, "id", &plan[first].location));
                }
                by_key.insert(key, j);
            }
            if let Some(u) = &item.full_url {
                if let Some(&first) = by_url.get(u) {
                    return Err(duplicate(&location, "fullUrl", &plan[first].location));
                }
                by_url.insert(u.clone(), j);
            }
            let kind = record::kind_of(&item.head.rtype);
            let entity_id = record::entity_id(&item.head, item.full_url.as_deref());
            if kind == EntityKind::Patient {
                let rec = record::entry_record(&entity_id, &origin, item.index, &item.entry);
                let entity = patient_enc.encrypt_bytes(&rec, &location)?;
                patients.insert(j, entity.to_value());
                for s in stage(&batch, out_dir, entity)? {
                    batch.push(s);
                }
                report.patients += 1;
            }
            let compartment: Vec<String> =
                compartment_references(item.head.rtype.as_str(), &item.resource)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
            let encounter = item
                .resource
                .get("encounter")
                .and_then(|e| e.get("reference"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let refs = references(&item.resource)
                .into_iter()
                .filter(|r| !r.starts_with('#'))
                .map(str::to_string)
                .collect();
            plan.push(Planned {
                kind,
                index: item.index,
                entity_id,
                full_url: item.full_url,
                compartment,
                encounter,
                refs,
                location,
                parent: None,
            });
            progress.inc(1);
            Ok(())
        })?;
        if let Some(shell) = shell {
            let id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
            let rec = record::bundle_record(&id, &origin, &shell);
            let entity = form_enc.encrypt_bytes(&rec, &input.name)?;
            for s in stage(&batch, out_dir, entity)? {
                batch.push(s);
            }
            report.bundles += 1;
        }
    }
    report.resources = plan.len() as u64;

    // Links: the compartment's references first, then the encounter's patient.
    let resolve = |r: &str, from: Option<&str>| -> Option<usize> {
        let re = Reference::parse(r);
        if let Some(u) = re.full_url(from) {
            if let Some(&j) = by_url.get(&u) {
                return Some(j);
            }
        }
        match &re {
            Reference::Relative { key, .. } => by_key.get(key).copied(),
            Reference::Absolute { key, .. } => by_key
                .get(key)
                .copied()
                .filter(|&j| plan[j].full_url.is_none()),
            _ => None,
        }
    };
    let mut parents: Vec<Option<usize>> = plan
        .iter()
        .map(|p| {
            if p.kind == EntityKind::Patient {
                return None;
            }
            p.compartment
                .iter()
                .filter_map(|r| resolve(r, p.full_url.as_deref()))
                .find(|t| patients.contains_key(t))
        })
        .collect();
    for (j, p) in plan.iter().enumerate() {
        if parents[j].is_some() || p.kind == EntityKind::Patient {
            continue;
        }
        if let Some(e) = p
            .encounter
            .as_deref()
            .and_then(|r| resolve(r, p.full_url.as_deref()))
        {
            if plan[e].kind == EntityKind::Contact {
                parents[j] = parents[e];
            }
        }
    }
    for p in &plan {
        for r in &p.refs {
            if resolve(r, p.full_url.as_deref()).is_none() {
                report.dangling_count += 1;
                if report.dangling.len() < MAX_LISTED {
                    report.dangling.push(format!(
                        "{}: reference \"{}\" is not in the input (kept as it is)",
                        p.location,
                        r.escape_debug()
                    ));
                }
            }
        }
    }
    for (j, p) in plan.iter_mut().enumerate() {
        p.parent = parents[j];
        report.linked += u64::from(p.parent.is_some());
        p.refs = Vec::new();
        p.compartment = Vec::new();
    }

    // Pass 2: every other resource, in parallel batches.
    let mut keys: Vec<(EntityKind, Option<usize>)> = plan
        .iter()
        .filter(|p| p.kind != EntityKind::Patient)
        .map(|p| (p.kind, p.parent))
        .collect();
    keys.sort_by_key(|(k, p)| (k.as_str(), *p));
    keys.dedup();
    for (kind, parent) in keys {
        encryptors.prepare(session, kind, parent, &patients)?;
    }
    let encryptors = encryptors;
    progress.phase("encrypting", Some(report.resources));
    progress.inc(report.patients);
    let mut next = 0usize;
    for (n, input) in inputs.iter().enumerate() {
        let origin = Origin {
            import: import_id.clone(),
            input: n as u64,
        };
        let mut chunk: Vec<(usize, Vec<u8>)> = Vec::with_capacity(CHUNK);
        let flush = |chunk: &mut Vec<(usize, Vec<u8>)>, batch: &mut Batch| -> Result<()> {
            let staged: Vec<Vec<Staged>> = chunk
                .par_iter()
                .map(|(j, entry)| {
                    let p = &plan[*j];
                    let rec = record::entry_record(&p.entity_id, &origin, p.index, entry);
                    let enc = encryptors.get(p.kind, p.parent)?;
                    let entity = enc.encrypt_bytes(&rec, &p.location)?;
                    stage(batch, out_dir, entity)
                })
                .collect::<Result<_>>()?;
            progress.inc(staged.len() as u64);
            for s in staged.into_iter().flatten() {
                batch.push(s);
            }
            chunk.clear();
            Ok(())
        };
        for_each_item(input, Parse::Head, &mut |item: Item| {
            let j = next;
            next += 1;
            let same = plan.get(j).is_some_and(|p| {
                p.index == item.index && p.kind == record::kind_of(&item.head.rtype)
            });
            if !same {
                return Err(changed(&input.name));
            }
            if plan[j].kind != EntityKind::Patient {
                chunk.push((j, item.entry));
                if chunk.len() == CHUNK {
                    flush(&mut chunk, &mut batch)?;
                }
            }
            Ok(())
        })?;
        flush(&mut chunk, &mut batch)?;
    }
    if next != plan.len() {
        return Err(changed("an input"));
    }
    report.unverified = encryptors.unverified;
    batch.commit()?;
    Ok(report)
}

fn duplicate(location: &str, what: &str, first: &str) -> Error {
    Error::format(format!("{location}: duplicate {what}: also at {first}"))
        .hint("every resource must appear once across the inputs; nothing was written")
}

fn changed(name: &str) -> Error {
    Error::refused(format!(
        "{name}: changed while it was being imported; nothing was written"
    ))
}

/// Stages an entity under a random name: file names say nothing.
/// Stages one entity under a fresh name in `dir`; a record large enough
/// to be detached (docs/FORMAT.md §8.4) has its sidecar staged first (a
/// batch renames in order).
fn stage(batch: &Batch, dir: &Path, mut entity: crate::entity::Entity) -> Result<Vec<Staged>> {
    let name = format!("{}.enc.json", uuid::Uuid::new_v4().simple());
    let dest: PathBuf = dir.join(name);
    let mut out = Vec::with_capacity(2);
    if let Some(body) = entity.take_detached_body() {
        out.push(body.stage_beside(&dest, batch, Mode::Public)?);
    }
    out.push(batch.stage_with(&dest, Mode::Public, |w| entity.write_to(w))?);
    Ok(out)
}

/// One [`Encryptor`] per (kind, parent patient): each resolves the exchange
/// keys once, then encrypts any number of records.
struct Encryptors {
    me: OwnerId,
    opts: ImportOptions,
    made: HashMap<(&'static str, Option<usize>), Encryptor>,
    unverified: Vec<(OwnerId, Fingerprint)>,
}

impl Encryptors {
    fn new(me: &OwnerId, opts: &ImportOptions) -> Self {
        Encryptors {
            me: me.clone(),
            opts: opts.clone(),
            made: HashMap::new(),
            unverified: Vec::new(),
        }
    }

    /// A new encryptor of `kind`, children of the `parent` patient entity.
    fn make(
        &mut self,
        session: &mut Session,
        kind: EntityKind,
        parent: Option<Value>,
    ) -> Result<Encryptor> {
        let opts = EncryptOptions {
            kind,
            share_with: self.opts.share_with.clone(),
            clear: Vec::new(),
            parent,
            allow_unverified: self.opts.allow_unverified,
        };
        let mut enc = Encryptor::new(session, &self.me, &opts)?;
        enc.detach_large_records(self.opts.detach_large_records);
        for u in &enc.unverified {
            if !self.unverified.contains(u) {
                self.unverified.push(u.clone());
            }
        }
        Ok(enc)
    }

    /// Makes the encryptor of `kind` under the patient planned at `parent`.
    fn prepare(
        &mut self,
        session: &mut Session,
        kind: EntityKind,
        parent: Option<usize>,
        patients: &HashMap<usize, Value>,
    ) -> Result<()> {
        let key = (kind.as_str(), parent);
        if !self.made.contains_key(&key) {
            let entity = parent.and_then(|p| patients.get(&p).cloned());
            let enc = self.make(session, kind, entity)?;
            self.made.insert(key, enc);
        }
        Ok(())
    }

    fn get(&self, kind: EntityKind, parent: Option<usize>) -> Result<&Encryptor> {
        self.made
            .get(&(kind.as_str(), parent))
            .ok_or_else(|| Error::internal("no encryptor for a planned resource"))
    }
}
