//! Every research secret of an owner, derived from one of its RSA private
//! keys (HKDF-SHA256, [`PrivateKey::derive_secret`]) and, for Umbral keys,
//! through Umbral's own [`SecretKeyFactory`] with a label per use. Nothing
//! new has to be stored, encrypted or backed up: whoever can open the RSA
//! key can recompute them, and nobody else can.
//!
//! - the owner's *receiving* key (what a researcher publishes as its pre-key);
//! - per study and epoch, the clinic's *delegating* key, to which records
//!   are encrypted (a grant for one study re-encrypts nothing of another);
//! - per study, the clinic's *signing* key for records and key fragments;
//! - per study, the pseudonym key and the key of the re-identification table.

use umbral_pre::{PublicKey as UmbralPublicKey, SecretKey, SecretKeyFactory, Signer};
use zeroize::Zeroizing;

use crate::crypto::{Context, PrivateKey, SymmetricKey};
use crate::error::{Error, Result};

const DOMAIN: &str = "ehrcrypt/research/v1";

/// The research key material of one RSA key.
pub struct ResearchKeys {
    factory: SecretKeyFactory,
    seeds: Zeroizing<[u8; 32]>,
}

impl ResearchKeys {
    pub fn of(rsa: &PrivateKey) -> Result<Self> {
        let seed = rsa.derive_secret(Context::new(DOMAIN).with("umbral").as_bytes())?;
        let factory = SecretKeyFactory::from_secure_randomness(&seed[..])
            .map_err(|_| Error::internal("Umbral seed size"))?;
        let seeds = rsa.derive_secret(Context::new(DOMAIN).with("symmetric").as_bytes())?;
        Ok(ResearchKeys { factory, seeds })
    }

    /// The key a researcher receives re-encrypted records with.
    pub fn receiving(&self) -> SecretKey {
        self.factory
            .make_key(Context::new(DOMAIN).with("receive").as_bytes())
    }

    /// The key records of `study` are encrypted to during `epoch`.
    pub fn delegating(&self, study: &str, epoch: u32) -> SecretKey {
        self.factory.make_key(
            Context::new(DOMAIN)
                .with("delegate")
                .with(study)
                .with(&epoch.to_string())
                .as_bytes(),
        )
    }

    /// The key that signs `study`'s records and key fragments.
    pub fn signer(&self, study: &str) -> Signer {
        Signer::new(
            self.factory
                .make_key(Context::new(DOMAIN).with("sign").with(study).as_bytes()),
        )
    }

    fn symmetric(&self, what: &str, study: &str) -> Zeroizing<[u8; 32]> {
        let hk = hkdf::Hkdf::<sha2::Sha256>::new(None, &self.seeds[..]);
        let mut out = Zeroizing::new([0u8; 32]);
        hk.expand(
            Context::new(DOMAIN).with(what).with(study).as_bytes(),
            &mut out[..],
        )
        .expect("32 bytes is a valid HKDF-SHA256 length");
        out
    }

    /// The HMAC key of `study`'s pseudonyms.
    pub fn pseudonym_key(&self, study: &str) -> Zeroizing<[u8; 32]> {
        self.symmetric("pseudonym", study)
    }

    /// The AES-256-GCM key of `study`'s re-identification table.
    pub fn reidentify_key(&self, study: &str) -> Result<SymmetricKey> {
        SymmetricKey::from_slice(&self.symmetric("reidentify", study)[..], "table key")
    }
}

/// An Umbral public key as the formats store it (compressed SEC1, 33 bytes).
pub fn public_bytes(pk: &UmbralPublicKey) -> Vec<u8> {
    pk.to_compressed_bytes().into_vec()
}

/// Parses a stored Umbral public key; `what` names it in the error.
pub fn parse_public(bytes: &[u8], what: &str) -> Result<UmbralPublicKey> {
    UmbralPublicKey::try_from_compressed_bytes(bytes)
        .map_err(|_| Error::format(format!("{what} is not a secp256k1 public key")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_per_use_and_distinct_between_uses() {
        let rsa = crate::crypto::rsa_keys::tests::test_key();
        let k = ResearchKeys::of(rsa).unwrap();
        let again = ResearchKeys::of(rsa).unwrap();
        let pk = |s: &SecretKey| public_bytes(&s.public_key());
        assert_eq!(pk(&k.receiving()), pk(&again.receiving()));
        assert_ne!(pk(&k.delegating("s1", 0)), pk(&k.delegating("s1", 1)));
        assert_ne!(pk(&k.delegating("s1", 0)), pk(&k.delegating("s2", 0)));
        assert_ne!(pk(&k.delegating("s1", 0)), pk(&k.receiving()));
        assert_ne!(*k.pseudonym_key("s1"), *k.pseudonym_key("s2"));
        assert_ne!(
            *k.pseudonym_key("s1"),
            *k.reidentify_key("s1").unwrap().expose()
        );
    }
}
