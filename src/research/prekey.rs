//! An owner's proxy re-encryption public key (`preKeys` in keystores and
//! owner documents): an Umbral (secp256k1) public key that researchers
//! publish so that a clinic can grant them a study. It is derived from one
//! of the owner's RSA keys and signed by it, so it is exactly as trusted as
//! that RSA key: a clinic grants only to a pre-key whose signing RSA key it
//! verified (Cardinal's rule, seed 002).
//!
//! This part needs no Umbral code: the record is bytes and an RSA-PSS
//! signature, so builds without the `research` feature still carry and
//! check it.

use serde::{Deserialize, Serialize};

use crate::crypto::{b64, Context, Fingerprint, PrivateKey};
use crate::error::{Error, Result};
use crate::hcp_key::SignerTrust;
use crate::owner::id::OwnerId;
use crate::owner::keys::PublicKeyEntry;

const DOMAIN: &str = "ehrcrypt/pre-key/v1";

/// Length of a compressed SEC1 secp256k1 point.
pub const PRE_KEY_LEN: usize = 33;

/// One proxy re-encryption public key of an owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreKey {
    /// Umbral public key: compressed SEC1 secp256k1 point, base64.
    pub key: String,
    /// The owner's RSA key it was derived from, which signed this record.
    pub signer: Fingerprint,
    /// RFC 3339, UTC.
    pub created: String,
    /// RSA-PSS (SHA-256) over [`PreKey::signed_bytes`], base64.
    pub signature: String,
}

impl PreKey {
    /// Signs `key` (the compressed point) as `owner`'s pre-key.
    pub fn create(owner: &OwnerId, key: &[u8], signer: &PrivateKey) -> Result<Self> {
        let mut rec = PreKey {
            key: b64::encode(key),
            signer: signer.public().fingerprint(),
            created: crate::now_rfc3339(),
            signature: String::new(),
        };
        rec.signature = b64::encode(&signer.sign(&rec.signed_bytes(owner))?);
        Ok(rec)
    }

    /// Everything but the signature, bound to the owner it belongs to: a
    /// record copied into another owner's document does not verify there.
    pub fn signed_bytes(&self, owner: &OwnerId) -> Vec<u8> {
        Context::new(DOMAIN)
            .with(owner.as_str())
            .with(&self.key)
            .with_bytes(self.signer.as_bytes())
            .with(&self.created)
            .as_bytes()
            .to_vec()
    }

    /// The point's bytes, checked for length.
    pub fn key_bytes(&self) -> Result<Vec<u8>> {
        let k = b64::decode(&self.key, "pre-key")?;
        if k.len() != PRE_KEY_LEN {
            return Err(Error::format(format!(
                "pre-key has {} bytes, not {PRE_KEY_LEN}",
                k.len()
            )));
        }
        Ok(k)
    }

    /// Checks the signature against `owner`'s public keys; says whether the
    /// signing key is verified here. Anything else is an integrity error.
    pub fn check(&self, owner: &OwnerId, keys: &[PublicKeyEntry]) -> Result<SignerTrust> {
        let entry = keys.iter().find(|k| k.fingerprint == self.signer);
        let entry = entry.ok_or_else(|| {
            Error::integrity(format!(
                "pre-key of {} is signed by key {}, which is not a key of {}",
                owner,
                self.signer.short(),
                owner
            ))
            .hint("the record was injected or altered by someone else; do not use it")
        })?;
        self.key_bytes()?;
        let sig = b64::decode(&self.signature, "pre-key signature")?;
        if !entry.key()?.verify(&self.signed_bytes(owner), &sig) {
            return Err(
                Error::integrity(format!("pre-key of {}: bad signature", owner))
                    .hint("the record was altered after its owner signed it"),
            );
        }
        Ok(if entry.is_verified() {
            SignerTrust::Verified
        } else {
            SignerTrust::Unverified
        })
    }
}
