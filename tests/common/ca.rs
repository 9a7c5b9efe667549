//! A two-level CA driven by OpenSSL (tests/pki/ca.cnf: root ->
//! intermediate -> owners), for the tests that need certificates
//! (tests/pki.rs, tests/cli_conventions.rs), which skip with one line
//! where openssl is not installed.

use std::path::{Path, PathBuf};
use std::process::Command as Std;

/// Whether `openssl` runs here.
pub fn openssl_present() -> bool {
    Std::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A root and an intermediate CA in a sandbox directory, driven by
/// `openssl req` / `openssl ca` with tests/pki/ca.cnf.
pub struct Ca {
    dir: PathBuf,
}

/// tests/pki/ca.cnf.
pub fn config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pki/ca.cnf")
}

impl Ca {
    /// Root "CN=ehrcrypt test root" and intermediate `inter_cn` under `dir`.
    pub fn new(dir: &Path, inter_cn: &str) -> Self {
        let ca = Ca {
            dir: dir.to_path_buf(),
        };
        for d in ["root", "inter"] {
            let p = dir.join(d);
            std::fs::create_dir_all(p.join("newcerts")).unwrap();
            std::fs::write(p.join("index.txt"), "").unwrap();
            std::fs::write(p.join("serial"), "1000\n").unwrap();
            std::fs::write(p.join("crlnumber"), "1000\n").unwrap();
        }
        ca.run(
            "root",
            &[
                "req",
                "-x509",
                "-new",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "root/ca.key",
                "-out",
                "root/ca.pem",
                "-days",
                "3650",
                "-extensions",
                "v3_root",
                "-subj",
                "/CN=ehrcrypt test root",
            ],
        );
        let subj = format!("/CN={inter_cn}");
        ca.run(
            "inter",
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
                &subj,
            ],
        );
        ca.run(
            "root",
            &[
                "ca",
                "-batch",
                "-extensions",
                "v3_intermediate",
                "-in",
                "inter.csr",
                "-out",
                "inter/ca.pem",
                "-notext",
            ],
        );
        ca
    }

    /// Runs openssl in the CA's directory with the config and CA_DIR set.
    pub fn run(&self, ca_dir: &str, args: &[&str]) -> String {
        let mut c = Std::new("openssl");
        c.current_dir(&self.dir)
            .env("CA_DIR", ca_dir)
            .env("OPENSSL_CONF", config())
            .arg(args[0]);
        if matches!(args[0], "req" | "ca") {
            c.arg("-config").arg(config());
        }
        let out = c.args(&args[1..]).output().expect("run openssl");
        assert!(
            out.status.success(),
            "openssl {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn root(&self) -> PathBuf {
        self.dir.join("root/ca.pem")
    }

    pub fn inter(&self) -> PathBuf {
        self.dir.join("inter/ca.pem")
    }

    /// The intermediate issues `name` for `csr` with extension section
    /// `ext`, optionally with explicit validity (YYYYMMDDHHMMSSZ).
    pub fn issue(&self, csr: &Path, name: &str, ext: &str, dates: Option<(&str, &str)>) -> PathBuf {
        let out = self.dir.join(name);
        let mut args = vec![
            "ca",
            "-batch",
            "-extensions",
            ext,
            "-in",
            csr.to_str().unwrap(),
            "-out",
            out.to_str().unwrap(),
            "-notext",
        ];
        if let Some((start, end)) = dates {
            args.extend(["-startdate", start, "-enddate", end]);
        }
        self.run("inter", &args);
        out
    }

    pub fn revoke(&self, cert: &Path) {
        self.run("inter", &["ca", "-revoke", cert.to_str().unwrap()]);
    }

    /// The intermediate's current CRL.
    pub fn crl(&self, name: &str) -> PathBuf {
        let out = self.dir.join(name);
        self.run(
            "inter",
            &[
                "ca",
                "-gencrl",
                "-crlexts",
                "crl_ext",
                "-out",
                out.to_str().unwrap(),
            ],
        );
        out
    }
}
