//! Figure 6, key work: RSA-2048 key generation, and unlocking a private key
//! with its passphrase (the KDF every command that decrypts pays once),
//! with the KDF parameters read back from a key this build wrote.

mod common;

use std::ffi::OsStr;

use common::*;
use ehrcrypt::crypto::PrivateKey;

fn main() {
    let opts = Opts::from_args();
    let _pressure = section(
        "6. Key work: generation and passphrase unlock",
        "keys",
        opts,
    );
    let mut t = Table::new(&["operation", "median", "runs (min–max)"]);

    progress("RSA-2048 key generation");
    let keygen = repeat(1, opts.runs(21), || {
        timed(|| PrivateKey::generate().expect("keygen")).1
    });
    t.row(vec![
        "RSA-2048 key generation (`PrivateKey::generate`)".into(),
        format!("**{} ms**", fmt3(keygen.median() * 1e3)),
        keygen.ms(),
    ]);

    let key = PrivateKey::generate().expect("keygen");
    let pem = key.to_encrypted_pem(PASS.as_bytes()).expect("pem");
    progress("passphrase protect / unlock");
    let lock = repeat(1, opts.runs(11), || {
        timed(|| key.to_encrypted_pem(PASS.as_bytes()).expect("pem")).1
    });
    t.row(vec![
        "protect with the passphrase (`PrivateKey::to_encrypted_pem`)".into(),
        format!("{} ms", fmt3(lock.median() * 1e3)),
        lock.ms(),
    ]);
    let unlock = repeat(1, opts.runs(11), || {
        timed(|| PrivateKey::from_encrypted_pem(&pem, PASS.as_bytes()).expect("unlock")).1
    });
    t.row(vec![
        "unlock with the passphrase (`PrivateKey::from_encrypted_pem`)".into(),
        format!("**{} ms**", fmt3(unlock.median() * 1e3)),
        unlock.ms(),
    ]);

    progress("`ehrcrypt keygen` as a whole command");
    let scratch = Scratch::new(Disk::Tmpfs, "keys");
    let ks = scratch.join("keystore.json");
    let mut i = 0;
    let cmd = repeat(0, opts.runs(7), || {
        i += 1;
        let id = format!("k{i}");
        let args = [
            "-q", "keygen", "--kind", "hcp", "--name", "Bench", "--id", &id,
        ];
        ehrcrypt(&ks, args.iter().map(OsStr::new)).secs
    });
    t.row(vec![
        "`ehrcrypt keygen` (tmpfs keystore; generate, protect, save)".into(),
        format!("{} ms", fmt3(cmd.median() * 1e3)),
        cmd.ms(),
    ]);
    t.print();

    match kdf_parameters(&pem) {
        Some(p) => println!("KDF read back from a key this build wrote: {p}.\n"),
        None => println!("KDF parameters: could not be read back from the PEM.\n"),
    }
}

/// `PBES2: scrypt N=2^14, r=8, p=1, AES-256-CBC`, read from the PKCS#8 DER.
fn kdf_parameters(pem_text: &str) -> Option<String> {
    let der = pem::parse(pem_text.trim()).ok()?.into_contents();
    // OID 1.3.6.1.4.1.11591.4.11 (scrypt) and 2.16.840.1.101.3.4.1.42 (AES-256-CBC).
    const SCRYPT: &[u8] = &[
        0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b,
    ];
    const AES256CBC: &[u8] = &[
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a,
    ];
    let at = find(&der, SCRYPT)? + SCRYPT.len();
    // scrypt-params ::= SEQUENCE { salt OCTET STRING, cost, blockSize, parallelization INTEGER, ... }
    let mut r = Der(&der[at..]);
    r.header(0x30)?;
    let salt = r.header(0x04)?;
    r.skip(salt)?;
    let n = r.integer()?;
    let block = r.integer()?;
    let par = r.integer()?;
    let cipher = if find(&der, AES256CBC).is_some() {
        "AES-256-CBC"
    } else {
        "another cipher"
    };
    Some(format!(
        "PBES2, scrypt N=2^{} ({n}), r={block}, p={par} ({} MiB of memory), {cipher}",
        n.trailing_zeros(),
        (128 * n * block) >> 20
    ))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Just enough DER to walk scrypt's parameters.
struct Der<'a>(&'a [u8]);

impl Der<'_> {
    /// Reads a tag and a length; returns the length.
    fn header(&mut self, tag: u8) -> Option<usize> {
        let (&t, rest) = self.0.split_first()?;
        if t != tag {
            return None;
        }
        let (&l, mut rest) = rest.split_first()?;
        let len = if l < 0x80 {
            l as usize
        } else {
            let k = (l & 0x7f) as usize;
            let (bytes, r) = rest.split_at_checked(k)?;
            rest = r;
            bytes.iter().fold(0usize, |a, &b| a << 8 | b as usize)
        };
        self.0 = rest;
        Some(len)
    }
    fn skip(&mut self, n: usize) -> Option<()> {
        self.0 = self.0.get(n..)?;
        Some(())
    }
    fn integer(&mut self) -> Option<u64> {
        let len = self.header(0x02)?;
        let (bytes, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        Some(bytes.iter().fold(0u64, |a, &b| a << 8 | b as u64))
    }
}
