//! ehrcrypt: end-to-end encrypted health records, the iCure/Cardinal data
//! model on a workstation.
//!
//! The library holds the model and the cryptography; the `ehrcrypt` binary
//! only parses arguments, calls in here and maps [`Error`]s to exit codes.
//!
//! - [`crypto`]: AES-256-GCM with bound context, RSA-2048 OAEP/PSS, PKCS#8.
//! - [`keystore`] and [`owner`]: data owners, public keys and trust.
//! - [`hcp_key`] and [`session`]: pairwise exchange keys and their cache.
//! - [`delegation`]: sharing entities, revoking access, rekeying.
//! - [`store`]: where records live (local files; one interface), crash-safe
//!   writes and serialised read-modify-write.
//! - [`d2d`]: pairing two devices with a one-time code, sending records.

#[cfg(unix)]
pub mod agent;
pub mod backup;
pub mod crypto;
pub mod d2d;
pub mod delegation;
pub mod entity;
pub mod error;
pub mod fhir;
pub mod format;
pub mod hcp_key;
pub mod interop;
pub mod keystore;
pub mod owner;
pub mod passphrase;
pub mod pki;
pub mod research;
pub mod session;
pub mod store;

/// The crash-safe file writes, now behind the storage interface; this
/// path stays for code written against it.
pub use store::atomic_file;

pub use error::{Error, ErrorKind, Result};

/// The current time as RFC 3339 (UTC, seconds).
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}
