//! Figure 1, the baseline every other figure is a ratio of: raw
//! AES-256-GCM throughput of this very build (`SymmetricKey::seal`/`open`),
//! OpenSSL's on the same machine when it is installed, and one RSA-2048
//! OAEP decryption (what each exchange key costs once per run).

mod common;

use std::process::Command;

use common::*;
use ehrcrypt::crypto::{Context, PrivateKey};

fn main() {
    let opts = Opts::from_args();
    let _pressure = section(
        "1. Baseline: raw AES-256-GCM and RSA-2048",
        "baseline",
        opts,
    );
    let mut t = Table::new(&["measure", "median", "runs (min–max)"]);

    for size in [64 << 10, 1 << 20] {
        let a = aes::seal_mb_s(size, opts);
        t.row(vec![
            format!(
                "ehrcrypt `SymmetricKey::seal`, {} buffers, 1 thread",
                human(size)
            ),
            format!("**{} MB/s**", fmt3(a.mb_s)),
            a.spread,
        ]);
        let o = aes::open_mb_s(size, opts);
        t.row(vec![
            format!(
                "ehrcrypt `SymmetricKey::open`, {} buffers, 1 thread",
                human(size)
            ),
            format!("{} MB/s", fmt3(o.mb_s)),
            o.spread,
        ]);
    }
    let par = aes::seal_mb_s_all_cores(64 << 10, opts);
    t.row(vec![
        format!(
            "ehrcrypt `SymmetricKey::seal`, 64 KiB buffers, {} threads (rayon)",
            rayon::current_num_threads()
        ),
        format!("{} MB/s", fmt3(par.mb_s)),
        par.spread,
    ]);
    match openssl_gcm_mb_s() {
        Some(v) => t.row(vec![
            "`openssl speed -elapsed -evp aes-256-gcm`, 16384-byte column".into(),
            format!("{} MB/s", fmt3(v)),
            "(OpenSSL's own timing, 3 s)".into(),
        ]),
        None => t.row(vec![
            "`openssl speed -evp aes-256-gcm`".into(),
            "openssl not installed".into(),
            String::new(),
        ]),
    }

    let key = PrivateKey::generate().expect("keygen");
    let ctx = Context::new("ehrcrypt/bench").with("oaep");
    let wrapped = key.public().wrap(&ctx, &[7u8; 32]).expect("wrap");
    let rsa = repeat(5, opts.runs(51), || {
        timed(|| key.unwrap(&ctx, &wrapped).expect("unwrap")).1
    });
    t.row(vec![
        "RSA-2048 OAEP-SHA-256 decryption (`PrivateKey::unwrap`)".into(),
        format!("**{} ms**", fmt3(rsa.median() * 1e3)),
        rsa.ms(),
    ]);
    let wrap = repeat(5, opts.runs(51), || {
        timed(|| key.public().wrap(&ctx, &[7u8; 32]).expect("wrap")).1
    });
    t.row(vec![
        "RSA-2048 OAEP-SHA-256 encryption (`PublicKey::wrap`)".into(),
        format!("{} ms", fmt3(wrap.median() * 1e3)),
        wrap.ms(),
    ]);
    if let Some(ms) = openssl_rsa_sign_ms() {
        t.row(vec![
            "`openssl speed rsa2048` private-key operation (sign), for scale".into(),
            format!("{} ms", fmt3(ms)),
            "(OpenSSL's own timing)".into(),
        ]);
    }
    t.print();
}

fn human(size: usize) -> String {
    if size >= 1 << 20 {
        format!("{} MiB", size >> 20)
    } else {
        format!("{} KiB", size >> 10)
    }
}

/// OpenSSL's AES-256-GCM at 16 KiB blocks, in MB/s (10^6 bytes), or None.
fn openssl_gcm_mb_s() -> Option<f64> {
    let out = Command::new("openssl")
        .args([
            "speed", "-elapsed", "-seconds", "3", "-mr", "-bytes", "16384",
        ])
        .args(["-evp", "aes-256-gcm"])
        .output()
        .ok()?;
    // Machine-readable: `+F:N:AES-256-GCM:BYTES_PER_SECOND`.
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("+F:"))?;
    let bps: f64 = line.rsplit(':').next()?.trim().parse().ok()?;
    Some(bps / 1e6)
}

/// OpenSSL's RSA-2048 private-key operation, in ms, or None.
fn openssl_rsa_sign_ms() -> Option<f64> {
    let out = Command::new("openssl")
        .args(["speed", "-elapsed", "-seconds", "2", "-mr", "rsa2048"])
        .output()
        .ok()?;
    // `+F2:N:2048:SIGN:VERIFY`: operations per second in OpenSSL 3,
    // seconds per operation before it (no RSA-2048 signature takes 1 s).
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("+F2:"))?;
    let sign: f64 = line.split(':').nth(3)?.trim().parse().ok()?;
    Some(if sign > 1.0 { 1e3 / sign } else { sign * 1e3 })
}
