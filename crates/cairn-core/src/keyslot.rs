//! Key slots: each wraps the master secret under a key-encryption key (KEK).
//! Adding or removing a slot never touches data.
//!
//! Kinds (docs/KEYS.md):
//! - `passphrase`: KEK = Argon2id(passphrase, salt) with the parameters stored
//!   in the slot, so they can be raised later without breaking old slots;
//! - `keyfile`: a 256-bit random secret kept in a file outside the repository;
//!   it needs no stretching, so KEK = HKDF-SHA256(secret, salt);
//! - `age`, `vault-transit`, `pkcs11`, `command`, `aws-kms`: a random KEK wrapped by
//!   something outside Cairn (see [`external`]).
//!
//! Passphrase and key-file slots keep slot format version 1, byte for byte,
//! so repositories made before external kinds existed open unchanged and
//! older cairns still read every passphrase slot. External slots are version
//! 2, so an older cairn says "upgrade" for them instead of "malformed".
//!
//! The wrap is AES-256-GCM-SIV with a random nonce stored in the slot and
//! associated data binding the repository id and the slot id, so a slot cannot
//! be copied into another repository.

use crate::backend::{Backend, ObjectKind};
use crate::crypto::{random_array, MasterSecret};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::RepoId;
use aes_gcm_siv::aead::AeadInOut;
use aes_gcm_siv::{Aes256GcmSiv, KeyInit, Nonce};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;
use time::OffsetDateTime;
use zeroize::Zeroizing;

pub mod external;
pub mod limits;
pub mod unlock;
pub use external::{ExternalParams, KekSource, SlotContext};

/// The secret a user presents to unlock a slot.
#[derive(Clone)]
pub enum Credential {
    /// A passphrase (Argon2id slots).
    Passphrase(String),
    /// The contents of a key file (keyfile slots).
    KeyFile(Vec<u8>),
    /// Something outside Cairn that unwraps the KEK of slots of its kind.
    External(Arc<dyn KekSource>),
}

impl Drop for Credential {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        match self {
            Credential::Passphrase(p) => p.zeroize(),
            Credential::KeyFile(k) => k.zeroize(),
            Credential::External(_) => {}
        }
    }
}

impl Credential {
    /// What the user presented, for messages ("passphrase", "key file", "age", ...).
    pub fn describe(&self) -> &'static str {
        match self {
            Credential::Passphrase(_) => "passphrase",
            Credential::KeyFile(_) => "key file",
            Credential::External(s) => s.kind(),
        }
    }

    /// Whether this credential is of the kind `slot` needs.
    pub fn fits(&self, slot: &KeySlot) -> bool {
        match (self, &slot.lock) {
            (Credential::Passphrase(_), SlotLock::Kdf(Kdf::Argon2id { .. })) => true,
            (Credential::KeyFile(_), SlotLock::Kdf(Kdf::HkdfSha256 { .. })) => true,
            (Credential::External(s), SlotLock::External { params, .. }) => {
                s.kind() == params.kind()
            }
            _ => false,
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Passphrase(_) => f.write_str("Credential::Passphrase(<redacted>)"),
            Credential::KeyFile(_) => f.write_str("Credential::KeyFile(<redacted>)"),
            Credential::External(s) => write!(f, "Credential::External({})", s.kind()),
        }
    }
}

/// Parses a key file's text: comment lines (`#`), then 64 hex digits.
/// One parser for the CLI and the server, so both accept the same files.
pub fn parse_key_file(text: &str) -> Option<Vec<u8>> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    hex::decode(line).ok().filter(|k| k.len() == 32)
}

/// Argon2id cost parameters, stored per slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Argon2Params {
    /// Memory in KiB.
    pub m_cost: u32,
    /// Iterations.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl Argon2Params {
    /// The default for new slots: 64 MiB, 3 passes, 1 lane (OWASP's second option).
    pub const DEFAULT: Argon2Params = Argon2Params {
        m_cost: 64 * 1024,
        t_cost: 3,
        p_cost: 1,
    };
    /// Cheap parameters for tests only.
    pub const INSECURE_FOR_TESTS: Argon2Params = Argon2Params {
        m_cost: 64,
        t_cost: 1,
        p_cost: 1,
    };

    /// The most memory a slot may ask for: 1 GiB (new slots use 64 MiB).
    pub const MAX_M_COST: u32 = 1024 * 1024;
    /// The most passes a slot may ask for (new slots use 3).
    pub const MAX_T_COST: u32 = 16;
    /// The most lanes a slot may ask for.
    pub const MAX_P_COST: u32 = 16;
    /// The most work (memory KiB x passes) one slot may ask for: 4 GiB-passes,
    /// about 20 times what new slots use.
    pub const MAX_WORK: u64 = 4 * 1024 * 1024;

    /// Memory KiB x passes: what deriving this slot's key costs.
    pub fn work(&self) -> u64 {
        u64::from(self.m_cost) * u64::from(self.t_cost)
    }

    /// Refuses parameters over the caps, so hostile storage cannot make an
    /// unlock allocate gigabytes or run for minutes.
    pub fn check(&self) -> Result<()> {
        if self.m_cost > Self::MAX_M_COST
            || self.t_cost > Self::MAX_T_COST
            || self.p_cost > Self::MAX_P_COST
            || self.t_cost == 0
            || self.work() > Self::MAX_WORK
        {
            return Err(Error::corrupt(format!(
                "asks for argon2 m={}KiB t={} p={}, more than cairn allows (m<=1GiB, t<={}, p<={}, m*t<=4GiB): skipped",
                self.m_cost,
                self.t_cost,
                self.p_cost,
                Self::MAX_T_COST,
                Self::MAX_P_COST
            )));
        }
        Ok(())
    }
}

/// How a slot derives its KEK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "algorithm", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Kdf {
    /// Argon2id version 0x13.
    Argon2id {
        /// Cost parameters.
        #[serde(flatten)]
        params: Argon2Params,
        /// 32 random bytes, hex.
        salt: String,
    },
    /// HKDF-SHA256 over a high-entropy key file.
    HkdfSha256 {
        /// 32 random bytes, hex.
        salt: String,
    },
}

/// How a slot protects its KEK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotLock {
    /// Version 1: the KEK is derived from a passphrase or a key file.
    Kdf(Kdf),
    /// Version 2: a random KEK, wrapped by something outside Cairn.
    External {
        /// The kind's public parameters.
        params: ExternalParams,
        /// The wrapped KEK, as text (an age file in hex, `vault:v1:…`, …).
        kek: String,
    },
}

/// One key slot as stored in `keys/<id>` (plain JSON: it holds no secret in the clear).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySlot {
    /// Slot format version: 1 for passphrase and keyfile slots, 2 for external kinds.
    pub version: u32,
    /// 16 random bytes, hex; also the object name.
    pub id: String,
    /// `passphrase`, `keyfile`, `age`, `vault-transit`, `pkcs11`, `command` or `aws-kms`.
    pub kind: String,
    /// When the slot was added (RFC 3339).
    pub created: String,
    /// How the KEK is protected.
    pub lock: SlotLock,
    /// 12-byte nonce, hex.
    pub nonce: String,
    /// The sealed master secret (32 bytes + 16-byte tag), hex.
    pub wrapped: String,
}

/// The version 1 layout (passphrase and keyfile), field for field as before.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlotV1 {
    version: u32,
    id: String,
    kind: String,
    created: String,
    kdf: Kdf,
    nonce: String,
    wrapped: String,
}

/// The version 2 layout (external kinds), as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlotV2In {
    version: u32,
    id: String,
    kind: String,
    created: String,
    params: serde_json::Value,
    kek: String,
    nonce: String,
    wrapped: String,
}

/// The version 2 layout, as written (typed params keep their field order).
#[derive(Serialize)]
struct SlotV2Out<'a> {
    version: u32,
    id: &'a str,
    kind: &'a str,
    created: &'a str,
    params: &'a ExternalParams,
    kek: &'a str,
    nonce: &'a str,
    wrapped: &'a str,
}

fn hex_array<const N: usize>(s: &str, what: &str) -> Result<[u8; N]> {
    let mut out = [0u8; N];
    hex::decode_to_slice(s, &mut out)
        .map_err(|_| Error::corrupt(format!("key slot field {what} is not {N} bytes of hex")))?;
    Ok(out)
}

fn slot_aad(repo: RepoId, slot_id: &str) -> Vec<u8> {
    let mut ad = b"cairn/v1/keyslot".to_vec();
    ad.extend_from_slice(&repo.0);
    ad.extend_from_slice(slot_id.as_bytes());
    ad
}

fn derive_kek(kdf: &Kdf, cred: &Credential) -> Result<Option<Zeroizing<[u8; 32]>>> {
    let mut kek = Zeroizing::new([0u8; 32]);
    match (kdf, cred) {
        (Kdf::Argon2id { params, salt }, Credential::Passphrase(p)) => {
            params.check()?;
            let salt: [u8; 32] = hex_array(salt, "salt")?;
            let p2 = argon2::Params::new(params.m_cost, params.t_cost, params.p_cost, Some(32))
                .map_err(|e| {
                    Error::corrupt(format!("key slot argon2 parameters are invalid: {e}"))
                })?;
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p2)
                .hash_password_into(p.as_bytes(), &salt, kek.as_mut())
                .map_err(|e| Error::corrupt(format!("argon2 failed: {e}")))?;
        }
        (Kdf::HkdfSha256 { salt }, Credential::KeyFile(secret)) => {
            let salt: [u8; 32] = hex_array(salt, "salt")?;
            let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(&salt), secret);
            hk.expand(b"cairn/v1/keyfile-kek", kek.as_mut())
                .map_err(|_| Error::invalid("key file KEK derivation failed"))?;
        }
        _ => return Ok(None),
    }
    Ok(Some(kek))
}

fn aead(kek: &[u8; 32]) -> Aes256GcmSiv {
    #[allow(clippy::expect_used)] // a 32-byte key is always valid for AES-256
    Aes256GcmSiv::new_from_slice(kek).expect("32-byte key")
}

/// Seals the master secret under `kek` for slot `id`: (nonce hex, wrapped hex).
fn seal_master(
    master: &MasterSecret,
    repo: RepoId,
    id: &str,
    kek: &[u8; 32],
) -> Result<(String, String)> {
    let nonce: [u8; 12] = random_array()?;
    let mut buf = master.expose().to_vec();
    aead(kek)
        .encrypt_in_place(&Nonce::from(nonce), &slot_aad(repo, id), &mut buf)
        .map_err(|_| Error::invalid("key wrap failed"))?;
    Ok((hex::encode(nonce), hex::encode(buf)))
}

impl KeySlot {
    /// Creates a slot wrapping `master` under `cred` (`params` are used by passphrase slots only).
    pub fn create(
        master: &MasterSecret,
        repo: RepoId,
        cred: &Credential,
        params: Argon2Params,
        created: OffsetDateTime,
    ) -> Result<Self> {
        let id = hex::encode(random_array::<16>()?);
        let salt = hex::encode(random_array::<32>()?);
        let (kind, version, kek, lock) = match cred {
            Credential::Passphrase(p) => {
                if p.is_empty() {
                    return Err(Error::invalid("the passphrase is empty")
                        .hint("choose a non-empty passphrase"));
                }
                let kdf = Kdf::Argon2id { params, salt };
                let kek = derive_kek(&kdf, cred)?;
                ("passphrase", 1, kek, SlotLock::Kdf(kdf))
            }
            Credential::KeyFile(k) => {
                if k.len() < 32 {
                    return Err(Error::invalid("the key file holds fewer than 32 bytes"));
                }
                let kdf = Kdf::HkdfSha256 { salt };
                let kek = derive_kek(&kdf, cred)?;
                ("keyfile", 1, kek, SlotLock::Kdf(kdf))
            }
            Credential::External(src) => {
                let kek = Zeroizing::new(random_array::<32>()?);
                let ctx = SlotContext { repo, slot_id: &id };
                let (params, wrapped) = src
                    .wrap_kek(ctx, &kek)
                    .map_err(|e| e.context(format!("new {} key slot", src.kind())))?;
                let lock = SlotLock::External {
                    params,
                    kek: wrapped,
                };
                (src.kind(), 2, Some(kek), lock)
            }
        };
        let kek = kek.ok_or_else(|| Error::invalid("credential does not match slot kind"))?;
        let (nonce, wrapped) = seal_master(master, repo, &id, &kek)?;
        Ok(KeySlot {
            version,
            id,
            kind: kind.to_string(),
            created: crate::clock::rfc3339(created),
            lock,
            nonce,
            wrapped,
        })
    }

    /// A fresh random slot id (32 hex digits).
    pub fn new_id() -> Result<String> {
        Ok(hex::encode(random_array::<16>()?))
    }

    /// A copy of this external slot under the new id `id` (from
    /// [`KeySlot::new_id`]), with its KEK re-wrapped as `kek_wrapped` (the
    /// same KEK: the master secret is sealed again because the slot id is
    /// bound into the seal). Used by `keys rewrap`, and by `keys
    /// rotate-master` for kinds that bind the slot id outside Cairn.
    pub fn reissue(
        &self,
        id: String,
        master: &MasterSecret,
        repo: RepoId,
        kek: &[u8; 32],
        kek_wrapped: String,
        created: OffsetDateTime,
    ) -> Result<Self> {
        let SlotLock::External { params, .. } = &self.lock else {
            return Err(Error::invalid(format!(
                "key slot {} is a {} slot, which has no outside key to re-wrap",
                self.id, self.kind
            )));
        };
        let (nonce, wrapped) = seal_master(master, repo, &id, kek)?;
        Ok(KeySlot {
            version: 2,
            id,
            kind: self.kind.clone(),
            created: crate::clock::rfc3339(created),
            lock: SlotLock::External {
                params: params.clone(),
                kek: kek_wrapped,
            },
            nonce,
            wrapped,
        })
    }

    /// A copy of this slot under a new id wrapping `master` with the same KEK
    /// and the same lock (the same passphrase, key file or outside key), for
    /// `keys rotate-master`, after which every slot must wrap the new secret.
    pub fn carry(
        &self,
        master: &MasterSecret,
        repo: RepoId,
        kek: &[u8; 32],
        created: OffsetDateTime,
    ) -> Result<Self> {
        let id = hex::encode(random_array::<16>()?);
        let (nonce, wrapped) = seal_master(master, repo, &id, kek)?;
        Ok(KeySlot {
            version: self.version,
            id,
            kind: self.kind.clone(),
            created: crate::clock::rfc3339(created),
            lock: self.lock.clone(),
            nonce,
            wrapped,
        })
    }

    /// Tries to unwrap the master secret. `Ok(None)` when the credential is of
    /// another kind than the slot; `WrongKey` when it is the right kind but
    /// wrong; other kinds when an outside component failed. Every error names
    /// the slot and its kind, and never changes the slot.
    pub fn unlock(&self, repo: RepoId, cred: &Credential) -> Result<Option<MasterSecret>> {
        Ok(self.unlock_kek(repo, cred)?.map(|(m, _)| m))
    }

    /// As [`KeySlot::unlock`], also returning the KEK (for `keys rewrap`).
    pub fn unlock_kek(
        &self,
        repo: RepoId,
        cred: &Credential,
    ) -> Result<Option<(MasterSecret, Zeroizing<[u8; 32]>)>> {
        if !matches!(self.version, 1 | 2) {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "key slot {} has version {}, newer than this cairn reads",
                    self.id, self.version
                ),
            )
            .hint("upgrade cairn"));
        }
        if !cred.fits(self) {
            return Ok(None);
        }
        let label = format!("key slot {} ({})", self.id, self.kind);
        let (kek, refused) = match (&self.lock, cred) {
            (SlotLock::Kdf(kdf), _) => {
                let Some(kek) = derive_kek(kdf, cred).map_err(|e| e.context(&label))? else {
                    return Ok(None);
                };
                (kek, format!("{label}: wrong {}", cred.describe()))
            }
            (SlotLock::External { params, kek }, Credential::External(src)) => {
                let ctx = SlotContext {
                    repo,
                    slot_id: &self.id,
                };
                let k = src
                    .unwrap_kek(ctx, params, kek)
                    .map_err(|e| e.context(&label))?;
                let why = format!(
                    "{label}: the key the {} returned does not open this slot (garbage, or another slot's key)",
                    self.kind
                );
                (Zeroizing::new(k), why)
            }
            _ => return Ok(None),
        };
        let nonce: [u8; 12] = hex_array(&self.nonce, "nonce")?;
        let mut buf = Zeroizing::new(
            hex::decode(&self.wrapped)
                .map_err(|_| Error::corrupt(format!("{label} has a malformed wrapped key")))?,
        );
        if aead(&kek)
            .decrypt_in_place(&Nonce::from(nonce), &slot_aad(repo, &self.id), &mut *buf)
            .is_err()
        {
            return Err(Error::new(ErrorKind::WrongKey, refused));
        }
        let secret: [u8; 32] = buf
            .as_slice()
            .try_into()
            .map_err(|_| Error::corrupt(format!("{label} wraps a key of the wrong length")))?;
        Ok(Some((MasterSecret::from_bytes(secret), kek)))
    }

    /// The Argon2 parameters of a passphrase slot.
    pub fn argon2(&self) -> Option<&Argon2Params> {
        match &self.lock {
            SlotLock::Kdf(Kdf::Argon2id { params, .. }) => Some(params),
            _ => None,
        }
    }

    /// The kind's public parameters, for external slots.
    pub fn external(&self) -> Option<(&ExternalParams, &str)> {
        match &self.lock {
            SlotLock::External { params, kek } => Some((params, kek)),
            SlotLock::Kdf(_) => None,
        }
    }

    /// Parses a slot, strictly.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let v: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| Error::corrupt(format!("key slot is not valid JSON: {e}")))?;
        // The version first, so a newer slot says "upgrade" rather than
        // "malformed"; then the strict parse from the bytes, which (unlike the
        // generic value) sees duplicate fields and refuses them.
        let version = v.get("version").and_then(|x| x.as_u64()).unwrap_or(0);
        let malformed =
            |e: serde_json::Error| Error::corrupt(format!("key slot is malformed: {e}"));
        match version {
            1 => {
                let s: SlotV1 = serde_json::from_slice(bytes).map_err(malformed)?;
                let kind_fits = matches!(
                    (s.kind.as_str(), &s.kdf),
                    ("passphrase", Kdf::Argon2id { .. }) | ("keyfile", Kdf::HkdfSha256 { .. })
                );
                if !kind_fits {
                    return Err(Error::corrupt(format!(
                        "key slot {} has kind {:?}, which does not fit its kdf",
                        s.id, s.kind
                    )));
                }
                Ok(KeySlot {
                    version: s.version,
                    id: s.id,
                    kind: s.kind,
                    created: s.created,
                    lock: SlotLock::Kdf(s.kdf),
                    nonce: s.nonce,
                    wrapped: s.wrapped,
                })
            }
            2 => {
                let s: SlotV2In = serde_json::from_slice(bytes).map_err(malformed)?;
                let params = ExternalParams::parse(&s.kind, s.params)
                    .map_err(|e| e.context(format!("key slot {}", s.id)))?;
                Ok(KeySlot {
                    version: s.version,
                    id: s.id,
                    kind: s.kind,
                    created: s.created,
                    lock: SlotLock::External { params, kek: s.kek },
                    nonce: s.nonce,
                    wrapped: s.wrapped,
                })
            }
            _ => Err(Error::new(
                ErrorKind::Unsupported,
                format!("key slot has version {version}, which this cairn does not read"),
            )
            .hint("upgrade cairn")),
        }
    }

    /// Serialises a slot.
    // Serialising plain strings and integers cannot fail.
    #[allow(clippy::expect_used)]
    pub fn encode(&self) -> Vec<u8> {
        match &self.lock {
            SlotLock::Kdf(kdf) => serde_json::to_vec_pretty(&SlotV1 {
                version: self.version,
                id: self.id.clone(),
                kind: self.kind.clone(),
                created: self.created.clone(),
                kdf: kdf.clone(),
                nonce: self.nonce.clone(),
                wrapped: self.wrapped.clone(),
            }),
            SlotLock::External { params, kek } => serde_json::to_vec_pretty(&SlotV2Out {
                version: self.version,
                id: &self.id,
                kind: &self.kind,
                created: &self.created,
                params,
                kek,
                nonce: &self.nonce,
                wrapped: &self.wrapped,
            }),
        }
        .expect("key slot serialises")
    }
}

/// Key slot objects that do not decode (or name another id), with why.
pub fn damaged_slots(backend: &dyn Backend) -> Result<Vec<(String, Error)>> {
    let mut out = Vec::new();
    for o in backend.list(ObjectKind::Key)? {
        let b = backend.read(ObjectKind::Key, &o.name)?;
        match KeySlot::decode(&b) {
            Ok(s) if s.id == o.name => {}
            Ok(s) => out.push((o.name, Error::corrupt(format!("slot claims id {}", s.id)))),
            Err(e) => out.push((o.name, e)),
        }
    }
    Ok(out)
}

/// Lists the key slots (no secret is needed or shown).
pub fn list_slots(backend: &dyn Backend) -> Result<Vec<KeySlot>> {
    let mut slots = Vec::new();
    for o in backend.list(ObjectKind::Key)? {
        let b = backend.read(ObjectKind::Key, &o.name)?;
        // One damaged or newer slot must not lock the user out: others may still open.
        match KeySlot::decode(&b) {
            Ok(s) if s.id == o.name => slots.push(s),
            Ok(s) => {
                tracing::warn!(slot = %o.name, claims = %s.id, "key slot names another id; skipped")
            }
            Err(e) => tracing::warn!(slot = %o.name, error = %e, "key slot unreadable; skipped"),
        }
    }
    slots.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
    Ok(slots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_slot_round_trip_and_wrong_passphrase() {
        let m = MasterSecret::generate().unwrap();
        let repo = RepoId([9u8; 32]);
        let good = Credential::Passphrase("correct horse".into());
        let slot = KeySlot::create(
            &m,
            repo,
            &good,
            Argon2Params::INSECURE_FOR_TESTS,
            OffsetDateTime::UNIX_EPOCH,
        )
        .unwrap();
        let slot = KeySlot::decode(&slot.encode()).unwrap();
        assert_eq!(
            slot.unlock(repo, &good).unwrap().unwrap().expose(),
            m.expose()
        );
        let bad = slot
            .unlock(repo, &Credential::Passphrase("wrong".into()))
            .unwrap_err();
        assert_eq!(bad.kind(), ErrorKind::WrongKey);
        assert!(slot
            .unlock(repo, &Credential::KeyFile(vec![0; 32]))
            .unwrap()
            .is_none());
        // Bound to the repository: the same slot does not open another repo id.
        assert!(slot.unlock(RepoId([8u8; 32]), &good).is_err());
    }

    #[test]
    fn keyfile_slot_round_trip() {
        let m = MasterSecret::generate().unwrap();
        let repo = RepoId([1u8; 32]);
        let kf = Credential::KeyFile(random_array::<32>().unwrap().to_vec());
        let slot = KeySlot::create(
            &m,
            repo,
            &kf,
            Argon2Params::DEFAULT,
            OffsetDateTime::UNIX_EPOCH,
        )
        .unwrap();
        assert_eq!(slot.kind, "keyfile");
        assert_eq!(
            slot.unlock(repo, &kf).unwrap().unwrap().expose(),
            m.expose()
        );
        assert!(slot
            .unlock(repo, &Credential::KeyFile(vec![1; 32]))
            .is_err());
    }

    #[test]
    fn hostile_argon2_parameters_are_refused() {
        let m = MasterSecret::generate().unwrap();
        let repo = RepoId([1u8; 32]);
        let c = Credential::Passphrase("p".into());
        let mut slot = KeySlot::create(
            &m,
            repo,
            &c,
            Argon2Params::INSECURE_FOR_TESTS,
            OffsetDateTime::UNIX_EPOCH,
        )
        .unwrap();
        if let SlotLock::Kdf(Kdf::Argon2id { params, .. }) = &mut slot.lock {
            params.m_cost = u32::MAX;
        }
        assert_eq!(
            slot.unlock(repo, &c).unwrap_err().kind(),
            ErrorKind::Corrupt
        );
    }

    #[test]
    fn newer_slots_say_upgrade_and_mismatched_kinds_are_refused() {
        let m = MasterSecret::generate().unwrap();
        let c = Credential::Passphrase("p".into());
        let slot = KeySlot::create(
            &m,
            RepoId([1; 32]),
            &c,
            Argon2Params::INSECURE_FOR_TESTS,
            OffsetDateTime::UNIX_EPOCH,
        )
        .unwrap();
        let mut v: serde_json::Value = serde_json::from_slice(&slot.encode()).unwrap();
        v["version"] = 3.into();
        v["new_field"] = true.into();
        let e = KeySlot::decode(&serde_json::to_vec(&v).unwrap()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        let mut v: serde_json::Value = serde_json::from_slice(&slot.encode()).unwrap();
        v["kind"] = "keyfile".into();
        let e = KeySlot::decode(&serde_json::to_vec(&v).unwrap()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt);
    }

    /// A passphrase slot as cairn wrote them before external kinds existed
    /// (format version 1, cheap argon2 parameters): it must keep opening, and
    /// re-encode to the same bytes.
    const V1_FIXTURE: &str = r#"{
  "version": 1,
  "id": "cd421cf2eb5617b8c197cba1a6575a1f",
  "kind": "passphrase",
  "created": "2026-01-01T00:00:00Z",
  "kdf": {
    "algorithm": "argon2id",
    "m_cost": 64,
    "t_cost": 1,
    "p_cost": 1,
    "salt": "290bdbc94010dc192a69a929eebc45b552a515f18bd342872d1369d2a765af03"
  },
  "nonce": "45edcf0cdc913ed81e896610",
  "wrapped": "8829f64fc90067d62eb9ae5a255a33c5a6098cf668cc58f4b91e7af6e82ff923fb45f9c5dbde740c30168cb8b11fd1a4"
}"#;

    #[test]
    fn version_1_slots_open_and_keep_their_bytes() {
        let slot = KeySlot::decode(V1_FIXTURE.as_bytes()).unwrap();
        assert_eq!(slot.encode(), V1_FIXTURE.as_bytes());
        let m = slot
            .unlock(
                RepoId([7u8; 32]),
                &Credential::Passphrase("fixture passphrase".into()),
            )
            .unwrap()
            .unwrap();
        assert_eq!(m.expose(), &[5u8; 32]);
    }

    fn external_slot() -> KeySlot {
        KeySlot {
            version: 2,
            id: "ab".repeat(16),
            kind: "age".into(),
            created: "2026-01-01T00:00:00Z".into(),
            lock: SlotLock::External {
                params: ExternalParams::Age(external::AgeParams {
                    recipient: "age1example".into(),
                }),
                kek: "0011".into(),
            },
            nonce: "00".repeat(12),
            wrapped: "00".repeat(48),
        }
    }

    #[test]
    fn external_slots_round_trip_and_parse_strictly() {
        let s = external_slot();
        let bytes = s.encode();
        assert_eq!(KeySlot::decode(&bytes).unwrap(), s);
        // Fields in the order FORMAT.md §9 lists.
        let text = String::from_utf8(bytes.clone()).unwrap();
        let at: Vec<usize> = [
            "version", "id", "kind", "created", "params", "kek", "nonce", "wrapped",
        ]
        .iter()
        .map(|f| text.find(&format!("\"{f}\"")).unwrap())
        .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
        let edit = |f: &dyn Fn(&mut serde_json::Value)| {
            let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            f(&mut v);
            KeySlot::decode(&serde_json::to_vec(&v).unwrap())
                .unwrap_err()
                .kind()
        };
        assert_eq!(
            edit(&|v| v["params"]["extra"] = 1.into()),
            ErrorKind::Corrupt
        );
        assert_eq!(
            edit(&|v| v["kind"] = "vault-transit".into()),
            ErrorKind::Corrupt
        );
        assert_eq!(edit(&|v| v["kind"] = "tpm".into()), ErrorKind::Unsupported);
        assert_eq!(
            edit(&|v| v["kdf"] = serde_json::json!({"algorithm": "hkdf-sha256", "salt": "00"})),
            ErrorKind::Corrupt
        );
        assert_eq!(
            edit(&|v| {
                v.as_object_mut().unwrap().remove("kek");
            }),
            ErrorKind::Corrupt
        );
        // A version-1 layout cannot claim an external kind, nor the reverse.
        assert_eq!(edit(&|v| v["version"] = 1.into()), ErrorKind::Corrupt);
        // A passphrase or key file does not fit an age slot: not tried, not an error.
        let repo = RepoId([1; 32]);
        assert!(s
            .unlock(repo, &Credential::Passphrase("p".into()))
            .unwrap()
            .is_none());
        assert!(s
            .unlock(repo, &Credential::KeyFile(vec![0; 32]))
            .unwrap()
            .is_none());
    }

    #[test]
    fn debug_redacts_credentials() {
        let c = Credential::Passphrase("hunter2".into());
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}

#[cfg(test)]
mod key_file_tests {
    #[test]
    fn key_files_parse_after_comments_and_refuse_anything_else() {
        let hex = "ab".repeat(32);
        assert_eq!(
            super::parse_key_file(&format!("# comment\n\n  {hex}  \n")),
            Some(vec![0xab; 32])
        );
        assert_eq!(super::parse_key_file("# only a comment\n"), None);
        assert_eq!(super::parse_key_file(&"ab".repeat(31)), None);
        assert_eq!(super::parse_key_file("zz"), None);
    }
}
