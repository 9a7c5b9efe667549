//! The agent process: holds unlocked private keys and performs operations
//! with them for clients of the same user, until it is stopped or its
//! lifetime ends. Keys never leave it (an unwrapped exchange key or a
//! signature does, as with ssh-agent and gpg-agent).

use std::collections::HashMap;
use std::io::BufReader;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::protocol::{self, Purpose, Request, Response, Status};
use crate::crypto::{Fingerprint, PrivateKey};
use crate::error::{Error, Result};
use crate::keystore::Keystore;
use crate::owner::OwnerId;
use crate::passphrase::PassphraseSource;

/// A connection may stay idle this long between requests.
const IDLE: Duration = Duration::from_secs(30);
/// Connections served at once; more wait in the listen backlog.
const MAX_CONNECTIONS: usize = 64;

/// One unlocked key and whose it is.
pub struct HeldKey {
    pub owner: OwnerId,
    pub key: PrivateKey,
}

/// The keys an agent holds and when it ends, as `agent status` shows it
/// (docs/JSON.md).
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AgentStatus {
    pub format: String,
    pub socket: PathBuf,
    pub pid: u32,
    /// RFC 3339; `None` when the agent runs until stopped.
    pub expires: Option<String>,
    pub keys: Vec<HeldKeyInfo>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct HeldKeyInfo {
    pub owner: OwnerId,
    pub fingerprint: Fingerprint,
}

pub const STATUS_FORMAT: &str = "ehrcrypt/agent-status/v1";

/// Unlocks every private key of the local owners `only` (all local owners
/// when empty) with the passphrase, once each.
pub fn unlock_keys(
    keystore: &Keystore,
    only: &[OwnerId],
    passphrase: &PassphraseSource,
) -> Result<Vec<HeldKey>> {
    for id in only {
        keystore.local_owner(id)?;
    }
    let mut held = Vec::new();
    for owner in keystore.owners() {
        if !owner.is_local() || (!only.is_empty() && !only.contains(&owner.id)) {
            continue;
        }
        let pass = passphrase.get(&format!("owner {}", owner.id))?;
        for entry in &owner.private_keys {
            held.push(HeldKey {
                owner: owner.id.clone(),
                key: owner.unlock(&entry.fingerprint, pass.as_bytes())?,
            });
        }
    }
    if held.is_empty() {
        return Err(Error::not_found("this keystore holds no private key")
            .hint("create one with `ehrcrypt keygen`, or pass --keystore"));
    }
    Ok(held)
}

/// Keeps the process's memory out of core dumps and away from
/// `ptrace` by other processes of the same user (Linux `PR_SET_DUMPABLE`,
/// as ssh-agent does).
pub fn harden_process() {
    // SAFETY: setrlimit and prctl take plain values and a pointer to a
    // local struct; neither touches memory Rust owns elsewhere.
    unsafe {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &none);
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Points stdin, stdout and stderr at /dev/null, as a daemon does once it
/// has said it is ready: a write to a reader that went away must not end
/// the agent, and the pipes it was started with must close.
pub fn release_stdio() {
    use std::os::unix::io::AsRawFd;
    let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    else {
        return;
    };
    for fd in 0..=2 {
        // SAFETY: dup2 onto the standard descriptors, from one we own;
        // Rust's std handles keep working on the new targets.
        unsafe { libc::dup2(null.as_raw_fd(), fd) };
    }
}

/// The signed messages and OAEP labels the agent serves: those whose
/// context (`crypto::Context`) begins with one of these parts. Anything
/// else that key could sign or open (research pre-keys and studies, D2D
/// pairing statements, legacy iCure wraps) needs the passphrase, so a
/// process that can reach the socket cannot make the agent vouch for it.
const UNWRAP_DOMAINS: &[&[&str]] = &[&[crate::hcp_key::DOMAIN, "wrap"]];
const SIGN_DOMAINS: &[&[&str]] = &[
    &[crate::hcp_key::DOMAIN, "record"],
    &[crate::backup::qr::SIGNED_LABEL],
];

fn in_domains(bytes: &[u8], domains: &[&[&str]]) -> bool {
    domains.iter().any(|parts| {
        let mut c = crate::crypto::Context::new(parts[0]);
        for p in &parts[1..] {
            c.push(p);
        }
        bytes.starts_with(c.as_bytes())
    })
}

/// The longest `--lifetime`: a year. Longer is refused, not wrapped.
pub const MAX_LIFETIME: Duration = Duration::from_secs(366 * 24 * 3600);

/// A running agent. Its process ends with it (see [`Agent::stop`]).
pub struct Agent {
    keys: RwLock<Option<HashMap<Fingerprint, HeldKey>>>,
    socket: PathBuf,
    /// Remove the socket's directory at the end (it made it).
    owns_dir: bool,
    expires: Option<SystemTime>,
    connections: AtomicUsize,
}

impl Agent {
    /// `lifetime` must be at most [`MAX_LIFETIME`] (`None`: until stopped).
    pub fn new(
        keys: Vec<HeldKey>,
        socket: &Path,
        owns_dir: bool,
        lifetime: Option<Duration>,
    ) -> Result<Arc<Self>> {
        let expires = match lifetime {
            Some(l) if l > MAX_LIFETIME => {
                return Err(Error::usage("an agent's lifetime is at most a year"))
            }
            Some(l) => Some(
                SystemTime::now()
                    .checked_add(l)
                    .ok_or_else(|| Error::usage("lifetime out of range"))?,
            ),
            None => None,
        };
        let keys = keys
            .into_iter()
            .map(|h| (h.key.public().fingerprint(), h))
            .collect();
        Ok(Arc::new(Agent {
            keys: RwLock::new(Some(keys)),
            socket: socket.to_path_buf(),
            owns_dir,
            expires,
            connections: AtomicUsize::new(0),
        }))
    }

    /// Listens on the socket path (in a directory private to this user),
    /// readable and writable by this user only. A socket left by an agent
    /// that died (nobody answers on it) is replaced; a live one is not.
    pub fn bind(&self) -> Result<UnixListener> {
        use std::os::unix::fs::PermissionsExt;
        if self.socket.exists() {
            match UnixStream::connect(&self.socket) {
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    let _ = std::fs::remove_file(&self.socket);
                }
                _ => {
                    return Err(Error::refused(format!(
                        "{}: an agent already listens there",
                        crate::error::display_path(&self.socket)
                    ))
                    .hint("stop it first (`ehrcrypt agent stop`), or choose another --socket"))
                }
            }
        }
        let listener = UnixListener::bind(&self.socket)
            .map_err(|e| Error::io(&self.socket, "listen on", e))?;
        std::fs::set_permissions(&self.socket, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io(&self.socket, "restrict", e))?;
        Ok(listener)
    }

    pub fn status(&self) -> AgentStatus {
        let mut keys: Vec<HeldKeyInfo> = self
            .keys
            .read()
            .ok()
            .and_then(|k| {
                k.as_ref().map(|m| {
                    m.iter()
                        .map(|(fp, h)| HeldKeyInfo {
                            owner: h.owner.clone(),
                            fingerprint: *fp,
                        })
                        .collect()
                })
            })
            .unwrap_or_default();
        keys.sort_by(|a, b| (&a.owner, a.fingerprint).cmp(&(&b.owner, b.fingerprint)));
        AgentStatus {
            format: STATUS_FORMAT.into(),
            socket: self.socket.clone(),
            pid: std::process::id(),
            // Within a year from now: always formattable.
            expires: self
                .expires
                .map(|t| humantime::format_rfc3339_seconds(t).to_string()),
            keys,
        }
    }

    /// Serves until stopped, expired or signalled (TERM, HUP, INT); then
    /// forgets the keys, removes the socket and ends the process.
    pub fn serve(self: &Arc<Self>, listener: UnixListener) -> ! {
        let me = self.clone();
        std::thread::spawn(move || {
            wait_for_signal();
            me.stop();
        });
        if let Some(at) = self.expires {
            let me = self.clone();
            std::thread::spawn(move || {
                // Wall clock, checked at least every minute: a suspended
                // machine resumes past the deadline and stops at once.
                while let Ok(left) = at.duration_since(SystemTime::now()) {
                    std::thread::sleep(left.min(Duration::from_secs(60)));
                }
                me.stop();
            });
        }
        for conn in listener.incoming() {
            let Ok(conn) = conn else {
                // Out of descriptors and the like: try again shortly.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            if !super::peer_is_me(&conn) {
                continue; // dropped unread
            }
            if self.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                self.connections.fetch_sub(1, Ordering::SeqCst);
                continue;
            }
            let me = self.clone();
            std::thread::spawn(move || {
                let _ = me.converse(conn);
                me.connections.fetch_sub(1, Ordering::SeqCst);
            });
        }
        self.stop()
    }

    /// Forgets the keys (zeroized as they drop), removes the socket (and
    /// the directory it made) and ends the process: when this is called,
    /// nobody can reach the keys any more.
    pub fn stop(&self) -> ! {
        claim_end();
        self.close();
        std::process::exit(0)
    }

    /// [`Agent::stop`] but for ending the process: a `Stop` request
    /// answers between the two, and a `run` that fails after binding
    /// leaves nothing behind.
    pub fn close(&self) {
        if let Ok(mut k) = self.keys.write() {
            k.take();
        }
        let _ = std::fs::remove_file(&self.socket);
        if self.owns_dir {
            if let Some(dir) = self.socket.parent() {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }

    fn expired(&self) -> bool {
        self.expires.is_some_and(|t| SystemTime::now() >= t)
    }

    fn converse(&self, conn: UnixStream) -> Result<()> {
        conn.set_read_timeout(Some(IDLE))
            .and_then(|()| conn.set_write_timeout(Some(IDLE)))
            .map_err(|e| Error::internal(format!("agent socket: {e}")))?;
        let mut r = BufReader::new(&conn);
        // Responses go out unbuffered: each is one zeroizing frame, and a
        // writer's buffer would keep a copy of the secret in it.
        let mut w = &conn;
        while let Some(body) = protocol::read_frame(&mut r)? {
            if self.expired() {
                self.stop();
            }
            let request = Request::decode(&body);
            let stopping = matches!(request, Ok(Request::Stop));
            let response = match request {
                // Closed before the answer: when the client hears "ok",
                // the keys and the socket are gone.
                Ok(Request::Stop) => {
                    claim_end();
                    self.close();
                    Response::ok(Vec::new())
                }
                Ok(req) => self.answer(req),
                Err(e) => Response::message(Status::Refused, e.message()),
            };
            let sent = protocol::write_frame(&mut w, &response.encode());
            if stopping {
                // Claimed above: only this thread ends the process.
                std::process::exit(0);
            }
            sent.map_err(|e| Error::internal(format!("agent socket: {e}")))?;
        }
        Ok(())
    }

    fn answer(&self, req: Request) -> Response {
        let Ok(guard) = self.keys.read() else {
            return Response::message(Status::Failed, "agent state poisoned");
        };
        let Some(keys) = guard.as_ref() else {
            return Response::message(Status::NoKey, "the agent is stopping");
        };
        let held = |fp: &Fingerprint| keys.get(fp).map(|h| &h.key);
        let no_key = |fp: &Fingerprint| {
            Response::message(Status::NoKey, &format!("no private key {}", fp.short()))
        };
        let done = match req {
            Request::Status => {
                return match serde_json::to_vec(&self.status()) {
                    Ok(doc) => Response::ok(doc),
                    Err(_) => Response::message(Status::Failed, "cannot encode status"),
                }
            }
            Request::Stop => return Response::message(Status::Refused, "stop is answered apart"),
            Request::Unwrap {
                key,
                label,
                wrapped,
            } => {
                if !in_domains(&label, UNWRAP_DOMAINS) {
                    return Response::message(
                        Status::Refused,
                        "the agent opens exchange keys only",
                    );
                }
                let Some(k) = held(&key) else {
                    return no_key(&key);
                };
                k.unwrap(&crate::crypto::Context::from_wire(label), &wrapped)
                    .map(|s| s.to_vec())
            }
            Request::Sign { key, message } => {
                if !in_domains(&message, SIGN_DOMAINS) {
                    return Response::message(
                        Status::Refused,
                        "the agent signs exchange keys and backup cards only",
                    );
                }
                let Some(k) = held(&key) else {
                    return no_key(&key);
                };
                k.sign(&message)
            }
            Request::Derive { key, purpose } => {
                let Some(k) = held(&key) else {
                    return no_key(&key);
                };
                match purpose {
                    Purpose::LookupCache => k
                        .derive_key(crate::session::LOOKUP_CACHE_FORMAT)
                        .map(|s| s.expose().to_vec()),
                }
            }
        };
        match done {
            // The secret goes straight into the zeroizing payload.
            Ok(bytes) => Response::ok(bytes),
            Err(e) => Response::message(Status::Failed, e.message()),
        }
    }
}

/// Lets one thread end the process: the signal, expiry, `Stop` and
/// accept-loop paths can meet, and a second `exit` could cut the first
/// one's answer (and concurrent `exit` is not defined everywhere). Later
/// callers wait for the end.
fn claim_end() {
    static ENDING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if ENDING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
}

/// The signals that end the agent cleanly: TERM (`kill PID`), HUP (the
/// terminal closed), INT (a Ctrl-C of the script that started it).
fn ending_signals() -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the zeroed set on the stack before
    // sigaddset adds to it; both only write into it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT] {
            libc::sigaddset(&mut set, s);
        }
        set
    }
}

/// Blocks until the process gets one of [`ending_signals`], so that the
/// agent can clean up.
fn wait_for_signal() {
    let set = ending_signals();
    let mut got = 0;
    // SAFETY: `set` is initialised; the same signals were blocked in
    // every thread by `block_signals` before any thread started, so
    // sigwait receives them here.
    unsafe { libc::sigwait(&set, &mut got) };
}

/// Blocks [`ending_signals`] in the calling thread and the threads it
/// starts, so that [`wait_for_signal`] receives them. Call before any
/// thread exists.
pub fn block_signals() {
    let set = ending_signals();
    // SAFETY: pthread_sigmask changes only the calling thread's mask,
    // inherited by the threads it spawns; `set` is initialised.
    unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
}
