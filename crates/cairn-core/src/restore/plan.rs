//! Building a [`RestorePlan`] by walking the snapshot and the target side by side.

use super::safe_fs::{Existing, SafeDir};
use super::{Action, Overwrite, PlanEntry, PlanTotals, RestoreOptions, RestorePlan};
use crate::error::{Error, Result};
use crate::ids::{BlobId, SnapshotId};
use crate::manifest::MAX_DEPTH;
use crate::repo::Repository;
use crate::tree::{Node, NodeType};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashSet;

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

/// Walk state shared by the recursion.
struct Walk<'a> {
    repo: &'a Repository,
    opts: &'a RestoreOptions,
    filter: Filter,
    entries: Vec<PlanEntry>,
}

/// Plans restoring snapshot `id` (root tree `root`) into `opts.target`.
pub fn plan(
    repo: &Repository,
    id: SnapshotId,
    root: &BlobId,
    opts: &RestoreOptions,
) -> Result<RestorePlan> {
    let target_dir = match std::fs::symlink_metadata(&opts.target) {
        Ok(_) => Some(SafeDir::open_target(&opts.target, false)?),
        Err(_) => None,
    };
    let mut w = Walk {
        repo,
        opts,
        filter: Filter::new(&opts.include, &opts.exclude)?,
        entries: Vec::new(),
    };
    w.dir(root, &mut Vec::new(), target_dir.as_ref(), false, None)?;
    let mut totals = PlanTotals::default();
    for e in &w.entries {
        match &e.action {
            Action::Create => totals.create += 1,
            Action::Overwrite => totals.overwrite += 1,
            Action::Skip(_) => totals.skip += 1,
            Action::Refuse(_) => totals.refuse += 1,
            Action::Delete => totals.delete += 1,
        }
        totals.bytes += e.bytes;
    }
    Ok(RestorePlan {
        snapshot: id,
        target: opts.target.clone(),
        entries: w.entries,
        totals,
    })
}

fn display(comps: &[Vec<u8>]) -> String {
    comps
        .iter()
        .map(|c| String::from_utf8_lossy(c))
        .collect::<Vec<_>>()
        .join("/")
}

impl Walk<'_> {
    /// Plans the entries of one tree. `forced`: an include matched an ancestor.
    /// `blocked`: why nothing below may be written. Returns whether anything was selected.
    fn dir(
        &mut self,
        tree: &BlobId,
        comps: &mut Vec<Vec<u8>>,
        target: Option<&SafeDir>,
        forced: bool,
        blocked: Option<&str>,
    ) -> Result<bool> {
        if comps.len() > MAX_DEPTH {
            return Err(Error::corrupt(
                "snapshot nesting is deeper than any real directory tree",
            ));
        }
        let tree = self.repo.load_tree(tree)?;
        let mut any = false;
        for node in &tree.nodes {
            comps.push(node.name.0.clone());
            let rel = display(comps);
            if self.filter.exclude.is_match(&rel) {
                comps.pop();
                continue;
            }
            let selected = forced
                || self
                    .filter
                    .include
                    .as_ref()
                    .is_none_or(|i| i.is_match(&rel));
            // A target entry we cannot inspect is refused, not fatal: the rest
            // of the restore still goes ahead.
            let inspected = match (target, blocked) {
                (Some(t), None) => t.existing(&node.name.0),
                _ => Ok(Existing::Missing),
            };
            let mut action = match (blocked, inspected) {
                (Some(why), _) => Action::Refuse(why.to_string()),
                (None, Err(e)) => Action::Refuse(e.to_string()),
                (None, Ok(existing)) => self
                    .decide(node, existing, target)
                    .unwrap_or_else(|e| Action::Refuse(e.to_string())),
            };
            let start = self.entries.len();
            self.push(comps, node, action.clone());
            if node.kind == NodeType::Dir {
                let mut below_blocked = blocked.map(str::to_string);
                let sub = match (&action, target) {
                    (Action::Skip(_), Some(t)) => match t.subdir(&node.name.0, false) {
                        Ok(d) => d,
                        Err(e) => {
                            action = Action::Refuse(e.to_string());
                            self.entries[start].action = action.clone();
                            below_blocked = Some(format!("{rel} cannot be entered safely"));
                            None
                        }
                    },
                    (Action::Refuse(why), _) => {
                        below_blocked = Some(format!("parent {rel}: {why}"));
                        None
                    }
                    _ => None,
                };
                let subtree = node
                    .subtree
                    .ok_or_else(|| Error::corrupt("directory without a subtree"))?;
                let child_any = self.dir(
                    &subtree,
                    comps,
                    sub.as_ref(),
                    selected && self.filter.include.is_some(),
                    below_blocked.as_deref(),
                )?;
                if !(child_any || selected) {
                    self.entries.truncate(start);
                } else {
                    any = true;
                }
            } else if !selected {
                self.entries.truncate(start);
            } else {
                any = true;
            }
            comps.pop();
        }
        // Entries of the target that the snapshot does not have: removed with
        // --delete, and our own temporaries (left by a killed restore) always.
        if let (Some(t), None) = (target, blocked) {
            let keep: HashSet<Vec<u8>> = tree.nodes.iter().map(|n| n.name.0.clone()).collect();
            self.delete_missing(t, comps, &keep)?;
        }
        Ok(any)
    }

    fn delete_missing(
        &mut self,
        dir: &SafeDir,
        comps: &mut Vec<Vec<u8>>,
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
            comps.push(name);
            let rel = display(comps);
            if temporary
                || !self.filter.exclude.is_match(&rel)
                    && self
                        .filter
                        .include
                        .as_ref()
                        .is_none_or(|i| i.is_match(&rel))
            {
                let kind = match kind {
                    Existing::Dir => NodeType::Dir,
                    Existing::Symlink => NodeType::Symlink,
                    Existing::File(_) => NodeType::File,
                    _ => NodeType::Fifo,
                };
                self.entries.push(PlanEntry {
                    path: rel,
                    components: comps.clone(),
                    kind,
                    action: Action::Delete,
                    bytes: 0,
                    node: None,
                });
            }
            comps.pop();
        }
        Ok(())
    }

    fn push(&mut self, comps: &[Vec<u8>], node: &Node, action: Action) {
        let bytes = if node.kind == NodeType::File
            && matches!(action, Action::Create | Action::Overwrite)
        {
            node.size
        } else {
            0
        };
        self.entries.push(PlanEntry {
            path: display(comps),
            components: comps.to_vec(),
            kind: node.kind,
            action,
            bytes,
            node: Some(node.clone()),
        });
    }

    fn decide(&self, node: &Node, existing: Existing, target: Option<&SafeDir>) -> Result<Action> {
        let name = &node.name.0;
        Ok(match (node.kind, existing) {
            (_, Existing::Missing) => Action::Create,
            (NodeType::Dir, Existing::Dir) => Action::Skip("exists".into()),
            (NodeType::Dir, _) => {
                Action::Refuse("something that is not a directory is in the way".into())
            }
            (_, Existing::Dir) => Action::Refuse("a directory is in the way".into()),
            (NodeType::File, Existing::File(size)) => match self.opts.overwrite {
                Overwrite::Never => Action::Skip("exists (--overwrite never)".into()),
                Overwrite::Always => Action::Overwrite,
                Overwrite::IfChanged => {
                    let same = size == node.size
                        && target.map(|t| t.sha256(name)).transpose()?.map(hex::encode)
                            == node.sha256;
                    if same {
                        Action::Skip("identical".into())
                    } else {
                        Action::Overwrite
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
            (
                NodeType::Fifo | NodeType::Socket | NodeType::Chardev | NodeType::Blockdev,
                Existing::Other,
            ) => Action::Skip("exists".into()),
            (_, _) if self.opts.overwrite == Overwrite::Never => {
                Action::Skip("exists (--overwrite never)".into())
            }
            _ => Action::Overwrite,
        })
    }
}
