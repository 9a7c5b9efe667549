//! `ehrcrypt research ...`: research sharing through re-encrypting proxies
//! (seed 003) with study pseudonyms (seed 004 RDS). Built with the
//! `research` feature (umbral-pre, GPL-3.0-only).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;

use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::OwnerId;
use ehrcrypt::research::study;
use ehrcrypt::Result;

use super::Env;

#[derive(Subcommand, Debug)]
pub enum ResearchCommand {
    /// Publish your research key (derived from your RSA key), so that clinics can grant you studies
    #[command(
        after_help = "EXAMPLES:\n  ehrcrypt research init --as lab\n  ehrcrypt owner export lab -o lab.owner.json   # send it to the clinic"
    )]
    Init {
        /// The owner (held here) that will receive studies
        #[arg(long = "as", value_name = "ME")]
        me: OwnerId,
    },
    /// Pseudonymise FHIR records and publish them, encrypted, into a study directory
    #[command(
        after_help = "EXAMPLES:\n  ehrcrypt research publish --as clinic --study diabetes-2027 bundle.json --out study/\n  ehrcrypt research publish --as clinic --study diabetes-2027 records/*.enc.json --out study/"
    )]
    Publish(PublishArgs),
    /// Grant a researcher a study: one key-fragment file per proxy
    #[command(
        after_help = "EXAMPLES:\n  ehrcrypt research grant --as clinic --to lab --study diabetes-2027 --threshold 2 --proxies 3 study/ --out-dir fragments/"
    )]
    Grant(GrantArgs),
    /// Re-encrypt a study's records for a grant with one key fragment (no private key needed)
    #[command(
        after_help = "EXAMPLES:\n  ehrcrypt research proxy --fragment diabetes-2027.1a2b3c4d.proxy-1.json study/"
    )]
    Proxy {
        /// The fragment file this proxy was given
        #[arg(long, value_name = "FILE")]
        fragment: PathBuf,
        /// The study directory
        study_dir: PathBuf,
        /// Where to write capsule fragments [default: STUDYDIR/cfrags/GRANT/N]
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
    /// Open the records of a study granted to you, from the proxies' capsule fragments
    #[command(after_help = "EXAMPLES:\n  ehrcrypt research open --as lab study/ --out-dir data/")]
    Open {
        /// The researcher (held here)
        #[arg(long = "as", value_name = "ME")]
        me: OwnerId,
        /// The study directory
        study_dir: PathBuf,
        /// New directory for the opened records (one RDS message per patient)
        #[arg(long, value_name = "DIR")]
        out_dir: PathBuf,
        /// Directories of capsule fragments [default: STUDYDIR/cfrags]
        #[arg(long = "cfrags", value_name = "DIR")]
        cfrags: Vec<PathBuf>,
        /// Open even if the clinic's key is not verified here (warns)
        #[arg(long)]
        no_verify: bool,
    },
    /// Withdraw a researcher's grants (consent withdrawn); new records go to a new key
    #[command(
        after_help = "EXAMPLES:\n  ehrcrypt research revoke --as clinic --from lab --study diabetes-2027 study/"
    )]
    Revoke {
        /// The clinic (held here)
        #[arg(long = "as", value_name = "ME")]
        me: OwnerId,
        /// The researcher whose grants end
        #[arg(long, value_name = "OWNER")]
        from: OwnerId,
        /// The study name
        #[arg(long)]
        study: String,
        /// The study directory
        study_dir: PathBuf,
    },
    /// The patient id behind a study pseudonym (the clinic only)
    #[command(
        after_help = "EXAMPLES:\n  ehrcrypt research reidentify --as clinic --study diabetes-2027 study/ psn-3f0c..."
    )]
    Reidentify {
        /// The clinic (held here)
        #[arg(long = "as", value_name = "ME")]
        me: OwnerId,
        /// The study name
        #[arg(long)]
        study: String,
        /// The study directory
        study_dir: PathBuf,
        /// The pseudonym, as a record's `citizen-pseudo`
        pseudonym: String,
    },
}

#[derive(Args, Debug)]
pub struct PublishArgs {
    /// The clinic (held here) that owns the records
    #[arg(long = "as", value_name = "ME")]
    pub me: OwnerId,
    /// The study name (letters, digits, '-', '_', '.')
    #[arg(long)]
    pub study: String,
    /// FHIR resources, Bundles or ndjson files, or ehrcrypt entities you can decrypt
    #[arg(required = true, value_name = "RECORD")]
    pub inputs: Vec<PathBuf>,
    /// The study directory (created on first publication)
    #[arg(long = "out", value_name = "STUDYDIR")]
    pub out: PathBuf,
    /// Keep free-text notes (`note`); they are dropped by default
    #[arg(long)]
    pub keep_notes: bool,
}

#[derive(Args, Debug)]
pub struct GrantArgs {
    /// The clinic (held here)
    #[arg(long = "as", value_name = "ME")]
    pub me: OwnerId,
    /// The researcher: its research key must be signed by a key verified here
    #[arg(long, value_name = "OWNER")]
    pub to: OwnerId,
    /// The study name
    #[arg(long)]
    pub study: String,
    /// Fragments needed to re-encrypt
    #[arg(long, default_value_t = 1)]
    pub threshold: u32,
    /// Fragments made, one per proxy
    #[arg(long, default_value_t = 1)]
    pub proxies: u32,
    /// The study directory
    pub study_dir: PathBuf,
    /// New directory for the fragment files (0600; one to each proxy)
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
}

pub fn run(env: &Env, cmd: ResearchCommand) -> Result<()> {
    refuse_objects(&cmd)?;
    let out = &env.out;
    match cmd {
        ResearchCommand::Init { me } => {
            let session = env.session()?;
            let (key, new) = study::pre_key(&session, &me)?;
            if new {
                let k = key.clone();
                Keystore::update(session.path(), |ks| {
                    ks.owner_mut(&me)?.pre_keys.push(k);
                    Ok(())
                })?;
            }
            if out.json {
                out.json(
                    &json!({"id": me, "preKey": key.key, "signer": key.signer, "created": key.created, "new": new}),
                );
            } else {
                out.line(format!("research key of {me}: {}", key.key));
                out.note(if new {
                    format!("send your owner document to the clinic: `ehrcrypt owner export {me} -o {me}.owner.json`")
                } else {
                    "unchanged: it was already published".to_string()
                });
            }
        }
        ResearchCommand::Publish(a) => {
            let session = env.session()?;
            let r = study::publish(&session, &a.me, &a.study, &a.inputs, &a.out, a.keep_notes)?;
            if out.json {
                out.json(&r);
            } else {
                for rec in &r.records {
                    out.line(format!(
                        "published {} ({} resources) as record {}",
                        rec.pseudonym, rec.resources, rec.id
                    ));
                }
                if r.skipped > 0 {
                    out.note(format!(
                        "{} resources belong to no patient and were not published",
                        r.skipped
                    ));
                }
            }
        }
        ResearchCommand::Grant(a) => {
            let session = env.session()?;
            let r = study::grant(
                &session,
                &a.me,
                &a.to,
                (&a.study, &a.study_dir),
                study::Split::new(a.threshold, a.proxies)?,
                &a.out_dir,
            )?;
            if out.json {
                out.json(&r);
            } else {
                out.line(format!(
                    "granted study {} to {}: grant {}, {} of {} fragments",
                    r.study, r.receiver, r.grant, r.threshold, r.proxies
                ));
                for f in &r.fragments {
                    out.line(format!("fragment {}", f.display()));
                }
                out.note(
                    "give each proxy its own fragment file; any fragment alone cannot re-encrypt",
                );
            }
        }
        ResearchCommand::Proxy {
            fragment,
            study_dir,
            out_dir,
        } => {
            let r = study::proxy(&fragment, &study_dir, out_dir.as_deref())?;
            if out.json {
                out.json(&r);
            } else {
                out.line(format!(
                    "proxy {} of grant {}: re-encrypted {}, unchanged {}, other epoch {}",
                    r.index, r.grant, r.reencrypted, r.unchanged, r.other_epoch
                ));
            }
        }
        ResearchCommand::Open {
            me,
            study_dir,
            out_dir,
            cfrags,
            no_verify,
        } => {
            let session = env.session()?;
            let r = study::open(&session, &me, &study_dir, &cfrags, &out_dir, no_verify)?;
            if r.signer == ehrcrypt::hcp_key::SignerTrust::Unverified {
                out.warn(
                    "the clinic's key is not verified here: the records' origin is not established",
                );
            }
            if out.json {
                out.json(&r);
            } else {
                out.line(format!(
                    "opened {} records of study {} into {}",
                    r.opened,
                    r.study,
                    r.out_dir.display()
                ));
                if r.waiting > 0 {
                    out.note(format!(
                        "{} records wait for capsule fragments from the proxies",
                        r.waiting
                    ));
                }
            }
        }
        ResearchCommand::Revoke {
            me,
            from,
            study,
            study_dir,
        } => {
            let session = env.session()?;
            let r = study::revoke(&session, &me, &from, &study, &study_dir)?;
            if out.json {
                out.json(&r);
            } else {
                out.line(format!(
                    "revoked {} grant(s) of study {} to {}; new records go to epoch {}",
                    r.grants.len(),
                    r.study,
                    r.receiver,
                    r.epoch
                ));
                out.note(format!(
                    "what {} already opened stays with {}; proxies destroy their fragments on their next run",
                    r.receiver, r.receiver
                ));
                for o in &r.regrant {
                    out.note(format!(
                        "hint: {o} needs a new grant for records published from now on (`research grant --to {o}`)"
                    ));
                }
            }
        }
        ResearchCommand::Reidentify {
            me,
            study,
            study_dir,
            pseudonym,
        } => {
            let session = env.session()?;
            let id = study::reidentify(&session, &me, &study, &study_dir, &pseudonym)?;
            if out.json {
                out.json(&json!({"study": study, "pseudonym": pseudonym, "patient": id}));
            } else {
                out.line(id);
            }
        }
    }
    Ok(())
}

/// Studies live on the local disk (issue 17 left them there): an `s3://`
/// argument gets one line, not an error about a folder named `s3:`.
fn refuse_objects(cmd: &ResearchCommand) -> Result<()> {
    use super::files::{local_only, plaintext_local};
    match cmd {
        ResearchCommand::Init { .. } => Ok(()),
        ResearchCommand::Publish(a) => {
            for p in &a.inputs {
                local_only(p, "a record to publish")?;
            }
            local_only(&a.out, "the study directory")
        }
        ResearchCommand::Grant(a) => {
            local_only(&a.study_dir, "the study directory")?;
            local_only(&a.out_dir, "--out-dir")
        }
        ResearchCommand::Proxy {
            fragment,
            study_dir,
            out_dir,
        } => {
            local_only(fragment, "--fragment")?;
            local_only(study_dir, "the study directory")?;
            out_dir
                .as_deref()
                .map_or(Ok(()), |d| local_only(d, "--out-dir"))
        }
        ResearchCommand::Open {
            study_dir,
            out_dir,
            cfrags,
            ..
        } => {
            local_only(study_dir, "the study directory")?;
            plaintext_local(out_dir, "--out-dir (the opened records)")?;
            cfrags.iter().try_for_each(|d| local_only(d, "--cfrags"))
        }
        ResearchCommand::Revoke { study_dir, .. }
        | ResearchCommand::Reidentify { study_dir, .. } => {
            local_only(study_dir, "the study directory")
        }
    }
}
