//! A spec's `before` and `after` commands (argv lists, no shell): quiesce a
//! service before its backup, resume it after, or notify. A `before` that
//! fails or outlives its timeout skips the backup and says why; `after` runs
//! whether or not the backup worked, told how it went through its
//! environment. What each printed (the end of its stdout and stderr, one
//! escaped line each) goes into the job: into its result when the hook
//! worked, into its error when it did not.

use serde::Serialize;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How much of a hook's stdout and of its stderr is kept (their ends).
const TAIL: usize = 400;

/// A hook that ran and succeeded, and what it printed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HookRun {
    /// `before` or `after`.
    pub hook: String,
    /// Its argv, joined by spaces.
    pub command: String,
    /// The end of its stdout (at most 400 bytes), control characters escaped.
    pub stdout: String,
    /// The end of its stderr, likewise.
    pub stderr: String,
}

/// Runs the `hook` (`before` or `after`) `argv` with `env` added, for at
/// most `timeout`: what it printed, or why it failed (exit status or
/// timeout, and the end of its stderr). No command, no run.
pub fn run(
    hook: &str,
    argv: &[String],
    env: &[(&str, String)],
    timeout: Duration,
) -> Result<Option<HookRun>, String> {
    let Some((program, args)) = argv.split_first() else {
        return Ok(None);
    };
    let shown = argv.join(" ");
    let mut child = Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("`{shown}` cannot run: {e}"))?;
    // Read both pipes beside the wait: a chatty hook must not block on a
    // full pipe.
    let out_reader = drain(child.stdout.take());
    let err_reader = drain(child.stderr.take());
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
    let stdout = tail(&out_reader.join().unwrap_or_default());
    let stderr = tail(&err_reader.join().unwrap_or_default());
    let said = if stderr.is_empty() {
        String::new()
    } else {
        format!(": {stderr}")
    };
    match status {
        Some(s) if s.success() => Ok(Some(HookRun {
            hook: hook.to_string(),
            command: shown,
            stdout,
            stderr,
        })),
        Some(s) => Err(format!("`{shown}` failed ({s}){said}")),
        None => Err(format!(
            "`{shown}` did not finish within {}s and was killed{said}",
            timeout.as_secs()
        )),
    }
}

/// Reads a pipe to its end on a thread.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut out);
        }
        out
    })
}

/// The last [`TAIL`] bytes of `bytes` (on a character boundary), as one
/// escaped line.
fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let t = text.trim_end();
    let start = (t.len().saturating_sub(TAIL)..=t.len())
        .find(|i| t.is_char_boundary(*i))
        .unwrap_or(t.len());
    cairn_core::escape::one_line(&t[start..]).into_owned()
}
