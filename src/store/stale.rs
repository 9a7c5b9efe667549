//! Leftovers of killed runs (issue 11, defect 9). Every temporary file and
//! staging directory ehrcrypt makes is named `.NAME.tmp-PID-RANDOM-N`, so
//! that a later run can tell whose it was. A process that is killed (or
//! loses power) between creating one and renaming it leaves it behind, and
//! it may hold plaintext (`entity decrypt -o`). Before ehrcrypt writes into
//! a directory, it removes the ones there whose process no longer runs.
//!
//! Only names of exactly that form are touched, and only when their PID is
//! not a live process on this machine: a run in progress is never disturbed.
//! (On a folder shared between machines, a PID from another machine may
//! look dead here; removing its file makes that run fail cleanly, it does
//! not corrupt anything: its rename finds nothing to rename.)

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The PID in an ehrcrypt temporary name, if `name` is one.
pub fn temp_pid(name: &str) -> Option<u32> {
    if !name.starts_with('.') {
        return None;
    }
    let (_, tail) = name.rsplit_once(".tmp-")?;
    let mut parts = tail.split('-');
    let (pid, random, n) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let hex = random.len() == 12
        && random
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if parts.next().is_some() || !digits(pid) || !hex || !digits(n) {
        return None;
    }
    pid.parse().ok()
}

/// Whether `pid` is a process that runs now (or may: when in doubt, yes).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        if pid <= 0 {
            return true;
        }
        // SAFETY: signal 0 only checks that the process exists.
        if unsafe { libc::kill(pid, 0) } == 0 {
            return true;
        }
        std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Removes the leftovers of dead ehrcrypt processes in `dir`, once per
/// directory per process. Best effort: what cannot be removed stays.
/// Returns what was removed.
pub fn clean(dir: &Path) -> Vec<PathBuf> {
    static DONE: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    let done = DONE.get_or_init(Default::default);
    let key = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !done.lock().map(|mut d| d.insert(key)).unwrap_or(false) {
        return Vec::new();
    }
    clean_now(dir)
}

/// [`clean`], without remembering the directory.
pub fn clean_now(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in rd.flatten() {
        let name = entry.file_name();
        let Some(pid) = temp_pid(&name.to_string_lossy()) else {
            continue;
        };
        if alive(pid) {
            continue;
        }
        let path = entry.path();
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let gone = if is_dir {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        if gone.is_ok() {
            removed.push(path);
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PID that is not running: a child that has exited and been reaped.
    fn dead_pid() -> u32 {
        let mut c = std::process::Command::new("true").spawn().unwrap();
        let pid = c.id();
        c.wait().unwrap();
        pid
    }

    #[test]
    fn names_are_recognised_exactly() {
        assert_eq!(temp_pid(".out.json.tmp-123-0123456789ab-7"), Some(123));
        assert_eq!(temp_pid(".a.tmp-b.json.tmp-9-0123456789ab-0"), Some(9));
        for not in [
            "out.json.tmp-123-0123456789ab-7",
            ".out.json.tmp-123-0123456789ab",
            ".out.json.tmp-123-0123456789AB-7",
            ".out.json.tmp-x-0123456789ab-7",
            ".out.json.tmp-1-0123456789ab-7-8",
            ".out.json",
        ] {
            assert_eq!(temp_pid(not), None, "{not}");
        }
        let ours = super::super::atomic_file::temp_name("x.json");
        assert_eq!(temp_pid(&ours), Some(std::process::id()));
    }

    #[test]
    fn leftovers_of_dead_processes_go_and_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dead_pid();
        let stale = dir
            .path()
            .join(format!(".r.json.tmp-{dead}-0123456789ab-0"));
        let stale_dir = dir
            .path()
            .join(format!(".bucket.tmp-{dead}-0123456789ab-1"));
        let live = dir
            .path()
            .join(super::super::atomic_file::temp_name("r.json"));
        let other = dir.path().join(".r.json.tmp-notours");
        fs::write(&stale, b"plaintext").unwrap();
        fs::create_dir(&stale_dir).unwrap();
        fs::write(stale_dir.join("obj"), b"x").unwrap();
        fs::write(&live, b"in progress").unwrap();
        fs::write(&other, b"x").unwrap();
        let mut removed = clean_now(dir.path());
        removed.sort();
        let mut want = vec![stale, stale_dir];
        want.sort();
        assert_eq!(removed, want);
        assert!(live.exists() && other.exists());
    }
}
