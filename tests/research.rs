//! `ehrcrypt research`: clinic A publishes a study, grants researcher C
//! through 2-of-3 proxies that hold no key, C opens it; forgeries,
//! thresholds, revocation and pseudonyms.
#![cfg(feature = "research")]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const BUNDLE: &str = "research/clinic-bundle.json";

/// Every direct identifier in the fixture bundle.
const IDENTIFIERS: [&str; 20] = [
    "Keats",
    "John",
    "Brawne",
    "Fanny",
    "999-12-3456",
    "MRN-554433",
    "7946",
    "jkeats",
    "Hampstead",
    "Grove",
    "NW3",
    "Wentworth",
    "Jennings",
    "George",
    "Abernethy",
    "1795-10-31",
    "1800-08-09",
    "pat-keats",
    "pat-brawne",
    "7d9d3e52",
];

struct Study {
    sb: Sandbox,
    dir: PathBuf,
}

impl Study {
    /// C publishes its research key; A imports C's document; A publishes.
    fn new() -> Self {
        let sb = Sandbox::new();
        ok(&mut sb.ks("C"), &["research", "init", "--as", "C"]);
        let doc = sb.path("C.owner.json");
        ok(
            &mut sb.ks("C"),
            &["owner", "export", "C", "-o", doc.to_str().unwrap()],
        );
        ok(&mut sb.ks("A"), &["owner", "import", doc.to_str().unwrap()]);
        let dir = sb.path("study");
        let s = Study { sb, dir };
        s.publish("s1", &fixture(BUNDLE), &s.dir.clone());
        s
    }

    fn d(&self) -> &str {
        self.dir.to_str().unwrap()
    }

    fn publish(&self, study: &str, input: &Path, dir: &Path) -> Value {
        json(&ok(
            &mut self.sb.ks("A"),
            &[
                "--json",
                "research",
                "publish",
                "--as",
                "A",
                "--study",
                study,
                input.to_str().unwrap(),
                "--out",
                dir.to_str().unwrap(),
            ],
        ))
    }

    fn grant(&self, to: &str, m: u32, n: u32, out: &str) -> Vec<PathBuf> {
        let out = self.sb.path(out);
        let r = json(&ok(
            &mut self.sb.ks("A"),
            &[
                "--json",
                "research",
                "grant",
                "--as",
                "A",
                "--to",
                to,
                "--study",
                "s1",
                "--threshold",
                &m.to_string(),
                "--proxies",
                &n.to_string(),
                self.d(),
                "--out-dir",
                out.to_str().unwrap(),
            ],
        ));
        r["fragments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| PathBuf::from(f.as_str().unwrap()))
            .collect()
    }

    /// A 1-of-1 grant of study s1 to `to` into `frags/`, as it ends.
    fn try_grant(&self, to: &str) -> std::process::Output {
        self.sb
            .ks("A")
            .args([
                "research", "grant", "--as", "A", "--to", to, "--study", "s1",
            ])
            .arg(&self.dir)
            .arg("--out-dir")
            .arg(self.sb.path("frags"))
            .output()
            .unwrap()
    }

    /// The proxy runs with no keystore and no passphrase at all.
    fn proxy(&self, fragment: &Path) -> std::process::Output {
        self.sb
            .bare()
            .args(["research", "proxy", "--fragment"])
            .arg(fragment)
            .arg(&self.dir)
            .output()
            .unwrap()
    }

    fn open(&self, who: &str, out: &str) -> std::process::Output {
        self.sb
            .ks(who)
            .args([
                "--json",
                "research",
                "open",
                "--as",
                who,
                self.d(),
                "--out-dir",
            ])
            .arg(self.sb.path(out))
            .output()
            .unwrap()
    }
}

fn all_text(dir: &Path) -> String {
    let mut s = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                s.push_str(&String::from_utf8_lossy(&fs::read(&p).unwrap()));
            }
        }
    }
    s
}

/// Whether `id` occurs in `text`. A short one (under 6 characters) must
/// stand as a word of its own, as a value of a record would (in quotes,
/// after a space), not inside a run of base64 or hex, where "NW3" or
/// "7946" turns up by chance (once in ~65,000 hex digits for "7946") among
/// the ciphertexts, digests and ids a study directory holds.
fn has_word(text: &str, id: &str) -> bool {
    if id.len() >= 6 {
        return text.contains(id);
    }
    let encoded = |c: char| c.is_ascii_alphanumeric() || "+/_-=".contains(c);
    text.match_indices(id).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + id.len()..].chars().next();
        !before.is_some_and(encoded) && !after.is_some_and(encoded)
    })
}

fn opened(dir: &Path) -> Vec<Value> {
    let mut v: Vec<Value> = fs::read_dir(dir)
        .unwrap()
        .map(|e| read_json(&e.unwrap().path()))
        .collect();
    v.sort_by_key(|m| m["health-data"]["entry"].as_array().unwrap().len());
    v
}

#[test]
fn two_of_three_proxies_re_encrypt_for_the_researcher_who_opens_pseudonymised_fhir() {
    let s = Study::new();
    let frags = s.grant("C", 2, 3, "frags");
    assert_eq!(frags.len(), 3);
    #[cfg(unix)]
    assert_eq!(mode(&frags[0]), 0o600);
    for f in &frags[..2] {
        let out = s.proxy(f);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = s.open("C", "data");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["opened"], 2);

    let msgs = opened(&s.sb.path("data"));
    assert_eq!(msgs.len(), 2);
    // Brawne: Patient + AllergyIntolerance; Keats: Patient, Encounter, Observation, Condition.
    let keats = &msgs[1];
    let entries = keats["health-data"]["entry"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    let pseudo = keats["citizen-pseudo"].as_str().unwrap();
    assert!(pseudo.starts_with("psn-"));
    let patient = &entries[0]["resource"];
    assert_eq!(patient["id"], pseudo);
    assert_eq!(patient["birthDate"], "1795");
    let obs = &entries[2]["resource"];
    assert_eq!(obs["subject"]["reference"], format!("Patient/{pseudo}"));
    assert_eq!(obs["valueQuantity"]["value"], 7.2);
    // The encounter reference (a urn:uuid fullUrl) follows the encounter's pseudonym.
    assert_eq!(
        obs["encounter"]["reference"],
        format!(
            "Encounter/{}",
            entries[1]["resource"]["id"].as_str().unwrap()
        )
    );
    assert_eq!(
        entries[3]["resource"]["evidence"][0]["detail"][0]["reference"],
        format!("Observation/{}", obs["id"].as_str().unwrap())
    );

    // No direct identifier of the input survives anywhere C received.
    let text = all_text(&s.sb.path("data"));
    for id in IDENTIFIERS {
        assert!(!has_word(&text, id), "{id} reached the researcher");
    }
    // Nor anywhere in the study directory a host or proxy sees.
    let host = all_text(&s.dir);
    for id in IDENTIFIERS {
        assert!(
            !has_word(&host, id),
            "{id} is visible in the study directory"
        );
    }
}

#[test]
fn one_proxy_alone_cannot_help_the_researcher() {
    let s = Study::new();
    let frags = s.grant("C", 2, 3, "frags");
    assert!(s.proxy(&frags[0]).status.success());
    let out = s.open("C", "data");
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(!s.sb.path("data").exists(), "nothing is written");
}

#[test]
fn a_researcher_without_a_grant_opens_nothing() {
    let s = Study::new();
    let frags = s.grant("C", 1, 1, "frags");
    assert!(s.proxy(&frags[0]).status.success());
    let out = s.open("B", "data");
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
}

#[test]
fn grants_go_only_to_research_keys_signed_by_a_verified_key() {
    let s = Study::new();
    let a = s.sb.keystore("A");
    s.sb.unverify(&a, "C");
    // The fixture document has no research key: import C's again, unverified.
    ok(
        &mut s.sb.ks("A"),
        &[
            "owner",
            "import",
            s.sb.path("C.owner.json").to_str().unwrap(),
        ],
    );
    let out = s.try_grant("C");
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(!s.sb.path("frags").exists());
    // B never published a research key: not found.
    let out = s.try_grant("B");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

/// Flips one bit in the middle of a base64 field (in Umbral's points and
/// scalars, not in the trailing signature a later party checks).
fn flip_field(path: &Path, field: &str) {
    let mut v = read_json(path);
    let text = v[field].as_str().unwrap().to_string();
    let mut bytes = base64_decode(&text);
    let n = bytes.len() / 2;
    bytes[n] ^= 1;
    v[field] = Value::String(base64_encode(&bytes));
    write_json(path, &v);
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[test]
fn a_forged_fragment_or_capsule_is_refused() {
    let s = Study::new();
    let frags = s.grant("C", 1, 2, "frags");
    flip_field(&frags[0], "kfrag");
    let out = s.proxy(&frags[0]);
    assert!(
        matches!(out.status.code(), Some(5) | Some(6)),
        "{:?} {}",
        out.status.code(),
        stderr(&out)
    );
    assert!(!s.dir.join("cfrags").exists(), "nothing written");

    // A genuine key fragment of another study, pasted into this one's file.
    s.publish("s2", &fixture(BUNDLE), &s.sb.path("study2"));
    let other = s.sb.path("frags-other");
    ok(
        &mut s.sb.ks("A"),
        &[
            "research",
            "grant",
            "--as",
            "A",
            "--to",
            "C",
            "--study",
            "s2",
            s.sb.path("study2").to_str().unwrap(),
            "--out-dir",
            other.to_str().unwrap(),
        ],
    );
    let other = fs::read_dir(&other)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut v = read_json(&frags[1]);
    v["kfrag"] = read_json(&other)["kfrag"].clone();
    let forged = s.sb.path("forged.json");
    write_json(&forged, &v);
    let out = s.proxy(&forged);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));

    // A record whose capsule was swapped for another record's.
    let records: Vec<PathBuf> = fs::read_dir(s.dir.join("records"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let mut a = read_json(&records[0]);
    let b = read_json(&records[1]);
    a["capsule"] = b["capsule"].clone();
    write_json(&records[0], &a);
    let out = s.proxy(&frags[1]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
}

#[test]
fn a_forged_capsule_fragment_is_refused_by_the_researcher() {
    let s = Study::new();
    let frags = s.grant("C", 1, 1, "frags");
    assert!(s.proxy(&frags[0]).status.success());
    let cf = fs::read_dir(s.dir.join("cfrags"))
        .unwrap()
        .flat_map(|g| fs::read_dir(g.unwrap().path()).unwrap())
        .flat_map(|i| fs::read_dir(i.unwrap().path()).unwrap())
        .map(|e| e.unwrap().path())
        .next()
        .unwrap();
    flip_field(&cf, "cfrag");
    let out = s.open("C", "data");
    assert!(
        matches!(out.status.code(), Some(5) | Some(6)),
        "{:?} {}",
        out.status.code(),
        stderr(&out)
    );
    assert!(!s.sb.path("data").exists());
}

#[test]
fn a_tampered_study_document_is_refused() {
    let s = Study::new();
    let p = s.dir.join("study.json");
    let mut v = read_json(&p);
    v["owner"] = "B".into();
    write_json(&p, &v);
    let out = s.open("C", "data");
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
}

#[test]
fn pseudonyms_are_stable_within_a_study_and_differ_across_studies() {
    let s = Study::new();
    let first = s.publish("s1", &fixture(BUNDLE), &s.dir.clone());
    let again = s.publish("s1", &fixture(BUNDLE), &s.dir.clone());
    let other = s.publish("s2", &fixture(BUNDLE), &s.sb.path("study2"));
    let names = |v: &Value| -> Vec<String> {
        v["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["pseudonym"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&first), names(&again));
    for p in names(&first) {
        assert!(!names(&other).contains(&p));
    }
    assert_eq!(
        first["skipped"], 1,
        "the practitioner belongs to no patient"
    );
    // Only the clinic maps a pseudonym back.
    let p = names(&first)[0].clone();
    let out = ok(
        &mut s.sb.ks("A"),
        &[
            "research",
            "reidentify",
            "--as",
            "A",
            "--study",
            "s1",
            s.d(),
            &p,
        ],
    );
    assert_eq!(stdout(&out).trim(), "pat-keats");
    let out =
        s.sb.ks("C")
            .args([
                "research",
                "reidentify",
                "--as",
                "C",
                "--study",
                "s1",
                s.d(),
                &p,
            ])
            .output()
            .unwrap();
    assert!(!out.status.success());
    assert!(!stdout(&out).contains("pat-keats"));
}

#[test]
fn revoke_destroys_fragments_and_keeps_new_records_out_of_reach() {
    let s = Study::new();
    let frags = s.grant("C", 1, 1, "frags");
    assert!(s.proxy(&frags[0]).status.success());
    let out = ok(
        &mut s.sb.ks("A"),
        &[
            "--json",
            "research",
            "revoke",
            "--as",
            "A",
            "--from",
            "C",
            "--study",
            "s1",
            s.d(),
        ],
    );
    assert_eq!(json(&out)["epoch"], 1);
    assert!(!s.dir.join("cfrags").read_dir().unwrap().any(|_| true));
    // The proxy learns of the revocation from the study and destroys its fragment.
    let out = s.proxy(&frags[0]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(!frags[0].exists(), "the revoked fragment was destroyed");
    // A new record goes to epoch 1; a copy of the old fragment cannot reach it.
    let r = s.publish("s1", &fixture(BUNDLE), &s.dir.clone());
    assert_eq!(r["epoch"], 1);
}

#[test]
fn the_proxy_holds_nothing_that_decrypts() {
    let s = Study::new();
    let frags = s.grant("C", 1, 1, "frags");
    let out = s.proxy(&frags[0]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Its inputs and outputs carry no plaintext and no symmetric key; the
    // researcher's private key is needed on top (see the first test).
    let seen = all_text(&s.dir) + &all_text(&s.sb.path("frags"));
    for needle in [
        "Hemoglobin",
        "Tuberculosis",
        "health-data",
        "citizen-pseudo",
    ] {
        assert!(!seen.contains(needle), "{needle} is visible to the proxy");
    }
}

#[test]
fn publish_reads_entities_the_clinic_can_decrypt() {
    let s = Study::new();
    let bundle = read_json(&fixture(BUNDLE));
    let patient = s.sb.path("keats.json");
    write_json(&patient, &bundle["entry"][0]["resource"]);
    let obs = s.sb.path("hba1c.json");
    write_json(&obs, &bundle["entry"][2]["resource"]);
    for (f, kind) in [(&patient, "patient"), (&obs, "form")] {
        let out = f.with_extension("enc.json");
        ok(
            &mut s.sb.ks("A"),
            &[
                "entity",
                "encrypt",
                "--as",
                "A",
                "--kind",
                kind,
                f.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ],
        );
    }
    let r = s.publish("s3", &s.sb.path("keats.enc.json"), &s.sb.path("study3"));
    assert_eq!(r["records"][0]["resources"], 1);
    let r = s.publish("s3", &s.sb.path("hba1c.enc.json"), &s.sb.path("study3"));
    // Same study, same patient: the same pseudonym across publications.
    assert_eq!(r["records"][0]["resources"], 1);
    assert!(r["records"][0]["pseudonym"]
        .as_str()
        .unwrap()
        .starts_with("psn-"));
    // Someone who cannot decrypt the entity cannot publish it.
    let out =
        s.sb.ks("C")
            .args(["research", "publish", "--as", "C", "--study", "x"])
            .arg(s.sb.path("keats.enc.json"))
            .arg("--out")
            .arg(s.sb.path("study4"))
            .output()
            .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
}
