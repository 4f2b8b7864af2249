//! The spec vocabulary and its config: a strict TOML file, read by
//! `cairn serve`, `cairn plan` and `cairn gate` alike. Unknown keys are errors
//! naming the line, a malformed cron line or duration is an error naming the
//! spec, and references (a spec's repository) are checked at load time, so a
//! config that loads is one the scheduler can run. Every key is documented in
//! docs/SERVER.md.

use crate::credentials::{AwsKmsLogin, Pkcs11Login, Secret, Sources, VaultLogin};
use crate::error::{Error, Result};
use cairn_core::policy::Policy;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The recovery gate's checks, in report order (docs/GATE.md).
pub const GATE_CHECK_IDS: [&str; 6] = [
    "dr_presence",
    "dr_integrity",
    "dr_policy",
    "dr_targets",
    "dr_perf",
    "dr_replica",
];

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ServerConfig {
    /// Address to listen on.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// The hash-chained audit log (JSON lines).
    pub audit_log: PathBuf,
    /// The token store (JSON, hashes only).
    pub tokens: PathBuf,
    /// Largest request body accepted, bytes.
    #[serde(default = "default_body_limit")]
    pub body_limit: usize,
    /// Repositories by name.
    #[serde(default)]
    pub repository: BTreeMap<String, RepositoryConfig>,
    /// Backup specs.
    #[serde(default)]
    pub spec: Vec<SpecConfig>,
    /// Replicas: second repositories holding copies of specs' snapshots.
    #[serde(default)]
    pub replica: Vec<crate::replica::ReplicaConfig>,
    /// Restore rules.
    #[serde(default)]
    pub restore: RestoreConfig,
    /// Recovery gate (`cairn gate`) settings.
    #[serde(default)]
    pub gate: GateConfig,
    /// TLS for the listener; none: plaintext, which only a loopback address
    /// gets without `insecure-plaintext`.
    #[serde(default)]
    pub tls: Option<crate::transport::TlsConfig>,
    /// Serve plaintext HTTP on a non-loopback address (warned at every start).
    #[serde(default)]
    pub insecure_plaintext: bool,
    /// `GET /metrics` needs a token with the read permission (it names specs
    /// and repositories); off: public, for a scraper on a trusted network.
    #[serde(default)]
    pub metrics_auth: bool,
    /// Timeouts and the connection cap.
    #[serde(default)]
    pub limits: crate::transport::Limits,
    /// Where failures, RPO breaches and recoveries are sent (webhooks, mail).
    #[serde(default)]
    pub notify: Vec<crate::notify::NotifyConfig>,
    /// Where snapshot objects and index files of remote repositories are
    /// cached (docs/STORAGE.md); default `cache/` beside the audit log.
    #[serde(default)]
    pub cache_dir: Option<PathBuf>,
    /// Read remote repositories without the local cache.
    #[serde(default)]
    pub no_cache: bool,
}

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}

fn default_body_limit() -> usize {
    64 * 1024
}

/// A `StorageTarget`: where a repository lives and how to unlock it. Every
/// credential given is tried, so a repository can be opened through any of
/// its slots (docs/SERVER.md, "Repositories").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RepositoryConfig {
    /// A folder or an `s3:` location.
    pub location: String,
    /// File holding the passphrase (first line).
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// Key file instead of a passphrase.
    #[serde(default)]
    pub key_file: Option<PathBuf>,
    /// An age identity file (`AGE-SECRET-KEY-1…` lines) for `age` slots.
    #[serde(default)]
    pub age_identity: Option<PathBuf>,
    /// The Vault/OpenBao server for `vault-transit` slots; the address a slot
    /// records is never used, so storage cannot redirect the token.
    #[serde(default)]
    pub vault_addr: Option<String>,
    /// File holding the Vault/OpenBao token (needs `vault-addr`).
    #[serde(default)]
    pub vault_token_file: Option<PathBuf>,
    /// A PKCS#11 module for `pkcs11` slots.
    #[serde(default)]
    pub pkcs11_module: Option<String>,
    /// File holding the token PIN (needs `pkcs11-module`).
    #[serde(default)]
    pub pkcs11_pin_file: Option<PathBuf>,
    /// The program of `command` slots.
    #[serde(default)]
    pub key_command: Option<String>,
    /// Try `aws-kms` slots with the server's AWS credentials (the
    /// conventional chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/
    /// AWS_SESSION_TOKEN or AWS_PROFILE in its environment).
    #[serde(default)]
    pub aws_kms: bool,
    /// The KMS endpoint (a VPC endpoint, an emulator) instead of the key's
    /// region's (needs `aws-kms`); default: AWS_ENDPOINT_URL_KMS or
    /// AWS_ENDPOINT_URL from the server's environment, else AWS's.
    #[serde(default)]
    pub aws_kms_endpoint: Option<String>,
}

impl RepositoryConfig {
    /// Where this repository's credentials come from.
    pub fn sources(&self) -> Sources {
        Sources {
            key_file: self.key_file.clone(),
            password_file: self.password_file.clone(),
            age_identity: self.age_identity.clone(),
            vault: match (&self.vault_addr, &self.vault_token_file) {
                (Some(addr), Some(t)) => Some(VaultLogin {
                    addr: addr.clone(),
                    token: Secret::File(t.clone()),
                }),
                _ => None,
            },
            pkcs11: match (&self.pkcs11_module, &self.pkcs11_pin_file) {
                (Some(m), Some(p)) => Some(Pkcs11Login {
                    module: m.clone(),
                    pin: Secret::File(p.clone()),
                }),
                _ => None,
            },
            key_command: self.key_command.clone(),
            aws_kms: self.aws_kms.then(|| AwsKmsLogin {
                endpoint: self
                    .aws_kms_endpoint
                    .clone()
                    .or_else(crate::credentials::aws_kms::endpoint_from_env),
            }),
            ..Sources::default()
        }
    }

    fn check(&self, name: &str) -> std::result::Result<(), String> {
        let pairs = [
            (
                "vault-addr",
                self.vault_addr.is_some(),
                "vault-token-file",
                self.vault_token_file.is_some(),
            ),
            (
                "pkcs11-module",
                self.pkcs11_module.is_some(),
                "pkcs11-pin-file",
                self.pkcs11_pin_file.is_some(),
            ),
        ];
        for (a, has_a, b, has_b) in pairs {
            if has_a != has_b {
                return Err(format!("repository {name}: {a} and {b} go together"));
            }
        }
        if self.aws_kms_endpoint.is_some() && !self.aws_kms {
            return Err(format!(
                "repository {name}: aws-kms-endpoint needs aws-kms = true"
            ));
        }
        if self.sources().is_empty() {
            return Err(format!(
                "repository {name} has no credential: give password-file, key-file, age-identity, vault-addr with vault-token-file, pkcs11-module with pkcs11-pin-file, key-command, or aws-kms = true"
            ));
        }
        Ok(())
    }
}

/// A `BackupSpec`: a named dataset and its rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SpecConfig {
    /// Unique name.
    pub name: String,
    /// Name of a `[repository.X]`.
    pub repository: String,
    /// Absolute source paths (or a `command`).
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// Instead of paths: a command (argv, no shell) whose output is stored
    /// as one file, e.g. `["pg_dump", "-Fc", "mydb"]`; a non-zero exit fails
    /// the backup and stores no snapshot.
    #[serde(default)]
    pub command: Vec<String>,
    /// The file name a command's output is stored under (default: the
    /// spec's name).
    #[serde(default)]
    pub command_filename: Option<String>,
    /// Run before the backup (argv, no shell); failing skips the backup.
    #[serde(default)]
    pub before: Vec<String>,
    /// Run after the backup, whether it worked or not (argv, no shell), with
    /// CAIRN_SPEC, CAIRN_BACKUP_OUTCOME (success or failure) and, on
    /// success, CAIRN_SNAPSHOT_ID in its environment.
    #[serde(default)]
    pub after: Vec<String>,
    /// How long each hook may run (default 10m).
    #[serde(default)]
    pub hook_timeout: Option<String>,
    /// Exclude patterns.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Tags for every snapshot.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Cron line (5 fields, or 6 with seconds); none = only on demand.
    #[serde(default)]
    pub schedule: Option<String>,
    /// Recovery point objective (e.g. "26h").
    #[serde(default)]
    pub rpo: Option<String>,
    /// Recovery time objective (e.g. "1h").
    #[serde(default)]
    pub rto: Option<String>,
    /// Retention applied after each successful scheduled backup.
    #[serde(default)]
    pub retention: Option<Policy>,
}

impl SpecConfig {
    /// The file a command spec's output is stored as.
    pub fn command_file(&self) -> &str {
        self.command_filename.as_deref().unwrap_or(&self.name)
    }
}

/// Restore rules.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RestoreConfig {
    /// Restores through the API go only below these folders.
    #[serde(default)]
    pub allow_roots: Vec<PathBuf>,
    /// Whether restores through the API may create device nodes and keep
    /// setuid/setgid bits (off: a service token must not be able to plant them).
    #[serde(default)]
    pub allow_special: bool,
}

/// Recovery gate settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GateConfig {
    /// Checks accepted as passing although they fail or cannot run, each with why.
    #[serde(default)]
    pub waive: Vec<Waiver>,
    /// Cron line on which `cairn serve` runs the gate; none = only on demand
    /// (`POST /api/v1/dr/gate` or `cairn gate`).
    #[serde(default)]
    pub schedule: Option<String>,
    /// Where `cairn serve` writes the gate's artifacts; default: `rg7/` beside
    /// the audit log. The last report there is reloaded at startup.
    #[serde(default)]
    pub out: Option<PathBuf>,
}

/// One waived gate check.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Waiver {
    /// A check id (`dr_presence`, `dr_integrity`, `dr_policy`, `dr_targets`, `dr_perf`, `dr_replica`).
    pub check: String,
    /// Why: printed in every report, so a waiver is never silent.
    pub reason: String,
}

impl ServerConfig {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("cannot read config {}: {e}", path.display())))?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses and checks config text (`origin` names it in errors).
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let c: ServerConfig = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            match line {
                Some(l) => Error::Config(format!("{origin}, line {l}: {}", e.message())),
                None => Error::Config(format!("{origin}: {}", e.message())),
            }
        })?;
        c.check(origin)?;
        Ok(c)
    }

    fn check(&self, origin: &str) -> Result<()> {
        let bad = |m: String| Err(Error::Config(format!("{origin}: {m}")));
        for (name, r) in &self.repository {
            r.check(name)
                .map_err(|m| Error::Config(format!("{origin}: {m}")))?;
        }
        let mut names = std::collections::BTreeSet::new();
        for s in &self.spec {
            if !names.insert(&s.name) {
                return bad(format!("spec {:?} is defined twice", s.name));
            }
            if !self.repository.contains_key(&s.repository) {
                return bad(format!(
                    "spec {:?} names repository {:?}, which has no [repository.{}] section",
                    s.name, s.repository, s.repository
                ));
            }
            match (s.paths.is_empty(), s.command.is_empty()) {
                (false, false) => {
                    return bad(format!(
                        "spec {:?}: give paths or a command, not both",
                        s.name
                    ))
                }
                (true, true) => {
                    return bad(format!(
                        "spec {:?}: give paths (absolute) or a command (an argv list)",
                        s.name
                    ))
                }
                _ if s.paths.iter().any(|p| !p.is_absolute()) => {
                    return bad(format!("spec {:?}: paths must be absolute", s.name))
                }
                _ => {}
            }
            if let Some(cron) = &s.schedule {
                crate::cron::parse(cron)
                    .map_err(|e| Error::Config(format!("{origin}: spec {:?}: {e}", s.name)))?;
            }
            for (what, v) in [
                ("rpo", &s.rpo),
                ("rto", &s.rto),
                ("hook-timeout", &s.hook_timeout),
            ] {
                if let Some(v) = v {
                    parse_duration(v).map_err(|e| {
                        Error::Config(format!("{origin}: spec {:?}: {what}: {e}", s.name))
                    })?;
                }
            }
        }
        crate::replica::check(
            &self.replica,
            |name| self.repository.get(name).map(|r| r.location.as_str()),
            |spec| self.spec(spec).map(|s| s.repository.as_str()),
        )
        .map_err(|m| Error::Config(format!("{origin}: {m}")))?;
        self.limits
            .check()
            .map_err(|m| Error::Config(format!("{origin}: {m}")))?;
        crate::notify::check_all(&self.notify)
            .map_err(|m| Error::Config(format!("{origin}: {m}")))?;
        if let Some(cron) = &self.gate.schedule {
            crate::cron::parse(cron)
                .map_err(|e| Error::Config(format!("{origin}: gate.schedule: {e}")))?;
        }
        for w in &self.gate.waive {
            if !GATE_CHECK_IDS.contains(&w.check.as_str()) {
                return bad(format!(
                    "gate.waive: {:?} is not a gate check (use one of {})",
                    w.check,
                    GATE_CHECK_IDS.join(", ")
                ));
            }
            if w.reason.trim().is_empty() {
                return bad(format!(
                    "gate.waive: the waiver of {} needs a reason",
                    w.check
                ));
            }
        }
        for root in &self.restore.allow_roots {
            if !root.is_absolute() {
                return bad(format!(
                    "restore.allow-roots: {} is not absolute",
                    root.display()
                ));
            }
        }
        Ok(())
    }

    /// Where the server writes gate artifacts.
    pub fn gate_out(&self) -> PathBuf {
        self.gate.out.clone().unwrap_or_else(|| {
            self.audit_log
                .parent()
                .unwrap_or_else(|| Path::new("."))
                .join("rg7")
        })
    }

    /// The spec called `name`.
    pub fn spec(&self, name: &str) -> Option<&SpecConfig> {
        self.spec.iter().find(|s| s.name == name)
    }

    /// The spec called `name`, or an error naming it.
    pub fn require_spec(&self, name: &str) -> Result<&SpecConfig> {
        self.spec(name)
            .ok_or_else(|| Error::NotFound(format!("no spec named {name:?} in the config")))
    }

    /// The repository called `name`, or an error naming it.
    pub fn repository(&self, name: &str) -> Result<&RepositoryConfig> {
        self.repository
            .get(name)
            .ok_or_else(|| Error::NotFound(format!("no repository {name:?} in the config")))
    }
}

pub use crate::duration::parse_duration;

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
listen = "127.0.0.1:8080"
audit-log = "/var/lib/cairn/audit.jsonl"
tokens = "/var/lib/cairn/tokens.json"
[repository.main]
location = "/srv/backup/repo"
password-file = "/etc/cairn/main.pass"
[[spec]]
name = "home"
repository = "main"
paths = ["/home"]
exclude = ["*.tmp"]
schedule = "0 2 * * *"
rpo = "26h"
rto = "1h"
retention = { keep-daily = 7, keep-weekly = 4 }
[restore]
allow-roots = ["/srv/restore"]
[gate]
schedule = "30 4 * * *"
waive = [{ check = "dr_policy", reason = "WORM arrives with the new bucket" }]
"#;

    #[test]
    fn the_documented_example_loads() {
        let c = ServerConfig::parse(GOOD, "t").unwrap();
        assert_eq!(c.spec[0].retention.as_ref().unwrap().keep_daily, Some(7));
        assert_eq!(c.restore.allow_roots, vec![PathBuf::from("/srv/restore")]);
        assert_eq!(c.gate.waive[0].check, "dr_policy");
        assert_eq!(c.gate.schedule.as_deref(), Some("30 4 * * *"));
        assert_eq!(c.gate_out(), PathBuf::from("/var/lib/cairn/rg7"));
    }

    #[test]
    fn errors_name_the_line_and_the_problem() {
        let e = ServerConfig::parse(&GOOD.replace("exclude", "exclud"), "t").unwrap_err();
        assert!(e.to_string().contains("line 12"), "{e}");
        assert!(e.to_string().contains("exclud"), "{e}");
        let e = ServerConfig::parse(&GOOD.replace("0 2 * * *", "0 25 * * *"), "t").unwrap_err();
        assert!(e.to_string().contains("home"), "{e}");
        let e = ServerConfig::parse(
            &GOOD.replace("repository = \"main\"", "repository = \"nope\""),
            "t",
        )
        .unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
        let e = ServerConfig::parse(&GOOD.replace("26h", "26 hours"), "t").unwrap_err();
        assert!(e.to_string().contains("rpo"), "{e}");
        let e = ServerConfig::parse(&GOOD.replace("keep-daily", "keep-dayly"), "t").unwrap_err();
        assert!(e.to_string().contains("keep-dayly"), "{e}");
        let e =
            ServerConfig::parse(&GOOD.replace("\"dr_policy\"", "\"dr_polcy\""), "t").unwrap_err();
        assert!(e.to_string().contains("dr_polcy"), "{e}");
        let e = ServerConfig::parse(&GOOD.replace("WORM arrives with the new bucket", " "), "t")
            .unwrap_err();
        assert!(e.to_string().contains("needs a reason"), "{e}");
        let e = ServerConfig::parse(&GOOD.replace("30 4 * * *", "30 4 * *"), "t").unwrap_err();
        assert!(e.to_string().contains("gate.schedule"), "{e}");
    }

    #[test]
    fn every_credential_kind_loads_and_a_repository_needs_one() {
        let with = |creds: &str| GOOD.replace("password-file = \"/etc/cairn/main.pass\"", creds);
        let c = ServerConfig::parse(
            &with("age-identity = \"/etc/cairn/escrow.age\"\nvault-addr = \"http://127.0.0.1:8200\"\nvault-token-file = \"/etc/cairn/vt\""),
            "t",
        )
        .unwrap();
        let src = c.repository["main"].sources();
        assert!(src.age_identity.is_some() && src.vault.is_some());
        assert!(src.password_file.is_none());
        let e =
            ServerConfig::parse(&with("vault-addr = \"http://127.0.0.1:8200\""), "t").unwrap_err();
        assert!(e.to_string().contains("go together"), "{e}");
        let e = ServerConfig::parse(&with(""), "t").unwrap_err();
        assert!(e.to_string().contains("has no credential"), "{e}");
        let c = ServerConfig::parse(
            &with("aws-kms = true\naws-kms-endpoint = \"http://127.0.0.1:5000\""),
            "t",
        )
        .unwrap();
        let kms = c.repository["main"].sources().aws_kms.unwrap();
        assert_eq!(kms.endpoint.as_deref(), Some("http://127.0.0.1:5000"));
        let e = ServerConfig::parse(
            &with("key-command = \"x\"\naws-kms-endpoint = \"http://127.0.0.1:5000\""),
            "t",
        )
        .unwrap_err();
        assert!(e.to_string().contains("needs aws-kms"), "{e}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h30m").unwrap().as_secs(), 5400);
        assert_eq!(parse_duration("26h").unwrap().as_secs(), 93600);
        for bad in ["", "h", "10", "1y", "-1h", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
