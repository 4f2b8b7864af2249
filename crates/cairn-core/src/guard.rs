//! Guards that sit between the repository and its storage and refuse what the
//! session may not do. Every delete in Cairn goes through `Backend::delete`,
//! so one wrapper is enough to make a whole session unable to delete.

use crate::backend::{Backend, Leftover, ObjectKind};
use crate::error::{Error, ErrorKind, Result};
use crate::remedy::Remedy;
use crate::wrapper::Wrapper;
use bytes::Bytes;
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

// Only the refusals: everything else passes on (crate::wrapper).
impl Wrapper for AppendOnly {
    fn inner(&self) -> &dyn Backend {
        self.0.as_ref()
    }
    // New objects are what append-only allows: shared bytes pass on as they are.
    fn write_new_shared(&self, kind: ObjectKind, name: &str, data: &Bytes) -> Result<()> {
        self.0.write_new_shared(kind, name, data)
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
}
