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

#[test]
fn a_forged_child_link_is_neither_listed_nor_shared() {
    // entity/v1 (the fixtures): contact 4567 is patient 1234's child;
    // contact 9999 is unrelated. Whoever can write the folder copies
    // 4567's clear secretForeignKeys (the patient's secret id) into 9999.
    let sb = Sandbox::new();
    fs::create_dir_all(sb.path("rec")).unwrap();
    let p = sb.path("p.enc.json");
    fs::copy(fixture("entities/patient-1234.enc.json"), &p).unwrap();
    let child = sb.path("rec/4567.enc.json");
    fs::copy(fixture("entities/contact-4567.enc.json"), &child).unwrap();
    let x = sb.path("rec/9999.enc.json");
    let mut forged = read_json(&fixture("entities/contact-9999.enc.json"));
    forged["secretForeignKeys"] = read_json(&child)["secretForeignKeys"].clone();
    write_json(&x, &forged);
    let before = fs::read(&x).unwrap();
    let (p, rec) = (p.to_str().unwrap(), sb.path("rec"));
    let rec = rec.to_str().unwrap();
    let out = fails(
        &mut sb.ks("A"),
        &["--json", "entity", "children", "--as", "A", p, rec],
        5,
    );
    let listed = json(&out);
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["4567"], "{listed}");
    assert!(stderr(&out).contains("9999.enc.json"), "{}", stderr(&out));
    // Sharing the patient with its children refuses and writes nothing.
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
            p,
        ],
        5,
    );
    assert!(
        stderr(&out).contains("does not authenticate"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(&x).unwrap(), before);
    // `entity parent` of the forged contact: it has no parent link of its
    // own (cryptedForeignKeys), so no patient is found for it (exit 3).
    let (x, dir) = (x.to_str().unwrap(), sb.dir().to_str().unwrap());
    fails(
        &mut sb.ks("A"),
        &["entity", "parent", "--as", "A", x, dir],
        3,
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
