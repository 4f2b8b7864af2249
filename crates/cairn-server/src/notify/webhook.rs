//! Webhooks: one JSON POST per event. `generic` sends the event's fields,
//! `slack` a `{"text": ...}` body that Slack's incoming webhooks (and
//! Mattermost's, Rocket.Chat's) show as a message.

use super::event::{Event, SendError};
use crate::error::{Error, Result};
use cairn_app::credentials::Secret;
use cairn_app::notify::{NotifyConfig, WebhookFormat};
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use std::time::Duration;

/// A webhook ready to post. Its `Debug` shows neither the URL's path nor
/// the token.
pub struct Webhook {
    url: String,
    format: WebhookFormat,
    token: Option<(HeaderName, HeaderValue)>,
    client: reqwest::Client,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &cairn_app::notify::redacted_url(&self.url))
            .field("format", &self.format)
            .field("token", &self.token.as_ref().map(|(h, _)| h))
            .finish()
    }
}

impl Webhook {
    /// Reads the token file (at startup, so a missing one stops the start).
    pub fn new(cfg: &NotifyConfig) -> Result<Self> {
        let bad = |m: String| Error::Config(format!("notify {}: {m}", cfg.name));
        let token = match &cfg.token_file {
            None => None,
            Some(file) => {
                let t = Secret::File(file.clone())
                    .read("token-file")
                    .map_err(|e| bad(e.to_string()))?;
                let (name, value) = match &cfg.token_header {
                    Some(h) => (
                        HeaderName::from_bytes(h.as_bytes())
                            .map_err(|_| bad(format!("token-header {h:?} is not a header name")))?,
                        t,
                    ),
                    None => (AUTHORIZATION, format!("Bearer {t}")),
                };
                let mut value = HeaderValue::from_str(&value).map_err(|_| {
                    bad("the token file's first line is not a valid header value".into())
                })?;
                value.set_sensitive(true);
                Some((name, value))
            }
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| bad(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Webhook {
            url: cfg.url.clone().unwrap_or_default(),
            format: cfg.format.unwrap_or_default(),
            token,
            client,
        })
    }

    /// Posts one event. A 4xx other than 408 and 429 is final (the
    /// receiver refuses this request; sending it again changes nothing).
    pub async fn send(&self, ev: &Event) -> std::result::Result<(), SendError> {
        let mut req = self
            .client
            .post(&self.url)
            .header(CONTENT_TYPE, "application/json")
            .body(body(self.format, ev));
        if let Some((name, value)) = &self.token {
            req = req.header(name.clone(), value.clone());
        }
        // Without the URL: a webhook's URL may be its secret.
        let r = req
            .send()
            .await
            .map_err(|e| SendError::Transient(e.without_url().to_string()))?;
        let status = r.status();
        if status.is_success() {
            return Ok(());
        }
        let m = format!("the receiver answered {status}");
        if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
            Err(SendError::Permanent(m))
        } else {
            Err(SendError::Transient(m))
        }
    }
}

/// The request body for `format`.
pub fn body(format: WebhookFormat, ev: &Event) -> Vec<u8> {
    let v = match format {
        WebhookFormat::Generic => serde_json::to_value(ev).unwrap_or_default(),
        WebhookFormat::Slack => serde_json::json!({ "text": ev.text() }),
    };
    v.to_string().into_bytes()
}
