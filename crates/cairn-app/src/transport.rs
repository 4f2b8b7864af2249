//! How `cairn serve` meets the network: TLS files, the plaintext opt-in and
//! the limits that keep slow or numerous clients from holding the server
//! (docs/SERVER.md, "Transport"). Only the settings live here; the listener
//! that applies them is cairn-server's.

use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

/// `[tls]`: the server's certificate chain and key (PEM), re-read on SIGHUP,
/// and optionally a CA whose client certificates are required.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TlsConfig {
    /// The certificate chain, leaf first (PEM).
    pub cert: PathBuf,
    /// Its private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
    /// When set, every connection must present a client certificate signed
    /// by this CA (PEM).
    #[serde(default)]
    pub client_ca: Option<PathBuf>,
}

/// `[limits]`: how long a client may take and how many may be connected.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// The TLS handshake and a request's headers must arrive within this.
    #[serde(default = "default_header_timeout")]
    pub header_timeout: String,
    /// A request's body must arrive within this.
    #[serde(default = "default_body_timeout")]
    pub body_timeout: String,
    /// Connections served at once; more wait in the kernel's backlog.
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    /// Requests that fail to authenticate, per client address per minute
    /// (each is an audit entry); beyond it, 429 and no entry. 0: no limit.
    #[serde(default = "default_unauthenticated_per_minute")]
    pub unauthenticated_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: default_header_timeout(),
            body_timeout: default_body_timeout(),
            max_connections: default_max_connections(),
            unauthenticated_per_minute: default_unauthenticated_per_minute(),
        }
    }
}

fn default_header_timeout() -> String {
    "10s".into()
}

fn default_body_timeout() -> String {
    "30s".into()
}

fn default_max_connections() -> usize {
    256
}

fn default_unauthenticated_per_minute() -> u32 {
    30
}

impl Limits {
    /// The header timeout (checked at load time).
    pub fn header_timeout(&self) -> Duration {
        crate::duration::parse_duration(&self.header_timeout).unwrap_or(Duration::from_secs(10))
    }

    /// The body timeout (checked at load time).
    pub fn body_timeout(&self) -> Duration {
        crate::duration::parse_duration(&self.body_timeout).unwrap_or(Duration::from_secs(30))
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        for (what, v) in [
            ("header-timeout", &self.header_timeout),
            ("body-timeout", &self.body_timeout),
        ] {
            match crate::duration::parse_duration(v) {
                Ok(d) if !d.is_zero() => {}
                Ok(_) => return Err(format!("limits.{what}: must be more than 0s")),
                Err(e) => return Err(format!("limits.{what}: {e}")),
            }
        }
        if self.max_connections == 0 {
            return Err("limits.max-connections: must be at least 1".into());
        }
        Ok(())
    }
}
