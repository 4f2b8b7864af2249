//! A server stopped in the middle of a backup, then started again: the
//! scenario every object store's fault tests share (S3 through s3s-fs,
//! Azure through Azurite). The test supplies the server's stop and its
//! "a pack is stored" check; this drives the binary and checks the rest.

use super::*;
use std::time::{Duration, Instant};

/// 84 MB of incompressible noise under `src`: about 5 packs of 16 MiB, so
/// a stop after the first stored pack lands between packs.
pub fn interrupted_backup_source(src: &Path) {
    std::fs::create_dir_all(src).unwrap();
    for i in 0..6u64 {
        std::fs::write(src.join(format!("noise-{i}.bin")), noise(14_000_000, 7 + i)).unwrap();
    }
}

/// Spawns `backup` (a `cairn backup ... --json` command), calls `stop`
/// once `stored()` sees a pack, and waits for the backup to give up.
/// Returns its run (with its one error line checked to be a clean exit 1)
/// and how long after the stop it gave up.
pub fn backup_until_stopped(
    env: &Env,
    backup: &mut Command,
    stored: impl Fn() -> bool,
    stop: impl FnOnce(),
) -> (Run, Duration) {
    let (out, err) = (env.path("backup.out"), env.path("backup.err"));
    let mut child = backup
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    while !stored() {
        if let Some(st) = child.try_wait().unwrap() {
            panic!(
                "the backup ended ({st}) before a pack was stored:\n{}",
                std::fs::read_to_string(&err).unwrap()
            );
        }
        assert!(Instant::now() < deadline, "no pack uploaded within 300s");
        std::thread::sleep(Duration::from_millis(5));
    }
    stop();
    let stopped_at = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if stopped_at.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the backup did not give up within 120s of the server's stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let failed = Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&out).unwrap(),
        stderr: std::fs::read_to_string(&err).unwrap(),
    };
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    assert!(!failed.stderr.contains("panicked"), "{}", failed.stderr);
    assert!(failed.stdout.is_empty(), "{}", failed.stdout);
    (failed, stopped_at.elapsed())
}

/// With the server back: the repository verifies, the failed backup left
/// no snapshot, and a rerun completes, adopting the `stored` packs instead
/// of sending their data again, and restores bit-exact. Returns the
/// rerun's (packs adopted, bytes added, total bytes).
pub fn rerun_reuses_stored_packs(
    env: &Env,
    r: impl Fn(&[&str]) -> Run,
    src: &Path,
    stored: usize,
) -> (u64, u64, u64) {
    let v = r(&["verify", "--json"]).ok().json();
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(r(&["list", "--json"]).ok().json(), serde_json::json!([]));
    let b = r(&["backup", src.to_str().unwrap(), "--json"]).ok().json();
    let adopted = b["packs_adopted"].as_u64().unwrap();
    assert_eq!(adopted, stored as u64, "{b}");
    let (total, added) = (
        b["total_bytes"].as_u64().unwrap(),
        b["bytes_added"].as_u64().unwrap(),
    );
    assert_eq!(total, 84_000_000);
    // Each adopted pack holds about 16 MiB of the source that is not sent again.
    assert!(
        added + adopted * 12_000_000 < total,
        "bytes_added {added} of {total} with {adopted} pack(s) adopted"
    );
    assert_eq!(b["incomplete"], false);
    let v = r(&["verify", "--read-data", "--json"]).ok().json();
    assert_eq!(v["ok"], true, "{v}");
    let target = env.path("restored");
    r(&["restore", "latest", "--target", target.to_str().unwrap()]).ok();
    assert_same_tree(src, &target);
    (adopted, added, total)
}
