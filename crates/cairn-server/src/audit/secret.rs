//! The audit key: 32 random bytes (hex, one line) in `AUDIT_LOG.key`,
//! created once with mode 0600 and never rotated (a new key would orphan
//! the MACs already written). Whoever can read it can forge entries, so it
//! belongs with the server's other secrets, not with the log's readers.

use crate::error::{Error, Result};
use hmac::{KeyInit, Mac};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The key beside a log: `audit.jsonl` → `audit.jsonl.key`.
pub fn key_path(log: &Path) -> PathBuf {
    let mut s = log.as_os_str().to_os_string();
    s.push(".key");
    PathBuf::from(s)
}

/// The audit key.
#[derive(Clone)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(redacted)")
    }
}

impl AuditKey {
    /// Reads the key at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Store(format!("cannot read audit key {}: {e}", path.display())))?;
        let bytes = hex::decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok());
        bytes.map(AuditKey).ok_or_else(|| {
            Error::Store(format!("audit key {} is not 64 hex digits", path.display()))
        })
    }

    /// Reads the key, or creates it (0600, fsynced with its folder) when
    /// there is none; true when it was created.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool)> {
        if path.exists() {
            return Ok((Self::load(path)?, false));
        }
        let err = |e: std::io::Error| {
            Error::Store(format!("cannot create audit key {}: {e}", path.display()))
        };
        let key: [u8; 32] = cairn_core::crypto::random_array()?;
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).map_err(err)?;
        }
        // create_new: two servers starting at once must not each write a key.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(err)?;
        f.write_all(format!("{}\n", hex::encode(key)).as_bytes())
            .map_err(err)?;
        f.sync_all().map_err(err)?;
        if let Some(d) = path.parent() {
            std::fs::File::open(d)
                .and_then(|d| d.sync_all())
                .map_err(err)?;
        }
        Ok((AuditKey(key), true))
    }

    /// The MAC of an entry hash (hex).
    pub fn mac(&self, hash: &str) -> String {
        #[allow(clippy::expect_used)] // HMAC takes a key of any length
        let mut m = HmacSha256::new_from_slice(&self.0).expect("any key length");
        m.update(b"cairn audit entry v2\0");
        m.update(hash.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }

    /// Whether `mac` is the MAC of `hash` (constant time).
    pub fn check(&self, hash: &str, mac: &str) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.mac(hash).as_bytes().ct_eq(mac.as_bytes()))
    }
}
