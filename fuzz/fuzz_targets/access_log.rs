//! A bucket's `access-log.jsonl`, checked line by line as `backup inspect`
//! does (signatures, MACs under a fixed card key, the hash chain).
#![no_main]
use libfuzzer_sys::fuzz_target;

use ehrcrypt::crypto::SymmetricKey;

fuzz_target!(|data: &[u8]| {
    let z = SymmetricKey::from_slice(&[7; 32], "fuzz").unwrap();
    let _ = ehrcrypt::backup::access_log::check_log(data, &[1; 16], &[2; 32], Some(&z));
});
