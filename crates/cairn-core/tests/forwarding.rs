//! Every backend wrapper passes on each call it does not change
//! (`cairn_core::wrapper`), checked call by call against a storage whose
//! every answer differs from the trait's defaults
//! (`cairn_test_support::forwarding`). The cache's own check is in
//! cairn-store's tests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::backend::WormMode;
use cairn_core::clock::FixedClock;
use cairn_core::guard::AppendOnly;
use cairn_core::worm::{Worm, WormConfig};
use cairn_core::{Backend, Bytes, ObjectKind, Result, Wrapper};
use cairn_test_support::forwarding::{check, refuses_nothing, shares_writes, Bare, Probe};
use cairn_test_support::Hooked;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[test]
fn the_forwarding_base_passes_every_call_on() {
    check(
        "a wrapper that changes nothing",
        |b| Arc::new(Bare(b)),
        refuses_nothing,
    );
}

/// A wrapper with a concern on `write_new` that says nothing of shared
/// bytes: the default must not carry them past that concern.
struct CountsWrites {
    inner: Arc<dyn Backend>,
    writes: AtomicUsize,
}

impl Wrapper for CountsWrites {
    fn inner(&self) -> &dyn Backend {
        self.inner.as_ref()
    }
    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.writes.fetch_add(1, Ordering::Relaxed);
        self.inner.write_new(kind, name, data)
    }
}

#[test]
fn shared_bytes_go_through_a_wrappers_own_write_unless_it_passes_them_on() {
    let probe = Arc::new(Probe::default());
    let w = CountsWrites {
        inner: probe.clone(),
        writes: AtomicUsize::new(0),
    };
    let name = "cd".repeat(32);
    Backend::write_new_shared(&w, ObjectKind::Pack, &name, &Bytes::from_static(b"p")).unwrap();
    assert_eq!(
        w.writes.load(Ordering::Relaxed),
        1,
        "the concern was skipped"
    );
    let seen: Vec<_> = probe.take().into_iter().map(|c| c.method).collect();
    assert_eq!(seen, ["write_new"]);
}

/// The wrappers that can sit on a backup's path to S3 keep a pack shared
/// (the test hook too, so tests see the path production takes).
#[test]
fn the_wrappers_on_a_backups_path_keep_packs_shared() {
    shares_writes("append-only access", AppendOnly::wrap);
    each_worm(|what, wrap| shares_writes(what, wrap));
    shares_writes("a hooked backend", |b| {
        Arc::new(Hooked::new(b, |_, _, _, _| Ok(())))
    });
}

#[test]
fn append_only_refuses_replacing_and_deleting_and_passes_on_the_rest() {
    check("append-only access", AppendOnly::wrap, |method, kind| {
        matches!(method, "replace_config" | "replace" | "remove_leftover")
            || (method == "delete" && kind != Some(ObjectKind::Lock))
    });
}

#[test]
fn the_worm_guard_passes_on_every_call_its_ledger_allows() {
    // A fresh ledger holds nothing, so nothing is refused: every call must
    // reach the storage (writes after their ledger record).
    each_worm(|what, wrap| check(what, wrap, refuses_nothing));
}

/// A WORM guard of each grade over a fresh ledger, and its name.
fn each_worm(f: impl Fn(&str, &dyn Fn(Arc<dyn Backend>) -> Arc<dyn Backend>)) {
    let now = time::OffsetDateTime::from_unix_timestamp(1_796_544_000).unwrap();
    for mode in [
        WormMode::Software,
        WormMode::Governance,
        WormMode::Compliance,
    ] {
        let cfg = WormConfig {
            mode,
            retention_secs: 86_400,
        };
        f(&format!("{mode} WORM"), &|b| -> Arc<dyn Backend> {
            Worm::open(b, cfg, Arc::new(FixedClock(now))).unwrap()
        });
    }
}

#[test]
fn the_test_hook_passes_every_call_on() {
    check(
        "a hooked backend",
        |b| Arc::new(Hooked::new(b, |_, _, _, _| Ok(()))),
        refuses_nothing,
    );
    check(
        "a backend watching reads",
        |b| Arc::new(Hooked::watching_reads(b, |_| ())),
        refuses_nothing,
    );
}
