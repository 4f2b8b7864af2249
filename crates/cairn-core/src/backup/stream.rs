//! One file whose bytes come from a stream (a pipe, a database dump
//! command's output) rather than from a path: chunked and deduplicated like
//! any file. Unlike a file on disk, a stream cannot be read again, so a read
//! error fails the whole backup (no snapshot) instead of marking one file
//! incomplete: a half dump stored as if whole would be worse than none.

use super::event::{Event, Sink};
use super::Progress;
use crate::chunker::Chunker;
use crate::error::{Error, Result};
use crate::tree::Node;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::sync::atomic::Ordering;

/// Sends `node` with `reader`'s bytes as its content.
pub(super) fn emit(
    chunker: &Chunker,
    node: Node,
    reader: &mut dyn Read,
    progress: &Progress,
    sink: &mut Sink,
) -> Result<()> {
    let name = String::from_utf8_lossy(&node.name.0).into_owned();
    sink.send(Event::FileStart {
        node,
        changed: true,
    })?;
    let mut sha = Sha256::new();
    let mut buf = Vec::new();
    let split = chunker.split(reader, &mut buf, |c| {
        sha.update(c);
        progress
            .bytes_read
            .fetch_add(c.len() as u64, Ordering::Relaxed);
        sink.send(Event::Chunk(c.to_vec()))
    });
    let size = match split {
        Ok(Ok(n)) => n,
        // The pipeline stopped (a full disk, a worker's error): its error is
        // the one the caller reports.
        Ok(Err(e)) => return Err(e),
        Err(e) => return Err(Error::io(format!("reading {name} from its stream"), e)),
    };
    progress.add(1, size);
    sink.send(Event::FileEnd {
        sha256: sha.finalize().into(),
        size,
        error: None,
        warning: None,
    })
}
