//! `ehrcrypt icure …`: real iCure data (README "iCure administrators",
//! docs/ICURE.md). Parses arguments and calls `ehrcrypt::interop::icure`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::{json, Value};

use ehrcrypt::atomic_file::{self, Batch, Mode};
use ehrcrypt::interop::icure::{
    self as icure, check, codec, keys, legacy::Reader, migrate, owner::ExchangeData,
    owner::IcureOwner, owner::OwnerStore, RecordType, FINGERPRINT_WARNING,
};
use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::OwnerId;
use ehrcrypt::{Error, Result};

use super::{Env, KindArg};

const UNAUTHENTICATED_WARNING: &str = "the iCure format has no integrity protection: anyone who can write to the server can change these records (and their keys) unnoticed. Prefer `ehrcrypt icure migrate`.";

#[derive(Subcommand, Debug)]
pub enum IcureCommand {
    /// Import a private key as iCure or Cardinal stores it (hex PKCS#8, SDK key storage JSON)
    #[command(
        after_help = "Examples:\n  ehrcrypt icure import-key bob-private-key.txt --id bob --name \"Dr Bob\"\n  ehrcrypt icure import-key localstorage-export.json --id bob"
    )]
    ImportKey {
        /// The key file: the hex the iCure app downloads, or the SDK's key storage JSON (- for stdin)
        file: PathBuf,
        /// The data owner the key belongs to (needed for hex; selects one owner of a storage dump)
        #[arg(long)]
        id: Option<OwnerId>,
        /// Display name if the owner is new
        #[arg(long, value_parser = super::owner_name)]
        name: Option<String>,
        /// Kind if the owner is new
        #[arg(long, value_enum, default_value = "hcp")]
        kind: KindArg,
    },
    /// Import data owner documents as the iCure REST API returns them (keys arrive unverified)
    #[command(
        after_help = "Examples:\n  ehrcrypt icure import-owner hcp-alice.json hcp-bob.json patient-keats.json"
    )]
    ImportOwner {
        /// JSON files: one document or an array of them each (- for stdin)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The owners' kind [default: guessed from the document]
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
    },
    /// Decrypt a legacy iCure record as the SDK would return it
    #[command(
        after_help = "Examples:\n  ehrcrypt icure decrypt --as bob patient.json\n  ehrcrypt icure decrypt --as bob contact.json -o contact.plain.json"
    )]
    Decrypt {
        /// The record (patient, contact, health element, document) as JSON (- for stdin)
        file: PathBuf,
        /// The data owner to read as (its private key must be in the keystore)
        #[arg(long = "as", value_name = "ID")]
        me: OwnerId,
        /// The record's type [default: from `_type`]
        #[arg(long = "type", value_name = "TYPE")]
        record_type: Option<RecordType>,
        /// Output file (- for stdout, the default); written 0600
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
        /// Overwrite an existing output file
        #[arg(long)]
        force: bool,
    },
    /// Report the weaknesses found in a folder of iCure data
    #[command(
        after_help = "Examples:\n  ehrcrypt icure check icure-export/\n  ehrcrypt --json icure check --as bob icure-export/ > report.json"
    )]
    Check {
        /// Folder of JSON files (records and data owner documents)
        dir: PathBuf,
        /// Also open the records as this owner (entity key sizes, ids sealed in delegations)
        #[arg(long = "as", value_name = "ID")]
        me: Option<OwnerId>,
    },
    /// Move legacy iCure records to authenticated ehrcrypt entities
    #[command(
        after_help = "Examples:\n  ehrcrypt icure migrate --as bob icure-export/ --out-dir migrated/"
    )]
    Migrate {
        /// Folder of iCure records
        dir: PathBuf,
        /// The owner to read and re-encrypt as
        #[arg(long = "as", value_name = "ID")]
        me: OwnerId,
        /// New folder for the ehrcrypt entities (must not exist)
        #[arg(short, long, value_name = "DIR")]
        out_dir: PathBuf,
    },
    /// Add a delegate to an iCure record in its own (unauthenticated) format
    #[command(
        after_help = "Examples:\n  ehrcrypt icure share --as alice --with carol patient.json --i-know-it-is-unauthenticated -o patient.shared.json"
    )]
    Share {
        /// The record as JSON
        file: PathBuf,
        /// The delegator (a delegate of the record, key in this keystore)
        #[arg(long = "as", value_name = "ID")]
        me: OwnerId,
        /// The new delegate
        #[arg(long, value_name = "ID")]
        with: OwnerId,
        /// Required: you accept that the format has no integrity protection
        #[arg(long)]
        i_know_it_is_unauthenticated: bool,
        /// Output file for the record (- for stdout)
        #[arg(short, long)]
        output: PathBuf,
        /// Where to write your updated owner document if a new exchange key is made (upload it too)
        #[arg(long, value_name = "FILE")]
        owner_out: Option<PathBuf>,
        /// Overwrite existing output files
        #[arg(long)]
        force: bool,
    },
}

pub fn run(env: &Env, cmd: IcureCommand) -> Result<()> {
    refuse_objects(&cmd)?;
    match cmd {
        IcureCommand::ImportKey {
            file,
            id,
            name,
            kind,
        } => import_key(env, &file, id.as_ref(), name.as_deref(), kind),
        IcureCommand::ImportOwner { files, kind } => import_owner(env, &files, kind),
        IcureCommand::Decrypt {
            file,
            me,
            record_type,
            output,
            force,
        } => decrypt(env, &file, &me, record_type, &output, force),
        IcureCommand::Check { dir, me } => check_cmd(env, &dir, me.as_ref()),
        IcureCommand::Migrate { dir, me, out_dir } => migrate_cmd(env, &dir, &me, &out_dir),
        IcureCommand::Share {
            file,
            me,
            with,
            i_know_it_is_unauthenticated,
            output,
            owner_out,
            force,
        } => {
            if !i_know_it_is_unauthenticated {
                return Err(Error::refused(
                    "the iCure format has no integrity protection; sharing in it needs explicit consent",
                )
                .hint("pass --i-know-it-is-unauthenticated, or move the data off it with `ehrcrypt icure migrate`"));
            }
            share(env, &file, &me, &with, &output, owner_out.as_deref(), force)
        }
    }
}

/// An existing output is refused unless `--force` (exit 7).
fn check_output(path: &Path, force: bool) -> Result<()> {
    if path.as_os_str() != "-" && path.exists() && !force {
        return Err(
            Error::refused(format!("{}: already exists", path.display()))
                .hint("pass --force to overwrite it"),
        );
    }
    Ok(())
}

fn import_key(
    env: &Env,
    file: &Path,
    id: Option<&OwnerId>,
    name: Option<&str>,
    kind: KindArg,
) -> Result<()> {
    let source = ehrcrypt::error::display_path(file);
    let text = codec::read_bounded(file)?;
    let found = keys::parse(&text, &source)?;
    let path = env.keystore_path()?;
    let ks = Keystore::load_or_empty(&path)?;
    // One passphrase opens all of an owner's keys: an owner with keys here
    // needs that one; a new owner gets a new one.
    let known = found
        .iter()
        .filter_map(|k| k.owner.as_ref().or(id))
        .any(|o| ks.find(o).is_some_and(|o| o.is_local()));
    let pass = if known {
        env.passphrase().get("the owner's keys")?
    } else {
        env.passphrase().get_new("the imported iCure key")?
    };
    let done = icure::import_keys(&path, found, id, name, kind.into(), pass.as_bytes())?;
    if env.out.json {
        env.out.json(&json!({ "keys": done }));
        return Ok(());
    }
    for k in &done {
        env.out.line(format!(
            "imported private key of {} ({}): fingerprint {} (iCure {}, v2 {})",
            k.id,
            serde_json::to_value(k.source)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            k.fingerprint,
            k.icure_fingerprint,
            k.icure_fingerprint_v2
        ));
    }
    env.out.warn(FINGERPRINT_WARNING);
    Ok(())
}

/// Documents in a file (one object, or an array of objects): data owners,
/// Cardinal exchange data, and exchange data maps (recognised, not needed).
fn owner_documents(
    file: &Path,
    kind: Option<KindArg>,
    owners: &mut Vec<IcureOwner>,
    exchange: &mut Vec<ExchangeData>,
) -> Result<()> {
    let (v, source) = codec::read_json(file, "data owner document")?;
    let items = match v {
        Value::Array(a) => a,
        v => vec![v],
    };
    for d in &items {
        if ExchangeData::is(d) {
            exchange.push(ExchangeData::from_rest(d, &source)?);
        } else if d.get("encryptedExchangeDataIds").is_some() {
            // An ExchangeDataMap: a delegate finds its exchange data by
            // trying each it can open, so the map is not needed.
        } else {
            owners.push(IcureOwner::from_rest(d, kind.map(Into::into), &source)?);
        }
    }
    Ok(())
}

fn import_owner(env: &Env, files: &[PathBuf], kind: Option<KindArg>) -> Result<()> {
    let (mut docs, mut exchange) = (Vec::new(), Vec::new());
    for f in files {
        owner_documents(f, kind, &mut docs, &mut exchange)?;
    }
    let n_exchange = exchange.len();
    let done = icure::import_owners(&env.keystore_path()?, docs, exchange)?;
    if n_exchange > 0 {
        env.out.note(format!(
            "imported {n_exchange} Cardinal exchange data document(s) (unauthenticated)"
        ));
    }
    if env.out.json {
        env.out.json(&json!({ "owners": done }));
        return Ok(());
    }
    for o in &done {
        env.out.line(format!(
            "{} {} ({}), {} exchange key(s)",
            if o.created { "imported" } else { "updated" },
            o.id,
            o.kind,
            o.exchange_keys
        ));
        for k in &o.keys {
            env.out.line(format!(
                "  key {} (iCure {}, v2 {}) OAEP-{:?} {}",
                k.fingerprint,
                k.icure_fingerprint,
                k.icure_fingerprint_v2,
                k.oaep,
                if k.verified { "verified" } else { "UNVERIFIED" }
            ));
        }
    }
    env.out.warn("keys from the iCure server are unverified: compare the fingerprints above with their owners, then `ehrcrypt owner verify ID --fingerprint FP`");
    env.out.warn(FINGERPRINT_WARNING);
    Ok(())
}

fn decrypt(
    env: &Env,
    file: &Path,
    me: &OwnerId,
    rtype: Option<RecordType>,
    output: &Path,
    force: bool,
) -> Result<()> {
    check_output(output, force)?;
    let (record, source) = codec::read_json(file, "iCure record")?;
    let session = env.session()?;
    let store = OwnerStore::load(session.path())?;
    let reader = Reader::new(&session, &store, me)?;
    let d = reader.decrypt(&record, rtype, &source)?;
    env.out
        .verbose(format!("RSA decryptions: {}", reader.rsa_decryptions()));
    let mut bytes = zeroize::Zeroizing::new(
        serde_json::to_vec_pretty(&d.value)
            .map_err(|_| Error::internal("cannot serialise record"))?,
    );
    bytes.push(b'\n');
    atomic_file::write(output, &bytes, Mode::Private)?;
    if output.as_os_str() != "-" {
        env.out.note(format!(
            "wrote {} {} to {}",
            d.record_type.as_str(),
            d.id,
            output.display()
        ));
    }
    if d.key_bits == 128 {
        env.out.note("note: this record's key is a UUID (AES-128); `ehrcrypt icure check` lists the format's weaknesses");
    }
    Ok(())
}

fn check_cmd(env: &Env, dir: &Path, me: Option<&OwnerId>) -> Result<()> {
    let path = env.keystore_path()?;
    let report = match me {
        Some(me) => {
            let session = env.session()?;
            let store = OwnerStore::load(session.path())?;
            let reader = Reader::new(&session, &store, me)?;
            check::check_dir(dir, Some(&reader), Some(session.keystore()))?
        }
        None => {
            let ks = Keystore::load_or_empty(&path)?;
            check::check_dir(dir, None, Some(&ks))?
        }
    };
    if env.out.json {
        env.out.json(&report);
        return Ok(());
    }
    env.out.line(format!(
        "{} file(s): {} record(s){}, {} data owner(s)",
        report.files,
        report.records,
        if me.is_some() {
            format!(" ({} opened)", report.opened)
        } else {
            String::new()
        },
        report.owners
    ));
    for f in &report.findings {
        env.out.line(format!(
            "{:<6} {:<30} {}{}: {}",
            serde_json::to_value(f.severity)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            f.code,
            f.file,
            f.id.as_ref().map(|i| format!(" [{i}]")).unwrap_or_default(),
            f.message
        ));
    }
    Ok(())
}

fn migrate_cmd(env: &Env, dir: &Path, me: &OwnerId, out_dir: &Path) -> Result<()> {
    let mut batch = Batch::into_new_dir(out_dir, Mode::Private)?;
    let mut inputs = Vec::new();
    let mut report = migrate::Report::default();
    for p in check::json_files(dir)? {
        let (v, source) = codec::read_json(&p, "iCure record")?;
        match icure::RecordFormat::of(&v) {
            icure::RecordFormat::Legacy | icure::RecordFormat::Cardinal => inputs.push((v, source)),
            _ => {} // owner documents and other files
        }
    }
    let mut session = env.session()?;
    let store = OwnerStore::load(session.path())?;
    let opened = {
        let reader = Reader::new(&session, &store, me)?;
        let o = migrate::open_all(&reader, inputs, &mut report);
        env.out
            .verbose(format!("RSA decryptions: {}", reader.rsa_decryptions()));
        o
    };
    let entities = migrate::migrate(&mut session, me, opened, &mut report)?;
    for (name, entity) in &entities {
        batch.stage(&out_dir.join(name), &entity.to_bytes(), Mode::Private)?;
    }
    batch.commit()?;
    if env.out.json {
        env.out.json(&report);
        return Ok(());
    }
    for m in &report.migrated {
        env.out.line(format!(
            "migrated {} {} (delegates: {}{})",
            m.kind,
            m.id,
            if m.delegates.is_empty() {
                "none".to_string()
            } else {
                m.delegates.join(", ")
            },
            m.parent
                .as_ref()
                .map(|p| format!("; parent {p}"))
                .unwrap_or_default()
        ));
    }
    for n in &report.not_carried {
        env.out
            .warn(format!("not carried: {} {}: {}", n.id, n.what, n.reason));
    }
    Ok(())
}

fn share(
    env: &Env,
    file: &Path,
    me: &OwnerId,
    with: &OwnerId,
    output: &Path,
    owner_out: Option<&Path>,
    force: bool,
) -> Result<()> {
    check_output(output, force)?;
    if let Some(o) = owner_out {
        check_output(o, force)?;
    }
    let (mut record, source) = codec::read_json(file, "iCure record")?;
    let session = env.session()?;
    let mut store = OwnerStore::load(session.path())?;
    // Only the delegate's verified keys may receive a new exchange key
    // (Cardinal's rule, seed 002).
    let with_keys: Vec<_> = match (store.get(with.as_str()), session.keystore().find(with)) {
        (Some(doc), Some(owner)) => doc
            .keys()?
            .into_iter()
            .filter(|k| {
                owner
                    .public_key(&k.key.fingerprint())
                    .is_some_and(|e| e.verified)
            })
            .collect(),
        _ => Vec::new(),
    };
    let shared = {
        let reader = Reader::new(&session, &store, me)?;
        let s = reader.share(&mut record, with, &with_keys, &source)?;
        env.out
            .verbose(format!("RSA decryptions: {}", reader.rsa_decryptions()));
        s
    };
    let mut batch = Batch::new();
    let mut bytes = serde_json::to_vec_pretty(&record)
        .map_err(|_| Error::internal("cannot serialise record"))?;
    bytes.push(b'\n');
    batch.stage(output, &bytes, Mode::Public)?;
    if let Some(doc) = &shared.owner_document {
        let Some(owner_out) = owner_out else {
            return Err(Error::usage(format!(
                "{me} has no exchange key with {with} yet: a new one is made, and your owner document must be uploaded with it"
            ))
            .hint("pass --owner-out FILE and upload that file to the iCure server too"));
        };
        let mut b = serde_json::to_vec_pretty(&doc.rest_document())
            .map_err(|_| Error::internal("cannot serialise owner"))?;
        b.push(b'\n');
        batch.stage(owner_out, &b, Mode::Public)?;
    }
    batch.commit()?;
    let new_key = shared.owner_document.is_some();
    if let Some(doc) = shared.owner_document {
        store.owners.insert(doc.id.clone(), doc);
        let path = session.path().to_path_buf();
        Keystore::update(&path, |_| store.save(&path))?;
    }
    env.out.warn(UNAUTHENTICATED_WARNING);
    if env.out.json {
        env.out.json(&json!({
            "id": icure::legacy::record_id(&record),
            "with": with,
            "entriesAdded": shared.entries_added,
            "newExchangeKey": new_key,
        }));
    } else if shared.entries_added == 0 {
        env.out.note(format!("{with} already had access"));
    } else {
        env.out.note(format!(
            "shared {} with {with} ({} entries added)",
            icure::legacy::record_id(&record),
            shared.entries_added
        ));
    }
    Ok(())
}

/// iCure data (plaintext fields, keys, unauthenticated records) stays on
/// the local disk: an `s3://` argument gets one line, not an error about a
/// folder named `s3:`.
fn refuse_objects(cmd: &IcureCommand) -> Result<()> {
    use super::files::{local_only, plaintext_local};
    match cmd {
        IcureCommand::ImportKey { file, .. } => plaintext_local(file, "the private key"),
        IcureCommand::ImportOwner { files, .. } => files
            .iter()
            .try_for_each(|f| local_only(f, "an owner document")),
        IcureCommand::Decrypt { file, output, .. } => {
            local_only(file, "the record")?;
            plaintext_local(output, "the decrypted record")
        }
        IcureCommand::Check { dir, .. } => local_only(dir, "the folder"),
        IcureCommand::Migrate { dir, out_dir, .. } => {
            local_only(dir, "the folder")?;
            local_only(out_dir, "the output folder")
        }
        IcureCommand::Share {
            file,
            output,
            owner_out,
            ..
        } => {
            local_only(file, "the record")?;
            local_only(output, "the output")?;
            owner_out
                .as_deref()
                .map_or(Ok(()), |f| local_only(f, "--owner-out"))
        }
    }
}
