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
//!
//! The files follow the protocol: `input` (what a backup takes), `seal`
//! (inputs into objects), `create` (a new bucket and its card), `open` (a
//! bucket checked with its card), `release` (its records written out),
//! `append` (a professional's records added), `reencrypt` (released
//! records as entities); `manifest`, `qr`, `access_log` and `remote` hold
//! the formats and the object-store side.

pub mod access_log;
mod append;
mod create;
mod input;
pub mod manifest;
mod open;
pub mod qr;
mod reencrypt;
mod release;
pub mod remote;
mod seal;
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

pub use append::*;
pub use create::*;
pub use input::*;
pub use open::*;
pub use reencrypt::*;
pub use release::*;
use seal::*;

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
    fn attachments_must_name_a_record_of_their_manifest() {
        let entry = |id: &str| ObjectEntry {
            id: id.repeat(32),
            size: 67,
            chunks: 1,
            sha256: String::new(),
        };
        let name = |id: &str, of: Option<&str>| ObjectName {
            id: id.repeat(32),
            name: format!("{id}.bin"),
            kind: None,
            attachment_of: of.map(|o| o.repeat(32)),
            entity: None,
        };
        let entries = [entry("a"), entry("b"), entry("c")];
        let check = |names: &[ObjectName]| {
            let jobs: Vec<Job> = entries
                .iter()
                .zip(names)
                .map(|(e, n)| Job {
                    entry: e,
                    name: n,
                    file: PathBuf::from(&n.name),
                    rel: PathBuf::from(&n.name),
                    appendix: None,
                    chunk_size: stream::DEFAULT_CHUNK_SIZE,
                })
                .collect();
            attachment_records(&jobs)
        };
        let ok = [name("a", None), name("b", Some("a")), name("c", Some("a"))];
        assert_eq!(check(&ok).unwrap(), [None, Some(0), Some(0)]);
        // Of no object, or of another attachment: a damaged bucket.
        for bad in [
            [name("a", None), name("b", Some("d")), name("c", None)],
            [name("a", None), name("b", Some("a")), name("c", Some("b"))],
        ] {
            let e = check(&bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Integrity, "{e:?}");
        }
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
