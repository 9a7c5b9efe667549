//! `ehrcrypt fhir import|export`: FHIR Bundles and bulk-data ndjson in and
//! out of encrypted entities. The work is in `ehrcrypt::fhir`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;

use ehrcrypt::fhir::export::{self, ExportLayout, ExportOptions};
use ehrcrypt::fhir::import::{self, ImportOptions};
use ehrcrypt::fhir::input::Input;
use ehrcrypt::fhir::resource::ResourceId;
use ehrcrypt::fhir::{Progress, Quiet};
use ehrcrypt::owner::OwnerId;
use ehrcrypt::store::Location;
use ehrcrypt::{Error, Result};

use super::Env;

#[derive(Subcommand, Debug)]
pub enum FhirCommand {
    /// Encrypt each resource of FHIR Bundles or ndjson files as an entity, linked to its patient
    #[command(
        after_help = "Examples:\n  ehrcrypt fhir import --as alice --share-with bob bundle.json --out-dir records/\n  ehrcrypt fhir import --as alice Patient.ndjson Observation.ndjson --out-dir bulk/\n  cat bundle.json | ehrcrypt fhir import --as alice - --out-dir records/"
    )]
    Import(ImportArgs),
    /// Decrypt the FHIR records you can read back into one Bundle (or ndjson)
    #[command(
        after_help = "Examples:\n  ehrcrypt fhir export --as alice records/ -o bundle.json\n  ehrcrypt fhir export --as bob records/ --patient pat-keats --ndjson > keats.ndjson\n  ehrcrypt fhir export --as alice s3://clinic/records/ -o bundle.json"
    )]
    Export(ExportArgs),
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The data owner who encrypts (its private key must be here)
    #[arg(long = "as", value_name = "OWNER")]
    pub me: OwnerId,
    /// Also give this data owner access (repeatable)
    #[arg(long, value_name = "OWNER")]
    pub share_with: Vec<OwnerId>,
    /// Allow new exchange keys for unverified delegate keys
    #[arg(long)]
    pub allow_unverified: bool,
    /// Bundle (.json) or bulk-data ndjson (.ndjson) files; - reads stdin
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Directory for the entities (created whole if it does not exist), or
    /// s3://BUCKET/PREFIX/ (each object created, never replacing one)
    #[arg(long, value_name = "DIR")]
    pub out_dir: Location,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The data owner who decrypts
    #[arg(long = "as", value_name = "OWNER")]
    pub me: OwnerId,
    /// Directories (or entity files) to export from, or s3://BUCKET/PREFIX/
    #[arg(required = true, value_name = "DIR", value_hint = clap::ValueHint::AnyPath)]
    pub dirs: Vec<Location>,
    /// Only this patient's compartment (the Patient's FHIR id)
    #[arg(long, value_name = "ID")]
    pub patient: Option<String>,
    /// One resource per line instead of a Bundle
    #[arg(long)]
    pub ndjson: bool,
    /// Output file (- for stdout, the default)
    #[arg(short, long, value_name = "OUT", default_value = "-")]
    pub output: PathBuf,
    /// Replace an existing output file
    #[arg(long)]
    pub force: bool,
}

pub fn run(env: &Env, cmd: FhirCommand) -> Result<()> {
    match cmd {
        FhirCommand::Import(a) => run_import(env, a),
        FhirCommand::Export(a) => run_export(env, a),
    }
}

/// A progress bar on a terminal, reset at each phase.
struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn phase(&self, what: &str, len: Option<u64>) {
        self.0.reset();
        self.0.set_length(len.unwrap_or(0));
        self.0.set_message(what.to_string());
    }
    fn inc(&self, n: u64) {
        self.0.inc(n);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

fn progress(env: &Env) -> Box<dyn Progress> {
    if env.out.interactive() {
        Box::new(Bar(env.out.progress(u64::MAX, "reading")))
    } else {
        Box::new(Quiet)
    }
}

fn run_import(env: &Env, a: ImportArgs) -> Result<()> {
    for p in &a.inputs {
        super::files::plaintext_local(p, "a FHIR input")?;
    }
    // On an object store: built in a private local folder (ciphertext
    // only), then published there whole or not at all.
    let scratch = match &a.out_dir {
        Location::S3 { .. } => Some(ehrcrypt::store::publish::Scratch::new()?),
        _ => None,
    };
    let out_dir = match (&scratch, &a.out_dir) {
        (Some(s), _) => s.path.join("out"),
        (None, Location::Local(p)) => p.clone(),
        (None, other) => {
            return Err(
                Error::usage(format!("{other}: --out-dir must be a directory"))
                    .hint("name a local folder, or s3://BUCKET/PREFIX/"),
            )
        }
    };
    let inputs = a
        .inputs
        .iter()
        .map(|p| Input::open(p))
        .collect::<Result<Vec<_>>>()?;
    if a.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(Error::usage("standard input (-) can be read only once"));
    }
    let mut session = env.session()?;
    let opts = ImportOptions {
        share_with: a.share_with,
        allow_unverified: a.allow_unverified,
        // Published to an object store, every record stays inside its entity.
        detach_large_records: scratch.is_none(),
    };
    let bar = progress(env);
    let report = import::import(&mut session, &a.me, &inputs, &out_dir, &opts, &*bar)?;
    drop(bar);
    if scratch.is_some() {
        ehrcrypt::store::publish::publish_folder(&out_dir, &a.out_dir)?;
    }
    for (delegate, fp) in &report.unverified {
        super::hcp_key::warn_unverified(&env.out, &a.me, delegate, std::slice::from_ref(fp));
    }
    for d in &report.dangling {
        env.out.verbose(d);
    }
    if report.dangling_count > report.dangling.len() as u64 {
        env.out.verbose(format!(
            "... and {} more references not in the input",
            report.dangling_count - report.dangling.len() as u64
        ));
    }
    if env.out.json {
        env.out.json(&json!({
            "imported": report.resources,
            "patients": report.patients,
            "linked": report.linked,
            "bundles": report.bundles,
            "danglingReferences": report.dangling_count,
            "outDir": a.out_dir.to_string(),
        }));
    } else {
        let dangling = match report.dangling_count {
            0 => String::new(),
            n => format!(
                "; {n} reference(s) to resources not in the input kept as they are (-v lists them)"
            ),
        };
        env.out.note(format!(
            "imported {} resource(s) as {} into {}: {} patient(s), {} resource(s) linked to them{dangling}",
            report.resources,
            a.me,
            a.out_dir,
            report.patients,
            report.linked,
        ));
    }
    env.report_stats(&session);
    Ok(())
}

fn run_export(env: &Env, a: ExportArgs) -> Result<()> {
    let patient = a
        .patient
        .as_deref()
        .map(ResourceId::new)
        .transpose()
        .map_err(|e| Error::usage(format!("--patient: {}", e.message())))?;
    super::files::plaintext_local(&a.output, "the export")?;
    let to_stdout = a.output.as_os_str() == "-";
    if !to_stdout && !a.force && a.output.exists() {
        return Err(
            Error::refused(format!("{}: already exists", a.output.display()))
                .hint("pass --force to replace it"),
        );
    }
    let files = super::files::expand(&a.dirs)?;
    let session = env.session()?;
    let opts = ExportOptions {
        patient,
        layout: if a.ndjson {
            ExportLayout::Ndjson
        } else {
            ExportLayout::Bundle
        },
    };
    let bar = progress(env);
    let report = export::export(&session, &a.me, &files, &opts, &a.output, &*bar)?;
    drop(bar);
    if env.out.json && !to_stdout {
        env.out.json(&json!({
            "exported": report.resources,
            "output": a.output,
            "bundleRestored": report.bundle_restored,
            "noAccess": report.no_access,
            "skipped": report.other,
        }));
    } else {
        let what = match (a.ndjson, report.bundle_restored) {
            (true, _) => "as ndjson",
            (false, true) => "as the imported Bundle",
            (false, false) => "as a collection Bundle",
        };
        let unread = match report.no_access {
            0 => String::new(),
            n => format!("; {n} entit(ies) {} cannot read left out", a.me),
        };
        env.out.note(format!(
            "exported {} resource(s) {what} to {}{unread}",
            report.resources,
            ehrcrypt::error::display_path(&a.output)
        ));
    }
    env.report_stats(&session);
    Ok(())
}
