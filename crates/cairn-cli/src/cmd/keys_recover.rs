//! `cairn keys recover`: the held versions of the config and key slots, and
//! the way to bring one back (docs/WORM.md). It needs no key: it is for the
//! day the slots were deleted. It never deletes anything.

use crate::cli::Global;
use crate::context::{self, Access};
use crate::location::Location;
use anyhow::Result;
use cairn_core::clock::rfc3339;
use cairn_core::recover;
use serde::Serialize;

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
            let held = r.held_until.map(rfc3339);
            if g.json {
                crate::render::print_json(&serde_json::json!({
                    "restored": r.object, "version": v, "changed": r.changed, "held_until": held,
                }))?;
            } else if r.changed {
                let how = held.map_or("not held".to_string(), |u| format!("held until {u}"));
                println!("restored {} from version {v} ({how})", r.object);
            } else {
                println!("version {v} of {} is already the current one", r.object);
            }
            Ok(0)
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
    if g.json {
        crate::render::print_json(&views)?;
        return Ok(0);
    }
    for v in &views {
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
        println!(
            "{:<24} {}  {}  {state}, {held}",
            v.object,
            v.version,
            v.modified.as_deref().unwrap_or("?")
        );
    }
    Ok(0)
}
