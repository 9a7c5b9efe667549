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

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

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

fn stream_error(e: StreamError, file: &Path) -> Error {
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
    fn attachment_binding(&self, id: &[u8; 16]) -> Result<Binding> {
        let meta = self
            .v2
            .as_ref()
            .ok_or_else(|| Error::internal("attachments need a v2 entity"))?;
        Ok(Binding::attachment(
            &meta.salt,
            &self.id_text(),
            self.kind.as_str(),
            id,
        ))
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
        let mut id = [0u8; 16];
        crate::crypto::random_bytes(&mut id);
        let binding = self.attachment_binding(&id)?;
        let dest = sidecar_path(entity_file, &id);
        let mut tmp =
            crate::atomic_file::TempFile::create(&dest, crate::atomic_file::Mode::Public)?;
        let file = tmp.file()?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, &mut *file);
        let info = stream::encrypt_bound(
            key,
            &binding,
            stream::DEFAULT_CHUNK_SIZE,
            input,
            &mut out,
            &mut |_| {},
        )
        .map_err(|e| stream_error(e, &dest))?;
        out.flush().map_err(|e| Error::io(&dest, "write", e))?;
        drop(out);
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
        let path = sidecar_path(entity_file, &att.id);
        let file = std::fs::File::open(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::not_found(format!(
                    "{}: attachment sidecar missing (entity {})",
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
        let binding = self.attachment_binding(&att.id)?;
        let mut input = std::io::BufReader::with_capacity(1 << 20, file);
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
