//! Exit codes scripts can rely on (documented in the README).

/// Something failed.
pub const ERROR: u8 = 1;
/// Bad usage or input (also clap's code).
pub const USAGE: u8 = 2;
/// A backup finished but some source files could not be read.
pub const INCOMPLETE: u8 = 3;
/// No key slot accepted the credential.
pub const WRONG_KEY: u8 = 4;
/// There is no repository at the location.
pub const NO_REPOSITORY: u8 = 5;
/// The repository is damaged.
pub const CORRUPT: u8 = 6;
/// Another process holds the repository lock.
pub const LOCKED: u8 = 7;
/// Interrupted by SIGINT, SIGTERM or SIGHUP (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;
/// stdout was closed by its reader (128 + SIGPIPE).
pub const CLOSED_STDOUT: u8 = 141;
