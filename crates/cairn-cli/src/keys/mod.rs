//! Key slot kinds whose key lives outside Cairn (docs/KEYS.md): the parts
//! that need the network, a process or an HSM, which the core must not have.
//! Each implements `cairn_core::keyslot::KekSource`.

pub mod age;
pub mod command;
pub mod pkcs11;
pub mod vault;

use crate::cli::Global;
use anyhow::{Context, Result};
use cairn_core::keyslot::Credential;
use std::sync::Arc;

/// The Vault token: `--vault-token-file`, else VAULT_TOKEN.
pub fn vault_token(g: &Global) -> Result<Option<String>> {
    if let Some(f) = &g.vault_token_file {
        let t = std::fs::read_to_string(f)
            .with_context(|| format!("cannot read Vault token file {}", f.display()))?;
        return Ok(Some(t.trim().to_string()));
    }
    Ok(std::env::var("VAULT_TOKEN").ok().filter(|t| !t.is_empty()))
}

/// The Vault address for unlocking: VAULT_ADDR, else Vault's own default.
pub fn vault_addr() -> String {
    std::env::var("VAULT_ADDR").unwrap_or_else(|_| "https://127.0.0.1:8200".into())
}

/// The token PIN: `--pkcs11-pin-file`, else CAIRN_PKCS11_PIN.
pub fn pkcs11_pin(g: &Global) -> Result<Option<String>> {
    if let Some(f) = &g.pkcs11_pin_file {
        let t = std::fs::read_to_string(f)
            .with_context(|| format!("cannot read PIN file {}", f.display()))?;
        return Ok(Some(t.lines().next().unwrap_or("").to_string()));
    }
    Ok(std::env::var("CAIRN_PKCS11_PIN").ok())
}

/// Every outside credential the user configured, for unlocking.
pub fn external_credentials(g: &Global) -> Result<Vec<Credential>> {
    let mut out: Vec<Credential> = Vec::new();
    if let Some(p) = &g.age_identity {
        out.push(Credential::External(Arc::new(
            age::AgeSource::identity_file(p)?,
        )));
    }
    if let Some(token) = vault_token(g)? {
        let v = vault::VaultSource::new(&vault_addr(), token, None)?;
        out.push(Credential::External(Arc::new(v)));
    }
    if let Some(module) = &g.pkcs11_module {
        if let Some(pin) = pkcs11_pin(g)? {
            out.push(Credential::External(Arc::new(pkcs11::Pkcs11Source::new(
                module, pin, None,
            ))));
        } else {
            tracing::warn!("a PKCS#11 module is set but no PIN (CAIRN_PKCS11_PIN or --pkcs11-pin-file); pkcs11 slots are not tried");
        }
    }
    if let Some(cmd) = &g.key_command {
        out.push(Credential::External(Arc::new(command::CommandSource::new(
            cmd,
        ))));
    }
    Ok(out)
}
