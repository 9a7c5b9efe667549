//! The card's text form (`ehrbk1:...`), as `--qr-text` and card files give it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ehrcrypt::backup::qr::Card::from_text(text);
    }
});
