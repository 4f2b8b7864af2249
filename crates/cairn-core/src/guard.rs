//! Guards that sit between the repository and its storage and refuse what the
//! session may not do. Every delete in Cairn goes through `Backend::delete`,
//! so one wrapper is enough to make a whole session unable to delete.

use crate::backend::{Backend, Leftover, ObjectInfo, ObjectKind, ObjectVersion};
use crate::error::{Error, ErrorKind, Result};
use crate::remedy::Remedy;
use std::sync::Arc;

/// Append-only access: objects may be added (never replaced: `write_new`
/// already refuses that) but not deleted. Lock objects are the one exception:
/// they are not data, and a writer must be able to release its own lock.
pub struct AppendOnly(pub Arc<dyn Backend>);

impl AppendOnly {
    /// Wraps a backend.
    pub fn wrap(inner: Arc<dyn Backend>) -> Arc<dyn Backend> {
        Arc::new(AppendOnly(inner))
    }
}

impl Backend for AppendOnly {
    fn location(&self) -> String {
        self.0.location()
    }
    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        self.0.read(kind, name)
    }
    fn reread(&self, kind: ObjectKind, name: &str) -> Result<Option<Vec<u8>>> {
        self.0.reread(kind, name)
    }
    fn read_range(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        self.0.read_range(kind, name, offset, len)
    }
    fn read_span(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        self.0.read_span(kind, name, offset, len)
    }
    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.0.write_new(kind, name, data)
    }
    fn replace_config(&self, _data: &[u8]) -> Result<()> {
        Err(Error::new(
            ErrorKind::PermissionDenied,
            format!(
                "append-only access: refusing to replace the config of {}",
                self.0.location()
            ),
        )
        .remedy(Remedy::NotAppendOnly))
    }
    fn replace(&self, kind: ObjectKind, name: &str, _data: &[u8]) -> Result<()> {
        Err(Error::new(
            ErrorKind::PermissionDenied,
            format!(
                "append-only access: refusing to replace {} in {}",
                kind.path(name),
                self.0.location()
            ),
        )
        .hint("replacing a damaged object needs delete rights: run the command without append-only access"))
    }
    fn list_all(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
        self.0.list_all(kind)
    }
    fn leftovers(&self) -> Result<Vec<Leftover>> {
        self.0.leftovers()
    }
    fn remove_leftover(&self, l: &Leftover) -> Result<()> {
        Err(Error::new(
            ErrorKind::PermissionDenied,
            format!(
                "append-only access: refusing to remove {} in {}",
                l.path,
                self.0.location()
            ),
        ))
    }
    fn stat(&self, kind: ObjectKind, name: &str) -> Result<ObjectInfo> {
        self.0.stat(kind, name)
    }
    fn versions_survive_delete(&self) -> bool {
        self.0.versions_survive_delete()
    }
    fn list_versions(&self, kind: ObjectKind) -> Result<Vec<ObjectVersion>> {
        self.0.list_versions(kind)
    }
    fn read_version(&self, kind: ObjectKind, name: &str, version: &str) -> Result<Vec<u8>> {
        self.0.read_version(kind, name, version)
    }
    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        if kind == ObjectKind::Lock {
            return self.0.delete(kind, name);
        }
        Err(Error::new(
            ErrorKind::PermissionDenied,
            format!(
                "append-only access: refusing to delete {} in {}",
                kind.path(name),
                self.0.location()
            ),
        )
        .remedy(Remedy::NotAppendOnly))
    }
    fn exists(&self) -> Result<bool> {
        self.0.exists()
    }
    fn retained_until(&self, kind: ObjectKind, name: &str) -> Result<Option<time::OffsetDateTime>> {
        self.0.retained_until(kind, name)
    }

    fn hold(
        &self,
        kind: ObjectKind,
        name: &str,
        mode: crate::backend::WormMode,
        until: time::OffsetDateTime,
    ) -> Result<()> {
        self.0.hold(kind, name, mode, until)
    }
    fn worm_support(&self, mode: crate::backend::WormMode) -> Result<String> {
        self.0.worm_support(mode)
    }
}
