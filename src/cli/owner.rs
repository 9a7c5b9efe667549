//! `ehrcrypt owner ...`: the data owners a keystore knows, their public
//! documents, the out-of-band fingerprint check that makes a key trusted,
//! and the certificate requests and certificates that do the same through
//! a CA (`csr`, `import-cert`).

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use ehrcrypt::atomic_file::{self, Mode, Overwrite};
use ehrcrypt::crypto::Fingerprint;
use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::{KeyTrust, Owner, OwnerDocument, OwnerId, OwnerKind, PublicKeyEntry};
use ehrcrypt::pki::{self, Certification};
use ehrcrypt::{Error, Result};

use super::Env;

#[derive(Subcommand, Debug)]
pub enum OwnerCommand {
    /// List the data owners in the keystore
    #[command(
        after_help = "Examples:\n  ehrcrypt owner list\n  ehrcrypt --json owner list | jq -r '.[].id'"
    )]
    List,
    /// Show one owner: keys, fingerprints, trust, exchange keys (never key bytes)
    #[command(after_help = "Examples:\n  ehrcrypt owner show alice")]
    Show { id: OwnerId },
    /// Write the owner's public document (public keys and exchange keys, never a private key)
    #[command(
        after_help = "Examples:\n  ehrcrypt owner export alice --for bob -o alice-for-bob.owner.json\n  ehrcrypt owner export bob -o bob.owner.json"
    )]
    Export {
        id: OwnerId,
        /// Only carry the exchange keys for these delegates (repeatable):
        /// the document then does not reveal whom else the owner shares with
        #[arg(long = "for", value_name = "OWNER")]
        for_delegates: Vec<OwnerId>,
        /// Output file, or - for stdout
        #[arg(short, long, value_name = "FILE", default_value = "-")]
        output: PathBuf,
        /// Replace FILE if it exists (refused otherwise)
        #[arg(long)]
        force: bool,
    },
    /// Merge an owner document into this keystore (its keys start unverified)
    #[command(
        after_help = "Examples:\n  ehrcrypt owner import alice-for-bob.owner.json\n  curl -s https://example.org/alice.owner.json | ehrcrypt owner import -"
    )]
    Import {
        /// Owner document, or - for stdin
        file: PathBuf,
        /// Accept public keys that differ from the ones already known
        #[arg(long)]
        replace: bool,
    },
    /// Mark a key verified after comparing its fingerprint out of band
    #[command(
        after_help = "Examples:\n  ehrcrypt owner verify bob --fingerprint '5f97 6b9c 990d 45e6 …'  # all 64 digits, as bob reads them"
    )]
    Verify {
        id: OwnerId,
        /// The fingerprint the owner gave you (64 hex digits)
        #[arg(long)]
        fingerprint: Fingerprint,
    },
    /// Print the fingerprint of the owner's current key (--all: every key)
    #[command(
        after_help = "Examples:\n  ehrcrypt owner fingerprint alice\n  ehrcrypt owner fingerprint alice --all"
    )]
    Fingerprint {
        id: OwnerId,
        /// Every key of the owner, old ones included, not only the current one
        #[arg(long)]
        all: bool,
    },
    /// Write a PKCS#10 certificate request for the owner's current key, signed with it
    #[command(
        after_help = "Examples:\n  ehrcrypt owner csr alice -o alice.csr.pem\n  ehrcrypt owner csr alice --subject \"CN=Dr Alice,O=Hospital,C=BE\" -o alice.csr.pem"
    )]
    Csr {
        id: OwnerId,
        /// Subject as RFC 4514, e.g. "CN=Dr Alice,O=Hospital,C=BE"
        /// [default: CN=<name>,UID=<id>]
        #[arg(long, value_name = "DN")]
        subject: Option<String>,
        /// Output file, or - for stdout
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
    },
    /// Attach the certificate a CA issued for one of the owner's keys (verifies the key if it chains to a trust anchor)
    #[command(
        after_help = "Examples:\n  ehrcrypt owner import-cert alice alice.crt.pem intermediate-ca.pem"
    )]
    ImportCert {
        id: OwnerId,
        /// The certificate (PEM or DER); PEM may continue with intermediates
        cert: PathBuf,
        /// Intermediate CA certificates (PEM), issuer of the certificate first
        chain: Option<PathBuf>,
    },
    /// Remove an owner from the keystore
    #[command(
        after_help = "Examples:\n  ehrcrypt owner remove carol\n  ehrcrypt owner remove old-me --force   # destroys its private keys"
    )]
    Remove {
        id: OwnerId,
        /// Also when the owner's private keys are held here (destroys them)
        #[arg(long)]
        force: bool,
    },
}

pub fn run(env: &Env, cmd: OwnerCommand) -> Result<()> {
    let path = env.keystore_path()?;
    let out = &env.out;
    match cmd {
        OwnerCommand::List => {
            let ks = Keystore::load(&path)?;
            if out.json {
                let v: Vec<_> = ks.owners().iter().map(summary).collect();
                out.json(&v);
            } else if ks.owners().is_empty() {
                out.note("no owners in this keystore");
            } else {
                out.line(format!(
                    "{:<38} {:<8} {:<17} {:<8} {:<5} NAME",
                    "ID", "KIND", "FINGERPRINT", "VERIFIED", "LOCAL"
                ));
                for o in ks.owners() {
                    let k = o.current_key();
                    out.line(format!(
                        "{:<38} {:<8} {:<17} {:<8} {:<5} {}",
                        o.id,
                        o.kind,
                        k.map(|k| k.fingerprint.short()).unwrap_or_default(),
                        if k.is_some_and(|k| k.is_verified()) {
                            "yes"
                        } else {
                            "no"
                        },
                        if o.is_local() { "yes" } else { "no" },
                        o.name
                    ));
                }
            }
        }
        OwnerCommand::Show { id } => {
            let ks = Keystore::load(&path)?;
            let o = ks.owner(&id)?;
            if out.json {
                out.json(&details(o));
            } else {
                out.line(format!("id: {}", o.id));
                out.line(format!("name: {}", o.name));
                out.line(format!("kind: {}", o.kind));
                out.line(format!(
                    "local: {}",
                    if o.is_local() {
                        "yes (private key held here)"
                    } else {
                        "no"
                    }
                ));
                for k in &o.public_keys {
                    out.line(format!(
                        "key: {} created {} {}{}",
                        k.fingerprint.grouped(),
                        k.created,
                        trust_text(k),
                        if o.private_key_entry(&k.fingerprint).is_some() {
                            ", private key here"
                        } else {
                            ""
                        }
                    ));
                }
                for (delegate, list) in &o.hc_party_keys {
                    out.line(format!("exchange keys →{delegate}: {}", list.len()));
                }
            }
        }
        OwnerCommand::Export {
            id,
            for_delegates,
            output,
            force,
        } => {
            let overwrite = Overwrite::from_force(force);
            overwrite.check(&output)?;
            let ks = Keystore::load(&path)?;
            let mut doc = ks.owner(&id)?.document();
            if !for_delegates.is_empty() {
                doc.hc_party_keys.retain(|d, _| for_delegates.contains(d));
            } else {
                // Patients are anonymous delegates (Cardinal's rule): a full
                // document would list an hcp's patients by id. Each patient
                // gets its exchange key from the document made `--for` it.
                let before = doc.hc_party_keys.len();
                doc.hc_party_keys.retain(|d, _| {
                    d == &id || ks.find(d).is_none_or(|o| o.kind != OwnerKind::Patient)
                });
                let left_out = before - doc.hc_party_keys.len();
                if left_out > 0 {
                    out.note(format!(
                        "left out the exchange keys of {id} for {left_out} patient(s): send each patient the document made with `--for PATIENT`"
                    ));
                }
            }
            let mut bytes = serde_json::to_vec_pretty(&doc)
                .map_err(|_| Error::internal("cannot serialise owner document"))?;
            bytes.push(b'\n');
            atomic_file::write_output(&output, &bytes, Mode::Public, overwrite)?;
            if output.as_os_str() != "-" {
                if out.json {
                    let delegates: Vec<_> = doc.hc_party_keys.keys().collect();
                    out.json(&json!({"id": id, "file": output, "exchangeKeysFor": delegates}));
                } else {
                    out.note(format!(
                        "wrote the public document of {id} to {}",
                        output.display()
                    ));
                }
            }
        }
        OwnerCommand::Import { file, replace } => {
            let bytes = atomic_file::read(&file)?;
            let doc = OwnerDocument::parse(&bytes, &ehrcrypt::error::display_path(&file))?;
            let report = Keystore::update(&path, |ks| ks.import(doc, replace))?;
            if out.json {
                out.json(&report);
            } else {
                let unchanged = !report.created
                    && report.new_keys.is_empty()
                    && report.removed_keys.is_empty()
                    && report.exchange_keys_added == 0;
                let verb = if report.created {
                    "imported new owner"
                } else if unchanged {
                    "unchanged: the keystore already had everything in the document of"
                } else {
                    "updated owner"
                };
                out.line(format!("{verb} {}", report.id));
                out.line(format!(
                    "name {:?} (unverified: the document does not sign its name, kind or key dates)",
                    report.name
                ));
                for fp in &report.new_keys {
                    let by_cert = report
                        .certificates
                        .iter()
                        .any(|v| &v.fingerprint == fp && v.verified);
                    out.line(format!(
                        "new key {} ({})",
                        fp.grouped(),
                        if by_cert {
                            "verified by certificate"
                        } else {
                            "unverified"
                        }
                    ));
                }
                for fp in &report.removed_keys {
                    out.line(format!("removed key {fp}"));
                }
                if report.exchange_keys_added > 0 {
                    out.line(format!(
                        "exchange keys added: {}",
                        report.exchange_keys_added
                    ));
                }
                if report.pre_keys_added > 0 {
                    out.line(format!("research keys added: {}", report.pre_keys_added));
                }
                for v in &report.certificates {
                    match (&v.verified_until, &v.problem) {
                        (Some(until), _) => out.line(format!(
                            "key {} verified by certificate until {until} (trust anchor {})",
                            v.fingerprint.short(),
                            v.anchor.as_deref().unwrap_or("?")
                        )),
                        (None, Some(p)) => out.line(format!(
                            "key {}: its certificate does not verify it: {p}",
                            v.fingerprint.short()
                        )),
                        (None, None) => {}
                    }
                }
                let unverified = report.new_keys.iter().any(|fp| {
                    !report
                        .certificates
                        .iter()
                        .any(|v| &v.fingerprint == fp && v.verified)
                });
                if unverified {
                    out.note(format!(
                        "hint: compare the fingerprint with {} out of band, then run `ehrcrypt owner verify {} --fingerprint FP`",
                        report.id, report.id
                    ));
                }
            }
        }
        OwnerCommand::Verify { id, fingerprint } => {
            Keystore::update(&path, |ks| ks.verify(&id, &fingerprint))?;
            if out.json {
                out.json(&json!({"id": id, "fingerprint": fingerprint, "verified": true}));
            } else {
                out.line(format!("verified key {} of {id}", fingerprint.grouped()));
            }
        }
        OwnerCommand::Fingerprint { id, all } => {
            let ks = Keystore::load(&path)?;
            let o = ks.owner(&id)?;
            let keys: Vec<_> = if all {
                o.public_keys.iter().collect()
            } else {
                o.current_key().into_iter().collect()
            };
            if out.json {
                let v: Vec<_> = keys
                    .iter()
                    .map(|k| json!({"fingerprint": k.fingerprint, "created": k.created, "verified": k.is_verified()}))
                    .collect();
                out.json(&v);
            } else {
                for k in keys {
                    out.line(k.fingerprint.grouped());
                }
            }
        }
        OwnerCommand::Csr {
            id,
            subject,
            output,
        } => {
            let session = env.session()?;
            let owner = session.keystore().local_owner(&id)?;
            let subject = subject.unwrap_or_else(|| pki::csr::default_subject(owner));
            let name = pki::csr::parse_subject(&subject)?;
            let key = session.current_private_key(owner)?;
            let pem = pki::csr::build(&key, name)?;
            atomic_file::write(&output, pem.as_bytes(), Mode::Public)?;
            let fp = key.public().fingerprint();
            if out.json {
                out.json(&json!({"id": id, "fingerprint": fp, "subject": subject,
                    "output": ehrcrypt::error::display_path(&output)}));
            } else if output.as_os_str() != "-" {
                out.line(format!(
                    "wrote a certificate request for key {} of {id} ({subject}) to {}",
                    fp.short(),
                    output.display()
                ));
            }
        }
        OwnerCommand::ImportCert { id, cert, chain } => {
            let mut certs = read_certs(&cert)?;
            if let Some(c) = &chain {
                certs.extend(read_certs(c)?);
            }
            if certs.len() > pki::cert::MAX_CHAIN {
                return Err(Error::format(format!(
                    "more than {} certificates in the chain",
                    pki::cert::MAX_CHAIN
                )));
            }
            let v = Keystore::update(&path, |ks| ks.attach_certificate(&id, certs))?;
            if out.json {
                out.json(&v);
            } else {
                out.line(format!(
                    "attached the certificate to key {} of {id}: verified by certificate until {} (trust anchor {})",
                    v.fingerprint.short(),
                    v.verified_until.as_deref().unwrap_or("?"),
                    v.anchor.as_deref().unwrap_or("?")
                ));
            }
        }
        OwnerCommand::Remove { id, force } => {
            Keystore::update(&path, |ks| ks.remove(&id, force))?;
            if out.json {
                out.json(&json!({"id": id, "removed": true}));
            } else {
                out.line(format!("removed owner {id}"));
            }
        }
    }
    Ok(())
}

fn summary(o: &Owner) -> serde_json::Value {
    let k = o.current_key();
    json!({
        "id": o.id,
        "name": o.name,
        "kind": o.kind,
        "fingerprint": k.map(|k| k.fingerprint),
        "verified": k.is_some_and(|k| k.is_verified()),
        "local": o.is_local(),
    })
}

/// Certificates from a file of at most [`pki::cert::MAX_CERT_FILE`] bytes.
fn read_certs(path: &std::path::Path) -> Result<Vec<pki::Cert>> {
    let bytes = pki::cert::read_bounded(path, pki::cert::MAX_CERT_FILE, "certificate file")?;
    pki::cert::parse_certs(&bytes, &ehrcrypt::error::display_path(path))
}

/// How `owner show` states a key's trust: by whom, until when, or why not.
fn trust_text(k: &PublicKeyEntry) -> String {
    let problem = |c: &Certification| match c {
        Certification::Invalid(r) => format!(" (certificate: {})", r.detail),
        _ => String::new(),
    };
    match k.trust() {
        KeyTrust::Person(Certification::Valid(c)) => format!(
            "verified (fingerprint checked by a person; certificate valid until {})",
            pki::rfc3339(c.until)
        ),
        KeyTrust::Person(c) => format!("verified (fingerprint checked by a person){}", problem(c)),
        KeyTrust::Certificate(c) => format!(
            "verified by certificate until {} ({}, trust anchor {})",
            pki::rfc3339(c.until),
            c.subject,
            c.anchor
        ),
        KeyTrust::Unverified(c) => format!("UNVERIFIED{}", problem(c)),
    }
}

/// `--json` of a key's trust: `verifiedBy` is "person", "certificate" or null.
fn trust_json(k: &PublicKeyEntry) -> serde_json::Value {
    let by = match k.trust() {
        KeyTrust::Person(_) => json!("person"),
        KeyTrust::Certificate(_) => json!("certificate"),
        KeyTrust::Unverified(_) => json!(null),
    };
    let cert = match (k.certification(), k.certificates.first()) {
        (_, None) => json!(null),
        (Certification::Valid(c), Some(leaf)) => json!({
            "subject": leaf.subject(), "issuer": leaf.issuer(),
            "notAfter": pki::rfc3339(leaf.not_after()),
            "valid": true, "verifiedUntil": pki::rfc3339(c.until), "anchor": c.anchor,
        }),
        (Certification::Invalid(r), Some(leaf)) => json!({
            "subject": leaf.subject(), "issuer": leaf.issuer(),
            "notAfter": pki::rfc3339(leaf.not_after()),
            "valid": false, "reason": r.reason.code(), "problem": r.detail,
        }),
        (Certification::None, Some(leaf)) => json!({
            "subject": leaf.subject(), "issuer": leaf.issuer(),
            "notAfter": pki::rfc3339(leaf.not_after()), "valid": false,
        }),
    };
    json!({"verified": k.is_verified(), "verifiedBy": by, "certificate": cert})
}

fn details(o: &Owner) -> serde_json::Value {
    let keys: Vec<_> = o
        .public_keys
        .iter()
        .map(|k| {
            let mut v = json!({
                "fingerprint": k.fingerprint,
                "created": k.created,
                "privateKeyHere": o.private_key_entry(&k.fingerprint).is_some(),
                "spki": k.spki,
            });
            if let (Some(m), serde_json::Value::Object(t)) = (v.as_object_mut(), trust_json(k)) {
                m.extend(t);
            }
            v
        })
        .collect();
    let exchange: serde_json::Map<String, serde_json::Value> = o
        .hc_party_keys
        .iter()
        .map(|(d, l)| {
            (
                d.to_string(),
                json!(l.iter().map(|r| &r.id).collect::<Vec<_>>()),
            )
        })
        .collect();
    json!({
        "id": o.id, "name": o.name, "kind": o.kind, "local": o.is_local(),
        "publicKeys": keys, "hcPartyKeys": exchange,
    })
}
