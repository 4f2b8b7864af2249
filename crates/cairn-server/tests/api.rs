//! Router tests with `oneshot`: every route against every role, envelopes,
//! bad input. (The real server over loopback is tested through the binary in
//! cairn-cli/tests/serve.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cairn_core::clock::{parse_rfc3339, FixedClock};
use cairn_server::api::router;
use cairn_server::config::ServerConfig;
use cairn_server::rbac::{Permission, Role};
use cairn_server::routes::ROUTES;
use cairn_test_support::ServerToml;
use http_body_util::BodyExt;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

struct Fixture {
    _dir: tempfile::TempDir,
    app: axum::Router,
    tokens: Vec<(Role, String)>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pass"), "pw\n").unwrap();
    let cfg = ServerToml::new(d)
        .setting("body-limit = 1024")
        .repository(
            "main",
            d.join("repo"),
            &ServerToml::password_file(&d.join("pass")),
        )
        .spec(
            "home",
            "main",
            &[d.join("src")],
            "retention = { keep-last = 3 }",
        )
        .allow_roots(&[d.join("restore")])
        .to_toml();
    let cfg = ServerConfig::parse(&cfg, "test").unwrap();
    let store = cairn_server::tokens::TokenStore::new(&cfg.tokens);
    let mut tokens = Vec::new();
    for role in [Role::Admin, Role::Service, Role::Analyst] {
        let (t, _) = store
            .create(&format!("{role:?}"), role, time::OffsetDateTime::UNIX_EPOCH)
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
    call_typed(app, method, uri, token, "application/json", body).await
}

async fn call_typed(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    content_type: &str,
    body: &str,
) -> (StatusCode, serde_json::Value) {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", content_type);
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
        .replace("{file}", "app.js")
        .replace("{name}", "offsite")
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
    // HEAD is GET without the body: the same status for every caller.
    for (_, path, _, _) in ROUTES.iter().filter(|r| r.0 == "GET") {
        let uri = concrete(path);
        let callers = [None]
            .into_iter()
            .chain(f.tokens.iter().map(|(_, t)| Some(t.as_str())));
        for tok in callers {
            let (g, _) = call(&f.app, "GET", &uri, tok, "").await;
            let (h, _) = call(&f.app, "HEAD", &uri, tok, "").await;
            assert_eq!(g, h, "HEAD {path} answers unlike GET");
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
    // A relative target means nothing to a server; a missing parent is
    // refused at submission, not as a failed job.
    for (target, says) in [
        ("restore/here", "relative"),
        ("/no/such/parent/x", "does not exist"),
    ] {
        let body = format!(r#"{{"snapshot": "latest", "target": "{target}"}}"#);
        let (s, v) = call(&f.app, "POST", "/api/v1/dr/restore", Some(admin), &body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(v.to_string().contains(says), "{v}");
    }
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
    let cfg = ServerToml::new(Path::new("/x"))
        .repository(
            "main",
            "/x/r",
            &ServerToml::password_file(Path::new("/x/p")),
        )
        .spec("nightly", "main", &["/home"], "schedule = \"0 2 * * *\"")
        .spec("manual", "main", &["/srv"], "")
        .to_toml();
    let cfg = ServerConfig::parse(&cfg, "t").unwrap();
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

#[test]
fn the_gate_runs_on_its_own_schedule_from_its_last_report() {
    let cfg = ServerToml::new(Path::new("/x"))
        .tail("[gate]\nschedule = \"30 4 * * *\"")
        .to_toml();
    let cfg = ServerConfig::parse(&cfg, "t").unwrap();
    let utc = jiff::tz::TimeZone::UTC;
    let t = |s: &str| parse_rfc3339(s).unwrap();
    let due = |last, now| cairn_server::server::gate_due(&cfg, t(last), t(now), &utc);
    assert!(!due("2026-11-27T04:30:00Z", "2026-11-28T04:29:59Z"));
    assert!(due("2026-11-27T04:30:00Z", "2026-11-28T04:30:00Z"));
    // After a week down: due, once (the caller records the run).
    assert!(due("2026-11-20T04:30:00Z", "2026-11-27T12:00:00Z"));
    assert!(!due("2026-11-27T12:00:00Z", "2026-11-27T12:00:01Z"));
    // No schedule: never.
    let none = ServerConfig::parse(&ServerToml::new(Path::new("/x")).to_toml(), "t").unwrap();
    assert!(!cairn_server::server::gate_due(
        &none,
        t("2020-01-01T00:00:00Z"),
        t("2026-11-27T12:00:00Z"),
        &utc
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_and_the_specs_route() {
    let f = fixture();
    let resp = f
        .app
        .clone()
        .oneshot(Request::builder().uri("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let ct = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/html"), "{ct}");
    let h = |k: &str| resp.headers()[k].to_str().unwrap().to_string();
    // No inline code, no framing, no sniffing.
    let csp = h("content-security-policy");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert_eq!(h("x-content-type-options"), "nosniff");
    let page = resp.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&page).contains("/console/app.js"));
    // The scripts and styles are files of their own type; an unknown one is a 404.
    for (file, ty) in [("app.js", "text/javascript"), ("style.css", "text/css")] {
        let req = Request::builder().uri(format!("/console/{file}"));
        let resp = f
            .app
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{file}");
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(ty));
        assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    }
    let (s, _) = call(&f.app, "GET", "/console/../cairn.toml", None, "").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(&f.app, "GET", "/console/nope.js", None, "").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // JSON answers are not sniffed either.
    let resp = f
        .app
        .clone()
        .oneshot(
            Request::builder()
                .uri("/healthz")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    // Who a token is, for the console to hide what its role may not do.
    let (s, v) = call(&f.app, "GET", "/api/v1/dr/whoami", Some(&f.tokens[2].1), "").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["role"], "analyst");
    assert_eq!(v["data"]["may"]["restore"], false);
    let (_, v) = call(&f.app, "GET", "/api/v1/dr/whoami", Some(&f.tokens[1].1), "").await;
    assert_eq!(
        (
            v["data"]["may"]["restore"].clone(),
            v["data"]["may"]["delete"].clone()
        ),
        (true.into(), false.into())
    );

    let analyst = &f.tokens[2].1;
    let (s, v) = call(&f.app, "GET", "/api/v1/dr/specs", Some(analyst), "").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"][0]["name"], "home");
    assert_eq!(v["data"][0]["retention"], true);
    assert!(v["data"][0]["next_run"].is_null(), "not scheduled: {v}");
    // No gate report yet: a 404 that says how to get one.
    let (s, v) = call(&f.app, "GET", "/api/v1/dr/gate", Some(analyst), "").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("gate.schedule"));
    // An analyst may not start one; an unknown spec is refused before queuing.
    let (s, _) = call(&f.app, "POST", "/api/v1/dr/gate", Some(analyst), "{}").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let admin = &f.tokens[0].1;
    let (s, v) = call(
        &f.app,
        "POST",
        "/api/v1/dr/gate",
        Some(admin),
        r#"{"specs": ["nope"]}"#,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
}

#[test]
fn a_gate_report_sets_the_metrics_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let text = ServerToml::new(dir.path()).to_toml();
    let clock = || Arc::new(FixedClock(parse_rfc3339("2026-11-27T10:00:00Z").unwrap()));
    let report = serde_json::json!({
        "version": 2, "time": "2026-11-27T09:00:00Z", "seed": "7", "pass": false,
        "checks": [
            {"id": "dr_integrity", "pass": true, "waived": false},
            {"id": "dr_perf", "pass": false, "waived": false, "reason": "RPO 30h over 26h"},
        ],
        "specs": [
            {"name": "home", "rpo_seconds": 108000, "rto_seconds": 12.5},
            {"name": "never", "rpo_seconds": null, "rto_seconds": null},
        ],
    });
    let st =
        cairn_server::server::state(ServerConfig::parse(&text, "t").unwrap(), clock()).unwrap();
    cairn_server::drills::record(&st.ctx, &report);
    let m = st.ctx.metrics.encode();
    for want in [
        "dr_gate_pass{check=\"dr_integrity\"} 1",
        "dr_gate_pass{check=\"dr_perf\"} 0",
        "dr_rpo_seconds{spec=\"home\"} 108000",
        "dr_rto_seconds{spec=\"home\"} 12.5",
        "dr_gate_last_run_timestamp_seconds 1795770000",
    ] {
        assert!(m.contains(want), "missing {want}:\n{m}");
    }
    // Nothing measured is no sample, not a zero.
    assert!(!m.contains("spec=\"never\""), "{m}");

    // The server writes the report into gate.out; a new server reloads it.
    let out = st.ctx.cfg.gate_out();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("rg7_report.json"), report.to_string()).unwrap();
    let st2 =
        cairn_server::server::state(ServerConfig::parse(&text, "t").unwrap(), clock()).unwrap();
    assert_eq!(st2.ctx.gate_last.lock().unwrap().as_ref(), Some(&report));
    assert_eq!(
        cairn_server::drills::last_run(&st2.ctx),
        Some(parse_rfc3339("2026-11-27T09:00:00Z").unwrap())
    );
    assert!(st2
        .ctx
        .metrics
        .encode()
        .contains("dr_gate_pass{check=\"dr_perf\"} 0"));
    // A report of another version is ignored, not misread.
    std::fs::write(out.join("rg7_report.json"), r#"{"version": 99}"#).unwrap();
    let st3 =
        cairn_server::server::state(ServerConfig::parse(&text, "t").unwrap(), clock()).unwrap();
    assert!(st3.ctx.gate_last.lock().unwrap().is_none());
}

/// The audit log's entries, parsed.
fn audit_entries(f: &Fixture) -> Vec<serde_json::Value> {
    std::fs::read_to_string(f._dir.path().join("audit.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The entry an answer names by its audit_id.
fn entry_of(f: &Fixture, v: &serde_json::Value) -> serde_json::Value {
    let id = v["audit_id"]
        .as_u64()
        .unwrap_or_else(|| panic!("not audited: {v}"));
    audit_entries(f)
        .into_iter()
        .find(|e| e["seq"] == id)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_name_who_was_refused_and_refused_bodies_are_audited() {
    let f = fixture();
    let (service, analyst) = (&f.tokens[1].1, &f.tokens[2].1);
    let id_of = |t: &str| cairn_server::tokens::token_id(t);
    // 403: the token's id, name and role.
    let (s, v) = call(
        &f.app,
        "POST",
        "/api/v1/dr/backup",
        Some(analyst),
        r#"{"spec": "home"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let e = entry_of(&f, &v);
    let actor = e["actor"].as_str().unwrap();
    assert!(
        actor.contains(&id_of(analyst)) && actor.contains("role analyst"),
        "{e}"
    );
    assert_eq!(e["outcome"], "refused");
    // 401: the id of the token presented, known or not.
    let bogus = "cairn_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_00000000";
    let (s, v) = call(
        &f.app,
        "POST",
        "/api/v1/dr/forget",
        Some(bogus),
        r#"{"spec": "home"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(entry_of(&f, &v)["actor"], format!("token {}", id_of(bogus)));
    // Bodies refused on a mutating route, each with its sender.
    let big = format!(r#"{{"spec": "{}"}}"#, "x".repeat(4096));
    for (ctype, body, status) in [
        ("application/json", "{not json", StatusCode::BAD_REQUEST),
        (
            "application/json",
            r#"{"spec": "home", "force": true}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "text/plain",
            r#"{"spec": "home"}"#,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "application/json",
            big.as_str(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let (s, v) = call_typed(
            &f.app,
            "POST",
            "/api/v1/dr/backup",
            Some(service),
            ctype,
            body,
        )
        .await;
        assert_eq!(s, status, "{body:.40}: {v}");
        let e = entry_of(&f, &v);
        assert!(
            e["actor"].as_str().unwrap().starts_with(&id_of(service)),
            "{e}"
        );
        assert_eq!(e["action"], "POST /api/v1/dr/backup");
        assert_eq!(e["outcome"], "refused");
    }
    // The head, published for an outside system to anchor.
    let last = audit_entries(&f).pop().unwrap();
    let (s, v) = call(&f.app, "GET", "/api/v1/dr/audit/head", Some(analyst), "").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (&v["data"]["seq"], &v["data"]["hash"]),
        (&last["seq"], &last["hash"])
    );
    let resp = f
        .app
        .clone()
        .oneshot(
            Request::builder()
                .uri("/metrics")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let text = String::from_utf8(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(
        text.contains(&format!("dr_audit_head_seq {}", last["seq"])),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "dr_audit_head_info{{hash=\"{}\"}} 1",
            last["hash"].as_str().unwrap()
        )),
        "{text}"
    );
    // The newest entries, filtered, for an admin only (the refusal is on record).
    let admin = &f.tokens[0].1;
    let url = format!(
        "/api/v1/dr/audit?actor={}&action=POST%20/api/v1/dr/backup&limit=2",
        id_of(service)
    );
    let (s, v) = call(&f.app, "GET", &url, Some(admin), "").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let want: Vec<_> = audit_entries(&f)
        .into_iter()
        .filter(|e| {
            e["action"] == "POST /api/v1/dr/backup"
                && e["actor"].as_str().unwrap().contains(&id_of(service))
        })
        .rev()
        .take(2)
        .map(|e| e["seq"].clone())
        .collect();
    let got: Vec<_> = v["data"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].clone())
        .collect();
    assert_eq!((got.len(), &got), (2, &want), "{v}");
    assert_eq!(v["data"]["head"]["seq"], last["seq"]);
    assert_eq!(v["data"]["truncated"], false);
    let (s, v) = call(&f.app, "GET", "/api/v1/dr/audit", Some(analyst), "").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let e = audit_entries(&f).pop().unwrap();
    assert_eq!(
        (&e["action"], &e["outcome"]),
        (&"GET /api/v1/dr/audit".into(), &"refused".into())
    );
    let (s, _) = call(&f.app, "GET", "/api/v1/dr/audit?since=1", Some(admin), "").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}
