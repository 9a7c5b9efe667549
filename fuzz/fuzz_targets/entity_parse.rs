//! An entity file's envelope (`ehrcrypt/entity/v1`) and the strict JSON
//! parser under it, without keys: what `delegation list` and the bulk
//! commands take apart before any decryption.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ehrcrypt::format::parse_strict::<serde_json::Value>(data, "fuzz", "document");
    if let Ok(e) = ehrcrypt::entity::Entity::from_slice(data, "fuzz") {
        // What share/revoke write back must parse again the same way.
        let again = ehrcrypt::entity::Entity::from_slice(&e.to_bytes(), "again")
            .expect("a parsed entity re-reads");
        assert_eq!(again.to_value(), e.to_value());
    }
});
