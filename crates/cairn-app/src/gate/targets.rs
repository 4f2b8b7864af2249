//! dr_targets: restores cannot land where they must not. A target outside
//! `restore.allow-roots` is refused by the same check the API uses, and
//! hostile snapshots (names climbing out with `..`, absolute names, a symlink
//! then a directory of the same name) restored into a scratch target write
//! nothing outside it: a sentinel folder beside the target stays as it was.

use super::hostile;
use crate::config::ServerConfig;
use cairn_core::restore::{self, Action, Overwrite, RestoreOptions};
use cairn_core::tree::NodeType;
use cairn_core::{ErrorKind, Repository, SnapshotId};
use serde_json::json;
use std::path::{Path, PathBuf};

const SENTINEL: &[u8] = b"precious";

pub(super) fn check(cfg: &ServerConfig, scratch: &Path) -> super::CheckResult {
    let mut fails = Vec::new();
    let roots = &cfg.restore.allow_roots;
    let allow = if roots.is_empty() {
        fails.push("restore.allow-roots is empty: restores are confined nowhere (the API then refuses every restore, and nothing proves a confined one works); list the folders restores may go to".to_string());
        json!({"roots": [], "outside_refused": null})
    } else {
        match outside_probe(roots, scratch) {
            None => {
                fails.push(
                    "restore.allow-roots covers every folder the gate could try (is / listed?)"
                        .into(),
                );
                json!({"roots": roots, "outside_refused": false})
            }
            Some(p) => match restore::check_allowed(&p, roots) {
                Err(e) if e.kind() == ErrorKind::PermissionDenied => {
                    json!({"roots": roots, "probe": p, "outside_refused": true, "refusal": e.to_string()})
                }
                Err(e) => {
                    fails.push(format!(
                        "the allow-roots check on {} failed for another reason: {e}",
                        p.display()
                    ));
                    json!({"roots": roots, "probe": p, "outside_refused": false, "error": e.to_string()})
                }
                Ok(r) => {
                    fails.push(format!(
                        "a restore to {} (outside allow-roots) was allowed",
                        r.display()
                    ));
                    json!({"roots": roots, "probe": p, "outside_refused": false})
                }
            },
        }
    };
    let hostile = match hostile_restores(&scratch.join("hostile")) {
        Ok((cases, outside)) => {
            if !outside.is_empty() {
                fails.push(format!(
                    "a hostile snapshot wrote outside its restore target: {}",
                    outside.join("; ")
                ));
            }
            json!({"cases": cases, "writes_outside": outside})
        }
        Err(e) => {
            fails.push(format!("the hostile-snapshot check could not run: {e}"));
            json!({"error": e.to_string()})
        }
    };
    super::CheckResult {
        id: "dr_targets".into(),
        pass: fails.is_empty(),
        waived: false,
        reason: (!fails.is_empty()).then(|| fails.join("; ")),
        details: json!({"allow_roots": allow, "hostile": hostile}),
        specs: Vec::new(),
        warnings: Vec::new(),
    }
}

/// A path no allowed root contains (not created).
fn outside_probe(roots: &[PathBuf], scratch: &Path) -> Option<PathBuf> {
    let canon: Vec<PathBuf> = roots.iter().filter_map(|r| r.canonicalize().ok()).collect();
    let scratch = scratch
        .canonicalize()
        .unwrap_or_else(|_| scratch.to_path_buf());
    [
        scratch.join("outside-allow-roots/target"),
        PathBuf::from("/rg7-outside-allow-roots/target"),
        PathBuf::from("/tmp/rg7-outside-allow-roots/target"),
    ]
    .into_iter()
    .find(|p| !roots.iter().chain(&canon).any(|r| p.starts_with(r)))
}

fn opts(target: &Path) -> RestoreOptions {
    RestoreOptions {
        target: target.to_path_buf(),
        include: vec![],
        exclude: vec![],
        overwrite: Overwrite::Always,
        delete: true,
        workers: 1,
        special: false,
    }
}

/// Restores one hostile snapshot; describes what restore did with it.
fn attempt(repo: &Repository, id: SnapshotId, root: &cairn_core::BlobId, target: &Path) -> String {
    match restore::plan(repo, id, root, &opts(target)) {
        Err(e) => format!("refused before writing: {e}"),
        Ok(p) => {
            let refused = p
                .entries
                .iter()
                .filter(|e| matches!(e.action, Action::Refuse(_)))
                .count();
            match restore::execute(repo, &p, 1) {
                Ok(r) => format!(
                    "restored with {refused} entr(y/ies) refused, {} error(s)",
                    r.errors.len()
                ),
                Err(e) => {
                    format!("{refused} entr(y/ies) refused in the plan; execute stopped: {e}")
                }
            }
        }
    }
}

/// Runs the hostile cases in `dir`; returns (case outcomes, writes found outside the target).
fn hostile_restores(dir: &Path) -> crate::Result<(Vec<serde_json::Value>, Vec<String>)> {
    let io = |e: std::io::Error| crate::Error::Io(format!("scratch {}: {e}", dir.display()));
    let target = dir.join("target");
    let sentinel = dir.join("sentinel");
    std::fs::create_dir_all(&target).map_err(io)?;
    std::fs::create_dir_all(&sentinel).map_err(io)?;
    std::fs::write(sentinel.join("keep"), SENTINEL).map_err(io)?;
    let mut repo = hostile::scratch_repo()?;
    let data: &[u8] = b"planted by a hostile snapshot";
    let mut cases = Vec::new();

    let abs = sentinel.join("planted");
    let names: [(&str, Vec<u8>); 4] = [
        ("dotdot", b"..".to_vec()),
        ("climb", b"../sentinel/planted".to_vec()),
        ("absolute", abs.as_os_str().as_encoded_bytes().to_vec()),
        ("nested_climb", b"a/../../sentinel/planted".to_vec()),
    ];
    for (case, name) in names {
        let n = hostile::file(&repo, &name, data);
        let (id, root) = hostile::snapshot(&mut repo, &[hostile::raw_tree(&[n])], 0, &[data])?;
        cases.push(json!({"case": case, "outcome": attempt(&repo, id, &root, &target)}));
    }

    // A symlink to the sentinel, then a directory of the same name holding a file.
    let mut link = hostile::node(b"a", NodeType::Symlink);
    link.target = Some(cairn_core::tree::Name(b"../sentinel".to_vec()));
    let (s1, r1) = hostile::snapshot(&mut repo, &[hostile::raw_tree(&[link])], 0, &[])?;
    let first = attempt(&repo, s1, &r1, &target);
    let inner = hostile::raw_tree(&[hostile::file(&repo, b"planted", data)]);
    let mut d = hostile::node(b"a", NodeType::Dir);
    d.subtree = Some(hostile::tree_id(&repo, &inner));
    let (s2, r2) = hostile::snapshot(&mut repo, &[inner, hostile::raw_tree(&[d])], 1, &[data])?;
    let second = attempt(&repo, s2, &r2, &target);
    cases.push(json!({"case": "symlink_then_dir", "outcome": format!("link: {first}; then dir: {second}")}));

    Ok((cases, outside_writes(dir, &sentinel)))
}

/// Everything beside the target that is not exactly as the gate left it.
fn outside_writes(dir: &Path, sentinel: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let names = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .map(|r| {
                r.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    let beside = names(dir);
    if beside != ["sentinel", "target"] {
        out.push(format!("the scratch folder now holds {beside:?}"));
    }
    if let Some(parent) = dir.parent() {
        for n in names(parent) {
            if n.contains("planted") || n == "sentinel" {
                out.push(format!("{n} appeared beside the scratch folder"));
            }
        }
    }
    let inside = names(sentinel);
    if inside != ["keep"] {
        out.push(format!("the sentinel folder now holds {inside:?}"));
    }
    if std::fs::read(sentinel.join("keep")).ok().as_deref() != Some(SENTINEL) {
        out.push("the sentinel file was changed".into());
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn the_sentinel_check_sees_a_planted_file() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("hostile");
        std::fs::create_dir_all(dir.join("target")).unwrap();
        std::fs::create_dir_all(dir.join("sentinel")).unwrap();
        std::fs::write(dir.join("sentinel/keep"), SENTINEL).unwrap();
        assert!(outside_writes(&dir, &dir.join("sentinel")).is_empty());
        std::fs::write(dir.join("sentinel/planted"), b"x").unwrap();
        assert!(!outside_writes(&dir, &dir.join("sentinel")).is_empty());
    }

    #[test]
    fn every_hostile_case_is_contained() {
        let d = tempfile::tempdir().unwrap();
        let (cases, outside) = hostile_restores(&d.path().join("hostile")).unwrap();
        assert_eq!(cases.len(), 5);
        assert!(outside.is_empty(), "{outside:?}");
    }
}
