//! Entity format v2 (issue 12): golden v2 fixtures, an outside reading of
//! docs/FORMAT.md §8.2, what an observer can and cannot learn, the tamper
//! matrix of the new fields, and the upgrade of the v1 fixtures.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::{json, Value};

const NAMES: [&str; 4] = [
    "patient-1234",
    "contact-4567",
    "contact-9999",
    "observation-fhir",
];

/// `ehrcrypt --json ARGS` as `who`, parsed.
fn json_of(s: &Sandbox, who: &str, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    json(&ok(&mut s.ks(who), &all))
}

fn decrypt(s: &Sandbox, who: &str, file: &Path) -> Vec<u8> {
    let f = file.to_str().unwrap();
    ok(&mut s.ks(who), &["entity", "decrypt", "--as", who, f]).stdout
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn golden_v2_entities_decrypt_and_link_as_a_and_b() {
    let s = Sandbox::new();
    for name in NAMES {
        let plain = fs::read(fixture(&format!("entities/{name}.json"))).unwrap();
        let enc = fixture(&format!("entities/{name}.v2.enc.json"));
        assert_eq!(read_json(&enc)["format"], "ehrcrypt/entity/v2");
        for who in ["A", "B"] {
            assert_eq!(decrypt(&s, who, &enc), plain, "{name} as {who}");
        }
        let e = fails(
            &mut s.ks("C"),
            &["entity", "decrypt", "--as", "C", enc.to_str().unwrap()],
            8,
        );
        assert!(!stderr(&e).contains("A, B"), "{}", stderr(&e));
    }
    // Children and parent through the link tag, among v1 and v2 files.
    let dir = fixture("entities");
    let p = fixture("entities/patient-1234.v2.enc.json");
    let kids = json_of(
        &s,
        "B",
        &[
            "entity",
            "children",
            "--as",
            "B",
            p.to_str().unwrap(),
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(ids(&kids), ["4567"]);
    assert!(kids[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("contact-4567.v2.enc.json"));
    let c = fixture("entities/contact-4567.v2.enc.json");
    let parent = json_of(
        &s,
        "B",
        &[
            "entity",
            "parent",
            "--as",
            "B",
            c.to_str().unwrap(),
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(parent.as_array().unwrap().len(), 1, "{parent}");
    assert!(parent[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("patient-1234.v2.enc.json"));
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn unb64(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

/// docs/FORMAT.md §6: u32be length then bytes, for every part.
fn ctx(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(&(p.len() as u32).to_be_bytes());
        out.extend_from_slice(p);
    }
    out
}

fn gcm_open(key: &[u8], sealed: &[u8], aad: &[u8]) -> Vec<u8> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).unwrap();
    let (nonce, ct) = sealed.split_at(12);
    cipher
        .decrypt(nonce.try_into().unwrap(), Payload { msg: ct, aad })
        .expect("opens as FORMAT.md §8.2 says")
}

/// B finds and opens its entry of the golden patient with FORMAT.md and
/// the primitives alone: {AB} (as tests/golden.rs opens it), the
/// access-control secret by HKDF, the lookup key by AES-256, the entry,
/// the directory and encryptedSelf by AES-256-GCM.
#[test]
fn an_independent_reading_of_format_md_finds_and_opens_bs_entry() {
    use aes_gcm::aes::cipher::{BlockCipherEncrypt, KeyInit};
    use ehrcrypt::owner::OwnerId;
    use ehrcrypt::passphrase::PassphraseSource;
    use ehrcrypt::session::Session;

    let ks = read_json(&fixture("keys/B.keystore.json"));
    let record = &owner_json(&ks, "A")["hcPartyKeys"]["B"][0];
    let xid = record["id"].as_str().unwrap();
    let session = Session::open(
        &fixture("keys/B.keystore.json"),
        PassphraseSource::fixed(PASSPHRASE),
    )
    .unwrap();
    let b = OwnerId::new("B").unwrap();
    let a = OwnerId::new("A").unwrap();
    let k_ab = session.exchange_key(&b, &a, &b, xid).unwrap();
    let k_ab = k_ab.expose().to_vec();

    // ACS = HKDF-SHA256(ikm = {AB}, salt = "", info = ctx(label, id, A, B)).
    let info = ctx(&[
        b"ehrcrypt/hcp-key/v2 access-control secret",
        xid.as_bytes(),
        b"A",
        b"B",
    ]);
    let mut acs = [0u8; 32];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(b""), &k_ab)
        .expand(&info, &mut acs)
        .unwrap();

    let e = read_json(&fixture("entities/patient-1234.v2.enc.json"));
    let salt = unhex(e["salt"].as_str().unwrap());
    let block: [u8; 16] = salt.clone().try_into().unwrap();
    let mut block = block.into();
    aes_gcm::aes::Aes256::new(&acs.into()).encrypt_block(&mut block);
    let lookup: [u8; 16] = block.into();
    let lookup_hex: String = lookup.iter().map(|b| format!("{b:02x}")).collect();
    let entry = e["access"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["lookup"] == lookup_hex.as_str())
        .expect("B's lookup key is in access");
    let aad = ctx(&[
        b"ehrcrypt/entity/v2",
        b"entry",
        &salt,
        b"1234",
        b"patient",
        &lookup,
    ]);
    let pt = gcm_open(&k_ab, &unb64(entry["entry"].as_str().unwrap()), &aad);
    // ctx("ehrcrypt/entity/v2 entry", entity key, secret id)
    let label = b"ehrcrypt/entity/v2 entry";
    assert_eq!(&pt[4..4 + label.len()], label);
    let rest = &pt[4 + label.len()..];
    assert_eq!(&rest[..4], &32u32.to_be_bytes());
    let entity_key = &rest[4..36];

    // The directory: key HKDF(entity key, salt, "ehrcrypt/entity/v2 directory").
    let mut dk = [0u8; 32];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(&salt), entity_key)
        .expand(b"ehrcrypt/entity/v2 directory", &mut dk)
        .unwrap();
    let dir = gcm_open(
        &dk,
        &unb64(e["directory"].as_str().unwrap()),
        &ctx(&[
            b"ehrcrypt/entity/v2",
            b"directory",
            &salt,
            b"1234",
            b"patient",
        ]),
    );
    let dir: Value = serde_json::from_slice(&dir).unwrap();
    let pairs: BTreeSet<(String, String)> = dir
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["delegator"].as_str().unwrap().into(),
                i["delegate"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [("A", "A"), ("A", "B")]
            .map(|(x, y)| (x.to_string(), y.to_string()))
            .into()
    );

    // encryptedSelf: ctx(v2, "encryptedSelf", salt, id, kind, canon(clear), link or "").
    let clear = br#"{"address":{"city":"London"},"lastName":"Keats"}"#;
    let aad = ctx(&[
        b"ehrcrypt/entity/v2",
        b"encryptedSelf",
        &salt,
        b"1234",
        b"patient",
        clear,
        b"",
    ]);
    let plain = gcm_open(
        entity_key,
        &unb64(e["encryptedSelf"].as_str().unwrap()),
        &aad,
    );
    assert_eq!(
        plain,
        fs::read(fixture("entities/patient-1234.json")).unwrap()
    );
}

/// Every string in a JSON value, keys included, with the path of its field.
fn strings(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) => out.push((path.to_string(), s.clone())),
        Value::Array(a) => a.iter().for_each(|x| strings(x, path, out)),
        Value::Object(m) => {
            for (k, x) in m {
                out.push((path.to_string(), k.clone()));
                strings(x, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// The observer test of issue 12: 3 hcps (A, B, C), patient P as a data
/// owner, 2 patient records, 10 contacts, shares and a revoke. A program
/// holding every entity file and every owner document, but no key, finds
/// no owner id, fingerprint or exchange-key id in any entity, no value two
/// siblings share, and no lookup key used twice.
#[test]
fn an_observer_learns_no_owner_no_link_and_no_repeated_key() {
    let s = Sandbox::new();
    for who in ["A", "B", "C", "P"] {
        s.keystore(who);
    }
    let plain = |name: &str, v: Value| s.write(&format!("{name}.plain"), v.to_string());
    let enc = |who: &str, kind: &str, input: &Path, out: &str, extra: &[&str]| {
        let mut args = vec!["entity", "encrypt", "--as", who, "--kind", kind];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[input.to_str().unwrap(), "-o", out]);
        ok(&mut s.ks(who), &args);
    };
    fs::create_dir_all(s.path("recs")).unwrap();
    // Patient 1 by A for B; patient 2 by B for C (P is the patient-owner of 1).
    let p1 = plain("p1", json!({"id": "p1", "name": "Keats"}));
    enc("A", "patient", &p1, "recs/p1.json", &["--share-with", "B"]);
    let p2 = plain("p2", json!({"id": "p2", "name": "Shelley"}));
    enc("B", "patient", &p2, "recs/p2.json", &["--share-with", "C"]);
    for i in 0..5 {
        let c = plain(
            &format!("c1-{i}"),
            json!({"id": format!("c1-{i}"), "visit": i}),
        );
        enc(
            "A",
            "contact",
            &c,
            &format!("recs/c1-{i}.json"),
            &["--share-with", "B", "--parent", "recs/p1.json"],
        );
        let c = plain(
            &format!("c2-{i}"),
            json!({"id": format!("c2-{i}"), "visit": i}),
        );
        enc(
            "B",
            "contact",
            &c,
            &format!("recs/c2-{i}.json"),
            &["--share-with", "C", "--parent", "recs/p2.json"],
        );
    }
    ok(
        &mut s.ks("A"),
        &[
            "share",
            "--as",
            "A",
            "--with",
            "C",
            "--with",
            "P",
            "--with-children",
            "recs",
            "recs/p1.json",
        ],
    );
    ok(
        &mut s.ks("A"),
        &[
            "delegation",
            "revoke",
            "--as",
            "A",
            "--from",
            "B",
            "recs/c1-0.json",
        ],
    );

    // What the observer holds besides the entities: every owner document.
    let mut docs = Vec::new();
    for who in ["A", "B", "C", "P"] {
        docs.push(json(&ok(&mut s.ks(who), &["owner", "export", who])));
        for other in ["A", "B", "C", "P"] {
            docs.push(json(&ok(
                &mut s.ks(who),
                &["owner", "export", who, "--for", other],
            )));
        }
    }
    let mut secrets_in_docs = BTreeSet::new(); // fingerprints and exchange-key ids
    for d in &docs {
        for k in d["publicKeys"].as_array().unwrap() {
            secrets_in_docs.insert(k["fingerprint"].as_str().unwrap().to_string());
        }
        for list in d["hcPartyKeys"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            for r in list.as_array().unwrap() {
                secrets_in_docs.insert(r["id"].as_str().unwrap().to_string());
            }
        }
    }
    assert!(secrets_in_docs.len() >= 4 + 6, "{secrets_in_docs:?}");

    let files: Vec<PathBuf> = fs::read_dir(s.path("recs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 12);
    let owners = ["A", "B", "C", "P"];
    let mut lookups = BTreeMap::new();
    let mut values: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let text = fs::read_to_string(f).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["format"], "ehrcrypt/entity/v2");
        for secret in &secrets_in_docs {
            assert!(!text.contains(secret.as_str()), "{}: {secret}", f.display());
            assert!(
                !text.contains(&secret[..16]),
                "{}: {}",
                f.display(),
                &secret[..16]
            );
        }
        let mut all = Vec::new();
        strings(&v, "", &mut all);
        for (path, s) in &all {
            assert!(
                !owners.contains(&s.as_str()),
                "{}: owner id {s} at {path}",
                f.display()
            );
        }
        for a in v["access"].as_array().unwrap() {
            let l = a["lookup"].as_str().unwrap().to_string();
            if let Some(other) = lookups.insert(l.clone(), f.clone()) {
                panic!("lookup {l} in both {} and {}", other.display(), f.display());
            }
        }
        // The values a sibling could share: everything but the format,
        // the kind, field names and the (distinct) ids.
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let kept = all
            .into_iter()
            .filter(|(p, s)| {
                p != ".format"
                    && p != ".kind"
                    && p != ".id"
                    && !["lookup", "entry"].contains(&s.as_str())
                    && !p.is_empty()
            })
            .map(|(_, s)| s)
            .collect();
        values.insert(name, kept);
    }
    let names: Vec<&String> = values.keys().collect();
    for (i, x) in names.iter().enumerate() {
        for y in &names[i + 1..] {
            let shared: Vec<_> = values[*x].intersection(&values[*y]).collect();
            assert!(shared.is_empty(), "{x} and {y} share {shared:?}");
        }
    }
    // The full document of an hcp names none of its patients: A shared
    // with P, yet A's full document has no key for P.
    let a_full = &docs[0];
    assert!(a_full["hcPartyKeys"].get("P").is_none(), "{a_full}");
    assert!(!a_full.to_string().contains("\"P\""));
    // Without keys, list shows only the number of entries.
    let l = json(&ok(
        &mut s.bare(),
        &["--json", "delegation", "list", "recs/p1.json"],
    ));
    assert_eq!(
        (&l[0]["entries"], &l[0]["revealed"]),
        (&json!(4), &json!(false))
    );
    assert_eq!(l[0]["readers"], json!([]));
    // The readers still find what they should, once they hold the
    // documents made for them.
    for from in ["A", "B"] {
        let doc = s.path(&format!("{from}-for-C.json"));
        ok(
            &mut s.ks(from),
            &[
                "owner",
                "export",
                from,
                "--for",
                "C",
                "-o",
                doc.to_str().unwrap(),
            ],
        );
        ok(&mut s.ks("C"), &["owner", "import", doc.to_str().unwrap()]);
    }
    let p1_kids = json_of(
        &s,
        "C",
        &["entity", "children", "--as", "C", "recs/p1.json", "recs"],
    );
    let mut kids = ids(&p1_kids);
    kids.sort();
    assert_eq!(kids, ["c1-0", "c1-1", "c1-2", "c1-3", "c1-4"]);
    fails(
        &mut s.ks("B"),
        &["entity", "decrypt", "--as", "B", "recs/c1-0.json"],
        8,
    );
    assert_eq!(
        json_of(
            &s,
            "B",
            &["delegation", "list", "--as", "B", "recs/c1-1.json"]
        )[0]["readers"],
        json!(["A", "B", "C", "P"])
    );
}

/// A fresh copy of the golden v2 patient and its contact, plus a second
/// contact of the same patient made here (a sibling).
fn tamper_world() -> (Sandbox, Value, Value, Value) {
    let s = Sandbox::new();
    s.keystore("A");
    s.keystore("B");
    let p = read_json(&fixture("entities/patient-1234.v2.enc.json"));
    let c = read_json(&fixture("entities/contact-4567.v2.enc.json"));
    write_json(&s.path("p.json"), &p);
    write_json(&s.path("c.json"), &c);
    let plain = s.write("sib.plain", r#"{"id": "4568", "descr": "a second visit"}"#);
    ok(
        &mut s.ks("A"),
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "contact",
            "--share-with",
            "B",
            "--parent",
            "p.json",
            plain.to_str().unwrap(),
            "-o",
            "sib.json",
        ],
    );
    let sib = read_json(&s.path("sib.json"));
    (s, p, c, sib)
}

fn expect(s: &Sandbox, who: &str, args: &[&str], v: &Value, code: i32) -> String {
    write_json(&s.path("t.json"), v);
    let mut all = args.to_vec();
    all.push("t.json");
    stderr(&fails(&mut s.ks(who), &all, code))
}

const DECRYPT_B: [&str; 4] = ["entity", "decrypt", "--as", "B"];

/// The tamper matrix of the v2 fields: a value moved between entities or
/// between entries, a changed salt, link, id, kind, clear field, directory
/// or encryptedSelf, and an entry removed by someone who cannot read the
/// entity. Decryption fails with exit 5 (integrity) wherever the change
/// reaches what the reader uses; share, revoke and `list --as` also check
/// the directory.
#[test]
fn tamper_matrix_of_the_v2_fields() {
    let (s, p, c, sib) = tamper_world();
    assert_eq!(p["access"].as_array().unwrap().len(), 2);

    // 1. An entry value from another entity put under this one's lookup keys.
    let mut t = c.clone();
    for (i, a) in t["access"].as_array_mut().unwrap().iter_mut().enumerate() {
        a["entry"] = sib["access"][i]["entry"].clone();
    }
    let e = expect(&s, "B", &DECRYPT_B, &t, 5);
    assert!(
        e.contains("access entry") && e.contains("does not authenticate"),
        "{e}"
    );

    // 2. Two entries of one entity swapped (their values under the other key).
    let mut t = p.clone();
    let (x, y) = (
        t["access"][0]["entry"].clone(),
        t["access"][1]["entry"].clone(),
    );
    t["access"][0]["entry"] = y;
    t["access"][1]["entry"] = x;
    expect(&s, "B", &DECRYPT_B, &t, 5);
    expect(&s, "A", &["entity", "decrypt", "--as", "A"], &t, 5);

    // 3. A modified entry byte.
    let mut t = p.clone();
    for a in t["access"].as_array_mut().unwrap() {
        let mut b = unb64(a["entry"].as_str().unwrap());
        b[20] ^= 1;
        use base64::Engine;
        a["entry"] = Value::from(base64::engine::general_purpose::STANDARD.encode(b));
    }
    expect(&s, "B", &DECRYPT_B, &t, 5);

    // 4. The link: changed, removed, or a sibling's.
    for link in [Value::from("00".repeat(32)), sib["link"].clone()] {
        let mut t = c.clone();
        t["link"] = link;
        let e = expect(&s, "B", &DECRYPT_B, &t, 5);
        assert!(e.contains("integrity"), "{e}");
    }
    let mut t = c.clone();
    t.as_object_mut().unwrap().remove("link");
    expect(&s, "B", &DECRYPT_B, &t, 5);

    // 5. The id, the kind, a clear field.
    for (field, value) in [
        ("id", json!("9999")),
        ("kind", json!("form")),
        ("lastName", json!("Shelley")),
    ] {
        let mut t = p.clone();
        t[field] = value;
        expect(&s, "B", &DECRYPT_B, &t, 5);
    }

    // 6. encryptedSelf of another entity (same reader, other key).
    let mut t = c.clone();
    t["encryptedSelf"] = sib["encryptedSelf"].clone();
    expect(&s, "B", &DECRYPT_B, &t, 5);

    // 7. The salt: entries are filed under lookup keys of the old salt, so
    // nobody finds an entry any more (no access, not a silent success).
    let mut t = p.clone();
    t["salt"] = Value::from("11".repeat(16));
    expect(&s, "B", &DECRYPT_B, &t, 8);

    // 8. A directory from another entity, or an entry removed by someone
    // who cannot read the entity: share, revoke and list --as refuse.
    let mut t = c.clone();
    t["directory"] = sib["directory"].clone();
    let e = expect(&s, "A", &["share", "--as", "A", "--with", "C"], &t, 5);
    assert!(e.contains("directory does not authenticate"), "{e}");
    let mut t = p.clone();
    t["access"].as_array_mut().unwrap().pop();
    write_json(&s.path("t.json"), &t);
    // Whoever still has an entry sees the directory disagree; the other
    // has no entry left (exit 8).
    let mut codes = Vec::new();
    for who in ["A", "B"] {
        let out = s
            .ks(who)
            .args(["delegation", "list", "--as", who, "t.json"])
            .output()
            .unwrap();
        let code = out.status.code();
        if code == Some(5) {
            assert!(stderr(&out).contains("disagree"), "{}", stderr(&out));
        }
        codes.push(code);
    }
    codes.sort();
    assert_eq!(
        codes,
        [Some(0), Some(5)],
        "B without entry lists as an observer; A refuses"
    );

    // Nothing above was written back.
    assert_eq!(read_json(&s.path("p.json")), p);
    assert_eq!(read_json(&s.path("c.json")), c);
}

/// `entity upgrade` of the v1 golden fixtures (copies): every party reads
/// what it read before, links resolve, entity keys are kept, a second run
/// changes nothing, and B's upgrade remakes A→A as B→A.
#[test]
fn upgrading_the_v1_fixtures_keeps_every_reader_and_link() {
    let s = Sandbox::new();
    s.keystore("A");
    s.keystore("B");
    fs::create_dir(s.path("recs")).unwrap();
    for name in NAMES {
        fs::copy(
            fixture(&format!("entities/{name}.enc.json")),
            s.path(&format!("recs/{name}.json")),
        )
        .unwrap();
    }
    let out = ok(
        &mut s.ks("A"),
        &["-v", "entity", "upgrade", "--as", "A", "recs"],
    );
    assert!(
        stdout(&out).contains("upgraded to ehrcrypt/entity/v2"),
        "{}",
        stdout(&out)
    );
    // One RSA decryption per exchange key: {AA} (its own entries) and {AB}.
    assert!(
        stderr(&out).contains("RSA decryptions: 2"),
        "{}",
        stderr(&out)
    );
    for name in NAMES {
        let f = s.path(&format!("recs/{name}.json"));
        let v = read_json(&f);
        assert_eq!(v["format"], "ehrcrypt/entity/v2", "{name}");
        assert!(v.get("encryptionKeys").is_none() && v.get("secretForeignKeys").is_none());
        let plain = fs::read(fixture(&format!("entities/{name}.json"))).unwrap();
        for who in ["A", "B"] {
            assert_eq!(decrypt(&s, who, &f), plain, "{name} as {who}");
        }
    }
    assert_eq!(
        ids(&json_of(
            &s,
            "B",
            &[
                "entity",
                "children",
                "--as",
                "B",
                "recs/patient-1234.json",
                "recs"
            ]
        )),
        ["4567"]
    );
    let parent = json_of(
        &s,
        "B",
        &[
            "entity",
            "parent",
            "--as",
            "B",
            "recs/contact-4567.json",
            "recs",
        ],
    );
    assert_eq!(ids(&parent), ["1234"]);
    // Idempotent: v2 files are left as they are, byte for byte.
    let before = fs::read(s.path("recs/patient-1234.json")).unwrap();
    let out = ok(&mut s.ks("A"), &["entity", "upgrade", "--as", "A", "recs"]);
    assert!(stdout(&out).contains("already v2, unchanged"));
    assert_eq!(fs::read(s.path("recs/patient-1234.json")).unwrap(), before);

    // Upgraded by B instead: B cannot carry A→A over, so remakes it as B→A.
    let t = Sandbox::new();
    t.keystore("B");
    fs::copy(fixture("entities/patient-1234.enc.json"), t.path("p.json")).unwrap();
    let out = ok(
        &mut t.ks("B"),
        &["entity", "upgrade", "--as", "B", "p.json"],
    );
    assert!(
        stderr(&out).contains("A can read it after importing B's owner document"),
        "{}",
        stderr(&out)
    );
    let pairs = json_of(&t, "B", &["delegation", "list", "--as", "B", "p.json"]);
    let pairs: BTreeSet<(String, String)> = pairs[0]["roles"]["access"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["delegator"].as_str().unwrap().into(),
                i["delegate"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [("A", "B"), ("B", "A")]
            .map(|(x, y)| (x.to_string(), y.to_string()))
            .into()
    );
}

/// v1 files keep being shared and revoked as v1.
#[test]
fn v1_files_stay_v1_when_shared_and_revoked() {
    let s = Sandbox::new();
    s.keystore("A");
    fs::copy(fixture("entities/patient-1234.enc.json"), s.path("p.json")).unwrap();
    ok(
        &mut s.ks("A"),
        &["share", "--as", "A", "--with", "C", "p.json"],
    );
    let v = read_json(&s.path("p.json"));
    assert_eq!(v["format"], "ehrcrypt/entity/v1");
    assert!(v["encryptionKeys"]["C"].is_array());
    let l = json(&ok(
        &mut s.bare(),
        &["--json", "delegation", "list", "p.json"],
    ));
    assert_eq!(l[0]["readers"], json!(["A", "B", "C"]));
    ok(
        &mut s.ks("A"),
        &[
            "delegation",
            "revoke",
            "--as",
            "A",
            "--from",
            "C",
            "--rekey",
            "p.json",
        ],
    );
    let v = read_json(&s.path("p.json"));
    assert_eq!(v["format"], "ehrcrypt/entity/v1");
    assert_eq!(
        decrypt(&s, "A", &s.path("p.json")),
        fs::read(fixture("entities/patient-1234.json")).unwrap()
    );
}
