//! One error type for the whole library, with a kind that the binary maps to
//! a stable exit code and an optional hint that tells the user what to do.
//!
//! Messages never contain key material: constructors take descriptions, not
//! secrets, and no `From` impl forwards a crypto error's text.

use std::fmt;
use std::path::Path;

/// What went wrong, coarsely: each kind has its own documented exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Something unexpected inside ehrcrypt (a bug).
    Internal,
    /// The command line or its inputs do not make sense together.
    Usage,
    /// An owner, key, file or record that was asked for does not exist.
    NotFound,
    /// No passphrase could be obtained, or the one given is wrong.
    Passphrase,
    /// A signature, authentication tag or digest did not match: data was modified.
    Integrity,
    /// A file is not what it should be: wrong kind, truncated, unknown version.
    Format,
    /// A safety rule forbids the operation (unverified key, possible tampering).
    Refused,
    /// The caller holds no delegation that opens the record.
    NoAccess,
    /// The file system failed (permissions, disk full, ...).
    Io,
}

impl ErrorKind {
    /// The process exit code for this kind; documented in README.md.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Internal => 1,
            ErrorKind::Usage => 2,
            ErrorKind::NotFound => 3,
            ErrorKind::Passphrase => 4,
            ErrorKind::Integrity => 5,
            ErrorKind::Format => 6,
            ErrorKind::Refused => 7,
            ErrorKind::NoAccess => 8,
            ErrorKind::Io => 9,
        }
    }

    /// The kind named `name` in a `--json` error (the inverse of
    /// [`ErrorKind::name`]), for reading another ehrcrypt process's error.
    pub fn from_name(name: &str) -> Option<Self> {
        use ErrorKind::*;
        [
            Internal, Usage, NotFound, Passphrase, Integrity, Format, Refused, NoAccess, Io,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }

    /// The kind's name in `--json` errors (`{"kind": ...}`); documented
    /// in docs/JSON.md.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Internal => "internal",
            ErrorKind::Usage => "usage",
            ErrorKind::NotFound => "notFound",
            ErrorKind::Passphrase => "passphrase",
            ErrorKind::Integrity => "integrity",
            ErrorKind::Format => "format",
            ErrorKind::Refused => "refused",
            ErrorKind::NoAccess => "noAccess",
            ErrorKind::Io => "io",
        }
    }
}

/// An error with a one-line message and an optional hint line.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    hint: Option<String>,
    /// The error is a closed pipe (EPIPE): the reader went away, as
    /// `| head` does. The binary ends quietly with success on it.
    broken_pipe: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            broken_pipe: false,
        }
    }

    /// Adds (or replaces) the hint shown under the message.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Prefixes the message with where the error happened, e.g. a file name.
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    pub fn hint_text(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// Whether this is a write to a closed pipe: not a failure of the
    /// command, the reader just stopped reading (`ehrcrypt ... | head`).
    pub fn is_broken_pipe(&self) -> bool {
        self.broken_pipe
    }

    pub fn usage(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, m)
    }
    pub fn not_found(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, m)
    }
    pub fn integrity(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Integrity, m)
    }
    pub fn format(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Format, m)
    }
    pub fn refused(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Refused, m)
    }
    pub fn no_access(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::NoAccess, m)
    }
    /// Something that should not happen did (exit 1). Every one gets the
    /// same hint unless its caller gives a better one.
    pub fn internal(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, m)
            .hint("this is a bug in ehrcrypt, or the run was interrupted: run the command again, and report it if it persists")
    }

    /// An I/O error on `path`. Missing files become `NotFound`.
    pub fn io(path: &Path, action: &str, err: std::io::Error) -> Self {
        let kind = match err.kind() {
            std::io::ErrorKind::NotFound => ErrorKind::NotFound,
            _ => ErrorKind::Io,
        };
        let place = if path.as_os_str() == "-" && !action.starts_with("read") {
            "standard output".to_string()
        } else {
            display_path(path)
        };
        let mut e = Self::new(
            kind,
            format!("{place}: cannot {action}: {}", io_reason(&err)),
        );
        e.broken_pipe = err.kind() == std::io::ErrorKind::BrokenPipe;
        e
    }
}

/// `-` reads as "standard input" in messages: it names where a record
/// came from (a write to `-` is named by [`Error::io`]).
pub fn display_path(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

fn io_reason(err: &std::io::Error) -> String {
    // std's Display appends "(os error N)"; keep the readable part.
    let s = err.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
