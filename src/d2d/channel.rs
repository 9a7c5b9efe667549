//! The encrypted channel between two devices (docs/FORMAT.md §12.2).
//!
//! Composition, all from maintained crates:
//!
//! 1. **SPAKE2** (`spake2`, Ed25519 group) on the one-time code. Each side
//!    sends one clear hello carrying its SPAKE2 message; both derive a
//!    32-byte key K. Someone who does not know the code learns nothing
//!    from the hellos that would let them test guesses offline, and gets
//!    one online guess per code.
//! 2. **Noise `NNpsk0_25519_AESGCM_SHA256`** (`snow`) with K as the
//!    pre-shared key and both hellos, byte for byte, in the prologue. The
//!    PSK authenticates the handshake (a wrong code fails at the first
//!    Noise message, before either side sends anything of value), the
//!    fresh X25519 ephemerals give forward secrecy and make every session
//!    unique (a replayed old session fails), and the prologue binds the
//!    clear hellos (their versions and roles) to the keys.
//! 3. **Transport**: Noise transport messages, one per frame, with Noise's
//!    own counters: a modified, dropped, reordered or replayed frame fails
//!    to decrypt and the channel is dead from then on.
//!
//! We do not invent a handshake: SPAKE2-then-Noise-PSK is Noise's documented
//! way to use a PAKE ("psk" modifier), and the signatures over the
//! handshake hash that [`super::pairing`] adds are the usual channel binding.
//!
//! Every frame on the wire is `u16be(len) || len bytes` (len ≤ 65535), so
//! no peer can make this side allocate more than one frame; time is bounded
//! by the socket's read and write timeouts, which the caller sets.

use std::io::{self, BufRead, BufReader, Read, Write};

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use spake2::{Ed25519Group, Identity, Password, Spake2};
use zeroize::Zeroizing;

use super::code::PairingCode;
use crate::crypto::Context;
use crate::error::{Error, ErrorKind, Result};

/// `header.protocol` of every message.
pub const PROTOCOL: &str = "ehrcrypt/d2d";
/// `header.version`: the protocol version this build speaks.
pub const VERSION: &str = "1";
const NOISE_PARAMS: &str = "Noise_NNpsk0_25519_AESGCM_SHA256";
const LABEL: &str = "ehrcrypt/d2d/v1";

/// The largest frame (Noise's message limit).
pub const MAX_FRAME: usize = 65535;
const TAG_LEN: usize = 16;
/// The largest plaintext of one transport message, type byte included.
pub const MAX_PLAINTEXT: usize = MAX_FRAME - TAG_LEN;
/// The largest data chunk in one frame.
pub const MAX_CHUNK: usize = MAX_PLAINTEXT - 1;

/// The SPAKE2 identities of the two roles (A = connector, B = listener).
pub const SPAKE2_ID_CONNECTOR: &[u8] = b"ehrcrypt/d2d/v1 connector";
pub const SPAKE2_ID_LISTENER: &[u8] = b"ehrcrypt/d2d/v1 listener";

const KIND_CONTROL: u8 = b'C';
const KIND_DATA: u8 = b'D';

/// Which end of the TCP connection this is. The connector starts the
/// handshake; who sends records is decided by the commands, not by this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Connector,
    Listener,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Connector => "connector",
            Role::Listener => "listener",
        }
    }

    pub fn other(self) -> Role {
        match self {
            Role::Connector => Role::Listener,
            Role::Listener => Role::Connector,
        }
    }
}

/// What a D2D message does (seed 004's `operation`, in our own vocabulary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Operation {
    /// Clear hello: the SPAKE2 message.
    Pake,
    /// The signed owner document.
    Pair,
    /// "I checked your document": pairing completes after both.
    Confirm,
    /// The sender's totals and its owner document for the receiver.
    Offer,
    /// The receiver takes the offer.
    Accept,
    /// One file follows as data frames.
    File,
    /// No more files.
    End,
    /// Everything was written on the receiving side.
    Received,
    /// The sender of this gives up; the body says why.
    Abort,
}

/// `header` of seed 004's D2D security message (without its `agent` and
/// `timeStamp`, which would tell an observer more than needed).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Header {
    pub protocol: String,
    pub version: String,
}

/// One D2D message: seed 004's `{header, operation, body}`, with a JSON
/// body instead of a string.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Message {
    pub header: Header,
    pub operation: Operation,
    #[serde(default)]
    pub body: Value,
}

impl Message {
    pub fn new(operation: Operation, body: Value) -> Self {
        Message {
            header: Header {
                protocol: PROTOCOL.to_string(),
                version: VERSION.to_string(),
            },
            operation,
            body,
        }
    }

    fn to_bytes(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(self).map_err(|_| Error::internal("cannot serialise a D2D message"))
    }

    /// Parses a message and checks its protocol and version: a newer
    /// version is refused (exit 6) with an upgrade hint, like every
    /// versioned format of ehrcrypt.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        // One rule for every JSON ehrcrypt reads (format::parse_strict): a
        // repeated key is malformed, never "the last one wins".
        let m: Message = crate::format::parse_strict(bytes, "the other side", "D2D message")?;
        if m.header.protocol != PROTOCOL {
            return Err(Error::format(format!(
                "the other side speaks another protocol ({})",
                short(&m.header.protocol)
            )));
        }
        if m.header.version != VERSION {
            let newer = m.header.version.parse::<u32>().is_ok_and(|v| v > 1);
            let e = Error::format(format!(
                "the other side speaks D2D version {}; this ehrcrypt speaks version {VERSION}",
                short(&m.header.version)
            ));
            return Err(if newer {
                e.hint("upgrade ehrcrypt on this side")
            } else {
                e
            });
        }
        Ok(m)
    }

    /// The body as `T`, or a format error naming the operation.
    pub fn body<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_value(self.body.clone()).map_err(|e| {
            Error::format(format!(
                "the other side sent a malformed {:?} message: {e}",
                self.operation
            ))
        })
    }
}

/// Peer-chosen text, cut short for messages (printing escapes control
/// characters).
pub(crate) fn short(s: &str) -> String {
    s.chars().take(80).collect()
}

#[derive(Serialize, Deserialize)]
struct Hello {
    role: Role,
    /// Base64 of the SPAKE2 message.
    pake: String,
}

/// What one received transport message was.
pub enum Incoming<'a> {
    Control(Message),
    Data(&'a [u8]),
}

/// An established channel: Noise transport over `S`.
pub struct Channel<S: Read + Write> {
    stream: BufReader<S>,
    noise: snow::TransportState,
    role: Role,
    hash: [u8; 32],
    frame: Vec<u8>,
    plain: Vec<u8>,
    out: Vec<u8>,
}

/// Runs the handshake as `role` over `stream` with the pairing code.
/// Fails with `Integrity` when the code differs on the two sides (or
/// someone in the middle changed a byte), `Format` for a peer that speaks
/// another protocol or version, `Io` on a timeout or a broken connection.
pub fn handshake<S: Read + Write>(stream: S, role: Role, code: &PairingCode) -> Result<Channel<S>> {
    let mut stream = BufReader::with_capacity(256 << 10, stream);
    let password = Password::new(code.text().as_bytes());
    let (id_a, id_b) = (
        Identity::new(SPAKE2_ID_CONNECTOR),
        Identity::new(SPAKE2_ID_LISTENER),
    );
    let (pake, my_msg) = match role {
        Role::Connector => Spake2::<Ed25519Group>::start_a(&password, &id_a, &id_b),
        Role::Listener => Spake2::<Ed25519Group>::start_b(&password, &id_a, &id_b),
    };
    let hello = Message::new(
        Operation::Pake,
        serde_json::to_value(Hello {
            role,
            pake: base64::engine::general_purpose::STANDARD.encode(&my_msg),
        })
        .map_err(|_| Error::internal("cannot serialise hello"))?,
    )
    .to_bytes()?;
    let mut buf = vec![0u8; MAX_FRAME];
    // The connector speaks first; the listener answers only a valid hello.
    let their_hello = match role {
        Role::Connector => {
            write_frame(stream.get_mut(), &hello)?;
            read_frame(&mut stream, &mut buf, Stage::Hello)?.to_vec()
        }
        Role::Listener => {
            let h = read_frame(&mut stream, &mut buf, Stage::Hello)?.to_vec();
            write_frame(stream.get_mut(), &hello)?;
            h
        }
    };
    let their: Hello = {
        let m = Message::parse(&their_hello)?;
        if m.operation != Operation::Pake {
            return Err(Error::format(
                "the other side did not start with a D2D hello",
            ));
        }
        m.body()?
    };
    if their.role != role.other() {
        return Err(Error::format(format!(
            "the other side is also a {}: one side listens, the other connects",
            role.as_str()
        )));
    }
    let their_msg = base64::engine::general_purpose::STANDARD
        .decode(their.pake.as_bytes())
        .map_err(|_| Error::format("the other side's hello is not base64"))?;
    let key = Zeroizing::new(
        pake.finish(&their_msg)
            .map_err(|_| Error::format("the other side's SPAKE2 message is malformed"))?,
    );
    let psk: Zeroizing<[u8; 32]> = Zeroizing::new(
        key.as_slice()
            .try_into()
            .map_err(|_| Error::internal("SPAKE2 key is not 32 bytes"))?,
    );
    let (c_hello, l_hello) = match role {
        Role::Connector => (&hello, &their_hello),
        Role::Listener => (&their_hello, &hello),
    };
    let prologue = Context::new(LABEL)
        .with("prologue")
        .with_bytes(c_hello)
        .with_bytes(l_hello);
    let builder = snow::Builder::with_resolver(
        NOISE_PARAMS
            .parse()
            .map_err(|_| Error::internal("bad Noise parameters"))?,
        super::noise_aes::resolver(),
    )
    .psk(0, &psk)
    .and_then(|b| b.prologue(prologue.as_bytes()))
    .map_err(|_| Error::internal("cannot configure Noise"))?;
    let mut hs = match role {
        Role::Connector => builder.build_initiator(),
        Role::Listener => builder.build_responder(),
    }
    .map_err(|_| Error::internal("cannot start Noise"))?;
    // Room for a whole frame and its length prefix.
    let mut msg = vec![0u8; MAX_FRAME + 2];
    let mut scratch = vec![0u8; MAX_FRAME];
    let wrong_code = || {
        Error::integrity("pairing failed: the code does not match (or someone in the middle changed the messages)")
            .hint("start again with a new code; a code works once")
    };
    match role {
        Role::Connector => {
            let n = hs
                .write_message(&[], &mut msg)
                .map_err(|_| Error::internal("Noise write failed"))?;
            write_frame(stream.get_mut(), &msg[..n])?;
            let m = read_frame(&mut stream, &mut buf, Stage::Handshake)?;
            hs.read_message(m, &mut scratch).map_err(|_| wrong_code())?;
        }
        Role::Listener => {
            let m = read_frame(&mut stream, &mut buf, Stage::Handshake)?;
            hs.read_message(m, &mut scratch).map_err(|_| wrong_code())?;
            let n = hs
                .write_message(&[], &mut msg)
                .map_err(|_| Error::internal("Noise write failed"))?;
            write_frame(stream.get_mut(), &msg[..n])?;
        }
    }
    let hash: [u8; 32] = hs
        .get_handshake_hash()
        .try_into()
        .map_err(|_| Error::internal("handshake hash is not 32 bytes"))?;
    let noise = hs
        .into_transport_mode()
        .map_err(|_| Error::internal("Noise handshake incomplete"))?;
    Ok(Channel {
        stream,
        noise,
        role,
        hash,
        frame: buf,
        plain: scratch,
        out: msg,
    })
}

/// Where in the protocol a read happened, for the error message.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Hello,
    Handshake,
    Transport,
}

fn write_frame<W: Write>(w: &mut W, bytes: &[u8]) -> Result<()> {
    let len = u16::try_from(bytes.len()).map_err(|_| Error::internal("frame too long"))?;
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
    w.write_all(&out)
        .and_then(|_| w.flush())
        .map_err(|e| net_error(e, "send to"))
}

fn read_frame<'b, R: Read>(r: &mut R, buf: &'b mut [u8], stage: Stage) -> Result<&'b [u8]> {
    let mut len = [0u8; 2];
    r.read_exact(&mut len).map_err(|e| closed(e, stage))?;
    let len = u16::from_be_bytes(len) as usize;
    r.read_exact(&mut buf[..len])
        .map_err(|e| closed(e, stage))?;
    Ok(&buf[..len])
}

fn closed(e: io::Error, stage: Stage) -> Error {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        match stage {
            Stage::Hello => Error::new(
                ErrorKind::Io,
                "the other side closed the connection before pairing started",
            )
            .hint("the code may have been used or expired already: start again with a new one"),
            Stage::Handshake => Error::integrity(
                "pairing failed: the other side hung up during the handshake (wrong code, or a code already used or expired)",
            )
            .hint("start again with a new code; a code works once"),
            Stage::Transport => Error::new(
                ErrorKind::Io,
                "the other side closed the connection in the middle of the exchange",
            ),
        }
    } else {
        net_error(e, "receive from")
    }
}

/// A socket error as a one-line message; a read or write timeout says so.
pub fn net_error(e: io::Error, what: &str) -> Error {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Error::new(
            ErrorKind::Io,
            format!("timed out: the other side stopped answering (cannot {what} it)"),
        )
        .hint("check the other side; --timeout SECS waits longer"),
        _ => Error::new(ErrorKind::Io, format!("cannot {what} the other side: {e}")),
    }
}

impl<S: Read + Write> Channel<S> {
    pub fn role(&self) -> Role {
        self.role
    }

    /// The Noise handshake hash: unique to this session, known to both
    /// sides; signatures made for this session cover it.
    pub fn handshake_hash(&self) -> &[u8; 32] {
        &self.hash
    }

    /// A short code both screens show: 8 digits from the handshake hash.
    /// Equal codes mean both sides hold the same session keys.
    pub fn comparison_code(&self) -> String {
        let d = crate::crypto::sha256(
            Context::new(LABEL)
                .with("comparison")
                .with_bytes(&self.hash)
                .as_bytes(),
        );
        let n = u32::from_be_bytes([d[0], d[1], d[2], d[3]]) % 100_000_000;
        format!("{:04}-{:04}", n / 10_000, n % 10_000)
    }

    fn send_plain(&mut self, kind: u8, payload: &[u8]) -> Result<()> {
        debug_assert!(payload.len() <= MAX_CHUNK);
        self.plain[0] = kind;
        self.plain[1..1 + payload.len()].copy_from_slice(payload);
        let n = self
            .noise
            .write_message(&self.plain[..1 + payload.len()], &mut self.out[2..])
            .map_err(|_| Error::internal("Noise encryption failed"))?;
        self.out[..2].copy_from_slice(&(n as u16).to_be_bytes());
        self.stream
            .get_mut()
            .write_all(&self.out[..2 + n])
            .map_err(|e| net_error(e, "send to"))
    }

    /// Sends a control message (at most [`MAX_CHUNK`] bytes of JSON).
    pub fn send(&mut self, m: &Message) -> Result<()> {
        let bytes = m.to_bytes()?;
        if bytes.len() > MAX_CHUNK {
            return Err(Error::refused(format!(
                "a {:?} message would be {} bytes; the limit is {MAX_CHUNK}",
                m.operation,
                bytes.len()
            )));
        }
        self.send_plain(KIND_CONTROL, &bytes)?;
        self.flush()
    }

    /// Sends one chunk of file data (at most [`MAX_CHUNK`] bytes).
    pub fn send_data(&mut self, chunk: &[u8]) -> Result<()> {
        if chunk.len() > MAX_CHUNK {
            return Err(Error::internal("data chunk too long"));
        }
        self.send_plain(KIND_DATA, chunk)
    }

    pub fn flush(&mut self) -> Result<()> {
        self.stream
            .get_mut()
            .flush()
            .map_err(|e| net_error(e, "send to"))
    }

    /// Sends an `ABORT` with a reason, ignoring errors: the caller is
    /// failing anyway and reports its own error.
    pub fn abort(&mut self, reason: &str) {
        let _ = self.send(&Message::new(
            Operation::Abort,
            serde_json::json!({ "reason": short(reason) }),
        ));
    }

    /// Receives the next transport message. A frame that fails to decrypt
    /// (modified, dropped, replayed, reordered, or junk) is an integrity
    /// error, and the channel cannot be used after it.
    pub fn recv(&mut self) -> Result<Incoming<'_>> {
        let frame = read_frame(&mut self.stream, &mut self.frame, Stage::Transport)?;
        let n = self.noise.read_message(frame, &mut self.plain).map_err(|_| {
            Error::integrity(
                "a message from the other side failed authentication: it was modified, dropped or replayed on the way",
            )
            .hint("nothing was written; try again on a network you trust less to be tampered with, or check for a relay in the middle")
        })?;
        match self.plain.first() {
            Some(&KIND_CONTROL) if n >= 1 => {
                let m = Message::parse(&self.plain[1..n])?;
                if m.operation == Operation::Abort {
                    let why = m
                        .body
                        .get("reason")
                        .and_then(Value::as_str)
                        .map(short)
                        .unwrap_or_default();
                    return Err(Error::refused(format!("the other side gave up: {why}")));
                }
                Ok(Incoming::Control(m))
            }
            Some(&KIND_DATA) if n >= 1 => Ok(Incoming::Data(&self.plain[1..n])),
            _ => Err(Error::format(
                "the other side sent a message of unknown type",
            )),
        }
    }

    /// Receives a control message, which must be `op`.
    pub fn expect(&mut self, op: Operation) -> Result<Message> {
        match self.recv()? {
            Incoming::Control(m) if m.operation == op => Ok(m),
            Incoming::Control(m) => Err(Error::format(format!(
                "the other side sent {:?} where {op:?} was expected",
                m.operation
            ))),
            Incoming::Data(_) => Err(Error::format(format!(
                "the other side sent data where {op:?} was expected"
            ))),
        }
    }

    /// The data of the last [`Incoming::Data`] received (valid until the
    /// next receive), for readers that hand it out piece by piece.
    pub(crate) fn last_data(&self) -> &[u8] {
        &self.plain[1..]
    }

    /// The underlying stream (e.g. to change its timeouts).
    pub fn stream_mut(&mut self) -> &mut S {
        self.stream.get_mut()
    }

    /// Fuzzing only (`fuzz/fuzz_targets/d2d.rs`): sends `payload` as one
    /// transport message of type byte `kind`, unchecked, so that a fuzzer
    /// can play a peer after one fixed handshake.
    #[doc(hidden)]
    pub fn fuzz_send_raw(&mut self, kind: u8, payload: &[u8]) -> Result<()> {
        if payload.len() > MAX_CHUNK {
            return Err(Error::internal("payload too long"));
        }
        self.send_plain(kind, payload)?;
        self.flush()
    }

    /// Fuzzing only: drops any buffered input and expects the peer's next
    /// transport message at the peer's current sending nonce, so that one
    /// handshake serves every fuzz input (key agreement stays out of the
    /// loop).
    #[doc(hidden)]
    pub fn fuzz_resync<T: Read + Write>(&mut self, peer: &Channel<T>) {
        let n = self.stream.buffer().len();
        self.stream.consume(n);
        self.noise.set_receiving_nonce(peer.noise.sending_nonce());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream};

    fn pair(
        code_a: &PairingCode,
        code_b: &PairingCode,
    ) -> (Result<Channel<TcpStream>>, Result<Channel<TcpStream>>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let cb = code_b.clone();
        let t = std::thread::spawn(move || {
            let s = TcpStream::connect(addr).unwrap();
            handshake(s, Role::Connector, &cb)
        });
        let (s, _) = l.accept().unwrap();
        let a = handshake(s, Role::Listener, code_a);
        drop(l);
        // The listener's failure closes its socket, which ends the connector.
        let b = t.join().unwrap();
        (a, b)
    }

    #[test]
    fn a_message_with_a_repeated_key_is_malformed() {
        // serde refuses a repeated field of a struct, but in the body (a
        // `Value`) the last one would win without parse_strict.
        let good = Message::new(Operation::Confirm, serde_json::json!({"a": 1}))
            .to_bytes()
            .unwrap();
        assert!(Message::parse(&good).is_ok());
        let text = String::from_utf8(good).unwrap();
        let twice = text.replacen(r#""a":1"#, r#""a":1,"a":2"#, 1);
        assert_ne!(twice, text);
        let e = Message::parse(twice.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Format, "{e}");
        assert!(e.message().contains("D2D message"), "{e}");
    }

    #[test]
    fn the_same_code_gives_a_working_channel_and_equal_comparison_codes() {
        let code = PairingCode::generate();
        let (a, b) = pair(&code, &code);
        let (mut a, mut b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.comparison_code(), b.comparison_code());
        assert_eq!(a.handshake_hash(), b.handshake_hash());
        b.send(&Message::new(Operation::Confirm, Value::Null))
            .unwrap();
        b.send_data(b"hello").unwrap();
        let full = vec![7u8; MAX_CHUNK];
        b.send_data(&full).unwrap();
        b.flush().unwrap();
        assert!(
            matches!(a.recv().unwrap(), Incoming::Control(m) if m.operation == Operation::Confirm)
        );
        assert!(matches!(a.recv().unwrap(), Incoming::Data(d) if d == b"hello"));
        assert!(
            matches!(a.recv().unwrap(), Incoming::Data(d) if d == &full[..]),
            "a full frame"
        );
    }

    #[test]
    fn a_wrong_code_fails_on_both_sides_at_the_first_noise_message() {
        let (a, b) = pair(&PairingCode::generate(), &PairingCode::generate());
        let (ea, eb) = (a.err().unwrap(), b.err().unwrap());
        assert_eq!(ea.kind(), ErrorKind::Integrity, "{}", ea.message());
        assert_eq!(eb.kind(), ErrorKind::Integrity, "{}", eb.message());
    }

    #[test]
    fn a_newer_version_is_refused_with_a_hint() {
        let mut m = Message::new(Operation::Pake, Value::Null);
        m.header.version = "2".into();
        let e = Message::parse(&m.to_bytes().unwrap()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Format);
        assert!(e.hint_text().is_some());
    }
}
