//! Issue 13: a large JSON record is encrypted and decrypted in bounded
//! memory (docs/FORMAT.md §8.4), whether its `id` comes first or last.
//! Alone in its own test binary: a child's peak RSS counts the memory it
//! shares with this process before exec, so no other test may run beside it.

mod common;

use common::*;
use std::fs;
use std::io::Write;

const MIB: usize = 1 << 20;
/// The record's size: more than twice the bound, so that holding it once
/// (as before) fails.
const BIG: usize = 160 * MIB;
/// The bound (issue 13: < 64 MB at any size).
const BOUND: u64 = 64 * MIB as u64;

/// `ehrcrypt ARGS` as `who` in the sandbox, measured.
fn measured(s: &Sandbox, who: &str, args: &[&str], stdin: Option<&str>) -> u64 {
    let mut cmd = std::process::Command::new(bin());
    cmd.current_dir(s.dir())
        .env("EHRCRYPT_KEYSTORE", s.keystore(who))
        .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
        .env("EHRCRYPT_NO_PROMPT", "1")
        .env("HOME", s.dir())
        .args(args)
        .stdout(std::process::Stdio::null());
    if let Some(f) = stdin {
        cmd.stdin(fs::File::open(s.path(f)).unwrap());
    }
    let (code, rss) = run_measured(&mut cmd);
    assert_eq!(code, 0, "ehrcrypt {args:?}");
    assert!(
        rss < BOUND,
        "ehrcrypt {args:?} peaked at {} MiB for a {} MiB record",
        rss >> 20,
        BIG / MIB
    );
    rss
}

#[test]
fn a_large_record_is_encrypted_and_decrypted_in_bounded_memory() {
    let s = Sandbox::new();
    for (name, head, tail) in [
        ("first", r#"{"id": "big", "entry": ["#, "]}"),
        ("last", r#"{"entry": ["#, r#"], "id": "big"}"#),
    ] {
        // Written in pieces: this process stays small.
        let plain = format!("{name}.json");
        let mut f = std::io::BufWriter::new(fs::File::create(s.path(&plain)).unwrap());
        f.write_all(head.as_bytes()).unwrap();
        let item = br#"{"code": "8867-4", "value": 71.25, "unit": "bpm", "note": "ok"}, "#;
        let mut n = 0;
        while n < BIG {
            f.write_all(item).unwrap();
            n += item.len();
        }
        f.write_all(br#"{"code": "8867-4"}"#).unwrap();
        f.write_all(tail.as_bytes()).unwrap();
        f.into_inner().unwrap().sync_all().unwrap();
        let enc = format!("{name}.enc.json");
        let back = format!("{name}.back.json");
        let encrypt = ["entity", "encrypt", "--as", "A", "--kind", "form"];
        let from_file = [&encrypt[..], &["--share-with", "B", &plain, "-o", &enc]].concat();
        measured(&s, "A", &from_file, None);
        let decrypt = ["entity", "decrypt", "--as", "B", &enc];
        measured(&s, "B", &[&decrypt[..], &["-o", &back]].concat(), None);
        measured(&s, "B", &decrypt, None);
        assert_eq!(
            fs::metadata(s.path(&back)).unwrap().len(),
            fs::metadata(s.path(&plain)).unwrap().len()
        );
        fs::remove_file(s.path(&back)).unwrap();
        // From standard input.
        fs::remove_file(s.path(&enc)).unwrap();
        for car in sidecars(&s, &enc) {
            fs::remove_file(car).unwrap();
        }
        measured(
            &s,
            "A",
            &[&encrypt[..], &["-", "-o", &enc]].concat(),
            Some(&plain),
        );
        fs::remove_file(s.path(&plain)).unwrap();
    }
}
