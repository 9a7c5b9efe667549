//! Where the passphrase comes from: --passphrase-file, EHRCRYPT_PASSPHRASE,
//! a terminal prompt; without any of them, a clear error (exit 4), not a hang.

mod common;

use common::*;
use std::fs;
use std::time::Duration;

const CHECK_AB: [&str; 6] = ["hcp-key", "check", "--as", "A", "A", "B"];

#[test]
fn a_wrong_passphrase_is_exit_4_and_is_not_echoed() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    let before = fs::read(&ks).unwrap();
    for args in [
        &CHECK_AB[..],
        &["hcp-key", "exchange", "--from", "A", "--to", "C"],
        &["key", "add", "A"],
    ] {
        let out = fails(
            s.on(&ks).env("EHRCRYPT_PASSPHRASE", "not-the-passphrase"),
            args,
            4,
        );
        let err = stderr(&out);
        assert!(err.contains("wrong passphrase"), "{args:?}: {err}");
        assert!(!err.contains("not-the-passphrase"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(fs::read(&ks).unwrap(), before, "nothing written");
}

#[test]
fn no_passphrase_source_and_no_terminal_is_an_error_not_a_hang() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    // stdin is a pipe (not a terminal) and EHRCRYPT_PASSPHRASE is unset.
    let mut cmd = s.bare();
    cmd.env("EHRCRYPT_KEYSTORE", &ks)
        .timeout(Duration::from_secs(30));
    let out = fails(&mut cmd, &CHECK_AB, 4);
    let err = stderr(&out);
    assert!(err.contains("there is no terminal to ask it on"), "{err}");
    assert!(
        err.contains("ehrcrypt: hint: set EHRCRYPT_PASSPHRASE or pass --passphrase-file FILE"),
        "{err}"
    );

    // keygen asks before it generates, and writes nothing.
    let fresh = s.path("fresh.json");
    let mut cmd = s.bare();
    cmd.env("EHRCRYPT_KEYSTORE", &fresh)
        .timeout(Duration::from_secs(30));
    fails(&mut cmd, &["keygen", "--name", "N", "--kind", "hcp"], 4);
    assert!(!fresh.exists());
}

#[test]
fn a_passphrase_file_works_with_or_without_its_trailing_newline() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    for (name, content) in [
        ("lf", format!("{PASSPHRASE}\n")),
        ("crlf", format!("{PASSPHRASE}\r\n")),
        ("bare", PASSPHRASE.to_string()),
    ] {
        let file = s.write(name, content);
        let mut cmd = s.bare();
        cmd.env("EHRCRYPT_KEYSTORE", &ks)
            .arg("--passphrase-file")
            .arg(&file);
        ok(&mut cmd, &CHECK_AB);
    }
    // Only one newline is the file's: a second one belongs to the passphrase.
    let file = s.write("two", format!("{PASSPHRASE}\n\n"));
    let mut cmd = s.bare();
    cmd.env("EHRCRYPT_KEYSTORE", &ks)
        .arg("--passphrase-file")
        .arg(&file);
    fails(&mut cmd, &CHECK_AB, 4);
}

#[test]
fn the_passphrase_file_wins_over_the_environment() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    let right = s.write("right", PASSPHRASE);
    let wrong = s.write("wrong", "nope");
    let mut cmd = s.on(&ks);
    cmd.env("EHRCRYPT_PASSPHRASE", "nope")
        .arg("--passphrase-file")
        .arg(&right);
    ok(&mut cmd, &CHECK_AB);
    let mut cmd = s.on(&ks);
    cmd.arg("--passphrase-file").arg(&wrong);
    fails(&mut cmd, &CHECK_AB, 4);
}

#[test]
fn a_missing_passphrase_file_is_named_in_the_error() {
    let s = Sandbox::new();
    let mut cmd = s.ks("A");
    cmd.arg("--passphrase-file").arg(s.path("nowhere"));
    let out = fails(&mut cmd, &CHECK_AB, 3);
    let err = stderr(&out);
    assert!(
        err.contains("nowhere: cannot read: No such file or directory"),
        "{err}"
    );
    // Named as the passphrase file, not blamed on what was being opened.
    assert!(
        err.starts_with("ehrcrypt: error: --passphrase-file "),
        "{err}"
    );
}

#[test]
fn an_empty_passphrase_never_protects_a_new_key() {
    let s = Sandbox::new();
    let fresh = s.path("fresh.json");
    let out = fails(
        s.on(&fresh).env("EHRCRYPT_PASSPHRASE", ""),
        &["keygen", "--name", "N", "--kind", "hcp"],
        4,
    );
    // Said as it is (issue 10): not a wrong passphrase, an empty variable.
    assert!(
        stderr(&out).contains("EHRCRYPT_PASSPHRASE is set but empty"),
        "{}",
        stderr(&out)
    );
    assert!(!fresh.exists());
}
