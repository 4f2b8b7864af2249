use crate::cli::{AuditCommand, Global, PlanArgs, ServeArgs, TokenCommand};
use crate::render::{emit, Render, Term};
use anyhow::{Context, Result};
use cairn_app::config::ServerConfig;
use cairn_server::rbac::Role;
use cairn_server::tokens::TokenStore;
use serde::Serialize;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The config path: `--config`, else /etc/cairn/cairn.toml when it exists,
/// else the user's config dir.
pub fn config_path(given: Option<&Path>) -> PathBuf {
    if let Some(p) = given {
        return p.to_path_buf();
    }
    let etc = PathBuf::from("/etc/cairn/cairn.toml");
    if etc.exists() {
        return etc;
    }
    dirs::config_dir()
        .map(|d| d.join("cairn/cairn.toml"))
        .unwrap_or(etc)
}

pub fn load(given: Option<&Path>) -> Result<ServerConfig> {
    let p = config_path(given);
    if !p.exists() {
        return Err(cairn_app::Error::Config(format!(
            "no config at {} (pass --config FILE; see docs/SERVER.md for the format)",
            p.display()
        ))
        .into());
    }
    Ok(ServerConfig::load(&p)?)
}

pub fn serve(_g: &Global, a: &ServeArgs) -> Result<u8> {
    let cfg = load(a.config.as_deref())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async {
        let st = cairn_server::server::state(cfg, Arc::new(crate::wallclock::WallClock))?;
        let shutdown = async {
            let term = async {
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term => {}
            }
        };
        cairn_server::server::serve(st, shutdown, Duration::from_secs(a.grace), a.jitter).await?;
        Ok::<_, anyhow::Error>(())
    })?;
    // Jobs past the grace deadline run on blocking threads, which dropping
    // the runtime would wait for: --grace would mean nothing. They were
    // recorded as cancelled; the process exits without them.
    rt.shutdown_timeout(Duration::from_millis(200));
    Ok(0)
}

/// Who ran a CLI command that changes the server's state, for its audit log.
fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| format!("uid {}", rustix::process::getuid().as_raw()));
    format!("cli:{user}")
}

/// Appends a token change to the server's audit log (opened before the
/// change, so a log that cannot be written stops the change).
fn audit_token(
    log: &cairn_server::audit::AuditLog,
    action: &str,
    target: String,
    detail: String,
    now: time::OffsetDateTime,
) -> Result<()> {
    log.append(
        cairn_server::audit::Record {
            request_id: String::new(),
            actor: cli_actor(),
            action: action.into(),
            target,
            outcome: "succeeded".into(),
            detail,
        },
        now,
    )?;
    Ok(())
}

pub fn token(g: &Global, c: &TokenCommand) -> Result<u8> {
    let now = crate::wallclock::now(None)?;
    match c {
        TokenCommand::Create { config, role, name } => {
            let cfg = load(config.as_deref())?;
            let role: Role = role
                .parse()
                .map_err(|e: String| cairn_core::Error::invalid(e))?;
            let log = cairn_server::audit::AuditLog::open(&cfg.audit_log)?;
            let (token, entry) = TokenStore::new(&cfg.tokens).create(name, role, now)?;
            let role_name = format!("{:?}", entry.role).to_lowercase();
            audit_token(
                &log,
                "token.create",
                format!("{}:{}", entry.id, entry.name),
                format!("role {role_name}"),
                now,
            )?;
            emit(
                g,
                &TokenCreated {
                    token,
                    id: entry.id,
                    name: entry.name,
                    role: role_name,
                },
            )
        }
        TokenCommand::Revoke { config, name } => {
            let cfg = load(config.as_deref())?;
            let log = cairn_server::audit::AuditLog::open(&cfg.audit_log)?;
            let n = TokenStore::new(&cfg.tokens).revoke(name, now)?;
            audit_token(
                &log,
                "token.revoke",
                name.clone(),
                format!("{n} token(s) revoked"),
                now,
            )?;
            emit(g, &TokensRevoked { revoked: n })
        }
        TokenCommand::List { config } => {
            let cfg = load(config.as_deref())?;
            emit(g, &Tokens(TokenStore::new(&cfg.tokens).list()?))
        }
    }
}

/// A new token: shown once, alone on stdout (never stored).
#[derive(Serialize)]
struct TokenCreated {
    token: String,
    id: String,
    name: String,
    role: String,
}

impl Render for TokenCreated {
    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        writeln!(t.out, "{}", self.token)?;
        if !g.quiet {
            writeln!(
                t.err,
                "token {} ({}) for {:?} created; it is shown only now",
                self.id, self.role, self.name
            )?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct TokensRevoked {
    revoked: usize,
}

impl Render for TokensRevoked {
    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        writeln!(t.out, "revoked {} token(s)", self.revoked)
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct Tokens(Vec<cairn_server::tokens::TokenEntry>);

impl Render for Tokens {
    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        for e in &self.0 {
            writeln!(
                t.out,
                "{}  {:<8}  {:<20}  {}{}",
                e.id,
                format!("{:?}", e.role).to_lowercase(),
                e.name,
                e.created,
                e.revoked
                    .as_ref()
                    .map(|r| format!("  revoked {r}"))
                    .unwrap_or_default()
            )?;
        }
        Ok(())
    }
}

pub fn audit(g: &Global, c: &AuditCommand) -> Result<u8> {
    match c {
        AuditCommand::Verify { config, log, head } => {
            let path = match log {
                Some(l) => l.clone(),
                None => load(config.as_deref())?.audit_log,
            };
            let head = match head {
                Some(h) => {
                    let (seq, hash) = h.split_once(':').ok_or_else(|| {
                        cairn_core::Error::invalid(format!(
                            "--head {h:?}: write SEQ:HASH as printed by /healthz"
                        ))
                    })?;
                    let seq: u64 = seq.parse().map_err(|_| {
                        cairn_core::Error::invalid(format!("--head {h:?}: SEQ is not a number"))
                    })?;
                    Some((seq, hash.to_string()))
                }
                None => None,
            };
            // The key beside the log, when there is one: without it only the
            // hashes can be checked, and a log with MACs is then refused.
            let key_path = cairn_server::audit::secret::key_path(&path);
            let checked = (|| {
                let key = if key_path.exists() {
                    Some(cairn_server::audit::AuditKey::load(&key_path)?)
                } else {
                    None
                };
                let v = cairn_server::audit::verify(
                    &path,
                    head.as_ref().map(|(s, h)| (*s, h.as_str())),
                    key.as_ref(),
                )?;
                if key.is_none() && v.macs > 0 {
                    return Err(cairn_server::Error::Store(format!(
                        "audit log {}: its entries carry MACs but the audit key {} is missing, so a rewrite could not be found",
                        path.display(),
                        key_path.display()
                    )));
                }
                Ok(v)
            })();
            let log = path.display().to_string();
            let (found, error) = match checked {
                Ok(v) => (Some(v), None),
                Err(e) => (None, Some(e.to_string())),
            };
            if let (Some(e), true) = (&error, g.json) {
                // Scripts read the JSON; people reading the log see why too.
                eprintln!("cairn: {e}");
            }
            emit(
                g,
                &AuditChecked {
                    ok: found.is_some(),
                    found,
                    error,
                    log,
                },
            )
        }
    }
}

/// What `audit verify` found: `{"ok": true, ...the check}` or `{"ok": false, "error"}`.
#[derive(Serialize)]
struct AuditChecked {
    ok: bool,
    #[serde(flatten)]
    found: Option<cairn_server::audit::Verified>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip)]
    log: String,
}

impl Render for AuditChecked {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        match (&self.found, &self.error) {
            (Some(v), _) => writeln!(
                t.out,
                "audit log {} is intact: {} entries ({} with a checked MAC), head {}",
                self.log, v.entries, v.macs_checked, v.head
            ),
            (None, e) => writeln!(t.err, "cairn: {}", e.as_deref().unwrap_or("?")),
        }
    }

    fn exit_code(&self) -> u8 {
        if self.ok {
            0
        } else {
            crate::exit::CORRUPT
        }
    }
}

pub fn plan(g: &Global, a: &PlanArgs) -> Result<u8> {
    let cfg = load(a.config.as_deref())?;
    let spec = cfg.spec(&a.spec).ok_or_else(|| {
        cairn_core::Error::invalid(format!("no spec named {:?} in the config", a.spec))
    })?;
    let sp = cairn_app::usecase::backup::plan_spec(
        &cfg,
        spec,
        Arc::new(crate::wallclock::WallClock),
        &jiff::tz::TimeZone::system(),
    )
    // The server's words: this is the server's repository, pinned in its store.
    .map_err(cairn_server::Error::from)?;
    let next_runs = sp
        .next_runs
        .into_iter()
        .map(cairn_core::clock::rfc3339)
        .collect();
    emit(
        g,
        &Planned {
            spec: spec.name.clone(),
            plan: sp.plan,
            next_runs,
        },
    )
}

/// `cairn plan`: what a backup of the spec would read now, and when it runs.
#[derive(Serialize)]
struct Planned {
    spec: String,
    plan: cairn_core::backup::plan::BackupPlan,
    next_runs: Vec<String>,
}

impl Render for Planned {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        let p = &self.plan;
        writeln!(
            t.out,
            "spec {}: {} files ({}); {} to read ({}, the most new data it can add), {} unchanged{}",
            self.spec,
            p.files,
            crate::render::human_bytes(p.bytes),
            p.files_to_read,
            crate::render::human_bytes(p.bytes_to_read),
            p.files_unchanged,
            if p.unreadable > 0 {
                format!(", {} unreadable", p.unreadable)
            } else {
                String::new()
            }
        )?;
        match (&p.parent, &p.parent_time) {
            (Some(id), Some(when)) => writeln!(
                t.out,
                "parent snapshot {} from {when}",
                &id[..8.min(id.len())]
            )?,
            _ => writeln!(t.out, "no parent snapshot: every file will be read")?,
        }
        if self.next_runs.is_empty() {
            writeln!(t.out, "no schedule: runs on demand only")
        } else {
            writeln!(t.out, "next runs: {}", self.next_runs.join(", "))
        }
    }
}
