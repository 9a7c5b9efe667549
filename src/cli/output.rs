//! How the CLI talks: results on stdout (text or `--json`), notes and
//! warnings on stderr (notes silenced by `-q`), errors as
//! `ehrcrypt: error: ...` with an optional `ehrcrypt: hint: ...` line.

use std::io::{IsTerminal, Write};

use ehrcrypt::Error;

pub fn report_error(err: &Error) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "ehrcrypt: error: {}", err.message());
    if let Some(h) = err.hint_text() {
        let _ = writeln!(e, "ehrcrypt: hint: {h}");
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Output {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
}

impl Output {
    /// A line of the command's result on stdout.
    pub fn line(&self, s: impl AsRef<str>) {
        print_stdout(s.as_ref());
    }

    /// The command's result as pretty JSON on stdout.
    pub fn json(&self, v: &impl serde::Serialize) {
        match serde_json::to_string_pretty(v) {
            Ok(s) => print_stdout(&s),
            Err(_) => warn("cannot serialise output"),
        }
    }

    /// Progress notes on stderr, unless `-q`.
    pub fn note(&self, s: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", s.as_ref());
        }
    }

    /// Details for `-v`.
    pub fn verbose(&self, s: impl AsRef<str>) {
        if self.verbose > 0 {
            eprintln!("ehrcrypt: {}", s.as_ref());
        }
    }

    pub fn warn(&self, s: impl AsRef<str>) {
        warn(s.as_ref());
    }

    /// Whether progress bars may be drawn: stderr is a terminal and not `-q`.
    pub fn interactive(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }

    /// A spinner on a terminal, nothing otherwise.
    pub fn spinner(&self, msg: &str) -> indicatif::ProgressBar {
        if !self.interactive() {
            return indicatif::ProgressBar::hidden();
        }
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(msg.to_string());
        pb.enable_steady_tick(std::time::Duration::from_millis(100));
        pb
    }

    /// A progress bar for `len` items, on a terminal and for long runs only.
    // Kept for the entity commands, which use it; drop the allow once they land.
    #[allow(dead_code)]
    pub fn progress(&self, len: u64, what: &str) -> indicatif::ProgressBar {
        if !self.interactive() || len < 200 {
            return indicatif::ProgressBar::hidden();
        }
        let pb = indicatif::ProgressBar::new(len);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {pos}/{len} {per_sec} eta {eta}",
        ) {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_message(what.to_string());
        pb
    }
}

pub fn warn(s: &str) {
    eprintln!("ehrcrypt: warning: {s}");
}

/// Writes to stdout; a closed pipe (`| head`) ends the process quietly.
fn print_stdout(s: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{s}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}
