//! `ehrcrypt receive`: pair with the other device and receive records into
//! a directory, whole or not at all.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use ehrcrypt::d2d::{self, Limits, Me};
use ehrcrypt::owner::OwnerId;
use ehrcrypt::Result;

use super::pair::{peer_json, peer_line, start, LinkArgs};
use super::Env;

#[derive(Args, Debug)]
pub struct ReceiveArgs {
    /// The data owner who receives (its private key is held here)
    #[arg(long = "as", value_name = "OWNER")]
    pub me: OwnerId,
    /// Accept records only from this data owner
    #[arg(long, value_name = "OWNER")]
    pub from: Option<OwnerId>,
    /// Directory for the records: created, or an existing one (nothing in it is overwritten)
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
    /// Refuse a transfer larger than SIZE (bytes, or with K, M, G)
    #[arg(long, value_name = "SIZE", default_value = "4G", value_parser = parse_size)]
    pub max_size: u64,
    #[command(flatten)]
    pub link: LinkArgs,
    /// With --code: the listening side's HOST:PORT
    #[arg(long, value_name = "HOST:PORT")]
    pub connect: Option<String>,
}

/// `123`, `64K`, `512M`, `4G` (powers of 1024).
fn parse_size(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m: u64 = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                'T' => 1 << 40,
                _ => return Err(format!("unknown size unit {c:?}: use K, M, G or T")),
            };
            (&t[..i], m)
        }
        _ => (t, 1),
    };
    num.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("not a size: {s:?}"))
}

pub fn run(env: &Env, a: ReceiveArgs) -> Result<()> {
    super::files::local_only(&a.out_dir, "--out-dir")?;
    let session = env.session()?;
    let (owner, key, mut ch) = start(env, &session, &a.me, &a.link, a.connect.as_deref())?;
    let comparison = ch.comparison_code();
    let me = Me {
        owner: &owner,
        key: &key,
    };
    let limits = Limits {
        max_bytes: a.max_size,
        ..Limits::default()
    };
    let r = d2d::receive_records(
        &mut ch,
        session.path(),
        &me,
        a.from.as_ref(),
        &a.out_dir,
        limits,
    )?;
    if env.out.json {
        env.out.json(&json!({
            "peer": peer_json(&r.peer, &comparison, r.trusted.import.created),
            "files": r.files,
            "bytes": r.totals.bytes,
            "exchangeKeysAdded": r.exchange_keys_added,
        }));
    } else {
        env.out.note(peer_line(&r.peer));
        env.out.line(format!(
            "received {} records ({} bytes) from {} into {}",
            r.totals.files,
            r.totals.bytes,
            r.peer.id(),
            a.out_dir.display()
        ));
        for f in &r.files {
            env.out.line(format!("  {}", f.display()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_with_units() {
        assert_eq!(super::parse_size("123").unwrap(), 123);
        assert_eq!(super::parse_size("4G").unwrap(), 4 << 30);
        assert_eq!(super::parse_size("64k").unwrap(), 64 << 10);
        assert!(super::parse_size("4X").is_err());
        assert!(super::parse_size("99999999999T").is_err());
    }
}
