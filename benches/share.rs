//! Benchmark of `delegation share` (issue 7, item 4), plain std::time,
//! medians over repeated runs, every comparison a ratio taken in this run:
//!
//! 1. The cryptographic work of sharing one entity with a new data owner,
//!    in memory, at 1 KB, 1 MB and 100 MB: the 100 MB / 1 KB ratio should
//!    be under 1.2 (the payload is never touched), and the 1 KB figure is
//!    printed beside seed 003's 40 ms proxy re-encryption delegation (and
//!    entity encrypt / decrypt of 1 KB beside its 6.1 ms and 7.9 ms).
//! 2. The whole `ehrcrypt share` command on a 100 MB record file against a
//!    plain copy of that file (`std::fs::copy` + fsync): target ≤ 3×, with
//!    the unlock excluded by subtracting the same command on a tiny file.
//!
//! Run: `cargo bench --bench share` (EHRCRYPT_BENCH_DIR=DIR to choose
//! where the files go; by default under target/, on the build's disk).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ehrcrypt::delegation::{self, Grants};
use ehrcrypt::entity::{self, EncryptOptions, Encryptor, Entity, EntityKind, Role};
use ehrcrypt::owner::OwnerId;
use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;

const PASSPHRASE: &str = "test-only-passphrase";
const KB: usize = 1 << 10;
const MB: usize = 1 << 20;

fn id(s: &str) -> OwnerId {
    OwnerId::new(s).expect("valid owner id")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// A JSON record of about `size` bytes.
fn record(size: usize) -> Vec<u8> {
    let pad = size.saturating_sub(40);
    format!(
        r#"{{"id":"bench","kind":"note","body":"{}"}}"#,
        "x".repeat(pad)
    )
    .into_bytes()
}

fn main() {
    let work = match std::env::var_os("EHRCRYPT_BENCH_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-share"),
    };
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).expect("bench directory");
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/keys");
    let keystore = work.join("A.keystore.json");
    fs::copy(keys.join("A.keystore.json"), &keystore).expect("fixture keystore");

    println!("ehrcrypt share benchmark (medians; {})", work.display());
    in_memory(&keystore);
    whole_command(&work, &keystore);
    let _ = fs::remove_dir_all(&work);
}

/// Part 1: the cryptographic work of one share, in memory.
fn in_memory(keystore: &Path) {
    let (mut session, patients) = patient_encryptor(keystore);
    let (a, c) = (id("A"), id("C"));
    let patient = patients
        .encrypt_bytes(&record(KB), "patient")
        .expect("patient");
    // A contact of that patient: all four values of seed 000's example
    // (entity key, secret id, parent id) are re-wrapped.
    let opts = EncryptOptions {
        kind: EntityKind::Contact,
        share_with: vec![id("B")],
        clear: vec![],
        parent: Some(patient.to_value()),
        allow_unverified: false,
    };
    let enc = Encryptor::new(&mut session, &a, &opts).expect("encryptor");
    let grants = Grants::resolve(&mut session, &a, [&c], false).expect("{AC}");

    println!();
    println!("1. share one entity with a new data owner, in memory (keys cached)");
    println!("   {:>8}  {:>12}  {:>6}", "record", "share", "runs");
    let mut figures = Vec::new();
    for (label, size, runs) in [
        ("1 KB", KB, 2001),
        ("1 MB", MB, 1001),
        ("100 MB", 100 * MB, 501),
    ] {
        let mut e = enc.encrypt_bytes(&record(size), "bench").expect("encrypt");
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            for role in Role::ALL {
                e.delegations_for_mut(role).remove(&c);
            }
            let t = Instant::now();
            let out = delegation::share(&mut e, &session, &grants, "bench").expect("share");
            times.push(t.elapsed());
            assert!(out.changed());
        }
        let m = median(times);
        println!("   {label:>8}  {:>9.1} µs  {runs:>6}", us(m));
        figures.push(m);
    }
    let ratio = figures[2].as_secs_f64() / figures[0].as_secs_f64();
    println!(
        "   ratio 100 MB / 1 KB: {ratio:.2} (target < 1.2) {}",
        if ratio < 1.2 { "OK" } else { "MISSED" }
    );
    println!(
        "   1 KB share: {:.3} ms vs seed 003 proxy re-encryption delegation of 1 KB: 40 ms ({:.0}× less)",
        ms(figures[0]),
        40.0 / ms(figures[0])
    );

    let plain = record(KB);
    let times: Vec<Duration> = (0..2001)
        .map(|_| {
            let t = Instant::now();
            let e = enc.encrypt_bytes(&plain, "bench").expect("encrypt");
            let d = t.elapsed();
            drop(e);
            d
        })
        .collect();
    let enc_1k = median(times);
    let e = enc.encrypt_bytes(&plain, "bench").expect("encrypt");
    let times: Vec<Duration> = (0..2001)
        .map(|_| {
            let t = Instant::now();
            let p = entity::decrypt_bytes(&session, &a, &e, "bench").expect("decrypt");
            let d = t.elapsed();
            assert_eq!(p.len(), plain.len());
            d
        })
        .collect();
    let dec_1k = median(times);
    println!(
        "   1 KB entity encrypt: {:.1} µs (seed 003: 6.1 ms), decrypt: {:.1} µs (seed 003: 7.9 ms)",
        us(enc_1k),
        us(dec_1k)
    );
}

/// Part 2: `ehrcrypt share` on a 100 MB record file against a plain copy.
fn whole_command(work: &Path, keystore: &Path) {
    let (session, enc) = patient_encryptor(keystore);
    let big = work.join("big.pristine.json");
    let tiny = work.join("tiny.pristine.json");
    write_entity(
        &enc.encrypt_bytes(&record(100 * MB), "big")
            .expect("encrypt"),
        &big,
    );
    write_entity(
        &enc.encrypt_bytes(&record(KB), "tiny").expect("encrypt"),
        &tiny,
    );
    drop(session);
    let size = fs::metadata(&big).expect("big file").len();

    let bin = env!("CARGO_BIN_EXE_ehrcrypt");
    let target = work.join("target.json");
    let share_once = |pristine: &Path| -> Duration {
        fs::copy(pristine, &target).expect("copy");
        sync(&target);
        let t = Instant::now();
        let out = Command::new(bin)
            .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
            .arg("--keystore")
            .arg(keystore)
            .args(["-q", "share", "--as", "A", "--with", "C"])
            .arg(&target)
            .output()
            .expect("run ehrcrypt");
        let d = t.elapsed();
        assert!(
            out.status.success(),
            "ehrcrypt share failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        d
    };
    let copy = work.join("copy.json");
    let copy_once = || -> Duration {
        let _ = fs::remove_file(&copy);
        let t = Instant::now();
        fs::copy(&big, &copy).expect("copy");
        sync(&copy);
        t.elapsed()
    };
    // Warm up: {AC} is created, files and binary are in the page cache.
    share_once(&tiny);
    share_once(&big);
    copy_once();

    let runs = 9;
    let (mut t_big, mut t_tiny, mut t_copy) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        t_copy.push(copy_once());
        t_big.push(share_once(&big));
        t_tiny.push(share_once(&tiny));
    }
    let (b, t, c) = (median(t_big), median(t_tiny), median(t_copy));
    let net = b.saturating_sub(t);
    println!();
    println!(
        "2. `ehrcrypt share` on a {:.0} MB record file ({runs} runs each, interleaved)",
        size as f64 / MB as f64
    );
    println!("   whole command, 100 MB record:        {:>8.1} ms", ms(b));
    println!("   whole command, 1 KB record (unlock): {:>8.1} ms", ms(t));
    println!(
        "   difference (share of 100 MB):        {:>8.1} ms",
        ms(net)
    );
    println!("   std::fs::copy + fsync of the file:   {:>8.1} ms", ms(c));
    let ratio = net.as_secs_f64() / c.as_secs_f64();
    println!(
        "   ratio (share - unlock) / copy: {ratio:.2} (target ≤ 3) {}; raw ratio with unlock: {:.2}",
        if ratio <= 3.0 { "OK" } else { "MISSED" },
        b.as_secs_f64() / c.as_secs_f64()
    );
}

/// A session on A's keystore and an encryptor of patients for A and B.
fn patient_encryptor(keystore: &Path) -> (Session, Encryptor) {
    let mut session =
        Session::open(keystore, PassphraseSource::fixed(PASSPHRASE)).expect("session");
    let opts = EncryptOptions {
        kind: EntityKind::Patient,
        share_with: vec![id("B")],
        clear: vec![],
        parent: None,
        allow_unverified: false,
    };
    let enc = Encryptor::new(&mut session, &id("A"), &opts).expect("encryptor");
    (session, enc)
}

fn write_entity(e: &Entity, path: &Path) {
    let mut f = std::io::BufWriter::new(fs::File::create(path).expect("create"));
    e.write_to(&mut f).expect("write");
    drop(f);
    sync(path);
}

fn sync(path: &Path) {
    fs::File::open(path)
        .and_then(|f| f.sync_all())
        .expect("fsync");
}
