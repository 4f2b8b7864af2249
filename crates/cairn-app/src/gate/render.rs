//! `DR_SUMMARY.md` and `rg7_badge.svg`, rendered from the report's JSON
//! alone: whoever holds `rg7_report.json` (the server's last result, a CI
//! artifact) can re-render both without the repositories.

use serde_json::Value;
use std::fmt::Write;

fn s(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(x) => x.clone(),
        other => other.to_string(),
    }
}

fn secs(v: &Value) -> String {
    v.as_f64().map(super::human).unwrap_or_else(|| "-".into())
}

/// Markdown cells cannot hold `|` or newlines.
fn cell(x: &str) -> String {
    x.replace('|', "\\|").replace('\n', " ")
}

/// The human summary.
pub fn summary(report: &Value) -> String {
    let pass = report["pass"].as_bool().unwrap_or(false);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# RG-7 recovery gate: {}\n",
        if pass { "PASS" } else { "FAIL" }
    );
    let _ = writeln!(
        o,
        "Run at {} with seed {} (report version {}).\n",
        s(&report["time"]),
        s(&report["seed"]),
        s(&report["version"])
    );
    let _ = writeln!(o, "| check | result | reason |\n|---|---|---|");
    for c in report["checks"].as_array().into_iter().flatten() {
        let result = match (c["pass"].as_bool(), c["waived"].as_bool()) {
            (Some(true), Some(true)) => "waived",
            (Some(true), _) => "pass",
            _ => "**FAIL**",
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} |",
            s(&c["id"]),
            result,
            cell(&c["reason"].as_str().map(str::to_string).unwrap_or_default())
        );
    }
    let _ = writeln!(
        o,
        "\n## Specs\n\n| spec | recovery point | RPO | target | RTO | target | notes |\n|---|---|---|---|---|---|---|"
    );
    for sp in report["specs"].as_array().into_iter().flatten() {
        let rp = sp["recovery_point"]
            .as_str()
            .map(|x| x[..x.len().min(8)].to_string())
            .unwrap_or_else(|| "none".into());
        let rto = if sp["rto_extrapolated"].as_bool() == Some(true) {
            format!("{} (extrapolated)", secs(&sp["rto_seconds"]))
        } else {
            secs(&sp["rto_seconds"])
        };
        let notes: Vec<String> = sp["notes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(s)
            .collect();
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&s(&sp["name"])),
            rp,
            secs(&sp["rpo_seconds"]),
            cell(&s(&sp["rpo_target"])),
            rto,
            cell(&s(&sp["rto_target"])),
            cell(&notes.join("; "))
        );
    }
    let warnings: Vec<String> = report["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| {
            let id = s(&c["id"]);
            c["warnings"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |w| format!("- {id}: {}", s(w)))
        })
        .collect();
    if !warnings.is_empty() {
        let _ = writeln!(o, "\n## Warnings (not failures)\n\n{}", warnings.join("\n"));
    }
    let _ = writeln!(
        o,
        "\nDetails: rg7_report.json (schema docs/rg7_report.schema.json); checked files: sample_manifest.json."
    );
    o
}

/// A flat two-part badge: "RG-7" and "pass" (green) or "fail" (red).
pub fn badge(report: &Value) -> String {
    let pass = report["pass"].as_bool().unwrap_or(false);
    let (word, colour) = if pass {
        ("pass", "#2ea44f")
    } else {
        ("fail", "#d73a49")
    };
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="90" height="20" role="img" aria-label="RG-7 {word}">
<title>RG-7 {word}</title>
<rect width="44" height="20" fill="#555"/>
<rect x="44" width="46" height="20" fill="{colour}"/>
<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
<text x="22" y="14">RG-7</text>
<text x="67" y="14">{word}</text>
</g>
</svg>
"##
    )
}
