//! Power-loss matrix: the commands that change a repository (backup,
//! forget, prune, `keys add`, `keys rotate-master`) run once under
//! `strace`, which records every write, `fsync`, link, rename and unlink in
//! the repository folder and the client's state folder; from that record,
//! the states a power cut after each call could leave (unsynced bytes lost,
//! unsynced folder entries lost or kept in any combination; see
//! `cairn_test_support::crash`) are written out one by one, and on each:
//! the repository opens, every listed snapshot restores bit-exact, `verify
//! --read-data` passes, and a rerun of the command completes.
//!
//! CI checks a spread of crash points per command (a couple of minutes);
//! `CAIRN_POWER_LOSS=full` checks every call (scripts/power-loss.sh;
//! docs/TESTING.md).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use cairn_test_support::crash;
use common::*;
use std::collections::HashSet;
use std::path::PathBuf;

fn full() -> bool {
    std::env::var("CAIRN_POWER_LOSS").is_ok_and(|v| v == "full")
}

/// Crash points to try: every call in the full run; otherwise the last
/// and a spread of points just after a folder entry changed (where an
/// unsynced entry can be lost or reordered), `n` in all.
fn points(ops: &[crash::Op], n: usize) -> Vec<usize> {
    if full() {
        return (0..=ops.len()).collect();
    }
    let after_entries: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| {
            matches!(
                o,
                crash::Op::Link(..) | crash::Op::Rename(..) | crash::Op::Unlink(..)
            )
        })
        .map(|(k, _)| k + 1)
        .collect();
    let step = after_entries.len().div_ceil(n).max(1);
    let mut p: Vec<usize> = after_entries.into_iter().step_by(step).collect();
    p.push(ops.len());
    p
}

/// Runs `args` once under the recorder, then puts each distinct crash
/// state in place and checks it; the repository is back as it was before
/// the run at the end. A rerun must succeed, or be refused as `done`
/// says when the crash kept the whole change. Returns how many states were
/// checked.
fn matrix(
    w: &World,
    what: &str,
    args: &[&str],
    env: &[(&str, &str)],
    done: Option<&str>,
    then: &dyn Fn(),
) -> usize {
    let roots: Vec<PathBuf> = vec![w.repo.clone(), w.env.path("home/state")];
    let before = crash::Image::capture(&roots);
    let command = |c: &mut std::process::Command| {
        c.envs(env.iter().copied())
            .arg("-r")
            .arg(&w.repo)
            .args(args);
    };
    let mut c = w.env.cmd();
    command(&mut c);
    let trace = w.env.path(&format!("{what}.trace"));
    let (out, rec) = crash::record(&c, &roots, &trace);
    assert!(
        out.status.success(),
        "{what} under strace failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(&trace).unwrap();
    let after = crash::Image::capture(&roots);
    let mut seen: HashSet<u64> = [before.digest(), after.digest()].into();
    let mut checked = 0;
    for k in points(&rec.ops, 6) {
        for (how, state) in rec.states_at(k) {
            if !seen.insert(state.digest()) {
                continue;
            }
            // On failure, the last of these lines says which state broke.
            eprintln!(
                "power loss: {what}, crash after call {k} of {}: {how}",
                rec.len()
            );
            state.write_to(&roots);
            w.check(&format!("{what}{k}"));
            let mut c = w.env.cmd();
            command(&mut c);
            let r = run(&mut c);
            if r.code != 0 && !done.is_some_and(|d| r.stderr.contains(d)) {
                r.ok();
            }
            w.check(&format!("{what}{k}-rerun"));
            then();
            checked += 1;
        }
    }
    before.write_to(&roots);
    eprintln!(
        "power loss: {what}: {} calls recorded, {checked} distinct crash states checked",
        rec.len()
    );
    checked
}

#[test]
fn backup_forget_and_prune_survive_a_power_cut_after_any_call() {
    let w = World::new();
    let n = matrix(
        &w,
        "backup",
        &["backup", "--tag", "v2", w.source("v2").to_str().unwrap()],
        &[],
        None,
        &|| {},
    );
    assert!(n >= 3, "only {n} crash states of backup were checked");
    w.backup("v2");
    w.backup("v1");
    let n = matrix(
        &w,
        "forget",
        &["forget", "--keep-last", "1", "--group-by", "host"],
        &[],
        None,
        &|| {},
    );
    assert!(n >= 2, "only {n} crash states of forget were checked");
    w.env
        .repo(
            &w.repo,
            &["forget", "--keep-last", "1", "--group-by", "host"],
        )
        .ok();
    let n = matrix(
        &w,
        "prune",
        &["prune", "--max-unused", "0"],
        &[],
        None,
        &|| {},
    );
    assert!(n >= 3, "only {n} crash states of prune were checked");
}

#[test]
fn key_changes_survive_a_power_cut_after_any_call() {
    let w = World::new();
    let n = matrix(
        &w,
        "keys-add",
        &["keys", "add", "--passphrase"],
        &[("CAIRN_NEW_PASSWORD", "second passphrase")],
        // A rerun after a crash that kept the new slot is refused, naming it.
        Some("already opens with this passphrase"),
        // Whichever way the crash went, after the rerun both passphrases open.
        &|| {
            let mut c = w.env.cmd();
            c.env("CAIRN_PASSWORD", "second passphrase");
            run(c.arg("-r").arg(&w.repo).arg("list")).ok();
        },
    );
    assert!(n >= 2, "only {n} crash states of keys add were checked");
    let n = matrix(&w, "rotate", &["keys", "rotate-master"], &[], None, &|| {});
    assert!(
        n >= 3,
        "only {n} crash states of rotate-master were checked"
    );
}
