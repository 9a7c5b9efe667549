//! `ehrcrypt delegation share|list|revoke` (and the `share` alias), run as
//! the real binary on copies of the fixture keystores.
//!
//! The two-keystore workflow these tests follow is the real one: when A
//! shares with C for the first time, A's keystore gains the exchange key
//! {AC}; C can open it only after importing A's owner document again,
//! freshly exported from A's keystore (`World::import_owner`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::{json, Value};

const PASSPHRASE: &str = "test-only-passphrase";

/// A temporary directory holding copies of the fixture keystores A, B, C, P.
struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/keys");
        for entry in fs::read_dir(keys).unwrap() {
            let p = entry.unwrap().path();
            fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
        World { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `ehrcrypt --keystore WHO.keystore.json ...`, in the world's directory.
    fn cmd(&self, who: &str) -> Command {
        let mut c = Command::cargo_bin("ehrcrypt").unwrap();
        c.current_dir(self.dir.path())
            .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
            .env_remove("EHRCRYPT_KEYSTORE")
            .env_remove("EHRCRYPT_CONFIG")
            .arg("--keystore")
            .arg(self.path(&format!("{who}.keystore.json")));
        c
    }

    /// Runs `ehrcrypt ARGS` as `who` and expects success; `line` is split
    /// on whitespace (no argument here has a space).
    fn run(&self, who: &str, line: &str) -> Output {
        self.run_args(who, &line.split_whitespace().collect::<Vec<_>>())
    }

    fn run_args(&self, who: &str, args: &[&str]) -> Output {
        let out = self.cmd(who).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "ehrcrypt {args:?} as {who} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Runs a command expected to fail with `code`; returns its stderr.
    fn fail(&self, who: &str, line: &str, code: i32) -> String {
        let out = self
            .cmd(who)
            .args(line.split_whitespace())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "ehrcrypt {line}: {stderr}");
        stderr
    }

    /// Writes `record` and encrypts it as `who` into `out`.
    fn encrypt(&self, who: &str, kind: &str, record: Value, out: &str, extra: &[&str]) {
        if let Some(parent) = self.path(out).parent() {
            fs::create_dir_all(parent).unwrap();
        }
        let plain = self.path(&format!("{out}.plain"));
        fs::write(&plain, record.to_string()).unwrap();
        let mut args = vec!["entity", "encrypt", "--as", who, "--kind", kind];
        args.extend_from_slice(extra);
        let plain = plain.to_string_lossy().into_owned();
        args.extend_from_slice(&[plain.as_str(), "-o", out]);
        self.run_args(who, &args);
        fs::remove_file(&plain).unwrap();
    }

    /// The seed's patient John Keats, encrypted by A for A and B, into `out`.
    fn keats_for_a_and_b(&self, out: &str) {
        self.encrypt("A", "patient", keats(), out, &["--share-with", "B"]);
    }

    fn decrypt(&self, who: &str, file: &str) -> Value {
        let out = self.run_args(who, &["entity", "decrypt", "--as", who, file]);
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `into` imports `of`'s owner document, freshly exported from `of`'s keystore.
    fn import_owner(&self, into: &str, of: &str) {
        let doc = format!("{of}.fresh.owner.json");
        self.run_args(of, &["owner", "export", of, "-o", &doc]);
        self.run_args(into, &["owner", "import", &doc]);
    }

    fn read(&self, file: &str) -> Vec<u8> {
        fs::read(self.path(file)).unwrap()
    }

    fn json(&self, file: &str) -> Value {
        serde_json::from_slice(&self.read(file)).unwrap()
    }

    /// Who can read `file`: v2 hides it from observers, so ask each
    /// fixture owner in turn until one can read the file's directory.
    fn readers(&self, file: &str) -> Vec<String> {
        for who in ["A", "B", "C", "P"] {
            let out = self.run_args(who, &["--json", "delegation", "list", "--as", who, file]);
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            if v[0]["revealed"] == json!(true) {
                return serde_json::from_value(v[0]["readers"].clone()).unwrap();
            }
        }
        Vec::new()
    }

    /// The (delegator, delegate) pairs of `file` that `who`'s keys reveal.
    fn pairs_as(&self, who: &str, file: &str) -> Vec<(String, String)> {
        let out = self.run_args(who, &["--json", "delegation", "list", "--as", who, file]);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut pairs: Vec<(String, String)> = v[0]["roles"]["access"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| {
                        (
                            p["delegator"].as_str().unwrap().into(),
                            p["delegate"].as_str().unwrap().into(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        pairs.sort();
        pairs
    }

    /// File names in the world's directory (and `sub`), sorted.
    fn listing(&self, sub: &str) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(self.path(sub))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The access entries of `after` that `before` did not have.
fn new_entries(before: &Value, after: &Value) -> Vec<Value> {
    let old = before["access"].as_array().unwrap();
    after["access"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !old.contains(e))
        .cloned()
        .collect()
}

fn keats() -> Value {
    json!({"id": "1234", "firstName": "John", "lastName": "Keats"})
}

/// The raw bytes of the `encryptedSelf` string as they stand in the file.
fn encrypted_self_bytes(file: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(file).unwrap();
    let start = text.find("\"encryptedSelf\": \"").unwrap() + "\"encryptedSelf\": \"".len();
    let len = text[start..].find('"').unwrap();
    file[start..start + len].to_vec()
}

#[test]
fn share_a_to_c_then_c_decrypts_after_importing_a() {
    let w = World::new();
    w.keats_for_a_and_b("p.json");
    let out = w.run("A", "-v delegation share --as A --with C p.json");
    assert!(
        stdout(&out).contains("p.json: shared with C"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("created exchange key A→C"));
    // {AA} opened once; {AC} was just made, so no RSA to read it.
    assert!(
        stderr(&out).contains("RSA decryptions: 1"),
        "{}",
        stderr(&out)
    );
    assert_eq!(w.readers("p.json"), ["A", "B", "C"]);
    // C's keystore does not hold {AC} until it imports A's document again:
    // without it C cannot even find its entry (v2 names no exchange key).
    let e = w.fail("C", "entity decrypt --as C p.json", 8);
    assert!(e.contains("none of its 3 access entries is for C"), "{e}");
    assert!(e.contains("import their owner document"), "{e}");
    w.import_owner("C", "A");
    assert_eq!(w.decrypt("C", "p.json"), keats());
    assert_eq!(w.decrypt("B", "p.json"), keats());
}

#[test]
fn chain_a_to_b_to_c_through_bc_with_the_share_alias() {
    let w = World::new();
    w.encrypt(
        "A",
        "contact",
        json!({"id": "c1", "note": "x"}),
        "c.json",
        &["--share-with", "B"],
    );
    // B received from A and shares further, with its own key {BC}.
    w.run("B", "share --as B --with C c.json");
    w.import_owner("C", "B");
    assert_eq!(w.decrypt("C", "c.json")["note"], "x");
    let pairs = w.pairs_as("C", "c.json");
    assert!(pairs.contains(&("B".into(), "C".into())), "{pairs:?}");
    assert!(pairs.contains(&("A".into(), "B".into())), "{pairs:?}");
}

#[test]
fn encrypted_self_is_byte_identical_and_one_rsa_per_exchange_key() {
    let w = World::new();
    let mut before = Vec::new();
    for i in 0..5 {
        let name = format!("recs/r{i}.json");
        let big = "x".repeat(1000 * (i + 1));
        w.encrypt(
            "A",
            "form",
            json!({"id": format!("f{i}"), "body": big}),
            &name,
            &[],
        );
        before.push(w.read(&name));
    }
    w.run("A", "hcp-key exchange --from A --to C");
    let out = w.run("A", "-v share --as A --with C recs");
    // {AA} to open, {AC} (existing) to wrap: two RSA decryptions for five records.
    assert!(
        stderr(&out).contains("RSA decryptions: 2"),
        "{}",
        stderr(&out)
    );
    for (i, old) in before.iter().enumerate() {
        let new = w.read(&format!("recs/r{i}.json"));
        assert_ne!(&new, old);
        assert_eq!(encrypted_self_bytes(&new), encrypted_self_bytes(old));
        let (o, n) = (
            serde_json::from_slice::<Value>(old).unwrap(),
            serde_json::from_slice::<Value>(&new).unwrap(),
        );
        assert_eq!(o["encryptedSelf"], n["encryptedSelf"]);
    }
}

#[test]
fn an_owner_without_access_cannot_share() {
    let w = World::new();
    w.keats_for_a_and_b("p.json");
    let before = w.read("p.json");
    let e = w.fail("C", "share --as C --with B p.json", 8);
    assert!(e.contains("p.json") && e.contains("entity 1234"), "{e}");
    // v2: an owner without access is not told who has it.
    assert!(!e.contains("A, B"), "{e}");
    assert_eq!(w.read("p.json"), before);
}

#[test]
fn with_children_reaches_every_linked_entity_and_nothing_else() {
    let w = World::new();
    w.keats_for_a_and_b("recs/p.json");
    let other = json!({"id": "5678", "lastName": "Shelley"});
    w.encrypt("A", "patient", other, "recs/p2.json", &[]);
    let linked = [
        "recs/c1.json",
        "recs/sub/c2.json",
        "recs/f1.json",
        "recs/h1.json",
    ];
    let kinds = ["contact", "contact", "form", "health-element"];
    for (f, k) in linked.iter().zip(kinds) {
        w.encrypt(
            "A",
            k,
            json!({"id": f, "v": 1}),
            f,
            &["--parent", "recs/p.json"],
        );
    }
    w.encrypt(
        "A",
        "contact",
        json!({"id": "u1"}),
        "recs/u1.json",
        &["--parent", "recs/p2.json"],
    );
    w.encrypt("A", "contact", json!({"id": "u2"}), "recs/u2.json", &[]);
    // B's own contact for the patient, which A cannot read: skipped, not an error.
    w.encrypt(
        "B",
        "contact",
        json!({"id": "b1"}),
        "recs/b1.json",
        &["--parent", "recs/p.json"],
    );
    fs::write(w.path("recs/notes.json"), r#"{"plain": true}"#).unwrap();
    let unlinked = [
        "recs/p2.json",
        "recs/u1.json",
        "recs/u2.json",
        "recs/b1.json",
        "recs/notes.json",
    ];
    let before: Vec<Vec<u8>> = unlinked.iter().map(|f| w.read(f)).collect();

    let out = w.run(
        "A",
        "share --as A --with C --with-children recs recs/p.json",
    );
    assert!(
        stderr(&out).contains("1 linked entity that A cannot read was not shared"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("b1.json: skipped"),
        "{}",
        stdout(&out)
    );
    for f in linked.iter().chain(["recs/p.json"].iter()) {
        assert!(w.readers(f).contains(&"C".to_string()), "{f}");
    }
    for (f, b) in unlinked.iter().zip(&before) {
        assert_eq!(&w.read(f), b, "{f} must not change");
    }
    w.import_owner("C", "A");
    let kids = w.run("C", "entity children --as C recs/p.json recs");
    let kids = stdout(&kids);
    for f in linked {
        assert!(kids.contains(f), "{f} in {kids}");
    }
    assert_eq!(w.decrypt("C", "recs/sub/c2.json")["v"], 1);
}

#[test]
fn sharing_twice_changes_nothing_and_keeps_a_private_mode() {
    let w = World::new();
    w.encrypt("A", "patient", keats(), "p.json", &[]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(w.path("p.json"), fs::Permissions::from_mode(0o600)).unwrap();
    }
    w.run("A", "share --as A --with C --with B p.json");
    let once = w.read("p.json");
    let mtime = fs::metadata(w.path("p.json")).unwrap().modified().unwrap();
    let out = w.run("A", "share --as A --with C p.json");
    assert!(stdout(&out).contains("p.json: unchanged, C already had access"));
    assert_eq!(w.read("p.json"), once);
    assert_eq!(
        fs::metadata(w.path("p.json")).unwrap().modified().unwrap(),
        mtime
    );
    // Already reached through B: nothing added either.
    w.run("B", "share --as B --with C p.json");
    assert_eq!(w.read("p.json"), once);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(w.path("p.json")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn revoke_removes_access_and_is_a_no_op_the_second_time() {
    let w = World::new();
    w.keats_for_a_and_b("p.json");
    let original = w.read("p.json");
    w.run("A", "share --as A --with C p.json");
    w.import_owner("C", "A");
    assert_eq!(w.decrypt("C", "p.json"), keats());

    let shared = w.json("p.json");
    let out = w.run("A", "delegation revoke --as A --from C p.json");
    assert!(stdout(&out).contains("p.json: revoked C"));
    assert!(stderr(&out).contains("C may already have copied the entity key"));
    let e = w.fail("C", "entity decrypt --as C p.json", 8);
    assert!(e.contains("none of its 2 access entries is for C"), "{e}");
    // Back to the original entries; encryptedSelf never changed.
    let original: Value = serde_json::from_slice(&original).unwrap();
    assert_eq!(w.json("p.json")["access"], original["access"]);
    assert_eq!(w.json("p.json")["encryptedSelf"], original["encryptedSelf"]);
    assert_eq!(w.readers("p.json"), ["A", "B"]);
    assert_eq!(w.decrypt("B", "p.json"), keats());
    // Without --rekey the entity key is unchanged: C's copied entry still opens it.
    let c_entry = new_entries(&original, &shared);
    let mut pasted = w.json("p.json");
    pasted["access"].as_array_mut().unwrap().extend(c_entry);
    fs::write(w.path("pasted.json"), pasted.to_string()).unwrap();
    assert_eq!(w.decrypt("C", "pasted.json"), keats());

    let after = w.read("p.json");
    let out = w.run("A", "delegation revoke --as A --from C p.json");
    assert!(
        stdout(&out).contains("C had no access, unchanged"),
        "{}",
        stdout(&out)
    );
    assert_eq!(w.read("p.json"), after);

    // An owner without access cannot revoke; nobody can leave no reader.
    w.fail("C", "delegation revoke --as C --from B p.json", 8);
    let e = w.fail(
        "A",
        "delegation revoke --as A --from A --from B --force p.json",
        7,
    );
    assert!(e.contains("no reader"), "{e}");
    assert_eq!(w.read("p.json"), after);
}

#[test]
fn rekey_makes_the_old_key_useless_and_keeps_delegates_and_links() {
    let w = World::new();
    w.keats_for_a_and_b("recs/p.json");
    w.encrypt(
        "A",
        "contact",
        json!({"id": "c1", "note": "x"}),
        "recs/c.json",
        &["--parent", "recs/p.json", "--share-with", "B"],
    );
    // C gets access from B (B→C), D-like onward chain.
    let before_share = w.json("recs/p.json");
    w.run("B", "share --as B --with C recs/p.json recs/c.json");
    w.import_owner("C", "B");
    assert_eq!(w.decrypt("C", "recs/p.json"), keats());
    let old = w.json("recs/p.json");
    let c_entry = new_entries(&before_share, &old);

    let out = w.run("A", "delegation revoke --as A --from B --rekey recs");
    let (o, e) = (stdout(&out), stderr(&out));
    assert!(
        o.contains("recs/p.json: revoked B, rekeyed (entries of C now made by A)"),
        "{o}"
    );
    assert!(e.contains("B had shared with C, who keeps access"), "{e}");
    assert!(
        e.contains("C can read it after importing A's owner document again"),
        "{e}"
    );
    let new = w.json("recs/p.json");
    assert_ne!(new["encryptedSelf"], old["encryptedSelf"]);
    assert_eq!(w.readers("recs/p.json"), ["A", "C"]);

    w.fail("B", "entity decrypt --as B recs/p.json", 8);
    w.import_owner("C", "A");
    assert_eq!(w.decrypt("C", "recs/p.json"), keats());
    assert_eq!(w.decrypt("A", "recs/c.json")["note"], "x");
    // Links survive: the secret id and parent id kept their values.
    let kids = w.run("C", "entity children --as C recs/p.json recs");
    assert!(stdout(&kids).contains("recs/c.json"), "{}", stdout(&kids));
    let parent = w.run("C", "entity parent --as C recs/c.json recs");
    assert!(stdout(&parent).contains("recs/p.json"));

    // C's old entry (the old entity key under {BC}) pasted into the new file
    // still opens to the old key, which no longer opens encryptedSelf.
    let mut pasted = new.clone();
    pasted["access"] = Value::from(c_entry);
    fs::write(w.path("pasted.json"), pasted.to_string()).unwrap();
    let e = w.fail("C", "entity decrypt --as C pasted.json", 5);
    assert!(e.contains("integrity"), "{e}");
}

#[test]
fn a_failing_input_leaves_every_file_as_it_was_and_no_temp_file() {
    let w = World::new();
    for i in 0..4 {
        w.encrypt(
            "A",
            "form",
            json!({"id": i}),
            &format!("recs/f{i}.json"),
            &[],
        );
    }
    fs::write(
        w.path("recs/f2b.json"),
        r#"{"id": 9, "plain": "not an entity"}"#,
    )
    .unwrap();
    let names = w.listing("recs");
    let before: Vec<Vec<u8>> = names.iter().map(|n| w.read(&format!("recs/{n}"))).collect();
    let e = w.fail("A", "share --as A --with C recs", 6);
    assert!(
        e.contains("recs/f2b.json") && e.contains("not an ehrcrypt entity"),
        "{e}"
    );
    assert!(e.contains("no output was written"), "{e}");
    assert_eq!(w.listing("recs"), names, "no temporary file left");
    for (n, b) in names.iter().zip(&before) {
        assert_eq!(&w.read(&format!("recs/{n}")), b, "{n}");
    }
    // The same with an entity the sharer cannot read among readable ones.
    fs::remove_file(w.path("recs/f2b.json")).unwrap();
    w.encrypt("B", "form", json!({"id": "b"}), "recs/fb.json", &[]);
    let names = w.listing("recs");
    let before: Vec<Vec<u8>> = names.iter().map(|n| w.read(&format!("recs/{n}"))).collect();
    w.fail("A", "delegation revoke --as A --from C --rekey recs", 8);
    w.fail("A", "share --as A --with C recs", 8);
    assert_eq!(w.listing("recs"), names);
    for (n, b) in names.iter().zip(&before) {
        assert_eq!(&w.read(&format!("recs/{n}")), b, "{n}");
    }
}

#[test]
fn list_reads_metadata_without_keystore_or_passphrase() {
    let w = World::new();
    w.keats_for_a_and_b("p.json");
    w.encrypt(
        "A",
        "contact",
        json!({"id": "c"}),
        "c.json",
        &["--parent", "p.json"],
    );
    w.run("B", "share --as B --with C p.json");
    let mut cmd = Command::cargo_bin("ehrcrypt").unwrap();
    let out = cmd
        .current_dir(w.dir.path())
        .env_remove("EHRCRYPT_PASSPHRASE")
        .args([
            "--keystore",
            "missing.json",
            "--json",
            "delegation",
            "list",
            "p.json",
            "c.json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["file"], "p.json");
    assert_eq!(v[0]["kind"], "patient");
    // Without keys, a v2 entity shows only how many entries it has.
    assert_eq!(
        (&v[0]["format"], &v[0]["entries"], &v[0]["revealed"]),
        (&json!(2), &json!(3), &json!(false))
    );
    assert_eq!(v[0]["readers"], json!([]));
    let text = stdout(&w.run("A", "delegation list p.json"));
    assert!(
        text.contains("p.json: patient 1234, 3 access entries (v2: who they are for is hidden"),
        "{text}"
    );
    assert!(!text.contains("B → C"));
    // With A's keys: what the directory says.
    assert_eq!(w.readers("p.json"), ["A", "B", "C"]);
    let want = [("A", "A"), ("A", "B"), ("B", "C")].map(|(a, b)| (a.to_string(), b.to_string()));
    assert_eq!(w.pairs_as("A", "p.json"), want);
    let text = stdout(&w.run("A", "delegation list --as A p.json c.json"));
    assert!(
        text.contains("p.json: patient 1234, readable by A, B, C"),
        "{text}"
    );
    assert!(text.contains("B → C"));
    // C sees what its keys open: p.json (shared by B), not c.json.
    let text = stdout(&w.run("C", "delegation list --as C c.json"));
    assert!(text.contains("c.json: contact c, 1 access entry"), "{text}");
    assert!(text.contains("C cannot read it"), "{text}");
}

#[test]
fn unverified_delegates_need_the_flag_and_get_a_warning() {
    let w = World::new();
    w.encrypt("A", "patient", keats(), "p.json", &[]);
    w.run("A", "owner remove P");
    w.run("A", "owner import P.owner.json");
    let before = w.read("p.json");
    let e = w.fail("A", "share --as A --with P p.json", 7);
    assert!(e.contains("no verified public key for P"), "{e}");
    assert_eq!(w.read("p.json"), before);
    let out = w.run("A", "share --as A --with P --allow-unverified p.json");
    assert!(stderr(&out).contains("UNVERIFIED key"), "{}", stderr(&out));
    assert!(w.readers("p.json").contains(&"P".to_string()));
}

#[test]
fn stdin_to_stdout() {
    let w = World::new();
    w.encrypt("A", "patient", keats(), "p.json", &[]);
    let out = w
        .cmd("A")
        .args(["share", "--as", "A", "--with", "B", "-"])
        .write_stdin(w.read("p.json"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["access"].as_array().unwrap().len(), 2);
    assert!(stderr(&out).contains("shared with B"));
}

/// An entity id comes from a file someone else wrote: printed in a list or
/// an error, its control characters must not reach the terminal.
#[test]
fn control_characters_in_an_entity_id_are_escaped_in_output() {
    let w = World::new();
    let evil = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\nehrcrypt: fake line";
    w.encrypt(
        "A",
        "patient",
        serde_json::json!({"id": evil, "name": "n"}),
        "p.json",
        &[],
    );
    let out = w.run("A", "delegation list p.json");
    let e = w.fail("C", "entity decrypt --as C p.json", 8);
    for text in [stdout(&out), stderr(&out), e.clone()] {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(!text.contains("\nehrcrypt: fake line"), "{text:?}");
    }
    assert!(e.contains("x\\u{1b}]0;pwned"), "{e}");
    // The id itself is unchanged in the file and in --json output.
    assert_eq!(w.json("p.json")["id"], evil);
    let v: Value =
        serde_json::from_slice(&w.run("A", "--json delegation list p.json").stdout).unwrap();
    assert_eq!(v[0]["id"], evil);
}
