//! The `ehrcrypt` binary: parse arguments, run the command, map errors to
//! exit codes. Everything else lives in the library and in `cli/`.

mod cli;

use clap::Parser;

fn main() {
    cli::output::install_panic_hook();
    // A shell asking for completions (COMPLETE=SHELL): answered, then exit.
    cli::completions::complete_from_env();
    cli::output::set_json_errors(cli::output::wants_json(std::env::args_os()));
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => std::process::exit(cli::output::report_clap_error(e)),
    };
    let code = match cli::run(args) {
        Ok(()) => 0,
        // The reader of stdout went away (`| head`): a normal end.
        Err(err) if err.is_broken_pipe() => 0,
        Err(err) => {
            cli::output::report_error(&err);
            err.kind().exit_code()
        }
    };
    std::process::exit(code);
}
