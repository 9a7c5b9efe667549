//! Noise's `AESGCM` cipher on the `aes-gcm` crate the rest of ehrcrypt
//! uses, for snow through its documented resolver interface.
//!
//! Why not snow's own: it builds on an older `aes-gcm` (a second AES
//! stack to compile, without the VAES backend the newer one picks) and
//! sets the key up again for every message. The cipher is exactly
//! Noise's (spec §12.3): AES-256-GCM, nonce = 4 zero bytes || u64be(n),
//! tag appended. The test below checks the whole protocol against the
//! cacophony test vector; DH, hash and randomness stay snow's own.

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use snow::params::{CipherChoice, DHChoice, HashChoice};
use snow::resolvers::{BoxedCryptoResolver, CryptoResolver, DefaultResolver, FallbackResolver};
use snow::types::{Cipher, Dh, Hash, Random};

const TAG_LEN: usize = 16;

/// This cipher for `AESGCM`, snow's default resolver for the rest.
pub fn resolver() -> BoxedCryptoResolver {
    Box::new(FallbackResolver::new(
        Box::new(AesGcmOnly),
        Box::new(DefaultResolver),
    ))
}

struct AesGcmOnly;

impl CryptoResolver for AesGcmOnly {
    fn resolve_rng(&self) -> Option<Box<dyn Random>> {
        None
    }
    fn resolve_dh(&self, _: &DHChoice) -> Option<Box<dyn Dh>> {
        None
    }
    fn resolve_hash(&self, _: &HashChoice) -> Option<Box<dyn Hash>> {
        None
    }
    fn resolve_cipher(&self, choice: &CipherChoice) -> Option<Box<dyn Cipher>> {
        match choice {
            CipherChoice::AESGCM => Some(Box::new(AesGcm(None))),
            _ => None,
        }
    }
}

/// The key schedule is made once per key (`set`), not per message.
/// `aes-gcm`'s `zeroize` feature wipes it when dropped.
struct AesGcm(Option<Aes256Gcm>);

fn nonce(n: u64) -> Nonce<aes_gcm::aead::consts::U12> {
    let mut b = [0u8; 12];
    b[4..].copy_from_slice(&n.to_be_bytes());
    Nonce::from(b)
}

impl Cipher for AesGcm {
    fn name(&self) -> &'static str {
        "AESGCM"
    }

    fn set(&mut self, key: &[u8; 32]) {
        self.0 = Some(Aes256Gcm::new(key.into()));
    }

    fn encrypt(&self, n: u64, ad: &[u8], plaintext: &[u8], out: &mut [u8]) -> usize {
        let cipher = self
            .0
            .as_ref()
            .expect("snow sets the key before it encrypts");
        let len = plaintext.len();
        out[..len].copy_from_slice(plaintext);
        let tag = cipher
            .encrypt_inout_detached(&nonce(n), ad, (&mut out[..len]).into())
            .expect("AES-GCM accepts messages up to 64 GiB; Noise's are 64 KiB");
        out[len..len + TAG_LEN].copy_from_slice(&tag);
        len + TAG_LEN
    }

    fn decrypt(
        &self,
        n: u64,
        ad: &[u8],
        ciphertext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, snow::Error> {
        let cipher = self.0.as_ref().ok_or(snow::Error::Decrypt)?;
        let len = ciphertext
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(snow::Error::Decrypt)?;
        let tag = Tag::try_from(&ciphertext[len..]).map_err(|_| snow::Error::Decrypt)?;
        out[..len].copy_from_slice(&ciphertext[..len]);
        let opened = cipher.decrypt_inout_detached(&nonce(n), ad, (&mut out[..len]).into(), &tag);
        if opened.is_err() {
            // Never leave unauthenticated plaintext behind.
            out[..len].fill(0);
            return Err(snow::Error::Decrypt);
        }
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len() / 2)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    }

    /// The cacophony test vector of exactly this protocol (fixed
    /// ephemerals): every handshake and transport message, and the
    /// handshake hash, must come out byte for byte.
    #[test]
    fn matches_the_cacophony_vector_of_nnpsk0_25519_aesgcm_sha256() {
        let prologue = unhex("4a6f686e2047616c74");
        let psk: [u8; 32] =
            unhex("54686973206973206d7920417573747269616e20706572737065637469766521")
                .try_into()
                .unwrap();
        let (ie, re) = (
            unhex("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a"),
            unhex("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b"),
        );
        let params = || "Noise_NNpsk0_25519_AESGCM_SHA256".parse().unwrap();
        let mut i = snow::Builder::with_resolver(params(), resolver())
            .prologue(&prologue)
            .unwrap()
            .psk(0, &psk)
            .unwrap()
            .fixed_ephemeral_key_for_testing_only(&ie)
            .build_initiator()
            .unwrap();
        let mut r = snow::Builder::with_resolver(params(), resolver())
            .prologue(&prologue)
            .unwrap()
            .psk(0, &psk)
            .unwrap()
            .fixed_ephemeral_key_for_testing_only(&re)
            .build_responder()
            .unwrap();
        let messages = [
        ("4c756477696720766f6e204d69736573", "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79447c37a89fc17813788d30df2d59501d6066f5f8aecc3406bbd9829f2d24a531b1"),
        ("4d757272617920526f746862617264", "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f1448088432f29d79368ef9de4e1ae7a362fb05bf0ad668e026bf5714554497b3a720461"),
        ("462e20412e20486179656b", "7c01e898a6201f36aecee532e29cd0b7f8ffa29d3366ad0dce39a6"),
        ("4361726c204d656e676572", "a9ff535aace3db6a1da1a7fb00fe2de2622bb373abad9fb42c00e0"),
        ("4a65616e2d426170746973746520536179", "6cfc49a3e65472edc2d0152abe5ce950170a8a47c959f30bd48b5f0aacf29adbfd"),
        ("457567656e2042f6686d20766f6e2042617765726b", "9bc86e6d974ed21ba04604a94aa68de21677eb409ead070c0cd569b069ee19ba142aa4c1a9")
        ];
        let (mut buf, mut out) = (vec![0u8; 65535], vec![0u8; 65535]);
        let (first, rest) = messages.split_at(2);
        for (k, (payload, ct)) in first.iter().enumerate() {
            let (w, rd) = if k == 0 {
                (&mut i, &mut r)
            } else {
                (&mut r, &mut i)
            };
            let n = w.write_message(&unhex(payload), &mut buf).unwrap();
            assert_eq!(buf[..n], unhex(ct)[..], "handshake message {k}");
            let m = rd.read_message(&buf[..n], &mut out).unwrap();
            assert_eq!(out[..m], unhex(payload)[..]);
        }
        assert_eq!(
            i.get_handshake_hash(),
            &unhex("9f3b1f9afd7767767b5b9d1069844a6154fdbdcc36dfb3e31c0fffc5c973d530")[..]
        );
        let (mut i, mut r) = (
            i.into_transport_mode().unwrap(),
            r.into_transport_mode().unwrap(),
        );
        for (k, (payload, ct)) in rest.iter().enumerate() {
            let (w, rd) = if k % 2 == 0 {
                (&mut i, &mut r)
            } else {
                (&mut r, &mut i)
            };
            let n = w.write_message(&unhex(payload), &mut buf).unwrap();
            assert_eq!(buf[..n], unhex(ct)[..], "transport message {k}");
            let m = rd.read_message(&buf[..n], &mut out).unwrap();
            assert_eq!(out[..m], unhex(payload)[..]);
        }
        // A flipped bit fails.
        let n = i.write_message(b"x", &mut buf).unwrap();
        buf[0] ^= 1;
        assert!(r.read_message(&buf[..n], &mut out).is_err());
    }
}
