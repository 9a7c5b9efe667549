//! The compatibility promise: the keystores and owner documents committed in
//! `fixtures/keys/` (format v1) load, and B opens {AB} from its own
//! keystore. Later versions must keep passing this file unchanged; never
//! regenerate the fixtures to make it pass.

mod common;

use common::*;
use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::{OwnerDocument, OwnerId};
use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;
use std::fs;

const FINGERPRINTS: [(&str, &str); 4] = [
    (
        "A",
        "4985629651dbe34dada32e610acf2ab2cfe1df4fcb9554883ad2c33f6372418f",
    ),
    (
        "B",
        "b35e3be6473f4587649b6e8a34aadf6e39fb39eb093921a8b93685a4b48a6ba5",
    ),
    (
        "C",
        "85f8ef7dd14b9904e14ddf2050a6f018b6ad9486da768f79359f2e0af39e0fc7",
    ),
    (
        "P",
        "3c19513a84d6e231ecf0de46d2edf137f1fb4a22da0501186dfe54cd5a46ae50",
    ),
];
const AA: &str = "2c2723db688a7cf44d8adab34ebded6e";
const AB: &str = "a68874a4695fc19c08b746c8a9bfdbb4";

fn id(s: &str) -> OwnerId {
    OwnerId::new(s).unwrap()
}

#[test]
fn the_fixture_keystores_load_and_hold_what_fixtures_readme_says() {
    for (who, _) in FINGERPRINTS {
        let path = fixture(&format!("keys/{who}.keystore.json"));
        assert_eq!(read_json(&path)["format"], "ehrcrypt/keystore/v1");
        let ks = Keystore::load(&path).unwrap();
        let ids: Vec<&str> = ks.owners().iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids.len(), 4, "{who}");
        for (other, fp) in FINGERPRINTS {
            let o = ks.owner(&id(other)).unwrap();
            assert_eq!(o.public_keys.len(), 1, "{who}: {other}");
            assert_eq!(
                o.public_keys[0].fingerprint.to_string(),
                fp,
                "{who}: {other}"
            );
            assert!(o.public_keys[0].verified, "{who}: {other} verified");
            assert_eq!(o.is_local(), other == who, "{who}: {other}");
        }
        // Every exchange key in it is signed by a verified key of its creator.
        for o in ks.owners() {
            for r in o.hc_party_keys.values().flatten() {
                assert_eq!(
                    r.check_signature(&o.id, &o.public_keys).unwrap(),
                    ehrcrypt::hcp_key::SignerTrust::Verified
                );
            }
        }
    }
    let a = Keystore::load(&fixture("keys/A.keystore.json")).unwrap();
    let hc = &a.owner(&id("A")).unwrap().hc_party_keys;
    assert_eq!(hc[&id("A")][0].id, AA);
    assert_eq!(hc[&id("B")][0].id, AB);
}

#[test]
fn the_fixture_owner_documents_match_their_keystores() {
    for (who, fp) in FINGERPRINTS {
        let path = fixture(&format!("keys/{who}.owner.json"));
        let doc = OwnerDocument::parse(&fs::read(&path).unwrap(), who).unwrap();
        assert_eq!(doc.format, "ehrcrypt/owner/v1");
        assert_eq!(doc.id.as_str(), who);
        assert_eq!(doc.public_keys[0].fingerprint.to_string(), fp);
    }
}

#[test]
fn b_opens_ab_from_the_committed_keystore_and_gets_as_key() {
    // Read-only: a session never writes unless it creates an exchange key.
    let open = |who: &str| {
        Session::open(
            &fixture(&format!("keys/{who}.keystore.json")),
            PassphraseSource::fixed(PASSPHRASE),
        )
        .unwrap()
    };
    let (a, b) = (open("A"), open("B"));
    let by_b = b.exchange_key(&id("B"), &id("A"), &id("B"), AB).unwrap();
    let by_a = a.exchange_key(&id("A"), &id("A"), &id("B"), AB).unwrap();
    assert_eq!(by_a, by_b);
    a.exchange_key(&id("A"), &id("A"), &id("A"), AA).unwrap();
    assert_eq!(b.stats().rsa_decryptions, 1);

    // The same through the binary, on a copy.
    let s = Sandbox::new();
    let out = ok(
        &mut s.ks("B"),
        &["-v", "hcp-key", "check", "--as", "B", "A", "B"],
    );
    assert_eq!(
        stdout(&out),
        format!("A→B  id {AB}  opens with B's key b35e3be6473f4587\n")
    );
    assert!(stderr(&out).contains("RSA decryptions: 1"));
}

/// The private keys are PBES2 with scrypt N=2^14, r=8, p=1 and AES-256-CBC,
/// as docs/FORMAT.md says and as OpenSSL 3 reads within its memory limit.
#[test]
fn the_fixture_private_keys_use_the_documented_encryption() {
    use pkcs8::pkcs5::pbes2;
    for (who, _) in FINGERPRINTS {
        let ks = read_json(&fixture(&format!("keys/{who}.keystore.json")));
        let pem_text = owner_json(&ks, who)["privateKeys"][0]["pkcs8"]
            .as_str()
            .unwrap();
        let block = pem::parse(pem_text).unwrap();
        assert_eq!(block.tag(), "ENCRYPTED PRIVATE KEY");
        let info = pkcs8::EncryptedPrivateKeyInfoRef::try_from(block.contents()).unwrap();
        let params = info.encryption_algorithm.pbes2().expect("PBES2");
        let scrypt = params.kdf.scrypt().expect("scrypt");
        assert_eq!(scrypt.cost_parameter, 1 << 14, "{who}: N");
        assert_eq!(scrypt.block_size, 8, "{who}: r");
        assert_eq!(scrypt.parallelization, 1, "{who}: p");
        assert_eq!(scrypt.salt.as_ref().len(), 16, "{who}: salt");
        assert!(
            matches!(params.encryption, pbes2::EncryptionScheme::Aes256Cbc { .. }),
            "{who}: AES-256-CBC"
        );
    }
}

/// docs/FORMAT.md's context encoding: every part, the domain label first,
/// as a 32-bit big-endian length followed by its bytes.
fn encode(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(&(p.len() as u32).to_be_bytes());
        out.extend_from_slice(p);
    }
    out
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn unbase64(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

/// Reads {AB} as docs/FORMAT.md describes it, with the RSA primitives only
/// (none of ehrcrypt's record code): A's signature verifies, B's wrap
/// opens, and the key is the one ehrcrypt itself unwraps.
#[test]
fn an_independent_reading_of_format_md_verifies_and_opens_ab() {
    use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
    use rsa::{Oaep, Pss, RsaPrivateKey, RsaPublicKey};
    use sha2::{Digest, Sha256};

    let ks = read_json(&fixture("keys/B.keystore.json"));
    let a = owner_json(&ks, "A");
    let r = &a["hcPartyKeys"]["B"][0];
    let field = |k: &str| r[k].as_str().unwrap().as_bytes();
    let wrapped = r["wrapped"].as_array().unwrap();
    let count = wrapped.len().to_string();
    let signer = unhex(r["signer"].as_str().unwrap());
    let mut parts: Vec<Vec<u8>> = vec![
        b"ehrcrypt/hcp-key/v1".to_vec(),
        b"record".to_vec(),
        field("id").to_vec(),
        field("delegator").to_vec(),
        field("delegate").to_vec(),
        field("created").to_vec(),
        signer,
        count.into_bytes(),
    ];
    for w in wrapped {
        parts.push(w["owner"].as_str().unwrap().as_bytes().to_vec());
        parts.push(unhex(w["fingerprint"].as_str().unwrap()));
        parts.push(w["key"].as_str().unwrap().as_bytes().to_vec());
    }
    let message = encode(&parts.iter().map(|p| p.as_slice()).collect::<Vec<_>>());
    let a_key =
        RsaPublicKey::from_public_key_pem(a["publicKeys"][0]["spki"].as_str().unwrap()).unwrap();
    let signature = unbase64(r["signature"].as_str().unwrap());
    a_key
        .verify(Pss::<Sha256>::new(), &Sha256::digest(&message), &signature)
        .expect("RSA-PSS (SHA-256, salt 32) over the documented message");

    let b = owner_json(&ks, "B");
    let b_key = RsaPrivateKey::from_pkcs8_encrypted_pem(
        b["privateKeys"][0]["pkcs8"].as_str().unwrap(),
        PASSPHRASE,
    )
    .unwrap();
    let w = wrapped.iter().find(|w| w["owner"] == "B").unwrap();
    let label = encode(&[
        b"ehrcrypt/hcp-key/v1",
        b"wrap",
        field("id"),
        field("delegator"),
        field("delegate"),
        b"B",
        &unhex(w["fingerprint"].as_str().unwrap()),
    ]);
    let raw = b_key
        .decrypt(
            Oaep::<Sha256>::new_with_label(label),
            &unbase64(w["key"].as_str().unwrap()),
        )
        .expect("RSA-OAEP (SHA-256, MGF1-SHA-256) with the documented label");
    assert_eq!(raw.len(), 32);

    let session = Session::open(
        &fixture("keys/B.keystore.json"),
        PassphraseSource::fixed(PASSPHRASE),
    )
    .unwrap();
    let key = session
        .exchange_key(&id("B"), &id("A"), &id("B"), AB)
        .unwrap();
    assert_eq!(&raw[..], &key.expose()[..]);
}

/// `fixtures/research/C.owner.json`: C's document with the research key
/// `research init` published (FORMAT.md §10.2). Every build reads it, with
/// or without the `research` feature, and a tampered key is refused.
#[test]
fn the_research_key_fixture_imports_signed_by_a_verified_key() {
    const KEY: &str = "A4S6T7CCCZNhF5aD9PXcw/pQS0N6q7qmok8xy6+sdk4N";
    let sb = Sandbox::new();
    let doc = fixture("research/C.owner.json");
    ok(&mut sb.ks("A"), &["owner", "import", doc.to_str().unwrap()]);
    let ks = Keystore::load(&sb.keystore("A")).unwrap();
    let c = ks.owner(&id("C")).unwrap();
    assert_eq!(c.pre_keys.len(), 1);
    assert_eq!(c.pre_keys[0].key, KEY);
    let trust = c.verified_pre_key().unwrap();
    assert_eq!(trust.key, KEY);

    let mut v = read_json(&doc);
    v["preKeys"][0]["key"] = "A4S6T7CCCZNhF5aD9PXcw/pQS0N6q7qmok8xy6+sdk4O".into();
    let bad = sb.path("C.bad.json");
    write_json(&bad, &v);
    fails(
        &mut sb.ks("A"),
        &["owner", "import", bad.to_str().unwrap()],
        5,
    );
}
