//! `cairn gate` (RG-7) for real: repositories made with the binary, a server
//! config, the gate run as a process, and its artifacts read back. One passing
//! run, then one fixture per check that must fail it (and a waiver).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

struct Fixture {
    env: Env,
    src: PathBuf,
    repo: PathBuf,
}

impl Fixture {
    /// A source tree and an initialised repository (no backup yet).
    fn new() -> Self {
        let env = Env::new();
        let src = env.path("src");
        make_tree(&src);
        let repo = env.path("repo");
        env.repo(&repo, &["init"]).ok();
        std::fs::write(env.path("pass"), "test passphrase\n").unwrap();
        std::fs::create_dir_all(env.path("restore")).unwrap();
        Fixture { env, src, repo }
    }

    fn backup(&self, now: Option<&str>) -> String {
        let src = self.src.to_str().unwrap();
        let mut args = vec!["backup", src, "--json"];
        if let Some(n) = now {
            args.extend(["--now", n]);
        }
        let r = self.env.repo(&self.repo, &args).ok();
        r.json()["snapshot_id"].as_str().unwrap().to_string()
    }

    /// Writes the config; `spec_extra` and `tail` are TOML lines for the spec and the end.
    fn config(&self, location: &Path, spec_extra: &str, allow: &[PathBuf], tail: &str) -> PathBuf {
        ServerToml::new(&self.env.path("state"))
            .repository(
                "main",
                location,
                &ServerToml::password_file(&self.env.path("pass")),
            )
            .spec("docs", "main", &[&self.src], spec_extra)
            .allow_roots(allow)
            .tail(tail)
            .write(&self.env.path("cairn.toml"))
    }

    fn good_config(&self) -> PathBuf {
        let allow = [self.env.path("restore")];
        self.config(
            &self.repo,
            "rpo = \"26h\"\nrto = \"1h\"\nretention = { keep-daily = 7, keep-weekly = 4 }",
            &allow,
            "",
        )
    }

    /// Runs the gate; returns (exit code, rg7_report.json).
    fn gate(&self, cfg: &Path) -> (i32, Value) {
        let out = self.env.path("out");
        let r = self.env.run(&[
            "gate",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--seed",
            "42",
        ]);
        let text = std::fs::read_to_string(out.join("rg7_report.json")).unwrap_or_else(|e| {
            panic!(
                "no report ({e})\nstdout:\n{}\nstderr:\n{}",
                r.stdout, r.stderr
            )
        });
        let v: Value = serde_json::from_str(&text).unwrap();
        validate(&v);
        (r.code, v)
    }
}

fn failing(v: &Value) -> Vec<String> {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["pass"] == false)
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

fn check<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

fn ago(days: i64) -> String {
    (time::OffsetDateTime::now_utc() - time::Duration::days(days))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// Validates against docs/rg7_report.schema.json with the subset of JSON
/// Schema the file uses (type, required, properties, items, enum, const,
/// minItems, minimum, local $ref). Not a general validator: the jsonschema
/// crate was not added to keep the build small.
fn validate(v: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rg7_report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    walk(&schema, &schema, v, "$");
}

fn walk(root: &Value, s: &Value, v: &Value, at: &str) {
    if let Some(r) = s["$ref"].as_str() {
        let name = r.strip_prefix("#/$defs/").unwrap();
        return walk(root, &root["$defs"][name], v, at);
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(x) => vec![x.as_str()],
            Value::Array(a) => a.iter().map(|x| x.as_str().unwrap()).collect(),
            _ => panic!("schema type at {at}"),
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "null" => v.is_null(),
            _ => panic!("unknown type {t}"),
        });
        assert!(ok, "{at}: {v} is not {types:?}");
    }
    if v.is_null() {
        return;
    }
    if let Some(c) = s.get("const") {
        assert_eq!(v, c, "{at}");
    }
    if let Some(e) = s["enum"].as_array() {
        assert!(e.contains(v), "{at}: {v} not in {e:?}");
    }
    if let Some(m) = s["minimum"].as_f64() {
        assert!(v.as_f64().unwrap() >= m, "{at}");
    }
    if let Some(m) = s["minItems"].as_u64() {
        assert!(v.as_array().unwrap().len() as u64 >= m, "{at}");
    }
    for r in s["required"].as_array().into_iter().flatten() {
        let k = r.as_str().unwrap();
        assert!(v.get(k).is_some(), "{at}: missing {k}");
    }
    if let Some(props) = s["properties"].as_object() {
        for (k, ps) in props {
            if let Some(x) = v.get(k) {
                walk(root, ps, x, &format!("{at}.{k}"));
            }
        }
    }
    if let (Some(items), Some(a)) = (s.get("items"), v.as_array()) {
        for (i, x) in a.iter().enumerate() {
            walk(root, items, x, &format!("{at}[{i}]"));
        }
    }
}

#[test]
fn a_fresh_repository_passes_and_every_artifact_follows_the_report() {
    let f = Fixture::new();
    let id = f.backup(None);
    let cfg = f.good_config();
    let (code, v) = f.gate(&cfg);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["version"], 2);
    assert_eq!(
        v["seed"], "42",
        "a string: JavaScript rounds numbers above 2^53"
    );
    assert_eq!(v["pass"], true);
    assert!(failing(&v).is_empty(), "{v:#}");
    let spec = &v["specs"][0];
    assert_eq!(spec["recovery_point"], id.as_str());
    assert_eq!(spec["latest"]["restored"], true);
    assert!(
        spec["latest"]["files_checked"].as_u64().unwrap() >= 5,
        "{spec}"
    );
    assert!(spec["rpo_seconds"].as_i64().unwrap() < 600, "{spec}");
    assert!(spec["rto_seconds"].as_f64().unwrap() > 0.0, "{spec}");
    // One key slot: a warning, not a failure.
    let policy = check(&v, "dr_policy");
    assert!(
        policy["warnings"].to_string().contains("key slot"),
        "{policy}"
    );
    let scan = &policy["details"]["repositories"]["main"]["encryption_scan"];
    assert!(scan["windows"].as_u64().unwrap() > 0, "{scan}");
    assert_eq!(scan["plaintext_hits"], 0, "{scan}");
    let targets = check(&v, "dr_targets");
    assert_eq!(targets["details"]["allow_roots"]["outside_refused"], true);
    assert_eq!(
        targets["details"]["hostile"]["cases"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    let out = f.env.path("out");
    let badge = std::fs::read_to_string(out.join("rg7_badge.svg")).unwrap();
    assert!(
        badge.contains("RG-7 pass") && badge.contains("#2ea44f"),
        "{badge}"
    );
    let summary = std::fs::read_to_string(out.join("DR_SUMMARY.md")).unwrap();
    assert!(summary.contains("RG-7 recovery gate: PASS"), "{summary}");
    let sample: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sample_manifest.json")).unwrap())
            .unwrap();
    let files = sample["files"].as_array().unwrap();
    assert!(files
        .iter()
        .all(|x| x["ok"] == true && x["sha256"].as_str().unwrap().len() == 64));
    // Redacted: no file name from the source appears.
    let text = sample.to_string();
    assert!(
        !text.contains("readme") && !text.contains("big.bin"),
        "{text}"
    );
    // Scratch restores are gone.
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        left.iter().all(|n| !n.starts_with("rg7-scratch")),
        "{left:?}"
    );
}

#[test]
fn a_missing_repository_fails_presence_and_integrity_with_the_cause() {
    let f = Fixture::new();
    f.backup(None);
    let allow = [f.env.path("restore")];
    let cfg = f.config(
        &f.env.path("nowhere"),
        "rpo = \"26h\"\nrto = \"1h\"\nretention = { keep-last = 3 }",
        &allow,
        "",
    );
    let (code, v) = f.gate(&cfg);
    assert_eq!(code, 1);
    let fails = failing(&v);
    assert!(fails.contains(&"dr_presence".to_string()), "{fails:?}");
    assert!(fails.contains(&"dr_integrity".to_string()), "{fails:?}");
    assert!(fails.contains(&"dr_perf".to_string()), "{fails:?}");
    let why = check(&v, "dr_presence")["reason"].as_str().unwrap();
    assert!(why.contains("no cairn repository"), "{why}");
    let badge = std::fs::read_to_string(f.env.path("out/rg7_badge.svg")).unwrap();
    assert!(
        badge.contains("RG-7 fail") && badge.contains("#d73a49"),
        "{badge}"
    );

    // A config that does not load: still a report, dr_presence naming the line.
    let bad = f.env.path("bad.toml");
    std::fs::write(
        &bad,
        std::fs::read_to_string(&cfg)
            .unwrap()
            .replace("rpo =", "rpoo ="),
    )
    .unwrap();
    let (code, v) = f.gate(&bad);
    assert_eq!(code, 1);
    assert_eq!(failing(&v).len(), 6, "every check, dr_replica too: {v:#}");
    let why = check(&v, "dr_presence")["reason"].as_str().unwrap();
    assert!(why.contains("line") && why.contains("rpoo"), "{why}");
}

fn packs(repo: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for shard in std::fs::read_dir(repo.join("data")).unwrap() {
        for p in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            out.push(p.unwrap().path());
        }
    }
    out.sort();
    out
}

fn flip_middle_byte(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut perm = std::fs::metadata(p).unwrap().permissions();
    perm.set_mode(0o644);
    std::fs::set_permissions(p, perm).unwrap();
    let mut b = std::fs::read(p).unwrap();
    let mid = b.len() / 2;
    b[mid] ^= 0x55;
    std::fs::write(p, b).unwrap();
}

#[test]
fn a_corrupt_pack_fails_integrity() {
    let f = Fixture::new();
    f.backup(None);
    let all = packs(&f.repo);
    let biggest = all
        .iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    flip_middle_byte(biggest);
    let (code, v) = f.gate(&f.good_config());
    assert_eq!(code, 1);
    let fails = failing(&v);
    assert!(fails.contains(&"dr_integrity".to_string()), "{fails:?}");
    assert!(v["specs"][0]["recovery_point"].is_null(), "{v:#}");
    assert!(fails.contains(&"dr_perf".to_string()), "{fails:?}");
}

#[test]
fn when_the_newest_snapshot_is_damaged_rpo_falls_back_to_the_previous_good_one() {
    let f = Fixture::new();
    let first = f.backup(Some(&ago(0)));
    let before = packs(&f.repo);
    std::fs::write(f.src.join("new.bin"), vec![7u8; 50_000]).unwrap();
    f.backup(None);
    for p in packs(&f.repo).iter().filter(|p| !before.contains(p)) {
        flip_middle_byte(p);
    }
    let (code, v) = f.gate(&f.good_config());
    assert_eq!(code, 1);
    assert_eq!(failing(&v), vec!["dr_integrity".to_string()], "{v:#}");
    let spec = &v["specs"][0];
    assert_eq!(spec["recovery_point"], first.as_str(), "{spec:#}");
    assert!(spec["notes"].to_string().contains("falls back"), "{spec:#}");
}

#[test]
fn a_snapshot_the_policy_removes_still_present_fails_policy() {
    let f = Fixture::new();
    f.backup(Some(&ago(10)));
    f.backup(Some(&ago(9)));
    std::fs::write(f.src.join("hello.txt"), b"changed\n").unwrap();
    f.backup(None);
    let allow = [f.env.path("restore")];
    let cfg = f.config(
        &f.repo,
        "rpo = \"26h\"\nrto = \"1h\"\nretention = { keep-last = 1 }",
        &allow,
        "",
    );
    let (code, v) = f.gate(&cfg);
    assert_eq!(code, 1);
    assert_eq!(failing(&v), vec!["dr_policy".to_string()], "{v:#}");
    let why = check(&v, "dr_policy")["reason"].as_str().unwrap();
    assert!(why.contains("retention was not applied"), "{why}");
    // Only the 10-day-old one: the 9-day-old became removable when today's
    // snapshot arrived, which is within the grace.
    assert!(why.contains("1 snapshot(s)"), "{why}");
}

#[test]
fn empty_allow_roots_fail_targets_and_a_waiver_lets_the_gate_pass_saying_why() {
    let f = Fixture::new();
    f.backup(None);
    let spec = "rpo = \"26h\"\nrto = \"1h\"\nretention = { keep-daily = 7 }";
    let cfg = f.config(&f.repo, spec, &[], "");
    let (code, v) = f.gate(&cfg);
    assert_eq!(code, 1);
    assert_eq!(failing(&v), vec!["dr_targets".to_string()], "{v:#}");
    let why = check(&v, "dr_targets")["reason"].as_str().unwrap();
    assert!(why.contains("allow-roots is empty"), "{why}");

    let cfg = f.config(
        &f.repo,
        spec,
        &[],
        "[gate]\nwaive = [{ check = \"dr_targets\", reason = \"restores only by hand on this host\" }]",
    );
    let (code, v) = f.gate(&cfg);
    assert_eq!(code, 0, "{v:#}");
    let t = check(&v, "dr_targets");
    assert_eq!(t["waived"], true);
    let why = t["reason"].as_str().unwrap();
    assert!(
        why.contains("restores only by hand") && why.contains("allow-roots is empty"),
        "{why}"
    );
    let summary = std::fs::read_to_string(f.env.path("out/DR_SUMMARY.md")).unwrap();
    assert!(
        summary.contains("waived") && summary.contains("restores only by hand"),
        "{summary}"
    );
}

#[test]
fn an_old_recovery_point_a_missing_target_and_clock_skew_fail_perf() {
    let f = Fixture::new();
    f.backup(Some(&ago(3)));
    let allow = [f.env.path("restore")];
    let cfg = f.config(
        &f.repo,
        "rpo = \"1h\"\nrto = \"1h\"\nretention = { keep-daily = 7 }",
        &allow,
        "",
    );
    let (code, v) = f.gate(&cfg);
    assert_eq!(code, 1);
    assert_eq!(failing(&v), vec!["dr_perf".to_string()], "{v:#}");
    let why = check(&v, "dr_perf")["reason"].as_str().unwrap();
    assert!(
        why.contains("RPO 3d") && why.contains("exceeds the target 1h"),
        "{why}"
    );

    // No rto at all: a failure, not a silent pass.
    let cfg = f.config(
        &f.repo,
        "rpo = \"5d\"\nretention = { keep-daily = 7 }",
        &allow,
        "",
    );
    let (_, v) = f.gate(&cfg);
    let why = check(&v, "dr_perf")["reason"].as_str().unwrap();
    assert!(why.contains("no rto is configured"), "{why}");

    // A snapshot from the future: clock skew, said plainly.
    f.backup(Some(&ago(-2)));
    let cfg = f.config(
        &f.repo,
        "rpo = \"5d\"\nrto = \"1h\"\nretention = { keep-daily = 7 }",
        &allow,
        "",
    );
    let (code, v) = f.gate(&cfg);
    assert_eq!(code, 1);
    let why = check(&v, "dr_perf")["reason"].as_str().unwrap();
    assert!(why.contains("clock skew"), "{why}");
}

#[test]
fn a_scratch_disk_too_small_for_the_restore_fails_integrity_never_passes() {
    let f = Fixture::new();
    f.backup(None);
    // The gate's scratch restores go inside --out: a 1 MiB disk cannot hold
    // the 3 MB snapshot.
    let Some(_disk) = SmallDisk::mount(&f.env.path("out"), "1m") else {
        eprintln!("SKIPPED a_scratch_disk_too_small_for_the_restore_fails_integrity_never_passes: mounting a tmpfs needs root");
        return;
    };
    let (code, v) = f.gate(&f.good_config());
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["pass"], false);
    let integrity = check(&v, "dr_integrity");
    assert_eq!(integrity["pass"], false, "{integrity}");
    let spec = &v["specs"][0];
    assert_ne!(spec["latest"]["restored"], true, "{spec}");
    assert!(
        v.to_string().contains("No space left on device"),
        "the cause is named: {v:#}"
    );
}

impl Fixture {
    /// The good config plus repository "offsite" at `replica` and a
    /// `[[replica]]` of spec docs into it with `rpo`.
    fn replica_config(&self, replica: &Path, rpo: &str) -> PathBuf {
        let pass = ServerToml::password_file(&self.env.path("pass"));
        ServerToml::new(&self.env.path("state"))
            .repository("main", &self.repo, &pass)
            .repository("offsite", replica, &pass)
            .spec(
                "docs",
                "main",
                &[&self.src],
                "rpo = \"26h\"\nrto = \"1h\"\nretention = { keep-daily = 7, keep-weekly = 4 }",
            )
            .allow_roots(&[self.env.path("restore")])
            .tail(&format!(
                "[[replica]]\nname = \"offsite\"\nrepository = \"offsite\"\nspecs = [\"docs\"]\nrpo = \"{rpo}\""
            ))
            .write(&self.env.path("cairn.toml"))
    }

    /// `cairn copy` of every snapshot into `replica`.
    fn copy_to(&self, replica: &Path) {
        let to = replica.to_str().unwrap();
        self.env.repo(&self.repo, &["copy", "--to", to]).ok();
    }
}

#[test]
fn the_replica_is_drilled_and_a_stale_or_damaged_one_fails_the_gate() {
    let f = Fixture::new();
    f.backup(Some(&ago(3)));
    let replica = f.env.path("replica");
    f.env.repo(&replica, &["init"]).ok();
    f.copy_to(&replica);
    f.backup(None);
    let cfg = f.replica_config(&replica, "26h");

    // The replica holds only the 3-day-old snapshot: over its 26h rpo.
    let (code, v) = f.gate(&cfg);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(failing(&v), vec!["dr_replica".to_string()], "{v:#}");
    let why = check(&v, "dr_replica")["reason"].as_str().unwrap();
    assert!(
        why.contains("replica offsite") && why.contains("over its rpo 26h"),
        "{why}"
    );
    // It was still restored from the replica, every file hash-checked.
    let copy = &v["specs"][0]["replicas"][0];
    assert_eq!(copy["latest"]["restored"], true, "{copy}");
    assert!(
        copy["latest"]["files_checked"].as_u64().unwrap() >= 5,
        "{copy}"
    );
    assert!(copy["rpo_seconds"].as_i64().unwrap() > 2 * 86400, "{copy}");

    // Copied again: the replica is current and the gate passes.
    f.copy_to(&replica);
    let (code, v) = f.gate(&cfg);
    assert_eq!(code, 0, "{v:#}");
    let copy = &v["specs"][0]["replicas"][0];
    assert!(copy["rpo_seconds"].as_i64().unwrap() < 600, "{copy}");
    assert_eq!(check(&v, "dr_replica")["warnings"], serde_json::json!([]));

    // A damaged replica fails the integrity drill, named as the replica's.
    for p in packs(&replica) {
        flip_middle_byte(&p);
    }
    let (code, v) = f.gate(&cfg);
    assert_eq!(code, 1, "{v:#}");
    let why = check(&v, "dr_integrity")["reason"].as_str().unwrap();
    assert!(why.contains("replica offsite: newest snapshot"), "{why}");
    assert!(failing(&v).contains(&"dr_replica".to_string()), "{v:#}");

    // Without any replica: a pass with a warning, never silence.
    let (_, v) = f.gate(&f.good_config());
    let warned = check(&v, "dr_replica")["warnings"].to_string();
    assert!(warned.contains("spec docs has no replica"), "{warned}");
}
