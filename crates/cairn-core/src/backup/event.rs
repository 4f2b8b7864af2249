//! What travels from the scanner to the workers: the events, in order, and
//! the scanner's batching end of that channel. Both the scanner and the
//! pipeline speak these, so they sit below both.

use crate::error::{Error, Result};
use crate::snapshot::SourceError;
use crate::tree::Node;
use crossbeam_channel::Sender;

/// What the scanner emits, in order.
pub(crate) enum Event {
    /// A directory begins; its entries follow until `DirEnd`.
    DirStart(Node),
    /// The current directory ends.
    DirEnd,
    /// A file begins; `Chunk`s follow, then `FileEnd`.
    FileStart { node: Node, changed: bool },
    /// Content of the current file.
    Chunk(Vec<u8>),
    /// The current file ends.
    FileEnd {
        sha256: [u8; 32],
        size: u64,
        error: Option<SourceError>,
        warning: Option<SourceError>,
    },
    /// A file reused from the parent, complete.
    Reused(Node),
    /// A symlink, fifo, socket or device, complete.
    Other(Node),
    /// A source entry that could not be read.
    Error(SourceError),
}

/// The scanner's end of the first channel. Events travel in batches: a tree
/// of small files makes hundreds of thousands of events, and one channel
/// operation each made the threads spin and yield more than they worked.
pub(crate) struct Sink {
    tx: Sender<(u64, Vec<Event>)>,
    seq: u64,
    batch: Vec<Event>,
    batch_bytes: usize,
    error: Option<Error>,
}

/// A batch is sent when it holds this many bytes of content or this many events.
const BATCH_BYTES: usize = 1 << 20;
const BATCH_EVENTS: usize = 256;

impl Sink {
    pub(super) fn new(tx: Sender<(u64, Vec<Event>)>) -> Self {
        Sink {
            tx,
            seq: 0,
            batch: Vec::new(),
            batch_bytes: 0,
            error: None,
        }
    }

    pub fn send(&mut self, e: Event) -> Result<()> {
        if let Event::Chunk(c) = &e {
            self.batch_bytes += c.len();
        }
        self.batch.push(e);
        if self.batch_bytes >= BATCH_BYTES || self.batch.len() >= BATCH_EVENTS {
            self.flush()?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH_EVENTS));
        self.batch_bytes = 0;
        self.tx.send((self.seq, batch)).map_err(|_| stopped())?;
        self.seq += 1;
        Ok(())
    }

    pub fn keep_error(&mut self, e: Error) {
        self.error.get_or_insert(e);
    }

    pub fn take_error(&mut self) -> Option<Error> {
        self.error.take()
    }
}

pub(super) fn stopped() -> Error {
    Error::new(crate::ErrorKind::Io, "the backup pipeline stopped")
}
