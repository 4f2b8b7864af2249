//! `backup --stdin` and `--stdin-from-command`: where a streamed file's
//! bytes come from. A command's exit status is part of its output: a dump
//! that ended with an error is a broken dump, so the reader reports a
//! non-zero exit as a read error at the end of the stream, which fails the
//! backup before any snapshot names the data (restic's convention).

use crate::cli::BackupArgs;
use anyhow::{Context, Result};
use std::io::{self, Read};
use std::process::{Child, ChildStdout, Command, Stdio};

/// The stream `a` asks to back up, if any.
pub fn source(a: &BackupArgs) -> Result<Option<Box<dyn Read>>> {
    if let Some(cmd) = &a.stdin_from_command {
        return Ok(Some(Box::new(CommandOutput::spawn(cmd)?)));
    }
    Ok(a.stdin.then(|| Box::new(io::stdin()) as Box<dyn Read>))
}

/// A command's stdout, which fails at its end when the command failed.
struct CommandOutput {
    command: String,
    child: Child,
    stdout: ChildStdout,
    waited: bool,
}

impl CommandOutput {
    fn spawn(command: &str) -> Result<Self> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot run `{command}` with sh"))?;
        let stdout = child
            .stdout
            .take()
            .context("the command's output is not a pipe")?;
        Ok(CommandOutput {
            command: command.to_string(),
            child,
            stdout,
            waited: false,
        })
    }
}

impl Read for CommandOutput {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.stdout.read(buf)?;
        if n == 0 && !buf.is_empty() && !self.waited {
            self.waited = true;
            let status = self.child.wait()?;
            if !status.success() {
                return Err(io::Error::other(format!(
                    "`{}` failed ({status}); no snapshot was stored",
                    self.command
                )));
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
