//! `--reencrypt-as`: released records become entities of the professional.

use super::*;

/// ENTITY-HOOK (output). `--reencrypt-as HCP`: each decrypted record becomes
/// an ehrcrypt entity of `me`, encrypted in memory, so that the data never
/// lands on disk in plaintext; its attachments become the entity's
/// sidecars, streamed, and a record over 1 MiB a detached sidecar of its
/// own (the caller writes it: [`Entity::take_detached_body`]). The entity kind is the one recorded when the
/// backed-up input was an entity, else `default_kind`.
pub struct Reencryptor {
    encryptors: Vec<(EntityKind, Encryptor)>,
    default_kind: Option<EntityKind>,
}

impl Reencryptor {
    /// Resolves `me`'s exchange keys once for every kind `names` need.
    pub fn new(
        session: &mut Session,
        me: &OwnerId,
        names: &[&ObjectName],
        default_kind: Option<EntityKind>,
    ) -> Result<Self> {
        let mut kinds: Vec<EntityKind> = Vec::new();
        // An attachment becomes a sidecar of its record's entity.
        for n in names.iter().filter(|n| n.attachment_of.is_none()) {
            let k = Self::kind_of(n, default_kind)?;
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        let mut encryptors = Vec::new();
        for kind in kinds {
            let opts = EncryptOptions {
                kind,
                share_with: Vec::new(),
                clear: Vec::new(),
                parent: None,
                allow_unverified: false,
            };
            let mut enc = Encryptor::new(session, me, &opts)?;
            // Its entities are local files: a record over the threshold
            // goes to a sidecar (docs/FORMAT.md §8.4), as `entity encrypt`'s.
            enc.detach_large_records(true);
            encryptors.push((kind, enc));
        }
        Ok(Reencryptor {
            encryptors,
            default_kind,
        })
    }

    fn kind_of(n: &ObjectName, default_kind: Option<EntityKind>) -> Result<EntityKind> {
        match &n.kind {
            Some(k) => k.parse(),
            None => default_kind.ok_or_else(|| {
                Error::usage(format!(
                    "{}: the backup does not record an entity kind for this record",
                    n.name
                ))
                .hint("pass --kind patient|contact|form|health-element")
            }),
        }
    }

    /// The entity record `name` (decrypted as `plaintext`) becomes;
    /// `attach`, if given, writes its attachments' sidecars.
    pub fn entity(
        &self,
        plaintext: &[u8],
        name: &ObjectName,
        source: &str,
        attach: Option<&mut entity::Attach>,
    ) -> Result<Entity> {
        let kind = Self::kind_of(name, self.default_kind)?;
        let enc = self
            .encryptors
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, e)| e)
            .ok_or_else(|| Error::internal("no encryptor for kind"))?;
        match (&name.entity, attach) {
            // Backed up from an entity: keep its clear fields and links.
            (Some(keep), attach) => enc.encrypt_bytes_preserving(plaintext, source, keep, attach),
            (None, Some(attach)) => enc.encrypt_bytes_with(plaintext, source, attach),
            (None, None) => enc.encrypt_bytes(plaintext, source),
        }
    }
}
