use crate::cli::{Global, InitArgs, WormArg};
use crate::context;
use crate::location::Location;
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_core::backend::WormMode;
use cairn_core::keyslot::Credential;
use cairn_core::repo::InitOptions;
use cairn_core::worm::WormConfig;
use cairn_core::Repository;
use serde::Serialize;
use std::io;

pub fn run(g: &Global, a: &InitArgs) -> Result<u8> {
    let loc = Location::resolve(g)?;
    let now = crate::wallclock::now(a.now.as_deref())?;
    let worm = match (a.worm, a.worm_retention) {
        (Some(m), Some(secs)) => {
            if secs == 0 {
                return Err(cairn_core::Error::invalid(
                    "--worm-retention must be longer than zero",
                )
                .into());
            }
            Some(WormConfig {
                mode: match m {
                    WormArg::Compliance => WormMode::Compliance,
                    WormArg::Governance => WormMode::Governance,
                    WormArg::Software => WormMode::Software,
                },
                retention_secs: secs,
            })
        }
        _ => None,
    };
    let opts = InitOptions {
        compression: a.compression,
        worm,
        ..InitOptions::default()
    };
    let (repo, key_file) = create(g, &loc, opts, now)?;
    emit(g, &Initialized::of(&loc, &repo, key_file.as_deref()))
}

/// Creates a repository; the default one gets a fresh key file unless the user gave a credential.
pub fn create(
    g: &Global,
    loc: &Location,
    opts: InitOptions,
    now: time::OffsetDateTime,
) -> Result<(Repository, Option<std::path::PathBuf>)> {
    let backend = loc.backend(g)?;
    // The store must answer first: an unreachable server, a missing bucket or
    // refused credentials are reported now, once, before a passphrase prompt or
    // a key file (reading the config below would hide them).
    backend.exists()?;
    if cairn_core::config::read_config(backend.as_ref()).is_ok() {
        // Same message as the core's, before any key file is made.
        Repository::init(
            backend.clone(),
            &Credential::KeyFile(vec![0; 32]),
            opts,
            now,
        )?;
    }
    let (cred, key_file) = match context::supplied_credential(g)? {
        Some(c) => (c, None),
        None if loc.is_default => {
            let kf = loc.default_key_file();
            (
                Credential::KeyFile(context::create_key_file(&kf, &loc.path)?),
                Some(kf),
            )
        }
        None => (context::prompt(true)?, None),
    };
    let repo = Repository::init(backend, &cred, opts, now)?;
    // This client made it: it is the repository at this location from now on.
    if let (Some(old), pin) = crate::pinning::accept(loc, &repo)? {
        if old.repository_id != pin.repository_id && !g.quiet && !g.json {
            eprintln!(
                "note: {} was pinned to repository {}; it now names the new repository {}",
                pin.location,
                old.repository_id.short(),
                pin.repository_id.short()
            );
        }
    }
    Ok((repo, key_file))
}

/// A new repository: where it is, its WORM rules, and where its key file is.
#[derive(Serialize)]
pub struct Initialized {
    repository_id: String,
    location: String,
    /// The WORM grade and retention in words, if any.
    worm: Option<String>,
    /// How often `cairn maintenance` must run so retention never lapses.
    maintenance_every: Option<String>,
    key_file: Option<String>,
}

impl Initialized {
    pub fn of(loc: &Location, repo: &Repository, key_file: Option<&std::path::Path>) -> Self {
        let worm = repo.config().worm.as_ref();
        Initialized {
            repository_id: repo.config().id.to_string(),
            location: loc.path.display().to_string(),
            worm: worm.map(|w| cairn_core::worm::describe(Some(w), repo.backend().as_ref())),
            maintenance_every: worm.map(|w| {
                humantime::format_duration(std::time::Duration::from_secs(w.retention_secs / 3))
                    .to_string()
            }),
            key_file: key_file.map(|k| k.display().to_string()),
        }
    }
}

impl Render for Initialized {
    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        let short = self.repository_id.get(..8).unwrap_or(&self.repository_id);
        writeln!(
            t.err,
            "created cairn repository {short} at {}",
            self.location
        )?;
        if let (Some(w), Some(every)) = (&self.worm, &self.maintenance_every) {
            writeln!(t.err, "WORM: {w}")?;
            writeln!(
                t.err,
                "run `cairn maintenance` at least every {every} so retention of needed data never lapses"
            )?;
        }
        if let Some(kf) = &self.key_file {
            writeln!(t.err, "its key is in {kf} (readable only by you)")?;
            writeln!(t.err, "IMPORTANT: copy that key file somewhere safe, off this machine: without it these backups can never be read")?;
        }
        Ok(())
    }
}

/// Tells the user where things are and what to keep safe, as notes beside
/// another command's result (a first backup creating the default
/// repository); nothing with `--json`, whose stdout is that command's.
pub fn report(
    g: &Global,
    loc: &Location,
    repo: &Repository,
    key_file: Option<&std::path::Path>,
) -> Result<()> {
    if g.json {
        return Ok(());
    }
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let mut sink = io::sink();
    Initialized::of(loc, repo, key_file).text(
        &mut Term {
            out: &mut sink,
            err: &mut err,
        },
        g,
    )?;
    Ok(())
}
