//! Opening a bucket with its card: the signer, the manifest, the objects and
//! appendices checked before anything is released.

use super::*;

/// Whose key the card must be signed by.
#[derive(Clone, Debug)]
pub enum SignerChoice {
    /// Any owner of the keystore with a verified key of that fingerprint.
    Auto,
    /// This owner (`--signer`).
    Owner(OwnerId),
    /// This public key (`--signer-key`).
    Key(PublicKey),
}

pub struct OpenOptions<'a> {
    pub signer: SignerChoice,
    pub keystore: Option<&'a Keystore>,
    /// Proceed when no trusted key can check the signature.
    pub no_verify: bool,
}

/// Who signed, and how far that is established.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum Trust {
    /// The signature verified under a key the user trusts.
    Verified {
        #[serde(skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        fingerprint: Fingerprint,
    },
    /// The signature verified under a key nobody vouched for, or was not
    /// checked at all (`--no-verify`); `reason` says which.
    NotVerified {
        fingerprint: Fingerprint,
        reason: String,
    },
}

pub struct OpenedAppendix {
    pub appendix: Appendix,
    pub names: Vec<ObjectName>,
    pub author: Trust,
}

/// A bucket whose card, signature, manifest and object list all checked.
pub struct Opened {
    pub dir: PathBuf,
    pub card: Card,
    pub manifest: Manifest,
    pub names: Vec<ObjectName>,
    pub appendices: Vec<OpenedAppendix>,
    pub signer: Trust,
}

/// Reads the card: a PNG (or other image) of the QR code, or a text file
/// holding the payload.
pub fn read_card_file(path: &Path) -> Result<Card> {
    let source = crate::error::display_path(path);
    let bytes = Zeroizing::new(crate::atomic_file::read(path)?);
    let text = if bytes.starts_with(b"\x89PNG") {
        qr::decode_image(&bytes, &source)?
    } else if let Ok(t) = std::str::from_utf8(&bytes) {
        if t.trim_start().starts_with("ehrbk") {
            Zeroizing::new(t.to_string())
        } else if t.trim_start().starts_with('<') {
            return Err(Error::format(format!(
                "{source}: an SVG card cannot be read back by ehrcrypt"
            ))
            .hint(format!(
                "pass the card's text instead: --qr-text \"$(zbarimg -q --raw {source})\" (or scan it with a phone), or a PNG of the card"
            )));
        } else {
            return Err(Error::format(format!(
                "{source}: neither a PNG of a backup card nor its text"
            )));
        }
    } else {
        qr::decode_image(&bytes, &source)?
    };
    Card::from_text(&text).map_err(|e| e.context(&source))
}

fn read_doc(path: &Path, what: &str) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| {
        let err = Error::io(path, "read", e);
        if err.kind() == crate::ErrorKind::NotFound {
            Error::integrity(format!("{} is missing: {what}", path.display()))
        } else {
            err
        }
    })
}

/// Finds the key the card names, according to `choice`.
fn resolve_signer(card: &Card, opts: &OpenOptions) -> Result<(Option<PublicKey>, Trust)> {
    let fp = card.signer;
    let not_verified = |reason: String| Trust::NotVerified {
        fingerprint: fp,
        reason,
    };
    match &opts.signer {
        SignerChoice::Key(k) => {
            if k.fingerprint() != fp {
                return Err(Error::integrity(format!(
                    "the card is signed by key {}, not by the key given with --signer-key ({})",
                    fp.short(),
                    k.fingerprint().short()
                )));
            }
            Ok((
                Some(k.clone()),
                Trust::Verified {
                    owner: None,
                    name: None,
                    fingerprint: fp,
                },
            ))
        }
        SignerChoice::Owner(id) => {
            let ks = opts.keystore.ok_or_else(|| {
                Error::usage("--signer needs a keystore")
                    .hint("pass --keystore, or --signer-key PEM")
            })?;
            let owner = ks.owner(id)?;
            let entry = owner.public_key(&fp).ok_or_else(|| {
                Error::integrity(format!(
                    "the card is signed by key {}, which is not a key of {id}",
                    fp.short()
                ))
                .hint("this is not the backup you were told it is: do not trust its content")
            })?;
            let key = entry.key()?;
            if entry.is_verified() {
                Ok((
                    Some(key),
                    Trust::Verified {
                        owner: Some(id.to_string()),
                        name: Some(owner.name.clone()),
                        fingerprint: fp,
                    },
                ))
            } else if opts.no_verify {
                Ok((
                    Some(key),
                    not_verified(format!("key of {id} is not verified")),
                ))
            } else {
                Err(Error::refused(format!(
                    "the card is signed by key {} of {id}, which is not verified in this keystore",
                    fp.short()
                ))
                .hint(format!("compare the fingerprint with {id} out of band and run `ehrcrypt owner verify {id} --fingerprint FP`, or pass --no-verify")))
            }
        }
        SignerChoice::Auto => {
            let found = opts.keystore.and_then(|ks| {
                ks.owners()
                    .iter()
                    .find_map(|o| o.public_key(&fp).map(|e| (o, e)))
            });
            match found {
                Some((o, e)) if e.is_verified() => Ok((
                    Some(e.key()?),
                    Trust::Verified {
                        owner: Some(o.id.to_string()),
                        name: Some(o.name.clone()),
                        fingerprint: fp,
                    },
                )),
                Some((o, e)) if opts.no_verify => Ok((
                    Some(e.key()?),
                    not_verified(format!("key of {} is not verified", o.id)),
                )),
                Some((o, _)) => Err(Error::refused(format!(
                    "the card is signed by key {} of {}, which is not verified in this keystore",
                    fp.short(),
                    o.id
                ))
                .hint(format!("compare the fingerprint with {} out of band and run `ehrcrypt owner verify {} --fingerprint FP`, or pass --no-verify", o.id, o.id))),
                None if opts.no_verify => Ok((None, not_verified("signer's key unknown; signature not checked".into()))),
                None => Err(Error::refused(format!(
                    "no verifiable signer: the card is signed by key {}, which is not in the keystore",
                    fp.short()
                ))
                .hint("import and verify the patient's owner document, or pass --signer-key PEM; --no-verify reads it unverified")),
            }
        }
    }
}

/// The files in `dir` (names only); a missing directory is empty.
fn list_dir(dir: &Path) -> Result<Vec<String>> {
    match fs::read_dir(dir) {
        Ok(rd) => {
            let mut v = Vec::new();
            for e in rd {
                let e = e.map_err(|e| Error::io(dir, "read directory", e))?;
                v.push(e.file_name().to_string_lossy().to_string());
            }
            v.sort();
            Ok(v)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::io(dir, "read directory", e)),
    }
}

/// Checks that `dir` holds exactly the listed objects (plus `allowed`
/// other names) with the listed sizes.
fn check_objects(
    dir: &Path,
    entries: &[ObjectEntry],
    names: &[ObjectName],
    allowed: &[&str],
    whose: &str,
) -> Result<()> {
    let present = list_dir(dir)?;
    let listed: HashSet<String> = entries
        .iter()
        .map(|e| format!("{}.{OBJECT_EXT}", e.id))
        .collect();
    for f in &present {
        if !listed.contains(f) && !allowed.contains(&f.as_str()) {
            return Err(Error::integrity(format!(
                "unexpected object {}: not listed in the {whose}",
                dir.join(f).display()
            ))
            .hint("someone added it to the bucket; remove it only after finding out who"));
        }
    }
    for (e, n) in entries.iter().zip(names) {
        let p = dir.join(format!("{}.{OBJECT_EXT}", e.id));
        let len = match fs::metadata(&p) {
            Ok(m) => m.len(),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::integrity(format!(
                    "object {} ({}) is missing from the bucket",
                    n.name,
                    p.display()
                )))
            }
            Err(err) => return Err(Error::io(&p, "read", err)),
        };
        if len < e.size {
            return Err(Error::integrity(format!(
                "object {} ({}) is truncated: {len} of {} bytes",
                n.name,
                p.display(),
                e.size
            )));
        }
        if len > e.size {
            return Err(Error::integrity(format!(
                "object {} ({}) has {len} bytes, the {whose} lists {}: extended or replaced",
                n.name,
                p.display(),
                e.size
            )));
        }
    }
    Ok(())
}

/// Trust in an appendix author, from the keystore.
fn author_trust(author: &Author, ks: Option<&Keystore>) -> Trust {
    let found = ks.and_then(|ks| {
        ks.owners()
            .iter()
            .find_map(|o| o.public_key(&author.fingerprint).map(|e| (o, e)))
    });
    match found {
        Some((o, e)) if e.is_verified() => Trust::Verified {
            owner: Some(o.id.to_string()),
            name: Some(o.name.clone()),
            fingerprint: author.fingerprint,
        },
        Some((o, _)) => Trust::NotVerified {
            fingerprint: author.fingerprint,
            reason: format!("key of {} is not verified here", o.id),
        },
        None => Trust::NotVerified {
            fingerprint: author.fingerprint,
            reason: format!("{} is not in this keystore", author.owner),
        },
    }
}

fn open_appendices(
    dir: &Path,
    m: &Manifest,
    z: &SymmetricKey,
    ks: Option<&Keystore>,
) -> Result<Vec<OpenedAppendix>> {
    let adir = dir.join(APPENDIX_DIR);
    let backup_id = m.backup_id();
    let kc = key_commitment(z, &backup_id);
    let mut out = Vec::new();
    for entry in list_dir(&adir)? {
        if entry.starts_with('.') {
            continue; // an append still in progress, or one that crashed: not published
        }
        let sub = adir.join(&entry);
        if !manifest::is_hex_id(&entry) || !sub.is_dir() {
            return Err(Error::integrity(format!(
                "unexpected entry {} in the bucket's appendix directory",
                sub.display()
            )));
        }
        let apath = sub.join(APPENDIX_FILE);
        let source = apath.display().to_string();
        let a = Appendix::parse(
            &read_doc(&apath, "appendix without its description")?,
            &source,
        )?;
        if a.id != entry || a.backup != m.id {
            return Err(Error::integrity(format!(
                "{source} belongs to another appendix or backup (moved)"
            )));
        }
        let key = PublicKey::from_pem(&a.author.spki).map_err(|e| e.context(&source))?;
        let sig = b64::decode(&a.signature, "signature").map_err(|e| e.context(&source))?;
        if key.fingerprint() != a.author.fingerprint || !key.verify(&a.signed_message(&kc)?, &sig) {
            return Err(Error::integrity(format!(
                "{source}: the signature of {} does not verify (the appendix was modified)",
                a.author.owner
            )));
        }
        let names = a.open_names(z, &backup_id, &source)?;
        check_objects(
            &sub,
            &a.objects,
            &names,
            &[APPENDIX_FILE],
            &format!("appendix {}", &a.id[..8]),
        )?;
        let author = author_trust(&a.author, ks);
        out.push(OpenedAppendix {
            appendix: a,
            names,
            author,
        });
    }
    out.sort_by(|a, b| {
        (a.appendix.created.as_str(), a.appendix.id.as_str())
            .cmp(&(b.appendix.created.as_str(), b.appendix.id.as_str()))
    });
    Ok(out)
}

/// Checks everything that can be checked before decrypting: the card
/// matches the bucket, the signature verifies under the chosen key, the
/// manifest authenticates under Z_AC, every object is present with its
/// listed size and nothing else is there, and every appendix is signed.
pub fn open(dir: &Path, card: Card, opts: &OpenOptions) -> Result<Opened> {
    if !dir.is_dir() {
        return Err(Error::not_found(format!(
            "{}: no such backup directory",
            dir.display()
        )));
    }
    let mpath = dir.join(MANIFEST_FILE);
    let mbytes = read_doc(&mpath, "this is not a complete ehrcrypt backup")?;
    let source = mpath.display().to_string();
    // Authenticate before parsing (issue 11, defect 6): a manifest of a
    // million objects cost 1.35 GB to parse before its digest was found
    // wrong. Only the id is read from an unauthenticated one, to say
    // whether the card belongs to another backup.
    if crate::crypto::sha256(&mbytes) != card.manifest_digest {
        #[derive(serde::Deserialize)]
        struct IdOnly {
            id: String,
        }
        let id = serde_json::from_slice::<IdOnly>(&mbytes).map(|m| m.id);
        return Err(match id {
            Ok(id) if id != hex(&card.backup_id) => Error::integrity(format!(
                "wrong card: it is for backup {}, but {} holds backup {id}",
                hex(&card.backup_id),
                dir.display(),
            )),
            _ => Error::integrity(format!(
                "{source} does not match the digest on the card: the manifest was modified"
            )),
        });
    }
    let m = Manifest::parse(&mbytes, &source)?;
    if m.id != hex(&card.backup_id) {
        return Err(Error::integrity(format!(
            "wrong card: it is for backup {}, but {} holds backup {}",
            hex(&card.backup_id),
            dir.display(),
            m.id
        )));
    }
    let (key, trust) = resolve_signer(&card, opts)?;
    if let Some(key) = key {
        let kc = key_commitment(&card.key, &card.backup_id);
        let msg = qr::signed_message(
            &card.backup_id,
            &kc,
            &card.signer,
            &card.manifest_digest,
            card.time,
            card.location.as_deref(),
        );
        if !key.verify(&msg, &card.signature) {
            return Err(Error::integrity(
                "the card's signature does not verify: the card was altered or forged",
            ));
        }
    }
    let names = m.open_names(&card.key, &source)?;
    check_objects(&dir.join(OBJECTS_DIR), &m.objects, &names, &[], "manifest")?;
    let appendices = open_appendices(dir, &m, &card.key, opts.keystore)?;
    Ok(Opened {
        dir: dir.to_path_buf(),
        card,
        manifest: m,
        names,
        appendices,
        signer: trust,
    })
}
