//! Backup buckets on an object store (issue 17; seed 004 §3.5: the S-EHR
//! Cloud serves a bucket as `GET /hcp/{bucketName}/{objectName}`).
//!
//! The bucket's layout is the local one (`manifest.json`, `signature.json`,
//! `objects/…`, `appendix/…`, `access-log.jsonl`) under a key prefix. It
//! becomes visible whole or not at all: every object is uploaded first
//! (`backup create` streams each into its multipart upload as it is
//! encrypted, never staging it on the local disk: `backup::Sink::Store`),
//! `signature.json` next, and `manifest.json` last, with a create that
//! never replaces an existing one. A reader starts from the manifest and
//! refuses a prefix without one, so an interrupted upload publishes
//! nothing; its objects are removed when the failure is seen (a killed
//! upload leaves unreferenced objects, and no manifest).
//!
//! Reading downloads the bucket's ciphertext (never plaintext) into a
//! private staging folder that the local code then checks and opens as
//! it would any bucket; large objects come in ranges, so memory stays
//! bounded. The access log is appended with a conditional write
//! (compare-and-swap on its ETag), so concurrent accesses are all logged.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::access_log::{self, AccessRecord, Signer};
use super::{ACCESS_LOG_FILE, APPENDIX_DIR, APPENDIX_FILE, MANIFEST_FILE};
use crate::crypto::SymmetricKey;
use crate::error::{Error, Result};
use crate::store::publish::{bucket, files_below, put_in_order, Scratch};
use crate::store::{Fill, Location, Mode, PutMode};

/// Bytes read per range request when downloading a large object.
const RANGE: u64 = 8 << 20;

/// Publishes the appendix `aid` that was appended to the local copy `dir`
/// of the bucket at `dest`: its objects, then its `appendix.json` (which
/// publishes it: readers skip an appendix without one). Returns the keys
/// put, for [`remove`] if the access cannot be logged.
pub fn upload_appendix(dir: &Path, aid: &str, dest: &Location) -> Result<Vec<String>> {
    let (store, prefix) = bucket(dest)?;
    let rel = format!("{APPENDIX_DIR}/{aid}/");
    let names: Vec<String> = files_below(&dir.join(&rel))?
        .into_iter()
        .map(|n| format!("{rel}{n}"))
        .collect();
    let description = format!("{rel}{APPENDIX_FILE}");
    put_in_order(
        store.as_ref(),
        dir,
        &prefix,
        &names,
        &[&description],
        PutMode::Overwrite,
    )?;
    Ok(names.iter().map(|n| format!("{prefix}{n}")).collect())
}

/// Removes the objects `keys` of the store of `loc` (best effort).
pub fn remove(loc: &Location, keys: &[String]) {
    if let Ok((store, _)) = loc.store() {
        for k in keys {
            let _ = store.delete(k);
        }
    }
}

/// Downloads the bucket at `src` into `into` (a new private folder). A
/// prefix without `manifest.json` is no bucket (or one still uploading).
pub fn download(src: &Location, into: &Path) -> Result<()> {
    let (store, prefix) = bucket(src)?;
    let listed = store.list(&prefix)?;
    let manifest = format!("{prefix}{MANIFEST_FILE}");
    if !listed.iter().any(|m| m.key == manifest) {
        return Err(Error::not_found(format!("{src}: no backup here (no {MANIFEST_FILE})"))
            .hint("a bucket is published by its manifest, written last: an upload that did not finish published nothing"));
    }
    // An appendix is published by its description, uploaded last: one
    // without it is still uploading (or failed) and is not part of the
    // bucket yet.
    let adir = format!("{prefix}{APPENDIX_DIR}/");
    let published: std::collections::HashSet<&str> = listed
        .iter()
        .filter_map(|m| {
            m.key
                .strip_prefix(&adir)?
                .strip_suffix(&format!("/{APPENDIX_FILE}"))
        })
        .collect();
    let listed: Vec<_> = listed
        .iter()
        .filter(|m| match m.key.strip_prefix(&adir) {
            Some(rest) => rest
                .split('/')
                .next()
                .is_some_and(|aid| published.contains(aid)),
            None => true,
        })
        .collect();
    crate::atomic_file::create_private_dir(into)?;
    let local = |key: &str| -> Result<PathBuf> {
        let rel = key.strip_prefix(&prefix).unwrap_or(key);
        if rel
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == "..")
        {
            return Err(Error::format(format!("{src}: unsafe object name {key}")));
        }
        let path = into.join(rel);
        if let Some(d) = path.parent() {
            crate::atomic_file::create_private_dir(d)?;
        }
        Ok(path)
    };
    let write = |path: &Path, bytes: &[u8]| {
        File::create(path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| Error::io(path, "write", e))
    };
    // Small objects many at a time (the store keeps many requests in
    // flight), large ones in ranges, so memory stays bounded.
    let (small, large): (Vec<_>, Vec<_>) = listed.into_iter().partition(|m| m.size <= RANGE);
    for chunk in small.chunks(256) {
        let keys: Vec<String> = chunk.iter().map(|m| m.key.clone()).collect();
        for (k, got) in keys.iter().zip(store.get_many(&keys)) {
            write(&local(k)?, &got?.bytes)?;
        }
    }
    for m in large {
        let path = local(&m.key)?;
        let mut f = File::create(&path).map_err(|e| Error::io(&path, "write", e))?;
        let mut at = 0;
        while at < m.size {
            let chunk = store.get_range(&m.key, at..(at + RANGE).min(m.size))?;
            if chunk.is_empty() {
                return Err(Error::io(
                    &path,
                    "read",
                    io::Error::other("object shorter than listed"),
                ));
            }
            f.write_all(&chunk)
                .map_err(|e| Error::io(&path, "write", e))?;
            at += chunk.len() as u64;
        }
    }
    Ok(())
}

/// Reads the access log of the bucket at `src` (empty if it has none).
pub fn read_log(src: &Location) -> Result<Vec<u8>> {
    let (store, prefix) = bucket(src)?;
    match store.get(&format!("{prefix}{ACCESS_LOG_FILE}")) {
        Ok(o) => Ok(o.bytes),
        Err(e) if e.kind() == crate::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Appends one record to the access log of the bucket at `dest`: created
/// if missing, otherwise changed with a conditional write that is retried
/// on a concurrent append, so no access goes unlogged.
#[allow(clippy::too_many_arguments)]
pub fn append_log(
    dest: &Location,
    z: &SymmetricKey,
    backup_id: &[u8; 16],
    action: &str,
    objects: Vec<String>,
    appendix: Option<String>,
    signer: Signer<'_>,
) -> Result<AccessRecord> {
    let (store, prefix) = bucket(dest)?;
    let key = format!("{prefix}{ACCESS_LOG_FILE}");
    let line = |existing: &[u8]| {
        access_log::next_line(
            existing,
            z,
            backup_id,
            action,
            objects.clone(),
            appendix.clone(),
            signer,
        )
    };
    let (first, record) = line(&[])?;
    match store.put(&key, &first, PutMode::Create, Mode::Public) {
        Ok(_) => return Ok(record),
        Err(e) if e.kind() != crate::ErrorKind::Refused => return Err(e),
        Err(_) => {} // a log exists: append to it
    }
    let kept = Mutex::new(None);
    let change = |_: usize, mut bytes: Vec<u8>| -> Result<Option<Fill>> {
        let (l, record) = line(&bytes)?;
        bytes.extend_from_slice(&l);
        if let Ok(mut k) = kept.lock() {
            *k = Some(record);
        }
        Ok(Some(Box::new(move |w: &mut dyn Write| w.write_all(&bytes))))
    };
    store.update(&[key], &change, Mode::Public)?;
    kept.into_inner()
        .ok()
        .flatten()
        .ok_or_else(|| Error::internal("access log not appended"))
}

/// A local copy of `src`'s bucket to open with the local code.
pub fn fetch(src: &Location) -> Result<Scratch> {
    let s = Scratch::new()?;
    download(src, &s.path)?;
    Ok(s)
}
