//! Figure 9, iCure interop: opening a legacy iCure record (as
//! `@icure/api` 6.4.4 wrote it, fixtures/icure/) against opening the same
//! content as an ehrcrypt entity, both through the library with their
//! exchange keys already RSA-decrypted, and the cold first record.

mod common;

use std::path::Path;

use common::*;
use ehrcrypt::entity::{EncryptOptions, Encryptor, Entity, EntityKind};
use ehrcrypt::interop::icure::{self, keys, legacy::Reader, owner::IcureOwner, owner::OwnerStore};
use ehrcrypt::owner::{OwnerId, OwnerKind};
use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;
use serde_json::Value;

const V: &str = "fixtures/icure/icure-api-6.4.4";

fn read(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(V).join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn main() {
    let opts = Opts::from_args();
    let _pressure = section(
        "9. iCure interop: a legacy record against an ehrcrypt entity",
        "icure",
        opts,
    );
    std::env::set_var("EHRCRYPT_PASSPHRASE", PASS);
    let scratch = Scratch::new(Disk::Tmpfs, "icure");
    let ks = scratch.join("keystore.json");
    let b = OwnerId::new("hcp-b").expect("id");

    let found = keys::parse(&read("keys/hcp-b.pkcs8.hex"), "hcp-b").expect("key");
    icure::import_keys(&ks, found, Some(&b), None, OwnerKind::Hcp, PASS.as_bytes())
        .expect("import key");
    let owners: Vec<IcureOwner> = ["hcp-a", "hcp-b", "patient-p"]
        .iter()
        .map(|w| {
            let v: Value =
                serde_json::from_slice(&read(&format!("owners/{w}.json"))).expect("json");
            IcureOwner::from_rest(&v, None, w).expect("owner")
        })
        .collect();
    icure::import_owners(&ks, owners, Vec::new()).expect("import owners");
    let record: Value = serde_json::from_slice(&read("records/contact-4567.json")).expect("record");

    let mut session = Session::open(&ks, PassphraseSource::new(None)).expect("session");
    let store = OwnerStore::load(&ks).expect("store");
    let n = if opts.quick { 200 } else { 2000 };

    progress("cold: first record (RSA + passphrase unlock)");
    let cold = repeat(0, opts.runs(5), || {
        let s = Session::open(&ks, PassphraseSource::new(None)).expect("session");
        let r = Reader::new(&s, &store, &b).expect("reader");
        timed(|| r.decrypt(&record, None, "bench").expect("decrypt")).1
    });

    progress(format!("legacy iCure contact × {n}"));
    let plain = {
        let r = Reader::new(&session, &store, &b).expect("reader");
        let d = r.decrypt(&record, None, "bench").expect("decrypt");
        let mut v = d.value;
        for f in [
            "delegations",
            "encryptionKeys",
            "cryptedForeignKeys",
            "secretForeignKeys",
            "encryptedSelf",
        ] {
            v.as_object_mut().expect("object").remove(f);
        }
        v
    };
    let legacy = {
        let r = Reader::new(&session, &store, &b).expect("reader");
        r.decrypt(&record, None, "warm-up").expect("decrypt");
        repeat(1, opts.runs(9), || {
            timed(|| {
                for _ in 0..n {
                    std::hint::black_box(r.decrypt(&record, None, "bench").expect("decrypt"));
                }
            })
            .1 / n as f64
        })
    };

    progress(format!("ehrcrypt entity with the same content × {n}"));
    let eopts = EncryptOptions {
        kind: EntityKind::Contact,
        share_with: Vec::new(),
        clear: Vec::new(),
        parent: None,
        allow_unverified: false,
    };
    let entity = Encryptor::new(&mut session, &b, &eopts)
        .expect("encryptor")
        .encrypt_value(&plain, "bench")
        .expect("encrypt");
    let entity_value = entity.to_value();
    let ours = {
        let open = || {
            let e = Entity::parse(&entity_value, "bench").expect("parse");
            let k = e.entity_key(&session, &b, "bench").expect("key");
            e.open_self(&k, "bench").expect("open")
        };
        open();
        repeat(1, opts.runs(9), || {
            timed(|| {
                for _ in 0..n {
                    std::hint::black_box(open());
                }
            })
            .1 / n as f64
        })
    };

    let mut t = Table::new(&["operation", "median", "runs (min–max)"]);
    t.row(vec![
        "first legacy record, cold (key unlock + 1 RSA-OAEP-SHA-1 + AES-CBC)".into(),
        format!("{} ms", fmt3(cold.median() * 1e3)),
        cold.ms(),
    ]);
    t.row(vec![
        "legacy iCure contact, warm (AES-CBC ×6: 3 delegation entries, encryptedSelf, 2 services)"
            .into(),
        format!("**{} µs**", fmt3(legacy.median() * 1e6)),
        format!(
            "{} µs – {} µs ({} runs)",
            fmt3(legacy.min() * 1e6),
            fmt3(legacy.max() * 1e6),
            legacy.secs.len()
        ),
    ]);
    t.row(vec![
        "same content as an ehrcrypt entity, warm (AES-256-GCM ×2)".into(),
        format!("**{} µs**", fmt3(ours.median() * 1e6)),
        format!(
            "{} µs – {} µs ({} runs)",
            fmt3(ours.min() * 1e6),
            fmt3(ours.max() * 1e6),
            ours.secs.len()
        ),
    ]);
    t.print();
    println!(
        "\nRatio legacy / ehrcrypt (same run): **{}×**. Both are far below the RSA decryption that opening the first record costs, which each format pays once per exchange key.",
        fmt3(legacy.median() / ours.median())
    );
}
