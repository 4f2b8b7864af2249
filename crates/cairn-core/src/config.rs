//! The repository `config` object: plain JSON, readable before unlocking (it
//! holds the repository id that key slots and sealing bind to), and
//! authenticated after unlocking by a keyed MAC, so changing the chunker or
//! downgrading the version is detected.

use crate::backend::{Backend, ObjectKind};
use crate::crypto::{Epoch, Keys, MasterSecret};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::RepoId;
use crate::remedy::Remedy;
use serde::{Deserialize, Serialize};

/// Chunker parameters (bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChunkerParams {
    /// Smallest chunk, except the last of a file.
    pub min: u32,
    /// Target average.
    pub avg: u32,
    /// Largest chunk.
    pub max: u32,
}

impl ChunkerParams {
    /// 256 KiB / 1 MiB / 4 MiB, as DESIGN.md asks.
    pub const DEFAULT: ChunkerParams = ChunkerParams {
        min: 256 * 1024,
        avg: 1024 * 1024,
        max: 4 * 1024 * 1024,
    };

    fn check(&self) -> Result<()> {
        let ok = self.min >= 64
            && self.min <= self.avg
            && self.avg <= self.max
            && self.max <= 16 * 1024 * 1024
            && self.min.is_multiple_of(2)
            && self.avg.is_multiple_of(2)
            && self.max.is_multiple_of(2);
        if ok {
            Ok(())
        } else {
            Err(Error::corrupt(format!(
                "repository config has invalid chunker parameters {self:?}"
            )))
        }
    }
}

/// The body of the `config` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoConfig {
    /// Always "cairn-repository".
    pub format: String,
    /// Format version; a reader refuses versions newer than it knows.
    pub version: u32,
    /// The repository id, hex.
    pub id: RepoId,
    /// Chunker parameters.
    pub chunker: ChunkerParams,
    /// zstd level for new data (0 = off).
    pub compression: i32,
    /// Target pack size in bytes.
    pub pack_size: u32,
    /// When it was created (RFC 3339).
    pub created: String,
    /// Write-once rules, when the repository was created with them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worm: Option<crate::worm::WormConfig>,
    /// The key epoch that seals new objects: 1 until `keys rotate-master`
    /// (then the config is version 2).
    #[serde(default = "epoch_one", skip_serializing_if = "is_epoch_one")]
    pub key_epoch: u32,
    /// The master secrets of earlier epochs that objects still need, newest
    /// first, each sealed under the current epoch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired_keys: Vec<RetiredKey>,
    /// Keyed MAC of this object with `mac` set to "", hex.
    #[serde(default)]
    pub mac: String,
}

/// An earlier epoch's master secret, sealed under the current epoch's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetiredKey {
    /// Its epoch.
    pub epoch: u32,
    /// The sealed secret (32 bytes + 16-byte tag), hex.
    pub sealed: String,
}

fn epoch_one() -> u32 {
    1
}

fn is_epoch_one(e: &u32) -> bool {
    *e == 1
}

/// The largest pack the writer targets; packs may exceed it by one blob.
pub const DEFAULT_PACK_SIZE: u32 = 16 * 1024 * 1024;

impl RepoConfig {
    /// A new config for a fresh repository (the MAC is filled in by `seal`).
    pub fn new(id: RepoId, compression: i32, created: time::OffsetDateTime) -> Self {
        RepoConfig {
            format: "cairn-repository".into(),
            // Version 3: large directories may be stored in parts
            // (FORMAT.md §10.1). A repository made before keeps its version
            // and whole trees, so cairn releases before 3 still read it.
            version: 3,
            id,
            chunker: ChunkerParams::DEFAULT,
            compression,
            pack_size: DEFAULT_PACK_SIZE,
            created: crate::clock::rfc3339(created),
            worm: None,
            key_epoch: 1,
            retired_keys: Vec::new(),
            mac: String::new(),
        }
    }

    fn canonical(&self) -> Vec<u8> {
        let mut c = self.clone();
        c.mac = String::new();
        // Rebuilt from parsed values (FORMAT.md §8): hex in its written,
        // lowercase spelling, as `id` is, so both readers hash one form.
        for r in &mut c.retired_keys {
            r.sealed.make_ascii_lowercase();
        }
        #[allow(clippy::expect_used)] // plain data always serialises
        serde_json::to_vec(&c).expect("config serialises")
    }

    /// Sets the MAC.
    pub fn seal(&mut self, keys: &Keys) {
        self.mac = hex::encode(keys.config_mac(&self.canonical()));
    }

    /// Checks the MAC (after unlocking).
    pub fn verify_mac(&self, keys: &Keys) -> Result<()> {
        // Hex in either case (FORMAT.md), compared in constant time: a
        // storage attacker who can replace the config and time the refusal
        // must learn nothing about the MAC it would need.
        let stored = hex::decode(&self.mac).unwrap_or_default();
        let want = keys.config_mac(&self.canonical());
        if !bool::from(subtle::ConstantTimeEq::ct_eq(
            stored.as_slice(),
            want.as_slice(),
        )) {
            return Err(Error::corrupt(
                "the repository config does not match its MAC: it was edited or replaced",
            ));
        }
        Ok(())
    }

    /// The working keys for the master secret a slot unwrapped: the config's
    /// MAC is checked with them (a secret of another epoch fails here), then
    /// the retired epochs' secrets are opened.
    pub fn unlock_keys(&self, master: &MasterSecret) -> Result<Keys> {
        let mut keys = Keys::derive_epoch(master, self.id, Epoch(self.key_epoch));
        self.verify_mac(&keys)?;
        for r in &self.retired_keys {
            let sealed = hex::decode(&r.sealed).map_err(|_| {
                Error::corrupt(format!(
                    "the repository config's key of epoch {} is not hex",
                    r.epoch
                ))
            })?;
            let secret = keys.open_retired(Epoch(r.epoch), &sealed)?;
            keys = keys.with_retired(&secret, Epoch(r.epoch));
        }
        Ok(keys)
    }

    /// Parses and sanity-checks the config object.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let v: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| Error::corrupt(format!("the repository config is not valid JSON: {e}")))?;
        if v.get("format").and_then(|f| f.as_str()) != Some("cairn-repository") {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "this is not a cairn repository (its config has no cairn format marker)",
            )
            .remedy(Remedy::CheckLocation)
            .remedy(Remedy::Init));
        }
        let version = v.get("version").and_then(|x| x.as_u64()).unwrap_or(0);
        if version == 0 {
            return Err(Error::corrupt(
                "the repository config has no valid format version",
            ));
        }
        if version > u64::from(crate::FORMAT_VERSION) {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "the repository uses format version {version}, newer than this cairn supports ({})",
                    crate::FORMAT_VERSION
                ),
            )
            .hint("upgrade cairn to a release that reads this version"));
        }
        // The strict parse reads the bytes again, not the generic value: a
        // value keeps the last of two equal keys, and FORMAT.md refuses both.
        let c: RepoConfig = serde_json::from_slice(bytes)
            .map_err(|e| Error::corrupt(format!("the repository config is malformed: {e}")))?;
        c.chunker.check()?;
        let epochs_ok = if c.version == 1 {
            c.key_epoch == 1 && c.retired_keys.is_empty()
        } else {
            c.key_epoch >= 1
                && c.retired_keys
                    .iter()
                    .zip(std::iter::once(c.key_epoch).chain(c.retired_keys.iter().map(|r| r.epoch)))
                    .all(|(r, newer)| r.epoch >= 1 && r.epoch < newer)
        };
        if !epochs_ok {
            return Err(Error::corrupt(
                "the repository config has inconsistent key epochs",
            ));
        }
        if !(0..=22).contains(&c.compression) || c.pack_size < 1 << 20 || c.pack_size > 1 << 30 {
            return Err(Error::corrupt(
                "the repository config has out-of-range compression or pack size",
            ));
        }
        Ok(c)
    }

    /// Serialises the config.
    pub fn encode(&self) -> Vec<u8> {
        #[allow(clippy::expect_used)] // plain data always serialises
        serde_json::to_vec_pretty(self).expect("config serialises")
    }
}

/// Reads and parses the config without unlocking (for `keys status` and `init` checks).
pub fn read_config(backend: &dyn Backend) -> Result<RepoConfig> {
    match backend.read(ObjectKind::Config, "config") {
        Ok(b) => RepoConfig::decode(&b),
        Err(e) if e.kind() == ErrorKind::NotFound => Err(Error::new(
            ErrorKind::NotFound,
            format!("there is no cairn repository at {}", backend.location()),
        )
        .remedy(Remedy::CheckLocation)
        .remedy(Remedy::Init)),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_detects_edits_and_newer_versions_are_refused() {
        let keys = Keys::derive(&MasterSecret::from_bytes([3; 32]), RepoId([4; 32]));
        let mut c = RepoConfig::new(RepoId([4; 32]), 3, time::OffsetDateTime::UNIX_EPOCH);
        c.seal(&keys);
        let d = RepoConfig::decode(&c.encode()).unwrap();
        d.verify_mac(&keys).unwrap();
        let mut e = d.clone();
        e.compression = 1;
        assert!(e.verify_mac(&keys).is_err());
        let mut v: serde_json::Value = serde_json::from_slice(&c.encode()).unwrap();
        v["version"] = 99.into();
        let err = RepoConfig::decode(&serde_json::to_vec(&v).unwrap()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported);
        assert!(RepoConfig::decode(b"{}").is_err());
        // Key epochs: only from version 2 on, and retired epochs strictly older.
        let mut v: serde_json::Value = serde_json::from_slice(&c.encode()).unwrap();
        assert_eq!(v["version"], 3, "init writes version 3 (trees in parts)");
        v["version"] = 1.into();
        v["key_epoch"] = 2.into();
        assert!(RepoConfig::decode(&serde_json::to_vec(&v).unwrap()).is_err());
        v["version"] = 2.into();
        v["retired_keys"] = serde_json::json!([{"epoch": 1, "sealed": "00"}]);
        assert!(RepoConfig::decode(&serde_json::to_vec(&v).unwrap()).is_ok());
        v["retired_keys"] = serde_json::json!([{"epoch": 2, "sealed": "00"}]);
        assert!(RepoConfig::decode(&serde_json::to_vec(&v).unwrap()).is_err());
        assert!(RepoConfig::decode(b"\xff").is_err());
    }
}
