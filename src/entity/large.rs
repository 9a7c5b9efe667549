//! Encrypting a large record in bounded memory (issue 13, docs/FORMAT.md
//! §8.4): one pass over the input, whose bytes go both to a streaming
//! JSON check (the rules of [`crate::format::parse_strict`]: valid JSON,
//! no key twice in any object; only the top-level fields encryption reads
//! are kept) and, through a bounded channel, to the chunked AEAD stream
//! that writes the sidecar. The sidecar's chunks are bound to the entity
//! id, which is the record's own `id`: bytes are held until it has been
//! read (nothing is held when it comes first, as it usually does; a record
//! whose `id` comes late, or that has none, is held up to it, or whole).
//! The stream sees its end only once the whole record checked out; on any
//! error the staged sidecar is dropped, so nothing is published.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::mpsc::sync_channel;

use serde::de::{Deserializer as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::attachment::{
    sidecar_path, stream_error, Attachment, FromChannel, ToChannel, PIECES_IN_FLIGHT,
};
use super::{id_text, v2, Body, Encryptor, Entity};
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
    /// `null`) before the entity is made. Same errors as
    /// [`Encryptor::encrypt_bytes`].
    pub fn encrypt_reader_beside(
        &self,
        input: &mut dyn Read,
        source: &str,
        entity_file: &Path,
        batch: &Batch,
        mode: Mode,
        inspect: &dyn Fn(&Value) -> Result<()>,
    ) -> Result<(Entity, Staged)> {
        let mut wanted = vec!["id", "format", "encryptedSelf"];
        wanted.extend(self.clear.iter().map(|p| p[0].as_str()));
        let record = self.record();
        let meta = v2::V2Meta::new(record.parent.as_ref().map(|(_, s)| s.as_str()));
        let key = SymmetricKey::generate();
        let mut car_id = [0u8; 16];
        crate::crypto::random_bytes(&mut car_id);
        let car = sidecar_path(entity_file, &car_id);

        let (id_tx, id_rx) = sync_channel::<String>(1);
        let (tx, rx) = sync_channel(PIECES_IN_FLIGHT);
        let tee = RefCell::new(Tee {
            flow: Flow::Hold(Zeroizing::new(Vec::new())),
            out: ToChannel::new(tx),
            id_tx: Some(id_tx),
        });
        let (scanned, streamed) = std::thread::scope(|s| {
            let (salt, kind) = (meta.salt, self.kind);
            let (key, car) = (&key, &car);
            let writer = s.spawn(move || -> Result<Option<(Attachment, Staged)>> {
                // No id: the record was refused before any byte was sealed.
                let Ok(id) = id_rx.recv() else {
                    return Ok(None);
                };
                let binding = Binding::detached_self(&salt, &id, kind.as_str(), &car_id);
                let mut r = FromChannel::new(rx);
                let mut info = None;
                let staged = batch.stage_stream(car, mode, |w| {
                    let chunk = stream::DEFAULT_CHUNK_SIZE;
                    let i = stream::encrypt_bound(key, &binding, chunk, &mut r, w, &mut |_| {})
                        .map_err(|e| stream_error(e, car))?;
                    info = Some(i);
                    Ok(())
                })?;
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
            let closed = {
                let mut t = tee.borrow_mut();
                if scanned.is_ok() {
                    t.finish();
                }
                t.out.closed
            };
            // The stream ends here: whole (`End` sent) or failed.
            drop(tee);
            let streamed = writer
                .join()
                .unwrap_or_else(|_| Err(Error::internal("sidecar writer panicked")));
            (scanned.map_err(|e| (e, closed)), streamed)
        });
        let head = match scanned {
            Ok(head) => head,
            // The sidecar could not be written (a full disk): that is why.
            Err((_, true)) if streamed.is_err() => return Err(streamed.err().expect("checked")),
            Err((e, _)) => return Err(record_error(source, &e)),
        };
        let streamed = streamed?;
        let Some(Scanned::Object(head)) = head else {
            return Err(Error::format(format!(
                "{source}: a record must be a JSON object"
            )));
        };
        let head = Value::Object(head);
        inspect(&head)?;
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
        let entity = self.encrypt_parsed(&head, body, source, None, record)?;
        Ok((entity, staged))
    }
}

/// Where the bytes read go.
enum Flow {
    /// Held until the entity id is known (the stream is bound to it).
    Hold(Zeroizing<Vec<u8>>),
    /// Sent to the stream.
    Send,
    /// Dropped: the record is refused (its `id` is not an id).
    Drop,
}

/// The bytes read from the input, on their way to the stream.
struct Tee {
    flow: Flow,
    out: ToChannel,
    /// Tells the stream's writer the entity id; dropped unsent if none.
    id_tx: Option<std::sync::mpsc::SyncSender<String>>,
}

impl Tee {
    fn take(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.flow {
            Flow::Hold(held) => held.extend_from_slice(bytes),
            Flow::Send => {
                self.out.send(Zeroizing::new(bytes.to_vec()))?;
            }
            Flow::Drop => {}
        }
        Ok(())
    }

    /// The record's `id` was read: the stream starts (and gets what was
    /// held), or, for a value that is not an id, never does.
    fn id(&mut self, id: &Value) -> io::Result<()> {
        if !matches!(self.flow, Flow::Hold(_)) {
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
        let held = match std::mem::replace(&mut self.flow, Flow::Send) {
            Flow::Hold(held) => held,
            other => {
                self.flow = other;
                return Ok(());
            }
        };
        let started = self.id_tx.take().is_some_and(|tx| tx.send(id).is_ok());
        if !started {
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

/// What the input holds at its top level.
enum Scanned {
    /// An object: the wanted fields, and `null` for each other one.
    Object(Map<String, Value>),
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
) -> std::result::Result<Option<Scanned>, serde_json::Error> {
    let reader = BufReader::with_capacity(READ_SIZE, TeeReader { input, tee });
    let mut de = serde_json::Deserializer::from_reader(reader);
    let scanned = (&mut de).deserialize_any(Top { wanted, tee })?;
    de.end()?;
    let Scanned::Object(mut head) = scanned else {
        return Ok(Some(Scanned::Other));
    };
    let mut t = tee.borrow_mut();
    if let Flow::Hold(_) = t.flow {
        if head.contains_key("id") {
            // An `id` that is not one (refused later), or a bug.
            t.flow = Flow::Drop;
            t.id_tx = None;
        } else {
            let id = uuid::Uuid::new_v4().to_string();
            head.insert("id".into(), Value::from(id.clone()));
            t.start(id).map_err(serde_json::Error::io)?;
        }
    }
    Ok(Some(Scanned::Object(head)))
}

struct TeeReader<'a> {
    input: &'a mut dyn Read,
    tee: &'a RefCell<Tee>,
}

impl Read for TeeReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.input.read(buf)?;
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
            if !self.wanted.contains(&key.as_str()) {
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
        Ok(Scanned::Object(head))
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
    fn scan_text(
        text: &[u8],
    ) -> (
        std::result::Result<Option<Scanned>, serde_json::Error>,
        Vec<u8>,
    ) {
        let (id_tx, id_rx) = sync_channel::<String>(1);
        let (tx, rx) = sync_channel(PIECES_IN_FLIGHT);
        let tee = RefCell::new(Tee {
            flow: Flow::Hold(Zeroizing::new(Vec::new())),
            out: ToChannel::new(tx),
            id_tx: Some(id_tx),
        });
        std::thread::scope(|s| {
            let got = s.spawn(move || {
                let mut out = Vec::new();
                if id_rx.recv().is_ok() {
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
        for text in [
            format!(r#"{{"id": 7, "x": {filler}}}"#),
            format!(r#"{{"x": {filler}, "name": {{"f": "K"}}, "id": "late"}}"#),
            format!(r#"{{"x": {filler}}}"#),
        ] {
            let (r, sent) = scan_text(text.as_bytes());
            let Some(Scanned::Object(head)) = r.unwrap() else {
                panic!("an object")
            };
            assert!(sent == text.as_bytes());
            assert!(id_text(&head["id"]).is_some());
            assert_eq!(head["x"], Value::Null);
        }
        let (r, sent) = scan_text(b"[1, 2]");
        assert!(matches!(r.unwrap(), Some(Scanned::Other)));
        assert!(sent.is_empty());
        let (r, sent) = scan_text(br#"{"id": [1], "x": 2}"#);
        assert!(r.is_ok() && sent.is_empty());
    }
}
