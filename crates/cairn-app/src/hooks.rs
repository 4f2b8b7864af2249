//! A spec's `before` and `after` commands (argv lists, no shell): quiesce a
//! service before its backup, resume it after, or notify. A `before` that
//! fails or outlives its timeout skips the backup and says why; `after` runs
//! whether or not the backup worked, told how it went through its
//! environment. Their stderr's last lines go into the job's error.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How much of a failed hook's stderr is kept (its end).
const TAIL: usize = 400;

/// Runs `argv` with `env` added, for at most `timeout`; Err says why it
/// failed (exit status or timeout, and the end of its stderr).
pub fn run(argv: &[String], env: &[(&str, String)], timeout: Duration) -> Result<(), String> {
    let Some((program, args)) = argv.split_first() else {
        return Ok(());
    };
    let shown = argv.join(" ");
    let mut child = Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("`{shown}` cannot run: {e}"))?;
    // Read stderr beside the wait: a chatty hook must not block on a full pipe.
    let mut pipe = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(p) = pipe.as_mut() {
            let _ = p.read_to_end(&mut out);
        }
        out
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("`{shown}`: {e}")),
        }
    };
    let err = reader.join().unwrap_or_default();
    let text = String::from_utf8_lossy(&err);
    let tail = text.trim_end();
    let start = (tail.len().saturating_sub(TAIL)..=tail.len())
        .find(|i| tail.is_char_boundary(*i))
        .unwrap_or(tail.len());
    let tail = &tail[start..];
    let tail = cairn_core::escape::one_line(tail);
    let said = if tail.is_empty() {
        String::new()
    } else {
        format!(": {tail}")
    };
    match status {
        Some(s) if s.success() => Ok(()),
        Some(s) => Err(format!("`{shown}` failed ({s}){said}")),
        None => Err(format!(
            "`{shown}` did not finish within {}s and was killed{said}",
            timeout.as_secs()
        )),
    }
}
