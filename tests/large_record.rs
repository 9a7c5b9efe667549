//! Large records (issue 13, docs/FORMAT.md §8.4): a record over 1 MiB
//! written to a local file is detached into a sidecar stream; it reads
//! back every way, share/revoke/list/children/parent never open it, a
//! rekey re-encrypts it crash-safely, and a missing, damaged or foreign
//! sidecar fails naming the file with nothing written.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const THRESHOLD: usize = 1 << 20;

/// A JSON record of exactly `n` bytes (n ≥ 64).
fn record(id: &str, n: usize, seed: u8) -> Vec<u8> {
    let head = format!(r#"{{"id": "{id}", "resourceType": "Bundle", "data": ""#);
    let tail = "\"}";
    let fill = n - head.len() - tail.len();
    let mut v = head.into_bytes();
    v.extend((0..fill).map(|i| b'a' + ((i as u8).wrapping_mul(7).wrapping_add(seed)) % 26));
    v.extend_from_slice(tail.as_bytes());
    assert_eq!(v.len(), n);
    v
}

fn encrypt(s: &Sandbox, out: &str, plain: &[u8], extra: &[&str]) {
    let src = s.write(&format!("{out}.plain"), plain);
    let mut args = extra.to_vec();
    args.extend([src.to_str().unwrap(), "-o", out]);
    let done = encrypt_cmd(s, &args, None);
    assert!(done.status.success(), "{args:?}: {}", stderr(&done));
}

/// The sidecar of the detached record of `entity`.
fn detached(s: &Sandbox, entity: &str) -> PathBuf {
    let e: Value = read_json(&s.path(entity));
    let id = e["detachedSelf"]["id"].as_str().expect("detachedSelf");
    s.path(&format!("{entity}.{id}.ehrat"))
}

fn decrypt(s: &Sandbox, who: &str, entity: &str) -> std::process::Output {
    s.ks(who)
        .args(["entity", "decrypt", "--as", who, entity])
        .output()
        .unwrap()
}

fn stamp(p: &Path) -> (u64, std::time::SystemTime, [u8; 32]) {
    let m = fs::metadata(p).unwrap();
    (
        m.len(),
        m.modified().unwrap(),
        ehrcrypt::crypto::sha256(&fs::read(p).unwrap()),
    )
}

#[test]
fn records_over_the_threshold_are_detached_and_read_back_every_way() {
    let s = Sandbox::new();
    // At the threshold: inline. One byte more: detached.
    let at = record("r1", THRESHOLD, 1);
    encrypt(&s, "at.json", &at, &[]);
    let e: Value = read_json(&s.path("at.json"));
    assert!(e.get("detachedSelf").is_none());
    assert!(sidecars(&s, "at.json").is_empty());
    assert_eq!(decrypt(&s, "B", "at.json").stdout, at);

    let big = record("r2", THRESHOLD + 1, 2);
    encrypt(&s, "big.json", &big, &[]);
    let e: Value = read_json(&s.path("big.json"));
    assert_eq!(e["detachedSelf"]["size"], THRESHOLD as u64 + 1, "{e}");
    let car = detached(&s, "big.json");
    assert_eq!(sidecars(&s, "big.json"), vec![car.clone()]);
    // The entity is small; the sidecar is the record plus 0.03 %.
    assert!(fs::metadata(s.path("big.json")).unwrap().len() < 4096);
    let stored = fs::metadata(&car).unwrap().len();
    assert!(stored < big.len() as u64 + big.len() as u64 / 1000 + 4096);
    // The file shows neither the record nor the plaintext.
    let text = fs::read(&car).unwrap();
    assert!(!text.windows(16).any(|w| w == &big[100..116]));

    // Stdout, -o, --out-dir, as A and B.
    for who in ["A", "B"] {
        let out = decrypt(&s, who, "big.json");
        assert!(out.status.success(), "{who}: {}", stderr(&out));
        assert!(out.stdout == big, "{who}");
    }
    ok(
        &mut s.ks("B"),
        &[
            "entity", "decrypt", "--as", "B", "big.json", "-o", "big.out",
        ],
    );
    assert!(fs::read(s.path("big.out")).unwrap() == big);
    fs::create_dir(s.path("in")).unwrap();
    fs::copy(s.path("big.json"), s.path("in/big.enc.json")).unwrap();
    let tail = car.file_name().unwrap().to_string_lossy();
    let tail = tail.strip_prefix("big.json").unwrap();
    fs::copy(&car, s.path(&format!("in/big.enc.json{tail}"))).unwrap();
    ok(
        &mut s.ks("B"),
        &["entity", "decrypt", "--as", "B", "in", "--out-dir", "plain"],
    );
    assert!(fs::read(s.path("plain/big.json")).unwrap() == big);
    assert_eq!(fs::read_dir(s.path("plain")).unwrap().count(), 1);

    // To standard output the record stays inside the entity, and reads
    // back from standard input.
    let src = s.path("big.json.plain");
    let out = ok(
        &mut s.ks("A"),
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "contact",
            src.to_str().unwrap(),
        ],
    );
    let inline: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(inline.get("detachedSelf").is_none());
    assert!(inline["encryptedSelf"].as_str().unwrap().len() > big.len());
    // A detached entity read from stdin: refused (its sidecar is beside
    // its file), exit 2, nothing written.
    let e = s
        .ks("B")
        .args(["entity", "decrypt", "--as", "B", "-"])
        .write_stdin(fs::read(s.path("big.json")).unwrap())
        .output()
        .unwrap();
    assert_eq!(e.status.code(), Some(2), "{}", stderr(&e));
    assert!(stderr(&e).contains("sidecar"), "{}", stderr(&e));
    assert!(e.stdout.is_empty());
}

#[test]
fn share_revoke_list_children_and_parent_never_open_the_detached_record() {
    let s = Sandbox::new();
    s.write("p.plain", r#"{"id": "p1", "name": "Keats"}"#);
    ok(
        &mut s.ks("A"),
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "patient",
            "--share-with",
            "B",
            "p.plain",
            "-o",
            "p.json",
        ],
    );
    let big = record("c1", 3 * THRESHOLD, 3);
    encrypt(&s, "d.json", &big, &["--parent", "p.json"]);
    let car = detached(&s, "d.json");
    let before = stamp(&car);
    ok(
        &mut s.ks("A"),
        &["share", "--as", "A", "--with", "C", "d.json"],
    );
    ok(
        &mut s.ks("A"),
        &["delegation", "revoke", "--as", "A", "--from", "C", "d.json"],
    );
    assert_eq!(stamp(&car), before);
    assert_eq!(sidecars(&s, "d.json"), vec![car.clone()]);
    assert!(decrypt(&s, "B", "d.json").stdout == big);
    // Without the sidecar, the commands that do not need the record work.
    let kept = s.path("kept.ehrat");
    fs::rename(&car, &kept).unwrap();
    ok(
        &mut s.ks("A"),
        &["share", "--as", "A", "--with", "C", "d.json"],
    );
    ok(
        &mut s.ks("A"),
        &["delegation", "list", "--as", "A", "d.json"],
    );
    let out = ok(
        &mut s.ks("B"),
        &["entity", "children", "--as", "B", "p.json", "d.json"],
    );
    assert!(stdout(&out).contains("d.json"), "{}", stdout(&out));
    let out = ok(
        &mut s.ks("B"),
        &["entity", "parent", "--as", "B", "d.json", "p.json"],
    );
    assert!(stdout(&out).contains("p.json"), "{}", stdout(&out));
    fs::rename(&kept, &car).unwrap();
    assert_eq!(stamp(&car).2, before.2);
    assert!(decrypt(&s, "B", "d.json").stdout == big);
}

#[test]
fn missing_damaged_or_foreign_sidecars_fail_naming_the_file_with_no_output() {
    let s = Sandbox::new();
    let big = record("r", 2 * THRESHOLD + 5, 4);
    encrypt(&s, "d.json", &big, &[]);
    encrypt(&s, "o.json", &big, &[]);
    let car = detached(&s, "d.json");
    let original = fs::read(&car).unwrap();
    let check = |code: i32, what: &str| {
        let out = s
            .ks("B")
            .args(["entity", "decrypt", "--as", "B", "d.json", "-o", "d.out"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{what}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&*car.file_name().unwrap().to_string_lossy()),
            "{what}: names the file: {}",
            stderr(&out)
        );
        assert!(!s.path("d.out").exists(), "{what}: no output");
    };
    fs::remove_file(&car).unwrap();
    check(3, "missing");
    fs::write(&car, fs::read(detached(&s, "o.json")).unwrap()).unwrap();
    check(5, "another entity's");
    let mut m = original.clone();
    m[51 + 1000] ^= 1;
    fs::write(&car, &m).unwrap();
    check(5, "modified");
    fs::write(&car, &original[..original.len() - 100]).unwrap();
    check(5, "truncated");

    // An attachment sidecar of d.json's own entity renamed as the
    // record's: same key, same entity, but another role.
    let d: Value = read_json(&s.path("d.json"));
    let size = d["detachedSelf"]["size"].as_u64().unwrap() as usize;
    let src = s.write("same-size.bin", vec![b'x'; size]);
    let att_arg = format!("x={}", src.display());
    encrypt(&s, "w.json", &big, &["--attach", &att_arg]);
    let w: Value = read_json(&s.path("w.json"));
    let att_car = s.path(&format!(
        "w.json.{}.ehrat",
        w["attachments"][0]["id"].as_str().unwrap()
    ));
    let self_car = detached(&s, "w.json");
    assert_eq!(
        fs::metadata(&att_car).unwrap().len(),
        fs::metadata(&self_car).unwrap().len()
    );
    let self_bytes = fs::read(&self_car).unwrap();
    fs::copy(&att_car, &self_car).unwrap();
    let out = decrypt(&s, "B", "w.json");
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains(".ehrat"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    // ... nor the record as an attachment.
    fs::write(&self_car, &self_bytes).unwrap();
    fs::copy(&self_car, &att_car).unwrap();
    let out = s
        .ks("B")
        .args([
            "entity",
            "decrypt",
            "--as",
            "B",
            "--attachment",
            "x",
            "w.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(out.stdout.is_empty());

    fs::write(&car, &original).unwrap();
    assert!(decrypt(&s, "B", "d.json").stdout == big);
    // The descriptor is authenticated with the entity: a changed size or
    // digest, or the field dropped, fails (exit 5).
    let entity: Value = read_json(&s.path("d.json"));
    for edit in ["size", "sha256", "drop"] {
        let mut t = entity.clone();
        match edit {
            "size" => t["detachedSelf"]["size"] = Value::from(1),
            "sha256" => t["detachedSelf"]["sha256"] = Value::from("00".repeat(32)),
            _ => {
                t.as_object_mut().unwrap().remove("detachedSelf");
            }
        }
        write_json(&s.path("d.json"), &t);
        fails(
            &mut s.ks("B"),
            &["entity", "decrypt", "--as", "B", "d.json"],
            5,
        );
    }
}

#[test]
fn rekey_re_encrypts_the_record_and_a_kill_leaves_the_old_or_the_new_whole() {
    #[cfg(unix)]
    use std::os::unix::process::ExitStatusExt;
    let big = record("r", THRESHOLD + 4321, 5);
    let x = vec![7u8; 70_000];
    for (point, switched) in [
        ("", true),
        ("rekey-sidecar", false),
        ("rekey-written", false),
        ("rekey-switched", true),
    ] {
        let s = Sandbox::new();
        let src = s.write("x.bin", &x);
        let att = format!("x={}", src.display());
        encrypt(&s, "d.json", &big, &["--attach", &att]);
        let old_car = detached(&s, "d.json");
        let old_entity = fs::read(s.path("d.json")).unwrap();
        let mut cmd = s.ks("A");
        if !point.is_empty() {
            cmd.env("EHRCRYPT_TEST_KILL_AT", point);
        }
        let out = cmd.args(rekey_args("B")).output().unwrap();
        if point.is_empty() {
            assert!(out.status.success(), "{}", stderr(&out));
        } else {
            #[cfg(unix)]
            assert_eq!(out.status.signal(), Some(9), "{point}: {}", stderr(&out));
        }
        let a = decrypt(&s, "A", "d.json");
        assert!(
            a.status.success() && a.stdout == big,
            "{point}: {}",
            stderr(&a)
        );
        let b = decrypt(&s, "B", "d.json");
        assert_eq!(b.status.success(), !switched, "{point}: {}", stderr(&b));
        assert_eq!(fs::read(s.path("d.json")).unwrap() == old_entity, !switched);
        if switched {
            assert_ne!(detached(&s, "d.json"), old_car, "{point}: a new id");
        }
        // The next rekey finishes; only the listed sidecars remain.
        ok(&mut s.ks("A"), &rekey_args("B"));
        let now = sidecars(&s, "d.json");
        assert_eq!(now.len(), 2, "{point}: {now:?}");
        assert!(now.contains(&detached(&s, "d.json")));
        assert!(!old_car.exists(), "{point}");
        let a = decrypt(&s, "A", "d.json");
        assert!(a.stdout == big, "{point}");
        let names: Vec<String> = fs::read_dir(s.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(names.is_empty(), "{point}: {names:?}");
        // The revoked B, keeping the old entity file, cannot open the new
        // sidecar under it.
        s.write("stolen.json", &old_entity);
        let tail = old_car.file_name().unwrap().to_string_lossy();
        let tail = tail.strip_prefix("d.json").unwrap().to_string();
        fs::copy(
            detached(&s, "d.json"),
            s.path(&format!("stolen.json{tail}")),
        )
        .unwrap();
        let out = decrypt(&s, "B", "stolen.json");
        assert_eq!(out.status.code(), Some(5), "{point}: {}", stderr(&out));
    }
}

#[test]
fn backups_carry_a_detached_record_and_restore_it() {
    let s = Sandbox::new();
    let big = record("r", THRESHOLD + 99, 6);
    encrypt(&s, "d.json", &big, &[]);
    ok(
        &mut s.ks("A"),
        &[
            "backup", "create", "--as", "A", "d.json", "-o", "bk", "--qr", "card.png",
        ],
    );
    ok(
        &mut s.ks("A"),
        &[
            "backup",
            "restore",
            "--qr",
            "card.png",
            "bk",
            "--out-dir",
            "restored",
        ],
    );
    assert!(fs::read(s.path("restored/d.json")).unwrap() == big);
    // Re-encrypted for B, the record is detached again, beside its new
    // entity, and reads back whole.
    let out = emergency_reencrypt(&s, "enc", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut names: Vec<String> = fs::read_dir(s.path("enc"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], "d.enc.json");
    assert!(fs::metadata(s.path("enc/d.enc.json")).unwrap().len() < 16 << 10);
    assert_eq!(
        s.path(&format!("enc/{}", names[1])),
        detached(&s, "enc/d.enc.json")
    );
    let out = decrypt(&s, "B", "enc/d.enc.json");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout == big);
}

#[test]
fn fhir_import_detaches_a_large_resource_and_export_reads_it() {
    let s = Sandbox::new();
    let blob = "QUJD".repeat(THRESHOLD / 2);
    let bundle = serde_json::json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:0b6e1f2a-1111-4a4a-9a9a-000000000001",
             "resource": {"resourceType": "Patient", "id": "p1", "name": [{"family": "Keats"}]}},
            {"fullUrl": "urn:uuid:0b6e1f2a-1111-4a4a-9a9a-000000000002",
             "resource": {"resourceType": "DocumentReference", "id": "doc1",
                          "subject": {"reference": "urn:uuid:0b6e1f2a-1111-4a4a-9a9a-000000000001"},
                          "content": [{"attachment": {"contentType": "application/pdf", "data": blob}}]}}
        ]
    });
    write_json(&s.path("bundle.json"), &bundle);
    ok(
        &mut s.ks("A"),
        &[
            "fhir",
            "import",
            "--as",
            "A",
            "bundle.json",
            "--out-dir",
            "enc",
        ],
    );
    let cars: Vec<String> = fs::read_dir(s.path("enc"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ehrat"))
        .collect();
    assert_eq!(cars.len(), 1, "{cars:?}");
    ok(
        &mut s.ks("A"),
        &["fhir", "export", "--as", "A", "enc", "-o", "back.json"],
    );
    let back: Value = read_json(&s.path("back.json"));
    let text = back.to_string();
    assert!(text.contains(&blob), "the large resource came back");
}

/// The golden detached entity (fixtures/entities-detached/, made once by
/// `entity encrypt` as A for B with the fixture keystores): the record is
/// `record("golden", 1 MiB + 1000, 9)`. It must keep decrypting, byte for
/// byte, as A and B; never regenerated.
#[test]
fn the_golden_detached_entity_decrypts_as_a_and_b() {
    let s = Sandbox::new();
    let enc = fixture("entities-detached/record-detached.v2.enc.json");
    let e: Value = read_json(&enc);
    assert_eq!(e["format"], "ehrcrypt/entity/v2");
    assert!(e["detachedSelf"].is_object());
    let want = record("golden", THRESHOLD + 1000, 9);
    for who in ["A", "B"] {
        let out = decrypt(&s, who, enc.to_str().unwrap());
        assert!(out.status.success(), "{who}: {}", stderr(&out));
        assert!(out.stdout == want, "{who}: the record, byte for byte");
    }
}

/// A JSON record of `n` bytes or a few more: `before` and `after` (each
/// empty or `"name": value, ` / `, "name": value`) around a long string.
fn shaped(before: &str, after: &str, n: usize) -> Vec<u8> {
    let mut v = format!(r#"{{{before}"data": ""#).into_bytes();
    v.extend((0..n).map(|i| b'a' + (i % 26) as u8));
    v.extend_from_slice(format!("\"{after}}}").as_bytes());
    v
}

/// `entity encrypt --as A --kind contact ARGS…`, with `stdin` if given.
fn encrypt_cmd(s: &Sandbox, args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    let mut cmd = s.ks("A");
    cmd.args([
        "entity",
        "encrypt",
        "--as",
        "A",
        "--kind",
        "contact",
        "--share-with",
        "B",
    ])
    .args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input.to_vec());
    }
    cmd.output().unwrap()
}

/// The directory's names, sorted (temporary files included).
fn listing(s: &Sandbox) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(s.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_large_record_streams_from_a_file_and_from_stdin_wherever_its_id_is() {
    let s = Sandbox::new();
    let n = 3 * THRESHOLD;
    for (name, plain) in [
        ("first", shaped(r#""id": "f1", "#, "", n)),
        (
            "last",
            shaped(r#""resourceType": "Bundle", "#, r#", "id": 42"#, n),
        ),
        (
            "none",
            shaped("", r#", "note": {"id": "not the record's"}"#, n),
        ),
    ] {
        let file = s.write(&format!("{name}.plain"), &plain);
        let from_file = format!("{name}.file.json");
        let from_stdin = format!("{name}.stdin.json");
        let out = encrypt_cmd(&s, &[file.to_str().unwrap(), "-o", &from_file], None);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let out = encrypt_cmd(&s, &["-", "-o", &from_stdin], Some(&plain));
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        for entity in [&from_file, &from_stdin] {
            let e: Value = read_json(&s.path(entity));
            assert_eq!(e["detachedSelf"]["size"], plain.len() as u64, "{entity}");
            match name {
                "first" => assert_eq!(e["id"], "f1"),
                "last" => assert_eq!(e["id"], 42),
                _ => assert_eq!(e["id"].as_str().unwrap().len(), 36, "a fresh UUID"),
            }
            assert_eq!(sidecars(&s, entity), vec![detached(&s, entity)]);
            let out = decrypt(&s, "B", entity);
            assert!(out.status.success(), "{entity}: {}", stderr(&out));
            assert!(out.stdout == plain, "{entity}: stdout");
            let back = format!("{entity}.back");
            ok(
                &mut s.ks("B"),
                &["entity", "decrypt", "--as", "B", entity, "-o", &back],
            );
            assert!(fs::read(s.path(&back)).unwrap() == plain, "{entity}: -o");
        }
    }
    // With an attachment beside it (`--attach`: one input, -o FILE).
    let plain = shaped(r#""resourceType": "Bundle", "#, r#", "id": "att""#, n);
    let file = s.write("att.plain", &plain);
    s.write("scan.pdf", b"%PDF-1.4 scan");
    let args = [
        "--attach",
        "scan.pdf",
        file.to_str().unwrap(),
        "-o",
        "att.json",
    ];
    let out = encrypt_cmd(&s, &args, None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sidecars(&s, "att.json").len(), 2);
    assert!(decrypt(&s, "B", "att.json").stdout == plain);
    let scan = ok(
        &mut s.ks("B"),
        &[
            "entity",
            "decrypt",
            "--as",
            "B",
            "--attachment",
            "scan.pdf",
            "att.json",
        ],
    );
    assert_eq!(scan.stdout, b"%PDF-1.4 scan");
    // The spills (the records whose id came late or not at all) are gone.
    let left: Vec<String> = listing(&s)
        .into_iter()
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // From stdin, a record of exactly the threshold stays inline.
    let at = record("r1", THRESHOLD, 1);
    let out = encrypt_cmd(&s, &["-", "-o", "at.json"], Some(&at));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read_json(&s.path("at.json")).get("detachedSelf").is_none());
    assert!(sidecars(&s, "at.json").is_empty());
    assert!(decrypt(&s, "B", "at.json").stdout == at);
}

#[test]
fn a_bad_large_record_is_refused_as_in_memory_and_leaves_nothing() {
    let s = Sandbox::new();
    let n = 2 * THRESHOLD;
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        (
            "a key twice deep inside",
            shaped(r#""id": "d", "#, r#", "x": [{"k": 1, "k": 2}]"#, n),
            &[],
        ),
        (
            "the id twice",
            shaped(r#""id": "d", "#, r#", "id": "e""#, n),
            &[],
        ),
        (
            "a key twice after the data, the id last (spilled)",
            shaped("", r#", "x": [{"k": 1, "k": 2}], "id": "d""#, n),
            &[],
        ),
        (
            "a syntax error, no id (spilled)",
            shaped("", r#", "x": [1,]"#, n),
            &[],
        ),
        (
            "a syntax error",
            shaped(r#""id": "d", "#, r#", "x": [1,]"#, n),
            &[],
        ),
        (
            "trailing bytes",
            {
                let mut v = shaped(r#""id": "d", "#, "", n);
                v.extend_from_slice(b" {}");
                v
            },
            &[],
        ),
        (
            "truncated",
            {
                let mut v = shaped(r#""id": "d", "#, "", n);
                v.pop();
                v
            },
            &[],
        ),
        (
            "not an object",
            format!("[{}1]", "1, ".repeat(n / 3)).into_bytes(),
            &[],
        ),
        (
            "an id that is not one",
            shaped(r#""id": [1], "#, "", n),
            &[],
        ),
        (
            "an entity",
            shaped(r#""id": "d", "format": "ehrcrypt/entity/v2", "#, "", n),
            &[],
        ),
        (
            "a --clear field it lacks",
            shaped(r#""id": "d", "name": {"family": "K"}, "#, "", n),
            &["--clear", "name.given"],
        ),
        (
            "--clear id, and no id",
            shaped("", "", n),
            &["--clear", "id"],
        ),
    ];
    for (what, plain, extra) in cases {
        let file = s.write("bad.plain", &plain);
        let file = file.to_str().unwrap();
        // In memory: to standard output, the record stays inline.
        let mut args = extra.to_vec();
        args.push(file);
        let whole = encrypt_cmd(&s, &args, None);
        assert!(!whole.status.success(), "{what}");
        let before = listing(&s);
        // Streamed: to a file, from the file and from stdin.
        args.extend(["-o", "bad.json"]);
        let streamed = encrypt_cmd(&s, &args, None);
        assert_eq!(streamed.status.code(), whole.status.code(), "{what}");
        assert_eq!(stderr(&streamed), stderr(&whole), "{what}");
        let mut args = extra.to_vec();
        args.push("-");
        let whole = encrypt_cmd(&s, &args, Some(&plain));
        args.extend(["-o", "bad.json"]);
        let piped = encrypt_cmd(&s, &args, Some(&plain));
        assert_eq!(piped.status.code(), whole.status.code(), "{what}");
        assert_eq!(stderr(&piped), stderr(&whole), "{what}");
        // No entity, no sidecar, no temporary file.
        assert_eq!(listing(&s), before, "{what}");
    }
}
