//! `vault-transit` slots: the KEK encrypted by a named key of a Vault or
//! OpenBao transit engine, over its HTTP API (`/v1/MOUNT/encrypt|decrypt|rewrap/KEY`).
//!
//! The server address used to unlock is always the operator's (the CLI's
//! VAULT_ADDR, the server's `vault-addr`), never the one stored in the slot: a
//! slot written by someone with storage access must not be able to send this
//! machine's token to a server of their choice. The token appears in no
//! message, log or Debug output.

use base64::Engine;
use cairn_core::keyslot::external::VaultParams;
use cairn_core::keyslot::{ExternalParams, KekSource, SlotContext};
use cairn_core::{Error, ErrorKind, Result};
use serde_json::{json, Value};
use std::time::Duration;

/// A Vault/OpenBao server and a token.
pub struct VaultSource {
    addr: String,
    token: String,
    /// For adding a slot: the transit mount and key.
    target: Option<(String, String)>,
}

impl std::fmt::Debug for VaultSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultSource")
            .field("addr", &self.addr)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// Splits `http://host:8200/transit/cairn` into (address, mount, key). The
/// mount may have several segments (`team/transit`).
pub fn parse_target(s: &str) -> Result<(String, String, String)> {
    let bad = || {
        Error::invalid(format!("{s:?} is not ADDR/MOUNT/KEY")).hint(
            "e.g. http://127.0.0.1:8200/transit/cairn: the server, the transit mount, the key",
        )
    };
    let (scheme, rest) = s.split_once("://").ok_or_else(bad)?;
    let (host, path) = rest.split_once('/').ok_or_else(bad)?;
    let path = path.trim_matches('/');
    let (mount, key) = path.rsplit_once('/').ok_or_else(bad)?;
    if host.is_empty() || mount.is_empty() || key.is_empty() || !matches!(scheme, "http" | "https")
    {
        return Err(bad());
    }
    Ok((
        format!("{scheme}://{host}"),
        mount.to_string(),
        key.to_string(),
    ))
}

impl VaultSource {
    pub fn new(addr: &str, token: String, target: Option<(String, String)>) -> Result<Self> {
        if token.trim().is_empty() {
            return Err(Error::invalid("the Vault token is empty")
                .hint("give a token with the transit policy"));
        }
        Ok(VaultSource {
            addr: addr.trim_end_matches('/').to_string(),
            token: token.trim().to_string(),
            target,
        })
    }

    /// POSTs to `/v1/{mount}/{op}/{key}` and returns the response's `data`.
    fn call(&self, mount: &str, op: &str, key: &str, body: Value) -> Result<Value> {
        let url = format!("{}/v1/{mount}/{op}/{key}", self.addr);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .build()
            .into();
        let mut resp = agent
            .post(&url)
            .header("X-Vault-Token", &self.token)
            .send_json(&body)
            .map_err(|e| {
                Error::new(
                    ErrorKind::Io,
                    format!("the Vault server at {} is unreachable: {e}", self.addr),
                )
            })?;
        let status = resp.status().as_u16();
        let v: Value = resp.body_mut().read_json().unwrap_or(Value::Null);
        // Vault's error texts ("permission denied", "invalid ciphertext") hold no secret.
        let errors = v
            .get("errors")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let what = format!("Vault transit {op} with key {mount}/{key} at {}", self.addr);
        match status {
            200..=299 => v
                .get("data")
                .cloned()
                .ok_or_else(|| Error::new(ErrorKind::Io, format!("{what}: the answer has no data"))),
            401 | 403 => Err(Error::new(
                ErrorKind::WrongKey,
                format!("{what} was refused (HTTP {status}: {errors}): the token is revoked, expired or lacks the policy"),
            )),
            400 => Err(Error::new(
                ErrorKind::WrongKey,
                format!("{what} was refused (HTTP 400: {errors})"),
            )),
            500..=599 => Err(Error::new(
                ErrorKind::Transient,
                format!("{what} failed on the server (HTTP {status}: {errors})"),
            )),
            _ => Err(Error::new(
                ErrorKind::Io,
                format!("{what} failed (HTTP {status}: {errors})"),
            )),
        }
    }
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a str> {
    super::answer::answer_field(v, name, "Vault")
}

impl KekSource for VaultSource {
    fn kind(&self) -> &'static str {
        "vault-transit"
    }

    fn wrap_kek(&self, _ctx: SlotContext<'_>, kek: &[u8; 32]) -> Result<(ExternalParams, String)> {
        let (mount, key) = self
            .target
            .clone()
            .ok_or_else(|| Error::invalid("no transit key given"))?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(kek);
        let data = self.call(&mount, "encrypt", &key, json!({ "plaintext": b64 }))?;
        let ct = field(&data, "ciphertext")?.to_string();
        let params = ExternalParams::VaultTransit(VaultParams {
            address: self.addr.clone(),
            mount,
            key,
        });
        Ok((params, ct))
    }

    fn unwrap_kek(
        &self,
        _ctx: SlotContext<'_>,
        params: &ExternalParams,
        wrapped: &str,
    ) -> Result<[u8; 32]> {
        let ExternalParams::VaultTransit(p) = params else {
            return Err(Error::invalid("not a vault-transit slot"));
        };
        let data = self.call(
            &p.mount,
            "decrypt",
            &p.key,
            json!({ "ciphertext": wrapped }),
        )?;
        super::answer::kek_from_base64(field(&data, "plaintext")?, "Vault")
    }

    fn rewrap_kek(
        &self,
        _from: SlotContext<'_>,
        _to: SlotContext<'_>,
        params: &ExternalParams,
        wrapped: &str,
    ) -> Option<Result<String>> {
        let ExternalParams::VaultTransit(p) = params else {
            return None;
        };
        Some(
            self.call(&p.mount, "rewrap", &p.key, json!({ "ciphertext": wrapped }))
                .and_then(|d| Ok(field(&d, "ciphertext")?.to_string())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse() {
        assert_eq!(
            parse_target("http://127.0.0.1:8200/transit/cairn").unwrap(),
            (
                "http://127.0.0.1:8200".into(),
                "transit".into(),
                "cairn".into()
            )
        );
        assert_eq!(
            parse_target("https://v.example/team/transit/k/").unwrap().1,
            "team/transit"
        );
        assert!(parse_target("127.0.0.1:8200/transit/cairn").is_err());
        assert!(parse_target("http://h/cairn").is_err());
    }
}
