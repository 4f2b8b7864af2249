//! The config, read and replaced under its ETag, so two writers can never
//! both replace it: each replacement names the version it read (`If-Match`),
//! and S3 refuses it (412) when another writer replaced the config since.

use super::S3Backend;
use cairn_core::{Error, ErrorKind, ObjectKind, Result};

impl S3Backend {
    fn remember_etag(&self, etag: Option<&str>) {
        if let Ok(mut g) = self.config_etag.lock() {
            *g = etag.map(str::to_string);
        }
    }

    pub(super) fn read_config_tracked(&self) -> Result<Vec<u8>> {
        let key = self.key(ObjectKind::Config, "config")?;
        let meta = match self.store.rt.block_on(self.store.op.stat(&key)) {
            Ok(m) => m,
            Err(e) => return Err(self.explain_head_failure(&key, e)),
        };
        let etag = meta.etag().map(str::to_string);
        if etag.is_none() {
            tracing::debug!(key = %key, "no ETag for the config: its replacement cannot be conditional");
        }
        let read = self.store.rt.block_on(async {
            match &etag {
                Some(t) => self.store.op.read_with(&key).if_match(t).await,
                None => self.store.op.read(&key).await,
            }
        });
        let b = read.map_err(|e| {
            let e = self.classify(&key, e);
            if e.kind() == ErrorKind::AlreadyExists {
                changed_meanwhile(&key)
            } else {
                e
            }
        })?;
        if b.len() as u64 > ObjectKind::Config.max_len() {
            return Err(Error::corrupt(format!(
                "{key} is larger than any config object"
            )));
        }
        self.remember_etag(etag.as_deref());
        Ok(b.to_vec())
    }

    /// A HEAD answer has no body, so its failure lacks the S3 error code
    /// that tells a missing bucket from a missing object, names the
    /// credential problem or says the server is throttling. A GET of the
    /// same key gets the full answer; its error is the one to report.
    /// Failures without any answer (unreachable, timed out) are reported as
    /// they are, without waiting through the retries a second time.
    fn explain_head_failure(&self, key: &str, head: opendal::Error) -> Error {
        if crate::remote::unreachable(&head) || crate::remote::timed_out(&head) {
            return self.classify(key, head);
        }
        match self.store.rt.block_on(self.store.op.read(key)) {
            Err(get) => self.classify(key, get),
            // The object is there after all (a server that answers HEAD
            // badly): report the HEAD failure rather than read without the
            // ETag the replacement needs.
            Ok(_) => self.classify(key, head),
        }
    }

    pub(super) fn replace_config_if_unchanged(&self, data: &[u8]) -> Result<()> {
        let key = self.key(ObjectKind::Config, "config")?;
        let read = self.config_etag.lock().ok().and_then(|g| g.clone());
        let etag = match read {
            Some(t) => t,
            // Never read through this backend (callers open the repository
            // first, so only tests get here): the version there now.
            None => {
                self.read_config_tracked()?;
                self.config_etag
                    .lock()
                    .ok()
                    .and_then(|g| g.clone())
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::Unsupported,
                            format!("the S3 server gives no ETag for {key}: it cannot be replaced safely"),
                        )
                    })?
            }
        };
        let written = self.store.rt.block_on(async {
            self.store
                .op
                .write_with(&key, data.to_vec())
                .if_match(&etag)
                .await
        });
        match written {
            Ok(m) => {
                self.remember_etag(m.etag());
                if m.etag().is_none() {
                    // No ETag in the answer: learn the new one by reading.
                    self.read_config_tracked()?;
                }
                Ok(())
            }
            Err(e) => {
                let e = self.classify(&key, e);
                Err(if e.kind() == ErrorKind::AlreadyExists {
                    changed_meanwhile(&key)
                } else {
                    e
                })
            }
        }
    }
}

fn changed_meanwhile(key: &str) -> Error {
    Error::new(
        ErrorKind::Locked,
        format!(
            "{key} was replaced by another writer since this session read it; nothing was replaced"
        ),
    )
    .hint("open the repository again and repeat the change if it is still needed")
}
