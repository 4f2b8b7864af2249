//! `cairn serve` for real: the binary on a loopback port, driven over HTTP
//! (curl) with a token of each role through backup -> verify -> restore,
//! then the audit log checked and tampered with.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
#[path = "common/bao.rs"]
mod bao;
#[path = "common/jobs.rs"]
mod jobs;
use jobs::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `cairn serve` and waits until it answers.
fn start(env: &Env, cfg: &str, port: u16) -> (Server, String) {
    start_server(env, cfg, port, "5")
}

fn write_config(env: &Env, port: u16, src: &Path) -> std::path::PathBuf {
    let docs = "tags = [\"api\"]\nrpo = \"26h\"\nrto = \"1h\"\nretention = { keep-last = 5 }";
    serve_config(env, port, &[("docs", src, docs)])
}

/// A source tree, a repository of it and a server config for both (the
/// server not started yet): the tree, the repository and the port.
fn served() -> (Env, std::path::PathBuf, std::path::PathBuf, u16) {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let port = free_port();
    write_config(&env, port, &src);
    (env, src, repo, port)
}

#[test]
fn backup_verify_restore_over_http_with_roles_and_an_audit_trail() {
    let (env, src, _repo, port) = served();
    let cfg = env.path("cairn.toml");
    let cfg_s = cfg.to_str().unwrap();
    let mut tok = std::collections::HashMap::new();
    for role in ["admin", "service", "analyst"] {
        let r = env
            .run(&[
                "token", "create", "--config", cfg_s, "--role", role, "--name", role,
            ])
            .ok();
        let t = r.stdout.trim().to_string();
        assert!(
            t.starts_with("cairn_") && !t.contains('\n'),
            "the token alone on stdout: {t:?}"
        );
        tok.insert(role, t);
    }
    let (server, base) = start(&env, cfg_s, port);

    // The analyst may read but not back up; nobody without a token may do anything.
    let (s, _) = curl(
        "POST",
        &format!("{base}/api/v1/dr/backup"),
        Some(&tok["analyst"]),
        Some(r#"{"spec":"docs"}"#),
    );
    assert_eq!(s, 403);
    let (s, _) = curl("GET", &format!("{base}/api/v1/dr/snapshots"), None, None);
    assert_eq!(s, 401);

    // The service role backs up.
    let (s, v) = curl(
        "POST",
        &format!("{base}/api/v1/dr/backup"),
        Some(&tok["service"]),
        Some(r#"{"spec":"docs"}"#),
    );
    assert_eq!(s, 202, "{v}");
    assert!(
        v["request_id"].is_string() && v["audit_id"].is_number() && v["timings_ms"].is_object(),
        "{v}"
    );
    let job = wait_job(&base, &tok["analyst"], v["data"]["id"].as_str().unwrap());
    assert_eq!(job["state"], "succeeded", "{job}");
    let snap = job["result"]["snapshot_id"].as_str().unwrap().to_string();

    // `cairn plan` sees the parent the API's backup made: nothing to read.
    let p = env
        .run(&["plan", "docs", "--config", cfg_s, "--json"])
        .ok()
        .json();
    assert_eq!(p["plan"]["parent"], snap.as_str(), "{p}");
    assert_eq!(p["plan"]["files_to_read"], 0, "{p}");
    assert_eq!(p["plan"]["files_unchanged"], p["plan"]["files"], "{p}");
    std::fs::write(src.join("hello.txt"), b"changed!").unwrap();
    let p = env
        .run(&["plan", "docs", "--config", cfg_s, "--json"])
        .ok()
        .json();
    // hello.txt and its hard link hard.txt.
    assert_eq!(p["plan"]["files_to_read"], 2, "{p}");
    std::fs::write(src.join("hello.txt"), b"hello world\n").unwrap();
    let (s, v) = curl(
        "GET",
        &format!("{base}/api/v1/dr/snapshots?spec=docs"),
        Some(&tok["analyst"]),
        None,
    );
    assert_eq!(s, 200);
    assert_eq!(v["data"][0]["id"], snap.as_str(), "{v}");
    assert_eq!(v["data"][0]["tags"][0], "api");

    // Verify with a data subset.
    let (s, v) = curl(
        "POST",
        &format!("{base}/api/v1/dr/verify/{}", &snap[..12]),
        Some(&tok["service"]),
        Some(r#"{"read_data_subset":"100%"}"#),
    );
    assert_eq!(s, 202, "{v}");
    let job = wait_job(&base, &tok["service"], v["data"]["id"].as_str().unwrap());
    assert_eq!(job["result"]["ok"], true, "{job}");

    // Restore: refused outside the allowed roots (even for admin), done inside.
    let (s, v) = curl(
        "POST",
        &format!("{base}/api/v1/dr/restore"),
        Some(&tok["admin"]),
        Some(&format!(
            r#"{{"snapshot":"{snap}","target":"{}"}}"#,
            env.path("elsewhere").display()
        )),
    );
    assert_eq!(s, 403, "{v}");
    assert!(!env.path("elsewhere").exists());
    let target = env.path("restore/docs");
    let (s, v) = curl(
        "POST",
        &format!("{base}/api/v1/dr/restore"),
        Some(&tok["service"]),
        Some(&format!(
            r#"{{"snapshot":"{snap}","target":"{}"}}"#,
            target.display()
        )),
    );
    assert_eq!(s, 202, "{v}");
    let job = wait_job(&base, &tok["service"], v["data"]["id"].as_str().unwrap());
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_same_tree(&src, &target);

    // Deleting is admin only; the service role works append-only.
    let (s, _) = curl(
        "POST",
        &format!("{base}/api/v1/dr/forget"),
        Some(&tok["service"]),
        Some(r#"{"spec":"docs"}"#),
    );
    assert_eq!(s, 403);
    let (s, v) = curl(
        "POST",
        &format!("{base}/api/v1/dr/forget"),
        Some(&tok["admin"]),
        Some(r#"{"spec":"docs"}"#),
    );
    assert_eq!(s, 202, "{v}");
    let job = wait_job(&base, &tok["admin"], v["data"]["id"].as_str().unwrap());
    assert_eq!(job["state"], "succeeded", "{job}");

    // Metrics.
    let out = Command::new("curl")
        .args(["-s", &format!("{base}/metrics")])
        .output()
        .unwrap();
    let m = String::from_utf8_lossy(&out.stdout);
    assert!(
        m.contains("dr_backup_total{spec=\"docs\",outcome=\"success\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("dr_last_success_timestamp_seconds{spec=\"docs\"}"),
        "{m}"
    );
    assert!(
        m.contains("http_requests_total{route=\"/api/v1/dr/backup\""),
        "{m}"
    );
    assert!(!m.contains(&snap), "no snapshot ids in labels");

    // A revoked token stops working at once.
    env.run(&["token", "revoke", "--config", cfg_s, "analyst"])
        .ok();
    let (s, _) = curl(
        "GET",
        &format!("{base}/api/v1/dr/snapshots"),
        Some(&tok["analyst"]),
        None,
    );
    assert_eq!(s, 401);

    let (_, h) = curl("GET", &format!("{base}/healthz"), None, None);
    let head = format!(
        "{}:{}",
        h["data"]["audit_head"]["seq"],
        h["data"]["audit_head"]["hash"].as_str().unwrap()
    );
    drop(server);

    // The audit trail is intact, holds every mutating call, and tampering is found.
    let log = env.path("state/audit.jsonl");
    env.run(&[
        "audit",
        "verify",
        "--log",
        log.to_str().unwrap(),
        "--head",
        &head,
    ])
    .ok();
    let text = std::fs::read_to_string(&log).unwrap();
    for action in [
        "\"backup\"",
        "\"job.backup\"",
        "\"restore\"",
        "\"job.restore\"",
        "\"verify\"",
        "\"forget\"",
    ] {
        assert!(text.contains(action), "{action} missing from the audit log");
    }
    assert!(text.contains("\"refused\""), "refusals are audited");
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&log, lines[..lines.len() - 2].join("\n") + "\n").unwrap();
    let r = env
        .run(&[
            "audit",
            "verify",
            "--log",
            log.to_str().unwrap(),
            "--head",
            &head,
        ])
        .code(6);
    assert!(r.stderr.contains("truncated"), "{}", r.stderr);
    std::fs::write(&log, text.replacen("\"backup\"", "\"backuq\"", 1)).unwrap();
    let r = env
        .run(&["audit", "verify", "--log", log.to_str().unwrap()])
        .code(6);
    assert!(r.stderr.contains("edited"), "{}", r.stderr);
}

#[test]
fn a_bad_config_is_a_startup_error_naming_the_line() {
    let env = Env::new();
    let cfg = env.path("bad.toml");
    std::fs::write(&cfg, "audit-log = \"/tmp/a\"\ntokens = \"/tmp/t\"\n[[spec]]\nname = \"x\"\nrepository = \"main\"\npaths = [\"/x\"]\nschedule = \"61 * * * *\"\n").unwrap();
    let r = env.run(&["serve", "--config", cfg.to_str().unwrap()]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("bad.toml"), "{}", r.stderr);
    std::fs::write(
        &cfg,
        "audit-log = \"/tmp/a\"\ntokens = \"/tmp/t\"\nlisten = \"127.0.0.1:1\"\nfrobnicate = 1\n",
    )
    .unwrap();
    let r = env.run(&["serve", "--config", cfg.to_str().unwrap()]);
    assert!(
        r.stderr.contains("line 4") && r.stderr.contains("frobnicate"),
        "{}",
        r.stderr
    );
    let r = env.run(&[
        "serve",
        "--config",
        env.path("missing.toml").to_str().unwrap(),
    ]);
    assert!(r.stderr.contains("no config"), "{}", r.stderr);
}

#[test]
fn the_scheduler_backs_up_and_runs_the_gate_and_a_restart_keeps_the_gate_report() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    env.repo(&env.path("repo"), &["init"]).ok();
    let port = free_port();
    let cfg = write_config(&env, port, &src);
    // Every 2 seconds a backup; the gate every 3 seconds.
    let text = std::fs::read_to_string(&cfg).unwrap().replace(
        "tags = [\"api\"]",
        "tags = [\"api\"]\nschedule = \"*/2 * * * * *\"",
    ) + "[gate]\nschedule = \"*/3 * * * * *\"\n";
    std::fs::write(&cfg, text).unwrap();
    let cfg_s = cfg.to_str().unwrap();
    let analyst = token(&env, cfg_s, "analyst");
    let (server, base) = start(&env, cfg_s, port);

    // Scheduled backups appear as snapshots of the spec, without any request.
    let snaps = eventually(Duration::from_secs(120), "two scheduled backups", || {
        let (_, v) = curl(
            "GET",
            &format!("{base}/api/v1/dr/snapshots?spec=docs"),
            Some(&analyst),
            None,
        );
        let a = v["data"].as_array().cloned().unwrap_or_default();
        (a.len() >= 2).then_some(a)
    });
    assert!(
        snaps
            .iter()
            .all(|s| s["spec"] == "docs" && s["incomplete"] == false),
        "{snaps:?}"
    );

    // A scheduled gate run whose integrity check saw a snapshot restore.
    let report = eventually(Duration::from_secs(180), "a passing dr_integrity", || {
        let (s, v) = curl(
            "GET",
            &format!("{base}/api/v1/dr/gate"),
            Some(&analyst),
            None,
        );
        let r = v["data"].clone();
        let ok = s == 200
            && r["checks"]
                .as_array()?
                .iter()
                .any(|c| c["id"] == "dr_integrity" && c["pass"] == true);
        ok.then_some(r)
    });
    assert_eq!(report["version"], 2, "{report}");
    assert!(
        report["seed"].is_string(),
        "the seed survives JavaScript: {report}"
    );
    let spec = &report["specs"][0];
    assert!(spec["rpo_seconds"].as_i64().unwrap() >= 0, "{report}");
    assert!(spec["rto_seconds"].as_f64().unwrap() > 0.0, "{report}");
    let metrics = Command::new("curl")
        .args(["-s", &format!("{base}/metrics")])
        .output()
        .unwrap();
    let metrics = String::from_utf8_lossy(&metrics.stdout).to_string();
    for want in [
        "dr_gate_pass{check=\"dr_integrity\"} 1",
        "dr_rpo_seconds{spec=\"docs\"}",
        "dr_rto_seconds{spec=\"docs\"}",
        "dr_backup_total{spec=\"docs\",outcome=\"success\"}",
        "dr_retained_total{repository=\"main\"} 0",
    ] {
        assert!(metrics.contains(want), "missing {want}:\n{metrics}");
    }
    // The artifacts are where the config says (beside the audit log).
    for f in [
        "rg7_report.json",
        "DR_SUMMARY.md",
        "rg7_badge.svg",
        "sample_manifest.json",
    ] {
        assert!(env.path("state/rg7").join(f).is_file(), "{f}");
    }
    // The scheduler's work is in the audit trail, as the scheduler.
    let audit = std::fs::read_to_string(env.path("state/audit.jsonl")).unwrap();
    assert!(
        audit.contains("\"job.backup\"") && audit.contains("\"job.gate\""),
        "{audit}"
    );
    assert!(audit.contains("\"actor\":\"scheduler\""), "{audit}");
    drop(server);

    // Restarted with no schedule: the last report is still served.
    let text = std::fs::read_to_string(&cfg).unwrap();
    let text = text.replace("schedule = \"*/2 * * * * *\"\n", "");
    let text = text.replace("[gate]\nschedule = \"*/3 * * * * *\"\n", "");
    std::fs::write(&cfg, text).unwrap();
    let on_disk: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path("state/rg7/rg7_report.json")).unwrap())
            .unwrap();
    let (_server, base) = start(&env, cfg_s, port);
    let (s, v) = curl(
        "GET",
        &format!("{base}/api/v1/dr/gate"),
        Some(&analyst),
        None,
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["time"], on_disk["time"]);
}

/// Backs up spec `docs` through the API as admin and restores the snapshot
/// into `restore/NAME`, with a server whose only credential for the
/// repository is `creds` (config lines).
fn backup_and_restore_with(env: &Env, name: &str, creds: &str) {
    let src = env.path("src");
    let port = free_port();
    std::fs::create_dir_all(env.path("restore")).unwrap();
    let cfg = ServerToml::new(&env.path(&format!("state-{name}")))
        .listen(port)
        .repository("main", env.path("repo"), creds)
        .spec("docs", "main", &[&src], "")
        .allow_roots(&[env.path("restore")])
        .write(&env.path(&format!("{name}.toml")));
    let cfg_s = cfg.to_str().unwrap();
    let admin = token(env, cfg_s, "admin");
    let (_server, base) = start(env, cfg_s, port);
    let (s, v) = curl(
        "POST",
        &format!("{base}/api/v1/dr/backup"),
        Some(&admin),
        Some(r#"{"spec":"docs"}"#),
    );
    assert_eq!(s, 202, "{v}");
    let job = wait_job(&base, &admin, v["data"]["id"].as_str().unwrap());
    assert_eq!(job["state"], "succeeded", "{name}: {job}");
    let snap = job["result"]["snapshot_id"].as_str().unwrap().to_string();
    let target = env.path(&format!("restore/{name}"));
    let (s, v) = curl(
        "POST",
        &format!("{base}/api/v1/dr/restore"),
        Some(&admin),
        Some(&format!(
            r#"{{"snapshot":"{snap}","target":"{}"}}"#,
            target.display()
        )),
    );
    assert_eq!(s, 202, "{v}");
    let job = wait_job(&base, &admin, v["data"]["id"].as_str().unwrap());
    assert_eq!(job["state"], "succeeded", "{name}: {job}");
    assert_eq!(all_files(&target), all_files(&src), "{name}");
}

#[test]
fn the_server_unlocks_through_an_age_identity_and_through_openbao_transit() {
    let env = Env::new();
    let bao = bao::Bao::start(&env);
    make_tree(&env.path("src"));
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    // An age slot and a Vault/OpenBao transit slot beside the passphrase.
    let (identity, recipient) = age_identity(&env, "server.age");
    env.repo(&repo, &["keys", "add", "--age-recipient", &recipient])
        .ok();
    let mut c = env.cmd();
    c.env("VAULT_ADDR", &bao.addr)
        .env("VAULT_TOKEN", "root")
        .arg("-r")
        .arg(&repo)
        .args(["keys", "add", "--vault-transit"])
        .arg(format!("{}/transit/cairn", bao.addr));
    run(&mut c).ok();
    // A real (random) token for the server, in a file as the config wants it.
    let token = bao.post("auth/token/create", "root", serde_json::json!({}))["auth"]
        ["client_token"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(env.path("vault-token"), format!("{token}\n")).unwrap();

    // Neither server knows the passphrase: each opens the repository only
    // through its one outside credential.
    backup_and_restore_with(
        &env,
        "age",
        &format!("age-identity = \"{}\"", identity.display()),
    );
    backup_and_restore_with(
        &env,
        "vault",
        &format!(
            "vault-addr = \"{}\"\nvault-token-file = \"{}\"",
            bao.addr,
            env.path("vault-token").display()
        ),
    );
    // With OpenBao down, the vault-only server cannot open the repository:
    // the transit slot is really what unlocked it.
    drop(bao);
    let port = free_port();
    let cfg = ServerToml::new(&env.path("state-down"))
        .listen(port)
        .repository(
            "main",
            env.path("repo"),
            &format!(
                "vault-addr = \"http://127.0.0.1:{}\"\nvault-token-file = \"{}\"",
                free_port(),
                env.path("vault-token").display()
            ),
        )
        .spec("docs", "main", &[env.path("src")], "")
        .write(&env.path("down.toml"));
    let p = env.run(&["plan", "docs", "--config", cfg.to_str().unwrap(), "--json"]);
    assert_ne!(p.code, 0, "{}", p.stdout);
    assert!(p.stderr.contains("Vault server"), "{}", p.stderr);
}

#[test]
fn the_server_unlocks_through_an_aws_kms_slot() {
    let env = Env::new();
    let moto = cairn_test_support::Moto::start(&env.path("moto.log"));
    let arn = moto.kms_key();
    make_tree(&env.path("src"));
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    add_kms_slot(&env, &repo, &moto.endpoint, &arn);
    // The server's credentials: the conventional shared credentials file in
    // its home (environment variables, when the test command sets them, come
    // first in the chain; moto takes either).
    std::fs::create_dir_all(env.path("home/.aws")).unwrap();
    std::fs::write(
        env.path("home/.aws/credentials"),
        "[default]\naws_access_key_id = AKIACAIRNSERVE000001\naws_secret_access_key = cairn-serve-secret\n",
    )
    .unwrap();
    let creds = format!("aws-kms = true\naws-kms-endpoint = \"{}\"", moto.endpoint);
    // No passphrase in the config: KMS alone opens the repository.
    backup_and_restore_with(&env, "kms", &creds);
    // With KMS down, the server cannot open it: the KMS slot really was
    // what unlocked it.
    drop(moto);
    let cfg = ServerToml::new(&env.path("state-down"))
        .listen(free_port())
        .repository("main", env.path("repo"), &creds)
        .spec("docs", "main", &[env.path("src")], "")
        .write(&env.path("down.toml"));
    let p = env.run(&["plan", "docs", "--config", cfg.to_str().unwrap(), "--json"]);
    assert_ne!(p.code, 0, "{}", p.stdout);
    assert!(p.stderr.contains("AWS KMS Decrypt"), "{}", p.stderr);
}

#[test]
fn a_hand_made_backup_of_a_specs_paths_counts_as_the_specs_and_another_does_not() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let other = env.path("other");
    make_tree(&other);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    // `cairn backup` records no spec: it belongs to spec docs by its paths only.
    let mine = env
        .repo(&repo, &["backup", src.to_str().unwrap(), "--json"])
        .ok()
        .json()["snapshot_id"]
        .as_str()
        .unwrap()
        .to_string();
    env.repo(&repo, &["backup", other.to_str().unwrap()]).ok();
    let port = free_port();
    let cfg = write_config(&env, port, &src);
    let cfg_s = cfg.to_str().unwrap();
    let admin = token(&env, cfg_s, "admin");
    let (_server, base) = start(&env, cfg_s, port);
    let (s, v) = curl(
        "GET",
        &format!("{base}/api/v1/dr/snapshots?spec=docs"),
        Some(&admin),
        None,
    );
    assert_eq!(s, 200, "{v}");
    let rows = v["data"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{v}");
    assert_eq!(rows[0]["id"], mine.as_str(), "{v}");
    // The same rule picks `latest` for a restore of the spec: never the
    // newer backup of another folder.
    let target = env.path("restore/latest");
    let (s, v) = curl(
        "POST",
        &format!("{base}/api/v1/dr/restore"),
        Some(&admin),
        Some(&format!(
            r#"{{"snapshot":"latest","target":"{}"}}"#,
            target.display()
        )),
    );
    assert_eq!(s, 202, "{v}");
    let job = wait_job(&base, &admin, v["data"]["id"].as_str().unwrap());
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["result"]["snapshot_id"], mine.as_str(), "{job}");
}

/// The audit log's records whose action is `action`.
fn audit_records(env: &Env, action: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(env.path("state/audit.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["action"] == action)
        .collect()
}

#[test]
fn a_substituted_repository_stops_jobs_until_an_admin_accepts_it_and_unlock_is_audited() {
    let (env, _src, repo, port) = served();
    let cfg = env.path("cairn.toml");
    let cfg_s = cfg.to_str().unwrap();
    let admin = token(&env, cfg_s, "admin");
    let service = token_named(&env, cfg_s, "service", "s");
    let (_server, base) = start(&env, cfg_s, port);
    let first = backup_of(&base, &service, "docs");
    assert_eq!(first["state"], "succeeded", "{first}");

    // The attacker (or a careless colleague) puts another repository, with
    // the same passphrase, where the server's one was.
    std::fs::rename(&repo, env.path("repo.orig")).unwrap();
    env.repo(&repo, &["init"]).ok();
    let job = backup_of(&base, &service, "docs");
    assert_eq!(job["state"], "failed", "{job}");
    let err = job["error"].to_string();
    assert!(
        err.contains("not the repository you used before") && err.contains("/api/v1/dr/trust"),
        "{job}"
    );
    let written = std::fs::read_dir(repo.join("snapshots")).map_or(0, |d| d.count());
    assert_eq!(written, 0, "nothing may be written into the substitute");

    let (s, v) = curl(
        "GET",
        &format!("{base}/api/v1/dr/trust"),
        Some(&service),
        None,
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["trust"]["will_refuse"], true, "{v}");
    let pinned = v["data"]["trust"]["pin"]["repository_id"].clone();
    // Only an admin may accept it, and the refusal is audited too.
    let accept = |t: &str| {
        call(
            &base,
            t,
            "POST",
            "/api/v1/dr/trust",
            Some(r#"{"repository":"main"}"#),
        )
    };
    assert_eq!(accept(&service).0, 403);
    let (s, v) = accept(&admin);
    assert_eq!(s, 200, "{v}");
    assert!(v["audit_id"].is_number(), "{v}");
    assert_eq!(v["data"]["accepted"]["previous"]["repository_id"], pinned);
    assert_ne!(v["data"]["accepted"]["pin"]["repository_id"], pinned);
    assert_eq!(backup_of(&base, &service, "docs")["state"], "succeeded");
    let trust = audit_records(&env, "POST /api/v1/dr/trust");
    assert_eq!(trust.len(), 1, "the refused attempt: {trust:?}");
    assert_eq!(trust[0]["outcome"], "refused");
    let trust = audit_records(&env, "trust");
    assert_eq!(trust.len(), 1, "{trust:?}");
    assert_eq!(trust[0]["outcome"], "done");
    assert!(
        trust[0]["actor"].as_str().unwrap().ends_with(":a")
            && trust[0]["detail"]
                .as_str()
                .unwrap()
                .contains("replaces repository"),
        "{trust:?}"
    );

    // A lock lapsed by the storage's clock (an hour old) is removed by an
    // admin's unlock; the service role may not.
    std::fs::create_dir_all(repo.join("locks")).unwrap();
    let lock = repo.join("locks/000000000001-00000000000000aa");
    let body = serde_json::json!({
        "version": 1, "mode": "exclusive", "purpose": "prune", "host": "gone",
        "pid": 4242, "created": "2026-01-01T00:00:00Z", "expires": "2026-01-01T00:30:00Z",
    });
    std::fs::write(&lock, serde_json::to_vec(&body).unwrap()).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&lock)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    let unlock = |t: &str| call(&base, t, "POST", "/api/v1/dr/unlock", Some("{}"));
    assert_eq!(unlock(&service).0, 403);
    assert!(lock.exists());
    let (s, v) = unlock(&admin);
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v["data"]["unlock"]["removed"][0]["name"], "000000000001-00000000000000aa",
        "{v}"
    );
    assert!(!lock.exists());
    let unlocks = audit_records(&env, "unlock");
    assert_eq!(unlocks.len(), 1, "{unlocks:?}");
    assert!(
        unlocks[0]["detail"]
            .as_str()
            .unwrap()
            .contains("removed 1 lock(s)"),
        "{unlocks:?}"
    );
}

/// docs/SERVER.md's example config, its absolute paths moved below `dir`
/// and its port made free; nothing else changed.
fn server_md_example(dir: &Path, port: u16) -> String {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/SERVER.md"))
            .unwrap();
    let block = doc.split("```toml\n").nth(1).unwrap();
    let block = block.split("```").next().unwrap();
    let d = dir.display();
    block
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"))
        .replace("\"/var/lib/cairn", &format!("\"{d}/var/lib/cairn"))
        .replace("\"/srv/", &format!("\"{d}/srv/"))
        .replace("\"/etc/cairn", &format!("\"{d}/etc/cairn"))
        .replace("\"/home\"", &format!("\"{d}/home\""))
}

#[test]
fn the_example_config_of_server_md_runs_as_written_and_serve_says_where_it_listens() {
    let env = Env::new();
    let d = env.path("root");
    for p in ["etc/cairn", "var/lib/cairn", "srv/restore", "home"] {
        std::fs::create_dir_all(d.join(p)).unwrap();
    }
    std::fs::write(d.join("etc/cairn/main.pass"), "test passphrase\n").unwrap();
    std::fs::write(d.join("etc/cairn/offsite.pass"), "test passphrase\n").unwrap();
    env.repo(&d.join("srv/backup/repo"), &["init"]).ok();
    env.repo(&d.join("srv/offsite/repo"), &["init"]).ok();
    let port = free_port();
    let cfg = env.path("cairn.toml");
    std::fs::write(&cfg, server_md_example(&d, port)).unwrap();
    let cfg_s = cfg.to_str().unwrap();
    let admin = token(&env, cfg_s, "admin");
    let log = env.path("serve.log");
    let mut server = env
        .cmd()
        .args(["serve", "--config", cfg_s])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    eventually(Duration::from_secs(30), "the server to answer", || {
        (curl("GET", &format!("{base}/healthz"), None, None).0 == 200).then_some(())
    });
    let (s, v) = curl(
        "GET",
        &format!("{base}/api/v1/dr/specs"),
        Some(&admin),
        None,
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"][0]["name"], "home", "{v}");
    // One line at start naming the address, one at stop with the audit
    // head, at the default log level, and no colour codes in a file.
    let term = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("cairn serve listening") && text.contains(&format!("127.0.0.1:{port}")),
        "{text}"
    );
    assert!(text.contains("audit head at shutdown"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
}

/// `cairn serve --config CFG` with stderr to `log`.
fn spawn_logged(env: &Env, cfg: &Path, log: &Path, extra: &[&str]) -> Server {
    Server(
        env.cmd()
            .args(["serve", "--config", cfg.to_str().unwrap(), "--jitter", "0s"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .unwrap(),
    )
}

/// Waits until plain HTTP on the loopback `port` answers /healthz.
fn answering(port: u16) {
    let url = format!("http://127.0.0.1:{port}/healthz");
    eventually(Duration::from_secs(30), "the server to answer", || {
        (curl("GET", &url, None, None).0 == 200).then_some(())
    });
}

fn signal(server: &Server, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn a_renewed_certificate_is_served_after_sighup_and_a_broken_one_is_not() {
    let env = Env::new();
    let old_ca = TestCa::new("old CA");
    let old_pem = old_ca.write(&env.path("old-ca.pem"));
    let files = old_ca.server(&env.path("tls"));
    let port = free_port();
    let cfg = ServerToml::new(&env.path("state"))
        .listen(port)
        .tls(&files, None)
        .write(&env.path("cairn.toml"));
    let log = env.path("serve.log");
    let server = spawn_logged(&env, &cfg, &log, &[]);
    let url = format!("https://127.0.0.1:{port}/healthz");
    let trusting =
        |ca: &Path| curl_with("GET", &url, None, None, &["--cacert", ca.to_str().unwrap()]).0;
    eventually(
        Duration::from_secs(30),
        "the server to answer over TLS",
        || (trusting(&old_pem) == 200).then_some(()),
    );
    // The certificate is renewed in place (by a new CA, so the two are told
    // apart); the server keeps the old one until SIGHUP.
    let new_ca = TestCa::new("new CA");
    let new_pem = new_ca.write(&env.path("new-ca.pem"));
    new_ca.server(&env.path("tls"));
    assert_eq!(trusting(&old_pem), 200);
    signal(&server, "-HUP");
    eventually(Duration::from_secs(10), "the renewed certificate", || {
        (trusting(&new_pem) == 200).then_some(())
    });
    assert_eq!(trusting(&old_pem), 0, "the old certificate is gone");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("INFO SIGHUP: TLS certificate and key reloaded"),
        "{text}"
    );
    // A half-written key: the reload fails, the server keeps serving.
    std::fs::write(&files.key, "-----BEGIN PRIVATE KEY-----\nAAAA\n").unwrap();
    signal(&server, "-HUP");
    eventually(
        Duration::from_secs(10),
        "the failed reload in the log",
        || {
            std::fs::read_to_string(&log)
                .unwrap()
                .contains("TLS reload failed")
                .then_some(())
        },
    );
    assert_eq!(trusting(&new_pem), 200);
}

#[test]
fn plaintext_beyond_loopback_needs_insecure_plaintext_and_is_warned_at_every_start() {
    let env = Env::new();
    let port = free_port();
    let toml = ServerToml::new(&env.path("state")).listen_addr(&format!("0.0.0.0:{port}"));
    let cfg = toml.write(&env.path("cairn.toml"));
    let refused = env.run(&["serve", "--config", cfg.to_str().unwrap()]);
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("refusing to serve plaintext")
            && refused.stderr.contains("insecure-plaintext = true"),
        "{}",
        refused.stderr
    );
    let cfg = toml
        .setting("insecure-plaintext = true")
        .write(&env.path("cairn.toml"));
    for start in 0..2 {
        let log = env.path(&format!("serve-{start}.log"));
        let server = spawn_logged(&env, &cfg, &log, &[]);
        answering(port);
        drop(server);
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(text.contains("insecure-plaintext"), "start {start}: {text}");
    }
}

#[test]
fn token_changes_are_audited_and_audit_verify_json_reports_a_failure_too() {
    let env = Env::new();
    let cfg = ServerToml::new(&env.path("state"))
        .listen(free_port())
        .write(&env.path("cairn.toml"));
    let cfg_s = cfg.to_str().unwrap();
    token_named(&env, cfg_s, "service", "ci");
    env.run(&["token", "revoke", "--config", cfg_s, "ci"]).ok();
    let created = audit_records(&env, "token.create");
    assert_eq!(created.len(), 1, "{created:?}");
    assert!(created[0]["actor"].as_str().unwrap().starts_with("cli:"));
    assert!(created[0]["target"].as_str().unwrap().ends_with(":ci"));
    assert_eq!(created[0]["detail"], "role service");
    let revoked = audit_records(&env, "token.revoke");
    assert_eq!(revoked[0]["target"], "ci", "{revoked:?}");

    let ok = env
        .run(&["audit", "verify", "--config", cfg_s, "--json"])
        .ok()
        .json();
    assert_eq!(ok["ok"], true, "{ok}");
    assert!(ok["macs_checked"].as_u64().unwrap() >= 3, "{ok}");
    let log = env.path("state/audit.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(&log, text.replacen("token.revoke", "token.nothing", 1)).unwrap();
    let bad = env
        .run(&["audit", "verify", "--config", cfg_s, "--json"])
        .code(6);
    let v: serde_json::Value = serde_json::from_str(&bad.stdout).unwrap();
    assert_eq!(v["ok"], false, "{v}");
    assert!(v["error"].as_str().unwrap().contains("edited"), "{v}");
}

#[test]
fn bad_restore_and_verify_input_is_refused_at_submission_and_is_no_verify_failure() {
    let env = Env::new();
    let (docs, other) = (env.path("src"), env.path("other"));
    make_tree(&docs);
    make_tree(&other);
    env.repo(&env.path("repo"), &["init"]).ok();
    let port = free_port();
    let cfg = serve_config(&env, port, &[("docs", &docs, ""), ("other", &other, "")]);
    let cfg_s = cfg.to_str().unwrap();
    let tok = token(&env, cfg_s, "service");
    let (_server, base) = start(&env, cfg_s, port);
    let id = backup_of(&base, &tok, "docs")["result"]["snapshot_id"]
        .as_str()
        .unwrap()
        .to_string();
    let target = env.path("restore/x");
    let target = target.to_str().unwrap();
    let restore = |spec: &str, snapshot: &str| {
        let body = serde_json::json!({"spec": spec, "snapshot": snapshot, "target": target});
        call(
            &base,
            &tok,
            "POST",
            "/api/v1/dr/restore",
            Some(&body.to_string()),
        )
    };
    let verify = |snapshot: &str, body: &str| {
        call(
            &base,
            &tok,
            "POST",
            &format!("/api/v1/dr/verify/{snapshot}"),
            Some(body),
        )
    };
    for (what, (status, v), says) in [
        ("not hex", restore("docs", "zzzzzzzz"), "hex digits"),
        ("too short", restore("docs", "abc"), "hex digits"),
        (
            "unknown id",
            restore("docs", "deadbeefdeadbeef"),
            "no snapshot",
        ),
        (
            "another spec's",
            restore("other", &id),
            "not one of spec \"other\"",
        ),
        (
            "nothing yet",
            restore("other", "latest"),
            "no snapshots yet",
        ),
        (
            "bad subset",
            verify(&id, r#"{"spec": "docs", "read_data_subset": "150%"}"#),
            "read_data_subset",
        ),
        (
            "verify elsewhere",
            verify(&id, r#"{"spec": "other"}"#),
            "not one of spec",
        ),
        ("array body", verify(&id, r#"["docs"]"#), "JSON object"),
    ] {
        assert!([400, 403, 404].contains(&status), "{what}: {status} {v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains(says),
            "{what}: {v}"
        );
        assert!(v["data"].is_null(), "{what}: no job was queued: {v}");
    }
    // The right spec and id are accepted; none of the above counts as damage.
    let (s, v) = verify(&id, r#"{"spec": "docs"}"#);
    assert_eq!(s, 202, "{v}");
    assert_eq!(
        wait_job(&base, &tok, v["data"]["id"].as_str().unwrap())["state"],
        "succeeded"
    );
    let metrics = Command::new("curl")
        .args(["-s", &format!("{base}/metrics")])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&metrics.stdout);
    assert!(text.contains("dr_verify_failures_total 0"), "{text}");
}

#[test]
fn a_restart_seeds_the_per_spec_gauges_from_the_newest_snapshot() {
    let (env, _src, _repo, port) = served();
    let cfg = env.path("cairn.toml");
    let cfg_s = cfg.to_str().unwrap();
    let tok = token(&env, cfg_s, "service");
    let (server, base) = start(&env, cfg_s, port);
    assert_eq!(backup_of(&base, &tok, "docs")["state"], "succeeded");
    drop(server);
    // After a restart, before any backup: the gauges an RPO alert reads.
    let (_server, base) = start(&env, cfg_s, port);
    let text = eventually(Duration::from_secs(20), "seeded gauges", || {
        let out = Command::new("curl")
            .args(["-s", &format!("{base}/metrics")])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        text.contains("dr_last_success_timestamp_seconds{spec=\"docs\"}")
            .then_some(text)
    });
    assert!(
        text.lines()
            .any(|l| l.starts_with("dr_backup_bytes{spec=\"docs\"}") && !l.ends_with(" 0")),
        "{text}"
    );
}

/// What `cairn serve EXTRA` (no specs) logs from its start to its stop on
/// SIGTERM, stderr being a file.
fn log_of_a_start_and_stop(extra: &[&str]) -> String {
    let env = Env::new();
    let port = free_port();
    let cfg = ServerToml::new(&env.path("state"))
        .listen(port)
        .write(&env.path("cairn.toml"));
    let log = env.path("serve.log");
    let server = spawn_logged(&env, &cfg, &log, extra);
    answering(port);
    signal(&server, "-TERM");
    eventually(Duration::from_secs(20), "the shutdown line", || {
        let t = std::fs::read_to_string(&log).unwrap();
        t.contains("audit head at shutdown").then_some(t)
    })
}

#[test]
fn log_format_json_writes_one_object_per_line() {
    let text = log_of_a_start_and_stop(&["--log-format", "json"]);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["fields"]["message"] == "cairn serve listening" && l["level"] == "INFO"),
        "{text}"
    );
}

/// A spec whose source is a command (a database dump): its output is one
/// file in the snapshot; a failing command fails the job and stores nothing.
#[test]
fn a_command_spec_stores_its_output_and_a_failing_one_stores_nothing() {
    let (env, port, cfg) = command_specs(&[
        (
            "db",
            r#"command = ["sh", "-c", "printf 'CREATE TABLE t (x int);\n'"]
command-filename = "db.sql""#,
        ),
        (
            "broken",
            r#"command = ["sh", "-c", "printf partial; exit 4"]"#,
        ),
    ]);
    let cfg = cfg.to_str().unwrap();
    let tok = token(&env, cfg, "service");
    let (_server, base) = start(&env, cfg, port);
    let job = backup_of(&base, &tok, "db");
    assert_eq!(job["state"], "succeeded", "{job}");
    let cat = env
        .repo(&env.path("repo"), &["cat", "latest", "db.sql"])
        .ok();
    assert_eq!(cat.stdout, "CREATE TABLE t (x int);\n");
    let job = backup_of(&base, &tok, "broken");
    assert_eq!(job["state"], "failed", "{job}");
    assert!(
        job["error"].as_str().unwrap().contains("exit status: 4"),
        "{job}"
    );
    assert_eq!(snapshot_ids(&env, &env.path("repo")).len(), 1);
}

/// "What ran last night" after a reboot: finished jobs are listed by
/// `GET /api/v1/dr/jobs` (filterable) and found by id after the server was
/// killed and started again.
#[test]
fn job_history_survives_a_killed_server() {
    let (env, _src, _repo, port) = served();
    let cfg = env.path("cairn.toml");
    let cfg_s = cfg.to_str().unwrap();
    let tok = token(&env, cfg_s, "service");
    let (server, base) = start(&env, cfg_s, port);
    let job = backup_of(&base, &tok, "docs");
    assert_eq!(job["state"], "succeeded");
    let id = job["id"].as_str().unwrap().to_string();
    drop(server); // SIGKILL: no orderly shutdown
    let (_server, base) = start(&env, cfg_s, port);
    let (s, v) = get(&base, &tok, &format!("/api/v1/dr/jobs/{id}"));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["state"], "succeeded", "{v}");
    assert!(v["data"]["result"]["snapshot_id"].is_string(), "{v}");
    let all = job_list(&base, &tok, "");
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["id"], id.as_str());
    let filtered = job_list(&base, &tok, "?spec=docs&state=succeeded&kind=backup");
    assert_eq!(filtered.len(), 1);
    assert!(job_list(&base, &tok, "?state=failed").is_empty());
    assert_eq!(get(&base, &tok, "/api/v1/dr/jobs?bogus=1").0, 400);
}

/// `--grace` is a deadline: the jobs still running when it passes are told
/// to stop through the core's cancellation point (their repository locks
/// released and marked lost), given a moment, and recorded as cancelled;
/// one that reaches its lock check stops there, one that does not (blocked
/// on its command) is cut short by the exit. The server exits without
/// waiting for it, leaves no lock behind, and the audit log's
/// `server.stopped` entry is the last one.
#[test]
fn jobs_running_past_the_grace_period_are_stopped_and_cancelled_and_the_server_exits() {
    let (env, port, cfg) = command_specs(&[
        ("slow", r#"command = ["sleep", "60"]"#),
        (
            "settling",
            r#"command = ["sh", "-c", "printf data; sleep 3"]"#,
        ),
    ]);
    let cfg = cfg.to_str().unwrap();
    let tok = token(&env, cfg, "service");
    let (mut server, base) = start_server(&env, cfg, port, "1");
    let mut ids = Vec::new();
    for spec in ["slow", "settling"] {
        let body = format!(r#"{{"spec":"{spec}"}}"#);
        let (s, v) = call(&base, &tok, "POST", "/api/v1/dr/backup", Some(&body));
        assert_eq!(s, 202, "{v}");
        ids.push(v["data"]["id"].as_str().unwrap().to_string());
    }
    let locks = env.path("repo/locks");
    // Locks, not stop notes: a job stopped with packs stored that no index
    // names leaves a note of them for the next backup (docs/FORMAT.md §16).
    let held = || {
        std::fs::read_dir(&locks).map_or(0, |d| {
            d.filter(|e| {
                // One removed since the listing is not held.
                std::fs::read(e.as_ref().unwrap().path())
                    .ok()
                    .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                    .is_some_and(|r| r.get("stopped").is_none())
            })
            .count()
        })
    };
    eventually(
        Duration::from_secs(20),
        "the jobs to run, each under a lock",
        || {
            let running = |id: &String| {
                get(&base, &tok, &format!("/api/v1/dr/jobs/{id}")).1["data"]["state"] == "running"
            };
            (ids.iter().all(running) && held() == 2).then_some(())
        },
    );
    let t = Instant::now();
    let pid = server.0.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let status = eventually(Duration::from_secs(20), "the server to exit", || {
        server.0.try_wait().unwrap()
    });
    assert!(status.success(), "{status:?}");
    assert!(
        t.elapsed() < Duration::from_secs(15),
        "waited {:?} for a 60 s job",
        t.elapsed()
    );
    assert_eq!(held(), 0, "no lock is left behind");
    let log = std::fs::read_to_string(env.path("state/audit.jsonl")).unwrap();
    let last: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let n = last.len();
    assert_eq!(last[n - 1]["action"], "server.stopped", "{log}");
    assert_eq!(last[n - 1]["outcome"], "aborted", "{log}");
    assert!(
        last[n - 1]["detail"]
            .as_str()
            .unwrap()
            .starts_with("2 job(s)"),
        "{log}"
    );
    let detail = |id: &str| {
        let e = last
            .iter()
            .find(|e| e["action"] == "job.cancelled" && e["target"] == id);
        e.unwrap_or_else(|| panic!("no job.cancelled for {id}: {log}"))["detail"].clone()
    };
    assert_eq!(
        detail(&ids[0]),
        "grace period over; still running when the server exited"
    );
    assert_eq!(
        detail(&ids[1]),
        "grace period over; stopped before writing an index or snapshot"
    );
    // The history says so after a restart.
    let (_server, base) = start(&env, cfg, port);
    for id in &ids {
        let (s, v) = get(&base, &tok, &format!("/api/v1/dr/jobs/{id}"));
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["data"]["state"], "cancelled", "{v}");
    }
    assert!(snapshot_ids(&env, &env.path("repo")).is_empty());
}

/// What docs/SERVER.md says serve logs at the default level is on stderr,
/// without colours (stderr is a file here, not a terminal).
#[test]
fn the_log_lines_documented_at_the_default_level_are_shown_without_colours() {
    let text = log_of_a_start_and_stop(&[]);
    for line in [
        "INFO cairn serve listening",
        "scheme=http",
        "INFO shutting down: no new requests; waiting for running jobs",
        "INFO audit head at shutdown (record it to detect truncation)",
    ] {
        assert!(text.contains(line), "{line:?} is not in the log:\n{text}");
    }
    assert!(!text.contains('\x1b'), "colours in the log: {text:?}");
    // Each request is not among them: the default level is for the operator.
    assert!(!text.contains("route=/healthz"), "{text}");
}

/// A spec's `before` and `after` hooks: `after` learns the outcome and the
/// snapshot; a failing `before` skips the backup and the job says why.
#[test]
fn before_and_after_hooks_run_around_a_spec_backup() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = (dir.path().join("before"), dir.path().join("after"));
    let hooked = format!(
        r#"command = ["sh", "-c", "printf data"]
before = ["sh", "-c", "echo quiesced > '{}'; echo flushed 3 tables; echo slow disk >&2"]
after = ["sh", "-c", "echo $CAIRN_BACKUP_OUTCOME $CAIRN_SNAPSHOT_ID > '{}'"]"#,
        b.display(),
        a.display()
    );
    let blocked = r#"command = ["sh", "-c", "printf data"]
before = ["sh", "-c", "echo the database is busy >&2; exit 2"]"#;
    let (env, port, cfg) = command_specs(&[("hooked", &hooked), ("blocked", blocked)]);
    let cfg = cfg.to_str().unwrap();
    let tok = token(&env, cfg, "service");
    let (_server, base) = start(&env, cfg, port);
    let job = backup_of(&base, &tok, "hooked");
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(std::fs::read_to_string(&b).unwrap(), "quiesced\n");
    let snap = job["result"]["snapshot_id"].as_str().unwrap();
    assert_eq!(
        std::fs::read_to_string(&a).unwrap(),
        format!("success {snap}\n")
    );
    // What each hook printed is in the job's result.
    let hooks = job["result"]["hooks"].as_array().unwrap();
    assert_eq!(hooks.len(), 2, "{job}");
    assert_eq!(hooks[0]["hook"], "before");
    assert_eq!(hooks[0]["stdout"], "flushed 3 tables");
    assert_eq!(hooks[0]["stderr"], "slow disk");
    assert_eq!(hooks[1]["hook"], "after");
    let job = backup_of(&base, &tok, "blocked");
    assert_eq!(job["state"], "failed", "{job}");
    let err = job["error"].as_str().unwrap();
    assert!(
        err.contains("before hook") && err.contains("the database is busy"),
        "{err}"
    );
    assert_eq!(snapshot_ids(&env, &env.path("repo")).len(), 1);
}

/// What is wrong with `answer`, which `method path` answered with `status`,
/// by the schema the server's OpenAPI document `doc` publishes for it.
fn schema_errors(
    doc: &serde_json::Value,
    method: &str,
    path: &str,
    status: u16,
    answer: &serde_json::Value,
) -> Vec<String> {
    let route = path.replace('~', "~0").replace('/', "~1");
    let method_lc = method.to_lowercase();
    let at =
        format!("/paths/{route}/{method_lc}/responses/{status}/content/application~1json/schema");
    assert!(
        doc.pointer(&at).is_some(),
        "{method} {path} publishes no schema for {status}: {answer}"
    );
    // The whole document as the root, so `$ref`s into its components resolve.
    let mut root = doc.clone();
    // (A URI fragment: the template's braces percent-encoded.)
    let fragment = at.replace('{', "%7B").replace('}', "%7D");
    root["$ref"] = format!("#{fragment}").into();
    let validator = jsonschema::validator_for(&root).unwrap();
    validator
        .iter_errors(answer)
        .map(|e| format!("{e} (at {})", e.instance_path()))
        .collect()
}

/// Asserts that `answer` is valid by its published schema.
fn check_answer(
    doc: &serde_json::Value,
    method: &str,
    path: &str,
    status: u16,
    answer: &serde_json::Value,
) {
    let errors = schema_errors(doc, method, path, status, answer);
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: {errors:#?}\n{answer}"
    );
}

/// The OpenAPI document's schemas are what the server really answers: the
/// GET routes, a job of each kind a client starts most, an unlock, and
/// errors, from a running server, each validated against its published
/// schema.
#[test]
fn real_answers_match_the_schemas_the_server_publishes() {
    let (env, _src, _repo, port) = served();
    let cfg = env.path("cairn.toml");
    let cfg_s = cfg.to_str().unwrap();
    let admin = token(&env, cfg_s, "admin");
    let (_server, base) = start(&env, cfg_s, port);
    let (s, doc) = curl("GET", &format!("{base}/api/v1/openapi.json"), None, None);
    assert_eq!(s, 200, "{doc}");
    let checked = |method: &str, path: &str, concrete: &str, body: Option<&str>| {
        let (s, v) = call(&base, &admin, method, concrete, body);
        check_answer(&doc, method, path, s, &v);
        (s, v)
    };
    let job = |path: &str, concrete: &str, body: &str| {
        let (s, v) = checked("POST", path, concrete, Some(body));
        assert_eq!(s, 202, "{v}");
        let id = v["data"]["id"].as_str().unwrap().to_string();
        let done = wait_job(&base, &admin, &id);
        assert_eq!(done["state"], "succeeded", "{done}");
        checked(
            "GET",
            "/api/v1/dr/jobs/{id}",
            &format!("/api/v1/dr/jobs/{id}"),
            None,
        );
        done
    };
    let backup = job(
        "/api/v1/dr/backup",
        "/api/v1/dr/backup",
        r#"{"spec":"docs"}"#,
    );
    let snap = backup["result"]["snapshot_id"].as_str().unwrap();
    let verify = format!("/api/v1/dr/verify/{snap}");
    job(
        "/api/v1/dr/verify/{id}",
        &verify,
        r#"{"read_data_subset":"100%"}"#,
    );
    let target = env.path("restore/plan");
    let plan = serde_json::json!({"snapshot": snap, "target": target, "dry_run": true});
    job(
        "/api/v1/dr/restore",
        "/api/v1/dr/restore",
        &plan.to_string(),
    );
    job("/api/v1/dr/gate", "/api/v1/dr/gate", "{}");
    let (s, _) = checked("POST", "/api/v1/dr/unlock", "/api/v1/dr/unlock", Some("{}"));
    assert_eq!(s, 200);
    // Every GET route that answers JSON, with the backup job for a job's
    // `{id}` and its snapshot for a snapshot's.
    let mut seen = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let json = &ops["get"]["responses"]["200"]["content"]["application/json"];
        if json.is_null() {
            continue; // not a GET, or not JSON (the console page, the metrics)
        }
        let id = if path.starts_with("/api/v1/dr/snapshots/") {
            snap
        } else {
            backup["id"].as_str().unwrap()
        };
        let concrete = path.replace("{id}", id);
        let (s, v) = checked("GET", path, &concrete, None);
        assert_eq!(s, 200, "{path}: {v}");
        seen += 1;
    }
    assert!(seen >= 9, "{seen} GET routes");
    // The check can fail: a wrong answer, or an envelope with a stray field.
    let (_, mut health) = call(&base, &admin, "GET", "/healthz", None);
    health["data"]["jobs_active"] = "many".into();
    assert!(!schema_errors(&doc, "GET", "/healthz", 200, &health).is_empty());
    let (_, mut head) = call(&base, &admin, "GET", "/api/v1/dr/audit/head", None);
    head["extra"] = true.into();
    let errors = schema_errors(&doc, "GET", "/api/v1/dr/audit/head", 200, &head);
    assert!(!errors.is_empty(), "{head}");
    // Errors are in the error envelope.
    let (s, _) = checked(
        "GET",
        "/api/v1/dr/jobs/{id}",
        "/api/v1/dr/jobs/0123456789abcdef",
        None,
    );
    assert_eq!(s, 404);
    let bogus = r#"{"spec":"docs","bogus":1}"#;
    let (s, _) = checked(
        "POST",
        "/api/v1/dr/backup",
        "/api/v1/dr/backup",
        Some(bogus),
    );
    assert_eq!(s, 400);
}

/// `GET /metrics` as text.
fn metrics_text(base: &str) -> String {
    let out = Command::new("curl")
        .args(["-s", &format!("{base}/metrics")])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// The value of the one sample of `metrics` that starts with `series`.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
}

#[test]
fn a_replica_job_copies_the_specs_snapshots_reports_its_lag_and_restores_bit_exact() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    env.repo(&env.path("repo"), &["init"]).ok();
    let replica = env.path("replica");
    env.repo(&replica, &["init"]).ok();
    let port = free_port();
    std::fs::write(env.path("pass"), "test passphrase\n").unwrap();
    let pass = ServerToml::password_file(&env.path("pass"));
    let replica_toml =
        "[[replica]]\nname = \"offsite\"\nrepository = \"offsite\"\nspecs = [\"docs\"]\nrpo = \"26h\"";
    let cfg = ServerToml::new(&env.path("state"))
        .listen(port)
        .repository("main", env.path("repo"), &pass)
        .repository("offsite", &replica, &pass)
        .spec("docs", "main", &[&src], "")
        .tail(replica_toml)
        .write(&env.path("cairn.toml"));
    let cfg_s = cfg.to_str().unwrap();
    let service = token(&env, cfg_s, "service");
    let analyst = token_named(&env, cfg_s, "analyst", "b");
    let (server, base) = start(&env, cfg_s, port);
    let backup = backup_of(&base, &service, "docs");
    assert_eq!(backup["state"], "succeeded", "{backup}");

    // Run now through the API, as a service token: a job like a backup.
    let run = "/api/v1/dr/replicas/offsite/run";
    let job = job_done(&base, &service, run, "{}");
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(
        (&job["kind"], &job["spec"]),
        (&"replica".into(), &"docs".into())
    );
    let copied = &job["result"]["specs"][0];
    assert_eq!(copied["spec"], "docs", "{job}");
    assert_eq!(copied["copied"].as_array().unwrap().len(), 1, "{job}");
    assert!(copied["blobs_stored"].as_u64().unwrap() > 0, "{job}");
    // A rerun copies nothing, and answers as the OpenAPI document says; an
    // analyst may not start one; an unknown one is 404.
    let (_, doc) = curl("GET", &format!("{base}/api/v1/openapi.json"), None, None);
    let (s, queued) = call(&base, &service, "POST", run, Some("{}"));
    check_answer(&doc, "POST", "/api/v1/dr/replicas/{name}/run", s, &queued);
    let id = queued["data"]["id"].as_str().unwrap();
    let again = wait_job(&base, &service, id);
    let (s, answer) = get(&base, &service, &format!("/api/v1/dr/jobs/{id}"));
    check_answer(&doc, "GET", "/api/v1/dr/jobs/{id}", s, &answer);
    assert_eq!(again["result"]["specs"][0]["copied"], serde_json::json!([]));
    assert_eq!(again["result"]["specs"][0]["present"], 1);
    assert_eq!(call(&base, &analyst, "POST", run, Some("{}")).0, 403);
    let (s, v) = call(
        &base,
        &service,
        "POST",
        "/api/v1/dr/replicas/nope/run",
        Some("{}"),
    );
    assert_eq!(s, 404, "{v}");

    // The lag is the age of the newest copy: small and known.
    let lag = "dr_replica_lag_seconds{spec=\"docs\",replica=\"offsite\"}";
    let lag_now = sample(&metrics_text(&base), lag).expect("a lag sample");
    assert!((0.0..120.0).contains(&lag_now), "{lag_now}");
    // In the job history and the audit log, like every job.
    assert_eq!(job_list(&base, &analyst, "?kind=replica").len(), 2);
    let audit = std::fs::read_to_string(env.path("state/audit.jsonl")).unwrap();
    assert!(audit.contains("\"job.replica\""), "{audit}");
    drop(server);

    // The primary is gone: the replica alone restores the tree bit-exact.
    let target = env.path("from-replica");
    let t = target.to_str().unwrap();
    env.repo(&replica, &["restore", "latest", "--target", t])
        .ok();
    assert_diff_r(&src, &target, &[]);

    // Restarted with a schedule: a hand-made backup of the spec's paths is
    // copied by the scheduler, without any request.
    let text = std::fs::read_to_string(&cfg).unwrap();
    let text = text.replace(
        "rpo = \"26h\"",
        "rpo = \"26h\"\nschedule = \"*/2 * * * * *\"",
    );
    std::fs::write(&cfg, text).unwrap();
    env.repo(&env.path("repo"), &["backup", src.to_str().unwrap()])
        .ok();
    let (_server, base) = start(&env, cfg_s, port);
    eventually(Duration::from_secs(60), "a scheduled replica run", || {
        let done = job_list(&base, &analyst, "?kind=replica&state=succeeded");
        let copied = done.iter().any(|j| {
            let copied = j["result"]["specs"][0]["copied"].as_array();
            j["actor"] == "scheduler" && copied.is_some_and(|c| c.len() == 1)
        });
        copied.then_some(())
    });
    let listed = env.repo(&replica, &["list", "--json"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    assert!(sample(&metrics_text(&base), lag).is_some());
}
