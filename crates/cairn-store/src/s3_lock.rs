//! S3 Object Lock: the few requests OpenDAL has no API for.
//!
//! - `GET /BUCKET?object-lock` (GetObjectLockConfiguration): is Object Lock on?
//! - `PUT /BUCKET/KEY?retention` (PutObjectRetention): hold an object version
//!   until a date, in COMPLIANCE or GOVERNANCE mode;
//! - `HEAD /BUCKET/KEY`: the hold in force, from the `x-amz-object-lock-*`
//!   headers (some S3-compatible servers do not serve GetObjectRetention).
//!
//! Requests are path-style (`ENDPOINT/BUCKET/KEY`, as the OpenDAL backend is
//! configured), signed with SigV4 by reqsign (OpenDAL's own signer) and sent
//! with reqwest (OpenDAL's own transport), on the backend's tokio runtime.
//! Transport failures, 5xx and throttling are retried a bounded number of
//! times with exponential backoff, then classified like every other S3 error.

use cairn_core::backend::WormMode;
use cairn_core::clock::rfc3339;
use cairn_core::{Error, ErrorKind, Result};
use md5::{Digest, Md5};
use reqsign_aws_v4::{
    Credential, DefaultCredentialProvider, RequestSigner, StaticCredentialProvider,
};
use reqsign_core::{Context, OsEnv, ProvideCredentialChain, Signer};
use reqwest::StatusCode;
use std::time::Duration;
use time::OffsetDateTime;

/// Attempts per request (the first plus retries).
const ATTEMPTS: u32 = 4;
const FIRST_DELAY: Duration = Duration::from_millis(100);
const NOT_ANSWERING: &str =
    "the S3 server did not answer after retries; check that it is up and reachable";
const CREDENTIALS: &str = "check the credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) and that the bucket policy allows s3:GetBucketObjectLockConfiguration, s3:PutObjectRetention and s3:GetObjectRetention";
pub(crate) const NO_LOCK_HINT: &str = "create the bucket with Object Lock enabled (it cannot be turned on for buckets created without it on every provider; check your provider)";

/// Where to reach the bucket and how to sign, as the OpenDAL backend is set up.
pub(crate) struct LockConfig<'a> {
    /// `http(s)://host[:port]`, or None for AWS.
    pub endpoint: Option<&'a str>,
    pub bucket: &'a str,
    /// Key prefix inside the bucket, without leading or trailing `/`.
    pub prefix: &'a str,
    pub region: &'a str,
    /// Static credentials (key id, secret, session token); None: environment and profile.
    pub static_credentials: Option<(String, String, Option<String>)>,
}

/// The bucket's Object Lock configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BucketLock {
    /// `ObjectLockEnabled` is `Enabled`.
    pub enabled: bool,
    /// A default retention rule (`GOVERNANCE 30 days`), if the bucket has one.
    pub default_rule: Option<String>,
}

/// The hold on an object's current version, from HeadObject.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ObjectHold {
    /// `COMPLIANCE` or `GOVERNANCE`.
    pub mode: Option<String>,
    /// Retain-until.
    pub until: Option<OffsetDateTime>,
    /// A legal hold is ON (no date: it lasts until removed).
    pub legal_hold: bool,
}

/// One answer, read whole (lock answers are a few hundred bytes).
struct Reply {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: String,
}

/// The signed Object Lock client of one S3 backend.
pub(crate) struct LockApi {
    client: reqwest::Client,
    signer: Signer<Credential>,
    /// `ENDPOINT/BUCKET`, percent-encoded.
    bucket_url: String,
    bucket: String,
    prefix: String,
}

/// The S3 name of a storage-level WORM mode.
pub(crate) fn s3_mode(mode: WormMode) -> Result<&'static str> {
    match mode {
        WormMode::Compliance => Ok("COMPLIANCE"),
        WormMode::Governance => Ok("GOVERNANCE"),
        WormMode::Software => Err(Error::new(
            ErrorKind::Unsupported,
            "software WORM is enforced by Cairn, not by S3 Object Lock",
        )),
    }
}

/// The endpoint OpenDAL's S3 service would use: path-style, AWS's regional one by default.
fn endpoint_url(endpoint: Option<&str>, bucket: &str, region: &str) -> String {
    let ep = match endpoint {
        Some(e) if e.starts_with("http://") || e.starts_with("https://") => e.to_string(),
        Some(e) => format!("https://{e}"),
        None => "https://s3.amazonaws.com".to_string(),
    };
    let ep = ep
        .trim_end_matches('/')
        .replace(&format!("//{bucket}."), "//");
    if ep == "https://s3.amazonaws.com" {
        format!("https://s3.{region}.amazonaws.com")
    } else {
        ep
    }
}

/// Percent-encodes a key for a URL path, once, keeping `/` (what SigV4 expects of S3).
fn encode_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The text of the first `<tag>...</tag>` in a small XML answer.
fn xml_text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&format!("</{tag}>"))?;
    Some(xml[start..start + len].trim())
}

/// S3 keeps retain-until dates to the second (at most milliseconds): round up,
/// so a hold never ends before the time asked for.
pub(crate) fn whole_second_up(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    if t.nanosecond() == 0 {
        t
    } else {
        t.replace_nanosecond(0).unwrap_or(t) + time::Duration::SECOND
    }
}

/// A transport failure's whole story ("connection refused" is in a source, not the top).
fn transport_error(what: &str, e: &reqwest::Error) -> Error {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg = format!("{msg}: {s}");
        src = s.source();
    }
    if e.is_builder() {
        Error::new(ErrorKind::InvalidInput, format!("{what}: {msg}"))
            .hint("check the S3 location, region and endpoint")
    } else {
        Error::new(ErrorKind::Transient, format!("{what}: {msg}")).hint(NOT_ANSWERING)
    }
}

fn retryable(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

impl LockApi {
    pub(crate) fn new(cfg: LockConfig<'_>) -> Result<Self> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| transport_error("S3 Object Lock client", &e))?;
        // As OpenDAL's S3 service: static keys first, then environment and
        // profile files; no instance metadata (the backend disables it).
        let ctx = Context::new()
            .with_file_read(reqsign_file_read_tokio::TokioFileRead)
            .with_env(OsEnv);
        let mut chain = ProvideCredentialChain::new()
            .push(DefaultCredentialProvider::builder().no_imds().build());
        if let Some((key, secret, token)) = cfg.static_credentials {
            let mut p = StaticCredentialProvider::new(&key, &secret);
            if let Some(t) = token.as_deref() {
                p = p.with_session_token(t);
            }
            chain = chain.push_front(p);
        }
        let signer = Signer::new(ctx, chain, RequestSigner::new("s3", cfg.region));
        Ok(LockApi {
            client,
            signer,
            bucket_url: format!(
                "{}/{}",
                endpoint_url(cfg.endpoint, cfg.bucket, cfg.region),
                encode_path(cfg.bucket)
            ),
            bucket: cfg.bucket.to_string(),
            prefix: cfg.prefix.to_string(),
        })
    }

    /// The key inside the bucket of a repository-relative path.
    fn full_key(&self, path: &str) -> String {
        if self.prefix.is_empty() {
            path.to_string()
        } else {
            format!("{}/{path}", self.prefix)
        }
    }

    fn object_url(&self, path: &str) -> String {
        format!("{}/{}", self.bucket_url, encode_path(&self.full_key(path)))
    }

    /// One signed request, no retry.
    async fn send_once(
        &self,
        method: &http::Method,
        url: &str,
        body: &[u8],
        headers: &[(&'static str, String)],
        what: &str,
    ) -> Result<Reply> {
        let mut b = http::Request::builder()
            .method(method.clone())
            .uri(url)
            .header("x-amz-content-sha256", reqsign_core::hash::hex_sha256(body));
        for (k, v) in headers {
            b = b.header(*k, v);
        }
        let req = b.body(body.to_vec()).map_err(|e| {
            Error::new(ErrorKind::InvalidInput, format!("{what}: {e}"))
                .hint("check the S3 location and endpoint")
        })?;
        let (mut parts, body) = req.into_parts();
        self.signer.sign(&mut parts, None).await.map_err(|e| {
            Error::new(
                ErrorKind::PermissionDenied,
                format!("{what}: cannot sign the request: {e}"),
            )
            .hint(CREDENTIALS)
        })?;
        let req = reqwest::Request::try_from(http::Request::from_parts(parts, body))
            .map_err(|e| transport_error(what, &e))?;
        let resp = self
            .client
            .execute(req)
            .await
            .map_err(|e| transport_error(what, &e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.text().await.map_err(|e| transport_error(what, &e))?;
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// A signed request, retried on transport failures and (if asked) on 5xx
    /// and throttling; the last answer is returned whatever its status.
    async fn send(
        &self,
        method: http::Method,
        url: &str,
        body: &[u8],
        headers: &[(&'static str, String)],
        retry_status: bool,
        what: &str,
    ) -> Result<Reply> {
        let mut delay = FIRST_DELAY;
        let mut attempt = 1;
        loop {
            let r = self.send_once(&method, url, body, headers, what).await;
            let again = match &r {
                Ok(reply) => retry_status && retryable(reply.status),
                Err(e) => e.kind() == ErrorKind::Transient,
            };
            if !again || attempt >= ATTEMPTS {
                return r;
            }
            tokio::time::sleep(delay).await;
            delay *= 2;
            attempt += 1;
        }
    }

    /// The error an unsuccessful answer means.
    fn status_error(&self, what: &str, reply: &Reply) -> Error {
        let code = xml_text(&reply.body, "Code").unwrap_or("");
        let message = xml_text(&reply.body, "Message").unwrap_or("");
        let detail = match (code, message) {
            ("", "") => reply.status.to_string(),
            (c, "") => format!("{} {c}", reply.status.as_u16()),
            (c, m) => format!("{} {c}: {m}", reply.status.as_u16()),
        };
        let msg = format!("{what}: {detail}");
        let s = reply.status;
        if s == StatusCode::NOT_FOUND {
            Error::new(ErrorKind::NotFound, msg)
        } else if s == StatusCode::FORBIDDEN {
            Error::new(ErrorKind::PermissionDenied, msg).hint(CREDENTIALS)
        } else if s == StatusCode::NOT_IMPLEMENTED
            || (s == StatusCode::BAD_REQUEST && message.contains("ObjectLockConfiguration"))
        {
            Error::new(
                ErrorKind::Unsupported,
                format!("{msg} (bucket {} has no S3 Object Lock)", self.bucket),
            )
            .hint(NO_LOCK_HINT)
            .remedy(cairn_core::Remedy::WormSoftware)
        } else if s.is_redirection() {
            Error::new(ErrorKind::InvalidInput, msg)
                .hint("the bucket is in another region: set AWS_REGION to it")
        } else if retryable(s) {
            Error::new(ErrorKind::Transient, msg).hint(NOT_ANSWERING)
        } else {
            Error::new(ErrorKind::Io, msg)
                .hint("check that the S3 server supports Object Lock and the bucket exists")
        }
    }

    /// GetObjectLockConfiguration. A bucket without Object Lock is `enabled: false`,
    /// not an error; an unreachable server is an error, never "no lock".
    pub(crate) async fn bucket_lock(&self) -> Result<BucketLock> {
        let what = format!("Object Lock configuration of bucket {}", self.bucket);
        let url = format!("{}?object-lock", self.bucket_url);
        let reply = self
            .send(http::Method::GET, &url, b"", &[], true, &what)
            .await?;
        if reply.status.is_success() {
            let default_rule = xml_text(&reply.body, "DefaultRetention").map(|r| {
                let mode = xml_text(r, "Mode").unwrap_or("?");
                let n = |t| {
                    xml_text(r, t)
                        .and_then(|v| v.parse::<u64>().ok())
                        .unwrap_or(0)
                };
                match (n("Days"), n("Years")) {
                    (d, 0) => format!("{mode} {d} days"),
                    (0, y) => format!("{mode} {y} years"),
                    (d, y) => format!("{mode} {y} years {d} days"),
                }
            });
            return Ok(BucketLock {
                enabled: xml_text(&reply.body, "ObjectLockEnabled") == Some("Enabled"),
                default_rule,
            });
        }
        if reply.status == StatusCode::NOT_FOUND
            && xml_text(&reply.body, "Code") == Some("ObjectLockConfigurationNotFoundError")
        {
            return Ok(BucketLock {
                enabled: false,
                default_rule: None,
            });
        }
        Err(self.status_error(&what, &reply))
    }

    /// HeadObject: the hold on the current version; `NotFound` if there is none
    /// (or it is a delete marker).
    pub(crate) async fn head(&self, path: &str) -> Result<ObjectHold> {
        self.head_version(path, None).await
    }

    /// HeadObject on one version (`?versionId=`), or on the current one.
    pub(crate) async fn head_version(
        &self,
        path: &str,
        version: Option<&str>,
    ) -> Result<ObjectHold> {
        let what = self.full_key(path);
        let url = match version {
            Some(v) => format!(
                "{}?versionId={}",
                self.object_url(path),
                encode_path(v).replace('/', "%2F")
            ),
            None => self.object_url(path),
        };
        let reply = self
            .send(http::Method::HEAD, &url, b"", &[], true, &what)
            .await?;
        if !reply.status.is_success() {
            return Err(self.status_error(&what, &reply));
        }
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let until = match header("x-amz-object-lock-retain-until-date") {
            None => None,
            Some(v) => Some(
                OffsetDateTime::parse(&v, &time::format_description::well_known::Rfc3339).map_err(
                    |e| {
                        Error::new(
                            ErrorKind::Io,
                            format!("{what}: unreadable retain-until date {v:?} ({e})"),
                        )
                    },
                )?,
            ),
        };
        Ok(ObjectHold {
            mode: header("x-amz-object-lock-mode"),
            until,
            legal_hold: header("x-amz-object-lock-legal-hold")
                .is_some_and(|v| v.eq_ignore_ascii_case("ON")),
        })
    }

    /// PutObjectRetention on the current version. Extends freely; asking for
    /// less than an existing hold of the same or a stronger mode is a no-op
    /// (S3 refuses to shorten), so re-holding is always safe.
    pub(crate) async fn put_retention(
        &self,
        path: &str,
        mode: WormMode,
        until: OffsetDateTime,
    ) -> Result<()> {
        let mode = s3_mode(mode)?;
        let until = whole_second_up(until);
        let when = rfc3339(until);
        let body = format!(
            "<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Mode>{mode}</Mode><RetainUntilDate>{when}</RetainUntilDate></Retention>"
        )
        .into_bytes();
        // Lock-enabled buckets refuse a retention request without Content-MD5.
        let md5 = reqsign_core::hash::base64_encode(Md5::digest(&body).as_slice());
        let headers = [
            ("content-md5", md5),
            ("content-type", "application/xml".to_string()),
        ];
        let what = format!("{} (hold {mode} until {when})", self.full_key(path));
        let url = format!("{}?retention", self.object_url(path));
        let mut delay = FIRST_DELAY;
        let mut attempt = 1;
        loop {
            let reply = self
                .send(http::Method::PUT, &url, &body, &headers, false, &what)
                .await?;
            let s = reply.status;
            if s.is_success() {
                return Ok(());
            }
            if s.is_server_error() || s == StatusCode::METHOD_NOT_ALLOWED {
                // S3 answers 405 when the current version is a delete marker,
                // some servers (moto) 500 for a missing key: ask before retrying.
                if let Err(e) = self.head(path).await {
                    if e.kind() == ErrorKind::NotFound {
                        return Err(e);
                    }
                }
            }
            if s == StatusCode::FORBIDDEN || s == StatusCode::BAD_REQUEST {
                // Shortening is refused; a hold already reaching as far serves.
                if let Ok(h) = self.head(path).await {
                    let strong_enough =
                        h.mode.as_deref() == Some(mode) || h.mode.as_deref() == Some("COMPLIANCE");
                    if strong_enough && h.until.is_some_and(|u| u >= until) {
                        return Ok(());
                    }
                }
            }
            if !retryable(s) || attempt >= ATTEMPTS {
                return Err(self.status_error(&what, &reply));
            }
            tokio::time::sleep(delay).await;
            delay *= 2;
            attempt += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_path_style_like_opendal() {
        assert_eq!(
            endpoint_url(Some("http://127.0.0.1:9000/"), "b", "us-east-1"),
            "http://127.0.0.1:9000"
        );
        assert_eq!(
            endpoint_url(None, "b", "eu-west-1"),
            "https://s3.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            endpoint_url(Some("https://b.minio.example"), "b", "x"),
            "https://minio.example"
        );
        assert_eq!(encode_path("some dir/data/ab"), "some%20dir/data/ab");
    }

    #[test]
    fn xml_answers_are_read() {
        let x = "<ObjectLockConfiguration xmlns=\"x\"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>";
        assert_eq!(xml_text(x, "ObjectLockEnabled"), Some("Enabled"));
        let rule = xml_text(x, "DefaultRetention").unwrap();
        assert_eq!(xml_text(rule, "Mode"), Some("GOVERNANCE"));
        assert_eq!(xml_text(x, "Code"), None);
    }

    #[test]
    fn retain_until_rounds_up_to_the_second() {
        let t = OffsetDateTime::from_unix_timestamp_nanos(1_800_000_000_000_000_001).unwrap();
        assert_eq!(whole_second_up(t).unix_timestamp(), 1_800_000_001);
        let t = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        assert_eq!(whole_second_up(t), t);
        assert_eq!(rfc3339(t), "2027-01-15T08:00:00Z");
    }
}
