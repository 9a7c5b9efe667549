//! `icure check`: what a folder of iCure data reveals about the formats'
//! weaknesses (docs/ICURE.md §5). Each finding has a stable `code`:
//!
//! | code | what |
//! |---|---|
//! | `no-integrity` | AES-CBC without MAC: changed bytes (a flipped IV byte) change the plaintext undetectably |
//! | `aes128-uuid-key` | the entity key is a UUID: AES-128 with 122 random bits |
//! | `rsa-oaep-sha1` | an owner's keys are used with RSA-OAEP-SHA-1 |
//! | `unauthenticated-exchange-keys` | exchange keys nothing signs: the server can substitute its own |
//! | `unverified-key` | a public key on the server that this keystore has not verified |
//! | `fingerprint-not-hash` | the owner's keys are looked up by their last bytes |
//! | `clear-fields` | identifying fields stored in clear |
//! | `id-mismatch` | a delegation entry sealed for another record (the SDK uses it anyway) |
//! | `cannot-open` | the record does not open with the keystore's keys |
//! | `unverifiable-exchange-data` | Cardinal exchange data whose signatures the delegate cannot check |
//! | `cardinal-record` | a Cardinal record (read; `share` does not write this format) |
//! | `not-icure` | a file that is not iCure data (or not valid JSON) |

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::legacy::{record_id, Field, Reader};
use super::owner::IcureOwner;
use super::{codec, RecordFormat, RecordType};
use crate::crypto::legacy::OaepHash;
use crate::error::{Error, Result};
use crate::keystore::Keystore;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    High,
    Medium,
    Info,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub files: usize,
    pub owners: usize,
    pub records: usize,
    /// Records that opened with the keystore's keys (with `--as`).
    pub opened: usize,
    /// Findings per code.
    pub summary: BTreeMap<&'static str, usize>,
    pub findings: Vec<Finding>,
}

impl Report {
    fn add(
        &mut self,
        file: &str,
        id: Option<&str>,
        code: &'static str,
        severity: Severity,
        message: String,
    ) {
        *self.summary.entry(code).or_default() += 1;
        self.findings.push(Finding {
            file: file.to_string(),
            id: id.map(str::to_string),
            code,
            severity,
            message,
        });
    }
}

/// Most files read from one folder tree (a bound on untrusted input).
const MAX_FILES: usize = 100_000;

/// The `*.json` files under `dir` (depth ≤ 8, symlinks not followed), sorted.
pub fn json_files(dir: &Path) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<()> {
        let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, "read directory", e))?;
        for entry in rd {
            let entry = entry.map_err(|e| Error::io(dir, "read directory", e))?;
            let ft = entry
                .file_type()
                .map_err(|e| Error::io(&entry.path(), "stat", e))?;
            let p = entry.path();
            if ft.is_dir() && depth < 8 {
                walk(&p, depth + 1, out)?;
            } else if ft.is_file() && p.extension().is_some_and(|e| e == "json") {
                out.push(p);
                if out.len() > MAX_FILES {
                    return Err(Error::refused(format!(
                        "{}: more than {MAX_FILES} JSON files",
                        dir.display()
                    )));
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, 0, &mut out)?;
    out.sort();
    Ok(out)
}

/// Fields that identify a patient, or hold clinical text, when in clear.
const SENSITIVE: [&str; 12] = [
    "firstName",
    "lastName",
    "names",
    "dateOfBirth",
    "dateOfDeath",
    "gender",
    "ssin",
    "addresses",
    "placeOfBirth",
    "note",
    "descr",
    "content",
];

/// Checks every JSON file under `dir`. With a `reader`, records are also
/// opened (entity key size, ids sealed in delegations); with a keystore,
/// owners' keys are compared with what it has verified.
pub fn check_dir(
    dir: &Path,
    reader: Option<&Reader>,
    keystore: Option<&Keystore>,
) -> Result<Report> {
    let mut report = Report::default();
    for path in json_files(dir)? {
        report.files += 1;
        let name = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        let value =
            match codec::read_bounded(&path).and_then(|b| codec::parse_json(&b, &name, "file")) {
                Ok(v) => v,
                Err(e) => {
                    report.add(
                        &name,
                        None,
                        "not-icure",
                        Severity::Info,
                        e.message().to_string(),
                    );
                    continue;
                }
            };
        check_value(&mut report, &name, &value, reader, keystore);
    }
    Ok(report)
}

fn check_value(
    r: &mut Report,
    file: &str,
    v: &Value,
    reader: Option<&Reader>,
    ks: Option<&Keystore>,
) {
    let is_exchange_data = [
        "delegator",
        "delegate",
        "exchangeKey",
        "accessControlSecret",
    ]
    .iter()
    .all(|k| v.get(k).is_some());
    if is_exchange_data {
        r.add(file, v.get("id").and_then(Value::as_str), "unverifiable-exchange-data", Severity::High,
            "Cardinal exchange data: delegatorSignature needs a key that never leaves the delegator's devices, and sharedSignature's HMAC key travels inside the same document, so a delegate cannot tell who made it".into());
        return;
    }
    match RecordFormat::of(v) {
        RecordFormat::Legacy => {
            r.records += 1;
            check_record(r, file, v, reader);
        }
        RecordFormat::Cardinal => {
            r.records += 1;
            check_record(r, file, v, reader);
        }
        RecordFormat::Ehrcrypt => {}
        RecordFormat::Unknown => {
            let looks_like_owner = [
                "publicKey",
                "hcPartyKeys",
                "aesExchangeKeys",
                "publicKeysForOaepWithSha256",
            ]
            .iter()
            .any(|k| v.get(k).is_some());
            if looks_like_owner && v.get("id").is_some() {
                r.owners += 1;
                check_owner(r, file, v, ks);
            } else {
                r.add(
                    file,
                    None,
                    "not-icure",
                    Severity::Info,
                    "no iCure record or data owner found".into(),
                );
            }
        }
    }
}

fn check_owner(r: &mut Report, file: &str, v: &Value, ks: Option<&Keystore>) {
    let doc = match IcureOwner::from_rest(v, None, file) {
        Ok(d) => d,
        Err(e) => {
            r.add(
                file,
                None,
                "not-icure",
                Severity::Info,
                e.message().to_string(),
            );
            return;
        }
    };
    let id = doc.id.to_string();
    let keys = doc.keys().unwrap_or_default();
    let sha1 = keys.iter().filter(|k| k.hash == OaepHash::Sha1).count();
    if sha1 > 0 {
        r.add(
            file,
            Some(&id),
            "rsa-oaep-sha1",
            Severity::Medium,
            format!("{sha1} key(s) used with RSA-OAEP-SHA-1 (publicKey / aesExchangeKeys)"),
        );
    }
    let exchange = doc.hc_party_keys.len()
        + doc
            .aes_exchange_keys
            .values()
            .map(|m| m.len())
            .sum::<usize>();
    if exchange > 0 {
        r.add(file, Some(&id), "unauthenticated-exchange-keys", Severity::High,
            format!("{exchange} exchange key(s) in hcPartyKeys/aesExchangeKeys that nothing signs: whoever writes to the server can substitute their own, or a public key of their own"));
    }
    if !keys.is_empty() {
        r.add(
            file,
            Some(&id),
            "fingerprint-not-hash",
            Severity::Info,
            "keys are found by their last 16 SPKI bytes (5 of them constant), not by a hash".into(),
        );
    }
    for k in &keys {
        let fp = k.key.fingerprint();
        let verified = ks
            .and_then(|ks| ks.find(&doc.id))
            .and_then(|o| o.public_key(&fp))
            .is_some_and(|e| e.verified);
        if !verified {
            r.add(
                file,
                Some(&id),
                "unverified-key",
                Severity::Medium,
                format!(
                    "key {} (iCure {}) is on the server but not verified in this keystore",
                    fp.short(),
                    k.icure_fingerprint()
                ),
            );
        }
    }
}

fn clear_fields(r: &mut Report, file: &str, id: &str, v: &Value) {
    let mut clear: Vec<&str> = SENSITIVE
        .iter()
        .copied()
        .filter(|f| {
            v.get(*f).is_some_and(|x| {
                !x.is_null() && x != &Value::from("") && x != &Value::Array(vec![])
            })
        })
        .collect();
    if v.get("services")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter().any(|x| {
                x.get("content")
                    .is_some_and(|c| c.as_object().is_some_and(|m| !m.is_empty()))
            })
        })
    {
        clear.push("services[].content");
    }
    if !clear.is_empty() {
        r.add(
            file,
            Some(id),
            "clear-fields",
            Severity::Medium,
            format!("stored in clear: {}", clear.join(", ")),
        );
    }
}

fn check_record(r: &mut Report, file: &str, v: &Value, reader: Option<&Reader>) {
    let id = record_id(v);
    let cardinal = RecordFormat::of(v) == RecordFormat::Cardinal;
    if cardinal {
        r.add(
            file,
            Some(&id),
            "cardinal-record",
            Severity::Info,
            "Cardinal record (secureDelegations, AES-256 entity key)".into(),
        );
        r.add(file, Some(&id), "no-integrity", Severity::High,
            "encryptedSelf and every secure delegation are AES-CBC without a MAC (the \"Cure\" prefix only validates decryption): changed bytes (a flipped IV byte) change the plaintext and nothing can detect it".into());
    } else {
        r.add(file, Some(&id), "no-integrity", Severity::High,
            "encryptedSelf and every delegation entry are AES-CBC without a MAC: changed bytes (a flipped IV byte) change the plaintext and nothing can detect it".into());
    }
    clear_fields(r, file, &id, v);
    let Some(reader) = reader else {
        if cardinal {
            return;
        }
        r.add(file, Some(&id), "aes128-uuid-key", Severity::Medium,
            "the @icure/api SDKs make entity keys from UUIDs (AES-128, 122 random bits); not confirmed for this record (run with --as to open it)".into());
        return;
    };
    // Entries sealed for another record: the SDK logs nothing and uses them.
    for f in Field::ALL {
        if let Ok(Some(opened)) = reader.open_field(v, f, file) {
            for o in opened.iter().filter(|o| o.sealed_id != id) {
                r.add(file, Some(&id), "id-mismatch", Severity::High,
                    format!("a {} entry from {} was sealed for record {:?}, not this one (moved here; the iCure SDK would use it anyway, ehrcrypt refuses it)", f.name(), o.owner, o.sealed_id));
            }
        }
    }
    match reader.decrypt(v, None, file) {
        Ok(d) => {
            r.opened += 1;
            if d.key_bits == 128 {
                r.add(
                    file,
                    Some(&id),
                    "aes128-uuid-key",
                    Severity::Medium,
                    "the entity key is a UUID: AES-128 with 122 random bits".into(),
                );
            }
            if d.record_type == RecordType::Other {
                r.add(
                    file,
                    Some(&id),
                    "not-icure",
                    Severity::Info,
                    "record type unknown (no _type)".into(),
                );
            }
        }
        Err(e) => r.add(
            file,
            Some(&id),
            "cannot-open",
            Severity::Info,
            e.message().to_string(),
        ),
    }
}
