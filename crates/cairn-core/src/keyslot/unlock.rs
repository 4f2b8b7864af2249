//! Unlocking a repository from its slots, and changing the set of slots.
//!
//! Every credential the user gave is tried against every slot of its kind,
//! oldest slot first, unless the user pinned one slot. A slot that fails
//! (wrong secret, a server down, garbage from a command) is reported with its
//! id and cause, and the next one is tried. Unlocking only ever reads slots.
//! Slots are immutable objects: adding writes a new one; removing deletes one;
//! re-wrapping writes the replacement first and deletes the old one after, so
//! a crash in between leaves two working slots, never none.

use super::limits::{order, Budget};
use super::{list_slots, Argon2Params, Credential, KeySlot, SlotContext};
use crate::backend::{Backend, ObjectKind};
use crate::config::{read_config, RepoConfig};
use crate::crypto::{Keys, MasterSecret};
use crate::error::{Error, ErrorKind, Result};
use crate::remedy::Remedy;
use time::OffsetDateTime;

/// What the user presented to open a repository.
#[derive(Debug, Clone, Default)]
pub struct Unlock {
    /// Credentials, tried in this order against each slot of their kind.
    pub credentials: Vec<Credential>,
    /// Only this slot (`--slot`); failures then are not followed by other slots.
    pub slot: Option<String>,
}

impl Unlock {
    /// One credential, any slot.
    pub fn one(cred: Credential) -> Self {
        Unlock {
            credentials: vec![cred],
            slot: None,
        }
    }
}

/// The result of unlocking: the config (MAC checked), the master secret and the slot that gave it.
pub struct Unlocked {
    /// The repository config, authenticated with the unlocked keys.
    pub config: RepoConfig,
    /// The master secret.
    pub master: MasterSecret,
    /// The working keys.
    pub keys: Keys,
    /// The slot that unlocked.
    pub slot: String,
}

/// Unlocks the repository: reads the config and the slots, and tries the
/// credentials. Checks the config MAC with the keys it found.
pub fn unlock(backend: &dyn Backend, u: &Unlock) -> Result<Unlocked> {
    let config = read_config(backend)?;
    let mut slots = list_slots(backend)?;
    if slots.is_empty() {
        return Err(Error::corrupt(format!(
            "the repository at {} has no readable key slots",
            backend.location()
        )));
    }
    if let Some(pin) = &u.slot {
        slots.retain(|s| &s.id == pin);
        let Some(s) = slots.first() else {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("the repository has no key slot {pin}"),
            )
            .remedy(Remedy::ListSlots));
        };
        if !u.credentials.iter().any(|c| c.fits(s)) {
            return Err(Error::new(
                ErrorKind::WrongKey,
                format!(
                    "key slot {} is a {} slot, and no {} credential was given",
                    s.id, s.kind, s.kind
                ),
            )
            .remedy(Remedy::CheckCredential(s.kind.clone())));
        }
    }
    let mut failures: Vec<(String, Error)> = Vec::new();
    let mut budget = Budget::default();
    let mut kinds: Vec<String> = slots.iter().map(|s| s.kind.clone()).collect();
    kinds.sort();
    kinds.dedup();
    let ordered = order(slots, &mut failures);
    let total = ordered.len();
    'slots: for (i, s) in ordered.into_iter().enumerate() {
        for c in u.credentials.iter().filter(|c| c.fits(&s)) {
            if let Err(e) = budget.admit(&s, total - i - 1) {
                tracing::warn!(error = %e, "key slots skipped");
                failures.push((s.kind.clone(), e));
                break 'slots;
            }
            match s.unlock(config.id, c) {
                Ok(Some(master)) => match config.unlock_keys(&master) {
                    Ok(keys) => {
                        return Ok(Unlocked {
                            config,
                            master,
                            keys,
                            slot: s.id.clone(),
                        })
                    }
                    // A slot left from before a rotation (a crash between
                    // writing the new slots and deleting the old) opens a
                    // retired secret; the next slot may hold the current one.
                    Err(e) => {
                        let e = e.context(format!(
                            "key slot {} ({}) opened, but its master secret does not authenticate the repository config: the slot predates a master-key rotation, or the config was altered",
                            s.id, s.kind
                        ));
                        tracing::warn!(error = %e, "trying the next key slot");
                        failures.push((s.kind.clone(), e));
                    }
                },
                Ok(None) => {}
                Err(e) => {
                    // A wrong passphrase against one of several passphrase slots is
                    // routine; a server that is down or a failing command is not.
                    if e.kind() == ErrorKind::WrongKey {
                        tracing::debug!(error = %e, "key slot did not open; trying the next");
                    } else {
                        tracing::warn!(error = %e, "key slot could not be tried; trying the next");
                    }
                    failures.push((s.kind.clone(), e));
                }
            }
        }
    }
    Err(summarise(backend, u, &kinds, failures))
}

/// One error for an unlock that failed: which credentials were tried
/// against which kinds of slot, and what to check. The hint names only the
/// kinds of slot the repository has, so it never points back at the
/// credential that was just given and fits none.
fn summarise(
    backend: &dyn Backend,
    u: &Unlock,
    slot_kinds: &[String],
    mut failures: Vec<(String, Error)>,
) -> Error {
    let what: Vec<&str> = u.credentials.iter().map(|c| c.describe()).collect();
    if failures.is_empty() {
        let e = Error::new(
            ErrorKind::WrongKey,
            format!(
                "the repository at {} has no key slot for the credential given ({}); its slots are of kind {}",
                backend.location(),
                if what.is_empty() { "none".to_string() } else { what.join(", ") },
                slot_kinds.join(", ")
            ),
        )
        .hint("give a credential of one of those kinds");
        return slot_kinds
            .iter()
            .fold(e, |e, k| e.remedy(Remedy::GiveCredential(k.clone())));
    }
    if failures.len() == 1 {
        let (kind, e) = failures.remove(0);
        return if e.hint_text().is_some() {
            e
        } else {
            e.remedy(Remedy::CheckCredential(kind))
                .hint("nothing was changed")
        };
    }
    let all_wrong = failures
        .iter()
        .all(|(_, e)| e.kind() == ErrorKind::WrongKey);
    let kind = if all_wrong {
        ErrorKind::WrongKey
    } else {
        failures
            .iter()
            .map(|(_, e)| e.kind())
            .find(|k| *k != ErrorKind::WrongKey)
            .unwrap_or(ErrorKind::WrongKey)
    };
    let mut kinds: Vec<&str> = failures.iter().map(|(k, _)| k.as_str()).collect();
    kinds.dedup();
    let detail: Vec<String> = failures
        .iter()
        .map(|(_, e)| e.message().to_string())
        .collect();
    let head = if all_wrong && what.len() == 1 {
        format!(
            "wrong {}: none of the {} key slot(s) of {} accepted it",
            what[0],
            failures.len(),
            backend.location()
        )
    } else {
        format!("no key slot of {} could be unlocked", backend.location())
    };
    let e = Error::new(kind, format!("{head} ({})", detail.join("; "))).hint("nothing was changed");
    kinds
        .iter()
        .fold(e, |e, k| e.remedy(Remedy::CheckCredential(k.to_string())))
}

/// Adds a slot for `cred` and writes it. Touches nothing else.
pub fn add_slot(
    backend: &dyn Backend,
    master: &MasterSecret,
    config: &RepoConfig,
    cred: &Credential,
    argon2: Argon2Params,
    now: OffsetDateTime,
) -> Result<KeySlot> {
    let slot = KeySlot::create(master, config.id, cred, argon2, now)?;
    // A second slot for the same outside key (age recipient, transit key,
    // HSM key, command) opens nothing new and only clutters the list.
    if let Some((params, _)) = slot.external() {
        if let Some(twin) = list_slots(backend)?
            .into_iter()
            .find(|s| s.external().map(|e| e.0) == Some(params))
        {
            return Err(Error::new(
                ErrorKind::AlreadyExists,
                format!(
                    "key slot {} already wraps the key for {}: a second slot would open nothing new",
                    twin.id,
                    params.describe()
                ),
            )
            .remedy(Remedy::ListSlots)
            .hint("nothing was added"));
        }
    }
    // Likewise a second slot for a passphrase or key file that a slot
    // already opens: the rerun of an interrupted `add` must not leave two.
    if slot.external().is_none() {
        if let Some(twin) = opening_slot(backend, config, master, cred)? {
            return Err(Error::new(
                ErrorKind::AlreadyExists,
                format!(
                    "key slot {twin} already opens with this {}: a second slot would open nothing new",
                    cred.describe()
                ),
            )
            .remedy(Remedy::ListSlots)
            .hint("nothing was added"));
        }
    }
    backend.write_new(ObjectKind::Key, &slot.id, &slot.encode())?;
    Ok(slot)
}

/// The slot of `cred`'s kind that `cred` opens to `master`, if any (at
/// most [`super::limits::MAX_ATTEMPTS`] tried, within the usual key-derivation budget).
fn opening_slot(
    backend: &dyn Backend,
    config: &RepoConfig,
    master: &MasterSecret,
    cred: &Credential,
) -> Result<Option<String>> {
    let mut ignored = Vec::new();
    let mut budget = Budget::default();
    let slots: Vec<KeySlot> = order(list_slots(backend)?, &mut ignored)
        .into_iter()
        .filter(|s| cred.fits(s))
        .collect();
    let total = slots.len();
    for (i, s) in slots.into_iter().enumerate() {
        if budget.admit(&s, total - i - 1).is_err() {
            break;
        }
        if let Ok(Some(m)) = s.unlock(config.id, cred) {
            if bool::from(subtle::ConstantTimeEq::ct_eq(
                &m.expose()[..],
                &master.expose()[..],
            )) {
                return Ok(Some(s.id));
            }
        }
    }
    Ok(None)
}

/// The slots other than `except` that `creds` open to `master`, the
/// secret this session holds: proof that they open this repository now. A
/// slot left from another repository or from before a rotation opens
/// another secret, or nothing, and is not proven.
pub fn proven_slots(
    backend: &dyn Backend,
    config: &RepoConfig,
    master: &MasterSecret,
    creds: &[Credential],
    except: &str,
) -> Result<Vec<String>> {
    let mut ignored = Vec::new();
    let mut budget = Budget::default();
    let mut proven = Vec::new();
    'slots: for s in order(list_slots(backend)?, &mut ignored) {
        if s.id == except {
            continue;
        }
        for c in creds.iter().filter(|c| c.fits(&s)) {
            if budget.admit(&s, 0).is_err() {
                break 'slots;
            }
            match s.unlock(config.id, c) {
                Ok(Some(m)) if m.expose() == master.expose() => {
                    proven.push(s.id.clone());
                    break;
                }
                Ok(_) => {}
                Err(e) => tracing::debug!(error = %e, "key slot not proven"),
            }
        }
    }
    Ok(proven)
}

/// Deletes slot `id`, refusing when no other readable slot would remain,
/// and (unless `force`) when none of the remaining ones is in `proven`.
pub fn remove_slot(backend: &dyn Backend, id: &str, proven: &[String], force: bool) -> Result<()> {
    backend.stat(ObjectKind::Key, id).map_err(|e| {
        if e.kind() == ErrorKind::NotFound {
            Error::new(
                ErrorKind::NotFound,
                format!("the repository has no key slot {id}"),
            )
            .remedy(Remedy::ListSlots)
        } else {
            e
        }
    })?;
    let others = list_slots(backend)?
        .into_iter()
        .filter(|s| s.id != id)
        .count();
    if others == 0 {
        return Err(Error::invalid(format!(
            "key slot {id} is the repository's last working key slot; removing it would make every backup unreadable"
        ))
        .remedy(Remedy::AddSlot)
        .hint("then remove this one"));
    }
    if !proven.iter().any(|p| p != id) {
        if !force {
            return Err(Error::invalid(format!(
                "no other key slot was shown to open this repository in this session, so removing key slot {id} could leave none that works; nothing was removed"
            ))
            .hint("unlock with the credential of another slot as well (it is then proven), or force the removal"));
        }
        tracing::warn!(slot = %id, "removing a key slot although no other slot was proven to open the repository");
    }
    backend.delete(ObjectKind::Key, id)
}

/// Re-wraps external slot `id`'s KEK under the newest version of its outside
/// key (`rewrap_kek`, e.g. after `transit/keys/K/rotate`), as a new slot that
/// replaces it. Returns the new slot. Data is not touched.
pub fn rewrap_slot(
    backend: &dyn Backend,
    master: &MasterSecret,
    config: &RepoConfig,
    id: &str,
    cred: &Credential,
    now: OffsetDateTime,
) -> Result<KeySlot> {
    let slot = list_slots(backend)?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("the repository has no readable key slot {id}"),
            )
            .remedy(Remedy::ListSlots)
        })?;
    let (Credential::External(src), Some((params, wrapped))) = (cred, slot.external()) else {
        return Err(Error::invalid(format!(
            "key slot {id} is a {} slot: re-wrap applies to slots whose key lives outside (vault-transit, aws-kms); for a passphrase or age slot, add a new slot and remove this one",
            slot.kind
        )));
    };
    // Prove the slot opens with this credential before replacing it.
    let Some((m, kek)) = slot.unlock_kek(config.id, cred)? else {
        return Err(Error::invalid(format!(
            "key slot {id} is a {} slot, and no {} credential was given",
            slot.kind, slot.kind
        ))
        .remedy(Remedy::CheckCredential(slot.kind.clone())));
    };
    if m.expose() != master.expose() {
        return Err(Error::corrupt(format!(
            "key slot {id} wraps another master secret than the one that opened the repository"
        )));
    }
    let from = SlotContext {
        repo: config.id,
        slot_id: id,
    };
    let new_id = KeySlot::new_id()?;
    let to = SlotContext {
        repo: config.id,
        slot_id: &new_id,
    };
    let rewrapped = match src.rewrap_kek(from, to, params, wrapped) {
        Some(r) => r.map_err(|e| e.context(format!("key slot {id}")))?,
        None => {
            return Err(Error::invalid(format!(
                "{} slots cannot be re-wrapped in place",
                slot.kind
            ))
            .hint("add a new slot and remove this one"))
        }
    };
    let new = slot.reissue(new_id, master, config.id, &kek, rewrapped, now)?;
    backend.write_new(ObjectKind::Key, &new.id, &new.encode())?;
    backend.delete(ObjectKind::Key, id)?;
    Ok(new)
}
