//! Key slots: each wraps the master secret under a key-encryption key (KEK).
//! Adding or removing a slot never touches data.
//!
//! Kinds in this version:
//! - `passphrase`: KEK = Argon2id(passphrase, salt) with the parameters stored
//!   in the slot, so they can be raised later without breaking old slots;
//! - `keyfile`: a 256-bit random secret kept in a file outside the repository;
//!   it needs no stretching, so KEK = HKDF-SHA256(secret, salt).
//!
//! The wrap is AES-256-GCM-SIV with a random nonce stored in the slot and
//! associated data binding the repository id and the slot id, so a slot cannot
//! be copied into another repository.

use crate::crypto::{random_array, MasterSecret};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::RepoId;
use aes_gcm_siv::aead::AeadInOut;
use aes_gcm_siv::{Aes256GcmSiv, KeyInit, Nonce};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The secret a user presents to unlock a slot.
#[derive(Clone)]
pub enum Credential {
    /// A passphrase (Argon2id slots).
    Passphrase(String),
    /// The contents of a key file (keyfile slots).
    KeyFile(Vec<u8>),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Passphrase(_) => f.write_str("Credential::Passphrase(<redacted>)"),
            Credential::KeyFile(_) => f.write_str("Credential::KeyFile(<redacted>)"),
        }
    }
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

    fn check(&self) -> Result<()> {
        // Upper bounds protect against a hostile slot asking for 4 TiB of memory.
        if self.m_cost > 4 * 1024 * 1024 || self.t_cost > 64 || self.p_cost > 64 || self.t_cost == 0
        {
            return Err(Error::corrupt(format!(
                "key slot asks for unreasonable argon2 parameters m={} t={} p={}",
                self.m_cost, self.t_cost, self.p_cost
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

/// One key slot as stored in `keys/<id>` (plain JSON: it holds no secret in the clear).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySlot {
    /// Slot format version (1).
    pub version: u32,
    /// 16 random bytes, hex; also the object name.
    pub id: String,
    /// `passphrase` or `keyfile`.
    pub kind: String,
    /// When the slot was added (RFC 3339).
    pub created: String,
    /// How the KEK is derived.
    pub kdf: Kdf,
    /// 12-byte nonce, hex.
    pub nonce: String,
    /// The sealed master secret (32 bytes + 16-byte tag), hex.
    pub wrapped: String,
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

fn derive_kek(kdf: &Kdf, cred: &Credential) -> Result<Option<[u8; 32]>> {
    let mut kek = [0u8; 32];
    match (kdf, cred) {
        (Kdf::Argon2id { params, salt }, Credential::Passphrase(p)) => {
            params.check()?;
            let salt: [u8; 32] = hex_array(salt, "salt")?;
            let p2 = argon2::Params::new(params.m_cost, params.t_cost, params.p_cost, Some(32))
                .map_err(|e| {
                    Error::corrupt(format!("key slot argon2 parameters are invalid: {e}"))
                })?;
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p2)
                .hash_password_into(p.as_bytes(), &salt, &mut kek)
                .map_err(|e| Error::corrupt(format!("argon2 failed: {e}")))?;
        }
        (Kdf::HkdfSha256 { salt }, Credential::KeyFile(secret)) => {
            let salt: [u8; 32] = hex_array(salt, "salt")?;
            let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(&salt), secret);
            hk.expand(b"cairn/v1/keyfile-kek", &mut kek)
                .map_err(|_| Error::invalid("key file KEK derivation failed"))?;
        }
        _ => return Ok(None),
    }
    Ok(Some(kek))
}

impl KeySlot {
    /// Creates a slot wrapping `master` under `cred`.
    pub fn create(
        master: &MasterSecret,
        repo: RepoId,
        cred: &Credential,
        params: Argon2Params,
        created: &str,
    ) -> Result<Self> {
        let id = hex::encode(random_array::<16>()?);
        let salt = hex::encode(random_array::<32>()?);
        let (kind, kdf) = match cred {
            Credential::Passphrase(p) => {
                if p.is_empty() {
                    return Err(Error::invalid("the passphrase is empty")
                        .hint("choose a non-empty passphrase"));
                }
                ("passphrase", Kdf::Argon2id { params, salt })
            }
            Credential::KeyFile(k) => {
                if k.len() < 32 {
                    return Err(Error::invalid("the key file holds fewer than 32 bytes"));
                }
                ("keyfile", Kdf::HkdfSha256 { salt })
            }
        };
        let kek = derive_kek(&kdf, cred)?
            .ok_or_else(|| Error::invalid("credential does not match slot kind"))?;
        let nonce: [u8; 12] = random_array()?;
        #[allow(clippy::expect_used)] // a 32-byte key is always valid for AES-256
        let aead = Aes256GcmSiv::new_from_slice(&kek).expect("32-byte key");
        let mut buf = master.expose().to_vec();
        aead.encrypt_in_place(&Nonce::from(nonce), &slot_aad(repo, &id), &mut buf)
            .map_err(|_| Error::invalid("key wrap failed"))?;
        Ok(KeySlot {
            version: 1,
            id,
            kind: kind.to_string(),
            created: created.to_string(),
            kdf,
            nonce: hex::encode(nonce),
            wrapped: hex::encode(buf),
        })
    }

    /// Tries to unwrap the master secret. `Ok(None)` when the credential is of
    /// another kind than the slot; `WrongKey` when it is the right kind but wrong.
    pub fn unlock(&self, repo: RepoId, cred: &Credential) -> Result<Option<MasterSecret>> {
        if self.version != 1 {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "key slot {} has version {}, newer than this cairn reads",
                    self.id, self.version
                ),
            )
            .hint("upgrade cairn"));
        }
        let Some(kek) = derive_kek(&self.kdf, cred)? else {
            return Ok(None);
        };
        let nonce: [u8; 12] = hex_array(&self.nonce, "nonce")?;
        let mut buf = hex::decode(&self.wrapped).map_err(|_| {
            Error::corrupt(format!("key slot {} has a malformed wrapped key", self.id))
        })?;
        #[allow(clippy::expect_used)] // a 32-byte key is always valid for AES-256
        let aead = Aes256GcmSiv::new_from_slice(&kek).expect("32-byte key");
        if aead
            .decrypt_in_place(&Nonce::from(nonce), &slot_aad(repo, &self.id), &mut buf)
            .is_err()
        {
            return Err(Error::new(
                ErrorKind::WrongKey,
                format!("key slot {} did not accept the {}", self.id, self.kind),
            ));
        }
        let secret: [u8; 32] = buf.as_slice().try_into().map_err(|_| {
            Error::corrupt(format!(
                "key slot {} wraps a key of the wrong length",
                self.id
            ))
        })?;
        Ok(Some(MasterSecret::from_bytes(secret)))
    }

    /// Parses a slot, strictly.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let v: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| Error::corrupt(format!("key slot is not valid JSON: {e}")))?;
        // The version first, so a newer slot says "upgrade" rather than "malformed".
        let version = v.get("version").and_then(|x| x.as_u64()).unwrap_or(0);
        if version != 1 {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("key slot has version {version}, which this cairn does not read"),
            )
            .hint("upgrade cairn"));
        }
        let slot: KeySlot = serde_json::from_value(v)
            .map_err(|e| Error::corrupt(format!("key slot is malformed: {e}")))?;
        let kind_fits = matches!(
            (slot.kind.as_str(), &slot.kdf),
            ("passphrase", Kdf::Argon2id { .. }) | ("keyfile", Kdf::HkdfSha256 { .. })
        );
        if !kind_fits {
            return Err(Error::corrupt(format!(
                "key slot {} has kind {:?}, which does not fit its kdf",
                slot.id, slot.kind
            )));
        }
        Ok(slot)
    }

    /// Serialises a slot.
    pub fn encode(&self) -> Vec<u8> {
        // Serialising plain strings and integers cannot fail.
        #[allow(clippy::expect_used)]
        serde_json::to_vec_pretty(self).expect("key slot serialises")
    }
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
            "2026-01-01T00:00:00Z",
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
        let slot = KeySlot::create(&m, repo, &kf, Argon2Params::DEFAULT, "t").unwrap();
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
        let mut slot =
            KeySlot::create(&m, repo, &c, Argon2Params::INSECURE_FOR_TESTS, "t").unwrap();
        if let Kdf::Argon2id { params, .. } = &mut slot.kdf {
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
            "t",
        )
        .unwrap();
        let mut v: serde_json::Value = serde_json::from_slice(&slot.encode()).unwrap();
        v["version"] = 2.into();
        v["new_field"] = true.into();
        let e = KeySlot::decode(&serde_json::to_vec(&v).unwrap()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        let mut v: serde_json::Value = serde_json::from_slice(&slot.encode()).unwrap();
        v["kind"] = "keyfile".into();
        let e = KeySlot::decode(&serde_json::to_vec(&v).unwrap()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt);
    }

    #[test]
    fn debug_redacts_credentials() {
        let c = Credential::Passphrase("hunter2".into());
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
