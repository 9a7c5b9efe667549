//! `ehrcrypt completions SHELL`: completions generated from the clap
//! definition. The files in `completions/` are this command's output; a test
//! fails when they are stale (regenerate with `scripts/update-completions`).

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use ehrcrypt::Result;

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(env: &super::Env, args: CompletionsArgs) -> Result<()> {
    if env.out.json {
        return Err(ehrcrypt::Error::usage(
            "completions prints a shell script, which has no JSON form",
        )
        .hint("run it without --json"));
    }
    let mut cmd = super::Cli::command();
    // Generated into memory: clap_complete panics when its writer fails,
    // and stdout may be a pipe that closes early.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "ehrcrypt", &mut script);
    super::output::stdout_bytes(&script);
    Ok(())
}
