//! `ehrcrypt backup ...`: the patient's side of R2D Backup. `create` makes a
//! bucket and its emergency card, `inspect` shows what a bucket holds and
//! who accessed it (no key needed), `restore` is the patient's own
//! download-and-decrypt with the card.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde_json::json;
use zeroize::Zeroizing;

use ehrcrypt::atomic_file::{self, Mode, Overwrite};
use ehrcrypt::backup::{
    self, access_log, manifest, qr, remote, CreateOptions, OpenOptions, Opened, OutputMode,
    Released, SignerChoice, Trust,
};
use ehrcrypt::crypto::{b64, hex, PublicKey};
use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::OwnerId;
use ehrcrypt::store::Location;
use ehrcrypt::{Error, Result};

use super::Env;

#[derive(Subcommand, Debug)]
pub enum BackupCommand {
    /// Encrypt records under a fresh key into a bucket, and print the emergency card
    #[command(
        after_help = "Examples:\n  ehrcrypt backup create --as keats records/ --bucket bucket/ --qr card.png\n  ehrcrypt backup create --as keats records/ --bucket bucket/ --print-card   # card text to stdout"
    )]
    Create(CreateArgs),
    /// Show a bucket's objects, signer, appendices and access log (no key needed)
    #[command(
        after_help = "Examples:\n  ehrcrypt backup inspect bucket/\n  ehrcrypt backup inspect bucket/ --qr card.png   # also object names, log MACs"
    )]
    Inspect(InspectArgs),
    /// Decrypt a bucket with its card: the patient's own restore
    #[command(
        after_help = "Examples:\n  ehrcrypt backup restore --qr card.png bucket/ --out-dir restored/"
    )]
    Restore(RestoreArgs),
}

#[derive(Args, Debug)]
pub struct CreateArgs {
    /// The patient whose key signs the card (its private key must be here)
    #[arg(long = "as", value_name = "PATIENT")]
    pub me: OwnerId,
    /// Plaintext JSON records, entities PATIENT can decrypt, or directories of them
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The bucket directory to create (must not exist, or be empty), or s3://BUCKET/PREFIX/ (must hold no object).
    /// `-o`/`--output` is the old spelling, kept for one release: `-o` names
    /// a file everywhere else
    #[arg(
        long = "bucket",
        value_name = "DIR",
        short_alias = 'o',
        alias = "output",
        value_hint = clap::ValueHint::DirPath
    )]
    pub output: Location,
    /// Write the card's QR code: CARD.png, CARD.svg, or - for the terminal
    #[arg(long, value_name = "CARD")]
    pub qr: Option<PathBuf>,
    /// Print the card's text (it holds the key) on stdout, for scripts.
    /// `--qr-text` is the old spelling, kept for one release: elsewhere it
    /// takes the card's text
    #[arg(long = "print-card", alias = "qr-text")]
    pub qr_text: bool,
    /// Where the bucket will be stored (a URL), printed on the card
    #[arg(long, value_name = "URL")]
    pub location: Option<String>,
    /// Replace an existing card file (refused otherwise: the old card may be
    /// the only key to an old backup). The bucket is never replaced.
    #[arg(long)]
    pub force: bool,
}

/// How a command gets the card.
#[derive(Args, Debug)]
pub struct CardArgs {
    /// The card: a PNG of its QR code, or a file holding its text
    #[arg(
        long = "qr",
        value_name = "CARD",
        conflicts_with = "qr_text",
        required_unless_present = "qr_text"
    )]
    pub qr: Option<PathBuf>,
    /// The card's text as a scanner gives it (ehrbk1:...), or - to read it from stdin
    #[arg(long = "qr-text", value_name = "PAYLOAD")]
    pub qr_text: Option<CardText>,
}

/// A card's text from the command line. It holds Z_AC: zeroized when
/// dropped, and never shown by a debug dump of the arguments.
#[derive(Clone)]
pub struct CardText(Zeroizing<String>);

impl std::str::FromStr for CardText {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        Ok(CardText(Zeroizing::new(s.to_string())))
    }
}

impl std::fmt::Debug for CardText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CardText(<secret>)")
    }
}

impl CardArgs {
    pub fn card(&self) -> Result<qr::Card> {
        match (&self.qr, &self.qr_text) {
            (Some(p), _) => backup::read_card_file(p),
            (None, Some(t)) if t.0.as_str() == "-" => {
                let mut s = Zeroizing::new(String::new());
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| Error::io(Path::new("-"), "read", e))?;
                qr::Card::from_text(&s)
            }
            (None, Some(t)) => qr::Card::from_text(&t.0),
            (None, None) => Err(Error::usage("pass --qr CARD or --qr-text PAYLOAD")),
        }
    }
}

/// Whose signature the card must carry.
#[derive(Args, Debug)]
pub struct SignerArgs {
    /// The patient who must have signed the card (a verified owner of the keystore)
    #[arg(long, value_name = "OWNER", conflicts_with = "signer_key")]
    pub signer: Option<OwnerId>,
    /// The patient's public key (SPKI PEM) that must have signed the card
    #[arg(long, value_name = "PEM")]
    pub signer_key: Option<PathBuf>,
    /// Go on when no trusted key can check the card's signature (loud warning)
    #[arg(long)]
    pub no_verify: bool,
}

impl SignerArgs {
    pub fn choice(&self) -> Result<SignerChoice> {
        if let Some(id) = &self.signer {
            return Ok(SignerChoice::Owner(id.clone()));
        }
        if let Some(p) = &self.signer_key {
            let pem = atomic_file::read(p)?;
            let text = String::from_utf8(pem)
                .map_err(|_| Error::format(format!("{}: not a PEM file", p.display())))?;
            let key = PublicKey::from_pem(&text).map_err(|e| e.context(p.display()))?;
            return Ok(SignerChoice::Key(key));
        }
        Ok(SignerChoice::Auto)
    }

    /// Whether the keystore is needed to check the signer.
    pub fn needs_keystore(&self) -> bool {
        self.signer_key.is_none()
    }
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub card: CardArgs,
    /// The bucket directory, or s3://BUCKET/PREFIX/
    #[arg(value_name = "BACKUP", value_hint = clap::ValueHint::DirPath)]
    pub backup: Location,
    /// Where the records go (created if missing); NAME.enc.json is written as NAME.json
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
    /// Replace files that already exist in DIR (refused otherwise)
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub signer: SignerArgs,
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The bucket directory, or s3://BUCKET/PREFIX/
    #[arg(value_name = "BACKUP", value_hint = clap::ValueHint::DirPath)]
    pub backup: Location,
    /// Also open the sealed names and check access-log MACs with the card (PNG or text file)
    #[arg(long, value_name = "CARD", conflicts_with = "qr_text")]
    pub qr: Option<PathBuf>,
    /// The card's text, or - for stdin (same as --qr)
    #[arg(long = "qr-text", value_name = "PAYLOAD")]
    pub qr_text: Option<CardText>,
}

pub fn run(env: &Env, cmd: BackupCommand) -> Result<()> {
    match cmd {
        BackupCommand::Create(a) => create(env, a),
        BackupCommand::Inspect(a) => inspect(env, a),
        BackupCommand::Restore(a) => restore(env, a),
    }
}

/// A byte progress bar on a terminal for work over 16 MiB; hidden otherwise.
pub fn byte_progress(env: &Env, total: u64, what: &str) -> indicatif::ProgressBar {
    if !env.out.interactive() || total < 16 << 20 {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_string());
    pb
}

fn create(env: &Env, a: CreateArgs) -> Result<()> {
    let out = &env.out;
    let qr_kind = match &a.qr {
        None if !a.qr_text => {
            return Err(Error::usage(
                "the backup's key exists only on its card: pass --qr CARD and/or --print-card",
            )
            .hint("--qr card.png (or .svg, or - for the terminal)"));
        }
        None => None,
        Some(p) if p.as_os_str() == "-" => Some("terminal"),
        Some(p) => match p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "png" => Some("png"),
            Some(e) if e == "svg" => Some("svg"),
            _ => {
                return Err(Error::usage(format!(
                    "{}: the card must be a .png or .svg file, or - for the terminal",
                    p.display()
                )))
            }
        },
    };
    if out.json && qr_kind == Some("terminal") {
        return Err(Error::usage("--json and --qr - both want stdout"));
    }
    let overwrite = Overwrite::from_force(a.force);
    if let Some(p) = a.qr.as_ref().filter(|p| p.as_os_str() != "-") {
        overwrite.check(p).map_err(|e| {
            e.hint("the old card may be the only key to an old backup: keep it, or pass --force to replace it")
        })?;
    }
    let session = env.session()?;
    let inputs = backup::expand_inputs(&a.inputs)?;
    let pb = byte_progress(env, backup::total_size(&inputs), "encrypting");
    let opts = CreateOptions {
        location: a.location.clone(),
        remote: a.output.is_s3().then(|| a.output.clone()),
        ..Default::default()
    };
    // The card file is written before the bucket is published: Z_AC is
    // only on the card, so a bucket whose card could not be written must
    // not appear (and a card whose bucket then failed to appear goes too).
    let mut card_file = None;
    let mut keep_card = |card: &qr::Card| -> Result<()> {
        let text = card.to_text();
        qr::qr_version(&text)?;
        let bytes = match (qr_kind, &a.qr) {
            (Some("png"), Some(p)) => (p, qr::render_png(&text)?),
            (Some("svg"), Some(p)) => (p, qr::render_svg(&text)?.into_bytes()),
            _ => return Ok(()),
        };
        atomic_file::write_output(bytes.0, &bytes.1, Mode::Private, overwrite)?;
        card_file = Some(bytes.0.clone());
        Ok(())
    };
    // On an object store, the objects are streamed straight into their
    // uploads; a private scratch folder stages only the signature and the
    // manifest, which are uploaded last.
    let scratch = match &a.output {
        Location::S3 { .. } => Some(ehrcrypt::store::publish::Scratch::new()?),
        _ => None,
    };
    let local_out = match &scratch {
        Some(s) => s.path.clone(),
        None => a.output.path().to_path_buf(),
    };
    let created = backup::create_with_card(
        &session,
        &a.me,
        &inputs,
        &local_out,
        &opts,
        &mut |n| pb.inc(n),
        &mut keep_card,
    );
    pb.finish_and_clear();
    let created = created.inspect_err(|_| {
        if let Some(p) = &card_file {
            let _ = std::fs::remove_file(p);
        }
    })?;
    let text = created.card.to_text();
    let version = qr::qr_version(&text)?;
    if qr_kind == Some("terminal") {
        for row in qr::render_unicode(&text)?.lines() {
            out.line(row);
        }
    }
    let total: u64 = created.objects.iter().map(|o| o.size).sum();
    let signer = created.card.signer;
    if out.json {
        let mut v = json!({
            "backup": created.id,
            "bucket": a.output.to_string(),
            "signer": {"owner": a.me, "fingerprint": signer},
            "objects": created.objects,
            "size": total,
            "card": a.qr,
            "qrVersion": version,
            "location": a.location,
        });
        if a.qr_text {
            v["qrText"] = json!(&*text);
        }
        out.json(&v);
    } else {
        // With the card on stdout, the summary goes to stderr.
        let to_stdout = !a.qr_text && qr_kind != Some("terminal");
        let say = |s: String| if to_stdout { out.line(s) } else { out.note(s) };
        say(format!(
            "backup {} created in {}: {} record(s), {} bytes encrypted, signed by {} (key {})",
            created.id,
            a.output,
            created.objects.len(),
            total,
            a.me,
            signer.short()
        ));
        if let Some(p) = a.qr.as_ref().filter(|p| p.as_os_str() != "-") {
            say(format!(
                "card written to {} (QR version {version}, level M)",
                p.display()
            ));
        }
        if a.qr_text {
            out.line(&*text);
        }
    }
    warn_unlinked(out, &created.unlinked);
    out.note("the card holds the backup's key: keep it as safe as the records themselves");
    env.report_stats(&session);
    Ok(())
}

/// Children backed up without their patient keep their content but, once
/// re-encrypted in an emergency (`--reencrypt-as`), not their link.
pub fn warn_unlinked(out: &super::output::Output, unlinked: &[String]) {
    if unlinked.is_empty() {
        return;
    }
    out.warn(format!(
        "{} backed up without {} patient: re-encrypted in an emergency, {} will not be linked to it (back up the patient too)",
        unlinked.join(", "),
        if unlinked.len() == 1 { "its" } else { "their" },
        if unlinked.len() == 1 { "it" } else { "they" },
    ));
}

/// A signature status of `backup inspect --json` (an enum, docs/JSON.md)
/// as the text output says it.
fn status_text(status: &str) -> &str {
    match status {
        "verified" => "valid (verified key)",
        "notVerified" => "valid, but the key is NOT VERIFIED here",
        "invalid" => "INVALID signature",
        "notChecked" => "signer's key not in the keystore: not checked",
        "malformed" => "malformed signature file",
        "missing" => "missing signature.json",
        other => other,
    }
}

fn trust_text(t: &Trust) -> String {
    match t {
        Trust::Verified {
            owner,
            name,
            fingerprint,
            ..
        } => match (owner, name) {
            (Some(o), Some(n)) => format!("{o} ({n}), key {}, verified", fingerprint.short()),
            _ => format!("key {} given on the command line", fingerprint.short()),
        },
        Trust::NotVerified {
            fingerprint,
            reason,
            ..
        } => format!("key {} NOT VERIFIED: {reason}", fingerprint.short()),
    }
}

/// Loads the keystore if one is configured and present.
pub fn optional_keystore(env: &Env) -> Result<Option<Keystore>> {
    match env.keystore_path() {
        Ok(p) if p.exists() => Ok(Some(Keystore::load(&p)?)),
        _ => Ok(None),
    }
}

/// A local folder holding a bucket: the bucket itself, or a downloaded
/// copy (ciphertext only, removed when dropped) of one on an object store.
pub struct BucketDir {
    pub path: PathBuf,
    _scratch: Option<ehrcrypt::store::publish::Scratch>,
}

impl BucketDir {
    pub fn new(loc: &Location) -> Result<Self> {
        match loc {
            Location::S3 { .. } => {
                let s = remote::fetch(loc)?;
                Ok(BucketDir {
                    path: s.path.clone(),
                    _scratch: Some(s),
                })
            }
            Location::Stdio => Err(Error::usage(
                "a bucket is a directory or s3://BUCKET/PREFIX/, not -",
            )),
            Location::Local(p) => Ok(BucketDir {
                path: p.clone(),
                _scratch: None,
            }),
        }
    }
}

/// Opens a bucket with its card, checking the signer as `signer` says.
pub fn open_bucket(
    env: &Env,
    card: &CardArgs,
    dir: &Path,
    signer: &SignerArgs,
    keystore: Option<&Keystore>,
) -> Result<Opened> {
    let card = card.card()?;
    if keystore.is_none() && signer.needs_keystore() && !signer.no_verify {
        return Err(Error::refused(
            "no verifiable signer: there is no keystore to find the patient's key in",
        )
        .hint("pass --signer-key PEM with the patient's public key, or --keystore; --no-verify reads it unverified"));
    }
    let opts = OpenOptions {
        signer: signer.choice()?,
        keystore,
        no_verify: signer.no_verify,
    };
    let opened = backup::open(dir, card, &opts)?;
    if let Trust::NotVerified { .. } = &opened.signer {
        env.out.warn(format!(
            "THE CARD'S SIGNATURE IS NOT VERIFIED ({}): nothing shows whose backup this is; treat its content with suspicion",
            trust_text(&opened.signer)
        ));
    }
    for a in &opened.appendices {
        if let Trust::NotVerified { .. } = &a.author {
            env.out.warn(format!(
                "appendix {} by {} is signed by an unverified key ({})",
                &a.appendix.id[..8],
                a.appendix.author.owner,
                trust_text(&a.author)
            ));
        }
    }
    Ok(opened)
}

/// Prints what a restore or emergency decrypt released.
pub fn report_released(
    env: &Env,
    opened: &Opened,
    out_dir: &Path,
    released: &[Released],
    verb: &str,
) {
    let out = &env.out;
    if out.json {
        out.json(&json!({
            "backup": opened.manifest.id,
            "signer": opened.signer,
            "outDir": out_dir,
            "files": released,
        }));
        return;
    }
    let attachments = released
        .iter()
        .filter(|r| r.attachment_of.is_some())
        .count();
    let and = match attachments {
        0 => String::new(),
        n => format!(" and {n} attachment(s)"),
    };
    out.line(format!(
        "{verb} {} record(s){and} of backup {} into {} (signed by {})",
        released.len() - attachments,
        opened.manifest.id,
        out_dir.display(),
        trust_text(&opened.signer)
    ));
    for r in released.iter().filter(|r| r.appendix.is_some()) {
        if let Some(author) = &r.author {
            out.line(format!("  {}  added by {}", r.path, trust_text(author)));
        }
    }
}

fn restore(env: &Env, a: RestoreArgs) -> Result<()> {
    super::files::plaintext_local(&a.out_dir, "what it writes")?;
    let ks = optional_keystore(env)?;
    let bucket = BucketDir::new(&a.backup)?;
    let opened = open_bucket(env, &a.card, &bucket.path, &a.signer, ks.as_ref())?;
    let pb = byte_progress(env, opened.total_size(), "decrypting");
    let overwrite = Overwrite::from_force(a.force);
    let released = opened.decrypt_into(
        &a.out_dir,
        overwrite,
        OutputMode::Plain,
        &mut |_| Ok(()),
        &mut |n| pb.inc(n),
    )?;
    pb.finish_and_clear();
    report_released(env, &opened, &a.out_dir, &released, "restored");
    Ok(())
}

fn inspect(env: &Env, a: InspectArgs) -> Result<()> {
    let out = &env.out;
    let bucket = BucketDir::new(&a.backup)?;
    let dir = &bucket.path;
    let mpath = dir.join(backup::MANIFEST_FILE);
    let mbytes = atomic_file::read(&mpath)?;
    let m = manifest::Manifest::parse(&mbytes, &mpath.display().to_string())?;
    let backup_id = m.backup_id();
    let ks = optional_keystore(env)?;
    let card = match (&a.qr, &a.qr_text) {
        (None, None) => None,
        (qr, qr_text) => Some(
            CardArgs {
                qr: qr.clone(),
                qr_text: qr_text.clone(),
            }
            .card()?,
        ),
    };
    if let Some(c) = &card {
        if c.backup_id != backup_id {
            return Err(Error::integrity(format!(
                "wrong card: it is for backup {}, not {}",
                hex(&c.backup_id),
                m.id
            )));
        }
    }
    // The signed statement, checked without the key.
    let spath = dir.join(backup::SIGNATURE_FILE);
    let sig = std::fs::read(&spath)
        .ok()
        .map(|b| manifest::SignatureFile::parse(&b, &spath.display().to_string()))
        .transpose()?;
    let manifest_digest = ehrcrypt::crypto::sha256(&mbytes);
    let mut kc = card
        .as_ref()
        .map(|c| backup::key_commitment(&c.key, &backup_id));
    let signature = match &sig {
        None => json!({"status": "missing"}),
        Some(s) => {
            let signer = ks.as_ref().and_then(|ks| {
                ks.owners()
                    .iter()
                    .find_map(|o| o.public_key(&s.signer).map(|e| (o, e)))
            });
            let kcs = manifest::parse_hex32(&s.key_commitment);
            let mds = manifest::parse_hex32(&s.manifest_sha256);
            let status = match (signer, kcs, mds) {
                (_, None, _) | (_, _, None) => "malformed",
                (None, _, _) => "notChecked",
                (Some((_, e)), Some(k), Some(d)) => {
                    let msg = qr::signed_message(
                        &backup_id,
                        &k,
                        &s.signer,
                        &d,
                        s.time,
                        s.location.as_deref(),
                    );
                    let ok = e
                        .key()
                        .ok()
                        .zip(b64::decode(&s.signature, "signature").ok())
                        .is_some_and(|(key, sig)| key.verify(&msg, &sig));
                    match (ok, e.is_verified()) {
                        (false, _) => "invalid",
                        (true, true) => "verified",
                        (true, false) => "notVerified",
                    }
                }
            };
            if kc.is_none() {
                kc = kcs;
            }
            json!({
                "signer": s.signer,
                "owner": signer.map(|(o, _)| o.id.to_string()),
                "name": signer.map(|(o, _)| o.name.clone()),
                "time": backup::unix_rfc3339(s.time),
                "location": s.location,
                "status": status,
                "manifestMatches": mds == Some(manifest_digest) && s.backup == m.id,
            })
        }
    };
    let names = card
        .as_ref()
        .map(|c| m.open_names(&c.key, &mpath.display().to_string()))
        .transpose()?;
    let objects: Vec<_> = m
        .objects
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mut v = json!({"id": o.id, "size": o.size, "chunks": o.chunks, "sha256": o.sha256});
            if let Some(n) = names.as_ref().and_then(|n| n.get(i)) {
                v["name"] = json!(n.name);
            }
            v
        })
        .collect();
    let appendices = inspect_appendices(dir, &m.id, kc.as_ref(), ks.as_ref());
    let log = match &kc {
        Some(kc) => access_log::read(
            &dir.join(backup::ACCESS_LOG_FILE),
            &backup_id,
            kc,
            card.as_ref().map(|c| &c.key),
        )?,
        None => Vec::new(),
    };
    let total: u64 = m.objects.iter().map(|o| o.size).sum();
    let problems = inspect_problems(&signature, &appendices, &log);
    let verdict = || {
        if problems.is_empty() {
            return Ok(());
        }
        // The report above is printed in full first: it says what failed.
        Err(Error::integrity(format!(
            "{}: {}",
            ehrcrypt::error::display_path(dir),
            problems.join("; ")
        ))
        .hint("the bucket was modified, or belongs to another backup; do not trust what inspect reported as valid around it"))
    };
    if out.json {
        out.json(&json!({
            "backup": m.id,
            "created": m.created,
            "chunkSize": m.chunk_size,
            "size": total,
            "signature": signature,
            "objects": objects,
            "appendices": appendices,
            "accessLog": log,
        }));
        return verdict();
    }
    out.line(format!("backup {}  created {}", m.id, m.created));
    let s = |k: &str| signature[k].as_str().unwrap_or("").to_string();
    match (signature["owner"].as_str(), signature["name"].as_str()) {
        (Some(o), Some(n)) => out.line(format!(
            "signed by {o} ({n}), key {}",
            &s("signer")[..16.min(s("signer").len())]
        )),
        _ => out.line(format!("signed by key {}", s("signer"))),
    }
    out.line(format!("signature: {}", status_text(&s("status"))));
    if signature["manifestMatches"] == json!(false) {
        out.line("WARNING: manifest.json does not match the signed digest");
    }
    if let Some(l) = signature["location"].as_str() {
        out.line(format!("location: {l}"));
    }
    out.line(format!(
        "objects: {} ({total} bytes encrypted, chunks of {} bytes)",
        m.objects.len(),
        m.chunk_size
    ));
    for o in &objects {
        out.line(format!(
            "  {}  {:>12} bytes  {:>6} chunk(s)  {}",
            o["id"].as_str().unwrap_or(""),
            o["size"].as_u64().unwrap_or(0),
            o["chunks"].as_u64().unwrap_or(0),
            o["name"].as_str().unwrap_or("")
        ));
    }
    if !appendices.is_empty() {
        out.line(format!("appendices: {}", appendices.len()));
        for ap in &appendices {
            out.line(format!(
                "  {}  by {}  {}  {} object(s)  signature: {}",
                ap["id"].as_str().unwrap_or(""),
                ap["author"].as_str().unwrap_or(""),
                ap["created"].as_str().unwrap_or(""),
                ap["objects"],
                status_text(ap["status"].as_str().unwrap_or(""))
            ));
        }
    }
    out.line(format!("access log: {} record(s)", log.len()));
    for c in &log {
        match &c.record {
            None => out.line(format!("  (malformed line)  {}", c.status)),
            Some(r) => out.line(format!(
                "  #{} {} {} by {}  {} object(s)  {}{}",
                r.seq,
                r.time,
                r.action,
                r.by.as_ref()
                    .map(|b| format!("{} (key {})", b.owner, b.fingerprint.short()))
                    .unwrap_or_else(|| "an unidentified card holder".into()),
                r.objects.len(),
                c.status,
                if c.chained {
                    ""
                } else {
                    "  CHAIN BROKEN (a line was removed or reordered)"
                }
            )),
        }
    }
    verdict()
}

/// What `inspect` found that failed a check (issue 11, defect 7: it used
/// to exit 0 with "INVALID signature" in its report). Missing or unchecked
/// items (no signature.json, no card for MACs, an unknown signer) are not
/// failures: nothing was checked and found wrong.
fn inspect_problems(
    signature: &serde_json::Value,
    appendices: &[serde_json::Value],
    log: &[access_log::Checked],
) -> Vec<String> {
    let mut problems = Vec::new();
    let sig_status = signature["status"].as_str().unwrap_or("");
    if sig_status == "malformed" || is_invalid(sig_status) {
        problems.push(format!("signature.json: {}", status_text(sig_status)));
    }
    if signature["manifestMatches"] == json!(false) {
        problems.push("manifest.json does not match the signed digest".into());
    }
    for ap in appendices {
        if ap["status"].as_str().is_some_and(is_invalid) {
            problems.push(format!(
                "appendix {}: invalid",
                ap["id"].as_str().unwrap_or("?")
            ));
        }
    }
    let bad_lines = log
        .iter()
        .filter(|c| c.record.is_none() || is_invalid(&c.status) || c.status.starts_with("unknown"))
        .count();
    if bad_lines > 0 {
        problems.push(format!("access log: {bad_lines} invalid record(s)"));
    }
    if log.iter().any(|c| !c.chained) {
        problems.push("access log: chain broken (a line was removed or reordered)".into());
    }
    problems
}

/// A status that reports a failed check (`invalid`, or older free text
/// starting with `INVALID`).
fn is_invalid(status: &str) -> bool {
    status
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("invalid"))
}

/// Appendices as `inspect` shows them, each signature checked against the
/// key commitment when one is known.
fn inspect_appendices(
    dir: &Path,
    backup: &str,
    kc: Option<&[u8; 32]>,
    ks: Option<&Keystore>,
) -> Vec<serde_json::Value> {
    let adir = dir.join(backup::APPENDIX_DIR);
    let Ok(rd) = std::fs::read_dir(&adir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let p = adir.join(&n).join(backup::APPENDIX_FILE);
            let parsed = std::fs::read(&p)
                .map_err(|e| Error::io(&p, "read", e))
                .and_then(|b| manifest::Appendix::parse(&b, &p.display().to_string()));
            match parsed {
                Err(e) => json!({"id": n, "status": "invalid", "reason": e.message()}),
                Ok(a) => {
                    let sig_ok = kc.and_then(|kc| {
                        let key = PublicKey::from_pem(&a.author.spki).ok()?;
                        let sig = b64::decode(&a.signature, "signature").ok()?;
                        let msg = a.signed_message(kc).ok()?;
                        Some(key.fingerprint() == a.author.fingerprint && key.verify(&msg, &sig))
                    });
                    let trusted = ks
                        .and_then(|ks| {
                            ks.owners()
                                .iter()
                                .find_map(|o| o.public_key(&a.author.fingerprint))
                        })
                        .is_some_and(|e| e.is_verified());
                    let status = match (sig_ok, a.backup == backup, trusted) {
                        (_, false, _) | (Some(false), _, _) => "invalid",
                        (None, _, _) => "notChecked",
                        (Some(true), _, true) => "verified",
                        (Some(true), _, false) => "notVerified",
                    };
                    json!({
                        "id": a.id,
                        "author": a.author.owner,
                        "fingerprint": a.author.fingerprint,
                        "created": a.created,
                        "objects": a.objects.len(),
                        "status": status,
                    })
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn card_text_from_the_command_line_never_shows_in_debug() {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from([
            "ehrcrypt",
            "backup",
            "restore",
            "--qr-text",
            "ehrbk1:SECRETKEYTEXT",
            "bucket",
            "--out-dir",
            "out",
        ])
        .unwrap();
        let dump = format!("{cli:?}");
        assert!(dump.contains("CardText(<secret>)"), "{dump}");
        assert!(!dump.contains("SECRETKEYTEXT"), "{dump}");
    }
}
