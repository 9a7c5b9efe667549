//! Concurrent writers of one entity file (issue 11, defects 1 and 3): 20
//! `share` to different delegates at once must all land, and 10
//! `revoke --rekey` at once must all take effect (a revocation that
//! reports success has happened: the revoked delegate no longer decrypts).
//! Before entity rewrites were serialised, most of these updates were lost
//! while every process exited 0.

mod common;

use std::process::{Child, Stdio};

use common::*;
use serde_json::Value;

/// The delegates D01…D20, owners with private keys in A's keystore (so the
/// test can also decrypt as each of them).
fn delegates(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("D{i:02}")).collect()
}

fn spawn(sb: &Sandbox, args: &[&str]) -> Child {
    std::process::Command::new(bin())
        .current_dir(sb.dir())
        .env("EHRCRYPT_KEYSTORE", sb.keystore("A"))
        .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
        .env("HOME", sb.dir())
        .env_remove("EHRCRYPT_CONFIG")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ehrcrypt")
}

/// Runs every command at once and asserts each exited 0.
fn all_at_once(sb: &Sandbox, commands: &[Vec<String>]) {
    let children: Vec<Child> = commands
        .iter()
        .map(|c| spawn(sb, &c.iter().map(String::as_str).collect::<Vec<_>>()))
        .collect();
    for (c, args) in children.into_iter().zip(commands) {
        let out = c.wait_with_output().expect("wait for ehrcrypt");
        assert!(
            out.status.success(),
            "{args:?}: exit {:?}: {}",
            out.status.code(),
            stderr(&out)
        );
    }
}

#[test]
fn concurrent_shares_and_rekeying_revokes_lose_nothing() {
    let sb = Sandbox::new();
    let ds = delegates(20);
    for d in &ds {
        ok(
            &mut sb.ks("A"),
            &["-q", "keygen", "--name", d, "--kind", "device", "--id", d],
        );
    }
    let plain = sb.write("p.json", r#"{"id":"p1","name":"Keats"}"#);
    ok(
        &mut sb.ks("A"),
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "patient",
            plain.to_str().unwrap(),
            "-o",
            "p.enc.json",
        ],
    );

    let shares: Vec<Vec<String>> = ds
        .iter()
        .map(|d| {
            ["share", "--as", "A", "--with", d, "p.enc.json"]
                .map(String::from)
                .to_vec()
        })
        .collect();
    all_at_once(&sb, &shares);
    let r = readers(&mut sb.ks("A"), "A", "p.enc.json");
    for d in &ds {
        assert!(r.contains(d), "{d} lost its share: readers {r:?}");
    }

    let (revoked, kept) = ds.split_at(10);
    let revokes: Vec<Vec<String>> = revoked
        .iter()
        .map(|d| {
            [
                "delegation",
                "revoke",
                "--as",
                "A",
                "--from",
                d,
                "--rekey",
                "p.enc.json",
            ]
            .map(String::from)
            .to_vec()
        })
        .collect();
    all_at_once(&sb, &revokes);
    let r = readers(&mut sb.ks("A"), "A", "p.enc.json");
    for d in revoked {
        assert!(!r.contains(d), "{d}'s revocation was lost: readers {r:?}");
        fails(
            &mut sb.ks("A"),
            &["entity", "decrypt", "--as", d, "p.enc.json"],
            8,
        );
    }
    for d in kept {
        assert!(r.contains(d), "{d} lost access: readers {r:?}");
    }
    let out = ok(
        &mut sb.ks("A"),
        &["entity", "decrypt", "--as", &kept[0], "p.enc.json"],
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("record");
    assert_eq!(v["name"], "Keats");
}

/// Issue 11, defect 9: a killed run leaves its temporary file (here one of
/// a dead process holding "plaintext"); the next run that writes into that
/// folder removes it, and leaves a live process's temporary file alone.
#[test]
fn the_next_run_removes_temporary_files_of_dead_processes() {
    let sb = Sandbox::new();
    let out = sb.path("out");
    std::fs::create_dir(&out).unwrap();
    let dead = {
        let mut c = std::process::Command::new("true").spawn().unwrap();
        let pid = c.id();
        c.wait().unwrap();
        pid
    };
    let stale = out.join(format!(".r.json.tmp-{dead}-0123456789ab-0"));
    let live = out.join(format!(".r.json.tmp-{}-0123456789ab-0", std::process::id()));
    std::fs::write(&stale, "plaintext of a killed decrypt").unwrap();
    std::fs::write(&live, "a run in progress").unwrap();
    let enc = common::fixture("entities/patient-1234.enc.json");
    ok(
        &mut sb.ks("A"),
        &[
            "entity",
            "decrypt",
            "--as",
            "A",
            enc.to_str().unwrap(),
            "-o",
            "out/r.json",
        ],
    );
    assert!(!stale.exists(), "stale temporary file left");
    assert!(live.exists(), "a live process's file was removed");
    assert!(out.join("r.json").exists());
}
