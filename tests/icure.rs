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
fn services_nested_in_compound_values_decrypt_as_the_sdk_returns_them() {
    // compound/: contact 4568 made by each SDK with the fixtures' keys; its
    // compound-only service stays in clear and the services inside its
    // compound values (two levels) are encrypted one by one.
    let sb = Sandbox::new();
    for v in VERSIONS {
        let ks = keystore(&sb, v, &[B]);
        let back = read_json(&icure(&format!("{v}/compound/plaintext.json")));
        let sdk = &back["readBack"][B];
        let record = icure(&format!("{v}/compound/contact-4568.json"));
        let raw = read_json(&record);
        let nested = &raw["services"][0]["content"]["en"]["compoundValue"];
        assert!(nested[0]["encryptedSelf"].is_string() && nested[0]["content"].is_null());
        let c = decrypt(&sb, &ks, &record, B);
        assert_eq!(c["descr"], back["contact"]["descr"], "{v}");
        // The SDK's own reading, field for field.
        assert_eq!(c["services"], sdk["services"], "{v}");
        let deep = &c["services"][0]["content"]["en"]["compoundValue"][2]["content"]["en"]
            ["compoundValue"][0]["content"]["en"]["stringValue"];
        assert_eq!(deep, "left arm, seated", "{v}");
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
    // What the SDK made (not shared/, which ehrcrypt wrote).
    let sdk_made = sb.path("cardinal-sdk-made");
    for e in std::fs::read_dir(icure(CARDINAL)).unwrap() {
        let from = e.unwrap().path();
        let to = sdk_made.join(from.file_name().unwrap());
        if from.is_dir() && from.file_name().unwrap() != "shared" {
            std::fs::create_dir_all(&to).unwrap();
            for f in std::fs::read_dir(&from).unwrap() {
                let f = f.unwrap().path();
                std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
            }
        } else if from.is_file() {
            std::fs::create_dir_all(&sdk_made).unwrap();
            std::fs::copy(&from, &to).unwrap();
        }
    }
    let report = json(&ok(
        &mut sb.on(&ks),
        &["--json", "icure", "check", s(&sdk_made), "--as", B],
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
    // owners/ and records/, ehrcrypt's shares with B's updated document,
    // and the compound-value contact.
    assert_eq!(report["owners"], 3 + 1);
    assert_eq!(report["records"], 3 + 2 + 1);
    assert_eq!(sum["rsa-oaep-sha1"], 4);
    assert_eq!(
        sum["unverified-key"], 4,
        "an empty keystore has verified nothing"
    );
    assert!(sum["unauthenticated-exchange-keys"].as_u64().unwrap() >= 2);
    assert_eq!(sum["no-integrity"], 6);
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
    // The output directory is new: a second run is refused, and says how
    // to go on; with --force the same files are replaced, each whole.
    let records = icure(&format!("{v}/records"));
    let mut again = vec![
        "icure",
        "migrate",
        s(&records),
        "--as",
        A,
        "-o",
        s(&out_dir),
    ];
    let before = std::fs::read(&patient).unwrap();
    let refused = fails(&mut sb.on(&ks), &again, 7);
    assert!(stderr(&refused).contains("--force"));
    assert_eq!(std::fs::read(&patient).unwrap(), before);
    again.push("--force");
    ok(&mut sb.on(&ks), &again);
    assert_ne!(std::fs::read(&patient).unwrap(), before);
    assert_eq!(mode(&patient), 0o600);
    let p = json(&ok(
        &mut sb.on(&ks),
        &["entity", "decrypt", "--as", B, s(&patient)],
    ));
    assert_eq!(p["note"], plain["patient"]["note"]);
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
    // A Cardinal patient document says it is one only in the wrapper of
    // `GET /rest/v2/dataowner/{id}` (`{"type": "patient", …}`): say it here.
    let p_doc = icure(&format!("{CARDINAL}/owners/{P}.json"));
    ok(
        &mut sb.on(&ks),
        &["icure", "import-owner", "--kind", "patient", s(&p_doc)],
    );
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["owners", "exchange-data", "exchange-data-maps"] {
        for e in std::fs::read_dir(icure(&format!("{CARDINAL}/{sub}"))).unwrap() {
            let path = e.unwrap().path();
            if path != p_doc {
                files.push(path);
            }
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

/// Marks `who`'s key verified in `ks` (after comparing fingerprints).
fn verify(sb: &Sandbox, ks: &Path, who: &str) {
    let fp = owner_json(&read_json(ks), who)["publicKeys"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        &mut sb.on(ks),
        &["owner", "verify", who, "--fingerprint", &fp],
    );
}

/// A Cardinal record without the delegation to `delegate` (named, or
/// anonymous when `None`), so that only a new share can open it for them.
fn cardinal_without(sb: &Sandbox, name: &str, delegate: Option<&str>) -> PathBuf {
    let mut v = read_json(&icure(&format!("{CARDINAL}/records/{name}.json")));
    let d = v["securityMetadata"]["secureDelegations"]
        .as_object_mut()
        .unwrap();
    let before = d.len();
    d.retain(|_, e| e.get("delegate").and_then(Value::as_str) != delegate);
    assert_eq!(d.len(), before - 1);
    let p = sb.path(&format!(
        "{name}-without-{}.json",
        delegate.unwrap_or("anonymous")
    ));
    write_json(&p, &v);
    p
}

/// The names and JSON types of an object's fields.
fn shape(v: &Value) -> Vec<(String, &'static str)> {
    let t = |x: &Value| match x {
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Null => "null",
    };
    let mut out: Vec<_> = v
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.as_str() != "rev")
        .map(|(k, x)| (k.clone(), t(x)))
        .collect();
    out.sort();
    out
}

/// The delegation a share added (the one key not in `before`).
fn added_delegation(before: &Path, after: &Value) -> Value {
    let old = read_json(before);
    let old = old["securityMetadata"]["secureDelegations"]
        .as_object()
        .unwrap();
    let new: Vec<_> = after["securityMetadata"]["secureDelegations"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| !old.contains_key(*k))
        .map(|(_, v)| v.clone())
        .collect();
    assert_eq!(new.len(), 1);
    new[0].clone()
}

#[test]
fn cardinal_shares_open_for_the_new_delegate_in_the_sdks_own_shapes() {
    let sb = Sandbox::new();
    let plain = plaintext(CARDINAL);
    let unauth = "--i-know-it-is-unauthenticated";
    let sdk = |rel: &str| read_json(&icure(&format!("{CARDINAL}/{rel}")));
    let sdk_patient = sdk("records/patient-1234.json");
    let sdk_deleg = |who: Option<&str>| {
        sdk_patient["securityMetadata"]["secureDelegations"]
            .as_object()
            .unwrap()
            .values()
            .find(|e| e.get("delegate").and_then(Value::as_str) == who)
            .unwrap()
            .clone()
    };

    // 1. P shares the patient with B (a named delegate), B's A→B delegation
    // removed: a new exchange data P→B, for B's verified key only.
    let pks = cardinal_keystore(&sb, &[P]);
    let patient = cardinal_without(&sb, "patient-1234", Some(B));
    let out = sb.path("p-b.json");
    let xd = sb.path("p-b.exchange-data.json");
    let args = [
        "icure",
        "share",
        s(&patient),
        "--as",
        P,
        "--with",
        B,
        "-o",
        s(&out),
    ];
    fails(&mut sb.on(&pks), &args, 7); // no consent
    let mut consent = args.to_vec();
    consent.push(unauth);
    fails(&mut sb.on(&pks), &consent, 7); // B not verified
    verify(&sb, &pks, B);
    fails(&mut sb.on(&pks), &consent, 2); // the new exchange data needs a file
    assert!(!out.exists());
    consent.extend(["--exchange-data-out", s(&xd)]);
    let done = ok(&mut sb.on(&pks), &consent);
    assert!(stderr(&done).contains("no integrity protection"));
    assert!(stderr(&done).contains("delegatorSignature"));
    let shared = read_json(&out);
    let entry = added_delegation(&patient, &shared);
    assert_eq!(shape(&entry), shape(&sdk_deleg(Some(B))));
    assert_eq!(entry["delegator"], P);
    assert_eq!(entry["delegate"], B);
    let doc = read_json(&xd);
    assert_eq!(entry["exchangeDataId"], doc["id"]);
    let mut sdk_shape = shape(&sdk("exchange-data/hcp-a--hcp-b.json"));
    sdk_shape.sort();
    assert_eq!(shape(&doc), sdk_shape);
    assert_eq!(doc["exchangeKey"].as_object().unwrap().len(), 2);
    // Twice: nothing more to add, and the exchange data is reused.
    let again = sb.path("p-b-again.json");
    let out2 = json(&ok(
        &mut sb.on(&pks),
        &[
            "--json",
            "icure",
            "share",
            s(&out),
            "--as",
            P,
            "--with",
            B,
            "-o",
            s(&again),
            unauth,
        ],
    ));
    assert_eq!(out2["entriesAdded"], 0);
    assert_eq!(out2["newExchangeKey"], false);
    // B reads it with its own key and the uploaded exchange data only.
    let bks = cardinal_keystore(&sb, &[B]);
    fails(
        &mut sb.on(&bks),
        &["icure", "decrypt", s(&patient), "--as", B],
        8,
    );
    ok(&mut sb.on(&bks), &["icure", "import-owner", s(&xd)]);
    let pt = decrypt(&sb, &bks, &out, B);
    assert_eq!(pt["note"], plain["patient"]["note"]);

    // 2. A shares the contact with P, through the A→P exchange data that
    // exists: an anonymous delegation, with its exchange data map.
    let aks = cardinal_keystore(&sb, &[A]);
    let contact = icure(&format!("{CARDINAL}/records/contact-4567.json"));
    let cout = sb.path("a-p-contact.json");
    let map = sb.path("a-p-contact.map.json");
    let args = [
        "icure",
        "share",
        s(&contact),
        "--as",
        A,
        "--with",
        P,
        "-o",
        s(&cout),
        unauth,
    ];
    fails(&mut sb.on(&aks), &args, 2); // the map needs a file
    let mut with_map = args.to_vec();
    with_map.extend(["--exchange-data-map-out", s(&map)]);
    ok(&mut sb.on(&aks), &with_map);
    let shared = read_json(&cout);
    let entry = added_delegation(&contact, &shared);
    let mut anon = shape(&sdk_deleg(None));
    anon.push(("owningEntityIds".into(), "array"));
    anon.sort();
    assert_eq!(shape(&entry), anon);
    let m = read_json(&map);
    let sdk_map = read_json(
        &std::fs::read_dir(icure(&format!("{CARDINAL}/exchange-data-maps")))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path(),
    );
    assert_eq!(shape(&m), shape(&sdk_map));
    assert_eq!(m["id"].as_str().unwrap().len(), 32);
    let c = decrypt(&sb, &pks, &cout, P);
    assert_eq!(c["descr"], plain["contact"]["descr"]);
    assert_eq!(
        c["services"][0]["content"]["en"]["stringValue"],
        "Acute bronchitis"
    );

    // 3. B shares the patient with P, A's anonymous delegation removed: a
    // new exchange data B→P and an anonymous delegation.
    let patient = cardinal_without(&sb, "patient-1234", None);
    let bout = sb.path("b-p.json");
    let (bxd, bmap) = (sb.path("b-p.xd.json"), sb.path("b-p.map.json"));
    verify(&sb, &bks, P);
    ok(
        &mut sb.on(&bks),
        &[
            "icure",
            "share",
            s(&patient),
            "--as",
            B,
            "--with",
            P,
            "-o",
            s(&bout),
            unauth,
            "--exchange-data-out",
            s(&bxd),
            "--exchange-data-map-out",
            s(&bmap),
        ],
    );
    let p_only = cardinal_keystore(&sb, &[P]);
    fails(
        &mut sb.on(&p_only),
        &["icure", "decrypt", s(&patient), "--as", P],
        8,
    );
    ok(
        &mut sb.on(&p_only),
        &["icure", "import-owner", s(&bxd), s(&bmap)],
    );
    let pt = decrypt(&sb, &p_only, &bout, P);
    assert_eq!(pt["note"], plain["patient"]["note"]);
    // Outputs follow --force like every other command.
    fails(
        &mut sb.on(&bks),
        &[
            "icure",
            "share",
            s(&patient),
            "--as",
            B,
            "--with",
            P,
            "-o",
            s(&bout),
            unauth,
            "--exchange-data-map-out",
            s(&bmap),
        ],
        7,
    );
}

#[test]
fn cardinal_exchange_data_is_signed_with_the_delegators_stored_signing_key() {
    // A's keystore without its A→B exchange data: sharing with B makes one,
    // signed with the RSA-PSS key A's SDK stored (`sign.hcp-a.self`).
    let sb = Sandbox::new();
    let ks = sb.path("a-unsigned.json");
    let storage = icure(&format!("{CARDINAL}/keys/{A}.sdk-storage.json"));
    ok(&mut sb.on(&ks), &["icure", "import-key", s(&storage)]);
    let docs: Vec<PathBuf> = [
        "owners/hcp-a.json",
        "owners/hcp-b.json",
        "exchange-data/hcp-a--hcp-a.json",
    ]
    .iter()
    .map(|f| icure(&format!("{CARDINAL}/{f}")))
    .collect();
    ok(
        &mut sb.on(&ks),
        &[
            "icure",
            "import-owner",
            s(&docs[0]),
            s(&docs[1]),
            s(&docs[2]),
        ],
    );
    verify(&sb, &ks, B);
    let patient = cardinal_without(&sb, "patient-1234", Some(B));
    let (out, xd) = (sb.path("a-b.json"), sb.path("a-b.xd.json"));
    let done = ok(
        &mut sb.on(&ks),
        &[
            "icure",
            "share",
            s(&patient),
            "--as",
            A,
            "--with",
            B,
            "-o",
            s(&out),
            "--i-know-it-is-unauthenticated",
            "--exchange-data-out",
            s(&xd),
            "--signing-key",
            s(&storage),
        ],
    );
    assert!(!stderr(&done).contains("delegatorSignature"));
    let doc = read_json(&xd);
    let sig = doc["delegatorSignature"].as_object().unwrap();
    assert_eq!(sig.len(), 1);
    // Keyed like the SDK's: the v2 fingerprint of the signing key.
    let storage_json = read_json(&storage);
    let verify_name = storage_json
        .as_object()
        .unwrap()
        .keys()
        .find(|k| k.contains(".sign.verify."))
        .unwrap();
    let fp = sig.keys().next().unwrap();
    assert!(verify_name.contains(fp.as_str()) && fp.len() == 22);
    assert_eq!(base64_decode(sig[fp].as_str().unwrap()).len(), 256);
    let bks = cardinal_keystore(&sb, &[B]);
    ok(&mut sb.on(&bks), &["icure", "import-owner", s(&xd)]);
    let pt = decrypt(&sb, &bks, &out, B);
    assert_eq!(pt["note"], plaintext(CARDINAL)["patient"]["note"]);
    // The flag belongs to Cardinal records.
    let legacy = keystore(&sb, "icure-api-6.4.4", &[A]);
    let he = icure("icure-api-6.4.4/records/healthelement-7890.json");
    fails(
        &mut sb.on(&legacy),
        &[
            "icure",
            "share",
            s(&he),
            "--as",
            A,
            "--with",
            P,
            "-o",
            s(&sb.path("he.json")),
            "--i-know-it-is-unauthenticated",
            "--signing-key",
            s(&storage),
        ],
        2,
    );
}

#[test]
fn the_cardinal_shares_the_sdk_read_back_also_open_here() {
    // generate.mjs ran `icure share` on the Cardinal records, each stripped
    // of the delegate's own delegation, and had the delegate's Cardinal SDK
    // read the result (shared/sdk-read-back.json; the controls show the SDK
    // could not read the stripped records). ehrcrypt reads the same files.
    let sb = Sandbox::new();
    let back = read_json(&icure(&format!("{CARDINAL}/shared/sdk-read-back.json")));
    let plain = plaintext(CARDINAL);
    assert_eq!(back["p-b"]["patientNote"], plain["patient"]["note"]);
    assert_eq!(back["b-p"]["patientNote"], plain["patient"]["note"]);
    assert_eq!(back["a-p"]["contactDescr"], plain["contact"]["descr"]);
    assert!(back["p-b-control"]["error"].is_string());
    assert!(back["b-p-control"]["error"].is_string());
    // Exchange data signed with A's stored signing key: B reads through it,
    // and A's own SDK trusts it enough to reuse it; unsigned, it does not.
    assert_eq!(back["a-b-signed"]["patientNote"], plain["patient"]["note"]);
    assert_eq!(back["a-b-signed-delegator"]["reusedEhrcrypts"], true);
    assert_eq!(back["a-b-unsigned-delegator"]["reusedEhrcrypts"], false);
    let shared = |f: &str| icure(&format!("{CARDINAL}/shared/{f}"));
    let bks = cardinal_keystore(&sb, &[B]);
    ok(
        &mut sb.on(&bks),
        &[
            "icure",
            "import-owner",
            s(&shared("exchange-data.p-b.json")),
        ],
    );
    let pt = decrypt(&sb, &bks, &shared("patient-1234.p-b.json"), B);
    assert_eq!(pt["note"], back["p-b"]["patientNote"]);
    ok(
        &mut sb.on(&bks),
        &[
            "icure",
            "import-owner",
            s(&shared("exchange-data.a-b-signed.json")),
        ],
    );
    let pt = decrypt(&sb, &bks, &shared("patient-1234.a-b-signed.json"), B);
    assert_eq!(pt["note"], back["a-b-signed"]["patientNote"]);
    let pks = cardinal_keystore(&sb, &[P]);
    ok(
        &mut sb.on(&pks),
        &[
            "icure",
            "import-owner",
            s(&shared("exchange-data.b-p.json")),
            s(&shared("exchange-data-map.b-p.json")),
        ],
    );
    let pt = decrypt(&sb, &pks, &shared("patient-1234.b-p.json"), P);
    assert_eq!(pt["note"], back["b-p"]["patientNote"]);
    let c = decrypt(&sb, &pks, &shared("contact-4567.a-p.json"), P);
    assert_eq!(c["descr"], back["a-p"]["contactDescr"]);
}

#[test]
fn other_formats_are_refused_in_one_line() {
    let sb = Sandbox::new();
    let ks = keystore(&sb, "icure-api-6.4.4", &[B]);
    // A Cardinal record shared by someone with no Cardinal exchange data.
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
        8,
    );
    assert!(stderr(&out).contains("Cardinal exchange data"));
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
