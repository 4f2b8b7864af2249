//! What operators install: the Debian package (cargo-deb, from
//! `[package.metadata.deb]` in this crate's Cargo.toml) is built from the
//! binary these tests run, unpacked into a scratch root and checked file by
//! file, and its binary run; the container image definition
//! (contrib/container/Dockerfile) is checked against the tree, and built
//! only where a container engine answers and `CAIRN_TEST_CONTAINER=1` asks
//! for it (docs/PACKAGING.md).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// cargo-deb: `CAIRN_TEST_CARGO_DEB`, else the one scripts/test.sh installs
/// into .tools/.
fn cargo_deb() -> PathBuf {
    if let Some(p) = std::env::var_os("CAIRN_TEST_CARGO_DEB") {
        return PathBuf::from(p);
    }
    let p = root().join(".tools/bin/cargo-deb");
    assert!(
        p.exists(),
        "no cargo-deb: run scripts/test.sh, which installs it into .tools/, or set CAIRN_TEST_CARGO_DEB"
    );
    p
}

#[test]
fn the_debian_package_installs_the_binary_units_completions_man_pages_and_example() {
    let env = Env::new();
    // The binary under test is TARGET/debug/cairn: cargo-deb packages it
    // from there (`--no-build` with the dev profile) instead of building a
    // release binary, which takes minutes.
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_cairn"));
    let target = bin.parent().unwrap().parent().unwrap();
    let deb = env.path("cairn.deb");
    let out = Command::new(cargo_deb())
        .current_dir(root())
        .args([
            "deb",
            "-p",
            "cairn-cli",
            "--no-build",
            "--profile",
            "dev",
            "--fast",
        ])
        .arg("--output")
        .arg(&deb)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo deb:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let field = |f: &str| {
        let o = Command::new("dpkg-deb")
            .arg("-f")
            .arg(&deb)
            .arg(f)
            .output()
            .unwrap();
        assert!(o.status.success());
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    };
    assert_eq!(field("Package"), "cairn");
    assert_eq!(field("Version"), format!("{}-1", env!("CARGO_PKG_VERSION")));
    let depends = field("Depends");
    assert!(
        depends.contains("libc6") && depends.contains("adduser"),
        "{depends}"
    );
    let info = Command::new("dpkg-deb")
        .arg("-I")
        .arg(&deb)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("postinst"), "no postinst in:\n{info}");

    let dest = env.path("root");
    let x = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(&dest)
        .status()
        .unwrap();
    assert!(x.success());
    let installed = dest.join("usr/bin/cairn");
    let v = Command::new(&installed).arg("--version").output().unwrap();
    assert!(v.status.success());
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("cairn {}", env!("CARGO_PKG_VERSION"))
    );
    for f in [
        "usr/lib/systemd/system/cairn-serve.service",
        "usr/lib/systemd/system/cairn-backup.service",
        "usr/lib/systemd/system/cairn-backup.timer",
        "usr/share/bash-completion/completions/cairn",
        "usr/share/zsh/vendor-completions/_cairn",
        "usr/share/fish/vendor_completions.d/cairn.fish",
        "usr/share/doc/cairn/examples/cairn.toml",
        "usr/share/doc/cairn/examples/cairn-alerts.yml",
        "usr/share/doc/cairn/copyright",
    ] {
        assert!(dest.join(f).is_file(), "{f} is not in the package");
    }
    // Every man page, as committed (gzipped or not).
    for page in std::fs::read_dir(root().join("contrib/man")).unwrap() {
        let name = page.unwrap().file_name().into_string().unwrap();
        let at = dest.join("usr/share/man/man1").join(&name);
        assert!(
            at.is_file() || at.with_extension("1.gz").is_file(),
            "man page {name} is not in the package"
        );
    }
}

/// The sources of every `COPY` (not `--from` a stage), relative to the
/// build context (the repository root).
fn copy_sources(dockerfile: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in dockerfile.lines() {
        let Some(args) = line.strip_prefix("COPY ") else {
            continue;
        };
        let words: Vec<&str> = args.split_whitespace().collect();
        if words.iter().any(|w| w.starts_with("--from")) {
            continue;
        }
        out.extend(words[..words.len() - 1].iter().map(|w| w.to_string()));
    }
    out
}

#[test]
fn the_container_image_definition_refers_to_what_exists() {
    let dir = root().join("contrib/container");
    let text = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    let sources = copy_sources(&text);
    assert!(sources.contains(&".".to_string()), "{sources:?}");
    for s in &sources {
        assert!(
            root().join(s).exists(),
            "COPY {s}: no such file in the tree"
        );
    }
    assert!(
        text.contains("cargo build --release --locked -p cairn-cli"),
        "the builder stage builds the cairn binary"
    );
    let user = text
        .lines()
        .filter_map(|l| l.strip_prefix("USER "))
        .next_back()
        .expect("the runtime stage sets a USER");
    assert_ne!(user.trim(), "root");
    assert!(text.contains("HEALTHCHECK") && text.contains("/healthz"));
    assert!(text.contains(r#"ENTRYPOINT ["/usr/bin/cairn", "serve"]"#));
    // The default arguments parse as `cairn serve` options.
    let cmd = text
        .lines()
        .find_map(|l| l.strip_prefix("CMD "))
        .expect("a CMD with the default arguments");
    let args: Vec<String> = serde_json::from_str(cmd).unwrap();
    let mut all = vec!["serve".to_string()];
    all.extend(args);
    all.push("--help".into());
    let r = Env::new().run(&all.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(r.code, 0, "`cairn {all:?}`: {}", r.stderr);
    // The build context leaves out build output and tools.
    let ignore = std::fs::read_to_string(dir.join("Dockerfile.dockerignore")).unwrap();
    for p in ["target", ".tools", ".venv", ".git"] {
        assert!(ignore.lines().any(|l| l == p), "{p} is not ignored");
    }
    if std::env::var("CAIRN_TEST_CONTAINER").as_deref() == Ok("1") {
        build_and_run_the_image();
    }
}

/// Builds the image (minutes) and runs `cairn --version` in it.
fn build_and_run_the_image() {
    let engine = ["docker", "podman"]
        .into_iter()
        .find(|e| {
            Command::new(e)
                .arg("info")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("CAIRN_TEST_CONTAINER=1 but neither docker nor podman answers `info`");
    let tag = "cairn-test:latest";
    let ok = Command::new(engine)
        .current_dir(root())
        .args([
            "build",
            "-f",
            "contrib/container/Dockerfile",
            "-t",
            tag,
            ".",
        ])
        .status()
        .unwrap();
    assert!(ok.success(), "{engine} build failed");
    let v = Command::new(engine)
        .args([
            "run",
            "--rm",
            "--entrypoint",
            "/usr/bin/cairn",
            tag,
            "--version",
        ])
        .output()
        .unwrap();
    assert!(v.status.success());
    assert!(String::from_utf8_lossy(&v.stdout).starts_with("cairn "));
}
