//! `ehrcrypt completions SHELL`: completions generated from the clap
//! definition. The files in `completions/` are this command's output; a test
//! fails when they are stale (regenerate with `scripts/update-completions`).
//!
//! Those files complete commands and flags. Owner ids after `--as`,
//! `--with`, `--from`, `--to`... come from the keystore, so they need the
//! binary at completion time: clap_complete's dynamic completion, where the
//! shell calls `COMPLETE=SHELL ehrcrypt -- WORDS` (registered by
//! `ehrcrypt completions SHELL --dynamic`).

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::{Args, CommandFactory};
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::Shell;

use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::OwnerId;
use ehrcrypt::{Error, Result};

/// The environment variable a shell sets to ask for completions
/// (clap_complete's convention).
const COMPLETE_VAR: &str = "COMPLETE";

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    #[arg(value_enum)]
    pub shell: Shell,

    /// Print the script that registers dynamic completion instead, which
    /// also completes owner ids from the keystore (it runs ehrcrypt at each
    /// completion)
    #[arg(long)]
    pub dynamic: bool,
}

pub fn run(env: &super::Env, args: CompletionsArgs) -> Result<()> {
    if env.out.json {
        return Err(
            Error::usage("completions prints a shell script, which has no JSON form")
                .hint("run it without --json"),
        );
    }
    if args.dynamic {
        return registration(args.shell);
    }
    let mut cmd = super::Cli::command();
    // Generated into memory: clap_complete panics when its writer fails,
    // and stdout may be a pipe that closes early.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "ehrcrypt", &mut script);
    super::output::stdout_bytes(&script);
    Ok(())
}

/// The registration script of dynamic completion for `shell`, calling
/// this very binary (its absolute path: a build outside PATH works too).
fn registration(shell: Shell) -> Result<()> {
    let name = shell.to_string();
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells.completer(&name).ok_or_else(|| {
        Error::usage(format!("no dynamic completion for {name}"))
            .hint("use the static script: ehrcrypt completions SHELL")
    })?;
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .unwrap_or_else(|| "ehrcrypt".to_string());
    let mut script = Vec::new();
    completer
        .write_registration(COMPLETE_VAR, "ehrcrypt", "ehrcrypt", &exe, &mut script)
        .map_err(|e| Error::internal(format!("completion script: {e}")))?;
    super::output::stdout_bytes(&script);
    Ok(())
}

/// Answers a shell's completion request and exits, when `COMPLETE` is set;
/// returns at once otherwise. Runs before argument parsing.
pub fn complete_from_env() {
    clap_complete::CompleteEnv::with_factory(|| with_owner_ids(super::Cli::command()))
        .var(COMPLETE_VAR)
        .complete();
}

/// The command tree with every argument that takes an owner id (found by
/// its value type, so a new `--as` anywhere is covered) completed from the
/// keystore.
fn with_owner_ids(mut cmd: clap::Command) -> clap::Command {
    // `mut_arg` moves an argument to the end of the list, which would
    // renumber positionals: pin each to its declared place first.
    let positionals: Vec<clap::Id> = cmd.get_positionals().map(|a| a.get_id().clone()).collect();
    for (i, id) in positionals.into_iter().enumerate() {
        cmd = cmd.mut_arg(id, |a| a.index(i + 1));
    }
    let owner = std::any::TypeId::of::<OwnerId>();
    let ids: Vec<clap::Id> = cmd
        .get_arguments()
        .filter(|a| a.get_value_parser().type_id() == owner)
        .map(|a| a.get_id().clone())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(id, |a| a.add(ArgValueCompleter::new(owner_ids)));
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for s in subs {
        cmd = cmd.mut_subcommand(s, with_owner_ids);
    }
    cmd
}

/// The owners of the keystore the completed command line would use, whose
/// id starts with `current`, each with its name as help. Nothing (never an
/// error) when the keystore cannot be read: completion must not disturb.
fn owner_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let (Some(prefix), Some(path)) = (current.to_str(), completion_keystore()) else {
        return Vec::new();
    };
    let Ok(ks) = Keystore::load(&path) else {
        return Vec::new();
    };
    ks.owners()
        .iter()
        .filter(|o| o.id.as_str().starts_with(prefix))
        .map(|o| {
            let mut help = o.name.clone();
            if o.is_local() {
                help.push_str(" (key in this keystore)");
            }
            CompletionCandidate::new(o.id.as_str()).help(Some(help.into()))
        })
        .collect()
}

/// `--keystore PATH` (or `--keystore=PATH`) on the line being completed,
/// else `EHRCRYPT_KEYSTORE`, else the default keystore.
fn completion_keystore() -> Option<PathBuf> {
    let words: Vec<std::ffi::OsString> = std::env::args_os().skip_while(|a| a != "--").collect();
    let mut given = None;
    for (i, w) in words.iter().enumerate() {
        let w = w.to_string_lossy();
        if w == "--keystore" {
            given = words.get(i + 1).map(PathBuf::from);
        } else if let Some(p) = w.strip_prefix("--keystore=") {
            given = Some(PathBuf::from(p));
        }
    }
    given
        .or_else(|| std::env::var_os("EHRCRYPT_KEYSTORE").map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty())
        .or_else(ehrcrypt::keystore::default_path)
}

#[derive(Args, Debug)]
pub struct ManPagesArgs {
    /// The directory to write the pages into (created if missing; pages replaced)
    #[arg(value_name = "DIR")]
    pub dir: std::path::PathBuf,
}

/// `ehrcrypt man-pages DIR` (hidden; run by `scripts/update-completions`):
/// one roff page per command, `ehrcrypt.1`, `ehrcrypt-owner-list.1`, ...,
/// generated from the same clap definition as `--help`. The committed
/// `man/` is this output; a test fails when it is stale.
pub fn man_pages(args: ManPagesArgs) -> Result<()> {
    std::fs::create_dir_all(&args.dir).map_err(|e| Error::io(&args.dir, "create directory", e))?;
    // No `.build()` first: generate_to disables the `help` subcommand
    // itself, which a built command would already contain.
    clap_mangen::generate_to(super::Cli::command(), &args.dir)
        .map_err(|e| Error::io(&args.dir, "write man pages into", e))
}
