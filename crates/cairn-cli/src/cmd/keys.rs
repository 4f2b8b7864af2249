//! `cairn keys`: status, add, remove, test, rewrap, rotate-master. Slots
//! (and, for rotate-master, the config) are the only objects these commands
//! write or delete; data is never touched.

use crate::cli::{Global, KeysAddArgs};
use crate::context::{self, Access};
use crate::keys;
use crate::location::Location;
use crate::render::{emit, Render, Term};
use anyhow::{bail, Context, Result};
use cairn_core::keyslot::unlock::Unlock;
use cairn_core::keyslot::{Argon2Params, Credential, ExternalParams, Kdf, KeySlot, SlotLock};
use cairn_core::rotate::{self, RotationOutcome, RotationPlan};
use serde::Serialize;
use std::io;
use std::sync::Arc;

#[derive(Serialize)]
struct SlotView {
    id: String,
    kind: String,
    created: String,
    /// How the slot's KEK is protected, in words (never a secret).
    kdf: String,
    /// The kind's public parameters (external kinds).
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct Status {
    repository: String,
    repository_id: String,
    format_version: u32,
    /// The key epoch new data is sealed under (1 until a rotation).
    key_epoch: u32,
    /// Retired epochs whose secrets the config still holds for reading.
    retired_epochs: Vec<u32>,
    worm: String,
    slots: Vec<SlotView>,
    warnings: Vec<String>,
}

fn view(s: &KeySlot) -> SlotView {
    let (kdf, params) = match &s.lock {
        SlotLock::Kdf(Kdf::Argon2id { params, .. }) => (
            format!(
                "argon2id m={}KiB t={} p={}",
                params.m_cost, params.t_cost, params.p_cost
            ),
            None,
        ),
        SlotLock::Kdf(Kdf::HkdfSha256 { .. }) => ("hkdf-sha256".into(), None),
        SlotLock::External { params, .. } => (params.describe(), serde_json::to_value(params).ok()),
    };
    SlotView {
        id: s.id.clone(),
        kind: s.kind.clone(),
        created: s.created.clone(),
        kdf,
        params,
    }
}

/// Lists slots without unlocking: slot metadata holds no secret.
pub fn status(g: &Global) -> Result<u8> {
    let loc = Location::resolve(g)?;
    let backend = loc.backend(g)?;
    let config = cairn_core::config::read_config(backend.as_ref())?;
    let slots = cairn_core::keyslot::list_slots(backend.as_ref())?;
    let mut warnings = Vec::new();
    if slots.len() < 2 {
        warnings.push(format!(
            "only {} key slot: if it is lost, the repository cannot be read; add an escrow slot (cairn keys add --age-recipient age1…) and keep its identity offline",
            slots.len()
        ));
    }
    for (name, e) in cairn_core::keyslot::damaged_slots(backend.as_ref())? {
        warnings.push(format!("key slot {name} is unreadable: {e}"));
    }
    let status = Status {
        repository: loc.path.display().to_string(),
        repository_id: config.id.to_hex(),
        format_version: config.version,
        key_epoch: config.key_epoch,
        retired_epochs: config.retired_keys.iter().map(|r| r.epoch).collect(),
        worm: cairn_core::worm::describe(config.worm.as_ref(), backend.as_ref()),
        slots: slots.iter().map(view).collect(),
        warnings,
    };
    emit(g, &status)
}

impl Render for Status {
    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        writeln!(
            t.out,
            "repository {} (id {}, format {})",
            self.repository,
            self.repository_id.get(..8).unwrap_or(&self.repository_id),
            self.format_version
        )?;
        writeln!(t.out, "WORM: {}", self.worm)?;
        if self.key_epoch > 1 || !self.retired_epochs.is_empty() {
            writeln!(
                t.out,
                "key epoch {}; retired epochs still readable: {:?}",
                self.key_epoch, self.retired_epochs
            )?;
        }
        writeln!(t.out, "{:<34} {:<13} {:<32} kdf", "slot", "kind", "created")?;
        for s in &self.slots {
            writeln!(
                t.out,
                "{:<34} {:<13} {:<32} {}",
                s.id, s.kind, s.created, s.kdf
            )?;
        }
        for w in &self.warnings {
            writeln!(t.err, "warning: {w}")?;
        }
        Ok(())
    }
}

/// The new passphrase: CAIRN_NEW_PASSWORD, --new-password-file, or a prompt (twice).
fn new_passphrase(a: &KeysAddArgs) -> Result<String> {
    if let Ok(p) = std::env::var("CAIRN_NEW_PASSWORD") {
        return Ok(p);
    }
    if let Some(f) = &a.new_password_file {
        let s = std::fs::read_to_string(f)
            .with_context(|| format!("cannot read new password file {}", f.display()))?;
        return Ok(s.lines().next().unwrap_or("").to_string());
    }
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        bail!("no new passphrase given: set CAIRN_NEW_PASSWORD or --new-password-file");
    }
    let p = rpassword::prompt_password("new passphrase: ")?;
    if rpassword::prompt_password("repeat new passphrase: ")? != p {
        bail!("the passphrases did not match; no slot was added");
    }
    Ok(p)
}

/// The credential a new slot is made for.
fn new_credential(g: &Global, a: &KeysAddArgs) -> Result<Credential> {
    if a.passphrase {
        return Ok(Credential::Passphrase(new_passphrase(a)?));
    }
    if let Some(r) = &a.age_recipient {
        return Ok(Credential::External(Arc::new(
            keys::age::AgeSource::recipient(r)?,
        )));
    }
    if let Some(t) = &a.vault_transit {
        let (addr, mount, key) = keys::vault::parse_target(t)?;
        let token = keys::vault_token(g)?
            .context("no Vault token: set VAULT_TOKEN or --vault-token-file")?;
        let v = keys::vault::VaultSource::new(&addr, token, Some((mount, key)))?;
        return Ok(Credential::External(Arc::new(v)));
    }
    if let (Some(module), Some(token), Some(key)) = (&a.pkcs11, &a.token, &a.key) {
        let pin = keys::pkcs11_pin(g)?
            .context("no token PIN: set CAIRN_PKCS11_PIN or --pkcs11-pin-file")?;
        let p = keys::pkcs11::Pkcs11Source::new(module, pin, Some((token.clone(), key.clone())));
        return Ok(Credential::External(Arc::new(p)));
    }
    if let Some(c) = &a.command {
        return Ok(Credential::External(Arc::new(
            keys::command::CommandSource::new(c),
        )));
    }
    if let Some(k) = &a.aws_kms {
        let src = keys::aws_kms::AwsKmsSource::for_key(
            keys::aws_kms::endpoint_from_env(),
            k,
            keys::aws_kms::region_from_env(),
        )?;
        return Ok(Credential::External(Arc::new(src)));
    }
    bail!("say which kind of slot to add: --passphrase, --age-recipient, --vault-transit, --pkcs11, --command or --aws-kms")
}

#[derive(Serialize)]
struct Changed {
    added: Option<String>,
    removed: Option<String>,
    kind: String,
}

impl Render for Changed {
    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        if let Some(r) = &self.removed {
            writeln!(
                t.err,
                "removed key slot {r} ({}): it can no longer open the repository",
                self.kind
            )?;
        }
        if let Some(a) = &self.added {
            writeln!(t.err, "added key slot {a} ({})", self.kind)?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct Tested {
    slot: String,
    unlocks: bool,
}

impl Render for Tested {
    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        writeln!(t.err, "key slot {} unlocks the repository", self.slot)
    }
}

pub fn add(g: &Global, a: &KeysAddArgs) -> Result<u8> {
    // The new credential first: a refused recipient or an unreachable server
    // is reported before anything is unlocked.
    let cred = new_credential(g, a)?;
    let repo = context::open(g, Access::Append, "keys add")?;
    let slot = repo.add_slot(&cred, Argon2Params::DEFAULT, crate::wallclock::now(None)?)?;
    emit(
        g,
        &Changed {
            added: Some(slot.id),
            removed: None,
            kind: slot.kind,
        },
    )
}

pub fn remove(g: &Global, id: &str, force: bool) -> Result<u8> {
    let (repo, u) = context::open_keeping_credentials(g, Access::Delete, "keys remove")?;
    let kind = cairn_core::keyslot::list_slots(repo.backend().as_ref())?
        .into_iter()
        .find(|s| s.id == id)
        .map(|s| s.kind)
        .unwrap_or_else(|| "unreadable".into());
    repo.remove_slot(id, &u.credentials, force)?;
    emit(
        g,
        &Changed {
            added: None,
            removed: Some(id.to_string()),
            kind,
        },
    )
}

/// Unlocks with one slot and checks the config MAC; loads no index, takes no lock.
pub fn test(g: &Global, id: &str) -> Result<u8> {
    let loc = Location::resolve(g)?;
    let backend = loc.backend(g)?;
    let u = context::unlock(g, &loc, backend.as_ref())?;
    let u = Unlock {
        slot: Some(id.to_string()),
        ..u
    };
    let un = cairn_core::keyslot::unlock::unlock(backend.as_ref(), &u)?;
    emit(
        g,
        &Tested {
            slot: un.slot,
            unlocks: true,
        },
    )
}

pub fn rewrap(g: &Global, id: &str) -> Result<u8> {
    let repo = context::open(g, Access::Delete, "keys rewrap")?;
    let slot = cairn_core::keyslot::list_slots(repo.backend().as_ref())?
        .into_iter()
        .find(|s| s.id == id)
        .with_context(|| format!("the repository has no readable key slot {id}"))?;
    let cred = keys::external_credentials(g)?
        .into_iter()
        .find(|c| c.fits(&slot))
        .with_context(|| {
            format!(
                "key slot {id} is a {} slot and no {} credential was given",
                slot.kind, slot.kind
            )
        })?;
    let new = repo.rewrap_slot(id, &cred, crate::wallclock::now(None)?)?;
    emit(
        g,
        &Changed {
            added: Some(new.id),
            removed: Some(id.to_string()),
            kind: new.kind,
        },
    )
}

/// An age slot can be made anew from its public recipient alone, so an
/// escrow whose identity is offline survives a rotation.
fn remake(s: &KeySlot) -> Option<Credential> {
    match s.external() {
        Some((ExternalParams::Age(p), _)) => keys::age::AgeSource::recipient(&p.recipient)
            .ok()
            .map(|a| Credential::External(Arc::new(a))),
        _ => None,
    }
}

/// What `keys rotate-master` planned, and did unless a dry run. The plan
/// is told on stderr before the outcome, as it was before this seam.
#[derive(Serialize)]
struct Rotated {
    dry_run: bool,
    plan: RotationPlan,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<RotationOutcome>,
}

impl Render for Rotated {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        let p = &self.plan;
        if !g.quiet {
            writeln!(
                t.err,
                "key epoch {} -> {}: {} slot(s) carried with their own credential, {} made anew, {} stale, {} blocked",
                p.from_epoch,
                p.to_epoch,
                p.carried.len(),
                p.remade.len(),
                p.stale.len(),
                p.blocked.len()
            )?;
            for (what, slots) in [
                ("carried", &p.carried),
                ("made anew (age recipient)", &p.remade),
                ("stale, removed", &p.stale),
                ("blocked (no credential given)", &p.blocked),
            ] {
                for s in slots {
                    writeln!(t.err, "  {what}: {} ({})", s.id, s.kind)?;
                }
            }
        }
        match &self.outcome {
            None => writeln!(t.out, "dry run: nothing changed"),
            Some(out) => writeln!(
                t.out,
                "rotated: new data is sealed under key epoch {}; epochs {:?} stay readable until `cairn prune --rewrite-old-epochs`",
                out.epoch, out.retired_epochs
            ),
        }
    }
}

pub fn rotate_master(g: &Global, dry_run: bool) -> Result<u8> {
    let access = if dry_run {
        Access::Read
    } else {
        Access::Delete
    };
    let (mut repo, u) = context::open_keeping_credentials(g, access, "keys rotate-master")?;
    let rot = rotate::plan(&repo, &u.credentials, &remake)?;
    let plan = rot.plan.clone();
    if dry_run {
        return emit(
            g,
            &Rotated {
                dry_run,
                plan,
                outcome: None,
            },
        );
    }
    let out = rotate::execute(&mut repo, rot, crate::wallclock::now(None)?)?;
    // The pin follows the rotation this session made (the config keeps the
    // old epoch's key, which proves the new epoch belongs to the same repository).
    crate::pinning::check(g, &Location::resolve(g)?, &repo)?;
    emit(
        g,
        &Rotated {
            dry_run,
            plan,
            outcome: Some(out),
        },
    )
}
