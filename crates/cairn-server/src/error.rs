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

    /// What a client may see: client errors in full, server errors generically.
    pub fn public_message(&self) -> String {
        if self.status().is_server_error() {
            "the server could not complete the request; the details are in its log (see request_id)"
                .into()
        } else {
            self.to_string()
        }
    }
}
