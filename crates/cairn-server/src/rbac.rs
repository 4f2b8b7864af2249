//! Roles and permissions as data. Every route declares one permission
//! ([`crate::routes::ROUTES`]); a test walks every route with every role, so a
//! route without a declared permission, or a role that may do more than this
//! table says, fails the build's tests.

use serde::{Deserialize, Serialize};

/// Who a token acts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including deletes and key changes.
    Admin,
    /// Backup, restore, verify: append-only (it can never delete).
    Service,
    /// Read-only: list snapshots, read job status.
    Analyst,
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "admin" => Ok(Role::Admin),
            "service" => Ok(Role::Service),
            "analyst" => Ok(Role::Analyst),
            _ => Err(format!("unknown role {s:?}: use admin, service or analyst")),
        }
    }
}

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// No token needed (health, metrics).
    Public,
    /// List snapshots, read jobs.
    Read,
    /// Start backups.
    Backup,
    /// Start restores.
    Restore,
    /// Start verifies.
    Verify,
    /// Forget, prune, key changes.
    Delete,
    /// Read the audit log's entries (it names every token and target).
    Audit,
}

impl Role {
    /// Whether this role holds `p`.
    pub fn may(self, p: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Admin => true,
            Role::Service => matches!(p, P::Public | P::Read | P::Backup | P::Restore | P::Verify),
            Role::Analyst => matches!(p, P::Public | P::Read),
        }
    }

    /// Whether sessions of this role must be append-only.
    pub fn append_only(self) -> bool {
        self != Role::Admin
    }
}
