//! Hostile repositories, written through the real encoders: whatever a
//! snapshot holds, restore creates, changes and deletes nothing outside its target.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::crypto::SealKind;
use cairn_core::pack::{seal_blob, PackBuilder};
use cairn_core::restore::{execute, plan, Overwrite, RestoreOptions};
use cairn_core::tree::{Name, Node, NodeType};
use cairn_core::{Backend, BlobId, ErrorKind, ObjectKind, Repository};
use cairn_test_support::hostile::{file_node, node, raw_tree};
use cairn_test_support::{FsBackend, TestRepo};
use std::sync::Arc;

/// A snapshot of hand-made trees (raw JSON, bypassing the encoder's own
/// checks) on host `evil`.
fn hostile_snapshot(
    repo: &mut Repository,
    trees: &[Vec<u8>],
    root: usize,
    data: &[&[u8]],
) -> (cairn_core::SnapshotId, BlobId) {
    cairn_test_support::hostile::hostile_snapshot(repo, trees, root, data, "evil")
}

fn setup() -> (tempfile::TempDir, Repository) {
    let dir = tempfile::tempdir().unwrap();
    let repo = TestRepo::on(Arc::new(FsBackend::new(dir.path().join("repo")))).init();
    (dir, repo)
}

fn opts(target: &std::path::Path) -> RestoreOptions {
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

/// A file beside the target that no restore may touch: `outside/keep`.
fn plant_outside(dir: &std::path::Path) {
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    std::fs::write(dir.join("outside/keep"), b"precious").unwrap();
}

fn outside_untouched(dir: &std::path::Path) {
    let names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(
        names,
        vec!["outside", "repo", "target"],
        "something was created beside the target"
    );
    assert_eq!(std::fs::read_dir(dir.join("outside")).unwrap().count(), 1);
    assert_eq!(
        std::fs::read(dir.join("outside/keep")).unwrap(),
        b"precious"
    );
}

#[test]
fn escaping_names_are_refused_before_anything_is_written() {
    for bad in [&b".."[..], b"../escape", b"/etc/passwd", b"a\0b", b".", b""] {
        let (dir, mut repo) = setup();
        plant_outside(dir.path());
        let data = b"evil".as_slice();
        let n = file_node(&repo, bad, data);
        let (id, root) = hostile_snapshot(&mut repo, &[raw_tree(&[n])], 0, &[data]);
        let target = dir.path().join("target");
        std::fs::create_dir_all(&target).unwrap();
        let e = plan(&repo, id, &root, &opts(&target)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{bad:?}: {e}");
        assert!(e.to_string().contains("unsafe name"), "{e}");
        outside_untouched(dir.path());
        assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);
    }
}

#[test]
fn duplicate_names_and_forged_nodes_are_refused() {
    let (dir, mut repo) = setup();
    let mut a = node(b"a", NodeType::Symlink);
    a.target = Some(Name(b"../outside".to_vec()));
    let mut b = node(b"a", NodeType::Dir);
    b.subtree = Some(BlobId([9; 32]));
    let (id, root) = hostile_snapshot(&mut repo, &[raw_tree(&[a, b])], 0, &[]);
    let e = plan(&repo, id, &root, &opts(&dir.path().join("target"))).unwrap_err();
    assert!(e.to_string().contains("duplicated or unsorted"), "{e}");
}

#[test]
fn a_symlink_then_a_directory_of_the_same_name_never_writes_through_the_link() {
    // Snapshot 1 restores `a -> ../outside`; snapshot 2 holds a directory `a`
    // with a file. Restoring 2 over 1 must not write into ../outside.
    let (dir, mut repo) = setup();
    plant_outside(dir.path());
    let target = dir.path().join("target");
    let mut link = node(b"a", NodeType::Symlink);
    link.target = Some(Name(b"../outside".to_vec()));
    let (s1, r1) = hostile_snapshot(&mut repo, &[raw_tree(&[link])], 0, &[]);
    let p1 = plan(&repo, s1, &r1, &opts(&target)).unwrap();
    let rep = execute(&repo, &p1, 2).unwrap();
    assert!(rep.errors.is_empty());
    assert!(std::fs::symlink_metadata(target.join("a"))
        .unwrap()
        .file_type()
        .is_symlink());

    let data = b"planted".as_slice();
    let f = file_node(&repo, b"keep", data);
    let inner = raw_tree(&[f]);
    let inner_id = BlobId(repo.keys().id(SealKind::Tree, &inner));
    let mut d = node(b"a", NodeType::Dir);
    d.subtree = Some(inner_id);
    let (s2, r2) = hostile_snapshot(&mut repo, &[inner, raw_tree(&[d])], 1, &[data]);
    let p2 = plan(&repo, s2, &r2, &opts(&target)).unwrap();
    let refused: Vec<_> = p2
        .entries
        .iter()
        .filter(|e| matches!(e.action, cairn_core::restore::Action::Refuse(_)))
        .collect();
    assert_eq!(refused.len(), 2, "{:?}", p2.entries);
    let rep = execute(&repo, &p2, 2).unwrap();
    let _ = rep;
    outside_untouched(dir.path());
}

fn mode_of(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_directory_swapped_for_a_symlink_before_its_metadata_is_set_changes_nothing_outside() {
    // The plan sees directory `d` in the target; before the restore sets its
    // mode, a local user swaps it for a symlink to a file outside. Restore
    // must not chmod (or chown, or touch) what the symlink points at.
    let (dir, mut repo) = setup();
    plant_outside(dir.path());
    let secret = dir.path().join("outside/keep");
    std::fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let before = std::fs::metadata(&secret).unwrap();
    let empty = raw_tree(&[]);
    let mut d = node(b"d", NodeType::Dir);
    d.mode = 0o4777;
    d.subtree = Some(BlobId(repo.keys().id(SealKind::Tree, &empty)));
    let (id, root) = hostile_snapshot(&mut repo, &[empty, raw_tree(&[d])], 1, &[]);
    let target = dir.path().join("target");
    std::fs::create_dir_all(target.join("d")).unwrap();
    let p = plan(&repo, id, &root, &opts(&target)).unwrap();
    std::fs::remove_dir(target.join("d")).unwrap();
    std::os::unix::fs::symlink(&secret, target.join("d")).unwrap();
    let rep = execute(&repo, &p, 2).unwrap();
    assert!(!rep.errors.is_empty(), "the swapped directory is reported");
    let after = std::fs::metadata(&secret).unwrap();
    assert_eq!(mode_of(&secret), 0o600, "mode changed through the symlink");
    assert_eq!(
        (
            before.modified().unwrap(),
            std::os::unix::fs::MetadataExt::uid(&before)
        ),
        (
            after.modified().unwrap(),
            std::os::unix::fs::MetadataExt::uid(&after)
        )
    );
    outside_untouched(dir.path());
}

const ONE: &[u8] = b"first content";
const TWO: &[u8] = b"second content";

/// Names `a` and `c` holding [`ONE`] and `b` holding [`TWO`], all three
/// claiming to be one inode.
fn links_that_disagree(repo: &mut Repository) -> (cairn_core::SnapshotId, BlobId) {
    let mut a = file_node(repo, b"a", ONE);
    let mut b = file_node(repo, b"b", TWO);
    let mut c = file_node(repo, b"c", ONE);
    for n in [&mut a, &mut b, &mut c] {
        (n.dev, n.inode, n.nlink) = (7, 42, 3);
    }
    hostile_snapshot(repo, &[raw_tree(&[a, b, c])], 0, &[ONE, TWO])
}

#[test]
fn hard_links_with_different_contents_are_restored_as_separate_files() {
    // Two names claim to be one inode but carry different contents: linking
    // the second to the first would report "verified" with the wrong bytes.
    let (dir, mut repo) = setup();
    let (id, root) = links_that_disagree(&mut repo);
    let target = dir.path().join("target");
    let rep = execute(&repo, &plan(&repo, id, &root, &opts(&target)).unwrap(), 2).unwrap();
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(std::fs::read(target.join("a")).unwrap(), ONE);
    assert_eq!(std::fs::read(target.join("b")).unwrap(), TWO);
    assert_eq!(std::fs::read(target.join("c")).unwrap(), ONE);
    let ino =
        |n: &str| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(target.join(n)).unwrap());
    assert_eq!(ino("a"), ino("c"), "same content, same inode: still linked");
    assert_ne!(ino("a"), ino("b"));
    assert_eq!(rep.hardlinks, 1);
}

#[test]
fn an_export_links_the_names_of_one_inode_only_where_their_contents_agree() {
    // As for restore: a tar link from `b` to `a` would hand `b` the bytes
    // of `a` in an archive exported "successfully".
    let (_dir, mut repo) = setup();
    let (_, root) = links_that_disagree(&mut repo);
    let tar = cairn_core::export::export_tar(&repo, &root, None, Vec::new()).unwrap();
    let mut archive = tar::Archive::new(tar.as_slice());
    let got: Vec<(String, tar::EntryType, String)> = archive
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let path = e.path().unwrap().display().to_string();
            let kind = e.header().entry_type();
            let link = e.link_name().unwrap().map(|l| l.display().to_string());
            let mut data = String::new();
            std::io::Read::read_to_string(&mut e, &mut data).unwrap();
            (path, kind, link.unwrap_or(data))
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a".into(), tar::EntryType::Regular, "first content".into()),
            ("b".into(), tar::EntryType::Regular, "second content".into()),
            ("c".into(), tar::EntryType::Link, "a".into()),
        ]
    );
}

#[test]
fn a_directory_deeper_than_the_limit_is_refused_alone() {
    let (dir, mut repo) = setup();
    let depth = cairn_core::manifest::MAX_DEPTH + 5;
    let mut trees = vec![raw_tree(&[])];
    for _ in 0..depth {
        let mut d = node(b"d", NodeType::Dir);
        d.subtree = Some(BlobId(
            repo.keys().id(SealKind::Tree, trees.last().unwrap()),
        ));
        trees.push(raw_tree(&[d]));
    }
    let data = b"still here".as_slice();
    let mut top: Vec<Node> = serde_json::from_slice::<serde_json::Value>(trees.last().unwrap())
        .map(|v| serde_json::from_value(v["nodes"].clone()).unwrap())
        .unwrap();
    top.insert(0, file_node(&repo, b"a.txt", data));
    trees.push(raw_tree(&top));
    let root_ix = trees.len() - 1;
    let (id, root) = hostile_snapshot(&mut repo, &trees, root_ix, &[data]);
    let target = dir.path().join("target");
    let p = plan(&repo, id, &root, &opts(&target)).unwrap();
    let refused: Vec<_> = p
        .entries
        .iter()
        .filter(|e| matches!(e.action, cairn_core::restore::Action::Refuse(_)))
        .collect();
    assert_eq!(refused.len(), 1, "only the too-deep directory");
    assert_eq!(
        refused[0].place.depth(),
        cairn_core::manifest::MAX_DEPTH + 1
    );
    let rep = execute(&repo, &p, 2).unwrap();
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(std::fs::read(target.join("a.txt")).unwrap(), data);
    let deepest: std::path::PathBuf =
        std::iter::repeat_n("d", cairn_core::manifest::MAX_DEPTH).collect();
    assert!(target.join(&deepest).is_dir());
    assert!(!target.join(deepest.join("d")).exists());
    // The manifest lists the rest too, and says what it left out.
    let (m, left_out) = cairn_core::manifest::manifest_and_not_entered(&repo, &root).unwrap();
    assert!(m.iter().any(|e| e.path() == "a.txt"));
    assert_eq!(left_out.count, 1);
    let e = cairn_core::manifest::manifest(&repo, &root).unwrap_err();
    assert_eq!(e.kind(), cairn_core::ErrorKind::Corrupt, "{e}");
}

#[test]
fn right_content_with_wrong_metadata_is_fixed_without_touching_a_shared_inode() {
    let (dir, mut repo) = setup();
    plant_outside(dir.path());
    let data = b"precious".as_slice();
    let mut a = file_node(&repo, b"a", data);
    let mut b = file_node(&repo, b"b", data);
    (a.mode, b.mode, b.inode) = (0o640, 0o640, 2);
    let mut sock = node(b"s", NodeType::Socket);
    sock.inode = 3;
    let (id, root) = hostile_snapshot(&mut repo, &[raw_tree(&[a, b, sock])], 0, &[data]);
    let target = dir.path().join("target");
    std::fs::create_dir_all(&target).unwrap();
    // `a`: the right bytes, the wrong mode. `b`: the right bytes, but a hard
    // link to a file outside the target.
    std::fs::write(target.join("a"), data).unwrap();
    std::fs::set_permissions(
        target.join("a"),
        std::os::unix::fs::PermissionsExt::from_mode(0o666),
    )
    .unwrap();
    std::fs::hard_link(dir.path().join("outside/keep"), target.join("b")).unwrap();
    let outside_mode = mode_of(&dir.path().join("outside/keep"));
    let p = plan(&repo, id, &root, &opts(&target)).unwrap();
    let action = |n: &str| {
        p.entries
            .iter()
            .find(|e| e.path() == n)
            .unwrap()
            .action
            .clone()
    };
    assert!(
        matches!(action("a"), cairn_core::restore::Action::FixMetadata(ref w) if w.contains("mode 666 -> 640"))
    );
    assert_eq!(action("b"), cairn_core::restore::Action::Overwrite);
    assert!(matches!(action("s"), cairn_core::restore::Action::Skip(_)));
    let rep = execute(&repo, &p, 2).unwrap();
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(rep.metadata_fixed, 1);
    assert_eq!(
        (mode_of(&target.join("a")), mode_of(&target.join("b"))),
        (0o640, 0o640)
    );
    assert_eq!(mode_of(&dir.path().join("outside/keep")), outside_mode);
    outside_untouched(dir.path());
    // Run again: nothing left to do.
    let again = plan(&repo, id, &root, &opts(&target)).unwrap();
    assert_eq!(
        (
            again.totals.fix_metadata,
            again.totals.overwrite,
            again.totals.create
        ),
        (0, 0, 0)
    );
}

#[test]
fn a_fifo_or_a_huge_file_in_place_of_an_object_is_a_named_error_not_a_hang() {
    let (dir, repo) = setup();
    let root = dir.path().join("repo");
    let b: Arc<dyn Backend> = Arc::new(FsBackend::new(&root));
    let slot = b.list(ObjectKind::Key).unwrap().remove(0).name;
    let slot_path = root.join(ObjectKind::Key.path(&slot));
    drop(repo);
    // A fifo where a key slot was: opening must not block on it.
    std::fs::remove_file(&slot_path).unwrap();
    let st = std::process::Command::new("mkfifo")
        .arg(&slot_path)
        .status()
        .unwrap();
    assert!(st.success());
    let e = b.read(ObjectKind::Key, &slot).unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
    let e = Repository::open(b.clone(), &TestRepo::credential()).unwrap_err();
    assert!(!e.to_string().is_empty());
    // A 3 GB (sparse) file where the config was: refused before it is read.
    let config = root.join("config");
    std::fs::remove_file(&config).unwrap();
    std::fs::File::create(&config)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    let e = b.read(ObjectKind::Config, "config").unwrap_err();
    assert!(
        e.to_string().contains("larger than any config object"),
        "{e}"
    );
    assert_eq!(e.kind(), ErrorKind::Corrupt);
    // A symlink where the config was: never followed.
    std::fs::remove_file(&config).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", &config).unwrap();
    let e = b.read(ObjectKind::Config, "config").unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
}

#[test]
fn a_tree_repeated_a_thousand_times_at_three_levels_is_refused_in_bounded_memory() {
    // A few hundred KiB claiming 10^9 paths: readers stop at the repeat
    // budget instead of expanding it (or running out of memory).
    let (dir, mut repo) = setup();
    let data = b"x".as_slice();
    let leaf: Vec<Node> = (0..1000)
        .map(|i| file_node(&repo, format!("f{i:04}").as_bytes(), data))
        .collect();
    let mut trees = vec![raw_tree(&leaf)];
    for _ in 0..2 {
        let sub = BlobId(repo.keys().id(SealKind::Tree, trees.last().unwrap()));
        let dirs: Vec<Node> = (0..1000)
            .map(|i| {
                let mut d = node(format!("d{i:04}").as_bytes(), NodeType::Dir);
                d.subtree = Some(sub);
                d
            })
            .collect();
        trees.push(raw_tree(&dirs));
    }
    let (id, root) = hostile_snapshot(&mut repo, &trees, 2, &[data]);
    let e = plan(&repo, id, &root, &opts(&dir.path().join("target"))).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt);
    assert!(e.to_string().contains("repeats directory trees"), "{e}");
    let e = cairn_core::manifest::manifest(&repo, &root).unwrap_err();
    assert!(e.to_string().contains("repeats directory trees"), "{e}");
    assert!(!dir.path().join("target").exists());
    // Peak memory of this whole test process (other tests included) stays
    // far below what a billion planned paths would need.
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    assert!(peak_kib < 1 << 20, "peak RSS {peak_kib} KiB");
}

#[test]
fn a_target_path_swapped_for_a_symlink_after_the_allowlist_check_is_refused() {
    let (dir, mut repo) = setup();
    plant_outside(dir.path());
    let allowed = dir.path().join("allowed");
    std::fs::create_dir_all(allowed.join("sub")).unwrap();
    let target =
        cairn_core::restore::check_allowed(&allowed.join("sub/t"), std::slice::from_ref(&allowed))
            .unwrap();
    // A user who can write in the allowed root swaps `sub` for a symlink
    // out of it between the check and the restore.
    std::fs::remove_dir(allowed.join("sub")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("outside"), allowed.join("sub")).unwrap();
    let data = b"planted".as_slice();
    let f = file_node(&repo, b"f", data);
    let (id, root) = hostile_snapshot(&mut repo, &[raw_tree(&[f])], 0, &[data]);
    let mut o = opts(&target);
    o.delete = false;
    let r = plan(&repo, id, &root, &o).and_then(|p| execute(&repo, &p, 2));
    let e = r.expect_err("refused");
    assert!(
        e.to_string().contains("is a symlink or not a directory"),
        "{e}"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path().join("outside"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("keep")]);
}

#[test]
fn a_replayed_index_naming_a_pruned_pack_neither_stops_restore_nor_goes_unnamed() {
    // A prune moved every blob to a new pack and deleted the old pack and
    // its index. Storage replays the old index file (sealed, so it opens),
    // under a name that loads before the new one. Restore must read the
    // blobs where they are, and verify must name the index that lied.
    let (dir, mut repo) = setup();
    let data = b"the only copy that matters".as_slice();
    let f = file_node(&repo, b"f", data);
    let (id, root) = hostile_snapshot(&mut repo, &[raw_tree(&[f])], 0, &[data]);
    let b = repo.backend().clone();
    let (old_pack, entries) = repo.index().by_pack().remove(0);
    let old_index = b.list(ObjectKind::Index).unwrap().remove(0).name;
    let replay = b.read(ObjectKind::Index, &old_index).unwrap();

    let mut enc = repo.encoder().unwrap();
    for filler in 0u32.. {
        let mut p = PackBuilder::with_capacity(1 << 20);
        for e in &entries {
            let (start, len) = (u64::from(e.offset), u64::from(e.stored_len));
            let sealed = b
                .read_range(ObjectKind::Pack, &old_pack.to_hex(), start, len)
                .unwrap();
            p.add(e.kind, e.id, &sealed, e.raw_len);
        }
        let extra = filler.to_le_bytes();
        let (xid, xsealed) = seal_blob(repo.keys(), &mut enc, SealKind::Data, &extra).unwrap();
        p.add(SealKind::Data, xid, &xsealed, 4);
        let fin = p.finish(repo.keys(), &mut enc).unwrap();
        let packs = [(fin.id, fin.entries)];
        let (name, bytes) =
            cairn_core::index::seal_index_file(repo.keys(), &mut enc, &packs).unwrap();
        if name > old_index {
            b.write_new(ObjectKind::Pack, &fin.id.to_hex(), &fin.bytes)
                .unwrap();
            b.write_new(ObjectKind::Index, &name, &bytes).unwrap();
            break;
        }
    }
    b.delete(ObjectKind::Pack, &old_pack.to_hex()).unwrap();
    b.delete(ObjectKind::Index, &old_index).unwrap();
    b.write_new(ObjectKind::Index, &old_index, &replay).unwrap();
    repo.reload_index().unwrap();

    let target = dir.path().join("target");
    let rep = execute(&repo, &plan(&repo, id, &root, &opts(&target)).unwrap(), 2).unwrap();
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(std::fs::read(target.join("f")).unwrap(), data);

    let report =
        cairn_core::verify::verify(&repo, &[], cairn_core::verify::DataCheck::None, 1).unwrap();
    let lie = format!("missing (index {old_index} lists it)");
    assert!(
        report
            .damage
            .iter()
            .any(|d| d.object == format!("pack {old_pack}") && d.error == lie),
        "{:?}",
        report.damage
    );
}

#[test]
fn removing_leftovers_never_reaches_outside_the_repository_layout() {
    let (dir, repo) = setup();
    plant_outside(dir.path());
    std::fs::write(dir.path().join("outside/.tmp-keep"), b"x").unwrap();
    let b = repo.backend();
    for path in [
        "../outside/.tmp-keep",
        "keys/../../outside/.tmp-keep",
        "data/ab/../../../outside/.tmp-keep",
        "unknown/.tmp-keep",
        "keys/not-a-temp",
    ] {
        let l = cairn_core::Leftover {
            path: path.into(),
            size: 1,
            modified: None,
        };
        assert!(b.remove_leftover(&l).is_err(), "{path} was accepted");
    }
    assert!(dir.path().join("outside/.tmp-keep").exists());
    assert!(b.leftovers().unwrap().is_empty());
}

#[test]
fn a_file_whose_content_names_a_tree_blob_is_refused_by_every_reader() {
    // FORMAT.md §10: `content` names data blobs. A tree blob's bytes with
    // a matching SHA-256 would otherwise restore "verified"; a reader
    // written from the spec refuses it, so Cairn must as well.
    let (dir, mut repo) = setup();
    let inner = raw_tree(&[]);
    let mut f = node(b"f", NodeType::File);
    f.size = inner.len() as u64;
    f.sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&inner)));
    f.content = vec![BlobId(repo.keys().id(SealKind::Tree, &inner))];
    let (id, root) = hostile_snapshot(&mut repo, &[raw_tree(&[f]), inner], 0, &[]);

    let target = dir.path().join("target");
    let rep = execute(&repo, &plan(&repo, id, &root, &opts(&target)).unwrap(), 2).unwrap();
    assert!(
        rep.errors
            .iter()
            .any(|e| e.error.contains("stored as a tree")),
        "{:?}",
        rep.errors
    );
    assert!(!target.join("f").exists());
    let e = cairn_core::browse::cat::cat(&repo, &root, "f", &mut Vec::new()).unwrap_err();
    assert!(e.to_string().contains("stored as a tree"), "{e}");
    let report =
        cairn_core::verify::verify(&repo, &[], cairn_core::verify::DataCheck::None, 1).unwrap();
    assert!(
        report
            .damage
            .iter()
            .any(|d| d.error.contains("stored as a tree")),
        "{:?}",
        report.damage
    );
}

#[test]
fn a_damaged_subtree_found_after_earlier_batches_were_written_says_how_far_it_got() {
    // Batches of one entry: `a` and `a/f` are written before `z`, whose
    // subtree is in no index, is planned. The error must not read like a
    // restore that wrote nothing.
    let (dir, mut repo) = setup();
    let f = file_node(&repo, b"f", b"kept");
    let inner = raw_tree(&[f]);
    let mut a = node(b"a", NodeType::Dir);
    a.subtree = Some(BlobId(repo.keys().id(SealKind::Tree, &inner)));
    let mut z = node(b"z", NodeType::Dir);
    z.subtree = Some(BlobId([9; 32]));
    let (id, root) = hostile_snapshot(&mut repo, &[raw_tree(&[a, z]), inner], 0, &[b"kept"]);
    let target = dir.path().join("target");
    let progress = cairn_core::restore::RestoreProgress::default();
    let e =
        cairn_core::restore::restore_in_batches_of(&repo, id, &root, &opts(&target), &progress, 1)
            .unwrap_err();
    assert!(e.to_string().contains("restore stopped partway"), "{e}");
    assert_eq!(std::fs::read(target.join("a/f")).unwrap(), b"kept");
}
