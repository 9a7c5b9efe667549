//! Sealing inputs into bucket objects: the staging directory a bucket is
//! built in, and the encryption of each input (and attachment) into its
//! object, written locally or streamed to an object store.

use super::*;

/// A directory that is removed with its content unless kept.
pub(super) struct Staging {
    pub(super) path: PathBuf,
    keep: bool,
}

impl Staging {
    /// `path` is named by [`temp_name`]: a killed run's staging is removed
    /// by the next run that writes beside it.
    pub(super) fn new(path: PathBuf) -> Result<Self> {
        crate::store::stale::clean(parent_dir(&path));
        crate::atomic_file::create_private_dir(&path)?;
        Ok(Staging { path, keep: false })
    }
}

impl Staging {
    /// Makes the finished directory readable by others (a bucket is
    /// meant to be copied anywhere; its objects are encrypted), syncs
    /// everything `written` below it, and renames it to `dest`.
    pub(super) fn publish(&mut self, dest: &Path, written: &[PathBuf]) -> Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(&self.path, fs::Permissions::from_mode(0o755));
        }
        sync_tree(&self.path, written)?;
        fs::rename(&self.path, dest).map_err(|e| Error::io(dest, "create", e))?;
        self.keep = true;
        sync_dir(parent_dir(dest));
        Ok(())
    }
}

fn parent_dir(p: &Path) -> &Path {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

pub(super) fn random_hex16() -> (String, [u8; 16]) {
    let mut b = [0u8; 16];
    crate::crypto::random_bytes(&mut b);
    (hex(&b), b)
}

/// Makes everything written below `dir` durable: one `syncfs` on Linux.
pub(super) fn sync_tree(dir: &Path, files: &[PathBuf]) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        let _ = files;
        use std::os::unix::io::AsRawFd;
        let f = File::open(dir).map_err(|e| Error::io(dir, "sync", e))?;
        // SAFETY: syncfs takes a valid open file descriptor, which `f` owns.
        if unsafe { libc::syncfs(f.as_raw_fd()) } != 0 {
            return Err(Error::io(dir, "sync", std::io::Error::last_os_error()));
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        for p in files {
            File::open(p)
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::io(p, "sync", e))?;
        }
        Ok(())
    }
}

pub(super) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

pub(super) fn create_file(path: &Path, private: bool) -> Result<File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    o.open(path).map_err(|e| Error::io(path, "create", e))
}

pub(super) fn stream_error(e: stream::StreamError, what: &str) -> Error {
    use stream::StreamError as S;
    match e {
        S::Io(io) => Error::new(crate::ErrorKind::Io, format!("{what}: i/o error: {io}")),
        S::Header(why) => Error::integrity(format!("{what}: damaged object header ({why})")),
        S::Chunk { index } => Error::integrity(format!(
            "{what}: chunk {index} does not authenticate (modified, reordered, truncated, or moved from another object)"
        )),
        S::Truncated { index } => Error::integrity(format!("{what}: truncated in chunk {index}")),
        S::TooLong => Error::usage(format!("{what}: too large for one object (2^32 chunks)")),
    }
}

/// What [`encrypt_inputs`] produced.
pub(super) struct Encrypted {
    pub(super) entries: Vec<ObjectEntry>,
    pub(super) names: Vec<ObjectName>,
    pub(super) reports: Vec<ObjectReport>,
    pub(super) written: Vec<PathBuf>,
    /// Entity ids whose parent is not among the inputs (see [`link_parents`]).
    pub(super) unlinked: Vec<String>,
}

/// Where the encrypted objects of a new bucket or appendix go.
pub(super) enum Sink<'a> {
    /// `DIR/<object id>.ehrbk`, DIR a private staging folder.
    Dir(&'a Path),
    /// Straight into objects `PREFIX/objects/<object id>.ehrbk` of a store
    /// (issue 17): streamed into the upload as they are encrypted, never
    /// staged on the local disk; removed again by `uploaded` on failure.
    Store {
        store: &'a dyn crate::store::Store,
        prefix: String,
        uploaded: &'a crate::store::publish::Uploaded<'a>,
    },
}

impl Sink<'_> {
    /// Writes object `oid` with what `encrypt` streams into it.
    pub(super) fn object(
        &self,
        oid: &str,
        out: &mut Encrypted,
        encrypt: &mut dyn FnMut(&mut (dyn Write + Send)) -> Result<stream::ObjectInfo>,
    ) -> Result<stream::ObjectInfo> {
        match self {
            Sink::Dir(dir) => {
                let dest = dir.join(format!("{oid}.{OBJECT_EXT}"));
                let mut file = create_file(&dest, false)?;
                out.written.push(dest);
                encrypt(&mut file)
            }
            Sink::Store {
                store,
                prefix,
                uploaded,
            } => {
                let key = format!("{prefix}{OBJECTS_DIR}/{oid}.{OBJECT_EXT}");
                let info = crate::store::publish::stream_object(*store, &key, encrypt)?;
                uploaded.record(key);
                Ok(info)
            }
        }
    }
}

/// Loads (ENTITY-HOOK) and encrypts each input into an object of `sink`.
#[allow(clippy::too_many_arguments)]
pub(super) fn encrypt_inputs(
    session: &Session,
    me: &OwnerId,
    paths: &[PathBuf],
    z: &SymmetricKey,
    backup_id: &[u8; 16],
    chunk_size: usize,
    sink: &Sink,
    progress: &mut dyn FnMut(u64),
) -> Result<Encrypted> {
    let mut out = Encrypted {
        entries: Vec::new(),
        names: Vec::new(),
        reports: Vec::new(),
        written: Vec::new(),
        unlinked: Vec::new(),
    };
    let mut facts = Vec::new();
    let mut namer = Namer::default();
    let names = object_names(paths, &mut namer);
    for (path, name) in paths.iter().zip(names) {
        let source = path.display().to_string();
        let loaded = load_input(session, me, path)?;
        let (oid, _) = random_hex16();
        let mut attachments = None;
        let mut entity_facts = None;
        let (info, kind) = match loaded {
            Loaded::Memory {
                bytes,
                kind,
                attached,
                entity,
            } => {
                entity_facts = entity;
                let mut input = &bytes[..];
                let info = sink.object(&oid, &mut out, &mut |w| {
                    stream::encrypt(z, backup_id, &oid, chunk_size, &mut input, w, progress)
                        .map_err(|e| stream_error(e, &source))
                })?;
                attachments = attached;
                (info, kind)
            }
            Loaded::Stream(f) => {
                let mut sniff = Sniffer::new(f);
                let info = sink.object(&oid, &mut out, &mut |w| {
                    stream::encrypt(z, backup_id, &oid, chunk_size, &mut sniff, w, progress)
                        .map_err(|e| stream_error(e, &source))
                })?;
                if sniff.found {
                    return Err(Error::usage(format!(
                        "{source}: looks like an ehrcrypt entity larger than {} MiB; entities that large are not decrypted during a backup",
                        PARSE_LIMIT >> 20
                    ))
                    .hint("decrypt it first with `ehrcrypt entity decrypt`, then back up the record"));
                }
                (info, None)
            }
        };
        out.entries.push(ObjectEntry {
            id: oid.clone(),
            size: info.size,
            chunks: info.chunks,
            sha256: hex(&info.sha256),
        });
        let kind = kind.map(|k| k.as_str().to_string());
        out.names.push(ObjectName {
            id: oid.clone(),
            name: name.clone(),
            kind: kind.clone(),
            attachment_of: None,
            entity: None,
        });
        if let Some(f) = entity_facts {
            facts.push((out.names.len() - 1, f));
        }
        out.reports.push(ObjectReport {
            id: oid.clone(),
            name,
            size: info.size,
            plaintext_size: info.plaintext_size,
            kind,
            attachment_of: None,
        });
        if let Some(a) = attachments {
            encrypt_attachments(
                &a, &oid, z, backup_id, chunk_size, sink, &mut namer, &mut out, progress,
            )?;
        }
    }
    out.unlinked = link_parents(&mut facts);
    for (i, f) in facts {
        out.names[i].entity = Some(f.preserved);
    }
    Ok(out)
}

/// Each attachment of the record backed up as object `record`: streamed
/// from its sidecar (authenticated chunk by chunk) into an object of its
/// own, named after the attachment, bound to the bucket like every object.
#[allow(clippy::too_many_arguments)]
fn encrypt_attachments(
    a: &Attached,
    record: &str,
    z: &SymmetricKey,
    backup_id: &[u8; 16],
    chunk_size: usize,
    sink: &Sink,
    namer: &mut Namer,
    out: &mut Encrypted,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    for (raw, att) in &a.list {
        let (oid, _) = random_hex16();
        let what = format!("{} attachment {raw:?}", a.file.display());
        let info = a.entity.attachment_reader(&a.key, &a.file, att, |r| {
            sink.object(&oid, out, &mut |w| {
                stream::encrypt(z, backup_id, &oid, chunk_size, r, w, progress)
                    .map_err(|e| stream_error(e, &what))
            })
        })?;
        let name = namer.name(raw);
        out.entries.push(ObjectEntry {
            id: oid.clone(),
            size: info.size,
            chunks: info.chunks,
            sha256: hex(&info.sha256),
        });
        out.names.push(ObjectName {
            id: oid.clone(),
            name: name.clone(),
            kind: None,
            attachment_of: Some(record.to_string()),
            entity: None,
        });
        out.reports.push(ObjectReport {
            id: oid,
            name,
            size: info.size,
            plaintext_size: info.plaintext_size,
            kind: None,
            attachment_of: Some(record.to_string()),
        });
    }
    Ok(())
}
