//! `hcp-key exchange/list/show/check` through the real binary (issue 3):
//! the pairwise exchange keys {AB} of seed 000, signed by their creator, and
//! the verified-key rule of seed 002.

mod common;

use common::*;
use ehrcrypt::crypto::{b64, PrivateKey};
use ehrcrypt::hcp_key::HcPartyKey;
use ehrcrypt::keystore::Keystore;
use ehrcrypt::owner::OwnerId;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn id(s: &str) -> OwnerId {
    OwnerId::new(s).unwrap()
}

/// The records of `delegator`→`delegate` in a keystore file, as JSON.
fn records(keystore: &Path, delegator: &str, delegate: &str) -> Vec<Value> {
    owner_json(&read_json(keystore), delegator)["hcPartyKeys"][delegate]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Applies `change` to the JSON of the keystore at `path`.
fn edit(path: &Path, change: impl FnOnce(&mut Value)) {
    let mut v = read_json(path);
    change(&mut v);
    write_json(path, &v);
}

/// The `hcPartyKeys[delegate]` list of owner `delegator` in keystore JSON.
fn list_mut<'a>(ks: &'a mut Value, delegator: &str, delegate: &str) -> &'a mut Vec<Value> {
    ks["owners"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|o| o["id"] == delegator)
        .unwrap()["hcPartyKeys"][delegate]
        .as_array_mut()
        .unwrap()
}

/// Changes the first base64 character, keeping the text valid base64.
fn flip(v: &mut Value) {
    let s = v.as_str().unwrap();
    let c = if s.starts_with('A') { "B" } else { "A" };
    *v = format!("{c}{}", &s[1..]).into();
}

/// The ids of the records `check` reported as opened.
fn opened(out: &std::process::Output) -> Vec<String> {
    json(out)
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["opened"] == true)
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_to_c_then_c_opens_it_from_its_own_keystore_after_importing_a_document() {
    let s = Sandbox::new();
    let out = ok(
        &mut s.ks("A"),
        &["--json", "hcp-key", "exchange", "--from", "A", "--to", "C"],
    );
    let v = json(&out);
    assert_eq!(v["new"], true);
    assert_eq!(v["delegator"], "A");
    assert_eq!(v["delegate"], "C");
    let wrapped: Vec<(&str, &str)> = v["wrappedFor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["owner"].as_str().unwrap(),
                w["fingerprint"].as_str().unwrap(),
            )
        })
        .collect();
    let (fa, fc) = (fixture_fingerprint("A"), fixture_fingerprint("C"));
    assert_eq!(wrapped, [("A", fa.as_str()), ("C", fc.as_str())]);
    let ac = v["id"].as_str().unwrap().to_string();

    // C cannot open it before it has A's document...
    fails(
        &mut s.ks("C"),
        &["hcp-key", "check", "--as", "C", "A", "C"],
        3,
    );
    let doc = s.path("A.owner.json");
    ok(
        &mut s.ks("A"),
        &["owner", "export", "A", "-o", doc.to_str().unwrap()],
    );
    let out = ok(&mut s.ks("C"), &["owner", "import", doc.to_str().unwrap()]);
    assert!(
        stdout(&out).contains("exchange keys added: 3"),
        "{}",
        stdout(&out)
    );

    // ...and then sees A's verified signature and opens it with C's own key.
    let shown = json(&ok(
        &mut s.ks("C"),
        &["--json", "hcp-key", "show", "A", "C"],
    ));
    assert_eq!(shown.as_array().unwrap().len(), 1);
    assert_eq!(shown[0]["id"], ac.as_str());
    assert_eq!(shown[0]["signature"], "verified");
    assert_eq!(shown[0]["signer"], fa.as_str());
    let text = stdout(&ok(&mut s.ks("C"), &["hcp-key", "show", "A", "C"]));
    assert!(
        text.contains(&format!("A→C  id {ac}")) && text.contains("(verified)"),
        "{text}"
    );
    let out = ok(
        &mut s.ks("C"),
        &["-v", "hcp-key", "check", "--as", "C", "A", "C"],
    );
    assert!(stdout(&out).contains(&format!("A→C  id {ac}  opens with C's key {}", &fc[..16])));
    assert!(
        stderr(&out).contains("RSA decryptions: 1, private keys unlocked: 1"),
        "{}",
        stderr(&out)
    );

    // {AB} came along in the document, but it is not C's to open.
    let out = fails(
        &mut s.ks("C"),
        &["hcp-key", "check", "--as", "C", "A", "B"],
        8,
    );
    assert!(stdout(&out).contains("not wrapped for a private key of C held here"));
    // And C cannot act as an owner whose private key it does not hold.
    fails(
        &mut s.ks("C"),
        &["hcp-key", "check", "--as", "A", "A", "C"],
        3,
    );
}

#[test]
fn the_self_key_aa_is_made_once_and_opens() {
    let s = Sandbox::new();
    let ks = s.keystore("P");
    let first = json(&ok(
        &mut s.on(&ks),
        &["--json", "hcp-key", "exchange", "--from", "P", "--to", "P"],
    ));
    assert_eq!(first["new"], true);
    assert_eq!(first["wrappedFor"].as_array().unwrap().len(), 1);
    assert_eq!(first["wrappedFor"][0]["owner"], "P");
    let before = fs::read(&ks).unwrap();
    let again = json(&ok(
        &mut s.on(&ks),
        &["--json", "hcp-key", "exchange", "--from", "P", "--to", "P"],
    ));
    assert_eq!(again["new"], false);
    assert_eq!(again["id"], first["id"]);
    assert_eq!(fs::read(&ks).unwrap(), before, "reuse writes nothing");
    let out = ok(
        &mut s.on(&ks),
        &["--json", "hcp-key", "check", "--as", "P", "P", "P"],
    );
    assert_eq!(opened(&out), [first["id"].as_str().unwrap()]);
    // The fixture's {AA} too.
    ok(&mut s.ks("A"), &["hcp-key", "check", "--as", "A", "A", "A"]);
}

#[test]
fn an_existing_key_is_reused_and_rotate_keeps_the_old_one() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    let golden = records(&ks, "A", "B")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = fs::read(&ks).unwrap();
    let out = ok(
        &mut s.on(&ks),
        &["-v", "hcp-key", "exchange", "--from", "A", "--to", "B"],
    );
    assert!(stdout(&out).contains(&format!("reusing existing exchange key A→B ({golden})")));
    assert_eq!(fs::read(&ks).unwrap(), before, "reuse writes nothing");

    let rotated = json(&ok(
        &mut s.on(&ks),
        &[
            "--json", "hcp-key", "exchange", "--from", "A", "--to", "B", "--rotate",
        ],
    ));
    assert_eq!(rotated["new"], true);
    let new = rotated["id"].as_str().unwrap().to_string();
    assert_ne!(new, golden);
    let ids: Vec<String> = records(&ks, "A", "B")
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        [golden.clone(), new.clone()],
        "both kept, oldest first"
    );

    // Both open (old data stays readable); one RSA decryption each.
    let out = ok(
        &mut s.on(&ks),
        &["-v", "--json", "hcp-key", "check", "--as", "A", "A", "B"],
    );
    assert_eq!(opened(&out), [golden.clone(), new.clone()]);
    assert!(stderr(&out).contains("RSA decryptions: 2, private keys unlocked: 1"));

    // From now on the newest one is reused.
    let again = json(&ok(
        &mut s.on(&ks),
        &["--json", "hcp-key", "exchange", "--from", "A", "--to", "B"],
    ));
    assert_eq!(again["new"], false);
    assert_eq!(again["id"], new.as_str());

    // B gets the new one with A's document and opens both.
    let doc = s.path("A.owner.json");
    ok(
        &mut s.on(&ks),
        &["owner", "export", "A", "-o", doc.to_str().unwrap()],
    );
    let out = ok(&mut s.ks("B"), &["owner", "import", doc.to_str().unwrap()]);
    assert!(stdout(&out).contains("exchange keys added: 1"));
    let out = ok(
        &mut s.ks("B"),
        &["--json", "hcp-key", "check", "--as", "B", "A", "B"],
    );
    assert_eq!(opened(&out), [golden, new]);
}

type Tamper = fn(&mut Value);

/// Changes to the stored {AB} record: each must be caught by the signature
/// (or, for the delegate, by where the record is stored).
const TAMPERING: [(&str, Tamper); 6] = [
    ("B's wrapped key", |r| flip(&mut r["wrapped"][1]["key"])),
    ("A's wrapped key", |r| flip(&mut r["wrapped"][0]["key"])),
    ("signature", |r| flip(&mut r["signature"])),
    ("created", |r| r["created"] = "2020-01-01T00:00:00Z".into()),
    ("wrap owner", |r| r["wrapped"][1]["owner"] = "C".into()),
    ("delegate", |r| r["delegate"] = "C".into()),
];

/// A sandbox holding `who`'s keystore with the stored {AB} record changed.
fn tampered(who: &str, change: Tamper) -> (Sandbox, std::path::PathBuf) {
    let s = Sandbox::new();
    let ks = s.keystore(who);
    edit(&ks, |v| change(&mut list_mut(v, "A", "B")[0]));
    (s, ks)
}

#[test]
fn a_tampered_record_in_the_keystore_is_refused() {
    for (what, change) in TAMPERING {
        let (s, ks) = tampered("A", change);
        let before = fs::read(&ks).unwrap();
        for args in [
            &["hcp-key", "check", "--as", "A", "A", "B"][..],
            &["hcp-key", "exchange", "--from", "A", "--to", "B"],
        ] {
            let out = fails(&mut s.on(&ks), args, 5);
            let err = stderr(&out);
            assert!(err.starts_with("ehrcrypt: error: "), "{what}: {err}");
            assert!(err.contains("exchange key A→"), "{what}: {err}");
        }
        assert_eq!(fs::read(&ks).unwrap(), before, "{what}: nothing written");
        if what != "delegate" {
            let text = stdout(&ok(&mut s.on(&ks), &["hcp-key", "show", "A", "B"]));
            assert!(text.contains("(INVALID: "), "{what}: {text}");
        }
    }
}

#[test]
fn a_tampered_record_in_the_delegates_keystore_is_refused() {
    // B holds A's record; a change that would not stop the RSA decryption
    // (the creation time) must still be refused, by the signature.
    for (what, change) in TAMPERING {
        let (s, ks) = tampered("B", change);
        let out = fails(
            &mut s.on(&ks),
            &["-v", "hcp-key", "check", "--as", "B", "A", "B"],
            5,
        );
        assert!(
            stderr(&out).contains("RSA decryptions: 0") || what == "delegate",
            "{what}: refused before any decryption: {}",
            stderr(&out)
        );
    }
}

/// An exchange key A→B made and signed by C, wrapped for A, B and C: what C
/// would inject to read what A shares with B. With `as_a`, C also claims
/// A's key as the signer.
fn forged_by_c(as_a: bool) -> Value {
    let ks = Keystore::load(&fixture("keys/C.keystore.json")).unwrap();
    let c = ks.owner(&id("C")).unwrap();
    let c_key: PrivateKey = c
        .unlock(&c.public_keys[0].fingerprint, PASSPHRASE.as_bytes())
        .unwrap();
    let recipients: Vec<_> = ["A", "B", "C"]
        .iter()
        .map(|who| {
            let o = ks.owner(&id(who)).unwrap();
            (id(who), o.public_keys[0].key().unwrap())
        })
        .collect();
    let (mut rec, _key) = HcPartyKey::create(&id("A"), &id("B"), &recipients, &c_key).unwrap();
    if as_a {
        rec.signer = ks.owner(&id("A")).unwrap().public_keys[0].fingerprint;
        rec.signature = b64::encode(&c_key.sign(&rec.signed_bytes()).unwrap());
    }
    serde_json::to_value(rec).unwrap()
}

#[test]
fn an_exchange_key_signed_by_a_third_party_is_refused() {
    for (as_a, message) in [(false, "which is not a key of A"), (true, "bad signature")] {
        let forged = forged_by_c(as_a);

        // Injected into A's keystore, after the genuine {AB}.
        let s = Sandbox::new();
        let ks = s.keystore("A");
        edit(&ks, |v| list_mut(v, "A", "B").push(forged.clone()));
        let before = fs::read(&ks).unwrap();
        for args in [
            &["hcp-key", "check", "--as", "A", "A", "B"][..],
            &["hcp-key", "exchange", "--from", "A", "--to", "B"],
        ] {
            let out = fails(&mut s.on(&ks), args, 5);
            assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        }
        assert_eq!(fs::read(&ks).unwrap(), before);
        let rows = json(&ok(
            &mut s.on(&ks),
            &["--json", "hcp-key", "show", "A", "B"],
        ));
        assert_eq!(rows[0]["signature"], "verified");
        assert_eq!(rows[1]["signature"], "invalid");
        assert!(rows[1]["signatureProblem"].is_string());

        // Injected into A's owner document: B refuses the whole document.
        let mut doc = read_json(&fixture("keys/A.owner.json"));
        doc["hcPartyKeys"]["B"].as_array_mut().unwrap().push(forged);
        let doc_path = s.path("A.owner.json");
        write_json(&doc_path, &doc);
        let b = s.keystore("B");
        let before = fs::read(&b).unwrap();
        let out = fails(
            &mut s.on(&b),
            &["owner", "import", doc_path.to_str().unwrap()],
            5,
        );
        assert!(stderr(&out).contains("owner document for A: exchange key A→B"));
        assert!(stderr(&out).contains(message));
        assert_eq!(fs::read(&b).unwrap(), before, "B's keystore unchanged");
    }
}

#[test]
fn a_record_moved_under_another_delegate_is_refused() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    edit(&ks, |v| {
        let ab = list_mut(v, "A", "B").clone();
        v["owners"][0]["hcPartyKeys"]["C"] = Value::Array(ab);
    });
    let out = fails(
        &mut s.on(&ks),
        &["hcp-key", "exchange", "--from", "A", "--to", "C"],
        5,
    );
    assert!(
        stderr(&out).contains("is stored under A→C"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unverified_delegate_needs_allow_unverified_and_gets_a_warning() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    s.unverify(&ks, "C");
    let before = fs::read(&ks).unwrap();
    let out = fails(
        &mut s.on(&ks),
        &["hcp-key", "exchange", "--from", "A", "--to", "C"],
        7,
    );
    let err = stderr(&out);
    assert!(err.contains("no verified public key for C"), "{err}");
    assert!(
        err.contains("ehrcrypt owner verify C --fingerprint FP"),
        "{err}"
    );
    assert_eq!(fs::read(&ks).unwrap(), before);

    let out = ok(
        &mut s.on(&ks),
        &[
            "hcp-key",
            "exchange",
            "--from",
            "A",
            "--to",
            "C",
            "--allow-unverified",
        ],
    );
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "ehrcrypt: warning: exchange key wrapped for UNVERIFIED key {} of C",
            fixture_fingerprint("C")
        )),
        "{err}"
    );
    // C opens it (unverified keys may decrypt; seed 002).
    let doc = s.path("A.owner.json");
    ok(
        &mut s.on(&ks),
        &["owner", "export", "A", "-o", doc.to_str().unwrap()],
    );
    ok(&mut s.ks("C"), &["owner", "import", doc.to_str().unwrap()]);
    ok(&mut s.ks("C"), &["hcp-key", "check", "--as", "C", "A", "C"]);
}

/// An exchange key once wrapped for an unverified key is not reused for new
/// data without `--allow-unverified`, nor after that key was replaced by
/// the delegate's genuine, verified one: the old key's holder would read
/// everything shared from then on (Cardinal's rule, seed 002).
#[test]
fn a_key_wrapped_for_an_unverified_or_replaced_key_is_not_reused() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    s.unverify(&ks, "C");
    let exchange = ["hcp-key", "exchange", "--from", "A", "--to", "C"];
    let mut with_flag = exchange.to_vec();
    with_flag.push("--allow-unverified");
    ok(&mut s.on(&ks), &with_flag);
    let impostor = fixture_fingerprint("C");
    assert_eq!(records(&ks, "A", "C").len(), 1);

    // Without the flag, the existing key is not a way around the rule.
    let before = fs::read(&ks).unwrap();
    let out = fails(&mut s.on(&ks), &exchange, 7);
    assert!(stderr(&out).contains("no verified public key for C"));
    assert_eq!(fs::read(&ks).unwrap(), before);
    let rec = s.write("r.json", r#"{"id": "r1", "note": "after the check"}"#);
    fails(
        &mut s.on(&ks),
        &[
            "entity",
            "encrypt",
            "--as",
            "A",
            "--kind",
            "patient",
            "--share-with",
            "C",
            rec.to_str().unwrap(),
        ],
        7,
    );
    // With the flag, reuse warns like creation does.
    let out = ok(&mut s.on(&ks), &with_flag);
    assert!(
        stdout(&out).contains("reusing existing"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains(&format!("UNVERIFIED key {impostor} of C")));

    // C's genuine key (here B's, under C's id) replaces the impostor's and
    // is verified: the next key {AC} is new and wrapped for it alone.
    let mut doc = read_json(&fixture("keys/B.owner.json"));
    doc["id"] = "C".into();
    doc.as_object_mut().unwrap().remove("hcPartyKeys");
    let doc_path = s.path("C-genuine.owner.json");
    write_json(&doc_path, &doc);
    let p = doc_path.to_str().unwrap();
    ok(&mut s.on(&ks), &["owner", "import", "--replace", p]);
    let genuine = fixture_fingerprint("B");
    ok(
        &mut s.on(&ks),
        &["owner", "verify", "C", "--fingerprint", &genuine],
    );
    let v = json(&ok(&mut s.on(&ks), &[&["--json"], &exchange[..]].concat()));
    assert_eq!(v["new"], true, "{v}");
    let for_c: Vec<&str> = v["wrappedFor"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["owner"] == "C")
        .map(|w| w["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(for_c, [genuine.as_str()]);
}

/// Every secret value a keystore holds, or that opening its exchange keys
/// yields, as text that could leak into output.
fn secrets(keystore: &Path, me: &str) -> Vec<String> {
    let mut out = Vec::new();
    let v = read_json(keystore);
    for o in v["owners"].as_array().unwrap() {
        for k in o["privateKeys"].as_array().into_iter().flatten() {
            let pem = k["pkcs8"].as_str().unwrap();
            out.extend(
                pem.lines()
                    .filter(|l| !l.starts_with("-----"))
                    .map(String::from),
            );
        }
        for r in o["hcPartyKeys"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            for r in r.as_array().unwrap() {
                out.push(r["signature"].as_str().unwrap().to_string());
                for w in r["wrapped"].as_array().unwrap() {
                    out.push(w["key"].as_str().unwrap().to_string());
                }
            }
        }
    }
    // The exchange keys themselves, base64 and hex.
    let session = ehrcrypt::session::Session::open(
        keystore,
        ehrcrypt::passphrase::PassphraseSource::fixed(PASSPHRASE),
    )
    .unwrap();
    let me = id(me);
    for o in session.keystore().owners() {
        for r in o.hc_party_keys.values().flatten() {
            if let Ok(k) = session.exchange_key(&me, &r.delegator, &r.delegate, &r.id) {
                out.push(b64::encode(k.expose()));
                out.push(ehrcrypt::crypto::hex(k.expose()));
            }
        }
    }
    assert!(out.len() > 10);
    out
}

#[test]
fn list_show_and_check_never_print_key_bytes() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    ok(
        &mut s.on(&ks),
        &[
            "hcp-key", "exchange", "--from", "A", "--to", "B", "--rotate",
        ],
    );
    let secrets = secrets(&ks, "A");
    let commands: [&[&str]; 9] = [
        &["hcp-key", "list"],
        &["hcp-key", "list", "--owner", "A"],
        &["hcp-key", "show", "A", "B"],
        &["hcp-key", "check", "--as", "A", "A", "B"],
        &["hcp-key", "check", "--as", "A", "A", "A"],
        &["hcp-key", "exchange", "--from", "A", "--to", "B"],
        &["owner", "show", "A"],
        &["owner", "list"],
        &["owner", "fingerprint", "--all", "A"],
    ];
    for args in commands {
        for json_flag in [false, true] {
            let mut cmd = s.on(&ks);
            cmd.arg("-v");
            if json_flag {
                cmd.arg("--json");
            }
            let out = ok(&mut cmd, args);
            let all = format!("{}{}", stdout(&out), stderr(&out));
            for secret in &secrets {
                // Its first 24 characters: nothing prints even a prefix.
                let window = &secret[..secret.len().min(24)];
                assert!(
                    !all.contains(window),
                    "{args:?} (json: {json_flag}) printed secret bytes {window}…"
                );
            }
        }
    }
    // hcp-key list shows every pair; --owner filters by delegator.
    let all = json(&ok(&mut s.on(&ks), &["--json", "hcp-key", "list"]));
    assert_eq!(all.as_array().unwrap().len(), 3);
    let none = json(&ok(
        &mut s.on(&ks),
        &["--json", "hcp-key", "list", "--owner", "B"],
    ));
    assert_eq!(none.as_array().unwrap().len(), 0);
    let row = &all[1];
    let keys: Vec<&str> = row
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "delegator",
            "delegate",
            "created",
            "wrappedFor",
            "signer",
            "signature"
        ]
    );
}
