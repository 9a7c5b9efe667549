//! Backup inputs: which files a backup takes, what each one is (plaintext
//! record or entity of the patient, with its attachments and links), and the
//! names its objects get.

use super::*;

/// Expands inputs: files as given, directories into the `*.json` files
/// below them (sorted, dot-files skipped).
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let entries = fs::read_dir(dir).map_err(|e| Error::io(dir, "read directory", e))?;
        let mut paths = Vec::new();
        for e in entries {
            paths.push(e.map_err(|e| Error::io(dir, "read directory", e))?.path());
        }
        paths.sort();
        for p in paths {
            let hidden = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in inputs {
        if p.as_os_str() == "-" {
            return Err(Error::usage(
                "backup inputs must be files or directories, not stdin",
            ));
        }
        if p.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        return Err(Error::usage(
            "no records to back up (directories are searched for *.json)",
        ));
    }
    Ok(out)
}

/// Unique restorable names (case-insensitively) for the objects of one
/// bucket: records from their file names, attachments from theirs.
#[derive(Default)]
pub(super) struct Namer {
    seen: HashSet<String>,
}

impl Namer {
    pub(super) fn name(&mut self, raw: &str) -> String {
        let base = manifest::sanitise_name(raw);
        let mut name = base.clone();
        let mut n = 2;
        while !self.seen.insert(name.to_ascii_lowercase()) {
            let (stem, ext) = match base.rfind('.') {
                Some(i) if i > 0 => (&base[..i], &base[i..]),
                _ => (base.as_str(), ""),
            };
            name = format!(
                "{}-{n}{ext}",
                &stem[..stem.len().min(manifest::MAX_NAME - 24)]
            );
            n += 1;
        }
        name
    }
}

/// Unique restorable names for `paths`, from their file names.
pub(super) fn object_names(paths: &[PathBuf], namer: &mut Namer) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            let raw = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            namer.name(&raw)
        })
        .collect()
}

/// The attachments of an entity input (issue 13), each carried into the
/// bucket as an object of its own, streamed from its sidecar.
pub struct Attached {
    pub(super) entity: Entity,
    pub(super) key: SymmetricKey,
    pub(super) file: PathBuf,
    pub(super) list: Vec<(String, entity::attachment::Attachment)>,
}

/// One input, ready to be encrypted.
pub enum Loaded {
    /// A small record, or an entity's decrypted content.
    Memory {
        bytes: Zeroizing<Vec<u8>>,
        /// The entity kind when the input was an entity.
        kind: Option<EntityKind>,
        /// Its attachments, if it has any.
        attached: Option<Box<Attached>>,
        /// What re-encryption keeps, when the input was an entity.
        entity: Option<Box<EntityFacts>>,
    },
    /// A large plaintext record, streamed.
    Stream(File),
}

/// ENTITY-HOOK (input). Every input of `backup create` and `emergency
/// append` comes through here: an ehrcrypt entity is decrypted as `me`
/// (its exact original bytes); anything else must be a JSON record.
/// Records over [`PARSE_LIMIT`] are streamed, never held in memory; they
/// are refused later if they turn out to be entities (see [`Sniffer`]).
pub fn load_input(session: &Session, me: &OwnerId, path: &Path) -> Result<Loaded> {
    let source = path.display().to_string();
    let mut file = File::open(path).map_err(|e| Error::io(path, "read", e))?;
    let len = file
        .metadata()
        .map_err(|e| Error::io(path, "read", e))?
        .len();
    if len > PARSE_LIMIT {
        let mut head = [0u8; 512];
        let n = file
            .read(&mut head)
            .map_err(|e| Error::io(path, "read", e))?;
        let first = head[..n]
            .iter()
            .find(|b| !b" \t\r\n\xef\xbb\xbf".contains(b));
        if !matches!(first, Some(b'{') | Some(b'[')) {
            return Err(Error::format(format!("{source}: not a JSON record")));
        }
        file.seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(path, "read", e))?;
        return Ok(Loaded::Stream(file));
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(len as usize));
    file.read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, "read", e))?;
    let value: Value = crate::format::parse_strict(&bytes, &source, "record")?;
    if entity::is_entity(&value) || value.get("encryptedSelf").is_some() {
        let e = Entity::parse(&value, &source)?;
        // One opening of the entity gives its content key and its links.
        let (key, secret_id, parent_id) = e.key_and_links(session, me, &source)?;
        // A detached record (docs/FORMAT.md §8.4) is read from its sidecar.
        let plain = e.read_self(&key, Some(path), &source)?;
        // The list was authenticated with the record just opened.
        let attached = match e.v2.as_ref().is_some_and(|m| !m.attachments.is_empty()) {
            false => None,
            true => {
                let list = e.attachments(&key, &source)?;
                Some(Box::new(Attached {
                    entity: e.clone(),
                    key,
                    file: path.to_path_buf(),
                    list,
                }))
            }
        };
        let facts = EntityFacts {
            id: e.id_text(),
            preserved: entity::Preserved {
                clear: entity::clear_paths(&e.clear),
                secret_id,
                parent: None,
            },
            parent_id,
            envelope: Entity {
                encrypted_self: String::new(),
                ..e
            },
        };
        return Ok(Loaded::Memory {
            bytes: plain,
            kind: Some(facts.envelope.kind),
            attached,
            entity: Some(Box::new(facts)),
        });
    }
    Ok(Loaded::Memory {
        bytes,
        kind: None,
        attached: None,
        entity: None,
    })
}

/// An entity input's relations, read while it is decrypted for a backup.
pub struct EntityFacts {
    id: String,
    /// Its parent link is filled in by [`link_parents`].
    pub(super) preserved: entity::Preserved,
    /// The parent id sealed in the entity, if any.
    parent_id: Option<String>,
    /// The entity without its content: enough to check a link tag.
    envelope: Entity,
}

/// Keeps a child's link to its patient when the patient is backed up too
/// and the child's link authenticates under that patient's secret id (the
/// sealed parent id alone could be a claim). `facts` are (index of the
/// object name, facts). Returns the ids of children whose parent is not in
/// the backup: re-encrypted, they stand alone.
pub(super) fn link_parents(facts: &mut [(usize, Box<EntityFacts>)]) -> Vec<String> {
    let patients: Vec<(String, String)> = facts
        .iter()
        .filter(|(_, f)| f.envelope.kind == EntityKind::Patient)
        .map(|(_, f)| (f.id.clone(), f.preserved.secret_id.clone()))
        .collect();
    let mut unlinked = Vec::new();
    for (_, f) in facts.iter_mut() {
        let Some(pid) = &f.parent_id else { continue };
        let parent = patients
            .iter()
            .find(|(id, secret)| id == pid && f.envelope.is_child_of(secret));
        match parent {
            Some((id, secret)) => {
                f.preserved.parent = Some(entity::ParentLink {
                    id: id.clone(),
                    secret_id: secret.clone(),
                })
            }
            None => unlinked.push(f.id.clone()),
        }
    }
    unlinked
}

/// Wraps a streamed input and watches for `"encryptedSelf"`, so that an
/// entity too large to be parsed is refused instead of being backed up as
/// ciphertext nobody could read in an emergency.
pub(super) struct Sniffer<R> {
    inner: R,
    finder: memchr::memmem::Finder<'static>,
    tail: Vec<u8>,
    pub(super) found: bool,
}

impl<R: Read> Sniffer<R> {
    pub(super) fn new(inner: R) -> Self {
        Sniffer {
            inner,
            finder: memchr::memmem::Finder::new(b"\"encryptedSelf\""),
            tail: Vec::new(),
            found: false,
        }
    }
}

impl<R: Read> Read for Sniffer<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 && !self.found {
            let k = self.finder.needle().len() - 1;
            let mut seam = std::mem::take(&mut self.tail);
            seam.extend_from_slice(&buf[..n.min(k)]);
            self.found = self.finder.find(&seam).is_some() || self.finder.find(&buf[..n]).is_some();
            let keep_from = seam.len().saturating_sub(k);
            if n >= k {
                self.tail = buf[n - k..n].to_vec();
            } else {
                self.tail = seam[keep_from..].to_vec();
            }
        }
        Ok(n)
    }
}
