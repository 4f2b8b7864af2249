//! `GET /api/v1/dr/audit?actor=&action=&limit=`: the audit log's newest
//! entries for an admin (the console's audit view), with the chain head.
//! Admin only: the log names every token, target path and refusal. The
//! file is read from its end and at most [`MAX_SCAN`] bytes of it per
//! request ([`crate::audit::tail`]), so a years-old log costs no more than
//! a new one; `truncated` says the search stopped there.

use crate::audit::tail::{newest, Filter};
use crate::error::Error;
use crate::http::{envelope, Caller, St};
use crate::wire::AuditHead;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Bytes read from the end of the log per request.
pub const MAX_SCAN: u64 = 16 << 20;

/// Entries answered when no limit is given, and the most that may be asked.
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

/// The filters of the audit view.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditQuery {
    /// Entries whose actor contains this (a token's name or id).
    #[serde(default)]
    actor: Option<String>,
    /// Entries with exactly this action (`backup`, `forget`, `job.finished`, ...).
    #[serde(default)]
    action: Option<String>,
    /// At most this many (default 100, at most 1000).
    #[serde(default)]
    limit: Option<usize>,
}

/// One entry as the audit view shows it (the log's line without `prev`
/// and `mac`, which only the chain check needs).
#[derive(Serialize, JsonSchema)]
pub(crate) struct AuditRow {
    seq: u64,
    /// When (RFC 3339, UTC).
    time: String,
    request_id: String,
    actor: String,
    action: String,
    target: String,
    outcome: String,
    detail: String,
    hash: String,
}

/// `GET /api/v1/dr/audit`.
#[derive(Serialize, JsonSchema)]
pub(crate) struct AuditPage {
    /// The chain's head now, to compare with one recorded elsewhere.
    head: AuditHead,
    /// The newest matching entries, newest first.
    entries: Vec<AuditRow>,
    /// The search stopped after the newest 16 MiB of the log: older
    /// matches may exist (`cairn audit verify` reads it all).
    truncated: bool,
}

pub(crate) async fn list(
    State(st): St,
    c: Caller,
    q: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = match crate::http::query(&c, q) {
        Ok(q) => q,
        Err(answer) => return *answer,
    };
    let nonempty = |s: &Option<String>| s.clone().filter(|v| !v.is_empty());
    let (actor, action) = (nonempty(&q.actor), nonempty(&q.action));
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let (seq, hash) = st.ctx.audit.head();
    let path = st.ctx.audit.path().to_path_buf();
    let read = tokio::task::spawn_blocking(move || {
        let f = Filter {
            actor: actor.as_deref(),
            action: action.as_deref(),
        };
        newest(&path, &f, limit, MAX_SCAN)
    })
    .await
    .unwrap_or_else(|_| Err(Error::Store("reading the audit log panicked".into())));
    let tail = match read {
        Ok(t) => t,
        Err(e) => return envelope(&c.info, e.status(), None, Err(&e)),
    };
    let entries = tail
        .entries
        .into_iter()
        .map(|e| AuditRow {
            seq: e.seq,
            time: e.time,
            request_id: e.request_id,
            actor: e.actor,
            action: e.action,
            target: e.target,
            outcome: e.outcome,
            detail: e.detail,
            hash: e.hash,
        })
        .collect();
    let page = AuditPage {
        head: AuditHead { seq, hash },
        entries,
        truncated: tail.truncated,
    };
    envelope(&c.info, StatusCode::OK, None, Ok(json!(page)))
}
