//! Every command on an SFTP repository, against Debian's OpenSSH server
//! started by the test on a loopback port with keys made for it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;

#[test]
fn backup_restore_verify_forget_prune_over_sftp_and_worm_grades_refused() {
    let env = Env::new();
    let sshd = cairn_test_support::Sshd::start(&env.path("sshd"));
    // The only test in this file: `cairn` (through Env::cmd) and its ssh
    // find the test server's client config first on PATH.
    std::env::set_var("PATH", sshd.path_env());
    let loc = sshd.location("repo");
    round_trip(&env, &loc);
    // Every published object was synced on the server first: the SFTP
    // session logged an fsync request for each temporary it linked or
    // renamed (a power cut must not leave a name whose bytes were lost).
    let log = sshd.sftp_log();
    let fsyncs = log.lines().filter(|l| l.contains(": fsync")).count();
    let links = log.lines().filter(|l| l.contains(": hardlink")).count();
    assert!(links > 0, "no hard link requests were logged:\n{log}");
    assert!(
        fsyncs >= links,
        "{fsyncs} fsync requests for {links} published objects:\n{log}"
    );

    let other = sshd.location("worm");
    for grade in ["governance", "compliance"] {
        let e = run(env.cmd().args([
            "-r",
            &other,
            "init",
            "--worm",
            grade,
            "--worm-retention",
            "1d",
        ]));
        assert_ne!(e.code, 0);
        assert!(
            error_line(&e.stderr).contains("cannot be enforced there"),
            "{}",
            e.stderr
        );
    }
    assert_eq!(run(env.cmd().args(["-r", &other, "list"])).code, 5);
}
