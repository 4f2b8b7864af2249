//! Every command on an S3 repository, against the local S3 server the test
//! command starts (moto on 127.0.0.1).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;

#[test]
fn init_backup_list_restore_verify_export_on_s3() {
    let env = Env::new();
    let loc = cairn_test_support::conformance::s3_test_bucket();
    round_trip(&env, &loc);
    let r = |args: &[&str]| run(env.cmd().args(["-r", &loc]).args(args));
    assert_eq!(
        r(&["keys", "status", "--json"]).ok().json()["slots"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let tar = std::fs::File::create(env.path("s.tar")).unwrap();
    let e = run(env.cmd().args(["-r", &loc, "export", "latest"]).stdout(tar));
    assert_eq!(e.code, 0, "{}", e.stderr);
    let list = std::process::Command::new("tar")
        .arg("-tf")
        .arg(env.path("s.tar"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&list.stdout)
        .lines()
        .any(|l| l == "docs/deep/er/note"));
}

#[test]
fn an_s3_location_without_a_repository_or_server_says_so() {
    let env = Env::new();
    let loc = cairn_test_support::conformance::s3_test_bucket();
    let r = run(env.cmd().args(["-r", &loc, "list"]));
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("cairn init"), "{}", r.stderr);
    let r = run(env
        .cmd()
        .args(["-r", "s3:http://127.0.0.1:9/nothing", "list"]));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("S3 server"), "{}", r.stderr);
}

#[test]
fn forget_and_prune_on_s3_keep_what_remains_restorable() {
    let env = Env::new();
    let src = env.path("src");
    std::fs::create_dir_all(&src).unwrap();
    let loc = cairn_test_support::conformance::s3_test_bucket();
    let r = |args: &[&str]| run(env.cmd().args(["-r", &loc]).args(args));
    r(&["init"]).ok();
    for i in 0..3u64 {
        std::fs::write(src.join("changing"), noise(1_500_000, i + 1)).unwrap();
        std::fs::write(src.join("stable"), noise(500_000, 77)).unwrap();
        let now = format!("2026-11-0{}T00:00:00Z", i + 1);
        r(&["backup", "-q", "--now", &now, src.to_str().unwrap()]).ok();
    }
    let plan = r(&["prune", "--dry-run", "--json"]).ok().json();
    assert_eq!(plan["totals"]["delete_packs"], 0, "nothing forgotten yet");
    r(&["forget", "--keep-last", "1", "--prune", "--max-unused", "0"]).ok();
    assert_eq!(
        r(&["list", "--json"]).ok().json().as_array().unwrap().len(),
        1
    );
    let again = r(&["prune", "--json"]).ok().json();
    assert_eq!(again["outcome"], serde_json::Value::Null, "{again}");
    r(&["verify", "--read-data"]).ok();
    let out = env.path("out");
    r(&["restore", "latest", "-t", out.to_str().unwrap()]).ok();
    assert_same_tree(&src, &out);

    // Master-key rotation on S3: the config is replaced in one PUT; the
    // rewrite re-encrypts the old snapshot and drops the retired secret.
    r(&["keys", "rotate-master"]).ok();
    std::fs::write(src.join("after"), noise(200_000, 9)).unwrap();
    r(&["backup", "-q", src.to_str().unwrap()]).ok();
    let o = r(&["prune", "--rewrite-old-epochs", "--json"]).ok().json();
    assert_eq!(
        o["outcome"]["dropped_epochs"],
        serde_json::json!([1]),
        "{o}"
    );
    r(&["verify", "--read-data"]).ok();
    let out = env.path("out-rotated");
    r(&["restore", "latest", "-t", out.to_str().unwrap()]).ok();
    assert_same_tree(&src, &out);
}

#[test]
fn compliance_worm_on_an_object_lock_bucket_and_refused_without_one() {
    let env = Env::new();
    let src = env.path("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("f"), noise(300_000, 3)).unwrap();

    let plain = cairn_test_support::conformance::s3_test_bucket();
    let r = run(env.cmd().args([
        "-r",
        &plain,
        "init",
        "--worm",
        "compliance",
        "--worm-retention",
        "1d",
    ]));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("Object Lock"), "{}", r.stderr);
    let r = run(env.cmd().args(["-r", &plain, "list"]));
    assert_eq!(r.code, 5, "nothing was created: {}", r.stderr);

    let loc = cairn_test_support::conformance::s3_lock_bucket();
    let r = |args: &[&str]| run(env.cmd().args(["-r", &loc]).args(args));
    r(&["init", "--worm", "compliance", "--worm-retention", "4s"]).ok();
    let status = r(&["keys", "status", "--json"]).ok().json();
    let grade = status["worm"].as_str().unwrap();
    assert!(
        grade.starts_with("compliance") && grade.contains("Object Lock is enabled"),
        "{grade}"
    );
    r(&["backup", "-q", src.to_str().unwrap()]).ok();
    // The config is held, and still rotates: S3 keeps the held version and adds a new one.
    r(&["keys", "rotate-master"]).ok();
    let listed = r(&["list", "--json"]).ok().json();
    let id = listed[0]["id"].as_str().unwrap().to_string();
    let until = listed[0]["retained_until"].as_str().unwrap().to_string();
    let f = r(&["forget", &id]).ok();
    assert!(f.stderr.contains("retained until"), "{}", f.stderr);
    assert_eq!(
        r(&["list", "--json"]).ok().json().as_array().unwrap().len(),
        1
    );

    // After retention lapses, forget and prune remove everything.
    let at = time::OffsetDateTime::parse(&until, &time::format_description::well_known::Rfc3339)
        .unwrap();
    let wait = at - time::OffsetDateTime::now_utc() + time::Duration::milliseconds(1500);
    if wait.is_positive() {
        std::thread::sleep(wait.unsigned_abs());
    }
    r(&["forget", &id]).ok();
    let p = r(&["prune", "--json"]).ok().json();
    assert_eq!(p["totals"]["retained_packs"], 0, "{p}");
    assert!(p["totals"]["delete_packs"].as_u64().unwrap() >= 1, "{p}");
    r(&["verify"]).ok();
}

#[test]
fn copy_from_a_folder_to_s3_is_restorable_and_a_rerun_copies_nothing() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    let loc = cairn_test_support::conformance::s3_test_bucket();
    run(env.cmd().args(["-r", &loc, "init"])).ok();
    let copy = || {
        env.repo(&repo, &["copy", "--to", &loc, "--json"])
            .ok()
            .json()
    };
    assert_eq!(copy()["copied"].as_array().unwrap().len(), 1);
    assert_eq!(copy()["blobs_stored"], 0, "a rerun stores nothing");
    let manifest = env.repo(&repo, &["manifest", "latest"]).ok().stdout;
    let on_s3 = run(env.cmd().args(["-r", &loc, "manifest", "latest"])).ok();
    assert_eq!(on_s3.stdout, manifest);
    let out = env.path("out");
    run(env
        .cmd()
        .args(["-r", &loc, "restore", "latest", "--target"])
        .arg(&out))
    .ok();
    assert_same_tree(&src, &out);
}

/// The local cache of snapshot objects and index files (docs/STORAGE.md,
/// "The local cache"), counted in the S3 server's own request log: a
/// second `list` and an unchanged backup's start make no snapshot or index
/// GETs; `--no-cache` neither reads nor writes the cache folder; a damaged
/// entry is fetched again and the command succeeds; a snapshot another
/// client forgot does not come back from the cache.
#[test]
fn the_cache_saves_snapshot_and_index_gets_and_the_listing_stays_the_truth() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let log = env.path("moto.log");
    let moto = cairn_test_support::Moto::start(&log);
    let loc = cairn_test_support::conformance::s3_bucket_on(&moto.endpoint, false);
    let bucket = loc.rsplit('/').next().unwrap().to_string();
    // GETs of objects of `dir` so far (listings are `GET /bucket?list-type=2`).
    let gets = |dir: &str| {
        std::fs::read_to_string(&log)
            .unwrap()
            .matches(&format!("\"GET /{bucket}/{dir}/"))
            .count()
    };
    let cache = env.path("cache");
    let r = |args: &[&str]| {
        run(env
            .cmd()
            .env("CAIRN_CACHE_DIR", &cache)
            .args(["-r", &loc])
            .args(args))
    };
    let src = env.path("src");
    std::fs::create_dir_all(&src).unwrap();
    let s = src.to_str().unwrap();
    r(&["--no-cache", "init"]).ok();
    for i in 0..3u64 {
        std::fs::write(src.join("f"), noise(50_000, i + 1)).unwrap();
        r(&["--no-cache", "backup", "-q", s]).ok();
    }
    // The ids `list` shows.
    let listed = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["list", "--json"];
        a.extend_from_slice(args);
        let v = r(&a).ok().json();
        let ids = v.as_array().unwrap().iter();
        ids.map(|s| s["id"].as_str().unwrap().to_string()).collect()
    };
    let before = gets("snapshots");
    assert_eq!(listed(&["--no-cache"]).len(), 3);
    assert_eq!(
        gets("snapshots") - before,
        3,
        "without the cache every snapshot is fetched"
    );
    assert!(!cache.exists(), "--no-cache wrote nothing");

    // Cold, then warm.
    let (snaps, idx) = (gets("snapshots"), gets("index"));
    assert_eq!(listed(&[]).len(), 3);
    assert_eq!(gets("snapshots") - snaps, 3);
    let (snaps, idx_cold) = (gets("snapshots"), gets("index") - idx);
    assert!(idx_cold > 0);
    assert_eq!(listed(&[]).len(), 3);
    assert_eq!(
        gets("snapshots") - snaps,
        0,
        "a second list makes no snapshot GETs"
    );
    assert_eq!(gets("index") - idx - idx_cold, 0, "nor index GETs");
    let (snaps, idx) = (gets("snapshots"), gets("index"));
    r(&["backup", "-q", s]).ok();
    assert_eq!(
        gets("snapshots") - snaps,
        0,
        "an unchanged backup fetches no snapshot"
    );
    assert_eq!(gets("index") - idx, 0, "nor an index");

    // --no-cache with a warm cache: every snapshot from S3, the folder untouched.
    let state = all_files(&cache);
    let snaps = gets("snapshots");
    assert_eq!(listed(&["--no-cache"]).len(), 4);
    assert_eq!(gets("snapshots") - snaps, 4);
    assert_eq!(all_files(&cache), state);

    // A damaged entry: fetched again, the command succeeds, the entry is whole.
    let entries: Vec<_> = state
        .iter()
        .filter(|(p, _)| p.parent().unwrap().ends_with("snapshots"))
        .map(|(p, _)| cache.join(p))
        .collect();
    assert_eq!(entries.len(), 4);
    for p in &entries {
        assert_eq!(
            std::fs::metadata(p).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let victim = &entries[0];
    let whole = std::fs::read(victim).unwrap();
    std::fs::write(victim, &whole[..whole.len() / 2]).unwrap();
    let snaps = gets("snapshots");
    assert_eq!(listed(&[]).len(), 4);
    assert_eq!(gets("snapshots") - snaps, 1);
    assert_eq!(std::fs::read(victim).unwrap(), whole);

    // Another client (no cache here) forgets a snapshot: it does not come back.
    let gone = victim.file_name().unwrap().to_str().unwrap().to_string();
    r(&["--no-cache", "forget", &gone]).ok();
    let ids = listed(&[]);
    assert_eq!(ids.len(), 3);
    assert!(!ids.contains(&gone), "{ids:?}");
    assert!(!victim.exists(), "the listing dropped the entry");
    let again = r(&["restore", &gone, "-t", env.path("out").to_str().unwrap()]);
    assert_ne!(again.code, 0, "{}", again.stderr);
    drop(moto);
}
