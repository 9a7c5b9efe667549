//! Inputs and outputs shared by the bulk commands: expanding directories
//! into their JSON files, and deciding where each result goes
//! (`-o FILE`, `-o -`, `--out-dir DIR`, or stdout for a single input).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use rayon::prelude::*;
use zeroize::Zeroizing;

use ehrcrypt::atomic_file::{keep_private, Batch, Mode, Overwrite, Staged};
use ehrcrypt::delegation::EntityFile;
use ehrcrypt::entity::Entity;
use ehrcrypt::{Error, Result};

use super::Env;

/// `-o` / `--out-dir` / `--force`, as every bulk command takes them.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output file for a single input (- for stdout, the default)
    #[arg(short, long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Write one file per input into DIR (created if missing), named by the
    /// rule: encrypting adds .enc.json, decrypting removes it
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
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
            Some(dir) if !dir.exists() => Batch::into_new_dir(dir, mode),
            _ => Ok(Batch::outputs(self.overwrite())),
        }
    }
}

/// Expands `inputs`: files as given (`-` is stdin), directories into the
/// `*.json` files below them, sorted, so runs are reproducible.
pub fn expand(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.as_os_str() != "-" && p.is_dir() {
            let before = out.len();
            walk(p, &mut out)?;
            out[before..].sort();
        } else {
            out.push(p.clone());
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
    pub fn destinations(&self, inputs: &[PathBuf], naming: Naming) -> Result<Vec<PathBuf>> {
        if inputs.is_empty() {
            return Err(
                Error::not_found("no input: the directories given hold no .json file").hint(
                    "inputs are .json files or directories holding them (hidden ones are skipped)",
                ),
            );
        }
        let dests = self.destinations_unchecked(inputs, naming)?;
        for d in &dests {
            self.overwrite().check(d)?;
        }
        Ok(dests)
    }

    fn destinations_unchecked(&self, inputs: &[PathBuf], naming: Naming) -> Result<Vec<PathBuf>> {
        if let Some(dir) = &self.out_dir {
            let mut seen = HashSet::new();
            return inputs
                .iter()
                .map(|p| {
                    let name = p.file_name().ok_or_else(|| {
                        Error::usage(format!(
                            "{}: --out-dir needs named input files, not stdin",
                            p.display()
                        ))
                    })?;
                    let name = match naming {
                        Naming::Encrypted => ehrcrypt::format::names::encrypted(name),
                        Naming::Decrypted => ehrcrypt::format::names::decrypted(name),
                    };
                    if !seen.insert(name.clone()) {
                        return Err(Error::usage(format!(
                            "two inputs would both be written to {} in --out-dir",
                            name.to_string_lossy()
                        ))
                        .hint("give inputs with different file names"));
                    }
                    Ok(dir.join(name))
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
        Ok(vec![self
            .output
            .clone()
            .unwrap_or_else(|| PathBuf::from("-"))])
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

/// Runs `work` on every input in parallel and stages in `batch` what it
/// returns for the matching destination (`None`: leave that destination
/// alone). The batch is committed only if every input succeeded, so a
/// failure leaves no output and every existing file as it was. Returns
/// each input's report, in input order.
pub fn process_all<T: Emit, R: Send>(
    env: &Env,
    what: &str,
    inputs: &[PathBuf],
    dests: &[PathBuf],
    batch: Batch,
    mode: Mode,
    work: impl Fn(&Path) -> Result<(Option<T>, R)> + Sync,
) -> Result<Vec<R>> {
    process_all_with(env, what, inputs, dests, batch, mode, |input, _| {
        work(input).map(|(out, r)| (out, Vec::new(), r))
    })
}

/// [`process_all`] where `work` may also stage outputs of its own into the
/// batch (the attachments `entity decrypt --out-dir` restores beside a
/// record): they are committed with the rest, or not at all.
pub fn process_all_with<T: Emit, R: Send>(
    env: &Env,
    what: &str,
    inputs: &[PathBuf],
    dests: &[PathBuf],
    mut batch: Batch,
    mode: Mode,
    work: impl Fn(&Path, &Batch) -> Result<(Option<T>, Vec<Staged>, R)> + Sync,
) -> Result<Vec<R>> {
    let started = std::time::Instant::now();
    let pb = env.out.progress(inputs.len() as u64, what);
    // Collecting into a Result stops the parallel run at the first failure:
    // nothing will be written then, so the remaining work would be wasted.
    let done: Result<Vec<_>> = inputs
        .par_iter()
        .zip(dests.par_iter())
        .map(|(input, dest)| {
            let (output, mut staged, report) = work(input, &batch)?;
            if let Some(out) = output {
                staged.push(batch.stage_with(dest, keep_private(dest, mode), |w| out.emit(w))?);
            }
            pb.inc(1);
            Ok((staged, report))
        })
        .collect();
    pb.finish_and_clear();
    let done = done.map_err(|e| {
        if inputs.len() > 1 {
            e.hint("no output was written: fix or remove that input and run again")
        } else {
            e
        }
    })?;
    let mut reports = Vec::with_capacity(done.len());
    for (staged, report) in done {
        for s in staged {
            batch.push(s);
        }
        reports.push(report);
    }
    let staged_at = started.elapsed();
    batch.commit()?;
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

/// `expand`, with every file listed once (a file named directly and again
/// through its directory would otherwise be rewritten twice).
pub fn expand_unique(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut seen = HashSet::new();
    Ok(expand(inputs)?
        .into_iter()
        .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())))
        .collect())
}
