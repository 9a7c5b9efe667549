//! Talking to a running agent: one connection per process, reused, and
//! [`AgentKey`], a private key the agent holds, usable wherever a
//! [`PrivateKeyOps`] is.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

use super::protocol::{self, Purpose, Request, Response, Status};
use super::server::AgentStatus;
use crate::crypto::{Context, Fingerprint, PrivateKeyOps, PublicKey, SymmetricKey};
use crate::error::{Error, ErrorKind, Result};

/// How long an answer may take (an RSA operation takes milliseconds).
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A connection to the agent at a socket path.
pub struct Client {
    socket: PathBuf,
    conn: Mutex<Option<UnixStream>>,
}

impl Client {
    pub fn at(socket: &Path) -> Self {
        Client {
            socket: socket.to_path_buf(),
            conn: Mutex::new(None),
        }
    }

    /// The agent named by `EHRCRYPT_AGENT`, if the variable is set.
    pub fn from_env() -> Option<Self> {
        let v = std::env::var_os(super::ENV_VAR)?;
        (!v.is_empty()).then(|| Client::at(Path::new(&v)))
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// One request, one response. A connection that broke since the last
    /// request (the agent restarted) is opened again once.
    pub fn call(&self, req: &Request) -> Result<Response> {
        let body = req.encode();
        let mut conn = self
            .conn
            .lock()
            .map_err(|_| Error::internal("agent connection lock"))?;
        for attempt in 0..2 {
            if conn.is_none() {
                let stream = UnixStream::connect(&self.socket).map_err(|e| self.unreachable(e))?;
                if !super::peer_is_me(&stream) {
                    return Err(Error::refused(format!(
                        "agent {}: the process listening there is not yours",
                        crate::error::display_path(&self.socket)
                    ))
                    .hint(format!(
                        "unset {}, or point it at your own agent",
                        super::ENV_VAR
                    )));
                }
                // A stopped (SIGSTOP) or hung agent must not hang every
                // command: it is then taken as gone.
                stream
                    .set_read_timeout(Some(TIMEOUT))
                    .and_then(|()| stream.set_write_timeout(Some(TIMEOUT)))
                    .map_err(|e| self.unreachable(e))?;
                *conn = Some(stream);
            }
            let stream = conn.as_mut().expect("connected above");
            let exchanged =
                protocol::write_frame(stream, &body).and_then(|()| protocol::read_frame_io(stream));
            // A connection the agent closed (it restarted, or dropped an
            // idle one) is opened again once; a timeout is not retried.
            let closed = |e: &std::io::Error| {
                use std::io::ErrorKind::*;
                matches!(e.kind(), BrokenPipe | ConnectionReset | ConnectionAborted)
            };
            match exchanged {
                Ok(Some(frame)) => return Response::decode(&frame),
                Ok(None) if attempt == 0 => *conn = None,
                Err(e) if attempt == 0 && closed(&e) => *conn = None,
                Ok(None) => return Err(self.unreachable(std::io::ErrorKind::UnexpectedEof.into())),
                Err(e) => return Err(self.unreachable(e)),
            }
        }
        unreachable!("the second attempt returns")
    }

    fn unreachable(&self, e: std::io::Error) -> Error {
        // No agent there (stopped, expired): not found; anything else is I/O.
        let kind = match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused => {
                ErrorKind::NotFound
            }
            _ => ErrorKind::Io,
        };
        Error::new(
            kind,
            format!("agent {}: {e}", crate::error::display_path(&self.socket)),
        )
        .hint(format!(
            "start one with `eval \"$(ehrcrypt agent start)\"`, or unset {}",
            super::ENV_VAR
        ))
    }

    /// What the agent holds and when it ends.
    pub fn status(&self) -> Result<AgentStatus> {
        let r = self.call(&Request::Status)?;
        expect_ok(&r)?;
        serde_json::from_slice(&r.payload)
            .map_err(|_| Error::format("agent status: not the expected document"))
    }

    /// Asks the agent to forget its keys and exit.
    pub fn stop(&self) -> Result<()> {
        expect_ok(&self.call(&Request::Stop)?)
    }
}

fn expect_ok(r: &Response) -> Result<()> {
    match r.status {
        Status::Ok => Ok(()),
        Status::NoKey => Err(Error::not_found(format!("agent: {}", r.text()))
            .hint("`ehrcrypt agent status` lists the keys it holds; others are opened with the passphrase")),
        Status::Failed => Err(Error::integrity(format!("agent: {}", r.text()))
            .hint("the key the agent holds did not open or sign this; check the record and the keystore")),
        Status::Refused => Err(Error::refused(format!("agent: {}", r.text()))
            .hint("the agent serves exchange keys and backup cards only (docs/FORMAT.md §17); other uses of the key need the passphrase")),
    }
}

/// A private key held by the agent, and its public half from the
/// keystore (to check what the agent signs).
pub struct AgentKey {
    client: Arc<Client>,
    public: PublicKey,
}

impl AgentKey {
    pub fn new(client: Arc<Client>, public: PublicKey) -> Self {
        AgentKey { client, public }
    }

    fn ask(&self, req: Request) -> Result<Zeroizing<Vec<u8>>> {
        let r = self.client.call(&req)?;
        expect_ok(&r)?;
        Ok(r.payload)
    }
}

impl PrivateKeyOps for AgentKey {
    fn fingerprint(&self) -> Fingerprint {
        self.public.fingerprint()
    }

    fn unwrap(&self, ctx: &Context, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.ask(Request::Unwrap {
            key: self.public.fingerprint(),
            label: ctx.as_bytes().to_vec(),
            wrapped: wrapped.to_vec(),
        })
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let sig = self
            .ask(Request::Sign {
                key: self.public.fingerprint(),
                message: message.to_vec(),
            })
            .map_err(internal_if_failed)?
            .to_vec();
        // What goes into a record must verify: a wrong agent is caught
        // here, not when the record is needed.
        if !self.public.verify(message, &sig) {
            return Err(Error::integrity(
                "the agent's signature does not verify with the key it was asked for",
            ));
        }
        Ok(sig)
    }

    fn derive_key(&self, info: &str) -> Result<SymmetricKey> {
        if info != crate::session::LOOKUP_CACHE_FORMAT {
            return Err(Error::internal(format!(
                "the agent derives no key for {info}"
            )));
        }
        let k = self
            .ask(Request::Derive {
                key: self.public.fingerprint(),
                purpose: Purpose::LookupCache,
            })
            .map_err(internal_if_failed)?;
        SymmetricKey::from_slice(&k, "agent-derived key")
    }
}

/// A signature or derivation the agent could not make is its fault, not
/// the data's: internal (exit 1), not integrity.
fn internal_if_failed(e: Error) -> Error {
    if e.kind() == ErrorKind::Integrity {
        Error::internal(e.message().to_string())
    } else {
        e
    }
}
