//! PKCS#10 certificate signing requests for an owner key, built with
//! `x509-cert`'s request builder and signed (RSA PKCS#1 v1.5, SHA-256:
//! what every CA accepts) with the owner's private key.

use std::str::FromStr;

use x509_cert::builder::{Builder, RequestBuilder};
use x509_cert::der::EncodePem;
use x509_cert::name::Name;

use crate::crypto::PrivateKey;
use crate::error::{Error, Result};
use crate::owner::Owner;

/// The subject ehrcrypt proposes for an owner: `UID=<id>,CN=<name>` in
/// RFC 4514 order (most specific first, values escaped), which is
/// `CN=<name>, UID=<id>` in the certificate. The CA may replace it.
pub fn default_subject(owner: &Owner) -> String {
    format!(
        "UID={},CN={}",
        escape(owner.id.as_str()),
        escape(&owner.name)
    )
}

/// Parses an RFC 4514 subject such as `CN=Dr Alice,O=Hospital,C=BE`.
pub fn parse_subject(s: &str) -> Result<Name> {
    let name = Name::from_str(s).map_err(|_| {
        Error::usage(format!("{s:?} is not a distinguished name")).hint(
            "write it as RFC 4514, e.g. \"CN=Dr Alice,O=Hospital,C=BE\" (escape , + = \\ with \\)",
        )
    })?;
    if name.is_empty() {
        return Err(Error::usage("the subject is empty"));
    }
    Ok(name)
}

/// A PEM `CERTIFICATE REQUEST` for `key` with `subject`.
pub fn build(key: &PrivateKey, subject: Name) -> Result<String> {
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key.rsa().clone());
    let req = RequestBuilder::new(subject)
        .and_then(|b| b.build::<_, rsa::pkcs1v15::Signature>(&signer))
        .map_err(|e| Error::internal(format!("cannot build the certificate request ({e})")))?;
    req.to_pem(x509_cert::der::pem::LineEnding::LF)
        .map_err(|_| Error::internal("cannot encode the certificate request"))
}

/// RFC 4514 section 2.4 escaping of an attribute value.
fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let n = v.chars().count();
    for (i, c) in v.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=')
            || (i == 0 && (c == ' ' || c == '#'))
            || (i + 1 == n && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_separators_are_escaped_and_parse_back() {
        assert_eq!(escape("Dr Alice"), "Dr Alice");
        assert_eq!(escape("Smith, J. (MD)"), "Smith\\, J. (MD)");
        assert_eq!(escape(" a=b "), "\\ a\\=b\\ ");
        let name = parse_subject("CN=Smith\\, J.,UID=alice").unwrap();
        assert_eq!(name.to_string(), "CN=Smith\\, J.,UID=alice");
        assert!(parse_subject("not a dn").is_err());
    }

    #[test]
    fn the_request_verifies_and_carries_the_key() {
        use x509_cert::der::DecodePem;
        let key = PrivateKey::generate().unwrap();
        let pem = build(&key, parse_subject("CN=Dr Alice,UID=alice").unwrap()).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
        let req = x509_cert::request::CertReq::from_pem(pem.as_bytes()).unwrap();
        use x509_cert::der::Encode;
        let spki = req.info.public_key.to_der().unwrap();
        assert_eq!(
            crate::crypto::Fingerprint::of_spki_der(&spki),
            key.public().fingerprint()
        );
        let tbs = req.info.to_der().unwrap();
        let alg = req.algorithm.to_der().unwrap();
        let bits = req.info.public_key.subject_public_key.as_bytes().unwrap();
        assert!(super::super::algs::verify(
            &alg,
            bits,
            &tbs,
            req.signature.as_bytes().unwrap()
        ));
    }
}
