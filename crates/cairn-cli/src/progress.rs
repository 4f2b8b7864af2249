//! Progress bars for long work (backup, restore, verify, prune, export):
//! items, bytes, rate and ETA, on stderr when it is a terminal. A backup's
//! totals come from a quick concurrent scan of the sources, the others' from
//! their plans; until they are known the bar shows a spinner.

use crate::cli::{Global, ProgressArg};
use cairn_core::backup::{BackupOptions, Excluder};
use cairn_core::progress::WorkProgress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How progress is shown: `--progress` and `--quiet` decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Nothing,
    Bar,
    /// One JSON object per line on stderr, each second and at the end.
    JsonLines,
}

/// What `g` asks for: a bar only when stderr is a terminal; JSON lines
/// wherever stderr goes; nothing with `--quiet`.
pub fn shown(g: &Global) -> Shown {
    match (g.quiet, g.progress) {
        (true, _) | (_, ProgressArg::None) => Shown::Nothing,
        (_, ProgressArg::Json) => Shown::JsonLines,
        (_, ProgressArg::Auto) if std::io::stderr().is_terminal() => Shown::Bar,
        (_, ProgressArg::Auto) => Shown::Nothing,
    }
}

/// Counts the files and bytes under `paths` (what a backup of them will
/// read, excludes applied) into `progress`'s totals, for the bar's length
/// and ETA. Stops early when `stop` is set: the backup may finish first.
pub fn count_sources(opts: &BackupOptions, progress: &WorkProgress, stop: &AtomicBool) {
    let ex = Excluder::new(&opts.excludes).ok();
    let (bytes, files) = (AtomicU64::new(0), AtomicU64::new(0));
    for p in &opts.paths {
        count(p, ex.as_ref(), &bytes, &files, stop);
    }
    if !stop.load(Ordering::Relaxed) {
        progress.begin(files.into_inner(), bytes.into_inner());
    }
}

fn count(p: &Path, ex: Option<&Excluder>, bytes: &AtomicU64, files: &AtomicU64, stop: &AtomicBool) {
    if stop.load(Ordering::Relaxed) {
        return;
    }
    let Ok(md) = std::fs::symlink_metadata(p) else {
        return;
    };
    if md.is_file() {
        files.fetch_add(1, Ordering::Relaxed);
        bytes.fetch_add(md.size(), Ordering::Relaxed);
    } else if md.is_dir() {
        let Ok(rd) = std::fs::read_dir(p) else { return };
        for e in rd.flatten() {
            let path = e.path();
            if ex.is_some_and(|x| x.excluded(&path, &e.file_name())) {
                continue;
            }
            count(&path, ex, bytes, files, stop);
        }
    }
}

/// Runs `work` while showing `progress` as [`shown`] says: a bar with
/// bytes done of the total, items (`unit`: files, packs), rate and ETA, or
/// JSON lines naming the `work` kind. Until the work knows its totals
/// (planning, the metadata pass) the bar is a spinner saying `first`.
pub fn watching<T>(
    g: &Global,
    progress: &WorkProgress,
    (kind, first, unit): (&str, &str, &str),
    work: impl FnOnce() -> T,
) -> T {
    match shown(g) {
        Shown::Nothing => work(),
        Shown::Bar => with_bar(progress, first, unit, work),
        Shown::JsonLines => with_json_lines(progress, kind, unit, work),
    }
}

fn with_bar<T>(progress: &WorkProgress, first: &str, unit: &str, work: impl FnOnce() -> T) -> T {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(st) =
        ProgressStyle::with_template(&format!("{{spinner}} [{{elapsed_precise}}] {first}"))
    {
        bar.set_style(st);
    }
    let done = AtomicBool::new(false);
    let out = std::thread::scope(|s| {
        s.spawn(|| {
            let mut styled = false;
            while !done.load(Ordering::Relaxed) {
                if progress.started.load(Ordering::Relaxed) && !styled {
                    bar.set_length(progress.total_bytes.load(Ordering::Relaxed));
                    if let Ok(st) = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}") {
                        bar.set_style(st);
                    }
                    styled = true;
                }
                bar.set_position(progress.bytes.load(Ordering::Relaxed));
                bar.set_message(format!(
                    "{}/{} {unit}",
                    progress.items.load(Ordering::Relaxed),
                    progress.total_items.load(Ordering::Relaxed)
                ));
                bar.tick();
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let out = work();
        done.store(true, Ordering::Relaxed);
        out
    });
    bar.finish_and_clear();
    out
}

/// One progress line, as scripts read it.
#[derive(Serialize)]
struct Line<'a> {
    progress: &'a str,
    unit: &'a str,
    items: u64,
    bytes: u64,
    /// None until the work knows its totals.
    total_items: Option<u64>,
    total_bytes: Option<u64>,
    elapsed_s: f64,
    done: bool,
}

fn with_json_lines<T>(
    progress: &WorkProgress,
    kind: &str,
    unit: &str,
    work: impl FnOnce() -> T,
) -> T {
    let started = Instant::now();
    let line = |done: bool| {
        let known = progress.started.load(Ordering::Relaxed);
        let l = Line {
            progress: kind,
            unit,
            items: progress.items.load(Ordering::Relaxed),
            bytes: progress.bytes.load(Ordering::Relaxed),
            total_items: known.then(|| progress.total_items.load(Ordering::Relaxed)),
            total_bytes: known.then(|| progress.total_bytes.load(Ordering::Relaxed)),
            elapsed_s: started.elapsed().as_secs_f64(),
            done,
        };
        if let Ok(text) = serde_json::to_string(&l) {
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        }
    };
    let done = (Mutex::new(false), Condvar::new());
    let out = std::thread::scope(|s| {
        s.spawn(|| {
            let (lock, cv) = &done;
            let mut finished = lock.lock().unwrap_or_else(|e| e.into_inner());
            while !*finished {
                let (g, timeout) = cv
                    .wait_timeout(finished, Duration::from_secs(1))
                    .unwrap_or_else(|e| e.into_inner());
                finished = g;
                if timeout.timed_out() && !*finished {
                    line(false);
                }
            }
        });
        let out = work();
        *done.0.lock().unwrap_or_else(|e| e.into_inner()) = true;
        done.1.notify_all();
        out
    });
    line(true);
    out
}
