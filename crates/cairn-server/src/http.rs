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
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

/// Server state shared by handlers.
pub struct AppState {
    pub ctx: Arc<Ctx>,
    pub tokens: TokenStore,
    pub snapshots: SnapshotCache,
    /// Repositories opened for browsing a snapshot's files.
    pub browse: crate::browse_repos::Repos,
    /// Bounds the 401s (and so the audit entries) per client address.
    pub unauthenticated: crate::ratelimit::RateLimiter,
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

    fn of_parts(parts: &Parts) -> Self {
        parts
            .extensions
            .get::<ReqInfo>()
            .cloned()
            .unwrap_or_else(Self::fresh)
    }
}

/// The envelope's `timings_ms`.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Timings {
    /// Milliseconds from the request's arrival to this answer.
    total: f64,
}

/// The envelope's `error`: a stable code for programs, a message for people.
#[derive(Serialize, JsonSchema)]
pub(crate) struct ApiError {
    /// E.g. `bad_request`, `forbidden`, `not_found`, `conflict`, `internal`.
    code: &'static str,
    /// What went wrong and what to do; never a server internal.
    message: String,
}

/// The envelope of an error answer (`data`'s is described per route, in
/// [`crate::openapi`]).
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ErrorEnvelope {
    request_id: String,
    /// The audit entry that records this refusal, if one does.
    audit_id: Option<u64>,
    timings_ms: Timings,
    error: ApiError,
}

pub(crate) fn envelope(
    info: &ReqInfo,
    status: StatusCode,
    audit_id: Option<u64>,
    body: Result<Value, &Error>,
) -> Response {
    let timings_ms = Timings {
        total: info.started.elapsed().as_secs_f64() * 1000.0,
    };
    let v = match body {
        Ok(data) => {
            json!({"request_id": info.id, "audit_id": audit_id, "timings_ms": timings_ms, "data": data})
        }
        Err(e) => {
            if e.status().is_server_error() {
                tracing::error!(request_id = %info.id, error = %e, "request failed");
            }
            json!(ErrorEnvelope {
                request_id: info.id.clone(),
                audit_id,
                timings_ms,
                error: ApiError {
                    code: e.code(),
                    message: e.public_message(),
                },
            })
        }
    };
    (status, Json(v)).into_response()
}

/// The authenticated caller.
pub struct Caller {
    pub actor: Actor,
    pub info: ReqInfo,
}

/// Who made a request, as the audit log names them; set by [`Caller`] for
/// [`Body`], so a refused body is recorded against its sender.
#[derive(Clone)]
struct AuditActor(String);

/// A 401, unless this address has had too many: then 429, unaudited.
async fn unauthenticated(
    st: &Arc<AppState>,
    parts: &Parts,
    info: &ReqInfo,
    template: &str,
    actor: String,
    e: Error,
) -> Response {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(ip) = peer {
        if !st.unauthenticated.allow(ip, Instant::now()) {
            let e = Error::TooMany(format!(
                "too many requests without a valid token from {ip}; wait a minute"
            ));
            return envelope(info, e.status(), None, Err(&e));
        }
    }
    refuse(st, info, &parts.method, template, actor, e).await
}

/// A refusal before the handler ran: audited on mutating routes (GETs are
/// not, so reading cannot flood the log), answered in the envelope.
async fn refuse(
    st: &Arc<AppState>,
    info: &ReqInfo,
    method: &Method,
    template: &str,
    actor: String,
    e: Error,
) -> Response {
    // Mutations are audited when refused, and so are reads that hand out
    // data (a download needs the restore permission): who tried matters.
    let reads_data = permission(method, template)
        .is_some_and(|p| p != Permission::Read && p != Permission::Public);
    let mutates = *method != Method::GET && *method != Method::HEAD;
    let id = if mutates || reads_data {
        audit_refusal(st, info, method, template, actor, &e).await
    } else {
        None
    };
    envelope(info, e.status(), id, Err(&e))
}

/// Records a request refused before its handler ran; the entry's id.
async fn audit_refusal(
    st: &Arc<AppState>,
    info: &ReqInfo,
    method: &Method,
    template: &str,
    actor: String,
    e: &Error,
) -> Option<u64> {
    let r = Record {
        request_id: info.id.clone(),
        actor,
        action: format!("{method} {template}"),
        target: String::new(),
        outcome: "refused".into(),
        detail: e.to_string(),
    };
    st.ctx.audit.append_async(r, st.ctx.clock.now()).await.ok()
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &Arc<AppState>) -> Result<Self, Response> {
        let info = ReqInfo::of_parts(parts);
        let template = parts
            .extensions
            .get::<MatchedPath>()
            .map(|m| m.as_str().to_string())
            .unwrap_or_default();
        let method = parts.method.clone();
        let perm = permission(&method, &template).map(|p| {
            // The metrics name specs and repositories: behind a read token
            // when the config asks (the route table's Public is the default).
            if template == "/metrics" && st.ctx.cfg.metrics_auth {
                Permission::Read
            } else {
                p
            }
        });
        let Some(perm) = perm else {
            // A route without a declared permission is a bug: refuse, never allow.
            let e = Error::Forbidden(format!("route {template} has no declared permission"));
            return Err(envelope(&info, e.status(), None, Err(&e)));
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
            .and_then(cairn_token::bearer)
            .map(str::to_string);
        let Some(token) = token else {
            let e = Error::Unauthenticated("send Authorization: Bearer <token>".into());
            let who = "unauthenticated".to_string();
            return Err(unauthenticated(st, parts, &info, &template, who, e).await);
        };
        // The store is a file: read it off the async runtime.
        let (store, t) = (st.tokens.clone(), token.clone());
        let found = tokio::task::spawn_blocking(move || store.authenticate(&t))
            .await
            .unwrap_or_else(|_| Err(Error::Store("token lookup panicked".into())));
        let entry = match found {
            Ok(e) => e,
            Err(e) => {
                // The id of what was presented (a hash prefix, not the
                // secret), so repeated attempts with one token can be traced.
                let who = format!("token {}", crate::tokens::token_id(&token));
                return Err(unauthenticated(st, parts, &info, &template, who, e).await);
            }
        };
        let role = format!("{:?}", entry.role).to_lowercase();
        if !entry.role.may(perm) {
            let e = Error::Forbidden(format!("role {role} may not {perm:?}").to_lowercase());
            let who = format!("{}:{} (role {role})", entry.id, entry.name);
            return Err(refuse(st, &info, &method, &template, who, e).await);
        }
        let name = format!("{}:{}", entry.id, entry.name);
        parts.extensions.insert(AuditActor(name.clone()));
        Ok(Caller {
            actor: Actor {
                name,
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
        let method = req.method().clone();
        let template = req
            .extensions()
            .get::<MatchedPath>()
            .map(|m| m.as_str().to_string())
            .unwrap_or_default();
        let actor = req
            .extensions()
            .get::<AuditActor>()
            .map(|a| a.0.clone())
            .unwrap_or_else(|| "anonymous".into());
        // The whole body within the body timeout: hyper bounds only the head,
        // and a client dripping a byte a second must not hold a connection.
        let limit = st.ctx.cfg.limits.body_timeout();
        let read = tokio::time::timeout(limit, Json::<Value>::from_request(req, st)).await;
        let (status, err) = match read {
            // An object, then the request's shape (cairn_app::request).
            Ok(Ok(Json(v))) => match cairn_app::request::from_object::<T>(v) {
                Ok(v) => return Ok(Body(v)),
                Err(e) => (StatusCode::BAD_REQUEST, e.into()),
            },
            Ok(Err(e)) => {
                let status = match e.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    _ => StatusCode::BAD_REQUEST,
                };
                (status, Error::BadRequest(e.body_text()))
            }
            Err(_) => (
                StatusCode::REQUEST_TIMEOUT,
                Error::BadRequest(format!(
                    "the request body did not arrive within {}s",
                    limit.as_secs_f64()
                )),
            ),
        };
        // Every body refused on a mutating route is on the record, with who sent it.
        let id = audit_refusal(st, &info, &method, &template, actor, &err).await;
        Err(envelope(&info, status, id, Err(&err)))
    }
}

/// Appends an audit record of what `c` asked for; its id, if written.
/// (On a blocking thread: the append waits for a file lock and an fsync.)
pub(crate) async fn audit(
    ctx: &Ctx,
    c: &Caller,
    action: &str,
    target: &str,
    outcome: &str,
    detail: String,
) -> Option<u64> {
    let r = Record {
        request_id: c.info.id.clone(),
        actor: c.actor.name.clone(),
        action: action.into(),
        target: target.into(),
        outcome: outcome.into(),
        detail,
    };
    ctx.audit.append_async(r, ctx.clock.now()).await.ok()
}

/// A query string's fields, or the 400 answer saying what is wrong with it.
pub(crate) fn query<T>(
    c: &Caller,
    q: Result<axum::extract::Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, Box<Response>> {
    q.map(|axum::extract::Query(q)| q).map_err(|e| {
        let e = Error::BadRequest(format!("query: {e}"));
        Box::new(envelope(&c.info, StatusCode::BAD_REQUEST, None, Err(&e)))
    })
}
