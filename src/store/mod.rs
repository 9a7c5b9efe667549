//! Where records and backups live: one storage interface, [`Store`], with
//! a local file-system backend ([`local::LocalStore`], the default, which
//! needs nothing) behind which sit the crash-safe writes of
//! [`atomic_file`] and the per-file locks that serialise writers.
//!
//! The interface follows the object-store model (the one S3 and the
//! `object_store` crate use): objects are named by a key, read whole or by
//! range, written whole, and every write says what it expects to find:
//! nothing ([`PutMode::Create`], never replacing what someone else just
//! made), anything ([`PutMode::Overwrite`]), or exactly the version it read
//! ([`PutMode::IfMatch`], a compare-and-swap). A read-modify-write of an
//! entity goes through one primitive, [`Store::update`], so that concurrent
//! `share` and `revoke` on one file all take effect (issue 11, defects 1
//! and 3): the local backend holds an exclusive lock on each file from the
//! read to the rename, in a fixed order so two bulk runs cannot deadlock.

pub mod atomic_file;
pub mod local;
pub mod publish;
#[cfg(feature = "s3")]
pub mod s3;
pub mod stale;

use std::fmt;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};

pub use atomic_file::Mode;

/// What an object was when it was read: a write with
/// [`PutMode::IfMatch`] succeeds only if the object is still that version.
/// Opaque; compare for equality only.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version(pub(crate) String);

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a write expects to find.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PutMode {
    /// Nothing: an existing object is left alone and the write fails with
    /// [`ErrorKind::Refused`].
    Create,
    /// Anything: the object is replaced (atomically) or created.
    Overwrite,
    /// Exactly this version; anything else fails with a conflict
    /// ([`is_conflict`]).
    IfMatch(Version),
}

/// An object read whole.
pub struct Object {
    pub bytes: Vec<u8>,
    pub version: Version,
}

/// An object's metadata, from [`Store::head`] or [`Store::list`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    pub key: String,
    pub size: u64,
    pub version: Version,
}

/// The change an update applies to each object: given its index among the
/// keys and its current bytes, what writes the new content, or `None` to
/// leave the object as it is. It may be called more than once for one object (a backend that
/// detects a concurrent write re-reads and calls it again), so it must not
/// have effects other than its result; a report it keeps must be the last
/// call's.
pub type Change<'a> = dyn Fn(usize, Vec<u8>) -> Result<Option<Fill>> + Sync + 'a;

/// Writes an object's new content (streamed: a 100 MB record is not copied
/// once more into a buffer).
pub type Fill = Box<dyn FnOnce(&mut dyn Write) -> io::Result<()> + Send>;

/// One storage backend. Keys are `/`-separated names below the store's
/// root; every method is synchronous (a backend that needs an async
/// runtime keeps it inside).
pub trait Store: Send + Sync {
    /// Reads a whole object. A missing object is [`ErrorKind::NotFound`].
    fn get(&self, key: &str) -> Result<Object>;

    /// Reads many whole objects, as many at once as the backend does well;
    /// one result per key, in order.
    fn get_many(&self, keys: &[String]) -> Vec<Result<Object>> {
        keys.iter().map(|k| self.get(k)).collect()
    }

    /// Reads many whole objects as a stream, one result per key, in order:
    /// a backend with requests in flight keeps fetching ahead (a bounded
    /// number of objects) while the caller works on what it was given, so
    /// fetching and the caller's work overlap and memory stays bounded
    /// whatever the number of keys. Dropping the iterator stops fetching.
    fn get_stream<'a>(
        &'a self,
        keys: Vec<String>,
    ) -> Box<dyn Iterator<Item = Result<Object>> + Send + 'a> {
        Box::new(keys.into_iter().map(move |k| self.get(&k)))
    }

    /// Reads `range` of an object's bytes (shorter at its end).
    fn get_range(&self, key: &str, range: Range<u64>) -> Result<Vec<u8>>;

    /// An object's size and version, without its content.
    fn head(&self, key: &str) -> Result<Meta>;

    /// Writes a whole object, as `mode` says. Returns the new version.
    fn put(&self, key: &str, bytes: &[u8], mode: PutMode, file_mode: Mode) -> Result<Version> {
        self.put_stream(key, mode, file_mode, &mut |w| w.write_all(bytes))
    }

    /// Writes an object streamed by `fill`, which may produce more than
    /// fits in memory (a backend uploads it in parts). Nothing is visible
    /// unless `fill` and the whole write succeed.
    fn put_stream(
        &self,
        key: &str,
        mode: PutMode,
        file_mode: Mode,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<Version>;

    /// Every object whose key starts with `prefix`, sorted by key.
    fn list(&self, prefix: &str) -> Result<Vec<Meta>>;

    /// Removes an object; a missing one is not an error.
    fn delete(&self, key: &str) -> Result<()>;

    /// Reads, changes and writes back every object of `keys`, serialised
    /// against every other update of the same objects: none of them is
    /// lost. Nothing is written unless `change` succeeded for every key
    /// (the local backend checks them all before renaming any).
    fn update(&self, keys: &[String], change: &Change<'_>, file_mode: Mode) -> Result<()>;
}

/// Whether `e` reports a write that lost a race ([`PutMode::IfMatch`] on a
/// changed object): the caller re-reads and tries again.
pub fn is_conflict(e: &Error) -> bool {
    e.kind() == ErrorKind::Refused && e.message().ends_with(CONFLICT)
}

const CONFLICT: &str = "changed since it was read";

pub(crate) fn conflict(key: &str) -> Error {
    Error::refused(format!("{key}: {CONFLICT}")).hint("run the command again")
}

/// Where a command reads or writes: a local path, standard input/output,
/// or an object (or prefix) on an S3-compatible store.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    /// `-`: standard input or output.
    Stdio,
    /// A file or directory on the local file system.
    Local(PathBuf),
    /// `s3://BUCKET/KEY`: an object, or with a `/` at the end (or an
    /// empty key) every object under that prefix.
    S3 { bucket: String, key: String },
}

impl Location {
    /// Parses a command-line argument.
    pub fn parse(arg: &str) -> Result<Self> {
        if arg == "-" {
            return Ok(Location::Stdio);
        }
        if arg.is_empty() {
            return Err(Error::usage("an empty path names no file"));
        }
        if let Some(rest) = arg.strip_prefix("s3://") {
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
            let valid = (3..=63).contains(&bucket.len())
                && bucket.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
                });
            if !valid {
                return Err(
                    Error::usage(format!("{arg}: not an s3://BUCKET/KEY address")).hint(
                        "bucket names are 3 to 63 lower-case letters, digits, dots and hyphens",
                    ),
                );
            }
            if key.split('/').any(|s| s == "." || s == "..") || key.contains("//") {
                return Err(Error::usage(format!(
                    "{arg}: a key has no empty, . or .. parts"
                )));
            }
            if !cfg!(feature = "s3") {
                return Err(Error::usage(format!(
                    "{arg}: this ehrcrypt was built without object-store support"
                ))
                .hint(
                    "build it with the default features (cargo feature `s3`), or use a local path",
                ));
            }
            return Ok(Location::S3 {
                bucket: bucket.to_string(),
                key: key.to_string(),
            });
        }
        Ok(Location::Local(PathBuf::from(arg)))
    }

    /// The local path: `-` for standard input/output, the URL for S3 (for
    /// messages and names only).
    pub fn path(&self) -> &Path {
        match self {
            Location::Stdio => Path::new("-"),
            Location::Local(p) => p,
            Location::S3 { .. } => Path::new("<s3>"),
        }
    }

    /// The path of a local file or directory; `None` for stdin/stdout and
    /// objects.
    pub fn local(&self) -> Option<&Path> {
        match self {
            Location::Local(p) => Some(p),
            _ => None,
        }
    }

    pub fn is_s3(&self) -> bool {
        matches!(self, Location::S3 { .. })
    }

    /// The last part of the name (a file or object name).
    pub fn file_name(&self) -> Option<String> {
        match self {
            Location::Stdio => None,
            Location::Local(p) => p.file_name().map(|n| n.to_string_lossy().into_owned()),
            Location::S3 { key, .. } => key
                .rsplit('/')
                .next()
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        }
    }

    /// `name` inside this location taken as a folder or prefix.
    pub fn join(&self, name: &str) -> Location {
        match self {
            Location::Stdio => Location::Stdio,
            Location::Local(p) => Location::Local(p.join(name)),
            Location::S3 { bucket, key } => Location::S3 {
                bucket: bucket.clone(),
                key: if key.is_empty() || key.ends_with('/') {
                    format!("{key}{name}")
                } else {
                    format!("{key}/{name}")
                },
            },
        }
    }

    /// The store that holds this location and its key there.
    pub fn store(&self) -> Result<(Arc<dyn Store>, String)> {
        match self {
            Location::Stdio => Err(Error::internal("standard input has no store")),
            Location::Local(p) => {
                let key = p.to_str().ok_or_else(|| {
                    Error::usage(format!("{}: not a UTF-8 file name", p.display()))
                })?;
                Ok((Arc::new(local::LocalStore::new()), key.to_string()))
            }
            Location::S3 { bucket, key } => Ok((open_bucket(bucket)?, key.clone())),
        }
    }
}

impl From<&Path> for Location {
    fn from(p: &Path) -> Self {
        if p.as_os_str() == "-" {
            Location::Stdio
        } else {
            Location::Local(p.to_path_buf())
        }
    }
}

impl std::str::FromStr for Location {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Location::parse(s)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Stdio => f.write_str(&crate::error::display_path(Path::new("-"))),
            Location::Local(p) => write!(f, "{}", p.display()),
            Location::S3 { bucket, key } => write!(f, "s3://{bucket}/{key}"),
        }
    }
}

/// The object store of `bucket` (configured by the `AWS_*` variables).
#[cfg(feature = "s3")]
pub fn open_bucket(bucket: &str) -> Result<Arc<dyn Store>> {
    Ok(s3::S3Store::open(bucket)?)
}

/// Without the `s3` feature there is none ([`Location::parse`] already
/// refused the address; this is for locations made in code).
#[cfg(not(feature = "s3"))]
pub fn open_bucket(bucket: &str) -> Result<Arc<dyn Store>> {
    Err(Error::usage(format!(
        "s3://{bucket}/: this ehrcrypt was built without object-store support"
    ))
    .hint("build it with the default features (cargo feature `s3`)"))
}

/// Reads a whole object at `loc` (standard input for `-`).
pub fn read(loc: &Location) -> Result<Vec<u8>> {
    match loc {
        Location::S3 { .. } => {
            let (store, key) = loc.store()?;
            store.get(&key).map(|o| o.bytes)
        }
        _ => atomic_file::read(loc.path()),
    }
}

/// Expands locations into the objects they name: a local directory or an
/// S3 prefix (a key that is empty or ends with `/`) into the `*.json`
/// objects below it (hidden names skipped), sorted; anything else as it is.
pub fn expand(inputs: &[Location]) -> Result<Vec<Location>> {
    let mut out = Vec::new();
    for loc in inputs {
        match loc {
            Location::S3 { bucket, key } if key.is_empty() || key.ends_with('/') => {
                let (store, _) = loc.store()?;
                let before = out.len();
                for m in store.list(key)? {
                    let hidden = m.key.rsplit('/').next().is_some_and(|n| n.starts_with('.'));
                    if !hidden && m.key.ends_with(".json") {
                        out.push(Location::S3 {
                            bucket: bucket.clone(),
                            key: m.key,
                        });
                    }
                }
                if out.len() == before {
                    return Err(Error::not_found(format!(
                        "{loc}: no .json object under this prefix"
                    )));
                }
            }
            _ => out.push(loc.clone()),
        }
    }
    Ok(out)
}

/// Updates the objects at `locs` (see [`Store::update`]): the one
/// read-modify-write path for entity files, local or on S3. `-` is a
/// filter instead: standard input is changed and written to standard
/// output, after every object was written.
pub fn update(locs: &[Location], change: &Change<'_>, file_mode: Mode) -> Result<()> {
    // Objects grouped by store (local files; each S3 bucket), with their
    // index among `locs`.
    let mut groups: std::collections::BTreeMap<Option<&str>, (Vec<String>, Vec<usize>)> =
        Default::default();
    let mut stdout = None;
    for (i, loc) in locs.iter().enumerate() {
        let (group, key) = match loc {
            Location::Stdio => {
                let bytes = atomic_file::read(loc.path())?;
                let mut out = zeroize::Zeroizing::new(Vec::new());
                match change(i, bytes.clone())? {
                    Some(fill) => fill(&mut *out).map_err(|e| Error::io(loc.path(), "write", e))?,
                    None => out.extend_from_slice(&bytes),
                }
                stdout = Some(out);
                continue;
            }
            Location::Local(_) => (None, loc.store()?.1),
            Location::S3 { bucket, key } => (Some(bucket.as_str()), key.clone()),
        };
        let g = groups.entry(group).or_default();
        g.0.push(key);
        g.1.push(i);
    }
    for (group, (keys, index)) in &groups {
        let store: Arc<dyn Store> = match group {
            None => Arc::new(local::LocalStore::new()),
            Some(bucket) => open_bucket(bucket)?,
        };
        let change = |j: usize, bytes: Vec<u8>| change(index[j], bytes);
        store.update(keys, &change, file_mode)?;
    }
    if let Some(out) = stdout {
        atomic_file::write(Path::new("-"), &out, file_mode)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        assert_eq!(Location::parse("-").unwrap(), Location::Stdio);
        assert_eq!(
            Location::parse("records/a.json").unwrap(),
            Location::Local(PathBuf::from("records/a.json"))
        );
        for bad in [
            "",
            "s3://",
            "s3://AB/k",
            "s3://b/k",
            "s3://bucket/a/../b",
            "s3://bucket/a//b",
        ] {
            let e = Location::parse(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Usage, "{bad}");
        }
    }

    #[cfg(feature = "s3")]
    #[test]
    fn s3_addresses_parse() {
        let l = Location::parse("s3://my-bucket/clinic/").unwrap();
        assert_eq!(
            l,
            Location::S3 {
                bucket: "my-bucket".into(),
                key: "clinic/".into()
            }
        );
        assert_eq!(l.to_string(), "s3://my-bucket/clinic/");
        assert_eq!(l.join("a.json").to_string(), "s3://my-bucket/clinic/a.json");
    }

    /// A build without the `s3` feature still knows the addresses, and
    /// refuses them in one line with a hint, not as a local path.
    #[cfg(not(feature = "s3"))]
    #[test]
    fn s3_addresses_refused_without_the_feature() {
        let e = Location::parse("s3://my-bucket/clinic/").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Usage);
        assert!(e.message().contains("without object-store support"));
        assert!(e.hint_text().unwrap().contains("`s3`"));
        assert!(open_bucket("my-bucket").is_err());
    }
}
