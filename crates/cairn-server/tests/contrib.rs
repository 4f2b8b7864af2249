//! The alert rules (`contrib/prometheus/`) and the Grafana dashboard
//! (`contrib/grafana/`) speak of the metrics this server exports, by name:
//! a renamed metric must fail here, not silently blank a panel or never
//! fire an alert. The rules also pass `promtool check rules` and their unit
//! tests (`promtool test rules`), which feed series and expect alerts.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn contrib(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../contrib")
        .join(rel)
}

/// The sample names the server's exposition can carry.
fn exported() -> BTreeSet<String> {
    let m = cairn_server::metrics::Metrics::default();
    let names: BTreeSet<String> = m.sample_names().iter().cloned().collect();
    assert!(names.len() > 10, "too few metrics: {names:?}");
    names
}

/// The metric names a PromQL text mentions: Cairn's own (`dr_`, `http_`).
fn mentioned(promql: &str) -> BTreeSet<String> {
    promql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("dr_") || w.starts_with("http_"))
        .map(str::to_string)
        .collect()
}

fn assert_all_exported(what: &str, names: &BTreeSet<String>) {
    let known = exported();
    let unknown: Vec<_> = names.iter().filter(|n| !known.contains(*n)).collect();
    assert!(
        unknown.is_empty(),
        "{what} names metrics the server does not export: {unknown:?} (it exports {known:?})"
    );
}

#[test]
fn the_dashboard_queries_only_exported_metrics() {
    let text = std::fs::read_to_string(contrib("grafana/cairn.json")).unwrap();
    let d: serde_json::Value = serde_json::from_str(&text).expect("the dashboard is JSON");
    let panels = d["panels"].as_array().expect("panels");
    assert!(panels.len() >= 8, "{} panels", panels.len());
    let mut names = BTreeSet::new();
    for p in panels {
        let targets = p["targets"].as_array().expect("each panel has targets");
        assert!(!targets.is_empty(), "panel {} has no query", p["title"]);
        for t in targets {
            names.extend(mentioned(t["expr"].as_str().expect("a query")));
        }
    }
    assert!(
        names.contains("dr_last_success_timestamp_seconds"),
        "{names:?}"
    );
    assert_all_exported("contrib/grafana/cairn.json", &names);
}

#[test]
fn the_alert_rules_use_exported_metrics_and_pass_promtool() {
    let rules = contrib("prometheus/cairn-alerts.yml");
    let text = std::fs::read_to_string(&rules).unwrap();
    let exprs: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("expr:"))
        .collect();
    assert!(exprs.len() >= 7, "{} rules", exprs.len());
    let names: BTreeSet<String> = exprs.iter().flat_map(|e| mentioned(e)).collect();
    assert_all_exported("contrib/prometheus/cairn-alerts.yml", &names);
    for args in [
        vec!["check", "rules", "cairn-alerts.yml"],
        vec!["test", "rules", "cairn-alerts.test.yml"],
    ] {
        let out = Command::new("promtool")
            .args(&args)
            .current_dir(contrib("prometheus"))
            .output()
            .expect("promtool (Debian's prometheus package) is missing: run scripts/test.sh, which installs it");
        assert!(
            out.status.success(),
            "promtool {args:?}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
