use crate::cli::{ExportArgs, ExportFormat, Global};
use crate::context::{self, Access};
use anyhow::{bail, Result};
use cairn_app::usecase::export::export;
use cairn_app::usecase::select::Selector;
use cairn_core::progress::WorkProgress;
use std::io::{IsTerminal, Write};

pub fn run(g: &Global, a: &ExportArgs) -> Result<u8> {
    if std::io::stdout().is_terminal() {
        bail!("refusing to write an archive to a terminal: redirect stdout to a file or a pipe (cairn export ... > snapshot.tar)");
    }
    let repo = context::open(g, Access::Read, "export")?;
    let sel = Selector::any(&a.snapshot);
    let out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let sub = a.path.as_deref();
    let progress = WorkProgress::default();
    crate::progress::watching(g, &progress, ("export", "reading trees", "files"), || {
        match a.format {
            ExportFormat::Tar => export(&repo, &sel, sub, out, &progress)?.flush()?,
            ExportFormat::TarGz => {
                let gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
                export(&repo, &sel, sub, gz, &progress)?.finish()?.flush()?;
            }
            ExportFormat::TarZst => {
                let z = zstd::stream::write::Encoder::new(out, 3)?;
                export(&repo, &sel, sub, z, &progress)?.finish()?.flush()?;
            }
        }
        Ok(0)
    })
}
