//! Certificates from an outside CA (issue 19): OpenSSL plays a two-level
//! CA (tests/pki/ca.cnf: root -> hospital intermediate -> owners), issuing
//! from the CSRs ehrcrypt writes. Each test skips with one line where
//! openssl is not installed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Std;

use common::ca::{config, openssl_present, Ca};
use common::*;

macro_rules! need_openssl {
    () => {
        if !openssl_present() {
            eprintln!("skipping: openssl is not installed");
            return;
        }
    };
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// `who` writes a CSR for its own key in its sandbox keystore.
fn csr(sb: &Sandbox, who: &str) -> PathBuf {
    let out = sb.path(&format!("{who}.csr"));
    ok(&mut sb.ks(who), &["owner", "csr", who, "-o", s(&out)]);
    out
}

/// The `owner show --json` key entry of `id`'s current key in `who`'s keystore.
fn key_json(sb: &Sandbox, who: &str, id: &str) -> serde_json::Value {
    let v = json(&ok(&mut sb.ks(who), &["--json", "owner", "show", id]));
    v["publicKeys"].as_array().unwrap().last().unwrap().clone()
}

#[test]
fn a_csr_from_ehrcrypt_is_accepted_by_openssl_and_its_certificate_verifies_the_key_elsewhere() {
    need_openssl!();
    let sb = Sandbox::new();
    let ca = Ca::new(sb.dir(), "Hospital issuing CA");
    let req = csr(&sb, "A");
    let check = Std::new("openssl")
        .args(["req", "-verify", "-noout", "-subject", "-in", s(&req)])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let both = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(
        both.contains("verify OK") && both.contains("CN = Dr Alice"),
        "{both}"
    );
    let cert = ca.issue(&req, "A.pem", "v3_owner", None);

    // A attaches it (with the intermediate) once it trusts the root.
    ok(&mut sb.ks("A"), &["trust", "add", s(&ca.root())]);
    let out = ok(
        &mut sb.ks("A"),
        &["owner", "import-cert", "A", s(&cert), s(&ca.inter())],
    );
    assert!(stdout(&out).contains("verified by certificate until"));
    let doc = sb.path("A.owner.json");
    ok(&mut sb.ks("A"), &["owner", "export", "A", "-o", s(&doc)]);
    assert_eq!(
        read_json(&doc)["publicKeys"][0]["certificates"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        read_json(&sb.keystore("A"))["format"],
        "ehrcrypt/keystore/v2"
    );

    // B knows A only from the document: unverified, until B trusts the root.
    let b = sb.keystore("B");
    ok(&mut sb.on(&b), &["owner", "remove", "A"]);
    ok(&mut sb.on(&b), &["owner", "import", s(&doc)]);
    assert_eq!(key_json(&sb, "B", "A")["verified"], false);
    let k = key_json(&sb, "B", "A");
    assert_eq!(k["certificate"]["reason"], "no-trust-anchor", "{k}");
    fails(
        &mut sb.on(&b),
        &["hcp-key", "exchange", "--from", "B", "--to", "A"],
        7,
    );

    let out = ok(&mut sb.on(&b), &["trust", "add", s(&ca.root())]);
    assert!(
        stdout(&out).contains("of A is now verified by certificate"),
        "{}",
        stdout(&out)
    );
    let k = key_json(&sb, "B", "A");
    assert_eq!(k["verified"], true);
    assert_eq!(k["verifiedBy"], "certificate");
    assert_eq!(k["certificate"]["anchor"], "CN=ehrcrypt test root");
    let show = stdout(&ok(&mut sb.on(&b), &["owner", "show", "A"]));
    assert!(show.contains("verified by certificate until"), "{show}");
    ok(
        &mut sb.on(&b),
        &["hcp-key", "exchange", "--from", "B", "--to", "A"],
    );

    // A fresh keystore that already trusts the root verifies on import.
    let c = sb.keystore("C");
    ok(&mut sb.on(&c), &["owner", "remove", "A"]);
    ok(&mut sb.on(&c), &["trust", "add", s(&ca.root())]);
    let out = ok(&mut sb.on(&c), &["owner", "import", s(&doc)]);
    assert!(
        stdout(&out).contains("(verified by certificate)"),
        "{}",
        stdout(&out)
    );

    // A's certificate moved onto B's key in B's document is tampering.
    let mut forged = read_json(&fixture("keys/B.owner.json"));
    forged["publicKeys"][0]["certificates"] =
        read_json(&doc)["publicKeys"][0]["certificates"].clone();
    let forged_path = sb.path("forged.owner.json");
    write_json(&forged_path, &forged);
    let out = fails(
        &mut sb.on(&c),
        &["owner", "import", s(&forged_path), "--replace"],
        5,
    );
    assert!(stderr(&out).contains("certifies key"), "{}", stderr(&out));

    // And trust remove takes it back.
    let fp = json(&ok(&mut sb.on(&c), &["--json", "trust", "list"]))["anchors"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let out = ok(&mut sb.on(&c), &["trust", "remove", &fp[..16]]);
    assert!(
        stdout(&out).contains("of A is no longer verified"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_revoked_certificate_stops_new_exchange_keys_but_old_data_stays_readable() {
    need_openssl!();
    let sb = Sandbox::new();
    let ca = Ca::new(sb.dir(), "Hospital issuing CA");
    let b = sb.keystore("B");
    ok(&mut sb.on(&b), &["trust", "add", s(&ca.root())]);
    // Two owners certified: A stays good, C gets revoked.
    for who in ["A", "C"] {
        let cert = ca.issue(&csr(&sb, who), &format!("{who}.pem"), "v3_owner", None);
        ok(&mut sb.ks(who), &["trust", "add", s(&ca.root())]);
        ok(
            &mut sb.ks(who),
            &["owner", "import-cert", who, s(&cert), s(&ca.inter())],
        );
        let doc = sb.path(&format!("{who}.owner.json"));
        ok(&mut sb.ks(who), &["owner", "export", who, "-o", s(&doc)]);
        ok(&mut sb.on(&b), &["owner", "remove", who]);
        ok(&mut sb.on(&b), &["owner", "import", s(&doc)]);
        assert_eq!(key_json(&sb, "B", who)["verifiedBy"], "certificate");
    }
    ok(
        &mut sb.on(&b),
        &["hcp-key", "exchange", "--from", "B", "--to", "C"],
    );
    // A record B shares with C while C's certificate is good.
    let rec = sb.write(
        "rec.json",
        r#"{"id":"p1","firstName":"John","lastName":"Keats"}"#,
    );
    let (shared, mine) = (sb.path("shared.enc.json"), sb.path("mine.enc.json"));
    let encrypt = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "entity",
            "encrypt",
            "--as",
            "B",
            "--kind",
            "patient",
            s(&rec),
            "-o",
            s(out),
        ];
        args.extend_from_slice(extra);
        ok(&mut sb.on(&b), &args);
    };
    encrypt(&shared, &["--share-with", "C"]);
    encrypt(&mine, &[]);

    ca.revoke(&sb.dir().join("C.pem"));
    let crl = ca.crl("inter.crl");
    let out = ok(&mut sb.on(&b), &["trust", "crl", "add", s(&crl)]);
    let text = stdout(&out);
    assert!(
        text.contains("of C is no longer verified") && text.contains("revoked"),
        "{text}"
    );
    assert!(!text.contains("of A is"), "A is not revoked: {text}");

    let k = key_json(&sb, "B", "C");
    assert_eq!(k["verified"], false);
    assert_eq!(k["certificate"]["reason"], "revoked");
    let show = stdout(&ok(&mut sb.on(&b), &["owner", "show", "C"]));
    assert!(
        show.contains("UNVERIFIED") && show.contains("revoked"),
        "{show}"
    );
    // The exchange key already wrapped for C is not reused; no new one.
    let out = fails(
        &mut sb.on(&b),
        &["hcp-key", "exchange", "--from", "B", "--to", "C"],
        7,
    );
    assert!(stderr(&out).contains("revoked"), "{}", stderr(&out));
    // Nor is anything new shared with C.
    let out = fails(
        &mut sb.on(&b),
        &["share", "--as", "B", "--with", "C", s(&mine)],
        7,
    );
    assert!(
        stderr(&out).contains("no verified public key for C"),
        "{}",
        stderr(&out)
    );
    // Existing data stays readable: B still opens {BC}, and C, given B's
    // document with it, still decrypts what was shared before.
    ok(&mut sb.on(&b), &["hcp-key", "check", "--as", "B", "B", "C"]);
    let b_doc = sb.path("B.owner.json");
    ok(&mut sb.on(&b), &["owner", "export", "B", "-o", s(&b_doc)]);
    ok(&mut sb.ks("C"), &["owner", "import", s(&b_doc)]);
    let plain = stdout(&ok(
        &mut sb.ks("C"),
        &["entity", "decrypt", "--as", "C", s(&shared)],
    ));
    assert!(plain.contains("Keats"), "{plain}");
    // A is unaffected.
    ok(
        &mut sb.on(&b),
        &["hcp-key", "exchange", "--from", "B", "--to", "A"],
    );

    // The same CRL again changes nothing; trust list shows it.
    let out = ok(&mut sb.on(&b), &["trust", "crl", "add", s(&crl)]);
    assert!(stdout(&out).contains("already have"), "{}", stdout(&out));
    let list = json(&ok(&mut sb.on(&b), &["--json", "trust", "list"]));
    assert_eq!(list["crls"][0]["revoked"], 1);
    assert_eq!(list["crls"][0]["issuer"], "CN=Hospital issuing CA");
}

/// Runs import-cert of `cert` for `who`, expects exit `code` and a message
/// containing `needle`, and checks nothing was attached.
fn refused(sb: &Sandbox, who: &str, cert: &Path, chain: &Path, code: i32, needle: &str) {
    let before = std::fs::read(sb.keystore(who)).unwrap();
    let out = fails(
        &mut sb.ks(who),
        &["owner", "import-cert", who, s(cert), s(chain)],
        code,
    );
    let err = stderr(&out);
    assert!(err.contains(needle), "expected {needle:?} in:\n{err}");
    assert_eq!(
        err.lines().filter(|l| l.contains("error:")).count(),
        1,
        "{err}"
    );
    assert_eq!(
        std::fs::read(sb.keystore(who)).unwrap(),
        before,
        "{needle}: keystore changed"
    );
}

#[test]
fn bad_certificates_are_refused_with_their_reason_and_verify_nothing() {
    need_openssl!();
    let sb = Sandbox::new();
    let ca = Ca::new(sb.dir(), "Hospital issuing CA");
    let req = csr(&sb, "A");
    // Untrusted root first: the chain does not reach an anchor.
    let good = ca.issue(&req, "good.pem", "v3_owner", None);
    refused(
        &sb,
        "A",
        &good,
        &ca.inter(),
        7,
        "does not chain to a trust anchor",
    );
    ok(&mut sb.ks("A"), &["trust", "add", s(&ca.root())]);

    let expired = ca.issue(
        &req,
        "expired.pem",
        "v3_owner",
        Some(("20200101000000Z", "20210101000000Z")),
    );
    refused(&sb, "A", &expired, &ca.inter(), 7, "expired on 2021-01-01");
    let future = ca.issue(
        &req,
        "future.pem",
        "v3_owner",
        Some(("20990101000000Z", "21000101000000Z")),
    );
    refused(
        &sb,
        "A",
        &future,
        &ca.inter(),
        7,
        "not valid before 2099-01-01",
    );
    let server = ca.issue(&req, "server.pem", "v3_server", None);
    refused(&sb, "A", &server, &ca.inter(), 7, "wrong key usage");
    // A certificate for A's key is not one for B's.
    refused(&sb, "B", &good, &ca.inter(), 7, "which is not a key of B");

    // Self-signed with A's own key: not an anchor here.
    let key = sb.path("A.key");
    ok(
        &mut sb.ks("A"),
        &["key", "export-private", "A", "-o", s(&key)],
    );
    let selfsigned = sb.path("self.pem");
    let st = Std::new("openssl")
        .env("OPENSSL_CONF", config())
        .env("CA_DIR", ".")
        .args([
            "x509",
            "-req",
            "-days",
            "30",
            "-in",
            s(&req),
            "-signkey",
            s(&key),
        ])
        .args([
            "-passin",
            &format!("pass:{PASSPHRASE}"),
            "-out",
            s(&selfsigned),
        ])
        .args(["-extfile", s(&config()), "-extensions", "v3_owner"])
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    refused(
        &sb,
        "A",
        &selfsigned,
        &ca.inter(),
        7,
        "self-signed and not a trust anchor",
    );

    // After all that, the good one still attaches.
    ok(
        &mut sb.ks("A"),
        &["owner", "import-cert", "A", s(&good), s(&ca.inter())],
    );
}

#[test]
fn a_crl_not_signed_by_its_issuer_or_from_an_unknown_ca_is_refused() {
    need_openssl!();
    let sb = Sandbox::new();
    let ca = Ca::new(sb.dir(), "Hospital issuing CA");
    let cert = ca.issue(&csr(&sb, "A"), "A.pem", "v3_owner", None);
    let a = sb.keystore("A");
    ok(&mut sb.on(&a), &["trust", "add", s(&ca.root())]);
    // Unknown issuer: no certificate from the intermediate is held yet.
    let crl = ca.crl("good.crl");
    let out = fails(&mut sb.on(&a), &["trust", "crl", "add", s(&crl)], 7);
    assert!(stderr(&out).contains("not a trust anchor or a known intermediate"));
    ok(
        &mut sb.on(&a),
        &["owner", "import-cert", "A", s(&cert), s(&ca.inter())],
    );

    // An impostor CA with the same name signs a CRL revoking A's certificate.
    let evil_dir = sb.path("evil");
    std::fs::create_dir_all(&evil_dir).unwrap();
    let evil = Ca::new(&evil_dir, "Hospital issuing CA");
    let before = std::fs::read(&a).unwrap();
    let forged = evil.crl("forged.crl");
    let out = fails(&mut sb.on(&a), &["trust", "crl", "add", s(&forged)], 5);
    assert!(
        stderr(&out).contains("not signed by its issuer"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&a).unwrap(), before);

    // A document that brings the impostor's intermediate (in a chain that
    // reaches no anchor here) does not make it a CRL signer either.
    let evil_cert = evil.issue(&csr(&sb, "A"), "A-evil.pem", "v3_owner", None);
    let doc = sb.path("A.evil.owner.json");
    ok(&mut sb.on(&a), &["owner", "export", "A", "-o", s(&doc)]);
    let mut v = read_json(&doc);
    let pem = |p: &Path| std::fs::read_to_string(p).unwrap();
    v["publicKeys"][0]["certificates"] = serde_json::json!([pem(&evil_cert), pem(&evil.inter())]);
    write_json(&doc, &v);
    let c = sb.keystore("C");
    ok(&mut sb.on(&c), &["trust", "add", s(&ca.root())]);
    ok(&mut sb.on(&c), &["owner", "import", s(&doc), "--replace"]);
    let out = fails(&mut sb.on(&c), &["trust", "crl", "add", s(&forged)], 7);
    assert!(
        stderr(&out).contains("not a trust anchor or a known intermediate"),
        "{}",
        stderr(&out)
    );

    // The real CRL is accepted; a certificate is not a CRL.
    ok(&mut sb.on(&a), &["trust", "crl", "add", s(&crl)]);
    fails(&mut sb.on(&a), &["trust", "crl", "add", s(&cert)], 6);
    // An owner certificate is not an anchor.
    fails(&mut sb.on(&a), &["trust", "add", s(&cert)], 7);
}
