//! One error type for the whole core: a kind callers can match on, a message
//! naming the object, and what to do next: [`Remedy`]s, which each front end
//! words for itself, and a free-text hint that needs no front-end words.

use crate::remedy::Remedy;
use std::fmt;

/// What went wrong, for callers that must branch (retry, exit code, HTTP status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The object or path does not exist.
    NotFound,
    /// A write-new found an object already under that name.
    AlreadyExists,
    /// A temporary failure; the same call may succeed later.
    Transient,
    /// WORM retention forbids the overwrite or delete.
    WormLocked,
    /// Bytes failed authentication, a hash did not match, or a decoder refused them.
    Corrupt,
    /// No key slot accepted the credential.
    WrongKey,
    /// The repository was written by a newer format version or uses an unknown feature.
    Unsupported,
    /// The caller passed something malformed.
    InvalidInput,
    /// The disk or quota is full.
    NoSpace,
    /// Access was denied by the operating system or the store.
    PermissionDenied,
    /// Another process holds a lock.
    Locked,
    /// Any other I/O failure.
    Io,
}

/// The core's error: kind, message, optional hint, optional source.
pub struct Error {
    kind: ErrorKind,
    message: String,
    hint: Option<String>,
    remedies: Vec<Remedy>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// Result with the core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with a lowercase message naming the object.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            remedies: Vec::new(),
            source: None,
        }
    }

    /// Adds what the operator should do next.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds something to do next, named for the front end to word.
    /// A later verify remedy replaces an earlier one (a caller knows
    /// better than [`Error::corrupt`]'s default); a repeat is dropped.
    pub fn remedy(mut self, r: Remedy) -> Self {
        if matches!(r, Remedy::Verify { .. }) {
            self.remedies
                .retain(|x| !matches!(x, Remedy::Verify { .. }));
        }
        if !self.remedies.contains(&r) {
            self.remedies.push(r);
        }
        self
    }

    /// Attaches the underlying cause.
    pub fn source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// Shorthand for [`ErrorKind::Corrupt`].
    pub fn corrupt(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Corrupt, message)
            .remedy(Remedy::Verify { read_data: true })
            .hint("if it finds damage, restore the repository from a copy")
    }

    /// Shorthand for [`ErrorKind::InvalidInput`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput, message)
    }

    /// Classifies an I/O error on `what` (a path or object name).
    pub fn io(what: impl fmt::Display, err: std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        let (kind, hint) = match err.kind() {
            K::NotFound => (ErrorKind::NotFound, None),
            K::AlreadyExists => (ErrorKind::AlreadyExists, None),
            K::PermissionDenied => (
                ErrorKind::PermissionDenied,
                Some("check the file permissions and the user cairn runs as"),
            ),
            K::StorageFull | K::QuotaExceeded => (
                ErrorKind::NoSpace,
                Some("free space on the repository's disk and run the command again; nothing already stored was lost"),
            ),
            K::Interrupted | K::TimedOut | K::WouldBlock => (ErrorKind::Transient, None),
            _ => (ErrorKind::Io, None),
        };
        let mut e = Error::new(kind, format!("{what}: {err}")).source(err);
        if let Some(h) = hint {
            e = e.hint(h);
        }
        e
    }

    /// The kind, for branching.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message without the hint.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The free-text hint, if any (without the remedies).
    pub fn hint_text(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// What to do next, for the front end to word.
    pub fn remedies(&self) -> &[Remedy] {
        &self.remedies
    }

    /// The message and `(hint: ...)` with the remedies in `words`, then the
    /// free-text hint: how a front end shows this error in its vocabulary.
    pub fn worded(&self, words: impl Fn(&Remedy) -> String) -> String {
        let mut parts: Vec<String> = self.remedies.iter().map(words).collect();
        parts.extend(self.hint.clone());
        if parts.is_empty() {
            self.message.clone()
        } else {
            format!("{} (hint: {})", self.message, parts.join("; "))
        }
    }

    /// The same kind, message and hint, without the source: for one
    /// failure that several callers each report (a pack read that fails
    /// every blob in it).
    pub fn duplicate(&self) -> Self {
        Error {
            kind: self.kind,
            message: self.message.clone(),
            hint: self.hint.clone(),
            remedies: self.remedies.clone(),
            source: None,
        }
    }

    /// Prefixes the message with context (e.g. the path being processed).
    pub fn context(mut self, ctx: impl fmt::Display) -> Self {
        self.message = format!("{ctx}: {}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.worded(Remedy::neutral))
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("hint", &self.hint)
            .field("remedies", &self.remedies)
            .field("source", &self.source)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|s| s.as_ref() as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_disk_is_classified_with_a_hint() {
        let e = Error::io(
            "data/ab/cd",
            std::io::Error::from(std::io::ErrorKind::StorageFull),
        );
        assert_eq!(e.kind(), ErrorKind::NoSpace);
        assert!(e.to_string().contains("free space"));
    }
}
