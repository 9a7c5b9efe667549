//! Crash-safe file output: write a temporary file beside the target, fsync
//! it, rename it over the target, fsync the directory. A reader sees the old
//! file or the new one, never half of either; an error leaves no temp file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Who may read a file ehrcrypt creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// 0600: keystores, private keys, anything holding or wrapping secrets.
    Private,
    /// 0644: public owner documents, encrypted records.
    Public,
}

impl Mode {
    #[cfg(unix)]
    fn bits(self) -> u32 {
        match self {
            Mode::Private => 0o600,
            Mode::Public => 0o644,
        }
    }
}

/// Writes `bytes` to `path` atomically. `-` means standard output.
pub fn write(path: &Path, bytes: &[u8], mode: Mode) -> Result<()> {
    write_with(path, mode, |w| w.write_all(bytes))
}

/// Like [`write`], with the content produced by `fill` (which may stream).
pub fn write_with(
    path: &Path,
    mode: Mode,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    if path.as_os_str() == "-" {
        let stdout = io::stdout();
        let mut lock = stdout.lock();
        return fill(&mut lock)
            .and_then(|_| lock.flush())
            .map_err(|e| Error::io(path, "write", e));
    }
    let tmp = TempFile::create(path, mode)?;
    let mut file = tmp.file()?;
    {
        let mut buf = io::BufWriter::with_capacity(1 << 20, &mut file);
        fill(&mut buf)
            .and_then(|_| buf.flush())
            .map_err(|e| Error::io(path, "write", e))?;
    }
    file.sync_all().map_err(|e| Error::io(path, "sync", e))?;
    drop(file);
    tmp.persist()
}

/// A temporary file next to its destination, removed unless persisted.
pub struct TempFile {
    tmp: PathBuf,
    dest: PathBuf,
    persisted: bool,
}

impl TempFile {
    pub fn create(dest: &Path, mode: Mode) -> Result<Self> {
        let dir = parent_dir(dest);
        let name = dest
            .file_name()
            .ok_or_else(|| Error::usage(format!("{}: not a file name", dest.display())))?;
        let mut nonce = [0u8; 6];
        crate::crypto::random_bytes(&mut nonce);
        let tmp = dir.join(format!(
            ".{}.tmp-{}-{}",
            name.to_string_lossy(),
            std::process::id(),
            crate::crypto::hex(&nonce)
        ));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(mode.bits());
        }
        #[cfg(not(unix))]
        let _ = mode;
        opts.open(&tmp)
            .map_err(|e| Error::io(dest, "create a temporary file for", e))?;
        Ok(TempFile {
            tmp,
            dest: dest.to_path_buf(),
            persisted: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.tmp
    }

    pub fn file(&self) -> Result<File> {
        OpenOptions::new()
            .write(true)
            .open(&self.tmp)
            .map_err(|e| Error::io(&self.dest, "write", e))
    }

    /// Renames the temporary file over the destination and syncs the directory.
    pub fn persist(mut self) -> Result<()> {
        fs::rename(&self.tmp, &self.dest).map_err(|e| Error::io(&self.dest, "replace", e))?;
        self.persisted = true;
        sync_dir(parent_dir(&self.dest));
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Makes a rename durable. Best effort: not every platform can open a directory.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Reads a whole file, or standard input for `-`.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(path, "read", e))?;
        return Ok(buf);
    }
    fs::read(path).map_err(|e| Error::io(path, "read", e))
}

/// Creates a directory (and parents) readable only by its owner.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
        .map_err(|e| Error::io(dir, "create directory", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_and_leave_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.json");
        write(&p, b"one", Mode::Private).unwrap();
        write(&p, b"two", Mode::Private).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn failed_fill_keeps_old_content() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.json");
        write(&p, b"old", Mode::Public).unwrap();
        let r = write_with(&p, Mode::Public, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(r.is_err());
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
