//! `ehrcrypt fhir import|export` (issue 15): round trips, patient links,
//! sharing, and bad input.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

const BUNDLES: [&str; 5] = [
    "collection.json",
    "transaction.json",
    "searchset.json",
    "document.json",
    "batch.json",
];

fn fhir(rel: &str) -> PathBuf {
    fixture(&format!("fhir/{rel}"))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// `ehrcrypt [FLAGS] fhir import --as A INPUT --out-dir DIR`, which must succeed.
fn import(sb: &Sandbox, flags: &[&str], input: &str, dir: &str) -> std::process::Output {
    let mut args = flags.to_vec();
    args.extend(["fhir", "import", "--as", "A", input, "--out-dir", dir]);
    ok(&mut sb.ks("A"), &args)
}

/// The entity file in `dir` whose clear id is `id`.
fn entity_with_id(dir: &Path, id: &str) -> PathBuf {
    fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").path())
        .find(|p| read_json(p)["id"] == id)
        .unwrap_or_else(|| panic!("no entity {id} in {}", dir.display()))
}

#[test]
fn every_bundle_type_comes_back_byte_for_byte() {
    let sb = Sandbox::new();
    for name in BUNDLES {
        let dir = sb.path(&format!("{name}.enc"));
        let out = sb.path(&format!("{name}.out"));
        import(&sb, &[], s(&fhir(name)), s(&dir));
        ok(
            &mut sb.ks("A"),
            &["fhir", "export", "--as", "A", s(&dir), "-o", s(&out)],
        );
        let input = fs::read(fhir(name)).unwrap();
        let output = fs::read(&out).unwrap();
        assert!(
            input == output,
            "{name}: the export differs from the input:\n{}",
            String::from_utf8_lossy(&output)
        );
        // Decimal precision survives (FHIR: 5.80 is not 5.8).
        if name == "collection.json" {
            assert!(String::from_utf8_lossy(&output).contains("\"value\": 5.80,"));
        }
    }
}

#[test]
fn a_compact_bundle_comes_back_with_the_same_members_in_the_same_order() {
    let sb = Sandbox::new();
    let compact = fs::read_to_string(fhir("transaction.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&compact).unwrap();
    let input = sb.write("tx.json", serde_json::to_string(&v).unwrap());
    import(&sb, &[], s(&input), s(&sb.path("tx")));
    let out = ok(
        &mut sb.ks("A"),
        &["fhir", "export", "--as", "A", s(&sb.path("tx"))],
    );
    // serde_json's maps compare regardless of order: compare the texts.
    let back: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        serde_json::to_string(&back).unwrap(),
        serde_json::to_string(&v).unwrap()
    );
}

#[test]
fn ndjson_files_come_back_line_for_line() {
    let sb = Sandbox::new();
    let names = [
        "Patient",
        "Encounter",
        "Observation",
        "Condition",
        "Practitioner",
    ];
    let mut args = vec![
        "fhir".to_string(),
        "import".into(),
        "--as".into(),
        "A".into(),
    ];
    let mut expected = Vec::new();
    for n in names {
        let p = fhir(&format!("bulk/{n}.ndjson"));
        expected.extend(fs::read(&p).unwrap());
        args.push(s(&p).to_string());
    }
    args.extend(["--out-dir".into(), s(&sb.path("bulk")).to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&mut sb.ks("A"), &args);
    let out = ok(
        &mut sb.ks("A"),
        &[
            "fhir",
            "export",
            "--as",
            "A",
            s(&sb.path("bulk")),
            "--ndjson",
        ],
    );
    assert!(out.stdout == expected, "{}", stdout(&out));
}

#[test]
fn compartment_members_are_the_patients_children_and_names_reveal_nothing() {
    let sb = Sandbox::new();
    let dir = sb.path("rec");
    let out = import(&sb, &["--json"], s(&fhir("collection.json")), s(&dir));
    let report = json(&out);
    assert_eq!(report["imported"], 18);
    assert_eq!(report["patients"], 2);
    // All but the practitioner and the organisation.
    assert_eq!(report["linked"], 14);
    let keats = entity_with_id(&dir, "Patient/pat-keats");
    assert_eq!(read_json(&keats)["kind"], "patient");
    let out = ok(
        &mut sb.ks("A"),
        &[
            "--json",
            "entity",
            "children",
            "--as",
            "A",
            s(&keats),
            s(&dir),
        ],
    );
    let mut ids: Vec<String> = json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "AllergyIntolerance/allergy-1",
            "Communication/comm-1",
            "Condition/cond-anaemia",
            "Condition/cond-tb",
            "DiagnosticReport/report-1",
            "Encounter/enc-1",
            "Encounter/enc-2",
            "MedicationRequest/medreq-1",
            "Observation/obs-bp",
            "Observation/obs-glucose",
            "Observation/obs-hb",
            "Task/task-1",
        ]
    );
    let enc = entity_with_id(&dir, "Encounter/enc-1");
    assert_eq!(read_json(&enc)["kind"], "contact");
    assert_eq!(
        read_json(&entity_with_id(&dir, "Condition/cond-tb"))["kind"],
        "health-element"
    );
    assert!(read_json(&entity_with_id(&dir, "Practitioner/dr-hunt"))
        .get("secretForeignKeys")
        .is_none());
    for e in fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(name.len(), 32 + ".enc.json".len(), "{name}");
        assert!(name.ends_with(".enc.json"));
        let text = fs::read_to_string(&p).unwrap();
        for secret in ["Keats", "Tuberculosis", "rifampicin", "5.80", "example.org"] {
            assert!(!text.contains(secret), "{name} shows {secret}");
        }
    }
}

#[test]
fn a_colleague_given_the_patient_with_children_exports_that_compartment() {
    let sb = Sandbox::new();
    let dir = sb.path("rec");
    import(&sb, &[], s(&fhir("collection.json")), s(&dir));
    // Before sharing, B reads nothing.
    let out = ok(
        &mut sb.ks("B"),
        &[
            "--json",
            "fhir",
            "export",
            "--as",
            "B",
            s(&dir),
            "-o",
            s(&sb.path("none.json")),
        ],
    );
    assert_eq!(json(&out)["exported"], 0);
    assert_eq!(json(&out)["noAccess"], 19);
    let keats = entity_with_id(&dir, "Patient/pat-keats");
    ok(
        &mut sb.ks("A"),
        &[
            "share",
            "--as",
            "A",
            "--with",
            "B",
            "--with-children",
            s(&dir),
            s(&keats),
        ],
    );
    let out = ok(&mut sb.ks("B"), &["fhir", "export", "--as", "B", s(&dir)]);
    let bundle: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(bundle["type"], "collection");
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries.len(), 13);
    assert_eq!(
        entries[0]["fullUrl"],
        "http://example.org/fhir/Patient/pat-keats"
    );
    assert!(entries.iter().all(|e| e.get("search").is_none()));
    let text = stdout(&out);
    assert!(!text.contains("Shelley") && !text.contains("Leigh"));
    // --patient: the same compartment, for A too.
    let out = ok(
        &mut sb.ks("A"),
        &[
            "fhir",
            "export",
            "--as",
            "A",
            s(&dir),
            "--patient",
            "pat-keats",
            "--ndjson",
        ],
    );
    assert_eq!(stdout(&out).lines().count(), 13);
    fails(
        &mut sb.ks("A"),
        &[
            "fhir",
            "export",
            "--as",
            "A",
            s(&dir),
            "--patient",
            "nobody",
        ],
        3,
    );
}

#[test]
fn transaction_urn_uuid_references_link_the_patient() {
    let sb = Sandbox::new();
    let dir = sb.path("tx");
    let out = import(&sb, &["--json"], s(&fhir("transaction.json")), s(&dir));
    assert_eq!(json(&out)["linked"], 3);
    assert_eq!(json(&out)["danglingReferences"], 0);
    let patient = entity_with_id(&dir, "urn:uuid:7c1a8f1e-3d2b-4c59-9a64-0d2f0f5d9a01");
    let out = ok(
        &mut sb.ks("A"),
        &["entity", "children", "--as", "A", s(&patient), s(&dir)],
    );
    assert_eq!(stdout(&out).lines().count(), 3);
}

#[test]
fn bad_input_is_one_line_with_file_and_entry_and_nothing_is_written() {
    let sb = Sandbox::new();
    let cases: [(&str, &str, &str, i32); 5] = [
        ("notfhir.json", r#"{"hello": "world"}"#, "not FHIR JSON", 6),
        ("array.json", "[1, 2]", "not FHIR JSON", 6),
        (
            "noresource.json",
            r#"{"resourceType": "Bundle", "type": "transaction", "entry": [{"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient"}}, {"request": {"method": "DELETE", "url": "Patient/9"}}]}"#,
            "entry 1: the entry has no resource",
            6,
        ),
        (
            "dup.json",
            r#"{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Patient", "id": "p"}}, {"resource": {"resourceType": "Observation", "id": "o"}}, {"resource": {"resourceType": "Patient", "id": "p"}}]}"#,
            "entry 2 (Patient/p): duplicate id: also at",
            6,
        ),
        (
            "broken.json",
            r#"{"resourceType": "Bundle", "#,
            "truncated",
            6,
        ),
    ];
    for (name, text, msg, code) in cases {
        let p = sb.write(name, text);
        let out_dir = sb.path(&format!("{name}.out"));
        let out = fails(
            &mut sb.ks("A"),
            &[
                "fhir",
                "import",
                "--as",
                "A",
                s(&p),
                "--out-dir",
                s(&out_dir),
            ],
            code,
        );
        let err = stderr(&out);
        assert!(err.contains(msg) && err.contains(name), "{name}: {err}");
        assert_eq!(
            err.lines().filter(|l| l.contains("error:")).count(),
            1,
            "{err}"
        );
        assert!(!out_dir.exists(), "{name}: output written");
    }
    // Nothing is left in an existing directory either.
    let existing = sb.path("existing");
    fs::create_dir(&existing).unwrap();
    let dup = sb.path("dup.json");
    fails(
        &mut sb.ks("A"),
        &[
            "fhir",
            "import",
            "--as",
            "A",
            s(&fhir("batch.json")),
            s(&dup),
            "--out-dir",
            s(&existing),
        ],
        6,
    );
    assert_eq!(fs::read_dir(&existing).unwrap().count(), 0);
}

#[test]
fn a_huge_ndjson_line_is_refused_after_a_bounded_read() {
    let sb = Sandbox::new();
    let p = sb.path("huge.ndjson");
    fs::write(&p, b"{\"resourceType\":\"Patient\",\"id\":\"a\"}\n").unwrap();
    // A sparse file: a 65 MiB second line of zero bytes, no newline.
    let f = fs::OpenOptions::new().append(true).open(&p).unwrap();
    f.set_len(65 << 20).unwrap();
    let out = fails(
        &mut sb.ks("A"),
        &[
            "fhir",
            "import",
            "--as",
            "A",
            s(&p),
            "--out-dir",
            s(&sb.path("o")),
        ],
        6,
    );
    assert!(
        stderr(&out).contains("huge.ndjson: line 2: longer than 64 MiB"),
        "{}",
        stderr(&out)
    );
    assert!(!sb.path("o").exists());
}

#[test]
fn dangling_references_are_kept_and_listed_with_v() {
    let sb = Sandbox::new();
    let out = import(&sb, &["-v"], s(&fhir("searchset.json")), s(&sb.path("ss")));
    let err = stderr(&out);
    assert!(
        err.contains("searchset.json: entry 0 (Observation/obs-hb): reference \"Patient/pat-keats\" is not in the input (kept as it is)"),
        "{err}"
    );
    let back = ok(
        &mut sb.ks("A"),
        &["fhir", "export", "--as", "A", s(&sb.path("ss"))],
    );
    assert!(back.stdout == fs::read(fhir("searchset.json")).unwrap());
}

#[test]
fn export_refuses_to_replace_a_file_without_force_and_writes_0600() {
    let sb = Sandbox::new();
    let dir = sb.path("b");
    import(&sb, &[], s(&fhir("batch.json")), s(&dir));
    let out = sb.write("out.json", "keep me");
    fails(
        &mut sb.ks("A"),
        &["fhir", "export", "--as", "A", s(&dir), "-o", s(&out)],
        7,
    );
    assert_eq!(fs::read_to_string(&out).unwrap(), "keep me");
    ok(
        &mut sb.ks("A"),
        &[
            "fhir",
            "export",
            "--as",
            "A",
            s(&dir),
            "-o",
            s(&out),
            "--force",
        ],
    );
    assert_eq!(
        fs::read(&out).unwrap(),
        fs::read(fhir("batch.json")).unwrap()
    );
    #[cfg(unix)]
    assert_eq!(mode(&out), 0o600);
}

#[test]
fn stdin_takes_a_bundle_or_ndjson() {
    let sb = Sandbox::new();
    ok(
        sb.ks("A")
            .pipe_stdin(fhir("bulk/Observation.ndjson"))
            .unwrap(),
        &[
            "fhir",
            "import",
            "--as",
            "A",
            "-",
            "--out-dir",
            s(&sb.path("o")),
        ],
    );
    let out = ok(
        &mut sb.ks("A"),
        &["fhir", "export", "--as", "A", s(&sb.path("o")), "--ndjson"],
    );
    assert!(out.stdout == fs::read(fhir("bulk/Observation.ndjson")).unwrap());
}

#[test]
fn golden_v1_entities_still_export_as_their_bundle() {
    let sb = Sandbox::new();
    let golden = fhir("batch.entities-v1");
    for who in ["A", "B"] {
        let out = ok(
            &mut sb.ks(who),
            &["fhir", "export", "--as", who, s(&golden)],
        );
        assert!(
            out.stdout == fs::read(fhir("batch.json")).unwrap(),
            "{who}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn other_entities_in_the_directory_are_skipped() {
    let sb = Sandbox::new();
    let dir = sb.path("mixed");
    import(&sb, &[], s(&fhir("batch.json")), s(&dir));
    let record = sb.write("note.json", r#"{"id": "n1", "text": "not FHIR"}"#);
    ok(
        &mut sb.ks("A"),
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "form",
            s(&record),
            "-o",
            s(&dir.join("note.enc.json")),
        ],
    );
    let out = ok(
        &mut sb.ks("A"),
        &[
            "--json",
            "fhir",
            "export",
            "--as",
            "A",
            s(&dir),
            "-o",
            s(&sb.path("out.json")),
        ],
    );
    assert_eq!(json(&out)["skipped"], 1);
    assert_eq!(json(&out)["bundleRestored"], true);
    assert_eq!(
        fs::read(sb.path("out.json")).unwrap(),
        fs::read(fhir("batch.json")).unwrap()
    );
}
