//! The web console: a few static files (no build step, no external assets)
//! that ask for a token, keep it in the tab's session storage only, and
//! call the same API as every other client, so the console can do exactly
//! what the token's role may. It renders server data as text, never as
//! HTML: snapshot paths, file names and tags come from backed-up hosts and
//! may be hostile. Scripts and styles are files, so the page's CSP allows
//! no inline code at all (docs/SERVER.md, "The web console").

use crate::config::ServerConfig;
use crate::http::{envelope, Caller, St};
use crate::rbac::Permission;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// The page, served at `/`.
pub const PAGE: &str = include_str!("console/index.html");

/// The console's other files, served below `/console/`: name, type, body.
pub const FILES: &[(&str, &str, &str)] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("console/app.js"),
    ),
    (
        "dom.js",
        "text/javascript; charset=utf-8",
        include_str!("console/dom.js"),
    ),
    (
        "browse.js",
        "text/javascript; charset=utf-8",
        include_str!("console/browse.js"),
    ),
    (
        "gate.js",
        "text/javascript; charset=utf-8",
        include_str!("console/gate.js"),
    ),
    (
        "history.js",
        "text/javascript; charset=utf-8",
        include_str!("console/history.js"),
    ),
    (
        "chart.js",
        "text/javascript; charset=utf-8",
        include_str!("console/chart.js"),
    ),
    (
        "audit.js",
        "text/javascript; charset=utf-8",
        include_str!("console/audit.js"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_str!("console/icon.svg"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("console/style.css"),
    ),
];

/// No inline script or style, no framing, nothing fetched from elsewhere.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn static_file(content_type: &str, body: &'static str) -> Response {
    (
        [
            ("content-type", content_type),
            ("content-security-policy", CSP),
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("cache-control", "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// `GET /`: the page.
pub(crate) async fn page(_c: Caller) -> Response {
    static_file("text/html; charset=utf-8", PAGE)
}

/// `GET /console/{file}`: one of [`FILES`].
pub(crate) async fn file(c: Caller, Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, ct, body)) => static_file(ct, body),
        None => {
            let e = crate::Error::NotFound(format!("the console has no file {name:?}"));
            envelope(&c.info, StatusCode::NOT_FOUND, None, Err(&e))
        }
    }
}

/// `GET /api/v1/dr/whoami`: the caller, its role, what the role may do
/// (the console hides or disables what it may not), and the roots a
/// restore may write into.
pub(crate) async fn whoami(st: St, c: Caller) -> Response {
    let role = c.actor.role;
    let may = |p| role.may(p);
    let v = crate::wire::Whoami {
        name: c.actor.name.clone(),
        role,
        may: crate::wire::May {
            backup: may(Permission::Backup),
            restore: may(Permission::Restore),
            verify: may(Permission::Verify),
            delete: may(Permission::Delete),
            audit: may(Permission::Audit),
        },
        allow_roots: st.0.ctx.cfg.restore.allow_roots.clone(),
    };
    envelope(&c.info, StatusCode::OK, None, Ok(json!(v)))
}

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
        let sources = [super::PAGE]
            .into_iter()
            .chain(super::FILES.iter().map(|f| f.2));
        let all: String = sources.collect();
        for bad in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
        ] {
            assert!(!all.contains(bad), "the console uses {bad}");
        }
        assert!(all.contains("sessionStorage"));
        assert!(!all.contains("localStorage"), "tokens stay in the tab");
        // No inline code: the CSP would refuse it, so it would be dead.
        for inline in [
            "<script>",
            "<style",
            " style=",
            " onclick=",
            " onload=",
            "javascript:",
        ] {
            assert!(
                !super::PAGE.contains(inline),
                "the page has inline {inline}"
            );
        }
    }
}
