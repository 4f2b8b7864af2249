//! `command` slots: an external program wraps and unwraps the KEK (gpg, a
//! cloud KMS CLI, a smart-card tool). The protocol is in docs/KEYS.md:
//!
//! - `CMD wrap SLOT_ID`: stdin is the KEK as 64 hex digits and a newline;
//!   stdout is the wrapped KEK (any bytes, at most 64 KiB), stored in the slot.
//! - `CMD unwrap SLOT_ID`: stdin is exactly those bytes; stdout's first line
//!   is the KEK as 64 hex digits.
//!
//! Both get CAIRN_SLOT_ID and CAIRN_REPO_ID in the environment and must exit 0,
//! within 60 seconds (`CAIRN_KEY_COMMAND_TIMEOUT`, in seconds): a command that
//! hangs (a prompt nobody answers, a KMS that never replies) would otherwise
//! hang every backup. On time-out it and everything it started are killed.
//! The command that runs is always the user's setting (`--key-command`,
//! CAIRN_KEY_COMMAND): the one stored in a slot is shown, never run, because
//! the repository's storage is not trusted to choose what runs on this machine.

use cairn_core::keyslot::external::CommandParams;
use cairn_core::keyslot::{ExternalParams, KekSource, SlotContext};
use cairn_core::{Error, ErrorKind, Result};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MAX_OUTPUT: usize = 64 * 1024;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

fn timeout() -> Duration {
    std::env::var("CAIRN_KEY_COMMAND_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// Reads a pipe to its end in a thread, keeping at most `MAX_OUTPUT + 1` bytes.
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(p) = pipe {
            let _ = p.take(MAX_OUTPUT as u64 + 1).read_to_end(&mut buf);
        }
        buf
    })
}

/// The user's wrap/unwrap command.
pub struct CommandSource {
    command: String,
}

impl CommandSource {
    pub fn new(command: &str) -> Self {
        CommandSource {
            command: command.to_string(),
        }
    }

    fn run(&self, verb: &str, ctx: SlotContext<'_>, input: &[u8]) -> Result<Vec<u8>> {
        let what = format!("the key command ({verb})");
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("{} \"$@\"", self.command))
            .arg("cairn-key-command")
            .arg(verb)
            .arg(ctx.slot_id)
            .env("CAIRN_SLOT_ID", ctx.slot_id)
            .env("CAIRN_REPO_ID", ctx.repo.to_hex())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::io(format!("cannot start {what}"), e))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A command that exits without reading is reported by its status below.
            let input = input.to_vec();
            std::thread::spawn(move || {
                let _ = stdin.write_all(&input);
            });
        }
        let (stdout, stderr) = (drain(child.stdout.take()), drain(child.stderr.take()));
        let limit = timeout();
        let deadline = Instant::now() + limit;
        let status = loop {
            match child.try_wait() {
                Ok(Some(s)) => break s,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Ok(None) => {
                    // Not its own process group: a command that prompts on
                    // the terminal must stay in the foreground group. So its
                    // descendants are found and stopped one by one: left
                    // running, they would hold the pipes and whatever else
                    // this process handed down.
                    kill_tree(child.id());
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Error::new(
                        ErrorKind::WrongKey,
                        format!(
                            "{what} did not finish within {} s and was stopped",
                            limit.as_secs_f64()
                        ),
                    )
                    .hint("if it waits for a person (a PIN, a token touch) or a slow service, raise CAIRN_KEY_COMMAND_TIMEOUT (seconds)"));
                }
                Err(e) => return Err(Error::io(format!("{what} did not finish"), e)),
            }
        };
        let out = std::process::Output {
            status,
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
        };
        if !out.status.success() {
            // Its last stderr line says why (gpg: decryption failed, ...); stdout may hold secrets.
            let err = String::from_utf8_lossy(&out.stderr);
            let last = err
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            let last: String = last.trim().chars().take(200).collect();
            return Err(Error::new(
                ErrorKind::WrongKey,
                format!(
                    "{what} failed ({}){}",
                    out.status,
                    if last.is_empty() {
                        String::new()
                    } else {
                        format!(": {last}")
                    }
                ),
            ));
        }
        if out.stdout.len() > MAX_OUTPUT {
            return Err(Error::new(
                ErrorKind::WrongKey,
                format!("{what} printed more than {MAX_OUTPUT} bytes"),
            ));
        }
        Ok(out.stdout)
    }
}

impl KekSource for CommandSource {
    fn kind(&self) -> &'static str {
        "command"
    }

    fn wrap_kek(&self, ctx: SlotContext<'_>, kek: &[u8; 32]) -> Result<(ExternalParams, String)> {
        let out = self.run("wrap", ctx, format!("{}\n", hex::encode(kek)).as_bytes())?;
        if out.is_empty() {
            return Err(Error::invalid("the key command (wrap) printed nothing"));
        }
        if out.windows(64).any(|w| w == hex::encode(kek).as_bytes()) {
            return Err(Error::invalid(
                "the key command (wrap) printed the key in the clear; it must print it wrapped",
            ));
        }
        let params = ExternalParams::Command(CommandParams {
            command: self.command.clone(),
        });
        Ok((params, hex::encode(out)))
    }

    fn unwrap_kek(
        &self,
        ctx: SlotContext<'_>,
        _params: &ExternalParams,
        wrapped: &str,
    ) -> Result<[u8; 32]> {
        let input = hex::decode(wrapped)
            .map_err(|_| Error::corrupt("the command-wrapped key is not hex"))?;
        let out = self.run("unwrap", ctx, &input)?;
        let text = String::from_utf8_lossy(&out);
        let line = text.lines().next().unwrap_or("").trim();
        let mut kek = [0u8; 32];
        // Never echo what it printed: it may be a secret in the wrong shape.
        hex::decode_to_slice(line, &mut kek).map_err(|_| {
            Error::new(
                ErrorKind::WrongKey,
                "the key command (unwrap) printed something that is not 64 hex digits on its first line",
            )
        })?;
        Ok(kek)
    }
}

/// Stops every descendant of `pid` (children first found, then theirs),
/// as `/proc` shows them now.
fn kill_tree(pid: u32) {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            let Some(p) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
                continue;
            };
            // Field 4, counted after the command name's closing parenthesis.
            let ppid = stat
                .rfind(')')
                .and_then(|i| stat[i + 1..].split_whitespace().nth(1))
                .and_then(|s| s.parse::<u32>().ok());
            if let Some(pp) = ppid {
                parents.push((p, pp));
            }
        }
    }
    let mut todo = vec![pid];
    let mut found = Vec::new();
    while let Some(p) = todo.pop() {
        for (c, _) in parents.iter().filter(|(_, pp)| *pp == p) {
            found.push(*c);
            todo.push(*c);
        }
    }
    for c in found {
        if let Some(c) = rustix::process::Pid::from_raw(c as i32) {
            let _ = rustix::process::kill_process(c, rustix::process::Signal::KILL);
        }
    }
}
