//! A keystore's trust anchors and revocation lists, and the one function
//! that decides whether a certificate chain vouches for an owner key now
//! ([`TrustStore::evaluate`]). Path validation is `rustls-webpki`'s; this
//! module chooses its inputs and turns its verdict into a reason a person
//! can act on.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use serde::{Deserialize, Serialize};
use webpki::{
    CertRevocationList, EndEntityCert, ExpirationPolicy, ExtendedKeyUsageValidator, KeyPurposeId,
    KeyPurposeIdIter, RevocationCheckDepth, RevocationOptionsBuilder, UnknownStatusPolicy,
};

use super::cert::{Cert, Crl, EKU_ANY, EKU_EMAIL_PROTECTION};
use crate::crypto::Fingerprint;
use crate::error::{Error, ErrorKind, Result};

/// A root (or any CA certificate) this keystore's user chose to trust.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Anchor {
    pub certificate: Cert,
    /// RFC 3339, UTC.
    pub added: String,
}

/// A CRL whose signature by a known CA was checked when it was added.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrlEntry {
    pub crl: Crl,
    pub added: String,
}

/// The `trust` section of a keystore (format v2).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustStore {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anchors: Vec<Anchor>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crls: Vec<CrlEntry>,
}

/// What a certificate chain says about an owner key, evaluated when the
/// keystore is loaded or its trust changes.
#[derive(Clone, Debug, Default)]
pub enum Certification {
    /// The key carries no certificate.
    #[default]
    None,
    /// A chain to a trust anchor, valid now, suitable usage, not revoked.
    Valid(Certified),
    /// A certificate that does not vouch for the key, and why.
    Invalid(Rejection),
}

impl Certification {
    pub fn is_valid(&self) -> bool {
        matches!(self, Certification::Valid(_))
    }
}

#[derive(Clone, Debug)]
pub struct Certified {
    /// Subject of the trust anchor the chain reaches.
    pub anchor: String,
    /// Subject of the owner's certificate.
    pub subject: String,
    /// The earliest notAfter in the chain: verified until then.
    pub until: SystemTime,
}

/// Why a certificate does not vouch for a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The certificate certifies another public key.
    OtherKey,
    Expired,
    NotYetValid,
    WrongUsage,
    SelfSignedUntrusted,
    NoAnchor,
    Revoked,
    BadCrlSignature,
    BadSignature,
    /// A CA certificate where an owner's was expected.
    NotEndEntity,
    Unsupported,
    Malformed,
}

impl Reason {
    /// The exit code family: tampering is an integrity error, undecodable
    /// input a format error, everything else a refusal by the trust rule.
    pub fn kind(self) -> ErrorKind {
        match self {
            Reason::BadSignature | Reason::BadCrlSignature => ErrorKind::Integrity,
            Reason::Malformed => ErrorKind::Format,
            _ => ErrorKind::Refused,
        }
    }

    /// A stable token for `--json`.
    pub fn code(self) -> &'static str {
        match self {
            Reason::OtherKey => "other-key",
            Reason::Expired => "expired",
            Reason::NotYetValid => "not-yet-valid",
            Reason::WrongUsage => "wrong-usage",
            Reason::SelfSignedUntrusted => "self-signed-untrusted",
            Reason::NoAnchor => "no-trust-anchor",
            Reason::Revoked => "revoked",
            Reason::BadCrlSignature => "crl-not-signed-by-issuer",
            Reason::BadSignature => "bad-signature",
            Reason::NotEndEntity => "not-an-owner-certificate",
            Reason::Unsupported => "unsupported",
            Reason::Malformed => "malformed",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Rejection {
    pub reason: Reason,
    /// One line naming the reason, e.g. "certificate expired on ...".
    pub detail: String,
}

impl Rejection {
    fn new(reason: Reason, detail: impl Into<String>) -> Self {
        Rejection {
            reason,
            detail: detail.into(),
        }
    }

    pub fn to_error(&self) -> Error {
        let hint = match self.reason {
            Reason::NoAnchor | Reason::SelfSignedUntrusted => {
                "trust the issuing root first with `ehrcrypt trust add ROOT.pem` (after checking its fingerprint), and give the intermediates as CHAIN.pem"
            }
            Reason::Expired | Reason::NotYetValid | Reason::Revoked | Reason::WrongUsage => {
                "ask the owner for a current certificate from their CA, or verify the fingerprint with them out of band"
            }
            Reason::OtherKey => "the certificate is for another key: check you have the right file",
            _ => "the certificate cannot vouch for this key; nothing was marked verified",
        };
        Error::new(self.reason.kind(), self.detail.clone()).hint(hint)
    }
}

impl TrustStore {
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty() && self.crls.is_empty()
    }

    /// Decides whether `chain` (leaf first, then intermediates) vouches for
    /// the key with fingerprint `key` at time `now`. For many keys, make
    /// one [`TrustStore::validator`] and ask it.
    pub fn evaluate(&self, chain: &[Cert], key: Fingerprint, now: SystemTime) -> Certification {
        self.validator().evaluate(chain, key, now)
    }

    /// The anchors and CRLs parsed for webpki once, to evaluate many keys.
    pub fn validator(&self) -> Validator {
        let anchors = self
            .anchors
            .iter()
            .filter_map(|a| {
                webpki::anchor_from_trusted_cert(&CertificateDer::from(a.certificate.der()))
                    .ok()
                    .map(|t| (t.to_owned(), a.certificate.subject()))
            })
            .collect();
        let crls = self
            .crls
            .iter()
            .filter_map(|c| webpki::OwnedCertRevocationList::from_der(c.crl.der()).ok())
            .map(CertRevocationList::from)
            .collect();
        Validator { anchors, crls }
    }
}

/// A [`TrustStore`] ready for path validation: owns what it parsed, so a
/// keystore can share it (`Arc`) with the keys it evaluates lazily.
#[derive(Debug)]
pub struct Validator {
    /// Each usable anchor with its certificate's subject, for messages.
    anchors: Vec<(TrustAnchor<'static>, String)>,
    crls: Vec<CertRevocationList<'static>>,
}

/// A key's [`Certification`], computed on first use (most commands consult
/// only a few keys of a keystore) against the trust of the moment the
/// keystore was read or its trust last changed.
#[derive(Clone, Debug, Default)]
pub struct LazyCertification {
    context: Option<(std::sync::Arc<Validator>, SystemTime)>,
    verdict: std::sync::OnceLock<Certification>,
}

impl LazyCertification {
    pub fn new(validator: std::sync::Arc<Validator>, now: SystemTime) -> Self {
        LazyCertification {
            context: Some((validator, now)),
            verdict: std::sync::OnceLock::new(),
        }
    }

    /// The verdict for `chain` and `key`, evaluated once. Without a context
    /// (an entry not yet seen by a keystore), a chain verifies nothing.
    pub fn get(&self, chain: &[Cert], key: Fingerprint) -> &Certification {
        self.verdict
            .get_or_init(|| match (&self.context, chain.is_empty()) {
                (_, true) => Certification::None,
                (Some((v, now)), false) => v.evaluate(chain, key, *now),
                (None, false) => Certification::Invalid(Rejection::new(
                    Reason::NoAnchor,
                    "certificate not evaluated against this keystore's trust anchors",
                )),
            })
    }
}

impl Validator {
    /// See [`TrustStore::evaluate`].
    pub fn evaluate(&self, chain: &[Cert], key: Fingerprint, now: SystemTime) -> Certification {
        match self.check(chain, key, now) {
            Ok(c) => Certification::Valid(c),
            Err(r) => Certification::Invalid(r),
        }
    }

    fn check(
        &self,
        chain: &[Cert],
        key: Fingerprint,
        now: SystemTime,
    ) -> std::result::Result<Certified, Rejection> {
        let Some(leaf) = chain.first() else {
            return Err(Rejection::new(Reason::Malformed, "no certificate"));
        };
        let certifies = leaf
            .key_fingerprint()
            .map_err(|e| Rejection::new(Reason::Malformed, e.message()))?;
        if certifies != key {
            return Err(Rejection::new(
                Reason::OtherKey,
                format!(
                    "certificate of {} certifies key {}, not key {}",
                    leaf.subject(),
                    certifies.short(),
                    key.short()
                ),
            ));
        }
        if leaf.is_ca() {
            return Err(Rejection::new(
                Reason::NotEndEntity,
                format!(
                    "certificate of {} is a CA certificate, not an owner's",
                    leaf.subject()
                ),
            ));
        }
        if let Err(why) = leaf.owner_usage() {
            return Err(Rejection::new(
                Reason::WrongUsage,
                format!(
                    "certificate of {} has the wrong key usage: {why}",
                    leaf.subject()
                ),
            ));
        }
        let leaf_der = CertificateDer::from(leaf.der());
        let ee = EndEntityCert::try_from(&leaf_der).map_err(|e| {
            Rejection::new(
                Reason::Malformed,
                format!("certificate of {}: {e}", leaf.subject()),
            )
        })?;
        let anchors: Vec<TrustAnchor<'_>> = self.anchors.iter().map(|(t, _)| t.clone()).collect();
        let intermediates: Vec<CertificateDer<'_>> = chain[1..]
            .iter()
            .map(|c| CertificateDer::from(c.der()))
            .collect();
        let crl_refs: Vec<&CertRevocationList<'_>> = self.crls.iter().collect();
        // No known CRL for an issuer means "not known to be revoked": CRLs
        // are optional. A CRL past its nextUpdate still counts: what it
        // revoked stays revoked.
        let revocation = RevocationOptionsBuilder::new(&crl_refs).ok().map(|b| {
            b.with_depth(RevocationCheckDepth::Chain)
                .with_status_policy(UnknownStatusPolicy::Allow)
                .with_expiration_policy(ExpirationPolicy::Ignore)
                .build()
        });
        let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
        let path = ee
            .verify_for_usage(
                super::algs::ALL,
                &anchors,
                &intermediates,
                UnixTime::since_unix_epoch(since_epoch),
                OwnerUsage,
                revocation,
                None,
            )
            .map_err(|e| explain(leaf, e))?;
        let mut until = leaf.not_after();
        for c in path.intermediate_certificates() {
            if let Some(i) = chain.iter().find(|x| x.der() == c.der().as_ref()) {
                until = until.min(i.not_after());
            }
        }
        let anchor_spki = path.anchor().subject_public_key_info.as_ref();
        let anchor = self
            .anchors
            .iter()
            .find(|(t, _)| t.subject_public_key_info.as_ref() == anchor_spki)
            .map(|(_, subject)| subject.clone())
            .unwrap_or_default();
        Ok(Certified {
            anchor,
            subject: leaf.subject(),
            until,
        })
    }
}

// The unit variants are deprecated but still produced by some paths.
#[allow(deprecated)]
fn explain(leaf: &Cert, e: webpki::Error) -> Rejection {
    use webpki::Error as W;
    let who = leaf.subject();
    match e {
            W::CertExpired { .. } => Rejection::new(
                Reason::Expired,
                format!(
                    "certificate of {who} expired on {} (or one in its chain did)",
                    crate::pki::rfc3339(leaf.not_after())
                ),
            ),
            W::CertNotValidYet { .. } => Rejection::new(
                Reason::NotYetValid,
                format!(
                    "certificate of {who} is not valid before {} (or one in its chain is not yet)",
                    crate::pki::rfc3339(leaf.not_before())
                ),
            ),
            W::RequiredEkuNotFound | W::RequiredEkuNotFoundContext(_) | W::EmptyEkuExtension => {
                Rejection::new(
                    Reason::WrongUsage,
                    format!("certificate of {who} is not for emailProtection (extended key usage)"),
                )
            }
            W::UnknownIssuer if leaf.self_issued() => Rejection::new(
                Reason::SelfSignedUntrusted,
                format!("certificate of {who} is self-signed and not a trust anchor here"),
            ),
            W::UnknownIssuer => Rejection::new(
                Reason::NoAnchor,
                format!(
                    "certificate of {who} (issued by {}) does not chain to a trust anchor of this keystore",
                    leaf.issuer()
                ),
            ),
            W::CertRevoked => Rejection::new(
                Reason::Revoked,
                format!("certificate of {who} (or one in its chain) is revoked by a CRL"),
            ),
            W::InvalidCrlSignatureForPublicKey | W::IssuerNotCrlSigner => Rejection::new(
                Reason::BadCrlSignature,
                format!("a CRL for the chain of {who} is not signed by the certificate's issuer"),
            ),
            W::InvalidSignatureForPublicKey | W::SignatureAlgorithmMismatch => Rejection::new(
                Reason::BadSignature,
                format!("a signature in the chain of {who} does not verify"),
            ),
            W::CaUsedAsEndEntity | W::EndEntityUsedAsCa => Rejection::new(
                Reason::NotEndEntity,
                format!("the chain of {who} uses a certificate in the wrong role ({e})"),
            ),
            W::UnsupportedSignatureAlgorithm
            | W::UnsupportedSignatureAlgorithmContext(_)
            | W::UnsupportedSignatureAlgorithmForPublicKey
            | W::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
            | W::UnsupportedCrlSignatureAlgorithm
            | W::UnsupportedCrlSignatureAlgorithmContext(_)
            | W::UnsupportedCrlSignatureAlgorithmForPublicKey
            | W::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(_) => Rejection::new(
                Reason::Unsupported,
                format!("the chain of {who} uses a signature algorithm ehrcrypt does not check (RSA only)"),
            ),
            other => Rejection::new(
                Reason::Malformed,
                format!("certificate chain of {who} is not valid ({other})"),
            ),
        }
}

impl TrustStore {
    /// Adds an anchor; `false` if it was already trusted. Only CA
    /// certificates: a leaf is never an anchor here.
    pub fn add_anchor(&mut self, cert: Cert) -> Result<bool> {
        if !cert.is_ca() {
            return Err(Error::refused(format!(
                "{} is not a CA certificate (no basicConstraints cA=TRUE)",
                cert.subject()
            ))
            .hint("a trust anchor is the root (or intermediate) certificate of the CA, not an owner's"));
        }
        if webpki::anchor_from_trusted_cert(&CertificateDer::from(cert.der())).is_err() {
            return Err(Error::format(format!(
                "{}: not usable as a trust anchor (X.509 v3 required)",
                cert.subject()
            )));
        }
        if self.anchors.iter().any(|a| a.certificate == cert) {
            return Ok(false);
        }
        self.anchors.push(Anchor {
            certificate: cert,
            added: crate::now_rfc3339(),
        });
        Ok(true)
    }

    /// Removes the anchor whose certificate fingerprint starts with
    /// `prefix` (at least 16 hex digits, matching exactly one).
    pub fn remove_anchor(&mut self, prefix: &str) -> Result<Anchor> {
        let p = prefix.trim().to_ascii_lowercase().replace(':', "");
        if p.len() < 16 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::usage(format!(
                "{prefix:?} is not a certificate fingerprint"
            ))
            .hint("give at least 16 hex digits of the FINGERPRINT that `ehrcrypt trust list` shows"));
        }
        let hits: Vec<usize> = (0..self.anchors.len())
            .filter(|&i| self.anchors[i].certificate.fingerprint().starts_with(&p))
            .collect();
        match hits.as_slice() {
            [i] => Ok(self.anchors.remove(*i)),
            [] => Err(
                Error::not_found(format!("no trust anchor with fingerprint {p}"))
                    .hint("`ehrcrypt trust list` shows the anchors"),
            ),
            _ => Err(Error::usage(format!("{p} matches several anchors")).hint("give more digits")),
        }
    }

    /// Adds a CRL after checking it is signed by `issuers` (anchors and
    /// known intermediates). A CRL older than the one held for the same
    /// issuer is refused: it could bring revoked certificates back.
    pub fn add_crl(&mut self, crl: Crl, issuers: &[&Cert]) -> Result<CrlAdded> {
        let named: Vec<&&Cert> = issuers
            .iter()
            .filter(|c| c.subject_name() == crl.issuer_name())
            .collect();
        if named.is_empty() {
            return Err(Error::refused(format!(
                "CRL issuer {} is not a trust anchor or a known intermediate CA",
                crl.issuer()
            ))
            .hint(
                "add its root with `ehrcrypt trust add`, and import a certificate it issued, first",
            ));
        }
        if !named.iter().any(|c| crl.signed_by(c)) {
            return Err(Error::integrity(format!(
                "CRL of {} is not signed by its issuer",
                crl.issuer()
            ))
            .hint("the CRL was altered or comes from another CA; nothing was changed"));
        }
        let issuer = crl.issuer_name().clone();
        let replaced = match self
            .crls
            .iter()
            .position(|e| e.crl.issuer_name() == &issuer)
        {
            Some(i) if self.crls[i].crl.der() == crl.der() => {
                return Ok(CrlAdded {
                    issuer: crl.issuer(),
                    revoked: crl.revoked_count(),
                    replaced: false,
                    unchanged: true,
                })
            }
            Some(i) if self.crls[i].crl.this_update() > crl.this_update() => {
                return Err(Error::refused(format!(
                    "CRL of {} is older than the one this keystore holds ({} < {})",
                    crl.issuer(),
                    crate::pki::rfc3339(crl.this_update()),
                    crate::pki::rfc3339(self.crls[i].crl.this_update())
                ))
                .hint("an older CRL could un-revoke certificates; fetch the current one"));
            }
            Some(i) => {
                self.crls.remove(i);
                true
            }
            None => false,
        };
        let out = CrlAdded {
            issuer: crl.issuer(),
            revoked: crl.revoked_count(),
            replaced,
            unchanged: false,
        };
        self.crls.push(CrlEntry {
            crl,
            added: crate::now_rfc3339(),
        });
        Ok(out)
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrlAdded {
    pub issuer: String,
    pub revoked: usize,
    /// It replaced an older CRL of the same issuer.
    pub replaced: bool,
    /// The same CRL was already held.
    pub unchanged: bool,
}

/// The extended key usage an owner certificate needs, if it has the
/// extension: `emailProtection` or `anyExtendedKeyUsage`.
struct OwnerUsage;

impl ExtendedKeyUsageValidator for OwnerUsage {
    // The context variant cannot be built outside webpki.
    #[allow(deprecated)]
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> std::result::Result<(), webpki::Error> {
        let mut empty = true;
        for id in iter {
            empty = false;
            let id = id?;
            if id == KeyPurposeId::new(EKU_EMAIL_PROTECTION) || id == KeyPurposeId::new(EKU_ANY) {
                return Ok(());
            }
        }
        if empty {
            Ok(())
        } else {
            Err(webpki::Error::RequiredEkuNotFound)
        }
    }
}
