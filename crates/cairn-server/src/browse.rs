//! A snapshot's files over HTTP, for the console: one directory at a time
//! (`GET /api/v1/dr/snapshots/{id}/ls?path=`) and one file's content
//! (`GET /api/v1/dr/snapshots/{id}/file?path=`), through the same use cases
//! as `cairn ls` and `cairn cat` (`cairn_app::usecase::browse`).
//!
//! Listing reads trees only. A download streams: the file is written by
//! `cat` on a blocking thread into a bounded channel that the response body
//! drains, so memory stays at a few chunks whatever the file's size. `cat`
//! holds the last blob back until the whole content matches the SHA-256
//! the tree records; on a mismatch the body ends with an error, the
//! connection is cut short of its `Content-Length`, and no client takes a
//! forged file for a whole one. The expected hash is also sent as
//! `X-Cairn-SHA256` for the client's own check.
//!
//! Each repository is opened once and shared by every request
//! ([`crate::browse_repos`]).

use crate::error::{Error, Result};
use crate::http::{audit, envelope, AppState, Caller, St};
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use cairn_app::usecase::browse;
use cairn_app::usecase::select::Selector;
use cairn_core::browse::Entry;
use cairn_core::tree::NodeType;
use cairn_core::Repository;
use serde_json::json;
use std::sync::Arc;

/// The repository holding snapshot `what` (a full id or a unique prefix)
/// and its full id, from the snapshot listing's cache.
pub(crate) fn locate(st: &AppState, what: &str) -> Result<(String, String)> {
    // The API's rule for naming a snapshot (8 to 64 hex digits): a shorter
    // prefix is too easy to match the wrong one in a forget.
    cairn_app::request::snapshot_syntax(what)?;
    let what = what.to_ascii_lowercase();
    if what.is_empty() || !what.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::BadRequest(format!(
            "{what:?} is not a snapshot id: give its hex id or a unique prefix (GET /api/v1/dr/snapshots)"
        )));
    }
    let rows = st.snapshots.list(&st.ctx, None, None)?;
    let found: Vec<(String, String)> = rows
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["id"].as_str().is_some_and(|id| id.starts_with(&what)))
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (s("repository"), s("id"))
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Error::NotFound(format!(
            "no snapshot {what:?} (GET /api/v1/dr/snapshots lists them)"
        ))),
        _ => Err(Error::BadRequest(format!(
            "snapshot {what:?} names more than one snapshot: give more digits"
        ))),
    }
}

use crate::wire::{Listing, PathQuery};

type Q = std::result::Result<Query<PathQuery>, axum::extract::rejection::QueryRejection>;

fn query(q: Q) -> Result<PathQuery> {
    q.map(|Query(q)| q)
        .map_err(|e| Error::BadRequest(format!("query: {}", e.body_text())))
}

/// Runs repository work off the async runtime.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|_| Err(Error::Store("snapshot browsing panicked".into())))
}

/// `GET /api/v1/dr/snapshots/{id}/ls?path=`: one directory's entries (or
/// the one entry at a file's path), as `cairn ls --json` gives them.
pub(crate) async fn ls(st: St, c: Caller, Path(id): Path<String>, q: Q) -> Response {
    let st = st.0;
    let r = match query(q) {
        Ok(q) => {
            blocking(move || {
                let (name, full) = locate(&st, &id)?;
                let repo = st.browse.get(&st.ctx, &name)?;
                let l = browse::list(&repo, &Selector::any(&full), &q.path, false)?;
                Ok(Listing {
                    snapshot: full,
                    repository: name,
                    time: l.snapshot.meta.time,
                    path: q.path.trim_matches('/').to_string(),
                    entries: l.entries,
                })
            })
            .await
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(v) => envelope(&c.info, StatusCode::OK, None, Ok(json!(v))),
        Err(e) => envelope(&c.info, e.status(), None, Err(&e)),
    }
}

/// The regular file at `path` of snapshot `full` in `repo`.
fn file_entry(repo: &Repository, full: &str, path: &str) -> Result<Entry> {
    let l = browse::list(repo, &Selector::any(full), path, false)?;
    let wanted = path.trim_matches('/');
    match l.entries.into_iter().next() {
        Some(e) if e.kind == NodeType::File && e.path.display() == wanted => Ok(e),
        _ => Err(Error::BadRequest(format!(
            "{wanted:?} is not a regular file in snapshot {full}: only files can be downloaded"
        ))),
    }
}

/// `GET /api/v1/dr/snapshots/{id}/file?path=`: one file's content,
/// streamed and checked (see the module's notes). Audited: content leaves
/// the repository.
pub(crate) async fn file(st: St, c: Caller, Path(id): Path<String>, q: Q) -> Response {
    let st = st.0;
    let (st2, id2) = (st.clone(), id.clone());
    let found = match query(q) {
        Ok(q) => {
            blocking(move || {
                let (name, full) = locate(&st2, &id2)?;
                let repo = st2.browse.get(&st2.ctx, &name)?;
                let e = file_entry(&repo, &full, &q.path)?;
                Ok((repo, full, q.path, e))
            })
            .await
        }
        Err(e) => Err(e),
    };
    let target = |full: &str, path: &str| format!("{full}:{}", path.trim_matches('/'));
    let (repo, full, path, entry) = match found {
        Ok(x) => x,
        Err(e) => {
            let aid = audit(&st.ctx, &c, "download", &id, "refused", e.to_string()).await;
            return envelope(&c.info, e.status(), aid, Err(&e));
        }
    };
    let detail = format!("{} bytes", entry.size);
    let aid = audit(
        &st.ctx,
        &c,
        "download",
        &target(&full, &path),
        "accepted",
        detail,
    )
    .await;
    stream(repo, full, path, entry, aid)
}

/// The response whose body `cat` writes on a blocking thread.
fn stream(
    repo: Arc<Repository>,
    full: String,
    path: String,
    entry: Entry,
    audit_id: Option<u64>,
) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
    let err_tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        let mut w = ChannelWriter {
            tx,
            buf: Vec::with_capacity(CHUNK),
        };
        if let Err(e) = browse::cat(&repo, &Selector::any(&full), &path, &mut w) {
            tracing::warn!(snapshot = %full, error = %e, "download cut short");
            let _ = err_tx.blocking_send(Err(std::io::Error::other(e.to_string())));
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let name = entry
        .path
        .display()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let mut resp = axum::body::Body::from_stream(body).into_response();
    let h = resp.headers_mut();
    let mut set = |k: header::HeaderName, v: String| {
        if let Ok(v) = v.parse() {
            h.insert(k, v);
        }
    };
    set(header::CONTENT_TYPE, "application/octet-stream".into());
    set(header::CONTENT_LENGTH, entry.size.to_string());
    set(header::CONTENT_DISPOSITION, disposition(&name));
    set(
        header::HeaderName::from_static("x-cairn-sha256"),
        entry.sha256.unwrap_or_default(),
    );
    if let Some(a) = audit_id {
        set(
            header::HeaderName::from_static("x-cairn-audit-id"),
            a.to_string(),
        );
    }
    resp
}

/// `attachment` with the name percent-encoded (RFC 6266 `filename*`): a
/// hostile name cannot break out of the header or pick a path.
fn disposition(name: &str) -> String {
    let mut enc = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename*=UTF-8''{enc}")
}

/// How much `cat`'s output is gathered before it is handed to the body.
const CHUNK: usize = 256 * 1024;

/// `cat`'s writer: chunks into the response body's channel. A client that
/// went away closes the channel, which ends `cat` with a write error.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hostile_name_stays_inside_the_disposition_header() {
        let d = super::disposition("a\"b\r\nx: y/../ü.txt");
        assert_eq!(
            d,
            "attachment; filename*=UTF-8''a%22b%0D%0Ax%3A%20y%2F..%2F%C3%BC.txt"
        );
    }
}
