//! `entity encrypt/decrypt/children/parent` through the real binary, against
//! the golden John Keats fixtures (seed 000) that every later version must
//! keep decrypting.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine;
use common::{fixture, read_json, Command, Sandbox};
use serde_json::Value;

/// The shared sandbox, with all four fixture keystores copied in up front
/// (tests count the files a failed run leaves beside them).
struct Scratch(Sandbox);

impl Scratch {
    fn new() -> Self {
        let sb = Sandbox::new();
        for who in ["A", "B", "C", "P"] {
            sb.keystore(who);
        }
        Scratch(sb)
    }

    fn dir(&self) -> &Path {
        self.0.dir()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path(name)
    }

    /// `ehrcrypt` acting with `who`'s keystore, no config file.
    fn cmd(&self, who: &str) -> Command {
        let mut c = self.0.ks(who);
        c.env_remove("EHRCRYPT_CONFIG");
        c
    }

    fn write_json(&self, name: &str, v: &Value) -> PathBuf {
        self.0.write(name, serde_json::to_vec_pretty(v).unwrap())
    }
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn golden_entities_decrypt_byte_for_byte_as_a_and_b() {
    let s = Scratch::new();
    for name in [
        "patient-1234",
        "contact-4567",
        "contact-9999",
        "observation-fhir",
    ] {
        let plain = fs::read(fixture(&format!("entities/{name}.json"))).unwrap();
        for who in ["A", "B"] {
            let out = s
                .cmd(who)
                .args(["entity", "decrypt", "--as", who])
                .arg(fixture(&format!("entities/{name}.enc.json")))
                .output()
                .unwrap();
            assert!(out.status.success(), "{name} as {who}: {}", stderr_of(&out));
            assert_eq!(out.stdout, plain, "{name} as {who}");
        }
    }
}

#[test]
fn golden_links_resolve_children_and_parent() {
    let s = Scratch::new();
    let out = s
        .cmd("B")
        .args(["--json", "entity", "children", "--as", "B"])
        .arg(fixture("entities/patient-1234.enc.json"))
        .arg(fixture("entities"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["4567"], "only the linked contact, not 9999");

    let out = s
        .cmd("B")
        .args(["--json", "entity", "parent", "--as", "B"])
        .arg(fixture("entities/contact-4567.enc.json"))
        .arg(fixture("entities"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["id"], "1234");
    assert_eq!(v[0]["kind"], "patient");
}

#[test]
fn golden_entities_keep_the_seed_model_in_clear() {
    let p = read_json(&fixture("entities/patient-1234.enc.json"));
    assert_eq!(p["format"], "ehrcrypt/entity/v1");
    assert_eq!(p["id"], "1234");
    assert_eq!(p["lastName"], "Keats", "--clear lastName");
    assert_eq!(
        p["address"],
        serde_json::json!({"city": "London"}),
        "--clear address.city only"
    );
    assert!(p.get("firstName").is_none() && p.get("note").is_none());
    for field in ["encryptionKeys", "delegations"] {
        let keys: Vec<&String> = p[field].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["A", "B"], "{field} keyed by delegate");
        assert_eq!(p[field]["B"][0]["owner"], "A");
        assert_eq!(p[field]["B"][0]["delegatedTo"], "B");
    }
    let c = read_json(&fixture("entities/contact-4567.enc.json"));
    assert_eq!(c["secretForeignKeys"].as_array().unwrap().len(), 1);
    assert!(c["cryptedForeignKeys"]["B"][0]["key"].is_string());
    assert!(
        !c.to_string().contains("1234"),
        "the parent id is only stored encrypted"
    );
}

#[test]
fn a_data_owner_without_delegation_is_told_who_has_access() {
    let s = Scratch::new();
    let out = s
        .cmd("C")
        .args(["entity", "decrypt", "--as", "C"])
        .arg(fixture("entities/patient-1234.enc.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    let err = stderr_of(&out);
    assert!(err.contains("1234") && err.contains("A, B"), "{err}");
    assert!(out.stdout.is_empty());
}

/// Flips one bit of the decoded bytes of a base64 string at `pos` (negative: from the end).
fn flip_b64(s: &str, pos: isize) -> String {
    let e = base64::engine::general_purpose::STANDARD;
    let mut b = e.decode(s).unwrap();
    let i = if pos < 0 {
        (b.len() as isize + pos) as usize
    } else {
        pos as usize
    };
    b[i] ^= 0x01;
    e.encode(b)
}

/// The command that reads each role of an entity, as `who`.
fn reader(s: &Scratch, field: &str, who: &str, file: &Path) -> Command {
    let mut c = s.cmd(who);
    match field {
        "encryptionKeys" => c.args(["entity", "decrypt", "--as", who]).arg(file),
        "delegations" => c
            .args(["entity", "children", "--as", who])
            .arg(file)
            .arg(fixture("entities")),
        _ => c
            .args(["entity", "parent", "--as", who])
            .arg(file)
            .arg(fixture("entities")),
    };
    c
}

#[test]
fn every_wrapped_value_detects_changes_to_nonce_ciphertext_and_tag() {
    let s = Scratch::new();
    let contact = read_json(&fixture("entities/contact-4567.enc.json"));
    let patient = read_json(&fixture("entities/patient-1234.enc.json"));
    let mut cases = 0;
    for (doc, name) in [(&patient, "patient"), (&contact, "contact")] {
        for field in ["encryptionKeys", "delegations", "cryptedForeignKeys"] {
            let Some(map) = doc.get(field).and_then(Value::as_object) else {
                continue;
            };
            for who in map.keys() {
                for pos in [0isize, 14, -1] {
                    let mut t = doc.clone();
                    let k = t[field][who][0]["key"].as_str().unwrap().to_string();
                    t[field][who][0]["key"] = Value::from(flip_b64(&k, pos));
                    let file = s.write_json(&format!("{name}-{field}-{who}-{pos}.json"), &t);
                    let out = reader(&s, field, who, &file).output().unwrap();
                    assert_eq!(
                        out.status.code(),
                        Some(5),
                        "{name} {field} {who} byte {pos}: {}",
                        stderr_of(&out)
                    );
                    assert!(
                        stderr_of(&out).contains(field),
                        "names the field: {}",
                        stderr_of(&out)
                    );
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(
        cases,
        2 * 3 + 2 * 3 + 3 * 2 * 3,
        "every entry of every role was tampered"
    );
}

#[test]
fn encrypted_self_detects_every_kind_of_change() {
    let s = Scratch::new();
    let patient = read_json(&fixture("entities/patient-1234.enc.json"));
    let contact = read_json(&fixture("entities/contact-4567.enc.json"));
    let mut cases: Vec<(&str, Value)> = Vec::new();
    for pos in [0isize, 20, -1] {
        let mut t = patient.clone();
        t["encryptedSelf"] = Value::from(flip_b64(patient["encryptedSelf"].as_str().unwrap(), pos));
        cases.push(("encryptedSelf byte", t));
    }
    let mut t = patient.clone();
    t["lastName"] = Value::from("Shelley");
    cases.push(("clear field", t));
    let mut t = patient.clone();
    t["address"]["city"] = Value::from("Rome");
    cases.push(("nested clear field", t));
    let mut t = patient.clone();
    t["firstName"] = Value::from("Percy");
    cases.push(("added clear field", t));
    let mut t = patient.clone();
    t.as_object_mut().unwrap().remove("lastName");
    cases.push(("removed clear field", t));
    let mut t = patient.clone();
    t["encryptedSelf"] = contact["encryptedSelf"].clone();
    cases.push(("encryptedSelf moved from another entity", t));
    let mut t = contact.clone();
    t["secretForeignKeys"] = Value::from(vec!["00000000-0000-4000-8000-000000000000"]);
    cases.push(("secretForeignKeys relinked", t));
    for (what, t) in cases {
        let file = s.write_json("t.json", &t);
        let out = s
            .cmd("B")
            .args(["entity", "decrypt", "--as", "B"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(5), "{what}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("integrity"),
            "{what}: {}",
            stderr_of(&out)
        );
        assert!(
            out.stdout.is_empty(),
            "{what}: nothing decrypted is printed"
        );
    }
}

#[test]
fn values_moved_between_entities_delegations_or_identities_do_not_open() {
    let s = Scratch::new();
    let patient = read_json(&fixture("entities/patient-1234.enc.json"));
    let contact = read_json(&fixture("entities/contact-4567.enc.json"));
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut t = patient.clone();
    t["encryptionKeys"]["B"] = contact["encryptionKeys"]["B"].clone();
    cases.push(("entity key of another entity", t));
    let mut t = patient.clone();
    t["encryptionKeys"]["B"][0]["key"] = patient["delegations"]["B"][0]["key"].clone();
    cases.push(("secret id presented as entity key", t));
    let mut t = patient.clone();
    t["id"] = Value::from("1235");
    cases.push(("changed id", t));
    let mut t = patient.clone();
    t["kind"] = Value::from("contact");
    cases.push(("changed kind", t));
    for (what, t) in cases {
        let file = s.write_json("t.json", &t);
        let out = s
            .cmd("B")
            .args(["entity", "decrypt", "--as", "B"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(5), "{what}: {}", stderr_of(&out));
    }
    // A's own entry filed under B: addressed to someone else.
    let mut t = patient.clone();
    t["encryptionKeys"]["B"] = patient["encryptionKeys"]["A"].clone();
    let file = s.write_json("t.json", &t);
    let out = s
        .cmd("B")
        .args(["entity", "decrypt", "--as", "B"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
}

#[test]
fn wrong_kinds_of_file_are_named() {
    let s = Scratch::new();
    let out = s
        .cmd("B")
        .args(["entity", "decrypt", "--as", "B"])
        .arg(fixture("entities/patient-1234.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert!(stderr_of(&out).contains("plaintext"), "{}", stderr_of(&out));

    let out = s
        .cmd("A")
        .args(["entity", "encrypt", "--as", "A", "--kind", "patient"])
        .arg(fixture("entities/patient-1234.enc.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("already an ehrcrypt entity"));

    let mut v = read_json(&fixture("entities/patient-1234.enc.json"));
    v["format"] = Value::from("ehrcrypt/entity/v3");
    let file = s.write_json("v3.json", &v);
    let out = s
        .cmd("B")
        .args(["entity", "decrypt", "--as", "B"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert!(stderr_of(&out).contains("newer"), "{}", stderr_of(&out));

    let file = s.path("truncated.json");
    let full = fs::read(fixture("entities/patient-1234.enc.json")).unwrap();
    fs::write(&file, &full[..full.len() / 2]).unwrap();
    let out = s
        .cmd("B")
        .args(["entity", "decrypt", "--as", "B"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert!(stderr_of(&out).contains("truncated"), "{}", stderr_of(&out));
}

#[test]
fn encrypt_then_decrypt_round_trips_stdin_to_stdout() {
    let s = Scratch::new();
    let plain = fs::read(fixture("entities/observation-fhir.json")).unwrap();
    let enc = s
        .cmd("A")
        .args([
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "form",
            "--share-with",
            "B",
            "--clear",
            "resourceType",
            "-",
        ])
        .write_stdin(plain.clone())
        .output()
        .unwrap();
    assert!(enc.status.success(), "{}", stderr_of(&enc));
    let v: Value = serde_json::from_slice(&enc.stdout).unwrap();
    assert_eq!(v["resourceType"], "Observation");
    assert_eq!(v["id"], "bp-1");
    assert!(!String::from_utf8_lossy(&enc.stdout).contains("mmHg"));
    let dec = s
        .cmd("B")
        .args(["entity", "decrypt", "--as", "B", "-"])
        .write_stdin(enc.stdout)
        .output()
        .unwrap();
    assert!(dec.status.success(), "{}", stderr_of(&dec));
    assert_eq!(dec.stdout, plain);
}

#[test]
fn reserved_and_bad_clear_paths_are_refused() {
    let s = Scratch::new();
    for bad in ["kind", "encryptedSelf", "a..b"] {
        let out = s
            .cmd("A")
            .args([
                "entity", "encrypt", "--as", "A", "--kind", "patient", "--clear", bad,
            ])
            .arg(fixture("entities/patient-1234.json"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "--clear {bad}: {}",
            stderr_of(&out)
        );
    }
}

/// A nested path under a reserved name would put a second `kind` (or
/// `format`, ...) into the envelope: a file that no longer opens.
#[test]
fn nested_clear_paths_under_reserved_names_are_refused() {
    let s = Scratch::new();
    let rec = s.write_json(
        "odd.json",
        &serde_json::json!({"id": "k1", "kind": {"a": 1}, "format": {"x": 2}, "delegations": {"d": 3}}),
    );
    for bad in ["kind.a", "format.x", "delegations.d", "encryptedSelf.z"] {
        let out_path = s.path("odd.enc.json");
        let out = s
            .cmd("A")
            .args([
                "entity", "encrypt", "--as", "A", "--kind", "patient", "--clear", bad,
            ])
            .arg(&rec)
            .arg("-o")
            .arg(&out_path)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "--clear {bad}: {}",
            stderr_of(&out)
        );
        assert!(stderr_of(&out).contains("reserves"), "{}", stderr_of(&out));
        assert!(!out_path.exists(), "--clear {bad} wrote an entity");
    }
    // The same record with those fields sealed round-trips.
    let enc = s.path("odd.enc.json");
    let out = s
        .cmd("A")
        .args(["entity", "encrypt", "--as", "A", "--kind", "patient"])
        .arg(&rec)
        .arg("-o")
        .arg(&enc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let out = s
        .cmd("A")
        .args(["entity", "decrypt", "--as", "A"])
        .arg(&enc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let back: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(back, read_json(&rec));
}

#[test]
fn config_file_gives_per_kind_clear_fields() {
    let s = Scratch::new();
    let cfg = s.write_json(
        "config.json",
        &serde_json::json!({"format": "ehrcrypt/config/v1", "clear": {"patient": ["gender"]}}),
    );
    let out = s
        .cmd("A")
        .args([
            "entity", "encrypt", "--as", "A", "--kind", "patient", "--config",
        ])
        .arg(&cfg)
        .arg(fixture("entities/patient-1234.json"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["gender"], "male");
    assert!(v.get("lastName").is_none());
}

#[test]
fn bulk_runs_do_one_rsa_decryption_per_exchange_key_and_are_all_or_nothing() {
    let s = Scratch::new();
    let plain = s.path("plain");
    fs::create_dir(&plain).unwrap();
    for i in 0..30 {
        fs::write(
            plain.join(format!("r{i:02}.json")),
            format!(r#"{{"id": "r{i}", "v": {i}}}"#),
        )
        .unwrap();
    }
    let enc = s.path("enc");
    let out = s
        .cmd("A")
        .args([
            "-v",
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "contact",
            "--share-with",
            "B",
        ])
        .arg(&plain)
        .arg("--out-dir")
        .arg(&enc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fs::read_dir(&enc).unwrap().count(), 30);
    assert!(
        stderr_of(&out).contains("RSA decryptions: 2"),
        "{{AA}} and {{AB}}: {}",
        stderr_of(&out)
    );

    let dec = s.path("dec");
    let out = s
        .cmd("B")
        .args(["-v", "entity", "decrypt", "--as", "B"])
        .arg(&enc)
        .arg("--out-dir")
        .arg(&dec)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("RSA decryptions: 1"),
        "{}",
        stderr_of(&out)
    );
    for i in 0..30 {
        let name = format!("r{i:02}.json");
        // Byte for byte, even for a file without a final newline.
        assert_eq!(
            fs::read(dec.join(&name)).unwrap(),
            fs::read(plain.join(&name)).unwrap()
        );
    }

    // One bad input among many: no output at all, and the bad one is named.
    fs::write(enc.join("r15.enc.json"), b"{\"id\": 1}").unwrap();
    let dec2 = s.path("dec2");
    let out = s
        .cmd("B")
        .args(["entity", "decrypt", "--as", "B"])
        .arg(&enc)
        .arg("--out-dir")
        .arg(&dec2)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("r15.enc.json"),
        "{}",
        stderr_of(&out)
    );
    assert!(
        !dec2.exists(),
        "a new output directory appears whole or not at all"
    );
    let hidden: Vec<_> = fs::read_dir(s.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "no staging left behind: {hidden:?}");

    // Into an existing directory: nothing is added either.
    let dec3 = s.path("dec3");
    fs::create_dir(&dec3).unwrap();
    let out = s
        .cmd("B")
        .args(["entity", "decrypt", "--as", "B"])
        .arg(&enc)
        .arg("--out-dir")
        .arg(&dec3)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        fs::read_dir(&dec3).unwrap().count(),
        0,
        "no partial output, no temp files"
    );
}

#[test]
fn an_existing_output_survives_a_failed_run() {
    let s = Scratch::new();
    let out_file = s.path("out.json");
    fs::write(&out_file, b"previous").unwrap();
    let out = s
        .cmd("C")
        .args(["entity", "decrypt", "--as", "C", "--force", "-o"])
        .arg(&out_file)
        .arg(fixture("entities/patient-1234.enc.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    assert_eq!(fs::read(&out_file).unwrap(), b"previous");
    assert_eq!(
        fs::read_dir(s.dir()).unwrap().count(),
        5,
        "no temp file left behind"
    );
}

#[test]
fn contact_links_to_a_patient_encrypted_in_the_same_run() {
    let s = Scratch::new();
    let p = s.path("p.enc.json");
    let c = s.path("c.enc.json");
    let ok = |o: std::process::Output| assert!(o.status.success(), "{}", stderr_of(&o));
    ok(s.cmd("A")
        .args([
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "patient",
            "--share-with",
            "B",
            "-o",
        ])
        .arg(&p)
        .arg(fixture("entities/patient-1234.json"))
        .output()
        .unwrap());
    ok(s.cmd("A")
        .args([
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "contact",
            "--share-with",
            "B",
            "--parent",
        ])
        .arg(&p)
        .arg("-o")
        .arg(&c)
        .arg(fixture("entities/contact-4567.json"))
        .output()
        .unwrap());
    let out = s
        .cmd("B")
        .args(["entity", "children", "--as", "B"])
        .arg(&p)
        .arg(s.dir())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("4567"));
    // A patient cannot be the parent of a patient.
    let out = s
        .cmd("A")
        .args([
            "entity", "encrypt", "--as", "A", "--kind", "patient", "--parent",
        ])
        .arg(&p)
        .arg(fixture("entities/patient-1234.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sharing_with_an_unverified_key_needs_the_flag_and_warns() {
    let s = Scratch::new();
    let ok = |o: std::process::Output| {
        assert!(o.status.success(), "{}", stderr_of(&o));
        o
    };
    // C's key becomes unverified in A's keystore.
    ok(s.cmd("A").args(["owner", "remove", "C"]).output().unwrap());
    ok(s.cmd("A")
        .args(["owner", "import"])
        .arg(fixture("keys/C.owner.json"))
        .output()
        .unwrap());
    let encrypt = |extra: &[&str]| {
        s.cmd("A")
            .args([
                "entity",
                "encrypt",
                "--as",
                "A",
                "--kind",
                "patient",
                "--share-with",
                "C",
            ])
            .args(extra)
            .arg(fixture("entities/patient-1234.json"))
            .output()
            .unwrap()
    };
    let out = encrypt(&[]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr_of(&out));
    assert!(out.stdout.is_empty());
    let out = ok(encrypt(&["--allow-unverified"]));
    assert!(
        stderr_of(&out).contains("UNVERIFIED"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn directory_inputs_skip_hidden_files_and_leftover_staging_directories() {
    let s = Scratch::new();
    let dir = s.path("in");
    fs::create_dir_all(dir.join(".out.tmp-123-abc")).unwrap();
    fs::create_dir_all(dir.join("sub")).unwrap();
    fs::copy(
        fixture("entities/contact-4567.enc.json"),
        dir.join("sub/c.json"),
    )
    .unwrap();
    // A leftover of a crashed run, and a hidden file: neither is an input.
    fs::write(dir.join(".out.tmp-123-abc/x.json"), b"not an entity").unwrap();
    fs::write(dir.join(".hidden.json"), b"not an entity").unwrap();
    let out = s
        .cmd("B")
        .args(["entity", "decrypt", "--as", "B"])
        .arg(&dir)
        .arg("--out-dir")
        .arg(s.path("out"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let names: Vec<String> = fs::read_dir(s.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["c.json"]);
}
