//! `ehrcrypt entity ...`: encrypt and decrypt records, and follow the
//! secret links between a patient and its contacts, forms and health elements.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use rayon::prelude::*;
use serde_json::{json, Value};
use zeroize::Zeroizing;

use ehrcrypt::atomic_file::{self, Mode};
use ehrcrypt::delegation::{self, Grants};
use ehrcrypt::entity::{self, EncryptOptions, Encryptor, Entity, EntityKind};
use ehrcrypt::owner::OwnerId;
use ehrcrypt::store::{self, Location};
use ehrcrypt::{Error, Result};

use super::files::{self, OutputArgs};
use super::Env;

#[derive(Subcommand, Debug)]
pub enum EntityCommand {
    /// Encrypt plaintext JSON records into entities
    #[command(
        after_help = "Large records: a record over 1 MiB written to a local file is kept in a sidecar stream beside the entity (FILE.<id>.ehrat), so that share and revoke never rewrite it; to standard output or s3:// it stays inside the entity (docs/FORMAT.md 8.4).\n\nExamples:\n  ehrcrypt entity encrypt --as alice --kind patient --share-with bob --clear lastName keats.json -o keats.enc.json\n  ehrcrypt entity encrypt --as alice --kind form bundle-100mb.json -o bundle.enc.json   # record in bundle.enc.json.<id>.ehrat\n  ehrcrypt entity encrypt --as alice --kind contact --parent keats.enc.json visit.json -o visit.enc.json\n  ehrcrypt entity encrypt --as alice --kind form forms/ --out-dir forms.enc/   # f1.json -> f1.enc.json\n  cat visit.json | ehrcrypt entity encrypt --as alice --kind form - > visit.enc.json"
    )]
    Encrypt(EncryptArgs),
    /// Decrypt entities back into the original JSON records
    #[command(
        after_help = "Examples:\n  ehrcrypt entity decrypt --as bob keats.enc.json\n  ehrcrypt entity decrypt --as bob records/ --out-dir plain/   # keats.enc.json -> keats.json, attachments beside it under their names\n  ehrcrypt entity decrypt --as bob --attachment scan.pdf scan.enc.json -o scan.pdf"
    )]
    Decrypt(DecryptArgs),
    /// List the entities in DIR… linked to a patient (via its secret id)
    #[command(
        after_help = "Examples:\n  ehrcrypt entity children --as bob keats.enc.json records/"
    )]
    Children {
        /// The data owner who reads the patient's secret id (its private key must be here)
        #[arg(long = "as", value_name = "OWNER")]
        me: OwnerId,
        /// The patient entity
        #[arg(value_hint = clap::ValueHint::FilePath)]
        patient: Location,
        /// Directories, s3://BUCKET/PREFIX/ or files to search
        #[arg(required = true, value_hint = clap::ValueHint::AnyPath)]
        dirs: Vec<Location>,
    },
    /// Rewrite ehrcrypt/entity/v1 files as v2, in place (v2 files are left as they are)
    #[command(after_help = "Examples:\n  ehrcrypt entity upgrade --as alice records/")]
    Upgrade(UpgradeArgs),
    /// Find the patient an entity belongs to (via its encrypted parent id)
    #[command(after_help = "Examples:\n  ehrcrypt entity parent --as bob visit.enc.json records/")]
    Parent {
        /// The data owner who reads the parent link (its private key must be here)
        #[arg(long = "as", value_name = "OWNER")]
        me: OwnerId,
        /// The contact, form or health element
        #[arg(value_hint = clap::ValueHint::FilePath)]
        entity: Location,
        /// Directories, s3://BUCKET/PREFIX/ or files to search
        #[arg(required = true, value_hint = clap::ValueHint::AnyPath)]
        dirs: Vec<Location>,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum KindArg {
    Patient,
    Contact,
    Form,
    HealthElement,
}

impl From<KindArg> for EntityKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Patient => EntityKind::Patient,
            KindArg::Contact => EntityKind::Contact,
            KindArg::Form => EntityKind::Form,
            KindArg::HealthElement => EntityKind::HealthElement,
        }
    }
}

#[derive(Args, Debug)]
pub struct EncryptArgs {
    /// The data owner who encrypts (its private key must be here)
    #[arg(long = "as", value_name = "OWNER")]
    pub me: OwnerId,
    /// What the records are: patient, contact, form or health-element
    #[arg(long, value_enum)]
    pub kind: KindArg,
    /// The patient entity these records belong to (contacts, forms, health elements)
    #[arg(long, value_name = "PATIENT_FILE", value_hint = clap::ValueHint::FilePath)]
    pub parent: Option<Location>,
    /// Also give this data owner access (repeatable)
    #[arg(long, value_name = "OWNER")]
    pub share_with: Vec<OwnerId>,
    /// Keep this field in clear for indexing (dotted path, repeatable)
    #[arg(long, value_name = "FIELD")]
    pub clear: Vec<String>,
    /// Config file with per-kind clear fields [default: ehrcrypt's config dir]
    #[arg(
        long,
        env = "EHRCRYPT_CONFIG",
        hide_env_values = true,
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
    /// Allow new exchange keys for unverified delegate keys
    #[arg(long)]
    pub allow_unverified: bool,
    /// Attach a file, streamed into a sidecar beside the output ([NAME=]FILE, repeatable; one input, -o FILE)
    #[arg(long, value_name = "[NAME=]FILE")]
    pub attach: Vec<String>,
    /// Plaintext JSON files or directories (- for stdin)
    #[arg(required = true, value_hint = clap::ValueHint::AnyPath)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct UpgradeArgs {
    /// The data owner who upgrades; it must be able to read every entity
    #[arg(long = "as", value_name = "OWNER")]
    pub me: OwnerId,
    /// Allow new exchange keys for unverified delegate keys (prints a warning)
    #[arg(long)]
    pub allow_unverified: bool,
    /// Entity files, directories or s3://BUCKET/PREFIX/, rewritten in place
    #[arg(required = true, value_hint = clap::ValueHint::AnyPath)]
    pub inputs: Vec<Location>,
}

#[derive(Args, Debug)]
pub struct DecryptArgs {
    /// The data owner who decrypts
    #[arg(long = "as", value_name = "OWNER")]
    pub me: OwnerId,
    /// Write this attachment (by name) instead of the record (one input; -o FILE or - for stdout)
    #[arg(long, value_name = "NAME")]
    pub attachment: Option<String>,
    /// Entity files, directories or s3://BUCKET/PREFIX/ (- for stdin)
    #[arg(required = true, value_hint = clap::ValueHint::AnyPath)]
    pub inputs: Vec<Location>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(env: &Env, cmd: EntityCommand) -> Result<()> {
    match cmd {
        EntityCommand::Encrypt(a) => encrypt(env, a),
        EntityCommand::Decrypt(a) => decrypt(env, a),
        EntityCommand::Children { me, patient, dirs } => children(env, &me, &patient, &dirs),
        EntityCommand::Parent { me, entity, dirs } => parent(env, &me, &entity, &dirs),
        EntityCommand::Upgrade(a) => upgrade(env, a),
    }
}

fn encrypt(env: &Env, a: EncryptArgs) -> Result<()> {
    if !a.attach.is_empty() {
        return encrypt_with_attachments(env, a);
    }
    // Plaintext comes from the local disk only: it never sits on an
    // object store.
    let locals: Vec<Location> = a
        .inputs
        .iter()
        .map(|p| Location::from(p.as_path()))
        .collect();
    let inputs = files::expand(&locals)?;
    let kind: EntityKind = a.kind.into();
    let mut clear = config_clear_fields(a.config.as_deref(), kind)?;
    clear.extend(a.clear.iter().cloned());
    let parent = match &a.parent {
        None => None,
        Some(p) => {
            let v = read_json(p, "parent entity")?;
            if !entity::is_entity(&v) {
                return Err(Error::usage(format!(
                    "{p}: --parent must be the patient's entity (ehrcrypt/entity/v1), and this is not one"
                ))
                .hint("encrypt the patient first (`ehrcrypt entity encrypt --kind patient ... -o keats.enc.json`) and pass that file"));
            }
            Some(v)
        }
    };
    // Outputs are checked before the passphrase is asked for.
    let dests = a.output.destinations(&inputs, files::Naming::Encrypted)?;
    let mut session = env.session()?;
    let opts = EncryptOptions {
        kind,
        share_with: a.share_with,
        clear,
        parent,
        allow_unverified: a.allow_unverified,
    };
    let mut enc = Encryptor::new(&mut session, &a.me, &opts).map_err(|e| match &a.parent {
        // The library names the parent "parent"; the user named a file.
        Some(p) if e.message().starts_with("parent") || e.message().contains("the parent") => {
            let named = Error::new(e.kind(), format!("{p} (--parent): {}", e.message()));
            match e.hint_text() {
                Some(h) => named.hint(h),
                None => named,
            }
        }
        _ => e,
    })?;
    let explicit_clear = a.clear.clone();
    for (delegate, fp) in &enc.unverified {
        super::hcp_key::warn_unverified(&env.out, &a.me, delegate, std::slice::from_ref(fp));
    }
    // Large records go into a sidecar beside a local output file; to
    // standard output or an object store they stay inside the entity.
    let local_dests = dests
        .iter()
        .all(|d| d.local().is_some_and(|p| p.as_os_str() != "-"));
    enc.detach_large_records(local_dests);
    let dest_of: std::collections::HashMap<&Location, &Path> = inputs
        .iter()
        .zip(&dests)
        .filter_map(|(i, d)| Some((i, d.local()?)))
        .collect();
    let batch = a.output.batch(Mode::Public)?;
    // A record that will be detached is streamed, never held whole.
    let stream_over = local_dests.then_some(entity::attachment::DETACH_THRESHOLD);
    files::process_all_with(
        env,
        "encrypting",
        &inputs,
        &dests,
        batch,
        Mode::Public,
        stream_over,
        |input, data, batch| {
            let source = input.to_string();
            let bytes = match data {
                files::Input::Whole(bytes) => Zeroizing::new(bytes),
                files::Input::Large(head, rest) => {
                    let dest = dest_of
                        .get(input)
                        .ok_or_else(|| Error::internal("detached record without a file"))?;
                    let mut all = std::io::Read::chain(&head[..], rest);
                    let (e, sidecar) = enc.encrypt_reader_beside(
                        &mut all,
                        &source,
                        dest,
                        batch,
                        Mode::Public,
                        &|head| check_clear_paths(head, &explicit_clear, &source),
                        None,
                    )?;
                    return Ok((Some(e.into_bytes()), vec![sidecar], ()));
                }
            };
            check_clear_fields(&bytes, &explicit_clear, &source)?;
            let mut e = enc.encrypt_bytes(&bytes, &source)?;
            drop(bytes);
            // The sidecar is staged first: the batch renames in order.
            let sidecar = match (e.take_detached_body(), dest_of.get(input)) {
                (None, _) => Vec::new(),
                (Some(body), Some(dest)) => vec![body.stage_beside(dest, batch, Mode::Public)?],
                (Some(_), None) => return Err(Error::internal("detached record without a file")),
            };
            Ok((Some(e.into_bytes()), sidecar, ()))
        },
    )?;
    if local_dests && a.output.force {
        // --force over entities with sidecars: those they no longer list go.
        let written: Vec<PathBuf> = dest_of.values().map(|p| p.to_path_buf()).collect();
        entity::attachment::remove_unlisted(&written);
    }
    print_written(env, &inputs, &dests);
    if inputs.len() > 1 || a.output.out_dir.is_some() {
        env.out.note(format!(
            "encrypted {} {kind} record(s) as {}",
            inputs.len(),
            a.me
        ));
    }
    env.report_stats(&session);
    Ok(())
}

fn decrypt(env: &Env, a: DecryptArgs) -> Result<()> {
    if let Some(name) = &a.attachment {
        return decrypt_attachment(env, &a, name);
    }
    let inputs = files::expand(&a.inputs)?;
    let dests = a.output.destinations(&inputs, files::Naming::Decrypted)?;
    let session = env.session()?;
    session.keystore().local_owner(&a.me)?;
    let batch = a.output.batch(Mode::Private)?;
    let dest_of: std::collections::HashMap<&Location, &Location> =
        inputs.iter().zip(&dests).collect();
    // --out-dir: attachments are restored beside their records.
    let taken = std::sync::Mutex::new(
        dests
            .iter()
            .filter_map(|d| d.local().map(Path::to_path_buf))
            .collect(),
    );
    files::process_all_with(
        env,
        "decrypting",
        &inputs,
        &dests,
        batch,
        Mode::Private,
        None,
        |input, file, batch| {
            let source = input.to_string();
            let file = file.into_bytes(input)?;
            let attachments = match (&a.output.out_dir, input) {
                (Some(Location::Local(dir)), Location::Local(path)) => {
                    entity::attachment::stage_restore(
                        &session, &a.me, &file, path, dir, batch, &taken, &source,
                    )?
                }
                // Sidecars live beside local entity files only.
                (Some(_), _) if entity::attachment::with_attachments(&file, &source)?.is_some() => {
                    return Err(Error::usage(format!(
                        "{source}: attachments are restored from local entity files only"
                    ))
                    .hint("copy the entity and its .ehrat sidecars to a local folder first"))
                }
                _ => Vec::new(),
            };
            // The record exactly as it was encrypted, byte for byte: no
            // newline is added, so golden files and checksums match.
            let record = entity::open_file_bytes_at(&session, &a.me, file, input.local(), &source)?;
            let detached = match record {
                entity::Plaintext::Whole(bytes) => return Ok((Some(bytes), attachments, ())),
                entity::Plaintext::Detached(d) => d,
            };
            // A detached record is streamed from its sidecar: into its
            // staged file (published at commit, once it authenticated
            // whole), or to standard output (the only output then).
            let mut attachments = attachments;
            match dest_of.get(input) {
                Some(Location::Stdio) => atomic_file::write_stream_output(
                    Path::new("-"),
                    Mode::Private,
                    a.output.overwrite(),
                    |w| detached.read_into(w),
                )?,
                Some(Location::Local(p)) => attachments.push(detached.stage(
                    p,
                    batch,
                    atomic_file::keep_private(p, Mode::Private),
                )?),
                _ => return Ok((Some(detached.into_bytes()?), attachments, ())),
            }
            Ok((None, attachments, ()))
        },
    )?;
    print_written(env, &inputs, &dests);
    if inputs.len() > 1 || a.output.out_dir.is_some() {
        env.out.note(format!(
            "decrypted {} entit{} as {}",
            inputs.len(),
            if inputs.len() == 1 { "y" } else { "ies" },
            a.me
        ));
    }
    env.report_stats(&session);
    Ok(())
}

/// One file's result of `entity upgrade`.
#[derive(serde::Serialize)]
struct Upgraded {
    file: String,
    id: Value,
    kind: EntityKind,
    /// Rewritten from v1 (false: it was v2 already, left untouched).
    upgraded: bool,
}

fn upgrade(env: &Env, a: UpgradeArgs) -> Result<()> {
    let inputs = files::expand_unique(&a.inputs)?;
    super::delegation::refuse_stdin(&inputs, "with entity upgrade")?;
    let mut session = env.session()?;
    session.keystore().local_owner(&a.me)?;
    let needs = inputs
        .par_iter()
        .map(|p| ehrcrypt::delegation::read_upgrade_needs(p, &session, &a.me))
        .collect::<Result<Vec<_>>>()?;
    let all: std::collections::BTreeSet<OwnerId> = needs.into_iter().flatten().collect();
    let grants = Grants::resolve(&mut session, &a.me, &all, a.allow_unverified)?;
    super::delegation::warn_unverified(env, &grants);
    let reports = super::delegation::rewrite_in_place(env, "upgrading", &inputs, |path, file| {
        if file.entity().v2.is_none() {
            file.load_self(); // re-sealed: its associated data changes
        }
        let source = file.source().to_string();
        let e = file.entity_mut();
        let upgraded = ehrcrypt::delegation::upgrade(e, &session, &a.me, &grants, &source)?;
        Ok((
            upgraded,
            Upgraded {
                file: path.to_string(),
                id: e.id.clone(),
                kind: e.kind,
                upgraded,
            },
        ))
    })?;
    if env.out.json {
        env.out.json(&reports);
    } else {
        for r in &reports {
            env.out.line(format!(
                "{}: {}",
                r.file,
                if r.upgraded {
                    "upgraded to ehrcrypt/entity/v2"
                } else {
                    "already v2, unchanged"
                }
            ));
        }
    }
    super::delegation::note_import(env, &grants, []);
    env.report_stats(&session);
    Ok(())
}

/// `entity encrypt --attach`: one record, its attachments streamed into
/// sidecars beside `-o FILE`. The sidecars are complete and synced before
/// the entity is written; if anything fails, those written are removed.
fn encrypt_with_attachments(env: &Env, a: EncryptArgs) -> Result<()> {
    let out =
        match (&a.inputs[..], &a.output.output, &a.output.out_dir) {
            ([input], Some(Location::Local(out)), None) if input.as_os_str() != "-" => out.clone(),
            _ => return Err(Error::usage(
                "--attach takes one input file and -o FILE (attachments go beside the entity file)",
            )),
        };
    // The overwrite rule of every output (README, "Conventions").
    a.output.overwrite().check(&out)?;
    let mut attach = Vec::new();
    for spec in &a.attach {
        let (name, file) = match spec.split_once('=') {
            Some((n, f)) if !n.is_empty() => (n.to_string(), PathBuf::from(f)),
            _ => {
                let f = PathBuf::from(spec);
                let n = f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (n, f)
            }
        };
        entity::attachment::check_name(&name)?;
        if attach.iter().any(|(n, _): &(String, PathBuf)| n == &name) {
            return Err(Error::usage(format!(
                "attachment name {name:?} given twice"
            )));
        }
        if !file.is_file() {
            return Err(Error::not_found(format!(
                "{}: no such file",
                file.display()
            )));
        }
        attach.push((name, file));
    }
    let kind: EntityKind = a.kind.into();
    let mut clear = config_clear_fields(a.config.as_deref(), kind)?;
    clear.extend(a.clear);
    let parent = match &a.parent {
        None => None,
        Some(p) => Some(read_json(p, "parent entity")?),
    };
    let mut session = env.session()?;
    let opts = EncryptOptions {
        kind,
        share_with: a.share_with,
        clear,
        parent,
        allow_unverified: a.allow_unverified,
    };
    let mut enc = Encryptor::new(&mut session, &a.me, &opts)?;
    enc.detach_large_records(true);
    for (delegate, fp) in &enc.unverified {
        super::hcp_key::warn_unverified(&env.out, &a.me, delegate, std::slice::from_ref(fp));
    }
    let input = Location::Local(a.inputs[0].clone());
    let source = input.to_string();
    let data = files::read_input(&input, entity::attachment::DETACH_THRESHOLD)?;
    let mut written: Vec<PathBuf> = Vec::new();
    let result = (|| -> Result<()> {
        let mut write_all = |e: &Entity, key: &ehrcrypt::crypto::SymmetricKey| {
            let mut list = Vec::new();
            for (name, file) in &attach {
                let mut f = std::fs::File::open(file).map_err(|e| Error::io(file, "open", e))?;
                let att = e.write_attachment(key, &out, &mut f)?;
                written.push(entity::attachment::sidecar_path(&out, &att.id));
                list.push((name.clone(), att));
            }
            Ok(list)
        };
        let e = match data {
            files::Input::Whole(bytes) => {
                let bytes = Zeroizing::new(bytes);
                let mut e = enc.encrypt_bytes_with(&bytes, &source, &mut write_all)?;
                if let Some(body) = e.take_detached_body() {
                    written.push(body.write_beside(&out)?);
                }
                e
            }
            // A large record streams into its sidecar, released before
            // the entity is written.
            files::Input::Large(head, rest) => {
                let batch = atomic_file::Batch::new();
                let mut all = std::io::Read::chain(&head[..], rest);
                let (e, sidecar) = enc.encrypt_reader_beside(
                    &mut all,
                    &source,
                    &out,
                    &batch,
                    Mode::Public,
                    &|_| Ok(()),
                    Some(&mut write_all),
                )?;
                let mut batch = batch;
                batch.push(sidecar);
                batch.commit()?;
                if let Some(d) = e.v2.as_ref().and_then(|m| m.detached.as_ref()) {
                    written.push(entity::attachment::sidecar_path(&out, &d.id));
                }
                e
            }
        };
        atomic_file::write(&out, &e.into_bytes(), Mode::Public)
    })();
    if let Err(e) = result {
        for p in &written {
            let _ = std::fs::remove_file(p);
        }
        return Err(e);
    }
    // --force over an entity with attachments: its sidecars go.
    entity::attachment::remove_unlisted(std::slice::from_ref(&out));
    env.out.note(format!(
        "encrypted {} with {} attachment(s) as {}",
        out.display(),
        attach.len(),
        a.me
    ));
    env.report_stats(&session);
    Ok(())
}

/// `entity decrypt --attachment NAME`: one attachment streamed to `-o`.
fn decrypt_attachment(env: &Env, a: &DecryptArgs, name: &str) -> Result<()> {
    let (input, out) = match (&a.inputs[..], &a.output.out_dir, &a.output.output) {
        ([Location::Local(input)], None, None | Some(Location::Stdio)) => {
            (input.clone(), PathBuf::from("-"))
        }
        ([Location::Local(input)], None, Some(Location::Local(out))) => {
            (input.clone(), out.clone())
        }
        _ => {
            return Err(Error::usage(
                "--attachment takes one entity file (not stdin) and -o FILE or - for stdout",
            ))
        }
    };
    let session = env.session()?;
    session.keystore().local_owner(&a.me)?;
    let (e, source) = Entity::read(&input)?;
    let key = e.entity_key(&session, &a.me, &source)?;
    // The list is authenticated with the record: open it first.
    e.open_self(&key, &source)?;
    let list = e.attachments(&key, &source)?;
    let Some((_, att)) = list.iter().find(|(n, _)| n == name) else {
        let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
        return Err(Error::not_found(format!(
            "{source}: no attachment named {name:?} (it has: {})",
            if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            }
        )));
    };
    atomic_file::write_stream_output(&out, Mode::Private, a.output.overwrite(), |w| {
        e.read_attachment(&key, &input, att, w)
    })?;
    env.report_stats(&session);
    Ok(())
}

/// Every `--clear FIELD` given on the command line must name a field of
/// the record: a typo (`lastname`) would otherwise silently leave the field
/// encrypted and the index empty. (Per-kind defaults from the config file
/// may be absent from a record.)
fn check_clear_fields(bytes: &[u8], explicit: &[String], source: &str) -> Result<()> {
    if explicit.is_empty() {
        return Ok(());
    }
    // A record that is not JSON is reported by the encryption itself.
    let Ok(v) = serde_json::from_slice::<Value>(bytes) else {
        return Ok(());
    };
    check_clear_paths(&v, explicit, source)
}

/// [`check_clear_fields`] on the record's value (at least each top-level
/// field, and whole those the paths go through).
fn check_clear_paths(v: &Value, explicit: &[String], source: &str) -> Result<()> {
    for field in explicit {
        let mut at = v;
        for (depth, name) in field.split('.').enumerate() {
            match at.get(name) {
                Some(next) => at = next,
                None => {
                    let here: Vec<&str> = at
                        .as_object()
                        .map(|o| o.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let close = here.iter().find(|k| k.eq_ignore_ascii_case(name));
                    let hint = match close {
                        Some(k) => format!("did you mean {k:?}? field names are case-sensitive"),
                        None if depth == 0 => {
                            format!("the record's fields are: {}", here.join(", "))
                        }
                        None => format!("fields there: {}", here.join(", ")),
                    };
                    return Err(Error::usage(format!(
                        "{source}: --clear {field} matches no field of this record"
                    ))
                    .hint(hint));
                }
            }
        }
    }
    Ok(())
}

/// Under `--json`, the files written: `[{"input", "file"}]`. Output on
/// stdout is the data itself (an entity, a record), never a report.
fn print_written(env: &Env, inputs: &[Location], dests: &[Location]) {
    if !env.out.json || dests.contains(&Location::Stdio) {
        return;
    }
    let v: Vec<Value> = inputs
        .iter()
        .zip(dests)
        .map(|(i, d)| json!({"input": i.to_string(), "file": d.to_string()}))
        .collect();
    env.out.json(&v);
}

fn read_json(loc: &Location, what: &str) -> Result<Value> {
    ehrcrypt::format::parse_strict(&store::read(loc)?, &loc.to_string(), what)
}

/// Clear fields for `kind` from the config file, if there is one.
fn config_clear_fields(explicit: Option<&Path>, kind: EntityKind) -> Result<Vec<String>> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => match directories::ProjectDirs::from("org", "ehrcrypt", "ehrcrypt") {
            Some(d) if d.config_dir().join("config.json").exists() => {
                d.config_dir().join("config.json")
            }
            _ => return Ok(Vec::new()),
        },
    };
    let v = read_json(&Location::Local(path.clone()), "config")?;
    entity::default_clear_fields(&v, kind, &path.display().to_string())
}

/// Parses every entity under `dirs`; files that are not entities are skipped.
fn scan(dirs: &[Location]) -> Result<Vec<(Location, Entity)>> {
    let files = files::expand(dirs)?;
    let mut found = Vec::new();
    for chunk in files.chunks(1024) {
        let bytes = read_many(chunk);
        found.extend(
            chunk
                .par_iter()
                .zip(bytes)
                .filter_map(|(p, bytes)| {
                    let v: Value =
                        ehrcrypt::format::parse_strict(&bytes.ok()?, "", "entity").ok()?;
                    entity::is_entity(&v).then_some(())?;
                    Entity::parse(&v, &p.to_string())
                        .ok()
                        .map(|e| (p.clone(), e))
                })
                .collect::<Vec<_>>(),
        );
    }
    Ok(found)
}

/// Reads every location, objects of one S3 bucket many at a time.
fn read_many(locs: &[Location]) -> Vec<Result<Vec<u8>>> {
    match locs.first() {
        Some(Location::S3 { bucket, .. })
            if locs
                .iter()
                .all(|l| matches!(l, Location::S3 { bucket: b, .. } if b == bucket)) =>
        {
            let keys: Vec<String> = locs
                .iter()
                .filter_map(|l| match l {
                    Location::S3 { key, .. } => Some(key.clone()),
                    _ => None,
                })
                .collect();
            match store::open_bucket(bucket) {
                Ok(s) => s
                    .get_many(&keys)
                    .into_iter()
                    .map(|r| r.map(|o| o.bytes))
                    .collect(),
                Err(e) => {
                    let msg = e.message().to_string();
                    locs.iter()
                        .map(|_| Err(Error::new(e.kind(), msg.clone())))
                        .collect()
                }
            }
        }
        _ => locs.par_iter().map(store::read).collect(),
    }
}

/// Reads and parses one entity.
fn read_entity(loc: &Location) -> Result<(Entity, String)> {
    let source = loc.to_string();
    let bytes = store::read(loc)?;
    Ok((Entity::from_slice(&bytes, &source)?, source))
}

fn children(env: &Env, me: &OwnerId, patient: &Location, dirs: &[Location]) -> Result<()> {
    let session = env.session()?;
    let (p, source) = read_entity(patient)?;
    let secrets = std::collections::BTreeSet::from([p.secret_id(&session, me, &source)?]);
    // Only a link that authenticates counts (issue 11, defect 2): the
    // secret id in a candidate's clear secretForeignKeys may have been
    // copied there by anyone who can write the folder.
    let checked: Vec<(Location, Entity, Result<bool>)> = scan(dirs)?
        .into_par_iter()
        .map(|(path, e)| {
            let link =
                delegation::authenticated_link(&e, &session, me, &secrets, &path.to_string());
            (path, e, link)
        })
        .collect();
    let mut found = Vec::new();
    let mut forged = Vec::new();
    for (path, e, link) in checked {
        match link {
            Ok(true) => found.push((path, e)),
            Ok(false) => {}
            Err(err) if entity::is_access_error(&err) => env.out.warn(format!(
                "{path}: not listed: it claims to be a child but {me} cannot open it to check"
            )),
            Err(err) => {
                env.out.warn(format!("not listed: {}", err.message()));
                forged.push(path.to_string());
            }
        }
    }
    if found.is_empty() {
        env.out.note(format!(
            "{source}: no entity in the given places is linked to this patient"
        ));
    }
    print_entities(env, &found);
    env.report_stats(&session);
    links_verdict(&forged)
}

/// Exit 5 after the listing when a candidate's link failed to authenticate.
fn links_verdict(forged: &[String]) -> Result<()> {
    if forged.is_empty() {
        return Ok(());
    }
    Err(Error::integrity(format!(
        "{} entit{} claim{} a link that does not authenticate: {}",
        forged.len(),
        if forged.len() == 1 { "y" } else { "ies" },
        if forged.len() == 1 { "s" } else { "" },
        forged.join(", ")
    ))
    .hint("the files were modified (possibly relinked); restore or remove them"))
}

fn parent(env: &Env, me: &OwnerId, path: &Location, dirs: &[Location]) -> Result<()> {
    let session = env.session()?;
    let (e, source) = read_entity(path)?;
    let Some(parent_id) = e.parent_id(&session, me, &source)? else {
        return Err(Error::not_found(format!(
            "{source}: entity {} has no parent link",
            e.id_text()
        )));
    };
    // The child's own link first: if it does not authenticate, no
    // candidate can be its parent.
    let claimed = e.secret_foreign_keys.iter().cloned().collect();
    delegation::authenticated_link(&e, &session, me, &claimed, &source)?;
    let mut found = Vec::new();
    let mut forged = Vec::new();
    for (path, p) in scan(dirs)?
        .into_iter()
        .filter(|(_, p)| p.kind == EntityKind::Patient && p.id_text() == parent_id)
    {
        let psource = path.to_string();
        match delegation::authenticated_parent(&e, &p, &session, me, &source, &psource) {
            Ok(true) => found.push((path, p)),
            Ok(false) => {}
            Err(err) if entity::is_access_error(&err) => env.out.warn(format!(
                "{psource}: not listed: {me} cannot open it to check that it is the parent"
            )),
            Err(err) => {
                env.out.warn(format!("not listed: {}", err.message()));
                forged.push(psource);
            }
        }
    }
    if found.is_empty() && forged.is_empty() {
        return Err(Error::not_found(format!(
            "{source}: its patient {parent_id} is in none of the given directories"
        )));
    }
    print_entities(env, &found);
    env.report_stats(&session);
    links_verdict(&forged)
}

fn print_entities(env: &Env, found: &[(Location, Entity)]) {
    if env.out.json {
        let v: Vec<Value> = found
            .iter()
            .map(|(p, e)| json!({"file": p.to_string(), "id": e.id, "kind": e.kind}))
            .collect();
        env.out.json(&v);
    } else {
        for (p, e) in found {
            env.out.line(format!("{p}\t{}\t{}", e.kind, e.id_text()));
        }
    }
}
