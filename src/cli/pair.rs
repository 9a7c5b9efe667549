//! `ehrcrypt pair`: two devices side by side agree on a channel with a
//! one-time code and mark each other's key verified (issue 18). Also the
//! connection options that `send` and `receive` share.

use std::io::{BufRead, Read};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use serde_json::json;

use ehrcrypt::crypto::PrivateKey;
use ehrcrypt::d2d::{self, Channel, Invitation, Me, PairingCode, Peer};
use ehrcrypt::owner::{Owner, OwnerId};
use ehrcrypt::session::Session;
use ehrcrypt::{Error, Result};

use super::Env;

/// How to reach the other device: listen and show a code, or connect with it.
#[derive(Args, Debug, Clone)]
pub struct LinkArgs {
    /// Listen on ADDR (HOST or HOST:PORT; default 127.0.0.1, any free port), print a one-time code, and wait for one connection
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1", conflicts_with = "code")]
    pub listen: Option<String>,
    /// The one-time code the listening side shows (- reads it from stdin)
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    /// Seconds to wait for the other side's next message
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// With --listen: seconds the code stays valid (at most 300)
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub wait: u64,
}

impl LinkArgs {
    /// Opens the channel: with `--listen`, binds, prints where and the
    /// code, and waits; with `--code`, connects to `peer`.
    pub fn open(&self, env: &Env, peer: Option<&str>) -> Result<Channel<TcpStream>> {
        let timeout = Duration::from_secs(self.timeout);
        let ch = match (&self.listen, &self.code, peer) {
            (Some(addr), None, None) => {
                let inv = Invitation::bind(addr, Duration::from_secs(self.wait))?;
                let code = inv.code().text();
                if env.out.json {
                    // The one line that comes before the result object:
                    // the other side needs it while this one waits.
                    println!(
                        "{}",
                        json!({"listening": inv.addr().to_string(), "code": code.as_str()})
                    );
                } else {
                    env.out.line(format!("listening on {}", inv.addr()));
                    env.out.line(format!("code: {}", code.as_str()));
                }
                env.out.note(format!(
                    "on the other device: --code {} {} (valid once, for {} s)",
                    code.as_str(),
                    inv.addr(),
                    self.wait
                ));
                inv.accept(timeout)?
            }
            (None, Some(code), Some(addr)) => d2d::connect(addr, &read_code(code)?, timeout)?,
            (None, Some(_), None) => {
                return Err(Error::usage(
                    "--code needs the address of the listening side (HOST:PORT)",
                ))
            }
            (Some(_), _, Some(_)) => {
                return Err(Error::usage(
                    "--listen takes no HOST:PORT of the other side",
                ))
            }
            _ => {
                return Err(Error::usage(
                    "give --listen (and read the code out), or --code CODE HOST:PORT",
                ))
            }
        };
        env.out.note(format!(
            "comparison code: {} (the same on both screens)",
            ch.comparison_code()
        ));
        Ok(ch)
    }
}

/// The code as typed, or read from stdin for `-` (keeps it out of `ps`).
fn read_code(text: &str) -> Result<PairingCode> {
    if text != "-" {
        return PairingCode::parse(text);
    }
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .take(256)
        .read_line(&mut line)
        .map_err(|e| Error::usage(format!("cannot read the code from stdin: {e}")))?;
    PairingCode::parse(&line)
}

#[derive(Args, Debug)]
pub struct PairArgs {
    /// The data owner on this device (its private key is held here)
    #[arg(long = "as", value_name = "OWNER")]
    pub me: OwnerId,
    #[command(flatten)]
    pub link: LinkArgs,
    /// With --code: the listening side's HOST:PORT
    #[arg(value_name = "HOST:PORT")]
    pub peer: Option<String>,
}

/// What every D2D command does before the protocol: unlock the current
/// key of `me` (so that no passphrase prompt interrupts the protocol),
/// then open the channel.
pub fn start(
    env: &Env,
    session: &Session,
    me: &OwnerId,
    link: &LinkArgs,
    peer: Option<&str>,
) -> Result<(Owner, Arc<PrivateKey>, Channel<TcpStream>)> {
    let owner = session.keystore().local_owner(me)?.clone();
    let key = session.current_private_key(&owner)?;
    let ch = link.open(env, peer)?;
    Ok((owner, key, ch))
}

/// The peer as every D2D command reports it.
pub fn peer_json(peer: &Peer, comparison: &str, new_owner: bool) -> serde_json::Value {
    json!({
        "id": peer.id(),
        "name": peer.document.name,
        "kind": peer.document.kind,
        "fingerprint": peer.fingerprint,
        "verified": true,
        "newOwner": new_owner,
        "comparisonCode": comparison,
    })
}

/// The text line every D2D command prints about the peer.
pub fn peer_line(peer: &Peer) -> String {
    format!(
        "paired with {} ({}): key {} verified",
        peer.id(),
        peer.document.name,
        peer.fingerprint
    )
}

pub fn run(env: &Env, a: PairArgs) -> Result<()> {
    let session = env.session()?;
    let (owner, key, mut ch) = start(env, &session, &a.me, &a.link, a.peer.as_deref())?;
    let comparison = ch.comparison_code();
    let me = Me {
        owner: &owner,
        key: &key,
    };
    let (peer, trusted) = d2d::pair(&mut ch, session.path(), &me, None)?;
    if env.out.json {
        env.out
            .json(&json!({ "peer": peer_json(&peer, &comparison, trusted.import.created) }));
    } else {
        env.out.line(peer_line(&peer));
        env.out.line(format!("comparison code: {comparison}"));
    }
    Ok(())
}
