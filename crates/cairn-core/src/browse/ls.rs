//! `ls`: the entries of one directory of a snapshot (or everything below it),
//! from trees alone.

use super::{child_path, locate, Entry};
use crate::error::Result;
use crate::ids::BlobId;
use crate::manifest::walk;
use crate::tree::TreeSource;

/// The entries at `path` in the tree `root`: a directory's children (with
/// `recursive`, every entry below it, depth-first in name order), or the
/// one entry when `path` is not a directory. Paths are from the snapshot's
/// root, as the manifest writes them.
pub fn list(
    src: &dyn TreeSource,
    root: &BlobId,
    path: &str,
    recursive: bool,
) -> Result<Vec<Entry>> {
    let at = locate(src, root, path)?;
    let Some(dir) = at.dir(root) else {
        // `locate` gives a node for every path but the root, which is a dir.
        return Ok(at.node.iter().map(|n| Entry::new(&at.path, n)).collect());
    };
    let mut out = Vec::new();
    if recursive {
        // The manifest's walk: an explicit stack, a depth bound and the
        // repeat budget, so a hostile tree cannot exhaust stack or memory.
        walk(src, &dir, &mut |p, n| {
            out.push(Entry::new(&child_path(&at.path, p), n));
            Ok(())
        })?;
    } else {
        for n in &src.tree(&dir)?.nodes {
            out.push(Entry::new(&child_path(&at.path, &n.name.0), n));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::manifest::MAX_DEPTH;
    use crate::tree::NodeType;

    fn paths(v: &[Entry]) -> Vec<String> {
        v.iter().map(|e| e.path.display()).collect()
    }

    #[test]
    fn lists_a_directory_its_subtree_or_one_file() {
        let mut t = Trees::default();
        let inner = t.put(vec![file("b.txt", b"bb")]);
        let docs = t.put(vec![file("a.md", b"a"), dir("inner", inner)]);
        let root = t.put(vec![dir("docs", docs), file("x", b"xxx")]);
        assert_eq!(paths(&list(&t.0, &root, "", false).unwrap()), ["docs", "x"]);
        assert_eq!(
            paths(&list(&t.0, &root, "docs", false).unwrap()),
            ["docs/a.md", "docs/inner"]
        );
        assert_eq!(
            paths(&list(&t.0, &root, "/docs", true).unwrap()),
            ["docs/a.md", "docs/inner", "docs/inner/b.txt"]
        );
        let one = list(&t.0, &root, "x", true).unwrap();
        assert_eq!(paths(&one), ["x"]);
        assert_eq!((one[0].kind, one[0].size), (NodeType::File, 3));
        assert!(one[0].sha256.is_some());
    }

    #[test]
    fn a_tree_deeper_than_the_limit_is_listed_without_recursion() {
        // 1,025 levels, on a thread with a small stack: only an explicit
        // stack gets through; below MAX_DEPTH nothing is entered.
        let mut t = Trees::default();
        let root = chain(&mut t, MAX_DEPTH + 1, file("deep", b"!"));
        let listed = on_small_stack(move || list(&t.0, &root, "", true).map(|v| v.len())).unwrap();
        assert_eq!(listed, MAX_DEPTH + 1);
    }
}
