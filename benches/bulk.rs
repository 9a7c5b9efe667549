//! Figure 2, bulk decrypt: 10,000 entities of about 2 KB shared among 5
//! healthcare parties, decrypted by one of them in one invocation of the
//! release binary (target ≥ 50,000 entities/s on 2 cores, RSA decryptions
//! = distinct exchange keys ≤ 5, as the tool reports with `-v`); and 64 KB
//! entities as a ratio of the raw AES-GCM rate measured in the same run
//! (target ≥ 0.5), in-process (library) and as the whole command.

mod common;

use std::fs;

use common::*;
use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;

const HCPS: usize = 5;

fn main() {
    let opts = Opts::from_args();
    let small = if opts.quick { 2_000 } else { 10_000 };
    let large = if opts.quick { 200 } else { 1_000 };
    let runs = opts.runs(7);

    progress("raw AES-256-GCM rate of this build (the ratio's denominator)");
    let seal1 = aes::seal_mb_s(64 << 10, opts);
    let sealn = aes::seal_mb_s_all_cores(64 << 10, opts);
    let threads = rayon::current_num_threads();

    let _pressure = section(
        "2. Bulk decrypt: one invocation, 5 healthcare parties",
        "bulk",
        opts,
    );
    println!(
        "Entities are encrypted in-process by hcp-000…hcp-004 in turn, each shared with the \
         four others; hcp-004 decrypts them all with `ehrcrypt -vv entity decrypt --as hcp-004 \
         DIR --out-dir NEW` (NEW does not exist; input files are in the page cache). \
         Raw AES-256-GCM in this run: {} MB/s on 1 thread, {} MB/s on {threads} threads \
         (`SymmetricKey::seal`, 64 KiB): **{} cores' worth** were free for this figure \
         ({threads} when no other tenant competes for them).\n",
        fmt3(seal1.mb_s),
        fmt3(sealn.mb_s),
        fmt3(sealn.mb_s / seal1.mb_s)
    );

    let mut t = Table::new(&[
        "entities",
        "on",
        "how",
        "median time (min–max, n)",
        "entities/s",
        "plaintext MB/s",
        "RSA decryptions (`-v`)",
        "target",
    ]);
    let mut notes = Vec::new();
    for disk in Disk::available() {
        let scratch = Scratch::new(disk, "bulk");
        progress(format!(
            "{}: encrypting {small} × 2 KB entities",
            disk.name()
        ));
        let c = corpus(&scratch, "small", Sharing::among(HCPS), small, 2048);
        progress(format!("{}: decrypting them, {runs} runs", disk.name()));
        let d = decrypt_corpus(&c, 1, runs);
        let rate = d.per_s(c.count);
        let ok = rate >= 50_000.0 && d.rsa_max() <= HCPS;
        t.row(vec![
            format!(
                "{} × {} B",
                thousands(c.count as f64),
                c.plain_bytes / c.count
            ),
            disk.name().into(),
            "whole command".into(),
            d.wall.ms(),
            format!("**{}**", thousands(rate)),
            fmt3(mb_per_s(c.plain_bytes, d.wall.median())),
            format!("**{}** (≤ {HCPS})", d.rsa_text()),
            format!("≥ 50,000/s: {}", verdict(ok)),
        ]);
        notes.push(format!(
            "{}: `-vv` phases, median: work and staging {} ms, sync and rename {} ms; \
             entity files average {} B",
            disk.name(),
            fmt3(d.phases_ms.0),
            fmt3(d.phases_ms.1),
            c.file_bytes / c.count
        ));

        let one = single(&scratch, &c);
        let d1 = decrypt_corpus(&one, 1, runs);
        t.row(vec![
            "1 (fixed cost)".into(),
            disk.name().into(),
            "whole command".into(),
            d1.wall.ms(),
            String::new(),
            String::new(),
            d1.rsa_text(),
            "process, keystore, unlock, RSA".into(),
        ]);
        let floor = io_floor(&c, runs);
        t.row(vec![
            thousands(c.count as f64),
            disk.name().into(),
            format!("I/O floor: read + write, no crypto, {threads} threads"),
            floor.ms(),
            thousands(c.count as f64 / floor.median()),
            String::new(),
            String::new(),
            format!(
                "ehrcrypt ≈ fixed + {} × floor",
                fmt3((d.wall.median() - d1.wall.median()) / floor.median())
            ),
        ]);

        if disk == Disk::Tmpfs {
            in_process(&mut t, &c, runs, None);
        }

        progress(format!(
            "{}: encrypting {large} × 64 KB entities",
            disk.name()
        ));
        let c = corpus(&scratch, "large", Sharing::among(HCPS), large, 64 << 10);
        let d = decrypt_corpus(&c, 1, runs);
        let mbs = mb_per_s(c.plain_bytes, d.wall.median());
        t.row(vec![
            format!(
                "{} × {} B",
                thousands(c.count as f64),
                c.plain_bytes / c.count
            ),
            disk.name().into(),
            "whole command".into(),
            d.wall.ms(),
            thousands(d.per_s(c.count)),
            format!("**{}**", fmt3(mbs)),
            d.rsa_text(),
            format!(
                "{} of AES-GCM on {threads} threads, {} of 1 thread (≥ 0.5: {})",
                fmt3(mbs / sealn.mb_s),
                fmt3(mbs / seal1.mb_s),
                verdict(mbs / sealn.mb_s >= 0.5)
            ),
        ]);
        if disk == Disk::Tmpfs {
            in_process(&mut t, &c, runs, Some((seal1.mb_s, sealn.mb_s)));
        }
    }
    t.print();
    for n in notes {
        println!("- {n}");
    }
    println!();
}

/// Rows for the library decrypting `c` from memory on 1 thread and on all,
/// with the ratio to the raw AES-GCM rate of as many threads when given.
fn in_process(t: &mut Table, c: &Corpus, runs: usize, aes: Option<(f64, f64)>) {
    let files = load_corpus(c);
    let session = Session::open(&c.keystore, PassphraseSource::fixed(PASS)).expect("open");
    for parallel in [false, true] {
        let s = repeat(1, runs, || {
            decrypt_in_process(&session, &c.reader, &files, parallel)
        });
        let on = if parallel {
            rayon::current_num_threads()
        } else {
            1
        };
        let mbs = mb_per_s(c.plain_bytes, s.median());
        let (mb_cell, target) = match aes {
            None => (fmt3(mbs), String::new()),
            Some((one, all)) => {
                let ratio = mbs / if parallel { all } else { one };
                (
                    format!("**{}**", fmt3(mbs)),
                    format!(
                        "{} of AES-GCM on {on} thread(s) (≥ 0.5: {})",
                        fmt3(ratio),
                        verdict(ratio >= 0.5)
                    ),
                )
            }
        };
        t.row(vec![
            thousands(c.count as f64),
            "memory".into(),
            format!("library, {on} thread(s)"),
            s.ms(),
            thousands(c.count as f64 / s.median()),
            mb_cell,
            format!("{} (whole session)", session.stats().rsa_decryptions),
            target,
        ]);
    }
}

/// What the file system alone costs for the corpus: every entity file read
/// and a file of its plaintext's size created in a new directory, on all
/// rayon threads, then one syncfs, with no parsing and no cryptography
/// (in-process).
fn io_floor(c: &Corpus, runs: usize) -> Sample {
    use rayon::prelude::*;
    use std::io::Write;
    let mut outs = Outputs::beside(&c.dir, "floor");
    let plain = c.plain_bytes / c.count;
    repeat(1, runs, || {
        let out = outs.next();
        timed(|| {
            fs::create_dir(&out).expect("mkdir");
            let mut files: Vec<_> = fs::read_dir(&c.dir)
                .expect("list")
                .map(|e| e.expect("entry").path())
                .collect();
            files.sort();
            files.par_iter().for_each(|p| {
                let bytes = fs::read(p).expect("read");
                let mut f = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(out.join(p.file_name().expect("name")))
                    .expect("create");
                f.write_all(&bytes[..plain.min(bytes.len())])
                    .expect("write");
            });
            // ehrcrypt makes its output durable with one syncfs: so does the floor.
            let dir = fs::File::open(&out).expect("open dir");
            // SAFETY: syncfs takes a valid open descriptor, which `dir` owns.
            unsafe { libc::syncfs(std::os::fd::AsRawFd::as_raw_fd(&dir)) };
        })
        .1
    })
}

/// A corpus of one entity of `c` (the fixed cost of an invocation).
fn single(scratch: &Scratch, c: &Corpus) -> Corpus {
    let dir = scratch.join("one");
    fs::create_dir_all(&dir).expect("mkdir");
    let first = fs::read_dir(&c.dir)
        .expect("read corpus")
        .next()
        .expect("a file")
        .expect("entry")
        .path();
    fs::copy(&first, dir.join("e.json")).expect("copy");
    Corpus {
        dir,
        keystore: c.keystore.clone(),
        reader: c.reader.clone(),
        count: 1,
        plain_bytes: 0,
        file_bytes: 0,
        sharing: c.sharing.clone(),
    }
}
