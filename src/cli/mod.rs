//! The command-line interface: one file per subcommand. Each parses its own
//! arguments (clap derive) and calls the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;
use ehrcrypt::{Error, Result};

pub mod backup;
pub mod completions;
pub mod delegation;
pub mod demo;
pub mod emergency;
pub mod entity;
pub mod files;
pub mod hcp_key;
pub mod icure;
pub mod key;
pub mod keygen;
pub mod output;
pub mod owner;
#[cfg(feature = "research")]
pub mod research;

use output::Output;

/// End-to-end encrypted health records: RSA-2048 data-owner keys, pairwise
/// AES-256 exchange keys, and per-entity AES-256-GCM keys (the iCure model).
#[derive(Parser, Debug)]
#[command(
    name = "ehrcrypt",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = "Run `ehrcrypt demo` to see the whole flow on a throw-away keystore.")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Keystore file [default: the platform data directory]
    #[arg(long, global = true, env = "EHRCRYPT_KEYSTORE", value_name = "PATH")]
    pub keystore: Option<PathBuf>,

    /// Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,

    /// Machine-readable JSON on stdout
    #[arg(long, global = true)]
    pub json: bool,

    /// Print nothing but results and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Report expensive operations (RSA decryptions, key unlocks)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Generate an RSA-2048 key pair for a new data owner
    Keygen(keygen::KeygenArgs),
    /// List, show, export, import and verify data owners
    #[command(subcommand)]
    Owner(owner::OwnerCommand),
    /// Administer private keys by hand (PEM that openssl reads)
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Pairwise exchange keys ("hcp keys") between data owners
    #[command(subcommand, name = "hcp-key")]
    HcpKey(hcp_key::HcpKeyCommand),
    /// Encrypt, decrypt and link patients, contacts, forms and health elements
    #[command(subcommand)]
    Entity(entity::EntityCommand),
    /// Share entities with other data owners, list who has access, revoke it
    #[command(subcommand)]
    Delegation(delegation::DelegationCommand),
    /// Short for `delegation share`
    Share(delegation::ShareArgs),
    /// Emergency backups to a QR card (R2D Backup): create, inspect, restore
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    /// Read (and add to) a patient's backup with their card (R2D Emergency)
    #[command(subcommand)]
    Emergency(emergency::EmergencyCommand),
    /// Research sharing: pseudonymised studies re-encrypted by proxies for researchers
    #[cfg(feature = "research")]
    #[command(subcommand)]
    Research(research::ResearchCommand),
    /// Real iCure and Cardinal data: import keys and owners, decrypt, check, migrate, share
    #[command(subcommand)]
    Icure(icure::IcureCommand),
    /// Run the whole flow on a throw-away keystore and narrate it
    Demo(demo::DemoArgs),
    /// Print shell completions generated from this command line
    Completions(completions::CompletionsArgs),
}

/// The kinds of data owner, as the command line spells them.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum KindArg {
    Hcp,
    Patient,
    Device,
}

impl From<KindArg> for ehrcrypt::owner::OwnerKind {
    fn from(k: KindArg) -> Self {
        use ehrcrypt::owner::OwnerKind;
        match k {
            KindArg::Hcp => OwnerKind::Hcp,
            KindArg::Patient => OwnerKind::Patient,
            KindArg::Device => OwnerKind::Device,
        }
    }
}

/// clap value parser for display names (see [`ehrcrypt::owner::check_name`]).
pub fn owner_name(s: &str) -> Result<String> {
    ehrcrypt::owner::check_name(s)?;
    Ok(s.to_string())
}

/// What every command gets: where the keystore is, how to ask for a
/// passphrase, and how to print.
pub struct Env {
    pub global: Global,
    pub out: Output,
}

impl Env {
    pub fn new(global: Global) -> Self {
        let out = Output {
            json: global.json,
            quiet: global.quiet,
            verbose: global.verbose,
        };
        Env { global, out }
    }

    pub fn keystore_path(&self) -> Result<PathBuf> {
        match &self.global.keystore {
            Some(p) => Ok(p.clone()),
            None => ehrcrypt::keystore::default_path().ok_or_else(|| {
                Error::usage("cannot find a data directory for the keystore")
                    .hint("pass --keystore PATH or set EHRCRYPT_KEYSTORE")
            }),
        }
    }

    pub fn passphrase(&self) -> PassphraseSource {
        PassphraseSource::new(self.global.passphrase_file.clone())
    }

    /// Opens a session on the keystore (keys unlocked lazily).
    pub fn session(&self) -> Result<Session> {
        Session::open(&self.keystore_path()?, self.passphrase())
    }

    /// Reports the session's RSA work for `-v`.
    pub fn report_stats(&self, session: &Session) {
        let s = session.stats();
        self.out.verbose(format!(
            "RSA decryptions: {}, private keys unlocked: {}",
            s.rsa_decryptions, s.key_unlocks
        ));
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let env = Env::new(cli.global);
    match cli.command {
        Command::Keygen(a) => keygen::run(&env, a),
        Command::Owner(c) => owner::run(&env, c),
        Command::Key(c) => key::run(&env, c),
        Command::HcpKey(c) => hcp_key::run(&env, c),
        Command::Entity(c) => entity::run(&env, c),
        Command::Delegation(c) => delegation::run(&env, c),
        Command::Share(a) => delegation::share(&env, a),
        Command::Backup(c) => backup::run(&env, c),
        Command::Emergency(c) => emergency::run(&env, c),
        #[cfg(feature = "research")]
        Command::Research(c) => research::run(&env, c),
        Command::Icure(c) => icure::run(&env, c),
        Command::Demo(a) => demo::run(&env, a),
        Command::Completions(a) => completions::run(a),
    }
}
