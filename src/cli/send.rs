//! `ehrcrypt send`: pair with the other device and send it records, shared
//! with its owner through the ordinary delegation (payloads untouched).

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use ehrcrypt::d2d::{self, Me};
use ehrcrypt::owner::OwnerId;
use ehrcrypt::store::Location;
use ehrcrypt::{Error, Result};

use super::pair::{peer_json, peer_line, start, LinkArgs};
use super::{files, Env};

#[derive(Args, Debug)]
pub struct SendArgs {
    /// The data owner who sends; it must be able to read every entity
    #[arg(long = "as", value_name = "OWNER")]
    pub me: OwnerId,
    /// The data owner on the other device; anyone else is refused
    #[arg(long, value_name = "OWNER")]
    pub to: OwnerId,
    #[command(flatten)]
    pub link: LinkArgs,
    /// With --code: the listening side's HOST:PORT
    #[arg(long, value_name = "HOST:PORT")]
    pub connect: Option<String>,
    /// Entity files or directories (your files are not changed)
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

pub fn run(env: &Env, a: SendArgs) -> Result<()> {
    if a.inputs.iter().any(|p| p.as_os_str() == "-") {
        return Err(Error::usage("send reads files, not stdin"));
    }
    if a.to == a.me {
        return Err(Error::usage("--to names yourself"));
    }
    for p in &a.inputs {
        files::local_only(p, "a record to send")?;
    }
    let inputs: Vec<Location> = a
        .inputs
        .iter()
        .map(|p| Location::from(p.as_path()))
        .collect();
    let paths: Vec<PathBuf> = files::expand_unique(&inputs)?
        .iter()
        .map(|l| l.path().to_path_buf())
        .collect();
    let records = d2d::load_records(&paths)?;
    let mut session = env.session()?;
    let (owner, key, mut ch) = start(env, &session, &a.me, &a.link, a.connect.as_deref())?;
    let comparison = ch.comparison_code();
    let me = Me {
        owner: &owner,
        key: &key,
    };
    let (peer, trusted) = d2d::pair(&mut ch, session.path(), &me, Some(&a.to))?;
    env.out.note(peer_line(&peer));
    session.reload()?;
    let sent = d2d::send_records(&mut ch, &mut session, &a.me, &a.to, records)?;
    if env.out.json {
        env.out.json(&json!({
            "peer": peer_json(&peer, &comparison, trusted.import.created),
            "files": sent.names,
            "bytes": sent.totals.bytes,
            "exchangeKey": sent.key,
        }));
    } else {
        if sent.key.created {
            env.out.note(format!(
                "created exchange key {}→{} ({})",
                a.me, a.to, sent.key.exchange_key
            ));
        }
        env.out.line(format!(
            "sent {} records ({} bytes) to {}: {}",
            sent.totals.files,
            sent.totals.bytes,
            a.to,
            sent.names.join(", ")
        ));
    }
    Ok(())
}
