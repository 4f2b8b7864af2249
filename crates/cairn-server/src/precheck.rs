//! What a restore or verify request names, checked before anything is
//! queued: a client's mistake is a 400/403/404 in the envelope, with the
//! reason, never a job that fails later (and never a verify failure in the
//! metrics, which count damage found, not typos).
//!
//! The cheap checks (syntax, option values, the target) are
//! [`cairn_app::request`]'s, run on the body (and again by
//! [`crate::jobs::validate`] on every submit); this module adds the one
//! that reads the repository: the snapshot exists, and it is one of the named spec's (a
//! snapshot of spec A restored "as spec B" would restore A's files under
//! B's allowances). It reads through the snapshot cache that the listing
//! route keeps, so a check costs one object listing, not a full scan.

use crate::error::{Error, Result};
use crate::http::AppState;
use std::sync::Arc;

fn id_of(row: &serde_json::Value) -> &str {
    row["id"].as_str().unwrap_or_default()
}

/// Checks that `what` names exactly one snapshot of `spec` (on a blocking
/// thread: it reads the repository).
pub async fn snapshot_of_spec(st: &Arc<AppState>, spec: &str, what: &str) -> Result<()> {
    let (st, spec, what) = (st.clone(), spec.to_string(), what.to_ascii_lowercase());
    tokio::task::spawn_blocking(move || {
        let rows = st.snapshots.list(&st.ctx, Some(&spec), None)?;
        let mine = rows.as_array().cloned().unwrap_or_default();
        if what == "latest" {
            if mine.is_empty() {
                return Err(Error::NotFound(format!(
                    "spec {spec:?} has no snapshots yet: back it up first"
                )));
            }
            return Ok(());
        }
        match mine.iter().filter(|r| id_of(r).starts_with(&what)).count() {
            1 => return Ok(()),
            0 => {}
            _ => {
                return Err(Error::BadRequest(format!(
                "snapshot {what:?} names more than one snapshot of spec {spec:?}: give more digits"
            )))
            }
        }
        // Not the spec's: someone else's, or nobody's?
        let repo = st.ctx.cfg.require_spec(&spec)?.repository.clone();
        let all = st.snapshots.list(&st.ctx, None, None)?;
        let other = all
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["repository"] == repo.as_str() && id_of(r).starts_with(&what));
        Err(match other {
            Some(r) => {
                Error::BadRequest(format!(
                "snapshot {} is not one of spec {spec:?}'s (it records spec {}); name its own spec",
                id_of(r),
                r["spec"].as_str().map_or("none".into(), |s| format!("{s:?}"))
            ))
            }
            None => Error::NotFound(format!("no snapshot {what:?} in repository {repo:?}")),
        })
    })
    .await
    .unwrap_or_else(|_| Err(Error::Store("snapshot check panicked".into())))
}
