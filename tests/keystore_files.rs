//! The keystore file itself: damaged or foreign files are refused and left
//! untouched, writes are private (0600) and atomic, and concurrent ehrcrypt
//! processes never lose each other's update.

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::Stdio;

/// Names of the files in `dir`, sorted; lock files left out.
fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".lock"))
        .collect();
    v.sort();
    v
}

#[test]
fn damaged_and_foreign_keystores_are_refused_and_left_byte_identical() {
    let good = fs::read(fixture("keys/A.keystore.json")).unwrap();
    let mut future: Value = serde_json::from_slice(&good).unwrap();
    future["format"] = "ehrcrypt/keystore/v99".into();
    let mut corrupt = good.clone();
    corrupt[good.len() / 2] = b'}';
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated",
            good[..good.len() / 2].to_vec(),
            "keystore is truncated",
        ),
        ("empty", Vec::new(), "keystore is truncated"),
        ("corrupt", corrupt, "keystore is not valid JSON (line"),
        (
            "binary",
            vec![0xff, 0xfe, 0x00, 0x42],
            "keystore is not valid JSON",
        ),
        (
            "future version",
            serde_json::to_vec_pretty(&future).unwrap(),
            "keystore format \"ehrcrypt/keystore/v99\" is newer than this ehrcrypt understands",
        ),
        (
            "an owner document",
            fs::read(fixture("keys/A.owner.json")).unwrap(),
            "not an ehrcrypt keystore (its format is \"ehrcrypt/owner/v1\")",
        ),
        (
            "JSON without format",
            br#"{"owners": []}"#.to_vec(),
            "not an ehrcrypt keystore (no \"format\" field)",
        ),
        (
            "a JSON array",
            b"[1, 2]".to_vec(),
            "not an ehrcrypt keystore (not a JSON object)",
        ),
    ];
    let b_doc = fixture("keys/B.owner.json");
    let b_doc = b_doc.to_str().unwrap();
    let fp_b = fixture_fingerprint("B");
    // Readers and writers alike; keygen must fail before generating a key.
    let commands: [&[&str]; 6] = [
        &["owner", "list"],
        &["owner", "import", b_doc],
        &["owner", "verify", "B", "--fingerprint", &fp_b],
        &["hcp-key", "exchange", "--from", "A", "--to", "B"],
        &["keygen", "--name", "N", "--kind", "device"],
        &["key", "import-private", "A", "PEM"],
    ];
    let pem = read_json(&fixture("keys/A.keystore.json"))["owners"][0]["privateKeys"][0]["pkcs8"]
        .as_str()
        .unwrap()
        .to_string();
    for (what, bytes, message) in &cases {
        let s = Sandbox::new();
        let ks = s.write("keystore.json", bytes);
        let pem_file = s.write("a.pem", &pem);
        let pem_file = pem_file.to_str().unwrap();
        for args in commands {
            let args: Vec<&str> = args
                .iter()
                .map(|a| if *a == "PEM" { pem_file } else { a })
                .collect();
            let args = &args[..];
            let out = fails(&mut s.on(&ks), args, 6);
            let err = stderr(&out);
            // The file is 0644 here: a warning about that may come first.
            let lines: Vec<&str> = err
                .lines()
                .filter(|l| !l.starts_with("ehrcrypt: warning:"))
                .collect();
            assert!(
                lines[0].starts_with(&format!("ehrcrypt: error: {}: ", ks.display())),
                "{what}, {args:?}: {err}"
            );
            assert!(lines[0].contains(message), "{what}, {args:?}: {err}");
            assert!(
                lines.len() == 1 || (lines.len() == 2 && lines[1].starts_with("ehrcrypt: hint: ")),
                "{what}, {args:?}: one error line and at most one hint:\n{err}"
            );
            assert!(out.stdout.is_empty(), "{what}, {args:?}");
            assert_eq!(
                &fs::read(&ks).unwrap(),
                bytes,
                "{what}, {args:?}: file changed"
            );
            assert_eq!(
                files_in(s.dir()),
                ["a.pem", "keystore.json"],
                "{what}, {args:?}"
            );
        }
    }
}

#[test]
fn a_future_version_says_to_upgrade() {
    let s = Sandbox::new();
    let ks = s.keystore("B");
    let mut v = read_json(&ks);
    v["format"] = "ehrcrypt/keystore/v99".into();
    write_json(&ks, &v);
    let out = fails(&mut s.on(&ks), &["owner", "list"], 6);
    assert!(stderr(&out)
        .contains("ehrcrypt: hint: upgrade ehrcrypt to read it; the file was left untouched"));
}

#[cfg(unix)]
#[test]
fn the_keystore_is_written_0600_whatever_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new();
    let ks = s.keystore("A");
    fs::set_permissions(&ks, fs::Permissions::from_mode(0o644)).unwrap();
    ok(&mut s.on(&ks), &["owner", "remove", "P"]);
    assert_eq!(mode(&ks), 0o600);
    assert_eq!(mode(&s.path("A.keystore.json.lock")), 0o600);
    assert_eq!(
        files_in(s.dir()),
        ["A.keystore.json"],
        "no temporary file left"
    );

    // A keystore created from nothing, in a directory created for it.
    let fresh = s.path("sub/dir/ks.json");
    ok(
        &mut s.on(&fresh),
        &[
            "owner",
            "import",
            fixture("keys/B.owner.json").to_str().unwrap(),
        ],
    );
    assert_eq!(mode(&fresh), 0o600);
    assert_eq!(mode(&s.path("sub/dir")), 0o700);

    // The public owner document is meant to be shared.
    let doc = s.path("A.owner.json");
    ok(
        &mut s.on(&ks),
        &["owner", "export", "A", "-o", doc.to_str().unwrap()],
    );
    assert_eq!(mode(&doc), 0o644);
}

/// Starts `ehrcrypt` with `args` on `keystore` without waiting for it.
fn spawn(keystore: &Path, args: &[&str]) -> std::process::Child {
    std::process::Command::new(bin())
        .args(args)
        .env("EHRCRYPT_KEYSTORE", keystore)
        .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ehrcrypt")
}

fn owner_ids(s: &Sandbox, ks: &Path) -> Vec<String> {
    let mut ids: Vec<String> = json(&ok(&mut s.on(ks), &["--json", "owner", "list"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn wait_all(children: Vec<std::process::Child>) {
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

/// Two keygens started at once into one keystore: both owners survive.
#[test]
fn two_concurrent_keygens_both_survive() {
    let s = Sandbox::new();
    let ks = s.path("shared.json");
    let children = ["one", "two"]
        .iter()
        .map(|id| {
            spawn(
                &ks,
                &["-q", "keygen", "--name", id, "--kind", "device", "--id", id],
            )
        })
        .collect();
    wait_all(children);
    assert_eq!(owner_ids(&s, &ks), ["one", "two"]);
}

/// Many cheap writers at once, several rounds: the lock serialises
/// read-modify-write, so every update lands.
#[test]
fn concurrent_imports_never_lose_an_update() {
    let s = Sandbox::new();
    for round in 0..4 {
        let ks = s.path(&format!("round{round}.json"));
        let children = ["A", "B", "C", "P"]
            .iter()
            .map(|who| {
                let doc = fixture(&format!("keys/{who}.owner.json"));
                spawn(&ks, &["-q", "owner", "import", doc.to_str().unwrap()])
            })
            .collect();
        wait_all(children);
        assert_eq!(owner_ids(&s, &ks), ["A", "B", "C", "P"], "round {round}");
    }
}
