//! What `icure import-key` and `icure import-owner` read from iCure and
//! Cardinal: the first byte picks the reader, the rest is the file.
//! 0: a private key file (`keys::parse`: PKCS#8 hex, SDK JWK storage,
//! Cardinal storage); 1: a data owner document (`IcureOwner::from_rest`,
//! then its keys); 2: an exchange data document (`ExchangeData::from_rest`).
#![no_main]
use libfuzzer_sys::fuzz_target;

use ehrcrypt::interop::icure::{codec, keys, owner};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    match pick % 3 {
        0 => {
            let _ = keys::parse(rest, "fuzz");
        }
        1 => {
            if let Ok(v) = codec::parse_json(rest, "fuzz", "data owner document") {
                if let Ok(o) = owner::IcureOwner::from_rest(&v, None, "fuzz") {
                    let _ = o.keys();
                    let _ = o.rest_document();
                }
            }
        }
        _ => {
            if let Ok(v) = codec::parse_json(rest, "fuzz", "exchange data") {
                let _ = owner::ExchangeData::from_rest(&v, "fuzz");
            }
        }
    }
});
