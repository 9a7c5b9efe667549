//! A listening ehrcrypt for the device-to-device tests (tests/d2d.rs,
//! tests/cli_conventions.rs): started in a sandbox, with the address and
//! code it printed, and its output once it has finished.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command as StdCommand, Stdio};
use std::sync::Mutex;

use serde_json::Value;

use super::{Sandbox, PASSPHRASE};

/// A listening ehrcrypt (`pair`, `send` or `receive` with `--listen`),
/// with the address and code it printed.
pub struct Listener {
    pub child: Child,
    pub addr: String,
    pub code: String,
}

impl Listener {
    pub fn start(sb: &Sandbox, who: &str, args: &[&str]) -> Listener {
        let timeout: &[&str] = if args.contains(&"--timeout") {
            &[]
        } else {
            &["--timeout", "10"]
        };
        let mut child = StdCommand::new(super::bin())
            .args(args)
            .args(["--listen", "127.0.0.1", "--wait", "60"])
            .args(timeout)
            .current_dir(sb.dir())
            .env_remove("EHRCRYPT_KEYSTORE")
            .env("HOME", sb.dir())
            .env("XDG_DATA_HOME", sb.path("xdg-data"))
            .env("EHRCRYPT_KEYSTORE", sb.keystore(who))
            .env("EHRCRYPT_PASSPHRASE", PASSPHRASE)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the listener");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout"));
        let (mut addr, mut code) = (None, None);
        while addr.is_none() || code.is_none() {
            let mut line = String::new();
            if lines.read_line(&mut line).expect("read the listener") == 0 {
                let out = child.wait_with_output().expect("listener output");
                panic!(
                    "listener ended early: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            if line.starts_with('{') {
                // --json: one line with both before the result.
                let v: Value = serde_json::from_str(&line).expect("JSON line");
                addr = v["listening"].as_str().map(str::to_string);
                code = v["code"].as_str().map(str::to_string);
            } else if let Some(a) = line.trim().strip_prefix("listening on ") {
                addr = Some(a.to_string());
            } else if let Some(c) = line.trim().strip_prefix("code: ") {
                code = Some(c.to_string());
            }
        }
        // The rest of stdout is read when the listener has finished.
        let rest = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = lines.read_to_string(&mut s);
            s
        });
        REST.lock().unwrap().push((child.id(), rest));
        Listener {
            child,
            addr: addr.unwrap(),
            code: code.unwrap(),
        }
    }

    /// Waits for the listener; returns its exit code, stdout and stderr.
    pub fn finish(mut self) -> (i32, String, String) {
        let status = self.child.wait().expect("wait for the listener");
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        let id = self.child.id();
        let rest = {
            let mut all = REST.lock().unwrap();
            let i = all.iter().position(|(p, _)| *p == id).expect("reader");
            all.remove(i).1
        };
        let out = rest.join().unwrap_or_default();
        (status.code().unwrap_or(-1), out, err)
    }
}

type Rest = Vec<(u32, std::thread::JoinHandle<String>)>;
static REST: Mutex<Rest> = Mutex::new(Vec::new());
