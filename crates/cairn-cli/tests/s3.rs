//! Every command on an S3 repository, against the local S3 server the test
//! command starts (moto on 127.0.0.1).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;

#[test]
fn init_backup_list_restore_verify_export_on_s3() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let loc = cairn_store::conformance::s3_test_bucket();
    let r = |args: &[&str]| run(env.cmd().args(["-r", &loc]).args(args));
    r(&["init"]).ok();
    let b = r(&["backup", src.to_str().unwrap(), "--json"]).ok().json();
    assert_eq!(b["total_files"], 7);
    let again = r(&["backup", src.to_str().unwrap(), "--json"]).ok().json();
    assert_eq!(again["files_unchanged"], 7);
    assert_eq!(
        r(&["list", "--json"]).ok().json().as_array().unwrap().len(),
        2
    );
    assert_eq!(
        r(&["keys", "status", "--json"]).ok().json()["slots"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let out = env.path("out");
    r(&["restore", "latest", "--target", out.to_str().unwrap()]).ok();
    let diff = std::process::Command::new("diff")
        .args(["-r", "--no-dereference"])
        .arg(&src)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        diff.status.success(),
        "{}",
        String::from_utf8_lossy(&diff.stdout)
    );
    let v = r(&["verify", "--read-data", "--json"]).ok().json();
    assert_eq!(v["ok"], true);
    let m = r(&["manifest", "latest"]).ok();
    assert_sha256sum_ok(&env, &m.stdout, &out);
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
    // init refuses an existing S3 repository, like on disk.
    assert_ne!(r(&["init"]).code, 0);
}

#[test]
fn an_s3_location_without_a_repository_or_server_says_so() {
    let env = Env::new();
    let loc = cairn_store::conformance::s3_test_bucket();
    let r = run(env.cmd().args(["-r", &loc, "list"]));
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("cairn init"), "{}", r.stderr);
    let r = run(env
        .cmd()
        .args(["-r", "s3:http://127.0.0.1:9/nothing", "list"]));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("S3 server"), "{}", r.stderr);
}
