//! `ehrcrypt hcp-key ...`: create and inspect exchange keys {AB}.

use clap::Subcommand;
use serde_json::json;

use ehrcrypt::crypto::Fingerprint;
use ehrcrypt::hcp_key::HcPartyKey;
use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::OwnerId;
use ehrcrypt::session::ExchangeOptions;
use ehrcrypt::{Error, ErrorKind, Result};

use super::output::Output;
use super::Env;

#[derive(Subcommand, Debug)]
pub enum HcpKeyCommand {
    /// Create (or reuse) the exchange key that FROM uses to delegate to TO
    #[command(
        after_help = "Examples:\n  ehrcrypt hcp-key exchange --from alice --to bob\n  ehrcrypt hcp-key exchange --from alice --to bob --rotate"
    )]
    Exchange {
        /// The delegator, an owner whose private key is held here
        #[arg(long)]
        from: OwnerId,
        /// The delegate (FROM itself for the self key {AA})
        #[arg(long)]
        to: OwnerId,
        /// Make a new key even if a valid one exists; the old one stays for old data
        #[arg(long)]
        rotate: bool,
        /// Also wrap for the delegate's unverified keys (not recommended)
        #[arg(long)]
        allow_unverified: bool,
    },
    /// Open each exchange key DELEGATOR→DELEGATE with ME's private keys held
    /// here and report which open (signature checked; key bytes never shown)
    #[command(after_help = "Examples:\n  ehrcrypt -v hcp-key check --as bob alice bob")]
    Check {
        /// The owner whose private keys unwrap the keys
        #[arg(long = "as", value_name = "ME")]
        me: OwnerId,
        delegator: OwnerId,
        delegate: OwnerId,
    },
    /// List exchange keys (metadata only, never key bytes)
    #[command(
        after_help = "Examples:\n  ehrcrypt hcp-key list\n  ehrcrypt hcp-key list --owner alice"
    )]
    List {
        /// Only those created by this owner
        #[arg(long)]
        owner: Option<OwnerId>,
    },
    /// Show the exchange keys of one pair (metadata only)
    #[command(after_help = "Examples:\n  ehrcrypt hcp-key show alice bob")]
    Show {
        delegator: OwnerId,
        delegate: OwnerId,
    },
}

pub fn run(env: &Env, cmd: HcpKeyCommand) -> Result<()> {
    let out = &env.out;
    match cmd {
        HcpKeyCommand::Exchange {
            from,
            to,
            rotate,
            allow_unverified,
        } => {
            let mut session = env.session()?;
            let opts = ExchangeOptions {
                allow_unverified,
                rotate,
            };
            let (outcome, _key) = session.ensure_exchange_key(&from, &to, opts)?;
            warn_unverified(out, &from, &to, &outcome.unverified);
            if out.json {
                out.json(&json!({
                    "id": outcome.record.id,
                    "delegator": from, "delegate": to,
                    "new": outcome.created,
                    "wrappedFor": outcome.record.wrapped.iter().map(|w| json!({"owner": w.owner, "fingerprint": w.fingerprint})).collect::<Vec<_>>(),
                }));
            } else {
                let verb = if outcome.created {
                    "created"
                } else {
                    "reusing existing"
                };
                out.line(format!(
                    "{verb} exchange key {from}→{to} ({})",
                    outcome.record.id
                ));
                for w in &outcome.record.wrapped {
                    out.line(format!(
                        "  wrapped for {} key {}",
                        w.owner,
                        w.fingerprint.short()
                    ));
                }
            }
            env.report_stats(&session);
        }
        HcpKeyCommand::List { owner } => {
            let ks = Keystore::load(&env.keystore_path()?)?;
            let rows = rows(&ks, |r| owner.as_ref().is_none_or(|o| &r.delegator == o));
            print_rows(env, rows);
        }
        HcpKeyCommand::Check {
            me,
            delegator,
            delegate,
        } => check(env, &me, &delegator, &delegate)?,
        HcpKeyCommand::Show {
            delegator,
            delegate,
        } => {
            let ks = Keystore::load(&env.keystore_path()?)?;
            ks.owner(&delegator)?;
            let rows = rows(&ks, |r| r.delegator == delegator && r.delegate == delegate);
            if rows.is_empty() {
                return Err(no_pair(&delegator, &delegate));
            }
            print_rows(env, rows);
        }
    }
    Ok(())
}

/// Warns about each unverified key of `to` that a new exchange key
/// {from to} was wrapped for (`--allow-unverified`).
pub fn warn_unverified(out: &Output, from: &OwnerId, to: &OwnerId, fps: &[Fingerprint]) {
    for fp in fps {
        out.warn(format!(
            "exchange key wrapped for UNVERIFIED key {fp} of {to}: if that key is not really {to}'s, whoever holds it can read what {from} shares with {to}"
        ));
    }
}

fn rows(ks: &Keystore, keep: impl Fn(&HcPartyKey) -> bool) -> Vec<serde_json::Value> {
    let mut v = Vec::new();
    for o in ks.owners() {
        for r in o.hc_party_keys.values().flatten().filter(|r| keep(r)) {
            let (signature, problem) = match r.check_signature(&o.id, &o.public_keys) {
                Ok(t) => (serde_json::to_value(t).unwrap_or_default(), None),
                Err(e) => (json!("invalid"), Some(e.message().to_string())),
            };
            let mut row = json!({
                "id": r.id,
                "delegator": r.delegator,
                "delegate": r.delegate,
                "created": r.created,
                "wrappedFor": r.wrapped.iter().map(|w| json!({"owner": w.owner, "fingerprint": w.fingerprint})).collect::<Vec<_>>(),
                "signer": r.signer,
                "signature": signature,
            });
            if let Some(p) = problem {
                row["signatureProblem"] = json!(p);
            }
            v.push(row);
        }
    }
    v
}

fn print_rows(env: &Env, rows: Vec<serde_json::Value>) {
    if env.out.json {
        env.out.json(&rows);
        return;
    }
    for r in rows {
        let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
        let fps: Vec<String> = r["wrappedFor"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|w| {
                        let fp = w["fingerprint"].as_str().unwrap_or("");
                        format!(
                            "{}:{}",
                            w["owner"].as_str().unwrap_or(""),
                            &fp[..fp.len().min(16)]
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        env.out.line(format!(
            "{}→{}  id {}  created {}  signer {} ({})  wrapped for {}",
            s("delegator"),
            s("delegate"),
            s("id"),
            s("created"),
            &s("signer")[..16.min(s("signer").len())],
            match (s("signature").as_str(), r["signatureProblem"].as_str()) {
                (_, Some(p)) => format!("INVALID: {p}"),
                ("notVerified", _) => "not verified".to_string(),
                (other, _) => other.to_string(),
            },
            fps.join(", ")
        ));
    }
}

fn no_pair(delegator: &OwnerId, delegate: &OwnerId) -> Error {
    Error::not_found(format!(
        "no exchange key {delegator}→{delegate} in the keystore"
    ))
    .hint(format!(
        "create one with `ehrcrypt hcp-key exchange --from {delegator} --to {delegate}`, or import {delegator}'s owner document"
    ))
}

/// `hcp-key check`: unwraps every exchange key of the pair that `me` can
/// open, through the session (signature check, one RSA decryption per key),
/// and says which opened. A record that fails its checks ends the command
/// with that error; a pair none of whose keys opens is `NoAccess`.
fn check(env: &Env, me: &OwnerId, delegator: &OwnerId, delegate: &OwnerId) -> Result<()> {
    let session = env.session()?;
    let ks = session.keystore();
    let me_owner = ks.local_owner(me)?;
    let records = ks
        .owner(delegator)?
        .hc_party_keys
        .get(delegate)
        .filter(|l| !l.is_empty())
        .ok_or_else(|| no_pair(delegator, delegate))?;
    let mut results = Vec::new();
    let mut opened = 0;
    for r in records {
        let with = match session.exchange_key(me, delegator, delegate, &r.id) {
            Ok(_key) => {
                opened += 1;
                r.wraps_for(&me_owner.id, &me_owner.private_keys)
                    .next()
                    .map(|w| w.fingerprint)
            }
            Err(e) if e.kind() == ErrorKind::NoAccess => None,
            Err(e) => {
                env.report_stats(&session);
                return Err(e);
            }
        };
        results.push((r, with));
    }
    if env.out.json {
        let v: Vec<_> = results
            .iter()
            .map(|(r, with)| {
                json!({
                    "id": r.id, "delegator": r.delegator, "delegate": r.delegate,
                    "created": r.created, "opened": with.is_some(), "openedWith": with,
                })
            })
            .collect();
        env.out.json(&v);
    } else {
        for (r, with) in &results {
            let how = match with {
                Some(fp) => format!("opens with {me}'s key {}", fp.short()),
                None => format!("not wrapped for a private key of {me} held here"),
            };
            env.out
                .line(format!("{delegator}→{delegate}  id {}  {how}", r.id));
        }
    }
    env.report_stats(&session);
    if opened == 0 {
        return Err(Error::no_access(format!(
            "{me} can open none of the {} exchange keys {delegator}→{delegate} here",
            results.len()
        )));
    }
    Ok(())
}
