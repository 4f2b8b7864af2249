//! The application layer's one public error type. Messages say what is wrong
//! and what to do in terms of the repository and the config, never of a
//! front end's flags or routes: the CLI and the server each map a variant to
//! their own words (an exit code and a `cairn trust` hint; an HTTP status and
//! the pin file's path).

use std::path::PathBuf;

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The config file is missing or invalid.
    #[error("config: {0}")]
    Config(String),
    /// A credential source (key file, password file, password command) cannot be used.
    #[error("{0}")]
    Credential(String),
    /// An unknown spec or repository name.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request is not acceptable as asked (a relative restore target, a
    /// spec without a retention policy).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The caller may not do this (a restore target outside the allowed
    /// roots, a delete by an append-only caller).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// A backup's source failed: a spec's command could not run or exited
    /// non-zero. No snapshot was stored; the message is the operator's to
    /// read (it names the command and its exit status, nothing internal).
    #[error("{0}")]
    Source(String),
    /// A local file or folder the work needs (the gate's scratch folder,
    /// its artifacts) cannot be written.
    #[error("{0}")]
    Io(String),
    /// The repository at a location is not the one pinned for it
    /// (docs/KEYS.md, "Repository identity and pinning"). Nothing was written.
    #[error("{source}")]
    PinMismatch {
        /// The pin file that records the identity expected.
        pin_file: PathBuf,
        /// The core's refusal, naming both identities.
        source: cairn_core::Error,
    },
    /// A repository operation failed.
    #[error(transparent)]
    Core(#[from] cairn_core::Error),
}

impl Error {
    /// The core error inside, if any (for exit codes and HTTP statuses).
    pub fn core(&self) -> Option<&cairn_core::Error> {
        match self {
            Error::PinMismatch { source, .. } | Error::Core(source) => Some(source),
            _ => None,
        }
    }
}
