//! `keygen` and `owner ...` through the real binary: the two-keystore
//! workflow, machine-readable output, and the trust rules of seed 002.

mod common;

use common::*;
use serde_json::Value;
use std::fs;

fn is_fingerprint(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn is_timestamp(s: &str) -> bool {
    // RFC 3339, UTC, seconds: 2026-11-21T04:54:04Z
    let b = s.as_bytes();
    b.len() == 20
        && b[19] == b'Z'
        && s.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            19 => true,
            _ => c.is_ascii_digit(),
        })
}

/// Generates a real key (one of the few tests that do), exports it, imports
/// it into B's keystore, verifies it, exchanges a key both ways round.
#[test]
fn keygen_export_import_verify_then_exchange_across_two_keystores() {
    let s = Sandbox::new();
    let mine = s.path("new/mine.json"); // a directory that does not exist yet
    let out = ok(
        &mut s.on(&mine),
        &[
            "--json", "keygen", "--name", "Dr Dee", "--kind", "hcp", "--id", "dee",
        ],
    );
    let v = json(&out);
    assert_eq!(v["id"], "dee");
    assert_eq!(v["name"], "Dr Dee");
    assert_eq!(v["kind"], "hcp");
    let fp = v["fingerprint"].as_str().unwrap().to_string();
    assert!(is_fingerprint(&fp), "{fp}");
    #[cfg(unix)]
    assert_eq!(mode(&mine), 0o600);

    // The public document: to a file and to stdout, the same, no secret.
    let doc = s.path("dee.owner.json");
    ok(
        &mut s.on(&mine),
        &["owner", "export", "dee", "-o", doc.to_str().unwrap()],
    );
    let to_stdout = ok(&mut s.on(&mine), &["owner", "export", "dee"]).stdout;
    assert_eq!(fs::read(&doc).unwrap(), to_stdout);
    let text = String::from_utf8(to_stdout).unwrap();
    assert!(!text.contains("PRIVATE KEY") && !text.contains("verified"));
    assert_eq!(read_json(&doc)["format"], "ehrcrypt/owner/v1");

    // B imports it: a new owner whose key is unverified.
    let out = ok(&mut s.ks("B"), &["owner", "import", doc.to_str().unwrap()]);
    assert!(stdout(&out).contains("imported new owner dee"));
    let said = stdout(&out).replace(' ', "");
    assert!(said.contains(&format!("newkey{fp}(unverified)")), "{said}");
    assert!(stderr(&out).contains("owner verify dee"), "hint to verify");
    let list = json(&ok(&mut s.ks("B"), &["--json", "owner", "list"]));
    let dee = list
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "dee")
        .unwrap();
    assert_eq!(dee["verified"], false);
    assert_eq!(dee["local"], false);

    // Unverified: B may not wrap a new exchange key for it.
    fails(
        &mut s.ks("B"),
        &["hcp-key", "exchange", "--from", "B", "--to", "dee"],
        7,
    );

    // The fingerprint as a person reads it out: upper case, with a prefix.
    let spoken = format!("SHA256:{}", fp.to_uppercase());
    let out = ok(
        &mut s.ks("B"),
        &["owner", "verify", "dee", "--fingerprint", &spoken],
    );
    let said = stdout(&out).replace(' ', "");
    assert!(said.contains(&format!("verifiedkey{fp}ofdee")), "{said}");
    let shown = json(&ok(&mut s.ks("B"), &["--json", "owner", "show", "dee"]));
    assert_eq!(shown["publicKeys"][0]["verified"], true);
    assert_eq!(
        stdout(&ok(&mut s.ks("B"), &["owner", "fingerprint", "dee"]))
            .trim()
            .replace(' ', ""),
        fp
    );

    // Now B→dee works, and dee opens it after importing B's document.
    ok(
        &mut s.ks("B"),
        &["hcp-key", "exchange", "--from", "B", "--to", "dee"],
    );
    let b_doc = s.path("B.owner.json");
    ok(
        &mut s.ks("B"),
        &["owner", "export", "B", "-o", b_doc.to_str().unwrap()],
    );
    ok(
        &mut s.on(&mine),
        &["owner", "import", b_doc.to_str().unwrap()],
    );
    ok(
        &mut s.on(&mine),
        &[
            "owner",
            "verify",
            "B",
            "--fingerprint",
            &fixture_fingerprint("B"),
        ],
    );
    let out = ok(
        &mut s.on(&mine),
        &["-v", "hcp-key", "check", "--as", "dee", "B", "dee"],
    );
    assert!(stdout(&out).contains("opens with dee's key"));
    assert!(
        stderr(&out).contains("RSA decryptions: 1"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn list_and_show_json_have_the_documented_fields() {
    let s = Sandbox::new();
    let list = json(&ok(&mut s.ks("A"), &["--json", "owner", "list"]));
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["A", "B", "C", "P"]);
    for o in list.as_array().unwrap() {
        let keys: Vec<&str> = o.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            keys,
            ["id", "name", "kind", "fingerprint", "verified", "local"]
        );
        assert!(is_fingerprint(o["fingerprint"].as_str().unwrap()));
        assert_eq!(o["verified"], true);
        assert_eq!(o["local"], o["id"] == "A");
    }
    assert_eq!(list[3]["kind"], "patient");
    assert_eq!(list[3]["name"], "John Keats");

    let a = json(&ok(&mut s.ks("A"), &["--json", "owner", "show", "A"]));
    assert_eq!(a["id"], "A");
    assert_eq!(a["name"], "Dr Alice");
    assert_eq!(a["kind"], "hcp");
    assert_eq!(a["local"], true);
    let k = &a["publicKeys"][0];
    assert_eq!(k["fingerprint"], fixture_fingerprint("A"));
    assert!(
        is_timestamp(k["created"].as_str().unwrap()),
        "{}",
        k["created"]
    );
    assert_eq!(k["verified"], true);
    assert_eq!(k["privateKeyHere"], true);
    assert!(k["spki"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN PUBLIC KEY-----\n"));
    let hc = a["hcPartyKeys"].as_object().unwrap();
    assert_eq!(hc.keys().collect::<Vec<_>>(), ["A", "B"]);
    assert_eq!(hc["B"].as_array().unwrap().len(), 1);
    assert!(!a.to_string().contains("PRIVATE KEY"));

    let text = stdout(&ok(&mut s.ks("A"), &["owner", "show", "A"]));
    assert!(text.contains("local: yes (private key held here)"));
    assert!(text
        .replace(' ', "")
        .contains(&format!("key:{}created", fixture_fingerprint("A"))));
    assert!(text.contains("exchange keys →B: 1"));
}

#[test]
fn a_different_key_for_a_known_owner_is_refused_unless_replace() {
    let s = Sandbox::new();
    let ks = s.keystore("C");
    // B's document, relabelled as A's: what a tampering server would send.
    let mut doc: Value = read_json(&fixture("keys/B.owner.json"));
    doc["id"] = "A".into();
    doc["name"] = "Dr Alice".into();
    let forged = s.path("forged.json");
    write_json(&forged, &doc);
    let before = fs::read(&ks).unwrap();

    let out = fails(
        &mut s.on(&ks),
        &["owner", "import", forged.to_str().unwrap()],
        7,
    );
    let err = stderr(&out);
    assert!(err.starts_with("ehrcrypt: error: "), "{err}");
    assert!(err.contains("possible tampering"), "{err}");
    assert!(
        err.contains("ehrcrypt: hint: ") && err.contains("--replace"),
        "{err}"
    );
    assert_eq!(fs::read(&ks).unwrap(), before, "keystore unchanged");

    let out = ok(
        &mut s.on(&ks),
        &["owner", "import", "--replace", forged.to_str().unwrap()],
    );
    let b = fixture_fingerprint("B");
    let said = stdout(&out).replace(' ', "");
    assert!(said.contains(&format!("newkey{b}(unverified)")), "{said}");
    assert!(stdout(&out).contains(&format!("removed key {}", fixture_fingerprint("A"))));
    let a = json(&ok(&mut s.on(&ks), &["--json", "owner", "show", "A"]));
    assert_eq!(a["publicKeys"].as_array().unwrap().len(), 1);
    assert_eq!(a["publicKeys"][0]["fingerprint"], b);
    assert_eq!(a["publicKeys"][0]["verified"], false);
    // The replaced key is unverified: no new exchange key for it.
    fails(
        &mut s.on(&ks),
        &["hcp-key", "exchange", "--from", "C", "--to", "A"],
        7,
    );
}

#[test]
fn verify_with_a_wrong_fingerprint_is_an_integrity_error() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    s.unverify(&ks, "B");
    let before = fs::read(&ks).unwrap();
    let out = fails(
        &mut s.on(&ks),
        &[
            "owner",
            "verify",
            "B",
            "--fingerprint",
            &fixture_fingerprint("C"),
        ],
        5,
    );
    assert!(stderr(&out).contains("matches no public key of owner B"));
    assert!(stderr(&out).contains("do not verify it"));
    assert_eq!(fs::read(&ks).unwrap(), before);
    let b = json(&ok(&mut s.on(&ks), &["--json", "owner", "show", "B"]));
    assert_eq!(b["publicKeys"][0]["verified"], false);

    // Not a fingerprint at all: a usage error.
    fails(
        &mut s.on(&ks),
        &["owner", "verify", "B", "--fingerprint", "0123abcd"],
        2,
    );
}

#[test]
fn unknown_owners_and_missing_keystores_are_not_found() {
    let s = Sandbox::new();
    let out = fails(&mut s.ks("A"), &["owner", "show", "Z"], 3);
    assert!(stderr(&out).contains("no owner Z in the keystore"));
    assert!(stderr(&out).contains("ehrcrypt: hint: `ehrcrypt owner list`"));

    let out = fails(&mut s.on(&s.path("absent.json")), &["owner", "list"], 3);
    assert!(stderr(&out).contains("no keystore at"));
    assert!(stderr(&out).contains("ehrcrypt keygen"));
    assert!(!s.path("absent.json").exists());
}

#[test]
fn removing_an_owner_whose_private_key_is_here_needs_force() {
    let s = Sandbox::new();
    let out = fails(&mut s.ks("A"), &["owner", "remove", "A"], 7);
    assert!(stderr(&out).contains("key export-private"));
    ok(&mut s.ks("A"), &["owner", "remove", "--force", "A"]);
    ok(&mut s.ks("A"), &["owner", "remove", "P"]);
    let ids: Vec<Value> = json(&ok(&mut s.ks("A"), &["--json", "owner", "list"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].clone())
        .collect();
    assert_eq!(ids, ["B", "C"]);
}

#[test]
fn keygen_refuses_a_taken_id_and_bad_names_before_generating() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    let before = fs::read(&ks).unwrap();
    let out = fails(
        &mut s.on(&ks),
        &["keygen", "--name", "Again", "--kind", "hcp", "--id", "A"],
        7,
    );
    assert!(stderr(&out).contains("owner A already exists"));
    fails(
        &mut s.on(&ks),
        &["keygen", "--name", "Bad\u{1b}[2J", "--kind", "hcp"],
        2,
    );
    fails(
        &mut s.on(&ks),
        &["keygen", "--name", "x", "--kind", "hcp", "--id", ".."],
        2,
    );
    assert_eq!(fs::read(&ks).unwrap(), before);
}

#[test]
fn export_for_a_delegate_carries_only_that_pairs_exchange_keys() {
    let sb = Sandbox::new();
    let full = json(&ok(&mut sb.ks("A"), &["owner", "export", "A"]));
    let delegates: Vec<&String> = full["hcPartyKeys"].as_object().unwrap().keys().collect();
    assert_eq!(
        delegates,
        ["A", "B"],
        "the full document reveals {{AA}} and {{AB}}"
    );
    let only_b = json(&ok(
        &mut sb.ks("A"),
        &["owner", "export", "A", "--for", "B"],
    ));
    let delegates: Vec<&String> = only_b["hcPartyKeys"].as_object().unwrap().keys().collect();
    assert_eq!(delegates, ["B"]);
    let for_c = json(&ok(
        &mut sb.ks("A"),
        &["owner", "export", "A", "--for", "C"],
    ));
    assert!(
        for_c.get("hcPartyKeys").is_none(),
        "nothing for C yet: {for_c}"
    );
    // B can still open {AB} from the filtered document.
    let doc = sb.write("A.for-B.json", serde_json::to_vec(&only_b).unwrap());
    let ks_b = sb.keystore("B");
    ok(
        &mut sb.on(&ks_b),
        &["owner", "import", doc.to_str().unwrap()],
    );
    let out = ok(
        &mut sb.on(&ks_b),
        &["-v", "hcp-key", "check", "--as", "B", "A", "B"],
    );
    assert!(
        stderr(&out).contains("RSA decryptions: 1"),
        "{}",
        stderr(&out)
    );
}
