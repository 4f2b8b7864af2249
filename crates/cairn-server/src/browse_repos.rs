//! Repositories opened for browsing snapshots ([`crate::browse`]), kept in
//! the server's state. Each is opened once (unlocking is deliberately slow)
//! and shared by every request; its index is re-read when the repository's
//! index objects change, so a snapshot written after the open is browsable
//! too.

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use cairn_core::backend::ObjectKind;
use cairn_core::Repository;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// One opened repository and the index objects it has read.
struct Opened {
    repo: Arc<Repository>,
    indexes: BTreeSet<String>,
}

/// Repositories opened for browsing, by configured name.
#[derive(Default)]
pub struct Repos {
    open: Mutex<BTreeMap<String, Opened>>,
}

impl Repos {
    /// Repository `name` with an index covering every index object present now.
    pub(crate) fn get(&self, ctx: &Ctx, name: &str) -> Result<Arc<Repository>> {
        let mut open = self
            .open
            .lock()
            .map_err(|_| Error::Store("browse cache poisoned".into()))?;
        if let Some(o) = open.get_mut(name) {
            let now = index_names(&o.repo)?;
            if now == o.indexes {
                return Ok(o.repo.clone());
            }
            // Reloaded in place when no download holds it; otherwise a fresh
            // open below, and the running download keeps its own.
            if let Some(r) = Arc::get_mut(&mut o.repo) {
                r.reload_index()?;
                o.indexes = now;
                return Ok(o.repo.clone());
            }
        }
        let mut repo =
            cairn_app::session::open_configured_unlocked(&ctx.cfg, name, ctx.clock.clone())?;
        // Names first, then the index they name: an index written between
        // the two is read now and noticed as new next time.
        let indexes = index_names(&repo)?;
        repo.reload_index()?;
        let repo = Arc::new(repo);
        open.insert(
            name.to_string(),
            Opened {
                repo: repo.clone(),
                indexes,
            },
        );
        Ok(repo)
    }
}

fn index_names(repo: &Repository) -> Result<BTreeSet<String>> {
    Ok(repo
        .backend()
        .list(ObjectKind::Index)?
        .into_iter()
        .map(|o| o.name)
        .collect())
}
