//! `fhir export`: the FHIR records an owner can read, back as one Bundle
//! (or ndjson), each resource's text as it was imported, in input order.
//!
//! Two passes, so memory stays bounded whatever the number of records: the
//! first decrypts every entity once and keeps only where each record goes;
//! the second decrypts them again in output order, in parallel batches,
//! and streams the output through an atomic file.

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;
use zeroize::Zeroizing;

use super::json::{reindent, Layout, RawObject};
use super::record::{Origin, Stored};
use super::resource::ResourceId;
use super::Progress;
use crate::atomic_file::{self, Mode};
use crate::entity::{self, Entity, EntityKind};
use crate::error::{Error, ErrorKind, Result};
use crate::owner::OwnerId;
use crate::session::Session;
use crate::store::{self, Location};

/// Records decrypted per parallel batch in the second pass.
const CHUNK: usize = 512;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportLayout {
    /// One Bundle, pretty-printed.
    Bundle,
    /// One resource per line.
    Ndjson,
}

#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// Only this patient's compartment (the Patient's FHIR id).
    pub patient: Option<ResourceId>,
    pub layout: ExportLayout,
}

#[derive(Debug, Default)]
pub struct ExportReport {
    pub resources: u64,
    /// Entities this owner cannot read, left out.
    pub no_access: u64,
    /// Files that are not FHIR records of ehrcrypt (other entities, other JSON).
    pub other: u64,
    /// Whether the imported Bundle's own members (id, type, meta...) were
    /// restored; otherwise the output is a new `collection` Bundle.
    pub bundle_restored: bool,
}

/// Where one readable record goes.
struct Found {
    path: Location,
    origin: Origin,
    index: u64,
    is_bundle: bool,
    kind: EntityKind,
    entity_id: String,
}

/// Exports what `me` can read among `files` (entity files, local or on an
/// object store) to `out` (`-`: standard output).
pub fn export(
    session: &Session,
    me: &OwnerId,
    files: &[Location],
    opts: &ExportOptions,
    out: &Path,
    progress: &dyn Progress,
) -> Result<ExportReport> {
    session.keystore().local_owner(me)?;
    let mut report = ExportReport::default();
    progress.phase("reading", Some(files.len() as u64));
    let scanned: Vec<Result<Option<Found>>> = files
        .par_iter()
        .map(|p| {
            let r = scan(session, me, p);
            progress.inc(1);
            r
        })
        .collect();
    let mut found = Vec::new();
    for r in scanned {
        match r {
            Ok(Some(f)) => found.push(f),
            Ok(None) => report.other += 1,
            Err(e) if e.kind() == ErrorKind::NoAccess => report.no_access += 1,
            Err(e) => return Err(e),
        }
    }

    let (mut entries, shells): (Vec<Found>, Vec<Found>) =
        found.into_iter().partition(|f| !f.is_bundle);
    if let Some(id) = &opts.patient {
        let want = format!("Patient/{id}");
        let patient = entries
            .iter()
            .find(|f| f.kind == EntityKind::Patient && f.entity_id == want)
            .ok_or_else(|| {
                Error::not_found(format!("no {want} that {me} can read among the inputs"))
            })?;
        let (e, source) = read_entity(&patient.path)?;
        let secret = e.secret_id(session, me, &source)?;
        let path = patient.path.clone();
        // The links are checked on the envelopes again rather than kept
        // from the first pass: only this option needs them.
        let linked: Vec<bool> = entries
            .par_iter()
            .map(|f| {
                Ok(f.path == path || {
                    let (e, _) = read_entity(&f.path)?;
                    e.is_child_of(&secret)
                })
            })
            .collect::<Result<_>>()?;
        let mut keep = linked.into_iter();
        entries.retain(|_| keep.next().unwrap_or(false));
    }
    entries.sort_by(|a, b| (&a.origin, a.index).cmp(&(&b.origin, b.index)));
    let shell = match (&opts.patient, opts.layout, entries.first()) {
        (None, ExportLayout::Bundle, Some(first))
            if entries.iter().all(|e| e.origin == first.origin) =>
        {
            let mut s = shells.iter().filter(|s| s.origin == first.origin);
            match (s.next(), s.next()) {
                (Some(only), None) => Some(only.path.clone()),
                _ => None,
            }
        }
        (None, ExportLayout::Bundle, None) if shells.len() == 1 => Some(shells[0].path.clone()),
        _ => None,
    };
    report.bundle_restored = shell.is_some();
    report.resources = entries.len() as u64;

    let shell_members = match &shell {
        Some(p) => Some(open_record(session, me, p)?),
        None => None,
    };
    progress.phase("writing", Some(entries.len() as u64));
    let mut failure: Option<Error> = None;
    let write = |w: &mut dyn Write, failure: &mut Option<Error>| -> std::io::Result<()> {
        let mut first = true;
        let mut put_entries = |w: &mut dyn Write, depth: usize| -> std::io::Result<()> {
            for chunk in entries.chunks(CHUNK) {
                let texts: Result<Vec<Zeroizing<Vec<u8>>>> = chunk
                    .par_iter()
                    .map(|f| {
                        let stored = open_record(session, me, &f.path)?;
                        render_entry(&stored, opts.layout, shell.is_some(), depth)
                    })
                    .collect();
                let texts = match texts {
                    Ok(t) => t,
                    Err(e) => {
                        *failure = Some(e);
                        return Err(std::io::Error::other("record failed"));
                    }
                };
                for t in texts {
                    match opts.layout {
                        ExportLayout::Ndjson => {
                            w.write_all(&t)?;
                            w.write_all(b"\n")?;
                        }
                        ExportLayout::Bundle => {
                            w.write_all(if first { b"\n" } else { b",\n" })?;
                            indent(w, depth)?;
                            w.write_all(&t)?;
                        }
                    }
                    first = false;
                }
                progress.inc(chunk.len() as u64);
            }
            if opts.layout == ExportLayout::Bundle && !first {
                w.write_all(b"\n")?;
                indent(w, depth - 1)?;
            }
            Ok(())
        };
        match (opts.layout, &shell_members) {
            (ExportLayout::Ndjson, _) => put_entries(w, 0),
            (ExportLayout::Bundle, Some(stored)) => {
                let Some(bundle) = &stored.bundle else {
                    return Err(std::io::Error::other("not a bundle record"));
                };
                let members =
                    RawObject::parse(bundle.get().as_bytes()).map_err(std::io::Error::other)?;
                w.write_all(b"{")?;
                for (i, (name, raw)) in members.0.iter().enumerate() {
                    w.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
                    serde_json::to_writer(&mut *w, name)?;
                    w.write_all(b": ")?;
                    if name == "entry" {
                        w.write_all(b"[")?;
                        put_entries(w, 2)?;
                        w.write_all(b"]")?;
                    } else {
                        reindent(raw.get().as_bytes(), Layout::Pretty, 1, w)?;
                    }
                }
                w.write_all(b"\n}\n")
            }
            (ExportLayout::Bundle, None) => {
                w.write_all(b"{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"collection\",\n  \"entry\": [")?;
                put_entries(w, 2)?;
                w.write_all(b"]\n}\n")
            }
        }
    };
    let written = atomic_file::write_with(out, Mode::Private, |w| write(w, &mut failure));
    if let Some(e) = failure {
        return Err(e.hint("nothing was written"));
    }
    written?;
    Ok(report)
}

fn indent(w: &mut dyn Write, depth: usize) -> std::io::Result<()> {
    for _ in 0..depth {
        w.write_all(b"  ")?;
    }
    Ok(())
}

/// Reads one file: `None` when it is not a FHIR record of ehrcrypt.
fn scan(session: &Session, me: &OwnerId, path: &Location) -> Result<Option<Found>> {
    let source = path.to_string();
    let bytes = store::read(path)?;
    if !looks_like_entity(&bytes) {
        return Ok(None);
    }
    let e = match Entity::from_slice(&bytes, &source) {
        Ok(e) => e,
        Err(_) => return Ok(None),
    };
    drop(bytes);
    let plain = entity::decrypt_bytes_at(session, me, &e, path.local(), &source)?;
    let Some(stored) = Stored::parse(&plain, &source)? else {
        return Ok(None);
    };
    Ok(Some(Found {
        path: path.clone(),
        origin: stored.origin(),
        index: stored.index,
        is_bundle: stored.is_bundle(),
        kind: e.kind,
        entity_id: e.id_text(),
    }))
}

/// A cheap first look: entity files name their format near the top.
fn looks_like_entity(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(256)];
    memchr::memmem::find(head, b"\"ehrcrypt/entity/").is_some()
}

/// Reads and parses one entity (strictly, as everywhere).
fn read_entity(path: &Location) -> Result<(Entity, String)> {
    let source = path.to_string();
    let bytes = store::read(path)?;
    Ok((Entity::from_slice(&bytes, &source)?, source))
}

fn open_record(session: &Session, me: &OwnerId, path: &Location) -> Result<Stored> {
    let source = path.to_string();
    let bytes = store::read(path)?;
    let plain = entity::decrypt_file_bytes_at(session, me, bytes, path.local(), &source)?;
    Stored::parse(&plain, &source)?
        .ok_or_else(|| Error::refused(format!("{source}: changed during the export")))
}

/// One entry as output text: the entry as imported (a restored Bundle), its
/// `fullUrl` and `resource` (a new collection: `request`, `response` and
/// `search` belong to other Bundle types), or the resource alone (ndjson).
fn render_entry(
    stored: &Stored,
    layout: ExportLayout,
    whole: bool,
    depth: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    let entry = stored
        .entry
        .as_ref()
        .ok_or_else(|| Error::format("a FHIR bundle record where an entry was expected"))?;
    let text = entry.get().as_bytes();
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() * 2));
    let bad = |_| Error::format("malformed FHIR entry record");
    match layout {
        ExportLayout::Bundle if whole => {
            reindent(text, Layout::Pretty, depth, &mut *out).map_err(bad)?
        }
        _ => {
            let members =
                RawObject::parse(text).map_err(|_| Error::format("malformed FHIR entry record"))?;
            let resource = members
                .get("resource")
                .ok_or_else(|| Error::format("FHIR entry record without a resource"))?;
            if layout == ExportLayout::Ndjson {
                reindent(resource.get().as_bytes(), Layout::Compact, 0, &mut *out).map_err(bad)?;
            } else {
                let mut compact = Zeroizing::new(Vec::with_capacity(text.len() + 32));
                compact.push(b'{');
                if let Some(u) = members.get("fullUrl") {
                    compact.extend_from_slice(b"\"fullUrl\":");
                    compact.extend_from_slice(u.get().as_bytes());
                    compact.push(b',');
                }
                compact.extend_from_slice(b"\"resource\":");
                compact.extend_from_slice(resource.get().as_bytes());
                compact.push(b'}');
                reindent(&compact, Layout::Pretty, depth, &mut *out).map_err(bad)?;
            }
        }
    }
    Ok(out)
}
