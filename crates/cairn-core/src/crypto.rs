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
use std::sync::atomic::{AtomicUsize, Ordering};
use zeroize::Zeroize;

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
        self.0.zeroize();
    }
}

impl Drop for EpochKeys {
    fn drop(&mut self) {
        // The AEAD wipes its own key schedule (the `zeroize` features of
        // aes and aes-gcm-siv).
        self.id_keys.zeroize();
        self.config_mac.zeroize();
        self.retired_key.zeroize();
        self.chunker_seed.zeroize();
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

/// A key epoch: 1 for the master secret made at `init`, one more per
/// `keys rotate-master`. Every sealed object was written under one epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Epoch(pub u32);

/// The keys of one epoch, all derived from that epoch's master secret.
struct EpochKeys {
    epoch: Epoch,
    aead: Aes256GcmSiv,
    id_keys: [[u8; 32]; 5],
    config_mac: [u8; 32],
    retired_key: [u8; 32],
    chunker_seed: u64,
}

/// The working keys of one repository: the current epoch's, which seal,
/// name and chunk everything new, and the retired epochs' (newest first),
/// which only open what was written before a rotation.
pub struct Keys {
    repo_id: RepoId,
    epochs: Vec<EpochKeys>,
    /// The epoch that opened the last object: objects come in runs of one
    /// epoch (a pack, a snapshot's trees), so it is tried first.
    last: AtomicUsize,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("repo_id", &self.repo_id)
            .field("epoch", &self.current_epoch())
            .field("retired", &(self.epochs.len() - 1))
            .finish_non_exhaustive()
    }
}

fn hkdf(hk: &hkdf::Hkdf<sha2::Sha256>, info: &str, out: &mut [u8]) {
    // HKDF-Expand only fails when asked for more than 255 hash lengths; we ask for at most 32 bytes.
    #[allow(clippy::expect_used)]
    hk.expand(info.as_bytes(), out)
        .expect("hkdf output length is small");
}

fn aead_of(key: &[u8; 32]) -> Aes256GcmSiv {
    // A 256-bit key is always a valid AES-256 key.
    #[allow(clippy::expect_used)]
    Aes256GcmSiv::new_from_slice(key).expect("32-byte key")
}

impl EpochKeys {
    fn derive(master: &MasterSecret, repo_id: RepoId, epoch: Epoch) -> Self {
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
        let mut retired_key = [0u8; 32];
        hkdf(&hk, "cairn/v1/retired", &mut retired_key);
        let mut seed = [0u8; 8];
        hkdf(&hk, "cairn/v1/chunker", &mut seed);
        let aead = aead_of(&aead_key);
        aead_key.zeroize();
        EpochKeys {
            epoch,
            aead,
            id_keys,
            config_mac,
            retired_key,
            chunker_seed: u64::from_le_bytes(seed),
        }
    }

    fn id(&self, kind: SealKind, plaintext: &[u8]) -> [u8; 32] {
        *blake3::keyed_hash(&self.id_keys[kind as usize - 1], plaintext).as_bytes()
    }

    fn id_hasher(&self, kind: SealKind) -> blake3::Hasher {
        blake3::Hasher::new_keyed(&self.id_keys[kind as usize - 1])
    }
}

/// Associated data of a retired secret sealed in the config: it binds the
/// repository and both epochs, so a sealed secret cannot be moved.
fn retired_aad(repo: RepoId, sealer: Epoch, sealed: Epoch) -> Vec<u8> {
    let mut ad = b"cairn/v1/retired".to_vec();
    ad.extend_from_slice(&repo.0);
    ad.extend_from_slice(&sealer.0.to_le_bytes());
    ad.extend_from_slice(&sealed.0.to_le_bytes());
    ad
}

impl Keys {
    /// Derives every working key of epoch 1 (see docs/FORMAT.md, "Key derivation").
    pub fn derive(master: &MasterSecret, repo_id: RepoId) -> Self {
        Self::derive_epoch(master, repo_id, Epoch(1))
    }

    /// Derives the keys of `epoch` from its master secret, with no retired epochs.
    pub fn derive_epoch(master: &MasterSecret, repo_id: RepoId, epoch: Epoch) -> Self {
        Keys {
            repo_id,
            epochs: vec![EpochKeys::derive(master, repo_id, epoch)],
            last: AtomicUsize::new(0),
        }
    }

    /// Adds a retired epoch's keys (readers only; newest first).
    pub fn with_retired(mut self, master: &MasterSecret, epoch: Epoch) -> Self {
        self.epochs
            .push(EpochKeys::derive(master, self.repo_id, epoch));
        self
    }

    /// The epoch that seals everything new.
    pub fn current_epoch(&self) -> Epoch {
        self.epochs[0].epoch
    }

    /// The retired epochs whose objects these keys still open, newest first.
    pub fn retired_epochs(&self) -> Vec<Epoch> {
        self.epochs[1..].iter().map(|e| e.epoch).collect()
    }

    /// The repository these keys belong to.
    pub fn repo_id(&self) -> RepoId {
        self.repo_id
    }

    /// The keyed id of `plaintext` as an object of `kind` (current epoch).
    pub fn id(&self, kind: SealKind, plaintext: &[u8]) -> [u8; 32] {
        self.epochs[0].id(kind, plaintext)
    }

    /// [`Keys::id`] of a plaintext fed in pieces (written to the hasher):
    /// the same id, for an object not held whole.
    pub fn id_hasher(&self, kind: SealKind) -> blake3::Hasher {
        self.epochs[0].id_hasher(kind)
    }

    /// The keyed id of `plaintext` under `epoch`'s id keys (to check an
    /// object that epoch opened). An unknown epoch gives an id nothing has.
    pub fn id_in(&self, epoch: Epoch, kind: SealKind, plaintext: &[u8]) -> [u8; 32] {
        match self.epochs.iter().find(|e| e.epoch == epoch) {
            Some(e) => e.id(kind, plaintext),
            None => [0u8; 32],
        }
    }

    /// The seed that keys the chunker's gear table (current epoch).
    pub fn chunker_seed(&self) -> u64 {
        self.epochs[0].chunker_seed
    }

    /// MAC over the repository config, so a tampered config is detected after unlock.
    pub fn config_mac(&self, canonical: &[u8]) -> [u8; 32] {
        *blake3::keyed_hash(&self.epochs[0].config_mac, canonical).as_bytes()
    }

    /// A one-way commitment to `epoch`'s config-MAC key, for pinning a
    /// repository's identity (docs/KEYS.md): it names the key without
    /// revealing it. `None` when these keys do not hold that epoch.
    pub fn mac_key_commitment(&self, epoch: Epoch) -> Option<[u8; 32]> {
        let e = self.epochs.iter().find(|e| e.epoch == epoch)?;
        Some(blake3::derive_key(
            "cairn/v1/pin: config-mac key commitment",
            &e.config_mac,
        ))
    }

    /// Seals a retired epoch's master secret under the current epoch, for the config.
    pub fn seal_retired(&self, epoch: Epoch, secret: &MasterSecret) -> Result<Vec<u8>> {
        let cur = &self.epochs[0];
        let mut buf = secret.expose().to_vec();
        aead_of(&cur.retired_key)
            .encrypt_in_place(
                &retired_nonce(epoch),
                &retired_aad(self.repo_id, cur.epoch, epoch),
                &mut buf,
            )
            .map_err(|_| Error::invalid("sealing a retired key failed"))?;
        Ok(buf)
    }

    /// Opens a retired epoch's master secret sealed by [`Keys::seal_retired`].
    pub fn open_retired(&self, epoch: Epoch, sealed: &[u8]) -> Result<MasterSecret> {
        let cur = &self.epochs[0];
        let mut buf = sealed.to_vec();
        aead_of(&cur.retired_key)
            .decrypt_in_place(
                &retired_nonce(epoch),
                &retired_aad(self.repo_id, cur.epoch, epoch),
                &mut buf,
            )
            .map_err(|_| {
                Error::corrupt(format!(
                    "the repository config's sealed key of epoch {} failed authentication",
                    epoch.0
                ))
            })?;
        let b: [u8; 32] = buf.as_slice().try_into().map_err(|_| {
            Error::corrupt(format!(
                "the repository config's key of epoch {} has the wrong length",
                epoch.0
            ))
        })?;
        Ok(MasterSecret(b))
    }

    fn aad(&self, kind: SealKind, id: &[u8; 32]) -> [u8; 74] {
        let mut ad = [0u8; 74];
        ad[..5].copy_from_slice(b"cairn");
        ad[5..9].copy_from_slice(&SEAL_VERSION.to_le_bytes());
        ad[9..41].copy_from_slice(&self.repo_id.0);
        ad[41] = kind as u8;
        ad[42..74].copy_from_slice(id);
        ad
    }

    /// Seals `buf` in place (appends the tag), under the current epoch.
    pub fn seal_in_place(&self, kind: SealKind, id: &[u8; 32], buf: &mut Vec<u8>) -> Result<()> {
        let nonce = nonce_of(id);
        self.epochs[0]
            .aead
            .encrypt_in_place(&nonce, &self.aad(kind, id), buf)
            .map_err(|_| Error::invalid("object too large to seal"))
    }

    /// Opens a sealed object, checking that it is the `kind` object `id` of
    /// this repository, under any epoch these keys hold. Returns the frame
    /// and the epoch that opened it (whose id key must check the plaintext).
    pub fn open(&self, kind: SealKind, id: &[u8; 32], sealed: &[u8]) -> Result<(Vec<u8>, Epoch)> {
        if sealed.len() < TAG_LEN {
            return Err(Error::corrupt(format!(
                "{} object {} is truncated ({} bytes)",
                kind.label(),
                hex::encode(&id[..4]),
                sealed.len()
            )));
        }
        let nonce = nonce_of(id);
        let ad = self.aad(kind, id);
        let first = self.last.load(Ordering::Relaxed).min(self.epochs.len() - 1);
        let order = std::iter::once(first).chain((0..self.epochs.len()).filter(|&i| i != first));
        for i in order {
            let mut buf = sealed.to_vec();
            if self.epochs[i]
                .aead
                .decrypt_in_place(&nonce, &ad, &mut buf)
                .is_ok()
            {
                self.last.store(i, Ordering::Relaxed);
                return Ok((buf, self.epochs[i].epoch));
            }
        }
        Err(Error::corrupt(format!(
            "{} object {} failed authentication: it was modified, truncated, or belongs to another repository",
            kind.label(),
            hex::encode(id)
        )))
    }
}

/// The format version bound into every sealed object's associated data. It
/// stays 1: key epochs (config version 2) changed no sealed object.
const SEAL_VERSION: u32 = 1;

/// Each epoch's secret is sealed once per sealing epoch, so a nonce derived
/// from the sealed epoch never repeats under one key.
fn retired_nonce(epoch: Epoch) -> Nonce {
    let mut n = [0u8; 12];
    n[..4].copy_from_slice(&epoch.0.to_le_bytes());
    Nonce::from(n)
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
        assert_eq!(k.open(SealKind::Data, &id, &s).unwrap().0, b"x");
    }

    #[test]
    fn id_keys_differ_per_kind() {
        let k = keys();
        assert_ne!(k.id(SealKind::Data, b"a"), k.id(SealKind::Tree, b"a"));
    }

    #[test]
    fn retired_epochs_open_old_objects_and_only_the_current_one_seals() {
        let repo = RepoId([2u8; 32]);
        let (m1, m2) = (MasterSecret([1u8; 32]), MasterSecret([9u8; 32]));
        let old = Keys::derive(&m1, repo);
        let id = old.id(SealKind::Data, b"old");
        let mut sealed = b"old".to_vec();
        old.seal_in_place(SealKind::Data, &id, &mut sealed).unwrap();

        let new_only = Keys::derive_epoch(&m2, repo, Epoch(2));
        assert!(new_only.open(SealKind::Data, &id, &sealed).is_err());
        let sealed_m1 = new_only.seal_retired(Epoch(1), &m1).unwrap();
        let back = new_only.open_retired(Epoch(1), &sealed_m1).unwrap();
        assert_eq!(back.expose(), m1.expose());
        // Bound to its epoch: the same bytes do not open as another epoch's secret.
        assert!(new_only.open_retired(Epoch(3), &sealed_m1).is_err());

        let both = Keys::derive_epoch(&m2, repo, Epoch(2)).with_retired(&back, Epoch(1));
        let (plain, e) = both.open(SealKind::Data, &id, &sealed).unwrap();
        assert_eq!((plain.as_slice(), e), (&b"old"[..], Epoch(1)));
        assert_eq!(both.id_in(e, SealKind::Data, b"old"), id);
        assert_ne!(
            both.id(SealKind::Data, b"old"),
            id,
            "ids are keyed per epoch"
        );
        assert_eq!(both.current_epoch(), Epoch(2));
        assert_eq!(both.retired_epochs(), vec![Epoch(1)]);
        // What the rotated keys seal, the old keys cannot open.
        let nid = both.id(SealKind::Data, b"new");
        let mut s2 = b"new".to_vec();
        both.seal_in_place(SealKind::Data, &nid, &mut s2).unwrap();
        assert!(old.open(SealKind::Data, &nid, &s2).is_err());
        assert_eq!(both.open(SealKind::Data, &nid, &s2).unwrap().1, Epoch(2));
    }

    proptest! {
        #[test]
        fn any_flipped_byte_is_detected(data in proptest::collection::vec(any::<u8>(), 0..2000), pos in any::<usize>(), bit in 0u8..8) {
            let k = keys();
            let id = k.id(SealKind::Data, &data);
            let mut s = data.clone();
            k.seal_in_place(SealKind::Data, &id, &mut s).unwrap();
            prop_assert_eq!(k.open(SealKind::Data, &id, &s).unwrap().0, data);
            let p = pos % s.len();
            s[p] ^= 1 << bit;
            prop_assert!(k.open(SealKind::Data, &id, &s).is_err());
        }
    }
}
