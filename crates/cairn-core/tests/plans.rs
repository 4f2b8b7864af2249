//! The plans that decide before anything acts (prune, restore, rotate),
//! asserted on directly: what each plan says, and that planning changes
//! nothing. (The forget plan is pure and tested inline in `forget.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::backup::{backup, BackupOptions, BackupOutcome, Progress};
use cairn_core::keyslot::Credential;
use cairn_core::prune::{self, PackAction, PruneOptions};
use cairn_core::restore::{self, Action, Overwrite, RestoreOptions};
use cairn_core::rotate;
use cairn_core::{Backend, ObjectKind, Repository};
use cairn_test_support::{make_tree, noise, TestRepo};
use std::path::Path;

fn now() -> time::OffsetDateTime {
    cairn_core::clock::parse_rfc3339("2026-11-27T00:00:00Z").unwrap()
}

fn back_up(repo: &mut Repository, src: &Path) -> BackupOutcome {
    let opts = BackupOptions {
        paths: vec![src.to_path_buf()],
        tags: vec![],
        host: "h".into(),
        excludes: vec![],
        one_file_system: false,
        spec: None,
        now: now(),
        workers: 2,
        force: false,
        uploads: 2,
    };
    backup(repo, &opts, &Progress::default()).unwrap()
}

/// Every object the storage holds, by kind and name.
fn stored(b: &dyn Backend) -> Vec<(ObjectKind, String)> {
    let mut all = Vec::new();
    for kind in ObjectKind::ALL {
        for o in b.list_all(kind).unwrap() {
            all.push((kind, o.name));
        }
    }
    all.sort();
    all
}

fn prune_opts() -> PruneOptions {
    PruneOptions {
        max_unused_percent: 5.0,
        now: now(),
    }
}

#[test]
fn prune_plans_nothing_while_every_snapshot_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    make_tree(&src);
    let t = TestRepo::memory();
    let b = t.backend();
    let mut repo = t.init();
    back_up(&mut repo, &src);
    let before = stored(b.as_ref());
    let plan = prune::plan(&repo, &prune_opts()).unwrap();
    assert_eq!(plan.snapshots, 1);
    assert!(
        plan.packs.iter().all(|p| p.action == PackAction::Keep),
        "{plan:?}"
    );
    assert_eq!(plan.totals().bytes_freed, 0);
    assert_eq!(stored(b.as_ref()), before, "planning wrote or deleted");
}

#[test]
fn prune_plans_to_delete_the_packs_only_a_forgotten_snapshot_used() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("gone"), noise(3_000_000, 1)).unwrap();
    let t = TestRepo::memory();
    let b = t.backend();
    let mut repo = t.init();
    let first = back_up(&mut repo, &src);
    std::fs::remove_file(src.join("gone")).unwrap();
    std::fs::write(src.join("new"), noise(3_000_000, 2)).unwrap();
    back_up(&mut repo, &src);
    repo.delete_snapshot(&first.id).unwrap();
    let before = stored(b.as_ref());
    let plan = prune::plan(&repo, &prune_opts()).unwrap();
    assert_eq!(plan.snapshots, 1);
    let totals = plan.totals();
    assert!(totals.delete_packs + totals.repack_packs >= 1, "{plan:?}");
    assert!(
        totals.bytes_freed >= 2_900_000,
        "the forgotten file's 3 MB of noise is not freed: {totals:?}"
    );
    assert!(plan.packs.iter().any(|p| p.action == PackAction::Keep));
    assert_eq!(stored(b.as_ref()), before, "planning wrote or deleted");
}

fn restore_opts(target: &Path) -> RestoreOptions {
    RestoreOptions {
        target: target.to_path_buf(),
        include: vec![],
        exclude: vec![],
        overwrite: Overwrite::IfChanged,
        delete: true,
        workers: 2,
        special: false,
    }
}

#[test]
fn restore_plans_creates_into_an_empty_target_and_skips_or_deletes_into_a_restored_one() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    make_tree(&src);
    let mut repo = TestRepo::memory().init();
    let out = back_up(&mut repo, &src);
    let target = dir.path().join("target");

    let plan = restore::plan(&repo, out.id, &out.meta.tree, &restore_opts(&target)).unwrap();
    assert!(!target.exists(), "planning created the target");
    assert!(plan.totals.create > 0);
    assert_eq!(
        (plan.totals.overwrite, plan.totals.skip, plan.totals.delete),
        (0, 0, 0)
    );
    assert!(plan.entries.iter().all(|e| e.action == Action::Create));

    restore::execute(&repo, &plan, 2).unwrap();
    std::fs::write(target.join("stray"), b"not in the snapshot").unwrap();
    let again = restore::plan(&repo, out.id, &out.meta.tree, &restore_opts(&target)).unwrap();
    assert_eq!(again.totals.create, 0, "{:?}", again.entries);
    assert_eq!(again.totals.bytes, 0);
    assert_eq!(again.totals.delete, 1);
    let stray: Vec<_> = again
        .entries
        .iter()
        .filter(|e| e.action == Action::Delete)
        .map(|e| e.path())
        .collect();
    assert_eq!(stray, vec!["stray"]);
    assert!(target.join("stray").exists(), "planning deleted");
}

#[test]
fn rotation_plans_to_carry_the_slot_its_credential_opens_and_blocks_the_rest() {
    let t = TestRepo::memory();
    let b = t.backend();
    let repo = t.init();
    let before = stored(b.as_ref());
    let epoch = repo.config().key_epoch;

    let r = rotate::plan(&repo, &[TestRepo::credential()], &|_| None).unwrap();
    assert_eq!((r.plan.from_epoch, r.plan.to_epoch), (epoch, epoch + 1));
    assert_eq!(r.plan.carried.len(), 1);
    assert!(r.plan.blocked.is_empty() && r.plan.stale.is_empty() && r.plan.remade.is_empty());

    let wrong = Credential::Passphrase("not it".into());
    let r = rotate::plan(&repo, &[wrong], &|_| None).unwrap();
    assert!(r.plan.carried.is_empty());
    assert_eq!(r.plan.blocked.len(), 1, "{:?}", r.plan);
    assert_eq!(stored(b.as_ref()), before, "planning wrote or deleted");
}

/// The progress totals are what is written: a hard link's second name is a
/// link, so a bar counting files and bytes ends at its total, not short.
#[test]
fn restore_and_export_progress_totals_count_a_hard_linked_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("a"), noise(100_000, 1)).unwrap();
    std::fs::hard_link(src.join("a"), src.join("b")).unwrap();
    std::fs::write(src.join("c"), b"three").unwrap();
    let mut repo = TestRepo::memory().init();
    let out = back_up(&mut repo, &src);
    let tree = repo.find_snapshot("latest").unwrap().1.tree;
    let plan = restore::plan(&repo, out.id, &tree, &restore_opts(&dir.path().join("t"))).unwrap();
    let p = restore::RestoreProgress::default();
    restore::execute_watched(&repo, &plan, 2, &p).unwrap();
    use std::sync::atomic::Ordering::Relaxed;
    let seen = |p: &cairn_core::progress::WorkProgress| {
        (
            p.items.load(Relaxed),
            p.total_items.load(Relaxed),
            p.bytes.load(Relaxed),
            p.total_bytes.load(Relaxed),
        )
    };
    assert_eq!(seen(&p), (2, 2, 100_005, 100_005));
    let p = cairn_core::progress::WorkProgress::default();
    cairn_core::export::export_tar_watched(&repo, &tree, None, std::io::sink(), &p).unwrap();
    assert_eq!(seen(&p), (2, 2, 100_005, 100_005));
}
