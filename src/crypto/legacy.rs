//! The primitives of iCure's legacy formats (docs/ICURE.md), here only so
//! that ehrcrypt can read those formats, move data off them, and write a
//! delegation in them when a user explicitly asks for it. Nothing of
//! ehrcrypt's own uses them:
//! - RSA-OAEP with SHA-1 (or SHA-256 for Cardinal keys), MGF1 with the same
//!   hash, empty label;
//! - AES-CBC with PKCS#7 padding and the IV prepended, **without any MAC**:
//!   a changed ciphertext or IV decrypts to changed plaintext unnoticed.
//!
//! Failures carry no detail ([`OpenError`]): a padding error and a wrong key
//! must look the same to whoever feeds records in, or the command becomes a
//! padding oracle.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use rsa::{BoxedUint, Oaep, RsaPrivateKey};
use zeroize::Zeroizing;

use super::symmetric::OpenError;
use super::{PrivateKey, PublicKey};
use crate::error::{Error, Result};

/// AES block and IV size.
pub const IV_LEN: usize = 16;

/// The hash of an RSA-OAEP padding (and of its MGF1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum OaepHash {
    /// Every legacy iCure key (`publicKey`, `aesExchangeKeys`).
    Sha1,
    /// Cardinal's `publicKeysForOaepWithSha256`.
    Sha256,
}

/// RSA-OAEP decryption with an empty label.
pub fn oaep_decrypt(
    key: &PrivateKey,
    hash: OaepHash,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    let out = match hash {
        OaepHash::Sha1 => key.rsa().decrypt(Oaep::<sha1::Sha1>::new(), ciphertext),
        OaepHash::Sha256 => key.rsa().decrypt(Oaep::<sha2::Sha256>::new(), ciphertext),
    };
    out.map(Zeroizing::new).map_err(|_| OpenError)
}

/// RSA-OAEP encryption with an empty label.
pub fn oaep_encrypt(key: &PublicKey, hash: OaepHash, message: &[u8]) -> Result<Vec<u8>> {
    let mut rng = super::rng();
    let out = match hash {
        OaepHash::Sha1 => key
            .rsa()
            .encrypt(&mut rng, Oaep::<sha1::Sha1>::new(), message),
        OaepHash::Sha256 => key
            .rsa()
            .encrypt(&mut rng, Oaep::<sha2::Sha256>::new(), message),
    };
    out.map_err(|_| Error::internal("RSA-OAEP encryption failed"))
}

/// An AES-128 or AES-256 key for CBC. Zeroized on drop; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct CbcKey(Zeroizing<Vec<u8>>);

impl CbcKey {
    /// Takes a 16- or 32-byte key (legacy entity keys are 16 bytes).
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        matches!(bytes.len(), 16 | 32).then(|| CbcKey(Zeroizing::new(bytes.to_vec())))
    }

    /// A fresh random 256-bit key.
    pub fn generate() -> Self {
        let mut k = Zeroizing::new(vec![0u8; 32]);
        super::random_bytes(&mut k);
        CbcKey(k)
    }

    /// Key length in bits (128 or 256).
    pub fn bits(&self) -> usize {
        self.0.len() * 8
    }

    /// The raw key, to be wrapped for a delegate. Handle with care.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Decrypts `IV || ciphertext`. Any failure is the same [`OpenError`].
    pub fn decrypt(&self, iv_and_ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let n = iv_and_ciphertext.len();
        if n < 2 * IV_LEN || !n.is_multiple_of(IV_LEN) {
            return Err(OpenError);
        }
        let (iv, body) = iv_and_ciphertext.split_at(IV_LEN);
        let mut buf = Zeroizing::new(body.to_vec());
        let len = match self.0.len() {
            16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(&self.0, iv)
                .map_err(|_| OpenError)?
                .decrypt_padded::<Pkcs7>(&mut buf)
                .map_err(|_| OpenError)?
                .len(),
            _ => cbc::Decryptor::<aes::Aes256>::new_from_slices(&self.0, iv)
                .map_err(|_| OpenError)?
                .decrypt_padded::<Pkcs7>(&mut buf)
                .map_err(|_| OpenError)?
                .len(),
        };
        buf.truncate(len);
        Ok(buf)
    }

    /// Encrypts with a fresh random IV: `IV || ciphertext`, as the SDKs write.
    pub fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        let mut iv = [0u8; IV_LEN];
        super::random_bytes(&mut iv);
        let ct = match self.0.len() {
            16 => cbc::Encryptor::<aes::Aes128>::new_from_slices(&self.0, &iv)
                .expect("16-byte key and IV")
                .encrypt_padded_vec::<Pkcs7>(plaintext),
            _ => cbc::Encryptor::<aes::Aes256>::new_from_slices(&self.0, &iv)
                .expect("32-byte key and IV")
                .encrypt_padded_vec::<Pkcs7>(plaintext),
        };
        let mut out = Vec::with_capacity(IV_LEN + ct.len());
        out.extend_from_slice(&iv);
        out.extend_from_slice(&ct);
        out
    }
}

impl std::fmt::Debug for CbcKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CbcKey(<secret>, {} bits)", self.bits())
    }
}

/// The big-endian integers of an RSA private JWK (RFC 7518 §6.3).
pub struct RsaParts<'a> {
    pub n: &'a [u8],
    pub e: &'a [u8],
    pub d: &'a [u8],
    pub p: &'a [u8],
    pub q: &'a [u8],
}

/// Builds a private key from its JWK integers; the rsa crate checks that
/// they make a consistent key.
pub fn private_key_from_parts(parts: &RsaParts) -> Result<PrivateKey> {
    let int = |b: &[u8]| {
        let bits = (b.len().max(1) * 8) as u32;
        BoxedUint::from_be_slice(b, bits).map_err(|_| Error::format("malformed RSA JWK integer"))
    };
    let bad = || Error::format("the JWK is not a consistent RSA private key");
    let n = int(parts.n)?;
    let e = int(parts.e)?;
    let d = int(parts.d)?;
    let p = int(parts.p)?;
    let q = int(parts.q)?;
    let inner = RsaPrivateKey::from_components(n, e, d, vec![p, q]).map_err(|_| bad())?;
    PrivateKey::from_rsa_checked(inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::rsa_keys::tests::test_key;

    #[test]
    fn cbc_round_trips_for_both_key_sizes_and_fails_without_detail() {
        for key in [CbcKey::from_slice(&[7u8; 16]).unwrap(), CbcKey::generate()] {
            for len in [0, 1, 15, 16, 17, 100] {
                let pt: Vec<u8> = (0..len).map(|i| i as u8).collect();
                let ct = key.encrypt(&pt);
                assert_eq!(ct.len(), IV_LEN + (len / 16 + 1) * 16);
                assert_eq!(&key.decrypt(&ct).unwrap()[..], &pt[..]);
            }
        }
        let key = CbcKey::generate();
        assert_eq!(key.decrypt(&[0u8; 31]), Err(OpenError));
        assert_eq!(key.decrypt(&[0u8; 33]), Err(OpenError));
        assert!(CbcKey::from_slice(&[0u8; 24]).is_none());
    }

    #[test]
    fn a_flipped_iv_bit_changes_the_plaintext_unnoticed() {
        // The weakness docs/ICURE.md describes: CBC has no integrity.
        let key = CbcKey::generate();
        let mut ct = key.encrypt(b"Consultation for cough");
        ct[0] ^= 0x01;
        assert_eq!(&key.decrypt(&ct).unwrap()[..], b"Bonsultation for cough");
    }

    #[test]
    fn oaep_sha1_and_sha256_round_trip_and_do_not_cross() {
        let k = test_key();
        for h in [OaepHash::Sha1, OaepHash::Sha256] {
            let c = oaep_encrypt(k.public(), h, b"0123456789abcdef0123456789abcdef").unwrap();
            assert_eq!(
                &oaep_decrypt(k, h, &c).unwrap()[..],
                b"0123456789abcdef0123456789abcdef"
            );
            let other = if h == OaepHash::Sha1 {
                OaepHash::Sha256
            } else {
                OaepHash::Sha1
            };
            assert_eq!(oaep_decrypt(k, other, &c), Err(OpenError));
        }
    }
}
