//! An owner's keys as a keystore holds them: public keys with their trust
//! (a person's confirmation or a certificate), private keys under a
//! passphrase.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::crypto::{Fingerprint, PublicKey};
use crate::error::{Error, Result};
use crate::pki::trust::LazyCertification;
use crate::pki::{Cert, Certification, Certified};

/// One public key of an owner, as kept in a keystore.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyEntry {
    /// SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    pub spki: String,
    /// SHA-256 of the SPKI DER, hex.
    pub fingerprint: Fingerprint,
    /// RFC 3339, UTC.
    pub created: String,
    /// Whether this keystore's user confirmed the fingerprint out of band
    /// (or generated the key here). This is the person's half of the
    /// verified-key rule; read [`PublicKeyEntry::is_verified`], which adds
    /// the certificate's half.
    pub verified: bool,
    /// An X.509 certificate for this key and its intermediates, leaf
    /// first (keystore format v2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<Cert>,
    /// What [`Self::certificates`] say against this keystore's trust
    /// anchors and CRLs, evaluated on first use ([`Self::certification`]);
    /// set up by the keystore when it is loaded or its trust changes,
    /// never stored.
    #[serde(skip)]
    pub lazy_certification: LazyCertification,
}

impl PublicKeyEntry {
    pub fn new(key: &PublicKey, created: String, verified: bool) -> Self {
        PublicKeyEntry {
            spki: key.to_pem(),
            fingerprint: key.fingerprint(),
            created,
            verified,
            certificates: Vec::new(),
            lazy_certification: LazyCertification::default(),
        }
    }

    /// The verified-key rule (Cardinal's, extended by issue 19), decided
    /// here and nowhere else: a key is verified if a person confirmed its
    /// fingerprint (or it was made here), or if its certificate chains to
    /// a trust anchor of this keystore, is valid now, allows the key's
    /// usage and is not revoked by a known CRL. Only verified keys receive
    /// new exchange keys; any key may still open existing data.
    pub fn is_verified(&self) -> bool {
        self.verified || self.certification().is_valid()
    }

    /// What the key's certificate chain says now (validated once).
    pub fn certification(&self) -> &Certification {
        self.lazy_certification
            .get(&self.certificates, self.fingerprint)
    }

    /// How the key is verified, for `owner show`: by a person, by a
    /// certificate (until when), or not (with the certificate's problem).
    pub fn trust(&self) -> KeyTrust<'_> {
        match self.certification() {
            c if self.verified => KeyTrust::Person(c),
            Certification::Valid(c) => KeyTrust::Certificate(c),
            other => KeyTrust::Unverified(other),
        }
    }

    /// Parses the PEM and checks it against the recorded fingerprint.
    pub fn key(&self) -> Result<PublicKey> {
        let k = PublicKey::from_pem(&self.spki)?;
        if k.fingerprint() != self.fingerprint {
            return Err(Error::integrity(format!(
                "public key {} does not match its recorded fingerprint",
                self.fingerprint.short()
            )));
        }
        Ok(k)
    }
}

/// Why a key counts as verified, or does not; see [`PublicKeyEntry::trust`].
#[derive(Clone, Copy, Debug)]
pub enum KeyTrust<'a> {
    /// A person verified the fingerprint (the certificate, if any, as is).
    Person(&'a Certification),
    /// A certificate chain vouches for it.
    Certificate(&'a Certified),
    /// Neither; the certificate's problem if it has one.
    Unverified(&'a Certification),
}

/// A private key held on this machine, encrypted under a passphrase.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateKeyEntry {
    pub fingerprint: Fingerprint,
    /// Encrypted PKCS#8 PEM (PBES2/scrypt/AES-256-CBC).
    pub pkcs8: String,
}

impl fmt::Debug for PrivateKeyEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKeyEntry({})", self.fingerprint)
    }
}
