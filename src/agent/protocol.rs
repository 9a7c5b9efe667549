//! The agent's wire format, version 1 (docs/FORMAT.md §17): length-prefixed
//! binary frames on a Unix socket, one response per request, several
//! requests per connection.
//!
//! ```text
//! frame    = length:u32be body            (length <= MAX_FRAME)
//! request  = version:u8 op:u8 field*
//! response = version:u8 status:u8 field*
//! field    = length:u32be bytes
//! ```
//!
//! Binary rather than JSON so that secrets (unwrapped keys) travel in one
//! zeroizing buffer and are never copied into strings.

use std::io::{Read, Write};

use zeroize::Zeroizing;

use crate::crypto::Fingerprint;
use crate::error::{Error, ErrorKind, Result};

/// The protocol version both sides speak.
pub const VERSION: u8 = 1;
/// The largest frame either side accepts, checked before allocating.
pub const MAX_FRAME: usize = 64 * 1024;

/// Why the agent derives a key for a client. Only listed purposes are
/// served: a derived secret leaves the agent, so each must be one whose
/// disclosure is bounded (the lookup cache holds lookup secrets only, not
/// keys that open records).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The key sealing the lookup cache (`session::LOOKUP_CACHE_FORMAT`).
    LookupCache,
}

impl Purpose {
    fn code(self) -> u8 {
        match self {
            Purpose::LookupCache => 1,
        }
    }

    fn from_code(c: u8) -> Option<Self> {
        (c == 1).then_some(Purpose::LookupCache)
    }
}

/// What a client asks.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// The keys held and when the agent ends (a JSON document).
    Status,
    /// RSA-OAEP (SHA-256) decryption of `wrapped` with label `label`.
    Unwrap {
        key: Fingerprint,
        label: Vec<u8>,
        wrapped: Vec<u8>,
    },
    /// RSA-PSS (SHA-256) signature over `message`.
    Sign { key: Fingerprint, message: Vec<u8> },
    /// A 32-byte key derived from the private key for `purpose`.
    Derive { key: Fingerprint, purpose: Purpose },
    /// Forget the keys and exit.
    Stop,
}

/// How the agent answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Done; the payload is the result.
    Ok,
    /// The agent holds no private key with that fingerprint.
    NoKey,
    /// The operation failed (e.g. a wrap that does not open); the payload
    /// is a message.
    Failed,
    /// The request is malformed or not allowed; the payload is a message.
    Refused,
}

impl Status {
    fn code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::NoKey => 1,
            Status::Failed => 2,
            Status::Refused => 3,
        }
    }

    fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            0 => Status::Ok,
            1 => Status::NoKey,
            2 => Status::Failed,
            3 => Status::Refused,
            _ => return None,
        })
    }
}

/// A response: a status and one payload (zeroized on drop: it may be a key).
#[derive(Debug)]
pub struct Response {
    pub status: Status,
    pub payload: Zeroizing<Vec<u8>>,
}

impl Response {
    pub fn ok(payload: Vec<u8>) -> Self {
        Response {
            status: Status::Ok,
            payload: Zeroizing::new(payload),
        }
    }

    pub fn message(status: Status, text: &str) -> Self {
        Response {
            status,
            payload: Zeroizing::new(text.as_bytes().to_vec()),
        }
    }

    /// The payload as text (messages and the status document).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.payload).into_owned()
    }
}

const OP_STATUS: u8 = 1;
const OP_UNWRAP: u8 = 2;
const OP_SIGN: u8 = 3;
const OP_DERIVE: u8 = 4;
const OP_STOP: u8 = 5;

fn bad(what: &str) -> Error {
    Error::format(format!("agent protocol: {what}")).hint(
        "client and agent may be different ehrcrypt versions: stop the agent and start it again",
    )
}

fn put(out: &mut Vec<u8>, field: &[u8]) {
    out.extend_from_slice(&(field.len() as u32).to_be_bytes());
    out.extend_from_slice(field);
}

/// Reads the fields of a body after its two header bytes.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn next(&mut self) -> Result<&'a [u8]> {
        if self.0.len() < 4 {
            return Err(bad("truncated field"));
        }
        let (len, rest) = self.0.split_at(4);
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        if len > rest.len() {
            return Err(bad("field longer than its frame"));
        }
        let (field, rest) = rest.split_at(len);
        self.0 = rest;
        Ok(field)
    }

    fn fingerprint(&mut self) -> Result<Fingerprint> {
        let f = self.next()?;
        let bytes: [u8; 32] = f.try_into().map_err(|_| bad("fingerprint not 32 bytes"))?;
        Ok(Fingerprint::from_bytes(bytes))
    }

    fn end(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(bad("trailing bytes"))
        }
    }
}

fn header<'a>(body: &'a [u8]) -> Result<(u8, Fields<'a>)> {
    match body {
        [VERSION, code, rest @ ..] => Ok((*code, Fields(rest))),
        [v, ..] => Err(bad(&format!("version {v}, this ehrcrypt speaks {VERSION}"))),
        [] => Err(bad("empty frame")),
    }
}

impl Request {
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut b = Zeroizing::new(vec![VERSION]);
        match self {
            Request::Status => b.push(OP_STATUS),
            Request::Unwrap {
                key,
                label,
                wrapped,
            } => {
                b.push(OP_UNWRAP);
                put(&mut b, key.as_bytes());
                put(&mut b, label);
                put(&mut b, wrapped);
            }
            Request::Sign { key, message } => {
                b.push(OP_SIGN);
                put(&mut b, key.as_bytes());
                put(&mut b, message);
            }
            Request::Derive { key, purpose } => {
                b.push(OP_DERIVE);
                put(&mut b, key.as_bytes());
                put(&mut b, &[purpose.code()]);
            }
            Request::Stop => b.push(OP_STOP),
        }
        b
    }

    pub fn decode(body: &[u8]) -> Result<Self> {
        let (op, mut f) = header(body)?;
        let req = match op {
            OP_STATUS => Request::Status,
            OP_UNWRAP => Request::Unwrap {
                key: f.fingerprint()?,
                label: f.next()?.to_vec(),
                wrapped: f.next()?.to_vec(),
            },
            OP_SIGN => Request::Sign {
                key: f.fingerprint()?,
                message: f.next()?.to_vec(),
            },
            OP_DERIVE => {
                let key = f.fingerprint()?;
                let purpose = match f.next()? {
                    [c] => Purpose::from_code(*c).ok_or_else(|| bad("unknown purpose"))?,
                    _ => return Err(bad("purpose not one byte")),
                };
                Request::Derive { key, purpose }
            }
            OP_STOP => Request::Stop,
            other => return Err(bad(&format!("unknown operation {other}"))),
        };
        f.end()?;
        Ok(req)
    }
}

impl Response {
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut b = Zeroizing::new(vec![VERSION, self.status.code()]);
        put(&mut b, &self.payload);
        b
    }

    pub fn decode(body: &[u8]) -> Result<Self> {
        let (code, mut f) = header(body)?;
        let status = Status::from_code(code).ok_or_else(|| bad("unknown status"))?;
        let payload = Zeroizing::new(f.next()?.to_vec());
        f.end()?;
        Ok(Response { status, payload })
    }
}

/// Writes one frame.
pub fn write_frame(w: &mut impl Write, body: &[u8]) -> std::io::Result<()> {
    if body.len() > MAX_FRAME {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "agent frame too large",
        ));
    }
    let mut frame = Zeroizing::new(Vec::with_capacity(4 + body.len()));
    frame.extend_from_slice(&(body.len() as u32).to_be_bytes());
    frame.extend_from_slice(body);
    w.write_all(&frame)?;
    w.flush()
}

/// Reads one frame; `Ok(None)` at a clean end of stream. The length is
/// checked against [`MAX_FRAME`] before anything is allocated.
pub fn read_frame(r: &mut impl Read) -> Result<Option<Zeroizing<Vec<u8>>>> {
    read_frame_io(r).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidData => bad(&e.to_string()),
        _ => io_error(e),
    })
}

/// [`read_frame`] with the I/O error kept as it is (a client tells a
/// timeout from a closed connection); an oversized frame is
/// `InvalidData`.
pub fn read_frame_io(r: &mut impl Read) -> std::io::Result<Option<Zeroizing<Vec<u8>>>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("frame of {len} bytes, at most {MAX_FRAME}"),
        ));
    }
    let mut body = Zeroizing::new(vec![0u8; len]);
    r.read_exact(&mut body)?;
    Ok(Some(body))
}

fn io_error(e: std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("agent connection: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(b: u8) -> Fingerprint {
        Fingerprint::from_bytes([b; 32])
    }

    #[test]
    fn requests_round_trip() {
        for r in [
            Request::Status,
            Request::Stop,
            Request::Unwrap {
                key: fp(1),
                label: b"label".to_vec(),
                wrapped: vec![7; 256],
            },
            Request::Sign {
                key: fp(2),
                message: vec![],
            },
            Request::Derive {
                key: fp(3),
                purpose: Purpose::LookupCache,
            },
        ] {
            assert_eq!(Request::decode(&r.encode()).unwrap(), r);
        }
    }

    #[test]
    fn responses_round_trip() {
        let r = Response::ok(vec![1, 2, 3]);
        let back = Response::decode(&r.encode()).unwrap();
        assert_eq!(
            (back.status, &back.payload[..]),
            (Status::Ok, &[1u8, 2, 3][..])
        );
        let r = Response::message(Status::NoKey, "no");
        assert_eq!(Response::decode(&r.encode()).unwrap().text(), "no");
    }

    #[test]
    fn malformed_requests_are_errors_not_panics() {
        let good = Request::Unwrap {
            key: fp(1),
            label: b"l".to_vec(),
            wrapped: vec![1; 8],
        }
        .encode();
        // Every truncation, a wrong version, trailing bytes, unknown codes.
        for n in 0..good.len() {
            assert!(Request::decode(&good[..n]).is_err(), "prefix of {n} bytes");
        }
        let mut v = good.to_vec();
        v[0] = 2;
        assert!(Request::decode(&v).is_err());
        let mut v = good.to_vec();
        v.push(0);
        assert!(Request::decode(&v).is_err());
        assert!(Request::decode(&[VERSION, 99]).is_err());
        let mut d = Request::Derive {
            key: fp(1),
            purpose: Purpose::LookupCache,
        }
        .encode()
        .to_vec();
        *d.last_mut().unwrap() = 9;
        assert!(Request::decode(&d).is_err());
        // A field claiming more than the frame holds.
        let mut v = vec![VERSION, OP_SIGN];
        v.extend_from_slice(&u32::MAX.to_be_bytes());
        assert!(Request::decode(&v).is_err());
    }

    #[test]
    fn an_oversized_frame_is_refused_before_allocating() {
        let mut wire = Vec::new();
        wire.extend_from_slice(&(u32::MAX).to_be_bytes());
        let err = read_frame(&mut &wire[..]).unwrap_err();
        assert!(err.message().contains("at most"), "{}", err.message());
        let mut wire = Vec::new();
        write_frame(&mut wire, b"abc").unwrap();
        write_frame(&mut wire, b"").unwrap();
        let mut r = &wire[..];
        assert_eq!(&read_frame(&mut r).unwrap().unwrap()[..], b"abc");
        assert_eq!(&read_frame(&mut r).unwrap().unwrap()[..], b"");
        assert!(read_frame(&mut r).unwrap().is_none());
        assert!(write_frame(&mut Vec::new(), &vec![0; MAX_FRAME + 1]).is_err());
    }
}
