//! Every command on an Azure Blob Storage repository, against the local
//! emulator the test command starts (Azurite on 127.0.0.1).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;

#[test]
fn backup_restore_verify_forget_prune_on_azure() {
    let env = Env::new();
    let loc = cairn_test_support::azure_test_container();
    round_trip(&env, &loc);
}

#[test]
fn storage_worm_grades_are_refused_on_azure_and_software_works() {
    let env = Env::new();
    let loc = cairn_test_support::azure_test_container();
    let r = |args: &[&str]| run(env.cmd().args(["-r", &loc]).args(args));
    for grade in ["governance", "compliance"] {
        let e = r(&["init", "--worm", grade, "--worm-retention", "1d"]);
        assert_ne!(e.code, 0);
        assert!(
            error_line(&e.stderr).contains("cannot be enforced there")
                && e.stderr.contains("immutability"),
            "{}",
            e.stderr
        );
        assert_eq!(r(&["list"]).code, 5, "nothing was created");
    }
    r(&["init", "--worm", "software", "--worm-retention", "1d"]).ok();
    let status = r(&["keys", "status", "--json"]).ok().json();
    assert!(
        status["worm"].as_str().unwrap().starts_with("software"),
        "{status}"
    );
}

#[test]
fn a_missing_container_and_a_dead_server_are_one_clear_line() {
    let env = Env::new();
    let loc = cairn_test_support::azure_test_container();
    let (base, _) = loc.rsplit_once('/').unwrap();
    let missing = format!("{base}/no-such-container");
    let e = run(env.cmd().args(["-r", &missing, "init"]));
    assert_ne!(e.code, 0);
    assert!(
        error_line(&e.stderr).contains("container no-such-container does not exist"),
        "{}",
        e.stderr
    );
    let e = run(env
        .cmd()
        .args(["-r", "azblob:http://127.0.0.1:9/devstoreaccount1/c", "list"]));
    assert_ne!(e.code, 0);
    assert!(
        error_line(&e.stderr).contains("Azure Blob Storage server at http://127.0.0.1:9"),
        "{}",
        e.stderr
    );
}
