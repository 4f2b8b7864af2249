//! Jobs over the API as a client drives them: tokens from `cairn token
//! create`, calls through curl, a job submitted and waited for.

#![allow(dead_code)]

use super::common::{curl, free_port, wait_job, Env, ServerToml};
use std::path::{Path, PathBuf};

/// `METHOD {base}{path}` with a token and an optional JSON body.
pub fn call(
    base: &str,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, serde_json::Value) {
    curl(method, &format!("{base}{path}"), Some(token), body)
}

/// `GET {base}{path}` with a token.
pub fn get(base: &str, token: &str, path: &str) -> (u16, serde_json::Value) {
    call(base, token, "GET", path, None)
}

/// Submits a job (`body` to `path`, answered 202) and waits for its end.
pub fn job_done(base: &str, token: &str, path: &str, body: &str) -> serde_json::Value {
    let (s, v) = call(base, token, "POST", path, Some(body));
    assert_eq!(s, 202, "{v}");
    wait_job(base, token, v["data"]["id"].as_str().unwrap())
}

/// Backs up `spec` and waits for the job's end.
pub fn backup_of(base: &str, token: &str, spec: &str) -> serde_json::Value {
    let body = serde_json::json!({ "spec": spec }).to_string();
    job_done(base, token, "/api/v1/dr/backup", &body)
}

/// `GET /api/v1/dr/jobs{query}`: the list.
pub fn job_list(base: &str, token: &str, query: &str) -> Vec<serde_json::Value> {
    let (s, v) = get(base, token, &format!("/api/v1/dr/jobs{query}"));
    assert_eq!(s, 200, "{v}");
    v["data"].as_array().unwrap().clone()
}

/// A new token of `role` (named "a") from `cairn token create`.
pub fn token(env: &Env, cfg: &str, role: &str) -> String {
    token_named(env, cfg, role, "a")
}

pub fn token_named(env: &Env, cfg: &str, role: &str, name: &str) -> String {
    env.run(&[
        "token", "create", "--config", cfg, "--role", role, "--name", name,
    ])
    .ok()
    .stdout
    .trim()
    .to_string()
}

/// A server config whose specs (name, TOML lines) back up commands into one
/// initialised repository, written to `cairn.toml`.
pub fn command_specs(specs: &[(&str, &str)]) -> (Env, u16, PathBuf) {
    command_specs_and(specs, "")
}

/// [`command_specs`] with `tail` (TOML tables: `[[notify]]`, `[gate]`) at the end.
pub fn command_specs_and(specs: &[(&str, &str)], tail: &str) -> (Env, u16, PathBuf) {
    let env = Env::new();
    let port = free_port();
    std::fs::write(env.path("pass"), "test passphrase\n").unwrap();
    env.repo(&env.path("repo"), &["init"]).ok();
    let no_paths: &[&Path] = &[];
    let mut cfg = ServerToml::new(&env.path("state")).listen(port).repository(
        "main",
        env.path("repo"),
        &ServerToml::password_file(&env.path("pass")),
    );
    for (name, toml) in specs {
        cfg = cfg.spec(name, "main", no_paths, toml);
    }
    let file = cfg.tail(tail).write(&env.path("cairn.toml"));
    (env, port, file)
}
