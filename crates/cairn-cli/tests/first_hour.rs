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

#[test]
fn every_command_in_the_readme_parses() {
    let env = Env::new();
    let cmds = readme_commands();
    assert!(cmds.len() > 25, "found only {} commands", cmds.len());
    for args in cmds {
        // clap reads every argument before the trailing --help: an unknown
        // option or a missing value fails here, exit 2.
        let r = env.run(
            &[
                args.iter().map(String::as_str).collect::<Vec<_>>(),
                vec!["--help"],
            ]
            .concat(),
        );
        assert_eq!(r.code, 0, "cairn {}: {}", args.join(" "), r.stderr);
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
    let mut child = env
        .cmd()
        .arg("-r")
        .arg(&repo)
        .args(["list", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
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
