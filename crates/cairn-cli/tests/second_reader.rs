//! contrib/cairn-extract.py, a reader written from docs/FORMAT.md alone,
//! reads what the binary writes: every snapshot it extracts equals the
//! source (`diff -r`), under a passphrase and a key file, across a
//! master-secret rotation, compressed and not. Where the two disagree, the
//! spec or the binary is wrong; and it refuses what the spec says to refuse.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python that has the reader's packages (scripts/test.sh installs them
/// into the project's virtualenv and names it here).
fn python() -> PathBuf {
    let p = std::env::var_os("CAIRN_TEST_PYTHON")
        .map(PathBuf::from)
        .expect(
            "CAIRN_TEST_PYTHON is not set: run the tests through scripts/test.sh, which installs \
         cryptography, blake3, zstandard and argon2-cffi into .venv and sets it",
        );
    assert!(
        p.exists(),
        "CAIRN_TEST_PYTHON={} does not exist",
        p.display()
    );
    p
}

fn extract(creds: &[(&str, &str)], args: &[&Path]) -> Run {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contrib/cairn-extract.py");
    // Under a descriptor limit: a reader holds one per folder level (at most
    // FORMAT.md's 1,024), not one per folder or per hard-linked file.
    let mut c = Command::new("prlimit");
    c.arg("--nofile=1200:1200")
        .arg("--")
        .arg(python())
        .env_remove("CAIRN_PASSWORD")
        .env_remove("CAIRN_KEY_FILE")
        .envs(creds.iter().copied())
        .arg(script)
        .args(args);
    run(&mut c)
}

/// Listed ids in the reader's order (oldest first) must be the binary's.
fn listed_prefixes(creds: &[(&str, &str)], repo: &Path) -> Vec<String> {
    extract(creds, &[repo])
        .ok()
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

fn binary_ids(env: &Env, repo: &Path, key_file: Option<&Path>) -> Vec<String> {
    let mut c = env.cmd();
    if let Some(k) = key_file {
        c.env_remove("CAIRN_PASSWORD").arg("--key-file").arg(k);
    }
    let v = run(c.arg("-r").arg(repo).args(["list", "--json"]))
        .ok()
        .json();
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

/// A source with what trips readers: several chunks, a compressible run,
/// empty files, a hard link, a symlink, a name that is not UTF-8, a mode
/// other than the default, nesting, a folder large enough to be stored in
/// parts (FORMAT.md §10.1).
fn awkward_tree(root: &Path) {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    make_tree(root);
    std::fs::write(root.join("noise.bin"), noise(5_000_000, 7)).unwrap();
    std::fs::write(root.join("runs.txt"), b"cairn ".repeat(400_000)).unwrap();
    let odd = root.join(std::ffi::OsStr::from_bytes(b"latin1-\xe9t\xe9"));
    std::fs::write(odd, b"not utf-8 name").unwrap();
    std::fs::set_permissions(root.join("docs"), std::fs::Permissions::from_mode(0o750)).unwrap();
    let big = root.join("big");
    std::fs::create_dir(&big).unwrap();
    for i in 0..600 {
        std::fs::write(big.join(format!("{i:03}")), format!("{i}\n")).unwrap();
    }
}

#[test]
fn the_second_reader_extracts_every_snapshot_bit_exact() {
    let env = Env::new();
    let src = env.path("src");
    awkward_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let first = env.path("first");
    Command::new("cp")
        .arg("-a")
        .arg(&src)
        .arg(&first)
        .status()
        .unwrap();
    std::fs::write(src.join("hello.txt"), b"changed\n").unwrap();
    std::fs::remove_file(src.join("empty.txt")).unwrap();
    std::fs::write(src.join("big/300"), b"one part changes\n").unwrap();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();

    let pw = [("CAIRN_PASSWORD", "test passphrase")];
    let ids = binary_ids(&env, &repo, None);
    let listed = listed_prefixes(&pw, &repo);
    assert_eq!(listed.len(), 2);
    for (id, prefix) in ids.iter().zip(&listed) {
        assert!(id.starts_with(prefix.as_str()), "{ids:?} vs {listed:?}");
    }
    let out = env.path("out-latest");
    extract(&pw, &[&repo, Path::new("latest"), &out]).ok();
    assert_diff_r(&src, &out, &["--no-dereference"]);
    let out = env.path("out-first");
    extract(&pw, &[&repo, Path::new(&ids[0][..12]), &out]).ok();
    assert_diff_r(&first, &out, &["--no-dereference"]);
    // Hard links come back as links, as the binary restores them.
    use std::os::unix::fs::MetadataExt;
    let (a, b) = (
        std::fs::metadata(out.join("hello.txt")).unwrap(),
        std::fs::metadata(out.join("hard.txt")).unwrap(),
    );
    assert_eq!(a.ino(), b.ino());
    assert_eq!(
        std::fs::metadata(out.join("docs")).unwrap().mode() & 0o7777,
        0o750
    );

    // A wrong passphrase opens nothing, and says so.
    let r = extract(&[("CAIRN_PASSWORD", "wrong")], &[&repo]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no key slot opens"), "{}", r.stderr);
}

#[test]
fn the_second_reader_follows_a_key_file_across_a_master_secret_rotation() {
    let env = Env::new();
    let src = env.path("src");
    awkward_tree(&src);
    // The embedded default repository, unlocked by the key file beside it.
    let mut c = env.cmd();
    run(c
        .env_remove("CAIRN_PASSWORD")
        .args(["backup", src.to_str().unwrap()]))
    .ok();
    let repo = env.path("home/data/cairn/default");
    let key = env.path("home/data/cairn/default.key");
    let before = env.path("before");
    Command::new("cp")
        .arg("-a")
        .arg(&src)
        .arg(&before)
        .status()
        .unwrap();

    let keyed = |args: &[&str]| {
        let mut c = env.cmd();
        c.env_remove("CAIRN_PASSWORD").arg("--key-file").arg(&key);
        run(c.arg("-r").arg(&repo).args(args)).ok()
    };
    keyed(&["keys", "rotate-master"]);
    std::fs::write(src.join("after-rotation.txt"), b"sealed under epoch 2").unwrap();
    keyed(&["backup", src.to_str().unwrap()]);

    let kf = [("CAIRN_KEY_FILE", key.to_str().unwrap())];
    let ids = binary_ids(&env, &repo, Some(&key));
    // The first snapshot was sealed under the retired epoch.
    let old = env.path("old");
    extract(&kf, &[&repo, Path::new(&ids[0]), &old]).ok();
    assert_diff_r(&before, &old, &["--no-dereference"]);
    let new = env.path("new");
    extract(&kf, &[&repo, Path::new("latest"), &new]).ok();
    assert_diff_r(&src, &new, &["--no-dereference"]);

    // After the old epoch is rewritten away (which renames every object it
    // sealed, snapshots included), the reader still reads it all.
    keyed(&["prune", "--rewrite-old-epochs"]);
    let rewritten = binary_ids(&env, &repo, Some(&key));
    assert_ne!(rewritten[0], ids[0]);
    let again = env.path("again");
    extract(&kf, &[&repo, Path::new(&rewritten[0]), &again]).ok();
    assert_diff_r(&before, &again, &["--no-dereference"]);
}

#[test]
fn the_second_reader_refuses_an_edited_config_and_a_damaged_pack() {
    let env = Env::new();
    let (_src, repo) = backed_up(&env);
    let pw = [("CAIRN_PASSWORD", "test passphrase")];

    // Lowering the compression without the key: the MAC no longer matches.
    let saved = std::fs::read(repo.join("config")).unwrap();
    edit_config(&repo, "\"compression\": 3", "\"compression\": 0");
    let r = extract(&pw, &[&repo]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("config MAC does not match"),
        "{}",
        r.stderr
    );
    std::fs::write(repo.join("config"), saved).unwrap();

    // One flipped byte inside a pack: extraction stops, naming the object,
    // as the binary's restore does.
    let pack = all_files(&repo.join("data"))
        .into_iter()
        .max_by_key(|(_, b)| b.len())
        .unwrap()
        .0;
    let path = repo.join("data").join(pack);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[100] ^= 1;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(&path, bytes).unwrap();
    let out = env.path("out");
    let r = extract(&pw, &[&repo, Path::new("latest"), &out]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("corrupt repository") && r.stderr.contains("no key epoch authenticates"),
        "{}",
        r.stderr
    );
    let bin = env.repo(
        &repo,
        &[
            "restore",
            "latest",
            "--target",
            env.path("bin-out").to_str().unwrap(),
        ],
    );
    assert_ne!(
        bin.code, 0,
        "the binary restored a damaged pack: {}",
        bin.stdout
    );
}

#[test]
fn the_second_reader_extracts_wide_deep_and_hard_linked_trees() {
    // 1,100 folders side by side, each with a pair of hard links (more
    // folders and links than the reader's 1,200 descriptors can hold open
    // together), and a chain of 1,000 nested folders (deeper than Python's
    // default recursion limit).
    let env = Env::new();
    let src = env.path("src");
    for i in 0..1100 {
        let d = src.join(format!("wide/d{i:04}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("f"), format!("file {i}\n")).unwrap();
        std::fs::hard_link(d.join("f"), d.join("g")).unwrap();
    }
    let deep: PathBuf = std::iter::once(src.join("deep"))
        .chain(std::iter::repeat_n(PathBuf::from("d"), 999))
        .collect();
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("bottom.txt"), b"at depth 1,000").unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();

    let out = env.path("out");
    extract(
        &[("CAIRN_PASSWORD", "test passphrase")],
        &[&repo, Path::new("latest"), &out],
    )
    .ok();
    assert_diff_r(&src, &out, &["--no-dereference"]);
    use std::os::unix::fs::MetadataExt;
    let ino = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
    assert_eq!(ino("wide/d1099/f"), ino("wide/d1099/g"));
}

/// The reader does not call KMS: it passes over an `aws-kms` slot (format
/// version 2) without a complaint and opens the repository through the
/// passphrase slot.
#[test]
fn the_second_reader_passes_over_an_aws_kms_slot() {
    let env = Env::new();
    let moto = cairn_test_support::Moto::start(&env.path("moto.log"));
    let arn = moto.kms_key();
    let (_, repo) = backed_up(&env);
    add_kms_slot(&env, &repo, &moto.endpoint, &arn);
    assert_eq!(slot_ids(&env, &repo)[1].1, "aws-kms");
    let r = extract(&[("CAIRN_PASSWORD", "test passphrase")], &[&repo]).ok();
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

/// Both readers on one snapshot: (binary exit code, reader exit code,
/// reader stderr); each extracts into its own folder below `out`.
fn both_read(env: &Env, repo: &Path, id: &str, out: &Path) -> (Run, Run) {
    let mut c = env.cmd();
    c.env("CAIRN_PASSWORD", "pw").arg("-r").arg(repo).args([
        "restore",
        id,
        "--target",
        out.join("bin").to_str().unwrap(),
    ]);
    let bin = run(&mut c);
    let py = extract(
        &[("CAIRN_PASSWORD", "pw")],
        &[repo, Path::new(id), &out.join("py")],
    );
    (bin, py)
}

/// FORMAT.md's rules on hand-made objects, each read by both readers: hex
/// in either case reads as the same bytes, hex that is not only digits is
/// refused, a payload of two zstd frames is refused, a config that spells
/// its defaults out opens, and a fifo in place of a snapshot is named.
#[test]
fn the_two_readers_agree_on_hand_made_objects() {
    use cairn_core::crypto::SealKind;
    use cairn_test_support::hostile::{dir_node, file_node, hostile_snapshot, raw_tree};
    use cairn_test_support::{store_sealed_pack, FsBackend, TestRepo};
    let env = Env::new();
    let repo = env.path("repo");
    let mut r = TestRepo::on(std::sync::Arc::new(FsBackend::new(&repo))).init();
    let text = |t: &[u8]| String::from_utf8(t.to_vec()).unwrap();
    let hello = b"hello, both readers\n".repeat(20);
    let f = file_node(&r, b"f.txt", &hello);
    let (sum, blob) = (f.sha256.clone().unwrap(), f.content[0].to_hex());

    // Uppercase sha256, content id and subtree id: the same file for both.
    let inner = text(&raw_tree(std::slice::from_ref(&f)))
        .replace(&sum, &sum.to_uppercase())
        .replace(&blob, &blob.to_uppercase());
    let d = dir_node(&r, b"sub", inner.as_bytes());
    let sub = d.subtree.unwrap().to_hex();
    let outer = text(&raw_tree(&[d])).replace(&sub, &sub.to_uppercase());
    let (upper, _) = hostile_snapshot(
        &mut r,
        &[outer.into_bytes(), inner.into_bytes()],
        0,
        &[&hello],
        "upper",
    );
    // A content id with a space in it: not hex, so the tree is corrupt.
    let spaced = text(&raw_tree(std::slice::from_ref(&f)))
        .replace(&blob, &format!("{} {}", &blob[..2], &blob[2..]));
    let (spaced, _) = hostile_snapshot(&mut r, &[spaced.into_bytes()], 0, &[], "spaced");
    // A data blob whose payload is two zstd frames that together decode to
    // the file: libzstd alone would read both, a stream reader only one.
    let other = b"two frames, one blob\n".repeat(20);
    let zst = |d: &[u8]| zstd::bulk::compress(d, 3).unwrap();
    let mut frame = [&[1u8][..], &zst(&other[..200]), &zst(&other[200..])].concat();
    let id = r.keys().id(SealKind::Data, &other);
    r.keys()
        .seal_in_place(SealKind::Data, &id, &mut frame)
        .unwrap();
    let len = other.len() as u32;
    store_sealed_pack(
        &mut r,
        &[(SealKind::Data, cairn_core::BlobId(id), frame, len)],
    );
    let g = raw_tree(&[file_node(&r, b"g.txt", &other)]);
    let (frames, _) = hostile_snapshot(&mut r, &[g], 0, &[], "frames");
    drop(r);

    let out = env.path("out");
    let (bin, py) = both_read(&env, &repo, &upper.to_hex(), &out.join("upper"));
    assert_eq!((bin.code, py.code), (0, 0), "{}\n{}", bin.stderr, py.stderr);
    for who in ["bin", "py"] {
        assert_eq!(
            std::fs::read(out.join("upper").join(who).join("sub/f.txt")).unwrap(),
            hello,
            "{who}"
        );
    }
    for (snap, what, said) in [
        (spaced, "spaced", "content id"),
        (frames, "frames", "one zstd frame"),
    ] {
        let (bin, py) = both_read(&env, &repo, &snap.to_hex(), &out.join(what));
        assert_ne!(bin.code, 0, "{what}: the binary read it");
        assert_eq!(py.code, 1, "{what}: {}", py.stderr);
        assert!(
            py.stderr.contains("corrupt repository") && py.stderr.contains(said),
            "{what}: {}",
            py.stderr
        );
    }

    // Spelling the config's defaults out changes nothing; a null is no default.
    let list = |who: &str| -> Run {
        if who == "bin" {
            let mut c = env.cmd();
            c.env("CAIRN_PASSWORD", "pw")
                .arg("-r")
                .arg(&repo)
                .arg("list");
            run(&mut c)
        } else {
            extract(&[("CAIRN_PASSWORD", "pw")], &[&repo])
        }
    };
    let saved = std::fs::read(repo.join("config")).unwrap();
    let with = |extra: &str| {
        let text = String::from_utf8(saved.clone()).unwrap();
        std::fs::write(
            repo.join("config"),
            text.replacen('{', &format!("{{{extra},"), 1),
        )
        .unwrap();
    };
    with("\"key_epoch\": 1, \"retired_keys\": [], \"worm\": null");
    for who in ["bin", "py"] {
        let r = list(who);
        assert_eq!(r.code, 0, "{who}: {}", r.stderr);
    }
    std::fs::write(repo.join("config"), &saved).unwrap();
    with("\"retired_keys\": null");
    for who in ["bin", "py"] {
        assert_ne!(list(who).code, 0, "{who} read a null retired_keys");
    }
    std::fs::write(repo.join("config"), &saved).unwrap();

    // A fifo in place of a snapshot: both name it, neither hangs (the
    // binary lists the others with a warning; the extractor stops).
    let victim = repo.join("snapshots").join(spaced.to_hex());
    cairn_test_support::hostile::Impostor::Fifo.plant(&victim, &env.path("outside"));
    for who in ["bin", "py"] {
        let r = list(who);
        assert!(
            r.stderr.contains(&spaced.to_hex()) && r.stderr.contains("not a regular file"),
            "{who}: {}",
            r.stderr
        );
    }
    assert_ne!(list("py").code, 0);
}

/// Directories in parts (FORMAT.md §10.1), hand-made as the hostile cases
/// make them: both readers restore the well-formed one to the same files and
/// refuse every list a backup never writes (overlapping or disordered parts,
/// an empty part, a list inside a list, a part that is data).
#[test]
fn the_two_readers_agree_on_split_trees() {
    use cairn_test_support::{FsBackend, TestRepo};
    let env = Env::new();
    let repo = env.path("repo");
    let mut r = TestRepo::on(std::sync::Arc::new(FsBackend::new(&repo))).init();
    let cases = cairn_test_support::hostile::tree_cases(&mut r);
    drop(r);
    let split: Vec<_> = cases
        .iter()
        .filter(|c| c.name.starts_with("split"))
        .collect();
    assert_eq!(split.len(), 6);
    for c in split {
        let out = env.path(&format!("out-{}", c.name));
        let (bin, py) = both_read(&env, &repo, &c.snapshot.to_hex(), &out);
        let good = c.name == "split";
        assert_eq!(
            (bin.code == 0, py.code == 0),
            (good, good),
            "{}:\n{}\n{}",
            c.name,
            bin.stderr,
            py.stderr
        );
        if good {
            assert_diff_r(&out.join("bin"), &out.join("py"), &["--no-dereference"]);
            assert!(out.join("py/h").exists());
        }
    }
}
