//! Earlier versions of the config and key slots on a versioned bucket
//! (every Object Lock bucket is): listed with ListObjectVersions, read with
//! `versionId`, each with the retain-until S3 holds it to (HeadObject on
//! the version). This is what `keys recover` stands on.

use super::S3Backend;
use crate::remote::modified;
use cairn_core::{Error, ErrorKind, ObjectKind, ObjectVersion, Result};

/// At most this many versions are listed: the config and slots change
/// rarely, and a bucket stuffed with versions must not stall recovery.
const MAX_VERSIONS: usize = 10_000;

impl S3Backend {
    pub(super) fn versions_of(&self, kind: ObjectKind) -> Result<Vec<ObjectVersion>> {
        if !matches!(kind, ObjectKind::Config | ObjectKind::Key) {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "versions are listed for the config and key slots only, not {}",
                    kind.dir()
                ),
            ));
        }
        let dir = match kind {
            ObjectKind::Config => String::new(),
            k => format!("{}/", k.dir()),
        };
        let entries = self
            .store
            .rt
            .block_on(async {
                self.store
                    .op
                    .list_with(&dir)
                    .versions(true)
                    .deleted(true)
                    .await
            })
            .map_err(|e| self.classify(&format!("versions under {dir:?}"), e))?;
        let mut out = Vec::new();
        for e in entries.into_iter().take(MAX_VERSIONS) {
            let m = e.metadata();
            let rel = e.path().trim_start_matches(&dir);
            let name = match kind {
                ObjectKind::Config if rel == "config" => "config",
                ObjectKind::Key if crate::check_name(rel).is_ok() => rel,
                _ => continue,
            };
            let Some(version) = m.version() else { continue };
            let delete_marker = m.is_deleted();
            let retained_until = if delete_marker {
                None
            } else {
                self.store
                    .rt
                    .block_on(self.lock.head_version(&kind.path(name), Some(version)))?
                    .until
            };
            out.push(ObjectVersion {
                name: name.to_string(),
                version: version.to_string(),
                modified: modified(m),
                current: m.is_current().unwrap_or(false),
                delete_marker,
                retained_until,
            });
        }
        out.sort_by(|a, b| (&a.name, b.modified).cmp(&(&b.name, a.modified)));
        Ok(out)
    }

    pub(super) fn read_one_version(
        &self,
        kind: ObjectKind,
        name: &str,
        version: &str,
    ) -> Result<Vec<u8>> {
        let key = self.key(kind, name)?;
        let b = self
            .store
            .rt
            .block_on(async { self.store.op.read_with(&key).version(version).await })
            .map_err(|e| self.classify(&format!("{key} version {version}"), e))?;
        if b.len() as u64 > kind.max_len() {
            return Err(Error::corrupt(format!(
                "{key} version {version} is larger than any {} object",
                kind.dir()
            )));
        }
        Ok(b.to_vec())
    }
}
