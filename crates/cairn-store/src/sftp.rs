//! SFTP through OpenDAL's sftp service, which drives the system's `ssh`
//! client (the openssh crate): the user's `~/.ssh/config`, keys, agent and
//! `known_hosts` apply, and host keys are checked strictly.
//!
//! OpenDAL's SFTP writer writes into the final name (`O_EXCL` at best), so
//! a reader or a crash could see a prefix of an object under its real name.
//! This backend publishes as the folder backend does instead: the object is
//! written whole under a `.tmp-*` name in its folder, then
//! - before it is published, the server `fsync`s it (`fsync@openssh.com`);
//! - `write_new` links it into place with the `hardlink@openssh.com`
//!   extension, which is `link(2)` on the server: it fails on a taken name,
//!   so an object is never replaced; then the temporary name is removed;
//! - `replace` and `replace_config` rename it over the object
//!   (`posix-rename@openssh.com`, `rename(2)`): one atomic step.
//!
//! OpenDAL has no call for a hard link or an fsync, so those go through
//! openssh-sftp-client (the library under OpenDAL's service) on a session
//! of its own, opened on first use.

use crate::remote::{classify, Service, Store, Target};
use cairn_core::backend::WormMode;
use cairn_core::{Backend, Bytes, Error, ErrorKind, Leftover, ObjectKind, Result};
use opendal::services::Sftp as SftpService;
use opendal::Operator;
use openssh_sftp_client::{Sftp, SftpOptions};

/// Where an SFTP repository lives, parsed from `sftp:...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SftpLocation {
    /// `[user@]host`.
    pub host: String,
    /// The SSH port, when not the default (or the ssh config's).
    pub port: Option<u16>,
    /// The repository's absolute path on the server.
    pub path: String,
}

impl SftpLocation {
    /// Parses `sftp:[USER@]HOST:/PATH` (restic's form) or
    /// `sftp://[USER@]HOST[:PORT]//PATH`.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(format!("{s:?} is not a valid SFTP location")).hint(
                "write sftp:user@host:/absolute/path, or sftp://user@host:port//absolute/path",
            )
        };
        let (host, port, path) = if let Some(rest) = s.strip_prefix("sftp://") {
            let (authority, path) = rest.split_once('/').ok_or_else(bad)?;
            let (host, port) = match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p.parse::<u16>().map_err(|_| bad())?)),
                None => (authority, None),
            };
            (host, port, path)
        } else {
            let rest = s
                .strip_prefix("sftp:")
                .ok_or_else(|| Error::invalid(format!("{s:?} is not an sftp: location")))?;
            let (host, path) = rest.split_once(':').ok_or_else(bad)?;
            (host, None, path)
        };
        // OpenDAL roots every path at the server's `/`: a path relative to
        // the login folder would silently land elsewhere, so it is refused.
        if host.is_empty() || !path.starts_with('/') || path.trim_matches('/').is_empty() {
            return Err(bad());
        }
        Ok(SftpLocation {
            host: host.to_string(),
            port,
            path: format!("/{}", path.trim_matches('/')),
        })
    }

    fn endpoint(&self) -> String {
        match self.port {
            Some(p) => format!("ssh://{}:{p}", self.host),
            None => format!("ssh://{}", self.host),
        }
    }

    fn describe(&self) -> String {
        format!(
            "sftp://{}{}/{}",
            self.host,
            self.port.map(|p| format!(":{p}")).unwrap_or_default(),
            self.path
        )
    }
}

/// How SFTP errors are explained (SFTP has no error codes worth naming).
static SERVICE: Service = Service {
    name: "SFTP",
    holder: "folder",
    credential_codes: &[],
    missing_holder_codes: &[],
    credentials_hint: "check that ssh to that host works non-interactively (ssh-agent or an IdentityFile in ~/.ssh/config) and that the user may write the folder",
    create_hint: |f| format!("create the folder {f} on the server first"),
    timeout_var: "CAIRN_SFTP_TIMEOUT",
};

/// A repository in a folder on an SFTP server.
pub struct SftpBackend {
    store: Store,
    location: SftpLocation,
    /// The session for hard links and fsync, opened on first use.
    linker: tokio::sync::Mutex<Option<Sftp>>,
    no_fsync_warned: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for SftpBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SftpBackend")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl SftpBackend {
    /// Connects lazily: the first request starts `ssh`.
    pub fn new(location: SftpLocation) -> Result<Self> {
        let b = SftpService::default()
            .endpoint(&location.endpoint())
            .root(&location.path)
            .known_hosts_strategy("strict");
        let target = Target::new(&SERVICE, &location.path, &location.endpoint());
        let op = Operator::new(b).map_err(|e| classify(&target, "SFTP configuration", e))?;
        Ok(SftpBackend {
            store: Store::new(op, target)?,
            location,
            linker: Default::default(),
            no_fsync_warned: Default::default(),
        })
    }

    /// A fresh temporary name in the folder of `key`.
    fn temp_beside(key: &str) -> Result<String> {
        let rnd: [u8; 8] = cairn_core::crypto::random_array()?;
        Ok(match key.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/.tmp-{}", hex::encode(rnd)),
            None => format!(".tmp-{}", hex::encode(rnd)),
        })
    }

    /// Writes `data` whole under a temporary name beside `key`.
    fn write_temp(&self, key: &str, data: &Bytes) -> Result<String> {
        let tmp = Self::temp_beside(key)?;
        self.store
            .rt
            .block_on(async {
                self.store
                    .op
                    .write_with(&tmp, data.clone())
                    .if_not_exists(true)
                    .await
            })
            .map_err(|e| self.store.classify(key, e))?;
        Ok(tmp)
    }

    fn remove_temp(&self, tmp: &str) {
        if let Err(e) = self.store.rt.block_on(self.store.op.delete(tmp)) {
            tracing::warn!("could not remove the temporary {tmp} ({e}); prune sweeps it later");
        }
    }

    /// The session for the requests OpenDAL has no call for, opened on first use.
    async fn session(
        &self,
    ) -> std::result::Result<tokio::sync::MutexGuard<'_, Option<Sftp>>, String> {
        let mut guard = self.linker.lock().await;
        if guard.is_none() {
            let mut b = openssh::SessionBuilder::default();
            b.known_hosts_check(openssh::KnownHosts::Strict);
            let session = b
                .connect(self.location.endpoint())
                .await
                .map_err(|e| e.to_string())?;
            let sftp = Sftp::from_session(session, SftpOptions::default())
                .await
                .map_err(|e| e.to_string())?;
            *guard = Some(sftp);
        }
        Ok(guard)
    }

    /// Makes the server `fsync(2)` the temporary `tmp` (`fsync@openssh.com`)
    /// before it is published, so that a power cut on the server cannot
    /// leave a published name whose bytes were lost. A server without the
    /// extension gets a warning and no sync (docs/STORAGE.md).
    async fn sync_temp(&self, sftp: &Sftp, tmp: &str) -> std::result::Result<(), String> {
        if !sftp.support_fsync() {
            if !self
                .no_fsync_warned
                .swap(true, std::sync::atomic::Ordering::Relaxed)
            {
                tracing::warn!(
                    "the SFTP server at {} has no fsync@openssh.com: objects are published unsynced",
                    self.location.endpoint()
                );
            }
            return Ok(());
        }
        let path = format!("{}/{tmp}", self.location.path);
        // The library sends fsync only on a handle opened for writing.
        let mut f = sftp
            .options()
            .write(true)
            .open(&path)
            .await
            .map_err(|e| e.to_string())?;
        f.sync_all().await.map_err(|e| format!("fsync: {e}"))?;
        f.close().await.map_err(|e| e.to_string())
    }

    /// Syncs `from`, then `link(2)`s it to `to` on the server through
    /// `hardlink@openssh.com`.
    async fn sync_and_link(&self, from: &str, to: &str) -> std::result::Result<(), String> {
        let guard = self.session().await?;
        let Some(sftp) = guard.as_ref() else {
            return Err("no SFTP session".into());
        };
        self.sync_temp(sftp, from).await?;
        let root = &self.location.path;
        sftp.fs()
            .hard_link(format!("{root}/{from}"), format!("{root}/{to}"))
            .await
            .map_err(|e| e.to_string())
    }

    /// Syncs `tmp` through the side session.
    async fn sync_only(&self, tmp: &str) -> std::result::Result<(), String> {
        let guard = self.session().await?;
        let Some(sftp) = guard.as_ref() else {
            return Err("no SFTP session".into());
        };
        self.sync_temp(sftp, tmp).await
    }
}

impl Backend for SftpBackend {
    crate::remote::store_methods!();

    fn location(&self) -> String {
        self.location.describe()
    }

    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        self.store.read(kind, name)
    }

    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.write_new_shared(kind, name, &Bytes::copy_from_slice(data))
    }

    fn write_new_shared(&self, kind: ObjectKind, name: &str, data: &Bytes) -> Result<()> {
        let key = self.store.key(kind, name)?;
        let tmp = self.write_temp(&key, data)?;
        let linked = self.store.rt.block_on(self.sync_and_link(&tmp, &key));
        self.remove_temp(&tmp);
        match linked {
            Ok(()) => Ok(()),
            Err(_) if self.store.stat(kind, name).is_ok() => Err(Error::new(
                ErrorKind::AlreadyExists,
                format!("{key} already exists"),
            )),
            Err(why) => Err(Error::new(
                ErrorKind::Io,
                format!(
                    "{key}: the SFTP server at {} could not sync and link it into place ({why})",
                    self.location.endpoint()
                ),
            )
            .hint("the server must offer the hardlink@openssh.com and fsync@openssh.com extensions (OpenSSH's sftp-server does) on a filesystem with hard links")),
        }
    }

    fn replace_config(&self, data: &[u8]) -> Result<()> {
        self.replace(ObjectKind::Config, "config", data)
    }

    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        let key = self.store.key(kind, name)?;
        let tmp = self.write_temp(&key, &Bytes::copy_from_slice(data))?;
        let synced = self.store.rt.block_on(self.sync_only(&tmp)).map_err(|why| {
            Error::new(
                ErrorKind::Io,
                format!(
                    "{key}: the SFTP server at {} could not sync it ({why})",
                    self.location.endpoint()
                ),
            )
        });
        if let Err(e) = synced {
            self.remove_temp(&tmp);
            return Err(e);
        }
        let renamed = self
            .store
            .rt
            .block_on(self.store.op.rename(&tmp, &key))
            .map_err(|e| self.store.classify(&key, e));
        if renamed.is_err() {
            self.remove_temp(&tmp);
        }
        renamed
    }

    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        self.store.delete(kind, name)
    }

    fn exists(&self) -> Result<bool> {
        self.store.exists(&self.location.describe())
    }

    /// The `.tmp-*` objects writers killed between their write and their
    /// link or rename left behind, in the repository's folders.
    fn leftovers(&self) -> Result<Vec<Leftover>> {
        let mut out = Vec::new();
        for dir in std::iter::once(String::new()).chain(
            ObjectKind::ALL
                .into_iter()
                .filter(|k| *k != ObjectKind::Config)
                .map(|k| format!("{}/", k.dir())),
        ) {
            // The root holds the config's temporaries only: no descent.
            let entries = self.store.entries(&dir, !dir.is_empty())?;
            for e in entries {
                let m = e.metadata();
                let file = e.path().rsplit('/').next().unwrap_or("");
                if !m.is_dir() && file.starts_with(".tmp-") {
                    out.push(Leftover {
                        path: e.path().to_string(),
                        size: m.content_length(),
                        modified: crate::remote::modified(m),
                    });
                }
            }
        }
        Ok(out)
    }

    fn remove_leftover(&self, l: &Leftover) -> Result<()> {
        // Only what `leftovers` lists: a `.tmp-` file inside the repository.
        let file = l.path.rsplit('/').next().unwrap_or("");
        if !file.starts_with(".tmp-") || l.path.contains("..") || l.path.starts_with('/') {
            return Err(Error::invalid(format!(
                "{} is not a leftover of this repository",
                l.path
            )));
        }
        self.store.delete_key(&l.path)
    }

    fn worm_support(&self, mode: WormMode) -> Result<String> {
        Err(crate::remote_backend::refuse_worm(
            &self.location.describe(),
            mode,
            "an SFTP server offers no retention: anyone who can log in as that user can delete or rename any file",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        let l = SftpLocation::parse("sftp:backup@host.example:/srv/cairn/").unwrap();
        assert_eq!(
            (l.host.as_str(), l.port, l.path.as_str()),
            ("backup@host.example", None, "/srv/cairn")
        );
        assert_eq!(l.describe(), "sftp://backup@host.example//srv/cairn");
        let l = SftpLocation::parse("sftp://u@127.0.0.1:2222//tmp/r").unwrap();
        assert_eq!(
            (l.port, l.endpoint().as_str()),
            (Some(2222), "ssh://u@127.0.0.1:2222")
        );
        assert_eq!(SftpLocation::parse(&l.describe()).unwrap(), l);
        for bad in [
            "sftp:host:relative",
            "sftp:host",
            "sftp://h:x//p",
            "sftp://h/rel",
            "sftp:h:/",
        ] {
            assert!(SftpLocation::parse(bad).is_err(), "{bad}");
        }
    }
}
