//! The API's request bodies as a client sends them: each decoder (JSON, an
//! object, the request's shape) and each validation into the input a job or
//! an administration call takes, against a fixed config. Bad input is a
//! typed refusal (400, 403 or 404 in the server), never a panic; what passes
//! names a configured spec and, for a restore, an absolute target inside
//! an allowed root.
#![no_main]
use cairn_app::config::ServerConfig;
use cairn_app::request::{
    decode, snapshot_syntax, BackupReq, GateReq, NoFields, ProtectReq, RepoReq, RestoreReq,
    VerifyReq,
};
use cairn_app::Error;
use std::sync::OnceLock;

const CONFIG: &str = r#"
audit-log = "/nonexistent/audit.jsonl"
tokens = "/nonexistent/tokens.json"

[repository.main]
location = "/nonexistent/repo"
password-file = "/nonexistent/pw"

[repository.offsite]
location = "/nonexistent/offsite"
password-file = "/nonexistent/pw"

[[spec]]
name = "docs"
repository = "main"
paths = ["/srv/docs"]

[[spec]]
name = "db"
repository = "offsite"
paths = ["/srv/db"]

[restore]
allow-roots = ["/tmp"]
"#;

fn config() -> &'static ServerConfig {
    static CFG: OnceLock<ServerConfig> = OnceLock::new();
    CFG.get_or_init(|| match ServerConfig::parse(CONFIG, "fuzz.toml") {
        Ok(c) => c,
        Err(e) => panic!("the target's own config: {e}"),
    })
}

/// A refusal of a client's input: what the server answers 400, 403 or 404.
fn refused<T>(r: Result<T, Error>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(Error::BadRequest(_) | Error::NotFound(_) | Error::Forbidden(_)) => None,
        Err(e) => panic!("not a refusal of the input: {e:?}"),
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let cfg = config();
    let spec_ok = |s: &str| assert!(cfg.spec(s).is_some(), "{s:?} passed");
    if let Some(r) = refused(decode::<RestoreReq>(data)).and_then(|b| refused(b.check(cfg))) {
        spec_ok(&r.spec);
        assert!(r.target.is_absolute() && snapshot_syntax(&r.snapshot).is_ok());
    }
    if let Some(b) = refused(decode::<VerifyReq>(data)) {
        // The snapshot comes from the path: a valid one and a hostile one.
        let hostile = String::from_utf8_lossy(data).into_owned();
        for snapshot in ["latest", hostile.as_str()] {
            let b = VerifyReq {
                spec: b.spec.clone(),
                read_data_subset: b.read_data_subset.clone(),
            };
            if let Some(v) = refused(b.check(cfg, snapshot)) {
                spec_ok(&v.spec);
                assert!(snapshot_syntax(&v.snapshot).is_ok());
            }
        }
    }
    if let Some(spec) = refused(decode::<BackupReq>(data)).and_then(|b| refused(b.check(cfg))) {
        spec_ok(&spec);
    }
    if let Some(specs) = refused(decode::<GateReq>(data)).and_then(|b| refused(b.check(cfg))) {
        specs.iter().for_each(|s| spec_ok(s));
    }
    if let Some(b) = refused(decode::<RepoReq>(data)) {
        if let Some(name) = refused(b.repository(cfg)) {
            assert!(cfg.repository.contains_key(&name), "{name:?} passed");
        }
    }
    let _ = refused(decode::<ProtectReq>(data));
    let _ = refused(decode::<NoFields>(data));
});
