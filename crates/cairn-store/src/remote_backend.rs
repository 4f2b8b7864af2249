//! A repository on an OpenDAL-backed store that needs nothing beyond the
//! shared [`Store`]: Azure Blob Storage today. Every object is written
//! once with a conditional create; the config is replaced by one
//! unconditional write, which the service makes atomic (a reader sees the
//! old or the new config, never neither), as on a folder; storage-level
//! WORM grades are refused with the service's reason.

use crate::remote::Store;
use cairn_core::backend::WormMode;
use cairn_core::{Backend, Bytes, Error, ErrorKind, ObjectKind, Result};

/// A repository on a remote object store (see the module documentation).
pub struct RemoteBackend {
    pub(crate) store: Store,
    /// Where it is, for messages (never credentials).
    pub(crate) location: String,
    /// Why `governance` and `compliance` cannot be enforced there.
    pub(crate) no_worm: &'static str,
}

impl std::fmt::Debug for RemoteBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteBackend")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl Backend for RemoteBackend {
    crate::remote::store_methods!();

    fn location(&self) -> String {
        self.location.clone()
    }

    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        self.store.read(kind, name)
    }

    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.store
            .write_new(kind, name, &Bytes::copy_from_slice(data))
    }

    fn write_new_shared(&self, kind: ObjectKind, name: &str, data: &Bytes) -> Result<()> {
        self.store.write_new(kind, name, data)
    }

    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        // One Put Blob: the service replaces a blob atomically.
        self.store.replace(kind, name, data)
    }

    fn replace_config(&self, data: &[u8]) -> Result<()> {
        self.store.replace(ObjectKind::Config, "config", data)
    }

    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        self.store.delete(kind, name)
    }

    fn exists(&self) -> Result<bool> {
        self.store.exists(&self.location)
    }

    fn worm_support(&self, mode: WormMode) -> Result<String> {
        Err(refuse_worm(&self.location, mode, self.no_worm))
    }
}

/// Why storage-level WORM `mode` cannot be had at `location`, and what to
/// use instead.
pub(crate) fn refuse_worm(location: &str, mode: WormMode, why: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!("{location}: {mode} WORM cannot be enforced there: {why}"),
    )
    .hint("use software WORM (Cairn refuses early deletes), or an S3 bucket with Object Lock for storage-level WORM")
    .remedy(cairn_core::Remedy::WormSoftware)
}
