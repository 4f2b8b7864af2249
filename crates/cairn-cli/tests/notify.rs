//! `[[notify]]` for real: `cairn serve` with webhooks and mail pointed at a
//! webhook receiver and an SMTP server on loopback (cairn-test-support's
//! `HttpSink` and `SmtpSink`); a backup that fails, then works, a gate run
//! that fails, an RPO that runs out; retries, refusals and the metrics.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
#[path = "common/jobs.rs"]
mod jobs;
use jobs::*;

/// A server config: repository "main" (initialised), `specs` (name, TOML
/// lines) and `notify` appended; the env, the port and the config's path.
fn notify_config(specs: &[(&str, &str)], notify: &str) -> (Env, u16, String) {
    let (env, port, file) = command_specs_and(specs, notify);
    (env, port, file.to_str().unwrap().to_string())
}

/// The server's metrics text.
fn metrics(base: &str, token: &str) -> String {
    let out = std::process::Command::new("curl")
        .args(["-sf", "-H", &format!("Authorization: Bearer {token}")])
        .arg(format!("{base}/metrics"))
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Waits until the metrics carry `line` (the notifiers count after sending).
fn wait_metric(base: &str, token: &str, line: &str) {
    let limit = std::time::Duration::from_secs(30);
    eventually(limit, line, || {
        metrics(base, token)
            .lines()
            .any(|l| l == line)
            .then_some(())
    });
}

#[test]
fn a_failed_backup_its_recovery_and_a_failed_gate_reach_webhooks_and_mail() {
    let (hook, chat, smtp) = (
        HttpSink::start(&[]),
        HttpSink::start(&[]),
        SmtpSink::start(),
    );
    let flag = tempfile::tempdir().unwrap();
    let flag = flag.path().join("ready");
    let secret = "s3cret-webhook-token";
    let token_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(token_file.path(), format!("{secret}\n")).unwrap();
    // The dump works once the flag exists: first a failure, then a recovery.
    let db = format!(
        r#"command = ["sh", "-c", "test -e '{}' && echo rows || exit 3"]"#,
        flag.display()
    );
    let notify = format!(
        r#"[[notify]]
name = "hook"
kind = "webhook"
url = "{}"
token-file = "{}"
[[notify]]
name = "chat"
kind = "webhook"
url = "{}"
format = "slack"
on = ["job_failed"]
[[notify]]
name = "mail"
kind = "mail"
smtp-server = "127.0.0.1"
smtp-port = {}
tls = "none"
from = "cairn@example.org"
to = ["ops@example.org", "dba@example.org"]
on = ["job_failed", "recovered"]"#,
        hook.url("/hooks/cairn"),
        token_file.path().display(),
        chat.url("/chat"),
        smtp.port()
    );
    let (env, port, cfg) = notify_config(&[("db", &db)], &notify);
    let tok = token(&env, &cfg, "admin");
    let log = tempfile::NamedTempFile::new().unwrap();
    let (_server, base) = start_server_to(&env, &cfg, port, "5", log.reopen().unwrap());

    let job = backup_of(&base, &tok, "db");
    assert_eq!(job["state"], "failed", "{job}");
    let got = hook.wait_for(1);
    let r = &got[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/hooks/cairn")
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {secret}").as_str())
    );
    let v = r.json();
    assert_eq!(v["event"], "job_failed", "{v}");
    assert_eq!(v["spec"], "db", "{v}");
    assert_eq!(v["job"], job["id"], "{v}");
    assert_eq!(v["job_kind"], "backup", "{v}");
    assert_eq!(v["summary"], "backup of spec db failed", "{v}");
    assert!(
        v["detail"].as_str().unwrap().contains("exit status: 3"),
        "{v}"
    );
    assert!(v["time"].is_string(), "{v}");
    let c = chat.wait_for(1)[0].json();
    assert_eq!(
        c.as_object().unwrap().len(),
        1,
        "slack's body is only text: {c}"
    );
    let text = c["text"].as_str().unwrap();
    assert!(
        text.starts_with("cairn: backup of spec db failed\n"),
        "{text}"
    );
    assert!(chat.requests()[0].header("authorization").is_none());
    let m = &smtp.wait_for(1)[0];
    assert_eq!(m.from, "cairn@example.org");
    assert_eq!(m.to, ["ops@example.org", "dba@example.org"]);
    assert!(
        m.data
            .contains("Subject: [cairn] job_failed: backup of spec db failed"),
        "{}",
        m.data
    );
    assert!(m.data.contains("exit status: 3"), "{}", m.data);

    // The dump works again: the spec has recovered.
    std::fs::write(&flag, "").unwrap();
    let job = backup_of(&base, &tok, "db");
    assert_eq!(job["state"], "succeeded", "{job}");
    let v = hook.wait_for(2)[1].json();
    assert_eq!(v["event"], "recovered", "{v}");
    assert_eq!(v["spec"], "db", "{v}");
    assert_eq!(v["summary"], "spec db recovered", "{v}");
    assert_eq!(v["detail"], "was: backup failed", "{v}");
    let m = &smtp.wait_for(2)[1];
    assert!(
        m.data
            .contains("Subject: [cairn] recovered: spec db recovered"),
        "{}",
        m.data
    );

    // A gate run over a spec without retention or objectives fails.
    let gate = job_done(&base, &tok, "/api/v1/dr/gate", "{}");
    assert_eq!(gate["state"], "succeeded", "{gate}");
    assert_eq!(gate["result"]["pass"], false, "{gate}");
    let v = hook.wait_for(3)[2].json();
    assert_eq!(v["event"], "gate_failed", "{v}");
    assert_eq!(v["spec"], "*", "{v}");
    let summary = v["summary"].as_str().unwrap();
    assert!(summary.starts_with("the recovery gate failed: dr_"), "{v}");
    wait_metric(
        &base,
        &tok,
        r#"dr_notifications_total{notify="hook",outcome="sent"} 3"#,
    );
    wait_metric(
        &base,
        &tok,
        r#"dr_notifications_total{notify="mail",outcome="sent"} 2"#,
    );
    // Only what it asked for: the chat got neither the recovery nor the gate.
    wait_metric(
        &base,
        &tok,
        r#"dr_notifications_total{notify="chat",outcome="sent"} 1"#,
    );
    assert_eq!(chat.requests().len(), 1);
    let log = std::fs::read_to_string(log.path()).unwrap();
    assert!(log.contains("notification sent"), "{log}");
    assert!(
        !log.contains(secret),
        "the token leaked into the log:\n{log}"
    );
}

#[test]
fn an_rpo_breach_is_retried_until_delivered_and_failures_are_counted() {
    // The flaky receiver fails once; the dead one fails twice (its only two
    // tries); the refusing one answers 400, which is not retried.
    let flaky = HttpSink::start(&[500]);
    let dead = HttpSink::start(&[503, 503]);
    let refusing = HttpSink::start(&[400]);
    let mut notify = String::new();
    for (name, sink, extra) in [
        ("flaky", &flaky, "on = [\"rpo_breach\", \"recovered\"]"),
        ("dead", &dead, "on = [\"rpo_breach\"]\nattempts = 2"),
        ("refusing", &refusing, "on = [\"rpo_breach\"]"),
    ] {
        notify += &format!(
            "[[notify]]\nname = \"{name}\"\nkind = \"webhook\"\nurl = \"{}\"\n{extra}\n",
            sink.url("/")
        );
    }
    // No backup yet: the RPO counts from the server's start.
    let spec = r#"command = ["echo", "rows"]
rpo = "2s""#;
    let (env, port, cfg) = notify_config(&[("db", spec)], &notify);
    let tok = token(&env, &cfg, "admin");
    let log = tempfile::NamedTempFile::new().unwrap();
    let (_server, base) = start_server_to(&env, &cfg, port, "5", log.reopen().unwrap());

    let got = flaky.wait_for(2);
    assert_eq!(got[0].body, got[1].body, "the retry sends the same message");
    let v = got[1].json();
    assert_eq!(v["event"], "rpo_breach", "{v}");
    assert_eq!(v["spec"], "db", "{v}");
    assert_eq!(v["summary"], "spec db is past its RPO of 2s", "{v}");
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("since the server started"),
        "{v}"
    );
    wait_metric(
        &base,
        &tok,
        r#"dr_notifications_total{notify="flaky",outcome="sent"} 1"#,
    );
    wait_metric(
        &base,
        &tok,
        r#"dr_notification_retries_total{notify="flaky"} 1"#,
    );
    wait_metric(
        &base,
        &tok,
        r#"dr_notifications_total{notify="dead",outcome="failed"} 1"#,
    );
    wait_metric(
        &base,
        &tok,
        r#"dr_notification_retries_total{notify="dead"} 1"#,
    );
    wait_metric(
        &base,
        &tok,
        r#"dr_notifications_total{notify="refusing",outcome="failed"} 1"#,
    );
    assert_eq!(dead.requests().len(), 2);
    assert_eq!(refusing.requests().len(), 1);
    let m = metrics(&base, &tok);
    assert!(
        !m.contains(r#"dr_notification_retries_total{notify="refusing"}"#),
        "{m}"
    );
    // Each failure is a warning naming the notifier and the answer.
    let log = std::fs::read_to_string(log.path()).unwrap();
    let warned = |who: &str, what: &str| {
        log.lines()
            .any(|l| l.contains("WARN") && l.contains(who) && l.contains(what))
    };
    assert!(warned("notify=flaky", "answered 500"), "{log}");
    assert!(warned("notify=dead", "giving up"), "{log}");
    assert!(warned("notify=refusing", "not retried"), "{log}");

    // A backup brings the spec within its RPO again.
    assert_eq!(backup_of(&base, &tok, "db")["state"], "succeeded");
    let v = flaky.wait_for(3)[2].json();
    assert_eq!(v["event"], "recovered", "{v}");
    assert_eq!(v["spec"], "db", "{v}");
    assert_eq!(v["detail"], "was: RPO breached", "{v}");
}

#[test]
fn a_notifier_whose_secret_cannot_be_read_stops_the_start_naming_it() {
    let notify = "[[notify]]\nname = \"pager\"\nkind = \"webhook\"\nurl = \"http://127.0.0.1:9/\"\ntoken-file = \"/nonexistent/pager.token\"";
    let (env, _port, cfg) = notify_config(&[("db", r#"command = ["echo", "rows"]"#)], notify);
    let r = env.run(&["serve", "--config", &cfg]);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("notify pager") && r.stderr.contains("/nonexistent/pager.token"),
        "{}",
        r.stderr
    );
}
