//! The `ehrcrypt` binary: parse arguments, run the command, map errors to
//! exit codes. Everything else lives in the library and in `cli/`.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    let code = match cli::run(args) {
        Ok(()) => 0,
        Err(err) => {
            cli::output::report_error(&err);
            err.kind().exit_code()
        }
    };
    std::process::exit(code);
}
