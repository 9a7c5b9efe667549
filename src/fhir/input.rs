//! Reading FHIR inputs one resource at a time: a Bundle (or a single
//! resource) as one JSON document, or bulk-data ndjson streamed line by
//! line in bounded memory.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::json::{reindent, Layout, RawObject};
use super::ndjson::{self, Line, LineReader};
use super::resource::ResourceHead;
use crate::error::{display_path, Error, Result};

/// The largest Bundle (or single resource) read as one document, and the
/// most read from standard input; larger data belongs in ndjson.
pub const MAX_DOCUMENT: u64 = 256 << 20;

/// The Bundle types whose entries are records (R4 `bundle-type`):
/// `history` and the `-response` types describe operations, and
/// `message` needs its MessageHeader processed, not stored.
pub const BUNDLE_TYPES: [&str; 5] = [
    "collection",
    "transaction",
    "batch",
    "searchset",
    "document",
];

/// One input: a file, or standard input read in full.
#[derive(Clone, Debug)]
pub struct Input {
    /// How messages name it.
    pub name: String,
    path: PathBuf,
    /// Standard input's bytes (it cannot be read twice).
    data: Option<Arc<Vec<u8>>>,
}

impl Input {
    /// A file, or `-` for standard input (read now, up to [`MAX_DOCUMENT`]).
    pub fn open(path: &Path) -> Result<Self> {
        let name = display_path(path);
        if path.as_os_str() != "-" {
            return Ok(Input {
                name,
                path: path.to_path_buf(),
                data: None,
            });
        }
        let mut buf = Vec::new();
        std::io::stdin()
            .take(MAX_DOCUMENT + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(path, "read", e))?;
        if buf.len() as u64 > MAX_DOCUMENT {
            return Err(too_big(&name));
        }
        Ok(Input {
            name,
            path: path.to_path_buf(),
            data: Some(Arc::new(buf)),
        })
    }

    /// An input whose bytes are already in memory (tests, benchmarks).
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Self {
        Input {
            name: name.to_string(),
            path: PathBuf::from("-"),
            data: Some(Arc::new(bytes)),
        }
    }

    fn is_ndjson_file(&self) -> bool {
        self.data.is_none()
            && self
                .path
                .extension()
                .is_some_and(|e| e == "ndjson" || e == "jsonl")
    }

    fn read_all(&self) -> Result<Arc<Vec<u8>>> {
        if let Some(d) = &self.data {
            return Ok(d.clone());
        }
        let f = File::open(&self.path).map_err(|e| Error::io(&self.path, "read", e))?;
        let mut buf = Vec::new();
        f.take(MAX_DOCUMENT + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(&self.path, "read", e))?;
        if buf.len() as u64 > MAX_DOCUMENT {
            return Err(too_big(&self.name));
        }
        Ok(Arc::new(buf))
    }
}

fn too_big(name: &str) -> Error {
    Error::usage(format!(
        "{name}: larger than {} MiB, too large to read as one JSON document",
        MAX_DOCUMENT >> 20
    ))
    .hint("give bulk data as ndjson (one resource per line, a .ndjson file), which is streamed")
}

/// Where an item was found, for messages: `entry 3` or `line 4`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// 0-based index in `Bundle.entry`.
    Entry(u64),
    /// 1-based line of an ndjson file.
    Line(u64),
    /// The input is one resource, not a Bundle.
    Whole,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Position::Entry(i) => write!(f, "entry {i}"),
            Position::Line(l) => write!(f, "line {l}"),
            Position::Whole => f.write_str("resource"),
        }
    }
}

/// One resource of an input.
pub struct Item {
    /// Its rank among the input's resources (0-based): the export order.
    pub index: u64,
    pub position: Position,
    /// The Bundle entry's JSON text, compact, tokens as written (for
    /// ndjson and single resources: `{"resource":…}`).
    pub entry: Vec<u8>,
    /// The resource, parsed (numbers as `f64`: for analysis only).
    pub resource: Value,
    pub head: ResourceHead,
    pub full_url: Option<String>,
}

impl Item {
    /// `FILE: entry 3 (Observation/o1)`, to start a message.
    pub fn locate(&self, input: &str) -> String {
        let what = match &self.head.id {
            Some(id) => format!("{}/{id}", self.head.rtype),
            None => match &self.full_url {
                Some(u) => format!("{} {u}", self.head.rtype),
                None => format!("{} without id", self.head.rtype),
            },
        };
        format!("{input}: {} ({what})", self.position)
    }
}

/// A Bundle's own members, in order, as JSON text; `entry` is where the
/// entries go.
pub struct Shell {
    pub members: Vec<(String, Vec<u8>)>,
    pub entries: u64,
}

/// How much of each resource to parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parse {
    /// The whole resource, into [`Item::resource`].
    Full,
    /// Only `resourceType` and `id` (the rest is checked and skipped, not
    /// built): [`Item::resource`] holds just those two. For a second pass.
    Head,
}

/// Calls `f` with each resource of `input`, in order. Returns the Bundle's
/// shell when the input is a Bundle.
pub fn for_each_item(
    input: &Input,
    parse: Parse,
    f: &mut dyn FnMut(Item) -> Result<()>,
) -> Result<Option<Shell>> {
    let r = Reader { input, parse };
    if input.is_ndjson_file() {
        let file = File::open(&input.path).map_err(|e| Error::io(&input.path, "read", e))?;
        r.ndjson(BufReader::with_capacity(1 << 20, file), f)?;
        return Ok(None);
    }
    let bytes = input.read_all()?;
    if looks_like_ndjson(&bytes) {
        r.ndjson(&bytes[..], f)?;
        return Ok(None);
    }
    r.document(&bytes, f)
}

struct Reader<'a> {
    input: &'a Input,
    parse: Parse,
}

/// A first line that is a whole JSON object, followed by more: ndjson.
fn looks_like_ndjson(bytes: &[u8]) -> bool {
    let Some(nl) = memchr::memchr(b'\n', bytes) else {
        return false;
    };
    !ndjson::is_blank(&bytes[nl..])
        && serde_json::from_slice::<&serde_json::value::RawValue>(&bytes[..nl])
            .is_ok_and(|v| v.get().starts_with('{'))
}

fn not_fhir(input: &str, at: Position, why: impl std::fmt::Display) -> Error {
    Error::format(format!("{input}: {at}: not FHIR JSON: {why}"))
}

impl Reader<'_> {
    fn ndjson(
        &self,
        r: impl std::io::BufRead,
        f: &mut dyn FnMut(Item) -> Result<()>,
    ) -> Result<()> {
        let input = self.input;
        let mut lines = LineReader::new(r);
        let mut buf = Vec::new();
        let mut index = 0;
        loop {
            let got = lines
                .next_line(&mut buf)
                .map_err(|e| Error::io(&input.path, "read", e))?;
            let at = Position::Line(lines.line_number());
            match got {
                Line::End => return Ok(()),
                Line::TooLong => {
                    return Err(Error::format(format!(
                        "{}: {at}: longer than {} MiB; not an ndjson resource",
                        input.name,
                        ndjson::MAX_LINE >> 20
                    ))
                    .hint("nothing was written"))
                }
                Line::Read if ndjson::is_blank(&buf) => continue,
                Line::Read => {}
            }
            let item = self.item(at, index, &buf, None, None)?;
            f(item)?;
            index += 1;
        }
    }

    /// Parses one resource's text into an [`Item`]; `entry` is the text of
    /// its Bundle entry, `None` to make it `{"resource":…}`.
    fn item(
        &self,
        at: Position,
        index: u64,
        text: &[u8],
        entry: Option<Vec<u8>>,
        full_url: Option<String>,
    ) -> Result<Item> {
        let input = self.input;
        let invalid = |e: serde_json::Error| {
            not_fhir(
                &input.name,
                at,
                format!("invalid JSON (column {})", e.column()),
            )
        };
        let resource: Value = match self.parse {
            Parse::Full => serde_json::from_slice(text).map_err(invalid)?,
            Parse::Head => {
                #[derive(serde::Deserialize)]
                struct Head {
                    #[serde(rename = "resourceType")]
                    rtype: Option<Value>,
                    id: Option<Value>,
                }
                let h: Head = serde_json::from_slice(text).map_err(invalid)?;
                let mut m = serde_json::Map::new();
                if let Some(t) = h.rtype {
                    m.insert("resourceType".into(), t);
                }
                if let Some(id) = h.id {
                    m.insert("id".into(), id);
                }
                Value::Object(m)
            }
        };
        let head =
            ResourceHead::of(&resource).map_err(|e| e.context(format!("{}: {at}", input.name)))?;
        let entry = match entry {
            Some(e) => e,
            None => {
                let mut e = Vec::with_capacity(text.len() + 13);
                e.extend_from_slice(b"{\"resource\":");
                reindent(text, Layout::Compact, 0, &mut e)
                    .map_err(|_| Error::internal("write to memory"))?;
                e.push(b'}');
                e
            }
        };
        Ok(Item {
            index,
            position: at,
            entry,
            resource,
            head,
            full_url,
        })
    }

    fn document(
        &self,
        bytes: &[u8],
        f: &mut dyn FnMut(Item) -> Result<()>,
    ) -> Result<Option<Shell>> {
        let input = self.input;
        let doc = RawObject::parse(bytes).map_err(|e| {
            if e.is_syntax() || e.is_eof() {
                crate::format::json_error(&input.name, "FHIR input", &e)
            } else {
                Error::format(format!(
                "{}: not FHIR JSON (a resource or Bundle is a JSON object without repeated names)",
                input.name
            ))
            }
        })?;
        let rtype = doc.get_str("resourceType").ok_or_else(|| {
            Error::format(format!(
                "{}: not FHIR JSON (no \"resourceType\")",
                input.name
            ))
        })?;
        if rtype != "Bundle" {
            f(self.item(Position::Whole, 0, bytes, None, None)?)?;
            return Ok(None);
        }
        let btype = doc.get_str("type").unwrap_or_default();
        if !BUNDLE_TYPES.contains(&btype.as_str()) {
            return Err(Error::format(format!(
                "{}: a Bundle of type \"{}\" holds no records to import (types: {})",
                input.name,
                btype.escape_debug(),
                BUNDLE_TYPES.join(", ")
            )));
        }
        let entries: Vec<&serde_json::value::RawValue> = match doc.get("entry") {
            None => Vec::new(),
            Some(raw) => serde_json::from_str(raw.get()).map_err(|_| {
                Error::format(format!("{}: Bundle.entry is not an array", input.name))
            })?,
        };
        let mut members = Vec::with_capacity(doc.0.len());
        for (name, raw) in &doc.0 {
            let mut text = Vec::new();
            if name != "entry" {
                reindent(raw.get().as_bytes(), Layout::Compact, 0, &mut text)
                    .map_err(|_| Error::internal("write to memory"))?;
            }
            members.push((name.clone(), text));
        }
        for (i, raw) in entries.iter().enumerate() {
            let at = Position::Entry(i as u64);
            let e = RawObject::parse(raw.get().as_bytes()).map_err(|e| {
                not_fhir(&input.name, at, format!("the entry is not an object ({e})"))
            })?;
            let Some(resource) = e.get("resource") else {
                let what = e
                    .get_str("fullUrl")
                    .map(|u| format!(" {u}"))
                    .unwrap_or_default();
                return Err(Error::format(format!(
                "{}: {at}{what}: the entry has no resource (a DELETE or a reference-only entry is not a record)",
                input.name
            )));
            };
            let mut entry = Vec::new();
            reindent(raw.get().as_bytes(), Layout::Compact, 0, &mut entry)
                .map_err(|_| Error::internal("write to memory"))?;
            let item = self.item(
                at,
                i as u64,
                resource.get().as_bytes(),
                Some(entry),
                e.get_str("fullUrl"),
            )?;
            f(item)?;
        }
        Ok(Some(Shell {
            members,
            entries: entries.len() as u64,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Result<(Vec<Item>, Option<Shell>)> {
        let input = Input::from_bytes("t", text.as_bytes().to_vec());
        let mut out = Vec::new();
        let shell = for_each_item(&input, Parse::Full, &mut |i| {
            out.push(i);
            Ok(())
        })?;
        Ok((out, shell))
    }

    #[test]
    fn a_bundle_gives_its_entries_and_its_shell() {
        let (got, shell) = items(
            r#"{"resourceType": "Bundle", "type": "transaction", "entry": [
                {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient", "x": 5.80},
                 "request": {"method": "POST", "url": "Patient"}}], "total": 1}"#,
        )
        .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].full_url.as_deref(), Some("urn:uuid:1"));
        assert_eq!(
            String::from_utf8(got[0].entry.clone()).unwrap(),
            r#"{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","x":5.80},"request":{"method":"POST","url":"Patient"}}"#
        );
        let shell = shell.unwrap();
        let names: Vec<&str> = shell.members.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["resourceType", "type", "entry", "total"]);
        assert_eq!(shell.entries, 1);
    }

    #[test]
    fn ndjson_and_single_resources() {
        let (got, shell) = items(
            "{\"resourceType\":\"Patient\",\"id\":\"p\"}\n\n{\"resourceType\":\"Observation\",\"id\":\"o\"}\n",
        )
        .unwrap();
        assert!(shell.is_none());
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].position, Position::Line(3));
        assert_eq!(got[1].index, 1);
        assert_eq!(got[1].locate("f"), "f: line 3 (Observation/o)");
        let (one, _) = items("{\n \"resourceType\": \"Patient\"\n}").unwrap();
        assert_eq!(one[0].entry, br#"{"resource":{"resourceType":"Patient"}}"#);
    }

    #[test]
    fn bad_inputs_say_where() {
        let msg = |t: &str| items(t).err().unwrap().message().to_string();
        assert!(msg("[1, 2]").contains("not FHIR JSON"));
        assert!(msg(r#"{"a": 1}"#).contains("no \"resourceType\""));
        assert!(msg(r#"{"resourceType": "Bundle", "type": "history"}"#).contains("history"));
        let m = msg(
            r#"{"resourceType": "Bundle", "type": "batch", "entry": [{"resource": {"resourceType": "Patient"}}, {"fullUrl": "urn:uuid:2"}]}"#,
        );
        assert!(
            m.contains("entry 1 urn:uuid:2: the entry has no resource"),
            "{m}"
        );
        let m = msg("{\"resourceType\":\"Patient\"}\n{\"id\":\"x\"}\n");
        assert!(m.contains("line 2"), "{m}");
    }
}
