//! # cairn-store: where repositories live
//!
//! Implementations of [`cairn_core::Backend`]:
//! - [`FsBackend`], the embedded default: a folder on a local disk, written with
//!   temporary name, fsync, then an atomic no-replace link into place;
//! - [`MemoryBackend`], for unit tests and dry runs;
//! - [`S3Backend`], S3-compatible object storage through OpenDAL, with S3
//!   Object Lock for compliance and governance WORM;
//! - [`CachedBackend`], a wrapper keeping snapshot objects and index files
//!   of remote storage in a local folder (`cache.rs`);
//! - [`RemoteBackend`], the other OpenDAL-backed object stores (Azure Blob
//!   Storage), sharing the S3 backend's requests, retries, timeouts and
//!   error lines (`remote.rs`).
//!
//! The filesystem backend uses `std::fs` directly rather than OpenDAL's fs
//! service: atomic no-replace publication (`link(2)`) and directory fsync are
//! exactly the guarantees the format needs, and OpenDAL's fs writer does not
//! promise them. OpenDAL arrives with the S3 backend.
//!
//! Every backend passes the one conformance suite
//! (`cairn_test_support::conformance`).

#[cfg(feature = "azblob")]
mod azblob;
mod cache;
mod fs;
mod memory;
#[cfg(feature = "remote")]
mod remote;
#[cfg(feature = "remote")]
mod remote_backend;
#[cfg(feature = "s3")]
mod s3;
#[cfg(feature = "s3")]
mod s3_lock;
#[cfg(feature = "sftp")]
mod sftp;

#[cfg(feature = "azblob")]
pub use azblob::AzureLocation;
pub use cache::{cache_dir_for, cached, CachedBackend};
pub use fs::FsBackend;
pub use memory::MemoryBackend;
#[cfg(feature = "remote")]
pub use remote::{REQUEST_TIMEOUT, RETRIES};
#[cfg(feature = "remote")]
pub use remote_backend::RemoteBackend;
#[cfg(feature = "s3")]
pub use s3::{S3Backend, S3Location};
#[cfg(feature = "sftp")]
pub use sftp::{SftpBackend, SftpLocation};

use cairn_core::{Error, Result};

/// Object names are ids (hex) or slot ids: refuse anything that could be a path.
pub(crate) fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{name:?} is not a valid object name"
        )))
    }
}

/// The object-store schemes a location may start with, and the cairn-store
/// feature each needs. Anything else is a local folder.
const SCHEMES: &[(&str, &str)] = &[("s3:", "s3"), ("azblob:", "azblob"), ("sftp:", "sftp")];

/// Whether `location` names remote storage (`s3:`, `azblob:`, `sftp:`) rather than
/// a local folder.
pub fn is_remote(location: &str) -> bool {
    SCHEMES.iter().any(|(p, _)| location.starts_with(p))
}

/// The storage for a repository location: `s3:...` goes to S3, `azblob:...`
/// to Azure Blob Storage, `sftp:...` to SFTP, anything else is a local folder.
pub fn backend_for(location: &str) -> Result<std::sync::Arc<dyn cairn_core::Backend>> {
    #[cfg(feature = "s3")]
    if location.starts_with("s3:") {
        return Ok(std::sync::Arc::new(S3Backend::new(S3Location::parse(
            location,
        )?)?));
    }
    #[cfg(feature = "azblob")]
    if location.starts_with("azblob:") {
        return Ok(std::sync::Arc::new(RemoteBackend::azure(
            AzureLocation::parse(location)?,
        )?));
    }
    #[cfg(feature = "sftp")]
    if location.starts_with("sftp:") {
        return Ok(std::sync::Arc::new(SftpBackend::new(SftpLocation::parse(
            location,
        )?)?));
    }
    if let Some((_, feature)) = SCHEMES.iter().find(|(p, _)| location.starts_with(p)) {
        return Err(Error::new(
            cairn_core::ErrorKind::Unsupported,
            format!("{location}: this build of Cairn cannot reach that storage (cairn-store's {feature} feature is off)"),
        ));
    }
    Ok(std::sync::Arc::new(FsBackend::new(location)))
}
