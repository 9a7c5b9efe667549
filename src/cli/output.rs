//! How the CLI talks: results on stdout (text or `--json`), notes and
//! warnings on stderr (notes silenced by `-q`), errors as
//! `ehrcrypt: error: ...` with an optional `ehrcrypt: hint: ...` line.

use std::io::{IsTerminal, Write};

use ehrcrypt::Error;

pub fn report_error(err: &Error) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "ehrcrypt: error: {}", printable(err.message(), false));
    if let Some(h) = err.hint_text() {
        let _ = writeln!(e, "ehrcrypt: hint: {}", printable(h, false));
    }
}

/// `s` as one line, with control characters escaped (`\u{1b}`, `\u{a}`),
/// tabs kept only when `tabs` (a tab-separated result). Messages name
/// entity ids, file names and other values that come from files someone
/// else wrote: none of them may move the cursor, retitle the terminal or
/// fake a line of output.
pub fn printable(s: &str, tabs: bool) -> std::borrow::Cow<'_, str> {
    let keep = |c: char| !c.is_control() || (tabs && c == '\t');
    if s.chars().all(keep) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if keep(c) {
                c.to_string()
            } else {
                c.escape_unicode().to_string()
            }
        })
        .collect::<String>()
        .into()
}

#[derive(Clone, Copy, Debug)]
pub struct Output {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
}

impl Output {
    /// A line of the command's result on stdout (one line: see [`printable`]).
    pub fn line(&self, s: impl AsRef<str>) {
        print_stdout(&printable(s.as_ref(), true));
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
            eprintln!("{}", printable(s.as_ref(), false));
        }
    }

    /// Details for `-v`.
    pub fn verbose(&self, s: impl AsRef<str>) {
        if self.verbose > 0 {
            eprintln!("ehrcrypt: {}", printable(s.as_ref(), false));
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
    eprintln!("ehrcrypt: warning: {}", printable(s, false));
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
