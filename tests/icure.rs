//! `ehrcrypt icure …` against data the real iCure SDKs produced
//! (fixtures/icure/, made by scripts/icure-vectors/generate.mjs).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const VERSIONS: [&str; 3] = ["icure-api-4.2.39", "icure-api-5.3.18", "icure-api-6.4.4"];
const A: &str = "hcp-a";
const B: &str = "hcp-b";
const P: &str = "patient-p";

fn icure(rel: &str) -> PathBuf {
    fixture(&format!("icure/{rel}"))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// A keystore in `sb` holding the private keys of `whose` (from the hex
/// files the apps download) and every owner document of `version`.
fn keystore(sb: &Sandbox, version: &str, whose: &[&str]) -> PathBuf {
    let ks = sb.path(&format!("{version}-{}.keystore.json", whose.join("-")));
    for who in whose {
        let key = icure(&format!("{version}/keys/{who}.pkcs8.hex"));
        ok(
            &mut sb.on(&ks),
            &["icure", "import-key", s(&key), "--id", who],
        );
    }
    let owners: Vec<PathBuf> = [A, B, P]
        .iter()
        .map(|w| icure(&format!("{version}/owners/{w}.json")))
        .collect();
    let mut args = vec!["icure", "import-owner"];
    args.extend(owners.iter().map(|p| s(p)));
    ok(&mut sb.on(&ks), &args);
    ks
}

fn decrypt(sb: &Sandbox, ks: &Path, record: &Path, me: &str) -> Value {
    json(&ok(
        &mut sb.on(ks),
        &["icure", "decrypt", s(record), "--as", me],
    ))
}

fn plaintext(version: &str) -> Value {
    read_json(&icure(&format!("{version}/plaintext.json")))
}

#[test]
fn every_sdk_versions_records_decrypt_for_every_party() {
    let sb = Sandbox::new();
    for v in VERSIONS {
        let ks = keystore(&sb, v, &[A, B, P]);
        let plain = plaintext(v);
        let rec = |name: &str| icure(&format!("{v}/records/{name}.json"));
        for who in [A, B, P] {
            let pt = decrypt(&sb, &ks, &rec("patient-1234"), who);
            assert_eq!(pt["note"], plain["patient"]["note"], "{v} {who}");
            assert_eq!(pt["firstName"], "Jeanne");
        }
        for who in [A, B] {
            let c = decrypt(&sb, &ks, &rec("contact-4567"), who);
            assert_eq!(c["descr"], plain["contact"]["descr"], "{v} {who}");
            for (i, svc) in plain["contact"]["services"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
            {
                assert_eq!(
                    c["services"][i]["content"], svc["content"],
                    "{v} {who} service {i}"
                );
            }
        }
        let he = decrypt(&sb, &ks, &rec("healthelement-7890"), A);
        assert_eq!(he["descr"], plain["healthElement"]["descr"], "{v}");
        assert_eq!(he["note"], plain["healthElement"]["note"], "{v}");
        if v == "icure-api-4.2.39" {
            // 4.2.39 gives health-element keys to their creator only (and
            // leaves descr and note in clear): as the SDK, B gets no key.
            fails(
                &mut sb.on(&ks),
                &["icure", "decrypt", s(&rec("healthelement-7890")), "--as", B],
                8,
            );
        } else {
            let he = decrypt(&sb, &ks, &rec("healthelement-7890"), B);
            assert_eq!(he["descr"], plain["healthElement"]["descr"], "{v}");
        }
        // The patient was not given the contact.
        fails(
            &mut sb.on(&ks),
            &["icure", "decrypt", s(&rec("contact-4567")), "--as", P],
            8,
        );
    }
}

#[test]
fn the_sdk_key_storage_imports_like_the_hex_keys() {
    let sb = Sandbox::new();
    for v in VERSIONS {
        let ks = sb.path(&format!("{v}.json"));
        let storage = icure(&format!("{v}/keys/sdk-storage.json"));
        let out = json(&ok(
            &mut sb.on(&ks),
            &["--json", "icure", "import-key", s(&storage)],
        ));
        let keys = out["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 3);
        for k in keys {
            assert_eq!(k["source"], "sdk-jwk");
            let hex = std::fs::read_to_string(icure(&format!(
                "{v}/keys/{}.pkcs8.hex",
                k["id"].as_str().unwrap()
            )))
            .unwrap();
            // iCure's fingerprint: the last 32 hex digits of the SPKI.
            let doc = read_json(&icure(&format!(
                "{v}/owners/{}.json",
                k["id"].as_str().unwrap()
            )));
            let spki = doc["publicKey"].as_str().unwrap();
            assert_eq!(k["icureFingerprint"], spki[spki.len() - 32..]);
            assert_eq!(
                k["icureFingerprintV2"],
                spki[spki.len() - 32..spki.len() - 10]
            );
            assert!(!hex.is_empty());
        }
        let ksv = read_json(&ks);
        assert_eq!(mode(&ks), 0o600);
        let text = std::fs::read_to_string(&ks).unwrap();
        assert!(
            text.contains("ENCRYPTED PRIVATE KEY") && !text.contains("\"d\""),
            "keys are stored encrypted under the passphrase"
        );
        assert_eq!(owner_json(&ksv, P)["publicKeys"][0]["verified"], true);
    }
}

#[test]
fn imported_owner_keys_are_unverified_and_both_fingerprints_are_shown() {
    let sb = Sandbox::new();
    let ks = sb.path("ks.json");
    let doc = icure("icure-api-6.4.4/owners/hcp-b.json");
    let out = ok(&mut sb.on(&ks), &["icure", "import-owner", s(&doc)]);
    let spki = read_json(&doc)["publicKey"].as_str().unwrap().to_string();
    assert!(stdout(&out).contains(&spki[spki.len() - 32..]));
    assert!(stdout(&out).contains("UNVERIFIED"));
    assert!(stderr(&out).contains("not a hash"));
    let ksv = read_json(&ks);
    assert_eq!(owner_json(&ksv, B)["publicKeys"][0]["verified"], false);
    assert!(sb.path("ks.json.icure.json").exists());
}

#[test]
fn malformed_keys_and_documents_are_refused_and_nothing_is_written() {
    let sb = Sandbox::new();
    let ks = sb.path("ks.json");
    let hex = std::fs::read_to_string(icure("icure-api-6.4.4/keys/hcp-a.pkcs8.hex")).unwrap();
    let bad = sb.write("bad.hex", hex.trim().replacen('3', "x", 1));
    let out = fails(
        &mut sb.on(&ks),
        &["icure", "import-key", s(&bad), "--id", A],
        6,
    );
    assert_eq!(
        stderr(&out).lines().filter(|l| l.contains("error")).count(),
        1
    );
    let odd = sb.write("odd.hex", &hex.trim()[1..]);
    fails(
        &mut sb.on(&ks),
        &["icure", "import-key", s(&odd), "--id", A],
        6,
    );
    assert!(!ks.exists());

    let mut doc = read_json(&icure("icure-api-6.4.4/owners/hcp-a.json"));
    let k = doc["publicKey"].as_str().unwrap().replacen('a', "g", 1);
    doc["publicKey"] = Value::from(k);
    let bad_doc = sb.path("bad-owner.json");
    write_json(&bad_doc, &doc);
    fails(&mut sb.on(&ks), &["icure", "import-owner", s(&bad_doc)], 6);
    // An oversized input is refused before it is read whole (a sparse file).
    let huge = sb.path("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(65 << 20)
        .unwrap();
    let out = fails(&mut sb.on(&ks), &["icure", "import-owner", s(&huge)], 6);
    assert!(stderr(&out).contains("larger than"), "{}", stderr(&out));
    assert!(!ks.exists() && !sb.path("ks.json.icure.json").exists());
}

/// The patient record with `change` applied to B's `encryptionKeys` entry.
fn tampered(sb: &Sandbox, name: &str, change: impl FnOnce(&mut Value)) -> PathBuf {
    let mut v = read_json(&icure("icure-api-6.4.4/records/patient-1234.json"));
    change(&mut v["encryptionKeys"][B][0]["key"]);
    let p = sb.path(name);
    write_json(&p, &v);
    p
}

#[test]
fn bad_padding_a_wrong_key_and_a_moved_entry_fail_alike() {
    let sb = Sandbox::new();
    let ks = keystore(&sb, "icure-api-6.4.4", &[B]);
    // Bad padding: the last ciphertext byte changed.
    let padding = tampered(&sb, "padding.json", |k| {
        let s = k.as_str().unwrap();
        let last = if s.ends_with('0') { "1" } else { "0" };
        *k = Value::from(format!("{}{last}", &s[..s.len() - 1]));
    });
    // Wrong key: an entry sealed under another SDK run's exchange key.
    let other = read_json(&icure("icure-api-5.3.18/records/patient-1234.json"));
    let wrong = tampered(&sb, "wrong-key.json", |k| {
        *k = other["encryptionKeys"][B][0]["key"].clone()
    });
    // Moved: B's valid entry of the contact, sealed for record 4567.
    let contact = read_json(&icure("icure-api-6.4.4/records/contact-4567.json"));
    let moved = tampered(&sb, "moved.json", |k| {
        *k = contact["encryptionKeys"][B][0]["key"].clone()
    });
    let mut messages = Vec::new();
    for f in [&padding, &wrong, &moved] {
        let out = fails(
            &mut sb.on(&ks),
            &["icure", "decrypt", s(f), "--as", B, "-o", "out.json"],
            5,
        );
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        messages.push(err.replace(s(f), "FILE"));
        assert!(!sb.path("out.json").exists());
    }
    assert!(messages.iter().all(|m| m == &messages[0]), "{messages:#?}");
    // icure check names the moved entry (the SDK would use it).
    let dir = sb.path("moved");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(&moved, dir.join("patient.json")).unwrap();
    let report = json(&ok(
        &mut sb.on(&ks),
        &["--json", "icure", "check", s(&dir), "--as", B],
    ));
    assert_eq!(report["summary"]["id-mismatch"], 1, "{report:#}");
}

#[test]
fn a_flipped_iv_byte_is_undetectable_and_check_says_so() {
    let sb = Sandbox::new();
    let ks = keystore(&sb, "icure-api-6.4.4", &[B]);
    let mut v = read_json(&icure("icure-api-6.4.4/records/patient-1234.json"));
    let sealed = base64_decode(v["encryptedSelf"].as_str().unwrap());
    // encryptedSelf is {"note":"Allergic…}: byte 9 of the first block is 'A'.
    let mut flipped = sealed.clone();
    flipped[9] ^= b'A' ^ b'B';
    v["encryptedSelf"] = Value::from(base64_encode(&flipped));
    let dir = sb.path("data");
    std::fs::create_dir(&dir).unwrap();
    let rec = dir.join("patient-1234.json");
    write_json(&rec, &v);

    let pt = decrypt(&sb, &ks, &rec, B);
    let note = pt["note"].as_str().unwrap();
    let original = plaintext("icure-api-6.4.4")["patient"]["note"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(note, original);
    assert_eq!(
        note,
        original.replacen('A', "B", 1),
        "the attacker chose the change"
    );

    let report = json(&ok(
        &mut sb.on(&ks),
        &["--json", "icure", "check", s(&dir), "--as", B],
    ));
    assert_eq!(report["opened"], 1, "the modified record opens: {report:#}");
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "no-integrity")
        .expect("no-integrity reported");
    assert_eq!(f["id"], "1234");
    assert!(f["message"].as_str().unwrap().contains("flipped IV byte"));
    assert_eq!(report["summary"]["aes128-uuid-key"], 1);
    assert_eq!(report["summary"]["clear-fields"], 1);
}

#[test]
fn check_reports_cardinal_exchange_data_as_unverifiable() {
    let sb = Sandbox::new();
    let ks = cardinal_keystore(&sb, &[B]);
    let report = json(&ok(
        &mut sb.on(&ks),
        &["--json", "icure", "check", s(&icure(CARDINAL)), "--as", B],
    ));
    assert_eq!(
        report["summary"]["unverifiable-exchange-data"], 3,
        "{report:#}"
    );
    assert_eq!(report["records"], 2);
    assert_eq!(report["opened"], 2);
    assert_eq!(report["summary"]["no-integrity"], 2);
    assert!(
        report["summary"].get("rsa-oaep-sha1").is_none(),
        "Cardinal keys are SHA-256"
    );
}

#[test]
fn check_reports_the_owner_documents_weaknesses() {
    let sb = Sandbox::new();
    let ks = sb.path("empty.json");
    let report = json(&ok(
        &mut sb.on(&ks),
        &["--json", "icure", "check", s(&icure("icure-api-5.3.18"))],
    ));
    let sum = &report["summary"];
    // owners/ and records/, and ehrcrypt's shares with B's updated document.
    assert_eq!(report["owners"], 3 + 1);
    assert_eq!(report["records"], 3 + 2);
    assert_eq!(sum["rsa-oaep-sha1"], 4);
    assert_eq!(
        sum["unverified-key"], 4,
        "an empty keystore has verified nothing"
    );
    assert!(sum["unauthenticated-exchange-keys"].as_u64().unwrap() >= 2);
    assert_eq!(sum["no-integrity"], 5);
}

#[test]
fn migrate_keeps_content_ids_links_and_verified_delegates() {
    let sb = Sandbox::new();
    let v = "icure-api-6.4.4";
    let ks = keystore(&sb, v, &[A, B]);
    let out_dir = sb.path("migrated");
    let report = json(&ok(
        &mut sb.on(&ks),
        &[
            "--json",
            "icure",
            "migrate",
            s(&icure(&format!("{v}/records"))),
            "--as",
            A,
            "-o",
            s(&out_dir),
        ],
    ));
    assert_eq!(
        report["migrated"].as_array().unwrap().len(),
        3,
        "{report:#}"
    );
    // P's key is not verified here: its access is reported, not carried.
    let nc = report["notCarried"].as_array().unwrap();
    assert!(
        nc.iter().any(|n| n["what"] == "delegate patient-p"),
        "{report:#}"
    );
    let plain = plaintext(v);
    let patient = out_dir.join("patient-1234.enc.json");
    let contact = out_dir.join("contact-4567.enc.json");
    for who in [A, B] {
        let p = json(&ok(
            &mut sb.on(&ks),
            &["entity", "decrypt", "--as", who, s(&patient)],
        ));
        assert_eq!(p["id"], "1234");
        assert_eq!(p["note"], plain["patient"]["note"]);
        assert!(p.get("encryptionKeys").is_none() && p.get("encryptedSelf").is_none());
        let c = json(&ok(
            &mut sb.on(&ks),
            &["entity", "decrypt", "--as", who, s(&contact)],
        ));
        assert_eq!(c["descr"], plain["contact"]["descr"]);
        assert_eq!(
            c["services"][0]["content"],
            plain["contact"]["services"][0]["content"]
        );
        assert!(c["services"][0].get("encryptedSelf").is_none());
    }
    let parent = ok(
        &mut sb.on(&ks),
        &["entity", "parent", "--as", B, s(&contact), s(&out_dir)],
    );
    assert!(
        stdout(&parent).contains("patient-1234.enc.json"),
        "{}",
        stdout(&parent)
    );
    // The output directory is new: a second run is refused.
    fails(
        &mut sb.on(&ks),
        &[
            "icure",
            "migrate",
            s(&icure(&format!("{v}/records"))),
            "--as",
            A,
            "-o",
            s(&out_dir),
        ],
        7,
    );
}

#[test]
fn share_needs_consent_and_writes_what_the_fixtures_conventions_read() {
    let sb = Sandbox::new();
    let v = "icure-api-6.4.4";
    let ks = keystore(&sb, v, &[A, B]);
    let contact = icure(&format!("{v}/records/contact-4567.json"));
    let out = sb.path("shared.json");
    let args = [
        "icure",
        "share",
        s(&contact),
        "--as",
        B,
        "--with",
        P,
        "-o",
        s(&out),
    ];
    fails(&mut sb.on(&ks), &args, 7);
    assert!(!out.exists());
    // No B→P exchange key yet, and P's key is not verified: refused.
    let mut consent = args.to_vec();
    consent.push("--i-know-it-is-unauthenticated");
    fails(&mut sb.on(&ks), &consent, 7);
    // Verify P, then share; the new exchange key needs --owner-out.
    let p_key = read_json(&ks);
    let fp = owner_json(&p_key, P)["publicKeys"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        &mut sb.on(&ks),
        &["owner", "verify", P, "--fingerprint", &fp],
    );
    fails(&mut sb.on(&ks), &consent, 2);
    assert!(!out.exists());
    let doc = sb.path("hcp-b.json");
    consent.extend(["--owner-out", s(&doc)]);
    let done = ok(&mut sb.on(&ks), &consent);
    assert!(stderr(&done).contains("no integrity protection"));

    // P reads it with only its own key and the uploaded documents.
    let pks = sb.path("p.json");
    let key = icure(&format!("{v}/keys/{P}.pkcs8.hex"));
    ok(
        &mut sb.on(&pks),
        &[
            "icure",
            "import-key",
            s(&key),
            "--id",
            P,
            "--kind",
            "patient",
        ],
    );
    let a_doc = icure(&format!("{v}/owners/{A}.json"));
    ok(
        &mut sb.on(&pks),
        &["icure", "import-owner", s(&a_doc), s(&doc)],
    );
    let c = decrypt(&sb, &pks, &out, P);
    assert_eq!(c["descr"], plaintext(v)["contact"]["descr"]);
}

#[test]
fn the_shares_the_sdks_read_back_also_open_here() {
    // generate.mjs ran `icure share` and had each SDK read the result
    // (shared/sdk-read-back.json); ehrcrypt reads the same files.
    let sb = Sandbox::new();
    for v in VERSIONS {
        let back = read_json(&icure(&format!("{v}/shared/sdk-read-back.json")));
        let plain = plaintext(v);
        assert_eq!(back["contactDescr"], plain["contact"]["descr"], "{v}");
        let ks = sb.path(&format!("{v}-p.json"));
        let key = icure(&format!("{v}/keys/{P}.pkcs8.hex"));
        ok(
            &mut sb.on(&ks),
            &["icure", "import-key", s(&key), "--id", P],
        );
        let docs = [
            icure(&format!("{v}/owners/{A}.json")),
            icure(&format!("{v}/shared/hcp-b.json")),
        ];
        ok(
            &mut sb.on(&ks),
            &["icure", "import-owner", s(&docs[0]), s(&docs[1])],
        );
        let c = decrypt(
            &sb,
            &ks,
            &icure(&format!("{v}/shared/contact-4567.json")),
            P,
        );
        assert_eq!(c["descr"], back["contactDescr"], "{v}");
        let he = decrypt(
            &sb,
            &ks,
            &icure(&format!("{v}/shared/healthelement-7890.json")),
            P,
        );
        assert_eq!(he["descr"], back["healthElementDescr"], "{v}");
    }
}

const CARDINAL: &str = "cardinal-sdk-1.0.0-RC.7";

/// A keystore with the Cardinal keys of `whose` (from the SDK's storage) and
/// every owner and exchange data document.
fn cardinal_keystore(sb: &Sandbox, whose: &[&str]) -> PathBuf {
    let ks = sb.path(&format!("cardinal-{}.json", whose.join("-")));
    for who in whose {
        let storage = icure(&format!("{CARDINAL}/keys/{who}.sdk-storage.json"));
        let out = json(&ok(
            &mut sb.on(&ks),
            &["--json", "icure", "import-key", s(&storage)],
        ));
        assert_eq!(
            out["keys"].as_array().unwrap().len(),
            1,
            "device. and recovered. are one key; sign. is not an encryption key"
        );
        assert_eq!(out["keys"][0]["source"], "cardinal-pkcs8");
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["owners", "exchange-data", "exchange-data-maps"] {
        for e in std::fs::read_dir(icure(&format!("{CARDINAL}/{sub}"))).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    let mut args = vec!["icure", "import-owner"];
    args.extend(files.iter().map(|p| s(p)));
    ok(&mut sb.on(&ks), &args);
    ks
}

#[test]
fn cardinal_records_decrypt_for_every_party_and_migrate_with_their_link() {
    let sb = Sandbox::new();
    let ks = cardinal_keystore(&sb, &[A, B, P]);
    let plain = plaintext(CARDINAL);
    let rec = |name: &str| icure(&format!("{CARDINAL}/records/{name}.json"));
    for who in [A, B, P] {
        let pt = decrypt(&sb, &ks, &rec("patient-1234"), who);
        assert_eq!(pt["note"], plain["patient"]["note"], "{who}");
    }
    for who in [A, B] {
        let c = decrypt(&sb, &ks, &rec("contact-4567"), who);
        assert_eq!(c["descr"], plain["contact"]["descr"], "{who}");
        assert_eq!(
            c["services"][0]["content"]["en"]["stringValue"],
            "Acute bronchitis"
        );
    }
    // P was not given the contact (no delegation among its exchange data).
    fails(
        &mut sb.on(&ks),
        &["icure", "decrypt", s(&rec("contact-4567")), "--as", P],
        8,
    );

    let out_dir = sb.path("migrated");
    let report = json(&ok(
        &mut sb.on(&ks),
        &[
            "--json",
            "icure",
            "migrate",
            s(&icure(&format!("{CARDINAL}/records"))),
            "--as",
            A,
            "-o",
            s(&out_dir),
        ],
    ));
    assert_eq!(
        report["migrated"].as_array().unwrap().len(),
        2,
        "{report:#}"
    );
    assert!(report["notCarried"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["what"] == "anonymous delegate"));
    let contact = out_dir.join("contact-4567.enc.json");
    let c = json(&ok(
        &mut sb.on(&ks),
        &["entity", "decrypt", "--as", B, s(&contact)],
    ));
    assert_eq!(c["descr"], plain["contact"]["descr"]);
    let parent = ok(
        &mut sb.on(&ks),
        &["entity", "parent", "--as", B, s(&contact), s(&out_dir)],
    );
    assert!(stdout(&parent).contains("patient-1234.enc.json"));
}

#[test]
fn other_formats_are_refused_in_one_line() {
    let sb = Sandbox::new();
    let ks = keystore(&sb, "icure-api-6.4.4", &[B]);
    // share writes only the legacy format.
    let cardinal = icure(&format!("{CARDINAL}/records/patient-1234.json"));
    let out = fails(
        &mut sb.on(&ks),
        &[
            "icure",
            "share",
            s(&cardinal),
            "--as",
            B,
            "--with",
            A,
            "-o",
            "x.json",
            "--i-know-it-is-unauthenticated",
        ],
        7,
    );
    assert!(stderr(&out).contains("Cardinal"));
    assert!(!sb.path("x.json").exists());
    let ehr = fixture("entities/patient-1234.enc.json");
    fails(
        &mut sb.on(&ks),
        &["icure", "decrypt", s(&ehr), "--as", B],
        6,
    );
    let garbage = sb.write("g.json", "{\"id\": ");
    fails(
        &mut sb.on(&ks),
        &["icure", "decrypt", s(&garbage), "--as", B],
        6,
    );
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}
