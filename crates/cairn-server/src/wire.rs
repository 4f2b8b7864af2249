//! The JSON shapes of the API's queries and small answers: what the
//! handlers ([`crate::api`]) deserialise and serialise, and what the OpenAPI
//! document ([`crate::openapi`]) describes, from the same types. (Larger
//! answers live beside what builds them: jobs, snapshots, specs, trust.)

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

// The request bodies are use-case inputs: they live in cairn-app with their
// validation (and the `request_body` fuzz target); named here for the
// handlers and the OpenAPI document.
pub(crate) use cairn_app::request::{
    BackupReq, GateReq, NoFields, ProtectReq, RestoreReq, VerifyReq,
};

/// The filters of the job list.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct JobsQuery {
    #[serde(default)]
    pub(crate) spec: Option<String>,
    #[serde(default)]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) state: Option<String>,
    #[serde(default)]
    pub(crate) limit: Option<usize>,
}

/// The filters of the snapshot list.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SnapQuery {
    #[serde(default)]
    pub(crate) spec: Option<String>,
    #[serde(default)]
    pub(crate) tag: Option<String>,
}

/// `GET /healthz`.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Health {
    /// Always `ok`: an answer at all is the liveness.
    pub(crate) status: &'static str,
    pub(crate) audit_head: AuditHead,
    /// Jobs queued or running.
    pub(crate) jobs_active: usize,
}

/// The audit log's newest entry: its sequence number and chained hash.
#[derive(Serialize, JsonSchema)]
pub(crate) struct AuditHead {
    pub(crate) seq: u64,
    pub(crate) hash: String,
}

/// `GET /api/v1/dr/whoami`: the caller, its role, what the role may do,
/// and the roots a restore may write into.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Whoami {
    /// The token's name.
    pub(crate) name: String,
    pub(crate) role: crate::rbac::Role,
    pub(crate) may: May,
    /// `restore.allow-roots` from the config.
    pub(crate) allow_roots: Vec<PathBuf>,
}

/// What a role may do, for the console to hide or disable the rest.
#[derive(Serialize, JsonSchema)]
pub(crate) struct May {
    pub(crate) backup: bool,
    pub(crate) restore: bool,
    pub(crate) verify: bool,
    pub(crate) delete: bool,
    /// Read the audit log (admin).
    pub(crate) audit: bool,
}

/// The `path` query of a snapshot's listing or download.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PathQuery {
    /// A path in the snapshot, `/`-separated (empty: its root).
    #[serde(default)]
    pub(crate) path: String,
}

/// `GET /api/v1/dr/snapshots/{id}/ls`: one directory of a snapshot.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Listing {
    /// The snapshot's full id.
    pub(crate) snapshot: String,
    /// The repository's name in the config.
    pub(crate) repository: String,
    /// The snapshot's time (RFC 3339).
    pub(crate) time: String,
    /// The directory listed, without leading or trailing `/`.
    pub(crate) path: String,
    pub(crate) entries: Vec<cairn_core::browse::Entry>,
}

/// What a protect, unprotect or forget of one snapshot did.
#[derive(Serialize, JsonSchema)]
pub(crate) struct SnapshotChange {
    /// The snapshot's full id.
    pub(crate) snapshot: String,
    /// Protected after the call (protect and unprotect).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) protected: Option<bool>,
    /// Whether protect added a marker (false: it was protected already).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) new: Option<bool>,
    /// Forgotten (forget).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) forgotten: Option<bool>,
}
