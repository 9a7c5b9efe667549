//! Emergency backups: InteropEHRate's R2D Backup and R2D Emergency
//! (seed 004, sections 3.4 to 3.7), done with modern primitives.
//!
//! The patient's records (plaintext JSON, or entities the patient can
//! decrypt) are re-encrypted under a fresh key Z_AC into a *bucket*, a
//! directory that can be copied as it is to any file or object store:
//!
//! ```text
//! BACKUP/
//!   manifest.json                 ehrcrypt/backup/v1: objects, sizes, digests, sealed names
//!   signature.json                ehrcrypt/backup-signature/v1: the patient's signed statement (no key)
//!   objects/<id>.ehrbk            one encrypted object per record (see `stream`)
//!   appendix/<id>/appendix.json   ehrcrypt/backup-appendix/v1: records a professional added
//!   appendix/<id>/<oid>.ehrbk
//!   access-log.jsonl              ehrcrypt/backup-access/v1, one line per emergency access
//! ```
//!
//! The *card* (a QR code, see `qr`) carries Z_AC, the manifest digest and
//! the patient's RSA-PSS signature: QR(Z_AC, σ_A(Z_AC)) in the seed's
//! notation. Whoever holds the card and the bucket can read the backup;
//! the signature tells them whose backup it is, and the manifest digest
//! and per-chunk authentication tell them nothing was changed, removed,
//! added or reordered. Nothing is written anywhere until all of that has
//! been checked, and outputs appear together or not at all.
//!
//! Keys derived from Z_AC (HKDF-SHA256, salt = backup id, info =
//! `"ehrcrypt/backup/v1 " || purpose`): `key commitment` (published, and
//! signed instead of Z_AC itself), `manifest` (seals object names),
//! `appendix <id>`, `access log` (HMAC of anonymous log records). Each
//! object has its own key, derived with a random per-object salt.

pub mod access_log;
pub mod manifest;
pub mod qr;
pub mod remote;
/// The chunked AEAD stream, shared with entity attachments.
pub use crate::crypto::stream;

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::crypto::{b64, hex, Fingerprint, PublicKey, SymmetricKey};
use crate::entity::{self, EncryptOptions, Encryptor, Entity, EntityKind};
use crate::error::{Error, Result};
use crate::keystore::Keystore;
use crate::owner::OwnerId;
use crate::session::Session;
use crate::store::atomic_file::temp_name;
use manifest::{Appendix, Author, Manifest, ObjectEntry, ObjectName, SignatureFile};
use qr::Card;

pub const MANIFEST_FILE: &str = "manifest.json";
pub const SIGNATURE_FILE: &str = "signature.json";
pub const OBJECTS_DIR: &str = "objects";
pub const APPENDIX_DIR: &str = "appendix";
pub const APPENDIX_FILE: &str = "appendix.json";
pub const ACCESS_LOG_FILE: &str = "access-log.jsonl";
pub const OBJECT_EXT: &str = "ehrbk";
/// Output sub-directory for records professionals appended.
pub const APPENDED_DIR: &str = "appended";
/// Inputs up to this size are parsed (JSON check, entity detection);
/// larger ones are streamed as plaintext records.
pub const PARSE_LIMIT: u64 = 16 << 20;
/// Largest object `--reencrypt-as` turns into an entity (held in memory).
pub const REENCRYPT_LIMIT: u64 = 64 << 20;

/// HKDF-SHA256(ikm = Z_AC, salt = backup id, info = "ehrcrypt/backup/v1 " || purpose).
pub(crate) fn derive(z: &SymmetricKey, backup_id: &[u8; 16], purpose: &str) -> Zeroizing<[u8; 32]> {
    let mut k = Zeroizing::new([0u8; 32]);
    let info = format!("ehrcrypt/backup/v1 {purpose}");
    crate::crypto::derive::hkdf_sha256(Some(backup_id), z.expose(), info.as_bytes(), k.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    k
}

/// A public commitment to Z_AC: what the patient signs and publishes.
pub fn key_commitment(z: &SymmetricKey, backup_id: &[u8; 16]) -> [u8; 32] {
    *derive(z, backup_id, "key commitment")
}

fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The RFC 3339 form of a card's time. The time comes from a file anyone
/// may have edited: one past year 9999 (which RFC 3339 cannot write, and
/// far enough out to overflow `SystemTime`) is shown as a number.
pub fn unix_rfc3339(t: u64) -> String {
    const YEAR_10000: u64 = 253_402_300_800;
    if t >= YEAR_10000 {
        return format!("{t} (Unix seconds, out of range)");
    }
    humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + std::time::Duration::from_secs(t))
        .to_string()
}

// ---------------------------------------------------------------- inputs

/// Expands inputs: files as given, directories into the `*.json` files
/// below them (sorted, dot-files skipped).
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let entries = fs::read_dir(dir).map_err(|e| Error::io(dir, "read directory", e))?;
        let mut paths = Vec::new();
        for e in entries {
            paths.push(e.map_err(|e| Error::io(dir, "read directory", e))?.path());
        }
        paths.sort();
        for p in paths {
            let hidden = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in inputs {
        if p.as_os_str() == "-" {
            return Err(Error::usage(
                "backup inputs must be files or directories, not stdin",
            ));
        }
        if p.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        return Err(Error::usage(
            "no records to back up (directories are searched for *.json)",
        ));
    }
    Ok(out)
}

/// Unique restorable names (case-insensitively) for the objects of one
/// bucket: records from their file names, attachments from theirs.
#[derive(Default)]
struct Namer {
    seen: HashSet<String>,
}

impl Namer {
    fn name(&mut self, raw: &str) -> String {
        let base = manifest::sanitise_name(raw);
        let mut name = base.clone();
        let mut n = 2;
        while !self.seen.insert(name.to_ascii_lowercase()) {
            let (stem, ext) = match base.rfind('.') {
                Some(i) if i > 0 => (&base[..i], &base[i..]),
                _ => (base.as_str(), ""),
            };
            name = format!(
                "{}-{n}{ext}",
                &stem[..stem.len().min(manifest::MAX_NAME - 24)]
            );
            n += 1;
        }
        name
    }
}

/// Unique restorable names for `paths`, from their file names.
fn object_names(paths: &[PathBuf], namer: &mut Namer) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            let raw = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            namer.name(&raw)
        })
        .collect()
}

/// The attachments of an entity input (issue 13), each carried into the
/// bucket as an object of its own, streamed from its sidecar.
pub struct Attached {
    entity: Entity,
    key: SymmetricKey,
    file: PathBuf,
    list: Vec<(String, entity::attachment::Attachment)>,
}

/// One input, ready to be encrypted.
pub enum Loaded {
    /// A small record, or an entity's decrypted content.
    Memory {
        bytes: Zeroizing<Vec<u8>>,
        /// The entity kind when the input was an entity.
        kind: Option<EntityKind>,
        /// Its attachments, if it has any.
        attached: Option<Box<Attached>>,
        /// What re-encryption keeps, when the input was an entity.
        entity: Option<Box<EntityFacts>>,
    },
    /// A large plaintext record, streamed.
    Stream(File),
}

/// ENTITY-HOOK (input). Every input of `backup create` and `emergency
/// append` comes through here: an ehrcrypt entity is decrypted as `me`
/// (its exact original bytes); anything else must be a JSON record.
/// Records over [`PARSE_LIMIT`] are streamed, never held in memory; they
/// are refused later if they turn out to be entities (see [`Sniffer`]).
pub fn load_input(session: &Session, me: &OwnerId, path: &Path) -> Result<Loaded> {
    let source = path.display().to_string();
    let mut file = File::open(path).map_err(|e| Error::io(path, "read", e))?;
    let len = file
        .metadata()
        .map_err(|e| Error::io(path, "read", e))?
        .len();
    if len > PARSE_LIMIT {
        let mut head = [0u8; 512];
        let n = file
            .read(&mut head)
            .map_err(|e| Error::io(path, "read", e))?;
        let first = head[..n]
            .iter()
            .find(|b| !b" \t\r\n\xef\xbb\xbf".contains(b));
        if !matches!(first, Some(b'{') | Some(b'[')) {
            return Err(Error::format(format!("{source}: not a JSON record")));
        }
        file.seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(path, "read", e))?;
        return Ok(Loaded::Stream(file));
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(len as usize));
    file.read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, "read", e))?;
    let value: Value = crate::format::parse_strict(&bytes, &source, "record")?;
    if entity::is_entity(&value) || value.get("encryptedSelf").is_some() {
        let e = Entity::parse(&value, &source)?;
        // One opening of the entity gives its content key and its links.
        let (key, secret_id, parent_id) = e.key_and_links(session, me, &source)?;
        // A detached record (docs/FORMAT.md §8.4) is read from its sidecar.
        let plain = e.read_self(&key, Some(path), &source)?;
        // The list was authenticated with the record just opened.
        let attached = match e.v2.as_ref().is_some_and(|m| !m.attachments.is_empty()) {
            false => None,
            true => {
                let list = e.attachments(&key, &source)?;
                Some(Box::new(Attached {
                    entity: e.clone(),
                    key,
                    file: path.to_path_buf(),
                    list,
                }))
            }
        };
        let facts = EntityFacts {
            id: e.id_text(),
            preserved: entity::Preserved {
                clear: entity::clear_paths(&e.clear),
                secret_id,
                parent: None,
            },
            parent_id,
            envelope: Entity {
                encrypted_self: String::new(),
                ..e
            },
        };
        return Ok(Loaded::Memory {
            bytes: plain,
            kind: Some(facts.envelope.kind),
            attached,
            entity: Some(Box::new(facts)),
        });
    }
    Ok(Loaded::Memory {
        bytes,
        kind: None,
        attached: None,
        entity: None,
    })
}

/// An entity input's relations, read while it is decrypted for a backup.
pub struct EntityFacts {
    id: String,
    /// Its parent link is filled in by [`link_parents`].
    preserved: entity::Preserved,
    /// The parent id sealed in the entity, if any.
    parent_id: Option<String>,
    /// The entity without its content: enough to check a link tag.
    envelope: Entity,
}

/// Keeps a child's link to its patient when the patient is backed up too
/// and the child's link authenticates under that patient's secret id (the
/// sealed parent id alone could be a claim). `facts` are (index of the
/// object name, facts). Returns the ids of children whose parent is not in
/// the backup: re-encrypted, they stand alone.
fn link_parents(facts: &mut [(usize, Box<EntityFacts>)]) -> Vec<String> {
    let patients: Vec<(String, String)> = facts
        .iter()
        .filter(|(_, f)| f.envelope.kind == EntityKind::Patient)
        .map(|(_, f)| (f.id.clone(), f.preserved.secret_id.clone()))
        .collect();
    let mut unlinked = Vec::new();
    for (_, f) in facts.iter_mut() {
        let Some(pid) = &f.parent_id else { continue };
        let parent = patients
            .iter()
            .find(|(id, secret)| id == pid && f.envelope.is_child_of(secret));
        match parent {
            Some((id, secret)) => {
                f.preserved.parent = Some(entity::ParentLink {
                    id: id.clone(),
                    secret_id: secret.clone(),
                })
            }
            None => unlinked.push(f.id.clone()),
        }
    }
    unlinked
}

/// Wraps a streamed input and watches for `"encryptedSelf"`, so that an
/// entity too large to be parsed is refused instead of being backed up as
/// ciphertext nobody could read in an emergency.
struct Sniffer<R> {
    inner: R,
    finder: memchr::memmem::Finder<'static>,
    tail: Vec<u8>,
    found: bool,
}

impl<R: Read> Sniffer<R> {
    fn new(inner: R) -> Self {
        Sniffer {
            inner,
            finder: memchr::memmem::Finder::new(b"\"encryptedSelf\""),
            tail: Vec::new(),
            found: false,
        }
    }
}

impl<R: Read> Read for Sniffer<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 && !self.found {
            let k = self.finder.needle().len() - 1;
            let mut seam = std::mem::take(&mut self.tail);
            seam.extend_from_slice(&buf[..n.min(k)]);
            self.found = self.finder.find(&seam).is_some() || self.finder.find(&buf[..n]).is_some();
            let keep_from = seam.len().saturating_sub(k);
            if n >= k {
                self.tail = buf[n - k..n].to_vec();
            } else {
                self.tail = seam[keep_from..].to_vec();
            }
        }
        Ok(n)
    }
}

// ---------------------------------------------------------------- staging

/// A directory that is removed with its content unless kept.
struct Staging {
    path: PathBuf,
    keep: bool,
}

impl Staging {
    /// `path` is named by [`temp_name`]: a killed run's staging is removed
    /// by the next run that writes beside it.
    fn new(path: PathBuf) -> Result<Self> {
        crate::store::stale::clean(parent_dir(&path));
        crate::atomic_file::create_private_dir(&path)?;
        Ok(Staging { path, keep: false })
    }
}

impl Staging {
    /// Makes the finished directory readable by others (a bucket is
    /// meant to be copied anywhere; its objects are encrypted), syncs
    /// everything `written` below it, and renames it to `dest`.
    fn publish(&mut self, dest: &Path, written: &[PathBuf]) -> Result<()> {
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

fn random_hex16() -> (String, [u8; 16]) {
    let mut b = [0u8; 16];
    crate::crypto::random_bytes(&mut b);
    (hex(&b), b)
}

/// Makes everything written below `dir` durable: one `syncfs` on Linux.
fn sync_tree(dir: &Path, files: &[PathBuf]) -> Result<()> {
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

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn create_file(path: &Path, private: bool) -> Result<File> {
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

fn stream_error(e: stream::StreamError, what: &str) -> Error {
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
struct Encrypted {
    entries: Vec<ObjectEntry>,
    names: Vec<ObjectName>,
    reports: Vec<ObjectReport>,
    written: Vec<PathBuf>,
    /// Entity ids whose parent is not among the inputs (see [`link_parents`]).
    unlinked: Vec<String>,
}

/// Where the encrypted objects of a new bucket or appendix go.
enum Sink<'a> {
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
    fn object(
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
fn encrypt_inputs(
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

// ---------------------------------------------------------------- create

#[derive(Clone, Debug)]
pub struct CreateOptions {
    pub location: Option<String>,
    pub chunk_size: usize,
    /// Publish the bucket at this prefix of an object store instead of
    /// renaming the local folder into place: objects streamed straight
    /// into their uploads, then `signature.json`, then `manifest.json`
    /// (created, never replacing one). The local folder then only stages
    /// those two small files.
    pub remote: Option<crate::store::Location>,
}

impl Default for CreateOptions {
    fn default() -> Self {
        CreateOptions {
            location: None,
            chunk_size: stream::DEFAULT_CHUNK_SIZE,
            remote: None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReport {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub plaintext_size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// An attachment: the object id of its record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_of: Option<String>,
}

pub struct Created {
    pub card: Card,
    pub id: String,
    pub objects: Vec<ObjectReport>,
    /// Entities backed up without their parent: re-encrypted in an
    /// emergency (`--reencrypt-as`), they lose their link to it.
    pub unlinked: Vec<String>,
}

/// Sum of the sizes of `paths`, for a progress bar.
pub fn total_size(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .filter_map(|p| fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

fn check_new_dir(out: &Path) -> Result<()> {
    match fs::read_dir(out) {
        Ok(mut d) => {
            if d.next().is_some() {
                return Err(Error::refused(format!(
                    "{} already exists and is not empty",
                    out.display()
                ))
                .hint("a backup is never written over another: pick a new -o"));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if out.exists() {
                return Err(Error::refused(format!("{} already exists", out.display())));
            }
            Ok(())
        }
        Err(e) if out.is_file() => Err(Error::refused(format!(
            "{} already exists and is a file ({e})",
            out.display()
        ))),
        Err(e) => Err(Error::io(out, "read", e)),
    }
}

/// R2D Backup: encrypts `inputs` under a fresh Z_AC into the bucket `out`,
/// signs the card as `me`. The bucket appears complete or not at all.
pub fn create(
    session: &Session,
    me: &OwnerId,
    inputs: &[PathBuf],
    out: &Path,
    opts: &CreateOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Created> {
    create_with_card(session, me, inputs, out, opts, progress, &mut |_| Ok(()))
}

/// [`create`], handing the card to `keep_card` (which writes it
/// somewhere) before the bucket is published: if the card cannot be kept,
/// the bucket is never published, since Z_AC exists only on the card and
/// a bucket without it could never be read.
pub fn create_with_card(
    session: &Session,
    me: &OwnerId,
    inputs: &[PathBuf],
    out: &Path,
    opts: &CreateOptions,
    progress: &mut dyn FnMut(u64),
    keep_card: &mut dyn FnMut(&Card) -> Result<()>,
) -> Result<Created> {
    if let Some(l) = &opts.location {
        qr::check_location(l)?;
    }
    check_new_dir(out)?;
    let paths = expand_inputs(inputs)?;
    let owner = session.keystore().local_owner(me)?;
    let key = session.current_private_key(owner)?;
    let z = SymmetricKey::generate();
    let (id_hex, backup_id) = random_hex16();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = out
        .file_name()
        .ok_or_else(|| Error::usage(format!("{}: not a directory name", out.display())))?
        .to_string_lossy()
        .to_string();
    let mut staging = Staging::new(parent.join(temp_name(&base)))?;
    let objects_dir = staging.path.join(OBJECTS_DIR);
    fs::create_dir(&objects_dir).map_err(|e| Error::io(&objects_dir, "create directory", e))?;
    let remote = match &opts.remote {
        Some(loc) => {
            let (store, prefix) = crate::store::publish::bucket(loc)?;
            if !store.list(&prefix)?.is_empty() {
                return Err(Error::refused(format!("{loc}: already holds objects"))
                    .hint("a backup is never written over another: pick a new prefix"));
            }
            Some((store, prefix))
        }
        None => None,
    };
    let uploaded = remote
        .as_ref()
        .map(|(store, _)| crate::store::publish::Uploaded::new(store.as_ref()));
    let sink = match (&remote, &uploaded) {
        (Some((store, prefix)), Some(uploaded)) => Sink::Store {
            store: store.as_ref(),
            prefix: prefix.clone(),
            uploaded,
        },
        _ => Sink::Dir(&objects_dir),
    };
    let Encrypted {
        entries,
        names: sealed_names,
        reports,
        mut written,
        unlinked,
    } = encrypt_inputs(
        session,
        me,
        &paths,
        &z,
        &backup_id,
        opts.chunk_size,
        &sink,
        progress,
    )?;
    let m = Manifest::new(&z, &backup_id, opts.chunk_size, entries, &sealed_names)?;
    let mbytes = manifest::to_bytes(&m)?;
    let manifest_digest = crate::crypto::sha256(&mbytes);
    let mpath = staging.path.join(MANIFEST_FILE);
    create_file(&mpath, false)?
        .write_all(&mbytes)
        .map_err(|e| Error::io(&mpath, "write", e))?;
    let time = now_unix();
    let signer = key.public().fingerprint();
    let kc = key_commitment(&z, &backup_id);
    let msg = qr::signed_message(
        &backup_id,
        &kc,
        &signer,
        &manifest_digest,
        time,
        opts.location.as_deref(),
    );
    let signature = key.sign(&msg)?;
    let sigfile = SignatureFile {
        format: manifest::SIGNATURE_FORMAT.to_string(),
        backup: id_hex.clone(),
        signer,
        time,
        key_commitment: hex(&kc),
        manifest_sha256: hex(&manifest_digest),
        location: opts.location.clone(),
        signature: b64::encode(&signature),
    };
    let spath = staging.path.join(SIGNATURE_FILE);
    create_file(&spath, false)?
        .write_all(&manifest::to_bytes(&sigfile)?)
        .map_err(|e| Error::io(&spath, "write", e))?;
    written.push(mpath);
    written.push(spath);
    let card = Card {
        backup_id,
        key: z,
        signer,
        manifest_digest,
        time,
        location: opts.location.clone(),
        signature,
    };
    keep_card(&card)?;
    match (&remote, uploaded) {
        (Some((store, prefix)), Some(uploaded)) => {
            crate::store::publish::put_in_order(
                store.as_ref(),
                &staging.path,
                prefix,
                &[],
                &[SIGNATURE_FILE, MANIFEST_FILE],
                crate::store::PutMode::Overwrite,
            )?;
            uploaded.disarm();
        }
        _ => staging.publish(out, &written)?,
    }
    Ok(Created {
        card,
        id: id_hex,
        objects: reports,
        unlinked,
    })
}

// ---------------------------------------------------------------- open

/// Whose key the card must be signed by.
#[derive(Clone, Debug)]
pub enum SignerChoice {
    /// Any owner of the keystore with a verified key of that fingerprint.
    Auto,
    /// This owner (`--signer`).
    Owner(OwnerId),
    /// This public key (`--signer-key`).
    Key(PublicKey),
}

pub struct OpenOptions<'a> {
    pub signer: SignerChoice,
    pub keystore: Option<&'a Keystore>,
    /// Proceed when no trusted key can check the signature.
    pub no_verify: bool,
}

/// Who signed, and how far that is established.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum Trust {
    /// The signature verified under a key the user trusts.
    Verified {
        #[serde(skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        fingerprint: Fingerprint,
    },
    /// The signature verified under a key nobody vouched for, or was not
    /// checked at all (`--no-verify`); `reason` says which.
    NotVerified {
        fingerprint: Fingerprint,
        reason: String,
    },
}

pub struct OpenedAppendix {
    pub appendix: Appendix,
    pub names: Vec<ObjectName>,
    pub author: Trust,
}

/// A bucket whose card, signature, manifest and object list all checked.
pub struct Opened {
    pub dir: PathBuf,
    pub card: Card,
    pub manifest: Manifest,
    pub names: Vec<ObjectName>,
    pub appendices: Vec<OpenedAppendix>,
    pub signer: Trust,
}

/// Reads the card: a PNG (or other image) of the QR code, or a text file
/// holding the payload.
pub fn read_card_file(path: &Path) -> Result<Card> {
    let source = crate::error::display_path(path);
    let bytes = Zeroizing::new(crate::atomic_file::read(path)?);
    let text = if bytes.starts_with(b"\x89PNG") {
        qr::decode_image(&bytes, &source)?
    } else if let Ok(t) = std::str::from_utf8(&bytes) {
        if t.trim_start().starts_with("ehrbk") {
            Zeroizing::new(t.to_string())
        } else if t.trim_start().starts_with('<') {
            return Err(Error::format(format!(
                "{source}: an SVG card cannot be read back by ehrcrypt"
            ))
            .hint(format!(
                "pass the card's text instead: --qr-text \"$(zbarimg -q --raw {source})\" (or scan it with a phone), or a PNG of the card"
            )));
        } else {
            return Err(Error::format(format!(
                "{source}: neither a PNG of a backup card nor its text"
            )));
        }
    } else {
        qr::decode_image(&bytes, &source)?
    };
    Card::from_text(&text).map_err(|e| e.context(&source))
}

fn read_doc(path: &Path, what: &str) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| {
        let err = Error::io(path, "read", e);
        if err.kind() == crate::ErrorKind::NotFound {
            Error::integrity(format!("{} is missing: {what}", path.display()))
        } else {
            err
        }
    })
}

/// Finds the key the card names, according to `choice`.
fn resolve_signer(card: &Card, opts: &OpenOptions) -> Result<(Option<PublicKey>, Trust)> {
    let fp = card.signer;
    let not_verified = |reason: String| Trust::NotVerified {
        fingerprint: fp,
        reason,
    };
    match &opts.signer {
        SignerChoice::Key(k) => {
            if k.fingerprint() != fp {
                return Err(Error::integrity(format!(
                    "the card is signed by key {}, not by the key given with --signer-key ({})",
                    fp.short(),
                    k.fingerprint().short()
                )));
            }
            Ok((
                Some(k.clone()),
                Trust::Verified {
                    owner: None,
                    name: None,
                    fingerprint: fp,
                },
            ))
        }
        SignerChoice::Owner(id) => {
            let ks = opts.keystore.ok_or_else(|| {
                Error::usage("--signer needs a keystore")
                    .hint("pass --keystore, or --signer-key PEM")
            })?;
            let owner = ks.owner(id)?;
            let entry = owner.public_key(&fp).ok_or_else(|| {
                Error::integrity(format!(
                    "the card is signed by key {}, which is not a key of {id}",
                    fp.short()
                ))
                .hint("this is not the backup you were told it is: do not trust its content")
            })?;
            let key = entry.key()?;
            if entry.is_verified() {
                Ok((
                    Some(key),
                    Trust::Verified {
                        owner: Some(id.to_string()),
                        name: Some(owner.name.clone()),
                        fingerprint: fp,
                    },
                ))
            } else if opts.no_verify {
                Ok((
                    Some(key),
                    not_verified(format!("key of {id} is not verified")),
                ))
            } else {
                Err(Error::refused(format!(
                    "the card is signed by key {} of {id}, which is not verified in this keystore",
                    fp.short()
                ))
                .hint(format!("compare the fingerprint with {id} out of band and run `ehrcrypt owner verify {id} --fingerprint FP`, or pass --no-verify")))
            }
        }
        SignerChoice::Auto => {
            let found = opts.keystore.and_then(|ks| {
                ks.owners()
                    .iter()
                    .find_map(|o| o.public_key(&fp).map(|e| (o, e)))
            });
            match found {
                Some((o, e)) if e.is_verified() => Ok((
                    Some(e.key()?),
                    Trust::Verified {
                        owner: Some(o.id.to_string()),
                        name: Some(o.name.clone()),
                        fingerprint: fp,
                    },
                )),
                Some((o, e)) if opts.no_verify => Ok((
                    Some(e.key()?),
                    not_verified(format!("key of {} is not verified", o.id)),
                )),
                Some((o, _)) => Err(Error::refused(format!(
                    "the card is signed by key {} of {}, which is not verified in this keystore",
                    fp.short(),
                    o.id
                ))
                .hint(format!("compare the fingerprint with {} out of band and run `ehrcrypt owner verify {} --fingerprint FP`, or pass --no-verify", o.id, o.id))),
                None if opts.no_verify => Ok((None, not_verified("signer's key unknown; signature not checked".into()))),
                None => Err(Error::refused(format!(
                    "no verifiable signer: the card is signed by key {}, which is not in the keystore",
                    fp.short()
                ))
                .hint("import and verify the patient's owner document, or pass --signer-key PEM; --no-verify reads it unverified")),
            }
        }
    }
}

/// The files in `dir` (names only); a missing directory is empty.
fn list_dir(dir: &Path) -> Result<Vec<String>> {
    match fs::read_dir(dir) {
        Ok(rd) => {
            let mut v = Vec::new();
            for e in rd {
                let e = e.map_err(|e| Error::io(dir, "read directory", e))?;
                v.push(e.file_name().to_string_lossy().to_string());
            }
            v.sort();
            Ok(v)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::io(dir, "read directory", e)),
    }
}

/// Checks that `dir` holds exactly the listed objects (plus `allowed`
/// other names) with the listed sizes.
fn check_objects(
    dir: &Path,
    entries: &[ObjectEntry],
    names: &[ObjectName],
    allowed: &[&str],
    whose: &str,
) -> Result<()> {
    let present = list_dir(dir)?;
    let listed: HashSet<String> = entries
        .iter()
        .map(|e| format!("{}.{OBJECT_EXT}", e.id))
        .collect();
    for f in &present {
        if !listed.contains(f) && !allowed.contains(&f.as_str()) {
            return Err(Error::integrity(format!(
                "unexpected object {}: not listed in the {whose}",
                dir.join(f).display()
            ))
            .hint("someone added it to the bucket; remove it only after finding out who"));
        }
    }
    for (e, n) in entries.iter().zip(names) {
        let p = dir.join(format!("{}.{OBJECT_EXT}", e.id));
        let len = match fs::metadata(&p) {
            Ok(m) => m.len(),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::integrity(format!(
                    "object {} ({}) is missing from the bucket",
                    n.name,
                    p.display()
                )))
            }
            Err(err) => return Err(Error::io(&p, "read", err)),
        };
        if len < e.size {
            return Err(Error::integrity(format!(
                "object {} ({}) is truncated: {len} of {} bytes",
                n.name,
                p.display(),
                e.size
            )));
        }
        if len > e.size {
            return Err(Error::integrity(format!(
                "object {} ({}) has {len} bytes, the {whose} lists {}: extended or replaced",
                n.name,
                p.display(),
                e.size
            )));
        }
    }
    Ok(())
}

/// Trust in an appendix author, from the keystore.
fn author_trust(author: &Author, ks: Option<&Keystore>) -> Trust {
    let found = ks.and_then(|ks| {
        ks.owners()
            .iter()
            .find_map(|o| o.public_key(&author.fingerprint).map(|e| (o, e)))
    });
    match found {
        Some((o, e)) if e.is_verified() => Trust::Verified {
            owner: Some(o.id.to_string()),
            name: Some(o.name.clone()),
            fingerprint: author.fingerprint,
        },
        Some((o, _)) => Trust::NotVerified {
            fingerprint: author.fingerprint,
            reason: format!("key of {} is not verified here", o.id),
        },
        None => Trust::NotVerified {
            fingerprint: author.fingerprint,
            reason: format!("{} is not in this keystore", author.owner),
        },
    }
}

fn open_appendices(
    dir: &Path,
    m: &Manifest,
    z: &SymmetricKey,
    ks: Option<&Keystore>,
) -> Result<Vec<OpenedAppendix>> {
    let adir = dir.join(APPENDIX_DIR);
    let backup_id = m.backup_id();
    let kc = key_commitment(z, &backup_id);
    let mut out = Vec::new();
    for entry in list_dir(&adir)? {
        if entry.starts_with('.') {
            continue; // an append still in progress, or one that crashed: not published
        }
        let sub = adir.join(&entry);
        if !manifest::is_hex_id(&entry) || !sub.is_dir() {
            return Err(Error::integrity(format!(
                "unexpected entry {} in the bucket's appendix directory",
                sub.display()
            )));
        }
        let apath = sub.join(APPENDIX_FILE);
        let source = apath.display().to_string();
        let a = Appendix::parse(
            &read_doc(&apath, "appendix without its description")?,
            &source,
        )?;
        if a.id != entry || a.backup != m.id {
            return Err(Error::integrity(format!(
                "{source} belongs to another appendix or backup (moved)"
            )));
        }
        let key = PublicKey::from_pem(&a.author.spki).map_err(|e| e.context(&source))?;
        let sig = b64::decode(&a.signature, "signature").map_err(|e| e.context(&source))?;
        if key.fingerprint() != a.author.fingerprint || !key.verify(&a.signed_message(&kc)?, &sig) {
            return Err(Error::integrity(format!(
                "{source}: the signature of {} does not verify (the appendix was modified)",
                a.author.owner
            )));
        }
        let names = a.open_names(z, &backup_id, &source)?;
        check_objects(
            &sub,
            &a.objects,
            &names,
            &[APPENDIX_FILE],
            &format!("appendix {}", &a.id[..8]),
        )?;
        let author = author_trust(&a.author, ks);
        out.push(OpenedAppendix {
            appendix: a,
            names,
            author,
        });
    }
    out.sort_by(|a, b| {
        (a.appendix.created.as_str(), a.appendix.id.as_str())
            .cmp(&(b.appendix.created.as_str(), b.appendix.id.as_str()))
    });
    Ok(out)
}

/// Checks everything that can be checked before decrypting: the card
/// matches the bucket, the signature verifies under the chosen key, the
/// manifest authenticates under Z_AC, every object is present with its
/// listed size and nothing else is there, and every appendix is signed.
pub fn open(dir: &Path, card: Card, opts: &OpenOptions) -> Result<Opened> {
    if !dir.is_dir() {
        return Err(Error::not_found(format!(
            "{}: no such backup directory",
            dir.display()
        )));
    }
    let mpath = dir.join(MANIFEST_FILE);
    let mbytes = read_doc(&mpath, "this is not a complete ehrcrypt backup")?;
    let source = mpath.display().to_string();
    // Authenticate before parsing (issue 11, defect 6): a manifest of a
    // million objects cost 1.35 GB to parse before its digest was found
    // wrong. Only the id is read from an unauthenticated one, to say
    // whether the card belongs to another backup.
    if crate::crypto::sha256(&mbytes) != card.manifest_digest {
        #[derive(serde::Deserialize)]
        struct IdOnly {
            id: String,
        }
        let id = serde_json::from_slice::<IdOnly>(&mbytes).map(|m| m.id);
        return Err(match id {
            Ok(id) if id != hex(&card.backup_id) => Error::integrity(format!(
                "wrong card: it is for backup {}, but {} holds backup {id}",
                hex(&card.backup_id),
                dir.display(),
            )),
            _ => Error::integrity(format!(
                "{source} does not match the digest on the card: the manifest was modified"
            )),
        });
    }
    let m = Manifest::parse(&mbytes, &source)?;
    if m.id != hex(&card.backup_id) {
        return Err(Error::integrity(format!(
            "wrong card: it is for backup {}, but {} holds backup {}",
            hex(&card.backup_id),
            dir.display(),
            m.id
        )));
    }
    let (key, trust) = resolve_signer(&card, opts)?;
    if let Some(key) = key {
        let kc = key_commitment(&card.key, &card.backup_id);
        let msg = qr::signed_message(
            &card.backup_id,
            &kc,
            &card.signer,
            &card.manifest_digest,
            card.time,
            card.location.as_deref(),
        );
        if !key.verify(&msg, &card.signature) {
            return Err(Error::integrity(
                "the card's signature does not verify: the card was altered or forged",
            ));
        }
    }
    let names = m.open_names(&card.key, &source)?;
    check_objects(&dir.join(OBJECTS_DIR), &m.objects, &names, &[], "manifest")?;
    let appendices = open_appendices(dir, &m, &card.key, opts.keystore)?;
    Ok(Opened {
        dir: dir.to_path_buf(),
        card,
        manifest: m,
        names,
        appendices,
        signer: trust,
    })
}

// ---------------------------------------------------------------- decrypt

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
}

/// Turns one decrypted record (its bytes, its name, a description for
/// messages) into the bytes to write.
pub type Transform<'a> = dyn FnMut(&[u8], &ObjectName, &str) -> Result<Vec<u8>> + 'a;

/// How decrypted objects are written out.
pub enum OutputMode<'a> {
    /// The records as they were backed up.
    Plain,
    /// Each record through a transformation (re-encryption into an
    /// entity): the plaintext stays in memory, never on disk.
    Transform(&'a mut Transform<'a>),
}

struct Job<'a> {
    entry: &'a ObjectEntry,
    name: &'a ObjectName,
    file: PathBuf,
    rel: PathBuf,
    appendix: Option<&'a OpenedAppendix>,
    /// The chunk size its (authenticated) manifest or appendix lists.
    chunk_size: usize,
}

impl Opened {
    fn jobs(&self) -> Vec<Job<'_>> {
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
        mut mode: OutputMode<'_>,
        before_release: &mut dyn FnMut(&Opened) -> Result<()>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<Released>> {
        let mut jobs = self.jobs();
        if matches!(mode, OutputMode::Transform(_)) {
            if let Some(j) = jobs.iter().find(|j| j.name.attachment_of.is_some()) {
                return Err(Error::refused(format!(
                    "the backup carries attachments ({} is one), which --reencrypt-as does not re-encrypt yet; nothing was written",
                    j.name.name
                ))
                .hint("decrypt without --reencrypt-as, then encrypt the records with their attachments (`entity encrypt --attach`)"));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for j in &mut jobs {
            // An attachment keeps its name as it is (it is no record).
            if let Some(name) = j.rel.file_name().filter(|_| j.name.attachment_of.is_none()) {
                let renamed = match mode {
                    OutputMode::Plain => crate::format::names::decrypted(name),
                    OutputMode::Transform(_) => crate::format::names::encrypted(name),
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
        let result = self.decrypt_staged(out_dir, &jobs, &mut mode, before_release, progress);
        if result.is_err() && created_out {
            let _ = fs::remove_dir_all(out_dir);
        }
        result
    }

    fn decrypt_staged(
        &self,
        out_dir: &Path,
        jobs: &[Job<'_>],
        mode: &mut OutputMode<'_>,
        before_release: &mut dyn FnMut(&Opened) -> Result<()>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<Released>> {
        let staging = Staging::new(out_dir.join(temp_name("ehrcrypt-restore")))?;
        let z = &self.card.key;
        let backup_id = &self.card.backup_id;
        let mut released = Vec::new();
        let mut staged = Vec::new();
        for j in jobs {
            let what = match j.appendix {
                None => format!("object {} ({})", j.name.name, j.file.display()),
                Some(a) => format!(
                    "appended object {} of {} ({})",
                    j.name.name,
                    a.appendix.author.owner,
                    j.file.display()
                ),
            };
            let tmp = staging.path.join(&j.rel);
            if let Some(p) = tmp.parent() {
                fs::create_dir_all(p).map_err(|e| Error::io(p, "create directory", e))?;
            }
            let mut input = File::open(&j.file).map_err(|e| Error::io(&j.file, "read", e))?;
            let (info, size) = match mode {
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
                    (info, info.plaintext_size)
                }
                OutputMode::Transform(f) => {
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
                    let bytes = f(&plain, j.name, &what)?;
                    let mut out = create_file(&tmp, true)?;
                    out.write_all(&bytes)
                        .map_err(|e| Error::io(&tmp, "write", e))?;
                    (info, bytes.len() as u64)
                }
            };
            if hex(&info.sha256) != j.entry.sha256 {
                return Err(digest_error(&what));
            }
            staged.push(tmp);
            released.push(Released {
                path: j.rel.to_string_lossy().to_string(),
                object: j.entry.id.clone(),
                size,
                appendix: j.appendix.map(|a| a.appendix.id.clone()),
                author: j.appendix.map(|a| a.author.clone()),
            });
        }
        before_release(self)?;
        sync_tree(&staging.path, &staged)?;
        for j in jobs {
            let dest = out_dir.join(&j.rel);
            if let Some(p) = dest.parent() {
                fs::create_dir_all(p).map_err(|e| Error::io(p, "create directory", e))?;
            }
            fs::rename(staging.path.join(&j.rel), &dest)
                .map_err(|e| Error::io(&dest, "write", e))?;
        }
        sync_dir(out_dir);
        drop(staging);
        Ok(released)
    }
}

fn digest_error(what: &str) -> Error {
    Error::integrity(format!(
        "{what} does not match its digest in the manifest (rewritten by someone holding the card)"
    ))
}

// ---------------------------------------------------------------- append

pub struct Appended {
    pub appendix: String,
    pub objects: Vec<ObjectReport>,
    /// As in [`Created::unlinked`].
    pub unlinked: Vec<String>,
}

/// R2D Emergency "create": `me` adds `inputs` to an opened bucket as a new
/// signed appendix, encrypted under the card's key. The patient's
/// manifest and objects are not touched. The appendix is built in a
/// hidden directory and renamed into place, so it appears whole or not at all.
pub fn append(
    session: &Session,
    opened: &Opened,
    me: &OwnerId,
    inputs: &[PathBuf],
    progress: &mut dyn FnMut(u64),
) -> Result<Appended> {
    let paths = expand_inputs(inputs)?;
    let owner = session.keystore().local_owner(me)?;
    let key = session.current_private_key(owner)?;
    let z = &opened.card.key;
    let backup_id = opened.card.backup_id;
    let chunk_size = stream::DEFAULT_CHUNK_SIZE;
    let (aid, _) = random_hex16();
    let adir = opened.dir.join(APPENDIX_DIR);
    fs::create_dir_all(&adir).map_err(|e| Error::io(&adir, "create directory", e))?;
    let mut staging = Staging::new(adir.join(temp_name(&aid)))?;
    let Encrypted {
        entries,
        names: sealed,
        reports,
        mut written,
        unlinked,
    } = encrypt_inputs(
        session,
        me,
        &paths,
        z,
        &backup_id,
        chunk_size,
        &Sink::Dir(&staging.path),
        progress,
    )?;
    let mut a = Appendix {
        format: manifest::APPENDIX_FORMAT.to_string(),
        backup: hex(&backup_id),
        id: aid.clone(),
        created: crate::now_rfc3339(),
        author: Author {
            owner: me.to_string(),
            fingerprint: key.public().fingerprint(),
            spki: key.public().to_pem(),
        },
        chunk_size: chunk_size as u64,
        objects: entries,
        names: String::new(),
        signature: String::new(),
    };
    a.seal(z, &backup_id, &sealed)?;
    a.signature = b64::encode(&key.sign(&a.signed_message(&opened.key_commitment())?)?);
    let apath = staging.path.join(APPENDIX_FILE);
    create_file(&apath, false)?
        .write_all(&manifest::to_bytes(&a)?)
        .map_err(|e| Error::io(&apath, "write", e))?;
    written.push(apath);
    let dest = adir.join(&aid);
    staging.publish(&dest, &written)?;
    // Every append is in the access log: if it cannot be logged, it is
    // taken back rather than left unaccounted for.
    let logged = access_log::append(
        &opened.dir.join(ACCESS_LOG_FILE),
        z,
        &backup_id,
        "emergency-append",
        reports.iter().map(|r| r.id.clone()).collect(),
        Some(aid.clone()),
        access_log::Signer::Professional {
            owner: me.as_str(),
            key: &key,
        },
    );
    if let Err(e) = logged {
        let _ = fs::remove_dir_all(&dest);
        sync_dir(&adir);
        return Err(e.hint("nothing was appended: every append is logged in the bucket"));
    }
    Ok(Appended {
        appendix: aid,
        objects: reports,
        unlinked,
    })
}

// ---------------------------------------------------------------- re-encrypt

/// ENTITY-HOOK (output). `--reencrypt-as HCP`: each decrypted record becomes
/// an ehrcrypt entity of `me`, encrypted in memory, so that the data never
/// lands on disk in plaintext. The entity kind is the one recorded when the
/// backed-up input was an entity, else `default_kind`.
pub struct Reencryptor {
    encryptors: Vec<(EntityKind, Encryptor)>,
    default_kind: Option<EntityKind>,
}

impl Reencryptor {
    /// Resolves `me`'s exchange keys once for every kind `names` need.
    pub fn new(
        session: &mut Session,
        me: &OwnerId,
        names: &[&ObjectName],
        default_kind: Option<EntityKind>,
    ) -> Result<Self> {
        let mut kinds: Vec<EntityKind> = Vec::new();
        for n in names {
            let k = Self::kind_of(n, default_kind)?;
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        let mut encryptors = Vec::new();
        for kind in kinds {
            let opts = EncryptOptions {
                kind,
                share_with: Vec::new(),
                clear: Vec::new(),
                parent: None,
                allow_unverified: false,
            };
            encryptors.push((kind, Encryptor::new(session, me, &opts)?));
        }
        Ok(Reencryptor {
            encryptors,
            default_kind,
        })
    }

    fn kind_of(n: &ObjectName, default_kind: Option<EntityKind>) -> Result<EntityKind> {
        match &n.kind {
            Some(k) => k.parse(),
            None => default_kind.ok_or_else(|| {
                Error::usage(format!(
                    "{}: the backup does not record an entity kind for this record",
                    n.name
                ))
                .hint("pass --kind patient|contact|form|health-element")
            }),
        }
    }

    pub fn transform(&self, plaintext: &[u8], name: &ObjectName, source: &str) -> Result<Vec<u8>> {
        let kind = Self::kind_of(name, self.default_kind)?;
        let enc = self
            .encryptors
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, e)| e)
            .ok_or_else(|| Error::internal("no encryptor for kind"))?;
        let entity = match &name.entity {
            // Backed up from an entity: keep its clear fields and links.
            Some(keep) => enc.encrypt_bytes_preserving(plaintext, source, keep)?,
            None => enc.encrypt_bytes(plaintext, source)?,
        };
        Ok(entity.to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `data` through a sniffer in pieces of `step` bytes.
    fn sniff(data: &[u8], step: usize) -> bool {
        struct Pieces<'a>(&'a [u8], usize);
        impl Read for Pieces<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut s = Sniffer::new(Pieces(data, step));
        std::io::copy(&mut s, &mut std::io::sink()).unwrap();
        s.found
    }

    #[test]
    fn sniffer_finds_entities_across_read_boundaries() {
        let mut data = vec![b' '; 1000];
        data.extend_from_slice(br#""encryptedSelf": "x""#);
        data.extend(vec![b' '; 1000]);
        for step in [1, 2, 7, 14, 15, 16, 100, 1009, 4096] {
            assert!(sniff(&data, step), "step {step}");
        }
        assert!(!sniff(&[b'x'; 5000], 13));
        assert!(!sniff(br#"{"encryptedSel": 1, "f": "encryptedSelfie"}"#, 3));
    }

    #[test]
    fn any_card_time_formats_without_a_panic() {
        assert_eq!(unix_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(unix_rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        for t in [253_402_300_800, u64::MAX / 2, u64::MAX] {
            assert!(unix_rfc3339(t).contains("out of range"), "{t}");
        }
    }

    #[test]
    fn derived_keys_are_separated_by_purpose_and_backup() {
        let z = SymmetricKey::generate();
        let a = derive(&z, &[1; 16], "manifest");
        assert_ne!(*a, *derive(&z, &[1; 16], "access log"));
        assert_ne!(*a, *derive(&z, &[2; 16], "manifest"));
        assert_ne!(&a[..], &z.expose()[..]);
    }

    #[test]
    fn object_names_are_unique_and_valid() {
        let paths: Vec<PathBuf> = ["a/x.json", "b/x.json", "c/X.json", "../.hidden.json"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let names = object_names(&paths, &mut Namer::default());
        assert_eq!(names, ["x.json", "x-2.json", "X-3.json", "hidden.json"]);
        assert!(names.iter().all(|n| manifest::valid_name(n)));
    }
}
