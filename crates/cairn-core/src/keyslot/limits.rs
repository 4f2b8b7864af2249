//! What one unlock may be made to do by hostile storage: which slots are
//! tried, in which order, and how much key-derivation work in all
//! (docs/KEYS.md, "Commands").

use super::KeySlot;
use crate::error::{Error, ErrorKind, Result};

/// The most slot-and-credential attempts one unlock makes.
pub const MAX_ATTEMPTS: usize = 32;
/// The most key-derivation work (Argon2 memory KiB x passes) one unlock does:
/// 8 GiB-passes, about 40 default passphrase slots.
pub const MAX_UNLOCK_WORK: u64 = 8 * 1024 * 1024;

/// Slots in the order they are tried: slots over the Argon2 caps are
/// dropped (and named in `failures`), then the cheapest first, oldest first
/// among equals, so storage cannot put slow slots before a good one.
pub(crate) fn order(slots: Vec<KeySlot>, failures: &mut Vec<(String, Error)>) -> Vec<KeySlot> {
    let mut keep = Vec::with_capacity(slots.len());
    for s in slots {
        match s.argon2().map(|p| p.check()) {
            Some(Err(e)) => {
                let e = e.context(format!("key slot {} ({})", s.id, s.kind));
                tracing::warn!(error = %e, "key slot skipped");
                failures.push((s.kind.clone(), e));
            }
            _ => keep.push(s),
        }
    }
    keep.sort_by_key(|s| s.argon2().map_or(0, |p| p.work()));
    keep
}

/// What one unlock has spent so far.
#[derive(Default)]
pub(crate) struct Budget {
    attempts: usize,
    work: u64,
}

impl Budget {
    /// Counts one attempt at `s`, or refuses it (and the `later` slots
    /// after it) when the caps are reached.
    pub(crate) fn admit(&mut self, s: &KeySlot, later: usize) -> Result<()> {
        let work = s.argon2().map_or(0, |p| p.work());
        let why = if self.attempts >= MAX_ATTEMPTS {
            format!("this unlock already tried {MAX_ATTEMPTS} key slots")
        } else if self.work + work > MAX_UNLOCK_WORK {
            "its key derivation would exceed the work one unlock may do".to_string()
        } else {
            self.attempts += 1;
            self.work += work;
            return Ok(());
        };
        Err(Error::new(
            ErrorKind::Corrupt,
            format!(
                "key slot {} ({}) and {later} later slot(s) were not tried: {why}",
                s.id, s.kind
            ),
        )
        .hint("a repository needs only a few slots; remove unknown ones, or name the slot to use"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterSecret;
    use crate::ids::RepoId;
    use crate::keyslot::{Argon2Params, Credential, Kdf, SlotLock};

    fn slot(m: u32, t: u32, created: i64) -> KeySlot {
        let created = time::OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(created);
        let master = MasterSecret::from_bytes([1; 32]);
        let c = Credential::Passphrase("p".into());
        let p = Argon2Params::INSECURE_FOR_TESTS;
        let mut s = KeySlot::create(&master, RepoId([2; 32]), &c, p, created).unwrap();
        if let SlotLock::Kdf(Kdf::Argon2id { params, .. }) = &mut s.lock {
            params.m_cost = m;
            params.t_cost = t;
        }
        s
    }

    #[test]
    fn slots_over_the_caps_are_dropped_and_cheap_ones_go_first() {
        let huge = slot(4 * 1024 * 1024, 64, 2000);
        let dear = slot(512 * 1024, 3, 2001);
        let cheap = slot(64, 1, 2002);
        let mut failures = Vec::new();
        let got = order(
            vec![huge.clone(), dear.clone(), cheap.clone()],
            &mut failures,
        );
        let ids: Vec<_> = got.iter().map(|s| s.id.clone()).collect();
        assert_eq!(ids, vec![cheap.id, dear.id]);
        assert_eq!(failures.len(), 1);
        assert!(
            failures[0].1.message().contains(&huge.id),
            "{}",
            failures[0].1
        );
        // 16 passes of 1 GiB: each cap alone is met, their product is not.
        let mut f = Vec::new();
        assert!(order(vec![slot(1024 * 1024, 16, 0)], &mut f).is_empty());
    }

    #[test]
    fn attempts_and_total_work_are_capped() {
        let cheap = slot(64, 1, 0);
        let mut b = Budget::default();
        for _ in 0..MAX_ATTEMPTS {
            b.admit(&cheap, 0).unwrap();
        }
        let e = b.admit(&cheap, 5).unwrap_err();
        assert!(e.message().contains("5 later slot(s)"), "{e}");
        let dear = slot(1024 * 1024, 4, 0);
        let mut b = Budget::default();
        b.admit(&dear, 0).unwrap();
        b.admit(&dear, 0).unwrap();
        assert!(
            b.admit(&dear, 0).is_err(),
            "a third 4 GiB-pass slot exceeds 8"
        );
    }
}
