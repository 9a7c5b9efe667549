//! `emergency append`: records a professional adds to a bucket under its key.

use super::*;

pub struct Appended {
    pub appendix: String,
    pub objects: Vec<ObjectReport>,
    /// As in [`Created::unlinked`].
    pub unlinked: Vec<String>,
}

/// R2D Emergency "create": `me` adds `inputs` to an opened bucket as a new
/// signed appendix, encrypted under the card's key. The patient's
/// manifest and objects are not touched. The appendix is built in a
/// hidden directory and renamed into place, so it appears whole or not at all.
pub fn append(
    session: &Session,
    opened: &Opened,
    me: &OwnerId,
    inputs: &[PathBuf],
    progress: &mut dyn FnMut(u64),
) -> Result<Appended> {
    let paths = expand_inputs(inputs)?;
    let owner = session.keystore().local_owner(me)?;
    let key = session.current_private_key(owner)?;
    let z = &opened.card.key;
    let backup_id = opened.card.backup_id;
    let chunk_size = stream::DEFAULT_CHUNK_SIZE;
    let (aid, _) = random_hex16();
    let adir = opened.dir.join(APPENDIX_DIR);
    fs::create_dir_all(&adir).map_err(|e| Error::io(&adir, "create directory", e))?;
    let mut staging = Staging::new(adir.join(temp_name(&aid)))?;
    let Encrypted {
        entries,
        names: sealed,
        reports,
        mut written,
        unlinked,
    } = encrypt_inputs(
        session,
        me,
        &paths,
        z,
        &backup_id,
        chunk_size,
        &Sink::Dir(&staging.path),
        progress,
    )?;
    let mut a = Appendix {
        format: manifest::APPENDIX_FORMAT.to_string(),
        backup: hex(&backup_id),
        id: aid.clone(),
        created: crate::now_rfc3339(),
        author: Author {
            owner: me.to_string(),
            fingerprint: key.public().fingerprint(),
            spki: key.public().to_pem(),
        },
        chunk_size: chunk_size as u64,
        objects: entries,
        names: String::new(),
        signature: String::new(),
    };
    a.seal(z, &backup_id, &sealed)?;
    a.signature = b64::encode(&key.sign(&a.signed_message(&opened.key_commitment())?)?);
    let apath = staging.path.join(APPENDIX_FILE);
    create_file(&apath, false)?
        .write_all(&manifest::to_bytes(&a)?)
        .map_err(|e| Error::io(&apath, "write", e))?;
    written.push(apath);
    let dest = adir.join(&aid);
    staging.publish(&dest, &written)?;
    // Every append is in the access log: if it cannot be logged, it is
    // taken back rather than left unaccounted for.
    let logged = access_log::append(
        &opened.dir.join(ACCESS_LOG_FILE),
        z,
        &backup_id,
        "emergency-append",
        reports.iter().map(|r| r.id.clone()).collect(),
        Some(aid.clone()),
        access_log::Signer::Professional {
            owner: me.as_str(),
            key: &key,
        },
    );
    if let Err(e) = logged {
        let _ = fs::remove_dir_all(&dest);
        sync_dir(&adir);
        return Err(e.hint("nothing was appended: every append is logged in the bucket"));
    }
    Ok(Appended {
        appendix: aid,
        objects: reports,
        unlinked,
    })
}
