//! S3-compatible object storage through Apache OpenDAL.
//!
//! The core is synchronous; this backend owns a small tokio runtime and blocks
//! on it, so nothing async leaks out and no caller runs on an executor.
//! Transient failures (5xx, SlowDown, timeouts, resets) are retried by
//! OpenDAL's retry layer with exponential backoff and jitter, [`RETRIES`]
//! times (one warning line each); permanent ones surface at once. Every
//! error is classified and says, in one line, what the server or the network
//! said and what to do: an unreachable server, a missing bucket, refused
//! credentials, a server that kept failing or throttling.
//!
//! `write_new` uses a conditional PUT (`If-None-Match: *`) so an object is
//! never replaced, as on the filesystem.
//!
//! # S3 Object Lock (compliance and governance WORM)
//!
//! The bucket must have been created with Object Lock enabled (which makes it
//! versioned); `worm_support` checks that (GetObjectLockConfiguration) and
//! refuses a bucket with a *default* retention rule, which would also hold
//! Cairn's lock files and ledger records. `hold` sets retention per object
//! version (PutObjectRetention, with Content-MD5); `retained_until` reads it
//! back from HeadObject. These calls are in `s3_lock`: OpenDAL has no API
//! for them.
//!
//! On a versioned bucket a plain DELETE does not remove anything: it adds a
//! delete marker and the held version stays. So `delete` first asks HeadObject
//! (one request, which also gives the `NotFound` the contract wants) and
//! refuses with `WormLocked` while a retain-until lies ahead or a legal hold is
//! on, instead of hiding a retained object behind a marker.
//!
//! Cost to know about: once retention lapses and Cairn deletes an object, its
//! data stays in the bucket as a *noncurrent version* (behind the delete
//! marker) and is billed until a bucket lifecycle rule expires noncurrent
//! versions (`NoncurrentVersionExpiration`, e.g. after 1 day). Set one up on
//! Object Lock buckets; Cairn does not delete versions itself.

use crate::check_name;
use crate::s3_lock::{LockApi, LockConfig};

#[path = "s3_config.rs"]
mod config;
#[path = "s3_versions.rs"]
mod versions;
use cairn_core::backend::WormMode;
use cairn_core::{Backend, Error, ErrorKind, ObjectInfo, ObjectKind, Result};
use opendal::layers::{RetryEvent, RetryLayer, TimeoutLayer};
use opendal::services::S3;
use opendal::Operator;
use std::time::Duration;
use time::OffsetDateTime;

/// Where an S3 repository lives, parsed from `s3:...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    /// `http(s)://host[:port]`, or None for the configured/AWS default.
    pub endpoint: Option<String>,
    /// The bucket.
    pub bucket: String,
    /// Key prefix inside the bucket (no leading or trailing `/`).
    pub prefix: String,
}

impl S3Location {
    /// Parses `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]`.
    pub fn parse(s: &str) -> Result<Self> {
        let rest = s
            .strip_prefix("s3:")
            .ok_or_else(|| Error::invalid(format!("{s:?} is not an s3: location")))?;
        let bad = || {
            Error::invalid(format!("{s:?} is not a valid S3 location"))
                .hint("write s3:https://host:port/bucket/prefix or s3:bucket/prefix")
        };
        let (endpoint, path) = if let Some(scheme_end) = rest.find("://") {
            let after = &rest[scheme_end + 3..];
            let slash = after.find('/').ok_or_else(bad)?;
            (
                Some(rest[..scheme_end + 3 + slash].to_string()),
                &after[slash + 1..],
            )
        } else {
            (None, rest)
        };
        let path = path.trim_matches('/');
        let (bucket, prefix) = path.split_once('/').unwrap_or((path, ""));
        if bucket.is_empty() {
            return Err(bad());
        }
        Ok(S3Location {
            endpoint,
            bucket: bucket.to_string(),
            prefix: prefix.trim_matches('/').to_string(),
        })
    }

    fn describe(&self) -> String {
        let ep = self.endpoint.clone().unwrap_or_else(|| "s3:".into());
        let sep = if self.endpoint.is_some() { "/" } else { "" };
        if self.prefix.is_empty() {
            format!("{ep}{sep}{}", self.bucket)
        } else {
            format!("{ep}{sep}{}/{}", self.bucket, self.prefix)
        }
    }
}

/// A repository in an S3 bucket.
pub struct S3Backend {
    op: Operator,
    rt: tokio::runtime::Runtime,
    location: S3Location,
    target: Target,
    lock: LockApi,
    windows: std::sync::Mutex<Windows>,
    /// The ETag of the config this backend last read or wrote: replacing
    /// the config is conditional on it (`If-Match`).
    config_etag: std::sync::Mutex<Option<String>>,
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

impl std::fmt::Debug for S3Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Backend")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// How many times a failed request is retried (with exponential backoff and
/// jitter, from 100 ms): a dead server is reported after about 3 to 6 seconds.
pub const RETRIES: usize = 5;

/// How long one request (or one read or write call of a transfer) may stall
/// before it is abandoned and retried: generous for a pack on a slow link,
/// short enough that a hung server fails the command within minutes.
/// `CAIRN_S3_TIMEOUT` (seconds) overrides it.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

fn request_timeout() -> Duration {
    std::env::var("CAIRN_S3_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(REQUEST_TIMEOUT)
}

/// Where requests go, for messages: the bucket and the server's address.
#[derive(Debug, Clone)]
struct Target {
    bucket: String,
    server: String,
    timeout: Duration,
}

/// S3 error codes that mean the request's credentials were refused.
const CREDENTIAL_CODES: &[&str] = &[
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "NotSignedUp",
    "InvalidToken",
    "ExpiredToken",
    "TokenRefreshRequired",
    "AuthorizationHeaderMalformed",
    "MissingSecurityHeader",
];

const CREDENTIALS_HINT: &str = "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), and that the bucket policy allows this user to read, write and list";

/// `field: "value"` out of OpenDAL's `S3Error { code: "..", message: "..", .. }`.
fn debug_field<'a>(s: &'a str, field: &str) -> Option<&'a str> {
    let start = s.find(&format!("{field}: \""))? + field.len() + 3;
    let len = s[start..].find('"')?;
    Some(&s[start..start + len])
}

/// The S3 error code of a failed request, when the server sent one.
fn s3_code(e: &opendal::Error) -> Option<&str> {
    let m = e.message();
    if !m.starts_with("S3Error {") {
        return None;
    }
    debug_field(m, "code").filter(|c| !c.is_empty())
}

/// What went wrong, in one short line, without OpenDAL's request dump: the
/// server's error code and message, or the transport's innermost cause
/// ("Connection refused (os error 111)").
fn cause(e: &opendal::Error) -> String {
    let m = e.message();
    if let Some(code) = s3_code(e) {
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
    // A server that is not S3 (a proxy's HTML error page): keep it short.
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

fn classify(t: &Target, what: &str, e: opendal::Error) -> Error {
    use opendal::ErrorKind as K;
    // The whole story (URL, response headers) for `-v`; the message keeps the point.
    tracing::debug!(error = ?e, "S3 request failed");
    let server = &t.server;
    let bucket = &t.bucket;
    let why = cause(&e);
    let code = s3_code(&e).unwrap_or("");
    let retried = e.is_persistent() || e.is_temporary();
    match e.kind() {
        _ if code == "NoSuchBucket" => Error::new(
            ErrorKind::InvalidInput,
            // Whatever the request was for, this is the whole story.
            format!("bucket {bucket} does not exist on the S3 server at {server}"),
        )
        .hint(format!("create the bucket first (for example `aws s3 mb s3://{bucket}`, with --endpoint-url for a server other than AWS), or correct the bucket name in the repository location")),
        K::NotFound => Error::new(ErrorKind::NotFound, format!("{what}: {why}")),
        K::AlreadyExists | K::ConditionNotMatch => {
            Error::new(ErrorKind::AlreadyExists, format!("{what}: {why}"))
        }
        K::PermissionDenied if CREDENTIAL_CODES.contains(&code) => Error::new(
            ErrorKind::PermissionDenied,
            format!("{what}: the S3 server at {server} rejected the credentials ({why})"),
        )
        .hint(CREDENTIALS_HINT),
        K::PermissionDenied => Error::new(
            ErrorKind::PermissionDenied,
            format!("{what}: access denied by the S3 server at {server} ({why})"),
        )
        .hint(CREDENTIALS_HINT),
        K::RateLimited => Error::new(
            ErrorKind::Transient,
            format!("{what}: the S3 server at {server} kept throttling requests ({why}); gave up after {RETRIES} retries"),
        )
        .hint("a transient failure: run the command again later; an interrupted backup's uploaded data is reused"),
        K::ConfigInvalid => Error::new(ErrorKind::InvalidInput, format!("{what}: {why}"))
            .hint("check the S3 location, region and endpoint"),
        _ if e.message().ends_with("timeout reached") => Error::new(
            ErrorKind::Transient,
            format!("{what}: the S3 server at {server} did not answer within {} s; gave up after {RETRIES} retries", t.timeout.as_secs_f64()),
        )
        .hint("the server accepted the connection but stalled: check its health and load (CAIRN_S3_TIMEOUT sets the limit in seconds), then run the command again; an interrupted backup's uploaded data is reused"),
        _ if unreachable(&e) => Error::new(
            ErrorKind::Transient,
            format!("{what}: the S3 server at {server} is unreachable ({why}); gave up after {RETRIES} retries"),
        )
        .hint("check that the S3 server is up and reachable at that address, then run the command again; an interrupted backup's uploaded data is reused"),
        _ if retried => Error::new(
            ErrorKind::Transient,
            format!("{what}: the S3 server at {server} kept failing ({why}); gave up after {RETRIES} retries"),
        )
        .hint("a transient failure: run the command again later (an interrupted backup's uploaded data is reused); if it persists, check the S3 server's health"),
        _ => Error::new(
            ErrorKind::Io,
            format!("{what}: the S3 server at {server} answered: {why}"),
        )
        .hint("check that the S3 server is up, supports this request, and the bucket exists"),
    }
}

/// One short line per retry, instead of OpenDAL's multi-line dump.
fn retry_notice(server: String) -> impl Fn(RetryEvent<'_>) + Send + Sync + 'static {
    move |ev: RetryEvent<'_>| {
        tracing::warn!(
            "S3 {:?} at {server} failed ({}); retry {} of {RETRIES} in {:.1}s",
            ev.op,
            cause(ev.err),
            ev.attempt,
            ev.retry_after.as_secs_f64()
        );
    }
}

impl S3Backend {
    /// Connects (lazily: the first request reaches the server) using the
    /// usual AWS environment variables for credentials and region.
    pub fn new(location: S3Location) -> Result<Self> {
        // Installs the reqwest transport once per process (first call wins).
        opendal::install_default();
        let mut b = S3::default()
            .bucket(&location.bucket)
            .root(&format!("/{}", location.prefix));
        let endpoint = location
            .endpoint
            .clone()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .map(|e| e.trim_end_matches('/').to_string());
        if let Some(ep) = &endpoint {
            b = b.endpoint(ep);
        }
        let region = std::env::var("AWS_REGION")
            .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|_| "us-east-1".into());
        b = b
            .region(&region)
            .disable_ec2_metadata()
            .checksum_algorithm("md5");
        let static_credentials = match (
            std::env::var("AWS_ACCESS_KEY_ID"),
            std::env::var("AWS_SECRET_ACCESS_KEY"),
        ) {
            (Ok(k), Ok(s)) => Some((k, s, std::env::var("AWS_SESSION_TOKEN").ok())),
            _ => None,
        };
        if let Some((k, s, token)) = &static_credentials {
            b = b.access_key_id(k).secret_access_key(s);
            // Temporary credentials are useless without their token.
            if let Some(t) = token {
                b = b.session_token(t);
            }
        }
        let lock = LockApi::new(LockConfig {
            endpoint: endpoint.as_deref(),
            bucket: &location.bucket,
            prefix: &location.prefix,
            region: &region,
            static_credentials,
        })?;
        let target = Target {
            bucket: location.bucket.clone(),
            server: endpoint
                .clone()
                .unwrap_or_else(|| format!("s3.{region}.amazonaws.com")),
            timeout: request_timeout(),
        };
        let timeout = target.timeout;
        let op = Operator::new(b)
            .map_err(|e| classify(&target, "S3 configuration", e))?
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
                    .with_notify(retry_notice(target.server.clone())),
            );
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Error::io("S3 runtime", e))?;
        Ok(S3Backend {
            op,
            rt,
            location,
            target,
            lock,
            windows: Default::default(),
            config_etag: Default::default(),
        })
    }

    fn classify(&self, what: &str, e: opendal::Error) -> Error {
        classify(&self.target, what, e)
    }

    fn key(&self, kind: ObjectKind, name: &str) -> Result<String> {
        check_name(name)?;
        Ok(kind.path(name))
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
        let size = {
            let mut w = self
                .windows
                .lock()
                .map_err(|_| Error::new(ErrorKind::Io, "S3 window cache poisoned"))?;
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
        let mut w = self
            .windows
            .lock()
            .map_err(|_| Error::new(ErrorKind::Io, "S3 window cache poisoned"))?;
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
}

/// The server's Last-Modified of an object (its clock, not ours).
pub(crate) fn modified(m: &opendal::Metadata) -> Option<OffsetDateTime> {
    let t = m.last_modified()?.into_inner();
    OffsetDateTime::from_unix_timestamp_nanos(t.as_nanosecond()).ok()
}

impl Backend for S3Backend {
    fn location(&self) -> String {
        self.location.describe()
    }

    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        if kind == ObjectKind::Config {
            return self.read_config_tracked();
        }
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
            .hint("the bucket was tampered with; remove that object and run verify"));
        }
        Ok(b.to_vec())
    }

    fn read_range(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        if kind == ObjectKind::Pack && len <= WINDOW / 2 {
            if let Some(b) = self.windowed(name, offset, len)? {
                return Ok(b);
            }
        }
        self.fetch_range(kind, name, offset, len)
    }

    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        let key = self.key(kind, name)?;
        let r = self.rt.block_on(async {
            self.op
                .write_with(&key, data.to_vec())
                .if_not_exists(true)
                .await
        });
        match r {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = self.classify(&key, e);
                if e.kind() == ErrorKind::AlreadyExists {
                    return Err(Error::new(
                        ErrorKind::AlreadyExists,
                        format!("{key} already exists"),
                    ));
                }
                Err(e)
            }
        }
    }

    fn replace_config(&self, data: &[u8]) -> Result<()> {
        self.replace_config_if_unchanged(data)
    }

    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        // One PUT: S3 replaces an object atomically (on a versioned bucket
        // the old copy stays as an earlier version).
        let key = self.key(kind, name)?;
        self.rt
            .block_on(async { self.op.write(&key, data.to_vec()).await })
            .map(|_| ())
            .map_err(|e| self.classify(&key, e))
    }

    fn list_all(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
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
        let entries = self
            .rt
            .block_on(async { self.op.list_with(&dir).recursive(true).await })
            .map_err(|e| self.classify(&dir, e))?;
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

    fn stat(&self, kind: ObjectKind, name: &str) -> Result<ObjectInfo> {
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

    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        let key = self.key(kind, name)?;
        // S3 deletes are idempotent; the contract wants NotFound for a missing
        // object. The same HEAD tells whether Object Lock still holds it: on a
        // lock bucket a DELETE would only add a delete marker over it.
        let hold = self.rt.block_on(self.lock.head(&key))?;
        if kind == ObjectKind::Key {
            // Removing a key slot is how a credential is revoked. On an Object
            // Lock bucket the DELETE only adds a delete marker: the held
            // version stays for its retention (`keys recover` finds it).
            return self
                .rt
                .block_on(self.op.delete(&key))
                .map_err(|e| self.classify(&key, e));
        }
        let refuse = |why: String| {
            Error::new(
                ErrorKind::WormLocked,
                format!("{key} {why}: it cannot be deleted before then"),
            )
            .hint("prune reports such data as retained and removes it once retention lapses")
        };
        if hold.legal_hold {
            return Err(refuse("is under an S3 Object Lock legal hold".into()));
        }
        if let Some(until) = hold.until.filter(|u| *u > OffsetDateTime::now_utc()) {
            return Err(refuse(format!(
                "is held by S3 Object Lock ({}) until {}",
                hold.mode.as_deref().unwrap_or("retention"),
                cairn_core::clock::rfc3339(until)
            )));
        }
        self.rt
            .block_on(self.op.delete(&key))
            .map_err(|e| self.classify(&key, e))
    }

    fn exists(&self) -> Result<bool> {
        // A bucket always "exists" as far as listing goes; a missing bucket fails the list.
        self.rt
            .block_on(async { self.op.list_with("").limit(1).await })
            .map(|_| true)
            .map_err(|e| self.classify(&self.location.describe(), e))
    }

    fn hold(
        &self,
        kind: ObjectKind,
        name: &str,
        mode: WormMode,
        until: OffsetDateTime,
    ) -> Result<()> {
        let key = self.key(kind, name)?;
        self.rt.block_on(self.lock.put_retention(&key, mode, until))
    }

    fn worm_support(&self, mode: WormMode) -> Result<String> {
        let bucket = &self.location.bucket;
        let s3_mode = match mode {
            WormMode::Software => {
                return Ok(format!(
                    "Cairn refuses early deletes; S3 Object Lock is not used on bucket {bucket}"
                ))
            }
            m => crate::s3_lock::s3_mode(m)?,
        };
        let cfg = self.rt.block_on(self.lock.bucket_lock())?;
        if !cfg.enabled {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("bucket {bucket} does not have S3 Object Lock enabled: {mode} WORM cannot be enforced there"),
            )
            .hint(crate::s3_lock::NO_LOCK_HINT)
            .remedy(cairn_core::Remedy::WormSoftware));
        }
        if let Some(rule) = cfg.default_rule {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("bucket {bucket} has a default Object Lock retention rule ({rule}): it would also hold Cairn's lock files and ledger records, which must stay deletable"),
            )
            .hint("remove the bucket's default retention rule (Cairn holds each pack, index and snapshot itself), or use another bucket"));
        }
        Ok(format!(
            "S3 Object Lock is enabled on bucket {bucket} (objects held in {s3_mode} mode per object; versioned bucket)"
        ))
    }

    fn versions_survive_delete(&self) -> bool {
        // Meaningful under storage-level WORM only, which needs an Object
        // Lock bucket: those are always versioned.
        true
    }

    fn list_versions(&self, kind: ObjectKind) -> Result<Vec<cairn_core::ObjectVersion>> {
        self.versions_of(kind)
    }

    fn read_version(&self, kind: ObjectKind, name: &str, version: &str) -> Result<Vec<u8>> {
        self.read_one_version(kind, name, version)
    }

    fn retained_until(&self, kind: ObjectKind, name: &str) -> Result<Option<OffsetDateTime>> {
        let key = self.key(kind, name)?;
        match self.rt.block_on(self.lock.head(&key)) {
            Ok(h) => Ok(h.until),
            // Nothing to hold.
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        let l = S3Location::parse("s3:http://127.0.0.1:9000/bucket/some/prefix/").unwrap();
        assert_eq!(l.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(l.bucket, "bucket");
        assert_eq!(l.prefix, "some/prefix");
        let l = S3Location::parse("s3:bkt").unwrap();
        assert_eq!(
            (l.endpoint, l.bucket.as_str(), l.prefix.as_str()),
            (None, "bkt", "")
        );
        assert!(S3Location::parse("s3:").is_err());
        assert!(S3Location::parse("s3:http://host").is_err());
        assert!(S3Location::parse("/srv/repo").is_err());
    }
}
