//! Helpers shared by the CLI tests: a scratch directory holding copies of
//! the fixture keystores, and `ehrcrypt` commands pointed at them with the
//! test-only passphrase. Use with `mod common;` in a file under `tests/`.
//!
//! Tests never write to `fixtures/`: [`Sandbox::keystore`] copies a fixture
//! keystore into the scratch directory first.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

pub mod ca;
pub mod listener;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

pub use assert_cmd::Command;
use serde_json::Value;

/// The passphrase of every private key in `fixtures/keys/`.
pub const PASSPHRASE: &str = "test-only-passphrase";

/// How long any one command may run before the test fails (no hangs).
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// The ehrcrypt binary cargo built for these tests.
pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_ehrcrypt"))
}

/// A path under `fixtures/`, e.g. `fixture("keys/A.owner.json")`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// A temporary directory, removed when dropped.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().expect("create a temporary directory"),
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `name` inside the sandbox (not created).
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `WHO.keystore.json` in the sandbox: a copy of the fixture keystore of
    /// `who` (A, B, C or P), made on first use and shared by later calls.
    pub fn keystore(&self, who: &str) -> PathBuf {
        let name = format!("{who}.keystore.json");
        let p = self.path(&name);
        if !p.exists() {
            fs::copy(fixture(&format!("keys/{name}")), &p).expect("copy fixture keystore");
            // As ehrcrypt creates keystores (a checkout makes files 0644,
            // which ehrcrypt warns about).
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).expect("chmod");
            }
        }
        p
    }

    /// Writes `bytes` to `name` in the sandbox and returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        fs::write(&p, bytes).expect("write sandbox file");
        p
    }

    /// `ehrcrypt` without keystore or passphrase, isolated from the user's
    /// environment: HOME and the XDG data directory point into the sandbox.
    pub fn bare(&self) -> Command {
        let mut c = Command::new(bin());
        c.current_dir(self.dir())
            .env_remove("EHRCRYPT_KEYSTORE")
            .env_remove("EHRCRYPT_PASSPHRASE")
            .env_remove("EHRCRYPT_AGENT")
            // Never a prompt on the terminal of whoever runs the tests.
            .env("EHRCRYPT_NO_PROMPT", "1")
            .env("HOME", self.dir())
            .env("XDG_DATA_HOME", self.path("xdg-data"))
            .timeout(TIMEOUT);
        c
    }

    /// `ehrcrypt` on `keystore` (EHRCRYPT_KEYSTORE) with the test passphrase
    /// (EHRCRYPT_PASSPHRASE).
    pub fn on(&self, keystore: &Path) -> Command {
        let mut c = self.bare();
        c.env("EHRCRYPT_KEYSTORE", keystore)
            .env("EHRCRYPT_PASSPHRASE", PASSPHRASE);
        c
    }

    /// `ehrcrypt` on the sandbox copy of `who`'s fixture keystore.
    pub fn ks(&self, who: &str) -> Command {
        self.on(&self.keystore(who))
    }

    /// Makes `who` unverified in `keystore`: removes it and imports its
    /// fixture owner document again (same key, not verified).
    pub fn unverify(&self, keystore: &Path, who: &str) {
        ok(&mut self.on(keystore), &["owner", "remove", who]);
        let doc = fixture(&format!("keys/{who}.owner.json"));
        ok(
            &mut self.on(keystore),
            &["owner", "import", doc.to_str().expect("UTF-8 path")],
        );
    }
}

/// Runs `cmd` with `args`, asserts it succeeded, returns its output.
/// The sidecars (`ENTITY.<id>.ehrat`) of the entity file `entity` in the
/// sandbox's directory, sorted.
pub fn sidecars(s: &Sandbox, entity: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(s.dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(&format!("{entity}.")) && n.ends_with(".ehrat")
        })
        .collect();
    v.sort();
    v
}

/// `emergency decrypt` of the bucket `bk` (card `card.png`, signed by A)
/// as B, re-encrypting for B into `out`, with `extra` arguments.
pub fn emergency_reencrypt(s: &Sandbox, out: &str, extra: &[&str]) -> Output {
    emergency_reencrypt_cmd(s, out, extra).output().unwrap()
}

pub fn emergency_reencrypt_cmd(s: &Sandbox, out: &str, extra: &[&str]) -> Command {
    let mut args = vec![
        "emergency",
        "decrypt",
        "--qr",
        "card.png",
        "bk",
        "--signer",
        "A",
        "--as",
        "B",
        "--reencrypt-as",
        "B",
        "--out-dir",
        out,
    ];
    args.extend_from_slice(extra);
    let mut c = s.ks("B");
    c.args(&args);
    c
}

/// `delegation revoke --rekey` of `d.json` by A, revoking `from`.
pub fn rekey_args(from: &str) -> Vec<&str> {
    vec![
        "delegation",
        "revoke",
        "--as",
        "A",
        "--from",
        from,
        "--rekey",
        "d.json",
    ]
}

pub fn ok(cmd: &mut Command, args: &[&str]) -> Output {
    let out = cmd.args(args).output().expect("run ehrcrypt");
    assert!(
        out.status.success(),
        "ehrcrypt {args:?} failed ({:?}):\n{}",
        out.status.code(),
        stderr(&out)
    );
    out
}

/// Runs `cmd` with `args` and asserts it failed with exit `code`.
pub fn fails(cmd: &mut Command, args: &[&str], code: i32) -> Output {
    let out = cmd.args(args).output().expect("run ehrcrypt");
    assert_eq!(
        out.status.code(),
        Some(code),
        "ehrcrypt {args:?}: expected exit {code}\nstdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
    out
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Parses a command's stdout as JSON.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(out)))
}

pub fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).expect("read JSON file"))
        .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

pub fn write_json(path: &Path, v: &Value) {
    fs::write(path, serde_json::to_vec_pretty(v).expect("serialise")).expect("write JSON file");
}

/// The owner `id` in a keystore's JSON.
pub fn owner_json<'a>(keystore: &'a Value, id: &str) -> &'a Value {
    keystore["owners"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["id"] == id))
        .unwrap_or_else(|| panic!("no owner {id} in the keystore"))
}

/// The fingerprint of the current key of `who` in the fixtures.
pub fn fixture_fingerprint(who: &str) -> String {
    let doc = read_json(&fixture(&format!("keys/{who}.owner.json")));
    doc["publicKeys"][0]["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_string()
}

/// The permission bits of a file (Unix).
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

/// The owners who can read the entity `file` (`delegation list --json`),
/// asked with `cmd` as `me` (v2 entities show their readers only to the
/// keys of `--as`).
pub fn readers(cmd: &mut Command, me: &str, file: &str) -> Vec<String> {
    let out = ok(cmd, &["--json", "delegation", "list", "--as", me, file]);
    json(&out)[0]["readers"]
        .as_array()
        .expect("readers")
        .iter()
        .map(|v| v.as_str().expect("owner id").to_string())
        .collect()
}

/// Runs `cmd` and returns its exit code and its own peak resident set in
/// bytes (wait4 on that child: other tests' children do not count). The
/// peak counts what the child shares with the test process before exec:
/// a test that measures keeps its own memory small and runs alone in its
/// binary.
// wait4 reaps the child; clippy only knows Child::wait.
#[allow(clippy::zombie_processes)]
pub fn run_measured(cmd: &mut std::process::Command) -> (i32, u64) {
    let child = cmd.spawn().unwrap();
    let mut status = 0;
    // SAFETY: zeroed rusage is valid; wait4 on our own child writes into locals.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut ru) };
    assert_eq!(pid, child.id() as libc::pid_t);
    (libc::WEXITSTATUS(status), ru.ru_maxrss as u64 * 1024)
}

/// Creates `path` as a directory only its owner may enter (0700), as an
/// agent's socket directory must be.
#[cfg(unix)]
pub fn private_dir(path: &Path) {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .mode(0o700)
        .create(path)
        .expect("create a private directory");
}

/// Spawns `cmd` (ehrcrypt with its keystore and passphrase set) as
/// `--json agent run --lifetime 0 --socket SOCKET` in the foreground and
/// waits for its one ready line: the process and its status document.
#[cfg(unix)]
pub fn agent_in_foreground(
    mut cmd: std::process::Command,
    socket: &Path,
) -> (std::process::Child, Value) {
    use std::io::BufRead;
    use std::process::Stdio;
    let mut child = cmd
        .args(["--json", "agent", "run", "--lifetime", "0", "--socket"])
        .arg(socket)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ehrcrypt agent run");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("read the ready line");
    let status = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("agent run: not a JSON ready line ({e}): {line:?}"));
    (child, status)
}
