//! Test helper: runs the real `cairn` binary in a scratch home, with readable failures.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

// The helpers every crate's tests share (each test file uses some of them);
// the ones below drive the binary.
#[allow(unused_imports)]
pub use cairn_test_support::{
    all_files, assert_same_tree, curl, curl_with, eventually, free_port, make_tree, noise,
    HttpSink, ServerToml, SmtpSink, TestCa,
};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod world;
#[allow(unused_imports)]
pub use world::World;
mod interrupted;
mod round_trip;
#[allow(unused_imports)]
pub use interrupted::{backup_until_stopped, interrupted_backup_source, rerun_reuses_stored_packs};
#[allow(unused_imports)]
pub use round_trip::round_trip;

pub struct Env {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn code(self, c: i32) -> Self {
        assert_eq!(
            self.code, c,
            "expected exit {c}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        Env { dir }
    }

    pub fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_cairn"));
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.path("home"))
            .env("XDG_DATA_HOME", self.path("home/data"))
            // Repository pins: one state directory per test, never the user's.
            .env("CAIRN_STATE_DIR", self.path("home/state"))
            .env("CAIRN_PASSWORD", "test passphrase")
            .stdin(std::process::Stdio::null());
        // The local S3 and Azure servers' (dummy) credentials, for their tests.
        for (k, v) in std::env::vars()
            .filter(|(k, _)| k.starts_with("AWS_") || k.starts_with("AZURE_STORAGE_"))
        {
            c.env(k, v);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run(self.cmd().args(args))
    }

    /// Runs with `-r REPO` prepended.
    pub fn repo(&self, repo: &Path, args: &[&str]) -> Run {
        run(self.cmd().arg("-r").arg(repo).args(args))
    }
}

pub fn run(c: &mut Command) -> Run {
    let o: Output = c.output().expect("run cairn");
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// A running `cairn serve`, killed when dropped.
pub struct Server(pub std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `cairn serve --config CFG` (no jitter, `grace` seconds to stop)
/// and waits until it answers on `port`: the server and its base URL.
pub fn start_server(env: &Env, cfg: &str, port: u16, grace: &str) -> (Server, String) {
    start_server_to(env, cfg, port, grace, std::process::Stdio::null())
}

/// [`start_server`] with the server's log (stderr) going to `log`.
pub fn start_server_to(
    env: &Env,
    cfg: &str,
    port: u16,
    grace: &str,
    log: impl Into<std::process::Stdio>,
) -> (Server, String) {
    let server = Server(
        env.cmd()
            .args(["serve", "--config", cfg, "--jitter", "0s", "--grace", grace])
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let t = std::time::Instant::now();
    while curl("GET", &format!("{base}/healthz"), None, None).0 != 200 {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    (server, base)
}

/// A `cairn serve` config written to `cairn.toml` in `env`: listening on
/// `port`, repository "main" at `repo/` unlocked by a password file,
/// restores allowed below `restore/` (created), and `specs` (name, source,
/// extra TOML lines).
pub fn serve_config(env: &Env, port: u16, specs: &[(&str, &Path, &str)]) -> PathBuf {
    std::fs::write(env.path("pass"), "test passphrase\n").unwrap();
    std::fs::create_dir_all(env.path("restore")).unwrap();
    let mut t = ServerToml::new(&env.path("state")).listen(port).repository(
        "main",
        env.path("repo"),
        &ServerToml::password_file(&env.path("pass")),
    );
    for (name, src, extra) in specs {
        t = t.spec(name, "main", &[src], extra);
    }
    t.allow_roots(&[env.path("restore")])
        .write(&env.path("cairn.toml"))
}

/// `diff -r a b` succeeds: the trees are the same, as coreutils see it
/// (`extra` adds options, such as `--no-dereference`).
pub fn assert_diff_r(a: &Path, b: &Path, extra: &[&str]) {
    let out = Command::new("diff")
        .arg("-r")
        .args(extra)
        .arg(a)
        .arg(b)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "diff -r {} {}:\n{}{}",
        a.display(),
        b.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `c` (the binary, with bytes on stdout) and asserts it succeeded,
/// showing its stderr otherwise.
pub fn output_ok(c: &mut Command) -> Output {
    let out = c.output().expect("run cairn");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Checks a `sha256sum` manifest inside `dir` with coreutils, as an operator would.
pub fn assert_sha256sum_ok(env: &Env, manifest: &str, dir: &Path) {
    let file = env.path("manifest.sha256");
    std::fs::write(&file, manifest).unwrap();
    let check = Command::new("sha256sum")
        .arg("-c")
        .arg("--strict")
        .arg(&file)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "sha256sum -c failed:\n{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// Rewrites the repository's config with one textual substitution.
pub fn edit_config(repo: &Path, from: &str, to: &str) {
    let cfg = std::fs::read_to_string(repo.join("config")).unwrap();
    assert!(cfg.contains(from), "config has no {from:?}");
    std::fs::write(repo.join("config"), cfg.replace(from, to)).unwrap();
}

/// A tmpfs mounted for the test and unmounted when dropped (needs root).
pub struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    pub fn mount(at: &std::path::Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(at).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then(|| SmallDisk(at.to_path_buf()))
    }

    /// Remounts read-only (`true`) or read-write.
    pub fn read_only(&self, on: bool) {
        let s = std::process::Command::new("mount")
            .args(["-o", if on { "remount,ro" } else { "remount,rw" }])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(s.success());
    }

    pub fn resize(&self, size: &str) {
        let s = std::process::Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(s.success());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// A source tree from `make_tree`, a fresh repository, and one backup of it.
pub fn backed_up(env: &Env) -> (PathBuf, PathBuf) {
    let src = env.path("src");
    make_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    (src, repo)
}

/// Adds an `aws-kms` slot for key `arn` to `repo`, through the KMS at
/// `endpoint` (a moto whose credential checks are off: any key is taken).
pub fn add_kms_slot(env: &Env, repo: &Path, endpoint: &str, arn: &str) {
    let mut c = env.cmd();
    c.env("AWS_ENDPOINT_URL_KMS", endpoint)
        .env("AWS_ACCESS_KEY_ID", "AKIACAIRNTESTSLOT001")
        .env("AWS_SECRET_ACCESS_KEY", "cairn-test-slot-secret")
        .arg("-r")
        .arg(repo)
        .args(["keys", "add", "--aws-kms", arn]);
    run(&mut c).ok();
}

/// The repository's key slots as (id, kind), from `keys status --json`.
pub fn slot_ids(env: &Env, repo: &Path) -> Vec<(String, String)> {
    let s = env.repo(repo, &["keys", "status", "--json"]).ok().json();
    s["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A fresh age identity written to `name` in the scratch folder: (identity file, recipient).
pub fn age_identity(env: &Env, name: &str) -> (PathBuf, String) {
    use age::secrecy::ExposeSecret;
    let id = age::x25519::Identity::generate();
    let path = env.path(name);
    std::fs::write(
        &path,
        format!("# created for a test\n{}\n", id.to_string().expose_secret()),
    )
    .unwrap();
    (path, id.to_public().to_string())
}

/// A request straight to the test S3 server, as an attacker holding the
/// bucket's credentials would send it (moto checks that a request carries a
/// signature, not that it is right), for
/// `s3:http://HOST:PORT/BUCKET`; `target` is the key with any query.
/// Returns the status code and the whole reply.
pub fn s3_raw(location: &str, method: &str, target: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let rest = location.strip_prefix("s3:http://").unwrap();
    let (hostport, bucket) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(hostport).unwrap();
    write!(
        s,
        "{method} /{bucket}/{target} HTTP/1.1\r\nHost: {hostport}\r\nAuthorization: AWS4-HMAC-SHA256 Credential=cairn-test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    let code = reply
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, reply)
}

/// Lifts immutable flags so the temporary directory can be removed.
pub struct Unfreeze<'a>(pub &'a Path);
impl Drop for Unfreeze<'_> {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .args(["-R", "-i"])
            .arg(self.0)
            .status();
    }
}

/// Runs `cairn ARGS` on a terminal (`script` gives it one, with a TERM),
/// as the tests' Env would; the terminal's output is the Run's stdout.
pub fn on_terminal(env: &Env, args: &[&str]) -> Run {
    terminal_run(env, args, None)
}

/// [`on_terminal`] with stdout sent to the file `out` (commands that write
/// data to stdout, such as export) while stderr stays on the terminal.
pub fn on_terminal_stdout_to(env: &Env, args: &[&str], out: &Path) -> Run {
    terminal_run(env, args, Some(out))
}

fn terminal_run(env: &Env, args: &[&str], out: Option<&Path>) -> Run {
    let quote = |a: &str| format!(" '{}'", a.replace('\'', "'\\''"));
    let mut line = env!("CARGO_BIN_EXE_cairn").to_string();
    for a in args {
        line.push_str(&quote(a));
    }
    if let Some(out) = out {
        line.push_str(" >");
        line.push_str(&quote(out.to_str().expect("a UTF-8 test path")));
    }
    let probe = env.cmd();
    let mut c = Command::new("script");
    c.env_clear()
        .envs(probe.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("TERM", "xterm")
        .args(["-qec", &line, "/dev/null"])
        .stdin(std::process::Stdio::null());
    run(&mut c)
}

/// Whether `text` holds a progress bar's count message (`12/40 UNIT`).
pub fn shows_bar(text: &str, unit: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).any(|w| {
        w[1].starts_with(unit)
            && w[0]
                .split_once('/')
                .is_some_and(|(a, b)| digits(a) && digits(b))
    })
}

/// The `path` of every element of a JSON array (a manifest's or a
/// listing's entries).
pub fn json_paths(entries: &serde_json::Value) -> Vec<&str> {
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect()
}

/// Runs `cairn -r REPO ARGS`, reads the first `n` bytes of its stdout,
/// then closes it, as `| head -c N` does; the finished process's output.
pub fn with_stdout_closed(env: &Env, repo: &Path, args: &[&str], n: usize) -> Output {
    use std::io::Read;
    let mut child = env
        .cmd()
        .arg("-r")
        .arg(repo)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    stdout.read_exact(&mut vec![0u8; n]).unwrap();
    drop(stdout);
    child.wait_with_output().unwrap()
}

/// The repository's snapshot ids, oldest first (`list --json`).
pub fn snapshot_ids(env: &Env, repo: &Path) -> Vec<String> {
    let list = env.repo(repo, &["list", "--json"]).ok().json();
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

/// The one `cairn: error:` line of `stderr` (failing unless there is exactly one).
pub fn error_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("cairn: error:"))
        .collect();
    assert_eq!(lines.len(), 1, "expected one error line:\n{stderr}");
    lines[0]
}

/// The `--progress json` lines of `stderr`, parsed, in order.
pub fn progress_lines(stderr: &str) -> Vec<serde_json::Value> {
    stderr
        .lines()
        .filter(|l| l.starts_with("{\"progress\""))
        .map(|l| serde_json::from_str(l).expect("a progress line is JSON"))
        .collect()
}

/// `cp -a from to`, replacing `to` (made writable first: repositories hold
/// read-only objects).
pub fn copy_dir(from: &Path, to: &Path) {
    if to.exists() {
        Command::new("chmod")
            .arg("-R")
            .arg("u+w")
            .arg(to)
            .status()
            .unwrap();
    }
    let _ = std::fs::remove_dir_all(to);
    let st = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(st.success());
}

/// Polls `cairn serve` at `base` until job `id` has succeeded or failed; its view.
pub fn wait_job(base: &str, token: &str, id: &str) -> serde_json::Value {
    let t = std::time::Instant::now();
    loop {
        let (s, v) = curl(
            "GET",
            &format!("{base}/api/v1/dr/jobs/{id}"),
            Some(token),
            None,
        );
        assert_eq!(s, 200, "{v}");
        let state = v["data"]["state"].as_str().unwrap().to_string();
        if state == "succeeded" || state == "failed" {
            return v["data"].clone();
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(120),
            "job {id} stuck: {v}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}
