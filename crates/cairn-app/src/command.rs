//! A command's output as a stream to back up (the CLI's
//! `--stdin-from-command`, a spec's `command`). Its exit status is part of
//! its output: a dump that ended with an error is a broken dump, so the
//! reader reports a non-zero exit as a read error at the end of the stream,
//! which fails the backup before any snapshot names the data.

use crate::error::{Error, Result};
use std::io::{self, Read};
use std::process::{Child, ChildStdout, Command, Stdio};

/// A command's stdout, which fails at its end when the command failed.
pub struct CommandOutput {
    command: String,
    child: Child,
    stdout: ChildStdout,
    waited: bool,
    /// Why the command failed, once it has.
    failure: Option<String>,
}

impl CommandOutput {
    /// `command` run by `sh -c` (the CLI's `--stdin-from-command`).
    pub fn shell(command: &str) -> Result<Self> {
        Self::argv(
            &["sh".to_string(), "-c".to_string(), command.to_string()],
            command,
        )
    }

    /// `argv` run directly, no shell (a spec's `command`); `shown` names it
    /// in messages.
    pub fn argv(argv: &[String], shown: &str) -> Result<Self> {
        let Some((program, args)) = argv.split_first() else {
            return Err(Error::BadRequest("the command is empty".into()));
        };
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| Error::Io(format!("cannot run `{shown}`: {e}")))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| Error::Io(format!("`{shown}`: its output is not a pipe")))?;
        Ok(CommandOutput {
            command: shown.to_string(),
            child,
            stdout,
            waited: false,
            failure: None,
        })
    }

    /// Why the command failed (exited non-zero), if it did.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }
}

impl Read for CommandOutput {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.stdout.read(buf)?;
        if n == 0 && !buf.is_empty() && !self.waited {
            self.waited = true;
            let status = self.child.wait()?;
            if !status.success() {
                let why = format!(
                    "`{}` failed ({status}); no snapshot was stored",
                    self.command
                );
                self.failure = Some(why.clone());
                return Err(io::Error::other(why));
            }
        }
        Ok(n)
    }
}

impl Drop for CommandOutput {
    /// A backup that stopped early (a full disk) does not leave the command
    /// running, blocked on a pipe nobody reads.
    fn drop(&mut self) {
        if !self.waited {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
