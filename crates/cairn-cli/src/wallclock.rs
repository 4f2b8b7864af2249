//! The CLI's time: the wall clock, or `--now` where a command takes it.
//! (The core never reads a clock of its own.)

use anyhow::Result;
use cairn_core::clock::Clock;

/// The wall clock, for the CLI and for lock expiry.
pub struct WallClock;

impl Clock for WallClock {
    fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc()
    }
}

/// "Now" for the CLI: `--now` or the wall clock (the core never reads it).
pub fn now(arg: Option<&str>) -> Result<time::OffsetDateTime> {
    Ok(match arg {
        Some(s) => cairn_core::clock::parse_rfc3339(s)?,
        None => time::OffsetDateTime::now_utc(),
    })
}
