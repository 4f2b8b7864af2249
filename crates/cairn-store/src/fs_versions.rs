//! Earlier versions of a held config on a folder (governance WORM).
//!
//! A folder keeps no versions, and an immutable file cannot be renamed over.
//! So when a held (immutable) config is replaced, its bytes are first
//! written, synced and made immutable as `config-history/<unix seconds>-<16
//! hex>`, and only then is the flag on `config` lifted for the atomic rename
//! (Cairn holds the new config right after). Key slots need no history here:
//! a held slot file cannot be removed at all before its retention lapses.

use super::{io, open_object, set_immutable, sync_dir, synced_temp, FsBackend};
use cairn_core::{Error, ErrorKind, ObjectKind, ObjectVersion, Result};
use std::fs;
use std::path::Path;

const HISTORY: &str = "config-history";

fn is_immutable(p: &Path) -> bool {
    fs::File::open(p)
        .and_then(|f| rustix::fs::ioctl_getflags(&f).map_err(std::io::Error::from))
        .is_ok_and(|fl| fl.contains(rustix::fs::IFlags::IMMUTABLE))
}

fn modified(p: &Path) -> Option<time::OffsetDateTime> {
    fs::metadata(p)
        .and_then(|m| m.modified())
        .ok()
        .map(time::OffsetDateTime::from)
}

impl FsBackend {
    /// Before `config` is replaced by `next`: if it is held, keep an
    /// immutable copy of it and lift its flag.
    pub(super) fn keep_held_config(&self, config: &Path, next: &[u8]) -> Result<()> {
        if !is_immutable(config) {
            return Ok(());
        }
        let (mut f, _) = open_object(config, ObjectKind::Config)?;
        let mut old = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut old).map_err(|e| io(config, e))?;
        if old != next {
            let dir = self.root().join(HISTORY);
            fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
            let secs = time::OffsetDateTime::now_utc().unix_timestamp().max(0);
            let rnd: [u8; 8] = cairn_core::crypto::random_array()?;
            let name = format!("{secs:012}-{}", hex::encode(rnd));
            let dest = dir.join(&name);
            let tmp = synced_temp(&dir, &name, &old)?;
            let linked = fs::hard_link(&tmp, &dest).map_err(|e| io(&dest, e));
            let _ = fs::remove_file(&tmp);
            linked?;
            set_immutable(&dest, true).map_err(|e| io(&dest, e))?;
            sync_dir(&dir)?;
        }
        set_immutable(config, false).map_err(|e| io(config, e))
    }

    pub(super) fn versions_of(&self, kind: ObjectKind) -> Result<Vec<ObjectVersion>> {
        let current = |name: &str, p: &Path| ObjectVersion {
            name: name.to_string(),
            version: "current".into(),
            modified: modified(p),
            current: true,
            delete_marker: false,
            retained_until: None,
        };
        let mut out = Vec::new();
        match kind {
            ObjectKind::Config => {
                let p = self.root().join("config");
                if p.exists() {
                    out.push(current("config", &p));
                }
                let dir = self.root().join(HISTORY);
                let rd = match fs::read_dir(&dir) {
                    Ok(rd) => rd,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
                    Err(e) => return Err(io(&dir, e)),
                };
                let mut older = Vec::new();
                for ent in rd {
                    let ent = ent.map_err(|e| io(&dir, e))?;
                    let v = ent.file_name().to_string_lossy().into_owned();
                    if crate::check_name(&v).is_ok() {
                        older.push(ObjectVersion {
                            version: v,
                            current: false,
                            ..current("config", &ent.path())
                        });
                    }
                }
                older.sort_by(|a, b| b.version.cmp(&a.version));
                out.extend(older);
            }
            ObjectKind::Key => {
                for o in cairn_core::Backend::list(self, ObjectKind::Key)? {
                    let p = self.root().join(ObjectKind::Key.path(&o.name));
                    out.push(current(&o.name, &p));
                }
            }
            k => {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!(
                        "versions are listed for the config and key slots only, not {}",
                        k.dir()
                    ),
                ))
            }
        }
        Ok(out)
    }

    pub(super) fn read_one_version(
        &self,
        kind: ObjectKind,
        name: &str,
        version: &str,
    ) -> Result<Vec<u8>> {
        if version == "current" {
            return cairn_core::Backend::read(self, kind, name);
        }
        if kind != ObjectKind::Config || crate::check_name(version).is_err() {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!(
                    "{} keeps no version {version} of {}",
                    self.root().display(),
                    kind.path(name)
                ),
            ));
        }
        let p = self.root().join(HISTORY).join(version);
        let (mut f, _) = open_object(&p, ObjectKind::Config)?;
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut buf).map_err(|e| io(&p, e))?;
        Ok(buf)
    }
}
