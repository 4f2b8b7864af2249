//! The attack: someone with the bucket's credentials deletes every key slot
//! of a compliance WORM repository, which would make all its held data
//! unreadable. The slots are held like the data: versioned deletes are
//! refused, plain ones only add delete markers, and `keys recover` brings
//! the held version back.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;

fn versions(env: &Env, loc: &str) -> Vec<serde_json::Value> {
    let r = run(env.cmd().args(["-r", loc, "keys", "recover", "--json"])).ok();
    r.json().as_array().unwrap().clone()
}

#[test]
fn deleted_key_slots_under_compliance_worm_are_recovered() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let loc = cairn_test_support::conformance::s3_lock_bucket();
    let r = |args: &[&str]| run(env.cmd().args(["-r", &loc]).args(args));
    r(&["init", "--worm", "compliance", "--worm-retention", "1d"]).ok();
    r(&["backup", "-q", src.to_str().unwrap()]).ok();

    // Every version of the config and of the slot is held.
    let before = versions(&env, &loc);
    let slots: Vec<_> = before
        .iter()
        .filter(|v| v["object"].as_str().unwrap().starts_with("keys/"))
        .cloned()
        .collect();
    assert_eq!(slots.len(), 1, "{before:?}");
    for v in &before {
        assert!(v["retained_until"].is_string(), "not held: {v}");
    }

    // The attacker: first the versions themselves (refused by Object Lock),
    // then plain deletes (which only add delete markers).
    for v in &slots {
        let key = v["object"].as_str().unwrap();
        let version = v["version"].as_str().unwrap();
        let (code, reply) = s3_raw(&loc, "DELETE", &format!("{key}?versionId={version}"));
        assert!(
            !(200..300).contains(&code),
            "a held slot version was deleted: {reply}"
        );
        let (code, reply) = s3_raw(&loc, "DELETE", key);
        assert!((200..300).contains(&code), "{reply}");
    }
    let locked_out = r(&["list"]);
    assert_ne!(
        locked_out.code, 0,
        "opened without a key slot: {}",
        locked_out.stdout
    );

    // The way back: the held version is listed behind its delete marker.
    let after = versions(&env, &loc);
    let key = slots[0]["object"].as_str().unwrap();
    let marker = after
        .iter()
        .find(|v| v["object"] == key && v["current"] == true)
        .unwrap();
    assert_eq!(marker["delete_marker"], true, "{after:?}");
    let held = after
        .iter()
        .find(|v| v["object"] == key && v["delete_marker"] == false)
        .unwrap();
    assert!(held["retained_until"].is_string(), "{held}");
    let out = r(&[
        "keys",
        "recover",
        "--restore",
        held["version"].as_str().unwrap(),
    ])
    .ok();
    assert!(out.stdout.contains("restored"), "{}", out.stdout);

    // The repository opens again and restores what it held.
    let listed = r(&["list", "--json"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let target = env.path("restored");
    r(&["restore", "latest", "-t", target.to_str().unwrap()]).ok();
    assert_same_tree(&src, &target);
    // Maintenance holds the restored slot again.
    r(&["maintenance"]).ok();
    let again = versions(&env, &loc);
    let current = again
        .iter()
        .find(|v| v["object"] == key && v["current"] == true)
        .unwrap();
    assert!(current["retained_until"].is_string(), "{current}");
}

/// On a folder under governance the config and slots are immutable like the
/// data: a held slot cannot be removed (revocation is rotate-master), and
/// replacing the config keeps the held one as an immutable copy.
#[test]
fn governance_on_a_folder_holds_slots_and_keeps_replaced_configs() {
    let env = Env::new();
    let repo = env.path("repo");
    let _thaw = Unfreeze(&repo);
    let r = env.repo(
        &repo,
        &["init", "--worm", "governance", "--worm-retention", "1d"],
    );
    if r.code != 0 {
        // Not root, or no immutable flag here: the refusal says so (worm.rs checks it).
        assert!(r.stderr.contains("immutable"), "{}", r.stderr);
        return;
    }
    let src = env.path("src");
    make_tree(&src);
    env.repo(&repo, &["backup", "-q", src.to_str().unwrap()])
        .ok();
    let (_identity, recipient) = age_identity(&env, "escrow.age");
    env.repo(&repo, &["keys", "add", "--age-recipient", &recipient])
        .ok();
    let slots = slot_ids(&env, &repo);
    assert_eq!(slots.len(), 2);
    for f in [repo.join("config"), repo.join("keys").join(&slots[0].0)] {
        assert!(
            std::fs::remove_file(&f).is_err(),
            "{} is not held",
            f.display()
        );
    }
    // The passphrase slot is proven by this session, yet the escrow slot
    // stays: it is held like the data it opens.
    let escrow = &slots.iter().find(|(_, k)| k == "age").unwrap().0;
    let refused = env.repo(&repo, &["keys", "remove", escrow]);
    assert_ne!(refused.code, 0, "a held slot was removed");
    assert!(
        refused.stderr.contains("retained until"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("rotate"), "{}", refused.stderr);
    assert_eq!(slot_ids(&env, &repo).len(), 2);

    // rotate-master replaces the held config; the old one is kept, immutable.
    env.repo(&repo, &["keys", "rotate-master"]).ok();
    let kept = env.repo(&repo, &["keys", "recover", "--json"]).ok().json();
    let older: Vec<_> = kept
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["object"] == "config" && v["current"] == false)
        .collect();
    assert!(!older.is_empty(), "{kept}");
    let copy = repo
        .join("config-history")
        .join(older[0]["version"].as_str().unwrap());
    assert!(
        std::fs::remove_file(&copy).is_err(),
        "the kept config is not held"
    );
    assert!(
        std::fs::remove_file(repo.join("config")).is_err(),
        "the new config is not held"
    );
    let t = env.path("restored");
    env.repo(&repo, &["restore", "latest", "-t", t.to_str().unwrap()])
        .ok();
    assert_same_tree(&src, &t);
}
