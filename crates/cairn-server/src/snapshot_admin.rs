//! One snapshot's protection and removal, for an admin (the console's
//! Protect, Unprotect and Forget): `POST /api/v1/dr/snapshots/{id}/protect`
//! `{note}`, `/unprotect`, `/forget`. Each is one small write under the
//! repository's lock, done within the request (no job: there is nothing to
//! watch), with a short lock wait so a busy repository answers 409 rather
//! than holding the request. Every call is audited, refusals too.
//!
//! Forget removes the snapshot object only (`cairn forget ID`); the data
//! it alone used is freed by the next prune. A protected snapshot is
//! refused (unprotect it first), and WORM retention keeps what it holds.

use crate::error::{Error, Result};
use crate::http::{audit, envelope, AppState, Body, Caller, St};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use cairn_app::session::{self, Access, Job};
use cairn_app::usecase::forget::forget as forget_ids;
use cairn_core::forget::Selection;
use cairn_core::SnapshotId;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// How long a request waits for the repository's lock.
const LOCK_WAIT: Duration = Duration::from_secs(20);

use crate::wire::{NoFields, ProtectReq, SnapshotChange};

#[derive(Clone, Copy)]
enum Op {
    Protect,
    Unprotect,
    Forget,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Protect => "protect",
            Op::Unprotect => "unprotect",
            Op::Forget => "forget",
        }
    }
}

/// Opens the snapshot's repository for `op` and does it.
fn run(st: &AppState, what: &str, op: Op, note: &str) -> Result<SnapshotChange> {
    let (name, full) = crate::browse::locate(st, what)?;
    let id = SnapshotId::from_hex(&full)
        .map_err(|_| Error::NotFound(format!("no snapshot {what:?}")))?;
    let ctx = &st.ctx;
    let access = match op {
        // A marker is an added object: append access is enough.
        Op::Protect => Access::Append,
        Op::Unprotect | Op::Forget => Access::Delete,
    };
    let s = session::open_configured(
        &ctx.cfg,
        &name,
        Job {
            access,
            append_only: false,
            purpose: op.name(),
            wait: LOCK_WAIT,
            clock: ctx.clock.clone(),
        },
    )?;
    let now = ctx.clock.now();
    Ok(match op {
        Op::Protect => {
            let new = cairn_core::protect::protect(&s.repo, id, now, note)?;
            SnapshotChange {
                snapshot: full,
                protected: Some(true),
                new: Some(new),
                forgotten: None,
            }
        }
        Op::Unprotect => {
            cairn_core::protect::unprotect(&s.repo, id)?;
            SnapshotChange {
                snapshot: full,
                protected: Some(false),
                new: None,
                forgotten: None,
            }
        }
        Op::Forget => {
            let all = s.repo.snapshots()?;
            let sel = Selection::Ids(vec![id]);
            let f = forget_ids(&s.repo, &all, &sel, &jiff::tz::TimeZone::UTC, now, false)?;
            let out = f.outcome.unwrap_or_default();
            if let Some((_, why)) = out.retained.first() {
                return Err(Error::Forbidden(format!(
                    "snapshot {} is held by WORM retention: {why}",
                    id.short()
                )));
            }
            SnapshotChange {
                snapshot: full,
                protected: None,
                new: None,
                forgotten: Some(true),
            }
        }
    })
}

async fn reply(st: Arc<AppState>, c: Caller, id: String, op: Op, note: String) -> Response {
    let st2 = st.clone();
    let what = id.clone();
    let r = tokio::task::spawn_blocking(move || run(&st2, &what, op, &note))
        .await
        .unwrap_or_else(|_| Err(Error::Store("snapshot change panicked".into())));
    let (outcome, detail) = match &r {
        Ok(_) => ("succeeded", String::new()),
        Err(e) => ("refused", e.to_string()),
    };
    let aid = audit(&st.ctx, &c, op.name(), &id, outcome, detail).await;
    match r {
        Ok(v) => envelope(&c.info, StatusCode::OK, aid, Ok(json!(v))),
        Err(e) => envelope(&c.info, e.status(), aid, Err(&e)),
    }
}

/// `POST /api/v1/dr/snapshots/{id}/protect` `{note}`.
pub(crate) async fn protect(
    st: St,
    c: Caller,
    Path(id): Path<String>,
    Body(b): Body<ProtectReq>,
) -> Response {
    reply(st.0, c, id, Op::Protect, b.note).await
}

/// `POST /api/v1/dr/snapshots/{id}/unprotect`.
pub(crate) async fn unprotect(
    st: St,
    c: Caller,
    Path(id): Path<String>,
    Body(_): Body<NoFields>,
) -> Response {
    reply(st.0, c, id, Op::Unprotect, String::new()).await
}

/// `POST /api/v1/dr/snapshots/{id}/forget`.
pub(crate) async fn forget(
    st: St,
    c: Caller,
    Path(id): Path<String>,
    Body(_): Body<NoFields>,
) -> Response {
    reply(st.0, c, id, Op::Forget, String::new()).await
}
