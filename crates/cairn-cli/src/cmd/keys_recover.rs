//! `cairn keys recover`: the held versions of the config and key slots, and
//! the way to bring one back (docs/WORM.md). It needs no key: it is for the
//! day the slots were deleted. It never deletes anything.

use crate::cli::Global;
use crate::context::{self, Access};
use crate::location::Location;
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_core::clock::rfc3339;
use cairn_core::recover;
use serde::Serialize;
use std::io;

#[derive(Serialize)]
struct VersionView {
    /// `config` or `keys/<id>`.
    object: String,
    version: String,
    modified: Option<String>,
    current: bool,
    delete_marker: bool,
    retained_until: Option<String>,
}

pub fn run(g: &Global, restore: Option<&str>) -> Result<u8> {
    let loc = Location::resolve(g)?;
    let backend = loc.backend(g)?;
    match restore {
        None => list(g, backend.as_ref()),
        Some(v) => {
            // Writes a slot or the config: the same lock as `keys add`.
            let _lock = context::lock(g, &backend, Access::Append, "keys recover")?;
            let r = recover::restore(backend.as_ref(), v, crate::wallclock::now(None)?)?;
            emit(
                g,
                &Restored {
                    restored: r.object,
                    version: v.to_string(),
                    changed: r.changed,
                    held_until: r.held_until.map(rfc3339),
                },
            )
        }
    }
}

fn list(g: &Global, backend: &dyn cairn_core::Backend) -> Result<u8> {
    let views: Vec<VersionView> = recover::versions(backend)?
        .into_iter()
        .map(|k| VersionView {
            object: k.kind.path(&k.version.name),
            version: k.version.version,
            modified: k.version.modified.map(rfc3339),
            current: k.version.current,
            delete_marker: k.version.delete_marker,
            retained_until: k.version.retained_until.map(rfc3339),
        })
        .collect();
    emit(g, &Versions(views))
}

#[derive(Serialize)]
struct Restored {
    restored: String,
    version: String,
    changed: bool,
    held_until: Option<String>,
}

impl Render for Restored {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        let (o, v) = (&self.restored, &self.version);
        if !self.changed {
            return writeln!(t.out, "version {v} of {o} is already the current one");
        }
        let how = self
            .held_until
            .as_ref()
            .map_or("not held".to_string(), |u| format!("held until {u}"));
        writeln!(t.out, "restored {o} from version {v} ({how})")
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct Versions(Vec<VersionView>);

impl Render for Versions {
    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        for v in &self.0 {
            let state = match (v.delete_marker, v.current) {
                (true, true) => "removed (delete marker)",
                (true, false) => "delete marker",
                (false, true) => "current",
                (false, false) => "earlier version",
            };
            let held = v
                .retained_until
                .as_deref()
                .map_or("not held".to_string(), |u| format!("held until {u}"));
            writeln!(
                t.out,
                "{:<24} {}  {}  {state}, {held}",
                v.object,
                v.version,
                v.modified.as_deref().unwrap_or("?")
            )?;
        }
        Ok(())
    }
}
