//! `fhir import`'s reader: a resource, a Bundle or ndjson (first byte even:
//! every resource parsed in full; odd: the head-only second pass), and a
//! decrypted FHIR record as `fhir export` reads it (`Stored::parse`).
#![no_main]
use libfuzzer_sys::fuzz_target;

use ehrcrypt::fhir::input::{for_each_item, Input, Parse};
use ehrcrypt::fhir::record::Stored;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    if pick & 2 != 0 {
        if let Ok(Some(s)) = Stored::parse(rest, "fuzz") {
            let _ = s.is_bundle();
            let _ = s.origin();
        }
        return;
    }
    let parse = if pick % 2 == 0 {
        Parse::Full
    } else {
        Parse::Head
    };
    let input = Input::from_bytes("fuzz", rest.to_vec());
    let _ = for_each_item(&input, parse, &mut |item| {
        let _ = item.locate("fuzz");
        let _ = item.head.key();
        Ok(())
    });
});
