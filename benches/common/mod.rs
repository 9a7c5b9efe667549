//! What every ehrcrypt benchmark shares: options, timing with medians,
//! Markdown output, a cache of RSA key pairs, keystores for N healthcare
//! parties, corpora of encrypted entities, and the release binary run as a
//! subprocess on tmpfs or on the regular disk.
//!
//! Each bench binary prints one Markdown section on stdout (the report) and
//! its progress on stderr. Ratios are always taken between figures measured
//! in the same process run: the machines are noisy.

// Each bench target uses a different part of this module.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use rayon::prelude::*;

use ehrcrypt::crypto::PrivateKey;
use ehrcrypt::entity::{EncryptOptions, Encryptor, EntityKind};
use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::{Owner, OwnerId, OwnerKind};
use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;

pub mod aes;

/// The passphrase of every benchmark key. These keys protect nothing.
pub const PASS: &str = "bench-only-passphrase";

/// Command-line options of a bench binary (`cargo bench --bench X -- --quick`).
#[derive(Clone, Copy, Debug)]
pub struct Opts {
    /// Small sizes and fewer repetitions: a smoke run of the whole suite.
    pub quick: bool,
}

impl Opts {
    pub fn from_args() -> Self {
        // cargo passes `--bench`; anything unknown is ignored.
        let quick = std::env::args().any(|a| a == "--quick")
            || std::env::var_os("EHRCRYPT_BENCH_QUICK").is_some_and(|v| v == "1");
        Opts { quick }
    }

    /// Timed repetitions of a measurement: `full` normally, fewer with --quick.
    pub fn runs(&self, full: usize) -> usize {
        if self.quick {
            full.div_ceil(2).max(3)
        } else {
            full
        }
    }
}

/// Prints progress on stderr (the report is stdout).
pub fn progress(msg: impl AsRef<str>) {
    eprintln!("[bench] {}", msg.as_ref());
}

// ---------------------------------------------------------------- timing

/// Repeated measurements of one quantity, in seconds.
#[derive(Clone, Debug)]
pub struct Sample {
    pub secs: Vec<f64>,
}

impl Sample {
    pub fn median(&self) -> f64 {
        median(&self.secs)
    }
    pub fn min(&self) -> f64 {
        self.secs.iter().copied().fold(f64::INFINITY, f64::min)
    }
    pub fn max(&self) -> f64 {
        self.secs.iter().copied().fold(0.0, f64::max)
    }
    /// `median (min–max, n runs)` in milliseconds.
    pub fn ms(&self) -> String {
        format!(
            "{} ms ({}–{}, n={})",
            fmt3(self.median() * 1e3),
            fmt3(self.min() * 1e3),
            fmt3(self.max() * 1e3),
            self.secs.len()
        )
    }
}

pub fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Runs `once` `warmup` times untimed, then `runs` times; `once` returns the
/// seconds of the part it wants timed (so setup and clean-up are not).
pub fn repeat(warmup: usize, runs: usize, mut once: impl FnMut() -> f64) -> Sample {
    for _ in 0..warmup {
        once();
    }
    Sample {
        secs: (0..runs).map(|_| once()).collect(),
    }
}

/// Times `f` with a wall clock.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64())
}

/// Three significant digits, without scientific notation.
pub fn fmt3(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let a = x.abs();
    if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// Thousands separated by commas: 52,345.
pub fn thousands(x: f64) -> String {
    let n = x.round() as i64;
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

pub fn mb_per_s(bytes: usize, secs: f64) -> f64 {
    bytes as f64 / secs / 1e6
}

pub fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "**missed**"
    }
}

// ---------------------------------------------------------------- Markdown

/// A Markdown table printed on stdout when complete.
pub struct Table {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(head: &[&str]) -> Self {
        Table {
            head: head.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
    pub fn print(&self) {
        let line = |cells: &[String]| format!("| {} |", cells.join(" | "));
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", line(&self.head));
        let sep: Vec<String> = self.head.iter().map(|_| "---".to_string()).collect();
        let _ = writeln!(out, "{}", line(&sep));
        for r in &self.rows {
            let _ = writeln!(out, "{}", line(r));
        }
        let _ = writeln!(out);
    }
}

/// A section heading and the command that reproduces it. The returned
/// guard prints, when dropped at the end of the section, how much of the
/// section's time other tasks were waiting for a CPU.
pub fn section(title: &str, bench: &str, opts: Opts) -> Pressure {
    println!("### {title}\n");
    println!(
        "Reproduce: `cargo bench --bench {bench}{}`\n",
        if opts.quick { " -- --quick" } else { "" }
    );
    Pressure::start()
}

/// CPU pressure over a stretch of time, from `/proc/pressure/cpu`: the
/// share of it during which some runnable task waited for a CPU (other
/// tenants of a shared VM, or this benchmark's own threads).
pub struct Pressure {
    start: Option<(u64, Instant)>,
}

impl Pressure {
    fn total_us() -> Option<u64> {
        let text = fs::read_to_string("/proc/pressure/cpu").ok()?;
        let some = text.lines().find(|l| l.starts_with("some"))?;
        some.split_whitespace()
            .find_map(|f| f.strip_prefix("total="))?
            .parse()
            .ok()
    }
    pub fn start() -> Self {
        Pressure {
            start: Self::total_us().map(|t| (t, Instant::now())),
        }
    }
}

impl Drop for Pressure {
    fn drop(&mut self) {
        if let (Some((t0, at)), Some(t1)) = (self.start, Self::total_us()) {
            let share = (t1 - t0) as f64 / 1e6 / at.elapsed().as_secs_f64();
            println!(
                "_CPU pressure during this section: some task waited for a CPU {}% of the time._\n",
                fmt3(share * 100.0)
            );
        }
    }
}

// ---------------------------------------------------------------- places

/// `target/` of this build.
pub fn target_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map(Path::to_path_buf).unwrap_or(tmp)
}

/// `target/bench-cache`: what is slow to make and safe to reuse (RSA keys).
pub fn cache_dir() -> PathBuf {
    let d = target_dir().join("bench-cache");
    fs::create_dir_all(&d).expect("create target/bench-cache");
    d
}

/// The release binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ehrcrypt"))
}

/// Where a whole-command benchmark writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disk {
    /// tmpfs (`/dev/shm`): the file system costs least; CPU-bound figures.
    Tmpfs,
    /// The regular disk under `target/` (a virtual disk on a shared VM).
    Disk,
}

impl Disk {
    /// Both when tmpfs exists, else the disk only.
    pub fn available() -> Vec<Disk> {
        let mut v = Vec::new();
        if Path::new("/dev/shm").is_dir() {
            v.push(Disk::Tmpfs);
        }
        v.push(Disk::Disk);
        v
    }
    pub fn name(self) -> &'static str {
        match self {
            Disk::Tmpfs => "tmpfs",
            Disk::Disk => "disk",
        }
    }
    fn root(self) -> PathBuf {
        match self {
            Disk::Tmpfs => PathBuf::from("/dev/shm"),
            Disk::Disk => target_dir().join("bench-tmp"),
        }
    }
}

/// A scratch directory on a given disk, removed when dropped.
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    pub fn new(disk: Disk, label: &str) -> Self {
        let root = disk.root();
        fs::create_dir_all(&root).expect("create scratch root");
        let path = root.join(format!("ehrcrypt-bench-{}-{label}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create scratch dir");
        Scratch { path }
    }
    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for Scratch {
    /// Removes the directory, unless `EHRCRYPT_BENCH_KEEP=1` asks to keep
    /// it (to profile the binary on the very same corpus afterwards).
    fn drop(&mut self) {
        if std::env::var_os("EHRCRYPT_BENCH_KEEP").is_some_and(|v| v == "1") {
            progress(format!("kept {}", self.path.display()));
        } else {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

// ---------------------------------------------------------------- keys

pub fn owner_id(i: usize) -> OwnerId {
    OwnerId::new(&format!("hcp-{i:03}")).expect("valid id")
}

/// A keystore file holding `n` healthcare parties `hcp-000`… with their
/// private keys (passphrase [`PASS`]), every public key verified, and no
/// exchange keys yet. RSA key pairs are generated once and kept in
/// `target/bench-cache/owners.keystore.json` (generation is the slow part).
pub fn world(n: usize, dest: &Path) -> PathBuf {
    let cache = cache_dir().join("owners.keystore.json");
    let mut ks = Keystore::load_or_empty(&cache).expect("read the bench key cache");
    let have = ks.owners().len();
    if have < n {
        progress(format!(
            "generating {} RSA-2048 key pairs (cached in {})",
            n - have,
            cache.display()
        ));
        let new: Vec<Owner> = (have..n)
            .into_par_iter()
            .map(|i| {
                let key = PrivateKey::generate().expect("keygen");
                let mut o = Owner {
                    id: owner_id(i),
                    name: format!("Bench HCP {i}"),
                    kind: OwnerKind::Hcp,
                    public_keys: Vec::new(),
                    private_keys: Vec::new(),
                    hc_party_keys: Default::default(),
                    pre_keys: Vec::new(),
                };
                o.add_key_pair(&key, PASS.as_bytes()).expect("add key");
                o
            })
            .collect();
        for o in new {
            ks.insert(o).expect("insert owner");
        }
        ks.save(&cache).expect("save key cache");
    }
    for i in (n..ks.owners().len()).rev() {
        ks.remove(&owner_id(i), true).expect("trim");
    }
    ks.save(dest).expect("save keystore");
    dest.to_path_buf()
}

/// `me`'s view of `keystore`: the same owners and exchange keys, but only
/// `me`'s private key, as on a real workstation.
pub fn keystore_of(keystore: &Path, me: &OwnerId, dest: &Path) -> PathBuf {
    let mut ks = Keystore::load(keystore).expect("load keystore");
    let others: Vec<OwnerId> = ks
        .owners()
        .iter()
        .map(|o| o.id.clone())
        .filter(|id| id != me)
        .collect();
    for id in others {
        ks.owner_mut(&id).expect("owner").private_keys.clear();
    }
    ks.save(dest).expect("save keystore");
    dest.to_path_buf()
}

// ---------------------------------------------------------------- data

/// A plaintext JSON record of about `size` bytes: a patient's observations,
/// numbers and short texts as a real record has them (not one long string).
/// Written as text, so that 100 MB records are quick to make.
pub fn record(i: usize, size: usize) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(size + 256);
    let _ = write!(
        s,
        "{{\"id\":\"rec-{i:07}\",\"resourceType\":\"Bundle\",\"patient\":{{\"family\":\"Keats\",\
         \"given\":[\"John\"],\"birthDate\":\"1795-10-31\"}},\"entries\":["
    );
    let mut k = 0usize;
    while s.len() + 2 < size {
        if k > 0 {
            s.push(',');
        }
        let _ = write!(
            s,
            "{{\"t\":\"2024-{:02}-{:02}T{:02}:{:02}:00Z\",\"code\":\"LOINC-{}\",\"value\":{}.{:02},\
             \"text\":\"stable, reviewed with the patient; no change to treatment\"}}",
            1 + k % 12,
            1 + k % 28,
            k % 24,
            k % 60,
            1000 + (i * 31 + k * 7) % 9000,
            (i * 131 + k * 17) % 100,
            k % 100
        );
        k += 1;
    }
    s.push_str("]}\n");
    s.into_bytes()
}

/// Which owners encrypt and who gets access, for [`corpus`].
#[derive(Clone, Debug)]
pub struct Sharing {
    /// Owners `hcp-000 .. hcp-{owners-1}` exist.
    pub owners: usize,
    /// Entity `i` is encrypted by `creators[i % creators.len()]`…
    pub creators: Vec<usize>,
    /// …and shared with all of `delegates` (besides its creator).
    pub delegates: Vec<usize>,
}

impl Sharing {
    /// `n` hcps; entity `i` is created by hcp `i % n` and shared with all.
    pub fn among(n: usize) -> Self {
        Sharing {
            owners: n,
            creators: (0..n).collect(),
            delegates: (0..n).collect(),
        }
    }
    /// One creator (hcp-000) and `d` delegates per entity, itself included.
    pub fn delegates(d: usize) -> Self {
        Sharing {
            owners: d,
            creators: vec![0],
            delegates: (0..d).collect(),
        }
    }
    /// The distinct exchange keys a delegate must RSA-decrypt: one per creator.
    pub fn exchange_keys_per_reader(&self) -> usize {
        self.creators.len()
    }
    /// Who decrypts in the benchmark: the last delegate.
    pub fn reader(&self) -> OwnerId {
        owner_id(*self.delegates.last().expect("a delegate"))
    }
}

/// Encrypted entities made in-process with the library, on one disk.
pub struct Corpus {
    pub dir: PathBuf,
    /// The reader's keystore (only its private key).
    pub keystore: PathBuf,
    pub reader: OwnerId,
    pub count: usize,
    /// Plaintext bytes in total.
    pub plain_bytes: usize,
    /// Entity file bytes in total.
    pub file_bytes: usize,
    pub sharing: Sharing,
}

/// Encrypts `count` records of about `size` bytes into `scratch/name/` as
/// `e-0000001.json`…, with exchange keys created on first use.
pub fn corpus(
    scratch: &Scratch,
    name: &str,
    sharing: Sharing,
    count: usize,
    size: usize,
) -> Corpus {
    corpus_with(scratch, name, sharing, count, size, |_| {})
}

/// [`corpus`], with `prepare` run on the session of all owners before any
/// record is encrypted (e.g. to give the reader more exchange keys).
pub fn corpus_with(
    scratch: &Scratch,
    name: &str,
    sharing: Sharing,
    count: usize,
    size: usize,
    prepare: impl FnOnce(&mut Session),
) -> Corpus {
    let dir = scratch.join(name);
    fs::create_dir_all(&dir).expect("corpus dir");
    let all = world(
        sharing.owners,
        &scratch.join(&format!("{name}.all.keystore.json")),
    );
    let (mut plain_bytes, mut file_bytes) = (0usize, 0usize);
    let creators = sharing.creators.len();
    let mut session = Session::open(&all, PassphraseSource::fixed(PASS)).expect("session");
    prepare(&mut session);
    for (c_idx, &c) in sharing.creators.iter().enumerate() {
        let me = owner_id(c);
        let opts = EncryptOptions {
            kind: EntityKind::Contact,
            share_with: sharing
                .delegates
                .iter()
                .map(|&d| owner_id(d))
                .filter(|d| d != &me)
                .collect(),
            clear: Vec::new(),
            parent: None,
            allow_unverified: false,
        };
        let enc = Encryptor::new(&mut session, &me, &opts).expect("encryptor");
        let (p, f) = (0..count)
            .into_par_iter()
            .filter(|i| i % creators == c_idx)
            .map(|i| {
                let plain = record(i, size);
                let bytes = enc
                    .encrypt_bytes(&plain, "bench record")
                    .expect("encrypt")
                    .to_bytes();
                fs::write(dir.join(format!("e-{i:07}.json")), &bytes).expect("write entity");
                (plain.len(), bytes.len())
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        plain_bytes += p;
        file_bytes += f;
    }
    let reader = sharing.reader();
    let keystore = keystore_of(
        &all,
        &reader,
        &scratch.join(&format!("{name}.reader.keystore.json")),
    );
    Corpus {
        dir,
        keystore,
        reader,
        count,
        plain_bytes,
        file_bytes,
        sharing,
    }
}

// ---------------------------------------------------------------- the binary

/// One run of a command.
pub struct Run {
    pub secs: f64,
    pub stderr: String,
    /// Peak resident memory of the process (and of children it waited for),
    /// KiB, from `wait4`. Never below this process's own peak: see
    /// [`peak_rss_kib`] for a figure that is the command's own.
    pub max_rss_kib: u64,
    /// CPU time the process used (user + system), seconds: what it would
    /// cost on cores nobody else wants.
    pub cpu_secs: f64,
}

impl Run {
    /// `RSA decryptions: N` as the tool itself prints it with `-v`.
    pub fn rsa_decryptions(&self) -> Option<usize> {
        let at = self.stderr.find("RSA decryptions: ")?;
        let rest = &self.stderr[at + "RSA decryptions: ".len()..];
        rest.split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    }
    /// `-vv`'s phase timings: (work and staging, sync and rename), in ms.
    pub fn phases_ms(&self) -> Option<(f64, f64)> {
        let num_before = |tag: &str| -> Option<f64> {
            let at = self.stderr.find(tag)? + tag.len();
            self.stderr[at..].split_whitespace().next()?.parse().ok()
        };
        Some((
            num_before("work and staging ")?,
            num_before("sync and rename ")?,
        ))
    }
    pub fn max_rss_mib(&self) -> f64 {
        self.max_rss_kib as f64 / 1024.0
    }
}

/// Runs `cmd` (stdin and stdout null, stderr captured) and times it from
/// spawn to exit; peak memory comes from `wait4`'s resource usage.
pub fn try_run(cmd: &mut Command) -> Result<Run, String> {
    use std::io::Read;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("{cmd:?}: {e}"))?;
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid `spawn` returned; std has
    // not reaped it (we never call `wait` on `child`).
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let secs = start.elapsed().as_secs_f64();
    if pid <= 0 {
        return Err(format!("{cmd:?}: wait4 failed"));
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(format!("{cmd:?} failed:\n{stderr}"));
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(Run {
        secs,
        stderr,
        max_rss_kib: usage.ru_maxrss as u64,
        cpu_secs: tv(usage.ru_utime) + tv(usage.ru_stime),
    })
}

/// Peak resident memory of `cmd`'s own process (and of the children it
/// waits for), in KiB: runs it once more under `/usr/bin/time -f %M`
/// (GNU time), which forks it from its own small process. `wait4`'s
/// `ru_maxrss` of a child spawned from here ([`Run::max_rss_kib`]) cannot
/// say that: std spawns with a vfork-style clone (posix_spawn), and at
/// `exec` Linux folds the high-water mark of the memory the child leaves
/// (this bench process's) into the child's `ru_maxrss`, so the figure is
/// never below the bench's own peak. `None` without `/usr/bin/time`;
/// panics if the command fails.
pub fn peak_rss_kib(cmd: &Command) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let report =
        std::env::temp_dir().join(format!("ehrcrypt-bench-rss-{}.txt", std::process::id()));
    let mut w = Command::new(time);
    w.arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => w.env(k, v),
            None => w.env_remove(k),
        };
    }
    if let Some(d) = cmd.get_current_dir() {
        w.current_dir(d);
    }
    run(&mut w);
    let text = fs::read_to_string(&report).ok()?;
    let _ = fs::remove_file(&report);
    text.lines().last()?.trim().parse().ok()
}

/// [`try_run`], panicking on failure.
pub fn run(cmd: &mut Command) -> Run {
    try_run(cmd).unwrap_or_else(|e| panic!("{e}"))
}

/// `ehrcrypt ARGS` with `keystore`, the bench passphrase and no config.
pub fn ehrcrypt_cmd<I, S>(keystore: &Path, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env("EHRCRYPT_KEYSTORE", keystore)
        .env("EHRCRYPT_PASSPHRASE", PASS)
        .env_remove("EHRCRYPT_CONFIG");
    cmd
}

/// Runs `ehrcrypt ARGS` (see [`ehrcrypt_cmd`]); panics with its stderr if it fails.
pub fn ehrcrypt<I, S>(keystore: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(&mut ehrcrypt_cmd(keystore, args))
}

/// Whether `prog` runs (`prog ARGS` exits 0).
pub fn have(prog: &str, args: &[&str]) -> bool {
    Command::new(prog)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

// ---------------------------------------------------------------- decrypting

/// What repeated runs of `ehrcrypt -vv entity decrypt DIR --out-dir NEW` gave.
pub struct Decrypted {
    pub wall: Sample,
    /// The RSA decryption counts the tool printed, one per run.
    pub rsa: Vec<usize>,
    /// Median `-vv` phases: (work and staging, sync and rename), in ms.
    pub phases_ms: (f64, f64),
}

impl Decrypted {
    pub fn per_s(&self, items: usize) -> f64 {
        items as f64 / self.wall.median()
    }
    /// The counts as printed: `5` when every run agrees.
    pub fn rsa_text(&self) -> String {
        let mut v = self.rsa.clone();
        v.dedup();
        v.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join("/")
    }
    pub fn rsa_max(&self) -> usize {
        self.rsa.iter().copied().max().unwrap_or(usize::MAX)
    }
}

/// Output directories of repeated runs, removed together at the end.
///
/// Removing one run's 10,000 files just before the next run creates as
/// many makes ext4 skip every recently freed inode (`recently_deleted` in
/// `find_inode_bit`: 10x slower creation on this VM's disk, perf shows it),
/// which no real user meets; so each run writes to a fresh directory.
pub struct Outputs {
    base: PathBuf,
    n: usize,
}

impl Outputs {
    pub fn beside(dir: &Path, tag: &str) -> Self {
        Outputs {
            base: dir.with_extension(tag),
            n: 0,
        }
    }
    /// A path that does not exist yet.
    pub fn next(&mut self) -> PathBuf {
        self.n += 1;
        PathBuf::from(format!("{}-{}", self.base.display(), self.n))
    }
}

impl Drop for Outputs {
    fn drop(&mut self) {
        for i in 1..=self.n {
            let _ = fs::remove_dir_all(format!("{}-{i}", self.base.display()));
        }
    }
}

/// Decrypts the whole corpus in one invocation per run, each into a new
/// directory beside it.
pub fn decrypt_corpus(c: &Corpus, warmup: usize, runs: usize) -> Decrypted {
    let mut outs = Outputs::beside(&c.dir, "out");
    let mut rsa = Vec::new();
    let mut phases = (Vec::new(), Vec::new());
    let mut once = |keep: bool| {
        let out = outs.next();
        let run = ehrcrypt(
            &c.keystore,
            [
                OsStr::new("-vv"),
                OsStr::new("entity"),
                OsStr::new("decrypt"),
                OsStr::new("--as"),
                OsStr::new(c.reader.as_str()),
                c.dir.as_os_str(),
                OsStr::new("--out-dir"),
                out.as_os_str(),
            ],
        );
        if keep {
            rsa.push(run.rsa_decryptions().expect("-v prints RSA decryptions"));
            if let Some((w, s)) = run.phases_ms() {
                phases.0.push(w);
                phases.1.push(s);
            }
        }
        run.secs
    };
    for _ in 0..warmup {
        once(false);
    }
    let wall = Sample {
        secs: (0..runs).map(|_| once(true)).collect(),
    };
    Decrypted {
        wall,
        rsa,
        phases_ms: (median(&phases.0), median(&phases.1)),
    }
}

/// Reads every entity file of a corpus into memory (for in-process runs).
pub fn load_corpus(c: &Corpus) -> Vec<Vec<u8>> {
    let mut names: Vec<PathBuf> = fs::read_dir(&c.dir)
        .expect("read corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| fs::read(p).expect("read entity"))
        .collect()
}

/// Decrypts in-memory entity files with the library, as `entity decrypt`
/// does (`entity::decrypt_file_bytes`: only the reader's delegations
/// parsed), on one thread or on every rayon thread; returns the seconds of
/// one pass. Each file's bytes are copied first, standing in for the read
/// that hands the command a fresh buffer. The session's exchange-key cache
/// is warm after the first pass.
pub fn decrypt_in_process(
    session: &Session,
    me: &OwnerId,
    files: &[Vec<u8>],
    parallel: bool,
) -> f64 {
    let one = |bytes: &Vec<u8>| {
        let plain = ehrcrypt::entity::decrypt_file_bytes(session, me, bytes.clone(), "bench")
            .expect("decrypt");
        std::hint::black_box(plain.len())
    };
    timed(|| {
        if parallel {
            files.par_iter().map(one).sum::<usize>()
        } else {
            files.iter().map(one).sum::<usize>()
        }
    })
    .1
}
