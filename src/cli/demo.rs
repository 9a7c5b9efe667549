//! `ehrcrypt demo`: the whole flow on throw-away keystores, narrated. It
//! runs this very binary, command by command, exactly as a user would type
//! them, so what it shows is what the commands really do.

use std::path::PathBuf;
use std::process::Command;

use clap::Args;
use serde_json::Value;

use ehrcrypt::{Error, Result};

use super::Env;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Keep the demo's files in DIR (created; must be empty) instead of a temporary directory
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

const PASSPHRASE: &str = "demo passphrase, not a secret";

struct Demo {
    dir: PathBuf,
    exe: PathBuf,
    step: usize,
}

impl Demo {
    fn section(&mut self, title: &str, why: &str) {
        self.step += 1;
        println!("\n== {}. {title} ==", self.step);
        for line in why.lines() {
            println!("   {line}");
        }
    }

    /// Runs `ehrcrypt ARGS` as `who` (whose keystore is `who.keystore.json`)
    /// and prints the command and its output. Fails the demo if it fails.
    fn run(&self, who: &str, args: &[&str]) -> Result<String> {
        self.step(who, args, true)
    }

    /// Runs quietly: output is returned, not shown.
    fn capture(&self, who: &str, args: &[&str]) -> Result<String> {
        self.step(who, args, false)
    }

    fn step(&self, who: &str, args: &[&str], show: bool) -> Result<String> {
        let (code, stdout) = self.exec(who, args, show)?;
        if code != 0 {
            return Err(Error::internal(format!(
                "demo step failed with exit code {code}: ehrcrypt {}",
                args.join(" ")
            )));
        }
        Ok(stdout)
    }

    /// Runs a command that must fail with `expected` (to show a refusal).
    fn run_failing(&self, who: &str, args: &[&str], expected: i32) -> Result<()> {
        let (code, _) = self.exec(who, args, true)?;
        if code != expected {
            return Err(Error::internal(format!(
                "demo expected exit code {expected}, got {code}: ehrcrypt {}",
                args.join(" ")
            )));
        }
        println!("   (exit code {code}, as expected)");
        Ok(())
    }

    fn exec(&self, who: &str, args: &[&str], show: bool) -> Result<(i32, String)> {
        if show {
            println!(
                "\n   [{who}]$ ehrcrypt {}",
                args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ")
            );
        }
        let out = Command::new(&self.exe)
            .args(args)
            .current_dir(&self.dir)
            .env(
                "EHRCRYPT_KEYSTORE",
                self.dir.join(format!("{who}.keystore.json")),
            )
            .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
            .env_remove("EHRCRYPT_CONFIG")
            .output()
            .map_err(|e| Error::internal(format!("cannot run {}: {e}", self.exe.display())))?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if show {
            for line in stdout
                .lines()
                .chain(String::from_utf8_lossy(&out.stderr).lines())
            {
                println!("   | {line}");
            }
        }
        Ok((out.status.code().unwrap_or(1), stdout))
    }

    fn write(&self, name: &str, text: &str) -> Result<()> {
        let p = self.dir.join(name);
        std::fs::write(&p, text).map_err(|e| Error::io(&p, "write", e))
    }

    fn read(&self, name: &str) -> Result<String> {
        let p = self.dir.join(name);
        std::fs::read_to_string(&p).map_err(|e| Error::io(&p, "read", e))
    }

    /// Prints a JSON file with long base64 values shortened.
    fn show_json(&self, name: &str) -> Result<()> {
        let v: Value = serde_json::from_str(&self.read(name)?)
            .map_err(|_| Error::internal("demo file is not JSON"))?;
        println!("\n   {name}:");
        let text = serde_json::to_string_pretty(&shorten(v)).unwrap_or_default();
        for line in text.lines() {
            println!("   | {line}");
        }
        Ok(())
    }

    /// `who` exports owner `id`'s public document, `to` imports it and
    /// verifies the fingerprint `who` reads out (the out-of-band check).
    fn introduce(&self, who: &str, id: &str, to: &str, show: bool) -> Result<()> {
        let doc = format!("{who}.owner.json");
        self.step(who, &["owner", "export", id, "-o", &doc], show)?;
        self.step(to, &["owner", "import", &doc], show)?;
        let fp = self.fingerprint(who, id)?;
        self.run(to, &["owner", "verify", id, "--fingerprint", &fp])?;
        Ok(())
    }

    /// Bob's fingerprint as Bob reads it from his own keystore: the value he
    /// would tell Alice on the phone.
    fn fingerprint(&self, who: &str, id: &str) -> Result<String> {
        Ok(self
            .capture(who, &["owner", "fingerprint", id])?
            .trim()
            .to_string())
    }
}

fn quote(a: &str) -> String {
    if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$".contains(c)) {
        format!("'{a}'")
    } else {
        a.to_string()
    }
}

fn shorten(v: Value) -> Value {
    match v {
        Value::String(s) if s.len() > 40 => Value::String(format!("{}…", &s[..24])),
        Value::Array(a) => Value::Array(a.into_iter().map(shorten).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, shorten(v))).collect()),
        other => other,
    }
}

pub fn run(_env: &Env, args: DemoArgs) -> Result<()> {
    let dir = match &args.keep {
        Some(d) => {
            std::fs::create_dir_all(d).map_err(|e| Error::io(d, "create directory", e))?;
            if std::fs::read_dir(d)
                .map_err(|e| Error::io(d, "read directory", e))?
                .next()
                .is_some()
            {
                return Err(Error::usage(format!(
                    "{}: not empty; the demo needs an empty directory",
                    d.display()
                )));
            }
            d.clone()
        }
        None => {
            let mut raw = [0u8; 8];
            ehrcrypt::crypto::random_bytes(&mut raw);
            let d =
                std::env::temp_dir().join(format!("ehrcrypt-demo-{}", ehrcrypt::crypto::hex(&raw)));
            ehrcrypt::atomic_file::create_private_dir(&d)?;
            d
        }
    };
    let exe = std::env::current_exe()
        .map_err(|e| Error::internal(format!("cannot find own executable: {e}")))?;
    let mut demo = Demo {
        dir: dir.clone(),
        exe,
        step: 0,
    };
    println!(
        "ehrcrypt demo: end-to-end encrypted health records, on throw-away keystores in {}",
        dir.display()
    );
    println!("Every step runs the real `ehrcrypt` command shown. Passphrases come from EHRCRYPT_PASSPHRASE.");
    let result = script(&mut demo);
    if args.keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        println!("\nThe demo's files are kept in {}.", dir.display());
    }
    if result.is_ok() {
        println!("\nDemo complete.");
    }
    result
}

fn script(d: &mut Demo) -> Result<()> {
    d.section(
        "Two healthcare parties create their keys",
        "Each data owner has an RSA-2048 key pair; the private key stays in its own\nkeystore, encrypted under a passphrase (PKCS#8, scrypt).",
    );
    d.run(
        "alice",
        &[
            "keygen", "--id", "dr-alice", "--name", "Dr Alice", "--kind", "hcp",
        ],
    )?;
    d.run(
        "bob",
        &[
            "keygen", "--id", "dr-bob", "--name", "Dr Bob", "--kind", "hcp",
        ],
    )?;

    d.section(
        "They exchange public documents and verify fingerprints out of band",
        "An imported key is unverified until its fingerprint is compared over a channel\nyou trust (Cardinal's rule: only verified keys receive new exchange keys).",
    );
    d.run(
        "bob",
        &["owner", "export", "dr-bob", "-o", "bob.owner.json"],
    )?;
    d.run("alice", &["owner", "import", "bob.owner.json"])?;
    d.run_failing(
        "alice",
        &[
            "hcp-key", "exchange", "--from", "dr-alice", "--to", "dr-bob",
        ],
        7,
    )?;
    let bob_fp = d.fingerprint("bob", "dr-bob")?;
    println!("\n   Bob reads his fingerprint to Alice on the phone: {bob_fp}");
    d.run(
        "alice",
        &["owner", "verify", "dr-bob", "--fingerprint", &bob_fp],
    )?;

    d.section(
        "Alice creates the exchange key {AB}",
        "A fresh AES-256 key, wrapped with RSA-OAEP for Alice and for Bob, stored in\nAlice's hcPartyKeys and signed by Alice (RSA-PSS).",
    );
    d.run(
        "alice",
        &[
            "hcp-key", "exchange", "--from", "dr-alice", "--to", "dr-bob",
        ],
    )?;

    d.section(
        "Alice encrypts patient John Keats and a contact, shared with Bob",
        "Each entity gets its own AES-256-GCM key and a secret id, sealed once per reader\nin `access` under a lookup key only that pair can compute (entity/v2); the\ncontact's `link` tag ties it to the patient for those who can read the patient.\nlastName stays in clear for indexing, yet is authenticated.",
    );
    d.write(
        "keats.json",
        "{\n  \"id\": \"1234\",\n  \"firstName\": \"John\",\n  \"lastName\": \"Keats\",\n  \"dateOfBirth\": \"1795-10-31\",\n  \"note\": \"pulmonary tuberculosis suspected\"\n}\n",
    )?;
    d.write(
        "contact.json",
        "{\n  \"id\": \"4567\",\n  \"openingDate\": \"1820-02-03\",\n  \"descr\": \"coughed blood after a night ride\"\n}\n",
    )?;
    std::fs::create_dir_all(d.dir.join("records"))
        .map_err(|e| Error::io(&d.dir, "create directory", e))?;
    d.run(
        "alice",
        &[
            "entity",
            "encrypt",
            "--as",
            "dr-alice",
            "--kind",
            "patient",
            "--share-with",
            "dr-bob",
            "--clear",
            "lastName",
            "keats.json",
            "-o",
            "records/keats.enc.json",
        ],
    )?;
    d.run(
        "alice",
        &[
            "entity",
            "encrypt",
            "--as",
            "dr-alice",
            "--kind",
            "contact",
            "--share-with",
            "dr-bob",
            "--parent",
            "records/keats.enc.json",
            "contact.json",
            "-o",
            "records/contact.enc.json",
        ],
    )?;
    d.show_json("records/contact.enc.json")?;

    d.section(
        "Bob imports Alice's document (it carries {AB}) and decrypts",
        "Bob unwraps {AB} with his own private key: one RSA decryption, then only\nsymmetric work, however many records (-v counts them).",
    );
    d.introduce("alice", "dr-alice", "bob", true)?;
    d.run(
        "bob",
        &[
            "-v",
            "entity",
            "decrypt",
            "--as",
            "dr-bob",
            "records/keats.enc.json",
        ],
    )?;
    d.run(
        "bob",
        &[
            "entity",
            "children",
            "--as",
            "dr-bob",
            "records/keats.enc.json",
            "records",
        ],
    )?;
    d.run(
        "bob",
        &[
            "entity",
            "parent",
            "--as",
            "dr-bob",
            "records/contact.enc.json",
            "records",
        ],
    )?;

    observer_view(d)?;

    d.section(
        "Every modification is detected",
        "Someone changes the clear lastName in the stored record: AES-GCM's associated\ndata covers it, so decryption refuses (exit code 5).",
    );
    let tampered = d
        .read("records/keats.enc.json")?
        .replace("\"Keats\"", "\"Shelley\"");
    d.write("tampered.json", &tampered)?;
    d.run_failing(
        "bob",
        &["entity", "decrypt", "--as", "dr-bob", "tampered.json"],
        5,
    )?;

    more_steps(d)?;
    #[cfg(feature = "research")]
    research_steps(d)?;
    Ok(())
}

/// Sharing, revocation, backup and emergency access.
fn more_steps(d: &mut Demo) -> Result<()> {
    d.section(
        "Alice shares John Keats and everything linked to him with Dr Carol",
        "Only the short keys are wrapped again, under the new exchange key {AC};\nencryptedSelf is not touched (its bytes are identical before and after).",
    );
    d.run(
        "carol",
        &[
            "keygen", "--id", "dr-carol", "--name", "Dr Carol", "--kind", "hcp",
        ],
    )?;
    d.introduce("carol", "dr-carol", "alice", false)?;
    let before = encrypted_self(d, "records/keats.enc.json")?;
    d.run(
        "alice",
        &[
            "share",
            "--as",
            "dr-alice",
            "--with",
            "dr-carol",
            "--with-children",
            "records",
            "records/keats.enc.json",
        ],
    )?;
    let same = before == encrypted_self(d, "records/keats.enc.json")?;
    println!(
        "\n   encryptedSelf byte-identical after sharing: {}",
        if same { "yes" } else { "NO" }
    );
    d.run("alice", &["delegation", "list", "records/keats.enc.json"])?;
    println!("\n   Carol needs {{AC}}: she imports Alice's document again.");
    d.introduce("alice", "dr-alice", "carol", false)?;
    d.run(
        "carol",
        &[
            "entity",
            "decrypt",
            "--as",
            "dr-carol",
            "records/contact.enc.json",
        ],
    )?;

    d.section(
        "Alice takes Carol's access back, and re-keys",
        "Revocation cannot erase what Carol may have copied; --rekey re-encrypts the\nrecord under a fresh key, so an old copy of the key no longer opens it.",
    );
    d.run(
        "alice",
        &[
            "delegation",
            "revoke",
            "--as",
            "dr-alice",
            "--from",
            "dr-carol",
            "--rekey",
            "records/keats.enc.json",
        ],
    )?;
    d.run_failing(
        "carol",
        &[
            "entity",
            "decrypt",
            "--as",
            "dr-carol",
            "records/keats.enc.json",
        ],
        8,
    )?;
    d.run(
        "bob",
        &[
            "entity",
            "decrypt",
            "--as",
            "dr-bob",
            "records/keats.enc.json",
        ],
    )?;

    d.section(
        "John Keats backs up his records to a bucket and a signed QR card",
        "R2D Backup: a fresh key encrypts the records; the card holds that key and\nJohn's RSA-PSS signature over it and over the bucket's manifest.",
    );
    d.run(
        "john",
        &[
            "keygen",
            "--id",
            "john-keats",
            "--name",
            "John Keats",
            "--kind",
            "patient",
        ],
    )?;
    d.run(
        "john",
        &[
            "backup",
            "create",
            "--as",
            "john-keats",
            "keats.json",
            "contact.json",
            "-o",
            "bucket",
            "--qr",
            "card.png",
        ],
    )?;
    d.run("john", &["backup", "inspect", "bucket"])?;

    d.section(
        "An emergency: Dr Bob scans the card and reads the backup",
        "R2D Emergency: Bob checks John's signature against John's verified key,\nthen the manifest and every object, before writing anything; the access is\nlogged in the bucket, signed by Bob.",
    );
    d.introduce("john", "john-keats", "bob", false)?;
    d.run(
        "bob",
        &[
            "emergency",
            "decrypt",
            "--qr",
            "card.png",
            "bucket",
            "--signer",
            "john-keats",
            "--as",
            "dr-bob",
            "--out-dir",
            "emergency",
        ],
    )?;
    d.run("john", &["backup", "inspect", "bucket"])?;

    d.section(
        "A damaged bucket is refused, and nothing is written",
        "One byte of one object is changed in storage: the professional gets an\nintegrity error (exit code 5), not corrupted records.",
    );
    corrupt_one_object(d)?;
    d.run_failing(
        "bob",
        &[
            "emergency",
            "decrypt",
            "--qr",
            "card.png",
            "bucket",
            "--signer",
            "john-keats",
            "--out-dir",
            "emergency2",
        ],
        5,
    )?;
    icure_data(d)?;
    Ok(())
}

/// Real iCure data, made by `@icure/api` 6.4.4 (fixtures/icure/): Dr Bob's
/// downloaded key, the owner documents, and a patient Dr Alice shared.
const ICURE_FILES: [(&str, &str); 4] = [
    (
        "hcp-b.pkcs8.hex",
        include_str!("../../fixtures/icure/icure-api-6.4.4/keys/hcp-b.pkcs8.hex"),
    ),
    (
        "icure/hcp-a.json",
        include_str!("../../fixtures/icure/icure-api-6.4.4/owners/hcp-a.json"),
    ),
    (
        "icure/hcp-b.json",
        include_str!("../../fixtures/icure/icure-api-6.4.4/owners/hcp-b.json"),
    ),
    (
        "icure/patient-1234.json",
        include_str!("../../fixtures/icure/icure-api-6.4.4/records/patient-1234.json"),
    ),
];

/// iCure interop (issue 14): open a real iCure patient with a downloaded
/// key, show that its format cannot notice a flipped IV byte, and move it
/// to an authenticated ehrcrypt entity.
fn icure_data(d: &mut Demo) -> Result<()> {
    d.section(
        "Real iCure data: open it with a downloaded key, check it, move it off",
        "A patient written by the iCure SDK (@icure/api 6.4.4), and Dr Bob's private\nkey as the iCure app lets him download it (hex PKCS#8).",
    );
    let dir = d.dir.join("icure");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, "create directory", e))?;
    for (name, text) in ICURE_FILES {
        d.write(name, text)?;
    }
    d.run(
        "icure",
        &["icure", "import-key", "hcp-b.pkcs8.hex", "--id", "hcp-b"],
    )?;
    d.capture(
        "icure",
        &[
            "icure",
            "import-owner",
            "icure/hcp-a.json",
            "icure/hcp-b.json",
        ],
    )?;
    d.run(
        "icure",
        &[
            "icure",
            "decrypt",
            "icure/patient-1234.json",
            "--as",
            "hcp-b",
            "-o",
            "patient.json",
        ],
    )?;
    let note = |name: &str| -> Result<String> {
        let v: Value = serde_json::from_str(&d.read(name)?)
            .map_err(|_| Error::internal("demo file is not JSON"))?;
        Ok(v["note"].as_str().unwrap_or_default().to_string())
    };
    println!("\n   note: {}", note("patient.json")?);

    println!("\n   Someone with write access to the server flips one bit of the IV:");
    let original = d.read("icure/patient-1234.json")?;
    let mut v: Value =
        serde_json::from_str(&original).map_err(|_| Error::internal("demo file is not JSON"))?;
    let mut sealed =
        ehrcrypt::crypto::b64::decode(v["encryptedSelf"].as_str().unwrap_or(""), "encryptedSelf")?;
    if sealed.len() > 9 {
        sealed[9] ^= b'A' ^ b'B';
    }
    v["encryptedSelf"] = Value::from(ehrcrypt::crypto::b64::encode(&sealed));
    d.write("icure/patient-1234.json", &v.to_string())?;
    d.capture(
        "icure",
        &[
            "icure",
            "decrypt",
            "icure/patient-1234.json",
            "--as",
            "hcp-b",
            "-o",
            "patient2.json",
        ],
    )?;
    println!(
        "   the same command, no error, and the note now reads: {}",
        note("patient2.json")?
    );
    d.run("icure", &["icure", "check", "icure", "--as", "hcp-b"])?;
    println!(
        "\n   Moving the untouched record to an ehrcrypt entity, where any change is detected:"
    );
    d.write("icure/patient-1234.json", &original)?;
    d.run(
        "icure",
        &[
            "icure", "migrate", "icure", "--as", "hcp-b", "-o", "migrated",
        ],
    )?;
    println!("\n   (Dr Alice and the patient are not carried: Bob has not verified their keys.)");
    d.run(
        "icure",
        &[
            "entity",
            "decrypt",
            "--as",
            "hcp-b",
            "migrated/patient-1234.enc.json",
            "-o",
            "patient3.json",
        ],
    )?;
    println!("\n   note: {}", note("patient3.json")?);
    Ok(())
}

/// The `encryptedSelf` string of an entity file.
/// Entity format v2: what a file shows without keys, and with Bob's.
fn observer_view(d: &mut Demo) -> Result<()> {
    d.section(
        "What the files tell someone without keys",
        "No owner id, fingerprint or exchange-key id, nothing shared between two files:\nonly how many entries there are. Bob's keys reveal who shares with whom.",
    );
    d.run("bob", &["delegation", "list", "records"])?;
    d.run(
        "bob",
        &[
            "delegation",
            "list",
            "--as",
            "dr-bob",
            "records/contact.enc.json",
        ],
    )?;
    Ok(())
}

fn encrypted_self(d: &Demo, name: &str) -> Result<String> {
    let v: Value = serde_json::from_str(&d.read(name)?)
        .map_err(|_| Error::internal("demo file is not JSON"))?;
    Ok(v["encryptedSelf"].as_str().unwrap_or_default().to_string())
}

/// Flips one byte in the middle of the first object of the demo bucket.
fn corrupt_one_object(d: &Demo) -> Result<()> {
    let dir = d.dir.join("bucket").join("objects");
    let first = std::fs::read_dir(&dir)
        .map_err(|e| Error::io(&dir, "read directory", e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .min()
        .ok_or_else(|| Error::internal("the demo bucket has no object"))?;
    let mut bytes = std::fs::read(&first).map_err(|e| Error::io(&first, "read", e))?;
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&first, bytes).map_err(|e| Error::io(&first, "write", e))?;
    println!(
        "\n   (flipped one byte of {})",
        first.strip_prefix(&d.dir).unwrap_or(&first).display()
    );
    Ok(())
}

/// Seed 003 and seed 004 RDS: a study published once, re-encrypted for a
/// researcher by two of three proxies that hold no key.
#[cfg(feature = "research")]
fn research_steps(d: &mut Demo) -> Result<()> {
    d.section(
        "Research: Dr Carol's lab receives a pseudonymised study through proxies",
        "Alice publishes her patients' FHIR data for a study; names, phones and\naddresses are removed and ids become study pseudonyms before encryption.\nShe grants Carol 2-of-3 key fragments; proxies with no key re-encrypt.",
    );
    d.run("carol", &["research", "init", "--as", "dr-carol"])?;
    d.run(
        "carol",
        &["owner", "export", "dr-carol", "-o", "carol.owner.json"],
    )?;
    d.run("alice", &["owner", "import", "carol.owner.json"])?;
    d.write(
        "study-bundle.json",
        r#"{"resourceType": "Bundle", "type": "collection", "entry": [
  {"resource": {"resourceType": "Patient", "id": "keats", "name": [{"family": "Keats", "given": ["John"]}],
                "telecom": [{"system": "phone", "value": "+44 20 7946 0321"}], "birthDate": "1795-10-31", "gender": "male"}},
  {"resource": {"resourceType": "Observation", "id": "hba1c", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4", "display": "Hemoglobin A1c"}]},
                "subject": {"reference": "Patient/keats", "display": "John Keats"},
                "valueQuantity": {"value": 7.2, "unit": "%"}}}
]}
"#,
    )?;
    d.run(
        "alice",
        &[
            "research",
            "publish",
            "--as",
            "dr-alice",
            "--study",
            "hba1c-2027",
            "study-bundle.json",
            "--out",
            "study",
        ],
    )?;
    d.run(
        "alice",
        &[
            "research",
            "grant",
            "--as",
            "dr-alice",
            "--to",
            "dr-carol",
            "--study",
            "hba1c-2027",
            "--threshold",
            "2",
            "--proxies",
            "3",
            "study",
            "--out-dir",
            "fragments",
        ],
    )?;
    let mut frags: Vec<String> = std::fs::read_dir(d.dir.join("fragments"))
        .map_err(|e| Error::io(&d.dir.join("fragments"), "list", e))?
        .filter_map(|e| e.ok())
        .map(|e| format!("fragments/{}", e.file_name().to_string_lossy()))
        .collect();
    frags.sort();
    for f in frags.iter().take(2) {
        d.run("proxy", &["research", "proxy", "--fragment", f, "study"])?;
    }
    d.run(
        "carol",
        &[
            "research",
            "open",
            "--as",
            "dr-carol",
            "study",
            "--out-dir",
            "study-data",
        ],
    )?;
    let opened = std::fs::read_dir(d.dir.join("study-data"))
        .map_err(|e| Error::io(&d.dir.join("study-data"), "list", e))?
        .filter_map(|e| e.ok())
        .next()
        .map(|e| format!("study-data/{}", e.file_name().to_string_lossy()));
    if let Some(name) = opened {
        d.show_json(&name)?;
    }
    d.run(
        "alice",
        &[
            "research",
            "revoke",
            "--as",
            "dr-alice",
            "--from",
            "dr-carol",
            "--study",
            "hba1c-2027",
            "study",
        ],
    )?;
    Ok(())
}
