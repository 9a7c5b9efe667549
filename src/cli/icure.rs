//! `ehrcrypt icure …`: real iCure data (README "iCure administrators",
//! docs/ICURE.md). Parses arguments and calls `ehrcrypt::interop::icure`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::{json, Value};

use ehrcrypt::atomic_file::{self, Batch, Mode, Overwrite};
use ehrcrypt::interop::icure::{
    self as icure, check, codec, keys, legacy::Reader, migrate, owner::ExchangeData,
    owner::IcureOwner, owner::OwnerStore, RecordType, FINGERPRINT_WARNING,
};
use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::OwnerId;
use ehrcrypt::store::Location;
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
        after_help = "Examples:\n  ehrcrypt icure migrate --as bob icure-export/ --out-dir migrated/\n  ehrcrypt icure migrate --as bob icure-export/ --out-dir migrated/ --force"
    )]
    Migrate {
        /// Folder of iCure records
        dir: PathBuf,
        /// The owner to read and re-encrypt as
        #[arg(long = "as", value_name = "ID")]
        me: OwnerId,
        /// Folder for the ehrcrypt entities: a new one is created whole or not
        /// at all; or s3://BUCKET/PREFIX/ (each object created, never replacing one)
        #[arg(short, long, value_name = "DIR")]
        out_dir: Location,
        /// Write into an existing folder, replacing files of the same names
        #[arg(long)]
        force: bool,
    },
    /// Add a delegate to an iCure or Cardinal record in its own (unauthenticated) format
    #[command(
        after_help = "Examples:\n  ehrcrypt icure share --as alice --with carol patient.json --i-know-it-is-unauthenticated -o patient.shared.json\n  ehrcrypt icure share --as alice --with carol cardinal-patient.json --i-know-it-is-unauthenticated -o patient.shared.json --exchange-data-out alice-carol.exchange-data.json --signing-key alice-cardinal-storage.json"
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
        /// Legacy records: where to write your updated owner document if a new exchange key is made (upload it too)
        #[arg(long, value_name = "FILE")]
        owner_out: Option<PathBuf>,
        /// Cardinal records: where to write the new ExchangeData document if one is made (upload it too)
        #[arg(long, value_name = "FILE")]
        exchange_data_out: Option<PathBuf>,
        /// Cardinal records shared with a patient: where to write the ExchangeDataMap document (upload it too)
        #[arg(long, value_name = "FILE")]
        exchange_data_map_out: Option<PathBuf>,
        /// Cardinal records: your SDK key storage JSON holding your signing key (org.taktik.icure.rsa.sign.<id>.self), to sign new exchange data as the SDK does
        #[arg(long, value_name = "FILE")]
        signing_key: Option<PathBuf>,
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
        IcureCommand::Migrate {
            dir,
            me,
            out_dir,
            force,
        } => match &out_dir {
            Location::Local(p) => {
                migrate_cmd(env, &dir, &me, p, Overwrite::from_force(force), None)
            }
            Location::S3 { .. } if force => Err(Error::usage(
                "--force does not apply to an object store: objects are created, never replaced",
            )
            .hint("write to a new prefix")),
            Location::S3 { .. } => {
                // Built in a private local folder (ciphertext only), then
                // published whole or not at all.
                let scratch = ehrcrypt::store::publish::Scratch::new()?;
                let built = scratch.path.join("out");
                let publish =
                    |b: &Path| ehrcrypt::store::publish::publish_folder(b, &out_dir).map(|_| ());
                migrate_cmd(env, &dir, &me, &built, Overwrite::Refuse, Some(&publish))
            }
            Location::Stdio => Err(Error::usage("--out-dir must be a directory, not -")
                .hint("name a local folder, or s3://BUCKET/PREFIX/")),
        },
        IcureCommand::Share {
            file,
            me,
            with,
            i_know_it_is_unauthenticated,
            output,
            owner_out,
            exchange_data_out,
            exchange_data_map_out,
            signing_key,
            force,
        } => {
            if !i_know_it_is_unauthenticated {
                return Err(Error::refused(
                    "the iCure format has no integrity protection; sharing in it needs explicit consent",
                )
                .hint("pass --i-know-it-is-unauthenticated, or move the data off it with `ehrcrypt icure migrate`"));
            }
            let outs = ShareOutputs {
                record: output,
                owner: owner_out,
                exchange_data: exchange_data_out,
                exchange_data_map: exchange_data_map_out,
                signing_key,
                overwrite: Overwrite::from_force(force),
            };
            share(env, &file, &me, &with, &outs)
        }
    }
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
        env.new_passphrase(&env.passphrase(), "the imported iCure key", &[])?
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
            if o.new { "imported" } else { "updated" },
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
    let overwrite = Overwrite::from_force(force);
    overwrite.check(output)?;
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
    atomic_file::write_output(output, &bytes, Mode::Private, overwrite)?;
    if output.as_os_str() != "-" {
        // To stdout the record itself is the output; to a file, a report.
        if env.out.json {
            env.out.json(&json!({
                "input": ehrcrypt::error::display_path(file),
                "file": ehrcrypt::error::display_path(output),
                "id": d.id,
                "type": d.record_type,
            }));
        } else {
            env.out.note(format!(
                "wrote {} {} to {}",
                d.record_type.as_str(),
                d.id,
                output.display()
            ));
        }
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

/// Publishes a migrated folder to an object store.
type Publish<'a> = &'a dyn Fn(&Path) -> Result<()>;

fn migrate_cmd(
    env: &Env,
    dir: &Path,
    me: &OwnerId,
    out_dir: &Path,
    overwrite: Overwrite,
    publish: Option<Publish>,
) -> Result<()> {
    // A new folder appears whole, by one rename; an existing one only with
    // --force (files of the same names replaced, each atomically).
    let mut batch = if !out_dir.exists() {
        Batch::into_new_dir(out_dir, Mode::Private)?
    } else if overwrite == Overwrite::Replace && out_dir.is_dir() {
        Batch::outputs(overwrite)
    } else {
        return Err(atomic_file::already_exists(out_dir));
    };
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
    // Local entity files detach large records (§8.4); a folder published
    // to an object store keeps every record inside its entity.
    let entities = migrate::migrate(&mut session, me, opened, &mut report, publish.is_none())?;
    for (name, mut entity) in entities {
        let dest = out_dir.join(name);
        // A detached record's sidecar first: the batch renames in order.
        if let Some(body) = entity.take_detached_body() {
            let staged = body.stage_beside(&dest, &batch, Mode::Private)?;
            batch.push(staged);
        }
        batch.stage(&dest, &entity.to_bytes(), Mode::Private)?;
    }
    batch.commit()?;
    if let Some(publish) = publish {
        publish(out_dir)?;
    }
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

/// Where `icure share` writes, and whether it may replace files.
struct ShareOutputs {
    record: PathBuf,
    owner: Option<PathBuf>,
    exchange_data: Option<PathBuf>,
    exchange_data_map: Option<PathBuf>,
    signing_key: Option<PathBuf>,
    overwrite: Overwrite,
}

/// A document to upload, as it will be written.
fn document_bytes(v: &Value) -> Result<Vec<u8>> {
    let mut b = serde_json::to_vec_pretty(v).map_err(|_| Error::internal("cannot serialise"))?;
    b.push(b'\n');
    Ok(b)
}

/// The output a new document goes to, or the error that asks for one.
fn needed<'a>(path: Option<&'a Path>, what: &str, flag: &str) -> Result<&'a Path> {
    path.ok_or_else(|| {
        Error::usage(format!("{what} must be uploaded with the record")).hint(format!(
            "pass {flag} FILE and upload that file to the server too"
        ))
    })
}

fn share(env: &Env, file: &Path, me: &OwnerId, with: &OwnerId, outs: &ShareOutputs) -> Result<()> {
    for p in [
        Some(&outs.record),
        outs.owner.as_ref(),
        outs.exchange_data.as_ref(),
        outs.exchange_data_map.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        outs.overwrite.check(p)?;
    }
    let (mut record, source) = codec::read_json(file, "iCure record")?;
    let cardinal = icure::RecordFormat::of(&record) == icure::RecordFormat::Cardinal;
    let session = env.session()?;
    let mut store = OwnerStore::load(session.path())?;
    // Only the delegate's verified keys may receive a new exchange key
    // (Cardinal's rule, seed 002).
    let with_doc = store.get(with.as_str());
    let with_keys: Vec<_> = match (with_doc, session.keystore().find(with)) {
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
    // The SDK's default `dataOwnerRequiresAnonymousDelegation`: every data
    // owner but a healthcare party gets an anonymous delegation.
    let anonymous = with_doc
        .map(|d| d.kind)
        .or_else(|| session.keystore().find(with).map(|o| o.kind))
        .is_some_and(|k| k != ehrcrypt::owner::OwnerKind::Hcp);
    let signer = match &outs.signing_key {
        Some(path) if cardinal => Some(keys::parse_signing_key(
            &codec::read_bounded(path)?,
            me,
            &ehrcrypt::error::display_path(path),
        )?),
        Some(_) => {
            return Err(Error::usage(
                "--signing-key is for Cardinal records; this one is in the legacy format",
            ))
        }
        None => None,
    };
    let mut batch = Batch::outputs(outs.overwrite);
    let (added, owner_doc, exchange_data) = {
        let reader = Reader::new(&session, &store, me)?;
        let done = if cardinal {
            let s = reader.cardinal_share(
                &mut record,
                with,
                &with_keys,
                anonymous,
                signer.as_ref(),
                &source,
            )?;
            if let Some(d) = &s.exchange_data {
                let path = needed(
                    outs.exchange_data.as_deref(),
                    &format!("a new exchange data {me}→{with}"),
                    "--exchange-data-out",
                )?;
                batch.stage(path, &document_bytes(&d.rest_document())?, Mode::Public)?;
            }
            if let Some(m) = &s.exchange_data_map {
                let path = needed(
                    outs.exchange_data_map.as_deref(),
                    &format!("{with} gets an anonymous delegation: the exchange data map"),
                    "--exchange-data-map-out",
                )?;
                batch.stage(path, &document_bytes(m)?, Mode::Public)?;
            }
            (s.entries_added, None, s.exchange_data)
        } else {
            let s = reader.share(&mut record, with, &with_keys, &source)?;
            if let Some(doc) = &s.owner_document {
                let path = needed(outs.owner.as_deref(), &format!("{me} has no exchange key with {with} yet: a new one is made, and your owner document"), "--owner-out")?;
                batch.stage(path, &document_bytes(&doc.rest_document())?, Mode::Public)?;
            }
            (s.entries_added, s.owner_document, None)
        };
        env.out
            .verbose(format!("RSA decryptions: {}", reader.rsa_decryptions()));
        done
    };
    batch.stage(&outs.record, &document_bytes(&record)?, Mode::Public)?;
    batch.commit()?;
    let new_key = owner_doc.is_some() || exchange_data.is_some();
    let unsigned_exchange_data = exchange_data
        .as_ref()
        .is_some_and(|d| d.delegator_signature.is_empty());
    if new_key {
        if let Some(doc) = owner_doc {
            store.owners.insert(doc.id.clone(), doc);
        }
        if let Some(d) = exchange_data {
            store.exchange_data.insert(d.id.clone(), d);
        }
        let path = session.path().to_path_buf();
        Keystore::update(&path, |_| store.save(&path))?;
    }
    env.out.warn(UNAUTHENTICATED_WARNING);
    if unsigned_exchange_data {
        env.out.warn("the new exchange data carries no delegatorSignature (the Cardinal SDK keeps that key on the delegator's device; pass it with --signing-key): the delegator's own SDK will not reuse it for new shares");
    }
    if env.out.json {
        let report = json!({
            "id": icure::legacy::record_id(&record),
            "with": with,
            "format": if cardinal { "cardinal" } else { "legacy" },
            "entriesAdded": added,
            "newExchangeKey": new_key,
            "file": ehrcrypt::error::display_path(&outs.record),
        });
        if outs.record.as_os_str() == "-" {
            // stdout carries the record: the report goes to stderr.
            env.out.note(report.to_string());
        } else {
            env.out.json(&report);
        }
    } else if added == 0 {
        env.out.note(format!("{with} already had access"));
    } else {
        env.out.note(format!(
            "shared {} with {with} ({added} entries added)",
            icure::legacy::record_id(&record),
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
        IcureCommand::Migrate { dir, .. } => local_only(dir, "the folder"),
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
