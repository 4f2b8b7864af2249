//! Building a [`RestorePlan`] by walking the snapshot and the target side by side.

use super::safe_fs::{Existing, Found, SafeDir};
use super::{Action, Overwrite, Place, PlanEntry, PlanTotals, RestoreOptions, RestorePlan};
use crate::error::{Error, Result};
use crate::ids::{BlobId, SnapshotId};
use crate::manifest::{Repeats, MAX_DEPTH};
use crate::repo::Repository;
use crate::tree::{Node, NodeType, TreeSource};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::sync::Arc;

struct Filter {
    include: Option<GlobSet>,
    exclude: GlobSet,
}

fn globs(patterns: &[String]) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let p = p.trim_start_matches('/');
        b.add(
            Glob::new(p).map_err(|e| Error::invalid(format!("pattern {p:?} is malformed: {e}")))?,
        );
    }
    b.build()
        .map_err(|e| Error::invalid(format!("patterns: {e}")))
}

impl Filter {
    fn new(include: &[String], exclude: &[String]) -> Result<Self> {
        Ok(Filter {
            include: (!include.is_empty()).then(|| globs(include)).transpose()?,
            exclude: globs(exclude)?,
        })
    }
}

/// The most entries handed on in the first batch (later ones hold up to the
/// caller's batch size): planning the first 32,768 entries of a restore took
/// a tenth of a second in which nothing was written.
const FIRST_BATCH: usize = 2_048;

/// Where planned entries go, a batch at a time, in tree order.
pub(crate) trait PlanSink {
    /// Takes the next entries; an error ends the plan with it.
    fn hand(&mut self, entries: Vec<PlanEntry>) -> Result<()>;

    /// Returns once the entries handed on so far are carried out. The walk
    /// calls it before it lists a target folder for entries the snapshot
    /// lacks: a sink that carries out batches while the walk plans the next
    /// must not let that listing see the temporaries of files still being
    /// written (they would be planned for removal).
    fn catch_up(&mut self) -> Result<()> {
        Ok(())
    }
}

/// A sink that acts on each batch before it returns never lags behind.
impl<F: FnMut(Vec<PlanEntry>) -> Result<()>> PlanSink for F {
    fn hand(&mut self, entries: Vec<PlanEntry>) -> Result<()> {
        self(entries)
    }
}

/// Walk state shared by the recursion.
struct Walk<'a> {
    /// Where the snapshot's trees come from: the repository, whose
    /// [`TreeSource`] is `load_tree` (the blob checked against the index
    /// as a tree, decoded, validated). Planning reads nothing else of the
    /// repository, so an in-memory source (the `restore_plan` fuzz target,
    /// `crate::fuzzing::plan_forest`) plans exactly as a restore does.
    trees: &'a dyn TreeSource,
    opts: &'a RestoreOptions,
    filter: Filter,
    /// Entries planned but not yet handed to the sink.
    entries: Vec<PlanEntry>,
    /// Entries handed to the sink before `entries[0]` (plan positions are
    /// counted from the start of the walk).
    base: usize,
    /// Hand entries on once this many are held.
    batch: usize,
    sink: &'a mut dyn PlanSink,
    totals: PlanTotals,
    repeats: Repeats,
}

/// Plans restoring snapshot `id` (root tree `root`) into `opts.target`: the
/// whole plan at once, for a dry run or a caller that inspects it first.
pub fn plan(
    repo: &Repository,
    id: SnapshotId,
    root: &BlobId,
    opts: &RestoreOptions,
) -> Result<RestorePlan> {
    let mut entries = Vec::new();
    let mut gather = |mut batch: Vec<PlanEntry>| {
        entries.append(&mut batch);
        Ok(())
    };
    let totals = plan_streamed(repo, id, root, opts, usize::MAX, &mut gather)?;
    Ok(RestorePlan {
        snapshot: id,
        target: opts.target.clone(),
        entries,
        totals,
    })
}

/// Plans as [`plan`] does, handing the entries to `sink` in tree order, in
/// batches of about `batch` entries, so that only a batch and the open
/// directories are held, not the whole snapshot. An entry handed on is final.
/// The include check (nothing matched) comes at the end, when the sink has
/// seen nothing, so a caller acting on the batches has done nothing either.
pub(crate) fn plan_streamed(
    trees: &dyn TreeSource,
    id: SnapshotId,
    root: &BlobId,
    opts: &RestoreOptions,
    batch: usize,
    sink: &mut dyn PlanSink,
) -> Result<PlanTotals> {
    let target_dir = match std::fs::symlink_metadata(&opts.target) {
        Ok(_) => Some(SafeDir::open_target(&opts.target, false)?),
        Err(_) => None,
    };
    let mut w = Walk {
        trees,
        opts,
        filter: Filter::new(&opts.include, &opts.exclude)?,
        entries: Vec::new(),
        base: 0,
        batch: batch.max(1),
        sink,
        totals: PlanTotals::default(),
        repeats: Repeats::default(),
    };
    w.walk(root, target_dir)?;
    w.hand_on(w.entries.len())?;
    // A mistyped include restoring nothing "successfully" would tell the
    // operator the data is back when none of it is.
    if !opts.include.is_empty() && w.base == 0 {
        return Err(Error::invalid(format!(
            "no entry of snapshot {} matches the include pattern(s) {}",
            id.short(),
            opts.include
                .iter()
                .map(|p| format!("{:?}", crate::escape::one_line(p)))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .hint("patterns match paths relative to the snapshot's root, as its manifest lists them; nothing was written"));
    }
    Ok(w.totals)
}

/// The plan position up to which entries are final: a directory that is
/// neither selected nor has anything selected below it yet may still be
/// dropped with everything after it (an include matching nothing there).
fn settled(stack: &[Frame]) -> usize {
    stack
        .iter()
        .filter_map(|f| match f.entry {
            Some((start, false, _)) if !f.any => Some(start),
            _ => None,
        })
        .min()
        .unwrap_or(usize::MAX)
}

/// The path of the entry being planned, as the include and exclude
/// patterns see it: kept up to date a name at a time as the walk goes down
/// and up, rather than joined again for every entry.
#[derive(Default)]
struct Rel {
    text: String,
    ends: Vec<usize>,
}

impl Rel {
    fn push(&mut self, name: &[u8]) {
        self.ends.push(self.text.len());
        if !self.text.is_empty() {
            self.text.push('/');
        }
        self.text.push_str(&String::from_utf8_lossy(name));
    }

    fn pop(&mut self) {
        let end = self.ends.pop().unwrap_or(0);
        self.text.truncate(end);
    }
}

/// Why an entry below a folder that is not restored is refused. It names
/// that folder, not the whole path nor the folder's own reason (its own
/// entry says both): a message copied into every entry below stays small,
/// however deep the folder.
fn refused_above(name: &[u8]) -> String {
    format!(
        "the folder {:?} above it is not restored (see that folder's entry)",
        crate::escape::one_line(&String::from_utf8_lossy(name))
    )
}

/// One directory being planned. The walk keeps these on an explicit stack,
/// not the call stack: a snapshot's depth is the repository's to choose, and
/// a thread with a 2 MiB stack must survive the deepest one readers enter.
struct Frame {
    tree: crate::tree::Tree,
    next: usize,
    /// The directory's place below the target (none for the root): the
    /// folder its entries point at.
    place: Option<Arc<Place>>,
    /// The target's folder for this directory, when it exists and may be entered.
    target: Option<SafeDir>,
    /// An include matched an ancestor.
    forced: bool,
    /// Why nothing below may be written.
    blocked: Option<String>,
    /// Whether anything below was selected.
    any: bool,
    /// The directory's own entry: (its index in the plan, whether it was
    /// selected, whether its tree is a repeat); none for the root.
    entry: Option<(usize, bool, bool)>,
}

impl Frame {
    fn new(
        tree: crate::tree::Tree,
        place: Option<Arc<Place>>,
        target: Option<SafeDir>,
        forced: bool,
        blocked: Option<String>,
    ) -> Self {
        Frame {
            tree,
            next: 0,
            place,
            target,
            forced,
            blocked,
            any: false,
            entry: None,
        }
    }
}

impl Walk<'_> {
    /// Plans the whole snapshot, depth first in name order.
    fn walk(&mut self, root: &BlobId, target: Option<SafeDir>) -> Result<()> {
        let mut rel = Rel::default();
        let mut stack = vec![Frame::new(
            self.trees.tree(root)?,
            None,
            target,
            false,
            None,
        )];
        while !stack.is_empty() {
            // The first batch is small, so that the writing starts while
            // the walk plans the rest.
            let limit = match self.base {
                0 => self.batch.min(FIRST_BATCH),
                _ => self.batch,
            };
            if self.entries.len() >= limit {
                let upto = settled(&stack).min(self.base + self.entries.len());
                self.hand_on(upto.saturating_sub(self.base))?;
            }
            let Some(top) = stack.last_mut() else { break };
            if let Some(node) = top.tree.nodes.get(top.next).cloned() {
                top.next += 1;
                if let Some(child) = self.node(top, node, &mut rel)? {
                    stack.push(child);
                }
                continue;
            }
            let Some(done) = stack.pop() else { break };
            // Entries of the target that the snapshot does not have: removed with
            // --delete, and our own temporaries (left by a killed restore) always.
            if let (Some(t), None) = (&done.target, &done.blocked) {
                let keep: HashSet<Vec<u8>> =
                    done.tree.nodes.iter().map(|n| n.name.0.clone()).collect();
                self.sink.catch_up()?;
                self.delete_missing(t, done.place.as_ref(), &mut rel, &keep)?;
            }
            if let (Some((start, selected, repeat)), Some(parent)) = (done.entry, stack.last_mut())
            {
                self.repeats.leave(repeat);
                if done.any || selected {
                    parent.any = true;
                } else {
                    self.entries.truncate(start - self.base);
                }
                rel.pop();
            }
        }
        Ok(())
    }

    /// Plans one entry of the directory `at`; returns the frame to walk
    /// next when the entry is a directory to enter (its name stays on `rel`).
    fn node(&mut self, at: &mut Frame, node: Node, rel: &mut Rel) -> Result<Option<Frame>> {
        self.repeats.entry()?;
        let special = is_special(&node);
        let mut node = node;
        if special && !self.opts.special {
            node.mode &= !0o6000;
        }
        rel.push(&node.name.0);
        if self.filter.exclude.is_match(&rel.text) {
            rel.pop();
            return Ok(None);
        }
        let selected = at.forced
            || self
                .filter
                .include
                .as_ref()
                .is_none_or(|i| i.is_match(&rel.text));
        let target = at.target.as_ref();
        // A target entry we cannot inspect is refused, not fatal: the rest
        // of the restore still goes ahead.
        let inspected = match (target, &at.blocked) {
            (Some(t), None) => t.existing(&node.name.0),
            _ => Ok(Existing::Missing),
        };
        let action = match (&at.blocked, inspected) {
            (Some(why), _) => Action::Refuse(why.clone()),
            (None, Err(e)) => Action::Refuse(e.to_string()),
            (None, Ok(existing)) => self
                .decide(&node, existing, target)
                .unwrap_or_else(|e| Action::Refuse(e.to_string())),
        };
        // This entry's place in the buffer, and in the whole plan.
        let at_buf = self.entries.len();
        let start = self.base + at_buf;
        let (kind, subtree) = (node.kind, node.subtree);
        let place = Place::new(at.place.as_ref(), node.name.0.clone());
        let depth = place.depth();
        let here = (kind == NodeType::Dir).then(|| Arc::new(place.clone()));
        self.push(place, node, action.clone(), special);
        // Deeper than any writer makes: refused on its own, without
        // reading below it, so the rest of the snapshot still restores.
        let too_deep = kind == NodeType::Dir && depth > MAX_DEPTH;
        if too_deep {
            let why = format!("nested deeper than {MAX_DEPTH} directories; not restored");
            self.entries[at_buf].action = Action::Refuse(why);
        }
        let (Some(here), false) = (here, too_deep) else {
            if selected {
                at.any = true;
            } else {
                self.entries.truncate(at_buf);
            }
            rel.pop();
            return Ok(None);
        };
        // Below a folder that is not restored, everything says so once,
        // naming the highest such folder.
        let mut blocked = at.blocked.clone();
        let sub = match (&action, target) {
            _ if blocked.is_some() => None,
            (Action::Skip(_), Some(t)) => match t.subdir(here.name(), false) {
                Ok(d) => d,
                Err(e) => {
                    self.entries[at_buf].action = Action::Refuse(e.to_string());
                    blocked = Some(refused_above(here.name()));
                    None
                }
            },
            (Action::Refuse(_), _) => {
                blocked = Some(refused_above(here.name()));
                None
            }
            _ => None,
        };
        let subtree = subtree.ok_or_else(|| Error::corrupt("directory without a subtree"))?;
        let repeat = self.repeats.enter(&subtree);
        let tree = match self.trees.tree(&subtree) {
            Ok(t) => t,
            Err(e) => {
                self.repeats.leave(repeat);
                return Err(e);
            }
        };
        let mut f = Frame::new(
            tree,
            Some(here),
            sub,
            selected && self.filter.include.is_some(),
            blocked,
        );
        f.entry = Some((start, selected, repeat));
        Ok(Some(f))
    }

    /// Hands the first `n` buffered entries to the sink, counting them.
    fn hand_on(&mut self, n: usize) -> Result<()> {
        if n == 0 {
            return Ok(());
        }
        let out: Vec<PlanEntry> = self.entries.drain(..n).collect();
        for e in &out {
            let t = &mut self.totals;
            match &e.action {
                Action::Create => t.create += 1,
                Action::Overwrite => t.overwrite += 1,
                Action::Skip(_) => t.skip += 1,
                Action::FixMetadata(_) => t.fix_metadata += 1,
                Action::Refuse(_) => t.refuse += 1,
                Action::Delete => t.delete += 1,
            }
            // A hostile snapshot's sizes may add up past u64 (found by the
            // `restore_plan` fuzz target): the total says "at least this
            // much" instead of wrapping to a small number, or panicking.
            t.bytes = t.bytes.saturating_add(e.bytes);
            t.special += u64::from(e.special);
        }
        self.base += n;
        self.sink.hand(out)
    }

    fn delete_missing(
        &mut self,
        dir: &SafeDir,
        place: Option<&Arc<Place>>,
        rel: &mut Rel,
        keep: &HashSet<Vec<u8>>,
    ) -> Result<()> {
        let mut extra: Vec<_> = dir
            .list()?
            .into_iter()
            .filter(|(n, _)| !keep.contains(n))
            .collect();
        extra.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, kind) in extra {
            let temporary = name.starts_with(super::TEMP_PREFIX);
            if !(self.opts.delete || temporary) {
                continue;
            }
            rel.push(&name);
            if temporary
                || !self.filter.exclude.is_match(&rel.text)
                    && self
                        .filter
                        .include
                        .as_ref()
                        .is_none_or(|i| i.is_match(&rel.text))
            {
                let kind = match kind {
                    Existing::Dir => NodeType::Dir,
                    Existing::Symlink => NodeType::Symlink,
                    Existing::File(_) => NodeType::File,
                    _ => NodeType::Fifo,
                };
                self.entries.push(PlanEntry {
                    place: Place::new(place, name),
                    kind,
                    action: Action::Delete,
                    bytes: 0,
                    special: false,
                    node: None,
                });
            }
            rel.pop();
        }
        Ok(())
    }

    fn push(&mut self, place: Place, node: Node, mut action: Action, special: bool) {
        let device = matches!(node.kind, NodeType::Chardev | NodeType::Blockdev);
        if device && !self.opts.special && !matches!(action, Action::Refuse(_)) {
            action = Action::Skip("device node; special files are not restored here".into());
        }
        let bytes = if node.kind == NodeType::File
            && matches!(action, Action::Create | Action::Overwrite)
        {
            node.size
        } else {
            0
        };
        self.entries.push(PlanEntry {
            place,
            kind: node.kind,
            action,
            bytes,
            special,
            node: Some(node),
        });
    }

    fn decide(&self, node: &Node, existing: Existing, target: Option<&SafeDir>) -> Result<Action> {
        let name = &node.name.0;
        Ok(match (node.kind, existing) {
            (NodeType::Socket, _) => {
                Action::Skip("a socket is recorded but cannot be restored".into())
            }
            (_, Existing::Missing) => Action::Create,
            (NodeType::Dir, Existing::Dir) => Action::Skip("exists".into()),
            (NodeType::Dir, _) => {
                Action::Refuse("something that is not a directory is in the way".into())
            }
            (_, Existing::Dir) => Action::Refuse("a directory is in the way".into()),
            (NodeType::File, Existing::File(size)) => match self.opts.overwrite {
                Overwrite::Never => Action::Skip("exists (overwrite: never)".into()),
                Overwrite::Always => Action::Overwrite,
                Overwrite::IfChanged => {
                    let same = size == node.size
                        && target.map(|t| t.sha256(name)).transpose()?.map(hex::encode)
                            == node.sha256;
                    match (same, target) {
                        (true, Some(t)) => metadata_action(node, &t.meta(name)?),
                        _ => Action::Overwrite,
                    }
                }
            },
            (NodeType::Symlink, Existing::Symlink) => {
                let cur = target.map(|t| t.readlink(name)).transpose()?;
                if cur.as_ref() == node.target.as_ref().map(|t| &t.0) {
                    Action::Skip("identical".into())
                } else {
                    Action::Overwrite
                }
            }
            (NodeType::Fifo | NodeType::Chardev | NodeType::Blockdev, Existing::Other) => {
                Action::Skip("exists".into())
            }
            (_, _) if self.opts.overwrite == Overwrite::Never => {
                Action::Skip("exists (overwrite: never)".into())
            }
            _ => Action::Overwrite,
        })
    }
}

/// For a file whose content is already right: skip it, or set the metadata
/// that differs. A file with more than one name is rewritten instead (a new
/// file renamed into place): its other name may be outside the target, and
/// changing the owner or mode of the shared inode would change that file too.
fn metadata_action(node: &Node, found: &Found) -> Action {
    let mut diff = Vec::new();
    if found.mode != node.mode {
        diff.push(format!("mode {:o} -> {:o}", found.mode, node.mode));
    }
    if super::exec::is_root() && found.owner != (node.uid, node.gid) {
        diff.push(format!(
            "owner {}:{} -> {}:{}",
            found.owner.0, found.owner.1, node.uid, node.gid
        ));
    }
    if found.mtime_ns != node.mtime_ns {
        diff.push("mtime".into());
    }
    match (diff.is_empty(), found.nlink > 1) {
        (true, _) => Action::Skip("identical".into()),
        (false, true) => Action::Overwrite,
        (false, false) => Action::FixMetadata(diff.join(", ")),
    }
}

/// Device nodes and setuid/setgid entries: what a restore for a user must not
/// create, and a system restore must.
fn is_special(n: &Node) -> bool {
    matches!(n.kind, NodeType::Chardev | NodeType::Blockdev) || n.mode & 0o6000 != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn into(target: &std::path::Path) -> RestoreOptions {
        RestoreOptions {
            target: target.to_path_buf(),
            include: vec![],
            exclude: vec![],
            overwrite: Overwrite::IfChanged,
            delete: false,
            workers: 1,
            special: false,
        }
    }

    /// Stands for an executor that writes each batch while the walk plans
    /// on: a temporary per file handed on exists until the writing has
    /// caught up.
    struct WritingAhead {
        dir: std::path::PathBuf,
        writing: Vec<std::path::PathBuf>,
        caught_up: usize,
    }

    impl PlanSink for WritingAhead {
        fn hand(&mut self, entries: Vec<PlanEntry>) -> Result<()> {
            for e in entries.iter().filter(|e| e.kind == NodeType::File) {
                let name = format!(".cairn-tmp-{}", e.place.path());
                let p = self.dir.join(name);
                std::fs::write(&p, b"being written").unwrap();
                self.writing.push(p);
            }
            Ok(())
        }

        fn catch_up(&mut self) -> Result<()> {
            for p in self.writing.drain(..) {
                std::fs::remove_file(p).unwrap();
            }
            self.caught_up += 1;
            Ok(())
        }
    }

    /// The walk lists a target folder for entries the snapshot lacks (and
    /// plans the removal of temporaries it finds there) only once the
    /// entries it handed on are carried out: otherwise a walk planning
    /// ahead of the executor would plan the removal of files being written.
    #[test]
    fn the_walk_lets_the_writing_catch_up_before_it_lists_a_target_folder() {
        let target = tempfile::tempdir().unwrap();
        let nodes = [b"a", b"b", b"c"].map(|name| {
            let mut n = Node::bare(name, NodeType::File, 0o644);
            n.sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"")));
            n
        });
        let root = BlobId([1; 32]);
        let trees = HashMap::from([(
            root,
            crate::tree::Tree {
                nodes: nodes.into(),
            },
        )]);
        let opts = into(target.path());
        let mut sink = WritingAhead {
            dir: target.path().to_path_buf(),
            writing: vec![],
            caught_up: 0,
        };
        let totals =
            plan_streamed(&trees, SnapshotId([0; 32]), &root, &opts, 1, &mut sink).unwrap();
        assert_eq!((totals.create, totals.delete), (3, 0));
        assert_eq!(sink.caught_up, 1, "once, before the target's listing");
    }

    /// Two files whose recorded sizes add up past u64 (regression from the
    /// `restore_plan` fuzz target: the total overflowed).
    #[test]
    fn sizes_that_add_up_past_u64_saturate_the_total() {
        let mut nodes = Vec::new();
        for name in [b"a", b"b"] {
            let mut n = Node::bare(name, NodeType::File, 0o644);
            n.size = u64::MAX;
            n.sha256 = Some("0".repeat(64));
            nodes.push(n);
        }
        let root = BlobId([1; 32]);
        let trees = HashMap::from([(root, crate::tree::Tree { nodes })]);
        let opts = into("/dev/null/not-a-folder".as_ref());
        let mut held = 0;
        let totals = plan_streamed(
            &trees,
            SnapshotId([0; 32]),
            &root,
            &opts,
            1,
            &mut |b: Vec<PlanEntry>| {
                held += b.len();
                Ok(())
            },
        )
        .unwrap();
        assert_eq!((held, totals.create, totals.bytes), (2, 2, u64::MAX));
    }
}
