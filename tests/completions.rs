//! The files in `completions/` are exactly what `ehrcrypt completions SHELL`
//! prints: this fails when the command line changed and they were not
//! regenerated with `scripts/update-completions`.

mod common;

use clap::ValueEnum;
use clap_complete::Shell;
use common::*;

/// The committed file for each shell clap_complete knows.
fn file_for(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "ehrcrypt.bash",
        Shell::Zsh => "_ehrcrypt",
        Shell::Fish => "ehrcrypt.fish",
        Shell::PowerShell => "_ehrcrypt.ps1",
        Shell::Elvish => "ehrcrypt.elv",
        other => {
            panic!("no completions file for {other}: add it here and to scripts/update-completions")
        }
    }
}

#[test]
fn committed_completions_match_the_binary() {
    let s = Sandbox::new();
    let mut stale = Vec::new();
    for shell in Shell::value_variants() {
        let file = file_for(*shell);
        let out = ok(&mut s.bare(), &["completions", &shell.to_string()]);
        assert!(!out.stdout.is_empty(), "{shell}: empty completions");
        let committed = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("completions")
                .join(file),
        )
        .unwrap_or_default();
        if committed != out.stdout {
            stale.push(format!("completions/{file}"));
        }
    }
    assert!(
        stale.is_empty(),
        "stale shell completions: {}\nrun scripts/update-completions and commit the result",
        stale.join(", ")
    );
}

#[test]
fn the_update_script_covers_every_shell() {
    let script = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/update-completions"),
    )
    .unwrap();
    for shell in Shell::value_variants() {
        let line = format!("\n{shell} {}\n", file_for(*shell));
        assert!(
            script.contains(&line),
            "scripts/update-completions lacks {line:?}"
        );
    }
}

/// `man/` is exactly what `ehrcrypt man-pages DIR` writes: same pages,
/// same bytes (regenerate with scripts/update-completions).
#[test]
fn committed_man_pages_match_the_binary() {
    let s = Sandbox::new();
    let dir = s.path("man");
    ok(&mut s.bare(), &["man-pages", dir.to_str().unwrap()]);
    let names = |d: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .map(|rd| {
                rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let generated = names(&dir);
    assert!(
        generated.contains(&"ehrcrypt-owner-verify.1".to_string()),
        "{generated:?}"
    );
    assert_eq!(
        names(&committed),
        generated,
        "man/ is stale: run scripts/update-completions and commit the result"
    );
    for n in generated {
        assert_eq!(
            std::fs::read(committed.join(&n)).unwrap(),
            std::fs::read(dir.join(&n)).unwrap(),
            "man/{n} is stale: run scripts/update-completions and commit the result"
        );
    }
}

/// What the shell gets when it asks to complete `words` (the last one is
/// the word under the cursor), through fish's protocol: `value\thelp` lines.
fn complete(cmd: &mut assert_cmd::Command, words: &[&str]) -> Vec<String> {
    let mut args = vec!["--", "ehrcrypt"];
    args.extend_from_slice(words);
    let out = ok(cmd.env("COMPLETE", "fish"), &args);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn owner_ids_complete_from_the_keystore_after_every_owner_flag() {
    let s = Sandbox::new();
    let ks = s.keystore("A");
    for words in [
        &["entity", "encrypt", "--as", ""][..],
        &["delegation", "share", "--as", "A", "--with", ""],
        &["delegation", "revoke", "--from", ""],
        &["send", "--to", ""],
        &["owner", "show", ""],
    ] {
        let got = complete(&mut s.on(&ks), words);
        for id in [
            "A\tDr Alice (key in this keystore)",
            "B\tDr Bob",
            "P\tJohn Keats",
        ] {
            assert!(got.iter().any(|l| l == id), "{words:?}: {got:?}");
        }
    }
    // A prefix narrows; --keystore on the line wins over the environment.
    assert_eq!(
        complete(&mut s.on(&ks), &["entity", "encrypt", "--as", "B"]),
        ["B\tDr Bob"]
    );
    let other = s.keystore("B");
    let ks_arg = other.to_str().unwrap();
    let got = complete(
        &mut s.on(&ks),
        &["--keystore", ks_arg, "entity", "encrypt", "--as", ""],
    );
    assert!(
        got.iter().any(|l| l.starts_with("B\tDr Bob (key in")),
        "{got:?}"
    );
    // No keystore: no candidates, no error, nothing on stderr.
    let mut bare = s.bare();
    bare.env("EHRCRYPT_KEYSTORE", s.path("missing.json"));
    let out = ok(
        bare.env("COMPLETE", "fish"),
        &["--", "ehrcrypt", "entity", "encrypt", "--as", ""],
    );
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
}

#[test]
fn the_dynamic_registration_calls_this_binary() {
    let s = Sandbox::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = ok(&mut s.bare(), &["completions", shell, "--dynamic"]);
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("COMPLETE"), "{shell}: {script}");
        assert!(
            script.contains(bin().to_str().unwrap()),
            "{shell}: {script}"
        );
    }
}
