//! The client knows which repository it talks to (docs/KEYS.md, "Repository
//! identity and pinning"). Each test is an attack by whoever controls the
//! storage: a substituted repository, old keys put back after a rotation, a
//! planted slow slot, a leftover slot, and a slot removal that would leave
//! no slot known to work.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Everything in the repository but its lock files.
fn stored(repo: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    all_files(repo)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("locks"))
        .collect()
}

fn writable(dir: &Path) {
    let st = std::process::Command::new("chmod")
        .args(["-R", "u+w"])
        .arg(dir)
        .status()
        .unwrap();
    assert!(st.success());
}

/// Replaces `repo`'s config and key slots with those kept in `from`.
fn put_keys(from: &Path, repo: &Path) {
    writable(repo);
    std::fs::remove_dir_all(repo.join("keys")).unwrap();
    std::fs::create_dir_all(repo.join("keys")).unwrap();
    for (p, bytes) in all_files(&from.join("keys")) {
        std::fs::write(repo.join("keys").join(p), bytes).unwrap();
    }
    std::fs::remove_file(repo.join("config")).unwrap();
    std::fs::copy(from.join("config"), repo.join("config")).unwrap();
}

/// A copy of the repository's config and key slots, as they are now.
fn save_keys(env: &Env, repo: &Path, name: &str) -> PathBuf {
    let to = env.path(name);
    std::fs::create_dir_all(to.join("keys")).unwrap();
    for (p, bytes) in all_files(&repo.join("keys")) {
        std::fs::write(to.join("keys").join(p), bytes).unwrap();
    }
    std::fs::copy(repo.join("config"), to.join("config")).unwrap();
    to
}

fn refused_as_another_repository(r: &Run, repo: &Path, why: &str) {
    assert_eq!(r.code, 6, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("error:"))
        .unwrap_or("");
    assert!(
        line.contains("this is not the repository you used before at")
            && line.contains(repo.file_name().unwrap().to_str().unwrap())
            && line.contains(why)
            && line.contains("cairn trust --reset"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_repository_substituted_through_a_public_age_recipient_is_refused() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let victim = env.path("victim");
    let (identity, recipient) = age_identity(&env, "escrow.txt");
    env.repo(&victim, &["init"]).ok();
    env.repo(&victim, &["keys", "add", "--age-recipient", &recipient])
        .ok();
    // The victim's host unlocks with the age identity alone.
    let as_victim = |args: &[&str]| {
        let mut c = env.cmd();
        c.env_remove("CAIRN_PASSWORD")
            .env("CAIRN_AGE_IDENTITY", &identity)
            .arg("-r")
            .arg(&victim)
            .args(args);
        run(&mut c)
    };
    as_victim(&["backup", src.to_str().unwrap()]).ok();

    // The attacker knows only the public recipient: a new repository of
    // their own, with a slot for it, copied over the victim's config and slots.
    let attacker = env.path("attacker");
    let as_attacker = |args: &[&str]| {
        run(env
            .cmd()
            .env("CAIRN_PASSWORD", "attacker's own")
            .env("CAIRN_STATE_DIR", env.path("attacker-state"))
            .arg("-r")
            .arg(&attacker)
            .args(args))
    };
    as_attacker(&["init"]).ok();
    as_attacker(&["keys", "add", "--age-recipient", &recipient]).ok();
    put_keys(&attacker, &victim);
    // The victim's identity opens the attacker's slot, and the config
    // authenticates under the attacker's key: only the pin can tell.
    let before = stored(&victim);
    let r = as_victim(&["backup", src.to_str().unwrap()]);
    refused_as_another_repository(&r, &victim, "repository id");
    assert_eq!(stored(&victim), before, "nothing may be written");

    // Accepting the change is explicit, and keeps what was pinned before.
    let shown = as_victim(&["trust", "--json"]).ok().json();
    assert_eq!(shown["pin"]["history"].as_array().map(Vec::len), None);
    let r = as_victim(&["trust", "--reset"]).ok();
    assert!(r.stderr.contains("replaces repository"), "{}", r.stderr);
    let shown = as_victim(&["trust", "--json"]).ok().json();
    assert_eq!(shown["pin"]["history"].as_array().unwrap().len(), 1);
    as_victim(&["list"]).ok();
}

#[test]
fn old_keys_put_back_after_a_rotation_are_refused() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    let old = save_keys(&env, &repo, "before-rotation");
    env.repo(&repo, &["keys", "rotate-master"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    assert_eq!(
        env.repo(&repo, &["trust", "--json"]).ok().json()["pin"]["key_epoch"],
        2
    );
    // Storage puts back the config and slots of epoch 1: new backups would
    // be sealed under the retired secret.
    put_keys(&old, &repo);
    let before = stored(&repo);
    let r = env.repo(&repo, &["backup", src.to_str().unwrap()]);
    refused_as_another_repository(&r, &repo, "went back from 2 to 1");
    assert_eq!(stored(&repo), before, "nothing may be written");
    let shown = env.repo(&repo, &["trust"]).ok();
    assert!(
        shown.stdout.contains("it will be refused"),
        "{}",
        shown.stdout
    );
}

/// Runs cairn, killing it after `limit`: a planted slot must not make an
/// unlock run for minutes.
fn run_within(mut c: std::process::Command, limit: Duration) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = c
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("cairn still ran after {limit:?}: a planted slot made unlocking slow");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(out).unwrap(),
        stderr: std::fs::read_to_string(err).unwrap(),
    }
}

#[test]
fn a_planted_slow_slot_is_skipped_and_named() {
    let env = Env::new();
    let (_, repo) = backed_up(&env);
    let (real, _) = slot_ids(&env, &repo).remove(0);
    // A passphrase slot older than the real one, asking for 4 GiB and 64 passes.
    let mut slot: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.join("keys").join(&real)).unwrap()).unwrap();
    let planted = "e".repeat(32);
    slot["id"] = planted.clone().into();
    slot["created"] = "2000-01-01T00:00:00Z".into();
    slot["kdf"]["m_cost"] = (4u64 * 1024 * 1024).into();
    slot["kdf"]["t_cost"] = 64.into();
    writable(&repo.join("keys"));
    std::fs::write(
        repo.join("keys").join(&planted),
        serde_json::to_vec_pretty(&slot).unwrap(),
    )
    .unwrap();
    let mut c = env.cmd();
    c.arg("-r").arg(&repo).arg("list");
    let r = run_within(c, Duration::from_secs(60));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&planted) && r.stderr.contains("more than cairn allows"),
        "{}",
        r.stderr
    );
    // Asked for by name, it is still not derived: refused, named.
    let mut c = env.cmd();
    c.arg("-r").arg(&repo).args(["--slot", &planted, "list"]);
    let r = run_within(c, Duration::from_secs(60));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains(&planted), "{}", r.stderr);
}

#[test]
fn a_leftover_slot_is_named_skipped_and_proves_nothing() {
    let env = Env::new();
    let (_, repo) = backed_up(&env);
    let (_, recipient) = age_identity(&env, "escrow.txt");
    env.repo(&repo, &["keys", "add", "--age-recipient", &recipient])
        .ok();
    let old = save_keys(&env, &repo, "before-rotation");
    let (old_pass, _) = slot_ids(&env, &repo)
        .into_iter()
        .find(|(_, k)| k == "passphrase")
        .unwrap();
    env.repo(&repo, &["keys", "rotate-master"]).ok();
    let (new_pass, _) = slot_ids(&env, &repo)
        .into_iter()
        .find(|(_, k)| k == "passphrase")
        .unwrap();
    // A rotation interrupted before deleting the old slot leaves it: same
    // passphrase, the retired secret. It is tried first (older), named, and
    // the next slot opens the repository.
    writable(&repo.join("keys"));
    let mut leftover: serde_json::Value =
        serde_json::from_slice(&std::fs::read(old.join("keys").join(&old_pass)).unwrap()).unwrap();
    leftover["created"] = "2000-01-01T00:00:00Z".into(); // not bound: storage may say so
    std::fs::write(
        repo.join("keys").join(&old_pass),
        serde_json::to_vec_pretty(&leftover).unwrap(),
    )
    .unwrap();
    let r = env.repo(&repo, &["list"]).ok();
    assert!(
        r.stderr.contains(&old_pass) && r.stderr.contains("does not authenticate"),
        "{}",
        r.stderr
    );
    // Removing the slot that unlocked needs another slot proven to open this
    // repository now: the leftover opens only the retired secret, and the
    // age slot's identity is offline.
    let before = stored(&repo);
    let r = env.repo(&repo, &["keys", "remove", &new_pass]).code(2);
    assert!(
        r.stderr
            .contains("no other key slot was shown to open this repository"),
        "{}",
        r.stderr
    );
    assert_eq!(stored(&repo), before);
}

#[test]
fn removing_a_slot_needs_another_proven_slot_or_force() {
    let env = Env::new();
    let (_, repo) = backed_up(&env);
    let (pass, _) = slot_ids(&env, &repo).remove(0);
    let (identity, recipient) = age_identity(&env, "escrow.txt");
    env.repo(&repo, &["keys", "add", "--age-recipient", &recipient])
        .ok();
    // Only the passphrase given: the age slot is not proven.
    let before = stored(&repo);
    env.repo(&repo, &["keys", "remove", &pass]).code(2);
    assert_eq!(stored(&repo), before);
    // With the age identity as well, the age slot is proven: removed.
    let r = run(env
        .cmd()
        .env("CAIRN_AGE_IDENTITY", &identity)
        .arg("-r")
        .arg(&repo)
        .args(["keys", "remove", &pass]));
    r.ok();
    assert_eq!(slot_ids(&env, &repo).len(), 1);

    // --force removes without proof, with a warning.
    let env = Env::new();
    let (_, repo) = backed_up(&env);
    let (pass, _) = slot_ids(&env, &repo).remove(0);
    env.repo(&repo, &["keys", "add", "--age-recipient", &recipient])
        .ok();
    let r = env.repo(&repo, &["keys", "remove", &pass, "--force"]).ok();
    assert!(
        r.stderr.contains("although no other slot was proven"),
        "{}",
        r.stderr
    );
}
