//! `backup` and `emergency`, end to end through the real binary: round
//! trips through a real PNG card, every tampering case refused with its
//! exit code and no output, the access log, appendices, re-encryption.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{Command, Sandbox, PASSPHRASE as PASS};
use serde_json::Value;

const INTEGRITY: i32 = 5;
const FORMAT: i32 = 6;
const REFUSED: i32 = 7;

/// The shared sandbox with the four fixture keystores.
struct World(Sandbox);

impl World {
    fn new() -> Self {
        let sb = Sandbox::new();
        for who in ["A", "B", "C", "P"] {
            sb.keystore(who);
        }
        World(sb)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.path(rel)
    }

    fn cmd(&self, who: &str) -> Command {
        self.0.ks(who)
    }

    /// `ehrcrypt` on a keystore that does not exist (no trusted owners).
    fn no_keystore(&self) -> Command {
        self.0.on(&self.path("none.json"))
    }

    /// Three records, one of them spanning four 64 KiB chunks.
    fn records(&self) -> PathBuf {
        let rec = self.path("records");
        fs::create_dir_all(rec.join("labs")).unwrap();
        fs::write(
            rec.join("allergies.json"),
            br#"{"id":"a1","allergies":["penicillin"]}"#,
        )
        .unwrap();
        fs::write(
            rec.join("blood type.json"),
            br#"{"id":"b1","bloodType":"O+"}"#,
        )
        .unwrap();
        let big: Vec<Value> = (0..4000)
            .map(|i| serde_json::json!({"i": i, "note": "creatinine 1.1 mg/dL, stable"}))
            .collect();
        fs::write(
            rec.join("labs/history.json"),
            serde_json::to_vec(&big).unwrap(),
        )
        .unwrap();
        rec
    }

    /// P backs up `records()` into `name`; returns (bucket, card png, card text).
    fn backup(&self, name: &str) -> (PathBuf, PathBuf, String) {
        let rec = self.records();
        let bucket = self.path(name);
        let card = self.path(&format!("{name}.png"));
        let out = self
            .cmd("P")
            .args(["backup", "create", "--as", "P"])
            .arg(&rec)
            .arg("-o")
            .arg(&bucket)
            .arg("--qr")
            .arg(&card)
            .arg("--qr-text")
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap().trim().to_string();
        assert!(text.starts_with("ehrbk1:"), "{text}");
        (bucket, card, text)
    }
}

/// Every file below `dir`, relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, d: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().to_string();
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            fs::copy(&p, &dest).unwrap();
        }
    }
}

/// The objects of a bucket, largest first.
fn objects(bucket: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(bucket.join("objects"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort_by_key(|p| std::cmp::Reverse(fs::metadata(p).unwrap().len()));
    v
}

fn expected_plaintexts(w: &World) -> BTreeMap<String, Vec<u8>> {
    let rec = w.path("records");
    BTreeMap::from([
        (
            "allergies.json".to_string(),
            fs::read(rec.join("allergies.json")).unwrap(),
        ),
        (
            "blood_type.json".to_string(),
            fs::read(rec.join("blood type.json")).unwrap(),
        ),
        (
            "history.json".to_string(),
            fs::read(rec.join("labs/history.json")).unwrap(),
        ),
    ])
}

#[test]
fn png_card_round_trip_restore_and_emergency_give_the_same_records() {
    let w = World::new();
    let (bucket, card, text) = w.backup("bk");
    assert_eq!(&fs::read(&card).unwrap()[..4], b"\x89PNG");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&card).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the card holds the key");
    }
    // The key is never in the bucket.
    let key_b64 = &text[7..60];
    for (name, bytes) in tree(&bucket) {
        assert!(!String::from_utf8_lossy(&bytes).contains(key_b64), "{name}");
    }

    let restored = w.path("restored");
    w.cmd("P")
        .args(["backup", "restore", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .arg("--out-dir")
        .arg(&restored)
        .assert()
        .success();
    let emergency = w.path("emergency");
    w.cmd("A")
        .args(["emergency", "decrypt", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .args(["--signer", "P", "--as", "A", "--out-dir"])
        .arg(&emergency)
        .assert()
        .success();
    let via_text = w.path("via-text");
    w.cmd("B")
        .args(["emergency", "decrypt", "--qr-text", &text])
        .arg(&bucket)
        .arg("--out-dir")
        .arg(&via_text)
        .assert()
        .success();
    let expected = expected_plaintexts(&w);
    assert_eq!(tree(&restored), expected);
    assert_eq!(tree(&emergency), expected);
    assert_eq!(tree(&via_text), expected);
}

#[test]
fn svg_and_terminal_cards() {
    let w = World::new();
    let rec = w.records();
    w.cmd("P")
        .args(["backup", "create", "--as", "P"])
        .arg(&rec)
        .arg("-o")
        .arg(w.path("b1"))
        .arg("--qr")
        .arg(w.path("card.svg"))
        .args(["--location", "https://storage.example/p/backups/1"])
        .assert()
        .success();
    assert!(fs::read_to_string(w.path("card.svg"))
        .unwrap()
        .contains("<svg"));
    let out = w
        .cmd("P")
        .args(["backup", "create", "--as", "P"])
        .arg(&rec)
        .arg("-o")
        .arg(w.path("b2"))
        .args(["--qr", "-"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(out).unwrap().contains('\u{2588}'));
    // No card at all would lose the key: refused before any work.
    w.cmd("P")
        .args(["backup", "create", "--as", "P"])
        .arg(&rec)
        .arg("-o")
        .arg(w.path("b3"))
        .assert()
        .code(2);
    assert!(!w.path("b3").exists());
}

/// Runs `emergency decrypt` on a damaged copy of the bucket and checks
/// the exit code, the message, and that nothing was written.
fn refused(w: &World, bucket: &Path, card: &Path, code: i32, needle: &str) {
    let out_dir = w.path(&format!(
        "out-{}",
        bucket.file_name().unwrap().to_string_lossy()
    ));
    let assert = w
        .cmd("A")
        .args(["emergency", "decrypt", "--qr"])
        .arg(card)
        .arg(bucket)
        .args(["--as", "A", "--out-dir"])
        .arg(&out_dir)
        .assert()
        .code(code);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(err.contains(needle), "expected '{needle}' in: {err}");
    assert_eq!(
        err.lines().filter(|l| l.contains("error:")).count(),
        1,
        "{err}"
    );
    assert!(!out_dir.exists(), "{} was created", out_dir.display());
    assert!(
        !bucket.join("access-log.jsonl").exists(),
        "a refused access must not be logged"
    );
}

fn damaged(w: &World, bucket: &Path, name: &str, damage: impl FnOnce(&Path)) -> PathBuf {
    let copy = w.path(name);
    copy_dir(bucket, &copy);
    damage(&copy);
    copy
}

#[test]
fn every_kind_of_tampering_is_refused_with_no_output() {
    let w = World::new();
    let (bucket, card, _) = w.backup("bk");
    let unit = 65536 + 16;
    let header = 51;

    let b = damaged(&w, &bucket, "flip", |b| {
        let p = &objects(b)[0];
        let mut bytes = fs::read(p).unwrap();
        bytes[header + 100] ^= 1;
        fs::write(p, bytes).unwrap();
    });
    refused(&w, &b, &card, INTEGRITY, "chunk 0 does not authenticate");

    let b = damaged(&w, &bucket, "truncate", |b| {
        let p = &objects(b)[0];
        let bytes = fs::read(p).unwrap();
        fs::write(p, &bytes[..header + 2 * unit]).unwrap();
    });
    refused(&w, &b, &card, INTEGRITY, "truncated");

    let b = damaged(&w, &bucket, "delete", |b| {
        fs::remove_file(&objects(b)[1]).unwrap();
    });
    refused(&w, &b, &card, INTEGRITY, "missing");

    let b = damaged(&w, &bucket, "extra", |b| {
        let src = &objects(b)[1];
        fs::copy(
            src,
            b.join("objects/0123456789abcdef0123456789abcdef.ehrbk"),
        )
        .unwrap();
    });
    refused(&w, &b, &card, INTEGRITY, "unexpected object");

    let b = damaged(&w, &bucket, "swap", |b| {
        let p = &objects(b)[0];
        let mut bytes = fs::read(p).unwrap();
        let first: Vec<u8> = bytes[header..header + unit].to_vec();
        bytes.copy_within(header + unit..header + 2 * unit, header);
        bytes[header + unit..header + 2 * unit].copy_from_slice(&first);
        fs::write(p, bytes).unwrap();
    });
    refused(&w, &b, &card, INTEGRITY, "chunk 0 does not authenticate");

    let b = damaged(&w, &bucket, "substitute", |b| {
        // Two objects trade places under each other's names.
        let (o1, o2) = (&objects(b)[1], &objects(b)[2]);
        let (b1, b2) = (fs::read(o1).unwrap(), fs::read(o2).unwrap());
        fs::write(o1, b2).unwrap();
        fs::write(o2, b1).unwrap();
    });
    refused(&w, &b, &card, INTEGRITY, "object");

    let b = damaged(&w, &bucket, "manifest", |b| {
        let p = b.join("manifest.json");
        let text = fs::read_to_string(&p)
            .unwrap()
            .replace("\"created\": \"", "\"created\": \"1");
        fs::write(p, text).unwrap();
    });
    refused(&w, &b, &card, INTEGRITY, "manifest");

    // Issue 11, defect 6: the digest is compared before the manifest is
    // parsed; an unparseable manifest was a format error (6) first.
    let b = damaged(&w, &bucket, "manifest-unparsed", |b| {
        let p = b.join("manifest.json");
        let mut text = fs::read(&p).unwrap();
        text.splice(0..0, b"[".iter().copied());
        fs::write(p, text).unwrap();
    });
    refused(
        &w,
        &b,
        &card,
        INTEGRITY,
        "does not match the digest on the card",
    );

    let b = damaged(&w, &bucket, "no-manifest", |b| {
        fs::remove_file(b.join("manifest.json")).unwrap();
    });
    refused(&w, &b, &card, INTEGRITY, "manifest.json is missing");

    // A card for another backup.
    let (_, other_card, _) = w.backup("other");
    refused(&w, &bucket, &other_card, INTEGRITY, "wrong card");

    // A damaged card text.
    let bad = w.path("bad-card.txt");
    fs::write(&bad, "ehrbk1:AAAAbroken").unwrap();
    refused(
        &w,
        &bucket,
        &bad,
        FORMAT,
        "not a valid ehrcrypt backup card",
    );
    // An image that is not a QR code.
    let blank = w.path("blank.png");
    image::GrayImage::from_pixel(200, 200, image::Luma([255u8]))
        .save(&blank)
        .unwrap();
    refused(&w, &bucket, &blank, FORMAT, "no QR code");
}

#[test]
fn cards_signed_by_another_key_are_refused() {
    use ehrcrypt::backup::qr::Card;
    use ehrcrypt::keystore::Keystore;
    use ehrcrypt::owner::OwnerId;
    use ehrcrypt::passphrase::PassphraseSource;
    use ehrcrypt::session::Session;

    let w = World::new();
    let (bucket, _, text) = w.backup("bk");
    let card = Card::from_text(&text).unwrap();

    // Carol re-signs P's card with her own key, keeping P's fingerprint.
    let carol = Session::open(&w.path("C.keystore.json"), PassphraseSource::fixed(PASS)).unwrap();
    let c_owner = carol
        .keystore()
        .owner(&OwnerId::new("C").unwrap())
        .unwrap()
        .clone();
    let c_key = carol.current_private_key(&c_owner).unwrap();
    let kc = ehrcrypt::backup::key_commitment(&card.key, &card.backup_id);
    let msg = ehrcrypt::backup::qr::signed_message(
        &card.backup_id,
        &kc,
        &card.signer,
        &card.manifest_digest,
        card.time,
        None,
    );
    let mut forged = card.clone();
    forged.signature = c_key.sign(&msg).unwrap();
    let forged_path = w.path("forged.txt");
    fs::write(&forged_path, &*forged.to_text()).unwrap();
    refused(
        &w,
        &bucket,
        &forged_path,
        INTEGRITY,
        "signature does not verify",
    );

    // Carol's own backup presented as P's: signed by C, not by P.
    let carols = w.path("carols");
    w.cmd("C")
        .args(["backup", "create", "--as", "C"])
        .arg(w.path("records"))
        .arg("-o")
        .arg(&carols)
        .arg("--qr")
        .arg(w.path("carols.png"))
        .assert()
        .success();
    let out = w.path("out-carols");
    let a = w
        .cmd("A")
        .args(["emergency", "decrypt", "--qr"])
        .arg(w.path("carols.png"))
        .arg(&carols)
        .args(["--signer", "P", "--out-dir"])
        .arg(&out)
        .assert()
        .code(INTEGRITY);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("not a key of P"));
    assert!(!out.exists());

    // Same with P's public key given as a PEM, and no keystore at all.
    let ks = Keystore::load(&w.path("A.keystore.json")).unwrap();
    let p_pem = ks.owner(&OwnerId::new("P").unwrap()).unwrap().public_keys[0]
        .spki
        .clone();
    let pem = w.path("P.pem");
    fs::write(&pem, p_pem).unwrap();
    let mut c = w.no_keystore();
    c.args(["emergency", "decrypt", "--qr"])
        .arg(w.path("carols.png"))
        .arg(&carols)
        .arg("--signer-key")
        .arg(&pem)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(INTEGRITY);
    let mut c = w.no_keystore();
    c.args(["emergency", "decrypt", "--qr-text", &text])
        .arg(&bucket)
        .arg("--signer-key")
        .arg(&pem)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(tree(&out), expected_plaintexts(&w));
}

#[test]
fn unverified_signer_needs_no_verify_and_gets_a_loud_warning() {
    let w = World::new();
    let (bucket, card, _) = w.backup("bk");
    // A keystore in which P's key is known but not verified.
    let ks = w.path("A.keystore.json");
    let mut v: Value = serde_json::from_slice(&fs::read(&ks).unwrap()).unwrap();
    for o in v["owners"].as_array_mut().unwrap() {
        if o["id"] == "P" {
            for k in o["publicKeys"].as_array_mut().unwrap() {
                k["verified"] = Value::Bool(false);
            }
        }
    }
    fs::write(&ks, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let out = w.path("out");
    w.cmd("A")
        .args(["emergency", "decrypt", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(REFUSED)
        .stderr(predicates::str::contains("not verified"));
    assert!(!out.exists());
    w.cmd("A")
        .args(["emergency", "decrypt", "--no-verify", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicates::str::contains("NOT VERIFIED"));
    assert_eq!(tree(&out), expected_plaintexts(&w));
}

fn inspect(w: &World, who: &str, bucket: &Path) -> Value {
    let out = w
        .cmd(who)
        .args(["--json", "backup", "inspect"])
        .arg(bucket)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn each_emergency_access_is_logged_and_inspect_shows_it() {
    let w = World::new();
    let (bucket, card, _) = w.backup("bk");
    let before = inspect(&w, "P", &bucket);
    assert_eq!(before["accessLog"].as_array().unwrap().len(), 0);
    assert_eq!(before["objects"].as_array().unwrap().len(), 3);
    assert_eq!(before["signature"]["status"], "verified");
    assert_eq!(before["signature"]["owner"], "P");
    // No names without the card.
    assert!(before["objects"][0].get("name").is_none());

    for (i, who) in [Some("A"), None, Some("B")].into_iter().enumerate() {
        let mut c = w.cmd(who.unwrap_or("A"));
        c.args(["emergency", "decrypt", "--qr"])
            .arg(&card)
            .arg(&bucket);
        if let Some(who) = who {
            c.args(["--as", who]);
        }
        c.arg("--out-dir")
            .arg(w.path(&format!("out{i}")))
            .assert()
            .success();
    }
    // A refused access adds nothing.
    w.cmd("A")
        .args(["emergency", "decrypt", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .arg("--out-dir")
        .arg(w.path("out0"))
        .assert()
        .code(REFUSED);

    let after = inspect(&w, "P", &bucket);
    let log = after["accessLog"].as_array().unwrap();
    assert_eq!(log.len(), 3, "{log:#?}");
    assert_eq!(log[0]["record"]["by"]["owner"], "A");
    assert_eq!(log[0]["status"], "signed");
    assert!(log[1]["record"].get("by").is_none());
    assert_eq!(log[1]["status"], "mac-unchecked");
    assert_eq!(log[2]["record"]["by"]["owner"], "B");
    for (i, l) in log.iter().enumerate() {
        assert_eq!(l["chained"], true);
        assert_eq!(l["record"]["seq"], i);
        assert_eq!(l["record"]["action"], "emergency-decrypt");
        assert_eq!(l["record"]["objects"].as_array().unwrap().len(), 3);
    }
    // With the card, names and MACs can be checked.
    let with_card = w
        .cmd("P")
        .args(["--json", "backup", "inspect", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&with_card).unwrap();
    assert_eq!(v["accessLog"][1]["status"], "mac-valid");
    assert!(v["objects"][0]["name"].is_string());
    // Text output names the professional.
    w.cmd("P")
        .args(["backup", "inspect"])
        .arg(&bucket)
        .assert()
        .success()
        .stdout(predicates::str::contains("emergency-decrypt by A"));

    // Removing a line in the middle breaks the chain.
    let p = bucket.join("access-log.jsonl");
    let lines: Vec<String> = fs::read_to_string(&p)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    fs::write(&p, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
    // Reported in full, and a failure (issue 11, defect 7): exit 5.
    let out = w
        .cmd("P")
        .args(["--json", "backup", "inspect"])
        .arg(&bucket)
        .assert()
        .code(INTEGRITY)
        .stderr(predicates::str::contains("chain broken"))
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["accessLog"][1]["chained"], false);
}

#[test]
fn appended_records_come_back_attributed_and_leave_the_patients_objects_alone() {
    let w = World::new();
    let (bucket, card, _) = w.backup("bk");
    let objects_before = tree(&bucket.join("objects"));
    let manifest_before = fs::read(bucket.join("manifest.json")).unwrap();
    let note = w.path("er-note.json");
    fs::write(&note, br#"{"id":"er1","note":"admitted 03:12, GCS 14"}"#).unwrap();
    w.cmd("A")
        .args(["emergency", "append", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .args(["--as", "A"])
        .arg(&note)
        .assert()
        .success()
        .stdout(predicates::str::contains("appended 1 record"));
    assert_eq!(tree(&bucket.join("objects")), objects_before);
    assert_eq!(
        fs::read(bucket.join("manifest.json")).unwrap(),
        manifest_before
    );

    let out = w.path("out");
    let json = w
        .cmd("B")
        .args(["--json", "emergency", "decrypt", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .args(["--as", "B", "--out-dir"])
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&json).unwrap();
    let appended: Vec<&Value> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("appendix").is_some())
        .collect();
    assert_eq!(appended.len(), 1);
    assert_eq!(appended[0]["author"]["status"], "verified");
    assert_eq!(appended[0]["author"]["owner"], "A");
    let path = out.join(appended[0]["path"].as_str().unwrap());
    assert!(path.starts_with(out.join("appended")));
    assert_eq!(fs::read(path).unwrap(), fs::read(&note).unwrap());
    assert_eq!(tree(&out).len(), 4);

    let v = inspect(&w, "P", &bucket);
    assert_eq!(v["appendices"][0]["author"], "A");
    assert_eq!(v["appendices"][0]["status"], "verified");
    let log = v["accessLog"].as_array().unwrap();
    assert_eq!(log[0]["record"]["action"], "emergency-append");
    assert_eq!(log[1]["record"]["action"], "emergency-decrypt");

    // A modified appendix is refused.
    let adir = fs::read_dir(bucket.join("appendix"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let ap = adir.join("appendix.json");
    let text = fs::read_to_string(&ap)
        .unwrap()
        .replace("\"owner\": \"A\"", "\"owner\": \"B\"");
    fs::write(&ap, text).unwrap();
    let out2 = w.path("out2");
    w.cmd("B")
        .args(["emergency", "decrypt", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .arg("--out-dir")
        .arg(&out2)
        .assert()
        .code(INTEGRITY);
    assert!(!out2.exists());
}

#[test]
fn entities_go_in_and_reencrypted_entities_come_out() {
    let w = World::new();
    let rec = w.records();
    // P's own entity as an input: decrypted into the backup.
    let ent = w.path("entities");
    w.cmd("P")
        .args([
            "entity",
            "encrypt",
            "--as",
            "P",
            "--kind",
            "contact",
            "--out-dir",
        ])
        .arg(&ent)
        .arg(rec.join("allergies.json"))
        .assert()
        .success();
    let bucket = w.path("bk");
    let card = w.path("card.png");
    w.cmd("P")
        .args(["backup", "create", "--as", "P"])
        .arg(ent.join("allergies.enc.json"))
        .arg(rec.join("blood type.json"))
        .arg("-o")
        .arg(&bucket)
        .arg("--qr")
        .arg(&card)
        .assert()
        .success();
    let plain = w.path("plain");
    w.cmd("A")
        .args(["emergency", "decrypt", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .arg("--out-dir")
        .arg(&plain)
        .assert()
        .success();
    assert_eq!(
        fs::read(plain.join("allergies.json")).unwrap(),
        fs::read(rec.join("allergies.json")).unwrap()
    );
    // Re-encrypted for A: entities on disk, which A decrypts to the originals.
    let enc = w.path("enc");
    w.cmd("A")
        .args(["emergency", "decrypt", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .args(["--reencrypt-as", "A", "--kind", "form", "--out-dir"])
        .arg(&enc)
        .assert()
        .success();
    // Named by the rule: re-encrypted records are NAME.enc.json.
    for (name, original) in [
        ("allergies.enc.json", rec.join("allergies.json")),
        ("blood_type.enc.json", rec.join("blood type.json")),
    ] {
        let e: Value = serde_json::from_slice(&fs::read(enc.join(name)).unwrap()).unwrap();
        assert_eq!(e["format"], "ehrcrypt/entity/v2");
        let expected_kind = if name == "allergies.enc.json" {
            "contact"
        } else {
            "form"
        };
        assert_eq!(e["kind"], expected_kind, "{name}");
        let out = w
            .cmd("A")
            .args(["entity", "decrypt", "--as", "A"])
            .arg(enc.join(name))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let original = fs::read(original).unwrap();
        assert_eq!(out.trim_ascii_end(), original.trim_ascii_end(), "{name}");
    }
    // Without --kind, a plaintext record has no kind to become.
    let enc2 = w.path("enc2");
    w.cmd("A")
        .args(["emergency", "decrypt", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .args(["--reencrypt-as", "A", "--out-dir"])
        .arg(&enc2)
        .assert()
        .code(2);
    assert!(!enc2.exists());
}

#[test]
fn existing_outputs_are_never_overwritten() {
    let w = World::new();
    let (bucket, card, _) = w.backup("bk");
    let out = w.path("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("blood_type.json"), b"mine").unwrap();
    w.cmd("P")
        .args(["backup", "restore", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(REFUSED);
    assert_eq!(tree(&out).len(), 1);
    assert_eq!(fs::read(out.join("blood_type.json")).unwrap(), b"mine");
    // Nor is an existing bucket.
    w.cmd("P")
        .args(["backup", "create", "--as", "P"])
        .arg(w.path("records"))
        .arg("-o")
        .arg(&bucket)
        .arg("--qr")
        .arg(w.path("again.png"))
        .assert()
        .code(REFUSED);
}

/// Z_AC exists only on the card: when the card cannot be written, no
/// bucket appears (it could never be read), and nothing is left behind.
#[test]
fn a_card_that_cannot_be_written_leaves_no_bucket() {
    let w = World::new();
    let rec = w.records();
    let bucket = w.path("bk");
    w.cmd("P")
        .args(["backup", "create", "--as", "P"])
        .arg(&rec)
        .arg("-o")
        .arg(&bucket)
        .arg("--qr")
        .arg(w.path("no-such-dir/card.png"))
        .assert()
        .code(3);
    assert!(!bucket.exists(), "a bucket without its card was published");
    let left: Vec<_> = fs::read_dir(w.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "staging left behind: {left:?}");
    // With a writable card path the same command works.
    w.cmd("P")
        .args(["backup", "create", "--as", "P"])
        .arg(&rec)
        .arg("-o")
        .arg(&bucket)
        .arg("--qr")
        .arg(w.path("card.png"))
        .assert()
        .success();
    assert!(bucket.join("manifest.json").exists() && w.path("card.png").exists());
}

/// Every append is logged: when the access log cannot be written, the
/// appendix is taken back and the bucket is as it was.
#[test]
fn an_append_that_cannot_be_logged_is_taken_back() {
    let w = World::new();
    let (bucket, card, _) = w.backup("bk");
    // A directory where the log file should be: it cannot be opened.
    fs::create_dir(bucket.join("access-log.jsonl")).unwrap();
    let before = tree(&bucket);
    let note = w.path("er-note.json");
    fs::write(&note, br#"{"id":"er1","note":"admitted"}"#).unwrap();
    let out = w
        .cmd("A")
        .args(["emergency", "append", "--qr"])
        .arg(&card)
        .arg(&bucket)
        .args(["--as", "A"])
        .arg(&note)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("access log"), "{err}");
    assert!(err.contains("nothing was appended"), "{err}");
    assert_eq!(tree(&bucket), before, "no appendix left behind");
    let left: Vec<_> = fs::read_dir(bucket.join("appendix"))
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

/// The card must be readable by a standard scanner: where `zbarimg` is
/// installed (Debian: zbar-tools), it must read back exactly the payload
/// `--qr-text` prints, and emergency decrypt must accept what it read.
#[test]
fn zbarimg_reads_the_png_card_exactly() {
    let zbar = std::process::Command::new("zbarimg")
        .arg("--version")
        .output();
    if !zbar.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "note: zbarimg not installed (apt-get install zbar-tools); scanner check skipped"
        );
        return;
    }
    let w = World::new();
    let records = w.records();
    let (bucket, card) = (w.path("bucket"), w.path("card.png"));
    let out = w
        .cmd("P")
        .args([
            "backup",
            "create",
            "--as",
            "P",
            "--qr-text",
            "--location",
            "https://s-ehr.example/b/0123456789abcdef",
        ])
        .arg(&records)
        .arg("-o")
        .arg(&bucket)
        .arg("--qr")
        .arg(&card)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let scanned = std::process::Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(&card)
        .output()
        .unwrap();
    assert!(scanned.status.success(), "zbarimg could not read the card");
    let scanned = String::from_utf8(scanned.stdout)
        .unwrap()
        .trim()
        .to_string();
    assert_eq!(scanned, printed);
    let out = w
        .cmd("A")
        .args([
            "emergency",
            "decrypt",
            "--signer",
            "P",
            "--qr-text",
            &scanned,
        ])
        .arg(&bucket)
        .arg("--out-dir")
        .arg(w.path("er"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue 11, defect 7: `inspect` printed "INVALID signature" and exited 0.
#[test]
fn inspect_fails_on_an_invalid_signature() {
    let w = World::new();
    let (bucket, _, _) = w.backup("bk");
    let sp = bucket.join("signature.json");
    let mut sig: Value = serde_json::from_slice(&fs::read(&sp).unwrap()).unwrap();
    let s = sig["signature"].as_str().unwrap().to_string();
    let flipped = if s.starts_with('A') { "B" } else { "A" };
    sig["signature"] = Value::from(format!("{flipped}{}", &s[1..]));
    fs::write(&sp, serde_json::to_vec_pretty(&sig).unwrap()).unwrap();
    w.cmd("P")
        .args(["backup", "inspect"])
        .arg(&bucket)
        .assert()
        .code(INTEGRITY)
        .stdout(predicates::str::contains("signature: INVALID signature"))
        .stderr(predicates::str::contains(
            "signature.json: INVALID signature",
        ));
}
