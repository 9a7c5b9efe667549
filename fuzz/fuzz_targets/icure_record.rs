//! `icure decrypt`: a record of the legacy SDK (6.4.4) or of Cardinal
//! (first byte even / odd), opened as hcp-a with the fixtures' keys. The
//! keystores are made and opened (scrypt) once, and one warm-up record
//! per reader RSA-decrypts the exchange keys, which the readers cache:
//! the loop reaches the exchange-key lookup, the AES-CBC openings and
//! the merge of the decrypted fields.
#![no_main]
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;

use ehrcrypt::interop::icure::{self, codec, keys, legacy::Reader, owner};
use ehrcrypt::owner::{OwnerId, OwnerKind};
use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;

const PASS: &str = "fuzz-passphrase";

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/icure")
        .join(rel)
}

/// A keystore at `ks` with hcp-a's private key and every owner and exchange
/// data document of `version`; a reader opened on it.
fn reader(ks: &Path, version: &str, key: &str, docs: &[&str]) -> Reader<'static> {
    let found = keys::parse(
        &std::fs::read(fixture(&format!("{version}/keys/{key}"))).unwrap(),
        "k",
    )
    .unwrap();
    let me = OwnerId::new("hcp-a").unwrap();
    icure::import_keys(ks, found, Some(&me), None, OwnerKind::Hcp, PASS.as_bytes()).unwrap();
    let (mut owners, mut exchange) = (Vec::new(), Vec::new());
    for sub in docs {
        let dir = fixture(&format!("{version}/{sub}"));
        for e in std::fs::read_dir(dir).unwrap() {
            let (v, source) = codec::read_json(&e.unwrap().path(), "document").unwrap();
            if owner::ExchangeData::is(&v) {
                exchange.push(owner::ExchangeData::from_rest(&v, &source).unwrap());
            } else if v.get("encryptedExchangeDataIds").is_none() {
                owners.push(owner::IcureOwner::from_rest(&v, None, &source).unwrap());
            }
        }
    }
    icure::import_owners(ks, owners, exchange).unwrap();
    let session: &'static Session = Box::leak(Box::new(
        Session::open(ks, PassphraseSource::fixed(PASS)).unwrap(),
    ));
    let store: &'static owner::OwnerStore =
        Box::leak(Box::new(owner::OwnerStore::load(ks).unwrap()));
    let r = Reader::new(session, store, &me).unwrap();
    for e in std::fs::read_dir(fixture(&format!("{version}/records"))).unwrap() {
        let (v, source) = codec::read_json(&e.unwrap().path(), "record").unwrap();
        r.decrypt(&v, None, &source).unwrap();
    }
    r
}

thread_local! {
    static READERS: (Reader<'static>, Reader<'static>) = {
        let dir = std::env::temp_dir().join(format!("ehrcrypt-fuzz-icure-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        (
            reader(&dir.join("legacy.json"), "icure-api-6.4.4", "hcp-a.pkcs8.hex", &["owners"]),
            reader(
                &dir.join("cardinal.json"),
                "cardinal-sdk-1.0.0-RC.7",
                "hcp-a.sdk-storage.json",
                &["owners", "exchange-data", "exchange-data-maps"],
            ),
        )
    };
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(record) = codec::parse_json(rest, "fuzz", "iCure record") else {
        return;
    };
    READERS.with(|(legacy, cardinal)| {
        let r = if pick % 2 == 0 { legacy } else { cardinal };
        let _ = r.decrypt(&record, None, "fuzz");
    });
});
