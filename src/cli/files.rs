//! Inputs and outputs shared by the bulk commands: expanding directories
//! into their JSON files, and deciding where each result goes
//! (`-o FILE`, `-o -`, `--out-dir DIR`, or stdout for a single input).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use clap::Args;

use ehrcrypt::atomic_file::{Batch, Mode};
use ehrcrypt::{Error, Result};

/// `-o` / `--out-dir`, as every bulk command takes them.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output file for a single input (- for stdout, the default)
    #[arg(short, long, value_name = "OUT", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Write one file per input into DIR, under the input's file name
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

impl OutputArgs {
    /// The batch that will hold the outputs: a directory that does not
    /// exist yet is created whole at commit time, by one rename.
    pub fn batch(&self, mode: Mode) -> Result<Batch> {
        match &self.out_dir {
            Some(dir) if !dir.exists() => Batch::into_new_dir(dir, mode),
            _ => Ok(Batch::new()),
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
        } else if path.extension().is_some_and(|e| e == "json")
            && !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            out.push(path);
        }
    }
    Ok(())
}

impl OutputArgs {
    /// The destination of each input, checked before any work is done.
    pub fn destinations(&self, inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
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
                    if !seen.insert(name.to_os_string()) {
                        return Err(Error::usage(format!(
                            "two inputs are named {}: --out-dir would write both to one file",
                            name.to_string_lossy()
                        )));
                    }
                    Ok(dir.join(name))
                })
                .collect();
        }
        if inputs.len() != 1 {
            return Err(Error::usage(format!(
                "{} inputs and a single output: use --out-dir DIR",
                inputs.len()
            )));
        }
        Ok(vec![self
            .output
            .clone()
            .unwrap_or_else(|| PathBuf::from("-"))])
    }
}
