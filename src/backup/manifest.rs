//! The bucket's JSON documents: `manifest.json` (the patient's objects),
//! `signature.json` (the patient's signed statement, without the key) and
//! `appendix/<id>.json` (objects a professional added).
//!
//! Public fields say only what a storage provider sees anyway: opaque
//! object ids, sizes, chunk counts and digests. The object names (derived
//! from the input file names, which can be telling: `hiv-test.json`) are
//! sealed under a key derived from Z_AC, with the public fields as
//! associated data, so the seal also authenticates them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use super::{derive, stream};
use crate::crypto::{b64, hex, Context, Fingerprint, SymmetricKey};
use crate::error::{Error, Result};

pub const MANIFEST_FORMAT: &str = "ehrcrypt/backup/v1";
pub const SIGNATURE_FORMAT: &str = "ehrcrypt/backup-signature/v1";
pub const APPENDIX_FORMAT: &str = "ehrcrypt/backup-appendix/v1";
pub const MAX_NAME: usize = 128;
/// An object has at most 2^32 chunks (the nonce's 32-bit counter).
const MAX_CHUNKS: u64 = 1 << 32;

/// One encrypted object, as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectEntry {
    /// 32 lowercase hex digits; the file is `objects/<id>.ehrbk`.
    pub id: String,
    /// Bytes of the encrypted object.
    pub size: u64,
    pub chunks: u64,
    /// SHA-256 of the encrypted object, hex.
    pub sha256: String,
}

/// What the seal hides: one entry per object, in the same order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectName {
    pub id: String,
    /// File name to restore to: see [`valid_name`].
    pub name: String,
    /// The entity kind when the input was an ehrcrypt entity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// `manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    /// Backup id, 32 lowercase hex digits.
    pub id: String,
    pub created: String,
    pub chunk_size: u64,
    pub objects: Vec<ObjectEntry>,
    /// base64 of AES-256-GCM(K_manifest, names JSON), see [`seal_names`].
    pub names: String,
}

/// `signature.json`: the card's signed statement, without Z_AC.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignatureFile {
    pub format: String,
    pub backup: String,
    pub signer: Fingerprint,
    /// Unix seconds, as signed.
    pub time: u64,
    pub key_commitment: String,
    pub manifest_sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub signature: String,
}

/// Who wrote an appendix.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Author {
    pub owner: String,
    pub fingerprint: Fingerprint,
    /// The author's public key (SPKI PEM), so the signature can be checked
    /// anywhere; whether it is *trusted* depends on the reader's keystore.
    pub spki: String,
}

/// `appendix/<id>.json`: records a professional added in an emergency.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Appendix {
    pub format: String,
    pub backup: String,
    /// Appendix id, 32 lowercase hex digits.
    pub id: String,
    pub created: String,
    pub author: Author,
    pub chunk_size: u64,
    pub objects: Vec<ObjectEntry>,
    pub names: String,
    /// RSA-PSS by the author, see [`Appendix::signed_message`].
    #[serde(default)]
    pub signature: String,
}

pub fn is_hex_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub fn parse_hex32(s: &str) -> Option<[u8; 32]> {
    crate::crypto::unhex(s)
}

pub fn parse_id(s: &str) -> Option<[u8; 16]> {
    is_hex_id(s).then(|| crate::crypto::unhex(s)).flatten()
}

/// A restorable file name: 1 to 128 bytes of `A-Z a-z 0-9 . _ - + @`,
/// not starting with a dot. No separators, so no path traversal.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-+@".contains(&b))
}

/// Turns an input file name into a [`valid_name`]: other characters become
/// `_`, leading dots go, the length is capped keeping the extension.
pub fn sanitise_name(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-+@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    while s.starts_with('.') {
        s.remove(0);
    }
    if s.len() > MAX_NAME {
        let ext = s
            .rfind('.')
            .map(|i| s[i..].to_string())
            .filter(|e| e.len() <= 16);
        let ext = ext.unwrap_or_default();
        s.truncate(MAX_NAME - ext.len());
        s.push_str(&ext);
    }
    if s.is_empty() {
        s = "record.json".to_string();
    }
    s
}

fn check_entries(objects: &[ObjectEntry], chunk_size: u64, source: &str) -> Result<()> {
    let bad = |m: String| Error::format(format!("{source}: {m}"));
    if !(stream::MIN_CHUNK_SIZE as u64..=stream::MAX_CHUNK_SIZE as u64).contains(&chunk_size) {
        return Err(bad(format!("chunk size {chunk_size} is out of range")));
    }
    let mut seen = std::collections::HashSet::new();
    for o in objects {
        if !is_hex_id(&o.id) {
            return Err(bad("an object id is not 32 lowercase hex digits".into()));
        }
        if !seen.insert(o.id.as_str()) {
            return Err(bad(format!("object {} is listed twice", o.id)));
        }
        if parse_hex32(&o.sha256).is_none() {
            return Err(bad(format!("object {}: sha256 is not 64 hex digits", o.id)));
        }
        let overhead = (stream::HEADER_LEN as u64)
            .saturating_add(o.chunks.saturating_mul(stream::TAG_LEN as u64));
        let consistent = (1..=MAX_CHUNKS).contains(&o.chunks)
            && o.size >= overhead
            && stream::encrypted_size(o.size - overhead, chunk_size as usize) == (o.size, o.chunks);
        if !consistent {
            return Err(bad(format!(
                "object {}: size {} and {} chunk(s) do not fit together",
                o.id, o.size, o.chunks
            )));
        }
    }
    Ok(())
}

/// The canonical encoding of a document without the listed fields: what
/// seals and signatures cover, independent of whitespace and key order.
fn canonical_without(doc: &impl Serialize, omit: &[&str]) -> Result<Vec<u8>> {
    let mut v = serde_json::to_value(doc).map_err(|_| Error::internal("cannot serialise"))?;
    if let Some(m) = v.as_object_mut() {
        for k in omit {
            m.remove(*k);
        }
    }
    let mut out = Vec::new();
    crate::format::canonical_json(&v, &mut out);
    Ok(out)
}

fn names_context(label: &str, backup_id: &[u8; 16], covered: &[u8]) -> Context {
    Context::new(label)
        .with_bytes(backup_id)
        .with_bytes(covered)
}

/// Seals `names` under a key derived from Z_AC for `purpose`, bound to the
/// backup id and the canonical public part `covered`.
fn seal_names(
    z: &SymmetricKey,
    backup_id: &[u8; 16],
    purpose: &str,
    covered: &[u8],
    names: &[ObjectName],
) -> Result<String> {
    let k = SymmetricKey::from_slice(&*derive(z, backup_id, purpose), "derived key")?;
    let plain = Zeroizing::new(serde_json::to_vec(names).map_err(|_| Error::internal("names"))?);
    let ctx = names_context(&format!("ehrcrypt/backup/v1 {purpose}"), backup_id, covered);
    Ok(b64::encode(&k.seal(&ctx, &plain)))
}

fn open_names(
    z: &SymmetricKey,
    backup_id: &[u8; 16],
    purpose: &str,
    covered: &[u8],
    sealed: &str,
    objects: &[ObjectEntry],
    source: &str,
) -> Result<Vec<ObjectName>> {
    let k = SymmetricKey::from_slice(&*derive(z, backup_id, purpose), "derived key")?;
    let ctx = names_context(&format!("ehrcrypt/backup/v1 {purpose}"), backup_id, covered);
    let raw = b64::decode(sealed, "names").map_err(|e| e.context(source))?;
    let plain = k.open(&ctx, &raw).map_err(|_| {
        Error::integrity(format!(
            "{source} does not authenticate under the card's key (modified, or the card is for another backup)"
        ))
    })?;
    let names: Vec<ObjectName> =
        crate::format::parse_strict(&plain, source, "sealed object names")?;
    if names.len() != objects.len() || names.iter().zip(objects).any(|(n, o)| n.id != o.id) {
        return Err(Error::format(format!(
            "{source}: sealed object names do not match the object list"
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for n in &names {
        if !valid_name(&n.name) {
            return Err(Error::format(format!(
                "{source}: object {} has an unsafe file name; refusing to restore it",
                n.id
            )));
        }
        if !seen.insert(n.name.to_ascii_lowercase()) {
            return Err(Error::format(format!(
                "{source}: two objects are named {}",
                n.name
            )));
        }
    }
    Ok(names)
}

fn parse_doc<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    source: &str,
    prefix: &str,
    what: &str,
) -> Result<T> {
    let value: Value = crate::format::parse_strict(bytes, source, what)?;
    crate::format::check_format(&value, prefix, 1, source, what)?;
    serde_json::from_value(value)
        .map_err(|e| Error::format(format!("{source}: malformed {what}: {e}")))
}

/// Pretty JSON and a newline, as every ehrcrypt document.
pub fn to_bytes(doc: &impl Serialize) -> Result<Vec<u8>> {
    let mut b = serde_json::to_vec_pretty(doc).map_err(|_| Error::internal("cannot serialise"))?;
    b.push(b'\n');
    Ok(b)
}

impl Manifest {
    pub fn new(
        z: &SymmetricKey,
        backup_id: &[u8; 16],
        chunk_size: usize,
        objects: Vec<ObjectEntry>,
        names: &[ObjectName],
    ) -> Result<Self> {
        let mut m = Manifest {
            format: MANIFEST_FORMAT.to_string(),
            id: hex(backup_id),
            created: crate::now_rfc3339(),
            chunk_size: chunk_size as u64,
            objects,
            names: String::new(),
        };
        let covered = canonical_without(&m, &["names"])?;
        m.names = seal_names(z, backup_id, "manifest", &covered, names)?;
        Ok(m)
    }

    pub fn parse(bytes: &[u8], source: &str) -> Result<Self> {
        let m: Manifest = parse_doc(bytes, source, "ehrcrypt/backup/", "backup manifest")?;
        if parse_id(&m.id).is_none() {
            return Err(Error::format(format!(
                "{source}: backup id is not 32 hex digits"
            )));
        }
        check_entries(&m.objects, m.chunk_size, source)?;
        Ok(m)
    }

    pub fn backup_id(&self) -> [u8; 16] {
        parse_id(&self.id).unwrap_or_default()
    }

    /// Opens the sealed names with Z_AC, which also authenticates the
    /// public fields.
    pub fn open_names(&self, z: &SymmetricKey, source: &str) -> Result<Vec<ObjectName>> {
        let covered = canonical_without(self, &["names"])?;
        open_names(
            z,
            &self.backup_id(),
            "manifest",
            &covered,
            &self.names,
            &self.objects,
            source,
        )
    }
}

impl SignatureFile {
    pub fn parse(bytes: &[u8], source: &str) -> Result<Self> {
        parse_doc(
            bytes,
            source,
            "ehrcrypt/backup-signature/",
            "backup signature",
        )
    }
}

impl Appendix {
    pub fn parse(bytes: &[u8], source: &str) -> Result<Self> {
        let a: Appendix = parse_doc(
            bytes,
            source,
            "ehrcrypt/backup-appendix/",
            "backup appendix",
        )?;
        if !is_hex_id(&a.id) || !is_hex_id(&a.backup) {
            return Err(Error::format(format!(
                "{source}: appendix or backup id is not 32 hex digits"
            )));
        }
        check_entries(&a.objects, a.chunk_size, source)?;
        Ok(a)
    }

    fn covered(&self) -> Result<Vec<u8>> {
        canonical_without(self, &["names", "signature"])
    }

    /// The sealed names' key purpose for this appendix.
    fn purpose(&self) -> String {
        format!("appendix {}", self.id)
    }

    pub fn seal(
        &mut self,
        z: &SymmetricKey,
        backup_id: &[u8; 16],
        names: &[ObjectName],
    ) -> Result<()> {
        let covered = self.covered()?;
        self.names = seal_names(z, backup_id, &self.purpose(), &covered, names)?;
        Ok(())
    }

    pub fn open_names(
        &self,
        z: &SymmetricKey,
        backup_id: &[u8; 16],
        source: &str,
    ) -> Result<Vec<ObjectName>> {
        let covered = self.covered()?;
        open_names(
            z,
            backup_id,
            &self.purpose(),
            &covered,
            &self.names,
            &self.objects,
            source,
        )
    }

    /// What the author signs: the appendix without its signature, bound to
    /// the backup's key commitment.
    pub fn signed_message(&self, key_commitment: &[u8; 32]) -> Result<Vec<u8>> {
        let body = canonical_without(self, &["signature"])?;
        Ok(Context::new(APPENDIX_FORMAT)
            .with_bytes(key_commitment)
            .with_bytes(&crate::crypto::sha256(&body))
            .as_bytes()
            .to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u8, plain: u64) -> ObjectEntry {
        let (size, chunks) = stream::encrypted_size(plain, stream::DEFAULT_CHUNK_SIZE);
        ObjectEntry {
            id: hex(&[id; 16]),
            size,
            chunks,
            sha256: hex(&[0; 32]),
        }
    }

    #[test]
    fn names_are_sanitised_and_validated() {
        assert!(valid_name("allergies.json"));
        for bad in [
            "",
            ".hidden",
            "..",
            "a/b",
            "a\\b",
            "é.json",
            "a b",
            &"x".repeat(129),
        ] {
            assert!(!valid_name(bad), "{bad}");
        }
        assert_eq!(sanitise_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(
            sanitise_name("résumé de santé.json"),
            "r_sum__de_sant_.json"
        );
        assert_eq!(sanitise_name("..."), "record.json");
        let long = sanitise_name(&format!("{}.json", "a".repeat(300)));
        assert!(valid_name(&long) && long.ends_with(".json"));
        for raw in ["../../etc/passwd", "...", "a b c", "\u{0}x"] {
            assert!(valid_name(&sanitise_name(raw)), "{raw}");
        }
    }

    #[test]
    fn manifest_seal_round_trip_and_binding() {
        let z = SymmetricKey::generate();
        let id = [9u8; 16];
        let objects = vec![entry(1, 10), entry(2, 70000)];
        let names = vec![
            ObjectName {
                id: objects[0].id.clone(),
                name: "a.json".into(),
                kind: None,
            },
            ObjectName {
                id: objects[1].id.clone(),
                name: "b.json".into(),
                kind: Some("contact".into()),
            },
        ];
        let m = Manifest::new(&z, &id, stream::DEFAULT_CHUNK_SIZE, objects, &names).unwrap();
        let bytes = to_bytes(&m).unwrap();
        let back = Manifest::parse(&bytes, "m").unwrap();
        assert_eq!(back.open_names(&z, "m").unwrap(), names);
        // Any change to the public part breaks the seal.
        let mut edited = back.clone();
        edited.objects.swap(0, 1);
        assert_eq!(
            edited.open_names(&z, "m").unwrap_err().kind(),
            crate::ErrorKind::Integrity
        );
        let mut edited = back.clone();
        edited.created = "2000-01-01T00:00:00Z".into();
        assert!(edited.open_names(&z, "m").is_err());
        assert!(back.open_names(&SymmetricKey::generate(), "m").is_err());
    }

    #[test]
    fn inconsistent_entries_are_refused() {
        let mut e = entry(1, 100);
        e.chunks = 2;
        assert!(check_entries(&[e], 65536, "m").is_err());
        assert!(check_entries(&[entry(1, 1), entry(1, 2)], 65536, "m").is_err());
        let mut e = entry(1, 1);
        e.id = "../../x".into();
        assert!(check_entries(&[e], 65536, "m").is_err());
        assert!(check_entries(&[entry(1, 0)], 65536, "m").is_ok());
    }

    #[test]
    fn absurd_sizes_and_chunk_counts_are_refused_not_a_panic() {
        for (size, chunks) in [
            (u64::MAX, 1),
            (u64::MAX, u64::MAX),
            (u64::MAX - 1, 3),
            (1 << 62, 1),
            (1 << 40, (1 << 33) + 1),
        ] {
            let mut e = entry(1, 0);
            (e.size, e.chunks) = (size, chunks);
            let err = check_entries(&[e], 1024, "m").unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Format, "{size} {chunks}");
        }
    }
}
