//! `backup --stdin` and `--stdin-from-command`: where a streamed file's
//! bytes come from (a command's output through cairn-app's
//! [`cairn_app::command::CommandOutput`], which fails at the end of a failed
//! command's output so that no snapshot is stored).

use crate::cli::BackupArgs;
use anyhow::Result;
use cairn_app::command::CommandOutput;
use std::io::{self, Read};

/// The stream `a` asks to back up, if any.
pub fn source(a: &BackupArgs) -> Result<Option<Box<dyn Read>>> {
    if let Some(cmd) = &a.stdin_from_command {
        return Ok(Some(Box::new(CommandOutput::shell(cmd)?)));
    }
    Ok(a.stdin.then(|| Box::new(io::stdin()) as Box<dyn Read>))
}
