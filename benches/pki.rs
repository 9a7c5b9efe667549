//! Figure 10, certificates (issue 19): what it costs that every keystore
//! load re-validates every key's certificate chain against the anchors and
//! CRLs. 100 healthcare parties whose keys are verified by certificate
//! (root → intermediate → owner, issued by OpenSSL from ehrcrypt's CSRs,
//! 10 of them revoked in the intermediate's CRL), against the same 100
//! keys verified by fingerprint, loaded in the same run. Needs `openssl`;
//! without it the figure says so.

mod common;

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use common::*;
use ehrcrypt::keystore::Keystore;
use ehrcrypt::pki::{self, cert};

const OWNERS: usize = 100;
const REVOKED: usize = 10;

fn main() {
    let opts = Opts::from_args();
    let _pressure = section("10. Certificates: chain validation", "pki", opts);
    if !have("openssl", &["version"]) {
        println!("Skipped: openssl is not installed (it plays the CA).\n");
        return;
    }
    let scratch = Scratch::new(Disk::Tmpfs, "pki");
    let dir = scratch.path();
    // The baseline is the same owners without private keys, as the
    // certified copy has none: only the certificates differ.
    let plain = world(OWNERS, &scratch.join("plain.keystore.json"));
    let mut ks = Keystore::load(&plain).expect("load");
    let ids: Vec<_> = ks.owners().iter().map(|o| o.id.clone()).collect();
    for id in &ids {
        ks.owner_mut(id).expect("owner").private_keys.clear();
    }
    let stripped = scratch.join("stripped.keystore.json");
    ks.save(&stripped).expect("save");
    progress("issuing certificates with openssl");
    let certified = certify(&plain, dir, &scratch.join("certified.keystore.json"));
    let plain = stripped;

    let bytes_plain = std::fs::read(&plain).expect("read");
    let bytes_cert = std::fs::read(&certified).expect("read");
    let check = Keystore::parse(&bytes_cert, "bench").expect("parse");
    let verified = check
        .owners()
        .iter()
        .filter(|o| o.public_keys.iter().all(|k| k.is_verified()))
        .count();
    assert_eq!(
        verified,
        OWNERS - REVOKED,
        "certificates verify all but the revoked"
    );

    let mut t = Table::new(&["operation", "median", "runs (min–max)"]);
    progress("keystore loads");
    let consult = |ks: &Keystore| {
        ks.owners()
            .iter()
            .flat_map(|o| &o.public_keys)
            .filter(|k| k.is_verified())
            .count()
    };
    let base = repeat(2, opts.runs(21), || {
        timed(|| consult(&Keystore::parse(&bytes_plain, "bench").expect("parse"))).1
    });
    let lazy = repeat(2, opts.runs(21), || {
        timed(|| Keystore::parse(&bytes_cert, "bench").expect("parse")).1
    });
    let all = repeat(2, opts.runs(21), || {
        timed(|| consult(&Keystore::parse(&bytes_cert, "bench").expect("parse"))).1
    });
    let per_key = (all.median() - lazy.median()) / OWNERS as f64;
    t.row(vec![
        format!("load {OWNERS} owners verified by fingerprint, ask each key (baseline)"),
        format!("{} ms", fmt3(base.median() * 1e3)),
        base.ms(),
    ]);
    t.row(vec![
        format!("load the same {OWNERS} keys with certificates (2-certificate chains, 1 anchor, CRL of {REVOKED}), ask none"),
        format!("{} ms ({}×)", fmt3(lazy.median() * 1e3), fmt3(lazy.median() / base.median())),
        lazy.ms(),
    ]);
    t.row(vec![
        format!("load them and ask each key whether it is verified (validates {OWNERS} chains)"),
        format!(
            "**{} ms** ({}×)",
            fmt3(all.median() * 1e3),
            fmt3(all.median() / base.median())
        ),
        all.ms(),
    ]);
    t.row(vec![
        "one chain validation (difference / owners)".into(),
        format!("**{} ms**", fmt3(per_key * 1e3)),
        String::new(),
    ]);
    let verify = rsa_verify(opts);
    t.row(vec![
        "one RSA-2048 PKCS#1 v1.5 SHA-256 verification (`pki::algs`, the `rsa` crate)".into(),
        format!(
            "{} ms (a chain validation is {}× this; it makes 3)",
            fmt3(verify.median() * 1e3),
            fmt3(per_key / verify.median())
        ),
        verify.ms(),
    ]);

    progress("whole commands");
    let cmd = |ks: &Path, args: &[&str]| {
        repeat(1, opts.runs(7), || {
            ehrcrypt(ks, args.iter().map(OsStr::new)).secs
        })
    };
    for (what, args) in [
        (
            "`ehrcrypt owner show hcp-050` (one key)",
            &["-q", "owner", "show", "hcp-050"][..],
        ),
        (
            "`ehrcrypt owner list` (every key)",
            &["-q", "owner", "list"][..],
        ),
    ] {
        let (b, c) = (cmd(&plain, args), cmd(&certified, args));
        t.row(vec![
            format!("{what}, by fingerprint"),
            format!("{} ms", fmt3(b.median() * 1e3)),
            b.ms(),
        ]);
        t.row(vec![
            format!("{what}, by certificate"),
            format!(
                "{} ms ({}×)",
                fmt3(c.median() * 1e3),
                fmt3(c.median() / b.median())
            ),
            c.ms(),
        ]);
    }
    t.print();
    println!(
        "Keystore sizes: {} KiB by fingerprint, {} KiB with certificates.\n",
        bytes_plain.len() / 1024,
        bytes_cert.len() / 1024
    );
}

/// One RSA-2048 signature verification through the same algorithm
/// objects path validation uses.
fn rsa_verify(opts: Opts) -> Sample {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::signature::{SignatureEncoding, Signer};
    let key = rsa::RsaPrivateKey::new(&mut ehrcrypt::crypto::rng(), 2048).expect("keygen");
    let sig = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key.clone())
        .sign(b"to be signed")
        .to_vec();
    let public = key.to_public_key().to_pkcs1_der().expect("der");
    let alg = pki::algs::ALL[0];
    repeat(3, opts.runs(51), || {
        timed(|| {
            alg.verify_signature(public.as_bytes(), b"to be signed", &sig)
                .expect("verifies")
        })
        .1
    })
}

/// Runs openssl in `dir` with the test CA configuration.
fn openssl(dir: &Path, ca_dir: &str, args: &[&str]) {
    let cnf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pki/ca.cnf");
    let mut c = Command::new("openssl");
    c.current_dir(dir).env("CA_DIR", ca_dir).arg(args[0]);
    if matches!(args[0], "req" | "ca") {
        c.arg("-config").arg(&cnf);
    } else {
        c.arg("-extfile").arg(&cnf);
    }
    let out = c.args(&args[1..]).output().expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A copy of `plain` whose keys are unverified but certified, with the root
/// as anchor and a CRL revoking the first [`REVOKED`] owners.
fn certify(plain: &Path, dir: &Path, dest: &Path) -> std::path::PathBuf {
    let inter = dir.join("inter");
    std::fs::create_dir_all(inter.join("newcerts")).expect("mkdir");
    std::fs::write(inter.join("index.txt"), "").expect("write");
    std::fs::write(inter.join("crlnumber"), "1000\n").expect("write");
    std::fs::write(inter.join("serial"), "1000\n").expect("write");
    openssl(
        dir,
        ".",
        &[
            "req",
            "-x509",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "root.key",
            "-out",
            "root.pem",
            "-days",
            "30",
            "-extensions",
            "v3_root",
            "-subj",
            "/CN=Bench root",
        ],
    );
    openssl(
        dir,
        ".",
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "inter/ca.key",
            "-out",
            "inter.csr",
            "-subj",
            "/CN=Bench issuing CA",
        ],
    );
    openssl(
        dir,
        ".",
        &[
            "x509",
            "-req",
            "-in",
            "inter.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-days",
            "30",
            "-extensions",
            "v3_intermediate",
            "-out",
            "inter/ca.pem",
        ],
    );
    let read = |name: &str| {
        let p = dir.join(name);
        cert::parse_certs(&std::fs::read(&p).expect("read"), name).expect("certificate")
    };
    let mut ks = Keystore::load(plain).expect("load");
    let ids: Vec<_> = ks.owners().iter().map(|o| o.id.clone()).collect();
    for (i, id) in ids.iter().enumerate() {
        let o = ks.owner(id).expect("owner");
        let key = o
            .unlock(&o.public_keys[0].fingerprint, PASS.as_bytes())
            .expect("unlock");
        let csr = pki::csr::build(
            &key,
            pki::csr::parse_subject(&format!("CN={id}")).expect("dn"),
        )
        .expect("csr");
        let (csr_name, pem_name) = (format!("{id}.csr"), format!("{id}.pem"));
        std::fs::write(dir.join(&csr_name), csr).expect("write");
        let serial = format!("{}", 5000 + i);
        openssl(
            dir,
            ".",
            &[
                "x509",
                "-req",
                "-in",
                &csr_name,
                "-CA",
                "inter/ca.pem",
                "-CAkey",
                "inter/ca.key",
                "-set_serial",
                &serial,
                "-days",
                "30",
                "-extensions",
                "v3_owner",
                "-out",
                &pem_name,
            ],
        );
        if i < REVOKED {
            openssl(dir, "inter", &["ca", "-revoke", &pem_name]);
        }
        let mut chain = read(&pem_name);
        chain.extend(read("inter/ca.pem"));
        let o = ks.owner_mut(id).expect("owner");
        o.public_keys[0].verified = false;
        o.public_keys[0].certificates = chain;
        o.private_keys.clear();
    }
    openssl(
        dir,
        "inter",
        &["ca", "-gencrl", "-crlexts", "crl_ext", "-out", "inter.crl"],
    );
    ks.add_anchor(read("root.pem").remove(0)).expect("anchor");
    let crl_bytes = std::fs::read(dir.join("inter.crl")).expect("read");
    ks.add_crl(cert::parse_crl(&crl_bytes, "inter.crl").expect("crl"))
        .expect("crl");
    ks.save(dest).expect("save");
    dest.to_path_buf()
}
