//! Moving files over a paired channel (docs/FORMAT.md §12.3).
//!
//! The sender offers totals (and its owner document for the receiver),
//! the receiver accepts or refuses them against its limits, then each file
//! goes as a `FILE` header and data frames of up to 64 KiB, and `END`
//! closes the list. The receiver stages every file beside its destination
//! and publishes them all, after its keystore took the sender's document,
//! only once `END` arrived and every count matched; then it says
//! `RECEIVED`. Memory is one frame on either side whatever the sizes, and
//! the bytes a peer can make the receiver write are capped by the
//! receiver's `--max-size` before any is written.
//!
//! Files are arbitrary bytes: entities today, attachments can join as
//! another `kind`.

use std::collections::HashSet;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::channel::{short, Channel, Incoming, Message, Operation, MAX_CHUNK};
use crate::backup::manifest::valid_name;
use crate::backup::stream::read_full;
use crate::error::{Error, ErrorKind, Result};
use crate::owner::OwnerDocument;
use crate::store::atomic_file::{Batch, Mode};

/// What a transferred file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// An `ehrcrypt/entity/v1` file shared with the receiver.
    Entity,
}

/// The header that precedes a file's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileHeader {
    /// A plain file name (`A-Z a-z 0-9 . _ - + @`, 1 to 128 bytes, no
    /// leading dot): nothing that could leave the output directory.
    pub name: String,
    pub size: u64,
    pub kind: FileKind,
}

/// Counts that both sides check at the end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    pub files: u64,
    pub bytes: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OfferBody {
    files: u64,
    bytes: u64,
    /// The sender's owner document for the receiver: its public keys and
    /// the exchange keys it made for the receiver, so that the receiver
    /// can open the entities at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<Value>,
}

/// One file to send: its header and where its bytes come from (exactly
/// `header.size` of them).
pub struct Item {
    pub header: FileHeader,
    pub source: Box<dyn Read + Send>,
}

/// Sends `items` and waits for the receiver's `RECEIVED`.
pub fn send<S: Read + Write>(
    ch: &mut Channel<S>,
    owner: Option<&OwnerDocument>,
    items: Vec<Item>,
) -> Result<Totals> {
    let result = send_inner(ch, owner, items);
    if let Err(e) = &result {
        if e.kind() != ErrorKind::Integrity && !e.message().starts_with("the other side") {
            ch.abort(e.message());
        }
    }
    result
}

fn send_inner<S: Read + Write>(
    ch: &mut Channel<S>,
    owner: Option<&OwnerDocument>,
    items: Vec<Item>,
) -> Result<Totals> {
    let totals = Totals {
        files: items.len() as u64,
        bytes: items.iter().map(|i| i.header.size).sum(),
    };
    let owner = owner
        .map(serde_json::to_value)
        .transpose()
        .map_err(|_| Error::internal("cannot serialise owner"))?;
    let offer = OfferBody {
        files: totals.files,
        bytes: totals.bytes,
        owner,
    };
    ch.send(&Message::new(Operation::Offer, to_value(&offer)?))?;
    ch.expect(Operation::Accept)?;
    let mut buf = vec![0u8; MAX_CHUNK];
    for mut item in items {
        ch.send(&Message::new(Operation::File, to_value(&item.header)?))?;
        let mut left = item.header.size;
        while left > 0 {
            let want = left.min(MAX_CHUNK as u64) as usize;
            let n = read_full(&mut item.source, &mut buf[..want]).map_err(|e| {
                Error::new(
                    ErrorKind::Io,
                    format!("{}: cannot read: {e}", item.header.name),
                )
            })?;
            if n == 0 {
                return Err(Error::new(
                    ErrorKind::Io,
                    format!(
                        "{}: shorter than announced (it changed while sending)",
                        item.header.name
                    ),
                ));
            }
            ch.send_data(&buf[..n])?;
            left -= n as u64;
        }
    }
    ch.send(&Message::new(Operation::End, to_value(&totals)?))?;
    let m = ch.expect(Operation::Received)?;
    let got: Totals = m.body()?;
    if got != totals {
        return Err(Error::integrity(format!(
            "the receiver reports {} files / {} bytes; {} / {} were sent",
            got.files, got.bytes, totals.files, totals.bytes
        )));
    }
    Ok(totals)
}

fn to_value(v: &impl Serialize) -> Result<Value> {
    serde_json::to_value(v).map_err(|_| Error::internal("cannot serialise a D2D message"))
}

/// The receiver's caps, checked against the offer before anything is
/// written and against every header and frame after.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_files: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 4 << 30,
            max_files: 100_000,
        }
    }
}

/// What the sender offered.
#[derive(Clone, Debug)]
pub struct Offer {
    pub totals: Totals,
    pub owner: Option<OwnerDocument>,
}

/// Where received files go until they are published.
pub trait Sink {
    /// Stores one file, reading exactly `header.size` bytes from `data`.
    fn file(&mut self, header: &FileHeader, data: &mut dyn Read) -> Result<()>;
}

/// Receives one transfer: the offer (refused when over `limits`, or when
/// `check` refuses it, e.g. a document that does not match the paired
/// peer), the files into `sink`, and `END`. Then runs `publish`, and only
/// when it succeeded tells the sender `RECEIVED`. Any failure before that
/// is reported to the sender as an `ABORT`.
pub fn receive<S: Read + Write, K: Sink>(
    ch: &mut Channel<S>,
    limits: Limits,
    check: impl FnOnce(&Offer) -> Result<()>,
    sink: &mut K,
    publish: impl FnOnce(&Offer, &mut K) -> Result<()>,
) -> Result<Offer> {
    let result = receive_inner(ch, limits, check, sink).and_then(|offer| {
        publish(&offer, sink)?;
        Ok(offer)
    });
    match &result {
        Ok(offer) => ch.send(&Message::new(Operation::Received, to_value(&offer.totals)?))?,
        Err(e)
            if e.kind() != ErrorKind::Integrity && !e.message().starts_with("the other side") =>
        {
            ch.abort(e.message())
        }
        Err(_) => {}
    }
    result
}

fn receive_inner<S: Read + Write>(
    ch: &mut Channel<S>,
    limits: Limits,
    check: impl FnOnce(&Offer) -> Result<()>,
    sink: &mut dyn Sink,
) -> Result<Offer> {
    let m = ch.expect(Operation::Offer)?;
    let body: OfferBody = m.body()?;
    if body.files > limits.max_files {
        return Err(Error::refused(format!(
            "the sender offers {} files; this side takes at most {}",
            body.files, limits.max_files
        )));
    }
    if body.bytes > limits.max_bytes {
        return Err(Error::refused(format!(
            "the sender offers {} bytes; this side takes at most {} (--max-size)",
            body.bytes, limits.max_bytes
        ))
        .hint("raise --max-size if you expect that much"));
    }
    let owner = match body.owner {
        None => None,
        Some(v) => {
            let bytes = serde_json::to_vec(&v).map_err(|_| Error::internal("cannot serialise"))?;
            Some(OwnerDocument::parse(&bytes, "the sender's owner document")?)
        }
    };
    let offer = Offer {
        totals: Totals {
            files: body.files,
            bytes: body.bytes,
        },
        owner,
    };
    check(&offer)?;
    ch.send(&Message::new(Operation::Accept, Value::Null))?;
    let mut got = Totals::default();
    let mut names = HashSet::new();
    loop {
        let m = match ch.recv()? {
            Incoming::Control(m) => m,
            Incoming::Data(_) => return Err(Error::format("the sender sent data outside a file")),
        };
        match m.operation {
            Operation::File => {
                let h: FileHeader = m.body()?;
                if !valid_name(&h.name) {
                    return Err(Error::format(format!(
                        "the sender named a file {:?}: not a plain file name",
                        short(&h.name)
                    )));
                }
                if !names.insert(h.name.to_ascii_lowercase()) {
                    return Err(Error::format(format!("the sender sent {} twice", h.name)));
                }
                got.files += 1;
                got.bytes = got.bytes.saturating_add(h.size);
                if got.files > offer.totals.files || got.bytes > offer.totals.bytes {
                    return Err(Error::format("the sender sends more than it offered"));
                }
                let mut data = DataReader {
                    ch: &mut *ch,
                    left: h.size,
                    pos: 0,
                    end: 0,
                    failure: None,
                };
                let stored = sink.file(&h, &mut data);
                if let Some(e) = data.failure.take() {
                    return Err(e);
                }
                stored?;
                if data.left > 0 || data.pos < data.end {
                    return Err(Error::internal("a received file was not read to its end"));
                }
            }
            Operation::End => {
                let t: Totals = m.body()?;
                if t != offer.totals || got != offer.totals {
                    return Err(Error::format(format!(
                        "the transfer ended after {} of {} files ({} of {} bytes)",
                        got.files, offer.totals.files, got.bytes, offer.totals.bytes
                    )));
                }
                return Ok(offer);
            }
            other => {
                return Err(Error::format(format!(
                    "the sender sent {other:?} in the middle of a transfer"
                )))
            }
        }
    }
}

/// Reads one file's data frames as a byte stream of exactly the announced
/// size. Errors are kept in `failure` (the `io::Error` handed to the sink
/// only says that the transfer failed).
struct DataReader<'c, S: Read + Write> {
    ch: &'c mut Channel<S>,
    left: u64,
    pos: usize,
    end: usize,
    failure: Option<Error>,
}

impl<S: Read + Write> DataReader<'_, S> {
    fn fail(&mut self, e: Error) -> io::Error {
        let msg = e.message().to_string();
        self.failure = Some(e);
        io::Error::other(msg)
    }
}

impl<S: Read + Write> Read for DataReader<'_, S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.pos == self.end {
            if self.left == 0 {
                return Ok(0);
            }
            let n = match self.ch.recv() {
                Ok(Incoming::Data(d)) => d.len(),
                Ok(Incoming::Control(_)) => {
                    return Err(self.fail(Error::format(
                        "the sender ended a file before its announced size",
                    )))
                }
                Err(e) => return Err(self.fail(e)),
            };
            if n == 0 || n as u64 > self.left {
                return Err(self.fail(Error::format(
                    "the sender sent more data than the file's announced size",
                )));
            }
            self.left -= n as u64;
            self.pos = 0;
            self.end = n;
        }
        let data = &self.ch.last_data()[self.pos..self.end];
        let k = data.len().min(buf.len());
        buf[..k].copy_from_slice(&data[..k]);
        self.pos += k;
        Ok(k)
    }
}

/// A [`Sink`] that stages files for a directory and publishes them all at
/// once: into a directory that does not exist yet, by one rename; into an
/// existing one, file by file after every file was staged, refusing names
/// that exist there (nothing is overwritten).
pub struct DirSink {
    dir: PathBuf,
    batch: Option<Batch>,
    written: Vec<PathBuf>,
    new_dir: bool,
}

impl DirSink {
    pub fn new(dir: &Path) -> Result<Self> {
        let new_dir = !dir.exists();
        let batch = if new_dir {
            Batch::into_new_dir(dir, Mode::Private)?
        } else if dir.is_dir() {
            Batch::new()
        } else {
            return Err(Error::usage(format!("{}: not a directory", dir.display())));
        };
        Ok(DirSink {
            dir: dir.to_path_buf(),
            batch: Some(batch),
            written: Vec::new(),
            new_dir,
        })
    }

    /// Moves every staged file into place (after a file-system sync).
    pub fn publish(&mut self) -> Result<Vec<PathBuf>> {
        if !self.new_dir {
            if let Some(p) = self.written.iter().find(|p| p.exists()) {
                return Err(Error::refused(format!(
                    "{}: already exists; nothing was written",
                    p.display()
                )));
            }
        }
        let batch = self
            .batch
            .take()
            .ok_or_else(|| Error::internal("published twice"))?;
        batch.commit()?;
        Ok(std::mem::take(&mut self.written))
    }
}

impl Sink for DirSink {
    fn file(&mut self, header: &FileHeader, data: &mut dyn Read) -> Result<()> {
        let dest = self.dir.join(&header.name);
        if !self.new_dir && dest.exists() {
            return Err(Error::refused(format!(
                "{}: already exists; nothing was written",
                dest.display()
            ))
            .hint("receive into a new or empty --out-dir"));
        }
        let batch = self
            .batch
            .as_mut()
            .ok_or_else(|| Error::internal("sink already published"))?;
        let staged = batch.stage_with(&dest, Mode::Private, |w| io::copy(data, w).map(|_| ()))?;
        batch.push(staged);
        self.written.push(dest);
        Ok(())
    }
}
