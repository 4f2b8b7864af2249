//! `cairn completions SHELL` and `cairn man DIR`: generated from the same
//! clap definitions as `--help`, so they cannot drift from the binary.
//! `scripts/gen-completions.sh` writes them into `contrib/`, and a test
//! checks that what is committed there is what this binary generates.

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::path::Path;

pub fn completions(a: &CompletionsArgs) -> Result<u8> {
    let mut cmd = Cli::command();
    clap_complete::generate(a.shell, &mut cmd, "cairn", &mut std::io::stdout());
    Ok(0)
}

pub fn man(a: &ManArgs) -> Result<u8> {
    std::fs::create_dir_all(&a.dir).with_context(|| format!("creating {}", a.dir.display()))?;
    let cmd = Cli::command();
    write_page(&a.dir, "cairn", cmd.clone())?;
    for sub in cmd.get_subcommands() {
        let name = format!("cairn-{}", sub.get_name());
        write_page(
            &a.dir,
            &name,
            sub.clone()
                .display_name(name.clone())
                .bin_name(name.clone()),
        )?;
        for inner in sub.get_subcommands() {
            let name = format!("cairn-{}-{}", sub.get_name(), inner.get_name());
            write_page(
                &a.dir,
                &name,
                inner
                    .clone()
                    .display_name(name.clone())
                    .bin_name(name.clone()),
            )?;
        }
    }
    Ok(0)
}

fn write_page(dir: &Path, name: &str, cmd: clap::Command) -> Result<()> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .title(name)
        .source(format!("cairn {}", env!("CARGO_PKG_VERSION")))
        .render(&mut out)?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, out).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
