//! The CLI round trip every object store passes, through the real binary:
//! init, backup, a second backup that reuses everything, restore
//! bit-exact, verify --read-data, forget, prune, and a restore of what
//! remains. Each backend's test file calls it with a fresh location.

use super::*;

/// Runs the round trip on `loc` (an empty bucket, container or folder)
/// and returns the source tree it backed up.
pub fn round_trip(env: &Env, loc: &str) -> PathBuf {
    let src = env.path("src");
    make_tree(&src);
    let r = |args: &[&str]| run(env.cmd().args(["-r", loc]).args(args));
    r(&["init"]).ok();
    let b = r(&["backup", src.to_str().unwrap(), "--json"]).ok().json();
    assert_eq!(b["total_files"], 7);
    let again = r(&["backup", src.to_str().unwrap(), "--json"]).ok().json();
    assert_eq!(again["files_unchanged"], 7);
    assert_eq!(again["bytes_added"], 0, "{again}");
    assert_eq!(
        r(&["list", "--json"]).ok().json().as_array().unwrap().len(),
        2
    );
    let out = env.path("out");
    r(&["restore", "latest", "--target", out.to_str().unwrap()]).ok();
    assert_diff_r(&src, &out, &["--no-dereference"]);
    let v = r(&["verify", "--read-data", "--json"]).ok().json();
    assert_eq!(v["ok"], true);
    let m = r(&["manifest", "latest"]).ok();
    assert_sha256sum_ok(env, &m.stdout, &out);

    // A changed file, then forget all but the last snapshot and prune
    // what only the older ones used.
    std::fs::write(src.join("changed"), noise(700_000, 5)).unwrap();
    r(&["backup", "-q", src.to_str().unwrap()]).ok();
    std::fs::write(src.join("changed"), noise(700_000, 6)).unwrap();
    r(&["backup", "-q", src.to_str().unwrap()]).ok();
    r(&["forget", "--keep-last", "1"]).ok();
    let p = r(&["prune", "--max-unused", "0", "--json"]).ok().json();
    let t = &p["totals"];
    assert!(
        t["delete_packs"].as_u64().unwrap() + t["repack_packs"].as_u64().unwrap() >= 1,
        "prune freed nothing: {p}"
    );
    assert_eq!(
        r(&["list", "--json"]).ok().json().as_array().unwrap().len(),
        1
    );
    r(&["verify", "--read-data"]).ok();
    let out = env.path("out-after-prune");
    r(&["restore", "latest", "--target", out.to_str().unwrap()]).ok();
    assert_diff_r(&src, &out, &["--no-dereference"]);
    // init refuses an existing repository, like on disk.
    assert_ne!(r(&["init"]).code, 0);
    src
}
