//! The local file-system backend: keys are paths below a root (none by
//! default, so a key is a path as the user typed it), writes go through
//! [`atomic_file`] (temporary file, sync, rename), and updates hold an
//! exclusive lock on each file from the read to the rename.
//!
//! The lock is taken on the entity file itself (`flock`), not on a
//! sibling lock file: a folder of 10,000 records gets no 10,000 lock files.
//! Because a write renames a new file over the old one, a process that
//! waited for the lock may hold it on a file that is no longer there; it
//! then sees that the path names another file (device and inode differ)
//! and locks that one instead.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::atomic_file::{self, Batch, Mode, TempFile};
use super::{conflict, Change, Meta, Object, PutMode, Store, Version};
use crate::error::{Error, Result};

/// Files on the local disk. See the module notes.
#[derive(Clone, Debug, Default)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    /// Keys are paths as given (relative to the working directory).
    pub fn new() -> Self {
        Self::default()
    }

    /// Keys are paths below `root`.
    pub fn with_root(root: impl Into<PathBuf>) -> Self {
        LocalStore { root: root.into() }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    fn key_of(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// A file's version: it changes whenever ehrcrypt rewrites the file (each
/// write is a new file renamed into place: a new inode) and whenever
/// anything else changes its content or size.
fn version_of(m: &fs::Metadata) -> Version {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Version(format!(
            "{}:{}:{}:{}.{}:{}.{}",
            m.dev(),
            m.ino(),
            m.size(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec()
        ))
    }
    #[cfg(not(unix))]
    {
        let t = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        Version(format!("{}:{t}", m.len()))
    }
}

/// Whether two metadata describe the same file (not merely equal content).
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        version_of(a) == version_of(b)
    }
}

/// A regular file opened and locked exclusively, the lock released when
/// dropped. Only ehrcrypt's writers take it; readers never wait (they see
/// the old file or the new one, as every write is a rename).
pub struct Locked {
    file: File,
    path: PathBuf,
}

impl Locked {
    pub fn acquire(path: &Path) -> Result<Self> {
        loop {
            let meta = fs::metadata(path).map_err(|e| Error::io(path, "read", e))?;
            if !meta.is_file() {
                return Err(Error::usage(format!(
                    "{}: not a regular file, cannot be changed in place",
                    path.display()
                )));
            }
            let file = File::open(path).map_err(|e| Error::io(path, "read", e))?;
            file.lock().map_err(|e| Error::io(path, "lock", e))?;
            let held = file.metadata().map_err(|e| Error::io(path, "read", e))?;
            match fs::metadata(path) {
                Ok(now) if same_file(&held, &now) => {
                    return Ok(Locked {
                        file,
                        path: path.to_path_buf(),
                    })
                }
                // Replaced (or removed) while we waited: start again on
                // what the path names now.
                _ => continue,
            }
        }
    }

    /// The locked file's whole content.
    pub fn read(&self) -> Result<Vec<u8>> {
        let mut f = &self.file;
        let size = self.file.metadata().map(|m| m.len() as usize).unwrap_or(0);
        let mut buf = Vec::with_capacity(size + 1);
        f.seek(SeekFrom::Start(0))
            .and_then(|_| f.read_to_end(&mut buf))
            .map_err(|e| Error::io(&self.path, "read", e))?;
        Ok(buf)
    }

    pub fn version(&self) -> Result<Version> {
        self.file
            .metadata()
            .map(|m| version_of(&m))
            .map_err(|e| Error::io(&self.path, "read", e))
    }
}

/// How many files one update keeps locked (and open) at a time: well under
/// the process's limit on open files.
fn chunk_len() -> usize {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct it is given.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0 {
            return ((lim.rlim_cur / 4) as usize).clamp(16, 4096);
        }
    }
    256
}

impl Store for LocalStore {
    fn get(&self, key: &str) -> Result<Object> {
        let path = self.path(key);
        let mut f = File::open(&path).map_err(|e| Error::io(&path, "read", e))?;
        let meta = f.metadata().map_err(|e| Error::io(&path, "read", e))?;
        let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
        f.read_to_end(&mut bytes)
            .map_err(|e| Error::io(&path, "read", e))?;
        Ok(Object {
            bytes,
            version: version_of(&meta),
        })
    }

    fn get_range(&self, key: &str, range: Range<u64>) -> Result<Vec<u8>> {
        let path = self.path(key);
        let mut f = File::open(&path).map_err(|e| Error::io(&path, "read", e))?;
        let mut out = Vec::new();
        f.seek(SeekFrom::Start(range.start))
            .and_then(|_| {
                f.take(range.end.saturating_sub(range.start))
                    .read_to_end(&mut out)
            })
            .map_err(|e| Error::io(&path, "read", e))?;
        Ok(out)
    }

    fn head(&self, key: &str) -> Result<Meta> {
        let path = self.path(key);
        let m = fs::metadata(&path).map_err(|e| Error::io(&path, "read", e))?;
        Ok(Meta {
            key: key.to_string(),
            size: m.len(),
            version: version_of(&m),
        })
    }

    fn put_stream(
        &self,
        key: &str,
        mode: PutMode,
        file_mode: Mode,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<Version> {
        let path = self.path(key);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create directory", e))?;
        }
        let _lock = match &mode {
            PutMode::Overwrite => {
                atomic_file::write_with(&path, file_mode, fill)?;
                return self.head(key).map(|m| m.version);
            }
            PutMode::Create => None,
            PutMode::IfMatch(expected) => {
                let lock = Locked::acquire(&path)?;
                if &lock.version()? != expected {
                    return Err(conflict(key));
                }
                Some(lock)
            }
        };
        let mut tmp = TempFile::create(&path, file_mode)?;
        {
            let mut w = io::BufWriter::with_capacity(1 << 20, tmp.file()?);
            fill(&mut w)
                .and_then(|_| w.flush())
                .map_err(|e| Error::io(&path, "write", e))?;
        }
        tmp.file()?
            .sync_all()
            .map_err(|e| Error::io(&path, "sync", e))?;
        if mode == PutMode::Create {
            tmp.persist_new()?;
        } else {
            tmp.persist()?;
        }
        self.head(key).map(|m| m.version)
    }

    fn list(&self, prefix: &str) -> Result<Vec<Meta>> {
        // A prefix names a directory (or one file): the local file system
        // has no cheaper way to find keys that share a beginning.
        let start = self.path(prefix);
        let mut out = Vec::new();
        let mut stack = vec![start.clone()];
        while let Some(p) = stack.pop() {
            let m = match fs::metadata(&p) {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::NotFound && p == start => break,
                Err(e) => return Err(Error::io(&p, "read", e)),
            };
            if m.is_dir() {
                let rd = fs::read_dir(&p).map_err(|e| Error::io(&p, "read directory", e))?;
                for entry in rd {
                    let entry = entry.map_err(|e| Error::io(&p, "read directory", e))?;
                    // Hidden entries include ehrcrypt's temporary files.
                    if !entry.file_name().to_string_lossy().starts_with('.') {
                        stack.push(entry.path());
                    }
                }
            } else {
                out.push(Meta {
                    key: self.key_of(&p),
                    size: m.len(),
                    version: version_of(&m),
                });
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    fn delete(&self, key: &str) -> Result<()> {
        let path = self.path(key);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(Error::io(&path, "delete", e)),
            _ => Ok(()),
        }
    }

    /// Locks the files in one global order (sorted paths, so two bulk runs
    /// never wait for each other in a cycle), reads and changes them in
    /// parallel, stages every result, syncs once, renames them all, and only
    /// then releases the locks. Inputs beyond what may be open at once are
    /// done in consecutive chunks, each whole or not at all.
    fn update(&self, keys: &[String], change: &Change<'_>, file_mode: Mode) -> Result<()> {
        let mut order: Vec<(PathBuf, usize)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let p = self.path(k);
                (fs::canonicalize(&p).unwrap_or(p), i)
            })
            .collect();
        order.sort();
        for chunk in order.chunks(chunk_len()) {
            let locks = chunk
                .iter()
                .map(|(p, _)| Locked::acquire(p))
                .collect::<Result<Vec<_>>>()?;
            let batch = Batch::new();
            let staged = locks
                .par_iter()
                .zip(chunk)
                .map(|(lock, (_, i))| {
                    let Some(fill) = change(*i, lock.read()?)? else {
                        return Ok(None);
                    };
                    let mode = atomic_file::keep_private(&lock.path, file_mode);
                    batch.stage_with(&lock.path, mode, fill).map(Some)
                })
                .collect::<Result<Vec<_>>>()?;
            let mut batch = batch;
            for s in staged.into_iter().flatten() {
                batch.push(s);
            }
            batch.commit()?;
            drop(locks);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::is_conflict;

    #[test]
    fn create_never_replaces_and_if_match_detects_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStore::with_root(dir.path());
        let v1 = s
            .put("a/x.json", b"one", PutMode::Create, Mode::Public)
            .unwrap();
        let e = s
            .put("a/x.json", b"two", PutMode::Create, Mode::Public)
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Refused);
        assert_eq!(s.get("a/x.json").unwrap().bytes, b"one");
        let v2 = s
            .put(
                "a/x.json",
                b"two",
                PutMode::IfMatch(v1.clone()),
                Mode::Public,
            )
            .unwrap();
        assert_ne!(v1, v2);
        let e = s
            .put("a/x.json", b"three", PutMode::IfMatch(v1), Mode::Public)
            .unwrap_err();
        assert!(is_conflict(&e), "{}", e.message());
        assert_eq!(s.get("a/x.json").unwrap().bytes, b"two");
        assert_eq!(s.get_range("a/x.json", 1..9).unwrap(), b"wo");
        let keys: Vec<String> = s.list("a").unwrap().into_iter().map(|m| m.key).collect();
        assert_eq!(keys, ["a/x.json"]);
        s.delete("a/x.json").unwrap();
        s.delete("a/x.json").unwrap();
        assert!(s.list("a").unwrap().is_empty());
    }

    #[test]
    fn concurrent_updates_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStore::with_root(dir.path());
        s.put("n", b"", PutMode::Create, Mode::Public).unwrap();
        std::thread::scope(|sc| {
            for t in 0..8u8 {
                let s = &s;
                sc.spawn(move || {
                    for _ in 0..25 {
                        let keys = ["n".to_string()];
                        let add = |_, mut b: Vec<u8>| -> Result<Option<super::super::Fill>> {
                            b.push(b'a' + t);
                            Ok(Some(Box::new(move |w: &mut dyn Write| w.write_all(&b))))
                        };
                        s.update(&keys, &add, Mode::Public).unwrap();
                    }
                });
            }
        });
        assert_eq!(s.get("n").unwrap().bytes.len(), 200);
    }

    #[test]
    fn a_failed_change_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStore::with_root(dir.path());
        for k in ["a", "b"] {
            s.put(k, b"old", PutMode::Create, Mode::Public).unwrap();
        }
        let keys = ["a".to_string(), "b".to_string()];
        let r = s.update(
            &keys,
            &|i, _| {
                if i == 1 {
                    return Err(Error::format("bad"));
                }
                Ok(Some(Box::new(|w: &mut dyn Write| w.write_all(b"new"))))
            },
            Mode::Public,
        );
        assert!(r.is_err());
        assert_eq!(s.get("a").unwrap().bytes, b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
