//! Attachments of v2 entities (issue 13, docs/FORMAT.md §8.3): named binary
//! files sealed as chunked AEAD streams ([`crate::crypto::stream`], the
//! backup object format with its own magic and binding) in sidecar files
//! beside the entity, `ENTITY.<id>.ehrat`.
//!
//! Bound both ways: each stream's chunk key comes from the entity key and
//! its associated data names the entity (salt, id, kind) and the
//! attachment id; the entity's `encryptedSelf` associated data covers each
//! attachment's id, size and the SHA-256 of its sidecar. The names are
//! sealed in `attachmentNames`, so no original file name shows. Share,
//! revoke and list never open a sidecar.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use zeroize::Zeroizing;

use serde::{Deserialize, Serialize};

use super::Entity;
use crate::crypto::derive::hkdf32;
use crate::crypto::stream::{self, Binding, StreamError};
use crate::crypto::{b64, hex, Context, SymmetricKey};
use crate::error::{Error, Result};

const NAMES_INFO: &str = "ehrcrypt/entity/v2 attachment names";
/// Most attachments one entity may list (bounds what a reader allocates).
pub const MAX_ATTACHMENTS: usize = 4096;

/// One attachment as the entity lists it, in clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// 16 random bytes; names the sidecar and binds the stream.
    pub id: [u8; 16],
    /// Plaintext bytes.
    pub size: u64,
    /// SHA-256 of the sidecar file as written.
    pub sha256: [u8; 32],
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AttachmentJson {
    pub id: String,
    pub size: u64,
    pub sha256: String,
}

impl Attachment {
    pub(super) fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"id": hex(&self.id), "size": self.size, "sha256": hex(&self.sha256)})
    }

    pub(super) fn from_json(a: AttachmentJson) -> Option<Self> {
        Some(Attachment {
            id: crate::crypto::unhex::<16>(&a.id)?,
            size: a.size,
            sha256: crate::crypto::unhex::<32>(&a.sha256)?,
        })
    }

    /// The sidecar's size for this plaintext size (64 KiB chunks).
    pub fn sidecar_size(&self) -> u64 {
        stream::encrypted_size(self.size, stream::DEFAULT_CHUNK_SIZE).0
    }
}

/// What a sidecar holds: one attachment, or the entity's record itself
/// (§8.4). Each has its own binding, so neither opens as the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Attachment,
    Record,
}

/// The record (`encryptedSelf` plaintext) size above which an encryption
/// that writes beside a local file detaches it into a sidecar stream
/// (docs/FORMAT.md §8.4): 1 MiB. A reader accepts either form at any size.
pub const DETACH_THRESHOLD: usize = 1 << 20;

/// A detached record's sidecar, sealed by an encryption and held until it
/// is written beside its entity file ([`Entity::take_detached_body`]).
#[derive(Clone, PartialEq, Eq)]
pub struct DetachedBody {
    /// The attachment id it is listed under (its file name).
    pub id: [u8; 16],
    bytes: std::sync::Arc<Vec<u8>>,
}

impl std::fmt::Debug for DetachedBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DetachedBody({} bytes)", self.bytes.len())
    }
}

impl DetachedBody {
    /// The sidecar's bytes, as they go to disk.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Writes the sidecar beside `entity_file` (temporary file, synced,
    /// renamed): call before the entity file is written.
    pub fn write_beside(&self, entity_file: &Path) -> Result<PathBuf> {
        let dest = sidecar_path(entity_file, &self.id);
        let mut tmp =
            crate::atomic_file::TempFile::create(&dest, crate::atomic_file::Mode::Public)?;
        let file = tmp.file()?;
        file.write_all(&self.bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io(&dest, "write", e))?;
        tmp.persist()?;
        Ok(dest)
    }

    /// Stages the sidecar beside `entity_file` into `batch` (push it
    /// before the entity: a batch renames in order).
    pub fn stage_beside(
        &self,
        entity_file: &Path,
        batch: &crate::store::atomic_file::Batch,
        mode: crate::store::Mode,
    ) -> Result<crate::store::atomic_file::Staged> {
        batch.stage_with(&sidecar_path(entity_file, &self.id), mode, |w| {
            w.write_all(&self.bytes)
        })
    }
}

/// A detached record (§8.4) whose entity authenticated, still in its
/// sidecar: streamed to its output chunk by chunk, each chunk
/// authenticated before it is written, so memory stays bounded at any size.
pub struct DetachedRecord {
    entity: Entity,
    key: SymmetricKey,
    file: PathBuf,
    desc: Attachment,
}

impl DetachedRecord {
    /// The record's size in bytes (authenticated).
    pub fn size(&self) -> u64 {
        self.desc.size
    }

    /// Streams the record into `out`. Nothing is written if the sidecar is
    /// missing or has the wrong length; a damaged chunk stops the stream
    /// there (a file output is staged, never published then).
    pub fn read_into(&self, out: &mut (dyn Write + Send)) -> Result<()> {
        self.entity
            .read_sidecar(Role::Record, &self.key, &self.file, &self.desc, out)
    }

    /// [`DetachedRecord::read_into`] for any writer (through a helper
    /// thread, [`pipe`]).
    /// `dest` names the output in a write error (a full disk is the
    /// output's, not the sidecar's).
    pub fn copy_to(&self, out: &mut dyn Write, dest: &Path) -> Result<()> {
        self.entity
            .sidecar_reader(Role::Record, &self.key, &self.file, &self.desc, |r| {
                std::io::copy(r, out)
                    .map(|_| ())
                    .map_err(|e| Error::io(dest, "write", e))
            })
    }

    /// Stages the record for `dest` in `batch`, streamed: published at
    /// commit, only if the whole stream authenticated.
    pub fn stage(
        &self,
        dest: &Path,
        batch: &crate::store::atomic_file::Batch,
        mode: crate::store::Mode,
    ) -> Result<crate::store::atomic_file::Staged> {
        stage_copy(batch, dest, mode, |w| self.copy_to(w, dest))
    }

    /// The whole record in memory.
    pub fn into_bytes(self) -> Result<Zeroizing<Vec<u8>>> {
        self.entity
            .read_detached_whole(&self.key, &self.file, &self.desc)
    }
}

/// Stages `dest` in `batch` with what `copy` writes, keeping `copy`'s own
/// error (its kind and exit code) rather than a write error.
fn stage_copy(
    batch: &crate::store::atomic_file::Batch,
    dest: &Path,
    mode: crate::store::Mode,
    copy: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<crate::store::atomic_file::Staged> {
    let mut failed = None;
    let s = batch.stage_with(dest, mode, |w| {
        copy(w).map_err(|e| {
            let io = std::io::Error::other(e.message().to_string());
            failed = Some(e);
            io
        })
    });
    match failed {
        Some(e) => Err(e),
        None => s,
    }
}

/// Where the sidecar of attachment `id` of the entity file `entity` lives.
pub fn sidecar_path(entity: &Path, id: &[u8; 16]) -> PathBuf {
    let mut name = entity.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.ehrat", hex(id)));
    entity.with_file_name(name)
}

/// A name an attachment may be restored under: 1 to 255 bytes, no path
/// separator, not `.` or `..`, no control character.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 255
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "attachment name {name:?}: 1 to 255 bytes, no '/' or '\\', not . or .., no control characters"
        )))
    }
}

pub(super) fn stream_error(e: StreamError, file: &Path) -> Error {
    let f = file.display();
    match e {
        StreamError::Io(e) => Error::io(file, "read or write", e),
        StreamError::Header(what) => Error::integrity(format!("{f}: {what}")),
        StreamError::Chunk { index } => Error::integrity(format!(
            "{f}: chunk {index} does not authenticate (modified, reordered, or from another entity or attachment)"
        )),
        StreamError::Truncated { index } => {
            Error::integrity(format!("{f}: truncated at chunk {index}"))
        }
        StreamError::TooLong => Error::integrity(format!("{f}: too many chunks")),
    }
}

impl Entity {
    fn sidecar_binding(&self, role: Role, id: &[u8; 16]) -> Result<Binding> {
        let meta = self
            .v2
            .as_ref()
            .ok_or_else(|| Error::internal("sidecars need a v2 entity"))?;
        let bind = match role {
            Role::Attachment => Binding::attachment,
            Role::Record => Binding::detached_self,
        };
        Ok(bind(&meta.salt, &self.id_text(), self.kind.as_str(), id))
    }

    /// Seals `plaintext` as this entity's detached record (§8.4): a
    /// sidecar stream in memory, listed in `detachedSelf` (call before
    /// `seal_self`, whose associated data covers it, then seal nothing).
    pub(super) fn seal_detached(&mut self, key: &SymmetricKey, plaintext: &[u8]) -> Result<()> {
        let mut id = [0u8; 16];
        crate::crypto::random_bytes(&mut id);
        let binding = self.sidecar_binding(Role::Record, &id)?;
        let (size, _) = stream::encrypted_size(plaintext.len() as u64, stream::DEFAULT_CHUNK_SIZE);
        let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        let info = stream::encrypt_bound(
            key,
            &binding,
            stream::DEFAULT_CHUNK_SIZE,
            &mut &plaintext[..],
            &mut out,
            &mut |_| {},
        )
        .map_err(|e| stream_error(e, Path::new("detached record")))?;
        let meta = self
            .v2
            .as_mut()
            .ok_or_else(|| Error::internal("sidecars need a v2 entity"))?;
        meta.detached = Some(Attachment {
            id,
            size: info.plaintext_size,
            sha256: info.sha256,
        });
        meta.body = Some(DetachedBody {
            id,
            bytes: std::sync::Arc::new(out),
        });
        Ok(())
    }

    /// Lists `record` as this entity's detached record, streamed into its
    /// sidecar already (call before `seal_self`, whose associated data
    /// covers it, then seal nothing).
    pub(super) fn set_detached(&mut self, record: Attachment) -> Result<()> {
        self.v2
            .as_mut()
            .ok_or_else(|| Error::internal("sidecars need a v2 entity"))?
            .detached = Some(record);
        Ok(())
    }

    /// The sidecar of a detached record made by this process's encryption
    /// and not written yet: the caller writes it beside the entity file
    /// ([`DetachedBody::write_beside`], [`DetachedBody::stage_beside`])
    /// before the entity.
    pub fn take_detached_body(&mut self) -> Option<DetachedBody> {
        self.v2.as_mut().and_then(|m| m.body.take())
    }

    /// Whether the record is in a sidecar (§8.4) rather than inside
    /// `encryptedSelf`.
    pub fn is_detached(&self) -> bool {
        self.v2.as_ref().is_some_and(|m| m.detached.is_some())
    }

    /// The record, authenticated: `encryptedSelf` opened, and for a
    /// detached record (§8.4) its sidecar beside `entity_file` streamed in
    /// and checked against the descriptor `encryptedSelf` covers. Only the
    /// plaintext is held (no base64, no second copy).
    pub fn read_self(
        &self,
        key: &SymmetricKey,
        entity_file: Option<&Path>,
        source: &str,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let marker = self.open_self(key, source)?;
        let Some(d) = self.v2.as_ref().and_then(|m| m.detached.clone()) else {
            return Ok(marker);
        };
        self.read_detached(key, marker, entity_file, &d, source)
    }

    /// [`Entity::read_self`] once `encryptedSelf` is opened (`marker`).
    pub(super) fn read_detached(
        &self,
        key: &SymmetricKey,
        marker: Zeroizing<Vec<u8>>,
        entity_file: Option<&Path>,
        d: &Attachment,
        source: &str,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let file = self.detached_file(&marker, entity_file, source)?;
        self.read_detached_whole(key, file, d)
    }

    /// The entity file a detached record is read beside, once
    /// `encryptedSelf` opened as the empty `marker` it must be.
    fn detached_file<'a>(
        &self,
        marker: &[u8],
        entity_file: Option<&'a Path>,
        source: &str,
    ) -> Result<&'a Path> {
        if !marker.is_empty() {
            return Err(Error::integrity(format!(
                "{source}: entity {}: lists a detached record but encryptedSelf is not empty",
                self.id_text()
            )));
        }
        entity_file.filter(|f| f.as_os_str() != "-").ok_or_else(|| {
            Error::usage(format!(
                "{source}: entity {} keeps its record in a sidecar beside its file; it can only be read from a local entity file",
                self.id_text()
            ))
            .hint("copy the entity and its .ehrat sidecar(s) to a local folder and read it there")
        })
    }

    /// The detached record `d` beside `file`, authenticated, in memory.
    fn read_detached_whole(
        &self,
        key: &SymmetricKey,
        file: &Path,
        d: &Attachment,
    ) -> Result<Zeroizing<Vec<u8>>> {
        // The size is authenticated, and the sidecar must have the length
        // it implies: allocate no more than the file holds.
        let on_disk = std::fs::metadata(sidecar_path(file, &d.id)).map_or(0, |m| m.len());
        let cap = d.size.min(on_disk);
        let mut out = Zeroizing::new(Vec::with_capacity(usize::try_from(cap).unwrap_or(0)));
        self.read_sidecar(Role::Record, key, file, d, &mut *out)?;
        Ok(out)
    }

    /// The detached record of this entity, `encryptedSelf` opened as
    /// `marker` (which authenticated the descriptor), to be streamed from
    /// its sidecar beside `entity_file`.
    pub(super) fn into_detached(
        self,
        key: SymmetricKey,
        marker: &[u8],
        entity_file: Option<&Path>,
        source: &str,
    ) -> Result<DetachedRecord> {
        let desc = self
            .v2
            .as_ref()
            .and_then(|m| m.detached.clone())
            .ok_or_else(|| Error::internal("the record is not detached"))?;
        let file = self
            .detached_file(marker, entity_file, source)?
            .to_path_buf();
        Ok(DetachedRecord {
            entity: self,
            key,
            file,
            desc,
        })
    }

    fn names_context(&self, salt: &[u8; 16]) -> Context {
        Context::new(super::FORMAT_V2)
            .with("attachmentNames")
            .with_bytes(salt)
            .with(&self.id_text())
            .with(self.kind.as_str())
    }

    /// The attachments with their names, opened with the entity key.
    pub fn attachments(
        &self,
        key: &SymmetricKey,
        source: &str,
    ) -> Result<Vec<(String, Attachment)>> {
        let Some(meta) = &self.v2 else {
            return Ok(Vec::new());
        };
        if meta.attachments.is_empty() {
            return Ok(Vec::new());
        }
        let damaged = || {
            Error::integrity(format!(
                "{source}: entity {}: attachmentNames does not authenticate",
                self.id_text()
            ))
        };
        let nk = hkdf32(key.expose(), &meta.salt, NAMES_INFO.as_bytes());
        let sealed =
            b64::decode(&meta.attachment_names, "attachmentNames").map_err(|_| damaged())?;
        let pt = nk
            .open_in_place(&self.names_context(&meta.salt), sealed)
            .map_err(|_| damaged())?;
        let names: Vec<String> = serde_json::from_slice(&pt).map_err(|_| damaged())?;
        if names.len() != meta.attachments.len() {
            return Err(damaged());
        }
        Ok(names
            .into_iter()
            .zip(meta.attachments.iter().cloned())
            .collect())
    }

    /// Sets the attachments and seals their names (before `seal_self`,
    /// whose associated data covers the list).
    pub(super) fn set_attachments(
        &mut self,
        key: &SymmetricKey,
        list: Vec<(String, Attachment)>,
    ) -> Result<()> {
        let salt = self
            .v2
            .as_ref()
            .ok_or_else(|| Error::internal("attachments need a v2 entity"))?
            .salt;
        let (names, atts): (Vec<String>, Vec<Attachment>) = list.into_iter().unzip();
        let sealed = if atts.is_empty() {
            String::new()
        } else {
            let nk = hkdf32(key.expose(), &salt, NAMES_INFO.as_bytes());
            let pt = serde_json::to_vec(&names).map_err(|_| Error::internal("names"))?;
            b64::encode(&nk.seal(&self.names_context(&salt), &pt))
        };
        let meta = self.v2.as_mut().expect("checked above");
        meta.attachments = atts;
        meta.attachment_names = sealed;
        Ok(())
    }

    /// Encrypts `input` as a new attachment of this entity under `key`,
    /// into the sidecar beside `entity_file`, written to a temporary file,
    /// synced and renamed into place. Memory stays bounded.
    pub fn write_attachment(
        &self,
        key: &SymmetricKey,
        entity_file: &Path,
        input: &mut dyn Read,
    ) -> Result<Attachment> {
        self.write_sidecar(Role::Attachment, key, entity_file, input)
    }

    /// [`Entity::write_attachment`] for a sidecar of either role.
    fn write_sidecar(
        &self,
        role: Role,
        key: &SymmetricKey,
        entity_file: &Path,
        input: &mut dyn Read,
    ) -> Result<Attachment> {
        let mut id = [0u8; 16];
        crate::crypto::random_bytes(&mut id);
        let binding = self.sidecar_binding(role, &id)?;
        let dest = sidecar_path(entity_file, &id);
        let mut tmp =
            crate::atomic_file::TempFile::create(&dest, crate::atomic_file::Mode::Public)?;
        let file = tmp.file()?;
        // The stream writes batches of about 1 MiB: no buffer in between.
        // Writeback starts as they come, so the fsync below (the sidecar
        // is durable before any entity lists it) waits for the tail only.
        let mut out = crate::atomic_file::Writeback::new(file);
        let info = stream::encrypt_bound(
            key,
            &binding,
            stream::DEFAULT_CHUNK_SIZE,
            input,
            &mut out,
            &mut |_| {},
        )
        .map_err(|e| stream_error(e, &dest))?;
        file.sync_all().map_err(|e| Error::io(&dest, "sync", e))?;
        tmp.persist()?;
        Ok(Attachment {
            id,
            size: info.plaintext_size,
            sha256: info.sha256,
        })
    }

    /// Streams attachment `att` of this entity (whose file is
    /// `entity_file`) into `out`, each chunk authenticated before it is
    /// written. A missing sidecar is "not found" (exit 3); one of the wrong
    /// size, another entity's, modified or truncated is an integrity error
    /// (exit 5), checked before anything is written where the size tells.
    pub fn read_attachment(
        &self,
        key: &SymmetricKey,
        entity_file: &Path,
        att: &Attachment,
        out: &mut (dyn Write + Send),
    ) -> Result<()> {
        self.read_sidecar(Role::Attachment, key, entity_file, att, out)
    }

    /// [`Entity::read_attachment`] for a sidecar of either role.
    fn read_sidecar(
        &self,
        role: Role,
        key: &SymmetricKey,
        entity_file: &Path,
        att: &Attachment,
        out: &mut (dyn Write + Send),
    ) -> Result<()> {
        let path = sidecar_path(entity_file, &att.id);
        let file = std::fs::File::open(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                let what = match role {
                    Role::Attachment => "attachment sidecar",
                    Role::Record => "sidecar of the detached record",
                };
                Error::not_found(format!(
                    "{}: {what} missing (entity {})",
                    path.display(),
                    self.id_text()
                ))
            } else {
                Error::io(&path, "open", e)
            }
        })?;
        let len = file
            .metadata()
            .map_err(|e| Error::io(&path, "stat", e))?
            .len();
        if len != att.sidecar_size() {
            return Err(Error::integrity(format!(
                "{}: {len} bytes, the entity lists {} (truncated, extended or another attachment)",
                path.display(),
                att.sidecar_size()
            )));
        }
        let binding = self.sidecar_binding(role, &att.id)?;
        // The stream reads batches of about 1 MiB itself; a buffer in
        // between would copy every byte once more.
        let mut input = file;
        let info = stream::decrypt_bound(
            key,
            &binding,
            stream::DEFAULT_CHUNK_SIZE, // what sidecar_size assumes
            &mut input,
            out,
            &mut |_| {},
        )
        .map_err(|e| stream_error(e, &path))?;
        if info.sha256 != att.sha256 || info.plaintext_size != att.size {
            return Err(Error::integrity(format!(
                "{}: digest differs from the one the entity lists",
                path.display()
            )));
        }
        Ok(())
    }
}

/// Test hook of the crash tests (tests/attachments.rs): when the
/// environment variable `EHRCRYPT_TEST_KILL_AT` names `point`, the process
/// kills itself with SIGKILL there, as a crash or a power loss would stop
/// it (no destructor runs, temporary files stay). Points: `rekey-sidecar`
/// (the first new sidecar of a rekey renamed into place), `rekey-written`
/// (all of them, before the entity is switched), `rekey-switched` (the
/// entity switched, before the old sidecars are removed),
/// `reencrypt-sidecar` (`emergency decrypt --reencrypt-as`: each sidecar
/// staged).
pub fn crash_point(point: &str) {
    #[cfg(unix)]
    if std::env::var_os("EHRCRYPT_TEST_KILL_AT").is_some_and(|v| v == point) {
        // SAFETY: sends a signal to this process; nothing is borrowed.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = point;
}

/// A piece of plaintext handed from the thread that decrypts an old
/// sidecar to the one that encrypts the new one; `End` only once the old
/// stream authenticated whole (digest included).
pub(super) enum Piece {
    Data(Zeroizing<Vec<u8>>),
    End,
}

/// Plaintext pieces in flight between the two threads of a re-encryption:
/// with the stream's own batches (about 1 MiB), memory stays bounded.
pub(super) const PIECES_IN_FLIGHT: usize = 2;

pub(super) struct ToChannel {
    tx: SyncSender<Piece>,
    /// The reading side stopped (the new sidecar could not be written).
    pub(super) closed: bool,
}

impl ToChannel {
    pub(super) fn new(tx: SyncSender<Piece>) -> Self {
        ToChannel { tx, closed: false }
    }

    /// Sends the end: what was sent is whole.
    pub(super) fn end(&self) -> Result<()> {
        self.tx
            .send(Piece::End)
            .map_err(|_| Error::internal("sidecar stream stopped"))
    }

    pub(super) fn send(&mut self, piece: Zeroizing<Vec<u8>>) -> io::Result<usize> {
        let n = piece.len();
        if self.tx.send(Piece::Data(piece)).is_err() {
            self.closed = true;
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the new sidecar stopped being written",
            ));
        }
        Ok(n)
    }
}

impl Write for ToChannel {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send(Zeroizing::new(buf.to_vec()))
    }

    /// A decrypted batch arrives as one slice per chunk: it goes as one
    /// piece, not one piece per chunk.
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let mut piece = Zeroizing::new(Vec::with_capacity(bufs.iter().map(|b| b.len()).sum()));
        for b in bufs {
            piece.extend_from_slice(b);
        }
        self.send(piece)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub(super) struct FromChannel {
    rx: Receiver<Piece>,
    cur: Zeroizing<Vec<u8>>,
    pos: usize,
    done: bool,
}

impl FromChannel {
    pub(super) fn new(rx: Receiver<Piece>) -> Self {
        FromChannel {
            rx,
            cur: Zeroizing::new(Vec::new()),
            pos: 0,
            done: false,
        }
    }
}

impl Read for FromChannel {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.pos < self.cur.len() {
                let n = out.len().min(self.cur.len() - self.pos);
                out[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Piece::Data(v)) => {
                    self.cur = v;
                    self.pos = 0;
                }
                Ok(Piece::End) => self.done = true,
                // Never a short end: a stream that stopped before it
                // authenticated must not become a complete new sidecar.
                Err(_) => {
                    return Err(io::Error::other(
                        "the old sidecar stopped before it authenticated",
                    ))
                }
            }
        }
    }
}

/// Runs `produce` on a helper thread, what it writes handed through a
/// bounded channel to `consume`, which reads it on this thread (so any
/// writer, `Send` or not, can receive it). `consume` sees the end of its
/// input only once `produce` returned `Ok` (a stream that authenticated
/// whole, digest included); if it failed, the read fails instead, and the
/// producer's error is the one returned (unless the consumer stopped
/// first). Memory holds [`PIECES_IN_FLIGHT`] pieces.
pub fn pipe<T>(
    produce: impl FnOnce(&mut (dyn Write + Send)) -> Result<()> + Send,
    consume: impl FnOnce(&mut dyn Read) -> Result<T>,
) -> Result<T> {
    let (tx, rx) = sync_channel(PIECES_IN_FLIGHT);
    std::thread::scope(|s| {
        let reader = s.spawn(move || {
            let mut w = ToChannel::new(tx);
            let read = produce(&mut w).and_then(|()| w.end());
            (read, w.closed)
        });
        let mut r = FromChannel::new(rx);
        let consumed = consume(&mut r);
        drop(r);
        let (read, closed) = reader
            .join()
            .map_err(|_| Error::internal("attachment reader panicked"))?;
        match (read, consumed) {
            // The consuming side failed first: its error says why.
            (Err(_), Err(c)) if closed => Err(c),
            (Err(r), _) => Err(r),
            (Ok(()), c) => c,
        }
    })
}

impl Entity {
    /// Runs [`Entity::read_attachment`] on a helper thread, its plaintext
    /// handed through a bounded channel to `consume`, which reads it here
    /// (so any writer, `Send` or not, can receive it). `consume` sees the
    /// end of its input only once the whole stream authenticated; if it
    /// did not, the read fails instead.
    pub fn attachment_reader<T>(
        &self,
        key: &SymmetricKey,
        entity_file: &Path,
        att: &Attachment,
        consume: impl FnOnce(&mut dyn Read) -> Result<T>,
    ) -> Result<T> {
        self.sidecar_reader(Role::Attachment, key, entity_file, att, consume)
    }

    /// [`Entity::attachment_reader`] for a sidecar of either role.
    fn sidecar_reader<T>(
        &self,
        role: Role,
        key: &SymmetricKey,
        entity_file: &Path,
        att: &Attachment,
        consume: impl FnOnce(&mut dyn Read) -> Result<T>,
    ) -> Result<T> {
        pipe(
            |w| self.read_sidecar(role, key, entity_file, att, w),
            consume,
        )
    }

    /// Re-encrypts attachment `att` from `old` (this entity's key) to
    /// `new`, streamed (bounded memory), into a new sidecar with a new id,
    /// complete and synced when this returns. The old one is untouched.
    fn reencrypt_sidecar(
        &self,
        role: Role,
        old: &SymmetricKey,
        new: &SymmetricKey,
        entity_file: &Path,
        att: &Attachment,
    ) -> Result<Attachment> {
        self.sidecar_reader(role, old, entity_file, att, |r| {
            self.write_sidecar(role, new, entity_file, r)
        })
    }

    /// Streams attachment `att` into `out` (any writer), each chunk
    /// authenticated before it is written.
    pub fn copy_attachment(
        &self,
        key: &SymmetricKey,
        entity_file: &Path,
        att: &Attachment,
        out: &mut dyn Write,
    ) -> Result<()> {
        self.attachment_reader(key, entity_file, att, |r| {
            std::io::copy(r, out)
                .map(|_| ())
                .map_err(|e| Error::io(&sidecar_path(entity_file, &att.id), "copy", e))
        })
    }

    /// `entity decrypt --out-dir DIR`: stages into `batch` every
    /// attachment of this entity (opened with `key`; the record must have
    /// been opened, which authenticates the list) as `DIR/NAME`, streamed.
    /// A name that is not a plain file name (a path separator, `.` or
    /// `..`, a control character: a co-delegate could have sealed any) is
    /// refused, exit 5; so is a second output of the same name in this run
    /// (`taken`, which holds the records' own outputs), exit 7. An existing
    /// file is the batch's to refuse (unless `--force`).
    pub fn stage_attachments(
        &self,
        key: &SymmetricKey,
        entity_file: &Path,
        dir: &Path,
        batch: &crate::store::atomic_file::Batch,
        taken: &std::sync::Mutex<std::collections::HashSet<PathBuf>>,
        source: &str,
    ) -> Result<Vec<crate::store::atomic_file::Staged>> {
        let mut staged = Vec::new();
        for (name, att) in self.attachments(key, source)? {
            check_name(&name).map_err(|_| {
                Error::integrity(format!(
                    "{source}: attachment name {name:?} is not a plain file name; nothing was written"
                ))
                .hint("decrypt it under a name of your choice with --attachment NAME -o FILE")
            })?;
            let dest = dir.join(&name);
            let fresh = taken
                .lock()
                .map_err(|_| Error::internal("output names lock"))?
                .insert(dest.clone());
            if !fresh {
                return Err(Error::refused(format!(
                    "{}: two outputs of this run would have this name (attachment {name:?} of {source})",
                    dest.display()
                ))
                .hint("decrypt the entities into different directories"));
            }
            staged.push(stage_copy(
                batch,
                &dest,
                crate::store::Mode::Private,
                |w| self.copy_attachment(key, entity_file, &att, w),
            )?);
        }
        Ok(staged)
    }

    /// Whether this entity has sidecars: attachments or a detached record.
    pub fn has_sidecars(&self) -> bool {
        self.v2
            .as_ref()
            .is_some_and(|m| !m.attachments.is_empty() || m.detached.is_some())
    }

    /// For a rekey (`delegation revoke --rekey`): re-encrypts every
    /// sidecar (each attachment, then a detached record) from `old`, this
    /// entity's key, to `new`, each into a new sidecar (a new id, so old
    /// and new never share a name) written to a temporary file, synced and
    /// renamed into place, then lists the new ones (call before
    /// `seal_self` under `new`). The old sidecars stay until the entity
    /// file is switched; [`remove_unlisted`] removes them after. If
    /// anything fails, the new sidecars made are removed.
    pub fn rekey_sidecars(
        &mut self,
        old: &SymmetricKey,
        new: &SymmetricKey,
        entity_file: &Path,
        source: &str,
    ) -> Result<()> {
        if !self.has_sidecars() {
            return Ok(());
        }
        let list = self.attachments(old, source)?;
        let detached = self.v2.as_ref().and_then(|m| m.detached.clone());
        let jobs = list
            .iter()
            .map(|(_, a)| (Role::Attachment, a))
            .chain(detached.iter().map(|d| (Role::Record, d)));
        let mut fresh: Vec<Attachment> = Vec::new();
        for (role, att) in jobs {
            match self.reencrypt_sidecar(role, old, new, entity_file, att) {
                Ok(a) => fresh.push(a),
                Err(e) => {
                    for a in &fresh {
                        let _ = std::fs::remove_file(sidecar_path(entity_file, &a.id));
                    }
                    return Err(e);
                }
            }
            crash_point("rekey-sidecar");
        }
        crash_point("rekey-written");
        let new_detached = detached.is_some().then(|| fresh.pop()).flatten();
        let names = list.into_iter().map(|(n, _)| n);
        self.set_attachments(new, names.zip(fresh).collect())?;
        if let Some(m) = self.v2.as_mut() {
            m.detached = new_detached;
        }
        Ok(())
    }
}

/// `entity decrypt --out-dir DIR` of the entity file `entity_file` (read
/// as `bytes`): its attachments, if any, staged into `batch` as `DIR/NAME`
/// ([`Entity::stage_attachments`]), opened as `me`.
#[allow(clippy::too_many_arguments)]
pub fn stage_restore(
    session: &crate::session::Session,
    me: &crate::owner::OwnerId,
    bytes: &[u8],
    entity_file: &Path,
    dir: &Path,
    batch: &crate::store::atomic_file::Batch,
    taken: &std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    source: &str,
) -> Result<Vec<crate::store::atomic_file::Staged>> {
    let Some(e) = with_attachments(bytes, source)? else {
        return Ok(Vec::new());
    };
    let key = e.entity_key(session, me, source)?;
    // The list is authenticated with the record.
    e.open_self(&key, source)?;
    e.stage_attachments(&key, entity_file, dir, batch, taken, source)
}

/// The entity in `bytes` if it lists attachments. Most records have
/// none: one scan, and no second parse for them.
pub fn with_attachments(bytes: &[u8], source: &str) -> Result<Option<Entity>> {
    if memchr::memmem::find(bytes, b"\"attachments\"").is_none() {
        return Ok(None);
    }
    let e = Entity::from_slice(bytes, source)?;
    Ok(e.v2
        .as_ref()
        .is_some_and(|m| !m.attachments.is_empty())
        .then_some(e))
}

/// The attachment id in a sidecar name `ENTITY.<32 hex>.ehrat`, with the
/// entity file's name.
fn parse_sidecar_name(name: &str) -> Option<(&str, [u8; 16])> {
    let stem = name.strip_suffix(".ehrat")?;
    let (entity, id) = stem.rsplit_once('.')?;
    if entity.is_empty() || id.len() != 32 || id.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Some((entity, crate::crypto::unhex::<16>(id)?))
}

/// Removes the sidecars beside each of `entity_files` that its entity does
/// not list: an old version's after a rekey switched the entity, and what
/// a rekey killed before the switch left. Each entity that has such files
/// is locked as [`crate::store::Store::update`] locks it while its list is
/// compared, so a rekey in progress is never disturbed. Best effort (an
/// entity that cannot be read keeps every sidecar); one directory listing
/// per directory. Returns what was removed.
pub fn remove_unlisted(entity_files: &[PathBuf]) -> Vec<PathBuf> {
    crash_point("rekey-switched");
    let mut dirs: BTreeMap<PathBuf, BTreeMap<OsString, Vec<[u8; 16]>>> = BTreeMap::new();
    let mut removed = Vec::new();
    for file in entity_files {
        let Some(name) = file.file_name().filter(|_| file.as_os_str() != "-") else {
            continue;
        };
        let dir = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let cars = dirs.entry(dir.clone()).or_insert_with(|| {
            let mut m: BTreeMap<OsString, Vec<[u8; 16]>> = BTreeMap::new();
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let n = entry.file_name();
                if let Some((entity, id)) = parse_sidecar_name(&n.to_string_lossy()) {
                    m.entry(OsString::from(entity)).or_default().push(id);
                }
            }
            m
        });
        let Some(ids) = cars.get(name) else {
            continue;
        };
        let Ok(lock) = crate::store::local::Locked::acquire(file) else {
            continue;
        };
        let Ok(bytes) = lock.read() else {
            continue;
        };
        let Ok(entity) = Entity::from_slice(&bytes, &crate::error::display_path(file)) else {
            continue;
        };
        let listed: Vec<[u8; 16]> = entity
            .v2
            .as_ref()
            .map(|m| {
                m.attachments
                    .iter()
                    .chain(&m.detached)
                    .map(|a| a.id)
                    .collect()
            })
            .unwrap_or_default();
        for id in ids.iter().filter(|id| !listed.contains(id)) {
            let p = sidecar_path(file, id);
            if std::fs::remove_file(&p).is_ok() {
                removed.push(p);
            }
        }
        drop(lock);
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::{Delegations, EntityKind};

    fn entity() -> Entity {
        Entity {
            id: serde_json::Value::from("e1"),
            kind: EntityKind::Form,
            clear: serde_json::Map::new(),
            secret_foreign_keys: Vec::new(),
            crypted_foreign_keys: Delegations::new(),
            delegations: Delegations::new(),
            encryption_keys: Delegations::new(),
            encrypted_self: String::new(),
            v2: Some(super::super::v2::V2Meta::new(None)),
        }
    }

    #[test]
    fn a_detached_record_round_trips_and_its_descriptor_is_authenticated() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("e.json");
        let key = SymmetricKey::generate();
        let plain: Vec<u8> = (0..3 * stream::DEFAULT_CHUNK_SIZE + 7)
            .map(|i| (i % 251) as u8)
            .collect();
        let mut e = entity();
        e.seal_detached(&key, &plain).unwrap();
        e.seal_self(&key, b"");
        let body = e.take_detached_body().unwrap();
        assert!(e.take_detached_body().is_none(), "taken once");
        assert_eq!(
            body.write_beside(&file).unwrap(),
            sidecar_path(&file, &body.id)
        );
        assert_eq!(*e.read_self(&key, Some(&file), "t").unwrap(), plain);
        // Its file, and the entity written with it, parse back the same.
        let back = Entity::from_slice(&e.to_bytes(), "t").unwrap();
        assert_eq!(*back.read_self(&key, Some(&file), "t").unwrap(), plain);
        // A changed size, digest or id, or the descriptor dropped: the
        // entity no longer authenticates.
        for edit in 0..4 {
            let mut t = e.clone();
            let meta = t.v2.as_mut().unwrap();
            match edit {
                0 => meta.detached.as_mut().unwrap().size += 1,
                1 => meta.detached.as_mut().unwrap().sha256[0] ^= 1,
                2 => meta.detached.as_mut().unwrap().id[0] ^= 1,
                _ => meta.detached = None,
            }
            let err = t.read_self(&key, Some(&file), "t").unwrap_err();
            assert_eq!(err.kind(), crate::error::ErrorKind::Integrity, "{edit}");
        }
        // Without its file (standard input, an object): a usage error.
        let err = e.read_self(&key, None, "t").unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::Usage);
        // Seen by the sweep as listed; a stray sidecar beside it is not.
        std::fs::write(&file, e.to_bytes()).unwrap();
        let stray = sidecar_path(&file, &[5; 16]);
        std::fs::write(&stray, b"x").unwrap();
        assert_eq!(remove_unlisted(std::slice::from_ref(&file)), vec![stray]);
        assert!(sidecar_path(&file, &body.id).exists());
    }
}
