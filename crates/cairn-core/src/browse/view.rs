//! A repository as a read-only file system: inode numbers, attributes,
//! directory listings, link targets and reads, over the [`Layout`] above
//! the snapshots and the trees below them. A FUSE front end only
//! translates; everything it answers comes from here, synchronously.
//!
//! Inodes are handed out as directories are first listed or looked into,
//! and kept for the life of the view (a kernel may ask about an inode long
//! after it listed it), so memory grows with what was browsed, not with
//! the repository. Listings read trees only; [`View::read`] reads data
//! through a [`FileReader`] per open file, hash-checked like `cat`.

use super::layout::{shown_file_name, Layout, Place, Unique};
use super::read::{BlobCache, BlobSource, FileReader};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::BlobId;
use crate::tree::{Node, NodeType, TreeSource};
use std::collections::HashMap;

/// The root directory's inode number (FUSE's).
pub const ROOT: u64 = 1;

/// What `stat` says about an inode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub ino: u64,
    pub kind: NodeType,
    /// File size, or a symlink's target length.
    pub size: u64,
    /// Permission bits.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i64,
    /// Device number (devices).
    pub rdev: u64,
}

/// What an inode stands for.
enum What {
    /// A place of the layout (a directory of snapshots, a `latest` link).
    Place(usize),
    /// A directory whose entries are this tree (a snapshot's root or a
    /// directory in it).
    Tree(BlobId),
    /// A file, symlink or special file of a snapshot.
    Leaf(Box<Node>),
}

struct Inode {
    attr: Attr,
    parent: u64,
    what: What,
    /// Names (as shown) and inodes, once listed.
    children: Option<Vec<(Vec<u8>, u64)>>,
}

/// The file system over one repository.
pub struct View<S> {
    src: S,
    layout: Layout,
    /// Inode `n` is `inodes[n - 1]`.
    inodes: Vec<Inode>,
    cache: BlobCache,
    open: HashMap<u64, FileReader>,
}

impl<S: TreeSource + BlobSource> View<S> {
    /// A view of `layout`'s snapshots in `src`, caching up to `cache_bytes`
    /// of file content.
    pub fn new(src: S, layout: Layout, cache_bytes: u64) -> View<S> {
        let root = Inode {
            attr: dir_attr(ROOT, layout.newest_ns),
            parent: ROOT,
            what: What::Place(0),
            children: None,
        };
        View {
            src,
            layout,
            inodes: vec![root],
            cache: BlobCache::new(cache_bytes),
            open: HashMap::new(),
        }
    }

    fn inode(&self, ino: u64) -> Result<&Inode> {
        usize::try_from(ino)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| self.inodes.get(i))
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no inode {ino}")))
    }

    /// The attributes of `ino`.
    pub fn attr(&self, ino: u64) -> Result<Attr> {
        Ok(self.inode(ino)?.attr.clone())
    }

    /// The parent directory of `ino` (the root's is itself).
    pub fn parent(&self, ino: u64) -> Result<u64> {
        Ok(self.inode(ino)?.parent)
    }

    /// The entry called `name` in the directory `dir`, if there is one.
    pub fn lookup(&mut self, dir: u64, name: &[u8]) -> Result<Option<Attr>> {
        let children = self.children(dir)?;
        let found = children
            .binary_search_by(|(n, _)| n.as_slice().cmp(name))
            .ok()
            .map(|i| children[i].1);
        found.map(|ino| self.attr(ino)).transpose()
    }

    /// The entries of the directory `dir`, sorted by name (as shown).
    pub fn children(&mut self, dir: u64) -> Result<&[(Vec<u8>, u64)]> {
        let inode = self.inode(dir)?;
        if inode.children.is_none() {
            let made = match &inode.what {
                What::Place(p) => {
                    let p = *p;
                    self.place_children(dir, p)?
                }
                What::Tree(t) => {
                    let t = *t;
                    self.tree_children(dir, &t)?
                }
                What::Leaf(_) => return Err(Error::invalid("not a directory")),
            };
            self.inodes[dir as usize - 1].children = Some(made);
        }
        Ok(self.listed(dir))
    }

    /// The entries of `dir` as far as [`View::children`] has listed them
    /// (none before): for a caller that also needs `&self` meanwhile.
    pub fn listed(&self, dir: u64) -> &[(Vec<u8>, u64)] {
        self.inode(dir)
            .ok()
            .and_then(|i| i.children.as_deref())
            .unwrap_or_default()
    }

    fn add(&mut self, parent: u64, what: What, attr: impl FnOnce(u64) -> Attr) -> u64 {
        let ino = self.inodes.len() as u64 + 1;
        self.inodes.push(Inode {
            attr: attr(ino),
            parent,
            what,
            children: None,
        });
        ino
    }

    fn place_children(&mut self, dir: u64, place: usize) -> Result<Vec<(Vec<u8>, u64)>> {
        let Place::Dir(entries) = &self.layout.places[place] else {
            return Err(Error::invalid("not a directory"));
        };
        let newest = self.layout.newest_ns;
        let mut out = Vec::new();
        for (name, p) in entries.clone() {
            let ino = match self.layout.places[p].clone() {
                Place::Dir(_) => self.add(dir, What::Place(p), |i| dir_attr(i, newest)),
                Place::Link(target) => {
                    let len = target.len() as u64;
                    self.add(dir, What::Place(p), |ino| Attr {
                        kind: NodeType::Symlink,
                        size: len,
                        mode: 0o777,
                        ..dir_attr(ino, newest)
                    })
                }
                Place::Snapshot(s) => self.add(dir, What::Tree(s.tree), |i| dir_attr(i, s.time_ns)),
            };
            out.push((name, ino));
        }
        Ok(out)
    }

    fn tree_children(&mut self, dir: u64, tree: &BlobId) -> Result<Vec<(Vec<u8>, u64)>> {
        let nodes = self.src.tree(tree)?.nodes;
        let mut names = Unique::reserving(&[]);
        let mut out = Vec::with_capacity(nodes.len());
        for n in nodes {
            let name = names.take(shown_file_name(&n.name.0));
            let attr = |ino| Attr {
                ino,
                kind: n.kind,
                size: match n.kind {
                    NodeType::File => n.size,
                    NodeType::Symlink => n.target.as_ref().map_or(0, |t| t.0.len() as u64),
                    _ => 0,
                },
                mode: n.mode & 0o7777,
                uid: n.uid,
                gid: n.gid,
                mtime_ns: n.mtime_ns,
                rdev: n.rdev.unwrap_or(0),
            };
            let what = match (n.kind, n.subtree) {
                (NodeType::Dir, Some(sub)) => What::Tree(sub),
                _ => What::Leaf(Box::new(n.clone())),
            };
            let ino = self.add(dir, what, attr);
            out.push((name, ino));
        }
        out.sort();
        Ok(out)
    }

    /// The target of the symlink `ino`.
    pub fn readlink(&self, ino: u64) -> Result<Vec<u8>> {
        match &self.inode(ino)?.what {
            What::Place(p) => match &self.layout.places[*p] {
                Place::Link(t) => Ok(t.clone()),
                _ => Err(Error::invalid("not a symlink")),
            },
            What::Leaf(n) => n
                .target
                .as_ref()
                .map(|t| t.0.clone())
                .ok_or_else(|| Error::invalid("not a symlink")),
            What::Tree(_) => Err(Error::invalid("not a symlink")),
        }
    }

    /// Up to `size` bytes of the file `ino` from `offset`, hash-checked
    /// ([`FileReader`]).
    pub fn read(&mut self, ino: u64, offset: u64, size: u32) -> Result<Vec<u8>> {
        if !self.open.contains_key(&ino) {
            let What::Leaf(node) = &self.inode(ino)?.what else {
                return Err(Error::invalid("not a regular file"));
            };
            if node.kind != NodeType::File {
                return Err(Error::invalid("not a regular file"));
            }
            let r = FileReader::new(node, &self.src)?;
            self.open.insert(ino, r);
        }
        let Some(r) = self.open.get_mut(&ino) else {
            return Err(Error::invalid("not a regular file"));
        };
        r.read(&self.src, &mut self.cache, offset, size)
    }

    /// Forgets the read state of `ino` (its last handle was closed); the
    /// cached blobs stay.
    pub fn release(&mut self, ino: u64) {
        self.open.remove(&ino);
    }
}

fn dir_attr(ino: u64, mtime_ns: i64) -> Attr {
    Attr {
        ino,
        kind: NodeType::Dir,
        size: 0,
        mode: 0o555,
        uid: 0,
        gid: 0,
        mtime_ns,
        rdev: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::ids::SnapshotId;
    use crate::tree::Tree;

    /// Trees and blobs in memory.
    struct Mem {
        trees: HashMap<BlobId, Tree>,
        blobs: HashMap<BlobId, Vec<u8>>,
    }

    impl TreeSource for Mem {
        fn tree(&self, id: &BlobId) -> Result<Tree> {
            self.trees.tree(id)
        }
    }

    impl BlobSource for Mem {
        fn blob(&self, id: &BlobId) -> Result<Vec<u8>> {
            Ok(self.blobs[id].clone())
        }
        fn blob_len(&self, id: &BlobId) -> Option<u64> {
            self.blobs.get(id).map(|b| b.len() as u64)
        }
    }

    fn view() -> View<Mem> {
        let mut t = Trees::default();
        let mut f = file("a.txt", b"content");
        let blob = BlobId([9; 32]);
        f.content = vec![blob];
        let mut link = crate::tree::Node::bare(b"ln", NodeType::Symlink, 0o777);
        link.target = Some(crate::tree::Name(b"a.txt".to_vec()));
        let long = file(&"L".repeat(300), b"");
        let sub = t.put(vec![f, link, long]);
        let root = t.put(vec![dir("docs", sub)]);
        let meta = meta("2026-12-05T10:00:00Z", "web", &[], root);
        let layout = Layout::new(&[(SnapshotId([1; 32]), meta)]);
        let mem = Mem {
            trees: t.0,
            blobs: [(blob, b"content".to_vec())].into(),
        };
        View::new(mem, layout, 1 << 20)
    }

    fn walk(v: &mut View<Mem>, path: &str) -> Attr {
        let mut a = v.attr(ROOT).unwrap();
        for part in path.split('/') {
            a = v.lookup(a.ino, part.as_bytes()).unwrap().unwrap();
        }
        a
    }

    #[test]
    fn walks_from_the_layout_into_trees_and_reads() {
        let mut v = view();
        let latest = walk(&mut v, "snapshots/latest");
        assert_eq!(latest.kind, NodeType::Symlink);
        assert_eq!(v.readlink(latest.ino).unwrap(), b"2026-12-05T10:00:00Z");
        let f = walk(&mut v, "hosts/web/2026-12-05T10:00:00Z/docs/a.txt");
        assert_eq!((f.kind, f.size, f.mode), (NodeType::File, 7, 0o644));
        assert_eq!(v.read(f.ino, 2, 100).unwrap(), b"ntent");
        let ln = walk(&mut v, "snapshots/2026-12-05T10:00:00Z/docs/ln");
        assert_eq!(v.readlink(ln.ino).unwrap(), b"a.txt");
        let docs = walk(&mut v, "snapshots/2026-12-05T10:00:00Z/docs");
        let names: Vec<_> = v
            .children(docs.ino)
            .unwrap()
            .iter()
            .map(|c| c.0.clone())
            .collect();
        assert_eq!(names.len(), 3);
        assert!(names
            .iter()
            .all(|n| n.len() <= super::super::layout::NAME_MAX));
        assert_eq!(
            v.parent(f.ino).unwrap(),
            walk(&mut v, "hosts/web/2026-12-05T10:00:00Z/docs").ino
        );
        // The same path twice: the same inode.
        assert_eq!(walk(&mut v, "ids").ino, walk(&mut v, "ids").ino);
        assert!(v.lookup(docs.ino, b"missing").unwrap().is_none());
        assert!(v.read(docs.ino, 0, 1).is_err());
        assert!(v.attr(9999).is_err());
    }
}
