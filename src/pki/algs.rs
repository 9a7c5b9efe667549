//! The signature algorithms path validation may use, backed by the `rsa`
//! crate ehrcrypt already uses for its own keys.
//!
//! `rustls-webpki` does the X.509 work (chain building, validity, name
//! chaining, basic constraints, extended key usage, CRLs) but delegates
//! the arithmetic to a provider. Its built-in providers are `ring` and
//! `aws-lc-rs`, both C/assembly builds that would add a second RSA
//! implementation to the binary (and, for aws-lc-rs, cmake to the build).
//! Here each algorithm is a few lines that hand the already-parsed inputs
//! to RustCrypto's audited RSA verification: nothing is computed here.
//!
//! Supported: RSA PKCS#1 v1.5 and RSA-PSS with SHA-256/384/512, keys of
//! 2048 to 8192 bits (the range webpki's own providers accept). CAs that
//! sign with ECDSA or EdDSA are refused as "unsupported signature
//! algorithm" (see docs/FORMAT.md, section 12).

use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::signature::Verifier;
use rsa::traits::PublicKeyParts;
use rsa::RsaPublicKey;
use rustls_pki_types::{
    alg_id, AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm,
};
use sha2::{Sha256, Sha384, Sha512};

const MIN_BITS: usize = 2048;
const MAX_BITS: usize = 8192;

#[derive(Clone, Copy, Debug)]
enum Padding {
    Pkcs1,
    Pss,
}

#[derive(Clone, Copy, Debug)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

/// One RSA signature scheme as webpki names it.
#[derive(Debug)]
pub struct RsaAlg {
    padding: Padding,
    hash: Hash,
    id: AlgorithmIdentifier,
}

/// Every algorithm offered to path validation, CRL signatures included.
pub static ALL: &[&dyn SignatureVerificationAlgorithm] = &[
    &RsaAlg {
        padding: Padding::Pkcs1,
        hash: Hash::Sha256,
        id: alg_id::RSA_PKCS1_SHA256,
    },
    &RsaAlg {
        padding: Padding::Pkcs1,
        hash: Hash::Sha384,
        id: alg_id::RSA_PKCS1_SHA384,
    },
    &RsaAlg {
        padding: Padding::Pkcs1,
        hash: Hash::Sha512,
        id: alg_id::RSA_PKCS1_SHA512,
    },
    &RsaAlg {
        padding: Padding::Pss,
        hash: Hash::Sha256,
        id: alg_id::RSA_PSS_SHA256,
    },
    &RsaAlg {
        padding: Padding::Pss,
        hash: Hash::Sha384,
        id: alg_id::RSA_PSS_SHA384,
    },
    &RsaAlg {
        padding: Padding::Pss,
        hash: Hash::Sha512,
        id: alg_id::RSA_PSS_SHA512,
    },
];

impl SignatureVerificationAlgorithm for RsaAlg {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        // `public_key` is the subjectPublicKey BIT STRING: an RSAPublicKey.
        let key = RsaPublicKey::from_pkcs1_der(public_key).map_err(|_| InvalidSignature)?;
        let bits = key.size() * 8;
        if !(MIN_BITS..=MAX_BITS).contains(&bits) {
            return Err(InvalidSignature);
        }
        let ok = match (self.padding, self.hash) {
            (Padding::Pkcs1, Hash::Sha256) => pkcs1::<Sha256>(key, message, signature),
            (Padding::Pkcs1, Hash::Sha384) => pkcs1::<Sha384>(key, message, signature),
            (Padding::Pkcs1, Hash::Sha512) => pkcs1::<Sha512>(key, message, signature),
            (Padding::Pss, Hash::Sha256) => pss::<Sha256>(key, message, signature),
            (Padding::Pss, Hash::Sha384) => pss::<Sha384>(key, message, signature),
            (Padding::Pss, Hash::Sha512) => pss::<Sha512>(key, message, signature),
        };
        if ok {
            Ok(())
        } else {
            Err(InvalidSignature)
        }
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.id
    }
}

fn pkcs1<D>(key: RsaPublicKey, message: &[u8], signature: &[u8]) -> bool
where
    D: sha2::Digest + x509_cert::der::oid::AssociatedOid,
{
    let Ok(sig) = rsa::pkcs1v15::Signature::try_from(signature) else {
        return false;
    };
    rsa::pkcs1v15::VerifyingKey::<D>::new(key)
        .verify(message, &sig)
        .is_ok()
}

/// RSA-PSS as webpki's identifiers specify it: MGF1 with the same hash,
/// salt as long as the hash.
fn pss<D>(key: RsaPublicKey, message: &[u8], signature: &[u8]) -> bool
where
    D: sha2::Digest + sha2::digest::FixedOutputReset,
{
    let Ok(sig) = rsa::pss::Signature::try_from(signature) else {
        return false;
    };
    rsa::pss::VerifyingKey::<D>::new(key)
        .verify(message, &sig)
        .is_ok()
}

/// Verifies `signature` over `message` with the algorithm whose
/// AlgorithmIdentifier (DER, outer SEQUENCE included) is `alg_der`;
/// `public_key` is a subjectPublicKey BIT STRING's contents. Used for CRL
/// signatures checked when a CRL is added.
pub fn verify(alg_der: &[u8], public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    ALL.iter().any(|a| {
        let id = a.signature_alg_id();
        sequence_contents(alg_der) == Some(id.as_ref())
            && a.verify_signature(public_key, message, signature).is_ok()
    })
}

/// The contents of a DER SEQUENCE with a short-form length (every
/// AlgorithmIdentifier above is shorter than 128 bytes), via `der`.
fn sequence_contents(der_bytes: &[u8]) -> Option<&[u8]> {
    use x509_cert::der::{Decode, Header, Reader, SliceReader, Tag};
    let mut r = SliceReader::new(der_bytes).ok()?;
    let header = Header::decode(&mut r).ok()?;
    if header.tag() != Tag::Sequence {
        return None;
    }
    let body = r.read_slice(header.length()).ok()?;
    r.finish().ok()?;
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_is_rsa_and_distinct() {
        for (i, a) in ALL.iter().enumerate() {
            assert_eq!(a.public_key_alg_id(), alg_id::RSA_ENCRYPTION);
            for b in &ALL[i + 1..] {
                assert_ne!(a.signature_alg_id(), b.signature_alg_id());
            }
        }
    }

    #[test]
    fn a_signature_by_an_ehrcrypt_key_verifies_and_a_flipped_one_does_not() {
        use rsa::pkcs1::EncodeRsaPublicKey;
        use rsa::signature::{SignatureEncoding, Signer};
        let key = crate::crypto::PrivateKey::generate().unwrap();
        let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.rsa().clone());
        let sig = signer.sign(b"tbs").to_vec();
        let pk = key.rsa().to_public_key().to_pkcs1_der().unwrap();
        let alg = ALL[0];
        assert!(alg.verify_signature(pk.as_bytes(), b"tbs", &sig).is_ok());
        assert!(alg.verify_signature(pk.as_bytes(), b"tbS", &sig).is_err());
        assert!(ALL[1]
            .verify_signature(pk.as_bytes(), b"tbs", &sig)
            .is_err());
        let mut der = vec![0x30, alg_id::RSA_PKCS1_SHA256.as_ref().len() as u8];
        der.extend_from_slice(alg_id::RSA_PKCS1_SHA256.as_ref());
        assert!(verify(&der, pk.as_bytes(), b"tbs", &sig));
        assert!(!verify(&der[1..], pk.as_bytes(), b"tbs", &sig));
    }
}
