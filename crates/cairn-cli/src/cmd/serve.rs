use crate::cli::{AuditCommand, Global, PlanArgs, ServeArgs, TokenCommand};
use anyhow::{Context, Result};
use cairn_app::config::ServerConfig;
use cairn_server::rbac::Role;
use cairn_server::tokens::TokenStore;
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
            tracing::info!("shutting down: no new requests; waiting for running jobs");
        };
        cairn_server::server::serve(st, shutdown, Duration::from_secs(a.grace), a.jitter).await?;
        Ok::<_, anyhow::Error>(())
    })?;
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
    now: &str,
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
    let now = cairn_core::clock::rfc3339(time::OffsetDateTime::now_utc());
    match c {
        TokenCommand::Create { config, role, name } => {
            let cfg = load(config.as_deref())?;
            let role: Role = role
                .parse()
                .map_err(|e: String| cairn_core::Error::invalid(e))?;
            let log = cairn_server::audit::AuditLog::open(&cfg.audit_log)?;
            let (token, entry) = TokenStore::new(&cfg.tokens).create(name, role, &now)?;
            let role_name = format!("{:?}", entry.role).to_lowercase();
            audit_token(
                &log,
                "token.create",
                format!("{}:{}", entry.id, entry.name),
                format!("role {role_name}"),
                &now,
            )?;
            // The token alone on stdout: it is shown once and never stored.
            println!("{token}");
            if !g.quiet {
                eprintln!(
                    "token {} ({:?}) for {:?} created; it is shown only now",
                    entry.id, entry.role, entry.name
                );
            }
        }
        TokenCommand::Revoke { config, name } => {
            let cfg = load(config.as_deref())?;
            let log = cairn_server::audit::AuditLog::open(&cfg.audit_log)?;
            let n = TokenStore::new(&cfg.tokens).revoke(name, &now)?;
            audit_token(
                &log,
                "token.revoke",
                name.clone(),
                format!("{n} token(s) revoked"),
                &now,
            )?;
            println!("revoked {n} token(s)");
        }
        TokenCommand::List { config } => {
            let cfg = load(config.as_deref())?;
            let list = TokenStore::new(&cfg.tokens).list()?;
            if g.json {
                crate::render::print_json(&list)?;
            } else {
                for t in list {
                    println!(
                        "{}  {:<8}  {:<20}  {}{}",
                        t.id,
                        format!("{:?}", t.role).to_lowercase(),
                        t.name,
                        t.created,
                        t.revoked
                            .map(|r| format!("  revoked {r}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(0)
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
            match checked {
                Ok(v) => {
                    if g.json {
                        let mut j = serde_json::to_value(&v)?;
                        j["ok"] = true.into();
                        crate::render::print_json(&j)?;
                    } else {
                        println!(
                            "audit log {} is intact: {} entries ({} with a checked MAC), head {}",
                            path.display(),
                            v.entries,
                            v.macs_checked,
                            v.head
                        );
                    }
                    Ok(0)
                }
                Err(e) => {
                    if g.json {
                        crate::render::print_json(
                            &serde_json::json!({"ok": false, "error": e.to_string()}),
                        )?;
                    }
                    eprintln!("cairn: {e}");
                    Ok(crate::exit::CORRUPT)
                }
            }
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
    let p = sp.plan;
    let next: Vec<String> = sp
        .next_runs
        .into_iter()
        .map(cairn_core::clock::rfc3339)
        .collect();
    if g.json {
        crate::render::print_json(
            &serde_json::json!({"spec": spec.name, "plan": p, "next_runs": next}),
        )?;
    } else {
        println!(
            "spec {}: {} files ({}); {} to read ({}, the most new data it can add), {} unchanged{}",
            spec.name,
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
        );
        match (&p.parent, &p.parent_time) {
            (Some(id), Some(t)) => println!("parent snapshot {} from {t}", &id[..8]),
            _ => println!("no parent snapshot: every file will be read"),
        }
        if next.is_empty() {
            println!("no schedule: runs on demand only");
        } else {
            println!("next runs: {}", next.join(", "));
        }
    }
    Ok(0)
}
