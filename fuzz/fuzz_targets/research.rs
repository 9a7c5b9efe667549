//! The documents of a research study folder, as `research proxy`/`open`/
//! `publish` read them from a shared folder: the first byte picks the
//! reader (`ehrcrypt::research::study::fuzz_read`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((&pick, rest)) = data.split_first() {
        ehrcrypt::research::study::fuzz_read(pick, rest);
    }
});
