//! What the one strict JSON parser costs (issue 11, defect 8):
//! `format::parse_strict` and the entity reader walk a document once more
//! to refuse repeated keys before serde builds it. Measured on one large
//! entity (a record of many small objects, as FHIR bundles are) against
//! the whole in-process decrypt of it, in the same run: the share of the
//! decrypt that the duplicate-key passes take.
//!
//! `cargo bench --bench strict [-- --quick]`

mod common;

use common::*;
use ehrcrypt::entity::{decrypt_file_bytes, EncryptOptions, Encryptor, EntityKind};
use ehrcrypt::format::reject_duplicate_keys;
use ehrcrypt::owner::OwnerId;
use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;

fn main() {
    let opts = Opts::from_args();
    let items = if opts.quick { 40_000 } else { 200_000 };
    let runs = opts.runs(7);
    let _pressure = section(
        "Strict JSON: the duplicate-key pass on a large entity decrypt",
        "strict",
        opts,
    );

    let dir = tempfile::tempdir().expect("scratch");
    let ks = dir.path().join("A.keystore.json");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/keys/A.keystore.json"),
        &ks,
    )
    .expect("copy keystore");
    let mut session =
        Session::open(&ks, PassphraseSource::fixed("test-only-passphrase")).expect("session");
    let me = OwnerId::new("A").unwrap();

    progress(format!("a record of {items} observations"));
    let entries: Vec<String> = (0..items)
        .map(|i| {
            format!(
                r#"{{"resourceType":"Observation","id":"o{i}","status":"final","code":{{"text":"heart rate"}},"valueQuantity":{{"value":{},"unit":"/min"}}}}"#,
                60 + i % 40
            )
        })
        .collect();
    let plain = format!(
        r#"{{"id":"big-1","kind":"patient","observations":[{}]}}"#,
        entries.join(",")
    )
    .into_bytes();
    let opts_e = EncryptOptions {
        kind: EntityKind::Patient,
        share_with: Vec::new(),
        clear: Vec::new(),
        parent: None,
        allow_unverified: false,
    };
    let entity = Encryptor::new(&mut session, &me, &opts_e)
        .and_then(|e| e.encrypt_bytes(&plain, "bench"))
        .expect("encrypt");
    let file = entity.to_bytes();
    // Warm the session (RSA, exchange keys) outside the timings.
    decrypt_file_bytes(&session, &me, file.clone(), "bench").expect("decrypt");

    let whole = repeat(1, runs, || {
        let bytes = file.clone();
        timed(|| decrypt_file_bytes(&session, &me, bytes, "bench").unwrap()).1
    });
    let entity_pass = repeat(1, runs, || {
        timed(|| reject_duplicate_keys(&file, "bench", "entity").unwrap()).1
    });
    let record_pass = repeat(1, runs, || {
        timed(|| reject_duplicate_keys(&plain, "bench", "record").unwrap()).1
    });
    let record_serde = repeat(1, runs, || {
        timed(|| serde_json::from_slice::<serde_json::Value>(&plain).unwrap()).1
    });

    let mut t = Table::new(&["what", "bytes", "median (min–max, n)", "relative to"]);
    let share = |s: &Sample| {
        format!(
            "{} % of the decrypt",
            fmt3(100.0 * s.median() / whole.median())
        )
    };
    let of_serde = |s: &Sample| {
        format!(
            "{} % of the serde parse below",
            fmt3(100.0 * s.median() / record_serde.median())
        )
    };
    t.row(vec![
        "`decrypt_file_bytes` (parse, unwrap, open; includes the entity pass)".into(),
        thousands(file.len() as f64),
        whole.ms(),
        "100 % (what `entity decrypt -o` does)".into(),
    ]);
    t.row(vec![
        "duplicate-key pass over the entity file".into(),
        thousands(file.len() as f64),
        entity_pass.ms(),
        share(&entity_pass),
    ]);
    t.row(vec![
        "duplicate-key pass over the decrypted record (`parse_strict` of a reader)".into(),
        thousands(plain.len() as f64),
        record_pass.ms(),
        of_serde(&record_pass),
    ]);
    t.row(vec![
        "for scale: `serde_json::Value` of the decrypted record".into(),
        thousands(plain.len() as f64),
        record_serde.ms(),
        share(&record_serde),
    ]);
    t.print();
}
