//! `ehrcrypt agent`: keys unlocked once, used by later commands without the
//! passphrase, never handed out, forgotten at stop or at the end of the
//! lifetime; a private socket; errors that say what happened.

mod common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// A sandbox whose XDG_RUNTIME_DIR (where agents put their socket) is its own.
fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    private_dir(&s.path("run"));
    s
}

/// `ehrcrypt` on `who`'s keystore with the agent's runtime dir, and the
/// passphrase.
fn with_pass(s: &Sandbox, who: &str) -> Command {
    let mut c = s.ks(who);
    c.env("XDG_RUNTIME_DIR", s.path("run"));
    c
}

/// `ehrcrypt` on `who`'s keystore through the agent at `socket`, without
/// any passphrase.
fn via(s: &Sandbox, who: &str, socket: &Path) -> Command {
    let mut c = s.bare();
    c.env("EHRCRYPT_KEYSTORE", s.keystore(who))
        .env("EHRCRYPT_AGENT", socket)
        .env("XDG_RUNTIME_DIR", s.path("run"));
    c
}

/// A's `p.enc.json` decrypts through `socket`'s agent setting with the
/// passphrase given too, and the key was opened with it (the agent did
/// not hold it, or is gone).
fn decrypts_with_the_passphrase(s: &Sandbox, socket: &Path) {
    let mut c = via(s, "A", socket);
    c.env("EHRCRYPT_PASSPHRASE", PASSPHRASE);
    let out = ok(
        &mut c,
        &["-v", "entity", "decrypt", "--as", "A", "p.enc.json"],
    );
    assert!(
        stderr(&out).contains("private keys unlocked: 1"),
        "{}",
        stderr(&out)
    );
}

/// Starts an agent on `who`'s keystore; its status document. Two minutes
/// unless `extra` says otherwise: a failed test leaves no agent for long.
fn start(s: &Sandbox, who: &str, extra: &[&str]) -> Value {
    let mut args = vec!["--json", "agent", "start"];
    if !extra.contains(&"--lifetime") {
        args.extend(["--lifetime", "2m"]);
    }
    args.extend(extra);
    json(&ok(&mut with_pass(s, who), &args))
}

fn socket_of(status: &Value) -> PathBuf {
    PathBuf::from(status["socket"].as_str().expect("socket"))
}

fn stop(s: &Sandbox, socket: &Path) {
    ok(&mut via(s, "A", socket), &["agent", "stop"]);
}

#[test]
fn commands_use_the_agents_keys_without_the_passphrase() {
    let s = sandbox();
    s.keystore("B");
    std::fs::copy(fixture("entities/patient-1234.json"), s.path("p.json")).unwrap();
    let st = start(&s, "A", &[]);
    let socket = socket_of(&st);
    assert_eq!(st["format"], "ehrcrypt/agent-status/v1");
    assert_eq!(st["keys"][0]["owner"], "A");
    assert_eq!(
        st["keys"][0]["fingerprint"],
        fixture_fingerprint("A").as_str()
    );
    assert!(st["expires"].as_str().is_some(), "{st}");

    // Encrypt, decrypt, share: no passphrase anywhere, no key unlocked here.
    let enc = [
        "-v",
        "entity",
        "encrypt",
        "--as",
        "A",
        "--kind",
        "patient",
        "p.json",
        "-o",
        "p.enc.json",
    ];
    let out = ok(&mut via(&s, "A", &socket), &enc);
    assert!(
        stderr(&out).contains("private keys unlocked: 0"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("through the agent"),
        "{}",
        stderr(&out)
    );
    let out = ok(
        &mut via(&s, "A", &socket),
        &["-v", "entity", "decrypt", "--as", "A", "p.enc.json"],
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        read_json(&s.path("p.json"))
    );
    assert!(stderr(&out).contains("private keys unlocked: 0"));
    // A new exchange key A→B is signed by the agent.
    ok(
        &mut via(&s, "A", &socket),
        &["share", "--as", "A", "--with", "B", "p.enc.json"],
    );
    ok(
        &mut with_pass(&s, "A"),
        &["owner", "export", "A", "--for", "B", "-o", "A-for-B.json"],
    );
    ok(
        &mut with_pass(&s, "B"),
        &["owner", "import", "A-for-B.json"],
    );
    let out = ok(
        &mut with_pass(&s, "B"),
        &["entity", "decrypt", "--as", "B", "p.enc.json"],
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        read_json(&s.path("p.json"))
    );

    // A backup is signed by the agent too.
    let out = ok(
        &mut via(&s, "A", &socket),
        &[
            "-v",
            "backup",
            "create",
            "--as",
            "A",
            "p.enc.json",
            "-o",
            "bk",
            "--qr",
            "card.png",
        ],
    );
    assert!(
        stderr(&out).contains("private keys unlocked: 0"),
        "{}",
        stderr(&out)
    );

    // Stopped: the socket and its directory are gone, the keys with them,
    // and a command that needs a key says why it asks for the passphrase.
    let out = ok(&mut via(&s, "A", &socket), &["agent", "stop"]);
    assert_eq!(stdout(&out), "unset EHRCRYPT_AGENT;\n");
    assert!(!socket.parent().unwrap().exists());
    let out = fails(
        &mut via(&s, "A", &socket),
        &["entity", "decrypt", "--as", "A", "p.enc.json"],
        4,
    );
    assert!(stderr(&out).contains("agent"), "{}", stderr(&out));
    fails(&mut via(&s, "A", &socket), &["agent", "status"], 3);
}

#[test]
fn the_shell_lines_of_start_point_at_a_private_socket() {
    let s = sandbox();
    let out = ok(
        &mut with_pass(&s, "A"),
        &["agent", "start", "--lifetime", "10m"],
    );
    let line = stdout(&out);
    let path = line
        .strip_prefix("EHRCRYPT_AGENT='")
        .and_then(|l| l.split_once("'; export EHRCRYPT_AGENT;"))
        .map(|(p, _)| PathBuf::from(p))
        .unwrap_or_else(|| panic!("not a shell line: {line}"));
    assert!(path.starts_with(s.path("run")), "{}", path.display());
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(mode(&path), 0o600);
    let st = json(&ok(
        &mut via(&s, "A", &path),
        &["--json", "agent", "status"],
    ));
    assert_eq!(socket_of(&st), path);
    let text = stdout(&ok(&mut via(&s, "A", &path), &["agent", "status"]));
    assert!(text.contains(&fixture_fingerprint("A")[..4]), "{text}");
    // No secret in anything the agent printed.
    assert!(!line.contains(PASSPHRASE) && !stderr(&out).contains(PASSPHRASE));
    stop(&s, &path);
}

#[test]
fn a_key_the_agent_does_not_hold_is_opened_with_the_passphrase() {
    let s = sandbox();
    let st = start(&s, "B", &[]);
    let socket = socket_of(&st);
    std::fs::copy(
        fixture("entities/patient-1234.enc.json"),
        s.path("p.enc.json"),
    )
    .unwrap();
    decrypts_with_the_passphrase(&s, &socket);
    stop(&s, &socket);
}

#[test]
fn start_reports_the_agents_error_and_leaves_nothing() {
    let s = sandbox();
    let mut c = with_pass(&s, "A");
    c.env("EHRCRYPT_PASSPHRASE", "not the passphrase");
    let out = fails(&mut c, &["agent", "start"], 4);
    assert!(
        stderr(&out).contains("wrong passphrase"),
        "{}",
        stderr(&out)
    );
    // Nothing left in the runtime directory.
    assert_eq!(std::fs::read_dir(s.path("run")).unwrap().count(), 0);
    let out = fails(&mut with_pass(&s, "A"), &["agent", "start", "--as", "C"], 3);
    assert!(stderr(&out).contains('C'), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(s.path("run")).unwrap().count(), 0);
    fails(
        &mut with_pass(&s, "A"),
        &["agent", "start", "--lifetime", "soon"],
        2,
    );
    fails(
        &mut with_pass(&s, "A"),
        &["agent", "start", "--lifetime", "2years"],
        2,
    );
    fails(&mut s.bare(), &["agent", "stop"], 3);
}

#[test]
fn the_agent_ends_with_its_lifetime() {
    let s = sandbox();
    let socket = socket_of(&start(&s, "A", &["--lifetime", "1s"]));
    // Polled (no timed assertion): it must be gone well within a minute.
    let deadline = Instant::now() + Duration::from_secs(60);
    while socket.parent().unwrap().exists() {
        assert!(Instant::now() < deadline, "the agent outlived its lifetime");
        std::thread::sleep(Duration::from_millis(100));
    }
    fails(&mut via(&s, "A", &socket), &["agent", "status"], 3);
}

#[test]
fn run_refuses_a_directory_others_can_enter() {
    let s = sandbox();
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir(s.path("shared")).unwrap();
    std::fs::set_permissions(s.path("shared"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let sock = s.path("shared/agent.sock");
    let out = fails(
        &mut with_pass(&s, "A"),
        &["agent", "run", "--socket", sock.to_str().unwrap()],
        7,
    );
    assert!(stderr(&out).contains("yours alone"), "{}", stderr(&out));
    assert!(!sock.exists());
}

#[test]
fn garbage_on_the_socket_is_answered_or_dropped_and_the_agent_goes_on() {
    let s = sandbox();
    let socket = socket_of(&start(&s, "A", &[]));
    // A frame claiming 4 GiB: refused before allocating, connection closed.
    let mut c = UnixStream::connect(&socket).unwrap();
    c.write_all(&u32::MAX.to_be_bytes()).unwrap();
    let mut rest = Vec::new();
    let _ = c.read_to_end(&mut rest);
    assert!(rest.is_empty());
    // A well-framed request of an unknown version: refused (status 3).
    let mut c = UnixStream::connect(&socket).unwrap();
    c.write_all(&[0, 0, 0, 2, 9, 1]).unwrap();
    let mut len = [0u8; 4];
    c.read_exact(&mut len).unwrap();
    let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
    c.read_exact(&mut body).unwrap();
    assert_eq!(&body[..2], &[1, 3], "version 1, status refused");
    // An unwrap of an exchange key with a key it does not hold: "no key".
    let label = ctx(&["ehrcrypt/hcp-key/v1", "wrap", "id"]);
    let body = raw(&socket, 2, &[&[7u8; 32], &label, &[0u8; 256]]);
    assert_eq!(&body[..2], &[1, 1], "version 1, status no key");
    // Still serving.
    ok(&mut via(&s, "A", &socket), &["agent", "status"]);
    stop(&s, &socket);
}

/// Sends one raw request frame on a new connection; the response body.
fn raw(socket: &Path, op: u8, fields: &[&[u8]]) -> Vec<u8> {
    let mut req = vec![1u8, op];
    for f in fields {
        req.extend_from_slice(&(f.len() as u32).to_be_bytes());
        req.extend_from_slice(f);
    }
    let mut frame = (req.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(&req);
    let mut c = UnixStream::connect(socket).unwrap();
    c.write_all(&frame).unwrap();
    let mut len = [0u8; 4];
    c.read_exact(&mut len).unwrap();
    let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
    c.read_exact(&mut body).unwrap();
    body
}

/// A context as ehrcrypt encodes it: u32be(len) || part, for each part.
fn ctx(parts: &[&str]) -> Vec<u8> {
    let mut v = Vec::new();
    for p in parts {
        v.extend_from_slice(&(p.len() as u32).to_be_bytes());
        v.extend_from_slice(p.as_bytes());
    }
    v
}

fn fingerprint_bytes(who: &str) -> Vec<u8> {
    let hex = fixture_fingerprint(who);
    (0..64)
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn the_agent_signs_and_opens_only_what_the_everyday_commands_need() {
    let s = sandbox();
    let socket = socket_of(&start(&s, "A", &[]));
    let fp = fingerprint_bytes("A");
    // A research pre-key, a D2D statement, anything else: refused (3).
    for message in [
        ctx(&["ehrcrypt/research-prekey/v1", "x"]),
        b"any bytes at all".to_vec(),
        ctx(&["ehrcrypt/hcp-key/v1", "wrap"]),
    ] {
        assert_eq!(
            &raw(&socket, 3, &[&fp, &message])[..2],
            &[1, 3],
            "{message:?}"
        );
    }
    // An exchange-key record is signed (0).
    let rec = ctx(&["ehrcrypt/hcp-key/v1", "record", "some id"]);
    assert_eq!(&raw(&socket, 3, &[&fp, &rec])[..2], &[1, 0]);
    // Unwrap under a label outside the exchange keys: refused before RSA.
    let label = ctx(&["ehrcrypt/lookup-cache/v1"]);
    assert_eq!(&raw(&socket, 2, &[&fp, &label, &[0u8; 256]])[..2], &[1, 3]);
    // Inside: tried, and a ciphertext that is no wrap fails (2).
    let label = ctx(&["ehrcrypt/hcp-key/v1", "wrap", "id"]);
    assert_eq!(&raw(&socket, 2, &[&fp, &label, &[0u8; 256]])[..2], &[1, 2]);
    stop(&s, &socket);
}

fn kill(signal: &str, pid: &str) {
    let done = std::process::Command::new("kill")
        .args([signal, pid])
        .status()
        .unwrap();
    assert!(done.success(), "kill {signal} {pid}");
}

#[test]
fn an_agent_that_died_leaves_commands_to_the_passphrase_and_its_socket_to_the_next() {
    let s = sandbox();
    std::fs::copy(
        fixture("entities/patient-1234.enc.json"),
        s.path("p.enc.json"),
    )
    .unwrap();
    let st = start(&s, "A", &[]);
    let socket = socket_of(&st);
    kill("-KILL", &st["pid"].as_i64().unwrap().to_string());
    // Gone without cleaning up: the socket file stays, nobody listens.
    let deadline = Instant::now() + Duration::from_secs(30);
    while UnixStream::connect(&socket).is_ok() {
        assert!(Instant::now() < deadline, "the agent outlived SIGKILL");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(socket.exists());
    decrypts_with_the_passphrase(&s, &socket);
    let out = fails(
        &mut via(&s, "A", &socket),
        &["entity", "decrypt", "--as", "A", "p.enc.json"],
        4,
    );
    assert!(stderr(&out).contains("agent"), "{}", stderr(&out));
    // `agent run` on the dead socket replaces it; `0`: until stopped.
    let mut cmd = std::process::Command::new(bin());
    cmd.current_dir(s.dir())
        .env("EHRCRYPT_KEYSTORE", s.keystore("A"))
        .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
        .env_remove("EHRCRYPT_AGENT");
    let (mut fg, st) = agent_in_foreground(cmd, &socket);
    assert!(st["expires"].is_null(), "{st}");
    // A live agent's socket is not taken over.
    let out = fails(
        &mut with_pass(&s, "A"),
        &["agent", "run", "--socket", socket.to_str().unwrap()],
        7,
    );
    assert!(stderr(&out).contains("already listens"), "{}", stderr(&out));
    // SIGTERM: keys forgotten, socket removed; the directory, not made
    // by this `agent run`, stays.
    kill("-TERM", &fg.id().to_string());
    assert!(fg.wait().unwrap().success());
    assert!(!socket.exists());
    assert!(socket.parent().unwrap().exists());
}
