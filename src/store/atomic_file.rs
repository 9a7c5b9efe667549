//! Crash-safe file output: write a temporary file beside the target, fsync
//! it, rename it over the target, fsync the directory. A reader sees the old
//! file or the new one, never half of either; an error leaves no temp file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

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

/// Whether an output may replace a file that is already there.
///
/// ehrcrypt's rule for every file or directory a command *creates* (`-o`,
/// `--out-dir`, a key export, a card): an existing one is refused (exit 7,
/// hint `--force`) unless the user passed `--force`, as age and gpg do.
/// Rewriting a file in place (a keystore, `share` and `revoke` on an
/// entity) is not creating an output: those pass [`Overwrite::Replace`].
/// Devices and FIFOs (`-o /dev/null`) are written, never replaced, so the
/// rule does not apply to them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Overwrite {
    /// An existing file is an error ([`already_exists`]).
    #[default]
    Refuse,
    /// An existing file is replaced atomically.
    Replace,
}

impl Overwrite {
    /// `--force` on the command line.
    pub fn from_force(force: bool) -> Self {
        if force {
            Overwrite::Replace
        } else {
            Overwrite::Refuse
        }
    }

    /// Fails if `dest` exists and may not be replaced; call it before the
    /// work, so that a refusal costs nothing. (The final rename checks
    /// again, atomically.) `-`, devices and FIFOs always pass.
    pub fn check(self, dest: &Path) -> Result<()> {
        if self == Overwrite::Replace || dest.as_os_str() == "-" {
            return Ok(());
        }
        match fs::symlink_metadata(dest) {
            Err(_) => Ok(()),
            Ok(_) => match fs::metadata(dest) {
                Ok(m) if !m.is_file() && !m.is_dir() => Ok(()),
                _ => Err(already_exists(dest)),
            },
        }
    }
}

/// The refusal of [`Overwrite::Refuse`].
pub fn already_exists(dest: &Path) -> Error {
    Error::refused(format!("{}: already exists", dest.display()))
        .hint("pass --force to replace it, or choose another name")
}

/// Writes `bytes` to `path` atomically, replacing what is there (keystores
/// and other in-place rewrites). `-` means standard output.
pub fn write(path: &Path, bytes: &[u8], mode: Mode) -> Result<()> {
    write_with(path, mode, |w| w.write_all(bytes))
}

/// Writes a command's output file (see [`Overwrite`]): like [`write`], but
/// an existing file is refused unless `overwrite` is `Replace`, checked
/// first and again atomically when the file is moved into place.
pub fn write_output(path: &Path, bytes: &[u8], mode: Mode, overwrite: Overwrite) -> Result<()> {
    overwrite.check(path)?;
    if overwrite == Overwrite::Replace {
        return write(path, bytes, mode);
    }
    if path.as_os_str() == "-" {
        return write(path, bytes, mode);
    }
    let path = match destination(path)? {
        Destination::Special(dev) => return write_special(&dev, |w| w.write_all(bytes)),
        Destination::Regular(p) => p,
    };
    let mut tmp = TempFile::create(&path, mode)?;
    let file = tmp.file()?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| Error::io(&path, "write", e))?;
    tmp.persist_new().map_err(|e| match e.kind() {
        crate::ErrorKind::Refused => already_exists(&path),
        _ => e,
    })
}

/// Writes a large streamed output (an attachment) under the rules of
/// [`write_output`]: `-` is standard output, a device or FIFO is written in
/// place, a regular file is written beside, synced (handed to the disk as
/// it comes, [`Writeback`]) and moved into place, never over an existing
/// file unless `overwrite` is `Replace`. `fill` writes batches of its own
/// size, so nothing buffers in between.
pub fn write_stream_output(
    path: &Path,
    mode: Mode,
    overwrite: Overwrite,
    fill: impl FnOnce(&mut (dyn Write + Send)) -> Result<()>,
) -> Result<()> {
    overwrite.check(path)?;
    if path.as_os_str() == "-" {
        // `Stdout` (unlike its lock) may be written from another thread;
        // 1 MiB buffers make its per-write locking free.
        let mut w = io::BufWriter::with_capacity(1 << 20, io::stdout());
        fill(&mut w)?;
        return w.flush().map_err(|e| Error::io(path, "write", e));
    }
    let path = match destination(path)? {
        Destination::Special(dev) => {
            let f = OpenOptions::new()
                .write(true)
                .open(&dev)
                .map_err(|e| Error::io(&dev, "open", e))?;
            let mut w = io::BufWriter::with_capacity(1 << 20, f);
            fill(&mut w)?;
            return w.flush().map_err(|e| Error::io(&dev, "write", e));
        }
        Destination::Regular(p) => p,
    };
    let mut tmp = TempFile::create(&path, mode)?;
    fill(&mut Writeback::new(tmp.file()?))?;
    tmp.file()?
        .sync_all()
        .map_err(|e| Error::io(&path, "sync", e))?;
    match overwrite {
        Overwrite::Replace => tmp.persist(),
        Overwrite::Refuse => tmp.persist_new().map_err(|e| match e.kind() {
            crate::ErrorKind::Refused => already_exists(&path),
            _ => e,
        }),
    }
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
    let path = match destination(path)? {
        Destination::Special(dev) => return write_special(&dev, fill),
        Destination::Regular(p) => p,
    };
    let path = path.as_path();
    let mut tmp = TempFile::create(path, mode)?;
    let file = tmp.file()?;
    {
        let mut buf = io::BufWriter::with_capacity(1 << 20, &mut *file);
        fill(&mut buf)
            .and_then(|_| buf.flush())
            .map_err(|e| Error::io(path, "write", e))?;
    }
    file.sync_all().map_err(|e| Error::io(path, "sync", e))?;
    tmp.persist()
}

/// Where an output really goes.
enum Destination {
    /// A regular file (or one to be created): written beside, then renamed.
    Regular(PathBuf),
    /// A device, FIFO or socket (`-o /dev/null`, a named pipe): written in
    /// place. Renaming a temporary file over it would replace the device
    /// with a regular file holding the output, plaintext included.
    Special(PathBuf),
}

/// Resolves `dest`: a symbolic link is followed, so that the link stays and
/// its target is replaced; a directory is an error.
fn destination(dest: &Path) -> Result<Destination> {
    let Ok(own) = fs::symlink_metadata(dest) else {
        if dest
            .as_os_str()
            .to_string_lossy()
            .ends_with(std::path::MAIN_SEPARATOR)
        {
            return Err(Error::usage(format!(
                "{}: a directory name, and no such directory exists",
                dest.display()
            ))
            .hint("to write one file per input into a directory, use --out-dir DIR; to write one file, drop the trailing /"));
        }
        return Ok(Destination::Regular(dest.to_path_buf()));
    };
    let is_link = own.file_type().is_symlink();
    match fs::metadata(dest) {
        Ok(m) if m.is_dir() => Err(Error::usage(format!("{}: is a directory", dest.display()))
            .hint("name a file to write, or use --out-dir DIR")),
        // Written through the link, if any (`/dev/stdout` and the like).
        Ok(m) if !m.is_file() => Ok(Destination::Special(dest.to_path_buf())),
        Ok(_) if is_link => fs::canonicalize(dest)
            .map(Destination::Regular)
            .map_err(|e| Error::io(dest, "follow link", e)),
        Ok(_) => Ok(Destination::Regular(dest.to_path_buf())),
        // A dangling link: create its target.
        Err(_) if is_link => {
            let target = fs::read_link(dest).map_err(|e| Error::io(dest, "follow link", e))?;
            Ok(Destination::Regular(match dest.parent() {
                Some(dir) if target.is_relative() => dir.join(target),
                _ => target,
            }))
        }
        Err(e) => Err(Error::io(dest, "inspect", e)),
    }
}

/// Writes to a device or FIFO as it is: nothing to make atomic there.
fn write_special(dev: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let f = OpenOptions::new()
        .write(true)
        .open(dev)
        .map_err(|e| Error::io(dev, "open", e))?;
    let mut buf = io::BufWriter::with_capacity(1 << 20, f);
    fill(&mut buf)
        .and_then(|_| buf.flush())
        .map_err(|e| Error::io(dev, "write", e))
}

/// A temporary file next to its destination, removed unless persisted.
pub struct TempFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<File>,
    persisted: bool,
}

/// Temporary names are `.NAME.tmp-PID-RANDOM-COUNTER`: unique within the
/// process by the counter, across processes by pid and a random prefix
/// drawn once, so a bulk run costs no extra system call per file. The PID
/// lets a later run remove what a killed one left ([`super::stale`]).
pub(crate) fn temp_name(name: &str) -> String {
    format!(".{name}.tmp-{}", temp_suffix())
}

fn temp_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static PREFIX: OnceLock<String> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        let mut nonce = [0u8; 6];
        crate::crypto::random_bytes(&mut nonce);
        format!("{}-{}", std::process::id(), crate::crypto::hex(&nonce))
    });
    format!("{prefix}-{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

impl TempFile {
    pub fn create(dest: &Path, mode: Mode) -> Result<Self> {
        let dir = parent_dir(dest);
        let name = dest
            .file_name()
            .ok_or_else(|| Error::usage(format!("{}: not a file name", dest.display())))?;
        super::stale::clean(dir);
        let tmp = dir.join(temp_name(&name.to_string_lossy()));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(mode.bits());
        }
        #[cfg(not(unix))]
        let _ = mode;
        let file = opts.open(&tmp).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound && !dir.is_dir() {
                Error::not_found(format!(
                    "{}: cannot write, the directory {} does not exist",
                    dest.display(),
                    dir.display()
                ))
                .hint("create the directory first, or write somewhere else")
            } else {
                Error::io(dest, "create a temporary file for", e)
            }
        })?;
        Ok(TempFile {
            tmp,
            dest: dest.to_path_buf(),
            file: Some(file),
            persisted: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// The open temporary file.
    pub fn file(&mut self) -> Result<&mut File> {
        if self.file.is_none() {
            let f = OpenOptions::new()
                .write(true)
                .open(&self.tmp)
                .map_err(|e| Error::io(&self.dest, "write", e))?;
            self.file = Some(f);
        }
        Ok(self.file.as_mut().expect("just opened"))
    }

    /// Closes the file (staged files must not hold descriptors by thousands).
    fn close(&mut self) {
        self.file = None;
    }

    /// Renames the temporary file over the destination and syncs the directory.
    pub fn persist(mut self) -> Result<()> {
        self.close();
        fs::rename(&self.tmp, &self.dest).map_err(|e| Error::io(&self.dest, "replace", e))?;
        self.persisted = true;
        sync_dir(parent_dir(&self.dest));
        Ok(())
    }

    /// Like [`TempFile::persist`], but never replaces an existing
    /// destination: the file is linked to its name, which fails if the name
    /// exists, even if another process created it a moment ago.
    pub fn persist_new(mut self) -> Result<()> {
        self.close();
        fs::hard_link(&self.tmp, &self.dest).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                Error::refused(format!("{}: already exists", self.dest.display()))
                    .hint("choose another name, or remove it first")
            } else {
                Error::io(&self.dest, "create", e)
            }
        })?;
        let _ = fs::remove_file(&self.tmp);
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

/// A file being written whose pages are handed to the disk as they come
/// (Linux: `sync_file_range(SYNC_FILE_RANGE_WRITE)` every
/// [`Writeback::WINDOW`] bytes), so that the `fsync` that makes it durable
/// at the end waits for the last few MiB rather than for all of it: the
/// disk writes while the bytes are still being produced. It only starts
/// writeback early; the caller still syncs the file (that fsync is what
/// reports a write error). Large streamed outputs (attachments) use it.
pub struct Writeback<'a> {
    file: &'a File,
    written: u64,
    started: u64,
}

impl<'a> Writeback<'a> {
    pub const WINDOW: u64 = 8 << 20;

    pub fn new(file: &'a File) -> Self {
        Writeback {
            file,
            written: 0,
            started: 0,
        }
    }

    fn advance(&mut self, n: usize) {
        self.written += n as u64;
        if self.written - self.started < Self::WINDOW {
            return;
        }
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::io::AsRawFd;
            // SAFETY: the descriptor is open (borrowed from `file`); the
            // call reads no memory. Its result is advice only: the final
            // fsync reports any error.
            let _ = unsafe {
                libc::sync_file_range(
                    self.file.as_raw_fd(),
                    self.started as libc::off64_t,
                    (self.written - self.started) as libc::off64_t,
                    libc::SYNC_FILE_RANGE_WRITE,
                )
            };
        }
        self.started = self.written;
    }
}

impl Write for Writeback<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.advance(n);
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let n = self.file.write_vectored(bufs)?;
        self.advance(n);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Makes a rename durable. Best effort: not every platform can open a directory.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Many outputs that appear together or not at all.
///
/// Into an existing directory, each output is staged in a temporary file
/// beside its destination and [`Batch::commit`] renames them into place
/// after one file-system sync. Into a directory that does not exist yet
/// ([`Batch::into_new_dir`]), outputs are written into a hidden sibling
/// directory that one rename turns into the destination: all or nothing,
/// at no per-file cost. Dropping an uncommitted batch removes everything it
/// staged, so a failure on one input leaves no output at all. (Per-file
/// fsync would cost milliseconds per record; bulk commands write thousands.)
#[derive(Default)]
pub struct Batch {
    staged: Vec<TempFile>,
    /// Output for `-`, held until commit: it may be plaintext, so it is
    /// wiped when dropped.
    stdout: Option<Zeroizing<Vec<u8>>>,
    new_dir: Option<NewDir>,
    /// Whether staged files may replace existing ones; `Batch::new` (in-place
    /// rewrites) replaces, `Batch::outputs` follows the user's `--force`.
    refuse_existing: bool,
}

struct NewDir {
    staging: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl Drop for NewDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

impl Batch {
    /// A batch of in-place rewrites: staged files replace their destinations.
    pub fn new() -> Self {
        Self::default()
    }

    /// A batch of a command's outputs, into existing directories: an
    /// existing destination is refused unless `overwrite` is `Replace`.
    pub fn outputs(overwrite: Overwrite) -> Self {
        Batch {
            refuse_existing: overwrite == Overwrite::Refuse,
            ..Self::default()
        }
    }

    /// A batch whose outputs all go into `dir`, which must not exist yet.
    pub fn into_new_dir(dir: &Path, mode: Mode) -> Result<Self> {
        if dir.exists() {
            return Err(Error::refused(format!("{}: already exists", dir.display())));
        }
        let parent = parent_dir(dir);
        if !parent.exists() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create directory", e))?;
        }
        let name = dir
            .file_name()
            .ok_or_else(|| Error::usage(format!("{}: not a directory name", dir.display())))?;
        super::stale::clean(parent);
        let staging = parent.join(temp_name(&name.to_string_lossy()));
        let mut b = fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(if mode == Mode::Private { 0o700 } else { 0o755 });
        }
        #[cfg(not(unix))]
        let _ = mode;
        b.create(&staging)
            .map_err(|e| Error::io(dir, "create a staging directory for", e))?;
        Ok(Batch {
            new_dir: Some(NewDir {
                staging,
                dest: dir.to_path_buf(),
                committed: false,
            }),
            ..Self::default()
        })
    }

    /// Stages `bytes` for `dest` (`-`: standard output, written at commit).
    pub fn stage(&mut self, dest: &Path, bytes: &[u8], mode: Mode) -> Result<()> {
        let staged = self.stage_one(dest, bytes, mode)?;
        self.push(staged);
        Ok(())
    }

    /// Stages one file without changing the batch, so workers can stage in
    /// parallel and hand the results to [`Batch::push`].
    pub fn stage_one(&self, dest: &Path, bytes: &[u8], mode: Mode) -> Result<Staged> {
        if dest.as_os_str() == "-" {
            return Ok(Staged(StagedInner::Stdout(Zeroizing::new(bytes.to_vec()))));
        }
        self.stage_with(dest, mode, |w| w.write_all(bytes))
    }

    /// Like [`Batch::stage_one`], with the content streamed by `fill`
    /// through a small buffer (large records need no second copy in memory).
    pub fn stage_with(
        &self,
        dest: &Path,
        mode: Mode,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<Staged> {
        if dest.as_os_str() == "-" {
            let mut out = Zeroizing::new(Vec::new());
            fill(&mut *out).map_err(|e| Error::io(dest, "write", e))?;
            return Ok(Staged(StagedInner::Stdout(out)));
        }
        if let Some(path) = self.in_new_dir(dest) {
            let f = create_new(&path, mode).map_err(|e| Error::io(dest, "write", e))?;
            let mut buf = io::BufWriter::with_capacity(64 << 10, f);
            fill(&mut buf)
                .and_then(|_| buf.flush())
                .map_err(|e| Error::io(dest, "write", e))?;
            return Ok(Staged(StagedInner::InNewDir));
        }
        let dest = match destination(dest)? {
            Destination::Special(dev) => {
                write_special(&dev, fill)?;
                return Ok(Staged(StagedInner::Written));
            }
            Destination::Regular(p) => p,
        };
        let dest = dest.as_path();
        if self.refuse_existing {
            Overwrite::Refuse.check(dest)?;
        }
        let mut tmp = TempFile::create(dest, mode)?;
        {
            let mut buf = io::BufWriter::with_capacity(64 << 10, tmp.file()?);
            fill(&mut buf)
                .and_then(|_| buf.flush())
                .map_err(|e| Error::io(dest, "write", e))?;
        }
        tmp.close();
        Ok(Staged(StagedInner::File(tmp)))
    }

    /// Like [`Batch::stage_with`] for a large regular file that `fill`
    /// streams from threads of its own (an encrypted stream, in batches of
    /// its own size): written through [`Writeback`], nothing buffered in
    /// between, its error kept as it is.
    pub fn stage_stream(
        &self,
        dest: &Path,
        mode: Mode,
        fill: impl FnOnce(&mut (dyn Write + Send)) -> Result<()>,
    ) -> Result<Staged> {
        if let Some(path) = self.in_new_dir(dest) {
            let f = create_new(&path, mode).map_err(|e| Error::io(dest, "write", e))?;
            fill(&mut Writeback::new(&f))?;
            return Ok(Staged(StagedInner::InNewDir));
        }
        if self.refuse_existing {
            Overwrite::Refuse.check(dest)?;
        }
        let mut tmp = TempFile::create(dest, mode)?;
        fill(&mut Writeback::new(tmp.file()?))?;
        tmp.close();
        Ok(Staged(StagedInner::File(tmp)))
    }

    /// Where `dest` is staged when the batch creates a new directory.
    fn in_new_dir(&self, dest: &Path) -> Option<PathBuf> {
        let nd = self.new_dir.as_ref()?;
        match (dest.parent(), dest.file_name()) {
            (Some(parent), Some(name)) if parent == nd.dest => Some(nd.staging.join(name)),
            _ => None,
        }
    }

    pub fn push(&mut self, staged: Staged) {
        match staged.0 {
            StagedInner::File(t) => self.staged.push(t),
            StagedInner::Stdout(b) => self
                .stdout
                .get_or_insert_with(|| Zeroizing::new(Vec::new()))
                .extend_from_slice(&b),
            StagedInner::InNewDir | StagedInner::Written => {}
        }
    }

    /// Syncs, moves every staged output into place, writes stdout.
    pub fn commit(mut self) -> Result<()> {
        let mut sync_paths: Vec<&Path> = self.staged.iter().map(|t| t.tmp.as_path()).collect();
        if let Some(nd) = &self.new_dir {
            sync_paths.push(&nd.staging);
        }
        sync_file_systems(&sync_paths)?;
        let mut dirs = std::collections::BTreeSet::new();
        let staged = std::mem::take(&mut self.staged);
        if self.refuse_existing {
            // Checked again just before the renames: a file that appeared
            // during the work stops the batch before any output moves.
            for t in &staged {
                Overwrite::Refuse.check(&t.dest)?;
            }
        }
        for mut t in staged {
            dirs.insert(parent_dir(&t.dest).to_path_buf());
            fs::rename(&t.tmp, &t.dest).map_err(|e| Error::io(&t.dest, "replace", e))?;
            t.persisted = true;
        }
        if let Some(nd) = self.new_dir.as_mut() {
            if nd.dest.exists() {
                return Err(Error::refused(format!(
                    "{}: appeared while writing; nothing was written",
                    nd.dest.display()
                )));
            }
            fs::rename(&nd.staging, &nd.dest).map_err(|e| Error::io(&nd.dest, "create", e))?;
            nd.committed = true;
            dirs.insert(parent_dir(&nd.dest).to_path_buf());
        }
        for d in dirs {
            sync_dir(&d);
        }
        if let Some(bytes) = self.stdout.take() {
            write(Path::new("-"), &bytes, Mode::Public)?;
        }
        Ok(())
    }
}

/// Creates `path`, which must not exist, with `mode`'s permissions.
fn create_new(path: &Path, mode: Mode) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode.bits());
    }
    opts.open(path)
}

/// A file staged by [`Batch::stage_one`].
pub struct Staged(StagedInner);

enum StagedInner {
    File(TempFile),
    Stdout(Zeroizing<Vec<u8>>),
    InNewDir,
    /// Written already: a device or FIFO, which has no staging.
    Written,
}

/// Up to this many staged files (and no new directory), a batch fsyncs
/// each file rather than calling `syncfs`.
const FSYNC_EACH_UP_TO: usize = 8;

/// Makes staged files durable: one `syncfs` per file system on Linux
/// instead of one fsync per file; elsewhere, fsync each file. A batch of a
/// few files (a share, one record) fsyncs them one by one: `syncfs`
/// writes back every dirty page of the file system, other programs' too,
/// so a one-file command would wait for whatever a build or a copy left
/// unwritten (measured on the shared disk: 83 ms after a 100 MB copy,
/// against 2 ms for the file itself).
fn sync_file_systems(paths: &[&Path]) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::io::AsRawFd;
        if paths.len() <= FSYNC_EACH_UP_TO && paths.iter().all(|p| p.is_file()) {
            for p in paths {
                File::open(p)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| Error::io(p, "sync", e))?;
            }
            return Ok(());
        }
        let dirs: std::collections::BTreeSet<&Path> = paths.iter().map(|p| parent_dir(p)).collect();
        let mut devices = std::collections::BTreeSet::new();
        for dir in dirs {
            let f = File::open(dir).map_err(|e| Error::io(dir, "sync", e))?;
            let dev = f.metadata().map(|m| m.dev()).unwrap_or(0);
            if devices.insert(dev) {
                // SAFETY: syncfs takes a valid open file descriptor, which `f` owns.
                if unsafe { libc::syncfs(f.as_raw_fd()) } != 0 {
                    return Err(Error::io(dir, "sync", io::Error::last_os_error()));
                }
            }
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        fn sync_tree(p: &Path) -> io::Result<()> {
            if p.is_dir() {
                for e in fs::read_dir(p)? {
                    sync_tree(&e?.path())?;
                }
            }
            File::open(p)?.sync_all()
        }
        for p in paths {
            sync_tree(p).map_err(|e| Error::io(p, "sync", e))?;
        }
        Ok(())
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
    let err = |e| Error::io(path, "read", e);
    let mut file = File::open(path).map_err(err)?;
    let size = file.metadata().map(|m| m.len() as usize).unwrap_or(0);
    let mut buf = Vec::with_capacity(size + 1);
    advise_huge_pages(&mut buf);
    file.read_to_end(&mut buf).map_err(err)?;
    Ok(buf)
}

/// Asks Linux to back a large buffer with huge pages: reading a 100 MB
/// record then takes ~50 page faults instead of ~25,000, which is most of
/// the cost of a read from the page cache. Advice only: the contents and
/// the allocation are unchanged, and a refusal is harmless.
fn advise_huge_pages(buf: &mut Vec<u8>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        if buf.capacity() < 4 * HUGE {
            return;
        }
        let start = buf.as_mut_ptr() as usize;
        let first = start.next_multiple_of(HUGE);
        let end = (start + buf.capacity()) / HUGE * HUGE;
        if end > first {
            // SAFETY: [first, end) lies inside the buffer's allocation, which
            // this function borrows mutably; MADV_HUGEPAGE does not change
            // the memory's contents or validity.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = buf;
}

/// Replacing a file never makes it readable by more people than before: an
/// existing destination that others may not read is replaced as 0600.
pub fn keep_private(dest: &Path, mode: Mode) -> Mode {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = fs::metadata(dest) {
            if m.permissions().mode() & 0o004 == 0 {
                return Mode::Private;
            }
        }
    }
    let _ = dest;
    mode
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
    fn dropped_batch_leaves_nothing_and_commit_writes_all() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        let mut batch = Batch::new();
        batch.stage(&a, b"1", Mode::Public).unwrap();
        batch.stage(&b, b"2", Mode::Public).unwrap();
        drop(batch);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut batch = Batch::new();
        batch.stage(&a, b"1", Mode::Public).unwrap();
        batch.stage(&b, b"2", Mode::Public).unwrap();
        batch.commit().unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"1");
        assert_eq!(fs::read(&b).unwrap(), b"2");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn new_dir_batch_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut batch = Batch::into_new_dir(&out, Mode::Private).unwrap();
        batch.stage(&out.join("a"), b"1", Mode::Private).unwrap();
        assert!(!out.exists());
        drop(batch);
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "staging removed"
        );
        let mut batch = Batch::into_new_dir(&out, Mode::Private).unwrap();
        batch.stage(&out.join("a"), b"1", Mode::Private).unwrap();
        batch.stage(&out.join("b"), b"2", Mode::Private).unwrap();
        batch.commit().unwrap();
        assert_eq!(fs::read(out.join("b")).unwrap(), b"2");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn streamed_stage_commits_like_bytes_and_failed_fill_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let batch = Batch::new();
        let r = batch.stage_with(&p, Mode::Public, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(r.is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut batch = Batch::new();
        let s = batch
            .stage_with(&p, Mode::Public, |w| w.write_all(&[7u8; 100_000]))
            .unwrap();
        batch.push(s);
        batch.commit().unwrap();
        assert_eq!(fs::read(&p).unwrap(), vec![7u8; 100_000]);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_in_place_not_replaced() {
        use std::io::Read;
        use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // The reading end is opened first, without blocking: if the FIFO
        // were replaced by a renamed file, this reader would see EOF and the
        // test would fail instead of hanging.
        let reader = || {
            OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(&fifo)
                .unwrap()
        };
        let read_all = |mut r: File| {
            let mut got = Vec::new();
            r.read_to_end(&mut got).unwrap();
            got
        };
        let r = reader();
        write(&fifo, b"through the pipe", Mode::Private).unwrap();
        assert_eq!(read_all(r), b"through the pipe");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        let r = reader();
        let mut batch = Batch::new();
        batch.stage(&fifo, b"batched", Mode::Private).unwrap();
        batch.commit().unwrap();
        assert_eq!(read_all(r), b"batched");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_keeps_pointing_at_the_replaced_file() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, b"new", Mode::Public).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
        let e = write(dir.path(), b"x", Mode::Public).unwrap_err();
        assert!(e.message().contains("is a directory"), "{}", e.message());
    }

    #[test]
    fn outputs_refuse_an_existing_file_unless_replace() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_output(&p, b"one", Mode::Public, Overwrite::Refuse).unwrap();
        let e = write_output(&p, b"two", Mode::Public, Overwrite::Refuse).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Refused);
        assert!(e.hint_text().unwrap().contains("--force"));
        assert_eq!(fs::read(&p).unwrap(), b"one");
        write_output(&p, b"two", Mode::Public, Overwrite::Replace).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let batch = Batch::outputs(Overwrite::Refuse);
        assert!(batch.stage_one(&p, b"3", Mode::Public).is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file");
        // The atomic check: a file that appears after the first check.
        let q = dir.path().join("late.json");
        let tmp = TempFile::create(&q, Mode::Public).unwrap();
        fs::write(&q, b"someone else's").unwrap();
        assert!(tmp.persist_new().is_err());
        assert_eq!(fs::read(&q).unwrap(), b"someone else's");
        assert!(write_output(
            Path::new("/dev/null"),
            b"x",
            Mode::Public,
            Overwrite::Refuse
        )
        .is_ok());
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
