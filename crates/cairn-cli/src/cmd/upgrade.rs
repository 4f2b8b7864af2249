//! `cairn upgrade`: the repository's format version raised to the newest
//! this cairn writes (cairn_core::upgrade).

use crate::cli::{Global, UpgradeArgs};
use crate::context::{self, Access};
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_core::upgrade::{self, UpgradePlan};
use serde::Serialize;
use std::io;

pub fn run(g: &Global, a: &UpgradeArgs) -> Result<u8> {
    // The exclusive lock: a key rotation replaces the config too.
    let access = if a.dry_run {
        Access::Read
    } else {
        Access::Delete
    };
    let mut repo = context::open(g, access, "upgrade")?;
    let plan = upgrade::plan(&repo);
    if !a.dry_run {
        upgrade::execute(&mut repo, &plan)?;
    }
    emit(
        g,
        &Upgraded {
            dry_run: a.dry_run,
            plan,
        },
    )
}

#[derive(Serialize)]
struct Upgraded {
    dry_run: bool,
    #[serde(flatten)]
    plan: UpgradePlan,
}

impl Render for Upgraded {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        let p = &self.plan;
        if !p.changes() {
            return writeln!(t.out, "format version {}: already current", p.from);
        }
        if self.dry_run {
            return writeln!(
                t.out,
                "dry run: format version {} -> {}; nothing changed",
                p.from, p.to
            );
        }
        writeln!(
            t.out,
            "format version {} -> {}: new backups store large folders in parts; cairn releases that read only version {} no longer open this repository",
            p.from,
            p.to,
            p.from
        )
    }
}
