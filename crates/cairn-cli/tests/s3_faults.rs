//! S3 faults, through the real `cairn` binary: a server that is down, killed
//! in the middle of a backup (s3s-fs, which keeps its data on disk, so it
//! can be restarted), bursts of `503 SlowDown` (a fault-injecting proxy in
//! front of moto), wrong credentials (s3s-fs checks signatures; moto does
//! not) and a missing bucket. Every failure must be one clear line, a
//! non-zero exit, within a bounded time, and leave nothing behind that a
//! later run cannot use.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
#[path = "common/s3_servers.rs"]
mod s3_servers;

use common::*;
use s3_servers::{FaultProxy, S3sFs, Seen};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// OpenDAL retries 5 times, from 100 ms, doubling, with jitter: a failing
/// request is given up after about 3 to 6 seconds. Generous for a loaded CI.
const GIVE_UP_WITHIN: Duration = Duration::from_secs(30);

/// `cairn` with the credentials s3s-fs checks.
fn s3s_cmd(env: &Env) -> Command {
    let mut c = env.cmd();
    c.env("AWS_ACCESS_KEY_ID", s3_servers::ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", s3_servers::SECRET_KEY)
        .env("AWS_REGION", "us-east-1");
    c
}

/// Runs and times a command.
fn timed(c: &mut Command) -> (Run, Duration) {
    let t = Instant::now();
    let r = run(c);
    (r, t.elapsed())
}

/// The error line: one `cairn: error:` line, no panic, no OpenDAL request dump.
fn error_line(r: &Run) -> String {
    assert_ne!(r.code, 0, "expected a failure\nstderr:\n{}", r.stderr);
    assert!(
        !r.stderr.contains("panicked"),
        "cairn panicked:\n{}",
        r.stderr
    );
    let lines: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("cairn: error:"))
        .collect();
    assert_eq!(lines.len(), 1, "expected one error line:\n{}", r.stderr);
    let line = lines[0].to_string();
    assert!(
        !line.contains("context: {") && !line.contains("Backtrace"),
        "the error carries OpenDAL's request dump:\n{line}"
    );
    line
}

/// Every file (not directory) below `dir`, relative.
fn files_under(dir: &Path) -> Vec<String> {
    if !dir.exists() {
        return vec![];
    }
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(
                    e.path()
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

/// Source files of incompressible noise, `count` × `size` bytes.
fn noise_tree(root: &Path, count: usize, size: usize) {
    std::fs::create_dir_all(root).unwrap();
    for i in 0..count {
        std::fs::write(
            root.join(format!("noise-{i}.bin")),
            noise(size, 7 + i as u64),
        )
        .unwrap();
    }
}

/// The moto server of the test command, as "127.0.0.1:PORT".
fn moto_hostport() -> String {
    std::env::var("CAIRN_TEST_S3")
        .expect("CAIRN_TEST_S3 is not set: run scripts/test.sh, which starts a local S3 server (moto) and sets it")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

/// A fresh moto bucket's name.
fn moto_bucket() -> String {
    let loc = cairn_test_support::conformance::s3_test_bucket();
    loc.rsplit('/').next().unwrap().to_string()
}

/// Objects under a prefix of a moto bucket (unsigned ListObjectsV2; moto does not check).
fn moto_keys(bucket: &str, prefix: &str) -> Vec<String> {
    let port: u16 = moto_hostport().rsplit(':').next().unwrap().parse().unwrap();
    let (code, reply) = s3_servers::raw_request(
        port,
        "GET",
        &format!("/{bucket}?list-type=2&prefix={prefix}"),
    );
    assert_eq!(code, 200, "{reply}");
    reply
        .split("<Key>")
        .skip(1)
        .map(|s| s.split("</Key>").next().unwrap().to_string())
        .collect()
}

#[test]
fn a_dead_s3_server_fails_init_and_backup_quickly_and_writes_nothing() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let port = free_port(); // nothing listens there
    let loc = format!("s3:http://127.0.0.1:{port}/bucket/repo");
    for args in [vec!["init"], vec!["backup", src.to_str().unwrap()]] {
        let (r, took) = timed(env.cmd().args(["-r", &loc]).args(&args));
        let line = error_line(&r);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            line.contains(&format!(
                "S3 server at http://127.0.0.1:{port} is unreachable"
            )),
            "{args:?}: {line}"
        );
        assert!(line.contains("gave up after 5 retries"), "{line}");
        assert!(line.contains("check that the S3 server is up"), "{line}");
        // Retries are announced, one short line each.
        let retries = r.stderr.lines().filter(|l| l.contains("retry ")).count();
        assert_eq!(retries, 5, "{}", r.stderr);
        assert!(took < GIVE_UP_WITHIN, "{args:?} took {took:?}");
    }
    // Nothing written: no key file, no default repository, nothing in the home.
    assert_eq!(files_under(&env.path("home")), Vec::<String>::new());
}

#[test]
fn s3_server_killed_mid_backup_then_restarted_reuses_the_uploaded_packs() {
    let env = Env::new();
    let src = env.path("src");
    interrupted_backup_source(&src);
    let root = env.path("s3data");
    let port = free_port();
    let mut server = S3sFs::start(&root, port);
    server.create_bucket("bkt");
    let loc = format!("s3:{}/bkt/repo", server.endpoint());
    let packs_dir = root.join("bkt/repo/data");
    let r = |args: &[&str]| run(s3s_cmd(&env).args(["-r", &loc]).args(args));
    r(&["init"]).ok();

    // The backup, killed under: SIGKILL to the server once a pack is stored.
    let (failed, gave_up_after) = backup_until_stopped(
        &env,
        s3s_cmd(&env).args(["-r", &loc, "backup", src.to_str().unwrap(), "--json"]),
        || !files_under(&packs_dir).is_empty(),
        || server.kill(),
    );
    let line = error_line(&failed);
    assert!(
        line.contains(&format!("S3 server at http://127.0.0.1:{port}")),
        "{line}"
    );
    assert!(line.contains("unreachable"), "{line}");
    let stored: Vec<String> = files_under(&packs_dir);
    assert!(!stored.is_empty());

    // Back up, on the same port and data: the repository is consistent, and
    // the failed backup left no snapshot; the rerun reuses what made it.
    let _server = S3sFs::start(&root, port);
    assert_eq!(
        files_under(&packs_dir),
        stored,
        "packs changed across the restart"
    );
    let (adopted, added, total) = rerun_reuses_stored_packs(&env, r, &src, stored.len());
    eprintln!(
        "killed after {} pack(s); the backup gave up {gave_up_after:?} after the kill; the rerun adopted {adopted} and added {added} of {total} bytes",
        stored.len()
    );
}

/// Refuses the first 3 of every 7 requests, but never one request (same
/// method, target and range) more than 3 times in a row, so OpenDAL's 5
/// retries always get through however the requests of parallel uploads interleave.
fn bursts_of_503() -> impl Fn(&Seen<'_>) -> bool + Send + Sync + 'static {
    let refused: Mutex<HashMap<String, u32>> = Mutex::new(HashMap::new());
    move |s: &Seen<'_>| {
        let key = format!("{} {} {:?}", s.method, s.target, s.range);
        let mut refused = refused.lock().unwrap();
        let count = refused.entry(key).or_default();
        if s.n % 7 < 3 && *count < 3 {
            *count += 1;
            true
        } else {
            *count = 0;
            false
        }
    }
}

#[test]
fn bursts_of_503_slowdown_are_retried_and_every_command_succeeds() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    // About 40 MB of noise besides: three packs.
    noise_tree(&src.join("noise"), 2, 20_000_000);
    let bucket = moto_bucket();
    let proxy = FaultProxy::start(&moto_hostport(), bursts_of_503());
    let loc = format!("s3:{}/{bucket}/repo", proxy.endpoint());
    let r = |args: &[&str]| run(env.cmd().args(["-r", &loc]).args(args));
    r(&["init"]).ok();
    let b = r(&["backup", src.to_str().unwrap(), "--json"]).ok().json();
    assert!(b["packs_written"].as_u64().unwrap() >= 3, "{b}");
    let v = r(&["verify", "--read-data", "--json"]).ok().json();
    assert_eq!(v["ok"], true, "{v}");
    let target = env.path("restored");
    let restore = r(&["restore", "latest", "--target", target.to_str().unwrap()]).ok();
    assert_same_tree(&src, &target);
    // The retries were real, and said so in one line each.
    assert!(
        proxy.injected() > 0,
        "no 503 injected in {} requests",
        proxy.requests()
    );
    assert!(
        restore
            .stderr
            .lines()
            .any(|l| l.contains("SlowDown") && l.contains("retry ")),
        "{}",
        restore.stderr
    );
    assert_eq!(proxy.broken(), Vec::<String>::new());
    eprintln!(
        "{} of {} requests answered 503",
        proxy.injected(),
        proxy.requests()
    );
}

#[test]
fn an_s3_server_that_always_answers_503_fails_after_bounded_retries() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    noise_tree(&src.join("noise"), 2, 20_000_000);
    let bucket = moto_bucket();
    let upstream = moto_hostport();

    // Everything refused: init and backup give up at their first request.
    let proxy = FaultProxy::start(&upstream, |_: &Seen<'_>| true);
    let loc = format!("s3:{}/{bucket}/repo", proxy.endpoint());
    for args in [vec!["init"], vec!["backup", src.to_str().unwrap()]] {
        let (r, took) = timed(env.cmd().args(["-r", &loc]).args(&args));
        let line = error_line(&r);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            line.contains(&format!("S3 server at {}", proxy.endpoint()))
                && line.contains("kept throttling requests (SlowDown: Please reduce your request rate.); gave up after 5 retries")
                && line.contains("transient failure"),
            "{args:?}: {line}"
        );
        assert!(took < GIVE_UP_WITHIN, "{args:?} took {took:?}");
    }
    assert_eq!(moto_keys(&bucket, "repo/"), Vec::<String>::new());
    drop(proxy);

    // Refused only from the first pack upload on: the backup fails midway, in
    // bounded time, and leaves no snapshot.
    let direct = format!("s3:http://{upstream}/{bucket}/repo");
    run(env.cmd().args(["-r", &direct, "init"])).ok();
    let proxy = FaultProxy::start(&upstream, |s: &Seen<'_>| {
        s.method == "PUT" && s.target.contains("/repo/data/")
    });
    let loc = format!("s3:{}/{bucket}/repo", proxy.endpoint());
    let (r, took) = timed(
        env.cmd()
            .args(["-r", &loc, "backup", src.to_str().unwrap()]),
    );
    let line = error_line(&r);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        line.contains("data/") && line.contains("gave up after 5 retries"),
        "{line}"
    );
    assert!(took < GIVE_UP_WITHIN, "the backup took {took:?}");
    assert!(proxy.injected() >= 6, "{} refused", proxy.injected());
    assert_eq!(moto_keys(&bucket, "repo/snapshots/"), Vec::<String>::new());
    let v = run(env.cmd().args(["-r", &direct, "verify", "--json"]))
        .ok()
        .json();
    assert_eq!(v["ok"], true, "{v}");
}

#[test]
fn wrong_s3_credentials_are_refused_with_a_clear_error() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let root = env.path("s3data");
    let server = S3sFs::start(&root, free_port());
    server.create_bucket("bkt");
    // s3s-fs checks signatures (moto only wants an Authorization header).
    let (code, reply) = s3_servers::raw_request(server.port, "GET", "/bkt?list-type=2");
    assert_eq!(code, 403, "s3s-fs accepted an unsigned request: {reply}");
    let loc = format!("s3:{}/bkt/repo", server.endpoint());
    run(s3s_cmd(&env).args(["-r", &loc, "init"])).ok();
    run(s3s_cmd(&env).args(["-r", &loc, "backup", src.to_str().unwrap()])).ok();
    let before = files_under(&root.join("bkt"));

    // A wrong secret: the signature does not match.
    let (r, took) = timed(
        s3s_cmd(&env)
            .env("AWS_SECRET_ACCESS_KEY", "not-the-secret")
            .args(["-r", &loc, "backup", src.to_str().unwrap()]),
    );
    let line = error_line(&r);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        line.contains(&format!(
            "the S3 server at {} rejected the credentials (SignatureDoesNotMatch)",
            server.endpoint()
        )) && line.contains("AWS_SECRET_ACCESS_KEY"),
        "{line}"
    );
    // Refused at once: a credential error is not retried.
    assert!(!r.stderr.contains("retry "), "{}", r.stderr);
    assert!(took < Duration::from_secs(10), "took {took:?}");

    // An unknown access key, for init too.
    for args in [vec!["backup", src.to_str().unwrap()], vec!["init"]] {
        let r = run(s3s_cmd(&env)
            .env("AWS_ACCESS_KEY_ID", "AKIANOBODY")
            .args(["-r", &loc])
            .args(&args));
        let line = error_line(&r);
        assert!(
            line.contains("rejected the credentials"),
            "{args:?}: {line}"
        );
    }
    assert_eq!(
        files_under(&root.join("bkt")),
        before,
        "something was written"
    );
}

#[test]
fn a_missing_bucket_is_named_and_nothing_is_created() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let endpoint = format!("http://{}", moto_hostport());
    let loc = format!("s3:{endpoint}/no-such-bucket-xyz/repo");
    for args in [
        vec!["init"],
        vec!["backup", src.to_str().unwrap()],
        vec!["list"],
    ] {
        let (r, took) = timed(env.cmd().args(["-r", &loc]).args(&args));
        let line = error_line(&r);
        assert!(
            line.contains(&format!(
                "bucket no-such-bucket-xyz does not exist on the S3 server at {endpoint}"
            )) && line.contains("create the bucket first"),
            "{args:?}: {line}"
        );
        // Bad input (the location), not "no repository here: run cairn init".
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(!line.contains("cairn init"), "{line}");
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
    // Not created behind our back, nothing kept locally.
    let port: u16 = moto_hostport().rsplit(':').next().unwrap().parse().unwrap();
    let (code, reply) = s3_servers::raw_request(port, "HEAD", "/no-such-bucket-xyz");
    assert_eq!(code, 404, "{reply}");
    assert_eq!(files_under(&env.path("home")), Vec::<String>::new());
}

#[test]
fn an_s3_server_that_accepts_and_never_answers_is_timed_out_and_retried() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    // A listener that takes every connection and says nothing: a hung server.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming() {
            held.push(s);
        }
    });
    let loc = format!("s3:http://127.0.0.1:{port}/bucket/repo");
    for args in [vec!["init"], vec!["backup", src.to_str().unwrap()]] {
        let (r, took) = timed(
            env.cmd()
                .env("CAIRN_S3_TIMEOUT", "0.5")
                .args(["-r", &loc])
                .args(&args),
        );
        let line = error_line(&r);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            line.contains(&format!(
                "S3 server at http://127.0.0.1:{port} did not answer within 0.5 s; gave up after 5 retries"
            )) && line.contains("CAIRN_S3_TIMEOUT"),
            "{args:?}: {line}"
        );
        let retries = r.stderr.lines().filter(|l| l.contains("retry ")).count();
        assert_eq!(retries, 5, "{}", r.stderr);
        assert!(took < GIVE_UP_WITHIN, "{args:?} took {took:?}");
    }
    assert_eq!(files_under(&env.path("home")), Vec::<String>::new());
}
