//! The web console: one static page (no build step, no external assets)
//! that asks for a token, keeps it in the tab's session storage only, and
//! calls the same API as every other client, so it can do exactly what the
//! token's role may. It renders server data as text, never as HTML:
//! snapshot paths and tags come from backed-up hosts and may be hostile.

use crate::config::ServerConfig;
use serde_json::{json, Value};

/// The page, served at `/`.
pub const PAGE: &str = include_str!("console.html");

/// One spec as `GET /api/v1/dr/specs` shows it.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(crate) struct SpecRow {
    name: String,
    /// The repository's name in the config.
    repository: String,
    paths: Vec<std::path::PathBuf>,
    tags: Vec<String>,
    /// Its cron line, if it is scheduled.
    schedule: Option<String>,
    /// The next scheduled run (RFC 3339), if it is scheduled.
    next_run: Option<String>,
    rpo: Option<String>,
    rto: Option<String>,
    /// Whether a retention policy is applied after scheduled backups.
    retention: bool,
}

/// The specs as the console (and `GET /api/v1/dr/specs`) shows them, with
/// each scheduled spec's next run after `now`.
pub fn specs(cfg: &ServerConfig, now: time::OffsetDateTime, tz: &jiff::tz::TimeZone) -> Value {
    let rows: Vec<Value> = cfg
        .spec
        .iter()
        .map(|s| {
            let next = s
                .schedule
                .as_deref()
                .and_then(|l| cairn_app::cron::next_run(l, now, tz))
                .map(cairn_core::clock::rfc3339);
            json!(SpecRow {
                name: s.name.clone(),
                repository: s.repository.clone(),
                paths: s.paths.clone(),
                tags: s.tags.clone(),
                schedule: s.schedule.clone(),
                next_run: next,
                rpo: s.rpo.clone(),
                rto: s.rto.clone(),
                retention: s.retention.is_some(),
            })
        })
        .collect();
    json!(rows)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_never_renders_server_data_as_html() {
        // Hostile snapshot paths must stay text: no innerHTML, no
        // insertAdjacentHTML, no document.write anywhere in the page.
        for bad in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
        ] {
            assert!(!super::PAGE.contains(bad), "the console uses {bad}");
        }
        assert!(super::PAGE.contains("sessionStorage"));
        assert!(
            !super::PAGE.contains("localStorage"),
            "tokens stay in the tab"
        );
    }
}
