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
use cairn_core::{Backend, ObjectKind};
use cairn_test_support::forwarding::{check, refuses_nothing, Bare};
use cairn_test_support::Hooked;
use std::sync::Arc;

#[test]
fn the_forwarding_base_passes_every_call_on() {
    check(
        "a wrapper that changes nothing",
        |b| Arc::new(Bare(b)),
        refuses_nothing,
    );
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
        check(
            &format!("{mode} WORM"),
            |b| -> Arc<dyn Backend> { Worm::open(b, cfg, Arc::new(FixedClock(now))).unwrap() },
            refuses_nothing,
        );
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
