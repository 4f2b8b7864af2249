//! The HTTP API. Handlers are thin: authenticate (an extractor that knows
//! every route's permission from [`ROUTES`]), validate, hand work to the job
//! runner or read the snapshot cache, wrap the answer in the envelope
//! `{request_id, audit_id, timings_ms, data | error}`.

use crate::audit::Record;
use crate::error::Error;
use crate::jobs::{self, Actor, Ctx, Work};
use crate::rbac::{Permission, Role};
use crate::snapshots::SnapshotCache;
use crate::tokens::TokenStore;
use axum::extract::{FromRequestParts, MatchedPath, Path, Query, Request, State};
use axum::http::{request::Parts, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Every route with the permission it needs. The router is built from this
/// table's paths, and `tests::every_route_against_every_role` walks it.
pub const ROUTES: &[(&str, &str, Permission, &str)] = &[
    (
        "GET",
        "/",
        Permission::Public,
        "the web console (static; it asks for a token and calls this API)",
    ),
    (
        "GET",
        "/healthz",
        Permission::Public,
        "liveness, audit head, active jobs",
    ),
    ("GET", "/metrics", Permission::Public, "Prometheus metrics"),
    (
        "GET",
        "/api/v1/openapi.json",
        Permission::Public,
        "this API's OpenAPI document",
    ),
    (
        "POST",
        "/api/v1/dr/backup",
        Permission::Backup,
        "start a backup of a spec: {spec}",
    ),
    (
        "POST",
        "/api/v1/dr/restore",
        Permission::Restore,
        "start a restore: {spec, snapshot, target, include, dry_run}",
    ),
    (
        "GET",
        "/api/v1/dr/snapshots",
        Permission::Read,
        "list snapshots (?spec=, ?tag=)",
    ),
    (
        "POST",
        "/api/v1/dr/verify/{id}",
        Permission::Verify,
        "verify a snapshot: {spec, read_data_subset}",
    ),
    (
        "GET",
        "/api/v1/dr/specs",
        Permission::Read,
        "the configured specs, with each one's next scheduled run",
    ),
    (
        "GET",
        "/api/v1/dr/jobs/{id}",
        Permission::Read,
        "a job's status, progress and result",
    ),
    (
        "POST",
        "/api/v1/dr/forget",
        Permission::Delete,
        "apply a spec's retention policy now: {spec}",
    ),
    (
        "POST",
        "/api/v1/dr/gate",
        Permission::Verify,
        "run the RG-7 recovery gate now: {specs} (none: every spec)",
    ),
    (
        "GET",
        "/api/v1/dr/gate",
        Permission::Read,
        "the last RG-7 gate report",
    ),
    (
        "GET",
        "/api/v1/dr/trust",
        Permission::Read,
        "the repository identity pinned for a repository, and what its storage claims now (?repository=)",
    ),
    (
        "POST",
        "/api/v1/dr/trust",
        Permission::Delete,
        "accept a repository's changed identity after checking it: {repository} (audited)",
    ),
    (
        "POST",
        "/api/v1/dr/unlock",
        Permission::Delete,
        "remove locks whose holder died: {repository, force} (audited)",
    ),
];

/// The permission a route template needs; None for a route not in the table.
pub fn permission(method: &Method, template: &str) -> Option<Permission> {
    ROUTES
        .iter()
        .find(|(m, p, _, _)| *m == method.as_str() && *p == template)
        .map(|r| r.2)
}

/// Server state shared by handlers.
pub struct AppState {
    pub ctx: Arc<Ctx>,
    pub tokens: TokenStore,
    pub snapshots: SnapshotCache,
}

pub(crate) type St = State<Arc<AppState>>;

/// Per-request id and start time (inserted by the middleware).
#[derive(Clone)]
pub struct ReqInfo {
    pub id: String,
    pub started: Instant,
}

pub(crate) fn envelope(
    info: &ReqInfo,
    status: StatusCode,
    audit_id: Option<u64>,
    body: Result<Value, &Error>,
) -> Response {
    let timings = json!({"total": info.started.elapsed().as_secs_f64() * 1000.0});
    let v = match body {
        Ok(data) => {
            json!({"request_id": info.id, "audit_id": audit_id, "timings_ms": timings, "data": data})
        }
        Err(e) => {
            if e.status().is_server_error() {
                tracing::error!(request_id = %info.id, error = %e, "request failed");
            }
            json!({"request_id": info.id, "audit_id": audit_id, "timings_ms": timings,
                   "error": {"code": e.code(), "message": e.public_message()}})
        }
    };
    (status, Json(v)).into_response()
}

/// The authenticated caller.
pub struct Caller {
    pub actor: Actor,
    pub info: ReqInfo,
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &Arc<AppState>) -> Result<Self, Response> {
        let info = parts
            .extensions
            .get::<ReqInfo>()
            .cloned()
            .unwrap_or_else(|| ReqInfo {
                id: "-".into(),
                started: Instant::now(),
            });
        let template = parts
            .extensions
            .get::<MatchedPath>()
            .map(|m| m.as_str().to_string())
            .unwrap_or_default();
        let fail = |e: Error, audit: bool| {
            let id = (audit && parts.method != Method::GET).then(|| {
                st.ctx.audit.append(
                    Record {
                        request_id: info.id.clone(),
                        actor: "unauthenticated".into(),
                        action: format!("{} {template}", parts.method),
                        target: String::new(),
                        outcome: "refused".into(),
                        detail: e.to_string(),
                    },
                    &st.ctx.now(),
                )
            });
            envelope(&info, e.status(), id.and_then(|r| r.ok()), Err(&e))
        };
        let Some(perm) = permission(&parts.method, &template) else {
            // A route without a declared permission is a bug: refuse, never allow.
            return Err(fail(
                Error::Forbidden(format!("route {template} has no declared permission")),
                false,
            ));
        };
        if perm == Permission::Public {
            return Ok(Caller {
                actor: Actor {
                    name: "anonymous".into(),
                    role: Role::Analyst,
                },
                info,
            });
        }
        let token = parts
            .headers
            .get("authorization")
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(token) = token else {
            return Err(fail(
                Error::Unauthenticated("send Authorization: Bearer <token>".into()),
                true,
            ));
        };
        let entry = match st.tokens.authenticate(token) {
            Ok(e) => e,
            Err(e) => return Err(fail(e, true)),
        };
        if !entry.role.may(perm) {
            return Err(fail(
                Error::Forbidden(format!("role {:?} may not {perm:?}", entry.role).to_lowercase()),
                true,
            ));
        }
        Ok(Caller {
            actor: Actor {
                name: format!("{}:{}", entry.id, entry.name),
                role: entry.role,
            },
            info,
        })
    }
}

/// Request id, tracing and HTTP metrics for every matched route.
pub async fn observe(State(st): St, mut req: Request, next: Next) -> Response {
    let info = ReqInfo {
        id: cairn_core::crypto::random_array::<8>()
            .map(hex::encode)
            .unwrap_or_default(),
        started: Instant::now(),
    };
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    req.extensions_mut().insert(info.clone());
    let mut resp = next.run(req).await;
    let secs = info.started.elapsed().as_secs_f64();
    let status = resp.status().as_u16();
    tracing::info!(request_id = %info.id, %route, %method, status, latency_ms = secs * 1000.0, "request");
    let m = &st.ctx.metrics;
    m.http_requests
        .get_or_create(&crate::metrics::HttpLabels {
            route: route.clone(),
            method,
            status: status.to_string(),
        })
        .inc();
    m.http_duration
        .get_or_create(&crate::metrics::RouteLabel { route })
        .observe(secs);
    if let Ok(v) = HeaderValue::from_str(&info.id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// A JSON body, with malformed JSON answered in the envelope as 400.
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<Arc<AppState>> for Body<T> {
    type Rejection = Response;
    async fn from_request(req: Request, st: &Arc<AppState>) -> Result<Self, Response> {
        let info = req
            .extensions()
            .get::<ReqInfo>()
            .cloned()
            .unwrap_or_else(|| ReqInfo {
                id: "-".into(),
                started: Instant::now(),
            });
        match Json::<T>::from_request(req, st).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(e) => {
                let status = e.status();
                let err = Error::BadRequest(e.body_text());
                Err(envelope(
                    &info,
                    if status == StatusCode::PAYLOAD_TOO_LARGE {
                        status
                    } else {
                        StatusCode::BAD_REQUEST
                    },
                    None,
                    Err(&err),
                ))
            }
        }
    }
}

fn audited(
    st: &AppState,
    c: &Caller,
    action: &str,
    target: &str,
    r: &Result<jobs::JobView, Error>,
) -> Option<u64> {
    let (outcome, detail) = match r {
        Ok(j) => ("accepted", format!("job {}", j.id)),
        Err(e) => ("refused", e.to_string()),
    };
    audit(&st.ctx, c, action, target, outcome, detail)
}

/// Appends an audit record of what `c` asked for; its id, if written.
pub(crate) fn audit(
    ctx: &Ctx,
    c: &Caller,
    action: &str,
    target: &str,
    outcome: &str,
    detail: String,
) -> Option<u64> {
    ctx.audit
        .append(
            Record {
                request_id: c.info.id.clone(),
                actor: c.actor.name.clone(),
                action: action.into(),
                target: target.into(),
                outcome: outcome.into(),
                detail,
            },
            &ctx.now(),
        )
        .ok()
}

fn job_reply(
    st: &AppState,
    c: &Caller,
    action: &str,
    target: &str,
    r: Result<jobs::JobView, Error>,
) -> Response {
    let audit = audited(st, c, action, target, &r);
    match r {
        Ok(j) => envelope(&c.info, StatusCode::ACCEPTED, audit, Ok(json!(j))),
        Err(e) => envelope(&c.info, e.status(), audit, Err(&e)),
    }
}

fn only_spec(st: &AppState, spec: Option<String>) -> Result<String, Error> {
    match (spec, st.ctx.cfg.spec.as_slice()) {
        (Some(s), _) => Ok(s),
        (None, [one]) => Ok(one.name.clone()),
        (None, _) => Err(Error::BadRequest(
            "name the spec: {\"spec\": \"...\"}".into(),
        )),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BackupReq {
    spec: String,
}

async fn backup(State(st): St, c: Caller, Body(b): Body<BackupReq>) -> Response {
    let r = jobs::submit(
        &st.ctx,
        Work::Backup {
            spec: b.spec.clone(),
            apply_retention: false,
        },
        &c.actor,
        &c.info.id,
    );
    job_reply(&st, &c, "backup", &b.spec, r)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RestoreReq {
    #[serde(default)]
    spec: Option<String>,
    snapshot: String,
    target: PathBuf,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    dry_run: bool,
}

async fn restore(State(st): St, c: Caller, Body(b): Body<RestoreReq>) -> Response {
    let target = b.target.display().to_string();
    let r = only_spec(&st, b.spec).and_then(|spec| {
        jobs::submit(
            &st.ctx,
            Work::Restore {
                spec,
                snapshot: b.snapshot,
                target: b.target,
                include: b.include,
                dry_run: b.dry_run,
            },
            &c.actor,
            &c.info.id,
        )
    });
    job_reply(&st, &c, "restore", &target, r)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct VerifyReq {
    #[serde(default)]
    spec: Option<String>,
    #[serde(default)]
    read_data_subset: Option<String>,
}

async fn verify(
    State(st): St,
    c: Caller,
    Path(id): Path<String>,
    Body(b): Body<VerifyReq>,
) -> Response {
    let r = only_spec(&st, b.spec).and_then(|spec| {
        jobs::submit(
            &st.ctx,
            Work::Verify {
                spec,
                snapshot: id.clone(),
                read_data_subset: b.read_data_subset,
            },
            &c.actor,
            &c.info.id,
        )
    });
    job_reply(&st, &c, "verify", &id, r)
}

async fn forget(State(st): St, c: Caller, Body(b): Body<BackupReq>) -> Response {
    let r = jobs::submit(
        &st.ctx,
        Work::Forget {
            spec: b.spec.clone(),
        },
        &c.actor,
        &c.info.id,
    );
    job_reply(&st, &c, "forget", &b.spec, r)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct GateReq {
    #[serde(default)]
    specs: Vec<String>,
}

async fn gate_run(State(st): St, c: Caller, Body(b): Body<GateReq>) -> Response {
    let target = if b.specs.is_empty() {
        jobs::ALL_SPECS.to_string()
    } else {
        b.specs.join(",")
    };
    let r = jobs::submit(&st.ctx, Work::Gate { specs: b.specs }, &c.actor, &c.info.id);
    job_reply(&st, &c, "gate", &target, r)
}

async fn gate_last(State(st): St, c: Caller) -> Response {
    let last = st.ctx.gate_last.lock().ok().and_then(|l| l.clone());
    match last {
        Some(v) => envelope(&c.info, StatusCode::OK, None, Ok(v)),
        None => envelope(
            &c.info,
            StatusCode::NOT_FOUND,
            None,
            Err(&Error::NotFound(
                "the gate has not run yet: POST /api/v1/dr/gate, or set gate.schedule".into(),
            )),
        ),
    }
}

async fn specs(State(st): St, c: Caller) -> Response {
    let v = crate::console::specs(
        &st.ctx.cfg,
        st.ctx.clock.now(),
        &jiff::tz::TimeZone::system(),
    );
    envelope(&c.info, StatusCode::OK, None, Ok(v))
}

async fn console(_c: Caller) -> Response {
    (
        [
            ("content-type", "text/html; charset=utf-8"),
            (
                "content-security-policy",
                "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
            ),
        ],
        crate::console::PAGE,
    )
        .into_response()
}

async fn job(State(st): St, c: Caller, Path(id): Path<String>) -> Response {
    match st.ctx.job(&id) {
        Some(j) => envelope(&c.info, StatusCode::OK, None, Ok(json!(j))),
        None => envelope(
            &c.info,
            StatusCode::NOT_FOUND,
            None,
            Err(&Error::NotFound(format!("no job {id}"))),
        ),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapQuery {
    #[serde(default)]
    spec: Option<String>,
    #[serde(default)]
    tag: Option<String>,
}

async fn snapshots(
    State(st): St,
    c: Caller,
    q: Result<Query<SnapQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = match q {
        Ok(Query(q)) => q,
        Err(e) => {
            return envelope(
                &c.info,
                StatusCode::BAD_REQUEST,
                None,
                Err(&Error::BadRequest(e.body_text())),
            )
        }
    };
    let st2 = st.clone();
    let r = tokio::task::spawn_blocking(move || {
        st2.snapshots
            .list(&st2.ctx, q.spec.as_deref(), q.tag.as_deref())
    })
    .await
    .unwrap_or_else(|_| Err(Error::Store("snapshot listing panicked".into())));
    match r {
        Ok(v) => envelope(&c.info, StatusCode::OK, None, Ok(v)),
        Err(e) => envelope(&c.info, e.status(), None, Err(&e)),
    }
}

async fn healthz(State(st): St, c: Caller) -> Response {
    let (seq, hash) = st.ctx.audit.head();
    envelope(
        &c.info,
        StatusCode::OK,
        None,
        Ok(
            json!({"status": "ok", "audit_head": {"seq": seq, "hash": hash}, "jobs_active": st.ctx.active()}),
        ),
    )
}

async fn metrics(State(st): St, _c: Caller) -> Response {
    (
        [(
            "content-type",
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        st.ctx.metrics.encode(),
    )
        .into_response()
}

async fn openapi(_c: Caller) -> Response {
    Json(crate::openapi::document()).into_response()
}

/// The router.
pub fn router(st: Arc<AppState>) -> Router {
    let limit = st.ctx.cfg.body_limit;
    let mut r: Router<Arc<AppState>> = Router::new();
    for (m, path, _, _) in ROUTES {
        r = match (*m, *path) {
            ("GET", "/healthz") => r.route(path, get(healthz)),
            ("GET", "/metrics") => r.route(path, get(metrics)),
            ("GET", "/api/v1/openapi.json") => r.route(path, get(openapi)),
            ("POST", "/api/v1/dr/backup") => r.route(path, post(backup)),
            ("POST", "/api/v1/dr/restore") => r.route(path, post(restore)),
            ("GET", "/api/v1/dr/snapshots") => r.route(path, get(snapshots)),
            ("POST", "/api/v1/dr/verify/{id}") => r.route(path, post(verify)),
            ("GET", "/api/v1/dr/jobs/{id}") => r.route(path, get(job)),
            ("POST", "/api/v1/dr/forget") => r.route(path, post(forget)),
            ("POST", "/api/v1/dr/gate") => r.route(path, post(gate_run)),
            ("GET", "/api/v1/dr/gate") => r.route(path, get(gate_last)),
            ("GET", "/") => r.route(path, get(console)),
            ("GET", "/api/v1/dr/specs") => r.route(path, get(specs)),
            ("GET", "/api/v1/dr/trust") => r.route(path, get(crate::repo_admin::trust_show)),
            ("POST", "/api/v1/dr/trust") => r.route(path, post(crate::repo_admin::trust_accept)),
            ("POST", "/api/v1/dr/unlock") => r.route(path, post(crate::repo_admin::unlock)),
            _ => r,
        };
    }
    r.route_layer(axum::middleware::from_fn_with_state(st.clone(), observe))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .with_state(st)
}
