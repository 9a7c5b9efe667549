//! Pairing over an established channel: both sides send their owner
//! document signed over the session, check the other's, and confirm.
//!
//! The channel already proves that the peer typed the same one-time code.
//! The signature (RSA-PSS by the owner's current key over the Noise
//! handshake hash, the signer's role and the document) adds that the peer
//! holds the private key of the document it sends, for this session only:
//! nobody can pair under a public key they merely copied, and a document
//! recorded from one session is worthless in another. Each side then marks
//! the other's current key verified through the keystore's ordinary
//! import and verify path (seed 002): the code took the place of reading
//! out a 64-digit fingerprint.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::channel::{short, Channel, Message, Operation, Role};
use crate::crypto::{b64, Context, Fingerprint, PrivateKey, PublicKey};
use crate::error::{Error, Result};
use crate::keystore::{ImportReport, Keystore};
use crate::owner::{Owner, OwnerDocument, OwnerId};

#[derive(Serialize, Deserialize)]
struct PairBody {
    owner: Value,
    signature: String,
}

/// The peer as the pairing showed it: its document (public keys only, no
/// exchange keys) and the key that signed for this session.
#[derive(Clone, Debug)]
pub struct Peer {
    pub document: OwnerDocument,
    pub fingerprint: Fingerprint,
}

impl Peer {
    pub fn id(&self) -> &OwnerId {
        &self.document.id
    }
}

/// The message a side signs: it names the session, the signer's role and
/// the exact document.
fn signed_message(hash: &[u8; 32], role: Role, owner: &Value) -> Vec<u8> {
    let mut canon = Vec::new();
    crate::format::canonical_json(owner, &mut canon);
    Context::new("ehrcrypt/d2d/v1 owner")
        .with(role.as_str())
        .with_bytes(hash)
        .with_bytes(&canon)
        .as_bytes()
        .to_vec()
}

/// The public document `me` shows in a pairing: its public keys, and none
/// of its exchange keys (they would tell the peer with whom else `me`
/// shares).
pub fn pairing_document(me: &Owner) -> OwnerDocument {
    let mut doc = me.document();
    doc.hc_party_keys.clear();
    doc
}

/// Exchanges signed owner documents and confirmations. `key` must be the
/// private key of `me`'s current public key. `check` looks at the peer
/// before this side confirms (e.g. "is it the owner I meant to send to",
/// "would my keystore take it"): when it fails, the peer is told and
/// nothing is confirmed. Returns the peer once both sides confirmed.
pub fn exchange<S: Read + Write>(
    ch: &mut Channel<S>,
    me: &Owner,
    key: &PrivateKey,
    check: impl FnOnce(&Peer) -> Result<()>,
) -> Result<Peer> {
    let doc = pairing_document(me);
    let current = me
        .current_key()
        .ok_or_else(|| Error::internal("owner without a public key"))?;
    if current.fingerprint != key.public().fingerprint() {
        return Err(Error::refused(format!(
            "the newest private key of {} here is not its current public key",
            me.id
        ))
        .hint("pair as an owner whose current key is held in this keystore"));
    }
    let owner =
        serde_json::to_value(&doc).map_err(|_| Error::internal("cannot serialise owner"))?;
    // Signed when sent: a listener signs nothing for a peer whose own PAIR
    // does not check out.
    let mine = |ch: &Channel<S>| -> Result<Message> {
        let signature = key.sign(&signed_message(ch.handshake_hash(), ch.role(), &owner))?;
        Ok(Message::new(
            Operation::Pair,
            serde_json::to_value(PairBody {
                owner: owner.clone(),
                signature: b64::encode(&signature),
            })
            .map_err(|_| Error::internal("cannot serialise pairing"))?,
        ))
    };
    // The connector speaks first at every step.
    let peer = if ch.role() == Role::Connector {
        let m = mine(ch)?;
        ch.send(&m)?;
        let m = ch.expect(Operation::Pair)?;
        let peer = checked(ch, &m, me, check)?;
        ch.send(&Message::new(Operation::Confirm, Value::Null))?;
        ch.expect(Operation::Confirm)?;
        peer
    } else {
        let m = ch.expect(Operation::Pair)?;
        let peer = checked(ch, &m, me, check)?;
        let m = mine(ch)?;
        ch.send(&m)?;
        ch.expect(Operation::Confirm)?;
        ch.send(&Message::new(Operation::Confirm, Value::Null))?;
        peer
    };
    Ok(peer)
}

/// Verifies the peer's PAIR message and runs `check`; on failure the peer
/// gets an ABORT with the reason.
fn checked<S: Read + Write>(
    ch: &mut Channel<S>,
    m: &Message,
    me: &Owner,
    check: impl FnOnce(&Peer) -> Result<()>,
) -> Result<Peer> {
    let result = verify_peer(ch, m, me).and_then(|peer| check(&peer).map(|_| peer));
    if let Err(e) = &result {
        ch.abort(e.message());
    }
    result
}

fn verify_peer<S: Read + Write>(ch: &Channel<S>, m: &Message, me: &Owner) -> Result<Peer> {
    let body: PairBody = m.body()?;
    let bytes =
        serde_json::to_vec(&body.owner).map_err(|_| Error::internal("cannot serialise owner"))?;
    let document = OwnerDocument::parse(&bytes, "the other side's owner document")?;
    let current = document
        .public_keys
        .last()
        .ok_or_else(|| Error::format("the other side's owner document has no key"))?;
    let key = PublicKey::from_pem(&current.spki)?;
    let signature = b64::decode(&body.signature, "pairing signature")?;
    let message = signed_message(ch.handshake_hash(), ch.role().other(), &body.owner);
    if !key.verify(&message, &signature) {
        return Err(Error::integrity(format!(
            "the other side's signature does not verify with the key of {} it sent",
            short(document.id.as_str())
        )));
    }
    if !document.hc_party_keys.is_empty() {
        return Err(Error::format(
            "the other side's pairing document carries exchange keys; it must not",
        ));
    }
    if document.id == me.id {
        return Err(Error::refused(format!(
            "the other side is {} too: pair two different owners",
            me.id
        )));
    }
    Ok(Peer {
        fingerprint: current.fingerprint,
        document,
    })
}

/// What pairing changed in the keystore.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Trusted {
    pub import: ImportReport,
    pub fingerprint: Fingerprint,
}

/// Adds the peer to `ks` (import without `--replace`: a known owner whose
/// key differs is refused as possible tampering, exit 7) and marks the key
/// that signed for the session verified (`owner verify`).
pub fn trust(ks: &mut Keystore, peer: &Peer) -> Result<Trusted> {
    let import = ks.import(peer.document.clone(), false)?;
    ks.verify(peer.id(), &peer.fingerprint)?;
    Ok(Trusted {
        import,
        fingerprint: peer.fingerprint,
    })
}

/// Whether [`trust`] would succeed on `ks`, without changing it.
pub fn check_trust(ks: &Keystore, peer: &Peer) -> Result<()> {
    trust(&mut ks.clone(), peer).map(|_| ())
}
