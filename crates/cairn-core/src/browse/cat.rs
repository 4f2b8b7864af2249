//! `cat`: one file's content, streamed, checked against the SHA-256 its
//! tree records.
//!
//! Each blob is authenticated as it is read (the repository's own check),
//! but only the whole-file hash proves the blob *list* is the file's: a
//! hostile snapshot can list authentic blobs of another file. That hash is
//! known only at the end, after most bytes are out, so the last blob is
//! held back until it matches: a file that fails the check is never written
//! out whole, and the reader sees a short stream and a failing exit.

use super::locate;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::BlobId;
use crate::repo::Repository;
use crate::tree::{Node, NodeType};
use sha2::{Digest, Sha256};
use std::io::Write;

/// Streams the file at `path` of the tree `root` to `out`; returns its size.
pub fn cat(repo: &Repository, root: &BlobId, path: &str, out: &mut dyn Write) -> Result<u64> {
    let at = locate(repo, root, path)?;
    let shown = || crate::escape::one_line(&String::from_utf8_lossy(&at.path)).into_owned();
    let Some(node) = at.node.as_ref().filter(|n| n.kind == NodeType::File) else {
        return Err(Error::invalid(format!(
            "{} is not a regular file in the snapshot",
            if at.path.is_empty() {
                "/".into()
            } else {
                shown()
            }
        ))
        .hint("only files have content to print; list directories instead"));
    };
    write_checked(node, &mut |id| repo.load_data(id), out).map_err(|e| e.context(shown()))
}

/// Writes `node`'s blobs, read through `load`, to `out`, holding back the
/// last until the whole content matches the node's size and SHA-256.
pub fn write_checked(
    node: &Node,
    load: &mut dyn FnMut(&BlobId) -> Result<Vec<u8>>,
    out: &mut dyn Write,
) -> Result<u64> {
    let mut sha = Sha256::new();
    let mut held: Vec<u8> = Vec::new();
    let mut size = 0u64;
    let write =
        |out: &mut dyn Write, b: &[u8]| out.write_all(b).map_err(|e| Error::io("stdout", e));
    for id in &node.content {
        let blob = load(id)?;
        sha.update(&blob);
        size += blob.len() as u64;
        write(out, &held)?;
        held = blob;
    }
    let matches = node.sha256.as_deref() == Some(hex::encode(sha.finalize()).as_str());
    if !matches || size != node.size {
        return Err(Error::new(
            ErrorKind::Corrupt,
            "content does not match the SHA-256 and size its snapshot records; the rest was withheld",
        )
        .hint("the snapshot is damaged or forged: run verify, and take the file from another snapshot"));
    }
    write(out, &held)?;
    out.flush().map_err(|e| Error::io("stdout", e))?;
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::super::testing::file;
    use super::*;
    use std::collections::HashMap;

    fn blobs(parts: &[&[u8]]) -> (Vec<BlobId>, HashMap<BlobId, Vec<u8>>) {
        let mut ids = Vec::new();
        let mut map = HashMap::new();
        for (i, p) in parts.iter().enumerate() {
            let id = BlobId([i as u8; 32]);
            ids.push(id);
            map.insert(id, p.to_vec());
        }
        (ids, map)
    }

    fn run(node: &Node, map: &HashMap<BlobId, Vec<u8>>) -> (Result<u64>, Vec<u8>) {
        let mut out = Vec::new();
        let r = write_checked(node, &mut |id| Ok(map[id].clone()), &mut out);
        (r, out)
    }

    #[test]
    fn a_matching_file_is_written_whole() {
        let mut n = file("f", b"hello world");
        let (ids, map) = blobs(&[b"hello ", b"world"]);
        n.content = ids;
        let (r, out) = run(&n, &map);
        assert_eq!(r.unwrap(), 11);
        assert_eq!(out, b"hello world");
    }

    #[test]
    fn a_forged_blob_list_is_refused_and_never_written_whole() {
        // Authentic blobs of another file: every blob reads, the hash fails.
        let mut n = file("f", b"hello world");
        let (ids, map) = blobs(&[b"hello ", b"WORLD"]);
        n.content = ids;
        let (r, out) = run(&n, &map);
        let e = r.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt);
        assert!(e.to_string().contains("does not match the SHA-256"), "{e}");
        assert_eq!(out, b"hello ", "the last blob is withheld");
        // One blob only: nothing at all is written.
        let (ids, map) = blobs(&[b"hello WORLD"]);
        n.content = ids;
        let (r, out) = run(&n, &map);
        assert!(r.is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn a_size_that_disagrees_is_refused() {
        let mut n = file("f", b"abc");
        let (ids, map) = blobs(&[b"abc"]);
        n.content = ids;
        n.size = 4;
        assert_eq!(run(&n, &map).0.unwrap_err().kind(), ErrorKind::Corrupt);
    }
}
