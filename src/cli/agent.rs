//! `ehrcrypt agent ...`: keep the private keys unlocked for a while, so
//! that a session of commands asks for the passphrase (and pays its scrypt
//! derivation) once. The shape of ssh-agent: `eval "$(ehrcrypt agent
//! start)"` sets `EHRCRYPT_AGENT`, commands use it, `agent stop` ends it.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use clap::{Args, Subcommand};
use serde_json::json;

use ehrcrypt::agent::{self, Agent, AgentStatus, Client};
use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::OwnerId;
use ehrcrypt::{Error, ErrorKind, Result};

use super::Env;

#[derive(Subcommand, Debug)]
pub enum AgentCommand {
    /// Start an agent in the background; print the shell lines that point commands at it
    #[command(
        after_help = "The passphrase is asked once (or read from --passphrase-file / EHRCRYPT_PASSPHRASE);\nthe agent then decrypts exchange keys and signs for commands run with EHRCRYPT_AGENT set.\nIt never hands a private key out; it forgets them at `agent stop` or when --lifetime ends.\n\nExamples:\n  eval \"$(ehrcrypt agent start)\"\n  eval \"$(ehrcrypt agent start --as alice --lifetime 2h)\"\n  ehrcrypt --json agent start"
    )]
    Start(KeyArgs),
    /// Run an agent in the foreground on SOCKET (for a service manager)
    #[command(
        after_help = "Prints one line when ready (one JSON line with --json), then serves until stopped.\nSOCKET's directory must be private to you (mode 0700).\n\nExamples:\n  ehrcrypt agent run --socket \"$XDG_RUNTIME_DIR/ehrcrypt/agent.sock\""
    )]
    Run {
        /// Where to listen
        #[arg(long, value_name = "SOCKET")]
        socket: PathBuf,
        #[command(flatten)]
        keys: KeyArgs,
        /// SOCKET's directory was made for this agent: remove it at the end (set by `agent start`)
        #[arg(long, hide = true)]
        owns_dir: bool,
    },
    /// Show the keys the agent in EHRCRYPT_AGENT holds and when it ends
    #[command(after_help = "Examples:\n  ehrcrypt agent status\n  ehrcrypt --json agent status")]
    Status,
    /// Make the agent in EHRCRYPT_AGENT forget its keys and exit
    #[command(after_help = "Examples:\n  eval \"$(ehrcrypt agent stop)\"")]
    Stop,
}

#[derive(Args, Debug)]
pub struct KeyArgs {
    /// Hold the keys of OWNER only (repeatable) [default: every owner with a private key here]
    #[arg(long = "as", value_name = "OWNER")]
    owners: Vec<OwnerId>,
    /// How long the keys are held, e.g. 30m, 8h, 1d; 0 holds them until `agent stop`
    #[arg(long, value_name = "DURATION", default_value = "8h", value_parser = lifetime)]
    lifetime: Lifetime,
}

/// `None`: until stopped.
#[derive(Clone, Copy, Debug)]
struct Lifetime(Option<Duration>);

fn lifetime(s: &str) -> Result<Lifetime> {
    let hint = "e.g. 30m, 8h, 1d (at most a year), or 0 for until stopped";
    let d = if s == "0" {
        Duration::ZERO
    } else {
        humantime::parse_duration(s).map_err(|e| Error::usage(e.to_string()).hint(hint))?
    };
    if d > agent::server::MAX_LIFETIME {
        return Err(Error::usage(format!("{s} is longer than a year")).hint(hint));
    }
    Ok(Lifetime((!d.is_zero()).then_some(d)))
}

pub fn run(env: &Env, cmd: AgentCommand) -> Result<()> {
    match cmd {
        AgentCommand::Start(keys) => start(env, keys),
        AgentCommand::Run {
            socket,
            keys,
            owns_dir,
        } => serve(env, &socket, keys, owns_dir),
        AgentCommand::Status => status(env),
        AgentCommand::Stop => stop(env),
    }
}

/// Spawns `ehrcrypt agent run` on a fresh private socket, waits for its
/// ready line (or its error), and prints where it is.
fn start(env: &Env, keys: KeyArgs) -> Result<()> {
    if let Some(old) = Client::from_env() {
        if old.status().is_ok() {
            env.out.warn(format!(
                "an agent already runs at {} ({} is set); this starts another, stop the first with `ehrcrypt agent stop` before the variable changes",
                old.socket().display(),
                agent::ENV_VAR
            ));
        }
    }
    let socket = agent::new_socket_path()?;
    let exe = std::env::current_exe()
        .map_err(|e| Error::internal(format!("cannot find the ehrcrypt executable: {e}")))?;
    let mut cmd = Command::new(exe);
    cmd.arg("--keystore").arg(env.keystore_path()?);
    if let Some(f) = &env.global.passphrase_file {
        cmd.arg("--passphrase-file").arg(f);
    }
    cmd.args(["--json", "agent", "run", "--owns-dir", "--socket"])
        .arg(&socket);
    for o in &keys.owners {
        cmd.args(["--as", o.as_str()]);
    }
    match keys.lifetime.0 {
        Some(d) => cmd
            .arg("--lifetime")
            .arg(format!("{}s", d.as_secs().max(1))),
        None => cmd.args(["--lifetime", "0"]),
    };
    // The passphrase prompt, if any, goes to the terminal (/dev/tty), not
    // to these pipes.
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::internal(format!("cannot start the agent: {e}")))?;
    let mut ready = String::new();
    let mut out = BufReader::new(child.stdout.take().expect("piped"));
    let _ = out.read_line(&mut ready);
    let status: AgentStatus = match serde_json::from_str(ready.trim()) {
        Ok(s) => s,
        Err(_) => {
            // No ready line: the agent failed (its one error line says
            // why) or is not the program we meant; either way it goes.
            let _ = child.kill();
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            let _ = child.wait();
            let _ = std::fs::remove_file(&socket);
            if let Some(dir) = socket.parent() {
                let _ = std::fs::remove_dir(dir);
            }
            return Err(child_error(&err));
        }
    };
    // The agent keeps running; its pipes close with this process.
    if env.out.json {
        env.out.json(&status);
        return Ok(());
    }
    let path = super::output::shell_quote(&status.socket.to_string_lossy());
    env.out.line(format!(
        "{}={path}; export {};",
        agent::ENV_VAR,
        agent::ENV_VAR
    ));
    env.out.note(format!(
        "ehrcrypt: agent pid {} holds {} key(s) {}",
        status.pid,
        status.keys.len(),
        until(&status)
    ));
    Ok(())
}

/// The error the agent process reported as JSON on its stderr.
fn child_error(stderr: &str) -> Error {
    let last = stderr.lines().last().unwrap_or("").trim();
    let v: serde_json::Value = match serde_json::from_str(last) {
        Ok(v) => v,
        Err(_) if last.is_empty() => return Error::internal("the agent ended before it was ready"),
        Err(_) => {
            return Error::internal(format!(
                "the agent ended before it was ready: {}",
                super::output::printable(last, false)
            ))
        }
    };
    let kind = v["kind"]
        .as_str()
        .and_then(ErrorKind::from_name)
        .unwrap_or(ErrorKind::Internal);
    let mut e = Error::new(
        kind,
        v["message"].as_str().unwrap_or("agent failed").to_string(),
    );
    if let Some(h) = v["hint"].as_str() {
        e = e.hint(h.to_string());
    }
    e
}

/// The foreground agent: unlock, listen, say so, serve.
fn serve(env: &Env, socket: &Path, keys: KeyArgs, owns_dir: bool) -> Result<()> {
    agent::server::harden_process();
    let socket = std::path::absolute(socket).map_err(|e| Error::io(socket, "resolve", e))?;
    check_private_dir(&socket)?;
    let keystore = Keystore::load(&env.keystore_path()?)?;
    let held = agent::server::unlock_keys(&keystore, &keys.owners, &env.passphrase())?;
    drop(keystore);
    // After the prompt (a Ctrl-C there must end the command), before any
    // thread exists, so that the signal thread gets them all.
    agent::server::block_signals();
    let agent = Agent::new(held, &socket, owns_dir, keys.lifetime.0)?;
    let listener = agent.bind()?;
    // A daemon holds no directory busy.
    let _ = std::env::set_current_dir("/");
    let status = agent.status();
    // One line (JSON with --json): whoever started us reads exactly that.
    let ready = if env.out.json {
        serde_json::to_string(&status).map_err(|_| Error::internal("cannot encode agent status"))?
    } else {
        format!(
            "agent ready on {} with {} key(s) {}",
            status.socket.display(),
            status.keys.len(),
            until(&status)
        )
    };
    if let Err(e) = super::output::try_stdout(ready.as_bytes()) {
        agent.close();
        return Err(e);
    }
    // Whoever read the ready line may go away; nothing is printed after
    // it, and the pipes it came through are let go (a shell's `$(...)`
    // waits for them to close).
    agent::server::release_stdio();
    agent.serve(listener)
}

/// The socket's directory must be this user's alone: anyone who can
/// enter it could use the keys (the peer check is the second fence).
fn check_private_dir(socket: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let dir = match socket.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let m = std::fs::metadata(dir).map_err(|e| Error::io(dir, "inspect", e))?;
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    if m.uid() != me || m.mode() & 0o077 != 0 {
        return Err(Error::refused(format!(
            "{}: the agent's socket directory must be yours alone (mode {:03o})",
            ehrcrypt::error::display_path(dir),
            m.mode() & 0o777
        ))
        .hint("run `mkdir -m 700` for a directory of its own, or use `ehrcrypt agent start`"));
    }
    Ok(())
}

fn client() -> Result<Client> {
    Client::from_env().ok_or_else(|| {
        Error::not_found(format!("no agent: {} is not set", agent::ENV_VAR))
            .hint("start one with `eval \"$(ehrcrypt agent start)\"`")
    })
}

fn status(env: &Env) -> Result<()> {
    let s = client()?.status()?;
    if env.out.json {
        env.out.json(&s);
        return Ok(());
    }
    env.out.line(format!(
        "agent pid {} on {}, {}",
        s.pid,
        s.socket.display(),
        until(&s)
    ));
    for k in &s.keys {
        env.out
            .line(format!("  {}  {}", k.owner, k.fingerprint.grouped()));
    }
    Ok(())
}

fn stop(env: &Env) -> Result<()> {
    let c = client()?;
    c.stop()?;
    if env.out.json {
        env.out
            .json(&json!({"stopped": true, "socket": c.socket()}));
    } else {
        env.out.line(format!("unset {};", agent::ENV_VAR));
        env.out
            .note("ehrcrypt: agent stopped; its keys are forgotten");
    }
    Ok(())
}

fn until(s: &AgentStatus) -> String {
    match &s.expires {
        Some(t) => format!("until {t}"),
        None => "until stopped".into(),
    }
}
