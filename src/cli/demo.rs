//! `ehrcrypt demo`: the whole flow on throw-away keystores, narrated. It
//! runs this very binary, command by command, exactly as a user would type
//! them, so what it shows is what the commands really do.

use std::path::PathBuf;
use std::process::Command;

use clap::Args;
use serde_json::Value;

use ehrcrypt::store::{Location, Mode, PutMode};
use ehrcrypt::{Error, Result};

use super::Env;

/// A line of the demo's narration on stdout. A closed stdout (`demo |
/// head`) ends the demo through `?` with a broken-pipe error, so that its
/// throw-away directory is still removed; the binary exits 0 on it.
macro_rules! say {
    ($($arg:tt)*) => {
        narrate(&format!($($arg)*))
    };
}

/// Under `--json` the narration goes to stderr, and stdout carries only
/// the result object.
static NARRATE_TO_STDERR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn narrate(line: &str) -> Result<()> {
    if NARRATE_TO_STDERR.load(std::sync::atomic::Ordering::Relaxed) {
        use std::io::Write;
        let _ = writeln!(std::io::stderr().lock(), "{line}");
        return Ok(());
    }
    super::output::try_stdout(line.as_bytes())
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Keep the demo's files in DIR (created; must be empty) instead of a temporary directory
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Run the backup and emergency steps against this object-store prefix (s3://BUCKET/PREFIX/, configured by the AWS_* variables) instead of a local folder
    #[arg(long, value_name = "URL")]
    pub store: Option<Location>,
}

const PASSPHRASE: &str = "demo passphrase, not a secret";

struct Demo {
    dir: PathBuf,
    exe: PathBuf,
    step: usize,
    /// Whose keystore the last shown command used: an `export
    /// EHRCRYPT_KEYSTORE=…` line is shown whenever it changes, so every
    /// command on screen can be pasted as it is.
    shown_as: std::cell::RefCell<String>,
    /// The key agent's socket while the demo runs commands through it.
    agent: std::cell::RefCell<Option<String>>,
    /// Where the backup bucket goes: `bucket` in the demo's folder, or a
    /// fresh prefix on the object store given with `--store`.
    bucket: String,
}

impl Demo {
    fn section(&mut self, title: &str, why: &str) -> Result<()> {
        self.step += 1;
        say!("\n== {}. {title} ==", self.step)?;
        for line in why.lines() {
            say!("   {line}")?;
        }
        Ok(())
    }

    /// Runs `ehrcrypt ARGS` as `who` (whose keystore is `who.keystore.json`)
    /// and prints the command and its output. Fails the demo if it fails.
    fn run(&self, who: &str, args: &[&str]) -> Result<String> {
        self.step(who, args, true)
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
        say!("   (exit code {code}, as expected)")?;
        Ok(())
    }

    fn exec(&self, who: &str, args: &[&str], show: bool) -> Result<(i32, String)> {
        if show {
            say!("")?;
            if *self.shown_as.borrow() != who {
                say!(
                    "   $ export EHRCRYPT_KEYSTORE={who}.keystore.json    # {}'s machine",
                    capitalised(who)
                )?;
                *self.shown_as.borrow_mut() = who.to_string();
            }
            say!(
                "   $ ehrcrypt {}",
                args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ")
            )?;
        }
        let mut cmd = Command::new(&self.exe);
        cmd.args(args)
            .current_dir(&self.dir)
            .env(
                "EHRCRYPT_KEYSTORE",
                self.dir.join(format!("{who}.keystore.json")),
            )
            .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
            .env_remove("EHRCRYPT_AGENT")
            .env_remove("EHRCRYPT_CONFIG");
        if let Some(socket) = self.agent.borrow().as_ref() {
            cmd.env("EHRCRYPT_AGENT", socket)
                .env_remove("EHRCRYPT_PASSPHRASE");
        }
        let out = cmd
            .output()
            .map_err(|e| Error::internal(format!("cannot run {}: {e}", self.exe.display())))?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if show {
            for line in stdout
                .lines()
                .chain(String::from_utf8_lossy(&out.stderr).lines())
            {
                say!("   | {line}")?;
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

    /// Prints a JSON file with long values shortened.
    #[cfg(feature = "research")]
    fn show_json(&self, name: &str) -> Result<()> {
        let v: Value = serde_json::from_str(&self.read(name)?)
            .map_err(|_| Error::internal("demo file is not JSON"))?;
        say!("\n   {name}:")?;
        let text = serde_json::to_string_pretty(&shorten(v)).unwrap_or_default();
        for line in text.lines() {
            say!("   | {line}")?;
        }
        Ok(())
    }

    /// Shows what an entity file holds, one line per field, with who holds
    /// which entry instead of the wrapped keys themselves.
    fn show_entity(&self, name: &str) -> Result<()> {
        let v: Value = serde_json::from_str(&self.read(name)?)
            .map_err(|_| Error::internal("demo file is not JSON"))?;
        say!("\n   What {name} holds (values shortened):")?;
        let Some(fields) = v.as_object() else {
            return Ok(());
        };
        for (k, v) in fields {
            let text = match v {
                // delegate → [{owner, delegatedTo, exchangeKey, key}]
                Value::Object(m) => {
                    let pairs: Vec<String> = m
                        .values()
                        .flat_map(|l| l.as_array().into_iter().flatten())
                        .map(|e| {
                            let s = |f: &str| e[f].as_str().unwrap_or("?").to_string();
                            format!("{}→{}", s("owner"), s("delegatedTo"))
                        })
                        .collect();
                    format!("one entry per exchange key: {}", pairs.join(", "))
                }
                other => shorten(other.clone()).to_string(),
            };
            say!("   | {k:<19} {text}")?;
        }
        Ok(())
    }

    /// `who` exports owner `id`'s public document (only the exchange keys
    /// for `to`, as README's security notes advise), `to` imports it, and
    /// verifies the fingerprint `who` reads out (the out-of-band check).
    fn introduce(&self, who: &str, id: &str, to: &str, to_id: &str) -> Result<()> {
        let doc = format!("{who}-for-{to}.owner.json");
        self.run(who, &["owner", "export", id, "--for", to_id, "-o", &doc])?;
        self.run(to, &["owner", "import", &doc])?;
        let fp = self.fingerprint(who, id)?;
        say!(
            "\n   {} reads the fingerprint to {} on the phone: {fp}",
            capitalised(who),
            capitalised(to)
        )?;
        self.run(to, &["owner", "verify", id, "--fingerprint", &fp])?;
        Ok(())
    }

    /// `id`'s fingerprint as `who` reads it from their own keystore: the
    /// value they would tell the other party on the phone.
    fn fingerprint(&self, who: &str, id: &str) -> Result<String> {
        Ok(self
            .run(who, &["owner", "fingerprint", id])?
            .trim()
            .to_string())
    }
}

fn capitalised(who: &str) -> String {
    let mut c = who.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `a` as the demo shows it in a command line: bare when it is one word
/// already, quoted for `sh` otherwise.
fn quote(a: &str) -> String {
    if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$".contains(c)) {
        super::output::shell_quote(a)
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

pub fn run(env: &Env, args: DemoArgs) -> Result<()> {
    NARRATE_TO_STDERR.store(env.out.json, std::sync::atomic::Ordering::Relaxed);
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
            // Absolute: every step runs inside this directory, where a
            // relative path would name a directory below it.
            std::fs::canonicalize(d).map_err(|e| Error::io(d, "resolve", e))?
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
        shown_as: Default::default(),
        agent: Default::default(),
        bucket: demo_bucket(args.store.as_ref())?,
    };
    // Every error, a closed stdout included, ends here, so the throw-away
    // directory is always removed.
    let result = intro(&demo).and_then(|_| script(&mut demo));
    if args.keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result?;
    if args.keep.is_some() {
        say!("\nThe demo's files are kept in {}.", dir.display())?;
    }
    say!("\nDemo complete.")?;
    if env.out.json {
        env.out.json(&serde_json::json!({
            "complete": true,
            "sections": demo.step,
            "kept": args.keep.as_ref().map(|_| &dir),
        }));
    }
    if args.keep.is_none() {
        say!("Run `ehrcrypt demo --keep DIR` to keep its keystores and files and try the commands yourself.")?;
    }
    Ok(())
}

fn intro(d: &Demo) -> Result<()> {
    say!(
        "ehrcrypt demo: end-to-end encrypted health records, on throw-away keystores in {}",
        d.dir.display()
    )?;
    say!("Every step runs the real `ehrcrypt` command shown; to try them yourself, run the demo")?;
    say!("with --keep DIR and paste them after:")?;
    say!("\n   $ cd {}", quote(&d.dir.display().to_string()))?;
    say!("   $ export EHRCRYPT_PASSPHRASE={}", quote(PASSPHRASE))
}

fn script(d: &mut Demo) -> Result<()> {
    d.section(
        "Two healthcare parties create their keys",
        "Each data owner has an RSA-2048 key pair; the private key stays in its own\nkeystore, encrypted under a passphrase (PKCS#8, scrypt).",
    )?;
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
    )?;
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
    say!("\n   Bob reads the fingerprint to Alice on the phone: {bob_fp}")?;
    d.run(
        "alice",
        &["owner", "verify", "dr-bob", "--fingerprint", &bob_fp],
    )?;

    d.section(
        "Alice creates the exchange key {AB}",
        "A fresh AES-256 key, wrapped with RSA-OAEP for Alice and for Bob, stored in\nAlice's hcPartyKeys and signed by Alice (RSA-PSS).",
    )?;
    d.run(
        "alice",
        &[
            "hcp-key", "exchange", "--from", "dr-alice", "--to", "dr-bob",
        ],
    )?;

    d.section(
        "Alice encrypts patient John Keats and a contact, shared with Bob",
        "Each entity gets its own AES-256-GCM key and a secret id, sealed once per reader\nin `access` under a lookup key only that pair can compute (entity/v2); the\ncontact's `link` tag ties it to the patient for those who can read the patient.\nlastName stays in clear for indexing, yet is authenticated.",
    )?;
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
    d.show_entity("records/contact.enc.json")?;

    d.section(
        "Bob imports Alice's document (it carries {AB}) and decrypts",
        "Bob unwraps {AB} with his own private key: one RSA decryption, then only\nsymmetric work, however many records (-v counts them).",
    )?;
    d.introduce("alice", "dr-alice", "bob", "dr-bob")?;
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
    )?;
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

/// A key agent for a working session (Unix: it listens on a Unix socket).
#[cfg(unix)]
fn agent_steps(d: &mut Demo) -> Result<()> {
    d.section(
        "Alice keeps her key unlocked for a working session",
        "Every command opens the private key with the passphrase: a deliberate\nscrypt derivation (~33 ms). `ehrcrypt agent` opens it once and serves the\ncommands of this user, never handing the key out, like ssh-agent.\nIn a shell: eval \"$(ehrcrypt agent start)\".",
    )?;
    let lines = d.run(
        "alice",
        &["agent", "start", "--as", "dr-alice", "--lifetime", "2m"],
    )?;
    let socket = lines
        .split('\'')
        .nth(1)
        .ok_or_else(|| Error::internal("demo: agent start printed no socket"))?
        .to_string();
    *d.agent.borrow_mut() = Some(socket);
    say!("\n   From here on, no passphrase is given to Alice's commands.")?;
    let through_agent = d.run(
        "alice",
        &[
            "-v",
            "entity",
            "decrypt",
            "--as",
            "dr-alice",
            "records/contact.enc.json",
        ],
    );
    let stopped = d.run("alice", &["agent", "stop"]);
    *d.agent.borrow_mut() = None;
    through_agent?;
    stopped?;
    Ok(())
}

/// Sharing, revocation, backup and emergency access.
fn more_steps(d: &mut Demo) -> Result<()> {
    let bucket = d.bucket.clone();
    d.section(
        "Alice shares John Keats and everything linked to him with Dr Carol",
        "Only the short keys are wrapped again, under the new exchange key {AC};\nencryptedSelf is not touched (its bytes are identical before and after).",
    )?;
    d.run(
        "carol",
        &[
            "keygen", "--id", "dr-carol", "--name", "Dr Carol", "--kind", "hcp",
        ],
    )?;
    d.introduce("carol", "dr-carol", "alice", "dr-alice")?;
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
    say!(
        "\n   encryptedSelf byte-identical after sharing: {}",
        if same { "yes" } else { "NO" }
    )?;
    d.run("alice", &["delegation", "list", "records/keats.enc.json"])?;
    say!("\n   Carol needs {{AC}}: she imports Alice's document again.")?;
    d.introduce("alice", "dr-alice", "carol", "dr-carol")?;
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

    #[cfg(unix)]
    agent_steps(d)?;

    d.section(
        "Alice takes Carol's access back, and re-keys",
        "Revocation cannot erase what Carol may have copied; --rekey re-encrypts the\nrecord under a fresh key, so an old copy of the key no longer opens it.",
    )?;
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
        "An X-ray travels beside its report",
        "Large files are attachments: streamed into a sidecar beside the entity, under a\nkey derived from the entity key, their names sealed. Sharing never touches them;\n--out-dir restores them beside the record.",
    )?;
    d.write(
        "xray-report.json",
        r#"{"id": "xray-1", "title": "Chest X-ray", "finding": "no consolidation"}"#,
    )?;
    d.write("chest-xray.png", "(the image's bytes)")?;
    d.run(
        "alice",
        &[
            "entity",
            "encrypt",
            "--as",
            "dr-alice",
            "--kind",
            "form",
            "--share-with",
            "dr-bob",
            "--attach",
            "chest-xray.png",
            "xray-report.json",
            "-o",
            "xray-report.enc.json",
        ],
    )?;
    d.run(
        "bob",
        &[
            "entity",
            "decrypt",
            "--as",
            "dr-bob",
            "--out-dir",
            "xray-restored",
            "xray-report.enc.json",
        ],
    )?;
    say!("\n   A record over 1 MiB goes the same way: its JSON is detached into a sidecar,\n   so sharing it rewrites only the small entity file (docs/FORMAT.md 8.4).")?;
    let series = format!(
        r#"{{"id": "ct-1", "title": "CT series", "slices": "{}"}}"#,
        "QUJD".repeat(3 << 19)
    );
    d.write("ct-series.json", &series)?;
    d.run(
        "alice",
        &[
            "entity",
            "encrypt",
            "--as",
            "dr-alice",
            "--kind",
            "form",
            "ct-series.json",
            "-o",
            "ct-series.enc.json",
        ],
    )?;
    d.run(
        "alice",
        &[
            "share",
            "--as",
            "dr-alice",
            "--with",
            "dr-carol",
            "ct-series.enc.json",
        ],
    )?;

    d.section(
        "John Keats backs up his records to a bucket and a signed QR card",
        "R2D Backup: a fresh key encrypts the records; the card holds that key and\nJohn's RSA-PSS signature over it and over the bucket's manifest.",
    )?;
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
            "--bucket",
            &bucket,
            "--qr",
            "card.png",
        ],
    )?;
    d.run("john", &["backup", "inspect", &bucket])?;

    d.section(
        "An emergency: Dr Bob scans the card and reads the backup",
        "R2D Emergency: Bob checks John's signature against John's verified key,\nthen the manifest and every object, before writing anything; the access is\nlogged in the bucket, signed by Bob.",
    )?;
    d.introduce("john", "john-keats", "bob", "dr-bob")?;
    d.run(
        "bob",
        &[
            "emergency",
            "decrypt",
            "--qr",
            "card.png",
            &bucket,
            "--signer",
            "john-keats",
            "--as",
            "dr-bob",
            "--out-dir",
            "emergency",
        ],
    )?;
    d.run("john", &["backup", "inspect", &bucket])?;

    d.section(
        "A damaged bucket is refused, and nothing is written",
        "One byte of one object is changed in storage: the professional gets an\nintegrity error (exit code 5), not corrupted records.",
    )?;
    corrupt_one_object(d)?;
    d.run_failing(
        "bob",
        &[
            "emergency",
            "decrypt",
            "--qr",
            "card.png",
            &bucket,
            "--signer",
            "john-keats",
            "--out-dir",
            "emergency2",
        ],
        5,
    )?;
    hostile_input(d)?;
    fhir_steps(d)?;
    certificate_authority(d)?;
    icure_data(d)
}

/// A small FHIR bundle for [`fhir_steps`]: a patient, an encounter, an
/// observation, and a practitioner who belongs to no patient.
const FHIR_BUNDLE: &str = r#"{
  "resourceType": "Bundle",
  "id": "keats-summary",
  "type": "collection",
  "entry": [
    {
      "fullUrl": "urn:uuid:0f6d4c1e-6a0b-4d6e-9c1a-2b3c4d5e6f70",
      "resource": {
        "resourceType": "Patient",
        "id": "keats",
        "name": [
          {
            "family": "Keats",
            "given": [
              "John"
            ]
          }
        ]
      }
    },
    {
      "resource": {
        "resourceType": "Encounter",
        "id": "visit-1",
        "status": "finished",
        "class": {
          "code": "AMB"
        },
        "subject": {
          "reference": "urn:uuid:0f6d4c1e-6a0b-4d6e-9c1a-2b3c4d5e6f70"
        }
      }
    },
    {
      "resource": {
        "resourceType": "Observation",
        "id": "glucose",
        "status": "final",
        "code": {
          "text": "Glucose"
        },
        "subject": {
          "reference": "Patient/keats"
        },
        "encounter": {
          "reference": "Encounter/visit-1"
        },
        "performer": [
          {
            "reference": "Practitioner/hunt"
          }
        ],
        "valueQuantity": {
          "value": 5.80,
          "unit": "mmol/L"
        }
      }
    },
    {
      "resource": {
        "resourceType": "Practitioner",
        "id": "hunt",
        "name": [
          {
            "family": "Hunt"
          }
        ]
      }
    }
  ]
}
"#;

/// FHIR (issue 15): a bundle in, one entity per resource, back out.
fn fhir_steps(d: &mut Demo) -> Result<()> {
    d.section(
        "Alice imports a FHIR bundle: one entity per resource, linked to the patient",
        "The patient becomes a patient entity; its encounter and observation (its\nPatient compartment) become its children through the secret links. File\nnames are random; references stay inside the encrypted resources.",
    )?;
    d.write("keats-bundle.json", FHIR_BUNDLE)?;
    d.run(
        "alice",
        &[
            "fhir",
            "import",
            "--as",
            "dr-alice",
            "keats-bundle.json",
            "--out-dir",
            "fhir-records",
        ],
    )?;
    d.run(
        "alice",
        &[
            "fhir",
            "export",
            "--as",
            "dr-alice",
            "fhir-records",
            "-o",
            "keats-back.json",
        ],
    )?;
    let same = d.read("keats-bundle.json")? == d.read("keats-back.json")?;
    say!(
        "\n   Alice's export is the imported bundle, byte for byte: {}",
        if same { "yes" } else { "NO" }
    )?;

    d.section(
        "Alice shares the patient with Bob, with its children; Bob exports it",
        "Bob gets the patient's compartment (here as ndjson): not the practitioner,\nand not the original bundle's own fields, which were not shared with him.",
    )?;
    let dir = d.dir.join("fhir-records");
    let patient = std::fs::read_dir(&dir)
        .map_err(|e| Error::io(&dir, "read directory", e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("\"id\": \"Patient/keats\"")))
        .ok_or_else(|| Error::internal("the demo patient entity is missing"))?;
    let patient = format!(
        "fhir-records/{}",
        patient.file_name().unwrap_or_default().to_string_lossy()
    );
    d.run(
        "alice",
        &[
            "share",
            "--as",
            "dr-alice",
            "--with",
            "dr-bob",
            "--with-children",
            "fhir-records",
            &patient,
        ],
    )?;
    d.run(
        "bob",
        &[
            "fhir",
            "export",
            "--as",
            "dr-bob",
            "fhir-records",
            "--ndjson",
        ],
    )?;
    device_to_device(d)?;
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

/// Real Cardinal data, made by `@icure/cardinal-sdk` 1.0.0-RC.7: Dr Bob's
/// and the patient's stored keys, the owners, the exchange data Dr Alice
/// made for Bob, and the patient she shared with him.
const CARDINAL_FILES: [(&str, &str); 7] = [
    (
        "cardinal/hcp-b.sdk-storage.json",
        include_str!("../../fixtures/icure/cardinal-sdk-1.0.0-RC.7/keys/hcp-b.sdk-storage.json"),
    ),
    (
        "cardinal/patient-p.sdk-storage.json",
        include_str!(
            "../../fixtures/icure/cardinal-sdk-1.0.0-RC.7/keys/patient-p.sdk-storage.json"
        ),
    ),
    (
        "cardinal/hcp-a.json",
        include_str!("../../fixtures/icure/cardinal-sdk-1.0.0-RC.7/owners/hcp-a.json"),
    ),
    (
        "cardinal/hcp-b.json",
        include_str!("../../fixtures/icure/cardinal-sdk-1.0.0-RC.7/owners/hcp-b.json"),
    ),
    (
        "cardinal/patient-p.json",
        include_str!("../../fixtures/icure/cardinal-sdk-1.0.0-RC.7/owners/patient-p.json"),
    ),
    (
        "cardinal/hcp-a--hcp-b.json",
        include_str!(
            "../../fixtures/icure/cardinal-sdk-1.0.0-RC.7/exchange-data/hcp-a--hcp-b.json"
        ),
    ),
    (
        "cardinal/patient-1234.json",
        include_str!("../../fixtures/icure/cardinal-sdk-1.0.0-RC.7/records/patient-1234.json"),
    ),
];

/// Cardinal share (issue 14): while Dr Alice is away, Dr Bob gives the
/// patient access to her record in Cardinal's own format, and the
/// patient's key opens it through the new exchange data alone.
fn cardinal_share(d: &mut Demo) -> Result<()> {
    say!(
        "
   Cardinal (@icure/cardinal-sdk): Dr Alice is away; Dr Bob gives the patient access
   to her record in its own format, so the Cardinal apps keep working."
    )?;
    let dir = d.dir.join("cardinal");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, "create directory", e))?;
    for (name, text) in CARDINAL_FILES {
        d.write(name, text)?;
    }
    let docs = [
        "cardinal/hcp-a.json",
        "cardinal/hcp-b.json",
        "cardinal/hcp-a--hcp-b.json",
    ];
    for (who, storage) in [
        ("cardinal-bob", "cardinal/hcp-b.sdk-storage.json"),
        ("cardinal-patient", "cardinal/patient-p.sdk-storage.json"),
    ] {
        d.step(who, &["icure", "import-key", storage], false)?;
        let mut args = vec!["icure", "import-owner"];
        args.extend(docs);
        d.step(who, &args, false)?;
        d.step(
            who,
            &[
                "icure",
                "import-owner",
                "--kind",
                "patient",
                "cardinal/patient-p.json",
            ],
            false,
        )?;
    }
    let fp = d.fingerprint("cardinal-patient", "patient-p")?;
    say!(
        "
   The patient reads her fingerprint to Dr Bob: {fp}"
    )?;
    d.run(
        "cardinal-bob",
        &["owner", "verify", "patient-p", "--fingerprint", &fp],
    )?;
    d.run(
        "cardinal-bob",
        &[
            "icure",
            "share",
            "cardinal/patient-1234.json",
            "--as",
            "hcp-b",
            "--with",
            "patient-p",
            "--i-know-it-is-unauthenticated",
            "-o",
            "cardinal/patient-1234.shared.json",
            "--exchange-data-out",
            "cardinal/hcp-b--patient-p.json",
            "--exchange-data-map-out",
            "cardinal/hcp-b--patient-p.map.json",
        ],
    )?;
    say!(
        "
   The patient imports the new exchange data (as her app would fetch it) and reads:"
    )?;
    d.run(
        "cardinal-patient",
        &["icure", "import-owner", "cardinal/hcp-b--patient-p.json"],
    )?;
    d.run(
        "cardinal-patient",
        &[
            "icure",
            "decrypt",
            "cardinal/patient-1234.shared.json",
            "--as",
            "patient-p",
            "-o",
            "cardinal-patient.json",
        ],
    )?;
    let v: Value = serde_json::from_str(&d.read("cardinal-patient.json")?)
        .map_err(|_| Error::internal("demo file is not JSON"))?;
    say!(
        "
   note: {}",
        v["note"].as_str().unwrap_or_default()
    )?;
    Ok(())
}

/// iCure interop (issue 14): open a real iCure patient with a downloaded
/// key, show that its format cannot notice a flipped IV byte, and move it
/// to an authenticated ehrcrypt entity.
fn icure_data(d: &mut Demo) -> Result<()> {
    d.section(
        "Real iCure data: open it with a downloaded key, check it, move it off",
        "A patient written by the iCure SDK (@icure/api 6.4.4), and Dr Bob's private\nkey as the iCure app lets him download it (hex PKCS#8).",
    )?;
    let dir = d.dir.join("icure");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, "create directory", e))?;
    for (name, text) in ICURE_FILES {
        d.write(name, text)?;
    }
    d.run(
        "icure",
        &["icure", "import-key", "hcp-b.pkcs8.hex", "--id", "hcp-b"],
    )?;
    d.run(
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
    say!("\n   note: {}", note("patient.json")?)?;

    say!("\n   Someone with write access to the server flips one bit of the IV:")?;
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
    d.run(
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
    say!(
        "   the same command, no error, and the note now reads: {}",
        note("patient2.json")?
    )?;
    d.run("icure", &["icure", "check", "icure", "--as", "hcp-b"])?;
    say!("\n   Moving the untouched record to an ehrcrypt entity, where any change is detected:")?;
    d.write("icure/patient-1234.json", &original)?;
    d.run(
        "icure",
        &[
            "icure", "migrate", "icure", "--as", "hcp-b", "-o", "migrated",
        ],
    )?;
    say!("\n   (Dr Alice and the patient are not carried: Bob has not verified their keys.)")?;
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
    say!("\n   note: {}", note("patient3.json")?)?;
    cardinal_share(d)
}

/// Optional step (issue 19), only where `openssl` is installed: OpenSSL
/// plays the hospital's CA, certifies Carol's key from her CSR, and Bob,
/// who trusts that CA, gets her key verified without a phone call.
fn certificate_authority(d: &mut Demo) -> Result<()> {
    let dir = d.dir.clone();
    let openssl = |args: &[&str]| -> Result<bool> {
        say!("\n   [ca]$ openssl {}", args.join(" "))?;
        let out = Command::new("openssl")
            .args(args)
            .current_dir(&dir)
            .env("CA_DIR", ".")
            .output();
        Ok(out.is_ok_and(|o| o.status.success()))
    };
    if !Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        say!("\n(openssl is not installed: skipping the certificate authority step)")?;
        return Ok(());
    }
    d.section(
        "A certificate authority vouches for Dr Carol's key",
        "Carol sends a PKCS#10 request to the hospital CA (OpenSSL here). Bob trusts that\nCA, so Carol's key is verified when he imports her document: no phone call.",
    )?;
    d.write("ca.cnf", include_str!("../../tests/pki/ca.cnf"))?;
    d.run("carol", &["owner", "csr", "dr-carol", "-o", "carol.csr"])?;
    let ok = openssl(&[
        "req",
        "-x509",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "30",
        "-config",
        "ca.cnf",
        "-extensions",
        "v3_root",
        "-subj",
        "/CN=Demo hospital CA",
    ])? && openssl(&[
        "x509",
        "-req",
        "-in",
        "carol.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-days",
        "30",
        "-extfile",
        "ca.cnf",
        "-extensions",
        "v3_owner",
        "-out",
        "carol.pem",
    ])?;
    if !ok {
        return Err(Error::internal(
            "demo: openssl could not issue the certificate",
        ));
    }
    d.run("carol", &["trust", "add", "ca.pem"])?;
    d.run("carol", &["owner", "import-cert", "dr-carol", "carol.pem"])?;
    d.run(
        "carol",
        &[
            "owner",
            "export",
            "dr-carol",
            "-o",
            "carol-certified.owner.json",
        ],
    )?;
    d.run("bob", &["trust", "add", "ca.pem"])?;
    d.run("bob", &["owner", "import", "carol-certified.owner.json"])?;
    d.run(
        "bob",
        &[
            "hcp-key", "exchange", "--from", "dr-bob", "--to", "dr-carol",
        ],
    )?;
    Ok(())
}

/// Issue 11: one strict JSON parser; a key given twice is malformed everywhere.
fn hostile_input(d: &mut Demo) -> Result<()> {
    d.section(
        "A file that names a key twice is refused by every command",
        "JSON leaves open which of two equal keys wins, and readers disagree: ehrcrypt\nrefuses such a file as malformed (exit code 6) rather than guess.",
    )?;
    let text = d.read("records/keats.enc.json")?;
    let twice = text.replacen("\n  \"id\":", "\n  \"id\": \"someone-else\",\n  \"id\":", 1);
    d.write("twice.enc.json", &twice)?;
    d.run_failing("bob", &["delegation", "list", "twice.enc.json"], 6)
}

/// The `encryptedSelf` string of an entity file.
/// Entity format v2: what a file shows without keys, and with Bob's.
fn observer_view(d: &mut Demo) -> Result<()> {
    d.section(
        "What the files tell someone without keys",
        "No owner id, fingerprint or exchange-key id, nothing shared between two files:\nonly how many entries there are. Bob's keys reveal who shares with whom.",
    )?;
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
    if d.bucket.starts_with("s3://") {
        return corrupt_remote_object(d);
    }
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
    say!(
        "\n   (flipped one byte of {})",
        first.strip_prefix(&d.dir).unwrap_or(&first).display()
    )?;
    Ok(())
}

/// Seed 003 and seed 004 RDS: a study published once, re-encrypted for a
/// researcher by two of three proxies that hold no key.
#[cfg(feature = "research")]
fn research_steps(d: &mut Demo) -> Result<()> {
    d.section(
        "Research: Dr Carol's lab receives a pseudonymised study through proxies",
        "Alice publishes her patients' FHIR data for a study; names, phones and\naddresses are removed and ids become study pseudonyms before encryption.\nShe grants Carol 2-of-3 key fragments; proxies with no key re-encrypt.",
    )?;
    d.run("carol", &["research", "init", "--as", "dr-carol"])?;
    d.run(
        "carol",
        &[
            "owner",
            "export",
            "dr-carol",
            "-o",
            "carol-research.owner.json",
        ],
    )?;
    d.run("alice", &["owner", "import", "carol-research.owner.json"])?;
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

/// The demo's bucket: a fresh prefix under `--store` (on an object store,
/// configured by the AWS_* variables), or a folder `bucket`.
fn demo_bucket(store: Option<&Location>) -> Result<String> {
    match store {
        None => Ok("bucket".into()),
        Some(l @ Location::S3 { .. }) => {
            let mut raw = [0u8; 4];
            ehrcrypt::crypto::random_bytes(&mut raw);
            let loc = l.join(&format!("ehrcrypt-demo-{}/", ehrcrypt::crypto::hex(&raw)));
            say!("The backup steps use the object store at {loc}.")?;
            Ok(loc.to_string())
        }
        Some(other) => Err(Error::usage(format!(
            "{other}: --store takes an object-store prefix, s3://BUCKET/PREFIX/"
        ))),
    }
}

/// [`corrupt_one_object`] on the object store: the storage host changes
/// a byte, as a careless or hostile one could.
fn corrupt_remote_object(d: &Demo) -> Result<()> {
    let loc = Location::parse(&d.bucket)?.join("objects/");
    let (store, prefix) = loc.store()?;
    let first = store
        .list(&prefix)?
        .into_iter()
        .next()
        .ok_or_else(|| Error::internal("the demo bucket has no object"))?;
    let mut bytes = store.get(&first.key)?.bytes;
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    store.put(&first.key, &bytes, PutMode::Overwrite, Mode::Public)?;
    say!("\n   (flipped one byte of s3 object {})", first.key)?;
    Ok(())
}

/// Device to device (issue 18): Dr Alice pairs with a new colleague's
/// machine with a one-time code and sends him John Keats's records; he
/// reads them at once. The receiving side runs in the background, as it
/// would on the other machine.
fn device_to_device(d: &mut Demo) -> Result<()> {
    use std::io::BufRead;
    d.section(
        "Device to device: pair with a one-time code, then send records",
        "Dr Dan's machine listens and shows a short code; Dr Alice types it. SPAKE2 on\nthe code keys a Noise channel, each side signs its owner document for the\nsession, and each marks the other's key verified: no fingerprint to read\nout. The records travel shared with Dan (not re-encrypted), with the\nexchange key he needs.",
    )?;
    d.run(
        "dan",
        &[
            "keygen", "--id", "dr-dan", "--name", "Dr Dan", "--kind", "hcp",
        ],
    )?;
    let args = [
        "receive",
        "--as",
        "dr-dan",
        "--listen",
        "127.0.0.1",
        "--out-dir",
        "from-alice",
    ];
    say!("\n   [dan]$ ehrcrypt {} &", args.join(" "))?;
    let mut child = Command::new(&d.exe)
        .args(args)
        .current_dir(&d.dir)
        .env("EHRCRYPT_KEYSTORE", d.dir.join("dan.keystore.json"))
        .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| Error::internal(format!("cannot run {}: {e}", d.exe.display())))?;
    let mut lines = std::io::BufReader::new(
        child
            .stdout
            .take()
            .ok_or_else(|| Error::internal("no stdout"))?,
    );
    let (mut addr, mut code) = (String::new(), String::new());
    while addr.is_empty() || code.is_empty() {
        let mut line = String::new();
        if lines.read_line(&mut line).unwrap_or(0) == 0 {
            let _ = child.wait();
            return Err(Error::internal("the demo's receiver ended early"));
        }
        say!("   | {}", line.trim_end())?;
        if let Some(a) = line.trim().strip_prefix("listening on ") {
            addr = a.to_string();
        } else if let Some(c) = line.trim().strip_prefix("code: ") {
            code = c.to_string();
        }
    }
    let sent = d.run(
        "alice",
        &[
            "send",
            "--as",
            "dr-alice",
            "--to",
            "dr-dan",
            "--code",
            &code,
            "--connect",
            &addr,
            "records/keats.enc.json",
            "records/contact.enc.json",
        ],
    );
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut lines, &mut rest);
    let out = child
        .wait_with_output()
        .map_err(|e| Error::internal(format!("demo receiver: {e}")))?;
    for line in rest
        .lines()
        .chain(String::from_utf8_lossy(&out.stderr).lines())
    {
        say!("   | [dan] {line}")?;
    }
    sent?;
    if !out.status.success() {
        return Err(Error::internal("the demo's receiver failed"));
    }
    d.run(
        "dan",
        &[
            "entity",
            "decrypt",
            "--as",
            "dr-dan",
            "from-alice/keats.enc.json",
        ],
    )?;
    Ok(())
}
