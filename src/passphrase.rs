//! Where passphrases come from, in order: `--passphrase-file`, the
//! `EHRCRYPT_PASSPHRASE` environment variable, a prompt on the terminal.
//! Without a terminal and without a source, asking is an error, never a hang.

#[cfg(not(unix))]
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};

pub const ENV_VAR: &str = "EHRCRYPT_PASSPHRASE";

pub struct PassphraseSource {
    file: Option<PathBuf>,
    /// Asked once per process, then reused for every key.
    cached: Mutex<Option<Zeroizing<String>>>,
}

impl PassphraseSource {
    pub fn new(file: Option<PathBuf>) -> Self {
        PassphraseSource {
            file,
            cached: Mutex::new(None),
        }
    }

    /// A fixed passphrase (tests, benchmarks, the demo).
    pub fn fixed(passphrase: &str) -> Self {
        PassphraseSource {
            file: None,
            cached: Mutex::new(Some(Zeroizing::new(passphrase.to_string()))),
        }
    }

    /// The passphrase that opens existing keys. `what` is shown in the prompt.
    pub fn get(&self, what: &str) -> Result<Zeroizing<String>> {
        self.obtain(what, false)
    }

    /// A passphrase that will protect a new key: on a terminal it is asked
    /// twice; an empty one is refused.
    pub fn get_new(&self, what: &str) -> Result<Zeroizing<String>> {
        let p = self.obtain(what, true)?;
        if p.is_empty() {
            return Err(
                Error::new(ErrorKind::Passphrase, "empty passphrase refused")
                    .hint("a private key must be protected by a non-empty passphrase"),
            );
        }
        Ok(p)
    }

    fn obtain(&self, what: &str, confirm: bool) -> Result<Zeroizing<String>> {
        let mut cached = self
            .cached
            .lock()
            .map_err(|_| Error::internal("passphrase lock"))?;
        if let Some(p) = cached.as_ref() {
            return Ok(p.clone());
        }
        let p = self.read(what, confirm)?;
        *cached = Some(p.clone());
        Ok(p)
    }

    fn read(&self, what: &str, confirm: bool) -> Result<Zeroizing<String>> {
        if let Some(path) = &self.file {
            // Named as the passphrase file: the error must not be taken for
            // one about the record or keystore being opened.
            let bytes = Zeroizing::new(crate::atomic_file::read(path).map_err(|e| {
                Error::new(e.kind(), format!("--passphrase-file {}", e.message()))
                    .hint("check the path given to --passphrase-file")
            })?);
            let text = std::str::from_utf8(&bytes).map_err(|_| {
                Error::new(
                    ErrorKind::Passphrase,
                    format!("{}: passphrase file is not UTF-8", path.display()),
                )
            })?;
            // One trailing newline (LF or CRLF) is the file's, not the
            // passphrase's; a lone CR is the passphrase's.
            let text = match text.strip_suffix('\n') {
                Some(t) => t.strip_suffix('\r').unwrap_or(t),
                None => text,
            };
            if text.is_empty() {
                return Err(Error::new(
                    ErrorKind::Passphrase,
                    format!("the passphrase file {} is empty", path.display()),
                )
                .hint("write the passphrase into it (one line)"));
            }
            return Ok(Zeroizing::new(text.to_string()));
        }
        if let Ok(p) = std::env::var(ENV_VAR) {
            if p.is_empty() {
                return Err(Error::new(
                    ErrorKind::Passphrase,
                    format!("{ENV_VAR} is set but empty"),
                )
                .hint("set it to the passphrase, or unset it to be asked on the terminal"));
            }
            return Ok(Zeroizing::new(p));
        }
        if !can_prompt() {
            return Err(Error::new(
                ErrorKind::Passphrase,
                format!("a passphrase is needed for {what}, and there is no terminal to ask it on"),
            )
            .hint(format!("set {ENV_VAR} or pass --passphrase-file FILE")));
        }
        // rpassword prompts on the controlling terminal (/dev/tty), not on
        // stdin: `cat visit.json | ehrcrypt entity encrypt ... -` still asks,
        // as age, gpg and ssh do.
        let ask = |prompt: &str| {
            rpassword::prompt_password(prompt)
                .map(Zeroizing::new)
                .map_err(|e| {
                    Error::new(
                        ErrorKind::Passphrase,
                        format!("cannot read passphrase: {e}"),
                    )
                })
        };
        if !confirm {
            return ask(&format!("Passphrase for {what}: "));
        }
        // A mistyped confirmation asks again, up to three times.
        for attempt in 1..=TRIES {
            let first = ask(&format!("New passphrase for {what}: "))?;
            let again = ask("Repeat passphrase: ")?;
            if *first == *again {
                return Ok(first);
            }
            if attempt < TRIES {
                let _ = writeln_tty("The two passphrases differ; try again.");
            }
        }
        Err(Error::new(
            ErrorKind::Passphrase,
            format!("the two passphrases differed {TRIES} times"),
        ))
    }
}

/// Why a new passphrase is weak, as the zxcvbn strength estimator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weakness {
    /// zxcvbn's score, 0 (guessed in 10^3 tries) to 4; weak is below
    /// [`MIN_SCORE`].
    pub score: u8,
    /// zxcvbn's own warning and suggestions, in one line.
    pub advice: String,
}

/// The lowest zxcvbn score a new passphrase gets without a warning: 3
/// ("safely unguessable", over 10^10 guesses). A stolen keystore is attacked
/// offline, where scrypt slows each guess but does not stop a small space.
pub const MIN_SCORE: u8 = 3;

/// Rates a new passphrase with zxcvbn (dictionaries, keyboard patterns,
/// dates, repeats, and `about`: words of this context such as the owner's id
/// and name). `None` when it is strong enough. The passphrase itself never
/// appears in the result.
pub fn weakness(passphrase: &str, about: &[&str]) -> Option<Weakness> {
    // zxcvbn matches each input as one token: give it the words too.
    let mut words: Vec<&str> = about.to_vec();
    for a in about {
        words.extend(
            a.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() > 2),
        );
    }
    let rating = zxcvbn::zxcvbn(passphrase, &words);
    let score = rating.score() as u8;
    if score >= MIN_SCORE {
        return None;
    }
    let mut advice: Vec<String> = Vec::new();
    if let Some(f) = rating.feedback() {
        if let Some(w) = f.warning() {
            advice.push(w.to_string());
        }
        advice.extend(f.suggestions().iter().map(|s| s.to_string()));
    }
    if advice.is_empty() {
        advice.push("Add another word or two. Uncommon words are better.".into());
    }
    Some(Weakness {
        score,
        advice: advice.join(" "),
    })
}

/// How many times a new passphrase is asked when its confirmation differs.
const TRIES: usize = 3;

/// Whether a prompt can be shown: there is a controlling terminal, and
/// `EHRCRYPT_NO_PROMPT` does not forbid it (scripts run from a terminal
/// that must fail rather than wait).
fn can_prompt() -> bool {
    if std::env::var_os(NO_PROMPT_VAR).is_some_and(|v| !v.is_empty()) {
        return false;
    }
    #[cfg(unix)]
    {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .is_ok()
    }
    #[cfg(not(unix))]
    {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }
}

/// Set (non-empty) to never prompt for a passphrase; documented in README.
pub const NO_PROMPT_VAR: &str = "EHRCRYPT_NO_PROMPT";

fn writeln_tty(line: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    {
        let mut tty = std::fs::OpenOptions::new().write(true).open("/dev/tty")?;
        writeln!(tty, "{line}")
    }
    #[cfg(not(unix))]
    {
        writeln!(std::io::stderr(), "{line}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passphrases_are_rated_weak_and_strong_ones_pass() {
        for weak in [
            "password",
            "alice2024",
            "qwertyuiop",
            "aaaaaaaaaaaa",
            "Dr Alice",
        ] {
            let w = weakness(weak, &["alice", "Dr Alice"]).expect(weak);
            assert!(w.score < MIN_SCORE, "{weak}");
            assert!(!w.advice.is_empty());
            // ("password" is a word zxcvbn's advice itself uses.)
            if weak != "password" {
                assert!(!w.advice.contains(weak), "advice must not echo {weak}");
            }
        }
        // The context words count: the owner's own name is guessable.
        // The context counts, word by word: the owner's own name is guessable.
        assert_eq!(weakness("liddellhargreaves", &[]), None);
        assert!(weakness("liddellhargreaves", &["Dr Liddell Hargreaves"]).is_some());
        assert!(weakness("hargreavesliddell", &["liddell-hargreaves"]).is_some());
        for strong in ["correct horse battery staple", "tQ7#vL9!pW2$kZ"] {
            assert_eq!(weakness(strong, &["alice"]), None, "{strong}");
        }
    }

    #[test]
    fn a_passphrase_file_loses_one_lf_or_crlf_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pass");
        for (content, expected) in [
            ("abc", "abc"),
            ("abc\n", "abc"),
            ("abc\r\n", "abc"),
            ("abc\n\n", "abc\n"),
            ("abc\r", "abc\r"),
            ("abc\r\r\n", "abc\r"),
        ] {
            std::fs::write(&p, content).unwrap();
            let got = PassphraseSource::new(Some(p.clone())).get("t").unwrap();
            assert_eq!(*got, expected, "{content:?}");
        }
    }
}
