//! # cairn-store: where repositories live
//!
//! Implementations of [`cairn_core::Backend`]:
//! - [`FsBackend`], the embedded default: a folder on a local disk, written with
//!   temporary name, fsync, then an atomic no-replace link into place;
//! - [`MemoryBackend`], for unit tests and dry runs;
//! - [`S3Backend`], S3-compatible object storage through OpenDAL, with S3
//!   Object Lock for compliance and governance WORM.
//!
//! The filesystem backend uses `std::fs` directly rather than OpenDAL's fs
//! service: atomic no-replace publication (`link(2)`) and directory fsync are
//! exactly the guarantees the format needs, and OpenDAL's fs writer does not
//! promise them. OpenDAL arrives with the S3 backend.
//!
//! Every backend passes the one conformance suite
//! (`cairn_test_support::conformance`).

mod fs;
mod memory;
#[cfg(feature = "s3")]
mod s3;
#[cfg(feature = "s3")]
mod s3_lock;

pub use fs::FsBackend;
pub use memory::MemoryBackend;
#[cfg(feature = "s3")]
pub use s3::{S3Backend, S3Location};

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

/// The storage for a repository location: `s3:...` goes to S3, anything else
/// is a local folder.
pub fn backend_for(location: &str) -> Result<std::sync::Arc<dyn cairn_core::Backend>> {
    if location.starts_with("s3:") {
        #[cfg(feature = "s3")]
        return Ok(std::sync::Arc::new(S3Backend::new(S3Location::parse(
            location,
        )?)?));
        #[cfg(not(feature = "s3"))]
        return Err(Error::new(
            cairn_core::ErrorKind::Unsupported,
            format!("{location}: this build of Cairn has no S3 support (cairn-store's s3 feature is off)"),
        ));
    }
    Ok(std::sync::Arc::new(FsBackend::new(location)))
}
