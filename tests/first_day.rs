//! Issue 10, "a first day with ehrcrypt": one test per defect a new user
//! and a shell script hit (the closed pipe, JSON and --help are in
//! tests/cli_conventions.rs).

mod common;

use std::fs;

use common::*;

/// A sandbox with A's keystore, the fixture patient (plaintext and
/// entity) and a directory `forms/` of two plaintext records.
fn setup() -> Sandbox {
    let s = Sandbox::new();
    s.keystore("A");
    for f in [
        "patient-1234.json",
        "patient-1234.enc.json",
        "contact-4567.enc.json",
    ] {
        fs::copy(fixture(&format!("entities/{f}")), s.path(f)).unwrap();
    }
    fs::create_dir(s.path("forms")).unwrap();
    s.write("forms/f1.json", r#"{"id": "f1", "lastName": "Keats"}"#);
    s.write("forms/f2.json", r#"{"id": "f2", "lastName": "Brawne"}"#);
    s
}

const ENCRYPT_FORMS: [&str; 8] = [
    "entity",
    "encrypt",
    "--as",
    "A",
    "--kind",
    "form",
    "forms",
    "--out-dir",
];

#[test]
fn existing_outputs_are_refused_unless_force() {
    let s = setup();
    ok(&mut s.ks("A"), &[&ENCRYPT_FORMS[..], &["out"]].concat());
    let before = fs::read(s.path("out/f1.enc.json")).unwrap();
    // Again into the same directory: refused, nothing replaced.
    let out = fails(&mut s.ks("A"), &[&ENCRYPT_FORMS[..], &["out"]].concat(), 7);
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(fs::read(s.path("out/f1.enc.json")).unwrap(), before);
    ok(
        &mut s.ks("A"),
        &[&ENCRYPT_FORMS[..], &["out", "--force"]].concat(),
    );
    assert_ne!(fs::read(s.path("out/f1.enc.json")).unwrap(), before);
    // -o FILE, owner export -o, key export-private -o: the same rule.
    s.write("taken.json", "mine");
    for args in [
        &[
            "entity",
            "decrypt",
            "--as",
            "A",
            "patient-1234.enc.json",
            "-o",
            "taken.json",
        ][..],
        &["owner", "export", "A", "-o", "taken.json"],
        &["key", "export-private", "A", "-o", "taken.json"],
    ] {
        fails(&mut s.ks("A"), args, 7);
        assert_eq!(fs::read(s.path("taken.json")).unwrap(), b"mine", "{args:?}");
        ok(&mut s.ks("A"), &[args, &["--force"]].concat());
        assert_ne!(fs::read(s.path("taken.json")).unwrap(), b"mine", "{args:?}");
        s.write("taken.json", "mine");
    }
}

#[test]
fn encrypting_adds_enc_json_and_decrypting_removes_it() {
    let s = setup();
    ok(&mut s.ks("A"), &[&ENCRYPT_FORMS[..], &["enc"]].concat());
    assert!(s.path("enc/f1.enc.json").exists() && s.path("enc/f2.enc.json").exists());
    ok(
        &mut s.ks("A"),
        &[
            "entity",
            "decrypt",
            "--as",
            "A",
            "enc",
            "--out-dir",
            "plain",
        ],
    );
    assert_eq!(
        fs::read(s.path("plain/f1.json")).unwrap(),
        fs::read(s.path("forms/f1.json")).unwrap()
    );
    // A backup of entities restores plaintext without the .enc.
    ok(
        &mut s.ks("A"),
        &[
            "backup", "create", "--as", "A", "enc", "--bucket", "bk", "--qr", "card.png",
        ],
    );
    ok(
        &mut s.ks("A"),
        &[
            "backup",
            "restore",
            "--qr",
            "card.png",
            "bk",
            "--out-dir",
            "rs",
        ],
    );
    assert!(s.path("rs/f1.json").exists(), "restored as f1.json");
}

#[test]
fn demo_keep_takes_a_relative_directory() {
    let s = Sandbox::new();
    let out = ok(&mut s.bare(), &["demo", "--keep", "dk-rel"]);
    assert!(s.path("dk-rel/alice.keystore.json").exists());
    assert!(!s.path("dk-rel/dk-rel").exists());
    let text = stdout(&out);
    // Every command shown can be pasted: the keystore is set before it.
    assert!(
        text.contains("$ export EHRCRYPT_KEYSTORE=bob.keystore.json"),
        "{text}"
    );
    assert!(
        text.contains("$ ehrcrypt owner import alice-for-bob.owner.json"),
        "{text}"
    );
    assert!(
        text.contains("$ ehrcrypt owner import john-for-bob.owner.json"),
        "{text}"
    );
}

#[test]
fn revoking_an_unknown_owner_is_not_found_and_changes_nothing() {
    let s = setup();
    let before = fs::read(s.path("patient-1234.enc.json")).unwrap();
    for extra in [&[][..], &["--rekey"]] {
        let args = [
            &["delegation", "revoke", "--as", "A", "--from", "carl"][..],
            extra,
            &["patient-1234.enc.json"],
        ]
        .concat();
        let out = fails(&mut s.ks("A"), &args, 3);
        assert!(stderr(&out).contains("no owner carl"), "{}", stderr(&out));
    }
    assert_eq!(fs::read(s.path("patient-1234.enc.json")).unwrap(), before);
}

#[test]
fn revoking_ones_own_access_needs_force() {
    let s = setup();
    let before = fs::read(s.path("patient-1234.enc.json")).unwrap();
    let revoke_self = [
        "delegation",
        "revoke",
        "--as",
        "A",
        "--from",
        "A",
        "patient-1234.enc.json",
    ];
    let out = fails(&mut s.ks("A"), &revoke_self, 7);
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(fs::read(s.path("patient-1234.enc.json")).unwrap(), before);
    ok(&mut s.ks("A"), &[&revoke_self[..], &["--force"]].concat());
    fails(
        &mut s.ks("A"),
        &["entity", "decrypt", "--as", "A", "patient-1234.enc.json"],
        8,
    );
}

#[test]
fn revoke_help_and_behaviour_agree_on_stdin() {
    let s = setup();
    let help = stdout(&ok(&mut s.bare(), &["delegation", "revoke", "--help"]));
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(help.contains("except with --rekey"), "{help}");
    fails(
        &mut s.ks("A"),
        &[
            "delegation",
            "revoke",
            "--as",
            "A",
            "--from",
            "B",
            "--rekey",
            "-",
        ],
        2,
    );
}

#[test]
fn misleading_messages_now_say_what_and_where() {
    let s = setup();
    fs::create_dir(s.path("empty")).unwrap();
    let enc = ["entity", "encrypt", "--as", "A", "--kind", "form"];
    let err =
        |args: &[&str], code| stderr(&fails(&mut s.ks("A"), &[&enc[..], args].concat(), code));
    assert!(err(&["empty"], 3).contains("no input"));
    assert!(err(&["forms/f1.json", "-o", "plaindir/"], 2).contains("plaindir/: a directory name"));
    assert!(err(&["forms/f1.json", "-o", "nodir/x.json"], 3)
        .contains("the directory nodir does not exist"));
    assert!(err(&["--parent", "patient-1234.json", "forms/f1.json"], 2)
        .contains("patient-1234.json: --parent must be"));
    assert!(err(&["--clear", "lastname", "forms/f1.json"], 2)
        .contains("--clear lastname matches no field"));
    let out = fails(&mut s.bare(), &["delegation", "list", "-"], 6);
    assert!(!stderr(&out).contains("<stdin"), "{}", stderr(&out));
    assert!(stderr(&out).contains("standard input"), "{}", stderr(&out));
    // An empty passphrase file is said to be empty, not wrong.
    s.write("empty-pass", "");
    let mut c = s.ks("A");
    c.env_remove("EHRCRYPT_PASSPHRASE")
        .arg("--passphrase-file")
        .arg("empty-pass");
    let out = fails(&mut c, &["hcp-key", "check", "--as", "A", "A", "B"], 4);
    assert!(stderr(&out).contains("is empty"), "{}", stderr(&out));
}

#[test]
fn a_fingerprint_error_says_what_a_fingerprint_looks_like() {
    let s = setup();
    let out = fails(
        &mut s.ks("A"),
        &["owner", "verify", "B", "--fingerprint", "70cd...f817"],
        2,
    );
    let err = stderr(&out);
    assert!(err.contains("64 hex digits"), "{err}");
    assert!(
        err.contains("ehrcrypt: hint: ") && err.contains("owner fingerprint"),
        "{err}"
    );
    // Grouped as printed, accepted back.
    let printed = stdout(&ok(&mut s.ks("A"), &["owner", "fingerprint", "B"]));
    assert_eq!(printed.trim().split(' ').count(), 16, "{printed}");
    ok(
        &mut s.ks("A"),
        &["owner", "verify", "B", "--fingerprint", printed.trim()],
    );
}

#[test]
fn the_share_hint_sends_each_delegate_its_own_document() {
    let s = setup();
    let out = ok(
        &mut s.ks("A"),
        &["share", "--as", "A", "--with", "C", "patient-1234.enc.json"],
    );
    let err = stderr(&out);
    assert!(
        err.contains("owner export A --for C -o A-for-C.owner.json"),
        "{err}"
    );
}

#[test]
fn quiet_and_unchanged_and_no_children_say_what_users_expect() {
    let s = setup();
    // -q: nothing per file.
    let out = ok(
        &mut s.ks("A"),
        &[
            "-q",
            "share",
            "--as",
            "A",
            "--with",
            "B",
            "patient-1234.enc.json",
        ],
    );
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "{}",
        stdout(&out)
    );
    // Re-importing a document that brings nothing new.
    let doc = fixture("keys/B.owner.json");
    let out = ok(&mut s.ks("A"), &["owner", "import", doc.to_str().unwrap()]);
    assert!(stdout(&out).starts_with("unchanged"), "{}", stdout(&out));
    // No children: said on stderr.
    let out = ok(
        &mut s.ks("A"),
        &[
            "entity",
            "children",
            "--as",
            "A",
            "patient-1234.enc.json",
            "patient-1234.enc.json",
        ],
    );
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("no entity"), "{}", stderr(&out));
}

#[test]
fn an_svg_card_names_what_to_pass_instead() {
    let s = setup();
    ok(
        &mut s.ks("A"),
        &[
            "backup", "create", "--as", "A", "forms", "--bucket", "bk", "--qr", "card.svg",
        ],
    );
    let out = fails(
        &mut s.ks("A"),
        &[
            "backup",
            "restore",
            "--qr",
            "card.svg",
            "bk",
            "--out-dir",
            "rs",
        ],
        6,
    );
    assert!(stderr(&out).contains("--qr-text"), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn files_others_can_read_get_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let s = setup();
    let ks = s.keystore("A");
    fs::set_permissions(&ks, fs::Permissions::from_mode(0o644)).unwrap();
    let out = ok(&mut s.ks("A"), &["owner", "list"]);
    assert!(
        stderr(&out).contains("can be read by other users"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_weak_new_passphrase_gets_a_warning_and_a_strong_one_none() {
    let s = Sandbox::new();
    let weak = s
        .bare()
        .env("EHRCRYPT_KEYSTORE", s.path("weak.keystore.json"))
        .env("EHRCRYPT_PASSPHRASE", "alice2024")
        .args([
            "keygen", "--name", "Dr Alice", "--kind", "hcp", "--id", "alice",
        ])
        .output()
        .unwrap();
    assert_eq!(weak.status.code(), Some(0), "{}", stderr(&weak));
    let err = stderr(&weak);
    assert!(err.contains("warning") && err.contains("weak"), "{err}");
    assert!(err.contains("zxcvbn score"), "{err}");
    assert!(
        !err.contains("alice2024"),
        "the passphrase is echoed: {err}"
    );
    // A strong one: no warning. Opening an existing key never rates it.
    let strong = s
        .bare()
        .env("EHRCRYPT_KEYSTORE", s.path("strong.keystore.json"))
        .env("EHRCRYPT_PASSPHRASE", "ochre lantern quietly drifts home")
        .args(["keygen", "--name", "Dr Bob", "--kind", "hcp", "--id", "bob"])
        .output()
        .unwrap();
    assert_eq!(strong.status.code(), Some(0), "{}", stderr(&strong));
    assert!(!stderr(&strong).contains("weak"), "{}", stderr(&strong));
    let reopen = s
        .bare()
        .env("EHRCRYPT_KEYSTORE", s.path("weak.keystore.json"))
        .env("EHRCRYPT_PASSPHRASE", "alice2024")
        .args(["owner", "export", "alice"])
        .output()
        .unwrap();
    assert!(!stderr(&reopen).contains("weak"), "{}", stderr(&reopen));
}
