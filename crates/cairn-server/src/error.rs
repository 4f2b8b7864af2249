//! The server's one public error type. Messages say what is wrong and what
//! to do; `status` maps each to an HTTP code, and `public_message` is what a
//! client may see (internals go to the log, never into a response).

use axum::http::StatusCode;

/// Result with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Everything the server can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The config file is missing or invalid (startup error).
    #[error("config: {0}")]
    Config(String),
    /// No token, or an unknown or revoked one.
    #[error("unauthenticated: {0}")]
    Unauthenticated(String),
    /// A valid token whose role may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Malformed or unacceptable request.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// An unknown spec, snapshot or job.
    #[error("not found: {0}")]
    NotFound(String),
    /// Too many requests from one client (rate limited).
    #[error("too many requests: {0}")]
    TooMany(String),
    /// Conflicts with work in progress.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The repository at a configured location is not the one pinned for
    /// it; nothing was written (docs/KEYS.md).
    #[error("{0}")]
    IdentityChanged(String),
    /// A backup's source failed (a spec's command): the job's error says
    /// which command and how, for the operator to fix.
    #[error("{0}")]
    SourceFailed(String),
    /// The token store or audit log cannot be used.
    #[error("{0}")]
    Store(String),
    /// A repository operation failed.
    #[error(transparent)]
    Core(#[from] cairn_core::Error),
}

impl From<cairn_app::Error> for Error {
    fn from(e: cairn_app::Error) -> Self {
        use cairn_app::Error as A;
        match e {
            A::Config(m) | A::Credential(m) => Error::Config(m),
            A::NotFound(m) => Error::NotFound(m),
            A::BadRequest(m) => Error::BadRequest(m),
            A::Forbidden(m) => Error::Forbidden(m),
            A::Io(m) => Error::Store(m),
            A::Source(m) => Error::SourceFailed(m),
            // The server's words for a changed identity: an admin checks
            // it and accepts it through the API, which audits the change.
            A::PinMismatch { source, .. } => Error::IdentityChanged(
                source
                    .hint("nothing was written; if the change is legitimate, an admin compares GET /api/v1/dr/trust with what is expected and accepts it with POST /api/v1/dr/trust")
                    .to_string(),
            ),
            A::Core(e) => Error::Core(e),
        }
    }
}

impl Error {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        use cairn_core::ErrorKind as K;
        match self {
            Error::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::BadRequest(_) | Error::Config(_) => StatusCode::BAD_REQUEST,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Conflict(_) | Error::IdentityChanged(_) => StatusCode::CONFLICT,
            Error::SourceFailed(_) => StatusCode::FAILED_DEPENDENCY,
            Error::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Error::Core(e) => match e.kind() {
                K::InvalidInput => StatusCode::BAD_REQUEST,
                K::NotFound => StatusCode::NOT_FOUND,
                K::Locked => StatusCode::CONFLICT,
                K::PermissionDenied | K::WormLocked => StatusCode::FORBIDDEN,
                K::Transient => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }

    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Config(_) => "config",
            Error::Unauthenticated(_) => "unauthenticated",
            Error::Forbidden(_) => "forbidden",
            Error::BadRequest(_) => "bad_request",
            Error::NotFound(_) => "not_found",
            Error::TooMany(_) => "too_many_requests",
            Error::Conflict(_) => "conflict",
            Error::SourceFailed(_) => "source_failed",
            Error::IdentityChanged(_) => "identity_changed",
            Error::Store(_) => "internal",
            Error::Core(e) => match e.kind() {
                cairn_core::ErrorKind::Locked => "locked",
                cairn_core::ErrorKind::Transient => "unavailable",
                cairn_core::ErrorKind::InvalidInput => "bad_request",
                cairn_core::ErrorKind::NotFound => "not_found",
                _ => "repository_error",
            },
        }
    }

    /// What a client may see: client errors in full, with the core's
    /// remedies in the API's words; server errors generically.
    pub fn public_message(&self) -> String {
        if self.status().is_server_error() {
            "the server could not complete the request; the details are in its log (see request_id)"
                .into()
        } else if let Error::Core(e) = self {
            e.worded(words)
        } else {
            self.to_string()
        }
    }
}

/// The API's words for a core remedy: the route or the spec setting that
/// does it. Remedies with no API counterpart keep their neutral words.
pub fn words(r: &cairn_core::Remedy) -> String {
    use cairn_core::Remedy as R;
    match r {
        R::Verify { read_data: false } => {
            "start a verify job (POST /api/v1/dr/verify/{id}) to see the damage and the snapshots it affects".into()
        }
        R::Verify { read_data: true } => {
            "start a verify job reading data (POST /api/v1/dr/verify/{id} with read_data_subset \"100%\") to see the damage".into()
        }
        R::ListSnapshots => "GET /api/v1/dr/snapshots lists the snapshots and their ids".into(),
        R::CheckLocation => "check the spec's repository location in the server config".into(),
        R::RetentionRules => "give the spec a retention policy in the server config (docs/RETENTION.md)".into(),
        R::NotAppendOnly => "this needs an admin token and a spec that is not append-only".into(),
        R::CheckCredential(kind) | R::GiveCredential(kind) => {
            format!("check the spec's credential for {kind} slots in the server config (docs/SERVER.md)")
        }
        other => other.neutral(),
    }
}
