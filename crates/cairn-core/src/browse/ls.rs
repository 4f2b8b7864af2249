//! `ls`: the entries of one directory of a snapshot (or everything below it),
//! from trees alone.

use super::{child_path, locate, Entry};
use crate::error::Result;
use crate::ids::BlobId;
use crate::manifest::walk_below;
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
    let mut out = Vec::new();
    list_each(src, root, path, recursive, &mut |e| {
        out.push(e);
        Ok(())
    })?;
    Ok(out)
}

/// As [`list`], handing each entry to `each` as the walk meets it instead
/// of holding them all: `ls -r` of a snapshot of ten million files holds a
/// tree per level of the walk, not ten million entries. A subtree the walk
/// could not enter (too deep, past the repeat budget) is an error at the
/// end, after the entries before it were handed on.
pub fn list_each(
    src: &dyn TreeSource,
    root: &BlobId,
    path: &str,
    recursive: bool,
    each: &mut dyn FnMut(Entry) -> Result<()>,
) -> Result<()> {
    let at = locate(src, root, path)?;
    let Some(dir) = at.dir(root) else {
        // `locate` gives a node for every path but the root, which is a dir.
        return at
            .node
            .iter()
            .try_for_each(|n| each(Entry::new(&at.path, n)));
    };
    if !recursive {
        return src
            .tree(&dir)?
            .nodes
            .iter()
            .try_for_each(|n| each(Entry::new(&child_path(&at.path, &n.name.0), n)));
    }
    // The manifest's walk: an explicit stack, a depth bound and the repeat
    // budget, so a hostile tree cannot exhaust stack or memory. The depth
    // limit counts from the snapshot's root, not from `path`.
    let depth = if at.path.is_empty() {
        0
    } else {
        at.path.iter().filter(|&&b| b == b'/').count() + 1
    };
    let mut skipped = walk_below(src, &dir, depth, &mut |p, n| {
        each(Entry::new(&child_path(&at.path, p), n))
    })?;
    if let Some(first) = &mut skipped.first {
        *first = child_path(&at.path, first);
    }
    skipped.check()
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
    fn a_tree_deeper_than_the_limit_is_walked_without_recursion_and_named() {
        // On a thread with a small stack: only an explicit stack gets
        // through. 1,024 levels list whole; at 1,025 the deepest folder is
        // not entered, and the listing fails naming it, also when it starts
        // 1,000 levels down (the limit counts from the snapshot's root).
        let mut t = Trees::default();
        let fits = chain(&mut t, MAX_DEPTH, file("deep", b"!"));
        let deep = chain(&mut t, MAX_DEPTH + 1, file("deep", b"!"));
        let (whole, too_deep, below) = on_small_stack(move || {
            let n = |r: Result<Vec<Entry>>| r.map(|v| v.len());
            let below = vec!["d"; 1000].join("/");
            (
                n(list(&t.0, &fits, "", true)),
                n(list(&t.0, &deep, "", true)),
                n(list(&t.0, &deep, &below, true)),
            )
        });
        assert_eq!(whole.unwrap(), MAX_DEPTH + 1);
        let named = format!("{:?}", vec!["d"; MAX_DEPTH + 1].join("/"));
        for r in [too_deep, below] {
            let e = r.unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Corrupt);
            let msg = e.to_string();
            assert!(msg.contains("1 folder(s) nested deeper than 1024"), "{msg}");
            assert!(msg.contains(&named), "{msg}");
        }
    }
}
