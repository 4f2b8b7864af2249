//! S3-compatible object storage through Apache OpenDAL.
//!
//! The core is synchronous; this backend owns a small tokio runtime and blocks
//! on it, so nothing async leaks out and no caller runs on an executor.
//! Transient failures (5xx, SlowDown, timeouts, resets) are retried by
//! OpenDAL's retry layer with exponential backoff and jitter, [`RETRIES`](crate::remote::RETRIES)
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

use crate::s3_lock::{LockApi, LockConfig};

#[path = "s3_config.rs"]
mod config;
#[path = "s3_versions.rs"]
mod versions;
use crate::remote::{classify, Service, Store, Target};
use cairn_core::backend::WormMode;
use cairn_core::{Backend, Bytes, Error, ErrorKind, ObjectKind, Result};
use opendal::services::S3;
use opendal::Operator;
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

/// How S3 errors are told apart and explained.
pub(crate) static SERVICE: Service = Service {
    name: "S3",
    holder: "bucket",
    credential_codes: CREDENTIAL_CODES,
    missing_holder_codes: &["NoSuchBucket"],
    credentials_hint: "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), and that the bucket policy allows this user to read, write and list",
    create_hint: |bucket| format!("create the bucket first (for example `aws s3 mb s3://{bucket}`, with --endpoint-url for a server other than AWS), or correct the bucket name in the repository location"),
    timeout_var: "CAIRN_S3_TIMEOUT",
};

/// A repository in an S3 bucket.
pub struct S3Backend {
    store: Store,
    location: S3Location,
    lock: LockApi,
    /// The ETag of the config this backend last read or wrote: replacing
    /// the config is conditional on it (`If-Match`).
    config_etag: std::sync::Mutex<Option<String>>,
}

impl std::fmt::Debug for S3Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Backend")
            .field("location", &self.location)
            .finish_non_exhaustive()
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
        let server = endpoint
            .clone()
            .unwrap_or_else(|| format!("s3.{region}.amazonaws.com"));
        let target = Target::new(&SERVICE, &location.bucket, &server);
        let op = Operator::new(b).map_err(|e| classify(&target, "S3 configuration", e))?;
        Ok(S3Backend {
            store: Store::new(op, target)?,
            location,
            lock,
            config_etag: Default::default(),
        })
    }

    fn classify(&self, what: &str, e: opendal::Error) -> Error {
        self.store.classify(what, e)
    }

    fn key(&self, kind: ObjectKind, name: &str) -> Result<String> {
        self.store.key(kind, name)
    }
}

impl Backend for S3Backend {
    crate::remote::store_methods!();

    fn location(&self) -> String {
        self.location.describe()
    }

    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        if kind == ObjectKind::Config {
            return self.read_config_tracked();
        }
        self.store.read(kind, name)
    }

    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.store
            .write_new(kind, name, &Bytes::copy_from_slice(data))
    }

    fn write_new_shared(&self, kind: ObjectKind, name: &str, data: &Bytes) -> Result<()> {
        self.store.write_new(kind, name, data)
    }

    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        // One PUT: S3 replaces an object atomically (on a versioned bucket
        // the old copy stays as an earlier version).
        self.store.replace(kind, name, data)
    }

    fn replace_config(&self, data: &[u8]) -> Result<()> {
        self.replace_config_if_unchanged(data)
    }

    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        let key = self.key(kind, name)?;
        // S3 deletes are idempotent; the contract wants NotFound for a missing
        // object. The same HEAD tells whether Object Lock still holds it: on a
        // lock bucket a DELETE would only add a delete marker over it.
        let hold = self.store.rt.block_on(self.lock.head(&key))?;
        if kind == ObjectKind::Key {
            // Removing a key slot is how a credential is revoked. On an Object
            // Lock bucket the DELETE only adds a delete marker: the held
            // version stays for its retention (`keys recover` finds it).
            return self.store.delete_key(&key);
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
        self.store.delete_key(&key)
    }

    fn exists(&self) -> Result<bool> {
        // A bucket always "exists" as far as listing goes; a missing bucket fails the list.
        self.store.exists(&self.location.describe())
    }

    fn hold(
        &self,
        kind: ObjectKind,
        name: &str,
        mode: WormMode,
        until: OffsetDateTime,
    ) -> Result<()> {
        let key = self.key(kind, name)?;
        self.store
            .rt
            .block_on(self.lock.put_retention(&key, mode, until))
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
        let cfg = self.store.rt.block_on(self.lock.bucket_lock())?;
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
        match self.store.rt.block_on(self.lock.head(&key)) {
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
