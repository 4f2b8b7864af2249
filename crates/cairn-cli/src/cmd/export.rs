use crate::cli::{ExportArgs, ExportFormat, Global};
use crate::context::{self, Access};
use anyhow::{bail, Result};
use cairn_core::export::export_tar;
use std::io::{IsTerminal, Write};

pub fn run(g: &Global, a: &ExportArgs) -> Result<u8> {
    if std::io::stdout().is_terminal() {
        bail!("refusing to write an archive to a terminal: redirect stdout to a file or a pipe (cairn export ... > snapshot.tar)");
    }
    let repo = context::open(g, Access::Read, "export")?;
    let (_, meta) = repo.find_snapshot(&a.snapshot)?;
    let out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let sub = a.path.as_deref();
    match a.format {
        ExportFormat::Tar => export_tar(&repo, &meta.tree, sub, out)?.flush()?,
        ExportFormat::TarGz => {
            let gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
            export_tar(&repo, &meta.tree, sub, gz)?.finish()?.flush()?;
        }
        ExportFormat::TarZst => {
            let z = zstd::stream::write::Encoder::new(out, 3)?;
            export_tar(&repo, &meta.tree, sub, z)?.finish()?.flush()?;
        }
    }
    Ok(0)
}
