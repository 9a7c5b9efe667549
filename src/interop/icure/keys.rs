//! Private keys as iCure and Cardinal users hold them (docs/ICURE.md §1):
//! - the hex of a PKCS#8 DER, as the apps let users download it;
//! - the SDKs' key storage, `org.taktik.icure.rsa.<id>[.<fp>]` →
//!   `{"publicKey": JWK, "privateKey": JWK}` (a whole storage dump, one
//!   entry, or the bare pair);
//! - Cardinal's storage, `org.taktik.icure.rsa.device.<id>.<fp>` →
//!   `{"privateKey": "<base64 PKCS#8>"}`.
//!
//! Every key is checked before it reaches the keystore: the JWK public half
//! must match the private half, a fingerprint in a storage name must be the
//! key's, and the key must be RSA of at least 2048 bits.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::codec;
use super::IcureFingerprint;
use crate::crypto::legacy::{private_key_from_parts, RsaParts};
use crate::crypto::PrivateKey;
use crate::error::{Error, Result};
use crate::owner::OwnerId;

const RSA_PREFIX: &str = "org.taktik.icure.rsa.";

/// Where an imported key came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeySource {
    /// Hex PKCS#8, as downloaded from the apps.
    Pkcs8Hex,
    /// The legacy SDKs' JWK pair.
    SdkJwk,
    /// Cardinal's base64 PKCS#8 entry.
    CardinalPkcs8,
}

/// One private key found in the input, with the owner its storage name gives.
pub struct FoundKey {
    /// The owner named by the storage entry (`None` for bare keys).
    pub owner: Option<OwnerId>,
    pub source: KeySource,
    pub key: PrivateKey,
}

impl FoundKey {
    pub fn icure_fingerprint(&self) -> IcureFingerprint {
        IcureFingerprint::of_spki_der(self.key.public().spki_der())
    }
}

/// Finds the private keys in `text` (see the module documentation).
/// Storage entries that hold no private key (Cardinal's verification and
/// signature-verification entries) are skipped.
pub fn parse(text: &[u8], source: &str) -> Result<Vec<FoundKey>> {
    let trimmed = trim_ascii(text);
    if !trimmed.is_empty() && trimmed.iter().all(u8::is_ascii_hexdigit) {
        let s = std::str::from_utf8(trimmed).expect("ASCII");
        let der = codec::secret_hex(s, &format!("{source}: PKCS#8 hex"), codec::MAX_KEY_HEX)?;
        let key = PrivateKey::from_pkcs8_der(&der).map_err(|e| e.context(source))?;
        return Ok(vec![FoundKey {
            owner: None,
            source: KeySource::Pkcs8Hex,
            key,
        }]);
    }
    if trimmed.first() != Some(&b'{') {
        return Err(Error::format(format!(
            "{source}: neither hex PKCS#8 nor an iCure/Cardinal key storage JSON object"
        ))
        .hint("give the hex text the iCure app downloads, or the JSON of the SDK's key storage"));
    }
    let value = SecretJson(codec::parse_json(trimmed, source, "key storage")?);
    let Some(obj) = value.0.as_object() else {
        return Err(Error::format(format!(
            "{source}: key storage is not a JSON object"
        )));
    };
    if obj.contains_key("privateKey") {
        return Ok(vec![entry(obj, None, None, source)?]);
    }
    let mut out = Vec::new();
    for (name, v) in obj {
        let Some(rest) = name.strip_prefix(RSA_PREFIX) else {
            continue;
        };
        // Cardinal's delegator signature key (RSA-PSS, never published) and
        // its verification copy are not encryption keys of the owner.
        if rest.starts_with("sign.") {
            continue;
        }
        let (owner, fp) = parse_name(rest)
            .ok_or_else(|| Error::format(format!("{source}: unrecognised key name {name:?}")))?;
        // The SDK stores the JSON as a string in localStorage; a dump of the
        // storage may hold it parsed or as that string.
        let parsed;
        let v = match v {
            Value::String(s) => {
                parsed = SecretJson(codec::parse_json(s.as_bytes(), source, name)?);
                &parsed.0
            }
            v => v,
        };
        let Some(e) = v.as_object() else {
            return Err(Error::format(format!(
                "{source}: {name} is not a JSON object"
            )));
        };
        if !e.contains_key("privateKey") {
            continue; // verification / public-only entries
        }
        let owner = OwnerId::new(&owner).map_err(|e| e.context(format!("{source}: {name}")))?;
        out.push(entry(
            e,
            Some(owner),
            fp.as_deref(),
            &format!("{source}: {name}"),
        )?);
    }
    if out.is_empty() {
        return Err(Error::not_found(format!(
            "{source}: no private key entry ({RSA_PREFIX}…) found"
        )));
    }
    // Cardinal stores a key under `device.` and again under `recovered.`.
    let mut seen = std::collections::HashSet::new();
    out.retain(|k| seen.insert((k.owner.clone(), k.key.public().fingerprint())));
    Ok(out)
}

/// Parsed JSON holding private keys: every string is wiped when dropped.
struct SecretJson(Value);

impl Drop for SecretJson {
    fn drop(&mut self) {
        fn wipe(v: &mut Value) {
            use zeroize::Zeroize;
            match v {
                Value::String(s) => s.zeroize(),
                Value::Array(a) => a.iter_mut().for_each(wipe),
                Value::Object(m) => m.values_mut().for_each(wipe),
                _ => {}
            }
        }
        wipe(&mut self.0);
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

/// `<id>`, `<id>.<fp>`, `device.<id>.<fp>` or `sign.<id>.self` after the
/// prefix: (owner, fingerprint). A fingerprint is 32 hex digits.
fn parse_name(rest: &str) -> Option<(String, Option<String>)> {
    let rest = rest
        .strip_prefix("device.")
        .or_else(|| rest.strip_prefix("recovered."))
        .unwrap_or(rest);
    if let Some(id) = rest.strip_prefix("sign.") {
        return Some((id.strip_suffix(".self")?.to_string(), None));
    }
    match rest.rsplit_once('.') {
        Some((id, fp)) if fp.len() == 32 && fp.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some((id.to_string(), Some(fp.to_ascii_lowercase())))
        }
        _ => Some((rest.to_string(), None)),
    }
}

/// One `{publicKey, privateKey}` JWK pair or Cardinal `{privateKey: b64}`.
fn entry(
    e: &Map<String, Value>,
    owner: Option<OwnerId>,
    fp: Option<&str>,
    source: &str,
) -> Result<FoundKey> {
    let (key, kind) = match e.get("privateKey") {
        Some(Value::String(b64)) => {
            let der = Zeroizing::new(codec::base64(b64, &format!("{source}: privateKey"))?);
            let key = PrivateKey::from_pkcs8_der(&der).map_err(|e| e.context(source))?;
            (key, KeySource::CardinalPkcs8)
        }
        Some(jwk @ Value::Object(_)) => {
            let key = from_jwk(jwk, source)?;
            if let Some(public) = e.get("publicKey") {
                let n = jwk_int(public, "n", source)?;
                let e_ = jwk_int(public, "e", source)?;
                let (kn, ke) = (jwk_int(jwk, "n", source)?, jwk_int(jwk, "e", source)?);
                if *n != *kn || *e_ != *ke {
                    return Err(Error::integrity(format!(
                        "{source}: publicKey does not belong to privateKey"
                    )));
                }
            }
            (key, KeySource::SdkJwk)
        }
        _ => {
            return Err(Error::format(format!(
                "{source}: privateKey is neither a JWK nor base64 PKCS#8"
            )))
        }
    };
    let found = FoundKey {
        owner,
        source: kind,
        key,
    };
    if let Some(fp) = fp {
        if found.icure_fingerprint().v1() != fp {
            return Err(Error::integrity(format!(
                "{source}: the key's fingerprint is not the {fp} its name says"
            ))
            .hint("the storage entry was edited or mixed up; do not import it"));
        }
    }
    Ok(found)
}

fn jwk_int(jwk: &Value, name: &str, source: &str) -> Result<Zeroizing<Vec<u8>>> {
    let s = codec::str_field(jwk, name, source)?;
    codec::base64url(s, &format!("{source}: JWK \"{name}\""))
}

/// An RSA private JWK (RFC 7518 §6.3.2) with its primes.
fn from_jwk(jwk: &Value, source: &str) -> Result<PrivateKey> {
    if jwk.get("kty").and_then(Value::as_str) != Some("RSA") {
        return Err(Error::format(format!(
            "{source}: privateKey is not an RSA JWK"
        )));
    }
    let n = jwk_int(jwk, "n", source)?;
    let e = jwk_int(jwk, "e", source)?;
    let d = jwk_int(jwk, "d", source)?;
    let p = jwk_int(jwk, "p", source)?;
    let q = jwk_int(jwk, "q", source)?;
    private_key_from_parts(&RsaParts {
        n: &n,
        e: &e,
        d: &d,
        p: &p,
        q: &q,
    })
    .map_err(|e| e.context(source))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(rel: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/icure")
            .join(rel);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    #[test]
    fn the_hex_and_the_sdk_storage_give_the_same_keys() {
        for v in super::super::tests::VERSIONS {
            let stored = parse(&fixture(&format!("{v}/keys/sdk-storage.json")), "s").unwrap();
            assert_eq!(stored.len(), 3, "{v}");
            for who in ["hcp-a", "hcp-b", "patient-p"] {
                let hex = parse(&fixture(&format!("{v}/keys/{who}.pkcs8.hex")), "h").unwrap();
                assert_eq!(hex[0].source, KeySource::Pkcs8Hex);
                let s = stored
                    .iter()
                    .find(|k| k.owner.as_ref().is_some_and(|o| o.as_str() == who))
                    .unwrap();
                assert_eq!(s.source, KeySource::SdkJwk);
                assert_eq!(
                    s.key.public().fingerprint(),
                    hex[0].key.public().fingerprint(),
                    "{v} {who}"
                );
            }
        }
    }

    #[test]
    fn malformed_or_mismatched_keys_are_refused() {
        let hex = String::from_utf8(fixture("icure-api-6.4.4/keys/hcp-a.pkcs8.hex")).unwrap();
        let mut bad = hex.trim().to_string();
        bad.replace_range(10..11, "z");
        assert!(parse(bad.as_bytes(), "x").is_err());
        assert!(parse(&hex.trim().as_bytes()[..hex.trim().len() - 1], "x").is_err());

        let mut storage: Value =
            serde_json::from_slice(&fixture("icure-api-6.4.4/keys/sdk-storage.json")).unwrap();
        let obj = storage.as_object_mut().unwrap();
        let names: Vec<String> = obj.keys().cloned().collect();
        // A's public half with B's private half.
        let b_priv = obj[&names[1]]["privateKey"].clone();
        obj.get_mut(&names[0]).unwrap()["privateKey"] = b_priv;
        let err = parse(&serde_json::to_vec(&storage).unwrap(), "s")
            .err()
            .unwrap();
        assert_eq!(err.kind(), crate::ErrorKind::Integrity, "{}", err.message());
    }
}
