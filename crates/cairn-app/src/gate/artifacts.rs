//! Writing a gate run's files into the output folder. Each file is written
//! under a temporary name and renamed, so a reader (the server, a CI upload)
//! never sees half a report.

use super::render;
use super::report::Report;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The files a gate run leaves in its output folder.
pub const FILES: [&str; 4] = [
    "rg7_report.json",
    "DR_SUMMARY.md",
    "rg7_badge.svg",
    "sample_manifest.json",
];

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

/// Writes the report, the summary, the badge and the sample manifest into `out`.
pub fn write_all(out: &Path, report: &Report) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out)
        .map_err(|e| Error::Io(format!("cannot create {}: {e}", out.display())))?;
    let v = report.to_value();
    let json = |v: &serde_json::Value| {
        let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
        s.push('\n');
        s
    };
    let sample = serde_json::json!({
        "version": 1,
        "redaction": "path_hash = first 16 hex digits of sha256(salt || path); the salt is random per run and never written. The snapshot's manifest has the names.",
        "files": report.sample,
    });
    Ok(vec![
        write(out, FILES[0], json(&v).as_bytes())?,
        write(out, FILES[1], render::summary(&v).as_bytes())?,
        write(out, FILES[2], render::badge(&v).as_bytes())?,
        write(out, FILES[3], json(&sample).as_bytes())?,
    ])
}
