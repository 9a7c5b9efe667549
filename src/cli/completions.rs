//! `ehrcrypt completions SHELL`: completions generated from the clap
//! definition. The files in `completions/` are this command's output; a test
//! fails when they are stale (regenerate with `scripts/update-completions`).

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use ehrcrypt::{Error, Result};

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(env: &super::Env, args: CompletionsArgs) -> Result<()> {
    if env.out.json {
        return Err(
            Error::usage("completions prints a shell script, which has no JSON form")
                .hint("run it without --json"),
        );
    }
    let mut cmd = super::Cli::command();
    // Generated into memory: clap_complete panics when its writer fails,
    // and stdout may be a pipe that closes early.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "ehrcrypt", &mut script);
    super::output::stdout_bytes(&script);
    Ok(())
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
