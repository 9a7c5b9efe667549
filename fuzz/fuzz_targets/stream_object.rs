//! A backup object (`*.ehrbk`, chunked AES-256-GCM), decrypted under a
//! fixed card key with the smallest chunk size, so that inputs of a few
//! kilobytes span several chunks and batches.
#![no_main]
use libfuzzer_sys::fuzz_target;

use ehrcrypt::backup::stream;
use ehrcrypt::crypto::SymmetricKey;

fuzz_target!(|data: &[u8]| {
    let z = SymmetricKey::from_slice(&[7; 32], "fuzz").unwrap();
    let mut out = std::io::sink();
    let _ = stream::decrypt(
        &z,
        &[1; 16],
        "0123456789abcdef0123456789abcdef",
        stream::MIN_CHUNK_SIZE,
        &mut &data[..],
        &mut out,
        &mut |_| {},
    );
});
