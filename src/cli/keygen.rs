//! `ehrcrypt keygen`: a new data owner with an RSA-2048 key pair.

use clap::Args;

use ehrcrypt::crypto::PrivateKey;
use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::{Owner, OwnerId};
use ehrcrypt::Result;

use super::{Env, KindArg};

#[derive(Args, Debug)]
pub struct KeygenArgs {
    /// Display name of the data owner
    #[arg(long, value_parser = super::owner_name)]
    pub name: String,
    /// Kind of data owner: hcp, patient or device
    #[arg(long, value_enum)]
    pub kind: KindArg,
    /// Identifier [default: a fresh UUID]
    #[arg(long)]
    pub id: Option<OwnerId>,
}

pub fn run(env: &Env, args: KeygenArgs) -> Result<()> {
    let path = env.keystore_path()?;
    let id = args.id.unwrap_or_else(OwnerId::random);
    // Fail before the slow part if the keystore is unreadable or the id taken.
    if Keystore::load_or_empty(&path)?.find(&id).is_some() {
        return Err(
            ehrcrypt::Error::refused(format!("owner {id} already exists"))
                .hint("pick another --id, or add a key pair with `ehrcrypt key add ID`"),
        );
    }
    let about = [id.as_str(), args.name.as_str()];
    let passphrase =
        env.new_passphrase(&env.passphrase(), &format!("the new key of {id}"), &about)?;
    let spinner = env.out.spinner("generating RSA-2048 key pair");
    let key = PrivateKey::generate()?;
    spinner.finish_and_clear();
    let mut owner = Owner {
        id: id.clone(),
        name: args.name,
        kind: args.kind.into(),
        public_keys: Vec::new(),
        private_keys: Vec::new(),
        hc_party_keys: Default::default(),
        pre_keys: Vec::new(),
    };
    owner.add_key_pair(&key, passphrase.as_bytes())?;
    let fp = key.public().fingerprint();
    let (name, kind) = (owner.name.clone(), owner.kind);
    Keystore::update(&path, |ks| ks.insert(owner))?;
    if env.out.json {
        env.out.json(&serde_json::json!({
            "id": id, "name": name, "kind": kind, "fingerprint": fp,
        }));
    } else {
        env.out.line(format!("id: {id}"));
        env.out.line(format!("fingerprint: {}", fp.grouped()));
        env.out
            .note(format!("created {kind} {name} in {}", path.display()));
    }
    Ok(())
}
