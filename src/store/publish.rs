//! Publishing a finished local folder of ciphertext on an object store
//! (issue 17): every file becomes an object under a prefix, in parallel
//! and streamed, some named last (a backup's manifest), each created
//! (never replacing one); on failure what was put is removed again, so a
//! folder appears whole or not at all. Backups and the commands that write
//! a new folder of entities (`fhir import`, `icure migrate`) build the
//! folder locally with the usual crash-safe code, then publish it here.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::store::{Location, Mode, PutMode, Store};

/// The store and key prefix (ending in `/`, or empty) of a bucket at `loc`.
pub fn bucket(loc: &Location) -> Result<(Arc<dyn Store>, String)> {
    let (s, key) = loc.store()?;
    let prefix = if key.is_empty() || key.ends_with('/') {
        key
    } else {
        format!("{key}/")
    };
    Ok((s, prefix))
}

/// Every file below `dir`, as paths relative to it with `/`.
pub fn files_below(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).map_err(|e| Error::io(&d, "read directory", e))? {
            let p = e.map_err(|e| Error::io(&d, "read directory", e))?.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.push(
                    rel.to_string_lossy()
                        .replace(std::path::MAIN_SEPARATOR, "/"),
                );
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Removes what an unfinished upload put, unless disarmed.
pub struct Uploaded<'a> {
    store: &'a dyn Store,
    keys: Mutex<Vec<String>>,
    done: bool,
}

impl<'a> Uploaded<'a> {
    pub fn new(store: &'a dyn Store) -> Self {
        Uploaded {
            store,
            keys: Mutex::new(Vec::new()),
            done: false,
        }
    }

    /// `key` was put: removed again unless [`Uploaded::disarm`] is called.
    pub fn record(&self, key: String) {
        if let Ok(mut k) = self.keys.lock() {
            k.push(key);
        }
    }

    /// Everything put stays.
    pub fn disarm(mut self) {
        self.done = true;
    }
}

impl Drop for Uploaded<'_> {
    fn drop(&mut self) {
        if !self.done {
            if let Ok(keys) = self.keys.lock() {
                remove_all(self.store, &keys);
            }
        }
    }
}

/// Removes `keys` (best effort), stopping at the first failure: the server
/// is gone or refuses, and every other delete would fail the same way after
/// its retries (seconds each), so a failed run would hang for minutes
/// instead of reporting. What is left is unreferenced: no manifest names
/// it (see [`leftovers`]).
pub fn remove_all(store: &dyn Store, keys: &[String]) {
    for k in keys {
        if store.delete(k).is_err() {
            break;
        }
    }
}

/// What an interrupted `backup create` can leave under `prefix` when its
/// cleanup could not reach the server: objects `PREFIX/objects/*.OBJECT_EXT`
/// and no manifest. `listed` is what the prefix holds; `Some` with those
/// keys when they are all of that kind (removed by the next create once it
/// has published: no other run can publish there after it), `None` when
/// anything else is there (a backup, or objects that are not one's).
pub fn leftovers(listed: &[super::Meta], prefix: &str, object_ext: &str) -> Option<Vec<String>> {
    let objects = format!("{prefix}objects/");
    let ext = format!(".{object_ext}");
    listed
        .iter()
        .map(|m| {
            let name = m.key.strip_prefix(&objects)?;
            (!name.contains('/') && name.ends_with(&ext)).then(|| m.key.clone())
        })
        .collect()
}

/// Streams what `produce` writes into the object `key` (a multipart upload
/// on S3, a temp file renamed on a local store), from the calling thread:
/// `produce` may need a `Send` writer (the chunk encryptor pipelines on a
/// thread of its own), which the store's writer is not, so the bytes cross
/// a bounded channel to a thread that runs the upload. A failure of
/// `produce` aborts the upload (nothing becomes visible); a failure of the
/// upload ends `produce` with a broken pipe and is the error reported.
pub fn stream_object<T>(
    store: &dyn Store,
    key: &str,
    produce: &mut dyn FnMut(&mut (dyn io::Write + Send)) -> Result<T>,
) -> Result<T> {
    /// Pieces in flight between the producer and the upload.
    const IN_FLIGHT: usize = 4;
    /// Bytes per piece.
    const PIECE: usize = 1 << 20;
    struct ToChannel {
        tx: Option<std::sync::mpsc::SyncSender<std::result::Result<Vec<u8>, ()>>>,
        buf: Vec<u8>,
        /// The upload stopped taking bytes (it failed).
        gone: bool,
    }
    impl ToChannel {
        fn send(&mut self, piece: std::result::Result<Vec<u8>, ()>) -> io::Result<()> {
            let sent = self.tx.as_ref().is_some_and(|tx| tx.send(piece).is_ok());
            if !sent {
                self.gone = true;
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "upload ended"));
            }
            Ok(())
        }
    }
    impl io::Write for ToChannel {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.buf.extend_from_slice(data);
            if self.buf.len() >= PIECE {
                let piece = std::mem::replace(&mut self.buf, Vec::with_capacity(PIECE));
                self.send(Ok(piece))?;
            }
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let (tx, rx) = std::sync::mpsc::sync_channel::<std::result::Result<Vec<u8>, ()>>(IN_FLIGHT);
    std::thread::scope(|scope| {
        let upload = scope.spawn(move || {
            store.put_stream(key, PutMode::Overwrite, Mode::Public, &mut |w| {
                for piece in rx.iter() {
                    match piece {
                        Ok(bytes) => w.write_all(&bytes)?,
                        Err(()) => {
                            return Err(io::Error::other("the object's producer failed"));
                        }
                    }
                }
                Ok(())
            })
        });
        let mut w = ToChannel {
            tx: Some(tx),
            buf: Vec::with_capacity(PIECE),
            gone: false,
        };
        let produced = produce(&mut w);
        let ended = match &produced {
            Ok(_) => {
                let rest = std::mem::take(&mut w.buf);
                w.send(Ok(rest))
            }
            // Tell the upload to abort rather than end with what it has.
            Err(_) => w.send(Err(())),
        };
        drop(w.tx.take());
        let uploaded = upload
            .join()
            .map_err(|_| Error::internal("upload thread panicked"))?;
        match (produced, ended, uploaded) {
            // The producer only saw a closed pipe: the upload says why.
            (Err(_), _, Err(u)) if w.gone => Err(u),
            (Err(e), _, _) => Err(e),
            (Ok(_), _, Err(e)) => Err(e),
            (Ok(_), Err(e), Ok(_)) => Err(Error::io(Path::new(key), "upload", e)),
            (Ok(t), Ok(()), Ok(_)) => Ok(t),
        }
    })
}

/// Uploads the files `names` of `dir` under `prefix`: all but `last` in
/// parallel with `mode` (each streamed in parts), then `last` in order,
/// each created (never replacing). On failure, what was put is removed
/// again.
pub fn put_in_order(
    store: &dyn Store,
    dir: &Path,
    prefix: &str,
    names: &[String],
    last: &[&str],
    mode: PutMode,
) -> Result<()> {
    let up = Uploaded::new(store);
    let put = |name: &str, mode: PutMode| -> Result<()> {
        let path = dir.join(name);
        let key = format!("{prefix}{name}");
        let mut f = File::open(&path).map_err(|e| Error::io(&path, "read", e))?;
        store.put_stream(&key, mode, Mode::Public, &mut |w| {
            io::copy(&mut f, w).map(|_| ())
        })?;
        up.record(key);
        Ok(())
    };
    names
        .par_iter()
        .with_max_len(1)
        .filter(|n| !last.contains(&n.as_str()))
        .try_for_each(|n| put(n, mode.clone()))?;
    for l in last {
        put(l, PutMode::Create)?;
    }
    up.disarm();
    Ok(())
}

/// Publishes every file below `dir` at the prefix `dest` (each created,
/// never replacing an object; nothing left behind on failure). Returns the
/// keys put.
pub fn publish_folder(dir: &Path, dest: &Location) -> Result<Vec<String>> {
    let (store, prefix) = bucket(dest)?;
    let names = files_below(dir)?;
    put_in_order(store.as_ref(), dir, &prefix, &names, &[], PutMode::Create)?;
    Ok(names.iter().map(|n| format!("{prefix}{n}")).collect())
}

/// A private staging folder for a downloaded or to-be-uploaded folder,
/// removed when dropped. Named like every temporary file, so a killed
/// run's is removed by a later one.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    pub fn new() -> Result<Self> {
        let dir = std::env::temp_dir();
        super::stale::clean(&dir);
        Ok(Scratch {
            path: dir.join(super::atomic_file::temp_name("ehrcrypt-bucket")),
        })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Meta, Version};

    fn listed(keys: &[&str]) -> Vec<Meta> {
        keys.iter()
            .map(|k| Meta {
                key: k.to_string(),
                size: 1,
                version: Version(String::new()),
            })
            .collect()
    }

    /// Only the objects an interrupted create leaves are accepted: a
    /// signature, a manifest, an entity or a nested name is not one's.
    #[test]
    fn leftovers_are_only_unreferenced_backup_objects() {
        let p = "b/";
        assert_eq!(leftovers(&[], p, "ehrbk"), Some(vec![]));
        assert_eq!(
            leftovers(
                &listed(&["b/objects/1.ehrbk", "b/objects/2.ehrbk"]),
                p,
                "ehrbk"
            ),
            Some(vec!["b/objects/1.ehrbk".into(), "b/objects/2.ehrbk".into()])
        );
        for other in [
            "b/manifest.json",
            "b/signature.json",
            "b/p0.enc.json",
            "b/objects/x/1.ehrbk",
            "b/objects/1.json",
        ] {
            assert_eq!(
                leftovers(&listed(&["b/objects/1.ehrbk", other]), p, "ehrbk"),
                None,
                "{other}"
            );
        }
    }
}
