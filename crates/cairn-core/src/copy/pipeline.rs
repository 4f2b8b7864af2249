//! Threads and channels of one snapshot's copy (the module essay is in
//! `copy.rs`).
//!
//! ```text
//! walker (caller) --steps--> workers (N) --done--> collector --packs--> writers (M)
//! ```
//!
//! The walker reads the source's trees and sends, in walk order and in
//! numbered batches, each data blob not sent before in this run, each
//! node, and where each directory begins and ends. A worker turns a data
//! blob into its destination id and, unless the destination has it, its
//! sealed bytes; other steps pass through. The collector takes the batches
//! back in their order, so trees, packs and the report are those one thread
//! would make, and writes each full pack through the writers. Memory is
//! bounded: the walker needs a credit to send a batch, and the collector
//! returns one for each batch it takes in order, so at most
//! `AHEAD_PER_WORKER` batches per worker are anywhere between the two (in
//! the channels, in a worker, or finished early and waiting for their turn:
//! without credits a worker stalled on one slow source read let the others
//! pile up every later batch in the collector); plus one pack per writer.

use crate::codec::{Encoder, KindEncoders};
use crate::crypto::SealKind;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{BlobId, PackId};
use crate::idset::IdSet;
use crate::manifest::MAX_DEPTH;
use crate::pack::{BlobEntry, FinishedPack, PackBuilder, SplitPacks};
use crate::progress::WorkProgress;
use crate::repo::Repository;
use crate::tree::{Node, NodeType, Tree};
use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::Relaxed;

/// A batch closes at this many steps or this many plaintext bytes of data
/// blobs, whichever comes first: large enough that channel traffic costs
/// nothing beside the work, small enough that the workers share it evenly.
const BATCH_STEPS: usize = 256;
const BATCH_BYTES: u64 = 1 << 20;
/// Batches per worker that may be sent and not yet taken in order.
const AHEAD_PER_WORKER: usize = 3;

/// Packs, their index entries: what a snapshot's copy wrote.
pub(super) type Packs = Vec<(PackId, Vec<BlobEntry>)>;

/// What the walker sends, in walk order.
enum Step {
    /// A source data blob not sent before in this run.
    Blob(BlobId),
    /// A file; every blob of its content was sent before it.
    File(Node),
    /// The start of a directory (`None`: the snapshot's root) whose tree,
    /// the source's `BlobId`, was not sent before in this run.
    Enter(Option<Node>, BlobId),
    /// The end of the directory entered last.
    Leave,
    /// Any other node: as it is, apart from a directory's tree, which was
    /// copied before in this run.
    Node(Node),
}

/// A step after a worker.
enum Done {
    Blob {
        src: BlobId,
        dst: BlobId,
        raw_len: u32,
        /// Sealed for the destination; `None` when its index has the blob.
        sealed: Option<Vec<u8>>,
    },
    Pass(Step),
}

/// Why a pipeline thread ended early.
enum Halt {
    /// Another thread failed; its error is the one to report.
    Stopped,
    Failed(Error),
}

impl From<Error> for Halt {
    fn from(e: Error) -> Self {
        Halt::Failed(e)
    }
}

type Flow<T> = std::result::Result<T, Halt>;

/// Blobs a copy stored, and found in the destination already.
#[derive(Default)]
pub(super) struct Counts {
    pub blobs_stored: u64,
    /// The stored blobs' plaintext bytes.
    pub bytes_stored: u64,
    pub blobs_present: u64,
}

/// What a copy keeps from one snapshot to the next.
pub(super) struct Run {
    pub counts: Counts,
    /// Source blob or tree id -> destination id, for everything copied in
    /// this run: a subtree or blob shared with an earlier snapshot is not
    /// gone through again.
    ids: HashMap<BlobId, BlobId>,
    /// Source ids the walker sent in this run (after each snapshot, the
    /// keys of `ids`).
    sent: IdSet,
    /// Destination blobs stored in this run (packed, maybe not yet indexed).
    stored: IdSet,
    /// The collector's: trees get their own compression settings, pack
    /// trailers the data's. One per kind for the whole run (creating a
    /// context per blob cost more than compressing a small blob).
    enc: KindEncoders,
}

impl Run {
    pub fn new(level: i32) -> Result<Self> {
        Ok(Run {
            counts: Counts::default(),
            ids: HashMap::new(),
            sent: IdSet::new(),
            stored: IdSet::new(),
            enc: KindEncoders::new(level)?,
        })
    }

    /// Copies the source tree `root` and everything below it; returns its
    /// destination id and the packs written (every one of them stored when
    /// this returns), for the caller to index.
    pub fn snapshot(
        &mut self,
        src: &Repository,
        dst: &Repository,
        root: &BlobId,
        (workers, uploads): (usize, usize),
        progress: &WorkProgress,
    ) -> Result<(BlobId, Packs)> {
        if let Some(new) = self.ids.get(root) {
            return Ok((*new, Vec::new()));
        }
        // No writer threads (`uploads` 0): the collector stores each full
        // pack itself and fills the next in the same buffer.
        let workers = workers.max(1);
        let stop = AtomicBool::new(false);
        let (step_tx, step_rx) = bounded::<(u64, Vec<Step>)>(2 * workers);
        let (done_tx, done_rx) = bounded::<(u64, Vec<Done>)>(workers);
        // A rendezvous: a pack is handed to a free writer, so packs cost the
        // two being filled plus one per writer of memory, never more.
        let (pack_tx, pack_rx) = bounded::<FinishedPack>(0);
        // Their bytes come back once stored, to fill the next packs in.
        let (spare_tx, spare_rx) = bounded::<Vec<u8>>(1);
        let ahead = AHEAD_PER_WORKER * workers;
        let (credit_tx, credits) = bounded::<()>(ahead);
        for _ in 0..ahead {
            let _ = credit_tx.try_send(());
        }
        let Run {
            counts,
            ids,
            sent,
            stored,
            enc,
        } = self;
        let collector = Collector {
            dst,
            progress,
            stop: &stop,
            ids,
            stored,
            counts,
            enc,
            packer: SplitPacks::new(dst.config().pack_size as usize),
            pack_tx: (uploads > 0).then_some(pack_tx),
            spare_rx,
            credit_tx,
            packs: Vec::new(),
            stack: Vec::new(),
            root: None,
        };
        let walker = Walker {
            src,
            sent,
            tx: step_tx,
            credits,
            stop: &stop,
            batch: Vec::new(),
            bytes: 0,
            seq: 0,
        };
        std::thread::scope(|s| {
            let stop = &stop;
            let writers: Vec<_> = (0..uploads)
                .map(|_| {
                    let (rx, spare) = (pack_rx.clone(), spare_tx.clone());
                    s.spawn(move || noted(stop, write_packs(dst, rx, spare)))
                })
                .collect();
            drop((pack_rx, spare_tx));
            let pool: Vec<_> = (0..workers)
                .map(|_| {
                    let (rx, tx) = (step_rx.clone(), done_tx.clone());
                    s.spawn(move || noted(stop, work(src, dst, rx, tx)))
                })
                .collect();
            drop((step_rx, done_tx));
            let collected = s.spawn(move || noted(stop, collector.run(done_rx)));
            let walked = noted(stop, walker.walk(*root));
            // The first real failure is the one to report: a writer's (a
            // full disk) or a worker's (a damaged source blob) explains why
            // the others stopped.
            let mut first = None;
            let mut note = |r: Flow<()>| {
                if let Err(Halt::Failed(e)) = r {
                    first.get_or_insert(e);
                }
            };
            for h in writers.into_iter().chain(pool) {
                note(join(h));
            }
            note(walked);
            match (first, join(collected)) {
                (Some(e), _) | (None, Err(Halt::Failed(e))) => Err(e),
                (None, Ok(done)) => Ok(done),
                (None, Err(Halt::Stopped)) => Err(Error::new(
                    ErrorKind::Io,
                    "the copy stopped before its end without a cause",
                )),
            }
        })
    }
}

/// `r`, after telling the other threads to stop if it failed.
fn noted<T>(stop: &AtomicBool, r: Flow<T>) -> Flow<T> {
    if let Err(Halt::Failed(_)) = &r {
        stop.store(true, Relaxed);
    }
    r
}

fn join<T>(h: std::thread::ScopedJoinHandle<'_, Flow<T>>) -> Flow<T> {
    h.join()
        .unwrap_or_else(|_| Err(Error::new(ErrorKind::Io, "a copy thread panicked").into()))
}

/// Reads the source's trees and sends the steps.
struct Walker<'a> {
    src: &'a Repository,
    sent: &'a mut IdSet,
    tx: Sender<(u64, Vec<Step>)>,
    /// One per batch it may send (see the module essay).
    credits: Receiver<()>,
    stop: &'a AtomicBool,
    batch: Vec<Step>,
    /// Plaintext bytes of the data blobs in `batch`.
    bytes: u64,
    seq: u64,
}

impl Walker<'_> {
    /// Walks the tree `root` depth first, on an explicit stack (the depth
    /// is the source's to choose).
    fn walk(mut self, root: BlobId) -> Flow<()> {
        self.sent.insert(root);
        let mut stack = vec![self.src.load_tree(&root)?.nodes.into_iter()];
        self.send(Step::Enter(None, root))?;
        while let Some(dir) = stack.last_mut() {
            let Some(n) = dir.next() else {
                stack.pop();
                self.send(Step::Leave)?;
                continue;
            };
            match (n.kind, n.subtree) {
                (NodeType::File, _) => {
                    for b in &n.content {
                        if self.sent.insert(*b) {
                            self.bytes += self
                                .src
                                .index()
                                .get(b)
                                .map_or(0, |(_, e)| u64::from(e.raw_len));
                            self.send(Step::Blob(*b))?;
                        }
                    }
                    self.send(Step::File(n))?;
                }
                (NodeType::Dir, Some(sub)) if !self.sent.contains(&sub) => {
                    if stack.len() > MAX_DEPTH {
                        return Err(Error::corrupt(format!(
                            "directories nested deeper than {MAX_DEPTH} levels; no backup writes that, so the snapshot is not copied"
                        )).into());
                    }
                    self.sent.insert(sub);
                    stack.push(self.src.load_tree(&sub)?.nodes.into_iter());
                    self.send(Step::Enter(Some(n), sub))?;
                }
                _ => self.send(Step::Node(n))?,
            }
        }
        self.flush()
    }

    fn send(&mut self, step: Step) -> Flow<()> {
        self.batch.push(step);
        if self.batch.len() >= BATCH_STEPS || self.bytes >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Flow<()> {
        if self.stop.load(Relaxed) {
            return Err(Halt::Stopped);
        }
        if self.batch.is_empty() {
            return Ok(());
        }
        // Waits for a credit, but not past a failure elsewhere: a batch that
        // failed is never taken, so its credit never comes back.
        loop {
            match self
                .credits
                .recv_timeout(std::time::Duration::from_millis(50))
            {
                Ok(()) => break,
                Err(RecvTimeoutError::Timeout) if !self.stop.load(Relaxed) => {}
                Err(_) => return Err(Halt::Stopped),
            }
        }
        let batch = std::mem::take(&mut self.batch);
        self.tx.send((self.seq, batch)).map_err(|_| Halt::Stopped)?;
        self.seq += 1;
        self.bytes = 0;
        Ok(())
    }
}

/// A worker: reads each data blob from the source (authenticated there),
/// computes its destination id, and seals it unless the destination has it.
fn work(
    src: &Repository,
    dst: &Repository,
    rx: Receiver<(u64, Vec<Step>)>,
    tx: Sender<(u64, Vec<Done>)>,
) -> Flow<()> {
    // One compression context per worker, for the whole run: data only
    // (trees are the collector's).
    let mut enc = Encoder::new(dst.config().compression)?;
    let reuse = src.config().compression == dst.config().compression;
    for (seq, batch) in rx {
        let mut out = Vec::with_capacity(batch.len());
        for step in batch {
            out.push(match step {
                Step::Blob(id) => reseal(src, dst, &mut enc, reuse, id)?,
                other => Done::Pass(other),
            });
        }
        tx.send((seq, out)).map_err(|_| Halt::Stopped)?;
    }
    Ok(())
}

/// The destination's id for the source data blob `id`, and unless the
/// destination has it, its bytes sealed there. With `reuse` (both
/// repositories compress at one level), the frame the source stored is
/// sealed again as it is: it decoded to exactly this plaintext, and it is
/// what compressing anew would give (zstd is deterministic), without the
/// compression, the largest cost of a copy (docs/COPY.md). A frame larger
/// than the plaintext stored uncompressed (no writer makes one) is not
/// reused.
fn reseal(
    src: &Repository,
    dst: &Repository,
    enc: &mut Encoder,
    reuse: bool,
    id: BlobId,
) -> Result<Done> {
    let (plain, frame) = src.load_data_framed(&id)?;
    let new = BlobId(dst.keys().id(SealKind::Data, &plain));
    let sealed = if dst.index().contains(&new) {
        None
    } else {
        let mut out = if reuse && frame.len() <= plain.len() + 1 {
            frame
        } else {
            let mut out = Vec::new();
            enc.encode_into(&plain, &mut out)?;
            out
        };
        dst.keys().seal_in_place(SealKind::Data, &new.0, &mut out)?;
        Some(out)
    };
    Ok(Done::Blob {
        src: id,
        dst: new,
        raw_len: plain.len() as u32,
        sealed,
    })
}

/// Stores the packs it is handed, and hands their buffers back.
fn write_packs(dst: &Repository, rx: Receiver<FinishedPack>, spare: Sender<Vec<u8>>) -> Flow<()> {
    let store = dst.pack_store();
    for p in rx {
        let buf = store.store(&p.id, p.bytes)?;
        // Full: the collector has a spare already; this one is freed (every
        // spare stays resident).
        let _ = spare.try_send(buf);
    }
    Ok(())
}

/// A directory being rebuilt: its node in its parent (`None`: the root),
/// its source tree id, and its nodes so far, with destination ids.
struct Dir {
    node: Option<Node>,
    src: BlobId,
    nodes: Vec<Node>,
}

/// Takes the workers' batches back in order; rebuilds the trees under
/// destination ids and packs what is new.
struct Collector<'a> {
    dst: &'a Repository,
    progress: &'a WorkProgress,
    stop: &'a AtomicBool,
    ids: &'a mut HashMap<BlobId, BlobId>,
    stored: &'a mut IdSet,
    counts: &'a mut Counts,
    enc: &'a mut KindEncoders,
    packer: SplitPacks,
    /// To the writers; `None` when there are none and the collector
    /// stores the packs itself.
    pack_tx: Option<Sender<FinishedPack>>,
    spare_rx: Receiver<Vec<u8>>,
    /// Gives the walker back a credit per batch taken in order.
    credit_tx: Sender<()>,
    packs: Packs,
    stack: Vec<Dir>,
    root: Option<BlobId>,
}

impl Collector<'_> {
    fn run(mut self, rx: Receiver<(u64, Vec<Done>)>) -> Flow<(BlobId, Packs)> {
        let mut next = 0u64;
        let mut waiting: BTreeMap<u64, Vec<Done>> = BTreeMap::new();
        for (seq, batch) in rx {
            if self.stop.load(Relaxed) {
                return Err(Halt::Stopped);
            }
            waiting.insert(seq, batch);
            while let Some(batch) = waiting.remove(&next) {
                for d in batch {
                    self.handle(d)?;
                }
                next += 1;
                let _ = self.credit_tx.try_send(());
            }
        }
        // A batch that never came, or a walk that did not finish: another
        // thread failed, and nothing is flushed.
        let root = match self.root {
            Some(r) if waiting.is_empty() && self.stack.is_empty() => r,
            _ => return Err(Halt::Stopped),
        };
        for p in self.packer.take_rest() {
            self.send_pack(p)?;
        }
        Ok((root, self.packs))
    }

    fn handle(&mut self, d: Done) -> Flow<()> {
        match d {
            Done::Blob {
                src,
                dst,
                raw_len,
                sealed,
            } => {
                self.ids.insert(src, dst);
                match sealed {
                    Some(s) if self.stored.insert(dst) => {
                        self.add(SealKind::Data, dst, &s, raw_len)?;
                    }
                    _ => self.counts.blobs_present += 1,
                }
            }
            Done::Pass(Step::File(mut n)) => {
                for b in &mut n.content {
                    *b = self.ids.get(b).copied().ok_or_else(lost)?;
                }
                self.progress.bytes.fetch_add(n.size, Relaxed);
                self.push(n)?;
            }
            Done::Pass(Step::Enter(node, src)) => self.stack.push(Dir {
                node,
                src,
                nodes: Vec::new(),
            }),
            Done::Pass(Step::Leave) => {
                let dir = self.stack.pop().ok_or_else(lost)?;
                let new = self.store_tree(&Tree { nodes: dir.nodes })?;
                self.ids.insert(dir.src, new);
                match dir.node {
                    Some(mut n) => {
                        n.subtree = Some(new);
                        self.push(n)?;
                    }
                    None => self.root = Some(new),
                }
            }
            Done::Pass(Step::Node(mut n)) => {
                if let (NodeType::Dir, Some(sub)) = (n.kind, n.subtree) {
                    n.subtree = Some(self.new_id(&sub)?);
                }
                self.push(n)?;
            }
            Done::Pass(Step::Blob(_)) => return Err(lost().into()),
        }
        Ok(())
    }

    /// The destination id of a source tree copied before (the walker sends
    /// a tree once; only a tree inside itself comes back before it is done).
    fn new_id(&self, src: &BlobId) -> Result<BlobId> {
        self.ids.get(src).copied().ok_or_else(|| {
            Error::corrupt(format!(
                "tree {} is inside itself; the snapshot is not copied",
                src.short()
            ))
        })
    }

    fn push(&mut self, n: Node) -> Result<()> {
        self.stack.last_mut().ok_or_else(lost)?.nodes.push(n);
        Ok(())
    }

    /// Stores a directory's tree as the destination's format version
    /// stores it (whole, or in parts); its id there.
    fn store_tree(&mut self, tree: &Tree) -> Flow<BlobId> {
        let split = self.dst.splits_trees();
        crate::tree::parts::store(tree, split, &mut |plain: &[u8]| self.store_tree_blob(plain))
    }

    /// Stores the tree blob `plain` unless the destination has it; its id there.
    fn store_tree_blob(&mut self, plain: &[u8]) -> Flow<BlobId> {
        let id = BlobId(self.dst.keys().id(SealKind::Tree, plain));
        if self.dst.index().contains(&id) || !self.stored.insert(id) {
            self.counts.blobs_present += 1;
            return Ok(id);
        }
        let mut sealed = Vec::new();
        self.enc
            .get(SealKind::Tree)
            .encode_into(plain, &mut sealed)?;
        self.dst
            .keys()
            .seal_in_place(SealKind::Tree, &id.0, &mut sealed)?;
        self.add(SealKind::Tree, id, &sealed, plain.len() as u32)?;
        Ok(id)
    }

    fn add(&mut self, kind: SealKind, id: BlobId, sealed: &[u8], raw_len: u32) -> Flow<()> {
        self.counts.blobs_stored += 1;
        self.counts.bytes_stored += u64::from(raw_len);
        match self.packer.add(kind, id, sealed, raw_len) {
            Some(full) => self.send_pack(full),
            None => Ok(()),
        }
    }

    fn send_pack(&mut self, full: PackBuilder) -> Flow<()> {
        if self.stop.load(Relaxed) {
            return Err(Halt::Stopped);
        }
        let p = full.finish(self.dst.keys(), self.enc.get(SealKind::Data))?;
        self.packs.push((p.id, p.entries.clone()));
        match &self.pack_tx {
            Some(tx) => tx.send(p).map_err(|_| Halt::Stopped)?,
            None => {
                let buf = self.dst.pack_store().store(&p.id, p.bytes)?;
                self.packer.recycle(buf);
            }
        }
        while let Ok(buf) = self.spare_rx.try_recv() {
            self.packer.recycle(buf);
        }
        Ok(())
    }
}

fn lost() -> Error {
    Error::new(
        ErrorKind::Io,
        "the copy's walk and its trees fell out of step",
    )
}
