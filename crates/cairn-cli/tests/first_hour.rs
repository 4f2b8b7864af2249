//! What a newcomer meets first: the README's commands parse, `--help` reads
//! well and names every variable the README uses, the generated completions
//! and man pages are current, and a closed pipe ends a command quietly.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::Path;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap()
}

/// Splits a shell line into words: single and double quotes, no expansion.
fn words(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true
            }
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Every `cairn ...` line inside the README's code blocks, as arguments:
/// comments, redirections and optional brackets removed.
fn readme_commands() -> Vec<Vec<String>> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in readme().lines() {
        if line.starts_with("```") {
            inside = !inside;
            continue;
        }
        let Some(rest) = line.trim().strip_prefix("cairn ").filter(|_| inside) else {
            continue;
        };
        let rest = rest.split("  #").next().unwrap();
        let rest = rest
            .split(" > ")
            .next()
            .unwrap()
            .split(" | ")
            .next()
            .unwrap();
        let rest = rest.replace(['[', ']'], "");
        out.push(words(&rest));
    }
    out
}

/// Runs `cairn ARGS --help`: clap reads every argument before the trailing
/// `--help`, so an unknown command or option or a missing value fails, exit 2.
fn assert_parses(env: &Env, args: &[String], from: &str) {
    let r = env.run(
        &[
            args.iter().map(String::as_str).collect::<Vec<_>>(),
            vec!["--help"],
        ]
        .concat(),
    );
    assert_eq!(r.code, 0, "{from}: cairn {}: {}", args.join(" "), r.stderr);
}

#[test]
fn every_command_in_the_readme_parses() {
    let env = Env::new();
    let cmds = readme_commands();
    assert!(cmds.len() > 25, "found only {} commands", cmds.len());
    for args in cmds {
        assert_parses(&env, &args, "README");
    }
}

/// Every `` `cairn ...` `` the sources name (hints, messages, help), as
/// arguments: placeholders (`ID`, `{old_id}`) kept as plain words,
/// optional brackets and pipes removed.
fn source_commands() -> Vec<(String, Vec<String>)> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    let mut stack = vec![crates];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() && !p.ends_with("tests") && !p.ends_with("target") {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for f in files {
        // Comment markers out, so a span wrapped across comment lines reads whole.
        let text: String = std::fs::read_to_string(&f)
            .unwrap()
            .lines()
            .map(|l| {
                let t = l.trim_start();
                let t = ["//!", "///", "//"]
                    .iter()
                    .find_map(|m| t.strip_prefix(m))
                    .unwrap_or(l);
                format!("{t} ")
            })
            .collect();
        for quoted in text.split('`').skip(1).step_by(2) {
            let Some(rest) = quoted.strip_prefix("cairn ") else {
                continue;
            };
            let rest = rest.split(" | ").next().unwrap().replace(['[', ']'], "");
            let rest = rest.replace(['{', '}'], "");
            // A positional placeholder (`SHELL`, `ID`) stands for a value a
            // value-checked argument would refuse: left out, as `--help`
            // needs no positionals. An option's placeholder stays its value.
            let mut args: Vec<String> = Vec::new();
            for w in words(&rest) {
                let placeholder =
                    w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase() || c == '_');
                if placeholder && !args.last().is_some_and(|p| p.starts_with('-')) {
                    continue;
                }
                args.push(w);
            }
            out.push((f.display().to_string(), args));
        }
    }
    out
}

#[test]
fn every_command_a_hint_names_exists() {
    let env = Env::new();
    let cmds = source_commands();
    assert!(cmds.len() > 40, "found only {} commands", cmds.len());
    let mut seen = std::collections::HashSet::new();
    for (file, args) in cmds {
        if seen.insert(args.clone()) {
            assert_parses(&env, &args, &file);
        }
    }
}

#[test]
fn the_readme_layout_lists_every_doc() {
    let readme = readme();
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    for e in std::fs::read_dir(docs).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".md") {
            assert!(
                readme.contains(&format!("docs/{name}")),
                "README's layout does not list docs/{name}"
            );
        }
    }
}

#[test]
fn help_groups_the_unlock_options_and_names_every_variable_the_readme_uses() {
    let env = Env::new();
    let help = env.run(&["backup", "--help"]).ok().stdout;
    for heading in ["Repository:", "Unlocking:", "Global:"] {
        assert!(help.contains(heading), "no {heading} heading:\n{help}");
    }
    // Per-command options come before the shared ones.
    assert!(
        help.find("--tag").unwrap() < help.find("Unlocking:").unwrap(),
        "{help}"
    );
    let top = env.run(&["--help"]).ok().stdout;
    assert!(
        top.contains("s3:https://HOST"),
        "-r does not name the S3 form:\n{top}"
    );
    let readme = readme();
    let mut vars: Vec<&str> = readme
        .split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
        .filter(|w| {
            ["CAIRN_", "AWS_", "VAULT_"]
                .iter()
                .any(|p| w.starts_with(p))
                && w.len() > 6
        })
        .collect();
    vars.sort();
    vars.dedup();
    assert!(vars.contains(&"CAIRN_PASSWORD"), "{vars:?}");
    for v in vars {
        assert!(
            top.contains(v),
            "{v} is in README but not in `cairn --help`:\n{top}"
        );
    }
}

#[test]
fn the_committed_completions_and_man_pages_are_what_the_binary_generates() {
    let env = Env::new();
    let contrib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contrib");
    let stale = "out of date: run scripts/gen-completions.sh and commit contrib/";
    for shell in ["bash", "zsh", "fish"] {
        let r = env.run(&["completions", shell]).ok();
        let committed = std::fs::read_to_string(contrib.join(format!("completions/cairn.{shell}")))
            .unwrap_or_default();
        assert!(r.stdout == committed, "completions/cairn.{shell} {stale}");
    }
    let man = env.path("man");
    env.run(&["man", man.to_str().unwrap()]).ok();
    let generated = all_files(&man);
    assert!(generated.len() > 20, "{} pages", generated.len());
    assert!(
        generated == all_files(&contrib.join("man")),
        "contrib/man {stale}"
    );
}

#[test]
fn a_closed_stdout_ends_a_command_quietly() {
    let env = Env::new();
    let (_src, repo) = backed_up(&env);
    let o = with_stdout_closed(&env, &repo, &["list", "--json"], 0);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(o.status.code(), Some(141), "{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(std::fs::read_dir(repo.join("locks")).unwrap().count(), 0);
}

#[test]
fn a_passphrase_given_on_purpose_is_never_replaced_by_the_default_key_file() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let mut c = env.cmd();
    c.env_remove("CAIRN_PASSWORD")
        .args(["backup", src.to_str().unwrap()]);
    run(&mut c).ok();
    // The default repository has a key-file slot only; the environment's
    // CAIRN_PASSWORD fits none. Refused, not silently unlocked with the key
    // file, and the hint names what fits, not the variable just set.
    let r = env.run(&["list"]).code(4);
    assert!(
        r.stderr
            .contains("no key slot for the credential given (passphrase)")
            && r.stderr.contains("of kind keyfile")
            && r.stderr.contains("--key-file"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("CAIRN_PASSWORD"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    // `-r` naming the default repository, by another spelling of its path,
    // finds the key file beside it.
    let default = env.path("home/data/cairn/./default/");
    let mut c = env.cmd();
    c.env_remove("CAIRN_PASSWORD")
        .arg("-r")
        .arg(&default)
        .args(["list", "--json"]);
    assert_eq!(run(&mut c).ok().json().as_array().unwrap().len(), 1);
}
