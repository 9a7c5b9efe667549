//! The command-line interface: one file per subcommand. Each parses its own
//! arguments (clap derive) and calls the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;
use ehrcrypt::{Error, Result};

#[cfg(unix)]
pub mod agent;
pub mod backup;
pub mod completions;
pub mod delegation;
pub mod demo;
pub mod emergency;
pub mod entity;
pub mod fhir;
pub mod files;
pub mod hcp_key;
pub mod icure;
pub mod key;
pub mod keygen;
pub mod output;
pub mod owner;
pub mod pair;
pub mod receive;
#[cfg(feature = "research")]
pub mod research;
pub mod send;
pub mod trust;

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

/// The help heading of the options every command takes, listed apart
/// from the command's own.
const GLOBAL: &str = "Global options";

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Keystore file [default: the platform data directory]
    #[arg(long, global = true, env = "EHRCRYPT_KEYSTORE", hide_env_values = true, value_name = "PATH", help_heading = GLOBAL)]
    pub keystore: Option<PathBuf>,

    /// Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt
    #[arg(long, global = true, value_name = "FILE", help_heading = GLOBAL)]
    pub passphrase_file: Option<PathBuf>,

    /// Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub json: bool,

    /// Print nothing but results and errors
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    pub quiet: bool,

    /// Report expensive operations (RSA decryptions, key unlocks)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = GLOBAL)]
    pub verbose: u8,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Generate an RSA-2048 key pair for a new data owner
    #[command(
        after_help = "Examples:\n  ehrcrypt keygen --name 'Dr Alice' --kind hcp --id alice\n  ehrcrypt --keystore bob.keystore.json keygen --name 'Dr Bob' --kind hcp --id bob"
    )]
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
    #[command(
        after_help = "Examples:\n  ehrcrypt share --as alice --with carol keats.enc.json\n  ehrcrypt share --as alice --with carol --with-children records/ keats.enc.json"
    )]
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
    /// FHIR R4 Bundles and bulk-data ndjson in and out of encrypted entities
    #[command(subcommand)]
    Fhir(fhir::FhirCommand),
    /// Pair with another device: a one-time code, and each side's key verified
    #[command(
        after_help = "Examples:\n  ehrcrypt pair --as bob --listen 0.0.0.0   # prints a code and the address\n  ehrcrypt pair --as alice --code 417-maple-otter 192.168.1.20:40123"
    )]
    Pair(pair::PairArgs),
    /// Pair with another device and send it records (shared, not re-encrypted)
    #[command(
        after_help = "Examples:\n  ehrcrypt send --as alice --to bob --code 417-maple-otter --connect 192.168.1.20:40123 keats.enc.json records/\n  ehrcrypt send --as alice --to bob --listen 0.0.0.0 keats.enc.json"
    )]
    Send(send::SendArgs),
    /// Pair with another device and receive records into a directory
    #[command(
        after_help = "Examples:\n  ehrcrypt receive --as bob --listen 0.0.0.0 --out-dir from-alice/\n  ehrcrypt receive --as bob --code 417-maple-otter --connect 192.168.1.20:40123 --out-dir from-alice/"
    )]
    Receive(receive::ReceiveArgs),
    /// Real iCure and Cardinal data: import keys and owners, decrypt, check, migrate, share
    #[command(subcommand)]
    Icure(icure::IcureCommand),
    /// Run the whole flow on a throw-away keystore and narrate it
    #[command(
        after_help = "Examples:\n  ehrcrypt demo\n  ehrcrypt demo --keep demo-files/   # keep the keystores and try the commands"
    )]
    Demo(demo::DemoArgs),
    /// Print shell completions generated from this command line
    #[command(
        after_help = "Examples:\n  source <(ehrcrypt completions bash)\n  ehrcrypt completions zsh > ~/.zfunc/_ehrcrypt"
    )]
    Completions(completions::CompletionsArgs),
    /// Write one man page per command into DIR (for scripts/update-completions)
    #[command(name = "man-pages", hide = true)]
    ManPages(completions::ManPagesArgs),
    /// Certificate authorities this keystore trusts, and their revocation lists
    #[command(subcommand)]
    Trust(trust::TrustCommand),
    /// Keep private keys unlocked for a session: the passphrase asked once, not per command
    #[cfg(unix)]
    #[command(subcommand)]
    Agent(agent::AgentCommand),
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
        let path = match &self.global.keystore {
            Some(p) => p.clone(),
            None => ehrcrypt::keystore::default_path().ok_or_else(|| {
                Error::usage("cannot find a data directory for the keystore")
                    .hint("pass --keystore PATH or set EHRCRYPT_KEYSTORE")
            })?,
        };
        self.warn_if_others_can_read(&path, "keystore");
        Ok(path)
    }

    pub fn passphrase(&self) -> PassphraseSource {
        if let Some(p) = &self.global.passphrase_file {
            self.warn_if_others_can_read(p, "passphrase file");
        }
        PassphraseSource::new(self.global.passphrase_file.clone())
    }

    /// A passphrase for a new key, from the usual sources; warns (never
    /// refuses: the user may know better) when zxcvbn rates it weak. `about`
    /// are words of the context a guesser would try first (id, name).
    pub fn new_passphrase(
        &self,
        source: &PassphraseSource,
        what: &str,
        about: &[&str],
    ) -> Result<zeroize::Zeroizing<String>> {
        let p = source.get_new(what)?;
        if let Some(w) = ehrcrypt::passphrase::weakness(&p, about) {
            self.out.warn(format!(
                "the passphrase for {what} is weak (zxcvbn score {}/4, {} wanted): {}",
                w.score,
                ehrcrypt::passphrase::MIN_SCORE,
                w.advice
            ));
        }
        Ok(p)
    }

    /// Warns, as ssh and gpg do, when a file holding secrets may be read
    /// by other users (group or world bits set). Once per file and process.
    fn warn_if_others_can_read(&self, path: &std::path::Path, what: &str) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            static WARNED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
            let Ok(m) = std::fs::metadata(path) else {
                return;
            };
            let mode = m.permissions().mode() & 0o777;
            if !m.is_file() || mode & 0o044 == 0 {
                return;
            }
            if let Ok(mut w) = WARNED.lock() {
                if w.iter().any(|p| p == path) {
                    return;
                }
                w.push(path.to_path_buf());
            }
            self.out.warn(format!(
                "{what} {} can be read by other users (mode {mode:03o}): run `chmod 600 {}`",
                path.display(),
                path.display()
            ));
        }
        #[cfg(not(unix))]
        let _ = (path, what);
    }

    /// Opens a session on the keystore (keys unlocked lazily).
    pub fn session(&self) -> Result<Session> {
        Session::open(&self.keystore_path()?, self.passphrase())
    }

    /// Reports the session's RSA work for `-v`.
    pub fn report_stats(&self, session: &Session) {
        let s = session.stats();
        let agent = match s.agent_keys_used {
            0 => String::new(),
            n => format!(", keys used through the agent: {n}"),
        };
        self.out.verbose(format!(
            "RSA decryptions: {}, private keys unlocked: {}{agent}",
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
        Command::Fhir(c) => fhir::run(&env, c),
        Command::Pair(a) => pair::run(&env, a),
        Command::Send(a) => send::run(&env, a),
        Command::Receive(a) => receive::run(&env, a),
        Command::Icure(c) => icure::run(&env, c),
        Command::Demo(a) => demo::run(&env, a),
        Command::Completions(a) => completions::run(&env, a),
        Command::ManPages(a) => completions::man_pages(a),
        Command::Trust(c) => trust::run(&env, c),
        #[cfg(unix)]
        Command::Agent(c) => agent::run(&env, c),
    }
}
