//! Keyed derivations of entity format v2 (docs/FORMAT.md §8.2): HKDF for
//! secrets derived from secrets, AES-256 as a PRF for the lookup keys a
//! reader computes for every exchange key it holds and every entity it
//! reads (one block cipher call each: ~20 ns with AES-NI against ~500 ns
//! for HMAC-SHA256, which is what keeps 100 exchange keys × 10,000 entities
//! within the bulk-decrypt target), HMAC-SHA256 for link tags.

use aes_gcm::aes::cipher::{BlockCipherEncrypt, KeyInit};
use aes_gcm::aes::Aes256;
use hkdf::hmac::{Hmac, Mac};

use super::SymmetricKey;

/// HKDF-SHA256 (RFC 5869) into `out`, any length up to 255 * 32 bytes:
/// the one HKDF every format derives through (backups, streams, v2), and
/// what the Wycheproof vectors run through. An absent or empty salt is the
/// RFC's all-zero salt.
pub fn hkdf_sha256(
    salt: Option<&[u8]>,
    ikm: &[u8],
    info: &[u8],
    out: &mut [u8],
) -> crate::Result<()> {
    hkdf::Hkdf::<sha2::Sha256>::new(salt, ikm)
        .expand(info, out)
        .map_err(|_| crate::Error::internal("HKDF-SHA256 output too long"))
}

/// HKDF-SHA256 (RFC 5869), 32 bytes of output.
pub fn hkdf32(ikm: &[u8], salt: &[u8], info: &[u8]) -> SymmetricKey {
    let mut out = zeroize::Zeroizing::new([0u8; 32]);
    hkdf_sha256(Some(salt), ikm, info, out.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 length");
    SymmetricKey::from_slice(out.as_ref(), "derived key").expect("32 bytes")
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = <Hmac<sha2::Sha256> as hkdf::hmac::KeyInit>::new_from_slice(key)
        .expect("HMAC takes any key length");
    m.update(msg);
    m.finalize().into_bytes().into()
}

/// AES-256 used as a pseudo-random function on one 16-byte block: the
/// lookup key of an entity (its random salt) for one exchange key. The key
/// schedule is expanded once per exchange key, then each entity costs one
/// block encryption. A PRP is a PRF on distinct inputs up to the birthday
/// bound (2^64 entities); salts are random, so inputs repeat only by chance.
#[derive(Clone)]
pub struct LookupPrf(Aes256);

impl LookupPrf {
    pub fn new(secret: &SymmetricKey) -> Self {
        LookupPrf(Aes256::new(&(*secret.expose()).into()))
    }

    pub fn lookup(&self, salt: &[u8; 16]) -> [u8; 16] {
        let mut block = (*salt).into();
        self.0.encrypt_block(&mut block);
        block.into()
    }
}

impl std::fmt::Debug for LookupPrf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LookupPrf(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aes_prf_is_fips_197_aes_256() {
        // FIPS-197 appendix C.3.
        let key: [u8; 32] = std::array::from_fn(|i| i as u8);
        let pt: [u8; 16] = std::array::from_fn(|i| (i as u8) * 0x11);
        let prf = LookupPrf::new(&SymmetricKey::from_slice(&key, "k").unwrap());
        assert_eq!(
            crate::crypto::hex(&prf.lookup(&pt)),
            "8ea2b7ca516745bfeafc49904b496089"
        );
    }

    #[test]
    fn hmac_is_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            crate::crypto::hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
