//! What a notifier sends and how sending fails: shared by the routes
//! (webhook, mail) and the queue that feeds them, in a leaf of its own.

use cairn_app::notify::NotifyEvent;
use serde::Serialize;

/// One event, as a generic webhook's body shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// `job_failed`, `gate_failed`, `rpo_breach` or `recovered`.
    pub event: &'static str,
    /// The spec, or `*` for a job about every spec (a gate run).
    pub spec: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_kind: Option<&'static str>,
    /// One line: what happened.
    pub summary: String,
    /// The error, the failing checks, what was wrong before.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
    pub time: String,
    #[serde(skip)]
    pub(crate) kind: NotifyEvent,
}

impl Event {
    /// The text of a chat message.
    pub fn text(&self) -> String {
        match self.detail.is_empty() {
            true => format!("cairn: {}", self.summary),
            false => format!("cairn: {}\n{}", self.summary, self.detail),
        }
    }

    /// The text of a mail.
    pub fn mail_body(&self) -> String {
        let mut s = format!("{}\n\n", self.summary);
        if !self.detail.is_empty() {
            s += &format!("{}\n\n", self.detail);
        }
        s += &format!("event: {}\nspec: {}\n", self.event, self.spec);
        if let Some(j) = &self.job {
            s += &format!("job: {j}\n");
        }
        s + &format!("time: {}\n", self.time)
    }
}

/// Why a message was not delivered.
#[derive(Debug)]
pub enum SendError {
    /// Worth another try (no connection, a 5xx, a timeout).
    Transient(String),
    /// The receiver refused this message; another try changes nothing.
    Permanent(String),
}
