//! Chunked AES-256-GCM: a STREAM construction (Hoang, Reyhanitabar,
//! Rogaway, Vizár 2015), as in Tink's streaming AEAD. Used by backup
//! objects (below) and by entity attachments ([`Binding::attachment`]):
//! one implementation, each use with its own magic, key-derivation label
//! and associated data ([`Binding`]).
//!
//! ```text
//! object = header || chunk_0 || ... || chunk_{n-1}
//! header = "ehrbk-o1" (8) || chunk_size u32 BE (4) || salt (32) || nonce_prefix (7)   = 51 bytes
//! chunk_i = AES-256-GCM(K_obj, nonce_i, aad, plaintext_i) || tag (16)
//! K_obj   = HKDF-SHA256(ikm = Z_AC, salt = salt, info = "ehrcrypt/backup/v1 object")
//! nonce_i = nonce_prefix (7) || i as u32 BE (4) || last (1: 0x01 for the final chunk, else 0x00)
//! aad     = Context("ehrcrypt/backup/object/v1") [backup id] [object id] [header]
//! ```
//!
//! Every chunk but the last holds exactly `chunk_size` plaintext bytes; the
//! last holds 0..=chunk_size (an empty object is one empty final chunk).
//! Reordering or swapping chunks changes their counter, dropping the tail
//! leaves a final chunk sealed as non-final, appending after the final
//! chunk makes it non-final: each fails to authenticate. The object id and
//! backup id in the associated data stop an object from passing as another.
//!
//! Memory stays bounded: work goes in batches of [`BATCH_CHUNKS`] chunks
//! (1 MiB), and only a few batches are alive at once. Reading, encryption
//! or decryption, the SHA-256 of the ciphertext and writing run as a
//! pipeline of threads, so that the cores of a modest machine share them.

use std::io::{self, IoSlice, Read, Write};
use std::ops::Range;
use std::sync::mpsc;

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use sha2::Digest;
use zeroize::Zeroizing;

use crate::crypto::{Context, SymmetricKey};

pub const MAGIC: &[u8; 8] = b"ehrbk-o1";
pub const HEADER_LEN: usize = 8 + 4 + 32 + 7;
pub const TAG_LEN: usize = 16;
/// The chunk size ehrcrypt writes.
pub const DEFAULT_CHUNK_SIZE: usize = 64 * 1024;
/// Chunk sizes a reader accepts.
pub const MIN_CHUNK_SIZE: usize = 1024;
pub const MAX_CHUNK_SIZE: usize = 16 * 1024 * 1024;
/// Chunks per batch handed between the two threads.
pub const BATCH_CHUNKS: usize = 16;

const AAD_LABEL: &str = "ehrcrypt/backup/object/v1";
const KEY_INFO: &[u8] = b"ehrcrypt/backup/v1 object";

/// What went wrong while reading or writing an object. No variant carries
/// key material; the caller turns it into a message naming the object.
#[derive(Debug)]
pub enum StreamError {
    /// Reading the input or writing the output failed.
    Io(io::Error),
    /// The header is not an ehrcrypt backup object header.
    Header(&'static str),
    /// Chunk `index` did not authenticate.
    Chunk { index: u64 },
    /// The object ends inside a chunk's tag or has no chunk at all.
    Truncated { index: u64 },
    /// More chunks than the 32-bit counter allows.
    TooLong,
}

impl From<io::Error> for StreamError {
    fn from(e: io::Error) -> Self {
        StreamError::Io(e)
    }
}

/// Facts about one object, written or verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Size of the encrypted object, header included.
    pub size: u64,
    pub chunks: u64,
    pub plaintext_size: u64,
    /// SHA-256 of the encrypted object.
    pub sha256: [u8; 32],
}

/// The encrypted size of `plaintext_size` bytes in chunks of `chunk_size`.
/// Saturates instead of overflowing (readers call it on untrusted sizes):
/// a saturated size matches no real object.
pub fn encrypted_size(plaintext_size: u64, chunk_size: usize) -> (u64, u64) {
    let cs = chunk_size as u64;
    let chunks = if plaintext_size == 0 {
        1
    } else {
        plaintext_size.div_ceil(cs)
    };
    (
        (HEADER_LEN as u64)
            .saturating_add(plaintext_size)
            .saturating_add(chunks.saturating_mul(TAG_LEN as u64)),
        chunks,
    )
}

/// What ties a stream to its place: the header magic, the HKDF info of
/// the chunk key and the associated data (label and parts, to which the
/// header itself is appended).
#[derive(Clone, Debug)]
pub struct Binding {
    magic: [u8; 8],
    key_info: &'static [u8],
    aad: Context,
}

impl Binding {
    /// A backup object: `Ctx("ehrcrypt/backup/object/v1")[backup id][object id]`.
    pub fn backup_object(backup_id: &[u8; 16], object_id: &str) -> Self {
        Binding {
            magic: *MAGIC,
            key_info: KEY_INFO,
            aad: Context::new(AAD_LABEL)
                .with_bytes(backup_id)
                .with(object_id),
        }
    }

    /// An entity attachment (docs/FORMAT.md §8.3):
    /// `Ctx("ehrcrypt/entity/v2 attachment")[entity salt][entity id][kind][attachment id]`.
    pub fn attachment(entity_salt: &[u8; 16], entity_id: &str, kind: &str, id: &[u8; 16]) -> Self {
        Binding {
            magic: *ATTACHMENT_MAGIC,
            key_info: ATTACHMENT_KEY_INFO,
            aad: Context::new(ATTACHMENT_AAD_LABEL)
                .with_bytes(entity_salt)
                .with(entity_id)
                .with(kind)
                .with_bytes(id),
        }
    }

    /// The detached record of an entity (docs/FORMAT.md §8.4): the
    /// sidecar format of an attachment under its own key info and label,
    /// `Ctx("ehrcrypt/entity/v2 detached self")[entity salt][entity id][kind][id]`,
    /// so an attachment's stream never opens as a record, nor the reverse.
    pub fn detached_self(
        entity_salt: &[u8; 16],
        entity_id: &str,
        kind: &str,
        id: &[u8; 16],
    ) -> Self {
        Binding {
            magic: *ATTACHMENT_MAGIC,
            key_info: DETACHED_SELF_LABEL.as_bytes(),
            aad: Context::new(DETACHED_SELF_LABEL)
                .with_bytes(entity_salt)
                .with(entity_id)
                .with(kind)
                .with_bytes(id),
        }
    }
}

const DETACHED_SELF_LABEL: &str = "ehrcrypt/entity/v2 detached self";

/// Header magic of an attachment stream.
pub const ATTACHMENT_MAGIC: &[u8; 8] = b"ehrat-v2";
const ATTACHMENT_AAD_LABEL: &str = "ehrcrypt/entity/v2 attachment";
const ATTACHMENT_KEY_INFO: &[u8] = b"ehrcrypt/entity/v2 attachment";

struct Header {
    magic: [u8; 8],
    chunk_size: usize,
    salt: [u8; 32],
    nonce_prefix: [u8; 7],
}

impl Header {
    fn fresh(magic: [u8; 8], chunk_size: usize) -> Self {
        let mut salt = [0u8; 32];
        let mut nonce_prefix = [0u8; 7];
        crate::crypto::random_bytes(&mut salt);
        crate::crypto::random_bytes(&mut nonce_prefix);
        Header {
            magic,
            chunk_size,
            salt,
            nonce_prefix,
        }
    }

    fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[..8].copy_from_slice(&self.magic);
        b[8..12].copy_from_slice(&(self.chunk_size as u32).to_be_bytes());
        b[12..44].copy_from_slice(&self.salt);
        b[44..51].copy_from_slice(&self.nonce_prefix);
        b
    }

    fn parse(b: &[u8; HEADER_LEN], magic: &[u8; 8]) -> Result<Self, StreamError> {
        if &b[..8] != magic {
            return Err(StreamError::Header(if magic == MAGIC {
                "not an ehrcrypt backup object"
            } else {
                "not an ehrcrypt attachment"
            }));
        }
        let cs = u32::from_be_bytes([b[8], b[9], b[10], b[11]]) as usize;
        if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&cs) {
            return Err(StreamError::Header("chunk size out of range"));
        }
        let mut salt = [0u8; 32];
        salt.copy_from_slice(&b[12..44]);
        let mut nonce_prefix = [0u8; 7];
        nonce_prefix.copy_from_slice(&b[44..51]);
        Ok(Header {
            magic: *magic,
            chunk_size: cs,
            salt,
            nonce_prefix,
        })
    }
}

/// The per-object cipher, its nonce prefix and associated data.
struct ChunkCipher {
    cipher: Aes256Gcm,
    nonce_prefix: [u8; 7],
    aad: Vec<u8>,
}

impl ChunkCipher {
    fn new(z: &SymmetricKey, binding: &Binding, header: &Header) -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        crate::crypto::derive::hkdf_sha256(
            Some(&header.salt),
            z.expose(),
            binding.key_info,
            k.as_mut(),
        )
        .expect("32 bytes is a valid HKDF-SHA256 output length");
        let aad = binding
            .aad
            .clone()
            .with_bytes(&header.to_bytes())
            .as_bytes()
            .to_vec();
        ChunkCipher {
            cipher: Aes256Gcm::new(&(*k).into()),
            nonce_prefix: header.nonce_prefix,
            aad,
        }
    }

    fn nonce(
        &self,
        index: u64,
        last: bool,
    ) -> Result<Nonce<aes_gcm::aead::consts::U12>, StreamError> {
        let i = u32::try_from(index).map_err(|_| StreamError::TooLong)?;
        let mut n = [0u8; 12];
        n[..7].copy_from_slice(&self.nonce_prefix);
        n[7..11].copy_from_slice(&i.to_be_bytes());
        n[11] = u8::from(last);
        Ok(Nonce::from(n))
    }

    /// Encrypts `buf` in place; returns the tag.
    fn seal(&self, index: u64, last: bool, buf: &mut [u8]) -> Result<[u8; TAG_LEN], StreamError> {
        let nonce = self.nonce(index, last)?;
        let tag = self
            .cipher
            .encrypt_inout_detached(&nonce, &self.aad, buf.into())
            .map_err(|_| StreamError::TooLong)?;
        Ok(tag.into())
    }

    /// Decrypts `buf` in place after checking `tag`.
    fn open(&self, index: u64, last: bool, buf: &mut [u8], tag: &[u8]) -> Result<(), StreamError> {
        let nonce = self.nonce(index, last)?;
        let tag = Tag::try_from(tag).map_err(|_| StreamError::Truncated { index })?;
        self.cipher
            .decrypt_inout_detached(&nonce, &self.aad, buf.into(), &tag)
            .map_err(|_| StreamError::Chunk { index })
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
pub(crate) fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Fills `dst` from `r` (until full or the input ends), starting with a
/// byte carried over from a look-ahead; returns the bytes in `dst`.
fn fill(r: &mut dyn Read, dst: &mut [u8], carry: &mut Option<u8>) -> io::Result<usize> {
    match carry.take() {
        Some(b) if !dst.is_empty() => {
            dst[0] = b;
            Ok(1 + read_full(r, &mut dst[1..])?)
        }
        c => {
            *carry = c;
            read_full(r, dst)
        }
    }
}

/// Whether `r` has more input: reads one byte ahead into `carry`.
fn more(r: &mut dyn Read, carry: &mut Option<u8>) -> io::Result<bool> {
    let mut one = [0u8; 1];
    if read_full(r, &mut one)? == 0 {
        return Ok(false);
    }
    *carry = Some(one[0]);
    Ok(true)
}

/// Fills `dst` like [`fill`], then reads one byte ahead to learn whether
/// the input ends here. Returns (bytes in `dst`, whether the input ended).
fn read_ahead(
    r: &mut dyn Read,
    dst: &mut [u8],
    carry: &mut Option<u8>,
) -> io::Result<(usize, bool)> {
    let n = fill(r, dst, carry)?;
    if n < dst.len() {
        return Ok((n, true));
    }
    Ok((n, !more(r, carry)?))
}

/// A batch of whole chunks on its way through the pipeline.
struct Msg {
    /// A recycled buffer: the batch is `buf[..len]`, the rest is room kept
    /// from earlier batches (so that no batch zeroes memory again).
    buf: Vec<u8>,
    len: usize,
    /// What the writer writes: `None`, all of `buf[..len]`; `Some`, these
    /// ranges in order (the plaintexts of decrypted chunks, left in place
    /// between their tags rather than moved together: one copy less).
    parts: Option<Vec<Range<usize>>>,
    /// The input ended with this batch.
    end: bool,
}

impl Msg {
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Batches waiting between two stages. With two, a stage that a busy core
/// delays for a moment does not stall the one before it at once; memory
/// stays a few MiB.
const QUEUE: usize = 2;

/// One pipeline stage, run on its own thread.
type Stage<'a> = Box<dyn FnMut(&mut Msg) -> Result<(), StreamError> + Send + 'a>;

/// Runs `source` on this thread and each stage on a thread of its own,
/// in order, passing batches through bounded channels and recycling the
/// buffers: at most a few batches are alive at once, and the stages
/// (encryption, SHA-256, I/O) share the machine's cores. `source` gets a
/// recycled buffer and returns the next batch, or `None` when done.
fn run_pipeline<'a>(
    mut source: impl FnMut(Vec<u8>) -> Result<Option<Msg>, StreamError>,
    stages: Vec<Stage<'a>>,
) -> Result<(), StreamError> {
    let (recycle_tx, recycle_rx) = mpsc::sync_channel::<Vec<u8>>((QUEUE + 1) * stages.len() + 2);
    std::thread::scope(|s| {
        let (first_tx, mut rx) = mpsc::sync_channel::<Msg>(QUEUE);
        let mut workers = Vec::new();
        let n = stages.len();
        for (i, mut stage) in stages.into_iter().enumerate() {
            let (tx, next_rx) = mpsc::sync_channel::<Msg>(QUEUE);
            let my_rx = std::mem::replace(&mut rx, next_rx);
            let recycle = recycle_tx.clone();
            workers.push(s.spawn(move || -> Result<(), StreamError> {
                for mut msg in my_rx.iter() {
                    stage(&mut msg)?;
                    if i + 1 == n {
                        let _ = recycle.try_send(msg.buf);
                    } else if tx.send(msg).is_err() {
                        break;
                    }
                }
                Ok(())
            }));
        }
        drop(rx);
        let mut produced = Ok(());
        loop {
            let buf = recycle_rx.try_recv().unwrap_or_default();
            match source(buf) {
                Ok(Some(msg)) => {
                    let end = msg.end;
                    if first_tx.send(msg).is_err() || end {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    produced = Err(e);
                    break;
                }
            }
        }
        drop(first_tx);
        let mut first_err = None;
        for w in workers {
            let r = w.join().unwrap_or_else(|_| {
                Err(StreamError::Io(io::Error::other("worker thread panicked")))
            });
            if let (Err(e), None) = (r, &first_err) {
                first_err = Some(e);
            }
        }
        // A stage's error explains a source that stopped early.
        match first_err {
            Some(e) => Err(e),
            None => produced,
        }
    })
}

/// `Write::write_all` for a list of slices: one `writev` per batch where
/// the writer supports it (a file, stdout), instead of one write per chunk
/// or a copy to pack the pieces together first.
fn write_all_vectored(output: &mut dyn Write, mut bufs: &mut [IoSlice<'_>]) -> io::Result<()> {
    IoSlice::advance_slices(&mut bufs, 0);
    while !bufs.is_empty() {
        match output.write_vectored(bufs) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut bufs, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The last stage of both pipelines: writes each batch, flushes at the end.
fn write_stage<'a>(output: &'a mut (dyn Write + Send)) -> Stage<'a> {
    Box::new(move |m: &mut Msg| {
        match &m.parts {
            None => output.write_all(m.bytes())?,
            Some(parts) => {
                let mut slices: Vec<IoSlice<'_>> = parts
                    .iter()
                    .map(|r| IoSlice::new(&m.buf[r.clone()]))
                    .collect();
                write_all_vectored(output, &mut slices)?;
            }
        }
        if m.end {
            output.flush()?;
        }
        Ok(())
    })
}

/// Encrypts everything `input` yields into `output` as object `object_id`
/// of backup `backup_id`. `progress` receives plaintext byte counts.
/// Encryption runs here; SHA-256 and writing run on two more threads.
pub fn encrypt(
    z: &SymmetricKey,
    backup_id: &[u8; 16],
    object_id: &str,
    chunk_size: usize,
    input: &mut dyn Read,
    output: &mut (dyn Write + Send),
    progress: &mut dyn FnMut(u64),
) -> Result<ObjectInfo, StreamError> {
    let binding = Binding::backup_object(backup_id, object_id);
    encrypt_bound(z, &binding, chunk_size, input, output, progress)
}

/// [`encrypt`] for any [`Binding`].
pub fn encrypt_bound(
    z: &SymmetricKey,
    binding: &Binding,
    chunk_size: usize,
    input: &mut dyn Read,
    output: &mut (dyn Write + Send),
    progress: &mut dyn FnMut(u64),
) -> Result<ObjectInfo, StreamError> {
    assert!((MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size));
    let header = Header::fresh(binding.magic, chunk_size);
    let cipher = ChunkCipher::new(z, binding, &header);
    let header_bytes = header.to_bytes();
    let mut chunks = 0u64;
    let mut plaintext_size = 0u64;
    let mut size = 0u64;
    let mut hasher = sha2::Sha256::new();
    let mut carry = None;
    let mut first = true;
    // About 1 MiB per batch, whatever the chunk size.
    let batch_chunks = (BATCH_CHUNKS * DEFAULT_CHUNK_SIZE / chunk_size).clamp(1, BATCH_CHUNKS);
    let unit = chunk_size + TAG_LEN;
    {
        // Each chunk's plaintext is read into its place in the batch and
        // encrypted there (no copy; the buffer is recycled, never zeroed),
        // once the input shows whether more follows: the next chunk's
        // first read, or a byte of look-ahead after a batch's last chunk.
        let source = |mut buf: Vec<u8>| -> Result<Option<Msg>, StreamError> {
            let head = if first { HEADER_LEN } else { 0 };
            if buf.len() < head + batch_chunks * unit {
                buf.resize(head + batch_chunks * unit, 0);
            }
            if first {
                buf[..HEADER_LEN].copy_from_slice(&header_bytes);
                first = false;
            }
            let mut at = head;
            let mut n = fill(input, &mut buf[at..at + chunk_size], &mut carry)?;
            let mut end = false;
            let mut read = 0;
            for k in 0..batch_chunks {
                // The next chunk's length; `None`: this chunk is the last.
                // (An empty input is one empty final chunk.)
                let next = if n < chunk_size {
                    None
                } else if k + 1 < batch_chunks {
                    let to = at + unit;
                    match fill(input, &mut buf[to..to + chunk_size], &mut carry)? {
                        0 => None,
                        m => Some(m),
                    }
                } else {
                    more(input, &mut carry)?.then_some(0)
                };
                let tag = cipher.seal(chunks, next.is_none(), &mut buf[at..at + n])?;
                buf[at + n..at + n + TAG_LEN].copy_from_slice(&tag);
                at += n + TAG_LEN;
                chunks += 1;
                read += n;
                plaintext_size += n as u64;
                match next {
                    None => {
                        end = true;
                        break;
                    }
                    Some(m) => n = m,
                }
            }
            progress(read as u64);
            size += at as u64;
            Ok(Some(Msg {
                buf,
                len: at,
                parts: None,
                end,
            }))
        };
        let hash: Stage = Box::new(|m: &mut Msg| {
            hasher.update(m.bytes());
            Ok(())
        });
        let write = write_stage(output);
        run_pipeline(source, vec![hash, write])?;
    }
    Ok(ObjectInfo {
        size,
        chunks,
        plaintext_size,
        sha256: hasher.finalize().into(),
    })
}

/// Decrypts object `object_id` of backup `backup_id` from `input` into
/// `output`, authenticating each chunk before its plaintext is written.
/// The returned digest is the SHA-256 of the encrypted object as read;
/// the caller compares it with the manifest. Reading runs here (and
/// `progress` receives encrypted byte counts); SHA-256, decryption and
/// writing run on three more threads.
pub fn decrypt(
    z: &SymmetricKey,
    backup_id: &[u8; 16],
    object_id: &str,
    expected_chunk_size: usize,
    input: &mut dyn Read,
    output: &mut (dyn Write + Send),
    progress: &mut dyn FnMut(u64),
) -> Result<ObjectInfo, StreamError> {
    let binding = Binding::backup_object(backup_id, object_id);
    decrypt_bound(z, &binding, expected_chunk_size, input, output, progress)
}

/// [`decrypt`] for any [`Binding`]; `expected_chunk_size` is the chunk
/// size the (authenticated) listing of the stream says it has.
pub fn decrypt_bound(
    z: &SymmetricKey,
    binding: &Binding,
    expected_chunk_size: usize,
    input: &mut dyn Read,
    output: &mut (dyn Write + Send),
    progress: &mut dyn FnMut(u64),
) -> Result<ObjectInfo, StreamError> {
    let mut hb = [0u8; HEADER_LEN];
    if read_full(input, &mut hb)? < HEADER_LEN {
        return Err(StreamError::Header("shorter than an object header"));
    }
    let header = Header::parse(&hb, &binding.magic)?;
    // The header is authenticated only with the first chunk; its chunk
    // size must not choose an allocation before that (issue 11, defect 6:
    // a 318-byte object made a 269 MB buffer). The caller's chunk size is
    // authenticated already (a backup's manifest, an entity's attachment
    // list), so a differing header is refused here, and a batch holds
    // about 1 MiB whatever the chunk size.
    if header.chunk_size != expected_chunk_size {
        return Err(StreamError::Header(
            "its chunk size differs from the one its manifest lists",
        ));
    }
    let cipher = ChunkCipher::new(z, binding, &header);
    let unit = header.chunk_size + TAG_LEN;
    let batch_chunks = (BATCH_CHUNKS * DEFAULT_CHUNK_SIZE / unit).clamp(1, BATCH_CHUNKS);
    let mut hasher = sha2::Sha256::new();
    hasher.update(hb);
    let mut chunks = 0u64;
    let mut plaintext_size = 0u64;
    let mut size = HEADER_LEN as u64;
    let mut carry = None;
    progress(HEADER_LEN as u64);
    {
        let want = batch_chunks * unit;
        let source = |mut buf: Vec<u8>| -> Result<Option<Msg>, StreamError> {
            if buf.len() < want {
                buf.resize(want, 0);
            }
            let (n, end) = read_ahead(input, &mut buf[..want], &mut carry)?;
            size += n as u64;
            progress(n as u64);
            Ok(Some(Msg {
                buf,
                len: n,
                parts: None,
                end,
            }))
        };
        let hash: Stage = Box::new(|m: &mut Msg| {
            hasher.update(m.bytes());
            Ok(())
        });
        // Decrypts each chunk in place; the writer takes the plaintexts
        // from between the tags.
        let open: Stage = Box::new(|m: &mut Msg| {
            let mut parts = Vec::with_capacity(batch_chunks);
            let mut off = 0;
            loop {
                let rest = m.len - off;
                if rest == 0 && !m.end {
                    break;
                }
                if rest < TAG_LEN {
                    return Err(StreamError::Truncated { index: chunks });
                }
                let last = m.end && rest <= unit;
                let take = rest.min(unit);
                let body = take - TAG_LEN;
                let (data, tag) = m.buf[off..off + take].split_at_mut(body);
                cipher.open(chunks, last, data, tag)?;
                parts.push(off..off + body);
                plaintext_size += body as u64;
                chunks += 1;
                off += take;
                if last {
                    break;
                }
            }
            m.parts = Some(parts);
            Ok(())
        });
        let write = write_stage(output);
        run_pipeline(source, vec![hash, open, write])?;
    }
    Ok(ObjectInfo {
        size,
        chunks,
        plaintext_size,
        sha256: hasher.finalize().into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: [u8; 16] = [7; 16];
    const CS: usize = MIN_CHUNK_SIZE;

    fn enc(z: &SymmetricKey, data: &[u8]) -> (Vec<u8>, ObjectInfo) {
        let mut out = Vec::new();
        let info = encrypt(z, &ID, "obj", CS, &mut &data[..], &mut out, &mut |_| {}).unwrap();
        (out, info)
    }

    fn dec(z: &SymmetricKey, obj: &[u8]) -> Result<(Vec<u8>, ObjectInfo), StreamError> {
        let mut out = Vec::new();
        let info = decrypt(z, &ID, "obj", CS, &mut &obj[..], &mut out, &mut |_| {})?;
        Ok((out, info))
    }

    fn sha(b: &[u8]) -> [u8; 32] {
        crate::crypto::sha256(b)
    }

    #[test]
    fn an_attachment_and_a_detached_record_never_open_as_each_other() {
        let z = SymmetricKey::generate();
        let (salt, id) = ([1u8; 16], [2u8; 16]);
        let att = Binding::attachment(&salt, "e1", "form", &id);
        let rec = Binding::detached_self(&salt, "e1", "form", &id);
        let data = vec![9u8; 3 * CS + 5];
        for (made, other) in [(&att, &rec), (&rec, &att)] {
            let mut obj = Vec::new();
            encrypt_bound(&z, made, CS, &mut &data[..], &mut obj, &mut |_| {}).unwrap();
            let open = |b: &Binding| {
                let mut out = Vec::new();
                decrypt_bound(&z, b, CS, &mut &obj[..], &mut out, &mut |_| {}).map(|_| out)
            };
            assert_eq!(open(made).unwrap(), data);
            assert!(matches!(open(other), Err(StreamError::Chunk { index: 0 })));
        }
    }

    #[test]
    fn round_trips_at_every_boundary() {
        let z = SymmetricKey::generate();
        let sizes = [
            0,
            1,
            CS - 1,
            CS,
            CS + 1,
            2 * CS,
            BATCH_CHUNKS * CS - 1,
            BATCH_CHUNKS * CS,
            BATCH_CHUNKS * CS + 1,
            3 * BATCH_CHUNKS * CS + 17,
        ];
        for n in sizes {
            let data: Vec<u8> = (0..n).map(|i| (i * 31 % 251) as u8).collect();
            let (obj, info) = enc(&z, &data);
            let (size, chunks) = encrypted_size(n as u64, CS);
            assert_eq!(obj.len() as u64, size, "size {n}");
            assert_eq!(info.size, size, "size {n}");
            assert_eq!(info.chunks, chunks, "chunks {n}");
            assert_eq!(info.sha256, sha(&obj), "digest {n}");
            let (back, dinfo) = dec(&z, &obj).unwrap();
            assert_eq!(back, data, "plaintext {n}");
            assert_eq!(dinfo, info, "info {n}");
        }
    }

    #[test]
    fn empty_object_is_one_final_chunk() {
        let z = SymmetricKey::generate();
        let (obj, info) = enc(&z, b"");
        assert_eq!(info.chunks, 1);
        assert_eq!(obj.len(), HEADER_LEN + TAG_LEN);
        assert_eq!(dec(&z, &obj).unwrap().0, b"");
        // The header alone is not an object.
        assert!(matches!(
            dec(&z, &obj[..HEADER_LEN]),
            Err(StreamError::Truncated { .. })
        ));
    }

    #[test]
    fn reordered_chunks_fail() {
        let z = SymmetricKey::generate();
        let data = vec![5u8; 3 * CS];
        let (mut obj, _) = enc(&z, &data);
        let u = CS + TAG_LEN;
        let (a, b) = (HEADER_LEN, HEADER_LEN + u);
        let first: Vec<u8> = obj[a..a + u].to_vec();
        obj.copy_within(b..b + u, a);
        obj[b..b + u].copy_from_slice(&first);
        assert!(matches!(
            dec(&z, &obj),
            Err(StreamError::Chunk { index: 0 })
        ));
    }

    #[test]
    fn truncation_at_a_chunk_boundary_fails() {
        let z = SymmetricKey::generate();
        for n in [2 * CS, 2 * CS + 5, BATCH_CHUNKS * CS * 2] {
            let (obj, _) = enc(&z, &vec![1u8; n]);
            let u = CS + TAG_LEN;
            let cut = HEADER_LEN + u;
            assert!(
                matches!(dec(&z, &obj[..cut]), Err(StreamError::Chunk { index: 0 })),
                "{n}"
            );
            // Cut inside a chunk.
            assert!(dec(&z, &obj[..obj.len() - 1]).is_err(), "{n}");
            assert!(dec(&z, &obj[..HEADER_LEN + 3]).is_err(), "{n}");
        }
    }

    #[test]
    fn extension_fails() {
        let z = SymmetricKey::generate();
        let (obj, _) = enc(&z, &vec![9u8; CS]);
        // Append a copy of the final chunk: the old final chunk is now non-final.
        let mut ext = obj.clone();
        ext.extend_from_slice(&obj[HEADER_LEN..]);
        assert!(matches!(
            dec(&z, &ext),
            Err(StreamError::Chunk { index: 0 })
        ));
        let mut junk = obj.clone();
        junk.extend_from_slice(&[0u8; 40]);
        assert!(dec(&z, &junk).is_err());
    }

    #[test]
    fn exact_multiple_of_chunk_size_has_full_final_chunk() {
        let z = SymmetricKey::generate();
        let (obj, info) = enc(&z, &vec![3u8; 4 * CS]);
        assert_eq!(info.chunks, 4);
        assert_eq!(obj.len(), HEADER_LEN + 4 * (CS + TAG_LEN));
        assert_eq!(dec(&z, &obj).unwrap().0.len(), 4 * CS);
    }

    #[test]
    fn every_flipped_byte_fails_and_binding_holds() {
        let z = SymmetricKey::generate();
        let (obj, _) = enc(&z, &vec![4u8; CS + 10]);
        for i in 0..obj.len() {
            let mut bad = obj.clone();
            bad[i] ^= 0x20;
            assert!(dec(&z, &bad).is_err(), "byte {i}");
        }
        let mut out = Vec::new();
        let other_obj = decrypt(&z, &ID, "other", CS, &mut &obj[..], &mut out, &mut |_| {});
        assert!(matches!(other_obj, Err(StreamError::Chunk { index: 0 })));
        let other_backup = decrypt(
            &z,
            &[8; 16],
            "obj",
            CS,
            &mut &obj[..],
            &mut out,
            &mut |_| {},
        );
        assert!(other_backup.is_err());
        assert!(dec(&SymmetricKey::generate(), &obj).is_err());
    }

    #[test]
    fn a_header_chunk_size_other_than_the_manifests_is_refused_before_allocating() {
        let z = SymmetricKey::generate();
        let (mut obj, _) = enc(&z, b"short");
        obj[8..12].copy_from_slice(&(MAX_CHUNK_SIZE as u32).to_be_bytes());
        // Before: a 16 x 16 MiB buffer, then a failed tag.
        assert!(matches!(dec(&z, &obj), Err(StreamError::Header(_))));
    }

    /// A reader that hands out at most 1000 bytes per call, and a writer
    /// that takes at most 777 per call (vectored or not): batches are
    /// assembled and written whole all the same.
    #[test]
    fn round_trips_through_short_reads_and_short_writes() {
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(self.0.len()).min(1000);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        struct Sip(Vec<u8>);
        impl Write for Sip {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                let n = buf.len().min(777);
                self.0.extend_from_slice(&buf[..n]);
                Ok(n)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let z = SymmetricKey::generate();
        for n in [
            0,
            1,
            CS,
            BATCH_CHUNKS * CS,
            BATCH_CHUNKS * CS + 1,
            3 * BATCH_CHUNKS * CS + 5,
        ] {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 % 253) as u8).collect();
            let mut obj = Sip(Vec::new());
            let info = encrypt(
                &z,
                &ID,
                "obj",
                CS,
                &mut Trickle(&data),
                &mut obj,
                &mut |_| {},
            )
            .unwrap();
            assert_eq!(obj.0.len() as u64, info.size, "size {n}");
            assert_eq!(info.sha256, sha(&obj.0), "digest {n}");
            let mut back = Sip(Vec::new());
            let dinfo = decrypt(
                &z,
                &ID,
                "obj",
                CS,
                &mut Trickle(&obj.0),
                &mut back,
                &mut |_| {},
            )
            .unwrap();
            assert_eq!(back.0, data, "plaintext {n}");
            assert_eq!(dinfo, info, "info {n}");
        }
    }

    #[test]
    fn writer_errors_surface() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let z = SymmetricKey::generate();
        let data = vec![0u8; 40 * CS];
        let r = encrypt(&z, &ID, "o", CS, &mut &data[..], &mut Broken, &mut |_| {});
        assert!(matches!(r, Err(StreamError::Io(_))));
    }
}
