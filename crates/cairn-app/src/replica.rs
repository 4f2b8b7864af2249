//! `[[replica]]` in the server config: a second repository that holds a copy
//! of some specs' snapshots (the "2" and "1" of 3-2-1). The destination is one
//! of the configured `[repository.X]` entries, so its credentials come from
//! the same slot sources as any repository's, and it is pinned like them.
//! A replica is copied by `cairn serve` as a job ([`crate::usecase::replicate`]),
//! watched by `dr_replica_lag_seconds{spec,replica}` and checked by the
//! gate's `dr_replica` (docs/COPY.md, "Replicas in cairn serve").
//!
//! Kept apart from, and below, [`crate::config`]: the config file only gains
//! a field and one call to [`check`], which sees the rest of the config
//! through two lookups.

use serde::Deserialize;

/// One `[[replica]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReplicaConfig {
    /// Unique name: a metric label and part of an API path, so letters,
    /// digits, `-`, `_` and `.` only.
    pub name: String,
    /// The destination: name of a `[repository.X]` (created beforehand with
    /// `cairn init`), other than the repository of any spec it copies.
    pub repository: String,
    /// The specs whose snapshots it holds (at least one).
    pub specs: Vec<String>,
    /// Cron line (5 fields, or 6 with seconds); none = only on demand.
    #[serde(default)]
    pub schedule: Option<String>,
    /// The replica's own recovery point objective (e.g. "50h"): the gate
    /// fails when the newest copy of a spec in it is older.
    #[serde(default)]
    pub rpo: Option<String>,
}

/// The replica called `name`.
pub fn named<'a>(replicas: &'a [ReplicaConfig], name: &str) -> Option<&'a ReplicaConfig> {
    replicas.iter().find(|r| r.name == name)
}

/// The replicas holding spec `spec`, in config order.
pub fn holding<'a>(
    replicas: &'a [ReplicaConfig],
    spec: &'a str,
) -> impl Iterator<Item = &'a ReplicaConfig> {
    replicas
        .iter()
        .filter(move |r| r.specs.iter().any(|s| s == spec))
}

/// Checks every `[[replica]]` against the rest of the config, which it
/// sees through `location` (a repository's location by name) and
/// `spec_repository` (a spec's repository by name): names unique and plain,
/// the destination and the specs exist, a spec is not copied into its own
/// repository (by name or by location), cron lines and durations parse.
pub fn check<'a>(
    replicas: &[ReplicaConfig],
    location: impl Fn(&str) -> Option<&'a str>,
    spec_repository: impl Fn(&str) -> Option<&'a str>,
) -> std::result::Result<(), String> {
    let mut names = std::collections::BTreeSet::new();
    for r in replicas {
        let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        if r.name.is_empty() || !r.name.chars().all(plain) {
            return Err(format!(
                "replica {:?}: a name is letters, digits, '-', '_' and '.' only",
                r.name
            ));
        }
        if !names.insert(&r.name) {
            return Err(format!("replica {:?} is defined twice", r.name));
        }
        let Some(dest) = location(&r.repository) else {
            return Err(format!(
                "replica {:?} names repository {:?}, which has no [repository.{}] section",
                r.name, r.repository, r.repository
            ));
        };
        if r.specs.is_empty() {
            return Err(format!(
                "replica {:?}: name the specs it holds (specs = [\"...\"])",
                r.name
            ));
        }
        for (i, s) in r.specs.iter().enumerate() {
            let Some(src) = spec_repository(s) else {
                return Err(format!(
                    "replica {:?} names spec {s:?}, which has no [[spec]]",
                    r.name
                ));
            };
            if r.specs[..i].contains(s) {
                return Err(format!("replica {:?} names spec {s:?} twice", r.name));
            }
            if src == r.repository || location(src) == Some(dest) {
                return Err(format!(
                    "replica {:?}: spec {s:?} is already in repository {src:?}; a replica goes to another repository",
                    r.name
                ));
            }
        }
        if let Some(cron) = &r.schedule {
            crate::cron::parse(cron).map_err(|e| format!("replica {:?}: {e}", r.name))?;
        }
        if let Some(rpo) = &r.rpo {
            crate::duration::parse_duration(rpo)
                .map_err(|e| format!("replica {:?}: rpo: {e}", r.name))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::config::ServerConfig;

    const BASE: &str = r#"
audit-log = "/var/lib/cairn/audit.jsonl"
tokens = "/var/lib/cairn/tokens.json"
[repository.main]
location = "/srv/backup/repo"
password-file = "/etc/cairn/main.pass"
[repository.offsite]
location = "s3:https://s3.example.com/offsite"
password-file = "/etc/cairn/offsite.pass"
[[spec]]
name = "home"
repository = "main"
paths = ["/home"]
"#;

    fn with(replica: &str) -> crate::Result<ServerConfig> {
        ServerConfig::parse(&format!("{BASE}[[replica]]\n{replica}"), "t")
    }

    #[test]
    fn a_replica_loads_and_is_found_by_its_specs() {
        let c = with("name = \"off\"\nrepository = \"offsite\"\nspecs = [\"home\"]\nschedule = \"0 4 * * *\"\nrpo = \"50h\"").unwrap();
        assert_eq!(
            super::named(&c.replica, "off").unwrap().repository,
            "offsite"
        );
        assert_eq!(super::holding(&c.replica, "home").count(), 1);
        assert_eq!(super::holding(&c.replica, "mail").count(), 0);
    }

    #[test]
    fn a_bad_replica_is_refused_naming_what_is_wrong() {
        for (toml, want) in [
            (
                "name = \"off\"\nrepository = \"nope\"\nspecs = [\"home\"]",
                "nope",
            ),
            (
                "name = \"off\"\nrepository = \"offsite\"\nspecs = [\"mail\"]",
                "mail",
            ),
            (
                "name = \"off\"\nrepository = \"offsite\"\nspecs = []",
                "name the specs",
            ),
            (
                "name = \"off\"\nrepository = \"main\"\nspecs = [\"home\"]",
                "another repository",
            ),
            (
                "name = \"o/f\"\nrepository = \"offsite\"\nspecs = [\"home\"]",
                "letters",
            ),
            (
                "name = \"off\"\nrepository = \"offsite\"\nspecs = [\"home\"]\nrpo = \"2 days\"",
                "rpo",
            ),
            (
                "name = \"off\"\nrepository = \"offsite\"\nspecs = [\"home\"]\nschedule = \"0 4 * *\"",
                "off",
            ),
            (
                "name = \"off\"\nrepository = \"offsite\"\nspecs = [\"home\"]\nlag = 1",
                "lag",
            ),
        ] {
            let e = with(toml).unwrap_err().to_string();
            assert!(e.contains(want), "{toml}: {e}");
        }
        let twice = "name = \"off\"\nrepository = \"offsite\"\nspecs = [\"home\"]\n[[replica]]\nname = \"off\"\nrepository = \"offsite\"\nspecs = [\"home\"]";
        assert!(with(twice).unwrap_err().to_string().contains("twice"));
    }
}
