//! Exchange keys ("hcp keys", seed 000): the AES-256 key {AB} that data
//! owner A uses to delegate to B, wrapped with RSA-OAEP once for each
//! public key of A and of B, stored in A's `hcPartyKeys` under B, and
//! signed by A with RSA-PSS so that nobody else can inject one.

use serde::{Deserialize, Serialize};

use crate::crypto::{b64, Context, Fingerprint, PrivateKeyOps, PublicKey, SymmetricKey};
use crate::error::{Error, Result};
use crate::owner::id::OwnerId;
use crate::owner::keys::{PrivateKeyEntry, PublicKeyEntry};

pub(crate) const DOMAIN: &str = "ehrcrypt/hcp-key/v1";

/// One exchange key {AB}, as stored in `hcPartyKeys[B]` of owner A.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HcPartyKey {
    /// Random identifier; entities name the exchange key they used by it.
    pub id: String,
    pub delegator: OwnerId,
    pub delegate: OwnerId,
    /// RFC 3339, UTC.
    pub created: String,
    /// `[<{AB}>_A, <{AB}>_B]`: one RSA-OAEP wrap per public key.
    pub wrapped: Vec<WrappedKey>,
    /// Fingerprint of the delegator's key that signed the record.
    pub signer: Fingerprint,
    /// RSA-PSS (SHA-256) over [`HcPartyKey::signed_bytes`], base64.
    pub signature: String,
}

/// The exchange key wrapped for one public key of one owner.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedKey {
    pub owner: OwnerId,
    pub fingerprint: Fingerprint,
    /// RSA-OAEP (SHA-256) ciphertext, base64.
    pub key: String,
}

/// Who signed a record, as far as the keystore can tell.
/// In JSON the same words as every other signature status (docs/JSON.md):
/// `verified`, `notVerified`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SignerTrust {
    /// Signed by a verified key of the delegator.
    Verified,
    /// Signed by a key of the delegator that was not verified here.
    #[serde(rename = "notVerified")]
    Unverified,
}

impl HcPartyKey {
    /// Creates {AB}: a fresh key wrapped for every given recipient key and
    /// signed by `signer` (a private key of `delegator`).
    pub fn create(
        delegator: &OwnerId,
        delegate: &OwnerId,
        recipients: &[(OwnerId, PublicKey)],
        signer: &dyn PrivateKeyOps,
    ) -> Result<(HcPartyKey, SymmetricKey)> {
        let key = SymmetricKey::generate();
        let mut raw = [0u8; 16];
        crate::crypto::random_bytes(&mut raw);
        let mut rec = HcPartyKey {
            id: crate::crypto::hex(&raw),
            delegator: delegator.clone(),
            delegate: delegate.clone(),
            created: crate::now_rfc3339(),
            wrapped: Vec::new(),
            signer: signer.fingerprint(),
            signature: String::new(),
        };
        for (owner, pk) in recipients {
            let ctx = rec.wrap_context(owner, &pk.fingerprint());
            rec.wrapped.push(WrappedKey {
                owner: owner.clone(),
                fingerprint: pk.fingerprint(),
                key: b64::encode(&pk.wrap(&ctx, key.expose())?),
            });
        }
        rec.signature = b64::encode(&signer.sign(&rec.signed_bytes())?);
        Ok((rec, key))
    }

    /// OAEP label: binds a wrap to this record and to its recipient key.
    fn wrap_context(&self, owner: &OwnerId, fp: &Fingerprint) -> Context {
        Context::new(DOMAIN)
            .with("wrap")
            .with(&self.id)
            .with(self.delegator.as_str())
            .with(self.delegate.as_str())
            .with(owner.as_str())
            .with_bytes(fp.as_bytes())
    }

    /// The canonical encoding the signature covers: everything but the signature.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut c = Context::new(DOMAIN)
            .with("record")
            .with(&self.id)
            .with(self.delegator.as_str())
            .with(self.delegate.as_str())
            .with(&self.created)
            .with_bytes(self.signer.as_bytes());
        c.push(&self.wrapped.len().to_string());
        for w in &self.wrapped {
            c.push(w.owner.as_str())
                .push_bytes(w.fingerprint.as_bytes())
                .push(&w.key);
        }
        c.as_bytes().to_vec()
    }

    /// Checks the signature against the delegator's public keys in the
    /// keystore. A record signed by anyone else is an integrity error.
    pub fn check_signature(
        &self,
        delegator: &OwnerId,
        keys: &[PublicKeyEntry],
    ) -> Result<SignerTrust> {
        let what = || {
            format!(
                "exchange key {}→{} ({})",
                self.delegator, self.delegate, &self.id
            )
        };
        if *delegator != self.delegator {
            return Err(Error::integrity(format!(
                "{}: stored under the wrong owner",
                what()
            )));
        }
        let entry = keys.iter().find(|k| k.fingerprint == self.signer);
        let entry = entry.ok_or_else(|| {
            Error::integrity(format!(
                "{}: signed by key {}, which is not a key of {}",
                what(),
                self.signer.short(),
                self.delegator
            ))
            .hint("the record was injected or altered by someone else; do not use it")
        })?;
        let sig = b64::decode(&self.signature, "exchange key signature")?;
        if !entry.key()?.verify(&self.signed_bytes(), &sig) {
            return Err(Error::integrity(format!("{}: bad signature", what()))
                .hint("the record was altered after its creator signed it"));
        }
        Ok(if entry.is_verified() {
            SignerTrust::Verified
        } else {
            SignerTrust::Unverified
        })
    }

    /// The wraps that `owner` can open with one of its private keys here.
    pub fn wraps_for<'a>(
        &'a self,
        owner: &'a OwnerId,
        keys: &'a [PrivateKeyEntry],
    ) -> impl Iterator<Item = &'a WrappedKey> + 'a {
        self.wrapped.iter().filter(move |w| {
            &w.owner == owner && keys.iter().any(|k| k.fingerprint == w.fingerprint)
        })
    }

    /// The access-control secret of this exchange key (entity format v2):
    /// `HKDF-SHA256(ikm = {AB}, salt = "", info = ctx("ehrcrypt/hcp-key/v2
    /// access-control secret", id, delegator, delegate))`. Derived rather
    /// than stored, so it is covered by the record's signature exactly as
    /// {AB} is (the signature covers its wraps), every record made before
    /// v2 has one without being re-signed, and a party holding the secret
    /// alone (the lookup cache) learns nothing of {AB}.
    pub fn access_control_secret(&self, key: &SymmetricKey) -> SymmetricKey {
        let info = Context::new("ehrcrypt/hcp-key/v2 access-control secret")
            .with(&self.id)
            .with(self.delegator.as_str())
            .with(self.delegate.as_str());
        crate::crypto::derive::hkdf32(key.expose(), b"", info.as_bytes())
    }

    /// RSA-decrypts one wrap (the expensive step; callers cache the result).
    pub fn unwrap_with(&self, wrap: &WrappedKey, key: &dyn PrivateKeyOps) -> Result<SymmetricKey> {
        let ctx = self.wrap_context(&wrap.owner, &wrap.fingerprint);
        let ct = b64::decode(&wrap.key, "wrapped exchange key")?;
        // Only a wrap that does not open is an integrity failure; an agent
        // that went away is not.
        let raw = key.unwrap(&ctx, &ct).map_err(|e| match e.kind() {
            crate::error::ErrorKind::Integrity => Error::integrity(format!(
                "exchange key {}→{} ({}): the wrap for {} does not open",
                self.delegator, self.delegate, self.id, wrap.owner
            )),
            _ => e,
        })?;
        SymmetricKey::from_slice(&raw, "exchange key")
    }
}
