//! The agent process: holds unlocked private keys and performs operations
//! with them for clients of the same user, until it is stopped or its
//! lifetime ends. Keys never leave it (an unwrapped exchange key or a
//! signature does, as with ssh-agent and gpg-agent).

use std::collections::HashMap;
use std::io::{BufReader, BufWriter};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
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

/// A running agent.
pub struct Agent {
    keys: RwLock<Option<HashMap<Fingerprint, HeldKey>>>,
    socket: PathBuf,
    expires: Option<SystemTime>,
    stopping: AtomicBool,
    connections: AtomicUsize,
    /// The listening descriptor, to wake `accept` when stopping (-1 before).
    listener: AtomicI32,
}

impl Agent {
    pub fn new(keys: Vec<HeldKey>, socket: &Path, lifetime: Option<Duration>) -> Arc<Self> {
        let keys = keys
            .into_iter()
            .map(|h| (h.key.public().fingerprint(), h))
            .collect();
        Arc::new(Agent {
            keys: RwLock::new(Some(keys)),
            socket: socket.to_path_buf(),
            expires: lifetime.map(|l| SystemTime::now() + l),
            stopping: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
            listener: AtomicI32::new(-1),
        })
    }

    /// Listens on the socket path (whose directory [`super::new_socket_path`]
    /// made private), readable and writable by this user only.
    pub fn bind(&self) -> Result<UnixListener> {
        use std::os::unix::fs::PermissionsExt;
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
            expires: self
                .expires
                .map(|t| humantime::format_rfc3339_seconds(t).to_string()),
            keys,
        }
    }

    /// Serves until stopped or expired, then forgets the keys and removes
    /// the socket and its directory.
    pub fn serve(self: &Arc<Self>, listener: UnixListener) -> Result<()> {
        use std::os::unix::io::AsRawFd;
        self.listener.store(listener.as_raw_fd(), Ordering::SeqCst);
        if let Some(at) = self.expires {
            let me = self.clone();
            std::thread::spawn(move || {
                while let Ok(left) = at.duration_since(SystemTime::now()) {
                    std::thread::sleep(left.min(Duration::from_secs(60)));
                }
                me.stop();
            });
        }
        for conn in listener.incoming() {
            if self.stopping.load(Ordering::SeqCst) {
                break;
            }
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
        self.stop();
        Ok(())
    }

    /// Forgets the keys (zeroized as they drop), removes the socket and its
    /// directory, and wakes the accept loop; when it returns nobody can
    /// reach the keys any more. Idempotent.
    pub fn stop(&self) {
        self.close();
        self.wake();
    }

    /// [`Agent::stop`] but for waking the accept loop, whose return ends
    /// the process: a `Stop` request answers between the two.
    fn close(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.forget();
        let _ = std::fs::remove_file(&self.socket);
        if let Some(dir) = self.socket.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }

    fn wake(&self) {
        let fd = self.listener.load(Ordering::SeqCst);
        if fd >= 0 {
            // SAFETY: shutdown on the listening descriptor `serve` owns and
            // keeps open until it returns; it only makes `accept` fail.
            unsafe { libc::shutdown(fd, libc::SHUT_RDWR) };
        }
    }

    fn forget(&self) {
        if let Ok(mut k) = self.keys.write() {
            k.take();
        }
    }

    fn converse(&self, conn: UnixStream) -> Result<()> {
        conn.set_read_timeout(Some(IDLE))
            .and_then(|()| conn.set_write_timeout(Some(IDLE)))
            .map_err(|e| Error::internal(format!("agent socket: {e}")))?;
        let mut r = BufReader::new(&conn);
        let mut w = BufWriter::new(&conn);
        while let Some(body) = protocol::read_frame(&mut r)? {
            let request = Request::decode(&body);
            let stopping = matches!(request, Ok(Request::Stop));
            let response = match request {
                // Closed before the answer: when the client hears "ok",
                // the keys and the socket are gone.
                Ok(Request::Stop) => {
                    self.close();
                    Response::ok(Vec::new())
                }
                Ok(req) => self.answer(req),
                Err(e) => Response::message(Status::Refused, e.message()),
            };
            let sent = protocol::write_frame(&mut w, &response.encode());
            if stopping {
                // Only now may the process end.
                self.wake();
                return Ok(());
            }
            sent.map_err(|e| Error::internal(format!("agent socket: {e}")))?;
        }
        Ok(())
    }

    fn answer(&self, req: Request) -> Response {
        if let Request::Status = req {
            return match serde_json::to_vec(&self.status()) {
                Ok(doc) => Response::ok(doc),
                Err(_) => Response::message(Status::Failed, "cannot encode status"),
            };
        }
        let Ok(guard) = self.keys.read() else {
            return Response::message(Status::Failed, "agent state poisoned");
        };
        let Some(keys) = guard.as_ref() else {
            return Response::message(Status::NoKey, "the agent is stopping");
        };
        let fp = match &req {
            Request::Unwrap { key, .. }
            | Request::Sign { key, .. }
            | Request::Derive { key, .. } => key,
            Request::Status | Request::Stop => unreachable!("answered above"),
        };
        let Some(held) = keys.get(fp) else {
            return Response::message(Status::NoKey, &format!("no private key {}", fp.short()));
        };
        let k = &held.key;
        let done = match req {
            Request::Unwrap { label, wrapped, .. } => k
                .unwrap(&crate::crypto::Context::from_wire(label), &wrapped)
                .map(|s| s.to_vec()),
            Request::Sign { message, .. } => k.sign(&message),
            Request::Derive { purpose, .. } => match purpose {
                Purpose::LookupCache => k
                    .derive_key(crate::session::LOOKUP_CACHE_FORMAT)
                    .map(|s| s.expose().to_vec()),
            },
            Request::Status | Request::Stop => unreachable!("answered above"),
        };
        match done {
            // The secret goes straight into the zeroizing payload.
            Ok(bytes) => Response::ok(bytes),
            Err(e) => Response::message(Status::Failed, e.message()),
        }
    }
}
