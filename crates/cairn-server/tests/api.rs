//! Router tests with `oneshot`: every route against every role, envelopes,
//! bad input. (The real server over loopback is tested through the binary in
//! cairn-cli/tests/serve.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cairn_core::clock::{parse_rfc3339, FixedClock};
use cairn_server::api::{router, ROUTES};
use cairn_server::config::ServerConfig;
use cairn_server::rbac::{Permission, Role};
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

struct Fixture {
    _dir: tempfile::TempDir,
    app: axum::Router,
    tokens: Vec<(Role, String)>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    std::fs::write(dir.path().join("pass"), "pw\n").unwrap();
    let cfg = format!(
        r#"
audit-log = "{d}/audit.jsonl"
tokens = "{d}/tokens.json"
body-limit = 1024
[repository.main]
location = "{d}/repo"
password-file = "{d}/pass"
[[spec]]
name = "home"
repository = "main"
paths = ["{d}/src"]
retention = {{ keep-last = 3 }}
[restore]
allow-roots = ["{d}/restore"]
"#
    );
    let cfg = ServerConfig::parse(&cfg, "test").unwrap();
    let store = cairn_server::tokens::TokenStore::new(&cfg.tokens);
    let mut tokens = Vec::new();
    for role in [Role::Admin, Role::Service, Role::Analyst] {
        let (t, _) = store
            .create(&format!("{role:?}"), role, "2026-11-27T00:00:00Z")
            .unwrap();
        tokens.push((role, t));
    }
    let clock = Arc::new(FixedClock(parse_rfc3339("2026-11-27T10:00:00Z").unwrap()));
    let st = cairn_server::server::state(cfg, clock).unwrap();
    Fixture {
        _dir: dir,
        app: router(st),
        tokens,
    }
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: &str,
) -> (StatusCode, serde_json::Value) {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    let resp = app
        .clone()
        .oneshot(b.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, v)
}

fn concrete(path: &str) -> String {
    path.replace("{id}", "0123456789abcdef")
}

fn body_for(path: &str) -> &'static str {
    if path.ends_with("/restore") {
        r#"{"snapshot": "latest", "target": "/tmp/nowhere-allowed"}"#
    } else if path.ends_with("/backup") || path.ends_with("/forget") {
        r#"{"spec": "home"}"#
    } else {
        "{}"
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_against_every_role() {
    let f = fixture();
    for (method, path, perm, _) in ROUTES {
        let uri = concrete(path);
        // No token, and a well-formed but unknown token.
        let (s, v) = call(&f.app, method, &uri, None, body_for(path)).await;
        if *perm == Permission::Public {
            assert!(s.is_success(), "{method} {path} public but {s}");
            continue;
        }
        assert_eq!(
            s,
            StatusCode::UNAUTHORIZED,
            "{method} {path} without a token: {v}"
        );
        assert!(
            v["request_id"].is_string() && v["error"]["code"] == "unauthenticated",
            "{v}"
        );
        let bogus = "cairn_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_00000000";
        let (s, _) = call(&f.app, method, &uri, Some(bogus), body_for(path)).await;
        assert_eq!(
            s,
            StatusCode::UNAUTHORIZED,
            "{method} {path} with a bad token"
        );
        for (role, tok) in &f.tokens {
            let (s, v) = call(&f.app, method, &uri, Some(tok), body_for(path)).await;
            if role.may(*perm) {
                assert!(
                    s != StatusCode::UNAUTHORIZED && s != StatusCode::FORBIDDEN
                        || path.ends_with("/restore"),
                    "{method} {path} as {role:?}: {s} {v}"
                );
            } else {
                assert_eq!(s, StatusCode::FORBIDDEN, "{method} {path} as {role:?}: {v}");
            }
            // A routed answer always carries the envelope; the router's own 404 does not.
            assert!(
                v["request_id"].is_string(),
                "{method} {path} is not routed: {s}"
            );
        }
    }
    // The table is the whole API: an undeclared route does not exist.
    let (s, _) = call(
        &f.app,
        "DELETE",
        "/api/v1/dr/snapshots",
        Some(&f.tokens[0].1),
        "",
    )
    .await;
    assert!(
        s == StatusCode::METHOD_NOT_ALLOWED || s == StatusCode::NOT_FOUND,
        "{s}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_clear_errors_in_the_envelope() {
    let f = fixture();
    let admin = &f.tokens[0].1;
    let (s, v) = call(
        &f.app,
        "POST",
        "/api/v1/dr/backup",
        Some(admin),
        "{not json",
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "bad_request");
    let (s, v) = call(
        &f.app,
        "POST",
        "/api/v1/dr/backup",
        Some(admin),
        r#"{"spec": "nope"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("nope"));
    assert!(v["audit_id"].is_number(), "refusals are audited: {v}");
    let big = format!(r#"{{"spec": "{}"}}"#, "x".repeat(4096));
    let (s, _) = call(&f.app, "POST", "/api/v1/dr/backup", Some(admin), &big).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    // Restores go only below the allowed roots, for every role.
    let (s, v) = call(
        &f.app,
        "POST",
        "/api/v1/dr/restore",
        Some(admin),
        r#"{"snapshot": "latest", "target": "/etc"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = call(
        &f.app,
        "POST",
        "/api/v1/dr/restore",
        Some(admin),
        r#"{"snapshot": "latest", "target": "/etc/../tmp/x"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = call(&f.app, "GET", "/api/v1/dr/jobs/ffff", Some(admin), "").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = call(
        &f.app,
        "GET",
        "/api/v1/dr/snapshots?bogus=1",
        Some(admin),
        "",
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = call(&f.app, "GET", "/api/v1/openapi.json", None, "").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["paths"].as_object().unwrap().len(),
        ROUTES
            .iter()
            .map(|r| r.1)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
}

#[test]
fn the_scheduler_runs_due_specs_once_and_catches_up_once() {
    let cfg = ServerConfig::parse(
        r#"
audit-log = "/x/a"
tokens = "/x/t"
[repository.main]
location = "/x/r"
password-file = "/x/p"
[[spec]]
name = "nightly"
repository = "main"
paths = ["/home"]
schedule = "0 2 * * *"
[[spec]]
name = "manual"
repository = "main"
paths = ["/srv"]
"#,
        "t",
    )
    .unwrap();
    let utc = jiff::tz::TimeZone::UTC;
    let t = |s: &str| parse_rfc3339(s).unwrap();
    let mut last = std::collections::HashMap::new();
    // Never backed up: one run at once.
    assert_eq!(
        cairn_server::server::due(&cfg, &last, t("2026-11-27T10:00:00Z"), &utc),
        vec!["nightly"]
    );
    // Backed up at 02:00 today: nothing until 02:00 tomorrow.
    last.insert("nightly".to_string(), t("2026-11-27T02:00:00Z"));
    assert!(cairn_server::server::due(&cfg, &last, t("2026-11-27T10:00:00Z"), &utc).is_empty());
    assert!(cairn_server::server::due(&cfg, &last, t("2026-11-28T01:59:59Z"), &utc).is_empty());
    assert_eq!(
        cairn_server::server::due(&cfg, &last, t("2026-11-28T02:00:00Z"), &utc),
        vec!["nightly"]
    );
    // Three days of downtime: due (once: the caller records the run).
    assert_eq!(
        cairn_server::server::due(&cfg, &last, t("2026-11-30T12:00:00Z"), &utc),
        vec!["nightly"]
    );
    last.insert("nightly".to_string(), t("2026-11-30T12:00:00Z"));
    assert!(cairn_server::server::due(&cfg, &last, t("2026-11-30T12:00:01Z"), &utc).is_empty());
}
