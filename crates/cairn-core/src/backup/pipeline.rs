//! Threads and channels of the backup pipeline (see the module essay in `mod.rs`).

use super::event::{stopped, Event, Sink};
use super::scan::Scanner;
use super::{BackupOptions, Excluder, Progress};
use crate::chunker::Chunker;
use crate::codec::Encoder;
use crate::crypto::{Keys, SealKind};
use crate::error::{Error, Result};
use crate::ids::{BlobId, PackId};
use crate::idset::IdSet;
use crate::index::Index;
use crate::pack::{self, BlobEntry, FinishedPack, PackBuilder, SplitPacks};
use crate::repo::Repository;
use crate::snapshot::{ErrorList, SnapshotStats, SourceError};
use crate::tree::{Node, Tree};
use crossbeam_channel::{bounded, Receiver, Sender};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// Statistics gathered along the pipeline.
type Stats = SnapshotStats;

/// A chunk after a worker: sealed unless the repository already had it.
enum Done {
    Chunk {
        id: BlobId,
        raw_len: u32,
        sealed: Option<Vec<u8>>,
    },
    Pass(Event),
}

/// What a pipeline run produced.
pub(crate) struct RunResult {
    pub root: BlobId,
    pub packs: Vec<(PackId, Vec<BlobEntry>)>,
    pub stats: Stats,
    pub errors: ErrorList,
}

// Events in flight per channel. Chunks average 1 MiB, so this bounds the
// pipeline to a few tens of MiB whatever the input.
const QUEUE: usize = 2;

/// Where a backup's content comes from.
pub(crate) enum Source<'a> {
    /// Files and folders, with the parent snapshot's tree for reuse.
    Paths {
        paths: &'a [PathBuf],
        parent: Option<Tree>,
        excluder: &'a Excluder,
    },
    /// One file's bytes from a stream (a pipe, a dump command's output).
    Stream {
        node: Node,
        reader: &'a mut dyn std::io::Read,
    },
}

pub(crate) fn run(
    repo: &Repository,
    source: Source<'_>,
    opts: &BackupOptions,
    progress: &Progress,
) -> Result<RunResult> {
    let keys: &Keys = repo.keys();
    let index = repo.index();
    let level = repo.config().compression;
    let pack_size = repo.config().pack_size as usize;
    let split = repo.splits_trees();
    let (ev_tx, ev_rx) = bounded::<(u64, Vec<Event>)>(QUEUE);
    let (done_tx, done_rx) = bounded::<(u64, Vec<Done>)>(QUEUE);
    // A rendezvous: two packs being filled (data, trees) and one per upload
    // in flight, so packs cost (2 + uploads) x pack size of memory, never
    // more (the tree pack is mostly far smaller).
    let (pack_tx, pack_rx) = bounded::<FinishedPack>(0);
    let packs = repo.pack_store();

    std::thread::scope(|s| {
        // Several uploads at once hide a network round trip (S3) or an fsync
        // (disk) behind the next; each in flight holds one pack of memory.
        let writers: Vec<_> = (0..opts.uploads.max(1))
            .map(|_| {
                let (rx, packs) = (pack_rx.clone(), packs.clone());
                s.spawn(move || -> Result<()> {
                    for p in rx {
                        packs.store(&p.id, p.bytes)?;
                    }
                    Ok(())
                })
            })
            .collect();
        drop(pack_rx);
        let mut workers = Vec::new();
        for _ in 0..opts.workers.max(1) {
            let (rx, tx) = (ev_rx.clone(), done_tx.clone());
            workers.push(s.spawn(move || worker(keys, index, level, rx, tx)));
        }
        drop((ev_rx, done_tx));
        let collector = s.spawn(move || {
            let mut c = Collector::new(keys, index, level, split, pack_size, pack_tx)?;
            c.run(done_rx)?;
            c.finish()
        });

        let mut sink = Sink::new(ev_tx);
        let chunker = Chunker::new(repo.config().chunker, keys.chunker_seed());
        let scanned = match source {
            Source::Paths {
                paths,
                parent,
                excluder,
            } => {
                let mut scanner = Scanner {
                    repo,
                    index,
                    chunker,
                    excluder,
                    opts,
                    progress,
                    buf: Vec::new(),
                    root_dev: 0,
                    depth: 0,
                };
                scanner.scan_roots(paths, parent.as_ref(), &mut sink)
            }
            Source::Stream { node, reader } => {
                super::stream::emit(&chunker, node, reader, progress, &mut sink)
            }
        }
        .and_then(|()| sink.flush());
        drop(sink);
        // Report the first real failure: the writer's (e.g. a full disk) explains
        // why the collector and the scanner stopped.
        let wres: Vec<Result<()>> = workers.into_iter().map(join).collect();
        let cres = join(collector);
        for w in writers {
            join(w)?;
        }
        let result = cres?;
        for w in wres {
            w?;
        }
        scanned?;
        Ok(result)
    })
}

fn join<T>(h: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    h.join()
        .unwrap_or_else(|_| Err(Error::new(crate::ErrorKind::Io, "a backup thread panicked")))
}

fn worker(
    keys: &Keys,
    index: &Index,
    level: i32,
    rx: Receiver<(u64, Vec<Event>)>,
    tx: Sender<(u64, Vec<Done>)>,
) -> Result<()> {
    let mut enc = Encoder::new(level)?;
    for (seq, batch) in rx {
        let mut out = Vec::with_capacity(batch.len());
        for ev in batch {
            out.push(work(keys, index, &mut enc, ev)?);
        }
        if tx.send((seq, out)).is_err() {
            return Err(stopped());
        }
    }
    Ok(())
}

fn work(keys: &Keys, index: &Index, enc: &mut Encoder, ev: Event) -> Result<Done> {
    Ok(match ev {
        Event::Chunk(data) => {
            let id = BlobId(keys.id(SealKind::Data, &data));
            // Already in the repository before this run: skip the expensive part.
            // Blobs new in this run are sealed even if repeated; the collector
            // keeps the first, in order, so the output does not depend on timing.
            let sealed = if index.contains(&id) {
                None
            } else {
                let mut out = Vec::new();
                enc.encode_into(&data, &mut out)?;
                keys.seal_in_place(SealKind::Data, &id.0, &mut out)?;
                Some(out)
            };
            Done::Chunk {
                id,
                raw_len: data.len() as u32,
                sealed,
            }
        }
        other => Done::Pass(other),
    })
}

struct Frame {
    node: Option<Node>,
    nodes: Vec<Node>,
}

struct Collector<'a> {
    keys: &'a Keys,
    index: &'a Index,
    /// Seals trees and pack trailers (data is sealed by the workers).
    enc: Encoder,
    /// Large directories are stored in parts (format version 3).
    split: bool,
    packer: SplitPacks,
    pack_tx: Sender<FinishedPack>,
    session: IdSet,
    packs: Vec<(PackId, Vec<BlobEntry>)>,
    stack: Vec<Frame>,
    file: Option<(Node, bool)>,
    stats: Stats,
    errors: ErrorList,
    /// (device, inode) of hard-linked files -> the content recorded for the first name.
    links: HashMap<(u64, u64), Option<String>>,
}

impl<'a> Collector<'a> {
    fn new(
        keys: &'a Keys,
        index: &'a Index,
        level: i32,
        split: bool,
        pack_size: usize,
        pack_tx: Sender<FinishedPack>,
    ) -> Result<Self> {
        Ok(Collector {
            keys,
            index,
            enc: Encoder::for_trees(level)?,
            split,
            packer: SplitPacks::new(pack_size),
            pack_tx,
            session: IdSet::new(),
            packs: Vec::new(),
            stack: vec![Frame {
                node: None,
                nodes: Vec::new(),
            }],
            file: None,
            stats: Stats::default(),
            errors: ErrorList::default(),
            links: HashMap::new(),
        })
    }

    fn run(&mut self, rx: Receiver<(u64, Vec<Done>)>) -> Result<()> {
        let mut next = 0u64;
        let mut waiting: BTreeMap<u64, Vec<Done>> = BTreeMap::new();
        for (seq, d) in rx {
            waiting.insert(seq, d);
            while let Some(batch) = waiting.remove(&next) {
                for d in batch {
                    self.handle(d)?;
                }
                next += 1;
            }
        }
        if !waiting.is_empty() {
            return Err(stopped());
        }
        Ok(())
    }

    fn add_blob(&mut self, kind: SealKind, id: BlobId, raw_len: u32, sealed: &[u8]) -> Result<()> {
        if self.index.contains(&id) || !self.session.insert(id) {
            return Ok(());
        }
        self.stats.bytes_added += u64::from(raw_len);
        self.stats.bytes_stored += sealed.len() as u64;
        match self.packer.add(kind, id, sealed, raw_len) {
            Some(full) => self.flush_pack(full),
            None => Ok(()),
        }
    }

    fn flush_pack(&mut self, full: PackBuilder) -> Result<()> {
        let p = full.finish(self.keys, &mut self.enc)?;
        self.packs.push((p.id, p.entries.clone()));
        self.pack_tx.send(p).map_err(|_| stopped())
    }

    fn push_node(&mut self, n: Node) {
        if let Some(top) = self.stack.last_mut() {
            top.nodes.push(n);
        }
    }

    fn handle(&mut self, d: Done) -> Result<()> {
        match d {
            Done::Chunk {
                id,
                raw_len,
                sealed,
            } => {
                if let Some(s) = sealed {
                    self.add_blob(SealKind::Data, id, raw_len, &s)?;
                }
                if let Some((n, _)) = self.file.as_mut() {
                    n.content.push(id);
                }
            }
            Done::Pass(Event::FileStart { node, changed }) => self.file = Some((node, changed)),
            Done::Pass(Event::FileEnd {
                sha256,
                size,
                error,
                warning,
            }) => {
                let Some((mut n, changed)) = self.file.take() else {
                    return Err(Error::new(crate::ErrorKind::Io, "pipeline order violated"));
                };
                if let Some(e) = error {
                    self.errors.push(e);
                    return Ok(());
                }
                if let Some(w) = warning {
                    self.errors.push(w);
                }
                n.size = size;
                n.sha256 = Some(hex::encode(sha256));
                self.stats.bytes_read += size;
                if changed {
                    self.stats.files_changed += 1;
                } else {
                    self.stats.files_new += 1;
                }
                self.count_file(&mut n);
                self.push_node(n);
            }
            Done::Pass(Event::Reused(mut n)) => {
                self.stats.files_unchanged += 1;
                self.count_file(&mut n);
                self.push_node(n);
            }
            Done::Pass(Event::Other(n)) => {
                self.stats.others += 1;
                self.push_node(n);
            }
            Done::Pass(Event::DirStart(n)) => self.stack.push(Frame {
                node: Some(n),
                nodes: Vec::new(),
            }),
            Done::Pass(Event::DirEnd) => {
                let frame = self.stack.pop().filter(|_| !self.stack.is_empty());
                let Some(Frame {
                    node: Some(mut n),
                    nodes,
                }) = frame
                else {
                    return Err(Error::new(crate::ErrorKind::Io, "pipeline order violated"));
                };
                n.subtree = Some(self.store_tree(nodes)?);
                self.stats.dirs += 1;
                self.push_node(n);
            }
            Done::Pass(Event::Error(e)) => self.errors.push(e),
            Done::Pass(Event::Chunk(_)) => {
                return Err(Error::new(
                    crate::ErrorKind::Io,
                    "unsealed chunk reached the collector",
                ))
            }
        }
        Ok(())
    }

    fn count_file(&mut self, n: &mut Node) {
        self.stats.files += 1;
        self.stats.bytes += n.size;
        if n.nlink > 1 {
            self.check_link(n);
        }
    }

    /// A snapshot never says two names are one file while their recorded
    /// contents differ (the file changed between reading one name and the
    /// next): such a name is stored as a file of its own, with a warning.
    fn check_link(&mut self, n: &mut Node) {
        match self.links.get(&(n.dev, n.inode)) {
            None => {
                self.links.insert((n.dev, n.inode), n.sha256.clone());
            }
            Some(first) if *first == n.sha256 => {}
            Some(_) => {
                n.nlink = 1;
                let mut path: Vec<_> = self.stack.iter().filter_map(|f| f.node.as_ref()).collect();
                path.push(n);
                let path: Vec<_> = path
                    .iter()
                    .map(|n| String::from_utf8_lossy(&n.name.0))
                    .collect();
                self.errors.push(SourceError {
                    path: path.join("/"),
                    error: "a hard link changed while it was read; stored as a file of its own"
                        .into(),
                });
            }
        }
    }

    fn store_tree(&mut self, nodes: Vec<Node>) -> Result<BlobId> {
        let mut t = Tree { nodes };
        t.sort();
        crate::tree::parts::store(&t, self.split, &mut |plain: &[u8]| {
            let (id, sealed) = pack::seal_blob(self.keys, &mut self.enc, SealKind::Tree, plain)?;
            self.add_blob(SealKind::Tree, id, plain.len() as u32, &sealed)?;
            Ok(id)
        })
    }

    fn finish(mut self) -> Result<RunResult> {
        if self.stack.len() != 1 || self.file.is_some() {
            return Err(stopped());
        }
        let root_nodes = self.stack.pop().map(|f| f.nodes).unwrap_or_default();
        let root = self.store_tree(root_nodes)?;
        for rest in self.packer.take_rest() {
            self.flush_pack(rest)?;
        }
        Ok(RunResult {
            root,
            packs: self.packs,
            stats: self.stats,
            errors: self.errors,
        })
    }
}
