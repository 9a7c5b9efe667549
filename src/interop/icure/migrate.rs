//! `icure migrate`: legacy iCure records → ehrcrypt entities, through the
//! library's entity encryption (whatever entity format is current), so the
//! data ends up authenticated (AES-256-GCM bound to its place) under
//! signed exchange keys.
//!
//! Kept: record ids, patient → contact / health element links (the iCure
//! `cryptedForeignKeys`), and every delegate whose key this keystore holds
//! *verified*. Everything else is reported, never silently dropped.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::legacy::{Decrypted, Reader};
use super::RecordType;
use crate::entity::{EncryptOptions, Encryptor, Entity, EntityKind};
use crate::error::Result;
use crate::owner::OwnerId;
use crate::session::Session;

/// The iCure crypto fields, which the ehrcrypt entity replaces.
const CRYPTO_FIELDS: [&str; 6] = [
    "delegations",
    "encryptionKeys",
    "cryptedForeignKeys",
    "secretForeignKeys",
    "encryptedSelf",
    "securityMetadata",
];

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Migrated {
    pub id: String,
    pub kind: EntityKind,
    pub source: String,
    pub delegates: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotCarried {
    pub id: String,
    pub source: String,
    pub what: String,
    pub reason: String,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub migrated: Vec<Migrated>,
    pub not_carried: Vec<NotCarried>,
}

/// Decrypted records, ready to migrate (read with a [`Reader`] first:
/// reading borrows the session that encrypting then changes).
pub struct Opened {
    pub source: String,
    pub record: Value,
    pub decrypted: Decrypted,
}

/// Opens every record as the reader's owner; those that do not open are
/// reported as not carried.
pub fn open_all(reader: &Reader, inputs: Vec<(Value, String)>, report: &mut Report) -> Vec<Opened> {
    let mut out = Vec::new();
    for (record, source) in inputs {
        match reader.decrypt(&record, None, &source) {
            Ok(decrypted) => out.push(Opened {
                source,
                record,
                decrypted,
            }),
            Err(e) => report.not_carried.push(NotCarried {
                id: super::legacy::record_id(&record),
                source,
                what: "record".into(),
                reason: e.message().to_string(),
            }),
        }
    }
    out
}

/// Encrypts the opened records as ehrcrypt entities of `me`, patients first
/// so that their children can link to them. Returns (file name, entity).
/// `detach_large_records`: the entities become local files, so records over
/// 1 MiB are detached into sidecars (docs/FORMAT.md §8.4).
pub fn migrate(
    session: &mut Session,
    me: &OwnerId,
    opened: Vec<Opened>,
    report: &mut Report,
    detach_large_records: bool,
) -> Result<Vec<(String, Entity)>> {
    let mut out = Vec::new();
    let mut patients: BTreeMap<String, Value> = BTreeMap::new();
    let (parents, children): (Vec<Opened>, Vec<Opened>) = opened
        .into_iter()
        .partition(|o| o.decrypted.record_type == RecordType::Patient);
    for o in parents.into_iter().chain(children) {
        let d = &o.decrypted;
        let kind = match d.record_type {
            RecordType::Patient => EntityKind::Patient,
            RecordType::Contact => EntityKind::Contact,
            RecordType::HealthElement => EntityKind::HealthElement,
            RecordType::Document | RecordType::Other => {
                report.not_carried.push(NotCarried {
                    id: d.id.clone(),
                    source: o.source.clone(),
                    what: "record".into(),
                    reason: format!(
                        "ehrcrypt has no entity kind for an iCure {}",
                        d.record_type.as_str()
                    ),
                });
                continue;
            }
        };
        let share_with = delegates(session, me, &o, report);
        let mut parent = None;
        let mut parent_id = None;
        for p in &d.parent_ids {
            match patients.get(p) {
                Some(v) if parent.is_none() => {
                    parent = Some(v.clone());
                    parent_id = Some(p.clone());
                }
                _ => report.not_carried.push(NotCarried {
                    id: d.id.clone(),
                    source: o.source.clone(),
                    what: format!("link to parent {p}"),
                    reason: "the parent is not among the migrated patients".into(),
                }),
            }
        }
        let opts = EncryptOptions {
            kind,
            share_with: share_with.clone(),
            clear: Vec::new(),
            parent,
            allow_unverified: false,
        };
        let mut plain = d.value.clone();
        if let Some(obj) = plain.as_object_mut() {
            for f in CRYPTO_FIELDS {
                obj.remove(f);
            }
            // A contact's services carry their own sealed copies.
            if let Some(services) = obj.get_mut("services").and_then(Value::as_array_mut) {
                for svc in services.iter_mut().filter_map(Value::as_object_mut) {
                    svc.remove("encryptedSelf");
                    svc.remove("encryptedContent");
                }
            }
        }
        let mut enc = Encryptor::new(session, me, &opts)?;
        enc.detach_large_records(detach_large_records);
        let entity = enc.encrypt_value(&plain, &o.source)?;
        if kind == EntityKind::Patient {
            patients.insert(d.id.clone(), entity.to_value());
        }
        report.migrated.push(Migrated {
            id: d.id.clone(),
            kind,
            source: o.source.clone(),
            delegates: share_with.iter().map(|x| x.to_string()).collect(),
            parent: parent_id,
        });
        out.push((file_name(&d.id, kind), entity));
    }
    Ok(out)
}

/// `<kind>-<id>.enc.json`, the id reduced to a safe file name.
fn file_name(id: &str, kind: EntityKind) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{kind}-{safe}.enc.json")
}

/// The record's delegates that keep access: those whose key this keystore
/// holds verified. The others are reported.
fn delegates(session: &Session, me: &OwnerId, o: &Opened, report: &mut Report) -> Vec<OwnerId> {
    let mut names: Vec<String> = Vec::new();
    for f in ["encryptionKeys", "delegations"] {
        if let Some(m) = o.record.get(f).and_then(Value::as_object) {
            for k in m.keys() {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
    }
    // Cardinal: the named delegates of the secure delegations. Anonymous
    // ones (patients) are named nowhere in the record.
    if let Some(m) = o
        .record
        .pointer("/securityMetadata/secureDelegations")
        .and_then(Value::as_object)
    {
        for d in m.values() {
            match d.get("delegate").and_then(Value::as_str) {
                Some(k) if !names.iter().any(|n| n == k) => names.push(k.to_string()),
                Some(_) => {}
                None => report.not_carried.push(NotCarried {
                    id: o.decrypted.id.clone(),
                    source: o.source.clone(),
                    what: "anonymous delegate".into(),
                    reason: "a Cardinal anonymous delegation does not name its delegate; share the migrated entity with them".into(),
                }),
            }
        }
    }
    let mut out = Vec::new();
    for name in names {
        if name == me.as_str() {
            continue;
        }
        let reason = match OwnerId::new(&name) {
            Err(_) => Some("not a valid owner id".to_string()),
            Ok(id) => match session.keystore().find(&id) {
                None => Some("unknown to this keystore (import its owner document)".into()),
                Some(owner) if !owner.public_keys.iter().any(|k| k.verified) => {
                    Some("its key is not verified here (`ehrcrypt owner verify`)".into())
                }
                Some(_) => {
                    out.push(id);
                    None
                }
            },
        };
        if let Some(reason) = reason {
            report.not_carried.push(NotCarried {
                id: o.decrypted.id.clone(),
                source: o.source.clone(),
                what: format!("delegate {name}"),
                reason,
            });
        }
    }
    out
}
