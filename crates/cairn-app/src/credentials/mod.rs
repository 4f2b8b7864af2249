//! Every way to unlock a repository, for both front ends (docs/KEYS.md).
//!
//! The core knows passphrases and key files; the slot kinds whose key lives
//! outside Cairn need the network, a process or an HSM, which the core must
//! not have, so they live here, each implementing
//! `cairn_core::keyslot::KekSource`: [`age`], [`vault`] (Vault/OpenBao
//! transit), [`pkcs11`], [`command`] and [`aws_kms`].
//!
//! [`Sources`] is where the credentials for one repository come from. The CLI
//! fills it from flags and environment, the server from a `[repository.X]`
//! section; both then ask it for the same list of credentials, so a slot
//! kind the CLI can open, the server can open too.

pub mod age;
mod answer;
pub mod aws_kms;
pub mod command;
pub mod pkcs11;
pub mod vault;

use crate::error::{Error, Result};
use cairn_core::keyslot::Credential;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A secret given as a value or as a file holding it (first line, trimmed of
/// the line end). Its `Debug` never shows the value.
#[derive(Clone)]
pub enum Secret {
    /// The secret itself (from the environment).
    Value(String),
    /// A file whose first line is the secret.
    File(PathBuf),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Value(_) => f.write_str("Secret(<redacted>)"),
            Secret::File(p) => write!(f, "Secret(file {})", p.display()),
        }
    }
}

impl Secret {
    /// The secret; `what` names it in the error ("Vault token", "PIN").
    pub fn read(&self, what: &str) -> Result<String> {
        match self {
            Secret::Value(v) => Ok(v.clone()),
            Secret::File(p) => Ok(first_line(&read_text(p, what)?)),
        }
    }
}

/// A Vault/OpenBao server to unlock `vault-transit` slots with. The address
/// is always the operator's, never the one a slot records (see [`vault`]).
#[derive(Debug, Clone)]
pub struct VaultLogin {
    pub addr: String,
    pub token: Secret,
}

/// AWS KMS for `aws-kms` slots. The credentials are the process's own
/// (the conventional chain, read when a slot is tried), so only the
/// endpoint override is held here.
#[derive(Debug, Clone, Default)]
pub struct AwsKmsLogin {
    /// Instead of `https://kms.REGION.amazonaws.com` (a VPC endpoint, an emulator).
    pub endpoint: Option<String>,
}

/// A PKCS#11 module and the token's PIN.
#[derive(Debug, Clone)]
pub struct Pkcs11Login {
    pub module: String,
    pub pin: Secret,
}

/// Where the credentials for one repository come from; every part is
/// optional. At most one of the first four (key file, passphrase, password
/// file, password command) is used, in that order; every outside credential
/// given is tried against the slots of its kind.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub key_file: Option<PathBuf>,
    pub passphrase: Option<Secret>,
    pub password_file: Option<PathBuf>,
    /// A shell command printing the passphrase on its first line.
    pub password_command: Option<String>,
    pub age_identity: Option<PathBuf>,
    pub vault: Option<VaultLogin>,
    pub pkcs11: Option<Pkcs11Login>,
    /// A `command` slot's program (docs/KEYS.md).
    pub key_command: Option<String>,
    pub aws_kms: Option<AwsKmsLogin>,
}

impl Sources {
    /// The key file, passphrase, password file or password command: the
    /// first one given.
    pub fn primary(&self) -> Result<Option<Credential>> {
        if let Some(k) = &self.key_file {
            return Ok(Some(Credential::KeyFile(read_key_file(k)?)));
        }
        if let Some(p) = &self.passphrase {
            return Ok(Some(Credential::Passphrase(p.read("passphrase")?)));
        }
        if let Some(f) = &self.password_file {
            let s = read_text(f, "password file")?;
            return Ok(Some(Credential::Passphrase(first_line(&s))));
        }
        if let Some(cmd) = &self.password_command {
            return Ok(Some(Credential::Passphrase(run_password_command(cmd)?)));
        }
        Ok(None)
    }

    /// Every outside credential given (age, Vault, PKCS#11, command, AWS KMS).
    pub fn external(&self) -> Result<Vec<Credential>> {
        let mut out: Vec<Credential> = Vec::new();
        if let Some(p) = &self.age_identity {
            out.push(Credential::External(Arc::new(
                age::AgeSource::identity_file(p)?,
            )));
        }
        if let Some(v) = &self.vault {
            let token = v.token.read("Vault token")?;
            let src = vault::VaultSource::new(&v.addr, token, None)?;
            out.push(Credential::External(Arc::new(src)));
        }
        if let Some(p) = &self.pkcs11 {
            let pin = p.pin.read("PKCS#11 PIN")?;
            out.push(Credential::External(Arc::new(pkcs11::Pkcs11Source::new(
                &p.module, pin, None,
            ))));
        }
        if let Some(cmd) = &self.key_command {
            out.push(Credential::External(Arc::new(command::CommandSource::new(
                cmd,
            ))));
        }
        if let Some(k) = &self.aws_kms {
            out.push(Credential::External(Arc::new(aws_kms::AwsKmsSource::new(
                k.endpoint.clone(),
            ))));
        }
        Ok(out)
    }

    /// [`Sources::primary`] then [`Sources::external`].
    pub fn all(&self) -> Result<Vec<Credential>> {
        let mut out: Vec<Credential> = self.primary()?.into_iter().collect();
        out.extend(self.external()?);
        Ok(out)
    }

    /// Whether any source is given at all.
    pub fn is_empty(&self) -> bool {
        self.key_file.is_none()
            && self.passphrase.is_none()
            && self.password_file.is_none()
            && self.password_command.is_none()
            && self.age_identity.is_none()
            && self.vault.is_none()
            && self.pkcs11.is_none()
            && self.key_command.is_none()
            && self.aws_kms.is_none()
    }
}

fn read_text(path: &Path, what: &str) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::Credential(format!("cannot read {what} {}: {e}", path.display())))
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

/// Reads a key file: comment lines, then 64 hex digits.
pub fn read_key_file(path: &Path) -> Result<Vec<u8>> {
    let text = read_text(path, "key file")?;
    cairn_core::keyslot::parse_key_file(&text).ok_or_else(|| {
        Error::Credential(format!(
            "key file {} is malformed: expected comment lines, then 64 hex digits",
            path.display()
        ))
    })
}

/// Runs a password command (through `sh -c`, its stderr passed through) and
/// returns the first line it prints.
fn run_password_command(cmd: &str) -> Result<String> {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| Error::Credential(format!("cannot run the password command: {e}")))?;
    if !out.status.success() {
        return Err(Error::Credential(format!(
            "the password command failed ({}); fix it or give the passphrase another way",
            out.status
        )));
    }
    Ok(first_line(&String::from_utf8_lossy(&out.stdout)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_a_secret() {
        let s = Sources {
            passphrase: Some(Secret::Value("hunter2-passphrase".into())),
            vault: Some(VaultLogin {
                addr: "http://127.0.0.1:8200".into(),
                token: Secret::Value("hvs.secret-token".into()),
            }),
            ..Sources::default()
        };
        let text = format!("{s:?}");
        assert!(
            !text.contains("hunter2") && !text.contains("hvs."),
            "{text}"
        );
        assert!(text.contains("<redacted>"), "{text}");
    }
}
