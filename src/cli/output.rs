//! How the CLI talks: results on stdout (text or `--json`), notes and
//! warnings on stderr (notes silenced by `-q`), errors as
//! `ehrcrypt: error: ...` with an optional `ehrcrypt: hint: ...` line, or
//! under `--json` as one JSON object on stderr.
//!
//! Every byte for stdout goes through [`stdout_bytes`]: a closed stdout
//! (`ehrcrypt ... | head`) is a normal end for a filter, so the process
//! stops quietly with exit 0. Rust ignores SIGPIPE, so the write returns
//! EPIPE instead of killing the process; `print!` would panic on it, which
//! is why nothing in the binary uses it. Writes to stderr ignore errors.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use ehrcrypt::Error;

/// Whether errors are reported as JSON: set from `--json` before the
/// command line is parsed, so that usage errors follow it too.
static JSON_ERRORS: AtomicBool = AtomicBool::new(false);

pub fn set_json_errors(on: bool) {
    JSON_ERRORS.store(on, Ordering::Relaxed);
}

/// Prints `err` on stderr: two lines of text, or one JSON object
/// `{"kind", "exit", "message", "hint"}` under `--json` (docs/JSON.md).
pub fn report_error(err: &Error) {
    let mut e = std::io::stderr().lock();
    if JSON_ERRORS.load(Ordering::Relaxed) {
        let v = serde_json::json!({
            "kind": err.kind().name(),
            "exit": err.kind().exit_code(),
            "message": err.message(),
            "hint": err.hint_text(),
        });
        let _ = writeln!(e, "{v}");
        return;
    }
    let _ = writeln!(e, "ehrcrypt: error: {}", printable(err.message(), false));
    if let Some(h) = err.hint_text() {
        let _ = writeln!(e, "ehrcrypt: hint: {}", printable(h, false));
    }
}

/// A panic is a bug: it is reported like any error, as internal (exit 1),
/// never with Rust's default message and exit 101.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        report_error(
            &Error::internal(format!("internal error{place}: {what}")).hint(
                "this is a bug in ehrcrypt; please report it with the command that caused it",
            ),
        );
        std::process::exit(ehrcrypt::ErrorKind::Internal.exit_code());
    }));
}

/// Whether `args` ask for `--json` (before a `--`): decides the error
/// format even when the rest of the command line does not parse.
pub fn wants_json(args: impl IntoIterator<Item = std::ffi::OsString>) -> bool {
    args.into_iter()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json")
}

/// Reports a command line clap could not parse in ehrcrypt's own style
/// (`ehrcrypt: error:` and a hint, or JSON), or prints the help or version
/// it asked for. Returns the exit code.
pub fn report_clap_error(err: clap::Error) -> i32 {
    use clap::error::ErrorKind as K;
    let text = err.render().to_string();
    match err.kind() {
        K::DisplayHelp | K::DisplayVersion => {
            stdout_bytes(text.as_bytes());
            return 0;
        }
        K::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = std::io::stderr().write_all(text.as_bytes());
            return 2;
        }
        _ => {}
    }
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let message = lines
        .next()
        .map(|l| l.strip_prefix("error: ").unwrap_or(l).to_string())
        .unwrap_or_default();
    let mut hints: Vec<String> = Vec::new();
    // A value rejected by one of ehrcrypt's parsers carries its own hint.
    if let Some(h) = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<Error>())
        .and_then(|e| e.hint_text())
    {
        hints.push(h.to_string());
    }
    for l in lines {
        if let Some(tip) = l.strip_prefix("tip: ") {
            hints.push(tip.to_string());
        } else if let Some(usage) = l.strip_prefix("Usage: ") {
            let cmd: Vec<&str> = usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<', '-']))
                .collect();
            hints.push(format!("usage: {usage}; see `{} --help`", cmd.join(" ")));
        }
    }
    let mut e = Error::usage(message);
    if !hints.is_empty() {
        e = e.hint(hints.join("; "));
    }
    report_error(&e);
    e.kind().exit_code()
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
            stderr_line(&printable(s.as_ref(), false));
        }
    }

    /// Details for `-v`.
    pub fn verbose(&self, s: impl AsRef<str>) {
        if self.verbose > 0 {
            stderr_line(&format!("ehrcrypt: {}", printable(s.as_ref(), false)));
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
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {rate} eta {eta}")
        {
            // Whole files per second with separators (`12,295/s`), not
            // indicatif's fractional `{per_sec}`.
            let style = style.with_key(
                "rate",
                |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{}/s", thousands(s.per_sec().round() as u64));
                },
            );
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_message(what.to_string());
        pb
    }
}

/// `12295` → `12,295`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn warn(s: &str) {
    stderr_line(&format!("ehrcrypt: warning: {}", printable(s, false)));
}

/// A line on stderr; a stderr that cannot be written is ignored (there is
/// nowhere left to report it), never a panic as with `eprintln!`.
fn stderr_line(s: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{s}");
}

/// Writes a line to stdout (see [`stdout_bytes`]).
fn print_stdout(s: &str) {
    let mut line = String::with_capacity(s.len() + 1);
    line.push_str(s);
    line.push('\n');
    stdout_bytes(line.as_bytes());
}

/// A line on stdout for code that must clean up before the process ends
/// (the demo): a closed pipe is returned as an error for which
/// [`Error::is_broken_pipe`] holds, and `main` exits 0 on it.
pub fn try_stdout(line: &[u8]) -> ehrcrypt::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(line)
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush())
        .map_err(|e| Error::io(std::path::Path::new("-"), "write", e))
}

/// `s` as one single-quoted word for `sh` (a `'` inside closed, escaped
/// and reopened), safe to `eval` and to paste.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Writes to stdout. A closed pipe (`| head`) ends the process quietly
/// with exit 0: the reader has all it wanted. Any other failure is
/// reported as an I/O error (exit 9).
pub fn stdout_bytes(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|_| out.flush()) {
        let err = Error::io(std::path::Path::new("-"), "write", e);
        if err.is_broken_pipe() {
            std::process::exit(0);
        }
        report_error(&err);
        std::process::exit(err.kind().exit_code());
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rates_are_whole_numbers_with_separators() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(12_295), "12,295");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
    }
}
