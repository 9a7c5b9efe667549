//! AES-256-GCM with a random 96-bit nonce and caller-supplied associated data.
//!
//! Sealed layout: `nonce (12) || ciphertext || tag (16)`. Random nonces are
//! safe here because every key seals few messages (one entity key, one
//! exchange key), far below the 2^32 limit for random GCM nonces.

use aes_gcm::aead::{Aead, AeadInOut, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use zeroize::{Zeroize, Zeroizing};

use super::Context;
use crate::error::{Error, Result};

pub const KEY_LEN: usize = 32;
pub const NONCE_LEN: usize = 12;
pub const TAG_LEN: usize = 16;

/// A 256-bit AES key. Zeroized on drop; never printed.
#[derive(Clone)]
pub struct SymmetricKey(Zeroizing<[u8; KEY_LEN]>);

impl SymmetricKey {
    /// A fresh key from the OS CSPRNG.
    pub fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; KEY_LEN]);
        super::random_bytes(k.as_mut());
        SymmetricKey(k)
    }

    /// Takes exactly 32 bytes; `what` names the source in the error.
    pub fn from_slice(bytes: &[u8], what: &str) -> Result<Self> {
        if bytes.len() != KEY_LEN {
            return Err(Error::format(format!(
                "{what}: expected a {KEY_LEN}-byte key, found {} bytes",
                bytes.len()
            )));
        }
        let mut k = Zeroizing::new([0u8; KEY_LEN]);
        k.copy_from_slice(bytes);
        Ok(SymmetricKey(k))
    }

    /// The raw key bytes, for wrapping under another key. Handle with care.
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&(*self.0).into())
    }

    /// Encrypts `plaintext` bound to `ctx`.
    pub fn seal(&self, ctx: &Context, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        super::random_bytes(&mut nonce);
        let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plaintext);
        let tag = self
            .cipher()
            .encrypt_inout_detached(
                &Nonce::from(nonce),
                ctx.as_bytes(),
                (&mut out[NONCE_LEN..]).into(),
            )
            .expect("AES-GCM accepts messages up to 64 GiB");
        out.extend_from_slice(&tag);
        out
    }

    /// Decrypts what [`SymmetricKey::seal`] produced with the same context.
    /// Any change to key, nonce, ciphertext, tag or context fails.
    pub fn open(&self, ctx: &Context, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(OpenError);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| OpenError)?;
        self.cipher()
            .decrypt(
                &nonce,
                Payload {
                    msg: body,
                    aad: ctx.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| OpenError)
    }

    /// Like [`SymmetricKey::open`], but decrypts inside `sealed` rather than
    /// in a copy of it: one allocation and one pass over the data fewer,
    /// which bulk decryption and large records notice. On failure the
    /// buffer is zeroized (it may hold unauthenticated plaintext).
    pub fn open_in_place(
        &self,
        ctx: &Context,
        mut sealed: Vec<u8>,
    ) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(OpenError);
        }
        let body_end = sealed.len() - TAG_LEN;
        let nonce = Nonce::try_from(&sealed[..NONCE_LEN]).map_err(|_| OpenError)?;
        let tag = Tag::try_from(&sealed[body_end..]).map_err(|_| OpenError)?;
        let opened = self.cipher().decrypt_inout_detached(
            &nonce,
            ctx.as_bytes(),
            (&mut sealed[NONCE_LEN..body_end]).into(),
            &tag,
        );
        let mut sealed = Zeroizing::new(sealed);
        opened.map_err(|_| OpenError)?;
        sealed.copy_within(NONCE_LEN..body_end, 0);
        sealed.truncate(body_end - NONCE_LEN);
        Ok(sealed)
    }

    /// Seals another key (key wrapping with AEAD).
    pub fn wrap(&self, ctx: &Context, key: &SymmetricKey) -> Vec<u8> {
        self.seal(ctx, key.expose())
    }

    /// Opens a key sealed by [`SymmetricKey::wrap`].
    pub fn unwrap_key(&self, ctx: &Context, sealed: &[u8]) -> Result<SymmetricKey, OpenError> {
        let mut pt = self.open(ctx, sealed)?;
        let key = SymmetricKey::from_slice(&pt, "wrapped key").map_err(|_| OpenError);
        pt.zeroize();
        key
    }
}

impl std::fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SymmetricKey(<secret>)")
    }
}

impl PartialEq for SymmetricKey {
    fn eq(&self, other: &Self) -> bool {
        // Constant-time enough for tests and cache checks: compare all bytes.
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |a, (x, y)| a | (x ^ y))
            == 0
    }
}

/// Authentication failed: wrong key, wrong context, or modified bytes.
/// Deliberately carries no detail; callers say which value failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenError;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let k = SymmetricKey::generate();
        let ctx = Context::new("t").with("a");
        let sealed = k.seal(&ctx, b"hello");
        assert_eq!(&k.open(&ctx, &sealed).unwrap()[..], b"hello");
    }

    #[test]
    fn wrong_context_fails() {
        let k = SymmetricKey::generate();
        let sealed = k.seal(&Context::new("t").with("a"), b"hello");
        assert_eq!(
            k.open(&Context::new("t").with("b"), &sealed),
            Err(OpenError)
        );
    }

    #[test]
    fn every_flipped_bit_fails() {
        let k = SymmetricKey::generate();
        let ctx = Context::new("t");
        let sealed = k.seal(&ctx, b"abc");
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 1;
            assert!(k.open(&ctx, &bad).is_err(), "byte {i}");
        }
        assert!(k.open(&ctx, &sealed[..sealed.len() - 1]).is_err());
    }

    #[test]
    fn wrong_key_fails_and_debug_hides_bytes() {
        let k = SymmetricKey::generate();
        let sealed = k.seal(&Context::new("t"), b"x");
        assert!(SymmetricKey::generate()
            .open(&Context::new("t"), &sealed)
            .is_err());
        assert_eq!(format!("{k:?}"), "SymmetricKey(<secret>)");
    }

    #[test]
    fn open_in_place_matches_open_and_fails_alike() {
        let k = SymmetricKey::generate();
        let ctx = Context::new("t").with("a");
        for len in [0, 1, 15, 16, 17, 1000] {
            let pt: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let sealed = k.seal(&ctx, &pt);
            assert_eq!(&k.open_in_place(&ctx, sealed.clone()).unwrap()[..], &pt[..]);
            for i in 0..sealed.len() {
                let mut bad = sealed.clone();
                bad[i] ^= 1;
                assert!(k.open_in_place(&ctx, bad).is_err(), "len {len} byte {i}");
            }
            let other = Context::new("t").with("b");
            assert!(k.open_in_place(&other, sealed.clone()).is_err());
            assert!(k
                .open_in_place(&ctx, sealed[..sealed.len() - 1].to_vec())
                .is_err());
        }
        assert!(k
            .open_in_place(&ctx, vec![0; NONCE_LEN + TAG_LEN - 1])
            .is_err());
    }

    #[test]
    fn wrap_unwrap() {
        let kek = SymmetricKey::generate();
        let k = SymmetricKey::generate();
        let ctx = Context::new("w");
        let w = kek.wrap(&ctx, &k);
        assert_eq!(kek.unwrap_key(&ctx, &w).unwrap(), k);
    }
}
