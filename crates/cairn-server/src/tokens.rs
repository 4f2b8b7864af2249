//! The token store: who holds which API token, as the SHA-256 of each (the
//! token itself is shown once, when it is made). The format and the
//! constant-time check are [`cairn_token`]'s; this file keeps the entries.

use crate::error::{Error, Result};
use crate::rbac::Role;
pub use cairn_token::{token_id, well_formed};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// One stored token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenEntry {
    /// Short public id (first 12 hex digits of the hash).
    pub id: String,
    /// Who or what it is for.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// SHA-256 of the token, hex.
    pub sha256: String,
    /// When it was created (RFC 3339).
    pub created: String,
    /// When it was revoked, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreFile {
    version: u32,
    tokens: Vec<TokenEntry>,
}

/// The token store file.
#[derive(Debug, Clone)]
pub struct TokenStore {
    path: PathBuf,
}

impl cairn_token::Stored for TokenEntry {
    fn sha256(&self) -> &str {
        &self.sha256
    }
    fn revoked(&self) -> bool {
        self.revoked.is_some()
    }
}

impl TokenStore {
    /// The store at `path` (created on first token).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        TokenStore { path: path.into() }
    }

    fn read(&self) -> Result<StoreFile> {
        match std::fs::read(&self.path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                Error::Store(format!(
                    "token store {} is malformed: {e}",
                    self.path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(StoreFile {
                version: 1,
                tokens: Vec::new(),
            }),
            Err(e) => Err(Error::Store(format!(
                "cannot read token store {}: {e}",
                self.path.display()
            ))),
        }
    }

    fn write(&self, f: &StoreFile) -> Result<()> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let err = |e: std::io::Error| {
            Error::Store(format!(
                "cannot write token store {}: {e}",
                self.path.display()
            ))
        };
        if let Some(d) = self.path.parent() {
            std::fs::create_dir_all(d).map_err(err)?;
        }
        let tmp = tmp_path(&self.path);
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(err)?;
        #[allow(clippy::expect_used)] // plain data always serialises
        out.write_all(&serde_json::to_vec_pretty(f).expect("store serialises"))
            .map_err(err)?;
        out.sync_all().map_err(err)?;
        std::fs::rename(&tmp, &self.path).map_err(err)?;
        // The rename is durable only once the folder is synced.
        if let Some(d) = self.path.parent() {
            std::fs::File::open(d)
                .and_then(|d| d.sync_all())
                .map_err(err)?;
        }
        Ok(())
    }

    /// Runs a read-modify-write of the store under an exclusive lock on
    /// `TOKENS.lock`, so a create racing a revoke (two processes, or two
    /// requests) cannot write back a store that undoes the other.
    fn locked<T>(&self, f: impl FnOnce(&mut StoreFile) -> Result<T>) -> Result<T> {
        use std::os::unix::fs::OpenOptionsExt;
        let lock_path = {
            let mut s = self.path.as_os_str().to_os_string();
            s.push(".lock");
            PathBuf::from(s)
        };
        let err = |e: std::io::Error| {
            Error::Store(format!(
                "cannot lock token store {}: {e}",
                lock_path.display()
            ))
        };
        if let Some(d) = self.path.parent() {
            std::fs::create_dir_all(d).map_err(err)?;
        }
        let lock = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&lock_path)
            .map_err(err)?;
        rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive)
            .map_err(|e| err(e.into()))?;
        let mut store = self.read()?;
        let out = f(&mut store)?;
        self.write(&store)?;
        Ok(out)
    }

    /// Creates a token; returns (the token, shown once; its entry).
    pub fn create(
        &self,
        name: &str,
        role: Role,
        now: OffsetDateTime,
    ) -> Result<(String, TokenEntry)> {
        self.locked(|f| Self::add(f, name, role, now))
    }

    fn add(
        f: &mut StoreFile,
        name: &str,
        role: Role,
        now: OffsetDateTime,
    ) -> Result<(String, TokenEntry)> {
        if f.tokens
            .iter()
            .any(|t| t.name == name && t.revoked.is_none())
        {
            return Err(Error::BadRequest(format!(
                "a live token named {name:?} exists; revoke it first or choose another name"
            )));
        }
        let raw: [u8; 20] = cairn_core::crypto::random_array()?;
        let token = cairn_token::mint(&raw);
        let h = hex::encode(cairn_token::hash(&token));
        let entry = TokenEntry {
            id: h[..12].to_string(),
            name: name.to_string(),
            role,
            sha256: h,
            created: cairn_core::clock::rfc3339(now),
            revoked: None,
        };
        f.version = 1;
        f.tokens.push(entry.clone());
        Ok((token, entry))
    }

    /// Revokes every live token with this name or id; returns how many.
    pub fn revoke(&self, name_or_id: &str, now: OffsetDateTime) -> Result<usize> {
        self.locked(|f| Self::mark_revoked(f, name_or_id, now))
    }

    fn mark_revoked(f: &mut StoreFile, name_or_id: &str, now: OffsetDateTime) -> Result<usize> {
        let mut n = 0;
        for t in f.tokens.iter_mut().filter(|t| t.revoked.is_none()) {
            if t.name == name_or_id || t.id == name_or_id {
                t.revoked = Some(cairn_core::clock::rfc3339(now));
                n += 1;
            }
        }
        if n == 0 {
            return Err(Error::NotFound(format!(
                "no live token named or with id {name_or_id:?}"
            )));
        }
        Ok(n)
    }

    /// The live token matching `token`, compared in constant time.
    pub fn authenticate(&self, token: &str) -> Result<TokenEntry> {
        if !well_formed(token) {
            // Refused before the store is read.
            return Err(Error::Unauthenticated(
                cairn_token::Refused::Malformed.to_string(),
            ));
        }
        cairn_token::authenticate(token, self.read()?.tokens)
            .map_err(|e| Error::Unauthenticated(e.to_string()))
    }

    /// Every entry (no secrets: hashes only).
    pub fn list(&self) -> Result<Vec<TokenEntry>> {
        Ok(self.read()?.tokens)
    }
}

fn tmp_path(p: &Path) -> PathBuf {
    let mut s = p.as_os_str().to_os_string();
    s.push(".tmp");
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_authenticate_revoke() {
        let d = tempfile::tempdir().unwrap();
        let s = TokenStore::new(d.path().join("tokens.json"));
        let (tok, e) = s
            .create("ci", Role::Service, OffsetDateTime::UNIX_EPOCH)
            .unwrap();
        assert!(well_formed(&tok) && tok.starts_with("cairn_"), "{tok}");
        assert_eq!(s.authenticate(&tok).unwrap().role, Role::Service);
        let stored = std::fs::read_to_string(d.path().join("tokens.json")).unwrap();
        assert!(
            !stored.contains(&tok[6..38]),
            "the token itself is never stored"
        );
        // A typo fails the checksum before any lookup.
        let mut typo = tok.clone().into_bytes();
        typo[10] = if typo[10] == b'a' { b'b' } else { b'a' };
        assert!(!well_formed(&String::from_utf8(typo).unwrap()));
        assert!(
            s.create("ci", Role::Admin, OffsetDateTime::UNIX_EPOCH)
                .is_err(),
            "live names are unique"
        );
        assert_eq!(s.revoke(&e.id, OffsetDateTime::UNIX_EPOCH).unwrap(), 1);
        assert!(
            matches!(s.authenticate(&tok), Err(Error::Unauthenticated(m)) if m.contains("revoked"))
        );
        assert!(s.revoke("ci", OffsetDateTime::UNIX_EPOCH).is_err());
    }

    #[test]
    fn a_create_racing_a_revoke_cannot_undo_it() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("tokens.json");
        TokenStore::new(&path)
            .create("victim", Role::Admin, OffsetDateTime::UNIX_EPOCH)
            .unwrap();
        // Four writers (each its own store, as the CLI and the server are)
        // create while a fifth revokes.
        let mut threads: Vec<_> = (0..4)
            .map(|i| {
                let s = TokenStore::new(&path);
                std::thread::spawn(move || {
                    for j in 0..10 {
                        s.create(
                            &format!("t{i}-{j}"),
                            Role::Service,
                            OffsetDateTime::UNIX_EPOCH,
                        )
                        .unwrap();
                    }
                })
            })
            .collect();
        let s = TokenStore::new(&path);
        threads.push(std::thread::spawn(move || {
            s.revoke("victim", OffsetDateTime::UNIX_EPOCH).unwrap();
        }));
        for t in threads {
            t.join().unwrap();
        }
        let list = TokenStore::new(&path).list().unwrap();
        assert_eq!(list.len(), 41, "no create was lost");
        assert!(list
            .iter()
            .any(|t| t.name == "victim" && t.revoked.is_some()));
    }
}
