//! `ehrcrypt key ...`: private keys by hand, as encrypted PKCS#8 PEM that
//! `openssl pkey -passin` opens.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use ehrcrypt::atomic_file::{self, Mode, Overwrite};
use ehrcrypt::crypto::{Fingerprint, PrivateKey};
use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::{Owner, OwnerId};
use ehrcrypt::{Error, Result};

use super::{Env, KindArg};

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Write an owner's private key as encrypted PKCS#8 PEM (file created 0600)
    #[command(
        after_help = "Examples:\n  ehrcrypt key export-private alice -o alice.pem\n  openssl pkey -in alice.pem -noout   # asks for the passphrase"
    )]
    ExportPrivate {
        id: OwnerId,
        /// Which key [default: the current one]
        #[arg(long)]
        fingerprint: Option<Fingerprint>,
        /// Output file (stdout is refused: private keys never go there)
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Replace FILE if it exists (refused otherwise)
        #[arg(long)]
        force: bool,
    },
    /// Import a PKCS#8 PEM private key (encrypted or not) for an owner
    #[command(
        after_help = "Examples:\n  ehrcrypt key import-private alice alice.pem\n  ehrcrypt key import-private dora dora.pem --name 'Dr Dora' --kind hcp"
    )]
    ImportPrivate {
        id: OwnerId,
        /// PEM file, or - for stdin
        file: PathBuf,
        /// Name, when the owner is not in the keystore yet
        #[arg(long, value_parser = super::owner_name)]
        name: Option<String>,
        /// Kind, when the owner is not in the keystore yet
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
    },
    /// Generate a new key pair for an owner held here (key rotation); old keys stay for old data
    #[command(
        after_help = "Examples:\n  ehrcrypt key add alice\n  ehrcrypt owner export alice -o alice.owner.json --force   # tell the others"
    )]
    Add { id: OwnerId },
}

pub fn run(env: &Env, cmd: KeyCommand) -> Result<()> {
    let path = env.keystore_path()?;
    let out = &env.out;
    match cmd {
        KeyCommand::ExportPrivate {
            id,
            fingerprint,
            output,
            force,
        } => {
            if output.as_os_str() == "-" {
                return Err(Error::usage("private keys are never written to stdout")
                    .hint("give a file with -o FILE; it is created with mode 0600"));
            }
            let overwrite = Overwrite::from_force(force);
            overwrite.check(&output)?;
            let ks = Keystore::load(&path)?;
            let o = ks.local_owner(&id)?;
            let entry = match fingerprint {
                Some(fp) => o.private_key_entry(&fp).ok_or_else(|| {
                    Error::not_found(format!("owner {id} has no private key {} here", fp.short()))
                })?,
                None => o.current_private_key_entry().ok_or_else(|| {
                    Error::not_found(format!("owner {id} has no private key here"))
                })?,
            };
            atomic_file::write_output(&output, entry.pkcs8.as_bytes(), Mode::Private, overwrite)?;
            if out.json {
                out.json(&json!({"id": id, "fingerprint": entry.fingerprint, "file": output}));
            } else {
                out.note(format!(
                    "wrote private key {} of {id} to {} (encrypted under your passphrase)",
                    entry.fingerprint.short(),
                    output.display()
                ));
            }
        }
        KeyCommand::ImportPrivate {
            id,
            file,
            name,
            kind,
        } => {
            let pem = zeroize::Zeroizing::new(
                String::from_utf8(atomic_file::read(&file)?)
                    .map_err(|_| Error::format(format!("{}: not a PEM file", file.display())))?,
            );
            let passphrase = env.passphrase();
            let (key, pass) = if pem.contains("ENCRYPTED PRIVATE KEY") {
                let pass = passphrase.get(&format!("the key in {}", file.display()))?;
                (PrivateKey::from_encrypted_pem(&pem, pass.as_bytes())?, pass)
            } else {
                let key =
                    PrivateKey::from_plain_pem(&pem).map_err(|e| e.context(file.display()))?;
                let pass = env.new_passphrase(
                    &passphrase,
                    &format!("the imported key of {id}"),
                    &[id.as_str()],
                )?;
                (key, pass)
            };
            let fp = key.public().fingerprint();
            Keystore::update(&path, |ks| {
                if let Some(o) = ks.find(&id) {
                    // One passphrase opens all of an owner's keys, as `key
                    // add` keeps it: a command asks for one only.
                    o.check_passphrase(pass.as_bytes()).map_err(|e| {
                        e.hint(format!(
                            "{id}'s keys here are under another passphrase: import the key under that one"
                        ))
                    })?;
                }
                if ks.find(&id).is_none() {
                    let (Some(name), Some(kind)) = (name, kind) else {
                        return Err(Error::not_found(format!("no owner {id} in the keystore"))
                            .hint("import the owner's document first, or pass --name and --kind"));
                    };
                    ks.insert(Owner {
                        id: id.clone(),
                        name,
                        kind: kind.into(),
                        public_keys: Vec::new(),
                        private_keys: Vec::new(),
                        hc_party_keys: Default::default(),
                        pre_keys: Vec::new(),
                    })?;
                }
                ks.owner_mut(&id)?.add_key_pair(&key, pass.as_bytes())
            })?;
            if out.json {
                out.json(&json!({"id": id, "fingerprint": fp}));
            } else {
                out.line(format!("imported private key {fp} for {id}"));
            }
        }
        KeyCommand::Add { id } => {
            // The new key is protected by the owner's existing passphrase,
            // checked by opening the current key, so one passphrase keeps
            // opening all of the owner's keys.
            let ks = Keystore::load(&path)?;
            let owner = ks.local_owner(&id)?;
            let pass = env.passphrase().get(&format!("owner {id}"))?;
            owner.check_passphrase(pass.as_bytes())?;
            let spinner = out.spinner("generating RSA-2048 key pair");
            let key = PrivateKey::generate()?;
            spinner.finish_and_clear();
            let fp = key.public().fingerprint();
            Keystore::update(&path, |ks| {
                ks.owner_mut(&id)?.add_key_pair(&key, pass.as_bytes())
            })?;
            if out.json {
                out.json(&json!({"id": id, "fingerprint": fp}));
            } else {
                out.line(format!("fingerprint: {}", fp.grouped()));
                out.note(format!(
                    "new key pair for {id}; export the owner document again so others can use it"
                ));
            }
        }
    }
    Ok(())
}
