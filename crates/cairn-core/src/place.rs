//! Where an entry of a snapshot is, for what holds many entries or folders
//! at once (a restore plan, a manifest, a restore's open folders).
//!
//! An entry holds its own name and a shared reference to its folder's
//! place, not its whole path: the folder's place is made once, when the
//! walk enters it, and every entry in it points at it. What a reader holds
//! then grows with the names, not with entries times depth. A hostile
//! snapshot nests folders [`crate::manifest::MAX_DEPTH`] deep with 255-byte
//! names and puts its entries at the bottom (or repeats a tree there): with
//! whole paths, each entry cost up to 260 KB, and planning the restore of
//! a 15-byte fuzz input used gigabytes (found by the `restore_plan` fuzz
//! target).

use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// An entry's place: its folder (none at the top) and its name.
#[derive(Clone)]
pub struct Place {
    dir: Option<Arc<Place>>,
    name: Vec<u8>,
    depth: usize,
}

impl Place {
    /// The entry `name` in the folder `dir` (none: at the top).
    pub fn new(dir: Option<&Arc<Place>>, name: Vec<u8>) -> Self {
        Place {
            depth: dir.map_or(0, |d| d.depth) + 1,
            dir: dir.cloned(),
            name,
        }
    }

    /// The place of a `/`-separated path (each part a name; a path from
    /// elsewhere than a walk, such as a test's).
    pub fn of_path(path: &[u8]) -> Self {
        let mut parts: Vec<&[u8]> = path.split(|&b| b == b'/').collect();
        let name = parts.pop().unwrap_or_default().to_vec();
        let mut dir: Option<Arc<Place>> = None;
        for p in parts {
            dir = Some(Arc::new(Place::new(dir.as_ref(), p.to_vec())));
        }
        Place::new(dir.as_ref(), name)
    }

    /// The entry's own name: one component (a snapshot's names never hold
    /// `/`), but for the top of a restore's open folders, which is the
    /// target's own path.
    pub fn name(&self) -> &[u8] {
        &self.name
    }

    /// The folder the entry is in; none at the top.
    pub fn dir(&self) -> Option<&Arc<Place>> {
        self.dir.as_ref()
    }

    /// Components from the top to the entry (1 at the top).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The names from the top down to the entry's folder.
    pub fn dir_names(&self) -> Vec<&[u8]> {
        let mut names = Vec::with_capacity(self.depth.saturating_sub(1));
        let mut at = self.dir.as_deref();
        while let Some(p) = at {
            names.push(p.name.as_slice());
            at = p.dir.as_deref();
        }
        names.reverse();
        names
    }

    /// `/`-separated path from the top (lossy for names that are not UTF-8).
    pub fn path(&self) -> String {
        self.to_string()
    }

    /// `/`-separated path from the top, as raw bytes.
    pub fn raw(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for d in self.dir_names() {
            out.extend_from_slice(d);
            out.push(b'/');
        }
        out.extend_from_slice(&self.name);
        out
    }
}

/// Dropping the last entry of a deep folder drops its folders' places one
/// after another in a loop: the default drop would recurse once per level,
/// and the depth is the repository's to choose (1,025 levels are legal;
/// a reader's thread may have a small stack).
impl Drop for Place {
    fn drop(&mut self) {
        let mut up = self.dir.take();
        while let Some(dir) = up {
            up = match Arc::try_unwrap(dir) {
                Ok(mut only) => only.dir.take(),
                // Still shared: whoever holds it drops the rest.
                Err(_) => None,
            };
        }
    }
}

/// The same place: same names all the way up. Folders are shared, so this
/// is mostly one pointer comparison per level.
impl PartialEq for Place {
    fn eq(&self, other: &Self) -> bool {
        let (mut a, mut b) = (self, other);
        loop {
            if a.depth != b.depth || a.name != b.name {
                return false;
            }
            match (&a.dir, &b.dir) {
                (None, None) => return true,
                (Some(x), Some(y)) if Arc::ptr_eq(x, y) => return true,
                (Some(x), Some(y)) => (a, b) = (x, y),
                _ => return false,
            }
        }
    }
}

impl Eq for Place {}

/// As its path: a derived `Debug` would recurse through every folder.
impl fmt::Debug for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Place({:?})", self.path())
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.dir_names() {
            write!(f, "{}/", String::from_utf8_lossy(d))?;
        }
        write!(f, "{}", String::from_utf8_lossy(&self.name))
    }
}

/// In JSON a place is its path (the `path` of a plan or manifest entry).
impl Serialize for Place {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_is_its_folders_names_and_its_own() {
        let a = Arc::new(Place::new(None, b"a".to_vec()));
        let b = Arc::new(Place::new(Some(&a), b"\xffb".to_vec()));
        let c = Place::new(Some(&b), b"c".to_vec());
        assert_eq!((c.depth(), c.name()), (3, &b"c"[..]));
        assert_eq!(c.dir_names(), [&b"a"[..], &b"\xffb"[..]]);
        assert_eq!(c.path(), "a/\u{fffd}b/c");
        assert_eq!(c.raw(), b"a/\xffb/c");
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"a/\u{fffd}b/c\"");
        // Equal by names, whether or not the folders are shared.
        let a2 = Arc::new(Place::new(None, b"a".to_vec()));
        let b2 = Arc::new(Place::new(Some(&a2), b"\xffb".to_vec()));
        assert_eq!(Place::new(Some(&b2), b"c".to_vec()), c);
        assert_ne!(Place::new(Some(&a2), b"c".to_vec()), c);
        assert_ne!(Place::new(Some(&b2), b"d".to_vec()), c);
        assert_eq!(Place::new(None, b"a".to_vec()).path(), "a");
        assert_eq!(Place::of_path(b"a/\xffb/c"), c);
        assert_eq!(Place::of_path(b"a").depth(), 1);
        assert_eq!(format!("{c:?}"), "Place(\"a/\u{fffd}b/c\")");
    }

    #[test]
    fn a_chain_of_a_million_folders_drops_on_a_small_stack() {
        let deep = std::thread::Builder::new()
            .stack_size(64 << 10)
            .spawn(|| {
                let mut dir: Option<Arc<Place>> = None;
                for _ in 0..1_000_000 {
                    dir = Some(Arc::new(Place::new(dir.as_ref(), b"d".to_vec())));
                }
                let leaf = Place::new(dir.as_ref(), b"f".to_vec());
                drop(dir);
                leaf.depth()
            })
            .unwrap();
        assert_eq!(deep.join().unwrap(), 1_000_001);
    }
}
