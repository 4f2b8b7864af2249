//! `[[notify]]`: where `cairn serve` tells people that something went wrong
//! (a job failed, the gate failed, a spec's newest backup is older than its
//! RPO) and that it is fine again (docs/SERVER.md, "Notifications"). Only
//! the settings and their checks live here; sending is cairn-server's.
//!
//! A notifier's secrets (a webhook token, an SMTP password) are files read
//! when the server starts, never values in the config; a webhook URL may be
//! a secret itself (Slack's are), so `Debug` shows its scheme and host only.

use serde::Deserialize;
use std::path::PathBuf;

/// What a notifier can be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyEvent {
    /// A job (backup, restore, verify, forget, gate run) ended in an error.
    JobFailed,
    /// A gate run did not pass.
    GateFailed,
    /// A spec's newest complete backup became older than its RPO.
    RpoBreach,
    /// A spec whose last backup failed, whose RPO was breached or that
    /// failed the gate is healthy again.
    Recovered,
}

impl NotifyEvent {
    /// Every event, the default of `on`.
    pub const ALL: [NotifyEvent; 4] = [
        NotifyEvent::JobFailed,
        NotifyEvent::GateFailed,
        NotifyEvent::RpoBreach,
        NotifyEvent::Recovered,
    ];

    /// The name used in the config, in bodies and in mail subjects.
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyEvent::JobFailed => "job_failed",
            NotifyEvent::GateFailed => "gate_failed",
            NotifyEvent::RpoBreach => "rpo_breach",
            NotifyEvent::Recovered => "recovered",
        }
    }
}

/// How a notifier delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyKind {
    /// An HTTP POST of a JSON body.
    Webhook,
    /// Mail over SMTP.
    Mail,
}

/// A webhook's body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookFormat {
    /// The event's fields as a JSON object.
    #[default]
    Generic,
    /// `{"text": ...}`: Slack's incoming webhooks (and Mattermost's, Rocket.Chat's).
    Slack,
}

/// How mail reaches the SMTP server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailTls {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No TLS: only to a server on a loopback address (a local relay).
    None,
}

/// One `[[notify]]` table.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NotifyConfig {
    /// Unique name, in logs and in the `dr_notifications_total` metric.
    pub name: String,
    /// `webhook` or `mail`.
    pub kind: NotifyKind,
    /// The events sent (default: all).
    #[serde(default = "all_events")]
    pub on: Vec<NotifyEvent>,
    /// Tries per message before it is given up (default 5).
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    /// Webhook: where to POST (`https://`; `http://` to loopback, or
    /// without a token).
    #[serde(default)]
    pub url: Option<String>,
    /// Webhook: the body's shape (default `generic`).
    #[serde(default)]
    pub format: Option<WebhookFormat>,
    /// Webhook: a file whose first line is a token, sent as
    /// `Authorization: Bearer TOKEN` (or under `token-header`).
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    /// Webhook: the header the token is sent in, as it is (`X-Gitlab-Token`).
    #[serde(default)]
    pub token_header: Option<String>,
    /// Mail: the SMTP server's host name.
    #[serde(default)]
    pub smtp_server: Option<String>,
    /// Mail: its port (default 587, 465 for `tls = "tls"`, 25 for `none`).
    #[serde(default)]
    pub smtp_port: Option<u16>,
    /// Mail: `starttls` (default), `tls` or `none` (loopback only).
    #[serde(default)]
    pub tls: Option<MailTls>,
    /// Mail: the sender address.
    #[serde(default)]
    pub from: Option<String>,
    /// Mail: the recipients.
    #[serde(default)]
    pub to: Vec<String>,
    /// Mail: the SMTP user (needs `password-file`).
    #[serde(default)]
    pub username: Option<String>,
    /// Mail: a file whose first line is the SMTP password.
    #[serde(default)]
    pub password_file: Option<PathBuf>,
}

fn all_events() -> Vec<NotifyEvent> {
    NotifyEvent::ALL.to_vec()
}

fn default_attempts() -> u32 {
    5
}

/// The most tries a message gets: with the backoff doubling from a second
/// up to a minute, 20 tries span a quarter of an hour.
pub const MAX_ATTEMPTS: u32 = 20;

impl std::fmt::Debug for NotifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyConfig")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("on", &self.on)
            .field("url", &self.url.as_deref().map(redacted_url))
            .field("smtp_server", &self.smtp_server)
            .field("token_file", &self.token_file)
            .field("password_file", &self.password_file)
            .finish_non_exhaustive()
    }
}

/// `scheme://host/…`: a URL without what may be its secret part.
pub fn redacted_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{}/…", host_of(rest)),
        None => "<not a URL>".into(),
    }
}

/// The host of `rest` (a URL after `scheme://`), without user or port.
fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    if let Some(v6) = host_port.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    host_port.split(':').next().unwrap_or("")
}

/// Whether `host` names this machine only.
pub fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl NotifyConfig {
    /// The mail port, defaulted by the TLS mode.
    pub fn port(&self) -> u16 {
        self.smtp_port
            .unwrap_or(match self.tls.unwrap_or_default() {
                MailTls::Starttls => 587,
                MailTls::Tls => 465,
                MailTls::None => 25,
            })
    }

    /// Whether this notifier wants `event`.
    pub fn wants(&self, event: NotifyEvent) -> bool {
        self.on.contains(&event)
    }

    fn check(&self) -> Result<(), String> {
        let n = &self.name;
        if n.trim().is_empty() {
            return Err("notify: every [[notify]] needs a name".into());
        }
        if self.on.is_empty() {
            return Err(format!(
                "notify {n}: on is empty; list events or leave it out for all"
            ));
        }
        if !(1..=MAX_ATTEMPTS).contains(&self.attempts) {
            return Err(format!("notify {n}: attempts must be 1 to {MAX_ATTEMPTS}"));
        }
        let webhook = [
            ("url", self.url.is_some()),
            ("format", self.format.is_some()),
            ("token-file", self.token_file.is_some()),
            ("token-header", self.token_header.is_some()),
        ];
        let mail = [
            ("smtp-server", self.smtp_server.is_some()),
            ("smtp-port", self.smtp_port.is_some()),
            ("tls", self.tls.is_some()),
            ("from", self.from.is_some()),
            ("to", !self.to.is_empty()),
            ("username", self.username.is_some()),
            ("password-file", self.password_file.is_some()),
        ];
        let (others, other_kind) = match self.kind {
            NotifyKind::Webhook => (&mail[..], "mail"),
            NotifyKind::Mail => (&webhook[..], "webhook"),
        };
        if let Some((key, _)) = others.iter().find(|(_, set)| *set) {
            return Err(format!(
                "notify {n}: {key} belongs to kind = \"{other_kind}\""
            ));
        }
        match self.kind {
            NotifyKind::Webhook => self.check_webhook(),
            NotifyKind::Mail => self.check_mail(),
        }
    }

    fn check_webhook(&self) -> Result<(), String> {
        let n = &self.name;
        let url = self
            .url
            .as_deref()
            .ok_or_else(|| format!("notify {n}: a webhook needs a url"))?;
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| format!("notify {n}: url is not an http(s) URL"))?;
        let host = host_of(rest);
        if !matches!(scheme, "http" | "https") || host.is_empty() {
            return Err(format!("notify {n}: url is not an http(s) URL"));
        }
        if scheme == "http" && self.token_file.is_some() && !is_loopback_host(host) {
            return Err(format!(
                "notify {n}: a token goes only over https (or http to a loopback address)"
            ));
        }
        if self.token_header.is_some() && self.token_file.is_none() {
            return Err(format!("notify {n}: token-header needs token-file"));
        }
        Ok(())
    }

    fn check_mail(&self) -> Result<(), String> {
        let n = &self.name;
        let server = self
            .smtp_server
            .as_deref()
            .ok_or_else(|| format!("notify {n}: mail needs smtp-server"))?;
        if self.from.as_deref().is_none_or(|f| !f.contains('@')) {
            return Err(format!("notify {n}: mail needs from, an address"));
        }
        if self.to.is_empty() || self.to.iter().any(|t| !t.contains('@')) {
            return Err(format!("notify {n}: mail needs to, a list of addresses"));
        }
        if self.username.is_some() != self.password_file.is_some() {
            return Err(format!(
                "notify {n}: username and password-file go together"
            ));
        }
        if self.tls == Some(MailTls::None) && !is_loopback_host(server) {
            return Err(format!(
                "notify {n}: tls = \"none\" only to a loopback smtp-server; use starttls or tls"
            ));
        }
        Ok(())
    }
}

/// Checks every `[[notify]]`: each valid for its kind, names unique.
pub fn check_all(all: &[NotifyConfig]) -> Result<(), String> {
    let mut names = std::collections::BTreeSet::new();
    for n in all {
        n.check()?;
        if !names.insert(n.name.as_str()) {
            return Err(format!("notify {} is defined twice", n.name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ServerConfig;

    const BASE: &str = "audit-log = \"/a/audit.jsonl\"\ntokens = \"/a/tokens.json\"\n";

    fn parse(notify: &str) -> Result<ServerConfig, String> {
        ServerConfig::parse(&format!("{BASE}{notify}"), "t").map_err(|e| e.to_string())
    }

    #[test]
    fn the_documented_examples_load() {
        let c = parse(
            r#"
[[notify]]
name = "chat"
kind = "webhook"
url = "https://hooks.slack.com/services/T0/B0/XYZ"
format = "slack"
on = ["job_failed", "recovered"]
[[notify]]
name = "ops-mail"
kind = "mail"
smtp-server = "mail.example.org"
from = "cairn@example.org"
to = ["ops@example.org"]
username = "cairn"
password-file = "/etc/cairn/smtp.pass"
"#,
        )
        .unwrap();
        assert_eq!(c.notify[0].format, Some(WebhookFormat::Slack));
        assert!(c.notify[0].wants(NotifyEvent::Recovered));
        assert!(!c.notify[0].wants(NotifyEvent::RpoBreach));
        assert_eq!(c.notify[1].on, NotifyEvent::ALL.to_vec());
        assert_eq!((c.notify[1].port(), c.notify[1].attempts), (587, 5));
        let debug = format!("{c:?}");
        assert!(!debug.contains("XYZ"), "{debug}");
    }

    #[test]
    fn the_shipped_example_config_loads() {
        let text = include_str!("../../../contrib/cairn.example.toml");
        let c = ServerConfig::parse(text, "contrib/cairn.example.toml").unwrap();
        assert_eq!(c.notify.len(), 2);
    }

    #[test]
    fn mistakes_are_named() {
        let hook =
            "[[notify]]\nname = \"h\"\nkind = \"webhook\"\nurl = \"http://hooks.example.org/x\"\n";
        let cases = [
            (format!("{hook}on = [\"job_failled\"]"), "job_failled"),
            (format!("{hook}smtp-server = \"m\""), "smtp-server belongs to kind = \"mail\""),
            (format!("{hook}token-file = \"/t\""), "only over https"),
            (format!("{hook}attempts = 0"), "attempts"),
            (format!("{hook}on = []"), "on is empty"),
            (format!("{hook}{hook}"), "defined twice"),
            (hook.replace("http://hooks.example.org/x", "hooks"), "not an http(s) URL"),
            (
                "[[notify]]\nname = \"m\"\nkind = \"mail\"\nsmtp-server = \"mail.example.org\"\ntls = \"none\"\nfrom = \"a@b\"\nto = [\"c@d\"]".into(),
                "loopback",
            ),
            (
                "[[notify]]\nname = \"m\"\nkind = \"mail\"\nsmtp-server = \"127.0.0.1\"\nfrom = \"a@b\"".into(),
                "needs to",
            ),
        ];
        for (toml, want) in cases {
            let e = parse(&toml).unwrap_err();
            assert!(e.contains(want), "{toml}: {e}");
        }
        assert!(parse(
            &format!("{hook}token-file = \"/t\"").replace("hooks.example.org", "127.0.0.1")
        )
        .is_ok());
    }

    #[test]
    fn hosts_and_redaction() {
        let u = "https://hooks.slack.com/services/T0/B0/secretpart";
        assert_eq!(redacted_url(u), "https://hooks.slack.com/…");
        assert_eq!(host_of("user:pw@[::1]:8080/x"), "::1");
        assert_eq!(host_of("127.0.0.1:9/x?y"), "127.0.0.1");
        assert!(is_loopback_host("::1") && is_loopback_host("127.0.0.2"));
        assert!(!is_loopback_host("mail.example.org"));
    }
}
