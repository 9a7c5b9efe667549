//! `ehrcrypt emergency ...`: the professional's side of R2D Emergency.
//! `decrypt` verifies the card and the bucket, logs the access, and
//! releases the records (or re-encrypts them as the professional's
//! entities); `append` adds the professional's own records, signed.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;

use ehrcrypt::backup::{self, access_log, remote, OutputMode, Reencryptor};
use ehrcrypt::entity::EntityKind;
use ehrcrypt::owner::OwnerId;
use ehrcrypt::store::Location;
use ehrcrypt::Result;

use super::backup::{
    byte_progress, open_bucket, optional_keystore, report_released, BucketDir, CardArgs, SignerArgs,
};
use super::entity::KindArg;
use super::Env;

#[derive(Subcommand, Debug)]
pub enum EmergencyCommand {
    /// Verify a patient's card and bucket, log the access, and decrypt the records
    #[command(
        after_help = "Examples:\n  ehrcrypt emergency decrypt --qr card.png bucket/ --signer keats --as bob --out-dir er/\n  ehrcrypt emergency decrypt --qr-text \"$(zbarimg -q --raw card.png)\" bucket/ --signer keats --reencrypt-as bob --kind form --out-dir er/"
    )]
    Decrypt(DecryptArgs),
    /// Add records to a patient's bucket under the card's key, signed by you
    #[command(
        after_help = "Examples:\n  ehrcrypt emergency append --qr card.png bucket/ --signer keats --as bob note.json"
    )]
    Append(AppendArgs),
}

#[derive(Args, Debug)]
pub struct DecryptArgs {
    #[command(flatten)]
    pub card: CardArgs,
    /// The bucket directory, or s3://BUCKET/PREFIX/
    #[arg(value_name = "BACKUP", value_hint = clap::ValueHint::DirPath)]
    pub backup: Location,
    #[command(flatten)]
    pub signer: SignerArgs,
    /// The professional accessing the records: signs the access-log record
    #[arg(long = "as", value_name = "HCP")]
    pub me: Option<OwnerId>,
    /// Write each record as an ehrcrypt entity of HCP instead of plaintext
    #[arg(long, value_name = "HCP")]
    pub reencrypt_as: Option<OwnerId>,
    /// Entity kind for records whose kind the backup does not record
    #[arg(long, value_enum, requires = "reencrypt_as")]
    pub kind: Option<KindArg>,
    /// Where the records go (created if missing); plaintext as NAME.json,
    /// re-encrypted entities as NAME.enc.json
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
    /// Replace files that already exist in DIR (refused otherwise)
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct AppendArgs {
    #[command(flatten)]
    pub card: CardArgs,
    /// The bucket directory, or s3://BUCKET/PREFIX/
    #[arg(value_name = "BACKUP", value_hint = clap::ValueHint::DirPath)]
    pub backup: Location,
    /// The professional adding records (its private key signs them)
    #[arg(long = "as", value_name = "HCP")]
    pub me: OwnerId,
    #[command(flatten)]
    pub signer: SignerArgs,
    /// Plaintext JSON records, entities HCP can decrypt, or directories of them
    #[arg(required = true, value_name = "RECORD")]
    pub records: Vec<PathBuf>,
}

pub fn run(env: &Env, cmd: EmergencyCommand) -> Result<()> {
    match cmd {
        EmergencyCommand::Decrypt(a) => decrypt(env, a),
        EmergencyCommand::Append(a) => append(env, a),
    }
}

fn decrypt(env: &Env, a: DecryptArgs) -> Result<()> {
    out_dir_local(&a)?;
    // Whoever re-encrypts is identified too; --as wins if both are given.
    let accessor = a.me.clone().or_else(|| a.reencrypt_as.clone());
    let mut session = match &accessor {
        Some(_) => Some(env.session()?),
        None => None,
    };
    let ks_owned = match &session {
        Some(_) => None,
        None => optional_keystore(env)?,
    };
    let ks = session.as_ref().map(|s| s.keystore()).or(ks_owned.as_ref());
    let bucket = BucketDir::new(&a.backup)?;
    let opened = open_bucket(env, &a.card, &bucket.path, &a.signer, ks)?;
    // Unlock the professional's key before any work: a wrong passphrase
    // fails here, not after decrypting everything.
    let signing_key = match (&accessor, &session) {
        (Some(me), Some(s)) => Some(s.current_private_key(s.keystore().local_owner(me)?)?),
        _ => None,
    };
    let reencryptor = match (&a.reencrypt_as, session.as_mut()) {
        (Some(hcp), Some(s)) => {
            let names: Vec<_> = opened
                .names
                .iter()
                .chain(opened.appendices.iter().flat_map(|x| x.names.iter()))
                .collect();
            Some(Reencryptor::new(
                s,
                hcp,
                &names,
                a.kind.map(EntityKind::from),
            )?)
        }
        _ => None,
    };
    let mode = match &reencryptor {
        Some(r) => OutputMode::Reencrypt(r),
        None => OutputMode::Plain,
    };
    let log_path = bucket.path.join(backup::ACCESS_LOG_FILE);
    let mut log = |o: &backup::Opened| -> Result<()> {
        let signer = match (&accessor, &signing_key) {
            (Some(me), Some(key)) => access_log::Signer::Professional {
                owner: me.as_str(),
                key,
            },
            _ => access_log::Signer::Anonymous,
        };
        // On an object store the log is the bucket's, not the copy's.
        match &a.backup {
            Location::S3 { .. } => remote::append_log(
                &a.backup,
                &o.card.key,
                &o.card.backup_id,
                "emergency-decrypt",
                o.object_ids(),
                None,
                signer,
            ),
            _ => access_log::append(
                &log_path,
                &o.card.key,
                &o.card.backup_id,
                "emergency-decrypt",
                o.object_ids(),
                None,
                signer,
            ),
        }
        .map(|_| ())
        .map_err(|e| e.hint("every emergency access is logged in the bucket; copy the bucket somewhere writable"))
    };
    let pb = byte_progress(env, opened.total_size(), "decrypting");
    let overwrite = ehrcrypt::atomic_file::Overwrite::from_force(a.force);
    let released =
        opened.decrypt_into(&a.out_dir, overwrite, mode, &mut log, &mut |n| pb.inc(n))?;
    pb.finish_and_clear();
    let verb = if a.reencrypt_as.is_some() {
        "re-encrypted"
    } else {
        "decrypted"
    };
    report_released(env, &opened, &a.out_dir, &released, verb);
    env.out.note(match &accessor {
        Some(me) => format!("this access is recorded in the bucket's access log, signed by {me}"),
        None => "this access is recorded in the bucket's access log (unidentified: pass --as HCP to sign it)".into(),
    });
    if let Some(s) = &session {
        env.report_stats(s);
    }
    Ok(())
}

/// `--out-dir` is a local folder: plaintext never goes to an object
/// store, and re-encrypted entities carry their attachments as sidecar
/// files beside them, which (as for the entity commands) live on the
/// local disk only. Refused before any work, in one line.
fn out_dir_local(a: &DecryptArgs) -> Result<()> {
    if a.reencrypt_as.is_none() {
        return super::files::plaintext_local(&a.out_dir, "what it writes");
    }
    if a.out_dir.to_str().is_some_and(|s| s.starts_with("s3://")) {
        return Err(ehrcrypt::Error::usage(format!(
            "{}: re-encrypted records are written to a local --out-dir only (their attachments are sidecar files beside them)",
            a.out_dir.display()
        ))
        .hint("write them to a local folder, then copy it with its .ehrat sidecars, e.g. `aws s3 cp --recursive`"));
    }
    Ok(())
}

fn append(env: &Env, a: AppendArgs) -> Result<()> {
    let session = env.session()?;
    let bucket = BucketDir::new(&a.backup)?;
    let opened = open_bucket(
        env,
        &a.card,
        &bucket.path,
        &a.signer,
        Some(session.keystore()),
    )?;
    let inputs = backup::expand_inputs(&a.records)?;
    let pb = byte_progress(env, backup::total_size(&inputs), "encrypting");
    let appended = backup::append(&session, &opened, &a.me, &inputs, &mut |n| pb.inc(n))?;
    pb.finish_and_clear();
    if a.backup.is_s3() {
        publish_appendix(&session, &a, &opened, &bucket.path, &appended)?;
    }
    if env.out.json {
        env.out.json(&json!({
            "backup": opened.manifest.id,
            "appendix": appended.appendix,
            "author": a.me,
            "objects": appended.objects,
        }));
    } else {
        env.out.line(format!(
            "appended {} record(s) to backup {} as appendix {}, signed by {}",
            appended.objects.len(),
            opened.manifest.id,
            appended.appendix,
            a.me
        ));
    }
    super::backup::warn_unlinked(&env.out, &appended.unlinked);
    env.report_stats(&session);
    Ok(())
}

/// On an object store, the appendix made in the downloaded copy is
/// uploaded (its description last, which publishes it) and the append is
/// logged in the bucket's own access log; if it cannot be logged, the
/// appendix is taken back, as on a local bucket.
fn publish_appendix(
    session: &ehrcrypt::session::Session,
    a: &AppendArgs,
    opened: &backup::Opened,
    copy: &std::path::Path,
    appended: &backup::Appended,
) -> Result<()> {
    let key = session.current_private_key(session.keystore().local_owner(&a.me)?)?;
    let put = remote::upload_appendix(copy, &appended.appendix, &a.backup)?;
    let logged = remote::append_log(
        &a.backup,
        &opened.card.key,
        &opened.card.backup_id,
        "emergency-append",
        appended.objects.iter().map(|o| o.id.clone()).collect(),
        Some(appended.appendix.clone()),
        access_log::Signer::Professional {
            owner: a.me.as_str(),
            key: &key,
        },
    );
    if let Err(e) = logged {
        remote::remove(&a.backup, &put);
        return Err(e.hint("nothing was appended: every append is logged in the bucket"));
    }
    Ok(())
}
