//! Encrypting a large record in bounded memory (issue 13, docs/FORMAT.md
//! §8.4): one pass over the input, whose bytes go both to a streaming
//! JSON check (the rules of [`crate::format::parse_strict`]: valid JSON,
//! no key twice in any object; only the top-level fields encryption reads
//! are kept) and, through a bounded channel, to the chunked AEAD stream
//! that writes the sidecar. The sidecar's chunks are bound to the entity
//! id, which is the record's own `id`: bytes are held until it has been
//! read (nothing is held when it comes first, as it usually does). Past
//! [`HOLD_MAX`] they are spilled to a temporary file, sealed under a key
//! that never leaves the process, and streamed back once the id is known
//! (a record without `id` gets a fresh one at its end). The stream sees
//! its end only once the whole record checked out; on any error the
//! staged sidecar and the spill are removed, so nothing is published.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};

use serde::de::{Deserializer as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::attachment::{
    self, sidecar_path, stream_error, Attachment, FromChannel, ToChannel, PIECES_IN_FLIGHT,
};
use super::{id_text, v2, Attach, Body, Encryptor, Entity};
use crate::crypto::stream::{self, Binding};
use crate::crypto::SymmetricKey;
use crate::error::{Error, Result};
use crate::store::atomic_file::{Batch, Staged};
use crate::store::Mode;

/// The read size of the JSON check: each read is one piece for the stream.
const READ_SIZE: usize = 256 << 10;

/// The key serde_json's `arbitrary_precision` gives a number seen as a map.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl Encryptor {
    /// [`Encryptor::encrypt_bytes`] of the record `input` yields, which
    /// must be larger than [`attachment::DETACH_THRESHOLD`] (the caller
    /// read that much to decide): it is detached into a sidecar beside
    /// `entity_file`, staged in `batch` (the caller stages the entity
    /// after it), in one pass and bounded memory. `inspect` sees the
    /// record's top-level fields (those encryption reads, the others as
    /// `null`) before the entity is made; `attach`, if given, writes its
    /// attachments as [`Encryptor::encrypt_bytes_with`]'s does. Same
    /// errors as [`Encryptor::encrypt_bytes`].
    #[allow(clippy::too_many_arguments)]
    pub fn encrypt_reader_beside(
        &self,
        input: &mut dyn Read,
        source: &str,
        entity_file: &Path,
        batch: &Batch,
        mode: Mode,
        inspect: &dyn Fn(&Value) -> Result<()>,
        attach: Option<&mut Attach>,
    ) -> Result<(Entity, Staged)> {
        let mut wanted = vec!["id", "format", "encryptedSelf"];
        wanted.extend(self.clear.iter().map(|p| p[0].as_str()));
        let record = self.record();
        let meta = v2::V2Meta::new(record.parent.as_ref().map(|(_, s)| s.as_str()));
        let key = SymmetricKey::generate();
        let mut car_id = [0u8; 16];
        crate::crypto::random_bytes(&mut car_id);
        let car = sidecar_path(entity_file, &car_id);

        let (id_tx, id_rx) = sync_channel::<Start>(1);
        let (tx, rx) = sync_channel(PIECES_IN_FLIGHT);
        let tee = RefCell::new(Tee {
            // Allocated once: growing it would free copies of the
            // plaintext unwiped.
            flow: Flow::Hold(Zeroizing::new(Vec::with_capacity(HOLD_MAX))),
            out: ToChannel::new(tx),
            id_tx: Some(id_tx),
            spill_dir: spill_dir(entity_file),
            failed: None,
            input_failed: None,
        });
        let (scanned, streamed) = std::thread::scope(|s| {
            let (salt, kind) = (meta.salt, self.kind);
            let (key, car) = (&key, &car);
            let writer = s.spawn(move || -> Result<Option<(Attachment, Staged)>> {
                // No id: the record was refused before any byte was sealed.
                let Ok((id, spilled)) = id_rx.recv() else {
                    return Ok(None);
                };
                let binding = Binding::detached_self(&salt, &id, kind.as_str(), &car_id);
                let mut info = None;
                let mut seal = |input: &mut dyn Read| {
                    batch.stage_stream(car, mode, |w| {
                        let chunk = stream::DEFAULT_CHUNK_SIZE;
                        let i = stream::encrypt_bound(key, &binding, chunk, input, w, &mut |_| {})
                            .map_err(|e| stream_error(e, car))?;
                        info = Some(i);
                        Ok(())
                    })
                };
                let mut live = FromChannel::new(rx);
                let staged = match spilled {
                    None => seal(&mut live)?,
                    // What was read before the id, then the rest.
                    Some(sp) => {
                        attachment::pipe(|w| sp.read_into(w), |r| seal(&mut r.chain(live)))?
                    }
                };
                let info = info.ok_or_else(|| Error::internal("sidecar stream"))?;
                Ok(Some((
                    Attachment {
                        id: car_id,
                        size: info.plaintext_size,
                        sha256: info.sha256,
                    },
                    staged,
                )))
            });
            let scanned = scan(input, &tee, &wanted);
            let (closed, failed) = {
                let mut t = tee.borrow_mut();
                if scanned.is_ok() {
                    t.finish();
                }
                // The input itself failed (EIO, a broken pipe): an I/O
                // error, as reading it whole would have said.
                let failed = t.failed.take().or_else(|| {
                    t.input_failed.take().map(|e| {
                        Error::new(
                            crate::error::ErrorKind::Io,
                            format!("{source}: cannot read: {e}"),
                        )
                    })
                });
                (t.out.closed, failed)
            };
            // The stream ends here: whole (`End` sent) or failed.
            drop(tee);
            let streamed = writer
                .join()
                .unwrap_or_else(|_| Err(Error::internal("sidecar writer panicked")));
            (scanned.map_err(|e| (e, closed, failed)), streamed)
        });
        let head = match scanned {
            Ok(head) => head,
            // The spill could not be written (a full disk).
            Err((_, _, Some(failed))) => return Err(failed),
            // The sidecar could not be written (a full disk): that is why.
            Err((_, true, _)) if streamed.is_err() => return Err(streamed.err().expect("checked")),
            Err((e, _, _)) => return Err(record_error(source, &e)),
        };
        let streamed = streamed?;
        let Scanned::Object(head, fresh) = head else {
            return Err(Error::format(format!(
                "{source}: a record must be a JSON object"
            )));
        };
        let mut head = Value::Object(head);
        inspect(&head)?;
        if let (Some(id), Some(m)) = (fresh, head.as_object_mut()) {
            m.insert("id".into(), Value::from(id));
        }
        // A refused id: the entity's own check says why.
        let Some((detached, staged)) = streamed else {
            self.encrypt_parsed(&head, Body::Bytes(b""), source, None, record)?;
            return Err(Error::internal("a record without a sidecar"));
        };
        let body = Body::Streamed {
            key,
            meta: Box::new(meta),
            record: detached,
        };
        let entity = self.encrypt_parsed(&head, body, source, attach, record)?;
        Ok((entity, staged))
    }
}

/// Bytes held in memory, at most, while the entity id is not known yet;
/// past this, they are spilled to disk, encrypted ([`Spill`]).
const HOLD_MAX: usize = 2 << 20;

/// Where the bytes read go.
enum Flow {
    /// Held until the entity id is known (the stream is bound to it).
    Hold(Zeroizing<Vec<u8>>),
    /// Past [`HOLD_MAX`], still no id: spilled.
    Spill(Spill),
    /// Sent to the stream.
    Send,
    /// Dropped: the record is refused (its `id` is not an id).
    Drop,
}

/// What the stream's writer learns once the id is known: the id, and the
/// bytes read before it if they were spilled.
type Start = (String, Option<Spilled>);

/// The bytes read from the input, on their way to the stream.
struct Tee {
    flow: Flow,
    out: ToChannel,
    /// Tells the stream's writer the entity id; dropped unsent if none.
    id_tx: Option<SyncSender<Start>>,
    /// Where a spill goes (a directory of the output).
    spill_dir: PathBuf,
    /// Why the spill failed, if it did (a full disk).
    failed: Option<Error>,
    /// Why reading the input failed, if it did.
    input_failed: Option<io::Error>,
}

impl Tee {
    fn take(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.flow {
            Flow::Hold(held) if held.len() + bytes.len() <= HOLD_MAX => {
                held.extend_from_slice(bytes)
            }
            Flow::Hold(held) => {
                let held = std::mem::take(held);
                let spill = Spill::start(&self.spill_dir).map_err(|e| self.fail(e))?;
                self.flow = Flow::Spill(spill);
                self.spill(held)?;
                self.spill(Zeroizing::new(bytes.to_vec()))?;
            }
            Flow::Spill(_) => self.spill(Zeroizing::new(bytes.to_vec()))?,
            Flow::Send => {
                self.out.send(Zeroizing::new(bytes.to_vec()))?;
            }
            Flow::Drop => {}
        }
        Ok(())
    }

    /// Sends `piece` to the spill; if its writer stopped, its error.
    fn spill(&mut self, piece: Zeroizing<Vec<u8>>) -> io::Result<()> {
        let Flow::Spill(spill) = &mut self.flow else {
            return Ok(());
        };
        if spill.out.send(piece).is_ok() {
            return Ok(());
        }
        let Flow::Spill(spill) = std::mem::replace(&mut self.flow, Flow::Drop) else {
            return Ok(());
        };
        let e = spill
            .finish()
            .err()
            .unwrap_or_else(|| Error::internal("the spill stopped"));
        Err(self.fail(e))
    }

    fn fail(&mut self, e: Error) -> io::Error {
        let io = io::Error::other(e.message().to_string());
        self.failed.get_or_insert(e);
        io
    }

    /// The record's `id` was read: the stream starts (and gets what was
    /// held or spilled), or, for a value that is not an id, never does.
    fn id(&mut self, id: &Value) -> io::Result<()> {
        if !matches!(self.flow, Flow::Hold(_) | Flow::Spill(_)) {
            return Ok(());
        }
        match id_text(id) {
            Some(text) => self.start(text),
            None => {
                self.flow = Flow::Drop;
                self.id_tx = None;
                Ok(())
            }
        }
    }

    fn start(&mut self, id: String) -> io::Result<()> {
        let (held, spilled) = match std::mem::replace(&mut self.flow, Flow::Send) {
            Flow::Hold(held) => (held, None),
            Flow::Spill(spill) => {
                let spilled = spill.finish().map_err(|e| self.fail(e))?;
                (Zeroizing::new(Vec::new()), Some(spilled))
            }
            other => {
                self.flow = other;
                return Ok(());
            }
        };
        let started = self
            .id_tx
            .take()
            .is_some_and(|tx| tx.send((id, spilled)).is_ok());
        if !started {
            // The writer's own error is the one to report.
            self.out.closed = true;
            return Err(io::Error::other("the sidecar writer stopped"));
        }
        if !held.is_empty() {
            self.out.send(held)?;
        }
        Ok(())
    }

    /// The whole record checked out: the stream gets its end.
    fn finish(&mut self) {
        if matches!(self.flow, Flow::Send) {
            let _ = self.out.end();
        }
    }
}

/// The start of a record whose id has not come yet, sealed under a key
/// of its own that never leaves this process, into a temporary file
/// (removed when done, or dropped): memory stays bounded, and no
/// plaintext touches the disk.
struct Spill {
    out: ToChannel,
    writer: Option<std::thread::JoinHandle<Result<Spilled>>>,
}

/// A finished spill.
struct Spilled {
    tmp: crate::store::atomic_file::TempFile,
    key: SymmetricKey,
    binding: Binding,
}

impl Spill {
    fn start(dir: &Path) -> Result<Spill> {
        let mut salt = [0u8; 16];
        crate::crypto::random_bytes(&mut salt);
        let binding = Binding::attachment(&salt, "spill", "spill", &salt);
        let key = SymmetricKey::generate();
        let mut tmp =
            crate::store::atomic_file::TempFile::create(&dir.join("record.spill"), Mode::Private)?;
        let (tx, rx) = sync_channel(PIECES_IN_FLIGHT);
        let writer = std::thread::spawn(move || {
            let path = tmp.path().to_path_buf();
            let mut input = FromChannel::new(rx);
            let file = tmp.file()?;
            stream::encrypt_bound(
                &key,
                &binding,
                stream::DEFAULT_CHUNK_SIZE,
                &mut input,
                file,
                &mut |_| {},
            )
            .map_err(|e| stream_error(e, &path))?;
            Ok(Spilled { tmp, key, binding })
        });
        Ok(Spill {
            out: ToChannel::new(tx),
            writer: Some(writer),
        })
    }

    /// Ends the spill: the file holds everything sent.
    fn finish(mut self) -> Result<Spilled> {
        let ended = self.out.end();
        let written = self
            .writer
            .take()
            .ok_or_else(|| Error::internal("spill"))?
            .join()
            .unwrap_or_else(|_| Err(Error::internal("spill writer panicked")))?;
        ended.map(|()| written)
    }
}

impl Drop for Spill {
    /// Unfinished: the writer fails (no end was sent) and removes its file.
    fn drop(&mut self) {
        let (tx, _) = sync_channel(0);
        drop(std::mem::replace(&mut self.out, ToChannel::new(tx)));
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
    }
}

impl Spilled {
    /// Streams the spilled bytes back into `out`, each chunk
    /// authenticated; the file is removed after.
    fn read_into(self, out: &mut (dyn Write + Send)) -> Result<()> {
        let path = self.tmp.path().to_path_buf();
        let mut f = std::fs::File::open(&path).map_err(|e| Error::io(&path, "read", e))?;
        stream::decrypt_bound(
            &self.key,
            &self.binding,
            stream::DEFAULT_CHUNK_SIZE,
            &mut f,
            out,
            &mut |_| {},
        )
        .map_err(|e| stream_error(e, &path))?;
        Ok(())
    }
}

/// The directory a spill goes to: the entity file's, or (for an output
/// directory not created yet) the nearest one that exists.
fn spill_dir(entity_file: &Path) -> PathBuf {
    entity_file
        .ancestors()
        .skip(1)
        .map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        })
        .find(|d| d.is_dir())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// What the input holds at its top level.
enum Scanned {
    /// An object: the wanted fields, and `null` for each other one.
    /// The wanted fields, `null` for each other one, and the fresh id
    /// the record got if it has none.
    Object(Map<String, Value>, Option<String>),
    /// Valid JSON, but not an object.
    Other,
}

/// Reads `input` whole through `tee`, checking it as JSON (no key twice
/// in any object) and keeping the `wanted` top-level fields. A record
/// without `id` gets a fresh one here, and the stream starts then.
fn scan(
    input: &mut dyn Read,
    tee: &RefCell<Tee>,
    wanted: &[&str],
) -> std::result::Result<Scanned, serde_json::Error> {
    let reader = BufReader::with_capacity(READ_SIZE, TeeReader { input, tee });
    let mut de = serde_json::Deserializer::from_reader(reader);
    let scanned = (&mut de).deserialize_any(Top { wanted, tee })?;
    de.end()?;
    let Scanned::Object(head, _) = scanned else {
        return Ok(scanned);
    };
    let mut t = tee.borrow_mut();
    let mut fresh = None;
    if matches!(t.flow, Flow::Hold(_) | Flow::Spill(_)) {
        if head.contains_key("id") {
            // An `id` that is not one (refused later), or a bug.
            t.flow = Flow::Drop;
            t.id_tx = None;
        } else {
            let id = uuid::Uuid::new_v4().to_string();
            t.start(id.clone()).map_err(serde_json::Error::io)?;
            fresh = Some(id);
        }
    }
    Ok(Scanned::Object(head, fresh))
}

struct TeeReader<'a> {
    input: &'a mut dyn Read,
    tee: &'a RefCell<Tee>,
}

impl Read for TeeReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.input.read(buf).inspect_err(|e| {
            // Interrupted is retried by the reader, not a failure.
            if e.kind() != io::ErrorKind::Interrupted {
                self.tee.borrow_mut().input_failed = Some(io::Error::new(e.kind(), e.to_string()));
            }
        })?;
        self.tee.borrow_mut().take(&buf[..n])?;
        Ok(n)
    }
}

/// The record's top level.
struct Top<'a> {
    wanted: &'a [&'a str],
    tee: &'a RefCell<Tee>,
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = Scanned;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<Scanned, E> {
        Ok(Scanned::Other)
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<Scanned, E> {
        Ok(Scanned::Other)
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<Scanned, E> {
        Ok(Scanned::Other)
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<Scanned, E> {
        Ok(Scanned::Other)
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<Scanned, E> {
        Ok(Scanned::Other)
    }
    fn visit_unit<E>(self) -> std::result::Result<Scanned, E> {
        Ok(Scanned::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Scanned, A::Error> {
        while seq.next_element_seed(crate::format::UniqueKeys)?.is_some() {}
        Ok(Scanned::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Scanned, A::Error> {
        let mut head = Map::new();
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.is_empty() && key == NUMBER_TOKEN {
                // A number (arbitrary precision), not an object.
                map.next_value::<serde::de::IgnoredAny>()?;
                return Ok(Scanned::Other);
            }
            if !seen.insert(key.clone()) {
                return Err(crate::format::duplicate_key(&key));
            }
            // `encryptedSelf` only has to be there (the record is an
            // entity, refused): checked, not kept, whatever its size.
            if !self.wanted.contains(&key.as_str()) || key == "encryptedSelf" {
                map.next_value_seed(crate::format::UniqueKeys)?;
                head.insert(key, Value::Null);
                continue;
            }
            let raw: Box<serde_json::value::RawValue> = map.next_value()?;
            let v = crate::format::strict_value(&raw).map_err(|e| {
                // Its syntax was checked: a key twice inside it.
                let text = e.to_string();
                let what = text.split(" at line ").next().unwrap_or(&text);
                serde::de::Error::custom(what)
            })?;
            if key == "id" {
                self.tee
                    .borrow_mut()
                    .id(&v)
                    .map_err(serde::de::Error::custom)?;
            }
            head.insert(key, v);
        }
        Ok(Scanned::Object(head, None))
    }
}

/// The error [`Encryptor::encrypt_bytes`] gives for the same record:
/// reading a stream, serde_json places an error raised by a visitor (a
/// key twice) one column further than reading a slice, where it is after
/// the key's closing quote.
fn record_error(source: &str, e: &serde_json::Error) -> Error {
    if !e.is_data() || e.column() < 2 {
        return crate::format::malformed(source, "record", e);
    }
    let text = e.to_string();
    let what = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(w, _)| w);
    Error::format(format!(
        "{source}: malformed record: {what} at line {} column {}",
        e.line(),
        e.column() - 1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `scan` of `text`, with a thread taking what the tee sends.
    fn scan_text(text: &[u8]) -> (std::result::Result<Scanned, serde_json::Error>, Vec<u8>) {
        let (id_tx, id_rx) = sync_channel::<Start>(1);
        let (tx, rx) = sync_channel(PIECES_IN_FLIGHT);
        let dir = tempfile::tempdir().unwrap();
        let tee = RefCell::new(Tee {
            flow: Flow::Hold(Zeroizing::new(Vec::new())),
            out: ToChannel::new(tx),
            id_tx: Some(id_tx),
            spill_dir: dir.path().to_path_buf(),
            failed: None,
            input_failed: None,
        });
        std::thread::scope(|s| {
            let got = s.spawn(move || {
                let mut out = Vec::new();
                if let Ok((_, spilled)) = id_rx.recv() {
                    if let Some(sp) = spilled {
                        sp.read_into(&mut out).unwrap();
                    }
                    let _ = FromChannel::new(rx).read_to_end(&mut out);
                }
                out
            });
            let r = scan(&mut &text[..], &tee, &["id", "name"]);
            if r.is_ok() {
                tee.borrow_mut().finish();
            }
            drop(tee);
            (r, got.join().unwrap())
        })
    }

    #[test]
    fn errors_read_as_those_of_the_record_in_memory() {
        let filler = format!("[{}1]", "1, ".repeat(2000));
        let cases = [
            format!(r#"{{"id": "a", "x": {filler}, "x": 1}}"#),
            format!("{{\"id\": \"a\",\n \"x\": {filler},\n \"d\": [{{\"k\": 1, \"k\" : 2}}]}}"),
            format!(r#"{{"x": {filler}, "id": "a", "id": "b"}}"#),
            format!(r#"{{"id": "a", "x": {filler}, "y": [1,]}}"#),
            format!(r#"{{"id": "a", "x": {filler}"#),
            format!(r#"{{"id": "a", "x": {filler}}} 1"#),
        ];
        for text in cases {
            let (r, _) = scan_text(text.as_bytes());
            let streamed = record_error("r", &r.err().expect("refused"));
            let whole = crate::format::reject_duplicate_keys(text.as_bytes(), "r", "record")
                .expect_err("refused");
            assert_eq!(streamed.message(), whole.message(), "{}", &text[..20]);
        }
    }

    #[test]
    fn the_stream_gets_every_byte_once_the_id_is_known() {
        let filler = format!("[{}1]", "1, ".repeat(200_000));
        // 600 KB held, or 3 MB spilled, before the id (or the end).
        let spilled = format!("[{}1]", "1, ".repeat(1_000_000));
        for text in [
            format!(r#"{{"id": 7, "x": {filler}}}"#),
            format!(r#"{{"x": {filler}, "name": {{"f": "K"}}, "id": "late"}}"#),
            format!(r#"{{"x": {filler}}}"#),
            format!(r#"{{"x": {spilled}, "id": "late"}}"#),
            format!(r#"{{"x": {spilled}}}"#),
        ] {
            let (r, sent) = scan_text(text.as_bytes());
            let Scanned::Object(head, fresh) = r.unwrap() else {
                panic!("an object")
            };
            assert!(sent == text.as_bytes());
            assert_eq!(head.contains_key("id"), fresh.is_none());
            assert_eq!(head["x"], Value::Null);
        }
        let (r, sent) = scan_text(b"[1, 2]");
        assert!(matches!(r.unwrap(), Scanned::Other));
        assert!(sent.is_empty());
        let (r, sent) = scan_text(br#"{"id": [1], "x": 2}"#);
        assert!(r.is_ok() && sent.is_empty());
    }
}
