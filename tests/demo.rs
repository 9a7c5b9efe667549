//! README's first command must work: `ehrcrypt demo` runs the whole flow.

use assert_cmd::Command;

#[test]
fn demo_runs_the_whole_flow_and_cleans_up() {
    let keep = tempfile::tempdir().unwrap();
    let dir = keep.path().join("demo");
    let out = Command::cargo_bin("ehrcrypt")
        .unwrap()
        .args(["demo", "--keep"])
        .arg(&dir)
        .env_remove("EHRCRYPT_KEYSTORE")
        .env_remove("EHRCRYPT_PASSPHRASE")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Demo complete."), "{text}");
    for step in [
        "exit code 7, as expected",
        "RSA decryptions: 1",
        "exit code 5, as expected",
        "encryptedSelf byte-identical after sharing: yes",
        "exit code 8, as expected",
        "access log: 1 record(s)",
    ] {
        assert!(text.contains(step), "the demo shows {step:?}:\n{text}");
    }
    assert!(dir.join("card.png").exists() && dir.join("bucket").is_dir());
    // Without --keep the throw-away directory is removed.
    let out = Command::cargo_bin("ehrcrypt")
        .unwrap()
        .arg("demo")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let tmp = text
        .lines()
        .next()
        .and_then(|l| l.split(" in ").last())
        .unwrap()
        .trim();
    assert!(!std::path::Path::new(tmp).exists(), "{tmp} removed");
}
