//! Issue 11: hostile input. Every test here failed before its fix: the
//! commands accepted (or mis-read) what an adversarial run fed them.

mod common;

use common::*;
use std::fs;

/// `fixtures/entities/NAME` copied into the sandbox, its text edited by `f`.
fn edited_entity(sb: &Sandbox, name: &str, f: impl Fn(&str) -> String) -> std::path::PathBuf {
    let text = fs::read_to_string(fixture(&format!("entities/{name}"))).unwrap();
    let edited = f(&text);
    assert_ne!(edited, text, "the edit changed nothing");
    sb.write(name, edited)
}

#[test]
fn duplicate_keys_are_a_format_error_in_every_command() {
    let sb = Sandbox::new();
    // A second "key" in A's own delegation entry: last-wins readers took it.
    let dup_key = edited_entity(&sb, "patient-1234.enc.json", |t| {
        t.replacen("\"key\": \"", "\"key\": \"AAAA\",\n        \"key\": \"", 1)
    });
    let p = dup_key.to_str().unwrap();
    for args in [
        vec!["entity", "decrypt", "--as", "A", p],
        vec!["delegation", "list", p],
        vec!["share", "--as", "A", "--with", "C", p],
        vec!["delegation", "revoke", "--as", "A", "--from", "B", p],
    ] {
        let out = fails(&mut sb.ks("A"), &args, 6);
        assert!(
            stderr(&out).contains("duplicate key \"key\""),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // Duplicate top-level id, kind, encryptedSelf.
    for field in ["id", "kind", "encryptedSelf"] {
        let f = edited_entity(&sb, "patient-1234.enc.json", |t| {
            let at = t.find(&format!("\n  \"{field}\":")).unwrap();
            let line_end = at + 1 + t[at + 1..].find('\n').unwrap();
            let line = t[at + 1..line_end].trim_end_matches(',');
            format!(
                "{},\n{line}{}",
                &t[..line_end].trim_end_matches(','),
                &t[line_end..]
            )
        });
        let p = f.to_str().unwrap();
        fails(&mut sb.ks("A"), &["entity", "decrypt", "--as", "A", p], 6);
        fails(&mut sb.ks("A"), &["delegation", "list", p], 6);
    }
    // A keystore and an owner document with a repeated key.
    let ks = fs::read_to_string(fixture("keys/A.keystore.json")).unwrap();
    let ks = ks.replacen("\"format\":", "\"format\": \"x\",\n  \"format\":", 1);
    let ks = sb.write("dup.keystore.json", ks);
    fails(&mut sb.on(&ks), &["owner", "list"], 6);
    let doc = fs::read_to_string(fixture("keys/B.owner.json")).unwrap();
    let doc = doc.replacen("\"name\":", "\"name\": \"Mallory\",\n  \"name\":", 1);
    let doc = sb.write("dup.owner.json", doc);
    let out = fails(
        &mut sb.ks("A"),
        &["owner", "import", doc.to_str().unwrap()],
        6,
    );
    assert!(stderr(&out).contains("duplicate key"), "{}", stderr(&out));
}

#[test]
fn clear_numbers_round_trip_exactly() {
    let sb = Sandbox::new();
    let big = "7".repeat(88);
    let record = format!(
        r#"{{"id": "f1", "v": {big}, "w": 123456789012345678901234567890, "x": 1.50, "y": 0.1e-3}}"#
    );
    let plain = sb.write("f1.json", &record);
    let enc = sb.path("f1.enc.json");
    ok(
        &mut sb.ks("A"),
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "form",
            "--clear",
            "v",
            "--clear",
            "w",
            "--clear",
            "x",
            "--clear",
            "y",
            plain.to_str().unwrap(),
            "-o",
            enc.to_str().unwrap(),
        ],
    );
    // The envelope keeps each clear number's text as the record wrote it.
    let text = fs::read_to_string(&enc).unwrap();
    for want in [
        format!("\"v\": {big}"),
        "\"w\": 123456789012345678901234567890".to_string(),
        "\"x\": 1.50".to_string(),
        "\"y\": 0.1e-3".to_string(),
    ] {
        assert!(text.contains(&want), "{want} not in\n{text}");
    }
    let out = ok(
        &mut sb.ks("A"),
        &["entity", "decrypt", "--as", "A", enc.to_str().unwrap()],
    );
    assert_eq!(stdout(&out), record);
    // Still bound: changing the text of a clear number is detected.
    fs::write(&enc, text.replace("\"x\": 1.50", "\"x\": 1.5")).unwrap();
    fails(
        &mut sb.ks("A"),
        &["entity", "decrypt", "--as", "A", enc.to_str().unwrap()],
        5,
    );
}

/// A's private key, exported, with its scrypt parameters replaced.
fn crafted_pem(sb: &Sandbox, log_n: u32, r: u16, p: u16) -> std::path::PathBuf {
    use pkcs8::der::{Decode, Document, Encode};
    use pkcs8::pkcs5::{pbes2::Kdf, EncryptionScheme};
    let out = sb.path(&format!("A-{log_n}-{r}-{p}.pem"));
    let _ = fs::remove_file(&out);
    ok(
        &mut sb.ks("A"),
        &["key", "export-private", "A", "-o", out.to_str().unwrap()],
    );
    let pem = fs::read_to_string(&out).unwrap();
    let (_, doc) = Document::from_pem(&pem).unwrap();
    let mut info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(doc.as_bytes()).unwrap();
    let EncryptionScheme::Pbes2(params) = &mut info.encryption_algorithm else {
        panic!("not PBES2")
    };
    let Kdf::Scrypt(sc) = &mut params.kdf else {
        panic!("not scrypt")
    };
    sc.cost_parameter = 1u64 << log_n;
    sc.block_size = r;
    sc.parallelization = p;
    let der = Document::try_from(info.to_der().unwrap()).unwrap();
    let pem = der
        .to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF)
        .unwrap();
    fs::write(&out, pem).unwrap();
    out
}

#[test]
fn scrypt_parameters_above_the_ceiling_are_refused_before_derivation() {
    let sb = Sandbox::new();
    // Each of these took seconds to minutes, or gigabytes, or aborted.
    for (log_n, r, p) in [
        (22, 8, 1),
        (30, 8, 1),
        (14, 255, 255),
        (17, 8, 1),
        (10, 8, 1024),
    ] {
        let pem = crafted_pem(&sb, log_n, r, p);
        let out = fails(
            &mut sb.ks("B"),
            &["key", "import-private", "A", pem.to_str().unwrap()],
            7,
        );
        let err = stderr(&out);
        assert!(err.contains("above ehrcrypt's ceiling"), "{err}");
        assert_eq!(
            err.lines().filter(|l| !l.contains("hint:")).count(),
            1,
            "{err}"
        );
    }
    // What ehrcrypt writes itself still opens (the parameters are unchanged).
    let pem = crafted_pem(&sb, 14, 8, 1);
    ok(
        &mut sb.ks("B"),
        &["key", "import-private", "A", pem.to_str().unwrap()],
    );
}

/// Encrypts `record` as A (kind, optional parent) into `out`.
fn encrypt_as_a(sb: &Sandbox, kind: &str, record: &str, out: &str, parent: Option<&str>) {
    let name = format!("{}.plain.json", out.replace('/', "_"));
    let plain = sb.write(&name, record);
    let outp = sb.path(out);
    fs::create_dir_all(outp.parent().unwrap()).unwrap();
    let mut args = vec!["entity", "encrypt", "--as", "A", "--kind", kind];
    let parent_path;
    if let Some(p) = parent {
        parent_path = sb.path(p);
        args.extend(["--parent", parent_path.to_str().unwrap()]);
    }
    args.extend([plain.to_str().unwrap(), "-o", outp.to_str().unwrap()]);
    ok(&mut sb.ks("A"), &args);
}

#[test]
fn a_forged_child_link_is_neither_listed_nor_shared() {
    let sb = Sandbox::new();
    encrypt_as_a(
        &sb,
        "patient",
        r#"{"id":"p1","name":"Keats"}"#,
        "p1.enc.json",
        None,
    );
    encrypt_as_a(
        &sb,
        "patient",
        r#"{"id":"p2","name":"Shelley"}"#,
        "p2.enc.json",
        None,
    );
    let p1 = Some("p1.enc.json");
    let p2 = Some("p2.enc.json");
    encrypt_as_a(
        &sb,
        "contact",
        r#"{"id":"x","note":"P1's HIV test"}"#,
        "rec/x.enc.json",
        p1,
    );
    encrypt_as_a(
        &sb,
        "contact",
        r#"{"id":"y","note":"P2's visit"}"#,
        "rec/y.enc.json",
        p2,
    );
    // Whoever can write the folder copies P2's secret id (in clear in y)
    // into x's secretForeignKeys.
    let x = sb.path("rec/x.enc.json");
    let y = read_json(&sb.path("rec/y.enc.json"));
    let original = read_json(&x);
    let mut forged = original.clone();
    forged["secretForeignKeys"] = y["secretForeignKeys"].clone();
    write_json(&x, &forged);
    let before = fs::read(&x).unwrap();

    let (p2, rec) = (sb.path("p2.enc.json"), sb.path("rec"));
    let (p2, rec) = (p2.to_str().unwrap(), rec.to_str().unwrap());
    let out = fails(
        &mut sb.ks("A"),
        &["--json", "entity", "children", "--as", "A", p2, rec],
        5,
    );
    let listed = json(&out);
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["y"], "{listed}");
    assert!(stderr(&out).contains("x.enc.json"), "{}", stderr(&out));

    // Sharing P2 with its children refuses, and writes nothing: C gets
    // neither x nor anything else.
    let out = fails(
        &mut sb.ks("A"),
        &[
            "share",
            "--as",
            "A",
            "--with",
            "C",
            "--with-children",
            rec,
            p2,
        ],
        5,
    );
    assert!(
        stderr(&out).contains("does not authenticate"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(&x).unwrap(), before);
    let access = json(&ok(
        &mut sb.ks("A"),
        &["--json", "delegation", "list", x.to_str().unwrap()],
    ));
    assert!(!access.to_string().contains("\"C\""), "{access}");

    // `entity parent` of the forged x: its own link fails to authenticate.
    fails(
        &mut sb.ks("A"),
        &[
            "entity",
            "parent",
            "--as",
            "A",
            x.to_str().unwrap(),
            sb.dir().to_str().unwrap(),
        ],
        5,
    );
    // Restored, x is P1's again: P2 and y are shared, x is not touched.
    write_json(&x, &original);
    let restored = fs::read(&x).unwrap();
    ok(
        &mut sb.ks("A"),
        &[
            "share",
            "--as",
            "A",
            "--with",
            "C",
            "--with-children",
            rec,
            p2,
        ],
    );
    assert_eq!(fs::read(&x).unwrap(), restored);
    let y_access = json(&ok(
        &mut sb.ks("A"),
        &[
            "--json",
            "delegation",
            "list",
            sb.path("rec/y.enc.json").to_str().unwrap(),
        ],
    ));
    assert!(y_access.to_string().contains("\"C\""), "{y_access}");
}

/// The largest resident set of any child this test process has waited for, in bytes.
fn children_max_rss() -> u64 {
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct it is given.
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) },
        0
    );
    ru.ru_maxrss as u64 * 1024
}

#[test]
fn delegation_list_does_not_hold_encrypted_self() {
    use std::io::Write;
    let sb = Sandbox::new();
    const MIB: usize = 1 << 20;
    const BIG: usize = 128 * MIB;
    let text = fs::read_to_string(fixture("entities/patient-1234.enc.json")).unwrap();
    let at = text.find("\"encryptedSelf\": \"").unwrap() + "\"encryptedSelf\": \"".len();
    // Written in pieces: this process stays small, and a child's peak
    // (which counts what it shares with us before exec) is its own.
    let p = sb.path("big.enc.json");
    let mut f = std::io::BufWriter::new(fs::File::create(&p).unwrap());
    f.write_all(&text.as_bytes()[..at]).unwrap();
    let block = vec![b'A'; MIB];
    for _ in 0..BIG / MIB {
        f.write_all(&block).unwrap();
    }
    f.write_all(b"\"\n}\n").unwrap();
    f.into_inner().unwrap().sync_all().unwrap();
    let out = ok(
        &mut sb.bare(),
        &["--json", "delegation", "list", p.to_str().unwrap()],
    );
    assert!(stdout(&out).contains("encryptionKeys"), "{}", stdout(&out));
    let rss = children_max_rss();
    assert!(
        rss < (BIG as u64) / 3,
        "delegation list peaked at {} MiB",
        rss >> 20
    );
}

#[test]
fn owner_documents_refuse_unknown_fields_and_show_the_name_as_unverified() {
    let sb = Sandbox::new();
    let doc = fs::read_to_string(fixture("keys/A.owner.json")).unwrap();
    assert!(doc.contains("\"hcPartyKeys\""));
    let renamed = sb.write(
        "A.owner.json",
        doc.replace("\"hcPartyKeys\"", "\"hcPartyKeyz\""),
    );
    ok(&mut sb.ks("C"), &["owner", "remove", "A"]);
    let out = fails(
        &mut sb.ks("C"),
        &["owner", "import", renamed.to_str().unwrap()],
        6,
    );
    assert!(stderr(&out).contains("hcPartyKeyz"), "{}", stderr(&out));
    let out = ok(
        &mut sb.ks("C"),
        &[
            "owner",
            "import",
            fixture("keys/A.owner.json").to_str().unwrap(),
        ],
    );
    assert!(
        stdout(&out).contains("(unverified: the document does not sign"),
        "{}",
        stdout(&out)
    );
    let doc = fixture("keys/B.owner.json");
    let report = json(&ok(
        &mut sb.ks("C"),
        &["--json", "owner", "import", doc.to_str().unwrap()],
    ));
    assert_eq!(
        report["unsigned"],
        serde_json::json!(["name", "kind", "publicKeys[].created"])
    );
}
