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

use std::os::unix::net::UnixStream;
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

/// Whether the peer runs as this process's effective user. The agent
/// checks its clients (the socket's private directory is the first fence,
/// this the second); a client checks the agent, whose answers it trusts
/// with keys (an `EHRCRYPT_AGENT` pointing at another user's socket is
/// refused).
pub(crate) fn peer_is_me(conn: &UnixStream) -> bool {
    use std::os::unix::io::AsRawFd;
    #[cfg(target_os = "linux")]
    {
        let mut cred = libc::ucred {
            pid: 0,
            uid: 0,
            gid: 0,
        };
        let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
        // SAFETY: getsockopt writes at most `len` bytes into `cred`, a
        // local of exactly that size; the descriptor is `conn`'s, open.
        let rc = unsafe {
            libc::getsockopt(
                conn.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_PEERCRED,
                (&mut cred as *mut libc::ucred).cast(),
                &mut len,
            )
        };
        // SAFETY: geteuid has no preconditions.
        rc == 0 && cred.uid == unsafe { libc::geteuid() }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let (mut uid, mut gid) = (0, 0);
        // SAFETY: getpeereid writes two integers into locals; the
        // descriptor is `conn`'s, open.
        let rc = unsafe { libc::getpeereid(conn.as_raw_fd(), &mut uid, &mut gid) };
        // SAFETY: geteuid has no preconditions.
        rc == 0 && uid == unsafe { libc::geteuid() }
    }
}
