//! `aws-kms` slots against moto's KMS (the real `moto_server` that
//! scripts/test.sh installs into .venv, one per test on a free loopback
//! port: the shared one never checks credentials, these tests turn moto's
//! IAM checks on).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use base64::Engine;
use cairn_test_support::Moto;
use common::*;
use serde_json::json;
use std::path::{Path, PathBuf};

fn keys_dir(repo: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    all_files(&repo.join("keys"))
}

/// AWS credentials and endpoint for a `cairn` run against `moto`.
struct Aws<'a> {
    moto: &'a Moto,
    key_id: String,
    secret: String,
    token: Option<String>,
}

impl Aws<'_> {
    /// `cairn -r REPO ARGS` with these credentials; with the passphrase only
    /// when `pass`.
    fn run(&self, env: &Env, repo: &Path, pass: bool, args: &[&str]) -> Run {
        let mut c = env.cmd();
        c.env("AWS_ENDPOINT_URL_KMS", &self.moto.endpoint)
            .env("AWS_ACCESS_KEY_ID", &self.key_id)
            .env("AWS_SECRET_ACCESS_KEY", &self.secret)
            .env("AWS_REGION", "us-east-1")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_ENDPOINT_URL")
            .arg("-r")
            .arg(repo)
            .args(args);
        if let Some(t) = &self.token {
            c.env("AWS_SESSION_TOKEN", t);
        }
        if !pass {
            c.env_remove("CAIRN_PASSWORD");
        }
        run(&mut c)
    }
}

/// `cairn -r REPO list` without the passphrase, with only the `aws`
/// variables of the AWS environment.
fn list_with(env: &Env, repo: &Path, aws: &[(&str, &str)]) -> Run {
    let mut c = env.cmd();
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("AWS_")) {
        c.env_remove(k);
    }
    c.envs(aws.iter().copied())
        .env_remove("CAIRN_PASSWORD")
        .arg("-r")
        .arg(repo)
        .arg("list");
    run(&mut c)
}

fn slot_text(repo: &Path, id: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(repo.join("keys").join(id)).unwrap()).unwrap()
}

#[test]
fn aws_kms_slot_unlocks_alone_rewraps_after_rotation_and_survives_rotate_master() {
    let env = Env::new();
    let moto = Moto::start(&env.path("moto.log"));
    let arn = moto.kms_key();
    let (src, repo) = backed_up(&env);
    let pass_slot = slot_ids(&env, &repo)[0].0.clone();
    let aws = Aws {
        moto: &moto,
        key_id: "AKIACAIRNTESTKEY0001".into(),
        secret: "cairn-kms-secret-3f9c1d7e5b2a".into(),
        token: Some("cairn-kms-session-token-8e41b07c".into()),
    };
    let mut outputs = String::new();
    let mut keep = |r: Run| {
        outputs.push_str(&r.stdout);
        outputs.push_str(&r.stderr);
        r
    };
    // Added by its bare key id: the slot records the ARN KMS names.
    let key_id = arn.rsplit('/').next().unwrap();
    let r = keep(
        aws.run(
            &env,
            &repo,
            true,
            &["keys", "add", "--aws-kms", key_id, "--json"],
        )
        .ok(),
    );
    let slot = r.json()["added"].as_str().unwrap().to_string();
    let text = slot_text(&repo, &slot);
    assert_eq!(text["version"], 2);
    assert_eq!(text["kind"], "aws-kms");
    assert_eq!(text["params"], json!({ "key": arn }));
    // The encryption context is exactly the one FORMAT.md names: KMS opens
    // the wrapped KEK for this repository and slot, and for no other slot.
    let repo_id = env.repo(&repo, &["keys", "status", "--json"]).ok().json()["repository_id"]
        .as_str()
        .unwrap()
        .to_string();
    let blob = text["kek"].as_str().unwrap();
    let ctx = |slot: &str| json!({"cairn:repository": repo_id, "cairn:slot": slot});
    let plain = moto.kms(
        "Decrypt",
        json!({"CiphertextBlob": blob, "EncryptionContext": ctx(&slot)}),
    )["Plaintext"]
        .as_str()
        .unwrap()
        .to_string();
    let kek = base64::engine::general_purpose::STANDARD
        .decode(&plain)
        .unwrap();
    assert_eq!(kek.len(), 32);
    let (status, _) = moto.try_kms(
        "Decrypt",
        json!({"CiphertextBlob": blob, "EncryptionContext": ctx(&pass_slot)}),
    );
    assert_eq!(status, 400);
    // A second slot for the same key is refused.
    let r = keep(aws.run(&env, &repo, true, &["keys", "add", "--aws-kms", &arn]));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("already wraps"), "{}", r.stderr);

    // The passphrase slot removed (the KMS slot is proven in the same
    // session): KMS alone opens the repository, bit-exact.
    keep(
        aws.run(&env, &repo, true, &["keys", "remove", &pass_slot])
            .ok(),
    );
    let out = env.path("out");
    keep(
        aws.run(
            &env,
            &repo,
            false,
            &["restore", "latest", "--target", out.to_str().unwrap()],
        )
        .ok(),
    );
    assert_same_tree(&src, &out);
    let status = keep(
        aws.run(&env, &repo, false, &["keys", "status", "--json"])
            .ok(),
    );
    assert_eq!(status.json()["slots"][0]["params"]["key"], arn.as_str());

    // Key rotation in KMS: the slot keeps opening; `keys rewrap` re-encrypts
    // the KEK (ReEncrypt, for the new slot's id) and touches no data.
    moto.kms("EnableKeyRotation", json!({"KeyId": key_id}));
    moto.kms("RotateKeyOnDemand", json!({"KeyId": key_id}));
    keep(aws.run(&env, &repo, false, &["keys", "test", &slot]).ok());
    let data_before: Vec<_> = all_files(&repo)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("keys") && !p.starts_with("locks"))
        .collect();
    let r = keep(
        aws.run(
            &env,
            &repo,
            false,
            &["-v", "keys", "rewrap", &slot, "--json"],
        )
        .ok(),
    );
    let rewrapped = r.json()["added"].as_str().unwrap().to_string();
    assert!(!repo.join("keys").join(&slot).exists());
    assert_ne!(slot_text(&repo, &rewrapped)["kek"], text["kek"]);
    let data_after: Vec<_> = all_files(&repo)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("keys") && !p.starts_with("locks"))
        .collect();
    assert_eq!(data_before, data_after);
    keep(
        aws.run(&env, &repo, false, &["keys", "test", &rewrapped])
            .ok(),
    );

    // Rotating the master secret carries the KMS slot under a new id, its
    // KEK re-encrypted by KMS for that id's context (a copy would not open).
    let r = keep(
        aws.run(&env, &repo, false, &["keys", "rotate-master", "--json"])
            .ok(),
    );
    assert_eq!(
        r.json()["plan"]["carried"].as_array().unwrap().len(),
        1,
        "{}",
        r.stdout
    );
    let out = env.path("out-rotated");
    let mut c = env.cmd();
    c.env("CAIRN_LOG", "trace")
        .env("AWS_ENDPOINT_URL_KMS", &moto.endpoint)
        .env("AWS_ACCESS_KEY_ID", &aws.key_id)
        .env("AWS_SECRET_ACCESS_KEY", &aws.secret)
        .env("AWS_SESSION_TOKEN", aws.token.as_deref().unwrap())
        .env_remove("CAIRN_PASSWORD")
        .arg("-r")
        .arg(&repo)
        .args(["restore", "latest", "--target", out.to_str().unwrap()]);
    keep(run(&mut c).ok());
    assert_same_tree(&src, &out);

    // No secret in any output, trace level included.
    for secret in [&aws.secret, aws.token.as_ref().unwrap(), &plain] {
        assert!(!outputs.contains(secret.as_str()), "a secret was printed");
    }
    assert!(!outputs.contains(&hex::encode(&kek)), "the KEK was printed");
}

#[test]
fn wrong_credentials_a_denied_key_no_credentials_and_kms_down_each_say_so_in_one_line() {
    let env = Env::new();
    let moto = Moto::start(&env.path("moto.log"));
    let arn = moto.kms_key();
    let (key_id, secret) = moto.iam_user("cairn", "kms:*");
    let (enc_id, enc_secret) = moto.iam_user("encrypt-only", "kms:Encrypt");
    moto.require_auth(true);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let good = Aws {
        moto: &moto,
        key_id: key_id.clone(),
        secret: secret.clone(),
        token: None,
    };
    let r = good
        .run(
            &env,
            &repo,
            true,
            &["keys", "add", "--aws-kms", &arn, "--json"],
        )
        .ok();
    let slot = r.json()["added"].as_str().unwrap().to_string();
    good.run(&env, &repo, false, &["keys", "test", &slot]).ok();
    let before = keys_dir(&repo);
    let with = |key_id: &str, secret: &str| Aws {
        moto: &moto,
        key_id: key_id.into(),
        secret: secret.into(),
        token: None,
    };
    let cases = [
        (
            with(&key_id, "wrong-secret-6d1f0a"),
            "SignatureDoesNotMatch",
        ),
        (
            with("AKIAUNKNOWN000000000", &secret),
            "InvalidClientTokenId",
        ),
        (with(&enc_id, &enc_secret), "may not use the key"),
    ];
    for (aws, why) in cases {
        let r = aws.run(&env, &repo, false, &["list"]);
        assert_ne!(r.code, 0);
        let errors: Vec<&str> = r.stderr.lines().filter(|l| l.contains("error")).collect();
        assert_eq!(errors.len(), 1, "{}", r.stderr);
        assert!(
            errors[0].contains(&slot) && errors[0].contains(why),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains(&aws.secret), "{}", r.stderr);
        // Not pinned: the passphrase slot is tried next.
        aws.run(&env, &repo, true, &["list"]).ok();
    }
    // AWS_PROFILE names a profile no file holds: no credentials, no request.
    let none = env.path("none");
    let none = none.to_str().unwrap();
    let r = list_with(
        &env,
        &repo,
        &[
            ("AWS_PROFILE", "missing"),
            ("AWS_CONFIG_FILE", none),
            ("AWS_SHARED_CREDENTIALS_FILE", none),
            ("AWS_ENDPOINT_URL_KMS", &moto.endpoint),
        ],
    );
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("no AWS credentials found"),
        "{}",
        r.stderr
    );
    // KMS down.
    let endpoint = moto.endpoint.clone();
    drop(moto);
    let r = list_with(
        &env,
        &repo,
        &[
            ("AWS_ENDPOINT_URL_KMS", &endpoint),
            ("AWS_ACCESS_KEY_ID", &key_id),
            ("AWS_SECRET_ACCESS_KEY", &secret),
        ],
    );
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains(&slot) && r.stderr.contains("unreachable"),
        "{}",
        r.stderr
    );
    assert_eq!(keys_dir(&repo), before);
}
