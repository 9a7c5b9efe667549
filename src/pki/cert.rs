//! X.509 certificates and CRLs as ehrcrypt holds them: the DER bytes the
//! CA signed (what path validation reads) plus the `x509-cert` parse of
//! them (what messages and checks read). Both are made once, from bounded
//! input, and a value of these types always parsed.

use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use x509_cert::crl::CertificateList;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};
use x509_cert::Certificate;

use crate::crypto::Fingerprint;
use crate::error::{Error, Result};

/// Longest PEM file of certificates read (a chain is a few KiB).
pub const MAX_CERT_FILE: u64 = 1 << 20;
/// Longest CRL file read (national CRLs run to megabytes).
pub const MAX_CRL_FILE: u64 = 16 << 20;
/// Most certificates accepted in one chain (leaf and intermediates).
pub const MAX_CHAIN: usize = 8;

/// `emailProtection`: the standard purpose closest to ehrcrypt's use of an
/// owner key (end-to-end encryption and signing of messages, as S/MIME).
pub const EKU_EMAIL_PROTECTION: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04];
/// `anyExtendedKeyUsage`.
pub const EKU_ANY: &[u8] = &[0x55, 0x1d, 0x25, 0x00];

/// One parsed X.509 certificate.
#[derive(Clone, Debug)]
pub struct Cert {
    der: Vec<u8>,
    parsed: Certificate,
}

impl PartialEq for Cert {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Cert {
    pub fn from_der(der: Vec<u8>) -> Result<Self> {
        let parsed = Certificate::from_der(&der)
            .map_err(|e| Error::format(format!("not an X.509 certificate ({e})")))?;
        Ok(Cert { der, parsed })
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn to_pem(&self) -> String {
        to_pem("CERTIFICATE", &self.der)
    }

    /// SHA-256 of the certificate's DER, hex: how `trust list` names anchors.
    pub fn fingerprint(&self) -> String {
        crate::crypto::hex(&crate::crypto::sha256(&self.der))
    }

    /// The fingerprint of the public key it certifies, as ehrcrypt
    /// fingerprints owner keys (SHA-256 of the SPKI DER).
    pub fn key_fingerprint(&self) -> Result<Fingerprint> {
        let spki = self
            .parsed
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|_| Error::format("certificate: cannot encode its public key"))?;
        Ok(Fingerprint::of_spki_der(&spki))
    }

    /// RFC 4514, e.g. `CN=Dr Alice,O=Hospital`.
    pub fn subject(&self) -> String {
        self.parsed.tbs_certificate().subject().to_string()
    }

    pub fn issuer(&self) -> String {
        self.parsed.tbs_certificate().issuer().to_string()
    }

    pub fn subject_name(&self) -> &x509_cert::name::Name {
        self.parsed.tbs_certificate().subject()
    }

    /// Subject and issuer are the same name (a root, or a self-signed leaf).
    pub fn self_issued(&self) -> bool {
        self.parsed.tbs_certificate().subject() == self.parsed.tbs_certificate().issuer()
    }

    pub fn not_before(&self) -> SystemTime {
        self.parsed
            .tbs_certificate()
            .validity()
            .not_before
            .to_system_time()
    }

    pub fn not_after(&self) -> SystemTime {
        self.parsed
            .tbs_certificate()
            .validity()
            .not_after
            .to_system_time()
    }

    /// Whether basic constraints say this is a CA certificate.
    pub fn is_ca(&self) -> bool {
        matches!(
            self.parsed
                .tbs_certificate()
                .get_extension::<BasicConstraints>(),
            Ok(Some((_, bc))) if bc.ca
        )
    }

    /// The subjectPublicKey bits (an RSAPublicKey for RSA): what a
    /// signature made by this certificate's key is checked with.
    pub fn public_key_bits(&self) -> Option<&[u8]> {
        self.parsed
            .tbs_certificate()
            .subject_public_key_info()
            .subject_public_key
            .as_bytes()
    }

    /// The key usage an owner key needs: it signs exchange keys and others
    /// wrap keys for it, so a `keyUsage` extension, when present, must
    /// allow `digitalSignature` and `keyEncipherment`; an
    /// `extendedKeyUsage`, when present, must allow `emailProtection` (or
    /// any usage). webpki checks the second again during path validation.
    /// `Err` names what is missing.
    pub fn owner_usage(&self) -> std::result::Result<(), String> {
        let tbs = self.parsed.tbs_certificate();
        match tbs.get_extension::<KeyUsage>() {
            Err(_) => return Err("its keyUsage extension does not parse".into()),
            Ok(Some((_, ku))) => {
                let mut missing = Vec::new();
                if !ku.digital_signature() {
                    missing.push("digitalSignature");
                }
                if !ku.key_encipherment() {
                    missing.push("keyEncipherment");
                }
                if !missing.is_empty() {
                    return Err(format!("its keyUsage lacks {}", missing.join(" and ")));
                }
            }
            Ok(None) => {}
        }
        match tbs.get_extension::<ExtendedKeyUsage>() {
            Err(_) => Err("its extendedKeyUsage extension does not parse".into()),
            Ok(Some((_, eku))) => {
                let ok = eku
                    .0
                    .iter()
                    .any(|oid| oid.as_bytes() == EKU_EMAIL_PROTECTION || oid.as_bytes() == EKU_ANY);
                if ok {
                    Ok(())
                } else {
                    Err("its extendedKeyUsage does not include emailProtection".into())
                }
            }
            Ok(None) => Ok(()),
        }
    }
}

/// Serialised as one PEM block, parsed (and so checked) when read back.
impl Serialize for Cert {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_pem())
    }
}

impl<'de> Deserialize<'de> for Cert {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let der = one_pem(&s, "CERTIFICATE").map_err(serde::de::Error::custom)?;
        Cert::from_der(der).map_err(|e| serde::de::Error::custom(e.message().to_string()))
    }
}

/// One parsed certificate revocation list.
#[derive(Clone, Debug)]
pub struct Crl {
    der: Vec<u8>,
    parsed: CertificateList,
}

impl Crl {
    pub fn from_der(der: Vec<u8>) -> Result<Self> {
        let parsed = CertificateList::from_der(&der)
            .map_err(|e| Error::format(format!("not an X.509 CRL ({e})")))?;
        // webpki must accept it too, or path validation would fail later.
        webpki::OwnedCertRevocationList::from_der(&der)
            .map_err(|e| Error::format(format!("CRL not usable for validation ({e})")))?;
        Ok(Crl { der, parsed })
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn to_pem(&self) -> String {
        to_pem("X509 CRL", &self.der)
    }

    pub fn issuer(&self) -> String {
        self.parsed.tbs_cert_list.issuer.to_string()
    }

    pub fn issuer_name(&self) -> &x509_cert::name::Name {
        &self.parsed.tbs_cert_list.issuer
    }

    pub fn this_update(&self) -> SystemTime {
        self.parsed.tbs_cert_list.this_update.to_system_time()
    }

    pub fn next_update(&self) -> Option<SystemTime> {
        self.parsed
            .tbs_cert_list
            .next_update
            .map(|t| t.to_system_time())
    }

    pub fn revoked_count(&self) -> usize {
        self.parsed
            .tbs_cert_list
            .revoked_certificates
            .as_ref()
            .map_or(0, Vec::len)
    }

    /// Whether `issuer`'s key signed this CRL (RSA algorithms of
    /// [`super::algs`]). Checked when a CRL is added; webpki checks it
    /// again whenever it consults the CRL.
    pub fn signed_by(&self, issuer: &Cert) -> bool {
        if issuer.subject_name() != self.issuer_name() {
            return false;
        }
        let (Ok(tbs), Ok(alg), Some(key), Some(sig)) = (
            self.parsed.tbs_cert_list.to_der(),
            self.parsed.signature_algorithm.to_der(),
            issuer.public_key_bits(),
            self.parsed.signature.as_bytes(),
        ) else {
            return false;
        };
        super::algs::verify(&alg, key, &tbs, sig)
    }
}

impl Serialize for Crl {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_pem())
    }
}

impl<'de> Deserialize<'de> for Crl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let der = one_pem(&s, "X509 CRL").map_err(serde::de::Error::custom)?;
        Crl::from_der(der).map_err(|e| serde::de::Error::custom(e.message().to_string()))
    }
}

fn to_pem(tag: &str, der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new(tag, der.to_vec()),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// The DER inside exactly one PEM block labelled `tag`.
fn one_pem(s: &str, tag: &str) -> std::result::Result<Vec<u8>, String> {
    let p = pem::parse(s.trim()).map_err(|_| format!("not a PEM {tag}"))?;
    if p.tag() != tag {
        return Err(format!("PEM block is {}, expected {tag}", p.tag()));
    }
    Ok(p.into_contents())
}

/// Reads a file (or stdin for `-`) of at most `limit` bytes.
pub fn read_bounded(path: &std::path::Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    let res = if path.as_os_str() == "-" {
        std::io::stdin().take(limit + 1).read_to_end(&mut buf)
    } else {
        std::fs::File::open(path)
            .map_err(|e| Error::io(path, "read", e))?
            .take(limit + 1)
            .read_to_end(&mut buf)
    };
    res.map_err(|e| Error::io(path, "read", e))?;
    if buf.len() as u64 > limit {
        return Err(Error::format(format!(
            "{}: {what} is larger than {} bytes",
            crate::error::display_path(path),
            limit
        )));
    }
    Ok(buf)
}

/// Certificates from PEM text (`-----BEGIN CERTIFICATE-----` blocks, in
/// order, other blocks refused) or one DER certificate; at most
/// [`MAX_CHAIN`].
pub fn parse_certs(bytes: &[u8], source: &str) -> Result<Vec<Cert>> {
    let ctx = |e: Error| e.context(source);
    let ders: Vec<Vec<u8>> = if bytes.first() == Some(&0x30) {
        vec![bytes.to_vec()]
    } else {
        let blocks = pem::parse_many(bytes)
            .map_err(|_| Error::format(format!("{source}: not PEM certificates")))?;
        let mut out = Vec::new();
        for b in blocks {
            if b.tag() != "CERTIFICATE" {
                return Err(Error::format(format!(
                    "{source}: holds a {} block, expected CERTIFICATE",
                    b.tag()
                )));
            }
            out.push(b.into_contents());
        }
        out
    };
    if ders.is_empty() {
        return Err(Error::format(format!("{source}: no certificate in it")));
    }
    if ders.len() > MAX_CHAIN {
        return Err(Error::format(format!(
            "{source}: more than {MAX_CHAIN} certificates"
        )));
    }
    ders.into_iter()
        .map(|d| Cert::from_der(d).map_err(ctx))
        .collect()
}

/// One CRL from PEM (`-----BEGIN X509 CRL-----`) or DER.
pub fn parse_crl(bytes: &[u8], source: &str) -> Result<Crl> {
    let der = if bytes.first() == Some(&0x30) {
        bytes.to_vec()
    } else {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::format(format!("{source}: not a PEM or DER CRL")))?;
        one_pem(text, "X509 CRL").map_err(|e| Error::format(format!("{source}: {e}")))?
    };
    Crl::from_der(der).map_err(|e| e.context(source))
}
