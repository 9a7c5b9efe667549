//! Device to device (seed 004's D2D, issue 18): two machines side by side
//! pair with a short one-time code and move records over TCP, with no
//! server and no Internet.
//!
//! - [`code`]: the one-time code (`417-maple-otter`).
//! - [`channel`]: SPAKE2 on the code, then a Noise channel keyed by it.
//! - [`pairing`]: signed owner documents over the channel; each side marks
//!   the other's key verified.
//! - [`transfer`]: files streamed over the channel, published whole or not
//!   at all.
//!
//! InteropEHRate's reference code did unauthenticated 512-bit finite-field
//! Diffie-Hellman and AES-ECB; this keeps its flow (agree on a key, show
//! each other's public key, exchange health data) with authenticated,
//! modern cryptography (docs/FORMAT.md §12).

pub mod channel;
pub mod code;
pub(crate) mod noise_aes;
pub mod pairing;
pub mod transfer;

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::crypto::PrivateKey;
use crate::delegation::{self, EntityFile, Grants, KeyUse};
use crate::error::{Error, ErrorKind, Result};
use crate::keystore::Keystore;
use crate::owner::{Owner, OwnerDocument, OwnerId};
use crate::session::Session;

pub use channel::{Channel, Role};
pub use code::PairingCode;
pub use pairing::{Peer, Trusted};
pub use transfer::{FileHeader, FileKind, Item, Limits, Totals};

/// How long a code waits for its one connection, at most.
pub const CODE_LIFETIME: Duration = Duration::from_secs(300);
/// How long either side waits for the next bytes from the other, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A listening socket with its one-time code. It takes one connection,
/// right code or wrong, and is closed after it: a code works once.
pub struct Invitation {
    listener: TcpListener,
    code: PairingCode,
    addr: SocketAddr,
    expires: Instant,
}

impl Invitation {
    /// Binds `addr` (`HOST:PORT`, or `HOST` for any free port) and makes a
    /// fresh code that expires after `lifetime` (capped at
    /// [`CODE_LIFETIME`]).
    pub fn bind(addr: &str, lifetime: Duration) -> Result<Self> {
        let addr = parse_addr(addr, true)?;
        let listener = TcpListener::bind(addr).map_err(|e| {
            Error::new(ErrorKind::Io, format!("cannot listen on {addr}: {e}"))
                .hint("give an address of this machine, e.g. --listen 192.168.1.20:7000")
        })?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::new(ErrorKind::Io, format!("cannot listen: {e}")))?;
        Ok(Invitation {
            listener,
            code: PairingCode::generate(),
            addr,
            expires: Instant::now() + lifetime.min(CODE_LIFETIME),
        })
    }

    /// Where it listens (with the port the system chose).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn code(&self) -> &PairingCode {
        &self.code
    }

    /// Waits for the one connection (until the code expires) and runs the
    /// handshake on it. The listening socket is closed either way.
    pub fn accept(self, timeout: Duration) -> Result<Channel<TcpStream>> {
        self.listener
            .set_nonblocking(true)
            .map_err(|e| Error::new(ErrorKind::Io, format!("cannot listen: {e}")))?;
        let stream = loop {
            match self.listener.accept() {
                Ok((s, _)) => break s,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if Instant::now() >= self.expires {
                        return Err(Error::new(
                            ErrorKind::Io,
                            "the code expired: nobody connected in time",
                        )
                        .hint("start again for a new code"));
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(Error::new(
                        ErrorKind::Io,
                        format!("cannot accept a connection: {e}"),
                    ))
                }
            }
        };
        drop(self.listener);
        prepare(&stream, timeout)?;
        channel::handshake(stream, Role::Listener, &self.code)
    }
}

/// Connects to a listener and runs the handshake with `code`.
pub fn connect(addr: &str, code: &PairingCode, timeout: Duration) -> Result<Channel<TcpStream>> {
    let addr = parse_addr(addr, false)?;
    let stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| {
        Error::new(ErrorKind::Io, format!("cannot connect to {addr}: {e}"))
            .hint("check the address the other screen shows; a code works once, so a listener that already took a connection is gone")
    })?;
    prepare(&stream, timeout)?;
    channel::handshake(stream, Role::Connector, code)
}

fn prepare(s: &TcpStream, timeout: Duration) -> Result<()> {
    let io =
        |e: std::io::Error| Error::new(ErrorKind::Io, format!("cannot set up the connection: {e}"));
    s.set_nonblocking(false).map_err(io)?;
    s.set_read_timeout(Some(timeout)).map_err(io)?;
    s.set_write_timeout(Some(timeout)).map_err(io)?;
    s.set_nodelay(true).map_err(io)
}

/// `HOST:PORT`, `[V6]:PORT`, or (to listen) a bare address or host with
/// port 0. Names resolve to their first address.
fn parse_addr(text: &str, listen: bool) -> Result<SocketAddr> {
    if let Ok(a) = text.parse::<SocketAddr>() {
        return Ok(a);
    }
    if listen {
        if let Ok(ip) = text
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<IpAddr>()
        {
            return Ok(SocketAddr::new(ip, 0));
        }
    }
    let with_port = if listen && !text.contains(':') {
        format!("{text}:0")
    } else {
        text.to_string()
    };
    with_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            Error::usage(format!(
                "{}: not an address (HOST:PORT)",
                channel::short(text)
            ))
        })
}

/// This side of a pairing: a local owner and its unlocked current key.
pub struct Me<'a> {
    pub owner: &'a Owner,
    pub key: &'a PrivateKey,
}

/// Pairs over `ch` and records the result in the keystore at `keystore`:
/// the peer is imported (a known owner whose key differs is refused) and
/// its key marked verified. `expect` refuses any other owner, before
/// either side confirms.
pub fn pair<S: Read + Write>(
    ch: &mut Channel<S>,
    keystore: &Path,
    me: &Me,
    expect: Option<&OwnerId>,
) -> Result<(Peer, Trusted)> {
    let peer = pairing::exchange(ch, me.owner, me.key, |peer| {
        check_expected(peer, expect)?;
        pairing::check_trust(&Keystore::load(keystore)?, peer)
    })?;
    let trusted = Keystore::update(keystore, |ks| pairing::trust(ks, &peer))?;
    Ok((peer, trusted))
}

fn check_expected(peer: &Peer, expect: Option<&OwnerId>) -> Result<()> {
    match expect {
        Some(id) if id != peer.id() => Err(Error::refused(format!(
            "the other side is {}, not {id}",
            channel::short(peer.id().as_str())
        ))),
        _ => Ok(()),
    }
}

/// An entity file to send, read before any connection is made.
pub struct Outgoing {
    pub name: String,
    file: EntityFile,
}

/// Reads the entity files to send, each under its plain file name (as
/// `backup` names them). Names must be unique.
pub fn load_records(paths: &[PathBuf]) -> Result<Vec<Outgoing>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        let file = EntityFile::read(p)?;
        // The protocol carries one file per record; a receiver given the
        // entity alone could not read it (exit 3 there, after pairing).
        if file.entity().has_sidecars() {
            return Err(Error::usage(format!(
                "{}: its record or attachments are in sidecar files beside it, which send does not carry",
                file.source()
            ))
            .hint("send a backup of it (`ehrcrypt backup create`), or share it where both can read it (`ehrcrypt share`)"));
        }
        let raw = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = crate::backup::manifest::sanitise_name(&raw);
        if !seen.insert(name.to_ascii_lowercase()) {
            return Err(Error::usage(format!(
                "two inputs would arrive as {name}; send them in separate runs"
            )));
        }
        out.push(Outgoing { name, file });
    }
    Ok(out)
}

/// What sending did.
pub struct Sent {
    pub totals: Totals,
    pub names: Vec<String>,
    pub key: KeyUse,
}

/// Shares `records` with the paired `peer` through the ordinary
/// delegation API (the payloads are not touched) and sends them with
/// `me`'s owner document for the peer, which carries the exchange key
/// {me→peer} the new entries are wrapped under.
pub fn send_records<S: Read + Write>(
    ch: &mut Channel<S>,
    session: &mut Session,
    me: &OwnerId,
    peer: &OwnerId,
    records: Vec<Outgoing>,
) -> Result<Sent> {
    let prepared = prepare_records(session, me, peer, records);
    let (items, names, key) = match prepared {
        Ok(p) => p,
        Err(e) => {
            ch.abort(e.message());
            return Err(e);
        }
    };
    let mut doc: OwnerDocument = session.keystore().owner(me)?.document();
    doc.hc_party_keys.retain(|d, _| d == peer);
    let totals = transfer::send(ch, Some(&doc), items)?;
    Ok(Sent { totals, names, key })
}

type Prepared = (Vec<Item>, Vec<String>, KeyUse);

fn prepare_records(
    session: &mut Session,
    me: &OwnerId,
    peer: &OwnerId,
    records: Vec<Outgoing>,
) -> Result<Prepared> {
    let grants = Grants::resolve(session, me, [peer], false)?;
    let key = grants
        .uses
        .first()
        .cloned()
        .ok_or_else(|| Error::internal("no exchange key resolved"))?;
    let mut items = Vec::with_capacity(records.len());
    let mut names = Vec::with_capacity(records.len());
    for mut r in records {
        let source = r.file.source().to_string();
        delegation::share(r.file.entity_mut(), session, &grants, &source)?;
        let mut bytes = Vec::new();
        r.file
            .write_to(&mut bytes)
            .map_err(|e| Error::internal(format!("{source}: cannot serialise: {e}")))?;
        names.push(r.name.clone());
        items.push(Item {
            header: FileHeader {
                name: r.name,
                size: bytes.len() as u64,
                kind: FileKind::Entity,
            },
            source: Box::new(std::io::Cursor::new(bytes)),
        });
    }
    Ok((items, names, key))
}

/// What receiving did.
pub struct Received {
    pub peer: Peer,
    pub trusted: Trusted,
    pub totals: Totals,
    pub files: Vec<PathBuf>,
    pub exchange_keys_added: usize,
}

/// Pairs as `me`, then receives one transfer into `out_dir`. Nothing is
/// written, to the keystore or to `out_dir`, unless every file arrived
/// and checked out: then the keystore takes the sender (verified) and its
/// exchange keys for `me`, and the files are published.
pub fn receive_records<S: Read + Write>(
    ch: &mut Channel<S>,
    keystore: &Path,
    me: &Me,
    expect: Option<&OwnerId>,
    out_dir: &Path,
    limits: Limits,
) -> Result<Received> {
    let peer = pairing::exchange(ch, me.owner, me.key, |peer| {
        check_expected(peer, expect)?;
        pairing::check_trust(&Keystore::load(keystore)?, peer)
    })?;
    let mut sink = transfer::DirSink::new(out_dir)?;
    let my_id = me.owner.id.clone();
    let mut outcome: Option<(Trusted, usize, Vec<PathBuf>)> = None;
    let offer = transfer::receive(
        ch,
        limits,
        |offer| check_sender_document(&peer, offer.owner.as_ref()),
        &mut sink,
        |offer, sink| {
            let doc = offer.owner.clone().map(|mut d| {
                d.hc_party_keys.retain(|delegate, _| delegate == &my_id);
                d
            });
            let (trusted, added) = Keystore::update(keystore, |ks| {
                let trusted = pairing::trust(ks, &peer)?;
                let added = match doc {
                    Some(d) => ks.import(d, false)?.exchange_keys_added,
                    None => 0,
                };
                Ok((trusted, added))
            })?;
            let files = sink.publish()?;
            outcome = Some((trusted, added, files));
            Ok(())
        },
    )?;
    let (trusted, exchange_keys_added, files) =
        outcome.ok_or_else(|| Error::internal("transfer finished without publishing"))?;
    Ok(Received {
        peer,
        trusted,
        totals: offer.totals,
        files,
        exchange_keys_added,
    })
}

/// The sender's document in the offer must be the paired peer's, with the
/// same keys: it may add exchange keys, never a key the pairing did not
/// show.
fn check_sender_document(peer: &Peer, doc: Option<&OwnerDocument>) -> Result<()> {
    let Some(doc) = doc else { return Ok(()) };
    let same_keys = doc.public_keys.len() == peer.document.public_keys.len()
        && doc
            .public_keys
            .iter()
            .zip(&peer.document.public_keys)
            .all(|(a, b)| a.fingerprint == b.fingerprint);
    if doc.id != peer.document.id || !same_keys {
        return Err(Error::integrity(
            "the sender's owner document is not the one it paired with",
        ));
    }
    Ok(())
}
