//! Exclude patterns, restic-style: a pattern without `/` matches a name at any
//! depth (`*.tmp`, `node_modules`); a pattern with `/` matches the absolute
//! path (a relative one is anchored anywhere: `cache/*` = `**/cache/*`).

use crate::error::{Error, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::Path;

/// Compiled exclude patterns.
#[derive(Debug, Clone)]
pub struct Excluder {
    names: GlobSet,
    paths: GlobSet,
    empty: bool,
}

impl Excluder {
    /// Compiles patterns; a malformed one is an error naming it.
    pub fn new(patterns: &[String]) -> Result<Self> {
        let (mut names, mut paths) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        for p in patterns.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            let p = p.trim_end_matches('/');
            let (set, pat) = if p.contains('/') {
                let anchored = if p.starts_with('/') {
                    p.to_string()
                } else {
                    format!("**/{p}")
                };
                (&mut paths, anchored)
            } else {
                (&mut names, p.to_string())
            };
            let g = Glob::new(&pat).map_err(|e| {
                Error::invalid(format!("exclude pattern {p:?} is malformed: {e}"))
                    .remedy(crate::Remedy::PatternRules)
            })?;
            set.add(g);
        }
        let build = |b: GlobSetBuilder| {
            b.build()
                .map_err(|e| Error::invalid(format!("exclude patterns: {e}")))
        };
        Ok(Excluder {
            names: build(names)?,
            paths: build(paths)?,
            empty: patterns.iter().all(|p| p.trim().is_empty()),
        })
    }

    /// Reads patterns from an exclude file: one per line, `#` starts a comment line.
    pub fn read_file(path: &Path) -> Result<Vec<String>> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("exclude file {}", path.display()), e))?;
        Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect())
    }

    /// Whether `path` (absolute) with last component `name` is excluded.
    pub fn excluded(&self, path: &Path, name: &std::ffi::OsStr) -> bool {
        !self.empty && (self.names.is_match(name) || self.paths.is_match(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        let e = Excluder::new(&["*.tmp".into(), "cache/*".into(), "/srv/x".into()]).unwrap();
        let ex = |p: &str| e.excluded(Path::new(p), Path::new(p).file_name().unwrap());
        assert!(ex("/a/b/c.tmp"));
        assert!(ex("/home/u/cache/f"));
        assert!(ex("/srv/x"));
        assert!(!ex("/srv/y"));
        assert!(!ex("/a/b/c.txt"));
        assert!(Excluder::new(&["a[".into()]).is_err());
    }
}
