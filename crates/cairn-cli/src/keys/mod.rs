//! Where the CLI finds credentials: flags and environment, gathered into a
//! `cairn_app::credentials::Sources` (the slot kinds themselves are
//! `cairn-app`'s, shared with the server).

use crate::cli::Global;
use anyhow::Result;
pub use cairn_app::credentials::{age, aws_kms, command, pkcs11, vault};
use cairn_app::credentials::{AwsKmsLogin, Pkcs11Login, Secret, Sources, VaultLogin};

/// The Vault token: `--vault-token-file`, else VAULT_TOKEN.
fn vault_token_source(g: &Global) -> Option<Secret> {
    if let Some(f) = &g.vault_token_file {
        return Some(Secret::File(f.clone()));
    }
    std::env::var("VAULT_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .map(Secret::Value)
}

/// The Vault token, read (for adding a slot).
pub fn vault_token(g: &Global) -> Result<Option<String>> {
    Ok(match vault_token_source(g) {
        Some(s) => Some(s.read("Vault token")?.trim().to_string()),
        None => None,
    })
}

/// The Vault address for unlocking: VAULT_ADDR, else Vault's own default.
pub fn vault_addr() -> String {
    std::env::var("VAULT_ADDR").unwrap_or_else(|_| "https://127.0.0.1:8200".into())
}

/// The token PIN: `--pkcs11-pin-file`, else CAIRN_PKCS11_PIN.
fn pkcs11_pin_source(g: &Global) -> Option<Secret> {
    if let Some(f) = &g.pkcs11_pin_file {
        return Some(Secret::File(f.clone()));
    }
    std::env::var("CAIRN_PKCS11_PIN").ok().map(Secret::Value)
}

/// The token PIN, read (for adding a slot).
pub fn pkcs11_pin(g: &Global) -> Result<Option<String>> {
    Ok(match pkcs11_pin_source(g) {
        Some(s) => Some(s.read("PIN file")?),
        None => None,
    })
}

/// AWS KMS, when AWS credentials are configured in the environment
/// (AWS_ACCESS_KEY_ID or AWS_PROFILE), as VAULT_TOKEN is for Vault: without
/// them no aws-kms slot is tried, and a missing passphrase is still asked for.
fn aws_kms_login() -> Option<AwsKmsLogin> {
    let set = |v: &str| std::env::var(v).is_ok_and(|s| !s.is_empty());
    (set("AWS_ACCESS_KEY_ID") || set("AWS_PROFILE")).then(|| AwsKmsLogin {
        endpoint: aws_kms::endpoint_from_env(),
    })
}

/// Every credential source the user gave, by flag or environment.
pub fn sources(g: &Global) -> Sources {
    let pkcs11 = match (&g.pkcs11_module, pkcs11_pin_source(g)) {
        (Some(module), Some(pin)) => Some(Pkcs11Login {
            module: module.clone(),
            pin,
        }),
        (Some(_), None) => {
            tracing::warn!("a PKCS#11 module is set but no PIN (CAIRN_PKCS11_PIN or --pkcs11-pin-file); pkcs11 slots are not tried");
            None
        }
        _ => None,
    };
    Sources {
        key_file: g.key_file.clone(),
        passphrase: std::env::var("CAIRN_PASSWORD").ok().map(Secret::Value),
        password_file: g.password_file.clone(),
        password_command: g.password_command.clone(),
        age_identity: g.age_identity.clone(),
        vault: vault_token_source(g).map(|token| VaultLogin {
            addr: vault_addr(),
            token,
        }),
        pkcs11,
        key_command: g.key_command.clone(),
        aws_kms: aws_kms_login(),
    }
}

/// Every outside credential the user configured, for unlocking.
pub fn external_credentials(g: &Global) -> Result<Vec<cairn_core::keyslot::Credential>> {
    Ok(sources(g).external()?)
}
