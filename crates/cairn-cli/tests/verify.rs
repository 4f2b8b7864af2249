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
    assert!(
        errors.iter().any(|e| e.starts_with("missing")),
        "{errors:?}"
    );
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

#[test]
fn a_damaged_index_is_rewritten_by_the_next_backup_never_trusted() {
    let env = Env::new();
    let repo = setup(&env);
    let src = env.path("src");
    // One damaged index: the packs it listed are adopted again, and the index
    // rebuilt from their trailers is the same plaintext, so the same name.
    flip(&objects(&repo.join("index"))[0], 40);
    damage(&env, &repo, &[]);
    // An append-only session may not replace the damaged index: it stops,
    // saying why, instead of saving a snapshot over blobs no index lists.
    let snaps = objects(&repo.join("snapshots")).len();
    let r = env.repo(
        &repo,
        &["--append-only", "backup", "--force", src.to_str().unwrap()],
    );
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("stored damaged and this session cannot replace it"),
        "{}",
        r.stderr
    );
    assert_eq!(objects(&repo.join("snapshots")).len(), snaps);
    // With delete rights the backup rebuilds the index from the packs'
    // trailers and replaces the damaged file; everything verifies again.
    env.repo(&repo, &["backup", "--force", src.to_str().unwrap()])
        .ok();
    let v = env
        .repo(&repo, &["verify", "--read-data", "--json"])
        .ok()
        .json();
    assert_eq!(v["ok"], true, "{v}");
    let out = env.path("out");
    env.repo(
        &repo,
        &["restore", "latest", "--target", out.to_str().unwrap()],
    )
    .ok();
    assert_same_tree(&src, &out);
}

#[test]
fn damage_names_every_snapshot_that_uses_it_shared_trees_included() {
    let env = Env::new();
    let repo = setup(&env);
    let src = env.path("src");
    // A third snapshot with nothing changed: the same root tree as the second.
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let list = env.repo(&repo, &["list", "--json"]).ok().json();
    let shorts: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["short_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(shorts.len(), 3);
    assert_eq!(list[1]["tree"], list[2]["tree"], "{list}");
    let before: Vec<PathBuf> = objects(&repo.join("data"));
    let j = env
        .repo(&repo, &["verify", "--read-data", "--json"])
        .ok()
        .json();
    assert_eq!(j["packs_read"], before.len() as u64);
    // Damage the biggest pack (file data every snapshot holds): the damaged
    // file is reported under all three, the shared-tree one included.
    let biggest = before
        .iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    flip(biggest, 100);
    let j = damage(&env, &repo, &["--read-data"]);
    let affects: Vec<String> = j["damage"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["affects"].as_array().unwrap().clone())
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    for s in &shorts {
        assert!(
            affects.iter().any(|a| a.starts_with(&format!("{s}:"))),
            "{s} missing from {affects:?}"
        );
    }
}

#[test]
fn checking_one_snapshot_reads_only_the_packs_it_uses() {
    let env = Env::new();
    let src = env.path("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("a"), noise(3 << 20, 1)).unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let first: Vec<PathBuf> = objects(&repo.join("data"));
    let other = env.path("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("b"), noise(3 << 20, 2)).unwrap();
    env.repo(&repo, &["backup", other.to_str().unwrap()]).ok();
    let list = env.repo(&repo, &["list", "--json"]).ok().json();
    let (one, two) = (
        list[0]["short_id"].as_str().unwrap().to_string(),
        list[1]["short_id"].as_str().unwrap().to_string(),
    );
    // Damage the second snapshot's pack(s) only.
    for p in objects(&repo.join("data"))
        .iter()
        .filter(|p| !first.contains(p))
    {
        flip(p, 100);
    }
    let j = env
        .repo(&repo, &["verify", "--read-data", &one, "--json"])
        .ok()
        .json();
    assert_eq!(j["packs_read"], first.len() as u64, "{j}");
    let j = damage(&env, &repo, &["--read-data", &two]);
    assert!(
        j["damage"][0]["affects"][0]
            .as_str()
            .unwrap()
            .starts_with(&format!("{two}:")),
        "{j}"
    );
}

/// The attack: storage plants an uppercase copy of a snapshot (the same id
/// to a hex parser) and a renamed copy of a pack. Readers must see one
/// snapshot, so `restore <prefix>` is not made ambiguous, and verify must
/// name both planted objects.
#[test]
fn renamed_copies_are_ignored_by_readers_and_named_by_verify() {
    let env = Env::new();
    let repo = setup(&env);
    let snaps = repo.join("snapshots");
    let name = std::fs::read_dir(&snaps)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .min()
        .unwrap();
    let upper = name.to_ascii_uppercase();
    std::fs::copy(snaps.join(&name), snaps.join(&upper)).unwrap();
    let pack = objects(&repo.join("data"))
        .into_iter()
        .find(|p| p.is_file())
        .unwrap();
    let pack_name = pack.file_name().unwrap().to_str().unwrap().to_string();
    let renamed = format!("{}{}", &pack_name[..63], "0x");
    std::fs::copy(&pack, pack.with_file_name(&renamed)).unwrap();

    let listed = env.repo(&repo, &["list", "--json"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    let out = env.path("out");
    env.repo(
        &repo,
        &["restore", &name[..12], "--target", out.to_str().unwrap()],
    )
    .ok();

    let j = damage(&env, &repo, &[]);
    let named: Vec<String> = j["damage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["object"].as_str().unwrap().to_string())
        .collect();
    assert!(named.contains(&format!("snapshots/{upper}")), "{j}");
    assert!(named.iter().any(|o| o.ends_with(&renamed)), "{j}");
    assert_eq!(named.len(), 2, "{j}");
}

/// The attack: whoever controls the storage deletes a snapshot object (no
/// key needed; the repository stays consistent). Verify must name it, while
/// a snapshot this client forgot on purpose is not reported.
#[test]
fn a_snapshot_deleted_by_the_storage_is_named_and_one_forgotten_on_purpose_is_not() {
    let env = Env::new();
    let repo = setup(&env);
    let ids: Vec<String> = env
        .repo(&repo, &["list", "--json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    env.repo(&repo, &["verify"]).ok();
    std::fs::remove_file(repo.join("snapshots").join(&ids[0])).unwrap();
    let j = damage(&env, &repo, &[]);
    let found = j["damage"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{j}");
    assert_eq!(found[0]["object"], format!("snapshot {}", ids[0]));
    assert!(
        found[0]["error"].as_str().unwrap().starts_with("gone"),
        "{j}"
    );

    env.repo(&repo, &["forget", &ids[1]]).ok();
    let j = damage(&env, &repo, &[]);
    assert_eq!(j["damage"].as_array().unwrap().len(), 1, "{j}");

    // Accepted as it is: nothing left to report.
    env.repo(&repo, &["trust", "--reset"]).ok();
    env.repo(&repo, &["verify"]).ok();
}

#[test]
fn verify_read_data_shows_progress_on_a_terminal_and_nothing_otherwise() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    std::fs::write(src.join("big.bin"), noise(24 << 20, 9)).unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let r = env.repo(&repo, &["verify", "--read-data"]).ok();
    assert!(!shows_bar(&r.stderr, "packs"), "{}", r.stderr);
    let r = on_terminal(
        &env,
        &["-r", repo.to_str().unwrap(), "verify", "--read-data"],
    )
    .ok();
    assert!(shows_bar(&r.stdout, "packs"), "{:?}", r.stdout);
}
