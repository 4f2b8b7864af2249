//! Mail: one plain-text message per event over SMTP (lettre), with STARTTLS
//! or TLS, or in the clear to a relay on this machine.

use super::event::{Event, SendError};
use crate::error::{Error, Result};
use cairn_app::credentials::Secret;
use cairn_app::notify::{MailTls, NotifyConfig};
use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// An SMTP route ready to send. No `Debug` of its parts: the transport
/// holds the password.
pub struct Mail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("from", &self.from.to_string())
            .field("to", &self.to.len())
            .finish_non_exhaustive()
    }
}

impl Mail {
    /// Reads the password file (at startup) and checks the addresses.
    pub fn new(cfg: &NotifyConfig) -> Result<Self> {
        let bad = |m: String| Error::Config(format!("notify {}: {m}", cfg.name));
        let addr = |a: &str| {
            a.parse::<Mailbox>()
                .map_err(|e| bad(format!("{a:?} is not a mail address: {e}")))
        };
        let from = addr(cfg.from.as_deref().unwrap_or_default())?;
        let to = cfg.to.iter().map(|a| addr(a)).collect::<Result<Vec<_>>>()?;
        let host = cfg.smtp_server.as_deref().unwrap_or_default();
        let tls_err = |e: lettre::transport::smtp::Error| bad(format!("smtp-server {host}: {e}"));
        let builder = match cfg.tls.unwrap_or_default() {
            MailTls::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(tls_err)?
            }
            MailTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(tls_err)?,
            // Checked at load time: only to a loopback address.
            MailTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let mut builder = builder
            .port(cfg.port())
            .timeout(Some(Duration::from_secs(30)));
        if let (Some(user), Some(file)) = (&cfg.username, &cfg.password_file) {
            let pw = Secret::File(file.clone())
                .read("password-file")
                .map_err(|e| bad(e.to_string()))?;
            builder = builder.credentials(Credentials::new(user.clone(), pw));
        }
        Ok(Mail {
            transport: builder.build(),
            from,
            to,
        })
    }

    /// Sends one event; a permanent SMTP refusal (5xx) is final.
    pub async fn send(&self, ev: &Event) -> std::result::Result<(), SendError> {
        let mut m = Message::builder()
            .from(self.from.clone())
            .subject(format!("[cairn] {}: {}", ev.event, ev.summary))
            .header(ContentType::TEXT_PLAIN);
        for t in &self.to {
            m = m.to(t.clone());
        }
        let msg = m
            .body(ev.mail_body())
            .map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))?;
        match self.transport.send(msg).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }
}
