//! Repository administration over HTTP: the identity the server pinned for
//! each repository (shown to readers, accepted anew by an admin) and the
//! removal of locks whose holders died. Both changes are audited: they are
//! the two ways an operator overrides a safety check.

use crate::ctx::Ctx;
use crate::error::Error;
use crate::http::{audit, envelope, Body, Caller, St};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use cairn_app::session::{self, Access};
use cairn_app::usecase::{trust, unlock};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{json, Value};

/// `GET /api/v1/dr/trust`: a repository's pin beside what its storage claims.
#[derive(Serialize, JsonSchema)]
pub(crate) struct TrustShown {
    repository: String,
    trust: trust::TrustStatus,
}

/// `POST /api/v1/dr/trust`: the identity accepted.
#[derive(Serialize, JsonSchema)]
pub(crate) struct TrustAccepted {
    repository: String,
    accepted: trust::Accepted,
}

/// `POST /api/v1/dr/unlock`: the locks removed and kept.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Unlocked {
    repository: String,
    unlock: cairn_core::lock::UnlockReport,
}

pub use cairn_app::request::RepoReq;

/// Runs `work` off the async runtime (it unlocks keys and touches storage).
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|_| Err(Error::Store("repository administration panicked".into())))
}

/// Appends the audit record of a change and answers with its id.
async fn audited_reply(
    ctx: &Ctx,
    c: &Caller,
    action: &str,
    target: &str,
    r: Result<(Value, String), Error>,
) -> Response {
    let (outcome, detail) = match &r {
        Ok((_, line)) => ("done", line.clone()),
        Err(e) => ("failed", e.to_string()),
    };
    let audit = audit(ctx, c, action, target, outcome, detail).await;
    match r {
        Ok((v, _)) => envelope(&c.info, StatusCode::OK, audit, Ok(v)),
        Err(e) => envelope(&c.info, e.status(), audit, Err(&e)),
    }
}

/// `GET /api/v1/dr/trust?repository=`: the pin and what the storage claims now.
pub async fn trust_show(State(st): St, c: Caller, Query(q): Query<RepoReq>) -> Response {
    let ctx = st.ctx.clone();
    let r = blocking(move || {
        let name = q.repository(&ctx.cfg)?;
        let r = ctx.cfg.repository(&name)?;
        let pin = session::Pinning {
            store: session::pin_store(&ctx.cfg),
            location: r.location.clone(),
        };
        let backend = session::storage(&r.location, true, None)?;
        let shown = trust::status(&pin, backend.as_ref())?;
        Ok(json!(TrustShown {
            repository: name,
            trust: shown
        }))
    })
    .await;
    match r {
        Ok(v) => envelope(&c.info, StatusCode::OK, None, Ok(v)),
        Err(e) => envelope(&c.info, e.status(), None, Err(&e)),
    }
}

/// `POST /api/v1/dr/trust {repository}`: unlocks the repository without the
/// pin comparison and pins it as it is now. Audited.
pub async fn trust_accept(State(st): St, c: Caller, Body(b): Body<RepoReq>) -> Response {
    let ctx = st.ctx.clone();
    let target = b.repository.clone().unwrap_or_default();
    let r = blocking(move || {
        let name = b.repository(&ctx.cfg)?;
        let (s, pin) = session::open_configured_unpinned(
            &ctx.cfg,
            &name,
            session::Job {
                access: Access::Read,
                append_only: true,
                purpose: "trust",
                wait: ctx.lock_wait,
                clock: ctx.clock.clone(),
            },
        )?;
        let accepted = trust::accept(&pin, &s.repo, ctx.clock.as_ref())?;
        let line = accepted.describe();
        let v = json!(TrustAccepted {
            repository: name,
            accepted
        });
        Ok((v, line))
    })
    .await;
    audited_reply(&st.ctx, &c, "trust", &target, r).await
}

/// `POST /api/v1/dr/unlock {repository, force}`: removes locks whose holder
/// died (every lock with `force`). Audited.
pub async fn unlock(State(st): St, c: Caller, Body(b): Body<RepoReq>) -> Response {
    let ctx = st.ctx.clone();
    let target = b.repository.clone().unwrap_or_default();
    let force = b.force;
    let r = blocking(move || {
        let name = b.repository(&ctx.cfg)?;
        let location = ctx.cfg.repository(&name)?.location.clone();
        let backend = session::storage(&location, false, None)?;
        let report = unlock::unlock(backend.as_ref(), ctx.clock.as_ref(), force)?;
        let line = unlock::describe(&report) + if force { " (forced)" } else { "" };
        Ok((
            json!(Unlocked {
                repository: name,
                unlock: report
            }),
            line,
        ))
    })
    .await;
    audited_reply(&st.ctx, &c, "unlock", &target, r).await
}
