//! Figure 3, scaling: bulk decrypt of 1,000 / 10,000 / 100,000 entities
//! (100,000 only without --quick) and of entities with 1 / 10 / 100
//! delegates each. Cost should grow linearly with the records (entities/s
//! about constant) and RSA work should not grow at all: one decryption per
//! distinct exchange key the reader needs, as the tool reports with `-v`.

mod common;

use common::*;

/// Healthcare parties sharing the entities of the record-count series.
const HCPS: usize = 5;

fn main() {
    let opts = Opts::from_args();
    let runs = opts.runs(5);
    let _pressure = section("3. Scaling: records and delegates", "scaling", opts);
    println!(
        "Whole command on tmpfs (`ehrcrypt -vv entity decrypt --as READER DIR --out-dir NEW`, \
         one invocation), entities of about 2 KB. Record series: {HCPS} hcps, each entity \
         created by one of them and shared with the others. Delegate series: one creator \
         shares each entity with d−1 others; the last of them decrypts. The disk is left out \
         here: on this VM its time is file-system noise (figure 2 shows it).\n"
    );
    let mut t = Table::new(&[
        "entities",
        "delegates / entity",
        "exchange keys needed",
        "median time (min–max, n)",
        "entities/s",
        "µs / entity",
        "RSA decryptions (`-v`)",
        "entity file",
    ]);
    let counts: &[usize] = if opts.quick {
        &[1_000, 10_000]
    } else {
        &[1_000, 10_000, 100_000]
    };
    let mut series = Vec::new();
    for &n in counts {
        let scratch = Scratch::new(Disk::Tmpfs, &format!("scale-{n}"));
        progress(format!("encrypting {n} entities shared among {HCPS}"));
        let c = corpus(&scratch, "c", Sharing::among(HCPS), n, 2048);
        progress(format!("decrypting {n} entities, {runs} runs"));
        let d = decrypt_corpus(&c, 1, runs);
        row(&mut t, &c, &d);
        series.push((n, d.wall.median(), d.rsa_max()));
    }
    let per_delegates = if opts.quick { 1_000 } else { 10_000 };
    let mut dseries = Vec::new();
    for d in [1usize, 10, 100] {
        let scratch = Scratch::new(Disk::Tmpfs, &format!("deleg-{d}"));
        progress(format!(
            "encrypting {per_delegates} entities with {d} delegate(s)"
        ));
        let c = corpus(&scratch, "c", Sharing::delegates(d), per_delegates, 2048);
        let r = decrypt_corpus(&c, 1, runs);
        row(&mut t, &c, &r);
        dseries.push((d, r.per_s(c.count), r.rsa_max()));
    }
    t.print();

    let (n0, t0, _) = series[0];
    let (n1, t1, _) = *series.last().expect("a count");
    let marginal_us = (t1 - t0) / (n1 - n0) as f64 * 1e6;
    let fixed_ms = (t0 - marginal_us * 1e-6 * n0 as f64) * 1e3;
    let rsa_constant = series.iter().all(|s| s.2 == series[0].2);
    println!(
        "- Records: fitting time = fixed + n × marginal through {} and {} entities gives \
         **{} µs per entity** and {} ms fixed (process, keystore, unlock, RSA). RSA \
         decryptions {} across the series.",
        thousands(n0 as f64),
        thousands(n1 as f64),
        fmt3(marginal_us),
        fmt3(fixed_ms),
        if rsa_constant {
            format!("constant at {}", series[0].2)
        } else {
            "**not constant**".into()
        }
    );
    let (d0, r0, _) = dseries[0];
    let (dl, rl, _) = *dseries.last().expect("a delegate count");
    println!(
        "- Delegates: {d0} → {dl} delegates per entity changes entities/s by a factor of \
         **{}**; RSA decryptions stay at {} (one exchange key per creator). The entity file \
         grows with its delegations, and the parse reads it all.\n",
        fmt3(rl / r0),
        dseries
            .iter()
            .map(|d| d.2.to_string())
            .collect::<Vec<_>>()
            .join(" / ")
    );
}

fn row(t: &mut Table, c: &Corpus, d: &Decrypted) {
    t.row(vec![
        thousands(c.count as f64),
        c.sharing.delegates.len().to_string(),
        c.sharing.exchange_keys_per_reader().to_string(),
        d.wall.ms(),
        format!("**{}**", thousands(d.per_s(c.count))),
        fmt3(d.wall.median() / c.count as f64 * 1e6),
        format!("**{}**", d.rsa_text()),
        format!("{} B", thousands((c.file_bytes / c.count) as f64)),
    ]);
}
