use crate::cli::{Global, InitArgs, WormArg};
use crate::context;
use crate::location::Location;
use anyhow::Result;
use cairn_core::backend::WormMode;
use cairn_core::keyslot::Credential;
use cairn_core::repo::InitOptions;
use cairn_core::worm::WormConfig;
use cairn_core::Repository;

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
    report(g, &loc, &repo, key_file.as_deref())?;
    Ok(0)
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

/// Tells the user where things are and what to keep safe.
pub fn report(
    g: &Global,
    loc: &Location,
    repo: &Repository,
    key_file: Option<&std::path::Path>,
) -> Result<()> {
    if g.json {
        return Ok(());
    }
    eprintln!(
        "created cairn repository {} at {}",
        repo.config().id.short(),
        loc.path.display()
    );
    if let Some(w) = &repo.config().worm {
        eprintln!(
            "WORM: {}",
            cairn_core::worm::describe(Some(w), repo.backend().as_ref())
        );
        eprintln!(
            "run `cairn maintenance` at least every {} so retention of needed data never lapses",
            humantime::format_duration(std::time::Duration::from_secs(w.retention_secs / 3))
        );
    }
    if let Some(kf) = key_file {
        eprintln!("its key is in {} (readable only by you)", kf.display());
        eprintln!("IMPORTANT: copy that key file somewhere safe, off this machine: without it these backups can never be read");
    }
    Ok(())
}
