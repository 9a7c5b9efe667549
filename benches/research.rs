//! Benchmark of research sharing (issue 16): publish, grant, proxy
//! re-encryption and open, through the library's own commands on files, at
//! 1 KB and 64 KB records, beside seed 003's PALISADE figures (encrypt 6.1
//! ms, delegation 40 ms, decrypt 7.9 ms for 1 KB) and, when the `openfhe`
//! wheel imports under CPython 3.10, OpenFHE's BGV PRE timed in this run.
//!
//! - latency: medians per record with one thread;
//! - throughput: the proxy over 10,000 1 KB records on every core.
//!
//! Targets: grant ≤ 2 ms, proxy ≤ 0.5 ms per record and ≥ 4,000 records/s
//! on 2 cores, open ≤ 1 ms per record.
//!
//! Run: `cargo bench --bench research` (`-- --quick` for a smoke run).

#[cfg(not(feature = "research"))]
fn main() {
    eprintln!("research benchmark: built without the `research` feature; nothing to do");
}

#[cfg(feature = "research")]
mod common;

#[cfg(feature = "research")]
fn main() {
    bench::main()
}

#[cfg(feature = "research")]
mod bench {
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use ehrcrypt::keystore::Keystore;
    use ehrcrypt::owner::OwnerId;
    use ehrcrypt::passphrase::PassphraseSource;
    use ehrcrypt::research::study;
    use ehrcrypt::session::Session;

    use super::common::{self, fmt3, thousands, verdict, Opts, Table};

    const PASS: &str = "test-only-passphrase";

    fn id(s: &str) -> OwnerId {
        OwnerId::new(s).expect("owner id")
    }

    /// An ndjson file of `n` patients, each with one Observation, about
    /// `size` bytes of record per patient.
    fn cohort(path: &Path, n: usize, size: usize) {
        let mut out = String::new();
        for i in 0..n {
            out.push_str(&format!(
                r#"{{"resourceType":"Patient","id":"p{i}","name":[{{"family":"Name{i}"}}],"birthDate":"1970-01-01","gender":"female"}}"#
            ));
            out.push('\n');
            let pad = size.saturating_sub(330);
            out.push_str(&format!(
                r#"{{"resourceType":"Observation","id":"o{i}","status":"final","code":{{"coding":[{{"system":"http://loinc.org","code":"4548-4"}}]}},"subject":{{"reference":"Patient/p{i}"}},"valueQuantity":{{"value":6.{i},"unit":"%"}},"valueString":"{}"}}"#,
                "x".repeat(pad)
            ));
            out.push('\n');
        }
        fs::write(path, out).expect("write cohort");
    }

    struct World {
        dir: PathBuf,
        clinic: Session,
        researcher: Session,
    }

    fn world(dir: &Path) -> World {
        fs::create_dir_all(dir).unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/keys");
        for who in ["A", "C"] {
            fs::copy(
                fixtures.join(format!("{who}.keystore.json")),
                dir.join(format!("{who}.keystore.json")),
            )
            .unwrap();
        }
        let researcher = Session::open(&dir.join("C.keystore.json"), PassphraseSource::fixed(PASS))
            .expect("C's keystore");
        let (key, _) = study::pre_key(&researcher, &id("C")).expect("C's research key");
        // A already holds C's verified RSA key: give it C's research key too.
        Keystore::update(&dir.join("A.keystore.json"), |ks| {
            ks.owner_mut(&id("C"))?.pre_keys.push(key.clone());
            Ok(())
        })
        .unwrap();
        Keystore::update(&dir.join("C.keystore.json"), |ks| {
            ks.owner_mut(&id("C"))?.pre_keys.push(key);
            Ok(())
        })
        .unwrap();
        let clinic = Session::open(&dir.join("A.keystore.json"), PassphraseSource::fixed(PASS))
            .expect("A's keystore");
        let researcher = Session::open(&dir.join("C.keystore.json"), PassphraseSource::fixed(PASS))
            .expect("C's keystore");
        World {
            dir: dir.to_path_buf(),
            clinic,
            researcher,
        }
    }

    struct Figures {
        publish_ms: f64,
        grant_ms: f64,
        proxy_ms: f64,
        open_ms: f64,
    }

    fn one_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("thread pool")
            .install(f)
    }

    /// Per-record medians at `size`, one thread.
    fn latency(w: &World, size: usize, n: usize, runs: usize) -> Figures {
        let input = w.dir.join(format!("cohort-{size}.ndjson"));
        cohort(&input, n, size);
        let (mut publish, mut grant, mut proxy, mut open) = (vec![], vec![], vec![], vec![]);
        let one = study::Split::new(1, 1).expect("1 of 1");
        for r in 0..runs {
            let sdir = w.dir.join(format!("study-{size}-{r}"));
            let name = format!("bench-{size}-{r}");
            let (_, t) = common::timed(|| {
                one_thread(|| {
                    study::publish(
                        &w.clinic,
                        &id("A"),
                        &name,
                        std::slice::from_ref(&input),
                        &sdir,
                        false,
                    )
                    .expect("publish")
                })
            });
            publish.push(t / n as f64);
            let frags = w.dir.join(format!("frags-{size}-{r}"));
            let (g, t) = common::timed(|| {
                study::grant(&w.clinic, &id("A"), &id("C"), (&name, &sdir), one, &frags)
                    .expect("grant")
            });
            grant.push(t);
            let (_, t) = common::timed(|| {
                one_thread(|| study::proxy(&g.fragments[0], &sdir, None).expect("proxy"))
            });
            proxy.push(t / n as f64);
            let out = w.dir.join(format!("open-{size}-{r}"));
            let (_, t) = common::timed(|| {
                one_thread(|| {
                    study::open(&w.researcher, &id("C"), &sdir, &[], &out, false).expect("open")
                })
            });
            open.push(t / n as f64);
        }
        Figures {
            publish_ms: common::median(&publish) * 1e3,
            grant_ms: common::median(&grant) * 1e3,
            proxy_ms: common::median(&proxy) * 1e3,
            open_ms: common::median(&open) * 1e3,
        }
    }

    /// Proxy throughput over `n` 1 KB records, every core.
    fn throughput(w: &World, n: usize) -> f64 {
        let input = w.dir.join("throughput.ndjson");
        cohort(&input, n, 1024);
        let sdir = w.dir.join("study-throughput");
        study::publish(&w.clinic, &id("A"), "throughput", &[input], &sdir, false).expect("publish");
        let g = study::grant(
            &w.clinic,
            &id("A"),
            &id("C"),
            ("throughput", &sdir),
            study::Split::new(1, 1).expect("1 of 1"),
            &w.dir.join("frags-throughput"),
        )
        .expect("grant");
        let (r, t) = common::timed(|| study::proxy(&g.fragments[0], &sdir, None).expect("proxy"));
        assert_eq!(r.reencrypted, n);
        n as f64 / t
    }

    /// OpenFHE's BGV PRE on 1 KB, from scripts/bench-openfhe.py, if it runs.
    fn openfhe(runs: usize) -> Option<serde_json::Value> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/bench-openfhe.py");
        let py = std::env::var("EHRCRYPT_OPENFHE_PYTHON").unwrap_or_else(|_| "python3.10".into());
        let out = Command::new(&py)
            .arg(&script)
            .arg(runs.to_string())
            .output()
            .ok()?;
        if !out.status.success() {
            common::progress(format!(
                "OpenFHE not measured ({py} cannot import openfhe; `{py} -m pip install openfhe`)"
            ));
            return None;
        }
        serde_json::from_slice(&out.stdout).ok()
    }

    pub fn main() {
        let opts = Opts::from_args();
        let _pressure =
            common::section("8. Research sharing: proxy re-encryption", "research", opts);
        let dir = common::target_dir().join("bench-research");
        let _ = fs::remove_dir_all(&dir);
        let w = world(&dir);
        let (n, runs) = if opts.quick { (20, 3) } else { (200, 5) };
        common::progress("latency at 1 KB and 64 KB");
        let small = latency(&w, 1024, n, runs);
        let large = latency(&w, 64 * 1024, n / 4, runs);
        let records = if opts.quick { 1000 } else { 10_000 };
        common::progress(format!("proxy throughput over {records} records"));
        let per_s = throughput(&w, records);
        let ofhe = openfhe(runs);
        let f = |x: f64| fmt3(x);
        let of = |k: &str| {
            ofhe.as_ref()
                .and_then(|v| v[k].as_f64())
                .map_or("not installed".to_string(), fmt3)
        };

        println!("Medians per record, one thread; grant is one whole `research grant` (fragments and the signed study document). Seed 003: PALISADE-PRE on a 2018 laptop.\n");
        let mut t = Table::new(&[
            "operation",
            "ehrcrypt 1 KB (ms)",
            "ehrcrypt 64 KB (ms)",
            "OpenFHE BGV 1 KB, this run (ms)",
            "seed 003, 1 KB (ms)",
            "target",
        ]);
        t.row(vec![
            "publish (pseudonymise, encrypt, sign)".into(),
            f(small.publish_ms),
            f(large.publish_ms),
            of("encrypt"),
            "6.1".into(),
            "".into(),
        ]);
        t.row(vec![
            "grant (M=1, N=1)".into(),
            f(small.grant_ms),
            f(large.grant_ms),
            of("rekeygen"),
            "40".into(),
            format!("≤ 2 ms: {}", verdict(small.grant_ms <= 2.0)),
        ]);
        t.row(vec![
            "proxy re-encrypt (verify record, re-encrypt capsule)".into(),
            f(small.proxy_ms),
            f(large.proxy_ms),
            of("reencrypt"),
            "".into(),
            format!("≤ 0.5 ms: {}", verdict(small.proxy_ms <= 0.5)),
        ]);
        t.row(vec![
            "open (verify, combine, decrypt)".into(),
            f(small.open_ms),
            f(large.open_ms),
            of("decrypt"),
            "7.9".into(),
            format!("≤ 1 ms: {}", verdict(small.open_ms <= 1.0)),
        ]);
        t.print();
        println!();
        println!(
            "Proxy throughput: {} records/s over {} 1 KB records on {} threads (target ≥ 4,000/s: {}).",
            thousands(per_s),
            thousands(records as f64),
            rayon::current_num_threads(),
            verdict(per_s >= 4000.0)
        );
        if let Some(v) = &ofhe {
            let r = |k: &str, ours: f64| {
                v[k].as_f64()
                    .map_or("-".into(), |x| format!("{:.1}×", x / ours))
            };
            println!(
                "OpenFHE / ehrcrypt at 1 KB, same run: encrypt {}, delegation {}, re-encrypt {}, decrypt {} (ring dimension {}).",
                r("encrypt", small.publish_ms),
                r("rekeygen", small.grant_ms),
                r("reencrypt", small.proxy_ms),
                r("decrypt", small.open_ms),
                v["ring_dimension"]
            );
        }
        let _ = fs::remove_dir_all(&dir);
    }
}
