//! RSA-2048 data-owner keys: SPKI public keys with SHA-256 fingerprints,
//! private keys stored as encrypted PKCS#8 PEM (PBES2, scrypt + AES-256-CBC,
//! readable by `openssl pkey`), RSA-OAEP (SHA-256) key wrapping with a
//! context label, and RSA-PSS (SHA-256) signatures.

use std::fmt;
use std::str::FromStr;

use pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::{Oaep, Pss, RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use spki::{DecodePublicKey, EncodePublicKey};
use zeroize::Zeroizing;

use super::{sha256, Context};
use crate::error::{Error, ErrorKind, Result};

/// Modulus size of every key ehrcrypt generates.
pub const RSA_BITS: usize = 2048;

/// SHA-256 of a public key's SPKI DER encoding. Shown as 64 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    pub fn of_spki_der(der: &[u8]) -> Self {
        Fingerprint(sha256(der))
    }
    /// A fingerprint as it travels in a binary protocol (`agent`).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Fingerprint(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
    /// The first 16 hex digits, for tables.
    pub fn short(&self) -> String {
        super::hex(&self.0[..8])
    }

    /// The full fingerprint in groups of four digits (`6734 e683 33b9 …`),
    /// for people to read aloud and compare; [`FromStr`] accepts it back.
    /// JSON and files keep the plain form ([`fmt::Display`]).
    pub fn grouped(&self) -> String {
        let hex = super::hex(&self.0);
        let groups: Vec<&str> = (0..hex.len()).step_by(4).map(|i| &hex[i..i + 4]).collect();
        groups.join(" ")
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::hex(&self.0))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl FromStr for Fingerprint {
    type Err = Error;
    /// Accepts 64 hex digits, in any case, with an optional `sha256:` prefix
    /// and any colons or spaces a person may have copied along.
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        let t = t
            .strip_prefix("sha256:")
            .or_else(|| t.strip_prefix("SHA256:"))
            .unwrap_or(t);
        let digits: String = t
            .chars()
            .filter(|c| !matches!(c, ':' | ' ' | '-'))
            .collect();
        super::unhex(&digits).map(Fingerprint).ok_or_else(|| {
            Error::usage(format!(
                "{s:?} is not a fingerprint: a fingerprint is 64 hex digits, e.g. \"6734 e683 33b9 a1bf …\" (16 groups of 4; spaces optional)"
            ))
            .hint("print the whole fingerprint with `ehrcrypt owner fingerprint ID` (the owner reads theirs to you), and pass all of it, quoted")
        })
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map_err(|e: Error| serde::de::Error::custom(e.message().to_string()))
    }
}

/// An RSA public key with its SPKI encoding and fingerprint.
#[derive(Clone)]
pub struct PublicKey {
    inner: RsaPublicKey,
    spki_der: Vec<u8>,
    fingerprint: Fingerprint,
}

impl PublicKey {
    pub fn from_rsa(inner: RsaPublicKey) -> Result<Self> {
        let spki_der = inner
            .to_public_key_der()
            .map_err(|_| Error::internal("cannot encode public key"))?
            .as_bytes()
            .to_vec();
        Ok(PublicKey {
            fingerprint: Fingerprint::of_spki_der(&spki_der),
            inner,
            spki_der,
        })
    }

    /// Parses a `-----BEGIN PUBLIC KEY-----` (SPKI) PEM.
    pub fn from_pem(pem: &str) -> Result<Self> {
        let inner = RsaPublicKey::from_public_key_pem(pem.trim()).map_err(|_| {
            Error::format("not an RSA public key in SPKI PEM (-----BEGIN PUBLIC KEY-----)")
        })?;
        Self::check_size(&inner)?;
        Self::from_rsa(inner)
    }

    fn check_size(k: &RsaPublicKey) -> Result<()> {
        use rsa::traits::PublicKeyParts;
        let bits = k.size() * 8;
        if bits < RSA_BITS {
            return Err(Error::refused(format!(
                "RSA key of {bits} bits is too small (at least {RSA_BITS} required)"
            )));
        }
        Ok(())
    }

    pub fn to_pem(&self) -> String {
        pem::encode_config(
            &pem::Pem::new("PUBLIC KEY", self.spki_der.clone()),
            pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
        )
    }

    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// The SPKI DER encoding (what iCure stores as hex).
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// Parses a DER SubjectPublicKeyInfo (RSA, at least 2048 bits).
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        let inner = RsaPublicKey::from_public_key_der(der)
            .map_err(|_| Error::format("not an RSA public key (SPKI DER)"))?;
        Self::check_size(&inner)?;
        Self::from_rsa(inner)
    }

    /// The rsa crate's key, for the legacy paddings of [`super::legacy`].
    pub(crate) fn rsa(&self) -> &RsaPublicKey {
        &self.inner
    }

    /// RSA-OAEP (SHA-256, MGF1-SHA-256) with the context as OAEP label, so a
    /// wrapped key cannot be presented as belonging to another context.
    pub fn wrap(&self, ctx: &Context, secret: &[u8]) -> Result<Vec<u8>> {
        let padding = Oaep::<Sha256>::new_with_label(ctx.as_bytes().to_vec());
        self.inner
            .encrypt(&mut super::rng(), padding, secret)
            .map_err(|_| Error::internal("RSA-OAEP encryption failed"))
    }

    /// Verifies an RSA-PSS (SHA-256) signature over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let digest = sha256(message);
        self.inner
            .verify(Pss::<Sha256>::new(), &digest, signature)
            .is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.fingerprint)
    }
}

/// An RSA private key held in memory. `rsa` zeroizes its parts on drop.
pub struct PrivateKey {
    inner: RsaPrivateKey,
    public: PublicKey,
}

impl PrivateKey {
    /// A fresh RSA-2048 key pair from the OS CSPRNG.
    pub fn generate() -> Result<Self> {
        let inner = RsaPrivateKey::new(&mut super::rng(), RSA_BITS)
            .map_err(|_| Error::internal("RSA key generation failed"))?;
        Self::from_rsa(inner)
    }

    /// Wraps a key built elsewhere (e.g. from a JWK); refuses small keys.
    pub(crate) fn from_rsa_checked(inner: RsaPrivateKey) -> Result<Self> {
        PublicKey::check_size(&inner.to_public_key())?;
        Self::from_rsa(inner)
    }

    /// Parses an unencrypted PKCS#8 DER private key, for import.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        let inner = RsaPrivateKey::from_pkcs8_der(der)
            .map_err(|_| Error::format("not an RSA private key in PKCS#8"))?;
        Self::from_rsa_checked(inner)
    }

    /// The rsa crate's key, for the legacy paddings of [`super::legacy`]
    /// and for signing certificate requests (`pki::csr`). Crate-private:
    /// key material stays inside.
    pub(crate) fn rsa(&self) -> &RsaPrivateKey {
        &self.inner
    }

    fn from_rsa(inner: RsaPrivateKey) -> Result<Self> {
        let public = PublicKey::from_rsa(inner.to_public_key())?;
        Ok(PrivateKey { inner, public })
    }

    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// Encrypted PKCS#8 PEM (`-----BEGIN ENCRYPTED PRIVATE KEY-----`), PBES2
    /// with scrypt (N=2^14, r=8, p=1) and AES-256-CBC: the pkcs8 crate's
    /// default, which OpenSSL 3 reads within its scrypt memory limit.
    pub fn to_encrypted_pem(&self, passphrase: &[u8]) -> Result<Zeroizing<String>> {
        self.inner
            .to_pkcs8_encrypted_pem(passphrase, LineEnding::LF)
            .map_err(|_| Error::internal("cannot encrypt private key"))
    }

    /// Opens an encrypted PKCS#8 PEM. A wrong passphrase is a `Passphrase` error.
    pub fn from_encrypted_pem(pem: &str, passphrase: &[u8]) -> Result<Self> {
        if !pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            return Err(Error::format(
                "not an encrypted PKCS#8 private key (-----BEGIN ENCRYPTED PRIVATE KEY-----)",
            ));
        }
        check_kdf_cost(pem.trim())?;
        let inner = RsaPrivateKey::from_pkcs8_encrypted_pem(pem.trim(), passphrase).map_err(|_| {
            Error::new(ErrorKind::Passphrase, "wrong passphrase for private key")
                .hint("the passphrase comes from --passphrase-file, EHRCRYPT_PASSPHRASE or the prompt")
        })?;
        Self::from_rsa(inner)
    }

    /// Parses an unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), for import.
    pub fn from_plain_pem(pem: &str) -> Result<Self> {
        let inner = RsaPrivateKey::from_pkcs8_pem(pem.trim())
            .map_err(|_| Error::format("not an RSA private key in PKCS#8 PEM"))?;
        PublicKey::check_size(&inner.to_public_key())?;
        Self::from_rsa(inner)
    }

    /// Opens what [`PublicKey::wrap`] produced under the same context.
    pub fn unwrap(&self, ctx: &Context, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let padding = Oaep::<Sha256>::new_with_label(ctx.as_bytes().to_vec());
        self.inner
            .decrypt(padding, wrapped)
            .map(Zeroizing::new)
            .map_err(|_| Error::integrity("RSA-OAEP unwrap failed"))
    }

    /// A 32-byte secret for another purpose, derived from this private key
    /// with HKDF-SHA256 (IKM: the key's PKCS#8 DER; `info` names the use).
    /// Research keys come from here, so the RSA key (and its backup) is the
    /// only secret an owner keeps, as seed 001 asks.
    pub fn derive_secret(&self, info: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let der = self
            .inner
            .to_pkcs8_der()
            .map_err(|_| Error::internal("cannot encode private key"))?;
        let hk = hkdf::Hkdf::<Sha256>::new(Some(b"ehrcrypt/derived-secret/v1"), der.as_bytes());
        let mut out = Zeroizing::new([0u8; 32]);
        hk.expand(info, &mut out[..])
            .map_err(|_| Error::internal("HKDF expand failed"))?;
        Ok(out)
    }

    /// [`PrivateKey::derive_secret`] as an AES-256 key, for data only this
    /// key's holder may open, such as the lookup cache beside a keystore.
    pub fn derive_key(&self, info: &str) -> Result<super::SymmetricKey> {
        let secret = self.derive_secret(info.as_bytes())?;
        super::SymmetricKey::from_slice(&secret[..], "derived key")
    }

    /// RSA-PSS (SHA-256) signature over `message`.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let digest = sha256(message);
        self.inner
            .sign_with_rng(&mut super::rng(), Pss::<Sha256>::new(), &digest)
            .map_err(|_| Error::internal("RSA-PSS signing failed"))
    }
}

/// What the everyday commands do with a private key, wherever it is held:
/// unlocked in this process ([`PrivateKey`]) or in `ehrcrypt agent`
/// (`agent::AgentKey`), which performs the operation and never hands the
/// key out, as ssh-agent does.
pub trait PrivateKeyOps: Send + Sync {
    /// The fingerprint of the key's public half.
    fn fingerprint(&self) -> Fingerprint;
    /// RSA-OAEP (SHA-256) decryption under the label `ctx`.
    fn unwrap(&self, ctx: &Context, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>>;
    /// RSA-PSS (SHA-256) signature.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>>;
    /// The AES key that seals the lookup cache beside a keystore
    /// ([`PrivateKey::derive_key`] with `info`).
    fn derive_key(&self, info: &str) -> Result<super::SymmetricKey>;
}

impl PrivateKeyOps for PrivateKey {
    fn fingerprint(&self) -> Fingerprint {
        self.public.fingerprint()
    }
    fn unwrap(&self, ctx: &Context, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        PrivateKey::unwrap(self, ctx, wrapped)
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        PrivateKey::sign(self, message)
    }
    fn derive_key(&self, info: &str) -> Result<super::SymmetricKey> {
        PrivateKey::derive_key(self, info)
    }
}

/// The most work opening a private key may cost, checked before any key
/// derivation (issue 11, defect 5: a crafted PEM with scrypt logN=22 took
/// 4.2 GB, logN=30 aborted the process). ehrcrypt writes N=2^14, r=8, p=1:
/// 16 MiB and 2^17 block operations. The ceiling leaves 4x headroom in
/// memory (64 MiB; OpenSSL 3's default limit is 32 MiB) and 8x in work.
pub const SCRYPT_MAX_MEMORY: u64 = 64 << 20;
/// scrypt work `N * r * p` at most (see [`SCRYPT_MAX_MEMORY`]).
pub const SCRYPT_MAX_WORK: u64 = 1 << 20;
/// PBKDF2 (which ehrcrypt never writes, but other tools do) at most this
/// many iterations: about a second of SHA-256 on a laptop.
pub const PBKDF2_MAX_ITERATIONS: u32 = 2_000_000;

/// Refuses an encrypted PKCS#8 PEM whose key derivation exceeds the
/// ceiling above; a PEM that does not parse is left to the real decoder.
fn check_kdf_cost(pem: &str) -> Result<()> {
    use pkcs8::der::{Decode, Document};
    use pkcs8::pkcs5::{pbes2::Kdf, EncryptionScheme};
    let Ok((_, doc)) = Document::from_pem(pem) else {
        return Ok(());
    };
    let Ok(info) = pkcs8::EncryptedPrivateKeyInfoRef::from_der(doc.as_bytes()) else {
        return Ok(());
    };
    let EncryptionScheme::Pbes2(params) = &info.encryption_algorithm else {
        return Ok(()); // PBES1: not supported, the decoder says so
    };
    let refuse = |what: String| {
        Err(Error::refused(format!(
            "private key: its passphrase key derivation asks for {what}, above ehrcrypt's ceiling"
        ))
        .hint("ehrcrypt opens scrypt up to 64 MiB and N*r*p <= 2^20, PBKDF2 up to 2,000,000 iterations (docs/FORMAT.md section 7); re-encrypt the key with `openssl pkcs8 -topk8 -scrypt`"))
    };
    match &params.kdf {
        Kdf::Scrypt(sc) => {
            let n = sc.cost_parameter;
            let (r, p) = (u64::from(sc.block_size), u64::from(sc.parallelization));
            let memory = 128u64.saturating_mul(n).saturating_mul(r);
            let work = n.saturating_mul(r).saturating_mul(p);
            if memory > SCRYPT_MAX_MEMORY || work > SCRYPT_MAX_WORK {
                return refuse(format!("scrypt N={n}, r={r}, p={p}"));
            }
        }
        Kdf::Pbkdf2(pb) if pb.iteration_count > PBKDF2_MAX_ITERATIONS => {
            return refuse(format!("{} PBKDF2 iterations", pb.iteration_count));
        }
        _ => {} // within the ceiling, or unknown: the decoder refuses those
    }
    Ok(())
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey(<secret>, {})", self.public.fingerprint)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// One key per test process: generation is the slowest thing here.
    pub(crate) fn test_key() -> &'static PrivateKey {
        static KEY: OnceLock<PrivateKey> = OnceLock::new();
        KEY.get_or_init(|| PrivateKey::generate().unwrap())
    }

    #[test]
    fn derived_secrets_are_stable_and_separated_by_use() {
        let k = test_key();
        let a = k.derive_secret(b"use a").unwrap();
        assert_eq!(*a, *k.derive_secret(b"use a").unwrap());
        assert_ne!(*a, *k.derive_secret(b"use b").unwrap());
    }

    #[test]
    fn oaep_round_trip_and_label_binding() {
        let k = test_key();
        let ctx = Context::new("t").with("a");
        let w = k.public().wrap(&ctx, b"0123456789abcdef").unwrap();
        assert_eq!(&k.unwrap(&ctx, &w).unwrap()[..], b"0123456789abcdef");
        assert!(k.unwrap(&Context::new("t").with("b"), &w).is_err());
    }

    #[test]
    fn pss_sign_verify() {
        let k = test_key();
        let sig = k.sign(b"msg").unwrap();
        assert!(k.public().verify(b"msg", &sig));
        assert!(!k.public().verify(b"msh", &sig));
    }

    #[test]
    fn encrypted_pem_round_trip_and_wrong_passphrase() {
        let k = test_key();
        let pem = k.to_encrypted_pem(b"pw").unwrap();
        let back = PrivateKey::from_encrypted_pem(&pem, b"pw").unwrap();
        assert_eq!(back.public().fingerprint(), k.public().fingerprint());
        let err = PrivateKey::from_encrypted_pem(&pem, b"nope").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Passphrase);
    }

    #[test]
    fn public_pem_round_trip() {
        let k = test_key();
        let p = PublicKey::from_pem(&k.public().to_pem()).unwrap();
        assert_eq!(p.fingerprint(), k.public().fingerprint());
    }

    #[test]
    fn fingerprint_parsing_is_forgiving_but_exact() {
        let fp = test_key().public().fingerprint();
        let s = fp.to_string();
        assert_eq!(s.parse::<Fingerprint>().unwrap(), fp);
        assert_eq!(
            format!("SHA256:{}", s.to_uppercase())
                .parse::<Fingerprint>()
                .unwrap(),
            fp
        );
        assert!(s[..63].parse::<Fingerprint>().is_err());
        assert!(format!("{}g", &s[..63]).parse::<Fingerprint>().is_err());
    }
}
