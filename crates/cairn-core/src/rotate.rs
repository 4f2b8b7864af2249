//! Rotating the master secret (`cairn keys rotate-master`). A new epoch's
//! secret seals everything written from then on; the old secret is kept,
//! sealed under the new one in the config, only to read older objects until
//! `prune --rewrite-old-epochs` has re-encrypted them (see [`crate::epochs`]).
//!
//! Every slot must wrap the new secret, or it would still open the old one
//! and nothing else. A slot whose credential is at hand is carried (same
//! passphrase, key file or outside key, new id); an age slot can be made anew
//! from its public recipient; any other slot blocks the rotation, because
//! silently dropping a way in (an escrow, a colleague's passphrase) is worse
//! than asking. Order, for crashes: new slots first (they open nothing until
//! the config names their epoch), then the config (one atomic replace), then
//! the old slots are deleted. An interrupted rotation leaves the old slots
//! working and new ones that the next rotation finds stale and removes.

use crate::backend::ObjectKind;
use crate::config::RetiredKey;
use crate::crypto::{Epoch, Keys, MasterSecret};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::RepoId;
use crate::keyslot::{list_slots, Argon2Params, Credential, KeySlot, SlotContext};
use crate::remedy::Remedy;
use crate::repo::Repository;
use serde::Serialize;

/// A slot named in a plan.
#[derive(Debug, Clone, Serialize)]
pub struct SlotRef {
    /// Slot id.
    pub id: String,
    /// Slot kind.
    pub kind: String,
}

impl SlotRef {
    fn of(s: &KeySlot) -> Self {
        SlotRef {
            id: s.id.clone(),
            kind: s.kind.clone(),
        }
    }
}

/// What a rotation will do.
#[derive(Debug, Clone, Serialize)]
pub struct RotationPlan {
    /// The epoch that seals new objects now.
    pub from_epoch: u32,
    /// The epoch after the rotation.
    pub to_epoch: u32,
    /// Slots re-sealed under the new secret with their own credential.
    pub carried: Vec<SlotRef>,
    /// Age slots made anew for the same recipient (no identity needed).
    pub remade: Vec<SlotRef>,
    /// Slots that open a secret the repository no longer uses (left by an
    /// interrupted rotation), or a second slot for an outside key already
    /// made anew: deleted.
    pub stale: Vec<SlotRef>,
    /// Slots that no given credential opens and that cannot be made anew.
    pub blocked: Vec<SlotRef>,
}

/// A plan plus what carrying out needs (slot KEKs: never printed).
pub struct Rotation {
    /// The plan.
    pub plan: RotationPlan,
    carry: Vec<(KeySlot, zeroize::Zeroizing<[u8; 32]>, Credential)>,
    remake: Vec<(KeySlot, Credential)>,
    stale: Vec<String>,
}

impl std::fmt::Debug for Rotation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rotation")
            .field("plan", &self.plan)
            .finish_non_exhaustive()
    }
}

/// Plans a rotation: tries `creds` on every slot (reads only). `remake`
/// gives a credential that can wrap for a slot from its public parameters
/// alone (the CLI does so for age recipients), or None.
pub fn plan(
    repo: &Repository,
    creds: &[Credential],
    remake: &dyn Fn(&KeySlot) -> Option<Credential>,
) -> Result<Rotation> {
    let id = repo.config().id;
    let mut r = Rotation {
        plan: RotationPlan {
            from_epoch: repo.config().key_epoch,
            to_epoch: repo.config().key_epoch + 1,
            carried: vec![],
            remade: vec![],
            stale: vec![],
            blocked: vec![],
        },
        carry: vec![],
        remake: vec![],
        stale: vec![],
    };
    for s in list_slots(repo.backend().as_ref())? {
        let mut opened = None;
        for c in creds.iter().filter(|c| c.fits(&s)) {
            match s.unlock_kek(id, c) {
                Ok(Some((m, kek))) => {
                    opened = Some((m, kek, c.clone()));
                    break;
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::debug!(slot = %s.id, error = %e, "credential does not open this slot")
                }
            }
        }
        match opened {
            Some((m, kek, c)) if m.expose() == repo.master().expose() => {
                r.plan.carried.push(SlotRef::of(&s));
                r.carry.push((s, kek, c));
            }
            Some(_) => {
                r.plan.stale.push(SlotRef::of(&s));
                r.stale.push(s.id.clone());
            }
            None => match remake(&s) {
                // Two slots for the same outside key give the same access
                // (one may be left by an interrupted rotation, and without
                // its identity nobody can tell which): one new slot serves.
                Some(_)
                    if r.remake
                        .iter()
                        .any(|(o, _)| o.external().map(|e| e.0) == s.external().map(|e| e.0)) =>
                {
                    r.plan.stale.push(SlotRef::of(&s));
                    r.stale.push(s.id.clone());
                }
                Some(c) => {
                    r.plan.remade.push(SlotRef::of(&s));
                    r.remake.push((s, c));
                }
                None => r.plan.blocked.push(SlotRef::of(&s)),
            },
        }
    }
    Ok(r)
}

/// What a rotation did.
#[derive(Debug, Clone, Serialize)]
pub struct RotationOutcome {
    /// The new current epoch.
    pub epoch: u32,
    /// Retired epochs whose secrets the config keeps for reading.
    pub retired_epochs: Vec<u32>,
    /// (old slot id, new slot id) for each carried or remade slot.
    pub slots: Vec<(String, String)>,
    /// Stale slots deleted.
    pub stale_deleted: Vec<String>,
}

/// Slot `s` under a new id, wrapping `master` with the same KEK. A kind that
/// binds the slot id outside Cairn (AWS KMS's encryption context) has its
/// KEK re-wrapped for the new id by the service (the KEK never changes);
/// the others keep their wrapped KEK as it is.
fn carry_slot(
    s: &KeySlot,
    cred: &Credential,
    master: &MasterSecret,
    repo: RepoId,
    kek: &[u8; 32],
    now: time::OffsetDateTime,
) -> Result<KeySlot> {
    let (Credential::External(src), Some((params, wrapped))) = (cred, s.external()) else {
        return s.carry(master, repo, kek, now);
    };
    if !src.binds_slot_id() {
        return s.carry(master, repo, kek, now);
    }
    let id = KeySlot::new_id()?;
    let from = SlotContext {
        repo,
        slot_id: &s.id,
    };
    let to = SlotContext { repo, slot_id: &id };
    let rewrapped = src
        .rewrap_kek(from, to, params, wrapped)
        .unwrap_or_else(|| {
            Err(Error::invalid(format!(
                "{} slots bind their slot id but cannot be re-wrapped",
                s.kind
            )))
        })
        .map_err(|e| e.context(format!("carrying key slot {}", s.id)))?;
    s.reissue(id, master, repo, kek, rewrapped, now)
}

/// Carries out a rotation planned under the same exclusive lock. On success
/// `repo` holds the new keys.
pub fn execute(
    repo: &mut Repository,
    rot: Rotation,
    now: time::OffsetDateTime,
) -> Result<RotationOutcome> {
    if !rot.plan.blocked.is_empty() {
        let names: Vec<String> = rot
            .plan
            .blocked
            .iter()
            .map(|s| format!("{} ({})", s.id, s.kind))
            .collect();
        return Err(Error::new(
            ErrorKind::WrongKey,
            format!(
                "cannot rotate the master secret: no credential given opens key slot(s) {}, and each must wrap the new secret",
                names.join(", ")
            ),
        )
        .remedy(Remedy::MoreCredentials)
        .remedy(Remedy::RemoveSlot("SLOT".into()))
        .hint("nothing was changed"));
    }
    let backend = repo.backend().clone();
    let old = repo.config().clone();
    let repo_id = old.id;
    let master = MasterSecret::generate()?;
    let epoch = Epoch(old.key_epoch + 1);
    let keys = Keys::derive_epoch(&master, repo_id, epoch);
    let mut retired = vec![RetiredKey {
        epoch: old.key_epoch,
        sealed: hex::encode(keys.seal_retired(Epoch(old.key_epoch), repo.master())?),
    }];
    for r in &old.retired_keys {
        let sealed = hex::decode(&r.sealed)
            .map_err(|_| Error::corrupt("the repository config's retired key is not hex"))?;
        let secret = repo.keys().open_retired(Epoch(r.epoch), &sealed)?;
        retired.push(RetiredKey {
            epoch: r.epoch,
            sealed: hex::encode(keys.seal_retired(Epoch(r.epoch), &secret)?),
        });
    }
    let mut config = old.clone();
    // Key epochs need version 2; a version 3 repository stays 3.
    config.version = config.version.max(2);
    config.key_epoch = epoch.0;
    config.retired_keys = retired;
    config.seal(&keys);

    // 0. The config rewritten unchanged: a session that may not replace it
    // (append-only) stops here, before it writes a slot it could not use.
    let current = backend.read(ObjectKind::Config, "config")?;
    backend.replace_config(&current)?;
    // 1. New slots: they open nothing until the config names their epoch.
    let mut slots = Vec::new();
    let mut unlocking = None;
    for (s, kek, cred) in &rot.carry {
        let n = carry_slot(s, cred, &master, repo_id, kek, now)?;
        backend.write_new(ObjectKind::Key, &n.id, &n.encode())?;
        if s.id == repo.unlocked_slot() {
            unlocking = Some(n.id.clone());
        }
        slots.push((s.id.clone(), n.id));
    }
    for (s, cred) in &rot.remake {
        let n = KeySlot::create(&master, repo_id, cred, Argon2Params::DEFAULT, now)
            .map_err(|e| e.context(format!("making key slot {} anew", s.id)))?;
        backend.write_new(ObjectKind::Key, &n.id, &n.encode())?;
        slots.push((s.id.clone(), n.id));
    }
    // 2. The switch: one atomic replace of the config.
    backend.replace_config(&config.encode())?;
    // 3. The old slots, which now open only a retired secret.
    for old_id in slots.iter().map(|(o, _)| o).chain(&rot.stale) {
        match backend.delete(ObjectKind::Key, old_id) {
            // Held by WORM where deleting would destroy it (a folder): it
            // stays until its retention lapses, opening only a retired secret.
            Err(e) if e.kind() == ErrorKind::WormLocked => {
                tracing::warn!(slot = %old_id, error = %e, "old key slot is held by WORM and stays; it opens only the retired secret");
            }
            Err(e) if e.kind() != ErrorKind::NotFound => {
                return Err(e
                    .context(format!(
                    "the master secret was rotated, but old key slot {old_id} could not be removed"
                ))
                    .remedy(Remedy::RemoveSlot(old_id.to_string())))
            }
            _ => {}
        }
    }
    let keys = config.unlock_keys(&master)?;
    let outcome = RotationOutcome {
        epoch: epoch.0,
        retired_epochs: keys.retired_epochs().iter().map(|e| e.0).collect(),
        slots,
        stale_deleted: rot.stale.clone(),
    };
    let slot = unlocking.unwrap_or_else(|| repo.unlocked_slot().to_string());
    repo.set_keys(config, keys, master, slot);
    Ok(outcome)
}
