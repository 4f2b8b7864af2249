//! The library crates name no front end's commands or options in what they
//! say: an error's remedy is a [`cairn_core::Remedy`], which the CLI words as
//! a command and the server as a route. A `` `cairn ...` `` or a `--flag`
//! in a library's strings would reach an HTTP client as advice it cannot
//! follow.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};

fn sources(krate: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(krate)
        .join("src")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out
}

/// What a line's string literals say (comments left out).
fn literals(line: &str) -> Vec<String> {
    if line.trim_start().starts_with("//") {
        return Vec::new();
    }
    line.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// `--` then a lowercase letter: an option, not an em dash or a range.
fn names_a_flag(s: &str) -> bool {
    s.match_indices("--")
        .any(|(i, _)| s[i + 2..].starts_with(|c: char| c.is_ascii_lowercase()))
}

/// Flags of other programs a hint may name (the AWS CLI's).
const OTHER_PROGRAMS: &[&str] = &["--endpoint-url"];

#[test]
fn library_strings_name_no_cairn_command_or_option() {
    let mut found = Vec::new();
    for krate in ["cairn-core", "cairn-store", "cairn-app"] {
        let files = sources(krate);
        assert!(files.len() > 5, "no sources found for {krate}");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for (n, line) in text.lines().enumerate() {
                for lit in literals(line) {
                    let flag =
                        names_a_flag(&lit) && !OTHER_PROGRAMS.iter().any(|o| lit.contains(o));
                    if lit.contains("`cairn ") || flag {
                        found.push(format!("{}:{}: {lit}", f.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "library strings naming a front end's command or option (use a Remedy):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_a_command_and_a_flag() {
    assert!(literals(r#"    .hint("run `cairn verify` first")"#)[0].contains("`cairn "));
    assert!(names_a_flag("or pass --allow-empty"));
    assert!(!names_a_flag("a -- b, 2--3"));
    assert!(literals("    // \"`cairn list`\" in a comment").is_empty());
}
