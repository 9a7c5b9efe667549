//! The JSON documents of a backup bucket: `manifest.json`,
//! `signature.json` and an appendix's `appendix.json`. The first byte
//! picks which; the rest is the document.
#![no_main]
use libfuzzer_sys::fuzz_target;

use ehrcrypt::backup::manifest::{Appendix, Manifest, SignatureFile};
use ehrcrypt::crypto::SymmetricKey;

fuzz_target!(|data: &[u8]| {
    let Some((&which, doc)) = data.split_first() else {
        return;
    };
    match which % 3 {
        0 => {
            if let Ok(m) = Manifest::parse(doc, "fuzz") {
                let z = SymmetricKey::from_slice(&[7; 32], "fuzz").unwrap();
                let _ = m.open_names(&z, "fuzz");
            }
        }
        1 => {
            let _ = SignatureFile::parse(doc, "fuzz");
        }
        _ => {
            let _ = Appendix::parse(doc, "fuzz");
        }
    }
});
