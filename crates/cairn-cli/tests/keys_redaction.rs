//! No secret ever reaches the output: a full run (init, backup, list, restore,
//! verify, every keys command, failures included) with debug logging, whose
//! stdout and stderr are scanned for the passphrases, the key file's key, the
//! master secret, an age identity and the AWS secret key and session token
//! an AWS KMS slot (against moto) is used with.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use age::secrecy::ExposeSecret;
use base64::Engine;
use common::*;

#[test]
fn no_secret_in_any_output() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let new_pass = "Second-Passphrase-7f3k";
    let id = age::x25519::Identity::generate();
    let identity = id.to_string().expose_secret().to_string();
    let id_file = env.path("escrow.txt");
    std::fs::write(&id_file, format!("{identity}\n")).unwrap();
    let moto = cairn_test_support::Moto::start(&env.path("moto.log"));
    let arn = moto.kms_key();
    let aws_secret = "Kms-Secret-Access-Key-5q8w";
    let aws_token = "Kms-Session-Token-2m6z";
    let kms = [
        ("AWS_ENDPOINT_URL_KMS", moto.endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "AKIAREDACTIONTEST001"),
        ("AWS_SECRET_ACCESS_KEY", aws_secret),
        ("AWS_SESSION_TOKEN", aws_token),
        ("AWS_REGION", "us-east-1"),
    ];
    let mut outputs = Vec::new();
    // The embedded default repository: created with a key file, verbose
    // throughout; AWS credentials only where a step names them.
    let mut go = |extra: &[(&str, &str)], args: &[&str]| {
        let mut c = env.cmd();
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("AWS_")) {
            c.env_remove(k);
        }
        c.env_remove("CAIRN_PASSWORD").arg("-v");
        for (k, v) in extra {
            c.env(k, v);
        }
        let r = run(c.args(args));
        outputs.push(format!("{args:?}\n{}\n{}", r.stdout, r.stderr));
        r
    };
    go(&[], &["backup", src.to_str().unwrap()]).ok();
    go(&[], &["backup", src.to_str().unwrap(), "--json"]).ok();
    go(&[], &["list", "--json"]).ok();
    go(
        &[("CAIRN_NEW_PASSWORD", new_pass)],
        &["keys", "add", "--passphrase"],
    )
    .ok();
    go(
        &[],
        &[
            "keys",
            "add",
            "--age-recipient",
            &id.to_public().to_string(),
        ],
    )
    .ok();
    go(&kms, &["keys", "add", "--aws-kms", &arn]).ok();
    let st = go(&[], &["keys", "status", "--json"]).ok().json();
    let slots: Vec<String> = st["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    for s in &slots {
        let codes = [
            go(&[], &["keys", "test", s, "--json"]).code,
            go(&[("CAIRN_PASSWORD", new_pass)], &["keys", "test", s]).code,
            go(
                &[("CAIRN_AGE_IDENTITY", id_file.to_str().unwrap())],
                &["keys", "test", s],
            )
            .code,
            go(&kms, &["keys", "test", s]).code,
        ];
        assert_eq!(
            codes.iter().filter(|c| **c == 0).count(),
            1,
            "slot {s}: {codes:?}"
        );
    }
    go(&[("CAIRN_PASSWORD", "a wrong one")], &["list"]).code(4);
    go(&[("CAIRN_PASSWORD", new_pass)], &["verify", "--read-data"]).ok();
    let out = env.path("out");
    go(
        &[("CAIRN_AGE_IDENTITY", id_file.to_str().unwrap())],
        &[
            "restore",
            "latest",
            "--target",
            out.to_str().unwrap(),
            "--json",
        ],
    )
    .ok();
    go(
        &[("CAIRN_PASSWORD", new_pass)],
        &["manifest", "latest", "--format", "json"],
    )
    .ok();
    go(
        &[("CAIRN_PASSWORD", new_pass)],
        &["keys", "remove", &slots[0]],
    )
    .ok();
    // A master-key rotation and the re-encryption: the secret found below
    // is then the new one, which these commands generated and sealed.
    let mut with_kms = kms.to_vec();
    with_kms.push(("CAIRN_PASSWORD", new_pass));
    go(&with_kms, &["keys", "rotate-master"]).ok();
    go(&kms, &["list"]).ok();
    go(
        &[("CAIRN_PASSWORD", new_pass)],
        &["prune", "--rewrite-old-epochs", "--json"],
    )
    .ok();
    go(&[("CAIRN_PASSWORD", new_pass)], &["keys", "status"]).ok();

    // The secrets, as the test can know them.
    let kf = env.path("home/data/cairn/default.key");
    let kf_text = std::fs::read_to_string(&kf).unwrap();
    let key_hex = kf_text
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap()
        .trim()
        .to_string();
    let repo = env.path("home/data/cairn/default");
    let cfg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.join("config")).unwrap()).unwrap();
    let repo_id = cairn_core::RepoId::from_hex(cfg["id"].as_str().unwrap()).unwrap();
    let mut master = None;
    for e in std::fs::read_dir(repo.join("keys")).unwrap() {
        let slot = cairn_core::keyslot::KeySlot::decode(&std::fs::read(e.unwrap().path()).unwrap())
            .unwrap();
        let cred = cairn_core::keyslot::Credential::Passphrase(new_pass.into());
        if let Ok(Some(m)) = slot.unlock(repo_id, &cred) {
            master = Some(*m.expose());
        }
    }
    let master = master.expect("the new passphrase slot unwraps the master secret");
    let secrets = [
        "test passphrase".to_string(),
        new_pass.to_string(),
        key_hex.to_lowercase(),
        key_hex.to_uppercase(),
        hex::encode(master),
        hex::encode_upper(master),
        base64::engine::general_purpose::STANDARD.encode(master),
        identity.clone(),
        identity.to_lowercase(),
        aws_secret.to_string(),
        aws_token.to_string(),
    ];
    let all = outputs.join("\n");
    assert!(
        all.len() > 1000,
        "the run printed too little to mean anything"
    );
    for s in &secrets {
        assert!(
            !all.contains(s.as_str()),
            "a secret appeared in the output:\n{all}"
        );
    }
}
