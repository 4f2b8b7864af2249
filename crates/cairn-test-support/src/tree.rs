//! Source trees for tests, and their comparison after a restore.

use std::path::{Path, PathBuf};

/// A small tree with the shapes a backup must keep: nested and empty
/// folders, an empty file, a 3 MB file of several chunks, a symlink, a hard
/// link, and a name with a space and a newline.
pub fn make_tree(root: &Path) {
    use std::os::unix::fs::symlink;
    std::fs::create_dir_all(root.join("docs/deep/er")).unwrap();
    std::fs::create_dir_all(root.join("empty")).unwrap();
    std::fs::write(root.join("hello.txt"), b"hello world\n").unwrap();
    std::fs::write(root.join("docs/readme.md"), b"# readme\n".repeat(100)).unwrap();
    std::fs::write(root.join("docs/deep/er/note"), b"deep note").unwrap();
    let big: Vec<u8> = (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 11) as u8)
        .collect();
    std::fs::write(root.join("big.bin"), &big).unwrap();
    std::fs::write(root.join("empty.txt"), b"").unwrap();
    symlink("hello.txt", root.join("link")).unwrap();
    std::fs::hard_link(root.join("hello.txt"), root.join("hard.txt")).unwrap();
    std::fs::write(root.join("name with spaces\nand newline"), b"odd").unwrap();
}

/// Folders `levels` deep below `dir`, each named `name`, made through
/// descriptors (the paths may pass the 4,096 bytes one system call takes:
/// a local user can make such a tree, and a backup and every reader must
/// work a folder at a time); the deepest, open.
pub fn deep_chain(dir: &Path, name: &str, levels: usize) -> rustix::fd::OwnedFd {
    use rustix::fs::{mkdirat, open, openat, Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let mut fd = open(dir, flags, Mode::empty()).unwrap();
    for _ in 0..levels {
        mkdirat(&fd, name, Mode::from_raw_mode(0o755)).unwrap();
        fd = openat(&fd, name, flags, Mode::empty()).unwrap();
    }
    fd
}

/// `n` incompressible pseudo-random bytes (xorshift64).
pub fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect()
}

/// Every regular file under `root` with its bytes, sorted by relative path.
pub fn all_files(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.push((
                    e.path().strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(e.path()).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// The regular files under `out` are those under `src`, by relative path and
/// bytes. A failure names the first file that differs instead of printing
/// both trees' bytes.
#[track_caller]
pub fn assert_same_tree(src: &Path, out: &Path) {
    let (a, b) = (all_files(src), all_files(out));
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>(),
        "restored file names differ"
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{} differs after restore", name.display());
    }
}
