//! Research data sharing (issue 16, seeds 003 and 004 RDS): a clinic
//! publishes pseudonymised records of a study, encrypted under its own
//! study key; it grants a researcher re-encryption key fragments, which
//! M-of-N proxies use to re-encrypt each record's capsule for the
//! researcher without ever seeing a plaintext or a symmetric key.
//!
//! - [`prekey`]: the signed public key a researcher publishes (always built).
//! - `keys`: every research secret, derived from an owner's RSA key.
//! - `deid`: direct identifiers out, study pseudonyms in (FHIR R4).
//! - `study`: the study directory: `study.json`, records, fragments, capsule fragments.
//!
//! Everything but [`prekey`] needs the `research` feature, which links
//! umbral-pre (GPL-3.0-only; see README, "Licences").

pub mod prekey;

#[cfg(feature = "research")]
pub mod deid;
#[cfg(feature = "research")]
pub mod keys;
#[cfg(feature = "research")]
pub mod study;

pub use prekey::PreKey;
