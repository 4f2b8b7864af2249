//! Progress bars for backups and restores: files, bytes, rate and ETA, on
//! stderr when it is a terminal. A backup's totals come from a quick
//! concurrent scan of the sources, a restore's from its plan; until they are
//! known the bar shows a spinner.

use cairn_core::backup::{BackupOptions, Excluder, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub struct BackupBar<'a> {
    bar: ProgressBar,
    progress: &'a Progress,
    total_bytes: Arc<AtomicU64>,
    total_files: Arc<AtomicU64>,
    counted: Arc<AtomicBool>,
    done: AtomicBool,
}

impl<'a> BackupBar<'a> {
    pub fn start(progress: &'a Progress, opts: &BackupOptions) -> Self {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        let (total_bytes, total_files, counted) = (
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        if !bar.is_hidden() {
            let (tb, tf, c) = (total_bytes.clone(), total_files.clone(), counted.clone());
            let paths = opts.paths.clone();
            let ex = Excluder::new(&opts.excludes).ok();
            std::thread::spawn(move || {
                for p in &paths {
                    count(p, ex.as_ref(), &tb, &tf);
                }
                c.store(true, Ordering::Relaxed);
            });
        }
        BackupBar {
            bar,
            progress,
            total_bytes,
            total_files,
            counted,
            done: AtomicBool::new(false),
        }
    }

    pub fn tick_until_done(&self) {
        let mut styled = false;
        while !self.done.load(Ordering::Relaxed) {
            let bytes = self.progress.bytes.load(Ordering::Relaxed);
            let files = self.progress.files.load(Ordering::Relaxed);
            if self.counted.load(Ordering::Relaxed) && !styled {
                self.bar
                    .set_length(self.total_bytes.load(Ordering::Relaxed));
                if let Ok(s) = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}") {
                    self.bar.set_style(s);
                }
                styled = true;
            }
            self.bar.set_position(bytes);
            self.bar.set_message(format!(
                "{files}/{} files",
                self.total_files.load(Ordering::Relaxed)
            ));
            self.bar.tick();
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn finish(&self) {
        self.done.store(true, Ordering::Relaxed);
        self.bar.finish_and_clear();
    }
}

fn count(p: &Path, ex: Option<&Excluder>, bytes: &AtomicU64, files: &AtomicU64) {
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
            count(&path, ex, bytes, files);
        }
    }
}

/// Runs `work` with a bar on stderr, when it is a terminal: bytes done of
/// the total, items (`unit`: files, packs), rate and ETA. Until the work
/// knows its totals (planning, the metadata pass) the bar is a spinner
/// saying `first`; a non-terminal stderr gets nothing.
pub fn watching<T>(
    quiet: bool,
    progress: &cairn_core::progress::WorkProgress,
    first: &str,
    unit: &str,
    work: impl FnOnce() -> T,
) -> T {
    if quiet || !std::io::stderr().is_terminal() {
        return work();
    }
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
