//! `ehrcrypt trust ...`: the certificate authorities this keystore trusts
//! (anchors) and the revocation lists it knows. Every change re-evaluates
//! the owners' certificates and says which keys gained or lost
//! verification.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use ehrcrypt::keystore::{Keystore, TrustChanges};
use ehrcrypt::pki::{self, cert};
use ehrcrypt::{Error, Result};

use super::output::Output;
use super::Env;

#[derive(Subcommand, Debug)]
pub enum TrustCommand {
    /// Trust a CA certificate (a root) as an anchor: keys it certifies become verified
    #[command(after_help = "Examples:\n  ehrcrypt trust add hospital-root.pem")]
    Add {
        /// The CA certificate, PEM or DER (check its fingerprint with the CA first)
        cert: PathBuf,
    },
    /// List the trust anchors and CRLs
    #[command(after_help = "Examples:\n  ehrcrypt trust list\n  ehrcrypt --json trust list")]
    List,
    /// Stop trusting an anchor (by the fingerprint `trust list` shows)
    #[command(after_help = "Examples:\n  ehrcrypt trust remove 3f0c9a1b2c3d4e5f")]
    Remove {
        /// At least 16 hex digits of the certificate's SHA-256 fingerprint
        fingerprint: String,
    },
    /// Certificate revocation lists
    #[command(subcommand)]
    Crl(CrlCommand),
}

#[derive(Subcommand, Debug)]
pub enum CrlCommand {
    /// Add (or update) a CRL signed by an anchor or a known intermediate CA
    #[command(after_help = "Examples:\n  ehrcrypt trust crl add hospital-ca.crl.pem")]
    Add {
        /// The CRL, PEM (-----BEGIN X509 CRL-----) or DER, or - for stdin
        crl: PathBuf,
    },
}

pub fn run(env: &Env, cmd: TrustCommand) -> Result<()> {
    let path = env.keystore_path()?;
    let out = &env.out;
    match cmd {
        TrustCommand::Add { cert } => {
            let bytes = cert::read_bounded(&cert, cert::MAX_CERT_FILE, "certificate file")?;
            let source = ehrcrypt::error::display_path(&cert);
            let mut certs = cert::parse_certs(&bytes, &source)?;
            if certs.len() != 1 {
                return Err(Error::usage(format!(
                    "{source}: holds {} certificates; give the root alone",
                    certs.len()
                )));
            }
            let anchor = certs.remove(0);
            let (subject, fp) = (anchor.subject(), anchor.fingerprint());
            let (added, changes) = Keystore::update(&path, |ks| ks.add_anchor(anchor))?;
            if out.json {
                out.json(&json!({"subject": subject, "fingerprint": fp, "added": added, "changes": changes}));
            } else {
                out.line(format!(
                    "{} trust anchor {subject} ({fp})",
                    if added { "added" } else { "already a" }
                ));
                report_changes(out, &changes);
            }
        }
        TrustCommand::List => {
            let ks = Keystore::load(&path)?;
            let t = ks.trust();
            if out.json {
                let anchors: Vec<_> = t
                    .anchors
                    .iter()
                    .map(|a| {
                        json!({"subject": a.certificate.subject(), "fingerprint": a.certificate.fingerprint(),
                        "notAfter": pki::rfc3339(a.certificate.not_after()), "added": a.added})
                    })
                    .collect();
                let crls: Vec<_> = t
                    .crls
                    .iter()
                    .map(|c| {
                        json!({"issuer": c.crl.issuer(), "thisUpdate": pki::rfc3339(c.crl.this_update()),
                        "nextUpdate": c.crl.next_update().map(pki::rfc3339), "revoked": c.crl.revoked_count(),
                        "added": c.added})
                    })
                    .collect();
                out.json(&json!({"anchors": anchors, "crls": crls}));
            } else if t.is_empty() {
                out.note("no trust anchors or CRLs in this keystore");
            } else {
                if !t.anchors.is_empty() {
                    out.line(format!("{:<17} {:<20} SUBJECT", "FINGERPRINT", "NOT AFTER"));
                }
                for a in &t.anchors {
                    out.line(format!(
                        "{:<17} {:<20} {}",
                        &a.certificate.fingerprint()[..16],
                        pki::rfc3339(a.certificate.not_after()),
                        a.certificate.subject()
                    ));
                }
                let now = std::time::SystemTime::now();
                for c in &t.crls {
                    let stale = c.crl.next_update().is_some_and(|n| n < now);
                    out.line(format!(
                        "CRL of {}: {} revoked, issued {}, next update {}{}",
                        c.crl.issuer(),
                        c.crl.revoked_count(),
                        pki::rfc3339(c.crl.this_update()),
                        c.crl
                            .next_update()
                            .map(pki::rfc3339)
                            .unwrap_or_else(|| "none".into()),
                        if stale {
                            " (STALE: fetch a newer one)"
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
        TrustCommand::Remove { fingerprint } => {
            let (cert, changes) = Keystore::update(&path, |ks| ks.remove_anchor(&fingerprint))?;
            if out.json {
                out.json(
                    &json!({"subject": cert.subject(), "fingerprint": cert.fingerprint(),
                    "removed": true, "changes": changes}),
                );
            } else {
                out.line(format!("removed trust anchor {}", cert.subject()));
                report_changes(out, &changes);
            }
        }
        TrustCommand::Crl(CrlCommand::Add { crl }) => {
            let bytes = cert::read_bounded(&crl, cert::MAX_CRL_FILE, "CRL")?;
            let crl = cert::parse_crl(&bytes, &ehrcrypt::error::display_path(&crl))?;
            let (added, changes) = Keystore::update(&path, |ks| ks.add_crl(crl))?;
            if out.json {
                out.json(&json!({"crl": added, "changes": changes}));
            } else {
                out.line(format!(
                    "{} CRL of {} ({} revoked)",
                    if added.unchanged {
                        "already have the"
                    } else if added.replaced {
                        "updated the"
                    } else {
                        "added the"
                    },
                    added.issuer,
                    added.revoked
                ));
                report_changes(out, &changes);
            }
        }
    }
    Ok(())
}

fn report_changes(out: &Output, changes: &TrustChanges) {
    for v in &changes.now_verified {
        out.line(format!(
            "key {} of {} is now verified by certificate until {}",
            v.fingerprint.short(),
            v.owner,
            v.verified_until.as_deref().unwrap_or("?")
        ));
    }
    for v in &changes.no_longer_verified {
        out.line(format!(
            "key {} of {} is no longer verified: {}",
            v.fingerprint.short(),
            v.owner,
            v.problem
                .as_deref()
                .unwrap_or("no certificate vouches for it")
        ));
    }
    if !changes.no_longer_verified.is_empty() {
        out.note("new exchange keys and shares to those keys are now refused; existing data stays readable");
    }
}
