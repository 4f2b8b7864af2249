use crate::cli::{Global, ManifestArgs, ManifestFormat};
use crate::context::{self, Access};
use anyhow::Result;
use cairn_core::manifest::{manifest_and_not_entered, sha256sum_line};
use cairn_core::tree::NodeType;
use std::io::Write;

pub fn run(g: &Global, a: &ManifestArgs) -> Result<u8> {
    let repo = context::open(g, Access::Read, "manifest")?;
    let (id, meta) = repo.find_snapshot(&a.snapshot)?;
    let (entries, not_entered) = manifest_and_not_entered(&repo, &meta.tree)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if g.json || matches!(a.format, ManifestFormat::Json) {
        let doc = serde_json::json!({ "snapshot": id.to_hex(), "time": meta.time, "paths": meta.paths, "entries": entries });
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        for e in entries.iter().filter(|e| e.kind == NodeType::File) {
            if let Some(sha) = &e.sha256 {
                out.write_all(&sha256sum_line(sha, &e.raw_path()))?;
            }
        }
    }
    out.flush()?;
    // Everything else was written; a folder too deep to enter still fails
    // the run (damage), naming it, as export does.
    not_entered.check()?;
    Ok(0)
}
