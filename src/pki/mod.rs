//! Identities vouched for by a certificate authority (issue 19, seed 004
//! "security commons"): PKCS#10 requests for owner keys, X.509
//! certificates attached to those keys, the keystore's trust anchors and
//! CRLs, and the rule that a chain to an anchor, valid now, for a suitable
//! key usage and not revoked, verifies a key as a fingerprint check does.
//!
//! - [`csr`]: build a request with `x509-cert`.
//! - [`cert`]: parsed certificates and CRLs, bounded readers.
//! - [`trust`]: anchors, CRLs and [`trust::TrustStore::evaluate`], which
//!   asks `rustls-webpki` for path validation.
//! - [`algs`]: webpki's signature algorithms over the `rsa` crate.
//!
//! No ASN.1 is written by hand: encoding and decoding are `x509-cert`'s
//! and `der`'s, validation is webpki's.

pub mod algs;
pub mod cert;
pub mod csr;
pub mod trust;

pub use cert::{Cert, Crl};
pub use trust::{Certification, Certified, Reason, Rejection, TrustStore};

/// RFC 3339 (UTC, seconds) of a time, for messages and `--json`.
pub fn rfc3339(t: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}
