//! `ehrcrypt demo`: the whole flow on a throw-away keystore, narrated.

use clap::Args;

use ehrcrypt::Result;

use super::Env;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Keep the demo's files in this directory instead of a temporary one
    #[arg(long, value_name = "DIR")]
    pub keep: Option<std::path::PathBuf>,
}

pub fn run(_env: &Env, _args: DemoArgs) -> Result<()> {
    Ok(())
}
