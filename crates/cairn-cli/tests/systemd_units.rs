//! The systemd units in contrib/systemd are what an operator installs: they
//! must pass `systemd-analyze verify` (with this build standing in for
//! /usr/bin/cairn, which verify checks is executable), and the command
//! lines they run must parse.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

const UNITS: &[&str] = &[
    "cairn-serve.service",
    "cairn-backup.service",
    "cairn-backup.timer",
];

#[test]
fn the_units_pass_systemd_analyze_verify_and_their_commands_parse() {
    let env = Env::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contrib/systemd");
    let bin = env!("CARGO_BIN_EXE_cairn");
    let mut files = Vec::new();
    for u in UNITS {
        let text = std::fs::read_to_string(dir.join(u)).unwrap();
        let out = env.path(u);
        std::fs::write(&out, text.replace("/usr/bin/cairn", bin)).unwrap();
        files.push(out);
        for line in text
            .lines()
            .filter_map(|l| l.strip_prefix("ExecStart=/usr/bin/cairn "))
        {
            // Variables are the environment file's; the options must parse.
            let args: Vec<&str> = line
                .split_whitespace()
                .filter(|a| !a.starts_with('$'))
                .collect();
            let r = env.run(&[args.as_slice(), &["--help"]].concat());
            assert_eq!(
                r.code, 0,
                "{u}: `cairn {line}` does not parse: {}",
                r.stderr
            );
        }
    }
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .args(&files)
        .output()
        .expect("systemd-analyze (Debian's systemd package) is missing: run scripts/test.sh, which installs it");
    assert!(
        out.status.success(),
        "systemd-analyze verify:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
