//! The conventions every command follows (README, "Conventions"; issue 10):
//! every subcommand has `--help` with EXAMPLES; no command ever exits 101,
//! a closed stdout included; `--json` prints one document of the shape
//! documented in docs/JSON.md, and errors under `--json` are one JSON
//! object on stderr.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command as StdCommand, Output, Stdio};

use common::ca::{openssl_present, Ca};
use common::listener::Listener;
use common::*;
use serde_json::Value;

/// Every leaf command, found from `--help` itself, so a new command cannot
/// be missed by these tests.
fn leaf_commands() -> Vec<Vec<String>> {
    fn walk(s: &Sandbox, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        let mut args = path.clone();
        args.push("--help".into());
        let text = stdout(&ok(
            &mut s.bare(),
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        ));
        let subs: Vec<String> = text
            .lines()
            .skip_while(|l| !l.starts_with("Commands:"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            // Wrapped descriptions are indented further than the names.
            .filter(|l| !l.starts_with("   "))
            .filter_map(|l| l.split_whitespace().next())
            .filter(|c| *c != "help")
            .map(String::from)
            .collect();
        if subs.is_empty() {
            out.push(path.clone());
        }
        for c in subs {
            let mut p = path.clone();
            p.push(c);
            walk(s, p, out);
        }
    }
    let mut out = Vec::new();
    walk(&Sandbox::new(), Vec::new(), &mut out);
    out
}

/// The shapes of docs/JSON.md, by command name.
fn shapes() -> BTreeMap<String, Value> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/JSON.md"))
        .expect("read docs/JSON.md");
    let mut out = BTreeMap::new();
    let mut name = String::new();
    let mut block: Option<String> = None;
    for line in doc.lines() {
        if let Some(b) = block.as_mut() {
            if line == "```" {
                let v: Value = serde_json::from_str(b)
                    .unwrap_or_else(|e| panic!("docs/JSON.md, shape of {name}: {e}"));
                out.insert(name.clone(), v);
                block = None;
            } else {
                b.push_str(line);
            }
        } else if let Some(n) = line.strip_prefix("### ") {
            name = n.trim().to_string();
        } else if line == "```shape" {
            block = Some(String::new());
        }
    }
    out
}

/// Checks `v` against a shape of docs/JSON.md (notation explained there).
fn check(shape: &Value, v: &Value, at: &str) -> Result<(), String> {
    match shape {
        Value::String(t) => check_leaf(t, v, at),
        Value::Array(a) => {
            let items = v.as_array().ok_or(format!("{at}: not an array: {v}"))?;
            items
                .iter()
                .enumerate()
                .try_for_each(|(i, x)| check(&a[0], x, &format!("{at}[{i}]")))
        }
        Value::Object(m) => {
            let o = v.as_object().ok_or(format!("{at}: not an object: {v}"))?;
            if let (1, Some(s)) = (m.len(), m.get("*")) {
                return o
                    .iter()
                    .try_for_each(|(k, x)| check(s, x, &format!("{at}.{k}")));
            }
            for (k, s) in m {
                let (key, optional) = match k.strip_suffix('?') {
                    Some(key) => (key, true),
                    None => (k.as_str(), false),
                };
                match o.get(key) {
                    None if optional => {}
                    None => return Err(format!("{at}: no field {key:?} in {v}")),
                    Some(x) => check(s, x, &format!("{at}.{key}"))?,
                }
            }
            for k in o.keys() {
                if !m.contains_key(k) && !m.contains_key(&format!("{k}?")) {
                    return Err(format!("{at}: field {k:?} is not documented"));
                }
            }
            Ok(())
        }
        other => Err(format!("{at}: bad shape {other}")),
    }
}

fn check_leaf(t: &str, v: &Value, at: &str) -> Result<(), String> {
    let (t, nullable) = match t.strip_suffix('?') {
        Some(t) => (t, true),
        None => (t, false),
    };
    if nullable && v.is_null() {
        return Ok(());
    }
    let s = v.as_str();
    let hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    let ok = match t {
        "any" => true,
        "string" | "path" => s.is_some(),
        "bool" => v.is_boolean(),
        "int" => v.is_u64() || v.is_i64(),
        "time" => s.is_some_and(|s| s.len() >= 20 && s.as_bytes()[10] == b'T' && s.ends_with('Z')),
        "fingerprint" => {
            s.is_some_and(|s| s.len() == 64 && hex(s) && !s.bytes().any(|b| b.is_ascii_uppercase()))
        }
        "hex" => s.is_some_and(hex),
        alternatives if alternatives.contains('|') => {
            s.is_some_and(|s| alternatives.split('|').any(|a| a == s))
        }
        other => return Err(format!("{at}: unknown type {other:?} in the shape")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{at}: {v} is not {t}"))
    }
}

/// One run of every command on the fixtures, each step: the command name
/// (as in docs/JSON.md), the keystore it runs on, its arguments.
fn scenario(s: &Sandbox) -> Vec<(&'static str, String, Vec<String>)> {
    for who in ["A", "P"] {
        s.keystore(who);
    }
    for f in [
        "patient-1234.json",
        "patient-1234.enc.json",
        "contact-4567.enc.json",
        "contact-4567.json",
    ] {
        std::fs::copy(fixture(&format!("entities/{f}")), s.path(f)).unwrap();
    }
    let fp_b = fixture_fingerprint("B");
    let c_doc = fixture("keys/C.owner.json").display().to_string();
    s.keystore("C");
    let steps: Vec<(&str, &str, &str)> = vec![
        ("keygen", "new", "keygen --name X --kind hcp --id x"),
        ("key add", "new", "key add x"),
        ("owner list", "A", "owner list"),
        ("owner show", "A", "owner show B"),
        ("owner export", "A", "owner export A -o ax.json"),
        ("owner import", "A", "owner import C_DOC"),
        ("owner verify", "A", "owner verify B --fingerprint FP_B"),
        ("owner fingerprint", "A", "owner fingerprint A"),
        ("key export-private", "A", "key export-private A -o a.pem"),
        ("key import-private", "A", "key import-private A a.pem"),
        ("hcp-key exchange", "A", "hcp-key exchange --from A --to B"),
        ("hcp-key list", "A", "hcp-key list"),
        ("hcp-key show", "A", "hcp-key show A B"),
        ("hcp-key check", "A", "hcp-key check --as A A B"),
        (
            "entity encrypt",
            "A",
            "entity encrypt --as A --kind patient patient-1234.json -o p.enc.json",
        ),
        (
            "entity decrypt",
            "A",
            "entity decrypt --as A p.enc.json -o p.json",
        ),
        (
            "entity children",
            "A",
            "entity children --as A patient-1234.enc.json contact-4567.enc.json",
        ),
        (
            "entity parent",
            "A",
            "entity parent --as A contact-4567.enc.json patient-1234.enc.json",
        ),
        (
            "delegation share",
            "A",
            "delegation share --as A --with C p.enc.json",
        ),
        ("delegation list", "A", "delegation list p.enc.json"),
        (
            "delegation list",
            "A",
            "delegation list --as A p.enc.json patient-1234.enc.json",
        ),
        (
            "entity upgrade",
            "A",
            "entity upgrade --as A contact-4567.enc.json",
        ),
        (
            "delegation revoke",
            "A",
            "delegation revoke --as A --from C p.enc.json",
        ),
        ("delegation share", "A", "share --as A --with C p.enc.json"),
        (
            "backup create",
            "P",
            "backup create --as P patient-1234.json --bucket bk --qr card.png",
        ),
        ("backup inspect", "P", "backup inspect bk --qr card.png"),
        (
            "backup restore",
            "P",
            "backup restore --qr card.png bk --out-dir rs",
        ),
        (
            "emergency decrypt",
            "A",
            "emergency decrypt --qr card.png bk --signer P --as A --out-dir er",
        ),
        (
            "emergency append",
            "A",
            "emergency append --qr card.png bk --signer P --as A contact-4567.json",
        ),
        (
            "fhir import",
            "A",
            "fhir import --as A BUNDLE --out-dir fhir-records",
        ),
        (
            "fhir export",
            "A",
            "fhir export --as A fhir-records -o fhir-back.json --force",
        ),
        ("demo", "A", "demo"),
    ];
    #[cfg(feature = "research")]
    let steps = [
        steps,
        vec![
            ("research init", "C", "research init --as C"),
            ("owner export", "C", "owner export C -o c-research.owner.json"),
            ("owner import", "A", "owner import c-research.owner.json"),
            ("research publish", "A", "research publish --as A --study s1 BUNDLE --out study"),
            (
                "research grant",
                "A",
                "research grant --as A --to C --study s1 --threshold 1 --proxies 1 study --out-dir frags",
            ),
            ("research proxy", "A", "research proxy --fragment FRAGMENT study"),
            ("research open", "C", "research open --as C study --out-dir opened"),
            ("research reidentify", "A", "research reidentify --as A --study s1 study PSEUDONYM"),
            ("research revoke", "A", "research revoke --as A --from C --study s1 study"),
        ],
    ]
    .concat();
    let mut steps = steps;
    steps.extend(icure_steps());
    // Last: the research steps above still need C in A's keystore.
    steps.push(("owner remove", "A", "owner remove C --force"));
    let bundle = fixture("research/clinic-bundle.json").display().to_string();
    let icure = format!("{}/", fixture("icure/icure-api-6.4.4").display());
    steps
        .into_iter()
        .map(|(name, ks, args)| {
            let args = args
                .replace("C_DOC", &c_doc)
                .replace("FP_B", &fp_b)
                .replace("ICURE/", &icure);
            #[cfg(feature = "research")]
            let args = args.replace("BUNDLE", &bundle);
            (
                name,
                ks.to_string(),
                args.split(' ').map(String::from).collect(),
            )
        })
        .collect()
}

/// `ehrcrypt icure …` on the `@icure/api` 6.4.4 fixtures (`ICURE/`), in a
/// keystore of their own: A's and B's downloaded keys, the three owners.
fn icure_steps() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (
            "icure import-key",
            "icure",
            "icure import-key ICURE/keys/hcp-a.pkcs8.hex --id hcp-a",
        ),
        (
            "icure import-key",
            "icure",
            "icure import-key ICURE/keys/hcp-b.pkcs8.hex --id hcp-b",
        ),
        (
            "icure import-owner",
            "icure",
            "icure import-owner ICURE/owners/hcp-a.json ICURE/owners/hcp-b.json ICURE/owners/patient-p.json",
        ),
        (
            "icure decrypt",
            "icure",
            "icure decrypt --as hcp-b ICURE/records/patient-1234.json -o icure-patient.json --force",
        ),
        ("icure check", "icure", "icure check --as hcp-b ICURE/records"),
        (
            "icure migrate",
            "icure",
            "icure migrate --as hcp-b ICURE/records -o icure-migrated --force",
        ),
        (
            "icure share",
            "icure",
            "icure share --as hcp-a --with patient-p ICURE/records/healthelement-7890.json --i-know-it-is-unauthenticated -o icure-shared.json --force",
        ),
    ]
}

/// Arguments only known once earlier steps ran: the key fragment a grant
/// wrote, a pseudonym in the records a study opened to.
fn resolve(s: &Sandbox, args: &[String]) -> Vec<String> {
    let first_file = |dir: &str| {
        let mut names: Vec<_> = std::fs::read_dir(s.path(dir))
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        names.sort();
        names.into_iter().next()
    };
    args.iter()
        .map(|a| match a.as_str() {
            "FRAGMENT" => first_file("frags")
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            "PSEUDONYM" => first_file("opened")
                .and_then(|p| std::fs::read_to_string(p).ok())
                .and_then(|t| {
                    let i = t.find("psn-")?;
                    let end = t[i..].find('"')? + i;
                    Some(t[i..end].to_string())
                })
                .unwrap_or_default(),
            _ => a.clone(),
        })
        .collect()
}

fn command(s: &Sandbox, ks: &str) -> StdCommand {
    let mut c = StdCommand::new(bin());
    c.current_dir(s.dir())
        .env("EHRCRYPT_KEYSTORE", s.path(&format!("{ks}.keystore.json")))
        .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
        .env("HOME", s.dir())
        .env("XDG_DATA_HOME", s.path("xdg-data"))
        .env_remove("EHRCRYPT_CONFIG")
        .env_remove("EHRCRYPT_AGENT")
        .env("EHRCRYPT_NO_PROMPT", "1")
        .stdin(Stdio::null());
    c
}

/// The writing end of a pipe whose reader is gone: every write to it
/// fails with EPIPE, as `| head` does once it has its lines.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

/// `ehrcrypt ARGS` with stdout closed ends with exit 0.
fn assert_quiet_end(s: &Sandbox, args: &[&str]) {
    let out = command(s, "A")
        .args(args)
        .stdout(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
}

fn no_panic(out: &Output, what: &str) {
    assert_ne!(
        out.status.code(),
        Some(101),
        "{what}: exit 101\n{}",
        stderr(out)
    );
    assert!(!stderr(out).contains("panicked"), "{what}: {}", stderr(out));
}

#[test]
fn every_command_prints_json_of_the_documented_shape() {
    let shapes = shapes();
    let s = Sandbox::new();
    let mut covered = std::collections::BTreeSet::new();
    for (name, ks, args) in scenario(&s) {
        let args = resolve(&s, &args);
        let out = command(&s, &ks).arg("--json").args(&args).output().unwrap();
        no_panic(&out, &args.join(" "));
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e}):\n{}", stdout(&out)));
        let shape = shapes
            .get(name)
            .unwrap_or_else(|| panic!("docs/JSON.md has no shape for {name}"));
        if let Err(e) = check(shape, &v, name) {
            panic!("{args:?}: output does not match docs/JSON.md: {e}");
        }
        covered.insert(name);
    }
    // Certificates (openssl as the CA) and device to device (two processes).
    let pki = pki_outputs(&s);
    let no_openssl = pki.is_none();
    for (name, v) in pki
        .unwrap_or_default()
        .into_iter()
        .chain(d2d_outputs(&s))
        .chain(agent_outputs(&s))
    {
        let shape = shapes
            .get(name)
            .unwrap_or_else(|| panic!("docs/JSON.md has no shape for {name}"));
        if let Err(e) = check(shape, &v, name) {
            panic!("{name}: output does not match docs/JSON.md: {e}");
        }
        covered.insert(name);
    }
    // Every leaf command has a shape and ran here (completions refuses --json).
    for cmd in leaf_commands() {
        let name = match cmd.join(" ").as_str() {
            "share" => "delegation share".to_string(),
            other => other.to_string(),
        };
        if name == "completions" {
            continue;
        }
        if no_openssl && PKI_COMMANDS.contains(&name.as_str()) {
            continue;
        }
        assert!(
            covered.contains(name.as_str()),
            "no --json check for `ehrcrypt {name}`"
        );
    }
}

/// The certificate commands, which need openssl to play the CA.
const PKI_COMMANDS: [&str; 6] = [
    "owner csr",
    "owner import-cert",
    "trust add",
    "trust list",
    "trust remove",
    "trust crl add",
];

/// `ehrcrypt --json ARGS` on `ks`'s keystore, which must succeed with one
/// JSON document.
fn run_json(s: &Sandbox, ks: &str, args: &[&str]) -> Value {
    let out = command(s, ks).arg("--json").args(args).output().unwrap();
    no_panic(&out, &args.join(" "));
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e}):\n{}", stdout(&out)))
}

/// The certificate commands' output, with openssl as the CA (tests/pki.rs
/// does the same); `None`, after one line, where openssl is not installed.
fn pki_outputs(s: &Sandbox) -> Option<Vec<(&'static str, Value)>> {
    if !openssl_present() {
        eprintln!("skipping the certificate commands: openssl is not installed");
        return None;
    }
    let dir = s.path("ca");
    std::fs::create_dir_all(&dir).unwrap();
    let ca = Ca::new(&dir, "JSON issuing CA");
    let p = |p: &Path| p.display().to_string();
    let csr = s.path("A.csr");
    let mut out = vec![(
        "owner csr",
        run_json(s, "A", &["owner", "csr", "A", "-o", &p(&csr)]),
    )];
    let cert = ca.issue(&csr, "A.pem", "v3_owner", None);
    let added = run_json(s, "A", &["trust", "add", &p(&ca.root())]);
    let fp = added["fingerprint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    out.push(("trust add", added));
    let steps: [(&str, Vec<String>); 4] = [
        (
            "owner import-cert",
            vec![
                "owner".into(),
                "import-cert".into(),
                "A".into(),
                p(&cert),
                p(&ca.inter()),
            ],
        ),
        (
            "trust crl add",
            vec![
                "trust".into(),
                "crl".into(),
                "add".into(),
                p(&ca.crl("inter.crl")),
            ],
        ),
        ("trust list", vec!["trust".into(), "list".into()]),
        ("trust remove", vec!["trust".into(), "remove".into(), fp]),
    ];
    for (name, args) in steps {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        out.push((name, run_json(s, "A", &args)));
    }
    Some(out)
}

/// `pair`, then `send` and `receive`, each as two processes (the listener
/// as C, the connector as A); the listener's result follows its
/// `{"listening", "code"}` line.
fn d2d_outputs(s: &Sandbox) -> Vec<(&'static str, Value)> {
    let listener_result = |l: Listener| -> Value {
        let (code, out, err) = l.finish();
        assert_eq!(code, 0, "listener: {err}");
        serde_json::from_str(out.trim())
            .unwrap_or_else(|e| panic!("listener: not one JSON document ({e}):\n{out}"))
    };
    let mut out = Vec::new();
    let l = Listener::start(s, "C", &["--json", "pair", "--as", "C"]);
    let (code, addr) = (l.code.clone(), l.addr.clone());
    out.push((
        "pair",
        run_json(s, "A", &["pair", "--as", "A", "--code", &code, &addr]),
    ));
    out.push(("pair", listener_result(l)));
    let l = Listener::start(
        s,
        "C",
        &[
            "--json",
            "receive",
            "--as",
            "C",
            "--from",
            "A",
            "--out-dir",
            "inbox",
        ],
    );
    let (code, addr) = (l.code.clone(), l.addr.clone());
    let args = [
        "send",
        "--as",
        "A",
        "--to",
        "C",
        "--code",
        &code,
        "--connect",
        &addr,
        "patient-1234.enc.json",
    ];
    out.push(("send", run_json(s, "A", &args)));
    out.push(("receive", listener_result(l)));
    out
}

/// `agent start`, `status`, `stop`, and `agent run` in the foreground
/// (its one ready line), each agent stopped at the end.
fn agent_outputs(s: &Sandbox) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    let started = run_json(s, "A", &["agent", "start", "--lifetime", "5m"]);
    let socket = started["socket"].as_str().unwrap().to_string();
    out.push(("agent start", started));
    let via = |args: &[&str]| -> Value {
        let o = command(s, "A")
            .env("EHRCRYPT_AGENT", &socket)
            .arg("--json")
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    out.push(("agent status", via(&["agent", "status"])));
    out.push(("agent stop", via(&["agent", "stop"])));
    private_dir(&s.path("agent-run"));
    let sock = s.path("agent-run/a.sock");
    let (mut fg, ready) = agent_in_foreground(command(s, "A"), &sock);
    out.push(("agent run", ready));
    let stop = command(s, "A")
        .env("EHRCRYPT_AGENT", &sock)
        .args(["agent", "stop"])
        .output()
        .unwrap();
    assert!(stop.status.success(), "{}", stderr(&stop));
    assert!(fg.wait().unwrap().success());
    out
}

#[test]
fn errors_under_json_are_one_json_object_on_stderr() {
    let shapes = shapes();
    let shape = &shapes["error"];
    let s = Sandbox::new();
    for cmd in leaf_commands() {
        // A usage error (clap) and a runtime error (no keystore, a missing file).
        for extra in [&["--no-such-option"][..], &[]] {
            let mut args = vec!["--json".to_string()];
            args.extend(cmd.iter().cloned());
            args.extend(extra.iter().map(|s| s.to_string()));
            let out = command(&s, "missing").args(&args).output().unwrap();
            no_panic(&out, &args.join(" "));
            if out.status.success() {
                continue; // e.g. `owner list` with nothing to do
            }
            let err = stderr(&out);
            let v: Value = serde_json::from_str(err.trim()).unwrap_or_else(|e| {
                panic!("{args:?}: stderr is not one JSON object ({e}):\n{err}")
            });
            check(shape, &v, "error").unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert_eq!(Some(v["exit"].as_i64().unwrap() as i32), out.status.code());
        }
    }
}

#[test]
fn a_closed_stdout_never_makes_a_command_fail() {
    let s = Sandbox::new();
    for (_, ks, args) in scenario(&s) {
        let args = resolve(&s, &args);
        for json in [false, true] {
            if json && args[0] == "keygen" {
                continue; // the id exists after the first run
            }
            let mut c = command(&s, &ks);
            if json {
                c.arg("--json");
            }
            let out = c
                .args(&args)
                .stdout(closed_pipe())
                .stderr(Stdio::piped())
                .output()
                .unwrap();
            no_panic(&out, &args.join(" "));
            // Steps that write into a directory cannot run twice.
            if json
                && ["backup", "emergency", "entity", "owner", "key", "research"]
                    .contains(&args[0].as_str())
            {
                continue;
            }
            assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        }
    }
    for shell in ["bash", "zsh", "fish"] {
        let args = ["completions", shell];
        assert_quiet_end(&s, &args);
    }
}

#[test]
fn every_command_has_help_with_examples() {
    let s = Sandbox::new();
    for cmd in leaf_commands() {
        let mut args: Vec<&str> = cmd.iter().map(String::as_str).collect();
        args.push("--help");
        let text = stdout(&ok(&mut s.bare(), &args));
        assert!(
            text.to_lowercase().contains("\nexamples:\n"),
            "ehrcrypt {}: no examples\n{text}",
            cmd.join(" ")
        );
        assert!(
            text.contains("Global options:"),
            "ehrcrypt {}: global options not apart\n{text}",
            cmd.join(" ")
        );
        // Every option says what it does.
        let options = text
            .split("\nExamples:")
            .next()
            .and_then(|t| t.split("\nEXAMPLES:").next())
            .unwrap_or_default();
        // Option lines are indented by at most 6 spaces; wrapped help text
        // further.
        let is_option = |l: &&str| {
            let indent = l.len() - l.trim_start().len();
            indent <= 6 && l.trim_start().starts_with('-')
        };
        for line in options.lines().filter(is_option) {
            let has_text = line
                .trim()
                .split("  ")
                .filter(|p| !p.trim().is_empty())
                .count()
                > 1;
            let next_is_text = text
                .lines()
                .skip_while(|l| *l != line)
                .nth(1)
                .is_some_and(|n| n.starts_with("          ") && !n.trim_start().starts_with('-'));
            assert!(
                has_text || next_is_text,
                "ehrcrypt {}: option without help: {line}",
                cmd.join(" ")
            );
        }
        // A closed stdout under --help is a quiet success too.
        assert_quiet_end(&s, &args);
    }
}

#[test]
fn usage_errors_use_ehrcrypts_one_style() {
    let s = Sandbox::new();
    let out = fails(&mut s.bare(), &["owner", "lst"], 2);
    let err = stderr(&out);
    assert!(err.starts_with("ehrcrypt: error: "), "{err}");
    assert!(err.contains("ehrcrypt: hint: "), "{err}");
    assert!(!err.contains('\u{1b}'), "no colour codes: {err:?}");
}
