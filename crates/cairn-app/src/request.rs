//! The server's request bodies, and their validation into the inputs a job
//! or an administration call takes. The server's handlers deserialise these
//! types and its OpenAPI document describes them (the `schema` feature), so
//! the two cannot drift; the checks here read the config and, for a restore
//! target, stat the file system, but touch no repository (the server adds
//! that precheck), so the `request_body` fuzz target feeds them raw bytes.
//!
//! Every check names what is wrong and what to send instead; the front end
//! maps [`Error`] to its answer (400, 403, 404).

use crate::config::ServerConfig;
use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A backup's or a forget's body.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BackupReq {
    /// The spec's name in the config.
    pub spec: String,
}

/// A restore's body.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RestoreReq {
    /// The spec; may be left out when there is one.
    #[serde(default)]
    pub spec: Option<String>,
    /// A snapshot id, a unique prefix of one, or `latest`.
    pub snapshot: String,
    /// An absolute path inside one of `restore.allow-roots`.
    pub target: PathBuf,
    /// Paths in the snapshot to restore (none: everything).
    #[serde(default)]
    pub include: Vec<String>,
    /// Plan only: the job's result is the plan's totals.
    #[serde(default)]
    pub dry_run: bool,
}

/// A verify's body (the snapshot is in the path).
#[derive(Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyReq {
    /// The spec; may be left out when there is one.
    #[serde(default)]
    pub spec: Option<String>,
    /// Also read this share of the data, e.g. `10%` or `1/5`.
    #[serde(default)]
    pub read_data_subset: Option<String>,
}

/// A gate run's body.
#[derive(Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GateReq {
    /// The specs to look at (none: every spec).
    #[serde(default)]
    pub specs: Vec<String>,
}

/// A protect's body.
#[derive(Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProtectReq {
    /// Why it is kept (stored in the protection marker).
    #[serde(default)]
    pub note: String,
}

/// An unprotect's or a forget's body: an empty object.
#[derive(Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NoFields {}

/// Which repository (trust, unlock), and for unlock whether to force.
#[derive(Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RepoReq {
    /// The repository's name in the config; may be left out when there is one.
    #[serde(default)]
    pub repository: Option<String>,
    /// Unlock only: remove live locks too (their holder is known dead).
    #[serde(default)]
    pub force: bool,
}

/// A body's bytes as `T`: JSON, an object, then the request's shape.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    let v: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| Error::BadRequest(format!("the body is not JSON: {e}")))?;
    from_object(v)
}

/// A parsed JSON body as `T`. An object only: serde would also take a JSON
/// array for a struct, field by position.
pub fn from_object<T: DeserializeOwned>(v: serde_json::Value) -> Result<T> {
    if !v.is_object() {
        return Err(Error::BadRequest(
            "the body must be a JSON object: {\"name\": value, ...}".into(),
        ));
    }
    serde_json::from_value(v).map_err(|e| Error::BadRequest(e.to_string()))
}

/// `latest`, or 8 to 64 hex digits of an id (a shorter prefix names too
/// many snapshots to be safe in an automated call).
pub fn snapshot_syntax(what: &str) -> Result<()> {
    let hex = what.bytes().all(|c| c.is_ascii_hexdigit());
    if what == "latest" || ((8..=64).contains(&what.len()) && hex) {
        return Ok(());
    }
    Err(Error::BadRequest(format!(
        "snapshot {what:?}: give `latest` or an id (8 to 64 hex digits)"
    )))
}

/// The spec `name` is in the config.
pub fn spec_exists(cfg: &ServerConfig, name: &str) -> Result<()> {
    match cfg.spec(name) {
        Some(_) => Ok(()),
        None => Err(Error::NotFound(format!(
            "no spec named {name:?} in the config"
        ))),
    }
}

/// The spec named, or the only one configured.
fn only_spec(cfg: &ServerConfig, spec: Option<String>) -> Result<String> {
    match (spec, cfg.spec.as_slice()) {
        (Some(s), _) => Ok(s),
        (None, [one]) => Ok(one.name.clone()),
        (None, _) => Err(Error::BadRequest(
            "name the spec: {\"spec\": \"...\"}".into(),
        )),
    }
}

/// A restore target the server may write: absolute, its parent folder
/// there, inside one of `restore.allow-roots`.
pub fn restore_target(cfg: &ServerConfig, target: &Path) -> Result<()> {
    // The server's working directory means nothing to the caller.
    if !target.is_absolute() {
        return Err(Error::BadRequest(format!(
            "restore target {} is relative; give an absolute path",
            target.display()
        )));
    }
    // Fail at the door, not as a failed job: restore creates the target
    // folder, but not a whole missing path to it.
    if let Some(parent) = target.parent().filter(|p| !p.is_dir()) {
        return Err(Error::BadRequest(format!(
            "restore target {}: its parent folder {} does not exist; create it first",
            target.display(),
            parent.display()
        )));
    }
    if cfg.restore.allow_roots.is_empty() {
        return Err(Error::Forbidden(
            "restores through the API need restore.allow-roots in the config".into(),
        ));
    }
    cairn_core::restore::check_allowed(target, &cfg.restore.allow_roots)
        .map(|_| ())
        .map_err(|e| Error::Forbidden(e.to_string()))
}

/// A share of the data to read, e.g. `10%` or `1/5`.
pub fn data_subset(subset: &str) -> Result<()> {
    cairn_core::verify::DataCheck::parse_subset(subset, 0)
        .map(|_| ())
        .map_err(|e| Error::BadRequest(format!("read_data_subset: {e}")))
}

/// A restore, checked: every field of a [`RestoreReq`], the spec resolved.
#[derive(Debug, Clone)]
pub struct Restore {
    /// A spec of the config.
    pub spec: String,
    /// `latest` or 8 to 64 hex digits.
    pub snapshot: String,
    /// Absolute, inside an allowed root, its parent there.
    pub target: PathBuf,
    /// Paths in the snapshot to restore (none: everything).
    pub include: Vec<String>,
    /// Plan only.
    pub dry_run: bool,
}

impl RestoreReq {
    /// The restore asked for, or why it cannot be queued (in the order a
    /// caller fixes things: the spec, the target, the snapshot).
    pub fn check(self, cfg: &ServerConfig) -> Result<Restore> {
        let spec = only_spec(cfg, self.spec)?;
        spec_exists(cfg, &spec)?;
        restore_target(cfg, &self.target)?;
        snapshot_syntax(&self.snapshot)?;
        Ok(Restore {
            spec,
            snapshot: self.snapshot,
            target: self.target,
            include: self.include,
            dry_run: self.dry_run,
        })
    }
}

/// A verify of one snapshot, checked.
#[derive(Debug, Clone)]
pub struct Verify {
    /// A spec of the config.
    pub spec: String,
    /// `latest` or 8 to 64 hex digits.
    pub snapshot: String,
    /// A share of the data to read as well.
    pub read_data_subset: Option<String>,
}

impl VerifyReq {
    /// The verify of `snapshot` asked for, or why it cannot be queued.
    pub fn check(self, cfg: &ServerConfig, snapshot: &str) -> Result<Verify> {
        let spec = only_spec(cfg, self.spec)?;
        spec_exists(cfg, &spec)?;
        snapshot_syntax(snapshot)?;
        if let Some(sub) = &self.read_data_subset {
            data_subset(sub)?;
        }
        Ok(Verify {
            spec,
            snapshot: snapshot.to_string(),
            read_data_subset: self.read_data_subset,
        })
    }
}

impl BackupReq {
    /// The spec to back up (or forget in), which the config has.
    pub fn check(&self, cfg: &ServerConfig) -> Result<String> {
        spec_exists(cfg, &self.spec)?;
        Ok(self.spec.clone())
    }
}

impl GateReq {
    /// The specs the gate looks at (none: every spec), each in the config.
    pub fn check(&self, cfg: &ServerConfig) -> Result<Vec<String>> {
        for s in &self.specs {
            spec_exists(cfg, s)?;
        }
        Ok(self.specs.clone())
    }
}

impl RepoReq {
    /// The repository named, or the only one configured.
    pub fn repository(&self, cfg: &ServerConfig) -> Result<String> {
        match &self.repository {
            Some(n) => {
                cfg.repository(n)?;
                Ok(n.clone())
            }
            None if cfg.repository.len() == 1 => {
                Ok(cfg.repository.keys().next().cloned().unwrap_or_default())
            }
            None => Err(Error::BadRequest(
                "name the repository: {\"repository\": \"...\"}".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ServerConfig {
        let toml = "audit-log = \"/x/audit.jsonl\"\ntokens = \"/x/tokens.json\"\n\
            [repository.main]\nlocation = \"/x/repo\"\npassword-file = \"/x/pw\"\n\
            [[spec]]\nname = \"docs\"\nrepository = \"main\"\npaths = [\"/srv\"]\n\
            [restore]\nallow-roots = [\"/tmp\"]\n";
        ServerConfig::parse(toml, "t.toml").unwrap()
    }

    #[test]
    fn bodies_are_objects_of_known_fields_and_checks_refuse_with_their_kind() {
        let cfg = config();
        let bad = |body: &str| decode::<RestoreReq>(body.as_bytes()).err().unwrap();
        assert!(matches!(bad("[\"docs\"]"), Error::BadRequest(m) if m.contains("JSON object")));
        assert!(matches!(
            bad("{\"snapshot\": \"latest\", \"target\": \"/tmp/x\", \"x\": 1}"),
            Error::BadRequest(_)
        ));
        assert!(matches!(bad("{\"snap"), Error::BadRequest(_)));
        let restore = |body: &str| decode::<RestoreReq>(body.as_bytes()).unwrap().check(&cfg);
        let ok =
            restore("{\"snapshot\": \"latest\", \"target\": \"/tmp/cairn-req-test\"}").unwrap();
        assert_eq!((ok.spec.as_str(), ok.dry_run), ("docs", false));
        // The spec first, then the target, then the snapshot.
        let r = restore("{\"spec\": \"nope\", \"snapshot\": \"x\", \"target\": \"rel\"}");
        assert!(matches!(r, Err(Error::NotFound(_))), "{r:?}");
        let r = restore("{\"snapshot\": \"x\", \"target\": \"rel\"}");
        assert!(matches!(r, Err(Error::BadRequest(m)) if m.contains("relative")));
        let r = restore("{\"snapshot\": \"latest\", \"target\": \"/etc/x\"}");
        assert!(matches!(r, Err(Error::Forbidden(_))), "{r:?}");
        let r = restore("{\"snapshot\": \"abc\", \"target\": \"/tmp/y\"}");
        assert!(matches!(r, Err(Error::BadRequest(m)) if m.contains("8 to 64 hex")));
        let verify = VerifyReq {
            spec: None,
            read_data_subset: Some("200%".into()),
        };
        assert!(matches!(
            verify.check(&cfg, "latest"),
            Err(Error::BadRequest(_))
        ));
        assert_eq!(RepoReq::default().repository(&cfg).unwrap(), "main");
    }
}
