//! Releasing an opened bucket: its records (and attachments) decrypted into
//! a folder, all or nothing, or re-encrypted as entities.

use super::*;

/// One released file.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Released {
    /// Path relative to the output directory.
    pub path: String,
    pub object: String,
    pub size: u64,
    /// `None` for the patient's objects; the appendix id otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appendix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<Trust>,
    /// An attachment (restored as a file, or re-encrypted as a sidecar):
    /// the object id of its record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_of: Option<String>,
}

/// How decrypted objects are written out.
pub enum OutputMode<'a> {
    /// The records and attachments as they were backed up.
    Plain,
    /// Each record re-encrypted as an entity (`--reencrypt-as`): its
    /// plaintext stays in memory, never on disk, and its attachments
    /// become that entity's sidecars, streamed from their objects.
    Reencrypt(&'a Reencryptor),
}

pub(super) struct Job<'a> {
    pub(super) entry: &'a ObjectEntry,
    pub(super) name: &'a ObjectName,
    pub(super) file: PathBuf,
    pub(super) rel: PathBuf,
    pub(super) appendix: Option<&'a OpenedAppendix>,
    /// The chunk size its (authenticated) manifest or appendix lists.
    pub(super) chunk_size: usize,
}

impl Opened {
    pub(super) fn jobs(&self) -> Vec<Job<'_>> {
        let mut jobs = Vec::new();
        for (e, n) in self.manifest.objects.iter().zip(&self.names) {
            jobs.push(Job {
                entry: e,
                name: n,
                file: self
                    .dir
                    .join(OBJECTS_DIR)
                    .join(format!("{}.{OBJECT_EXT}", e.id)),
                rel: PathBuf::from(&n.name),
                appendix: None,
                chunk_size: self.manifest.chunk_size as usize,
            });
        }
        for a in &self.appendices {
            for (e, n) in a.appendix.objects.iter().zip(&a.names) {
                jobs.push(Job {
                    entry: e,
                    name: n,
                    file: self
                        .dir
                        .join(APPENDIX_DIR)
                        .join(&a.appendix.id)
                        .join(format!("{}.{OBJECT_EXT}", e.id)),
                    rel: Path::new(APPENDED_DIR).join(&a.appendix.id).join(&n.name),
                    appendix: Some(a),
                    chunk_size: a.appendix.chunk_size as usize,
                });
            }
        }
        jobs
    }

    /// Bytes of all encrypted objects, for a progress bar.
    pub fn total_size(&self) -> u64 {
        self.jobs().iter().map(|j| j.entry.size).sum()
    }

    /// Every object id, the patient's and the appended ones.
    pub fn object_ids(&self) -> Vec<String> {
        self.jobs().iter().map(|j| j.entry.id.clone()).collect()
    }

    pub fn key_commitment(&self) -> [u8; 32] {
        key_commitment(&self.card.key, &self.card.backup_id)
    }

    /// Decrypts every object into `out_dir`. All of it is staged in a
    /// private directory inside `out_dir`; `before_release` runs once
    /// every object has decrypted and matched its digest (the access log
    /// is written there), and only then do the files move into place. On
    /// any error nothing is left in `out_dir`.
    pub fn decrypt_to(
        &self,
        out_dir: &Path,
        mode: OutputMode<'_>,
        before_release: &mut dyn FnMut(&Opened) -> Result<()>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<Released>> {
        let refuse = crate::atomic_file::Overwrite::Refuse;
        self.decrypt_into(out_dir, refuse, mode, before_release, progress)
    }

    /// [`Opened::decrypt_to`], with existing files in `out_dir` replaced
    /// when `overwrite` says so (`--force`). Files are named by the rule of
    /// [`crate::format::names`]: a plaintext record loses `.enc` (an entity
    /// backed up as `keats.enc.json` comes back as `keats.json`), a
    /// re-encrypted one is named `NAME.enc.json`.
    pub fn decrypt_into(
        &self,
        out_dir: &Path,
        overwrite: crate::atomic_file::Overwrite,
        mode: OutputMode<'_>,
        before_release: &mut dyn FnMut(&Opened) -> Result<()>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<Released>> {
        let mut jobs = self.jobs();
        let reencrypt = matches!(mode, OutputMode::Reencrypt(_));
        // Re-encrypted, an attachment is a sidecar of its record's entity
        // (named at random, beside it), not a file of its own.
        let records = if reencrypt {
            attachment_records(&jobs)?
        } else {
            vec![None; jobs.len()]
        };
        let mut seen = std::collections::HashSet::new();
        for (j, record) in jobs.iter_mut().zip(&records) {
            if record.is_some() {
                continue;
            }
            // An attachment keeps its name as it is (it is no record).
            if let Some(name) = j.rel.file_name().filter(|_| j.name.attachment_of.is_none()) {
                let renamed = match mode {
                    OutputMode::Plain => crate::format::names::decrypted(name),
                    OutputMode::Reencrypt(_) => crate::format::names::encrypted(name),
                };
                j.rel.set_file_name(renamed);
            }
            if !seen.insert(j.rel.clone()) {
                return Err(Error::refused(format!(
                    "two records of the backup would both be written to {}",
                    j.rel.display()
                )));
            }
            let dest = out_dir.join(&j.rel);
            if let Err(e) = overwrite.check(&dest) {
                return Err(e.hint(
                    "pass --force to replace it, or restore into an empty or new --out-dir",
                ));
            }
        }
        let created_out = !out_dir.exists();
        if created_out {
            crate::atomic_file::create_private_dir(out_dir)?;
        }
        let result = self.decrypt_staged(out_dir, &jobs, &records, &mode, before_release, progress);
        if result.is_err() && created_out {
            let _ = fs::remove_dir_all(out_dir);
        }
        let released = result?;
        if reencrypt {
            // --force over an entity with sidecars: those the new one
            // does not list go.
            let entities: Vec<PathBuf> = released
                .iter()
                .filter(|r| r.attachment_of.is_none())
                .map(|r| out_dir.join(&r.path))
                .collect();
            entity::attachment::remove_unlisted(&entities);
        }
        Ok(released)
    }

    /// How messages name the object of `j`.
    fn describe(j: &Job<'_>) -> String {
        match j.appendix {
            None => format!("object {} ({})", j.name.name, j.file.display()),
            Some(a) => format!(
                "appended object {} of {} ({})",
                j.name.name,
                a.appendix.author.owner,
                j.file.display()
            ),
        }
    }

    pub(super) fn released(j: &Job<'_>, path: &Path, size: u64) -> Released {
        Released {
            path: path.to_string_lossy().to_string(),
            object: j.entry.id.clone(),
            size,
            appendix: j.appendix.map(|a| a.appendix.id.clone()),
            author: j.appendix.map(|a| a.author.clone()),
            attachment_of: j.name.attachment_of.clone(),
        }
    }

    /// Decrypts every job into a staging folder inside `out_dir`, then
    /// (after `before_release`) renames what it made into place: an
    /// entity's sidecars before the entity, so that no entity is ever
    /// there without them. `records[i]` is the record job `i` is an
    /// attachment of when re-encrypting (it is done with that record).
    fn decrypt_staged(
        &self,
        out_dir: &Path,
        jobs: &[Job<'_>],
        records: &[Option<usize>],
        mode: &OutputMode<'_>,
        before_release: &mut dyn FnMut(&Opened) -> Result<()>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<Released>> {
        let staging = Staging::new(out_dir.join(temp_name("ehrcrypt-restore")))?;
        let z = &self.card.key;
        let backup_id = &self.card.backup_id;
        let mut released = Vec::new();
        // Paths relative to `staging` and `out_dir`, in release order.
        let mut moves: Vec<PathBuf> = Vec::new();
        for (i, j) in jobs.iter().enumerate() {
            if records[i].is_some() {
                continue; // a sidecar of its record's entity
            }
            let what = Self::describe(j);
            let tmp = staging.path.join(&j.rel);
            if let Some(p) = tmp.parent() {
                fs::create_dir_all(p).map_err(|e| Error::io(p, "create directory", e))?;
            }
            let mut input = File::open(&j.file).map_err(|e| Error::io(&j.file, "read", e))?;
            match mode {
                OutputMode::Plain => {
                    let mut out = create_file(&tmp, true)?;
                    let info = stream::decrypt(
                        z,
                        backup_id,
                        &j.entry.id,
                        j.chunk_size,
                        &mut input,
                        &mut out,
                        progress,
                    )
                    .map_err(|e| stream_error(e, &what))?;
                    if hex(&info.sha256) != j.entry.sha256 {
                        return Err(digest_error(&what));
                    }
                    released.push(Self::released(j, &j.rel, info.plaintext_size));
                }
                OutputMode::Reencrypt(r) => {
                    let plain_max = j.entry.size.saturating_sub(stream::HEADER_LEN as u64);
                    if plain_max > REENCRYPT_LIMIT {
                        return Err(Error::usage(format!(
                            "{what}: larger than {} MiB, too large to re-encrypt in memory",
                            REENCRYPT_LIMIT >> 20
                        ))
                        .hint("decrypt without --reencrypt-as"));
                    }
                    let mut plain = Zeroizing::new(Vec::with_capacity(plain_max as usize));
                    let info = stream::decrypt(
                        z,
                        backup_id,
                        &j.entry.id,
                        j.chunk_size,
                        &mut input,
                        &mut *plain,
                        progress,
                    )
                    .map_err(|e| stream_error(e, &what))?;
                    if hex(&info.sha256) != j.entry.sha256 {
                        return Err(digest_error(&what));
                    }
                    let attachments: Vec<&Job> = jobs
                        .iter()
                        .zip(records)
                        .filter(|(_, rec)| **rec == Some(i))
                        .map(|(a, _)| a)
                        .collect();
                    let mut sidecars = Vec::new();
                    let mut entity = if attachments.is_empty() {
                        r.entity(&plain, j.name, &what, None)?
                    } else {
                        let mut attach = |e: &Entity, key: &SymmetricKey| {
                            let mut list = Vec::new();
                            for a in &attachments {
                                let att = self.reencrypt_attachment(a, e, key, &tmp, progress)?;
                                let rel = entity::attachment::sidecar_path(&j.rel, &att.id);
                                let mut rep = Self::released(a, &rel, att.sidecar_size());
                                rep.attachment_of = Some(j.entry.id.clone());
                                sidecars.push(rep);
                                moves.push(rel);
                                entity::attachment::crash_point("reencrypt-sidecar");
                                list.push((a.name.name.clone(), att));
                            }
                            Ok(list)
                        };
                        r.entity(&plain, j.name, &what, Some(&mut attach))?
                    };
                    // A large record's sidecar is moved into place before
                    // its entity, as attachments are.
                    if let Some(body) = entity.take_detached_body() {
                        let rel = entity::attachment::sidecar_path(&j.rel, &body.id);
                        let path = staging.path.join(&rel);
                        create_file(&path, true)?
                            .write_all(body.bytes())
                            .map_err(|e| Error::io(&path, "write", e))?;
                        moves.push(rel);
                    }
                    let bytes = entity.into_bytes();
                    let mut out = create_file(&tmp, true)?;
                    out.write_all(&bytes)
                        .map_err(|e| Error::io(&tmp, "write", e))?;
                    released.push(Self::released(j, &j.rel, bytes.len() as u64));
                    released.append(&mut sidecars);
                }
            }
            moves.push(j.rel.clone());
        }
        before_release(self)?;
        let staged: Vec<PathBuf> = moves.iter().map(|m| staging.path.join(m)).collect();
        sync_tree(&staging.path, &staged)?;
        for rel in &moves {
            let dest = out_dir.join(rel);
            if let Some(p) = dest.parent() {
                fs::create_dir_all(p).map_err(|e| Error::io(p, "create directory", e))?;
            }
            fs::rename(staging.path.join(rel), &dest).map_err(|e| Error::io(&dest, "write", e))?;
        }
        sync_dir(out_dir);
        drop(staging);
        Ok(released)
    }

    /// Re-encrypts the attachment object of job `a` as a new attachment of
    /// `e` (its key `key`), into a sidecar beside `entity_file`: decrypted
    /// on a helper thread, each chunk authenticated before it is passed
    /// on, and re-encrypted here, in bounded memory. The sidecar is
    /// complete only if the whole object authenticated and matched its
    /// digest; otherwise nothing of it stays.
    fn reencrypt_attachment(
        &self,
        a: &Job<'_>,
        e: &Entity,
        key: &SymmetricKey,
        entity_file: &Path,
        progress: &mut dyn FnMut(u64),
    ) -> Result<entity::attachment::Attachment> {
        let what = Self::describe(a);
        let (z, backup_id) = (&self.card.key, &self.card.backup_id);
        let (file, oid, sha256, chunk_size) = (&a.file, &a.entry.id, &a.entry.sha256, a.chunk_size);
        let (att, read) = entity::attachment::pipe(
            |w| {
                let mut input = File::open(file).map_err(|e| Error::io(file, "read", e))?;
                let info =
                    stream::decrypt(z, backup_id, oid, chunk_size, &mut input, w, &mut |_| {})
                        .map_err(|e| stream_error(e, &what))?;
                if hex(&info.sha256) != *sha256 {
                    return Err(digest_error(&what));
                }
                Ok(())
            },
            |r| {
                let mut counted = Counted {
                    inner: r,
                    progress: &mut *progress,
                    n: 0,
                };
                let att = e.write_attachment(key, entity_file, &mut counted)?;
                Ok((att, counted.n))
            },
        )?;
        // The bar counts encrypted bytes: the object's overhead too.
        progress(a.entry.size.saturating_sub(read));
        Ok(att)
    }
}

/// A reader that reports the bytes read through it.
struct Counted<'a> {
    inner: &'a mut dyn Read,
    progress: &'a mut dyn FnMut(u64),
    n: u64,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.n += n as u64;
        (self.progress)(n as u64);
        Ok(n)
    }
}

/// For each job, the index of the record job it is an attachment of, in
/// the same manifest or appendix. A reference to no record there (only
/// someone holding the card could seal one) is a damaged bucket.
pub(super) fn attachment_records<'a>(jobs: &[Job<'a>]) -> Result<Vec<Option<usize>>> {
    fn scope<'a>(j: &Job<'a>) -> Option<&'a str> {
        j.appendix.map(|a| a.appendix.id.as_str())
    }
    let records: std::collections::HashMap<(Option<&str>, &str), usize> = jobs
        .iter()
        .enumerate()
        .filter(|(_, j)| j.name.attachment_of.is_none())
        .map(|(i, j)| ((scope(j), j.entry.id.as_str()), i))
        .collect();
    jobs.iter()
        .map(|j| {
            let Some(of) = &j.name.attachment_of else {
                return Ok(None);
            };
            records
                .get(&(scope(j), of.as_str()))
                .map(|i| Some(*i))
                .ok_or_else(|| {
                    Error::integrity(format!(
                        "{}: listed as an attachment of object {of}, which is no record of the same {}",
                        Opened::describe(j),
                        if j.appendix.is_some() { "appendix" } else { "manifest" }
                    ))
                })
        })
        .collect()
}

fn digest_error(what: &str) -> Error {
    Error::integrity(format!(
        "{what} does not match its digest in the manifest (rewritten by someone holding the card)"
    ))
}
