//! `key export-private`, `key import-private` and `key add`: private keys by
//! hand, as encrypted PKCS#8 PEM that openssl reads.

mod common;

use common::*;
use std::fs;
use std::path::Path;

/// The stored (encrypted) PEM of private key number `key` of `who`.
fn pkcs8_of(keystore: &Path, who: &str, key: usize) -> String {
    owner_json(&read_json(keystore), who)["privateKeys"][key]["pkcs8"]
        .as_str()
        .unwrap()
        .to_string()
}

/// `key import-private B PEM` creating B as "Dr Bob", hcp.
fn import_b(pem: &Path) -> [&str; 8] {
    let pem = pem.to_str().unwrap();
    [
        "key",
        "import-private",
        "B",
        pem,
        "--name",
        "Dr Bob",
        "--kind",
        "hcp",
    ]
}

fn openssl_present() -> bool {
    std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn export_private_writes_the_encrypted_pem_0600_and_never_to_stdout() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    let pem = s.path("a.pem");
    ok(
        &mut s.on(&ks),
        &["key", "export-private", "A", "-o", pem.to_str().unwrap()],
    );
    let text = fs::read_to_string(&pem).unwrap();
    assert!(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
    assert_eq!(text, pkcs8_of(&ks, "A", 0), "the stored PEM, as is");
    #[cfg(unix)]
    assert_eq!(mode(&pem), 0o600);

    for to_stdout in [&["-o", "-"][..], &["--output", "-"][..]] {
        let mut args = vec!["key", "export-private", "A"];
        args.extend_from_slice(to_stdout);
        let out = fails(&mut s.on(&ks), &args, 2);
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).contains("private keys are never written to stdout"));
    }
    // An owner whose private key is not here.
    fails(
        &mut s.on(&ks),
        &[
            "key",
            "export-private",
            "B",
            "-o",
            s.path("b.pem").to_str().unwrap(),
        ],
        3,
    );
    assert!(!s.path("b.pem").exists());
}

#[test]
fn openssl_opens_the_exported_key_and_agrees_on_the_fingerprint() {
    if !openssl_present() {
        eprintln!("note: openssl is not on PATH; skipping the openssl interoperability check");
        return;
    }
    let s = Sandbox::new();
    let pem = s.path("a.pem");
    ok(
        &mut s.ks("A"),
        &["key", "export-private", "A", "-o", pem.to_str().unwrap()],
    );
    let der = s.path("a.pub.der");
    let out = std::process::Command::new("openssl")
        .args(["pkey", "-in"])
        .arg(&pem)
        .args(["-passin", &format!("pass:{PASSPHRASE}")])
        .args(["-pubout", "-outform", "DER", "-out"])
        .arg(&der)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl pkey: {}", stderr(&out));
    let spki = fs::read(&der).unwrap();
    let fp = ehrcrypt::crypto::hex(&ehrcrypt::crypto::sha256(&spki));
    let printed = stdout(&ok(&mut s.ks("A"), &["owner", "fingerprint", "A"]));
    assert_eq!(fp, printed.trim().replace(' ', ""));
    assert_eq!(fp, fixture_fingerprint("A"));

    // And it is really encrypted: the wrong passphrase does not open it.
    let out = std::process::Command::new("openssl")
        .args(["pkey", "-noout", "-in"])
        .arg(&pem)
        .args(["-passin", "pass:wrong"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

/// A fresh keystore that knows A (with {AB}) and B's private key from
/// `pem`: B must then open {AB}, which proves the imported key works.
fn import_b_and_open_ab(s: &Sandbox, pem: &Path, passphrase_env: &str) {
    let ks = s.path("fresh.json");
    let _ = fs::remove_file(&ks);
    ok(
        &mut s.on(&ks),
        &[
            "owner",
            "import",
            fixture("keys/A.owner.json").to_str().unwrap(),
        ],
    );
    ok(
        &mut s.on(&ks),
        &[
            "owner",
            "verify",
            "A",
            "--fingerprint",
            &fixture_fingerprint("A"),
        ],
    );
    // Without --name/--kind an unknown owner cannot be created.
    fails(
        &mut s.on(&ks),
        &["key", "import-private", "B", pem.to_str().unwrap()],
        3,
    );
    let out = ok(
        s.on(&ks).env("EHRCRYPT_PASSPHRASE", passphrase_env),
        &[&["--json"][..], &import_b(pem)].concat(),
    );
    assert_eq!(json(&out)["fingerprint"], fixture_fingerprint("B"));
    let stored = pkcs8_of(&ks, "B", 0);
    assert!(stored.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let out = ok(
        s.on(&ks).env("EHRCRYPT_PASSPHRASE", passphrase_env),
        &["-v", "hcp-key", "check", "--as", "B", "A", "B"],
    );
    assert!(stderr(&out).contains("RSA decryptions: 1"));
    let b = json(&ok(&mut s.on(&ks), &["--json", "owner", "show", "B"]));
    assert_eq!(b["local"], true);
    assert_eq!(
        b["publicKeys"][0]["verified"], true,
        "a key held here is verified"
    );
}

#[test]
fn import_private_takes_an_encrypted_pem() {
    let s = Sandbox::new();
    let pem = s.write("b.pem", pkcs8_of(&fixture("keys/B.keystore.json"), "B", 0));
    import_b_and_open_ab(&s, &pem, PASSPHRASE);

    // The passphrase that opens the file is the one that protects the key.
    let ks = s.path("other.json");
    fails(
        s.on(&ks).env("EHRCRYPT_PASSPHRASE", "wrong"),
        &import_b(&pem),
        4,
    );
    assert!(!ks.exists());
}

/// One passphrase opens all of an owner's keys (`key add` keeps it so, and
/// a command asks once): a key imported for an owner held here must come
/// under that same passphrase, not a second one.
#[test]
fn import_private_for_a_local_owner_keeps_one_passphrase() {
    use pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
    let s = Sandbox::new();
    let ks = s.keystore("A");
    let encrypted = pkcs8_of(&fixture("keys/C.keystore.json"), "C", 0);
    let key = rsa::RsaPrivateKey::from_pkcs8_encrypted_pem(&encrypted, PASSPHRASE).unwrap();
    let plain = s.write(
        "c-plain.pem",
        key.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes(),
    );
    let args = ["key", "import-private", "A", plain.to_str().unwrap()];
    let before = fs::read(&ks).unwrap();
    let out = fails(
        s.on(&ks).env("EHRCRYPT_PASSPHRASE", "a-second-passphrase"),
        &args,
        4,
    );
    assert!(
        stderr(&out).contains("wrong passphrase"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(&ks).unwrap(), before, "keystore unchanged");
    ok(&mut s.on(&ks), &args);
    assert_eq!(
        owner_json(&read_json(&ks), "A")["privateKeys"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Both keys open in one command: the new one signs, the old one opens {AB}.
    ok(
        &mut s.on(&ks),
        &[
            "hcp-key", "exchange", "--from", "A", "--to", "A", "--rotate",
        ],
    );
    ok(&mut s.on(&ks), &["hcp-key", "check", "--as", "A", "A", "B"]);
    ok(&mut s.on(&ks), &["hcp-key", "check", "--as", "A", "A", "A"]);
}

#[test]
fn import_private_takes_an_unencrypted_pem_and_encrypts_it() {
    use pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
    let s = Sandbox::new();
    let encrypted = pkcs8_of(&fixture("keys/B.keystore.json"), "B", 0);
    let key = rsa::RsaPrivateKey::from_pkcs8_encrypted_pem(&encrypted, PASSPHRASE).unwrap();
    let plain = key.to_pkcs8_pem(LineEnding::LF).unwrap();
    assert!(plain.starts_with("-----BEGIN PRIVATE KEY-----"));
    let pem = s.write("b-plain.pem", plain.as_bytes());
    // A new passphrase protects it from now on.
    import_b_and_open_ab(&s, &pem, "a-new-passphrase");
    let body: String = plain.lines().nth(3).unwrap().to_string();
    let stored = fs::read_to_string(s.path("fresh.json")).unwrap();
    assert!(
        !stored.contains(&body),
        "the keystore holds no plaintext key"
    );

    // An empty passphrase never protects a key.
    fails(
        s.on(&s.path("other.json")).env("EHRCRYPT_PASSPHRASE", ""),
        &import_b(&pem),
        4,
    );
    // Not a key at all.
    let junk = s.write(
        "junk.pem",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    );
    fails(&mut s.on(&s.path("other.json")), &import_b(&junk), 6);
}

/// `key add` generates (one of the few tests that do): the owner then has
/// two key pairs; records wrapped for the old key alone still open.
#[test]
fn key_add_gives_an_owner_a_second_key_pair_and_old_records_still_open() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    let old = fixture_fingerprint("A");
    let new = json(&ok(&mut s.on(&ks), &["--json", "key", "add", "A"]))["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new, old);
    let a = json(&ok(&mut s.on(&ks), &["--json", "owner", "show", "A"]));
    let keys = a["publicKeys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["fingerprint"], old);
    assert_eq!(keys[1]["fingerprint"], new.as_str());
    for k in keys {
        assert_eq!(k["verified"], true);
        assert_eq!(k["privateKeyHere"], true);
    }
    let current = stdout(&ok(&mut s.on(&ks), &["owner", "fingerprint", "A"]));
    assert_eq!(current.trim().replace(' ', ""), new);
    let all = stdout(&ok(&mut s.on(&ks), &["owner", "fingerprint", "--all", "A"]));
    assert_eq!(all.replace(' ', ""), format!("{old}\n{new}\n"));

    // {AB} was wrapped for the old key only, and still opens.
    let out = ok(
        &mut s.on(&ks),
        &["-v", "hcp-key", "check", "--as", "A", "A", "B"],
    );
    assert!(stdout(&out).contains(&format!("opens with A's key {}", &old[..16])));

    // A rotated key is wrapped for both of A's keys and signed by the new one.
    let rotated = json(&ok(
        &mut s.on(&ks),
        &[
            "--json", "hcp-key", "exchange", "--from", "A", "--to", "B", "--rotate",
        ],
    ));
    let wrapped: Vec<&str> = rotated["wrappedFor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(
        wrapped,
        [old.as_str(), new.as_str(), &fixture_fingerprint("B")]
    );
    let shown = json(&ok(
        &mut s.on(&ks),
        &["--json", "hcp-key", "show", "A", "B"],
    ));
    assert_eq!(shown[1]["signer"], new.as_str());
    let out = ok(
        &mut s.on(&ks),
        &["-v", "hcp-key", "check", "--as", "A", "A", "B"],
    );
    assert!(
        stderr(&out).contains("RSA decryptions: 2"),
        "{}",
        stderr(&out)
    );

    // Each key exports on its own; the old one is still there.
    for fp in [&old, &new] {
        let pem = s.path(&format!("{fp}.pem"));
        ok(
            &mut s.on(&ks),
            &[
                "key",
                "export-private",
                "A",
                "--fingerprint",
                fp,
                "-o",
                pem.to_str().unwrap(),
            ],
        );
        assert!(fs::read_to_string(&pem)
            .unwrap()
            .contains("ENCRYPTED PRIVATE KEY"));
    }

    // B learns A's new key: refused as possible tampering, then accepted
    // with --replace as unverified; B still opens both records.
    let doc = s.path("A.owner.json");
    ok(
        &mut s.on(&ks),
        &["owner", "export", "A", "-o", doc.to_str().unwrap()],
    );
    fails(
        &mut s.ks("B"),
        &["owner", "import", doc.to_str().unwrap()],
        7,
    );
    ok(
        &mut s.ks("B"),
        &["owner", "import", "--replace", doc.to_str().unwrap()],
    );
    let rows = json(&ok(
        &mut s.ks("B"),
        &["--json", "hcp-key", "show", "A", "B"],
    ));
    assert_eq!(rows[0]["signature"], "verified");
    assert_eq!(
        rows[1]["signature"], "notVerified",
        "signed by A's new, unverified key"
    );
    let out = ok(
        &mut s.ks("B"),
        &["-v", "hcp-key", "check", "--as", "B", "A", "B"],
    );
    assert!(stderr(&out).contains("RSA decryptions: 2"));
    ok(
        &mut s.ks("B"),
        &["owner", "verify", "A", "--fingerprint", &new],
    );
    let rows = json(&ok(
        &mut s.ks("B"),
        &["--json", "hcp-key", "show", "A", "B"],
    ));
    assert_eq!(rows[1]["signature"], "verified");
}
