//! Issue 11, defect 10: `delegation list` holds only an entity's metadata.
//! Alone in its own test binary: a child's peak RSS counts the memory it
//! shares with this process before exec, so no other test may run beside it.

mod common;

use common::*;
use std::fs;

#[test]
fn delegation_list_does_not_hold_encrypted_self() {
    use std::io::Write;
    let sb = Sandbox::new();
    const MIB: usize = 1 << 20;
    const BIG: usize = 128 * MIB;
    let text = fs::read_to_string(fixture("entities/patient-1234.enc.json")).unwrap();
    let at = text.find("\"encryptedSelf\": \"").unwrap() + "\"encryptedSelf\": \"".len();
    // Written in pieces: this process stays small, and a child's peak
    // (which counts what it shares with us before exec) is its own.
    let p = sb.path("big.enc.json");
    let mut f = std::io::BufWriter::new(fs::File::create(&p).unwrap());
    f.write_all(&text.as_bytes()[..at]).unwrap();
    let block = vec![b'A'; MIB];
    for _ in 0..BIG / MIB {
        f.write_all(&block).unwrap();
    }
    f.write_all(b"\"\n}\n").unwrap();
    f.into_inner().unwrap().sync_all().unwrap();
    let mut cmd = std::process::Command::new(bin());
    cmd.args(["--json", "delegation", "list", p.to_str().unwrap()])
        .env_remove("EHRCRYPT_KEYSTORE")
        .stdout(std::process::Stdio::null());
    let (code, rss) = run_measured(&mut cmd);
    assert_eq!(code, 0);
    assert!(
        rss < (BIG as u64) / 3,
        "delegation list peaked at {} MiB",
        rss >> 20
    );
}
