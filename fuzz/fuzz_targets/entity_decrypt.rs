//! `entity decrypt` as owner A of the fixtures, on a fixed session: the
//! private key is opened (scrypt) once, outside the loop, so every run
//! reaches the exchange-key, entity-key and encryptedSelf openings.
#![no_main]
use libfuzzer_sys::fuzz_target;

use ehrcrypt::owner::OwnerId;
use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;

thread_local! {
    static SESSION: (Session, OwnerId) = {
        let dir = std::env::temp_dir().join(format!("ehrcrypt-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ks = dir.join("A.keystore.json");
        let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/keys/A.keystore.json");
        std::fs::copy(fixture, &ks).unwrap();
        let session = Session::open(&ks, PassphraseSource::fixed("test-only-passphrase")).unwrap();
        let me = OwnerId::new("A").unwrap();
        // Open A's private key and exchange keys now, not in the loop.
        let patient = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/entities/patient-1234.enc.json"
        ))
        .unwrap();
        ehrcrypt::entity::decrypt_file_bytes(&session, &me, patient, "warm-up").unwrap();
        (session, me)
    };
}

fuzz_target!(|data: &[u8]| {
    SESSION.with(|(session, me)| {
        let _ = ehrcrypt::entity::decrypt_file_bytes(session, me, data.to_vec(), "fuzz");
    });
});
