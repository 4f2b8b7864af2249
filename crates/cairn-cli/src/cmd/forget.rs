use crate::cli::{ForgetArgs, Global, ProtectArgs, UnprotectArgs};
use crate::context::{self, Access};
use crate::render::{emit, Render, Term};
use anyhow::{anyhow, Result};
use cairn_core::forget::{ForgetOutcome, ForgetPlan, Selection};
use cairn_core::policy::Policy;
use cairn_core::protect;
use cairn_core::prune::{self, PruneOptions, PruneOutcome};
use cairn_core::SnapshotId;
use serde::Serialize;
use std::io;

fn policy(a: &ForgetArgs) -> Policy {
    Policy {
        keep_last: a.keep_last,
        keep_hourly: a.keep_hourly,
        keep_daily: a.keep_daily,
        keep_weekly: a.keep_weekly,
        keep_monthly: a.keep_monthly,
        keep_yearly: a.keep_yearly,
        keep_within: a.keep_within,
        keep_within_hourly: a.keep_within_hourly,
        keep_within_daily: a.keep_within_daily,
        keep_within_weekly: a.keep_within_weekly,
        keep_within_monthly: a.keep_within_monthly,
        keep_within_yearly: a.keep_within_yearly,
        keep_tags: a.keep_tags.clone(),
    }
}

fn time_zone(name: Option<&str>) -> Result<jiff::tz::TimeZone> {
    match name {
        Some(n) => jiff::tz::TimeZone::get(n).map_err(|e| {
            anyhow!("unknown time zone {n:?} ({e}); use an IANA name like Europe/Berlin or UTC")
        }),
        None => Ok(jiff::tz::TimeZone::system()),
    }
}

pub fn run(g: &Global, a: &ForgetArgs) -> Result<u8> {
    let pol = policy(a);
    if !a.snapshots.is_empty() && !pol.is_empty() {
        return Err(
            cairn_core::Error::invalid("give snapshot ids or policy flags, not both").into(),
        );
    }
    let tz = time_zone(a.tz.as_deref())?;
    let now = crate::wallclock::now(a.now.as_deref())?;
    let access = if a.dry_run {
        Access::Read
    } else {
        Access::Delete
    };
    let mut repo = context::open(g, access, "forget")?;
    let snaps = repo.snapshots()?;
    let sel = if a.snapshots.is_empty() {
        Selection::Policy {
            policy: pol,
            group_by: a.group_by,
            allow_empty: a.allow_empty,
        }
    } else {
        let mut ids = Vec::new();
        for s in &a.snapshots {
            ids.push(cairn_core::repo::find_in(snaps.clone(), s)?.0);
        }
        Selection::Ids(ids)
    };
    let cairn_app::usecase::forget::Forgotten { plan, outcome } =
        cairn_app::usecase::forget::forget(&repo, &snaps, &sel, &tz, now, a.dry_run)?;
    let pruned = match (&outcome, a.prune) {
        (Some(_), true) => {
            let p = prune::plan(
                &repo,
                &PruneOptions {
                    max_unused_percent: a.max_unused,
                    now,
                },
            )?;
            Some(prune::execute(&mut repo, &p)?)
        }
        _ => None,
    };
    emit(
        g,
        &Forgot {
            dry_run: a.dry_run,
            plan,
            outcome,
            prune: pruned,
        },
    )
}

/// What `cairn forget` decided and did: the plan's groups, `remove` and
/// `keep`, what was removed (none on a dry run) and what `--prune` freed.
#[derive(Serialize)]
struct Forgot {
    dry_run: bool,
    #[serde(flatten)]
    plan: ForgetPlan,
    outcome: Option<ForgetOutcome>,
    prune: Option<PruneOutcome>,
}

impl Render for Forgot {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        let plan = &self.plan;
        for grp in &plan.groups {
            let key = serde_json::to_string(&grp.key)?;
            writeln!(t.out, "group {key}")?;
            for d in &grp.decisions {
                writeln!(
                    t.out,
                    "  {}  {:<20}  {:<6}  {}",
                    d.id.short(),
                    d.time.get(..19).unwrap_or(&d.time).replace('T', " "),
                    if d.keep { "keep" } else { "remove" },
                    d.reasons.join(", ")
                )?;
            }
        }
        let Some(o) = &self.outcome else {
            return writeln!(
                t.out,
                "dry run: would remove {} snapshot(s), keep {}",
                plan.remove.len(),
                plan.keep
            );
        };
        for (id, why) in &o.retained {
            writeln!(t.err, "retained: snapshot {}: {why}", id.short())?;
        }
        writeln!(
            t.out,
            "removed {} snapshot(s), kept {}{}",
            o.removed.len(),
            plan.keep + o.retained.len(),
            if o.retained.is_empty() {
                String::new()
            } else {
                format!(", {} retained by WORM", o.retained.len())
            }
        )?;
        if let Some(p) = &self.prune {
            writeln!(
                t.out,
                "pruned: {} pack(s) removed ({}), {} written",
                p.packs_deleted,
                crate::render::human_bytes(p.bytes_deleted),
                p.packs_written
            )?;
        } else if !g.quiet {
            writeln!(
                t.err,
                "run `cairn prune` to free the data only those snapshots used"
            )?;
        }
        Ok(())
    }
}

pub fn protect(g: &Global, a: &ProtectArgs) -> Result<u8> {
    let repo = context::open(g, Access::Append, "protect")?;
    let (id, _) = repo.find_snapshot(&a.snapshot)?;
    let new = protect::protect(&repo, id, crate::wallclock::now(None)?, &a.note)?;
    emit(
        g,
        &Protection {
            snapshot: id,
            protected: true,
            new: Some(new),
        },
    )
}

pub fn unprotect(g: &Global, a: &UnprotectArgs) -> Result<u8> {
    let repo = context::open(g, Access::Delete, "unprotect")?;
    let (id, _) = repo.find_snapshot(&a.snapshot)?;
    protect::unprotect(&repo, id)?;
    emit(
        g,
        &Protection {
            snapshot: id,
            protected: false,
            new: None,
        },
    )
}

/// A snapshot's protection after `cairn protect` or `cairn unprotect`.
#[derive(Serialize)]
struct Protection {
    snapshot: SnapshotId,
    protected: bool,
    /// Whether `protect` added the protection (false: it was there already).
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<bool>,
}

impl Render for Protection {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        let state = match self.new {
            _ if !self.protected => "is no longer protected",
            Some(false) => "was already protected",
            _ => "is now protected",
        };
        writeln!(t.out, "snapshot {} {state}", self.snapshot.short())
    }
}
