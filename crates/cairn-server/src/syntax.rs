//! The shape of what a request names, checked without reading anything:
//! below both the job validation and the repository prechecks.

use crate::error::{Error, Result};

/// `latest`, or 8 to 64 hex digits of an id (a shorter prefix names too
/// many snapshots to be safe in an automated call).
pub fn snapshot_syntax(what: &str) -> Result<()> {
    let hex = what.bytes().all(|c| c.is_ascii_hexdigit());
    if what == "latest" || ((8..=64).contains(&what.len()) && hex) {
        return Ok(());
    }
    Err(Error::BadRequest(format!(
        "snapshot {what:?}: give `latest` or an id (8 to 64 hex digits)"
    )))
}
