//! `ehrcrypt agent`: private keys unlocked once per session instead of once
//! per command, as ssh-agent does for ssh. Opening a keystore key costs a
//! scrypt derivation (~33 ms, by design); a script that runs a hundred
//! commands pays it once. The agent performs RSA-OAEP decryptions,
//! RSA-PSS signatures and the lookup-cache key derivation for clients of
//! the same user on a private Unix socket; it never exports a private key.
//! Commands that need the key itself (research keys, legacy iCure
//! paddings, certificate requests) still ask for the passphrase.

pub mod client;
pub mod protocol;
pub mod server;

use std::path::PathBuf;

use crate::error::{Error, Result};

pub use client::{AgentKey, Client};
pub use server::{Agent, AgentStatus, HeldKey};

/// The environment variable naming the agent's socket.
pub const ENV_VAR: &str = "EHRCRYPT_AGENT";

/// A fresh private directory (0700) for a new agent's socket, under
/// `$XDG_RUNTIME_DIR` when set (a per-user tmpfs), else the temp dir; the
/// socket path inside it.
pub fn new_socket_path() -> Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let mut tag = [0u8; 8];
    crate::crypto::random_bytes(&mut tag);
    let dir = base.join(format!("ehrcrypt-agent.{}", crate::crypto::hex(&tag)));
    // `create` fails if the name exists: nobody can have prepared it.
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(|e| Error::io(&dir, "create", e))?;
    Ok(dir.join("agent.sock"))
}
