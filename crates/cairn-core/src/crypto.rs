//! Keys and sealing. One random master secret; every working key is derived
//! from it with HKDF-SHA256, salted with the repository id, so two repositories
//! never share a key even if (by misuse) they share a master secret.
//!
//! Sealing is AES-256-GCM-SIV. The nonce is the first 12 bytes of the object's
//! keyed id, so the same plaintext always seals to the same bytes (that is what
//! makes snapshots reproducible) and GCM-SIV's misuse resistance means a
//! repeated nonce reveals only that two plaintexts were equal, which the ids
//! already say. Never a clock or a counter.

use crate::error::{Error, Result};
use crate::ids::RepoId;
use aes_gcm_siv::aead::AeadInOut;
use aes_gcm_siv::{Aes256GcmSiv, KeyInit, Nonce};
use std::fmt;

/// Length of the AEAD tag appended to every sealed object.
pub const TAG_LEN: usize = 16;

/// What a sealed object is; bound into its associated data and selecting its id key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum SealKind {
    /// A chunk of file content.
    Data = 1,
    /// A directory tree.
    Tree = 2,
    /// The trailer of a pack.
    PackTrailer = 3,
    /// An index file.
    Index = 4,
    /// A snapshot.
    Snapshot = 5,
}

impl SealKind {
    /// Decodes the byte stored in pack trailers and indexes (blobs only).
    pub fn blob_from_u8(b: u8) -> Result<Self> {
        match b {
            1 => Ok(SealKind::Data),
            2 => Ok(SealKind::Tree),
            _ => Err(Error::corrupt(format!("unknown blob kind {b}"))),
        }
    }

    fn label(self) -> &'static str {
        match self {
            SealKind::Data => "data",
            SealKind::Tree => "tree",
            SealKind::PackTrailer => "trailer",
            SealKind::Index => "index",
            SealKind::Snapshot => "snapshot",
        }
    }
}

/// The repository's 256-bit master secret. Random, never derived from a password.
#[derive(Clone)]
pub struct MasterSecret(pub(crate) [u8; 32]);

impl MasterSecret {
    /// A fresh secret from the operating system's CSPRNG.
    pub fn generate() -> Result<Self> {
        Ok(MasterSecret(random_array()?))
    }

    /// Raw bytes, for key slots to wrap.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// Rebuilds a secret unwrapped by a key slot.
    pub fn from_bytes(b: [u8; 32]) -> Self {
        MasterSecret(b)
    }
}

impl fmt::Debug for MasterSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterSecret(<redacted>)")
    }
}

impl Drop for MasterSecret {
    fn drop(&mut self) {
        // Best effort; without unsafe volatile writes the optimiser may elide this.
        self.0 = [0u8; 32];
    }
}

/// Fills an array from the OS CSPRNG.
pub fn random_array<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| {
        Error::new(
            crate::ErrorKind::Io,
            format!("the operating system's random generator failed: {e}"),
        )
    })?;
    Ok(b)
}

/// The working keys derived from a master secret for one repository.
pub struct Keys {
    repo_id: RepoId,
    aead: Aes256GcmSiv,
    id_keys: [[u8; 32]; 5],
    config_mac: [u8; 32],
    chunker_seed: u64,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("repo_id", &self.repo_id)
            .finish_non_exhaustive()
    }
}

fn hkdf(hk: &hkdf::Hkdf<sha2::Sha256>, info: &str, out: &mut [u8]) {
    // HKDF-Expand only fails when asked for more than 255 hash lengths; we ask for at most 32 bytes.
    #[allow(clippy::expect_used)]
    hk.expand(info.as_bytes(), out)
        .expect("hkdf output length is small");
}

impl Keys {
    /// Derives every working key (see docs/FORMAT.md, "Key derivation").
    pub fn derive(master: &MasterSecret, repo_id: RepoId) -> Self {
        let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(&repo_id.0), &master.0);
        let mut aead_key = [0u8; 32];
        hkdf(&hk, "cairn/v1/aead", &mut aead_key);
        let mut id_keys = [[0u8; 32]; 5];
        for kind in [
            SealKind::Data,
            SealKind::Tree,
            SealKind::PackTrailer,
            SealKind::Index,
            SealKind::Snapshot,
        ] {
            hkdf(
                &hk,
                &format!("cairn/v1/id/{}", kind.label()),
                &mut id_keys[kind as usize - 1],
            );
        }
        let mut config_mac = [0u8; 32];
        hkdf(&hk, "cairn/v1/config-mac", &mut config_mac);
        let mut seed = [0u8; 8];
        hkdf(&hk, "cairn/v1/chunker", &mut seed);
        // A 256-bit key is always a valid AES-256 key.
        #[allow(clippy::expect_used)]
        let aead = Aes256GcmSiv::new_from_slice(&aead_key).expect("32-byte key");
        Keys {
            repo_id,
            aead,
            id_keys,
            config_mac,
            chunker_seed: u64::from_le_bytes(seed),
        }
    }

    /// The repository these keys belong to.
    pub fn repo_id(&self) -> RepoId {
        self.repo_id
    }

    /// The keyed id of `plaintext` as an object of `kind`.
    pub fn id(&self, kind: SealKind, plaintext: &[u8]) -> [u8; 32] {
        *blake3::keyed_hash(&self.id_keys[kind as usize - 1], plaintext).as_bytes()
    }

    /// The seed that keys the chunker's gear table.
    pub fn chunker_seed(&self) -> u64 {
        self.chunker_seed
    }

    /// MAC over the repository config, so a tampered config is detected after unlock.
    pub fn config_mac(&self, canonical: &[u8]) -> [u8; 32] {
        *blake3::keyed_hash(&self.config_mac, canonical).as_bytes()
    }

    fn aad(&self, kind: SealKind, id: &[u8; 32]) -> [u8; 74] {
        let mut ad = [0u8; 74];
        ad[..5].copy_from_slice(b"cairn");
        ad[5..9].copy_from_slice(&crate::FORMAT_VERSION.to_le_bytes());
        ad[9..41].copy_from_slice(&self.repo_id.0);
        ad[41] = kind as u8;
        ad[42..74].copy_from_slice(id);
        ad
    }

    /// Seals `buf` in place (appends the tag).
    pub fn seal_in_place(&self, kind: SealKind, id: &[u8; 32], buf: &mut Vec<u8>) -> Result<()> {
        let nonce = nonce_of(id);
        self.aead
            .encrypt_in_place(&nonce, &self.aad(kind, id), buf)
            .map_err(|_| Error::invalid("object too large to seal"))
    }

    /// Opens a sealed object, checking that it is the `kind` object `id` of this repository.
    pub fn open(&self, kind: SealKind, id: &[u8; 32], sealed: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < TAG_LEN {
            return Err(Error::corrupt(format!(
                "{} object {} is truncated ({} bytes)",
                kind.label(),
                hex::encode(&id[..4]),
                sealed.len()
            )));
        }
        let mut buf = sealed.to_vec();
        self.aead
            .decrypt_in_place(&nonce_of(id), &self.aad(kind, id), &mut buf)
            .map_err(|_| {
                Error::corrupt(format!(
                    "{} object {} failed authentication: it was modified, truncated, or belongs to another repository",
                    kind.label(),
                    hex::encode(id)
                ))
            })?;
        Ok(buf)
    }
}

fn nonce_of(id: &[u8; 32]) -> Nonce {
    let mut n = [0u8; 12];
    n.copy_from_slice(&id[..12]);
    Nonce::from(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys() -> Keys {
        Keys::derive(&MasterSecret([1u8; 32]), RepoId([2u8; 32]))
    }

    #[test]
    fn same_plaintext_seals_to_same_bytes() {
        let k = keys();
        let id = k.id(SealKind::Data, b"hello");
        let mut a = b"hello".to_vec();
        let mut b = b"hello".to_vec();
        k.seal_in_place(SealKind::Data, &id, &mut a).unwrap();
        k.seal_in_place(SealKind::Data, &id, &mut b).unwrap();
        assert_eq!(a, b);
        assert_ne!(&a[..5], b"hello");
    }

    #[test]
    fn object_cannot_move_between_kinds_ids_or_repositories() {
        let k = keys();
        let id = k.id(SealKind::Data, b"x");
        let mut s = b"x".to_vec();
        k.seal_in_place(SealKind::Data, &id, &mut s).unwrap();
        assert!(k.open(SealKind::Tree, &id, &s).is_err());
        let mut other = id;
        other[31] ^= 1;
        assert!(k.open(SealKind::Data, &other, &s).is_err());
        let k2 = Keys::derive(&MasterSecret([1u8; 32]), RepoId([3u8; 32]));
        assert!(k2.open(SealKind::Data, &id, &s).is_err());
        assert_eq!(k.open(SealKind::Data, &id, &s).unwrap(), b"x");
    }

    #[test]
    fn id_keys_differ_per_kind() {
        let k = keys();
        assert_ne!(k.id(SealKind::Data, b"a"), k.id(SealKind::Tree, b"a"));
    }

    proptest! {
        #[test]
        fn any_flipped_byte_is_detected(data in proptest::collection::vec(any::<u8>(), 0..2000), pos in any::<usize>(), bit in 0u8..8) {
            let k = keys();
            let id = k.id(SealKind::Data, &data);
            let mut s = data.clone();
            k.seal_in_place(SealKind::Data, &id, &mut s).unwrap();
            prop_assert_eq!(k.open(SealKind::Data, &id, &s).unwrap(), data);
            let p = pos % s.len();
            s[p] ^= 1 << bit;
            prop_assert!(k.open(SealKind::Data, &id, &s).is_err());
        }
    }
}
