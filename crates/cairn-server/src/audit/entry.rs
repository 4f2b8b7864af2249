//! One entry of the log and the constants of its chain: below both the
//! writer ([`super::AuditLog`]) and the checker ([`super::chain`]).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// 1, 2, 3, ... with no gaps.
    pub seq: u64,
    /// When (RFC 3339).
    pub time: String,
    /// Hash of the previous entry (64 zeros for the first).
    pub prev: String,
    /// The request or job it belongs to.
    pub request_id: String,
    /// Token id and name (with the role on refusals), "scheduler", "server" or "cli:USER".
    pub actor: String,
    /// What was asked ("backup", "restore", "job.finished", ...).
    pub action: String,
    /// What it was about (spec, snapshot, job id).
    pub target: String,
    /// "accepted", "refused", "succeeded", "failed", ...
    pub outcome: String,
    /// Short detail (never a secret).
    #[serde(default)]
    pub detail: String,
    /// SHA-256 of this entry serialised with `hash` and `mac` empty.
    pub hash: String,
    /// HMAC-SHA256 of `hash` under the server's audit key; absent only in
    /// entries written before the log was keyed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mac: String,
}

impl Entry {
    pub(crate) fn compute_hash(&self) -> String {
        let mut e = self.clone();
        e.hash = String::new();
        // Skipped when empty: entries from before the key hash as they did.
        e.mac = String::new();
        #[allow(clippy::expect_used)] // plain data always serialises
        let body = serde_json::to_vec(&e).expect("entry serialises");
        hex::encode(Sha256::digest(&body))
    }
}

pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The action of the entry that starts the keyed part of a log.
pub const KEYED: &str = "audit.keyed";
