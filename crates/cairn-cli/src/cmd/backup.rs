use crate::cli::{BackupArgs, Global};
use crate::context::{self, Access, Session};
use crate::exit;
use crate::location::Location;
use crate::progress::{count_sources, watching};
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_core::backup::{backup, backup_stream, BackupOptions, Excluder, Progress};
use cairn_core::repo::InitOptions;
use cairn_core::snapshot::SourceError;
use cairn_core::SnapshotId;
use serde::Serialize;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

pub fn run(g: &Global, a: &BackupArgs) -> Result<u8> {
    let started = Instant::now();
    let now = crate::wallclock::now(a.now.as_deref())?;
    let loc = Location::resolve(g)?;
    let mut repo = open_or_create(g, &loc, &now)?;
    let mut excludes = a.excludes.clone();
    for f in &a.exclude_files {
        excludes.extend(Excluder::read_file(f)?);
    }
    let opts = BackupOptions {
        paths: a.paths.clone(),
        tags: a.tags.clone(),
        host: a.host.clone().unwrap_or_else(context::hostname),
        excludes,
        one_file_system: a.one_file_system,
        spec: None,
        now,
        workers: a.workers.unwrap_or_else(cairn_app::spec::default_workers),
        force: a.force,
        uploads: a.uploads.map(|u| u as usize).unwrap_or(
            if cairn_store::is_remote(&loc.path.to_string_lossy()) {
                4
            } else {
                2
            },
        ),
    };
    let progress = Progress::default();
    let mut stream = crate::stream::source(a)?;
    let stop = AtomicBool::new(false);
    let result = std::thread::scope(|s| {
        if stream.is_none() && crate::progress::shown(g) != crate::progress::Shown::Nothing {
            s.spawn(|| count_sources(&opts, &progress.work, &stop));
        }
        let r = watching(
            g,
            &progress.work,
            ("backup", "counting", "files"),
            || match stream.as_mut() {
                Some(r) => {
                    backup_stream(&mut repo, &opts, &a.stdin_filename, r.as_mut(), &progress)
                }
                None => backup(&mut repo, &opts, &progress),
            },
        );
        stop.store(true, Ordering::Relaxed);
        r
    })?;
    let m = result.meta;
    let st = &m.stats;
    emit(
        g,
        &Backed {
            snapshot_id: result.id,
            short_id: result.id.short(),
            parent: m.parent,
            repository: loc.path.display().to_string(),
            files_new: st.files_new,
            files_changed: st.files_changed,
            files_unchanged: st.files_unchanged,
            dirs: st.dirs,
            total_files: st.files,
            total_bytes: st.bytes,
            bytes_read: st.bytes_read,
            bytes_added: st.bytes_added,
            bytes_stored: st.bytes_stored,
            packs_written: result.packs,
            packs_adopted: result.packs_adopted,
            incomplete: m.incomplete,
            errors: m.errors,
            duration_s: started.elapsed().as_secs_f64(),
        },
    )
}

/// A snapshot `cairn backup` saved, with what it read and stored.
#[derive(Serialize)]
struct Backed {
    snapshot_id: SnapshotId,
    short_id: String,
    parent: Option<SnapshotId>,
    repository: String,
    files_new: u64,
    files_changed: u64,
    files_unchanged: u64,
    dirs: u64,
    total_files: u64,
    total_bytes: u64,
    bytes_read: u64,
    bytes_added: u64,
    bytes_stored: u64,
    packs_written: usize,
    packs_adopted: usize,
    incomplete: bool,
    /// Source entries that could not be read.
    errors: Vec<SourceError>,
    duration_s: f64,
}

impl Render for Backed {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        if g.quiet {
            return Ok(());
        }
        for e in &self.errors {
            writeln!(t.err, "{}", crate::render::problem("warning", e))?;
        }
        writeln!(
            t.err,
            "files: {} new, {} changed, {} unchanged; dirs: {}",
            self.files_new, self.files_changed, self.files_unchanged, self.dirs
        )?;
        writeln!(
            t.err,
            "read {} of {}, added {} ({} stored) in {:.1}s",
            crate::render::human_bytes(self.bytes_read),
            crate::render::human_bytes(self.total_bytes),
            crate::render::human_bytes(self.bytes_added),
            crate::render::human_bytes(self.bytes_stored),
            self.duration_s
        )?;
        writeln!(
            t.out,
            "snapshot {} saved{}",
            self.short_id,
            if self.incomplete { " (incomplete)" } else { "" }
        )?;
        if self.incomplete {
            let listed = self.errors.iter().filter(|e| !e.path.is_empty()).count();
            let more = if listed < self.errors.len() { "+" } else { "" };
            writeln!(t.err, "{listed}{more} source entr(ies) could not be read; the snapshot is marked incomplete (exit code 3)")?;
        }
        Ok(())
    }

    fn exit_code(&self) -> u8 {
        if self.incomplete {
            exit::INCOMPLETE
        } else {
            0
        }
    }
}

/// The default repository is created on first use; any other must exist.
fn open_or_create(g: &Global, loc: &Location, now: &time::OffsetDateTime) -> Result<Session> {
    let backend = loc.backend(g)?;
    if loc.is_default
        && cairn_core::config::read_config(backend.as_ref()).is_err()
        && !loc.path.join("config").exists()
    {
        let (mut repo, kf) = super::init::create(g, loc, InitOptions::default(), *now)?;
        repo.keep_written_record(crate::pinning::written(loc)?);
        super::init::report(g, loc, &repo, kf.as_deref())?;
        let lock = context::lock(g, repo.backend(), Access::Append, "backup")?;
        return Ok(Session::new(repo, lock));
    }
    context::open(g, Access::Append, "backup")
}
