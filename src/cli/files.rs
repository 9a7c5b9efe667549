//! Inputs and outputs shared by the bulk commands: expanding directories
//! (and S3 prefixes) into their JSON files, and deciding where each result
//! goes (`-o FILE`, `-o -`, `--out-dir DIR`, `--out-dir s3://B/P/`, or
//! stdout for a single input).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use clap::Args;
use rayon::prelude::*;
use zeroize::Zeroizing;

use ehrcrypt::atomic_file::{keep_private, Batch, Mode, Overwrite, Staged};
use ehrcrypt::delegation::EntityFile;
use ehrcrypt::entity::Entity;
use ehrcrypt::store::{self, Location, PutMode, Store};
use ehrcrypt::{Error, Result};

use super::Env;

/// `-o` / `--out-dir` / `--force`, as every bulk command takes them.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output file for a single input (- for stdout, the default; s3://BUCKET/KEY)
    #[arg(short, long, value_name = "FILE", conflicts_with = "out_dir", value_hint = clap::ValueHint::AnyPath)]
    pub output: Option<Location>,
    /// Write one file per input into DIR (created if missing), named by the
    /// rule: encrypting adds .enc.json, decrypting removes it (or s3://BUCKET/PREFIX/)
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub out_dir: Option<Location>,
    /// Replace output files that already exist (refused otherwise)
    #[arg(long)]
    pub force: bool,
}

/// How an output file is named after its input under `--out-dir`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// `NAME.json` → `NAME.enc.json`.
    Encrypted,
    /// `NAME.enc.json` → `NAME.json`.
    Decrypted,
}

impl OutputArgs {
    pub fn overwrite(&self) -> Overwrite {
        Overwrite::from_force(self.force)
    }

    /// The batch that will hold the outputs: a directory that does not
    /// exist yet is created whole at commit time, by one rename.
    pub fn batch(&self, mode: Mode) -> Result<Batch> {
        match &self.out_dir {
            Some(Location::Local(dir)) if !dir.exists() => Batch::into_new_dir(dir, mode),
            _ => Ok(Batch::outputs(self.overwrite())),
        }
    }
}

/// Expands `inputs`: files as given (`-` is stdin), directories and S3
/// prefixes into the `*.json` files below them, sorted, so runs are
/// reproducible.
pub fn expand(inputs: &[Location]) -> Result<Vec<Location>> {
    let mut out = Vec::new();
    for loc in inputs {
        match loc {
            Location::Local(p) if p.is_dir() => {
                let mut found = Vec::new();
                walk(p, &mut found)?;
                found.sort();
                out.extend(found.into_iter().map(Location::Local));
            }
            Location::S3 { .. } => out.extend(store::expand(std::slice::from_ref(loc))?),
            _ => out.push(loc.clone()),
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, "read directory", e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, "read directory", e))?;
        // Hidden entries are skipped, files and directories alike: among
        // them are ehrcrypt's own staging directories and temporary files
        // (`.NAME.tmp-…`), which a crash could leave behind.
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        // The entry's type comes with the directory listing (d_type): no
        // stat per file. Only a symbolic link needs one, to be followed.
        let is_dir = match entry.file_type() {
            Ok(t) if t.is_symlink() => path.is_dir(),
            Ok(t) => t.is_dir(),
            Err(_) => path.is_dir(),
        };
        if is_dir {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

impl OutputArgs {
    /// The destination of each input, checked before any work is done:
    /// an existing one is refused here unless `--force`.
    pub fn destinations(&self, inputs: &[Location], naming: Naming) -> Result<Vec<Location>> {
        if inputs.is_empty() {
            return Err(
                Error::not_found("no input: the directories given hold no .json file").hint(
                    "inputs are .json files or directories holding them (hidden ones are skipped)",
                ),
            );
        }
        let dests = self.destinations_unchecked(inputs, naming)?;
        // Objects on a store are created, never replaced: checked there.
        for d in &dests {
            if let Location::Local(p) = d {
                self.overwrite().check(p)?;
            }
        }
        Ok(dests)
    }

    fn destinations_unchecked(&self, inputs: &[Location], naming: Naming) -> Result<Vec<Location>> {
        if let Some(dir) = &self.out_dir {
            let mut seen = HashSet::new();
            return inputs
                .iter()
                .map(|p| {
                    let name = p.file_name().ok_or_else(|| {
                        Error::usage(format!("{p}: --out-dir needs named input files, not stdin"))
                    })?;
                    let name = std::ffi::OsString::from(name);
                    let name = match naming {
                        Naming::Encrypted => ehrcrypt::format::names::encrypted(&name),
                        Naming::Decrypted => ehrcrypt::format::names::decrypted(&name),
                    }
                    .to_string_lossy()
                    .into_owned();
                    if !seen.insert(name.clone()) {
                        return Err(Error::usage(format!(
                            "two inputs would both be written to {} in --out-dir",
                            name
                        ))
                        .hint("give inputs with different file names"));
                    }
                    Ok(dir.join(&name))
                })
                .collect();
        }
        if inputs.len() != 1 {
            return Err(Error::usage(format!(
                "{} inputs and one output: -o takes one input",
                inputs.len()
            ))
            .hint("to write one file per input, use --out-dir DIR"));
        }
        Ok(vec![self.output.clone().unwrap_or(Location::Stdio)])
    }
}

/// An output a bulk worker produced, streamed into its staged file.
pub trait Emit: Send {
    fn emit(&self, w: &mut dyn Write) -> std::io::Result<()>;
}

impl Emit for Zeroizing<Vec<u8>> {
    fn emit(&self, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(self)
    }
}

/// Ciphertext: public bytes, no need to wipe them.
impl Emit for Vec<u8> {
    fn emit(&self, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(self)
    }
}

impl Emit for Entity {
    fn emit(&self, w: &mut dyn Write) -> std::io::Result<()> {
        self.write_to(w)
    }
}

impl Emit for EntityFile {
    fn emit(&self, w: &mut dyn Write) -> std::io::Result<()> {
        self.write_to(w)
    }
}

/// An input as a worker gets it.
pub enum Input {
    /// Its bytes, whole.
    Whole(Vec<u8>),
    /// A local file or standard input larger than the size the command
    /// streams from: its first bytes, read already, and the rest to read.
    Large(Zeroizing<Vec<u8>>, Box<dyn std::io::Read>),
}

impl Input {
    /// The bytes, whole (what `work` gets when the command streams nothing).
    pub fn into_bytes(self, source: &Location) -> Result<Vec<u8>> {
        match self {
            Input::Whole(b) => Ok(b),
            Input::Large(head, mut rest) => {
                let mut b = head.to_vec();
                rest.read_to_end(&mut b)
                    .map_err(|e| Error::io(source.path(), "read", e))?;
                Ok(b)
            }
        }
    }
}

/// Reads the local file or standard input `loc`: whole if it holds at
/// most `limit` bytes, else its first `limit + 1` and the rest to stream.
pub fn read_input(loc: &Location, limit: usize) -> Result<Input> {
    use std::io::Read;
    let path = loc.path();
    let err = |e| Error::io(path, "read", e);
    let (mut file, size): (Box<dyn Read>, Option<u64>) = if path.as_os_str() == "-" {
        (Box::new(std::io::stdin()), None)
    } else {
        let f = std::fs::File::open(path).map_err(err)?;
        let size = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
        (Box::new(f), size)
    };
    // Allocated once, to what will be read: growing the buffer would
    // free copies of the plaintext unwiped.
    let cap = size.map_or(limit, |n| n.min(limit as u64) as usize) + 1;
    let mut head = Zeroizing::new(Vec::with_capacity(cap));
    (&mut file)
        .take(limit as u64 + 1)
        .read_to_end(&mut head)
        .map_err(err)?;
    if head.len() <= limit {
        return Ok(Input::Whole(std::mem::take(&mut *head)));
    }
    Ok(Input::Large(head, file))
}

/// Inputs processed together (in parallel); memory holds one chunk's
/// outputs. S3 inputs are fetched ahead of the chunk being processed (see
/// [`Store::get_stream`](ehrcrypt::store::Store::get_stream)), so fetching
/// and the work overlap.
const CHUNK: usize = 256;

/// Runs `work` on every input (given its bytes) in parallel and stages in
/// `batch` what it returns for the matching destination (`None`: leave
/// that destination alone). Local outputs are committed only if every
/// input succeeded, so a failure leaves no output and every existing file
/// as it was; outputs to an object store are created as each chunk is
/// done (never replacing an object) and removed again if a later input
/// fails. Plaintext (`mode` private) is never written to an object store.
/// Returns each input's report, in input order. `work` may also stage
/// local outputs of its own into the batch (the attachments `entity
/// decrypt --out-dir` restores beside a record, the sidecar of a large
/// record `entity encrypt` detaches): they are committed with the rest,
/// before the output itself, or not at all. With `stream_over`, a local
/// input (or standard input) larger than that many bytes comes as
/// [`Input::Large`], for `work` to stream.
#[allow(clippy::too_many_arguments)]
pub fn process_all_with<T: Emit, R: Send>(
    env: &Env,
    what: &str,
    inputs: &[Location],
    dests: &[Location],
    mut batch: Batch,
    mode: Mode,
    stream_over: Option<usize>,
    work: impl Fn(&Location, Input, &Batch) -> Result<(Option<T>, Vec<Staged>, R)> + Sync,
) -> Result<Vec<R>> {
    if mode == Mode::Private {
        if let Some(d) = dests.iter().find(|d| d.is_s3()) {
            return Err(Error::refused(format!(
                "{d}: plaintext is never written to an object store"
            ))
            .hint("write it to a local folder, or encrypt it first"));
        }
    }
    let started = std::time::Instant::now();
    let pb = env.out.progress(inputs.len() as u64, what);
    let uploaded = Uploaded::default();
    let mut reports = Vec::with_capacity(inputs.len());
    let runs = remote_runs(inputs)?;
    let mut remote = runs.iter().flat_map(|(s, keys)| s.get_stream(keys.clone()));
    for (ins, outs) in inputs.chunks(CHUNK).zip(dests.chunks(CHUNK)) {
        // This chunk's objects, in order; the next chunk's are being
        // fetched while this one is processed.
        let mut fetched: Vec<Option<Result<Vec<u8>>>> = ins
            .iter()
            .map(|l| {
                l.is_s3().then(|| match remote.next() {
                    Some(r) => r.map(|o| o.bytes),
                    None => Err(Error::internal("an object went missing from a bulk read")),
                })
            })
            .collect();
        // Collecting into a Result stops the parallel run at the first
        // failure: nothing will be written then, so the rest would be wasted.
        let done: Result<Vec<_>> = ins
            .par_iter()
            .zip(outs.par_iter())
            .zip(fetched.par_iter_mut())
            .map(|((input, dest), got)| {
                let bytes = match (got.take(), stream_over) {
                    (Some(r), _) => Input::Whole(r?),
                    (None, Some(limit)) if !input.is_s3() => read_input(input, limit)?,
                    (None, _) => Input::Whole(store::read(input)?),
                };
                let (output, extra, report) = work(input, bytes, &batch)?;
                let staged = match (output, dest) {
                    (None, _) => None,
                    (Some(out), Location::S3 { .. }) => {
                        let mut bytes = Vec::new();
                        out.emit(&mut bytes)
                            .map_err(|e| Error::io(dest.path(), "write", e))?;
                        Some(Out::Remote(dest.clone(), bytes))
                    }
                    (Some(out), dest) => {
                        let p = dest.path();
                        Some(Out::Local(batch.stage_with(
                            p,
                            keep_private(p, mode),
                            |w| out.emit(w),
                        )?))
                    }
                };
                pb.inc(1);
                Ok((staged, extra, report))
            })
            .collect();
        let done = done.map_err(|e| {
            if inputs.len() > 1 {
                e.hint("no output was written: fix or remove that input and run again")
            } else {
                e
            }
        })?;
        let mut remote = Vec::new();
        for (staged, extra, report) in done {
            for s in extra {
                batch.push(s);
            }
            match staged {
                Some(Out::Local(s)) => batch.push(s),
                Some(Out::Remote(d, b)) => remote.push((d, b)),
                None => {}
            }
            reports.push(report);
        }
        uploaded.create_all(remote)?;
    }
    pb.finish_and_clear();
    let staged_at = started.elapsed();
    batch.commit()?;
    uploaded.keep();
    if env.out.verbose > 1 {
        env.out.verbose(format!(
            "{what} {} file(s): work and staging {:.1} ms, sync and rename {:.1} ms",
            inputs.len(),
            staged_at.as_secs_f64() * 1e3,
            (started.elapsed() - staged_at).as_secs_f64() * 1e3
        ));
    }
    Ok(reports)
}

enum Out {
    Local(Staged),
    Remote(Location, Vec<u8>),
}

/// Keys read from one store as one stream.
type Run = (Arc<dyn Store>, Vec<String>);

/// The S3 inputs, in input order, as runs of keys in one bucket: each run
/// is read as one stream.
fn remote_runs(inputs: &[Location]) -> Result<Vec<Run>> {
    let mut runs: Vec<(&str, Vec<String>)> = Vec::new();
    for loc in inputs {
        if let Location::S3 { bucket, key } = loc {
            match runs.last_mut() {
                Some((b, keys)) if *b == bucket.as_str() => keys.push(key.clone()),
                _ => runs.push((bucket, vec![key.clone()])),
            }
        }
    }
    runs.into_iter()
        .map(|(bucket, keys)| Ok((store::open_bucket(bucket)?, keys)))
        .collect()
}

/// Objects this run created, removed again unless the run succeeds.
#[derive(Default)]
struct Uploaded {
    done: Mutex<Vec<Location>>,
    kept: std::sync::atomic::AtomicBool,
}

impl Uploaded {
    /// Creates every object (never replacing one), many at a time.
    fn create_all(&self, items: Vec<(Location, Vec<u8>)>) -> Result<()> {
        items.into_par_iter().try_for_each(|(dest, bytes)| {
            let (s, key) = dest.store()?;
            s.put(&key, &bytes, PutMode::Create, Mode::Public)?;
            if let Ok(mut d) = self.done.lock() {
                d.push(dest);
            }
            Ok(())
        })
    }

    fn keep(&self) {
        self.kept.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Drop for Uploaded {
    fn drop(&mut self) {
        if self.kept.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        // Stopping at the first failure: the server is gone, and each other
        // delete would fail too, after seconds of retries.
        if let Ok(done) = self.done.lock() {
            for d in done.iter() {
                if d.store().and_then(|(s, key)| s.delete(&key)).is_err() {
                    break;
                }
            }
        }
    }
}

/// `expand`, with every file listed once (a file named directly and again
/// through its directory would otherwise be rewritten twice).
pub fn expand_unique(inputs: &[Location]) -> Result<Vec<Location>> {
    let mut seen = HashSet::new();
    Ok(expand(inputs)?
        .into_iter()
        .filter(|l| {
            let key = match l {
                Location::Local(p) => {
                    Location::Local(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
                }
                other => other.clone(),
            };
            seen.insert(key)
        })
        .collect())
}

/// Whether a local-path argument is really an `s3://` address.
fn names_object(path: &Path) -> bool {
    path.to_str().is_some_and(|s| s.starts_with("s3://"))
}

/// For an argument that takes plaintext (read or written): an `s3://`
/// address is refused (exit 7) with one line, as plaintext never goes to an
/// object store, instead of a confusing error about a folder named `s3:`.
pub fn plaintext_local(path: &Path, what: &str) -> Result<()> {
    if names_object(path) {
        return Err(Error::refused(format!(
            "{}: {what} is plaintext, which ehrcrypt never reads from or writes to an object store",
            path.display()
        ))
        .hint("use a file on the local disk"));
    }
    Ok(())
}

/// For an argument of a command that works on the local disk only: an
/// `s3://` address is refused (exit 2) with one line and a way round.
pub fn local_only(path: &Path, what: &str) -> Result<()> {
    if names_object(path) {
        return Err(Error::usage(format!(
            "{}: {what} must be on the local disk; this command does not work on an object store",
            path.display()
        ))
        .hint("use a local folder, and copy the (encrypted) files to or from the object store, e.g. with `aws s3 cp --recursive`"));
    }
    Ok(())
}
