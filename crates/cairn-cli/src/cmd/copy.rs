//! `cairn copy --to LOCATION [SNAPSHOT]...`: the second copy.

use crate::cli::{CopyArgs, Global};
use crate::context::{self, Access};
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_app::usecase::select::Selector;
use cairn_core::copy::CopyOptions;
use serde::Serialize;
use std::io;

#[derive(Serialize)]
struct Pair {
    source: String,
    destination: String,
}

/// What `cairn copy` did.
#[derive(Serialize)]
struct Copied {
    copied: Vec<Pair>,
    /// Source snapshots the destination already held.
    present: Vec<String>,
    blobs_stored: u64,
    bytes_stored: u64,
    blobs_present: u64,
}

pub fn run(g: &Global, a: &CopyArgs) -> Result<u8> {
    let src = context::open(g, Access::Read, "copy")?;
    let mut dst = context::open_destination(g, &a.to, a.to_password_file.as_deref(), "copy")?;
    let sels: Vec<Selector> = a.snapshots.iter().map(|s| Selector::any(s)).collect();
    let defaults = CopyOptions::default();
    let opts = CopyOptions {
        workers: a.workers.unwrap_or_else(cairn_app::spec::default_workers),
        uploads: a.uploads.map_or(defaults.uploads, |u| u as usize),
    };
    let progress = cairn_core::progress::WorkProgress::default();
    let r = crate::progress::watching(g, &progress, ("copy", "listing", "snapshots"), || {
        cairn_app::usecase::copy::copy_watched(&src, &mut dst, &sels, &opts, &progress)
    })?;
    emit(
        g,
        &Copied {
            copied: r
                .copied
                .iter()
                .map(|(s, d)| Pair {
                    source: s.to_hex(),
                    destination: d.to_hex(),
                })
                .collect(),
            present: r.present.iter().map(|s| s.to_hex()).collect(),
            blobs_stored: r.blobs_stored,
            bytes_stored: r.bytes_stored,
            blobs_present: r.blobs_present,
        },
    )
}

impl Render for Copied {
    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        for p in &self.copied {
            writeln!(
                t.out,
                "copied {} -> {}",
                &p.source[..8],
                &p.destination[..8]
            )?;
        }
        if !g.quiet {
            writeln!(
                t.err,
                "{} snapshot(s) copied, {} already there; {} blob(s) stored ({}), {} already there",
                self.copied.len(),
                self.present.len(),
                self.blobs_stored,
                crate::render::human_bytes(self.bytes_stored),
                self.blobs_present
            )?;
        }
        Ok(())
    }
}
