//! `backup create`: a new bucket, its manifest, signature and card.

use super::*;

#[derive(Clone, Debug)]
pub struct CreateOptions {
    pub location: Option<String>,
    pub chunk_size: usize,
    /// Publish the bucket at this prefix of an object store instead of
    /// renaming the local folder into place: objects streamed straight
    /// into their uploads, then `signature.json`, then `manifest.json`
    /// (created, never replacing one). The local folder then only stages
    /// those two small files.
    pub remote: Option<crate::store::Location>,
}

impl Default for CreateOptions {
    fn default() -> Self {
        CreateOptions {
            location: None,
            chunk_size: stream::DEFAULT_CHUNK_SIZE,
            remote: None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReport {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub plaintext_size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// An attachment: the object id of its record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_of: Option<String>,
}

pub struct Created {
    pub card: Card,
    pub id: String,
    pub objects: Vec<ObjectReport>,
    /// Entities backed up without their parent: re-encrypted in an
    /// emergency (`--reencrypt-as`), they lose their link to it.
    pub unlinked: Vec<String>,
}

/// Sum of the sizes of `paths`, for a progress bar.
pub fn total_size(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .filter_map(|p| fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

fn check_new_dir(out: &Path) -> Result<()> {
    match fs::read_dir(out) {
        Ok(mut d) => {
            if d.next().is_some() {
                return Err(Error::refused(format!(
                    "{} already exists and is not empty",
                    out.display()
                ))
                .hint("a backup is never written over another: pick a new -o"));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if out.exists() {
                return Err(Error::refused(format!("{} already exists", out.display())));
            }
            Ok(())
        }
        Err(e) if out.is_file() => Err(Error::refused(format!(
            "{} already exists and is a file ({e})",
            out.display()
        ))),
        Err(e) => Err(Error::io(out, "read", e)),
    }
}

/// R2D Backup: encrypts `inputs` under a fresh Z_AC into the bucket `out`,
/// signs the card as `me`. The bucket appears complete or not at all.
pub fn create(
    session: &Session,
    me: &OwnerId,
    inputs: &[PathBuf],
    out: &Path,
    opts: &CreateOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Created> {
    create_with_card(session, me, inputs, out, opts, progress, &mut |_| Ok(()))
}

/// [`create`], handing the card to `keep_card` (which writes it
/// somewhere) before the bucket is published: if the card cannot be kept,
/// the bucket is never published, since Z_AC exists only on the card and
/// a bucket without it could never be read.
pub fn create_with_card(
    session: &Session,
    me: &OwnerId,
    inputs: &[PathBuf],
    out: &Path,
    opts: &CreateOptions,
    progress: &mut dyn FnMut(u64),
    keep_card: &mut dyn FnMut(&Card) -> Result<()>,
) -> Result<Created> {
    if let Some(l) = &opts.location {
        qr::check_location(l)?;
    }
    check_new_dir(out)?;
    let paths = expand_inputs(inputs)?;
    let owner = session.keystore().local_owner(me)?;
    let signer = owner.current_private_fingerprint()?;
    // Opened (or found in the agent) before any work: a wrong passphrase
    // fails first, not after the whole backup.
    session.key_ops(owner, &signer)?;
    let z = SymmetricKey::generate();
    let (id_hex, backup_id) = random_hex16();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = out
        .file_name()
        .ok_or_else(|| Error::usage(format!("{}: not a directory name", out.display())))?
        .to_string_lossy()
        .to_string();
    let mut staging = Staging::new(parent.join(temp_name(&base)))?;
    let objects_dir = staging.path.join(OBJECTS_DIR);
    fs::create_dir(&objects_dir).map_err(|e| Error::io(&objects_dir, "create directory", e))?;
    let remote = match &opts.remote {
        Some(loc) => {
            let (store, prefix) = crate::store::publish::bucket(loc)?;
            // Only the unreferenced objects of an interrupted create may be
            // there; they are removed once this backup is published.
            let listed = store.list(&prefix)?;
            let Some(leftovers) = crate::store::publish::leftovers(&listed, &prefix, OBJECT_EXT)
            else {
                return Err(Error::refused(format!("{loc}: already holds objects"))
                    .hint("a backup is never written over another: pick a new prefix"));
            };
            Some((store, prefix, leftovers))
        }
        None => None,
    };
    let uploaded = remote
        .as_ref()
        .map(|(store, _, _)| crate::store::publish::Uploaded::new(store.as_ref()));
    let sink = match (&remote, &uploaded) {
        (Some((store, prefix, _)), Some(uploaded)) => Sink::Store {
            store: store.as_ref(),
            prefix: prefix.clone(),
            uploaded,
        },
        _ => Sink::Dir(&objects_dir),
    };
    let Encrypted {
        entries,
        names: sealed_names,
        reports,
        mut written,
        unlinked,
    } = encrypt_inputs(
        session,
        me,
        &paths,
        &z,
        &backup_id,
        opts.chunk_size,
        &sink,
        progress,
    )?;
    let m = Manifest::new(&z, &backup_id, opts.chunk_size, entries, &sealed_names)?;
    let mbytes = manifest::to_bytes(&m)?;
    let manifest_digest = crate::crypto::sha256(&mbytes);
    let mpath = staging.path.join(MANIFEST_FILE);
    create_file(&mpath, false)?
        .write_all(&mbytes)
        .map_err(|e| Error::io(&mpath, "write", e))?;
    let time = now_unix();
    let kc = key_commitment(&z, &backup_id);
    let msg = qr::signed_message(
        &backup_id,
        &kc,
        &signer,
        &manifest_digest,
        time,
        opts.location.as_deref(),
    );
    // Through `with_key`: an agent that ended during a long backup gives
    // way to the passphrase instead of failing the backup.
    let signature = session.with_key(owner, &signer, |k| k.sign(&msg))?;
    let sigfile = SignatureFile {
        format: manifest::SIGNATURE_FORMAT.to_string(),
        backup: id_hex.clone(),
        signer,
        time,
        key_commitment: hex(&kc),
        manifest_sha256: hex(&manifest_digest),
        location: opts.location.clone(),
        signature: b64::encode(&signature),
    };
    let spath = staging.path.join(SIGNATURE_FILE);
    create_file(&spath, false)?
        .write_all(&manifest::to_bytes(&sigfile)?)
        .map_err(|e| Error::io(&spath, "write", e))?;
    written.push(mpath);
    written.push(spath);
    let card = Card {
        backup_id,
        key: z,
        signer,
        manifest_digest,
        time,
        location: opts.location.clone(),
        signature,
    };
    keep_card(&card)?;
    match (&remote, uploaded) {
        (Some((store, prefix, leftovers)), Some(uploaded)) => {
            crate::store::publish::put_in_order(
                store.as_ref(),
                &staging.path,
                prefix,
                &[],
                &[SIGNATURE_FILE, MANIFEST_FILE],
                crate::store::PutMode::Overwrite,
            )?;
            uploaded.disarm();
            crate::store::publish::remove_all(store.as_ref(), leftovers);
        }
        _ => staging.publish(out, &written)?,
    }
    Ok(Created {
        card,
        id: id_hex,
        objects: reports,
        unlinked,
    })
}
