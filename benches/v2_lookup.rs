//! Figure 8, entity format v2: a reader holding 100 exchange keys decrypts
//! 10,000 entities of about 2 KB in one invocation of the release binary
//! (target ≥ 50,000 entities/s on 2 cores, the v1 figure of figure 2, with
//! RSA decryptions = the exchange keys actually used). Finding its entries
//! costs one AES-256 block per held key per entity; the access-control
//! secrets come from the lookup cache, which the first (cold) run fills.
//! Share of a 100 MB record against a 1 KB one: independent of size.

mod common;

use std::ffi::OsStr;
use std::fs;

use common::*;
use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::{ExchangeOptions, Session};

const HCPS: usize = 5;
const HELD: usize = 100;

fn main() {
    let opts = Opts::from_args();
    let count = if opts.quick { 2_000 } else { 10_000 };
    let runs = opts.runs(7);
    let _pressure = section(
        "8. Entity v2: a reader holding 100 exchange keys",
        "v2_lookup",
        opts,
    );
    println!(
        "Entities (v2) are encrypted in-process by hcp-000…hcp-004 in turn, each shared with the \
         four others; before that, hcp-000 made {} more exchange keys hcp-000→hcp-004 (rotated), \
         so that hcp-004 holds {HELD} and tries the ones it uses last (the worst case: a lookup \
         per held key per entity). `ehrcrypt -vv entity decrypt --as hcp-004 DIR --out-dir NEW`: \
         first with no lookup cache (cold), then with every held key's secret in it \
         (`<keystore>.lookup.json`).\n",
        HELD - HCPS - (HCPS - 1)
    );
    let mut t = Table::new(&[
        "entities",
        "on",
        "exchange keys held",
        "median time (min–max, n)",
        "entities/s",
        "RSA decryptions (`-v`)",
        "target",
    ]);
    for disk in Disk::available() {
        let scratch = Scratch::new(disk, "v2");
        progress(format!(
            "{}: encrypting {count} × 2 KB v2 entities",
            disk.name()
        ));
        let sharing = Sharing::among(HCPS);
        let reader = sharing.reader();
        // The worst case: the keys the reader actually uses come last in
        // the order it tries them (shared with it first, in creation
        // order), so every entity costs a lookup per held key.
        let extra = HELD - HCPS - (HCPS - 1);
        let c = corpus_with(&scratch, "small", sharing, count, 2048, |s| {
            let opts = ExchangeOptions {
                allow_unverified: false,
                rotate: true,
            };
            for _ in 0..extra {
                s.ensure_exchange_key(&owner_id(0), &reader, opts)
                    .expect("rotate");
            }
        });
        let held = Session::open(&c.keystore, PassphraseSource::fixed(PASS))
            .expect("session")
            .held_keys(&c.reader)
            .expect("held");
        // Cold: no lookup cache yet.
        let mut outs = Outputs::beside(&c.dir, "cold");
        let cold = ehrcrypt(
            &c.keystore,
            [
                OsStr::new("-v"),
                OsStr::new("entity"),
                OsStr::new("decrypt"),
                OsStr::new("--as"),
                OsStr::new(c.reader.as_str()),
                c.dir.as_os_str(),
                OsStr::new("--out-dir"),
                outs.next().as_os_str(),
            ],
        );
        t.row(vec![
            thousands(count as f64),
            disk.name().into(),
            format!("{held} (cold: no lookup cache)"),
            format!("{} ms (1 run)", fmt3(cold.secs * 1000.0)),
            thousands(count as f64 / cold.secs),
            cold.rsa_decryptions()
                .map(|n| n.to_string())
                .unwrap_or_default(),
            "once per keystore: keys resolved until each entry is found".into(),
        ]);
        // Every held key's secret in the lookup cache (one RSA decryption
        // each, once), as after the reader has met every one of them.
        Session::open(&c.keystore, PassphraseSource::fixed(PASS))
            .expect("session")
            .resolve_until(&c.reader, |_| false)
            .expect("resolve");
        progress(format!("{}: decrypting them, {runs} runs", disk.name()));
        let d = decrypt_corpus(&c, 0, runs);
        let rate = d.per_s(count);
        let ok = rate >= 50_000.0 && d.rsa_max() <= HCPS;
        t.row(vec![
            thousands(count as f64),
            disk.name().into(),
            held.to_string(),
            d.wall.ms(),
            format!("**{}**", thousands(rate)),
            format!("**{}** (keys used: {HCPS})", d.rsa_text()),
            format!("≥ 50,000/s, RSA = keys used: {}", verdict(ok)),
        ]);
        // The same corpus size with only the 9 keys the reader needs, in
        // the same run: what holding 100 keys costs, as a ratio that the
        // machine's load does not move.
        let base = corpus(&scratch, "base", Sharing::among(HCPS), count, 2048);
        let b = decrypt_corpus(&base, 1, runs);
        t.row(vec![
            thousands(count as f64),
            disk.name().into(),
            format!("{} (baseline)", 2 * HCPS - 1),
            b.wall.ms(),
            thousands(b.per_s(count)),
            b.rsa_text(),
            format!(
                "100 keys / 9 keys time: **{}**",
                fmt3(d.wall.median() / b.wall.median())
            ),
        ]);
        if disk == Disk::Tmpfs {
            for (label, c) in [
                (held.to_string(), &c),
                (format!("{} (baseline)", 2 * HCPS - 1), &base),
            ] {
                let files = load_corpus(c);
                let session =
                    Session::open(&c.keystore, PassphraseSource::fixed(PASS)).expect("open");
                let s = repeat(1, runs, || {
                    decrypt_in_process(&session, &c.reader, &files, true)
                });
                t.row(vec![
                    thousands(count as f64),
                    "memory (library, all threads)".into(),
                    label,
                    s.ms(),
                    thousands(count as f64 / s.median()),
                    format!("{} (whole session)", session.stats().rsa_decryptions),
                    String::new(),
                ]);
            }
        }
    }
    t.print();
    println!();
    share_vs_size(opts, runs);
}

/// `share` of one v2 record of 1 KB and of 100 MB with one more hcp.
fn share_vs_size(opts: Opts, runs: usize) {
    let scratch = Scratch::new(Disk::Tmpfs, "v2share");
    let all = world(3, &scratch.join("all.keystore.json"));
    let a = owner_id(0);
    let mut t = Table::new(&[
        "record",
        "file",
        "median time (min–max, n)",
        "ratio to 1 KB",
    ]);
    let mut base = None;
    let big = if opts.quick { 10 << 20 } else { 100 << 20 };
    for (label, size) in [("1 KB", 1 << 10), ("100 MB", big)] {
        let plain = scratch.join(&format!("r-{size}.json"));
        fs::write(&plain, record(0, size)).expect("write record");
        let enc = scratch.join(&format!("r-{size}.enc.json"));
        ehrcrypt(
            &all,
            [
                OsStr::new("entity"),
                OsStr::new("encrypt"),
                OsStr::new("--as"),
                OsStr::new(a.as_str()),
                OsStr::new("--kind"),
                OsStr::new("form"),
                plain.as_os_str(),
                OsStr::new("-o"),
                enc.as_os_str(),
            ],
        );
        let file = fs::metadata(&enc).expect("stat").len() as usize;
        // Share with hcp-001 then revoke it again, so each run adds an entry.
        let s = repeat(1, runs, || {
            let r = ehrcrypt(
                &all,
                [
                    OsStr::new("share"),
                    OsStr::new("--as"),
                    OsStr::new(a.as_str()),
                    OsStr::new("--with"),
                    OsStr::new(owner_id(1).as_str()),
                    enc.as_os_str(),
                ],
            );
            ehrcrypt(
                &all,
                [
                    OsStr::new("delegation"),
                    OsStr::new("revoke"),
                    OsStr::new("--as"),
                    OsStr::new(a.as_str()),
                    OsStr::new("--from"),
                    OsStr::new(owner_id(1).as_str()),
                    enc.as_os_str(),
                ],
            );
            r.secs
        });
        let ratio = base.map(|b: f64| s.median() / b).unwrap_or(1.0);
        base.get_or_insert(s.median());
        t.row(vec![
            label.into(),
            format!("{} B", thousands(file as f64)),
            s.ms(),
            fmt3(ratio),
        ]);
    }
    println!("`ehrcrypt share --as hcp-000 --with hcp-001 FILE` on a v2 record (tmpfs; the file is read and rewritten, encryptedSelf copied byte for byte, never decoded):\n");
    t.print();
    println!();
}
