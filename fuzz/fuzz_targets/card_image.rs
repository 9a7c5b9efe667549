//! A card image (PNG with a QR code), as `--qr FILE` reads it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = ehrcrypt::backup::qr::decode_image(data, "fuzz") {
        let _ = ehrcrypt::backup::qr::Card::from_text(&text);
    }
});
