//! A keystore file (`ehrcrypt/keystore/v1`), as every command loads it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ehrcrypt::keystore::Keystore::parse(data, "fuzz");
});
