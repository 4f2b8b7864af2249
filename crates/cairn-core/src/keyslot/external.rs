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
    /// A symmetric key in AWS KMS.
    AwsKms(AwsKmsParams),
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

/// `kind = "aws-kms"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsKmsParams {
    /// The key's ARN, `arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID`, as KMS
    /// named it when the slot was made (never an alias, which can be moved
    /// to another key). Its region is where the slot is unwrapped.
    pub key: String,
}

impl AwsKmsParams {
    /// The region of the key, checked to be a plain AWS region name
    /// (lowercase letters, digits and dashes), so a slot cannot steer the
    /// request to another host than `kms.REGION.amazonaws.com`.
    pub fn region(&self) -> Result<&str> {
        parse_kms_key_arn(&self.key).map(|(_, region)| region)
    }

    /// The key's partition (`aws`, `aws-cn`, `aws-us-gov`, ...).
    pub fn partition(&self) -> Result<&str> {
        parse_kms_key_arn(&self.key).map(|(partition, _)| partition)
    }
}

/// Splits a KMS key ARN into (partition, region), refusing anything else.
pub fn parse_kms_key_arn(arn: &str) -> Result<(&str, &str)> {
    let bad = || {
        Error::corrupt(format!(
            "{arn:?} is not an AWS KMS key ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID)"
        ))
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [scheme, partition, service, region, account, resource] = parts[..] else {
        return Err(bad());
    };
    let name = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let key_id = resource.strip_prefix("key/").unwrap_or("");
    let ok = scheme == "arn"
        && service == "kms"
        && name(partition)
        && name(region)
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !key_id.is_empty()
        && key_id.len() <= 128
        && key_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok((partition, region))
    } else {
        Err(bad())
    }
}

/// Every external kind, as stored in a slot's `kind` field.
pub const EXTERNAL_KINDS: [&str; 5] = ["age", "vault-transit", "pkcs11", "command", "aws-kms"];

impl ExternalParams {
    /// The slot kind these parameters belong to.
    pub fn kind(&self) -> &'static str {
        match self {
            ExternalParams::Age(_) => "age",
            ExternalParams::VaultTransit(_) => "vault-transit",
            ExternalParams::Pkcs11(_) => "pkcs11",
            ExternalParams::Command(_) => "command",
            ExternalParams::AwsKms(_) => "aws-kms",
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
            "aws-kms" => {
                let p: AwsKmsParams = serde_json::from_value(v).map_err(bad)?;
                p.region()?;
                ExternalParams::AwsKms(p)
            }
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
            ExternalParams::AwsKms(p) => format!("AWS KMS key {}", p.key),
        }
    }
}

/// Which slot is being wrapped or unwrapped: external wrappers may bind it
/// (the command protocol passes it, AWS KMS puts both ids in the encryption
/// context; age and transit do not need to, because the slot's own AEAD
/// binds both ids).
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
    /// key without exposing it (Vault transit `rewrap`, KMS `ReEncrypt`), for
    /// the slot `to` that replaces slot `from`. `None`: not supported.
    fn rewrap_kek(
        &self,
        _from: SlotContext<'_>,
        _to: SlotContext<'_>,
        _params: &ExternalParams,
        _wrapped: &str,
    ) -> Option<Result<String>> {
        None
    }

    /// Whether the wrapped KEK is bound to the slot id outside Cairn (an AWS
    /// KMS encryption context), so a copy under a new slot id must be
    /// re-wrapped with [`KekSource::rewrap_kek`] rather than copied.
    fn binds_slot_id(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kms_key_arns_parse_and_anything_else_is_refused() {
        let arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(parse_kms_key_arn(arn).unwrap(), ("aws", "eu-west-1"));
        assert_eq!(
            parse_kms_key_arn("arn:aws-cn:kms:cn-north-1:123456789012:key/k")
                .unwrap()
                .1,
            "cn-north-1"
        );
        for bad in [
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "alias/cairn",
            "arn:aws:kms:us-east-1:123456789012:alias/cairn",
            "arn:aws:s3:us-east-1:123456789012:key/k",
            "arn:aws:kms:evil.example/x:123456789012:key/k",
            "arn:aws:kms:us-east-1:12345678901:key/k",
            "arn:aws:kms:US-EAST-1:123456789012:key/k",
            "arn:aws:kms::123456789012:key/k",
            "arn:aws:kms:us-east-1:123456789012:key/",
            "arn:aws:kms:us-east-1:123456789012:key/a:b",
        ] {
            assert!(parse_kms_key_arn(bad).is_err(), "{bad}");
        }
        let p = |key: &str| ExternalParams::parse("aws-kms", serde_json::json!({ "key": key }));
        assert!(p(arn).is_ok());
        assert_eq!(
            p("arn:aws:kms:a.b:123456789012:key/k").unwrap_err().kind(),
            crate::ErrorKind::Corrupt
        );
    }

    proptest! {
        /// Whatever a slot holds, an accepted ARN yields a region that can
        /// only name `kms.REGION.amazonaws.com`, never another host.
        #[test]
        fn an_accepted_region_is_a_plain_dns_label(s in ".{0,80}", region in "[a-z0-9./:@-]{0,20}") {
            for arn in [s.clone(), format!("arn:aws:kms:{region}:123456789012:key/k")] {
                if let Ok((partition, region)) = parse_kms_key_arn(&arn) {
                    for part in [partition, region] {
                        prop_assert!(!part.is_empty());
                        prop_assert!(part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
                    }
                }
            }
        }
    }
}
