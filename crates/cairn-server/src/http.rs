//! What every handler stands on: the shared state, the authenticated caller
//! (an extractor that knows each route's permission from [`crate::routes`]),
//! the JSON body, the response envelope
//! `{request_id, audit_id, timings_ms, data | error}`, the audit record and
//! the per-request middleware. The handlers ([`crate::api`],
//! [`crate::repo_admin`]) sit above it.

use crate::audit::Record;
use crate::ctx::Ctx;
use crate::error::Error;
use crate::jobs::Actor;
use crate::rbac::{Permission, Role};
use crate::routes::permission;
use crate::snapshots::SnapshotCache;
use crate::tokens::TokenStore;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::{request::Parts, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

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

impl ReqInfo {
    fn fresh() -> Self {
        ReqInfo {
            id: cairn_core::crypto::random_array::<8>()
                .map(hex::encode)
                .unwrap_or_default(),
            started: Instant::now(),
        }
    }

    /// The request's info set by [`observe`], or a new one where it did not
    /// run (the router's fallback).
    pub(crate) fn of<B>(req: &axum::http::Request<B>) -> Self {
        req.extensions()
            .get::<ReqInfo>()
            .cloned()
            .unwrap_or_else(Self::fresh)
    }
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
    let info = ReqInfo::fresh();
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
        let info = ReqInfo::of(&req);
        // The whole body within the body timeout: hyper bounds only the head,
        // and a client dripping a byte a second must not hold a connection.
        let limit = st.ctx.cfg.limits.body_timeout();
        let Ok(read) = tokio::time::timeout(limit, Json::<T>::from_request(req, st)).await else {
            let err = Error::BadRequest(format!(
                "the request body did not arrive within {}s",
                limit.as_secs_f64()
            ));
            return Err(envelope(
                &info,
                StatusCode::REQUEST_TIMEOUT,
                None,
                Err(&err),
            ));
        };
        match read {
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
