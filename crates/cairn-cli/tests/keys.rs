//! Key slots through the binary: adding and removing passphrase slots,
//! pinning and testing a slot, the age escrow drill, command slots, and bad
//! credentials of every kind (each names the slot and the cause, the next slot
//! is tried when none is pinned, and no slot is ever changed by a failure).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::Path;

fn keys_dir(repo: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    all_files(&repo.join("keys"))
}

#[test]
fn add_a_passphrase_then_remove_the_old_one() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let first = slot_ids(&env, &repo)[0].0.clone();
    let r = run(env
        .cmd()
        .env("CAIRN_NEW_PASSWORD", "second passphrase")
        .arg("-r")
        .arg(&repo)
        .args(["keys", "add", "--passphrase", "--json"]))
    .ok();
    let second = r.json()["added"].as_str().unwrap().to_string();
    // Run again (as after an interruption the user cannot tell apart from
    // a failure): refused, naming the slot that already opens with it.
    let again = run(env
        .cmd()
        .env("CAIRN_NEW_PASSWORD", "second passphrase")
        .arg("-r")
        .arg(&repo)
        .args(["keys", "add", "--passphrase"]));
    assert_ne!(again.code, 0);
    assert!(
        again.stderr.contains(&second) && again.stderr.contains("already opens"),
        "{}",
        again.stderr
    );
    let ids = slot_ids(&env, &repo);
    assert_eq!(ids.len(), 2);
    assert!(ids.iter().all(|(_, k)| k == "passphrase"));
    let with = |p: &str, args: &[&str]| {
        run(env
            .cmd()
            .env("CAIRN_PASSWORD", p)
            .arg("-r")
            .arg(&repo)
            .args(args))
    };
    with("second passphrase", &["list"]).ok();
    with("test passphrase", &["list"]).ok();
    // Removal is a delete: an append-only session cannot do it.
    let r = with(
        "second passphrase",
        &["--append-only", "keys", "remove", &first],
    );
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("append-only"), "{}", r.stderr);
    with("second passphrase", &["keys", "remove", &first]).ok();
    // The removed slot can no longer open the repository.
    let r = with("test passphrase", &["list"]).code(4);
    assert!(r.stderr.contains("wrong passphrase"), "{}", r.stderr);
    // The last slot is never removed.
    let before = keys_dir(&repo);
    let r = with("second passphrase", &["keys", "remove", &second]).code(2);
    assert!(r.stderr.contains("last"), "{}", r.stderr);
    assert_eq!(keys_dir(&repo), before);
    let r = with(
        "second passphrase",
        &["keys", "remove", "00112233445566778899aabbccddeeff"],
    );
    assert!(r.stderr.contains("no key slot"), "{}", r.stderr);
    assert_eq!(keys_dir(&repo), before);
}

#[test]
fn test_and_pin_a_slot_without_writing_anything() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    run(env
        .cmd()
        .env("CAIRN_NEW_PASSWORD", "other")
        .arg("-r")
        .arg(&repo)
        .args(["keys", "add", "--passphrase"]))
    .ok();
    let ids = slot_ids(&env, &repo);
    let before = all_files(&repo);
    let created_first = &ids[0].0; // the init slot (oldest)
    let r = env
        .repo(&repo, &["keys", "test", created_first, "--json"])
        .ok();
    assert_eq!(r.json()["unlocks"], true);
    // Pinned to the other slot, the same passphrase fails and names that slot.
    let r = env.repo(&repo, &["keys", "test", &ids[1].0]).code(4);
    assert!(
        r.stderr.contains(&ids[1].0) && r.stderr.contains("wrong passphrase"),
        "{}",
        r.stderr
    );
    let r = env.repo(&repo, &["--slot", &ids[1].0, "list"]).code(4);
    assert!(r.stderr.contains(&ids[1].0), "{}", r.stderr);
    env.repo(&repo, &["--slot", created_first, "list"]).ok();
    let r = env.repo(&repo, &["keys", "test", "ffffffffffffffffffffffffffffffff"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("no key slot"), "{}", r.stderr);
    // `keys test` and failed opens wrote nothing, not even a lock.
    let after: Vec<_> = all_files(&repo)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("locks"))
        .collect();
    assert_eq!(after, before);
}

#[test]
fn escrow_drill_recover_with_the_age_identity_alone() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    let (identity, recipient) = age_identity(&env, "escrow.txt");
    // Adding needs only the public recipient.
    let r = env
        .repo(
            &repo,
            &["keys", "add", "--age-recipient", &recipient, "--json"],
        )
        .ok();
    let age_slot = r.json()["added"].as_str().unwrap().to_string();
    // The same recipient twice would add nothing: refused, naming the slot.
    let again = env.repo(&repo, &["keys", "add", "--age-recipient", &recipient]);
    assert_ne!(again.code, 0);
    assert!(
        again.stderr.contains(&age_slot) && again.stderr.contains("already wraps"),
        "{}",
        again.stderr
    );
    let st = env.repo(&repo, &["keys", "status", "--json"]).ok().json();
    let slot = st["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == age_slot.as_str())
        .unwrap()
        .clone();
    assert_eq!(slot["kind"], "age");
    assert_eq!(slot["params"]["recipient"], recipient.as_str());
    // Delete the passphrase slot: from now on only the escrow identity opens it.
    let pass_slot = slot_ids(&env, &repo)
        .into_iter()
        .find(|(_, k)| k == "passphrase")
        .unwrap()
        .0;
    // The age slot is proven by its identity in the same session.
    run(env
        .cmd()
        .env("CAIRN_AGE_IDENTITY", &identity)
        .arg("-r")
        .arg(&repo)
        .args(["keys", "remove", &pass_slot]))
    .ok();
    env.repo(&repo, &["list"]).code(4);
    let age_only = |args: &[&str]| {
        let mut c = env.cmd();
        c.env_remove("CAIRN_PASSWORD")
            .env("CAIRN_AGE_IDENTITY", &identity)
            .arg("-r")
            .arg(&repo)
            .args(args);
        run(&mut c)
    };
    let out = env.path("restored");
    age_only(&["restore", "latest", "--target", out.to_str().unwrap()]).ok();
    assert_same_tree(&src, &out);
    let m = age_only(&["manifest", "latest"]).ok();
    assert_sha256sum_ok(&env, &m.stdout, &out);
    age_only(&["keys", "test", &age_slot]).ok();
}

#[test]
fn an_age_identity_that_does_not_match() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let (_, recipient) = age_identity(&env, "right.txt");
    let (wrong, _) = age_identity(&env, "wrong.txt");
    let r = env
        .repo(
            &repo,
            &["keys", "add", "--age-recipient", &recipient, "--json"],
        )
        .ok();
    let age_slot = r.json()["added"].as_str().unwrap().to_string();
    let before = keys_dir(&repo);
    let with_wrong = |pass: Option<&str>, args: &[&str]| {
        let mut c = env.cmd();
        c.env_remove("CAIRN_PASSWORD")
            .env("CAIRN_AGE_IDENTITY", &wrong)
            .arg("-r")
            .arg(&repo)
            .args(args);
        if let Some(p) = pass {
            c.env("CAIRN_PASSWORD", p);
        }
        run(&mut c)
    };
    let r = with_wrong(None, &["list"]).code(4);
    assert!(
        r.stderr.contains(&age_slot) && r.stderr.contains("no identity in"),
        "{}",
        r.stderr
    );
    // Not pinned: the passphrase slot is tried next and opens it.
    with_wrong(Some("test passphrase"), &["list"]).ok();
    // Pinned to the age slot: no fallback.
    with_wrong(Some("test passphrase"), &["--slot", &age_slot, "list"]).code(4);
    // A recipient that is not one is refused before anything is written.
    let r = env
        .repo(&repo, &["keys", "add", "--age-recipient", "age1nope"])
        .code(2);
    assert!(r.stderr.contains("recipient"), "{}", r.stderr);
    assert_eq!(keys_dir(&repo), before);
}

/// A wrap/unwrap command built on openssl, as an operator might write one.
fn openssl_command(env: &Env) -> String {
    let pass = env.path("cmd-pass");
    std::fs::write(&pass, "command slot secret\n").unwrap();
    let script = env.path("keycmd.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nset -e\ncase \"$1\" in\n  wrap) exec openssl enc -aes-256-cbc -pbkdf2 -salt -a -pass file:{p} ;;\n  unwrap) exec openssl enc -d -aes-256-cbc -pbkdf2 -a -pass file:{p} ;;\n  *) echo \"unknown verb $1\" >&2; exit 2 ;;\nesac\n",
            p = pass.display()
        ),
    )
    .unwrap();
    format!("sh {}", script.display())
}

#[test]
fn command_slot_round_trip_and_bad_commands() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let cmd = openssl_command(&env);
    let r = env
        .repo(&repo, &["keys", "add", "--command", &cmd, "--json"])
        .ok();
    let slot = r.json()["added"].as_str().unwrap().to_string();
    let before = keys_dir(&repo);
    let with_cmd = |c: &str, pass: bool, args: &[&str]| {
        let mut e = env.cmd();
        e.env("CAIRN_KEY_COMMAND", c)
            .env("CAIRN_KEY_COMMAND_TIMEOUT", "3")
            .arg("-r")
            .arg(&repo)
            .args(args);
        if !pass {
            e.env_remove("CAIRN_PASSWORD");
        }
        run(&mut e)
    };
    with_cmd(&cmd, false, &["list"]).ok();
    with_cmd(&cmd, false, &["keys", "test", &slot]).ok();
    let bad = [
        ("false", "failed"),
        (
            "echo 'gpg: decryption failed' >&2; exit 2 #",
            "gpg: decryption failed",
        ),
        ("echo not-hex #", "not 64 hex digits"),
        ("printf '%064d\\n' 0 #", "does not open this slot"),
        ("cat #", "not 64 hex digits"),
        // A command that hangs is stopped, and named; what it started too.
        (
            "sleep 613; exit 0 #",
            "did not finish within 3 s and was stopped",
        ),
    ];
    for (c, why) in bad {
        let r = with_cmd(c, false, &["list"]).code(4);
        assert!(
            r.stderr.contains(&slot) && r.stderr.contains(why),
            "{c}: {}",
            r.stderr
        );
        // Not pinned: the passphrase slot is tried next.
        with_cmd(c, true, &["list"]).ok();
        assert_eq!(keys_dir(&repo), before, "{c}");
    }
    let left: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read(e.ok()?.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.trim_end() == "sleep 613")
        .collect();
    assert!(
        left.is_empty(),
        "the hung command's children outlived it: {left:?}"
    );
    // A command that prints the key in the clear is refused at add time.
    let r = env.repo(&repo, &["keys", "add", "--command", "cat #"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("in the clear"), "{}", r.stderr);
    assert_eq!(keys_dir(&repo), before);
}

#[test]
fn v1_slots_keep_their_bytes_and_old_repositories_open() {
    // A slot and config written by cairn before external kinds existed.
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let slots = keys_dir(&repo);
    let text = String::from_utf8(slots[0].1.clone()).unwrap();
    let parsed = cairn_core::keyslot::KeySlot::decode(text.as_bytes()).unwrap();
    assert_eq!(parsed.encode(), text.as_bytes());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(v["version"], 1);
    for k in [
        "version", "id", "kind", "created", "kdf", "nonce", "wrapped",
    ] {
        assert!(keys.contains(&k), "{text}");
    }
    assert_eq!(keys.len(), 7, "{text}");
}

#[test]
fn rotating_the_age_recipient_retires_the_old_identity() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let (old_id, old_r) = age_identity(&env, "old.txt");
    let (new_id, new_r) = age_identity(&env, "new.txt");
    let add = |r: &str| {
        env.repo(&repo, &["keys", "add", "--age-recipient", r, "--json"])
            .ok()
            .json()["added"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let old_slot = add(&old_r);
    add(&new_r);
    let data_before: Vec<_> = all_files(&repo)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("keys") && !p.starts_with("locks"))
        .collect();
    env.repo(&repo, &["keys", "remove", &old_slot]).ok();
    let with = |id: &Path| {
        let mut c = env.cmd();
        c.env_remove("CAIRN_PASSWORD")
            .env("CAIRN_AGE_IDENTITY", id)
            .arg("-r")
            .arg(&repo)
            .arg("list");
        run(&mut c)
    };
    let r = with(&old_id).code(4);
    assert!(r.stderr.contains("no identity in"), "{}", r.stderr);
    with(&new_id).ok();
    // Only the slot went; no data object changed.
    let data_after: Vec<_> = all_files(&repo)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("keys") && !p.starts_with("locks"))
        .collect();
    assert_eq!(data_before, data_after);
}
