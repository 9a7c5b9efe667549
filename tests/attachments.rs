//! Attachments of v2 entities (issue 13): round trips at the chunk
//! boundaries, the tamper cases (swapped, foreign, truncated, missing,
//! modified sidecars; a changed list), and share leaving sidecars alone.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const CHUNK: usize = 64 * 1024;

fn data(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// Encrypts a small record as A for B into `out` with the given attachments.
fn encrypt(s: &Sandbox, out: &str, attachments: &[(&str, &[u8])]) -> Vec<PathBuf> {
    let record = s.write(&format!("{out}.plain"), r#"{"id": "d1", "title": "scan"}"#);
    let mut args: Vec<String> = [
        "entity",
        "encrypt",
        "--as",
        "A",
        "--kind",
        "form",
        "--share-with",
        "B",
    ]
    .map(String::from)
    .to_vec();
    for (name, bytes) in attachments {
        let f = s.write(&format!("{out}.{name}.src"), bytes);
        args.push("--attach".into());
        args.push(format!("{name}={}", f.display()));
    }
    args.push(record.to_str().unwrap().into());
    args.push("-o".into());
    args.push(out.into());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&mut s.ks("A"), &refs);
    sidecars(s, out)
}

fn get(s: &Sandbox, who: &str, entity: &str, name: &str) -> std::process::Output {
    s.ks(who)
        .args([
            "entity",
            "decrypt",
            "--as",
            who,
            "--attachment",
            name,
            entity,
        ])
        .output()
        .unwrap()
}

#[test]
fn attachments_round_trip_at_every_chunk_boundary() {
    let s = Sandbox::new();
    let sizes = [0, 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17];
    let files: Vec<(String, Vec<u8>)> = sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| (format!("a{i}.bin"), data(n, i as u8)))
        .collect();
    let list: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let cars = encrypt(&s, "d.json", &list);
    assert_eq!(cars.len(), sizes.len());
    let entity = fs::read_to_string(s.path("d.json")).unwrap();
    for (name, bytes) in &files {
        // No original name in the entity or in the sidecar names.
        assert!(!entity.contains(name.as_str()), "{name}");
        for c in &cars {
            assert!(!c.to_string_lossy().contains(name.as_str()));
        }
        for who in ["A", "B"] {
            let out = get(&s, who, "d.json", name);
            assert!(out.status.success(), "{name} as {who}: {}", stderr(&out));
            assert_eq!(&out.stdout, bytes, "{name} as {who}");
        }
    }
    // To a file, and stored size within 0.1 % + a few KB of the plaintext.
    ok(
        &mut s.ks("B"),
        &[
            "entity",
            "decrypt",
            "--as",
            "B",
            "--attachment",
            "a4.bin",
            "d.json",
            "-o",
            "a4.out",
        ],
    );
    assert_eq!(fs::read(s.path("a4.out")).unwrap(), files[4].1);
    // An existing output is refused (exit 7, left as it was) unless
    // --force, as for every output; a device is written in place.
    fn a4<'a>(extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec!["entity", "decrypt", "--as", "B", "--attachment", "a4.bin"];
        args.extend_from_slice(extra);
        args.push("d.json");
        args
    }
    fs::write(s.path("a4.out"), b"keep").unwrap();
    fails(&mut s.ks("B"), &a4(&["-o", "a4.out"]), 7);
    assert_eq!(fs::read(s.path("a4.out")).unwrap(), b"keep");
    ok(&mut s.ks("B"), &a4(&["-o", "a4.out", "--force"]));
    assert_eq!(fs::read(s.path("a4.out")).unwrap(), files[4].1);
    ok(&mut s.ks("B"), &a4(&["-o", "/dev/null"]));
    let stored: u64 = cars.iter().map(|c| fs::metadata(c).unwrap().len()).sum();
    let plain: u64 = sizes.iter().map(|&n| n as u64).sum();
    assert!(stored <= plain + plain / 1000 + 4096, "{stored} vs {plain}");
    // The record itself still decrypts as before.
    let out = ok(
        &mut s.ks("B"),
        &["entity", "decrypt", "--as", "B", "d.json"],
    );
    assert_eq!(stdout(&out), r#"{"id": "d1", "title": "scan"}"#);
    let e = fails(
        &mut s.ks("B"),
        &[
            "entity",
            "decrypt",
            "--as",
            "B",
            "--attachment",
            "nope",
            "d.json",
        ],
        3,
    );
    assert!(stderr(&e).contains("no attachment named"), "{}", stderr(&e));
}

#[test]
fn tampered_sidecars_fail_with_a_named_file_and_no_output() {
    let s = Sandbox::new();
    let (x, y) = (data(2 * CHUNK + 5, 1), data(2 * CHUNK + 5, 2));
    let cars = encrypt(&s, "d.json", &[("x", &x), ("y", &y)]);
    let other = encrypt(&s, "o.json", &[("x", &x)]);
    let entity: Value = read_json(&s.path("d.json"));
    let id_x = entity["attachments"][0]["id"].as_str().unwrap().to_string();
    let car_x = cars
        .iter()
        .find(|c| c.to_string_lossy().contains(&id_x))
        .unwrap()
        .clone();
    let car_y = cars.iter().find(|c| **c != car_x).unwrap().clone();
    let original = fs::read(&car_x).unwrap();
    let check = |code: i32, what: &str| {
        let out = s
            .ks("B")
            .args([
                "entity",
                "decrypt",
                "--as",
                "B",
                "--attachment",
                "x",
                "d.json",
                "-o",
                "x.out",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{what}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(".ehrat"),
            "{what}: names the file: {}",
            stderr(&out)
        );
        assert!(!s.path("x.out").exists(), "{what}: no output");
    };
    // Swapped with its sibling (same size), from another entity, modified,
    // truncated at a chunk boundary, extended, missing.
    fs::write(&car_x, fs::read(&car_y).unwrap()).unwrap();
    check(5, "swapped");
    fs::write(&car_x, fs::read(&other[0]).unwrap()).unwrap();
    check(5, "another entity's");
    let mut m = original.clone();
    m[51 + 100] ^= 1;
    fs::write(&car_x, &m).unwrap();
    check(5, "modified");
    fs::write(&car_x, &original[..51 + CHUNK + 16]).unwrap();
    check(5, "truncated");
    let mut m = original.clone();
    m.extend_from_slice(&[0; 16]);
    fs::write(&car_x, &m).unwrap();
    check(5, "extended");
    fs::remove_file(&car_x).unwrap();
    check(3, "missing");
    fs::write(&car_x, &original).unwrap();
    ok(
        &mut s.ks("B"),
        &[
            "entity",
            "decrypt",
            "--as",
            "B",
            "--attachment",
            "x",
            "d.json",
            "-o",
            "x.out",
        ],
    );
    assert_eq!(fs::read(s.path("x.out")).unwrap(), x);

    // The list in the entity is authenticated with the record: a changed
    // size or digest, or a dropped attachment, fails to decrypt (exit 5).
    for edit in ["size", "sha256", "drop"] {
        let mut t = entity.clone();
        match edit {
            "size" => t["attachments"][0]["size"] = Value::from(1),
            "sha256" => t["attachments"][0]["sha256"] = Value::from("00".repeat(32)),
            _ => {
                t["attachments"].as_array_mut().unwrap().pop();
            }
        }
        write_json(&s.path("t.json"), &t);
        fails(
            &mut s.ks("B"),
            &["entity", "decrypt", "--as", "B", "t.json"],
            5,
        );
    }
}

#[test]
fn share_and_revoke_never_touch_a_sidecar() {
    let s = Sandbox::new();
    let big = data(50 << 20, 7);
    let cars = encrypt(&s, "d.json", &[("big.bin", &big)]);
    let stamp = |p: &Path| {
        let m = fs::metadata(p).unwrap();
        (
            m.len(),
            m.modified().unwrap(),
            ehrcrypt::crypto::sha256(&fs::read(p).unwrap()),
        )
    };
    let before = stamp(&cars[0]);
    ok(
        &mut s.ks("A"),
        &["share", "--as", "A", "--with", "C", "d.json"],
    );
    ok(
        &mut s.ks("A"),
        &["delegation", "revoke", "--as", "A", "--from", "C", "d.json"],
    );
    assert_eq!(stamp(&cars[0]), before);
    assert_eq!(sidecars(&s, "d.json"), cars);
    let out = get(&s, "B", "d.json", "big.bin");
    assert!(out.stdout == big, "{}", stderr(&out));
    // --rekey re-encrypts it under the new key into a new sidecar; the old
    // one is gone and the revoked B, keeping the old entity file (and so
    // the old key), cannot open the new one.
    let old_entity = fs::read(s.path("d.json")).unwrap();
    ok(&mut s.ks("A"), &rekey_args("B"));
    let now = sidecars(&s, "d.json");
    assert_eq!(now.len(), 1);
    assert_ne!(now, cars, "a new attachment id, so a new name");
    assert!(!cars[0].exists());
    assert_ne!(stamp(&now[0]).2, before.2, "sidecar bytes differ");
    let out = get(&s, "A", "d.json", "big.bin");
    assert!(out.stdout == big, "{}", stderr(&out));
    fails(
        &mut s.ks("B"),
        &["entity", "decrypt", "--as", "B", "d.json"],
        8,
    );
    s.write("stolen.json", &old_entity);
    fs::copy(
        &now[0],
        s.path(&format!("stolen.json.{}", sidecar_tail(&cars[0]))),
    )
    .unwrap();
    let out = get(&s, "B", "stolen.json", "big.bin");
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}

/// `<id>.ehrat` of a sidecar path.
fn sidecar_tail(p: &Path) -> String {
    let n = p.file_name().unwrap().to_string_lossy().into_owned();
    n.strip_prefix("d.json.").unwrap().to_string()
}

/// Files of the sandbox named like a temporary file of a killed run.
fn temp_files(s: &Sandbox) -> Vec<String> {
    fs::read_dir(s.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

/// Whether `who` reads the record and both attachments of `d.json` whole.
fn reads_whole(s: &Sandbox, who: &str, x: &[u8], y: &[u8]) -> bool {
    let rec = s
        .ks(who)
        .args(["entity", "decrypt", "--as", who, "d.json"])
        .output()
        .unwrap();
    if !rec.status.success() {
        return false;
    }
    let (gx, gy) = (get(s, who, "d.json", "x"), get(s, who, "d.json", "y"));
    assert!(gx.status.success(), "x as {who}: {}", stderr(&gx));
    assert!(gy.status.success(), "y as {who}: {}", stderr(&gy));
    assert!(gx.stdout == x && gy.stdout == y, "{who}: content");
    true
}

#[test]
fn rekey_killed_at_any_point_leaves_the_old_or_the_new_record_whole() {
    #[cfg(unix)]
    use std::os::unix::process::ExitStatusExt;
    let (x, y) = (data(3 * CHUNK + 9, 3), data(CHUNK, 4));
    for (point, switched) in [
        ("rekey-sidecar", false),
        ("rekey-written", false),
        ("rekey-switched", true),
    ] {
        let s = Sandbox::new();
        let old = encrypt(&s, "d.json", &[("x", &x), ("y", &y)]);
        let old_entity = fs::read(s.path("d.json")).unwrap();
        let out = s
            .ks("A")
            .env("EHRCRYPT_TEST_KILL_AT", point)
            .args(rekey_args("B"))
            .output()
            .unwrap();
        #[cfg(unix)]
        assert_eq!(out.status.signal(), Some(9), "{point}: {}", stderr(&out));
        // Old (B still reads it, same file) or new (B does not), whole.
        assert!(reads_whole(&s, "A", &x, &y), "{point}: A reads it");
        let b_reads = reads_whole(&s, "B", &x, &y);
        assert_eq!(b_reads, !switched, "{point}");
        assert_eq!(fs::read(s.path("d.json")).unwrap() == old_entity, !switched);
        let listed: Value = read_json(&s.path("d.json"));
        for a in listed["attachments"].as_array().unwrap() {
            let id = a["id"].as_str().unwrap();
            assert!(s.path(&format!("d.json.{id}.ehrat")).exists(), "{point}");
        }
        // The next run finishes the job and removes every leftover: only
        // the listed sidecars remain, no temporary file.
        ok(&mut s.ks("A"), &rekey_args("B"));
        let listed: Value = read_json(&s.path("d.json"));
        let ids: Vec<&str> = listed["attachments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        let now = sidecars(&s, "d.json");
        assert_eq!(now.len(), 2, "{point}: {now:?}");
        for c in &now {
            assert!(ids.iter().any(|id| c.to_string_lossy().contains(id)));
            assert!(!old.contains(c));
        }
        assert!(temp_files(&s).is_empty(), "{point}: {:?}", temp_files(&s));
        assert!(reads_whole(&s, "A", &x, &y));
        assert!(!reads_whole(&s, "B", &x, &y));
    }
}

#[test]
fn rekey_of_a_damaged_sidecar_fails_and_changes_nothing() {
    let s = Sandbox::new();
    let (x, y) = (data(2 * CHUNK, 5), data(2 * CHUNK + 1, 6));
    let cars = encrypt(&s, "d.json", &[("x", &x), ("y", &y)]);
    let before = fs::read(s.path("d.json")).unwrap();
    let mut m = fs::read(&cars[1]).unwrap();
    let at = m.len() - 20;
    m[at] ^= 1;
    fs::write(&cars[1], &m).unwrap();
    let e = fails(&mut s.ks("A"), &rekey_args("B"), 5);
    assert!(stderr(&e).contains(".ehrat"), "{}", stderr(&e));
    assert_eq!(fs::read(s.path("d.json")).unwrap(), before);
    assert_eq!(sidecars(&s, "d.json"), cars);
    assert!(temp_files(&s).is_empty(), "{:?}", temp_files(&s));
}

#[test]
fn decrypt_out_dir_restores_attachments_beside_the_record() {
    let s = Sandbox::new();
    let (x, y) = (data(2 * CHUNK + 3, 7), data(0, 8));
    encrypt(&s, "d.json", &[("scan.pdf", &x), ("empty.bin", &y)]);
    let decrypt = |force: bool| {
        let mut args = vec![
            "entity",
            "decrypt",
            "--as",
            "B",
            "d.json",
            "--out-dir",
            "out",
        ];
        if force {
            args.push("--force");
        }
        s.ks("B").args(&args).output().unwrap()
    };
    let out = decrypt(false);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read(s.path("out/scan.pdf")).unwrap(), x);
    assert_eq!(fs::read(s.path("out/empty.bin")).unwrap(), y);
    assert!(s.path("out/d.json").exists());
    assert_eq!(mode(&s.path("out/scan.pdf")) & 0o777, 0o600);
    // Into a directory where a name is taken: refused (exit 7), nothing
    // written; --force replaces.
    fs::remove_file(s.path("out/d.json")).unwrap();
    fs::write(s.path("out/scan.pdf"), b"mine").unwrap();
    let out = decrypt(false);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(stderr(&out).contains("scan.pdf"), "{}", stderr(&out));
    assert!(!s.path("out/d.json").exists());
    assert_eq!(fs::read(s.path("out/scan.pdf")).unwrap(), b"mine");
    let out = decrypt(true);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read(s.path("out/scan.pdf")).unwrap(), x);

    // Two records whose attachments share a name, into one directory:
    // refused even with --force (one would silently replace the other).
    encrypt(&s, "e.json", &[("scan.pdf", &y)]);
    let out = s
        .ks("B")
        .args([
            "entity",
            "decrypt",
            "--as",
            "B",
            "d.json",
            "e.json",
            "--out-dir",
            "two",
            "--force",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(!s.path("two").exists());

    // A damaged sidecar: exit 5, no directory.
    let car = sidecars(&s, "e.json").remove(0);
    let mut m = fs::read(&car).unwrap();
    let last = m.len() - 1;
    m[last] ^= 1;
    fs::write(&car, &m).unwrap();
    fails(
        &mut s.ks("B"),
        &[
            "entity",
            "decrypt",
            "--as",
            "B",
            "e.json",
            "--out-dir",
            "bad",
        ],
        5,
    );
    assert!(!s.path("bad").exists());
}

#[test]
fn backup_restore_and_emergency_carry_attachments() {
    let s = Sandbox::new();
    let (x, y) = (data(3 * CHUNK + 1, 9), data(10, 10));
    encrypt(&s, "d.json", &[("scan.pdf", &x), ("notes.txt", &y)]);
    let out = ok(
        &mut s.ks("A"),
        &[
            "backup", "create", "--as", "A", "d.json", "-o", "bk", "--qr", "card.png", "--json",
        ],
    );
    let report = json(&out);
    let objects = report["objects"].as_array().unwrap();
    assert_eq!(objects.len(), 3, "{report}");
    let record = objects[0]["id"].as_str().unwrap();
    for o in &objects[1..] {
        assert_eq!(o["attachmentOf"], record, "{report}");
    }
    // The bucket shows no attachment name and no plaintext.
    for e in fs::read_dir(s.path("bk/objects")).unwrap() {
        let p = e.unwrap().path();
        assert!(!p.to_string_lossy().contains("scan"));
    }
    let manifest = fs::read_to_string(s.path("bk/manifest.json")).unwrap();
    assert!(!manifest.contains("scan.pdf"));

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
    ok(
        &mut s.ks("B"),
        &[
            "emergency",
            "decrypt",
            "--qr",
            "card.png",
            "bk",
            "--signer",
            "A",
            "--as",
            "B",
            "--out-dir",
            "em",
        ],
    );
    for dir in ["restored", "em"] {
        assert_eq!(
            fs::read(s.path(&format!("{dir}/scan.pdf"))).unwrap(),
            x,
            "{dir}"
        );
        assert_eq!(
            fs::read(s.path(&format!("{dir}/notes.txt"))).unwrap(),
            y,
            "{dir}"
        );
        let rec: Value = read_json(&s.path(&format!("{dir}/d.json")));
        assert_eq!(rec["title"], "scan", "{dir}");
    }
    // Re-encrypted into entities, they become sidecars:
    // emergency_reencrypt_writes_attachments_as_sidecars.
}

/// The names of the files in `dir`, hidden ones included, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Reads every attachment of `entity` as `who`, one by one to stdout
/// and all together with --out-dir `dir`, and the record itself.
fn reads_all(s: &Sandbox, who: &str, entity: &str, dir: &str, expected: &[(&str, &[u8])]) {
    for (name, bytes) in expected {
        let out = get(s, who, entity, name);
        assert!(out.status.success(), "{who} {name}: {}", stderr(&out));
        assert_eq!(&out.stdout[..], *bytes, "{who} {name}");
    }
    ok(
        &mut s.ks(who),
        &["entity", "decrypt", "--as", who, entity, "--out-dir", dir],
    );
    for (name, bytes) in expected {
        assert_eq!(
            fs::read(s.path(&format!("{dir}/{name}"))).unwrap(),
            *bytes,
            "{who} {name}"
        );
    }
    let rec: Value = read_json(&s.path(&format!("{dir}/d.json")));
    assert_eq!(rec["title"], "scan", "{who}");
}

/// `emergency decrypt --reencrypt-as` (issue 13): each attachment of a
/// backed-up entity becomes a sidecar of the re-encrypted entity,
/// streamed; the new owner and a delegate read every byte back; a tampered
/// object leaves nothing; a killed run's staging is removed by the next.
#[test]
fn emergency_reencrypt_writes_attachments_as_sidecars() {
    let s = Sandbox::new();
    let (empty, one, big) = (data(0, 1), data(1, 2), data(3 * CHUNK + 7, 3));
    let expected: [(&str, &[u8]); 3] =
        [("empty.bin", &empty), ("one.bin", &one), ("big.bin", &big)];
    encrypt(&s, "d.json", &expected);
    let created = json(&ok(
        &mut s.ks("A"),
        &[
            "backup", "create", "--as", "A", "d.json", "-o", "bk", "--qr", "card.png", "--json",
        ],
    ));
    let objects = created["objects"].as_array().unwrap();
    let big_object = objects
        .iter()
        .find(|o| o["plaintextSize"] == big.len())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let out = emergency_reencrypt(&s, "enc", &["--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 4, "{report}");
    assert_eq!(files[0]["path"], "d.enc.json", "{report}");
    for f in &files[1..] {
        assert_eq!(f["attachmentOf"], files[0]["object"], "{report}");
    }
    // The entity and its three sidecars, nothing else (no staging left).
    let names = names_in(&s.path("enc"));
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| n == "d.enc.json" || (n.starts_with("d.enc.json.") && n.ends_with(".ehrat"))),
        "{names:?}"
    );
    let entity: Value = read_json(&s.path("enc/d.enc.json"));
    assert_eq!(entity["attachments"].as_array().unwrap().len(), 3);
    // No attachment name shows.
    assert!(!fs::read_to_string(s.path("enc/d.enc.json"))
        .unwrap()
        .contains("big.bin"));
    reads_all(&s, "B", "enc/d.enc.json", "b-out", &expected);
    // Shared with C: the sidecars are untouched, C reads them all.
    ok(
        &mut s.ks("B"),
        &["share", "--as", "B", "--with", "C", "enc/d.enc.json"],
    );
    // C learns the new exchange key from B's owner document.
    ok(
        &mut s.ks("B"),
        &["owner", "export", "B", "-o", "b.owner.json"],
    );
    ok(&mut s.ks("C"), &["owner", "import", "b.owner.json"]);
    assert_eq!(names_in(&s.path("enc")), names);
    reads_all(&s, "C", "enc/d.enc.json", "c-out", &expected);

    // A tampered attachment object (its third chunk: the first two have
    // already gone into the sidecar): exit 5, nothing written, neither
    // into a new directory nor into an existing one.
    let object = s.path(&format!("bk/objects/{big_object}.ehrbk"));
    let original = fs::read(&object).unwrap();
    let mut m = original.clone();
    m[51 + 2 * (CHUNK + 16) + 10] ^= 1;
    fs::write(&object, &m).unwrap();
    let out = emergency_reencrypt(&s, "bad", &[]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("big.bin"), "{}", stderr(&out));
    assert!(!s.path("bad").exists());
    fs::create_dir(s.path("kept")).unwrap();
    let out = emergency_reencrypt(&s, "kept", &[]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(names_in(&s.path("kept")).is_empty());
    fs::write(&object, &original).unwrap();

    // Killed after its first sidecar: the hidden staging folder stays;
    // the next run removes it and writes everything.
    let out = emergency_reencrypt_cmd(&s, "kept", &[])
        .env("EHRCRYPT_TEST_KILL_AT", "reencrypt-sidecar")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), None, "killed: {}", stderr(&out));
    let left = names_in(&s.path("kept"));
    assert!(
        left.len() == 1 && left[0].starts_with(".ehrcrypt-restore.tmp-"),
        "{left:?}"
    );
    let out = emergency_reencrypt(&s, "kept", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let now = names_in(&s.path("kept"));
    assert_eq!(now.len(), 4, "{now:?}");
    assert!(!now.iter().any(|n| n.starts_with('.')), "{now:?}");
    // --force over it: the new entity's sidecars replace the old ones.
    let out = emergency_reencrypt(&s, "kept", &["--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let forced = names_in(&s.path("kept"));
    assert_eq!(forced.len(), 4, "{forced:?}");
    assert_ne!(forced, now);
    reads_all(&s, "B", "kept/d.enc.json", "k-out", &expected);

    // An object store as the output: refused in one line before any work,
    // as attachments are for entity commands (sidecars live on the local
    // disk); plaintext never goes there.
    let out = emergency_reencrypt(&s, "s3://some-bucket/er/", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stderr(&out).trim().lines().count(), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("local"), "{}", stderr(&out));
    assert!(!s.path("s3:").exists());
    let out = s
        .ks("A")
        .args([
            "backup",
            "restore",
            "--qr",
            "card.png",
            "bk",
            "--out-dir",
            "s3://some-bucket/er/",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(!s.path("s3:").exists());
}

/// `emergency append` of an entity with attachments carries them, as
/// `backup create` does: restored beside the appended record, or
/// re-encrypted as its sidecars.
#[test]
fn emergency_append_carries_attachments() {
    let s = Sandbox::new();
    let plain = s.write("note.json", r#"{"id": "n1"}"#);
    ok(
        &mut s.ks("A"),
        &[
            "backup",
            "create",
            "--as",
            "A",
            plain.to_str().unwrap(),
            "-o",
            "bk",
            "--qr",
            "card.png",
        ],
    );
    // B's record with an attachment (A encrypted it for B).
    let x = data(CHUNK + 1, 4);
    encrypt(&s, "d.json", &[("xray.png", &x)]);
    let appended = json(&ok(
        &mut s.ks("B"),
        &[
            "--json",
            "emergency",
            "append",
            "--qr",
            "card.png",
            "bk",
            "--signer",
            "A",
            "--as",
            "B",
            "d.json",
        ],
    ));
    let aid = appended["appendix"].as_str().unwrap().to_string();
    let objects = appended["objects"].as_array().unwrap();
    assert_eq!(objects.len(), 2, "{appended}");
    assert_eq!(objects[1]["attachmentOf"], objects[0]["id"], "{appended}");
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
    assert_eq!(
        fs::read(s.path(&format!("restored/appended/{aid}/xray.png"))).unwrap(),
        x
    );
    let out = emergency_reencrypt(&s, "enc", &["--kind", "form"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = format!("enc/appended/{aid}");
    let names = names_in(&s.path(&dir));
    assert_eq!(names.len(), 2, "{names:?}");
    let got = get(&s, "B", &format!("{dir}/d.enc.json"), "xray.png");
    assert!(got.status.success(), "{}", stderr(&got));
    assert_eq!(got.stdout, x);
}

#[test]
fn encrypting_over_an_entity_with_attachments_removes_its_sidecars() {
    let s = Sandbox::new();
    let old = encrypt(&s, "d.json", &[("x", &data(10, 1)), ("y", &data(10, 2))]);
    let f = s.write("z.src", data(CHUNK + 1, 3));
    let z = format!("z={}", f.display());
    ok(
        &mut s.ks("A"),
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "form",
            "--attach",
            &z,
            "d.json.plain",
            "-o",
            "d.json",
            "--force",
        ],
    );
    let now = sidecars(&s, "d.json");
    assert_eq!(now.len(), 1, "{now:?}");
    assert!(!old.contains(&now[0]));
    assert_eq!(get(&s, "A", "d.json", "z").stdout, data(CHUNK + 1, 3));
}
