//! An owner document (`ehrcrypt/owner/v1`), as `owner import` reads it:
//! parsed, keys and fingerprints checked, then merged into a keystore.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = ehrcrypt::owner::OwnerDocument::parse(data, "fuzz") {
        let mut ks = ehrcrypt::keystore::Keystore::default();
        let _ = ks.import(doc, false);
    }
});
