//! `cairn verify` finds every kind of damage, names it and what it affects,
//! keeps checking the rest, and exits 6.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn setup(env: &Env) -> PathBuf {
    let src = env.path("src");
    make_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap(), "--tag", "one"])
        .ok();
    std::fs::write(src.join("second.txt"), "second snapshot").unwrap();
    env.repo(&repo, &["backup", src.to_str().unwrap(), "--tag", "two"])
        .ok();
    repo
}

fn objects(dir: &Path) -> Vec<PathBuf> {
    all_files(dir)
        .into_iter()
        .map(|(p, _)| dir.join(p))
        .collect()
}

fn flip(path: &Path, at: usize) {
    let mut b = std::fs::read(path).unwrap();
    let i = at.min(b.len() - 1);
    b[i] ^= 0x01;
    std::fs::write(path, b).unwrap();
}

fn damage(env: &Env, repo: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["verify", "--json"];
    a.extend_from_slice(args);
    let r = env.repo(repo, &a).code(6);
    let j = r.json();
    assert_eq!(j["ok"], false);
    j
}

#[test]
fn a_clean_repository_verifies_fully_and_by_slices() {
    let env = Env::new();
    let repo = setup(&env);
    let j = env
        .repo(&repo, &["verify", "--read-data", "--smoke", "--json"])
        .ok()
        .json();
    assert_eq!(j["ok"], true);
    assert_eq!(j["snapshots"], 2);
    assert_eq!(j["packs_read"], j["packs"]);
    let mut total = 0;
    for k in 1..=3 {
        let s = env
            .repo(
                &repo,
                &["verify", "--read-data-subset", &format!("{k}/3"), "--json"],
            )
            .ok()
            .json();
        total += s["packs_read"].as_u64().unwrap();
    }
    assert_eq!(total, j["packs"].as_u64().unwrap());
    let p = env
        .repo(
            &repo,
            &[
                "verify",
                "--read-data-subset",
                "100%",
                "--seed",
                "42",
                "--json",
            ],
        )
        .ok()
        .json();
    assert_eq!(p["seed"], 42);
    assert_eq!(p["packs_read"], j["packs"]);
    // A small percentage of a handful of packs still reads one: a sample
    // that reads nothing would prove nothing.
    for seed in ["1", "2", "3"] {
        let tiny = env
            .repo(
                &repo,
                &[
                    "verify",
                    "--read-data-subset",
                    "0.001%",
                    "--seed",
                    seed,
                    "--json",
                ],
            )
            .ok()
            .json();
        assert_eq!(tiny["packs_read"], 1, "{tiny}");
    }
    env.repo(&repo, &["verify", "latest"]).ok();
}

#[test]
fn a_flipped_byte_in_a_pack_is_named_with_the_files_it_affects() {
    let env = Env::new();
    let repo = setup(&env);
    let packs = objects(&repo.join("data"));
    let biggest = packs
        .iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    // Structure alone does not read the data...
    flip(biggest, 100);
    env.repo(&repo, &["verify"]).ok();
    // ...the data check does, and names the pack and the affected file.
    let j = damage(&env, &repo, &["--read-data"]);
    let d = &j["damage"][0];
    assert!(d["object"].as_str().unwrap().starts_with("pack "), "{j}");
    assert!(
        d["affects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a.as_str().unwrap().contains(':')),
        "{j}"
    );
}

#[test]
fn missing_and_truncated_packs_are_found_without_reading_data() {
    let env = Env::new();
    let repo = setup(&env);
    let packs = objects(&repo.join("data"));
    assert!(packs.len() >= 2, "{packs:?}");
    std::fs::remove_file(&packs[0]).unwrap();
    let b = std::fs::read(&packs[1]).unwrap();
    std::fs::write(&packs[1], &b[..b.len() / 2]).unwrap();
    let j = damage(&env, &repo, &[]);
    let errors: Vec<String> = j["damage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["error"].as_str().unwrap().to_string())
        .collect();
    assert!(errors.iter().any(|e| e == "missing"), "{errors:?}");
    assert!(
        errors.iter().any(|e| e.starts_with("truncated")),
        "{errors:?}"
    );
}

#[test]
fn damaged_index_and_snapshot_objects_are_named_and_the_rest_still_checked() {
    let env = Env::new();
    let repo = setup(&env);
    let snaps = objects(&repo.join("snapshots"));
    flip(&snaps[0], 30);
    let idx = objects(&repo.join("index"));
    flip(&idx[0], 20);
    let j = damage(&env, &repo, &["--read-data"]);
    let objs: Vec<String> = j["damage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["object"].as_str().unwrap().to_string())
        .collect();
    assert!(objs.iter().any(|o| o.starts_with("snapshot ")), "{objs:?}");
    assert!(objs.iter().any(|o| o.starts_with("index ")), "{objs:?}");
    // The other snapshot was still checked.
    assert_eq!(j["snapshots"], 1);
    // And list still works, warning about the damaged snapshot.
    let l = env.repo(&repo, &["list", "--json"]).ok();
    assert_eq!(l.json().as_array().unwrap().len(), 1);
}

#[test]
fn a_wrong_passphrase_is_not_reported_as_damage() {
    let env = Env::new();
    let repo = setup(&env);
    run(env
        .cmd()
        .env("CAIRN_PASSWORD", "wrong")
        .arg("-r")
        .arg(&repo)
        .args(["verify", "--read-data"]))
    .code(4);
}

#[test]
fn a_damaged_second_key_slot_is_named_and_the_first_still_opens() {
    let env = Env::new();
    let repo = setup(&env);
    // A second slot: a copy of the first under another id, then damaged.
    let slot = objects(&repo.join("keys")).remove(0);
    let text = std::fs::read_to_string(&slot).unwrap();
    let id = slot.file_name().unwrap().to_str().unwrap().to_string();
    let other = "f".repeat(32);
    std::fs::write(
        repo.join("keys").join(&other),
        text.replace(&id, &other)
            .replace("\"version\": 1", "\"version\": 1,,"),
    )
    .unwrap();
    let j = damage(&env, &repo, &[]);
    let objs: Vec<String> = j["damage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["object"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(objs, vec![format!("key slot {other}")]);
}
