//! Slots whose key-encryption key (KEK) is wrapped by something outside Cairn:
//! an age recipient, a Vault/OpenBao transit key, an HSM key, an external
//! command. The core only defines what such a slot stores and the
//! [`KekSource`] interface; the network, HSM and process parts live outside
//! the core (cairn-cli's `keys` module), because the core has no network,
//! process or FFI dependencies.
//!
//! Why a KEK rather than handing the master secret itself to the outside:
//! the outside only ever sees a random 32-byte value that is useless without
//! the repository's own slot, and the master secret is sealed under that KEK
//! with the same AEAD and associated data as every other slot. So a value that
//! comes back wrong (garbage from a command, another slot's key) fails
//! authentication at the slot, never later, and a slot cannot be copied into
//! another repository.

use crate::error::{Error, Result};
use crate::ids::RepoId;
use serde::{Deserialize, Serialize};

/// What a slot kind stores besides its wrapped KEK. Public data only: every
/// field is shown by `keys status --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ExternalParams {
    /// An age X25519 recipient (escrow: the identity can live offline).
    Age(AgeParams),
    /// A named key in a Vault or OpenBao transit engine.
    VaultTransit(VaultParams),
    /// An AES key in a PKCS#11 token.
    Pkcs11(Pkcs11Params),
    /// An external command that wraps and unwraps (docs/KEYS.md, "command protocol").
    Command(CommandParams),
}

/// `kind = "age"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeParams {
    /// The recipient, `age1…` (a public key).
    pub recipient: String,
}

/// `kind = "vault-transit"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultParams {
    /// The server the slot was made against (informational: unlocking uses VAULT_ADDR).
    pub address: String,
    /// The transit engine's mount path, e.g. `transit`.
    pub mount: String,
    /// The transit key's name.
    pub key: String,
}

/// `kind = "pkcs11"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pkcs11Params {
    /// The module the slot was made with (informational: unlocking uses the user's setting).
    pub module: String,
    /// The token label.
    pub token: String,
    /// The label of the AES key that wraps the KEK.
    pub key: String,
}

/// `kind = "command"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandParams {
    /// The command the slot was made with (informational: Cairn never runs a
    /// command read from the repository; unlocking runs the user's setting).
    pub command: String,
}

/// Every external kind, as stored in a slot's `kind` field.
pub const EXTERNAL_KINDS: [&str; 4] = ["age", "vault-transit", "pkcs11", "command"];

impl ExternalParams {
    /// The slot kind these parameters belong to.
    pub fn kind(&self) -> &'static str {
        match self {
            ExternalParams::Age(_) => "age",
            ExternalParams::VaultTransit(_) => "vault-transit",
            ExternalParams::Pkcs11(_) => "pkcs11",
            ExternalParams::Command(_) => "command",
        }
    }

    /// Parses the `params` object of a slot of `kind`, strictly.
    pub fn parse(kind: &str, v: serde_json::Value) -> Result<Self> {
        let bad = |e: serde_json::Error| {
            Error::corrupt(format!(
                "key slot parameters for kind {kind:?} are malformed: {e}"
            ))
        };
        Ok(match kind {
            "age" => ExternalParams::Age(serde_json::from_value(v).map_err(bad)?),
            "vault-transit" => {
                ExternalParams::VaultTransit(serde_json::from_value(v).map_err(bad)?)
            }
            "pkcs11" => ExternalParams::Pkcs11(serde_json::from_value(v).map_err(bad)?),
            "command" => ExternalParams::Command(serde_json::from_value(v).map_err(bad)?),
            other => {
                return Err(Error::new(
                    crate::ErrorKind::Unsupported,
                    format!("key slot kind {other:?} is unknown to this cairn"),
                )
                .hint("upgrade cairn"))
            }
        })
    }

    /// One line for humans (`keys status`).
    pub fn describe(&self) -> String {
        match self {
            ExternalParams::Age(p) => format!("recipient {}", p.recipient),
            ExternalParams::VaultTransit(p) => {
                format!("transit key {}/{} at {}", p.mount, p.key, p.address)
            }
            ExternalParams::Pkcs11(p) => format!("token {:?} key {:?}", p.token, p.key),
            ExternalParams::Command(p) => format!("command {:?}", p.command),
        }
    }
}

/// Which slot is being wrapped or unwrapped: external wrappers may bind it
/// (the command protocol passes it; age and transit do not need to, because
/// the slot's own AEAD binds both ids).
#[derive(Debug, Clone, Copy)]
pub struct SlotContext<'a> {
    /// The repository id.
    pub repo: RepoId,
    /// The slot id.
    pub slot_id: &'a str,
}

/// Something outside the core that can wrap and unwrap a slot's KEK.
///
/// Errors must name the cause and never contain secret material (tokens, PINs,
/// the KEK). `unwrap_kek` returns [`crate::ErrorKind::WrongKey`] when the
/// credential is simply not the one the slot was made for (another identity,
/// a wrong PIN, a revoked token), and other kinds when the component failed
/// (server down: `Io`/`Transient`), so the caller can report which.
pub trait KekSource: Send + Sync {
    /// The slot kind this source serves (one of [`EXTERNAL_KINDS`]).
    fn kind(&self) -> &'static str;

    /// Wraps a fresh KEK for a new slot: the parameters to store and the wrapped KEK as text.
    fn wrap_kek(&self, ctx: SlotContext<'_>, kek: &[u8; 32]) -> Result<(ExternalParams, String)>;

    /// Unwraps a slot's KEK.
    fn unwrap_kek(
        &self,
        ctx: SlotContext<'_>,
        params: &ExternalParams,
        wrapped: &str,
    ) -> Result<[u8; 32]>;

    /// Re-wraps a slot's wrapped KEK under the newest version of the wrapping
    /// key without exposing it (Vault transit `rewrap`). `None`: not supported.
    fn rewrap_kek(
        &self,
        _ctx: SlotContext<'_>,
        _params: &ExternalParams,
        _wrapped: &str,
    ) -> Option<Result<String>> {
        None
    }
}
