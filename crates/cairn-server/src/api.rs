//! The HTTP API. Handlers are thin: authenticate (the [`Caller`] extractor,
//! which knows every route's permission from [`ROUTES`]), validate, hand work
//! to the job runner or read the snapshot cache, wrap the answer in the
//! envelope (both in [`crate::http`]). The router is built from [`ROUTES`].

use crate::ctx::JobView;
use crate::error::Error;
use crate::http::{audit, envelope, observe, AppState, Body, Caller, ReqInfo, St};
use crate::jobs::{self, Work};
use crate::routes::ROUTES;
use crate::wire::{
    AuditHead, BackupReq, GateReq, Health, JobsQuery, RestoreReq, SnapQuery, VerifyReq,
};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use std::sync::Arc;

async fn audited(
    st: &AppState,
    c: &Caller,
    action: &str,
    target: &str,
    r: &Result<JobView, Error>,
) -> Option<u64> {
    let (outcome, detail) = match r {
        Ok(j) => ("accepted", format!("job {}", j.id)),
        Err(e) => ("refused", e.to_string()),
    };
    audit(&st.ctx, c, action, target, outcome, detail).await
}

async fn job_reply(
    st: &AppState,
    c: &Caller,
    action: &str,
    target: &str,
    r: Result<JobView, Error>,
) -> Response {
    let audit = audited(st, c, action, target, &r).await;
    match r {
        Ok(j) => envelope(&c.info, StatusCode::ACCEPTED, audit, Ok(json!(j))),
        Err(e) => envelope(&c.info, e.status(), audit, Err(&e)),
    }
}

async fn backup(State(st): St, c: Caller, Body(b): Body<BackupReq>) -> Response {
    let r = b.check(&st.ctx.cfg).map_err(Error::from).and_then(|spec| {
        let work = Work::Backup {
            spec,
            apply_retention: false,
        };
        jobs::submit(&st.ctx, work, &c.actor, &c.info.id)
    });
    job_reply(&st, &c, "backup", &b.spec, r).await
}

async fn restore(State(st): St, c: Caller, Body(b): Body<RestoreReq>) -> Response {
    let target = b.target.display().to_string();
    let r = match b.check(&st.ctx.cfg) {
        Ok(r) => {
            let (spec, snapshot) = (r.spec.clone(), r.snapshot.clone());
            let work = Work::Restore {
                spec: r.spec,
                snapshot: r.snapshot,
                target: r.target,
                include: r.include,
                dry_run: r.dry_run,
            };
            checked_submit(&st, &c, work, &spec, &snapshot).await
        }
        Err(e) => Err(e.into()),
    };
    job_reply(&st, &c, "restore", &target, r).await
}

/// Queues restore or verify work whose body passed its checks
/// (`cairn_app::request`), once the snapshot is found in the repository.
async fn checked_submit(
    st: &Arc<AppState>,
    c: &Caller,
    work: Work,
    spec: &str,
    snapshot: &str,
) -> Result<JobView, Error> {
    crate::precheck::snapshot_of_spec(st, spec, snapshot).await?;
    jobs::submit(&st.ctx, work, &c.actor, &c.info.id)
}

async fn verify(
    State(st): St,
    c: Caller,
    Path(id): Path<String>,
    Body(b): Body<VerifyReq>,
) -> Response {
    let r = match b.check(&st.ctx.cfg, &id) {
        Ok(v) => {
            let spec = v.spec.clone();
            let work = Work::Verify {
                spec: v.spec,
                snapshot: v.snapshot,
                read_data_subset: v.read_data_subset,
            };
            checked_submit(&st, &c, work, &spec, &id).await
        }
        Err(e) => Err(e.into()),
    };
    job_reply(&st, &c, "verify", &id, r).await
}

async fn forget(State(st): St, c: Caller, Body(b): Body<BackupReq>) -> Response {
    let r = b
        .check(&st.ctx.cfg)
        .map_err(Error::from)
        .and_then(|spec| jobs::submit(&st.ctx, Work::Forget { spec }, &c.actor, &c.info.id));
    job_reply(&st, &c, "forget", &b.spec, r).await
}

async fn gate_run(State(st): St, c: Caller, Body(b): Body<GateReq>) -> Response {
    let target = if b.specs.is_empty() {
        jobs::ALL_SPECS.to_string()
    } else {
        b.specs.join(",")
    };
    let r = b
        .check(&st.ctx.cfg)
        .map_err(Error::from)
        .and_then(|specs| jobs::submit(&st.ctx, Work::Gate { specs }, &c.actor, &c.info.id));
    job_reply(&st, &c, "gate", &target, r).await
}

async fn replica_run(
    State(st): St,
    c: Caller,
    Path(name): Path<String>,
    Body(_): Body<crate::wire::NoFields>,
) -> Response {
    let r = jobs::Work::replica(&st.ctx.cfg, &name)
        .and_then(|work| jobs::submit(&st.ctx, work, &c.actor, &c.info.id));
    job_reply(&st, &c, "replica", &name, r).await
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

async fn job(State(st): St, c: Caller, Path(id): Path<String>) -> Response {
    let found = st
        .ctx
        .job(&id)
        .map(|j| json!(j))
        .or_else(|| st.ctx.history.get(&id));
    match found {
        Some(j) => envelope(&c.info, StatusCode::OK, None, Ok(j)),
        None => envelope(
            &c.info,
            StatusCode::NOT_FOUND,
            None,
            Err(&Error::NotFound(format!("no job {id}"))),
        ),
    }
}

/// Recent jobs, newest first, this run's and earlier runs' (`?spec=`,
/// `?kind=`, `?state=`, `?limit=`, default 100).
async fn jobs_list(
    State(st): St,
    c: Caller,
    q: Result<Query<JobsQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = match crate::http::query(&c, q) {
        Ok(q) => q,
        Err(answer) => return *answer,
    };
    let is = |v: &serde_json::Value, key: &str, want: &Option<String>| {
        want.as_deref().is_none_or(|w| v[key] == w)
    };
    let mut list = st.ctx.jobs_newest_first(|v| {
        is(v, "spec", &q.spec) && is(v, "kind", &q.kind) && is(v, "state", &q.state)
    });
    list.truncate(q.limit.unwrap_or(100).min(crate::job_history::KEEP));
    envelope(&c.info, StatusCode::OK, None, Ok(json!(list)))
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

fn head(st: &AppState) -> AuditHead {
    let (seq, hash) = st.ctx.audit.head();
    AuditHead { seq, hash }
}

async fn healthz(State(st): St, c: Caller) -> Response {
    let h = Health {
        status: "ok",
        audit_head: head(&st),
        jobs_active: st.ctx.active(),
    };
    envelope(&c.info, StatusCode::OK, None, Ok(json!(h)))
}

async fn audit_head(State(st): St, c: Caller) -> Response {
    envelope(&c.info, StatusCode::OK, None, Ok(json!(head(&st))))
}

async fn metrics(State(st): St, _c: Caller) -> Response {
    let (seq, hash) = st.ctx.audit.head();
    st.ctx.metrics.set_audit_head(seq, &hash);
    st.ctx.metrics.refresh_replica_lag(st.ctx.clock.now());
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

/// 404 for a path no route has, in the envelope like every other answer.
async fn no_such_route(req: axum::extract::Request) -> Response {
    let info = ReqInfo::of(&req);
    let e = Error::NotFound(format!(
        "no route {} (GET /api/v1/openapi.json lists them)",
        req.uri().path()
    ));
    envelope(&info, e.status(), None, Err(&e))
}

/// 405 for a path that has routes, but not for this method.
async fn no_such_method(req: axum::extract::Request) -> Response {
    let info = ReqInfo::of(&req);
    let e = Error::BadRequest(format!(
        "{} is not a method of {} (GET /api/v1/openapi.json lists them)",
        req.method(),
        req.uri().path()
    ));
    envelope(&info, StatusCode::METHOD_NOT_ALLOWED, None, Err(&e))
}

/// Every answer's type is the one it declares: a browser never guesses a
/// script or a page out of a JSON body or a downloaded file.
async fn nosniff(mut resp: Response) -> Response {
    resp.headers_mut().insert(
        "x-content-type-options",
        axum::http::HeaderValue::from_static("nosniff"),
    );
    resp
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
            ("GET", "/api/v1/dr/jobs") => r.route(path, get(jobs_list)),
            ("POST", "/api/v1/dr/forget") => r.route(path, post(forget)),
            ("POST", "/api/v1/dr/gate") => r.route(path, post(gate_run)),
            ("GET", "/api/v1/dr/gate") => r.route(path, get(gate_last)),
            ("POST", "/api/v1/dr/replicas/{name}/run") => r.route(path, post(replica_run)),
            ("GET", "/") => r.route(path, get(crate::console::page)),
            ("GET", "/console/{file}") => r.route(path, get(crate::console::file)),
            ("GET", "/api/v1/dr/whoami") => r.route(path, get(crate::console::whoami)),
            ("GET", "/api/v1/dr/snapshots/{id}/ls") => r.route(path, get(crate::browse::ls)),
            ("GET", "/api/v1/dr/snapshots/{id}/file") => r.route(path, get(crate::browse::file)),
            ("POST", "/api/v1/dr/snapshots/{id}/protect") => {
                r.route(path, post(crate::snapshot_admin::protect))
            }
            ("POST", "/api/v1/dr/snapshots/{id}/unprotect") => {
                r.route(path, post(crate::snapshot_admin::unprotect))
            }
            ("POST", "/api/v1/dr/snapshots/{id}/forget") => {
                r.route(path, post(crate::snapshot_admin::forget))
            }
            ("GET", "/api/v1/dr/specs") => r.route(path, get(specs)),
            ("GET", "/api/v1/dr/trust") => r.route(path, get(crate::repo_admin::trust_show)),
            ("POST", "/api/v1/dr/trust") => r.route(path, post(crate::repo_admin::trust_accept)),
            ("GET", "/api/v1/dr/audit/head") => r.route(path, get(audit_head)),
            ("GET", "/api/v1/dr/audit") => r.route(path, get(crate::audit_view::list)),
            ("POST", "/api/v1/dr/unlock") => r.route(path, post(crate::repo_admin::unlock)),
            _ => r,
        };
    }
    r.method_not_allowed_fallback(no_such_method)
        .route_layer(axum::middleware::from_fn_with_state(st.clone(), observe))
        .fallback(no_such_route)
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(axum::middleware::map_response(nosniff))
        .with_state(st)
}
