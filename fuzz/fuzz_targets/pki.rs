//! What `owner import-cert`, `trust add` and `trust crl add` read: the
//! first byte even, certificates (PEM or DER) then, with the first one as
//! a trust anchor, path validation of the whole chain (webpki, signature
//! checks); odd, a CRL checked against no and then a self-issued issuer.
#![no_main]
use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;

use ehrcrypt::pki::cert::{parse_certs, parse_crl};
use ehrcrypt::pki::trust::TrustStore;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    // A fixed "now" inside the seeds' validity.
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    if pick % 2 == 0 {
        let Ok(certs) = parse_certs(rest, "fuzz") else {
            return;
        };
        for c in &certs {
            let _ = (c.subject(), c.issuer(), c.fingerprint(), c.to_pem());
            let _ = (c.not_before(), c.not_after(), c.is_ca(), c.self_issued());
            let _ = (c.public_key_bits(), c.owner_usage(), c.key_fingerprint());
        }
        let mut trust = TrustStore::default();
        if trust.add_anchor(certs[certs.len() - 1].clone()).is_ok() {
            if let Ok(fp) = certs[0].key_fingerprint() {
                let _ = trust.evaluate(&certs[..certs.len() - 1], fp, now);
                let _ = trust.evaluate(&certs, fp, now);
            }
        }
    } else {
        let Ok(crl) = parse_crl(rest, "fuzz") else {
            return;
        };
        let _ = (
            crl.issuer(),
            crl.this_update(),
            crl.next_update(),
            crl.revoked_count(),
        );
        let _ = crl.to_pem();
        let mut trust = TrustStore::default();
        let _ = trust.add_crl(crl, &[]);
    }
});
