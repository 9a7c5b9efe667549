//! Cryptographic building blocks, each a thin, typed layer over RustCrypto:
//! symmetric AEAD with bound context, RSA keys (OAEP wrapping, PSS
//! signatures, encrypted PKCS#8), and the encodings they need. Nothing here
//! implements a primitive; everything here decides how primitives are used.

pub mod b64;
pub mod context;
pub mod derive;
pub mod legacy;
pub mod rsa_keys;
pub mod stream;
pub mod symmetric;
#[cfg(test)]
mod wycheproof_tests;

pub use context::Context;
pub use rsa_keys::{Fingerprint, PrivateKey, PrivateKeyOps, PublicKey};
pub use symmetric::SymmetricKey;

use rand_core::UnwrapErr;

/// The operating system's CSPRNG. Every key, nonce and salt comes from here.
pub fn rng() -> UnwrapErr<getrandom::SysRng> {
    UnwrapErr(getrandom::SysRng)
}

/// Fills `buf` with random bytes from the operating system.
pub fn random_bytes(buf: &mut [u8]) {
    use rand_core::Rng;
    rng().fill_bytes(buf);
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}

/// Exactly `2 * N` hex digits (either case) as `N` bytes.
pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.as_bytes();
    if s.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        *o = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn unhex_round_trips_hex_and_refuses_the_rest() {
        let b = [0u8, 1, 0xab, 0xff];
        assert_eq!(super::unhex::<4>(&super::hex(&b)), Some(b));
        assert_eq!(super::unhex::<4>("0001ABFF"), Some(b));
        for bad in ["0001abf", "0001abfff", "0001abfg", "0001ab f", "é001abff"] {
            assert_eq!(super::unhex::<4>(bad), None, "{bad}");
        }
    }
}
