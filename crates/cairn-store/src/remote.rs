//! What every object store reached through Apache OpenDAL shares, whatever
//! the service (S3, Azure Blob Storage, SFTP): a small tokio runtime the
//! synchronous backend blocks on; the timeout and retry layers; the
//! object operations (conditional create, ranged reads through a window
//! cache, recursive listing by kind) and the translation of OpenDAL's
//! errors into the core's kinds, as one line naming the server, the
//! bucket or container and the server's error code.
//!
//! A backend holds one [`Store`] and adds only what its service needs
//! beyond it (S3 Object Lock, SFTP's publication by rename).

use crate::check_name;
use cairn_core::{Bytes, Error, ErrorKind, ObjectInfo, ObjectKind, Result};
use opendal::layers::{RetryEvent, RetryLayer, TimeoutLayer};
use opendal::Operator;
use std::time::Duration;
use time::OffsetDateTime;

/// How many times a failed request is retried (with exponential backoff and
/// jitter, from 100 ms): a dead server is reported after about 3 to 6 seconds.
pub const RETRIES: usize = 5;

/// How long one request (or one read or write call of a transfer) may stall
/// before it is abandoned and retried: generous for a pack on a slow link,
/// short enough that a hung server fails the command within minutes.
/// Each service's `CAIRN_<SERVICE>_TIMEOUT` (seconds) overrides it.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// What tells one service's errors and messages from another's.
pub(crate) struct Service {
    /// How messages name it: "S3", "Azure Blob Storage".
    pub name: &'static str,
    /// What holds a repository there: "bucket", "container".
    pub holder: &'static str,
    /// Error codes that mean the request's credentials were refused.
    pub credential_codes: &'static [&'static str],
    /// Error codes that mean the bucket or container does not exist.
    pub missing_holder_codes: &'static [&'static str],
    /// What to check when credentials are refused.
    pub credentials_hint: &'static str,
    /// How to create a missing bucket or container, given its name.
    pub create_hint: fn(&str) -> String,
    /// The variable that overrides [`REQUEST_TIMEOUT`], in seconds.
    pub timeout_var: &'static str,
}

/// Where requests go, for messages: the service, the bucket or container,
/// and the server's address.
pub(crate) struct Target {
    pub service: &'static Service,
    pub holder: String,
    pub server: String,
    pub timeout: Duration,
}

impl Target {
    pub fn new(service: &'static Service, holder: &str, server: &str) -> Self {
        let timeout = std::env::var(service.timeout_var)
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(Duration::from_secs_f64)
            .unwrap_or(REQUEST_TIMEOUT);
        Target {
            service,
            holder: holder.to_string(),
            server: server.to_string(),
            timeout,
        }
    }
}

/// `field: "value"` out of OpenDAL's `S3Error { code: "..", message: "..", .. }`.
fn debug_field<'a>(s: &'a str, field: &str) -> Option<&'a str> {
    let start = s.find(&format!("{field}: \""))? + field.len() + 3;
    let len = s[start..].find('"')?;
    Some(&s[start..start + len])
}

/// The service's error code of a failed request, when the server sent one
/// (OpenDAL renders it as `S3Error { code: ".." ..}`, `AzblobError { .. }`).
pub(crate) fn service_code(e: &opendal::Error) -> Option<&str> {
    let m = e.message();
    let (head, _) = m.split_once(" {")?;
    if !head.ends_with("Error") || !head.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    debug_field(m, "code").filter(|c| !c.is_empty())
}

/// What went wrong, in one short line, without OpenDAL's request dump: the
/// server's error code and message, or the transport's innermost cause
/// ("Connection refused (os error 111)").
pub(crate) fn cause(e: &opendal::Error) -> String {
    let m = e.message();
    if let Some(code) = service_code(e) {
        return match debug_field(m, "message").filter(|s| !s.is_empty()) {
            Some(text) => format!("{code}: {text}"),
            None => code.to_string(),
        };
    }
    let mut innermost = None;
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        innermost = Some(s.to_string());
        src = s.source();
    }
    let text = match innermost {
        Some(i) if !m.is_empty() => format!("{m}: {i}"),
        Some(i) => i,
        None => m.to_string(),
    };
    // A server that is not the service (a proxy's HTML error page): keep it short.
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(200) {
        Some((at, _)) => format!("{}...", &line[..at]),
        None => line,
    }
}

/// Whether the request never got an answer (refused, reset, DNS, TLS): a
/// failure of the transport, not a reply from the server.
pub(crate) fn unreachable(e: &opendal::Error) -> bool {
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        if s.downcast_ref::<std::io::Error>().is_some() {
            return true;
        }
        src = s.source();
    }
    e.message() == "send http request"
}

/// Whether the attempt was cut off by the timeout layer.
pub(crate) fn timed_out(e: &opendal::Error) -> bool {
    e.message().ends_with("timeout reached")
}

/// The core's error for a failed request about `what`, in one line.
pub(crate) fn classify(t: &Target, what: &str, e: opendal::Error) -> Error {
    use opendal::ErrorKind as K;
    let s = t.service;
    let name = s.name;
    // The whole story (URL, response headers) for `-v`; the message keeps the point.
    tracing::debug!(error = ?e, "{name} request failed");
    let server = &t.server;
    let holder = &t.holder;
    let why = cause(&e);
    let code = service_code(&e).unwrap_or("");
    let retried = e.is_persistent() || e.is_temporary();
    match e.kind() {
        _ if s.missing_holder_codes.contains(&code) => Error::new(
            ErrorKind::InvalidInput,
            // Whatever the request was for, this is the whole story.
            format!("{} {holder} does not exist on the {name} server at {server}", s.holder),
        )
        .hint((s.create_hint)(holder)),
        K::NotFound => Error::new(ErrorKind::NotFound, format!("{what}: {why}")),
        K::AlreadyExists | K::ConditionNotMatch => {
            Error::new(ErrorKind::AlreadyExists, format!("{what}: {why}"))
        }
        K::PermissionDenied if s.credential_codes.contains(&code) => Error::new(
            ErrorKind::PermissionDenied,
            format!("{what}: the {name} server at {server} rejected the credentials ({why})"),
        )
        .hint(s.credentials_hint),
        K::PermissionDenied => Error::new(
            ErrorKind::PermissionDenied,
            format!("{what}: access denied by the {name} server at {server} ({why})"),
        )
        .hint(s.credentials_hint),
        K::RateLimited => Error::new(
            ErrorKind::Transient,
            format!("{what}: the {name} server at {server} kept throttling requests ({why}); gave up after {RETRIES} retries"),
        )
        .hint("a transient failure: run the command again later; an interrupted backup's uploaded data is reused"),
        K::ConfigInvalid => Error::new(ErrorKind::InvalidInput, format!("{what}: {why}"))
            .hint(format!("check the {name} location and endpoint")),
        _ if timed_out(&e) => Error::new(
            ErrorKind::Transient,
            format!("{what}: the {name} server at {server} did not answer within {} s; gave up after {RETRIES} retries", t.timeout.as_secs_f64()),
        )
        .hint(format!("the server accepted the connection but stalled: check its health and load ({} sets the limit in seconds), then run the command again; an interrupted backup's uploaded data is reused", s.timeout_var)),
        _ if unreachable(&e) => Error::new(
            ErrorKind::Transient,
            format!("{what}: the {name} server at {server} is unreachable ({why}); gave up after {RETRIES} retries"),
        )
        .hint(format!("check that the {name} server is up and reachable at that address, then run the command again; an interrupted backup's uploaded data is reused")),
        _ if retried => Error::new(
            ErrorKind::Transient,
            format!("{what}: the {name} server at {server} kept failing ({why}); gave up after {RETRIES} retries"),
        )
        .hint(format!("a transient failure: run the command again later (an interrupted backup's uploaded data is reused); if it persists, check the {name} server's health")),
        _ => Error::new(
            ErrorKind::Io,
            format!("{what}: the {name} server at {server} answered: {why}"),
        )
        .hint(format!("check that the {name} server is up, supports this request, and the {} exists", s.holder)),
    }
}

/// The server's Last-Modified of an object (its clock, not ours).
pub(crate) fn modified(m: &opendal::Metadata) -> Option<OffsetDateTime> {
    let t = m.last_modified()?.into_inner();
    OffsetDateTime::from_unix_timestamp_nanos(t.as_nanosecond()).ok()
}

/// Small reads of packs (a restore asks for one blob at a time, often a few
/// KiB) are served from aligned windows of the pack fetched whole: one request
/// per 8 MiB instead of one per blob, which on a real network (or a slow
/// server) is the difference between seconds and many minutes.
#[derive(Default)]
struct Windows {
    sizes: std::collections::HashMap<String, u64>,
    recent: std::collections::VecDeque<(String, u64, std::sync::Arc<Vec<u8>>)>,
}

const WINDOW: u64 = 8 << 20;
const WINDOWS_KEPT: usize = 8;

/// One OpenDAL operator with the runtime it runs on and where it points.
pub(crate) struct Store {
    pub op: Operator,
    pub rt: tokio::runtime::Runtime,
    pub target: Target,
    windows: std::sync::Mutex<Windows>,
}

impl Store {
    /// Wraps `op` in the timeout and retry layers and starts the runtime.
    pub fn new(op: Operator, target: Target) -> Result<Self> {
        let timeout = target.timeout;
        let op = op
            // Inside the retry layer, so a stalled attempt (a server that
            // accepted the connection and went silent) is cut off and retried
            // instead of hanging the backup forever.
            .layer(
                TimeoutLayer::new()
                    .with_timeout(timeout)
                    .with_io_timeout(timeout),
            )
            .layer(
                RetryLayer::new()
                    .with_jitter()
                    .with_max_times(RETRIES)
                    .with_min_delay(Duration::from_millis(100))
                    .with_factor(2.0)
                    .with_notify(retry_notice(target.service.name, target.server.clone())),
            );
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Error::io(format!("{} runtime", target.service.name), e))?;
        Ok(Store {
            op,
            rt,
            target,
            windows: Default::default(),
        })
    }

    pub fn classify(&self, what: &str, e: opendal::Error) -> Error {
        classify(&self.target, what, e)
    }

    pub fn key(&self, kind: ObjectKind, name: &str) -> Result<String> {
        check_name(name)?;
        Ok(kind.path(name))
    }

    /// Reads a whole object, refusing one larger than its kind allows.
    pub fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        let key = self.key(kind, name)?;
        let b = self
            .rt
            .block_on(self.op.read(&key))
            .map_err(|e| self.classify(&key, e))?;
        if b.len() as u64 > kind.max_len() {
            return Err(Error::corrupt(format!(
                "{key} is larger than any {} object ({} bytes at most)",
                format!("{kind:?}").to_lowercase(),
                kind.max_len()
            ))
            .hint(format!(
                "the {} was tampered with; remove that object and run verify",
                self.target.service.holder
            )));
        }
        Ok(b.to_vec())
    }

    /// `len` bytes at `offset`; small reads of packs go through the windows.
    pub fn read_range(
        &self,
        kind: ObjectKind,
        name: &str,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>> {
        if kind == ObjectKind::Pack && len <= WINDOW / 2 {
            if let Some(b) = self.windowed(name, offset, len)? {
                return Ok(b);
            }
        }
        self.fetch_range(kind, name, offset, len)
    }

    /// `len` bytes at `offset` in one request, past the windows: the caller
    /// asked for exactly what it needs ([`cairn_core::Backend::read_span`]).
    pub fn read_span(
        &self,
        kind: ObjectKind,
        name: &str,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>> {
        self.fetch_range(kind, name, offset, len)
    }

    /// The bytes from the window holding `offset..offset+len`, fetching the
    /// window if needed; None when the read does not fit one window or the
    /// pack (the caller then reads directly, and reports a short object).
    fn windowed(&self, name: &str, offset: u64, len: u64) -> Result<Option<Vec<u8>>> {
        let start = offset / WINDOW * WINDOW;
        let Some(end) = offset.checked_add(len).filter(|e| *e <= start + WINDOW) else {
            return Ok(None);
        };
        let slice = |w: &[u8]| {
            w.get((offset - start) as usize..(end - start) as usize)
                .map(<[u8]>::to_vec)
        };
        let poisoned = || Error::new(ErrorKind::Io, "the pack window cache is poisoned");
        let size = {
            let mut w = self.windows.lock().map_err(|_| poisoned())?;
            if let Some(i) = w
                .recent
                .iter()
                .position(|(n, s, _)| n == name && *s == start)
            {
                // Least recently used goes first: a hit moves to the back.
                if let Some(hit) = w.recent.remove(i) {
                    let out = slice(&hit.2);
                    w.recent.push_back(hit);
                    return Ok(out);
                }
            }
            w.sizes.get(name).copied()
        };
        let size = match size {
            Some(s) => s,
            None => self.stat(ObjectKind::Pack, name)?.size,
        };
        if end > size {
            return Ok(None);
        }
        let data = std::sync::Arc::new(self.fetch_range(
            ObjectKind::Pack,
            name,
            start,
            (start + WINDOW).min(size) - start,
        )?);
        let out = slice(&data);
        let mut w = self.windows.lock().map_err(|_| poisoned())?;
        w.sizes.insert(name.to_string(), size);
        w.recent.push_back((name.to_string(), start, data));
        while w.recent.len() > WINDOWS_KEPT {
            w.recent.pop_front();
        }
        if w.sizes.len() > 100_000 {
            w.sizes.clear();
        }
        Ok(out)
    }

    fn fetch_range(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        let key = self.key(kind, name)?;
        let end = offset
            .checked_add(len)
            .ok_or_else(|| Error::corrupt(format!("{key}: range overflows")))?;
        let data = match self
            .rt
            .block_on(async { self.op.read_with(&key).range(offset..end).await })
        {
            Ok(d) => d,
            Err(e) => {
                // A range past the end is damage (a truncated object), not an outage:
                // ask for the size only on this error path.
                let err = self.classify(&key, e);
                if err.kind() != ErrorKind::NotFound {
                    if let Ok(info) = self.stat(kind, name) {
                        if info.size < end {
                            return Err(Error::corrupt(format!(
                                "{key} is {} bytes, shorter than the range {offset}+{len}",
                                info.size
                            )));
                        }
                    }
                }
                return Err(err);
            }
        };
        if data.len() as u64 != len {
            return Err(Error::corrupt(format!(
                "{key} is shorter than the range {offset}+{len}"
            )));
        }
        Ok(data.to_vec())
    }

    /// One conditional write that the service refuses when the name is
    /// taken (`If-None-Match: *`): `AlreadyExists`, never a replacement.
    /// The client sends bytes it owns: shared ones are passed as a second
    /// reference (no copy), so the caller keeps them for the check below.
    pub fn write_new(&self, kind: ObjectKind, name: &str, data: &Bytes) -> Result<()> {
        let key = self.key(kind, name)?;
        let r = self.rt.block_on(async {
            self.op
                .write_with(&key, data.clone())
                .if_not_exists(true)
                .await
        });
        match r {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = self.classify(&key, e);
                if e.kind() != ErrorKind::AlreadyExists {
                    return Err(e);
                }
                // A retried attempt finds the object its own first attempt
                // stored when that answer was lost (a connection the server
                // closed as the request went out): the same bytes there
                // are this write, done. Anything else is someone else's.
                let same = self
                    .stat(kind, name)
                    .is_ok_and(|i| i.size == data.len() as u64)
                    && self.read(kind, name).is_ok_and(|b| b == data[..]);
                if same {
                    tracing::debug!(key = %key, "conditional write found its own bytes in place");
                    return Ok(());
                }
                Err(Error::new(
                    ErrorKind::AlreadyExists,
                    format!("{key} already exists"),
                ))
            }
        }
    }

    /// One unconditional write: the service replaces an object atomically.
    pub fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        let key = self.key(kind, name)?;
        self.rt
            .block_on(async { self.op.write(&key, data.to_vec()).await })
            .map(|_| ())
            .map_err(|e| self.classify(&key, e))
    }

    /// Every object of a kind that is where its name puts it and passes the
    /// name rule (which also skips any `.tmp-*` partial object).
    pub fn list_all(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
        let dir = match kind {
            ObjectKind::Config => {
                return match self.stat(kind, "config") {
                    Ok(i) => Ok(vec![i]),
                    Err(e) if e.kind() == ErrorKind::NotFound => Ok(vec![]),
                    Err(e) => Err(e),
                };
            }
            k => format!("{}/", k.dir()),
        };
        let entries = self.entries(&dir, true)?;
        let mut out = Vec::new();
        for e in entries {
            if e.metadata().is_dir() {
                continue;
            }
            let rel = e.path().trim_start_matches(&dir);
            let name = rel.rsplit('/').next().unwrap_or(rel);
            // Sharded kinds live one level down, in the folder named by the name's start.
            let placed = if kind.sharded() {
                rel == format!("{}/{}", name.get(..2).unwrap_or(""), name)
            } else {
                rel == name
            };
            if placed && check_name(name).is_ok() {
                out.push(ObjectInfo {
                    name: name.to_string(),
                    size: e.metadata().content_length(),
                    modified: modified(e.metadata()),
                });
            }
        }
        Ok(out)
    }

    /// What lies under `dir` (`kind/`), with every level below when `recursive`.
    pub fn entries(&self, dir: &str, recursive: bool) -> Result<Vec<opendal::Entry>> {
        self.rt
            .block_on(async { self.op.list_with(dir).recursive(recursive).await })
            .map_err(|e| self.classify(dir, e))
    }

    pub fn stat(&self, kind: ObjectKind, name: &str) -> Result<ObjectInfo> {
        let key = self.key(kind, name)?;
        let m = self
            .rt
            .block_on(self.op.stat(&key))
            .map_err(|e| self.classify(&key, e))?;
        Ok(ObjectInfo {
            name: name.to_string(),
            size: m.content_length(),
            modified: modified(&m),
        })
    }

    /// Deletes `key` (OpenDAL's deletes are idempotent: callers that owe
    /// `NotFound` for a missing object ask first).
    pub fn delete_key(&self, key: &str) -> Result<()> {
        self.rt
            .block_on(self.op.delete(key))
            .map_err(|e| self.classify(key, e))
    }

    /// Deletes an object; `NotFound` if it is not there.
    pub fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        self.stat(kind, name)?;
        self.delete_key(&kind.path(name))
    }

    /// Whether the bucket or container answers a listing (a missing one fails).
    pub fn exists(&self, location: &str) -> Result<bool> {
        self.rt
            .block_on(async { self.op.list_with("").limit(1).await })
            .map(|_| true)
            .map_err(|e| self.classify(location, e))
    }
}

/// The `Backend` methods every OpenDAL-backed backend hands to its
/// `store` field unchanged, written once for all of them (writes differ:
/// SFTP publishes through a temporary name).
macro_rules! store_methods {
    () => {
        fn read_range(
            &self,
            kind: cairn_core::ObjectKind,
            name: &str,
            offset: u64,
            len: u64,
        ) -> cairn_core::Result<Vec<u8>> {
            self.store.read_range(kind, name, offset, len)
        }

        fn read_span(
            &self,
            kind: cairn_core::ObjectKind,
            name: &str,
            offset: u64,
            len: u64,
        ) -> cairn_core::Result<Vec<u8>> {
            self.store.read_span(kind, name, offset, len)
        }

        fn list_all(
            &self,
            kind: cairn_core::ObjectKind,
        ) -> cairn_core::Result<Vec<cairn_core::ObjectInfo>> {
            self.store.list_all(kind)
        }

        fn stat(
            &self,
            kind: cairn_core::ObjectKind,
            name: &str,
        ) -> cairn_core::Result<cairn_core::ObjectInfo> {
            self.store.stat(kind, name)
        }
    };
}
pub(crate) use store_methods;

/// One short line per retry, instead of OpenDAL's multi-line dump.
fn retry_notice(
    service: &'static str,
    server: String,
) -> impl Fn(RetryEvent<'_>) + Send + Sync + 'static {
    move |ev: RetryEvent<'_>| {
        tracing::warn!(
            "{service} {:?} at {server} failed ({}); retry {} of {RETRIES} in {:.1}s",
            ev.op,
            cause(ev.err),
            ev.attempt,
            ev.retry_after.as_secs_f64()
        );
    }
}
