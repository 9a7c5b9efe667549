//! Crash consistency (issue 11): every command that writes is killed with
//! SIGKILL at random moments, many times, and what it was writing must be
//! the old version or the new one, complete, never a mix or a fragment.
//!
//! Ignored by `cargo test` (it runs for minutes); `scripts/crash-test.sh`
//! runs it in release mode and prints the figures docs/RELIABILITY.md
//! records. `CRASH_ITERATIONS` (default 20) kills per command,
//! `CRASH_SEED` repeats a run. After a kill that left a temporary file,
//! the command is run again into the same place, and `CRASH_NO_TEMP=1`
//! requires that this next run removed it (the store's cleanup of dead
//! processes' temporary files); without it the count is reported.

mod common;

use common::*;
use std::fs;
use std::path::Path;
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

/// A marker only plaintext records contain: a temporary file holding it
/// leaked plaintext.
const MARKER: &str = "CRASH-TEST-PLAINTEXT-MARKER";

/// xorshift64*: reproducible random kill times without a dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// After a kill (or a normal exit): `Ok(true)` new state, `Ok(false)` old
/// state, `Err` anything else.
type Check = dyn Fn(&Sandbox) -> Result<bool, String>;

/// One writing command, its setup and what must hold after a kill.
struct Case {
    name: &'static str,
    /// The command line, run in the sandbox as `who`.
    who: &'static str,
    args: Vec<String>,
    /// Puts the sandbox back to the state before the command.
    reset: Box<dyn Fn(&Sandbox)>,
    check: Box<Check>,
}

#[derive(Default)]
struct Figures {
    runs: u64,
    old: u64,
    new: u64,
    temp_left: u64,
    temp_plaintext: u64,
    /// Kills whose temporary files were still there after the next run.
    temp_after_rerun: u64,
}

fn spawn(sb: &Sandbox, who: &str, args: &[String]) -> std::process::Child {
    StdCommand::new(bin())
        .current_dir(sb.dir())
        .env_remove("EHRCRYPT_KEYSTORE")
        .env("HOME", sb.dir())
        .env("XDG_DATA_HOME", sb.path("xdg-data"))
        .env("EHRCRYPT_KEYSTORE", sb.keystore(who))
        .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ehrcrypt")
}

/// Runs `ehrcrypt` to completion as `who`; its stdout, or why it failed.
fn run(sb: &Sandbox, who: &str, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = sb.ks(who).args(args).output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(format!("ehrcrypt {args:?}: {}", stderr(&out)))
    }
}

/// Temporary files and staging directories anywhere under `dir`, and how
/// many of them hold the plaintext marker.
fn temp_files(dir: &Path) -> (u64, u64) {
    fn walk(d: &Path, out: &mut (u64, u64)) {
        let Ok(rd) = fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            let temp = name.contains(".tmp-") || name.starts_with(".ehrcrypt-");
            if p.is_dir() {
                if temp {
                    out.0 += 1;
                }
                walk(&p, out);
            } else if temp {
                out.0 += 1;
                if fs::read(&p).is_ok_and(|b| contains(&b, MARKER.as_bytes())) {
                    out.1 += 1;
                }
            }
        }
    }
    let mut out = (0, 0);
    walk(dir, &mut out);
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A record of about `mib` MiB that carries the marker.
fn record(id: &str, mib: usize) -> String {
    let filler = "x".repeat(mib << 20);
    format!(r#"{{"id":"{id}","note":"{MARKER}","filler":"{filler}"}}"#)
}

/// Puts back the sidecars of `rec.enc.json` kept as `NAME.orig`.
fn restore_sidecars(sb: &Sandbox) {
    for e in fs::read_dir(sb.dir()).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if let Some(name) = n.strip_suffix(".ehrat.orig") {
            fs::copy(e.path(), sb.path(&format!("{name}.ehrat"))).unwrap();
        }
    }
}

/// Copies `from` over `to` (a file), or removes `to` when `from` is None.
fn restore_file(from: Option<&Path>, to: &Path) {
    match from {
        Some(f) => {
            fs::copy(f, to).unwrap();
        }
        None => {
            let _ = fs::remove_file(to);
        }
    }
}

fn remove_all(p: &Path) {
    if p.is_dir() {
        let _ = fs::remove_dir_all(p);
    } else {
        let _ = fs::remove_file(p);
    }
}

/// Removes temp files a killed run left, so the next run starts clean.
fn sweep_temps(dir: &Path) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let p = e.path();
        if name.contains(".tmp-") || name.starts_with(".ehrcrypt-") {
            remove_all(&p);
        } else if p.is_dir() {
            sweep_temps(&p);
        }
    }
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// Whether the keystore file parses and, if so, whether it knows `owner`.
fn keystore_knows(path: &Path, owner: &str) -> Result<bool, String> {
    let ks = ehrcrypt::keystore::Keystore::load(path).map_err(|e| e.to_string())?;
    Ok(ks.owners().iter().any(|o| o.id.as_str() == owner))
}

fn cases(sb: &Sandbox) -> Vec<Case> {
    // Shared material, made once.
    let plain = sb.write("rec.json", record("r1", 4));
    let plain_bytes = fs::read(&plain).unwrap();
    run(
        sb,
        "A",
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "patient",
            "--share-with",
            "B",
            "rec.json",
            "-o",
            "rec.enc.json",
        ],
    )
    .unwrap();
    let enc_orig = sb.path("rec.enc.json.orig");
    fs::copy(sb.path("rec.enc.json"), &enc_orig).unwrap();
    // The 4 MiB record is detached into a sidecar (docs/FORMAT.md §8.4),
    // which a rekey replaces: kept aside to be put back by the resets.
    for e in fs::read_dir(sb.dir()).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if n.starts_with("rec.enc.json.") && n.ends_with(".ehrat") {
            fs::copy(e.path(), sb.path(&format!("{n}.orig"))).unwrap();
        }
    }
    let ks_orig = sb.path("A.keystore.json.orig");
    // A's keystore, with C removed: `owner import C` adds it back.
    run(sb, "A", &["owner", "remove", "C"]).unwrap();
    fs::copy(sb.keystore("A"), &ks_orig).unwrap();
    let records = sb.path("records");
    fs::create_dir_all(&records).unwrap();
    fs::write(records.join("labs.json"), record("labs", 4)).unwrap();
    fs::write(records.join("visit.json"), r#"{"id":"v1","note":"ok"}"#).unwrap();
    // A finished backup for the readers.
    run(
        sb,
        "P",
        &[
            "backup", "create", "--as", "P", "records", "-o", "bk", "--qr", "bk.png",
        ],
    )
    .unwrap();
    let bk_orig = sb.path("bk.orig");
    copy_dir(&sb.path("bk"), &bk_orig);
    let plain_for_check = plain_bytes.clone();

    let decrypts_to_original = move |sb: &Sandbox, file: &str| -> Result<(), String> {
        let got = run(sb, "A", &["entity", "decrypt", "--as", "A", file])?;
        if got == plain_for_check {
            Ok(())
        } else {
            Err(format!("{file} decrypts to something else"))
        }
    };
    let d1 = decrypts_to_original.clone();
    let d2 = decrypts_to_original.clone();
    let d3 = decrypts_to_original.clone();
    let ks_orig2 = ks_orig.clone();
    let enc_orig2 = enc_orig.clone();
    let enc_orig3 = enc_orig.clone();
    let bk_orig2 = bk_orig.clone();
    let bk_orig3 = bk_orig.clone();
    let plain_bytes2 = plain_bytes.clone();

    vec![
        Case {
            name: "owner import (keystore)",
            who: "A",
            args: vec![
                "owner".into(),
                "import".into(),
                fixture("keys/C.owner.json").display().to_string(),
            ],
            reset: Box::new(move |sb| restore_file(Some(&ks_orig), &sb.keystore("A"))),
            check: Box::new(|sb| keystore_knows(&sb.keystore("A"), "C")),
        },
        Case {
            name: "keygen (keystore)",
            who: "A",
            args: s(&[
                "keygen",
                "--id",
                "K",
                "--name",
                "New Owner",
                "--kind",
                "hcp",
            ]),
            reset: Box::new(move |sb| restore_file(Some(&ks_orig2), &sb.keystore("A"))),
            check: Box::new(|sb| keystore_knows(&sb.keystore("A"), "K")),
        },
        Case {
            name: "entity encrypt -o",
            who: "A",
            args: s(&[
                "entity",
                "encrypt",
                "--as",
                "A",
                "--kind",
                "patient",
                "rec.json",
                "-o",
                "new.enc.json",
            ]),
            reset: Box::new(|sb| remove_all(&sb.path("new.enc.json"))),
            check: Box::new(move |sb| {
                if !sb.path("new.enc.json").exists() {
                    return Ok(false);
                }
                d1(sb, "new.enc.json").map(|()| true)
            }),
        },
        Case {
            name: "entity decrypt -o",
            who: "A",
            args: s(&[
                "entity",
                "decrypt",
                "--as",
                "A",
                "rec.enc.json",
                "-o",
                "out.json",
            ]),
            reset: Box::new(|sb| remove_all(&sb.path("out.json"))),
            check: Box::new(move |sb| match fs::read(sb.path("out.json")) {
                Err(_) => Ok(false),
                Ok(b) if b == plain_bytes2 => Ok(true),
                Ok(b) => Err(format!("out.json has {} bytes, not the record", b.len())),
            }),
        },
        Case {
            name: "share (entity rewrite)",
            who: "A",
            args: s(&["share", "--as", "A", "--with", "P", "rec.enc.json"]),
            reset: Box::new(move |sb| restore_file(Some(&enc_orig), &sb.path("rec.enc.json"))),
            check: Box::new(move |sb| {
                d2(sb, "rec.enc.json")?;
                let list = run(
                    sb,
                    "A",
                    &["--json", "delegation", "list", "--as", "A", "rec.enc.json"],
                )?;
                Ok(contains(&list, b"\"P\""))
            }),
        },
        Case {
            name: "delegation revoke --rekey",
            who: "A",
            args: s(&[
                "delegation",
                "revoke",
                "--as",
                "A",
                "--from",
                "B",
                "--rekey",
                "rec.enc.json",
            ]),
            reset: Box::new(move |sb| {
                restore_file(Some(&enc_orig2), &sb.path("rec.enc.json"));
                restore_sidecars(sb);
            }),
            check: Box::new(move |sb| {
                d3(sb, "rec.enc.json")?;
                let list = run(
                    sb,
                    "A",
                    &["--json", "delegation", "list", "--as", "A", "rec.enc.json"],
                )?;
                let was = fs::read(&enc_orig3).unwrap();
                let now = fs::read(sb.path("rec.enc.json")).unwrap();
                match (contains(&list, b"\"B\""), now == was) {
                    (true, true) => Ok(false),
                    (false, false) => Ok(true),
                    _ => Err("B's access and the file disagree".into()),
                }
            }),
        },
        Case {
            name: "backup create",
            who: "P",
            args: s(&[
                "backup", "create", "--as", "P", "records", "-o", "bk2", "--qr", "bk2.png",
            ]),
            reset: Box::new(|sb| {
                remove_all(&sb.path("bk2"));
                remove_all(&sb.path("bk2.png"));
            }),
            check: Box::new(|sb| {
                let (bucket, card) = (sb.path("bk2"), sb.path("bk2.png"));
                match (bucket.exists(), card.exists()) {
                    (false, false) => Ok(false),
                    (true, true) => {
                        remove_all(&sb.path("restored"));
                        let r = run(
                            sb,
                            "P",
                            &[
                                "backup",
                                "restore",
                                "--qr",
                                "bk2.png",
                                "bk2",
                                "--out-dir",
                                "restored",
                            ],
                        );
                        remove_all(&sb.path("restored"));
                        r.map(|_| true)
                    }
                    // The card is written before the bucket is published
                    // (a bucket without its card could never be read): a
                    // card left without its bucket is that window, and
                    // holds no data.
                    (false, true) => Ok(false),
                    (true, false) => Err("a bucket without its card: its key is lost".into()),
                }
            }),
        },
        Case {
            name: "emergency decrypt --out-dir",
            who: "A",
            args: s(&[
                "emergency",
                "decrypt",
                "--qr",
                "bk.png",
                "bk",
                "--as",
                "A",
                "--out-dir",
                "er",
            ]),
            reset: Box::new(move |sb| {
                remove_all(&sb.path("er"));
                remove_all(&sb.path("bk"));
                copy_dir(&bk_orig2, &sb.path("bk"));
            }),
            check: Box::new(|sb| {
                let er = sb.path("er");
                let complete = fs::read(er.join("labs.json")).ok()
                    == fs::read(sb.path("records/labs.json")).ok()
                    && fs::read(er.join("visit.json")).ok()
                        == fs::read(sb.path("records/visit.json")).ok();
                let listed = fs::read_dir(&er)
                    .map(|r| {
                        r.flatten()
                            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                            .count()
                    })
                    .unwrap_or(0);
                match (er.exists(), complete, listed) {
                    (false, _, _) => Ok(false),
                    (true, true, _) => Ok(true),
                    (true, false, 0) => Ok(false),
                    _ => Err("emergency output is partial".into()),
                }
            }),
        },
        Case {
            name: "emergency append",
            who: "A",
            args: s(&[
                "emergency",
                "append",
                "--qr",
                "bk.png",
                "bk",
                "--as",
                "A",
                "rec.json",
            ]),
            reset: Box::new(move |sb| {
                remove_all(&sb.path("bk"));
                copy_dir(&bk_orig3, &sb.path("bk"));
            }),
            check: Box::new(|sb| {
                let inspect = run(
                    sb,
                    "P",
                    &["--json", "backup", "inspect", "--qr", "bk.png", "bk"],
                )?;
                let v: serde_json::Value =
                    serde_json::from_slice(&inspect).map_err(|e| e.to_string())?;
                remove_all(&sb.path("restored"));
                let r = run(
                    sb,
                    "P",
                    &[
                        "backup",
                        "restore",
                        "--qr",
                        "bk.png",
                        "bk",
                        "--out-dir",
                        "restored",
                    ],
                );
                remove_all(&sb.path("restored"));
                r?;
                Ok(v["appendices"].as_array().is_some_and(|a| !a.is_empty()))
            }),
        },
        Case {
            name: "key export-private -o",
            who: "A",
            args: s(&["key", "export-private", "A", "-o", "a.pem"]),
            reset: Box::new(|sb| remove_all(&sb.path("a.pem"))),
            check: Box::new(|sb| match fs::read_to_string(sb.path("a.pem")) {
                Err(_) => Ok(false),
                Ok(t)
                    if t.trim_end()
                        .ends_with("-----END ENCRYPTED PRIVATE KEY-----") =>
                {
                    Ok(true)
                }
                Ok(_) => Err("a.pem is incomplete".into()),
            }),
        },
    ]
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

#[test]
#[ignore = "minutes long: run by scripts/crash-test.sh"]
fn every_writing_command_survives_sigkill() {
    let iterations: u64 = std::env::var("CRASH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    let require_no_temp = std::env::var("CRASH_NO_TEMP").is_ok_and(|v| v == "1");
    eprintln!("crash test: {iterations} kills per command, CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let sb = Sandbox::new();
    for who in ["A", "B", "C", "P"] {
        sb.keystore(who);
    }
    let cases = cases(&sb);
    let mut failures = Vec::new();
    for case in &cases {
        // How long the command takes when left alone: kills land in [0, 1.2x].
        (case.reset)(&sb);
        let t0 = Instant::now();
        let status = spawn(&sb, case.who, &case.args).wait().unwrap();
        let full = t0.elapsed();
        assert!(status.success(), "{}: fails even without a kill", case.name);
        assert_eq!(
            (case.check)(&sb),
            Ok(true),
            "{}: not in the new state after a normal run",
            case.name
        );
        let mut f = Figures::default();
        for _ in 0..iterations {
            (case.reset)(&sb);
            sweep_temps(sb.dir());
            let before = (case.check)(&sb);
            assert_eq!(
                before,
                Ok(false),
                "{}: reset did not restore the old state",
                case.name
            );
            let delay = Duration::from_micros(rng.below(full.as_micros() as u64 * 12 / 10 + 1));
            let mut child = spawn(&sb, case.who, &case.args);
            std::thread::sleep(delay);
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
            f.runs += 1;
            let (temps, leaked) = temp_files(sb.dir());
            f.temp_left += u64::from(temps > 0);
            f.temp_plaintext += u64::from(leaked > 0);
            match (case.check)(&sb) {
                Ok(true) => f.new += 1,
                Ok(false) => f.old += 1,
                Err(e) => failures.push(format!("{}: after a kill at {delay:?}: {e}", case.name)),
            }
            if temps > 0 {
                // The next run into the same place must clear what the
                // killed one left (its process is gone).
                (case.reset)(&sb);
                let _ = spawn(&sb, case.who, &case.args).wait();
                let (after, _) = temp_files(sb.dir());
                f.temp_after_rerun += u64::from(after > 0);
                if require_no_temp && after > 0 {
                    failures.push(format!(
                        "{}: {after} temporary file(s) of a run killed at {delay:?} survive the next run",
                        case.name
                    ));
                }
            }
        }
        eprintln!(
            "{:<30} {:>4} kills (full run {:>5} ms): {:>4} old, {:>4} new; temp left {:>3} (plaintext {:>3}), after the next run {:>3}",
            case.name,
            f.runs,
            full.as_millis(),
            f.old,
            f.new,
            f.temp_left,
            f.temp_plaintext,
            f.temp_after_rerun
        );
    }
    assert!(
        failures.is_empty(),
        "{} inconsistent state(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
