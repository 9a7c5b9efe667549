//! `ehrcrypt delegation ...` (and `ehrcrypt share`): give other data owners
//! access to entities, see who has it, and take it back.

use std::collections::{BTreeSet, HashSet};
use std::io::Write;

use std::sync::Mutex;

use clap::{Args, Subcommand};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

use ehrcrypt::delegation::{self, EntityFile, Grants, RevokeOutcome, ShareOutcome};
use ehrcrypt::entity::{Entity, EntityKind};
use ehrcrypt::owner::OwnerId;
use ehrcrypt::store::{self, Fill, Location, Mode};
use ehrcrypt::{Error, Result};

use super::files;
use super::Env;

#[derive(Subcommand, Debug)]
pub enum DelegationCommand {
    /// Give other data owners access to entities you can read (the payload is not touched)
    #[command(
        after_help = "Examples:\n  ehrcrypt delegation share --as alice --with carol keats.enc.json\n  ehrcrypt delegation share --as alice --with carol --with-children records/ keats.enc.json"
    )]
    Share(ShareArgs),
    /// Who has access to entities: v1 from their metadata; v2 only what
    /// the keys of --as OWNER reveal (without --as: the number of entries)
    #[command(
        after_help = "Examples:\n  ehrcrypt delegation list records/\n  ehrcrypt delegation list --as bob keats.enc.json\n  ehrcrypt --json delegation list keats.enc.json | jq '.[].readers'"
    )]
    List {
        /// Read v2 entities as this data owner (needs its private key)
        #[arg(long = "as", value_name = "OWNER")]
        me: Option<OwnerId>,
        /// Entity files, directories or s3://BUCKET/PREFIX/
        #[arg(required = true, value_hint = clap::ValueHint::AnyPath)]
        inputs: Vec<Location>,
    },
    /// Take access back: remove a data owner's entries (--rekey: also re-encrypt)
    #[command(
        after_help = "Examples:\n  ehrcrypt delegation revoke --as alice --from carol keats.enc.json\n  ehrcrypt delegation revoke --as alice --from carol --rekey records/"
    )]
    Revoke(RevokeArgs),
}

#[derive(Args, Debug)]
pub struct ShareArgs {
    /// The data owner who shares; it must be able to read every entity
    #[arg(long = "as", value_name = "OWNER")]
    pub me: OwnerId,
    /// The data owner to give access to (repeatable)
    #[arg(long = "with", value_name = "OWNER", required = true)]
    pub with: Vec<OwnerId>,
    /// Also share every entity under DIR (or s3://BUCKET/PREFIX/) linked to the given patients through their secret id (repeatable)
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::AnyPath)]
    pub with_children: Vec<Location>,
    /// Allow new exchange keys for unverified delegate keys (prints a warning)
    #[arg(long)]
    pub allow_unverified: bool,
    /// Entity files, directories or s3://BUCKET/PREFIX/, rewritten in place (- : stdin to stdout)
    #[arg(required = true, value_hint = clap::ValueHint::AnyPath)]
    pub inputs: Vec<Location>,
}

#[derive(Args, Debug)]
pub struct RevokeArgs {
    /// The data owner who revokes; it must be able to read every entity
    #[arg(long = "as", value_name = "OWNER")]
    pub me: OwnerId,
    /// The data owner whose access is removed (repeatable)
    #[arg(long, value_name = "OWNER", required = true)]
    pub from: Vec<OwnerId>,
    /// Also re-encrypt under a fresh entity key, wrapped again for every remaining delegate
    #[arg(long)]
    pub rekey: bool,
    /// With --rekey: allow new exchange keys for unverified delegate keys
    #[arg(long, requires = "rekey")]
    pub allow_unverified: bool,
    /// Also when OWNER (--as) revokes its own access: it can no longer read the entities then
    #[arg(long)]
    pub force: bool,
    /// Entity files, directories or s3://BUCKET/PREFIX/, rewritten in place (- : stdin to stdout, except with --rekey)
    #[arg(required = true, value_hint = clap::ValueHint::AnyPath)]
    pub inputs: Vec<Location>,
}

pub fn run(env: &Env, cmd: DelegationCommand) -> Result<()> {
    match cmd {
        DelegationCommand::Share(a) => share(env, a),
        DelegationCommand::List { me, inputs } => list(env, me.as_ref(), &inputs),
        DelegationCommand::Revoke(a) => revoke(env, a),
    }
}

/// One input's result, as printed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<O> {
    file: String,
    id: Value,
    kind: EntityKind,
    /// The file was rewritten.
    changed: bool,
    #[serde(flatten)]
    outcome: O,
}

impl<O> Report<O> {
    fn new(file: &Location, e: &Entity, changed: bool, outcome: O) -> Self {
        Report {
            file: file.to_string(),
            id: e.id.clone(),
            kind: e.kind,
            changed,
            outcome,
        }
    }

    fn name(&self) -> String {
        self.file.clone()
    }
}

/// Rewrites entity files in place, in parallel: `change` edits each parsed
/// entity and says whether it changed it. Only changed files are
/// rewritten, each atomically, and none unless every input succeeded.
/// Every file is read and written back under the store's update
/// primitive, so concurrent shares and revokes of one file all take
/// effect (each sees the others' changes).
pub(super) fn rewrite_in_place<R: Send>(
    env: &Env,
    what: &str,
    inputs: &[Location],
    change: impl Fn(&Location, &mut EntityFile) -> Result<(bool, R)> + Sync,
) -> Result<Vec<R>> {
    let reports: Vec<Mutex<Option<R>>> = inputs.iter().map(|_| Mutex::new(None)).collect();
    let pb = env.out.progress(inputs.len() as u64, what);
    let edit = |i: usize, bytes: Vec<u8>| -> Result<Option<Fill>> {
        let path = &inputs[i];
        let mut file = EntityFile::parse(bytes, path.to_string())?;
        let (changed, report) = change(path, &mut file)?;
        *reports[i]
            .lock()
            .map_err(|_| Error::internal("report lock"))? = Some(report);
        pb.inc(1);
        Ok(changed.then(|| Box::new(move |w: &mut dyn Write| file.write_to(w)) as Fill))
    };
    let done = store::update(inputs, &edit, Mode::Public);
    pb.finish_and_clear();
    done.map_err(|e| {
        if inputs.len() > 1 {
            e.hint("no output was written: fix or remove that input and run again")
        } else {
            e
        }
    })?;
    reports
        .into_iter()
        .map(|m| {
            m.into_inner()
                .ok()
                .flatten()
                .ok_or_else(|| Error::internal("an input was not processed"))
        })
        .collect()
}

/// Files named `-` are filters (stdin to stdout), which some options cannot use.
pub(super) fn refuse_stdin(inputs: &[Location], why: &str) -> Result<()> {
    if inputs.contains(&Location::Stdio) {
        return Err(Error::usage(format!("- (stdin) cannot be used {why}")));
    }
    Ok(())
}

/// Where per-file results go: stdout, unless stdout carries an entity.
fn result_line(env: &Env, inputs: &[Location], line: String) {
    if inputs.contains(&Location::Stdio) {
        env.out.note(line);
    } else {
        env.out.line(line);
    }
}

fn print_reports<O: Serialize>(
    env: &Env,
    inputs: &[Location],
    reports: &[Report<O>],
    text: impl Fn(&Report<O>) -> String,
) {
    if env.out.json {
        env.out.json(&reports);
    } else if !env.out.quiet {
        // `-q`: nothing per file; the errors and the exit code say it all.
        for r in reports {
            result_line(env, inputs, text(r));
        }
    }
}

/// Warns about new exchange keys wrapped for unverified keys.
pub(super) fn warn_unverified(env: &Env, grants: &Grants) {
    for u in &grants.uses {
        super::hcp_key::warn_unverified(&env.out, grants.me(), &u.delegate, &u.unverified);
    }
}

/// Notes the exchange keys this run created, and which delegates must
/// import the sharer's owner document again: a new {me→C}, or entries
/// re-made by a rekey, are readable only with the document that carries it.
pub(super) fn note_import(env: &Env, grants: &Grants, also: impl IntoIterator<Item = OwnerId>) {
    let me = grants.me();
    let mut who = BTreeSet::new();
    for u in grants
        .uses
        .iter()
        .filter(|u| u.created && &u.delegate != me)
    {
        env.out.note(format!(
            "created exchange key {me}→{} ({})",
            u.delegate, u.exchange_key
        ));
        who.insert(u.delegate.clone());
    }
    who.extend(also.into_iter().filter(|d| d != me));
    // The document made for each delegate carries only its own exchange
    // key (README, security notes): it does not tell C with whom else `me`
    // shares.
    for d in who {
        env.out.note(format!(
            "{d} can read it after importing {me}'s owner document again: `ehrcrypt owner export {me} --for {d} -o {me}-for-{d}.owner.json`, then `ehrcrypt owner import {me}-for-{d}.owner.json` in {d}'s keystore"
        ));
    }
}

/// Why a child found by its clear link was not shared: it no longer
/// claimed the link when it was read to be rewritten.
const NO_LONGER_LINKED: &str = "no longer linked to the shared entity";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Shared {
    #[serde(flatten)]
    outcome: ShareOutcome,
    /// Why a linked entity was left as it was: the sharer cannot read it,
    /// or it is no longer linked.
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<String>,
}

pub fn share(env: &Env, a: ShareArgs) -> Result<()> {
    let mut inputs = files::expand_unique(&a.inputs)?;
    if !a.with_children.is_empty() {
        refuse_stdin(&inputs, "with --with-children")?;
    }
    let mut session = env.session()?;
    let grants = Grants::resolve(&mut session, &a.me, &a.with, a.allow_unverified)?;
    warn_unverified(env, &grants);
    let (secrets, children) = if a.with_children.is_empty() {
        (BTreeSet::new(), HashSet::new())
    } else {
        linked_children(&session, &a.me, &inputs, &a.with_children)?
    };
    inputs.extend(children.iter().cloned());
    let reports = rewrite_in_place(env, "sharing", &inputs, |path, file| {
        let source = file.source().to_string();
        let cannot_read = |err: &Error| format!("{} cannot read it ({})", a.me, err.message());
        if children.contains(path) {
            // The link is checked on the very bytes that will be rewritten,
            // after opening the child (issue 11, defect 2): a link that was
            // forged when the folder was scanned and restored since, or
            // that does not authenticate, shares nothing.
            file.load_self();
            let why = match delegation::authenticated_link(
                file.entity(),
                &session,
                &a.me,
                &secrets,
                &source,
            ) {
                Ok(true) => None,
                Ok(false) => Some(NO_LONGER_LINKED.to_string()),
                Err(err) if delegation::is_no_access(&err) => Some(cannot_read(&err)),
                Err(err) => return Err(err),
            };
            if let Some(why) = why {
                let e = file.entity();
                let shared = Shared {
                    outcome: ShareOutcome::default(),
                    skipped: Some(why),
                };
                return Ok((false, Report::new(path, e, false, shared)));
            }
        }
        let e = file.entity_mut();
        let (outcome, skipped) = match delegation::share(e, &session, &grants, &source) {
            Ok(outcome) => (outcome, None),
            Err(err) if children.contains(path) && delegation::is_no_access(&err) => {
                (ShareOutcome::default(), Some(cannot_read(&err)))
            }
            Err(err) => return Err(err),
        };
        let changed = outcome.changed();
        Ok((
            changed,
            Report::new(path, e, changed, Shared { outcome, skipped }),
        ))
    })?;
    print_reports(env, &inputs, &reports, |r| {
        let o = &r.outcome.outcome;
        if let Some(why) = &r.outcome.skipped {
            format!("{}: skipped, {why}", r.name())
        } else if o.added.is_empty() {
            format!(
                "{}: unchanged, {} already had access",
                r.name(),
                join(&o.already)
            )
        } else if o.already.is_empty() {
            format!("{}: shared with {}", r.name(), join(&o.added))
        } else {
            format!(
                "{}: shared with {} ({} already had access)",
                r.name(),
                join(&o.added),
                join(&o.already)
            )
        }
    });
    note_import(env, &grants, []);
    let skipped = reports
        .iter()
        .filter(|r| r.outcome.skipped.is_some())
        .count();
    let unlinked = reports
        .iter()
        .filter(|r| r.outcome.skipped.as_deref() == Some(NO_LONGER_LINKED))
        .count();
    let unreadable = skipped - unlinked;
    let plural = |n: usize| {
        if n == 1 {
            ("y", "was")
        } else {
            ("ies", "were")
        }
    };
    if unreadable > 0 {
        let (y, was) = plural(unreadable);
        env.out.warn(format!(
            "{unreadable} linked entit{y} that {} cannot read {was} not shared",
            a.me
        ));
    }
    if unlinked > 0 {
        let (y, was) = plural(unlinked);
        env.out.warn(format!(
            "{unlinked} entit{y} no longer linked when read for sharing (changed during the run) {was} left unchanged"
        ));
    }
    if inputs.len() > 1 {
        let changed = reports.iter().filter(|r| r.changed).count();
        env.out.note(format!(
            "{} entit{} shared as {} ({changed} rewritten, {} unchanged{})",
            inputs.len(),
            if inputs.len() == 1 { "y" } else { "ies" },
            a.me,
            inputs.len() - changed - skipped,
            if skipped > 0 {
                format!(", {skipped} skipped")
            } else {
                String::new()
            }
        ));
    }
    env.report_stats(&session);
    Ok(())
}

/// The entities under `dirs` linked to one of `inputs` through its secret
/// id (contacts, forms, health elements of a patient), not already inputs.
fn linked_children(
    session: &ehrcrypt::session::Session,
    me: &OwnerId,
    inputs: &[Location],
    dirs: &[Location],
) -> Result<(BTreeSet<String>, HashSet<Location>)> {
    let mut secrets = BTreeSet::new();
    for p in inputs {
        if let Some(s) = delegation::read_secret_id(session, me, p)? {
            secrets.insert(s);
        }
    }
    let given: HashSet<Location> = inputs.iter().map(canonical).collect();
    // A first cut on the clear links; each is authenticated when shared.
    let found = files::expand_unique(dirs)?
        .into_par_iter()
        .filter(|p| !given.contains(&canonical(p)) && delegation::is_linked(p, &secrets))
        .collect();
    Ok((secrets, found))
}

fn canonical(l: &Location) -> Location {
    match l {
        Location::Local(p) => {
            Location::Local(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
        }
        other => other.clone(),
    }
}

fn join(ids: &[OwnerId]) -> String {
    ids.iter()
        .map(OwnerId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

fn list(env: &Env, me: Option<&OwnerId>, inputs: &[Location]) -> Result<()> {
    let inputs = files::expand_unique(inputs)?;
    let session = match me {
        Some(me) => {
            let s = env.session()?;
            s.keystore().local_owner(me)?;
            Some(s)
        }
        None => None,
    };
    let lists = inputs
        .par_iter()
        .map(|p| match (&session, me) {
            (Some(s), Some(me)) => {
                let f = EntityFile::open(p)?;
                delegation::access_list_as(f.entity(), s, me, f.source())
            }
            _ => delegation::read_access_list(p),
        })
        .collect::<Result<Vec<_>>>()?;
    if env.out.json {
        let v: Vec<Value> = inputs
            .iter()
            .zip(&lists)
            .map(|(p, l)| {
                let mut v = json!({ "file": p.to_string() });
                if let (Some(o), Ok(Value::Object(l))) =
                    (v.as_object_mut(), serde_json::to_value(l))
                {
                    o.extend(l);
                }
                v
            })
            .collect();
        env.out.json(&v);
    } else {
        for (p, l) in inputs.iter().zip(&lists) {
            let id = match &l.id {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let name = p.to_string();
            if !l.revealed {
                env.out.line(format!(
                    "{name}: {} {id}, {} access entr{} (v2: who they are for is hidden{})",
                    l.kind,
                    l.entries,
                    if l.entries == 1 { "y" } else { "ies" },
                    match me {
                        Some(me) => format!("; {me} cannot read it"),
                        None => "; --as OWNER shows what OWNER's keys reveal".into(),
                    }
                ));
                continue;
            }
            env.out.line(format!(
                "{name}: {} {id}, readable by {}",
                l.kind,
                join(&l.readers)
            ));
            for (role, pairs) in &l.roles {
                for pair in pairs {
                    let key = match &pair.exchange_key {
                        Some(k) => format!("  (exchange key {k})"),
                        None => String::new(),
                    };
                    env.out.line(format!(
                        "  {:<19} {} → {}{key}",
                        role, pair.delegator, pair.delegate
                    ));
                }
            }
        }
    }
    if let Some(s) = &session {
        env.report_stats(s);
    }
    Ok(())
}

pub fn revoke(env: &Env, a: RevokeArgs) -> Result<()> {
    let inputs = files::expand_unique(&a.inputs)?;
    if a.from.contains(&a.me) && !a.force {
        return Err(Error::refused(format!(
            "{} would revoke its own access and could no longer read these entities",
            a.me
        ))
        .hint("pass --force if that is what you want (as `owner remove` asks for a held key)"));
    }
    if a.rekey {
        refuse_stdin(&inputs, "with --rekey")?;
    }
    let mut session = env.session()?;
    session.keystore().local_owner(&a.me)?;
    check_known(&session, &a.from, &inputs)?;
    // A rekey wraps the new key for every remaining delegate with
    // exchange keys prepared beforehand. A share that lands between that
    // and the locked rewrite adds a delegate they do not cover: nothing is
    // written then, and the keys are prepared again from the file as it is.
    let mut attempts = 0;
    let done = loop {
        let grants = if a.rekey {
            let remaining = inputs
                .par_iter()
                .map(|p| delegation::read_remaining_delegates(p, &session, &a.me, &a.from))
                .collect::<Result<Vec<_>>>()?;
            let all: BTreeSet<OwnerId> = remaining.into_iter().flatten().collect();
            Some(Grants::resolve(
                &mut session,
                &a.me,
                &all,
                a.allow_unverified,
            )?)
        } else {
            None
        };
        let done = rewrite_in_place(env, "revoking", &inputs, |path, file| {
            if grants.is_some() {
                file.load_self(); // a rekey re-encrypts it
            }
            let source = file.source().to_string();
            let e = file.entity_mut();
            // Sidecars live beside local entity files only.
            let file = path.local();
            let outcome =
                delegation::revoke(e, &session, &a.me, &a.from, grants.as_ref(), file, &source)?;
            let changed = outcome.changed();
            Ok((changed, Report::new(path, e, changed, outcome)))
        });
        attempts += 1;
        match done {
            Err(e) if delegation::is_unprepared(&e) && attempts < 5 => continue,
            Err(e) => break Err(e),
            Ok(reports) => break Ok((grants, reports)),
        }
    };
    // After the switch (or a failure): the sidecars no entity lists go.
    let local: Vec<std::path::PathBuf> = inputs
        .iter()
        .filter_map(|l| l.local().map(std::path::Path::to_path_buf))
        .collect();
    ehrcrypt::entity::attachment::remove_unlisted(&local);
    let (grants, reports) = done?;
    if let Some(g) = &grants {
        warn_unverified(env, g);
    }
    print_reports(env, &inputs, &reports, |r| revoke_line(r, &a.me));
    if let Some(g) = &grants {
        let remade = reports
            .iter()
            .flat_map(|r| r.outcome.remade_for.iter().cloned());
        note_import(env, g, remade);
    }
    let mut onward = BTreeSet::new();
    for r in &reports {
        onward.extend(r.outcome.onward.iter().cloned());
    }
    for (who, to) in onward {
        env.out.warn(format!(
            "{who} had shared with {to}, who keeps access: revoke {to} too if that was not meant"
        ));
    }
    let removed = reports.iter().any(|r| !r.outcome.removed.is_empty());
    if a.from.contains(&a.me) && removed {
        env.out.warn(format!(
            "{} can no longer read the entities it revoked itself from",
            a.me
        ));
    }
    if removed {
        let who = join(&a.from);
        env.out.note(if a.rekey {
            format!("note: {who} may already have copied the entity key or the decrypted record; the new version is under a fresh key that {who} never had, but what {who} copied stays readable")
        } else {
            format!("note: {who} may already have copied the entity key or the decrypted record, and the entity key is unchanged: a copy of it still opens these files (use --rekey to re-encrypt)")
        });
    }
    env.report_stats(&session);
    Ok(())
}

/// An owner to revoke must be one the keystore knows or one that has
/// entries in the entities: anything else is a typo (exit 3), not an
/// owner who "had no access".
fn check_known(
    session: &ehrcrypt::session::Session,
    from: &[OwnerId],
    inputs: &[Location],
) -> Result<()> {
    let unknown: Vec<&OwnerId> = from
        .iter()
        .filter(|f| session.keystore().find(f).is_none())
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let mut named = BTreeSet::new();
    for p in inputs.iter().filter(|p| **p != Location::Stdio) {
        let l = delegation::read_access_list(p)?;
        for pairs in l.roles.iter().map(|(_, pairs)| pairs) {
            for pair in pairs {
                named.insert(pair.delegator.clone());
                named.insert(pair.delegate.clone());
            }
        }
    }
    match unknown.into_iter().find(|u| !named.contains(*u)) {
        None => Ok(()),
        Some(u) => Err(Error::not_found(format!(
            "no owner {u}: not in the keystore, and no entry of these entities names it"
        ))
        .hint("check the spelling; `ehrcrypt delegation list FILE` shows who has access")),
    }
}

fn revoke_line(r: &Report<RevokeOutcome>, me: &OwnerId) -> String {
    let o = &r.outcome;
    let mut parts = Vec::new();
    if !o.removed.is_empty() {
        parts.push(format!("revoked {}", join(&o.removed)));
    }
    if !o.had_no_access.is_empty() {
        parts.push(format!("{} had no access", join(&o.had_no_access)));
    }
    if o.rekeyed {
        let mut s = String::from("rekeyed");
        if !o.remade_for.is_empty() {
            s.push_str(&format!(
                " (entries of {} now made by {me})",
                join(&o.remade_for)
            ));
        }
        parts.push(s);
    }
    if !r.changed {
        parts.push("unchanged".into());
    }
    format!("{}: {}", r.name(), parts.join(", "))
}
