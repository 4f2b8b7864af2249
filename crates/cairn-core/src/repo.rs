//! Opening, creating and reading a repository.

use crate::backend::{Backend, ObjectKind, WormMode};
use crate::clock::{Clock, FixedClock};
use crate::codec::Encoder;
use crate::config::RepoConfig;
use crate::crypto::{random_array, Keys, MasterSecret, SealKind};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{BlobId, PackId, RepoId, SnapshotId};
use crate::index::{self, Index};
use crate::keyslot::unlock::{self, Unlock};
use crate::keyslot::{Argon2Params, Credential, KeySlot};
use crate::pack::{self, BlobEntry};
use crate::select::Selector;
use crate::snapshot::{SnapshotEntry, SnapshotMeta};
use crate::tree::{self, Stored, Tree};
use crate::worm::{Worm, WormConfig};
use bytes::Bytes;
use std::sync::Arc;
use time::OffsetDateTime;

/// Options for `init`.
#[derive(Debug, Clone, Copy)]
pub struct InitOptions {
    /// zstd level for new data (0 = off).
    pub compression: i32,
    /// Argon2 costs for a passphrase slot.
    pub argon2: Argon2Params,
    /// Write-once retention for everything snapshots depend on.
    pub worm: Option<WormConfig>,
}

impl Default for InitOptions {
    fn default() -> Self {
        InitOptions {
            compression: 3,
            argon2: Argon2Params::DEFAULT,
            worm: None,
        }
    }
}

/// An open, unlocked repository with its index loaded.
pub struct Repository {
    backend: Arc<dyn Backend>,
    config: RepoConfig,
    keys: Arc<Keys>,
    index: Index,
    damaged_indexes: Vec<(String, Error)>,
    slot: String,
    // Kept for adding key slots; never shown (its Debug is redacted).
    master: MasterSecret,
    worm: Option<Arc<Worm>>,
    // Checked before each index and snapshot write (docs/FORMAT.md §16).
    lease: Option<crate::lock::LockLease>,
    // This client's record of the snapshots it wrote (crate::written).
    written: Option<crate::written::Written>,
}

impl std::fmt::Debug for Repository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repository")
            .field("location", &self.backend.location())
            .field("id", &self.config.id)
            .finish_non_exhaustive()
    }
}

impl Repository {
    /// Creates a repository: a key slot for `cred`, then the config (whose
    /// presence marks the repository complete).
    pub fn init(
        backend: Arc<dyn Backend>,
        cred: &Credential,
        opts: InitOptions,
        now: OffsetDateTime,
    ) -> Result<Self> {
        match backend.stat(ObjectKind::Config, "config") {
            Ok(_) => {
                return Err(Error::new(
                    ErrorKind::AlreadyExists,
                    format!("a repository already exists at {}", backend.location()),
                )
                .hint("use it as it is, or choose another location; cairn never initialises over a repository"))
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        if let Some(w) = &opts.worm {
            if w.mode != WormMode::Software {
                backend.worm_support(w.mode).map_err(|e| {
                    e.context(format!("cannot create a {} WORM repository", w.mode))
                })?;
            }
        }
        let master = MasterSecret::generate()?;
        let repo_id = RepoId(random_array()?);
        let keys = Keys::derive(&master, repo_id);
        let slot = KeySlot::create(&master, repo_id, cred, opts.argon2, now)?;
        backend.write_new(ObjectKind::Key, &slot.id, &slot.encode())?;
        let mut config = RepoConfig::new(repo_id, opts.compression, now);
        config.worm = opts.worm;
        config.seal(&keys);
        backend.write_new(ObjectKind::Config, "config", &config.encode())?;
        let (backend, worm) = match opts.worm {
            Some(w) => {
                let clock = Arc::new(FixedClock(now));
                let g = Worm::open(backend, w, clock)?;
                // The slot and config were written before the guard: hold them now.
                g.retain_keys()?;
                (g.clone() as Arc<dyn Backend>, Some(g))
            }
            None => (backend, None),
        };
        Ok(Repository {
            backend,
            config,
            keys: Arc::new(keys),
            index: Index::default(),
            damaged_indexes: Vec::new(),
            slot: slot.id,
            master,
            worm,
            lease: None,
            written: None,
        })
    }

    /// Opens and unlocks a repository without WORM rules (a WORM repository
    /// needs a clock: use [`Repository::open_with`]).
    pub fn open(backend: Arc<dyn Backend>, cred: &Credential) -> Result<Self> {
        let r = Self::open_inner(backend, &Unlock::one(cred.clone()))?;
        if r.config.worm.is_some() {
            return Err(Error::new(
                ErrorKind::Unsupported,
                "this repository has WORM rules and must be opened with a clock",
            ));
        }
        Ok(r)
    }

    /// Opens and unlocks a repository, then loads its index. A WORM repository
    /// is checked against its storage (a bucket without Object Lock is refused)
    /// and guarded, so no code path can delete what is retained.
    pub fn open_with(
        backend: Arc<dyn Backend>,
        cred: &Credential,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        Self::open_unlock(backend, &Unlock::one(cred.clone()), clock)
    }

    /// As [`Repository::open_with`], trying several credentials (and perhaps one pinned slot).
    pub fn open_unlock(
        backend: Arc<dyn Backend>,
        u: &Unlock,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let mut r = Self::open_inner(backend, u)?;
        if let Some(w) = r.config.worm {
            if w.mode != WormMode::Software {
                r.backend.worm_support(w.mode).map_err(|e| {
                    e.context(format!(
                        "the repository is configured for {} WORM, but its storage does not enforce it (nothing was written)",
                        w.mode
                    ))
                })?;
            }
            let g = Worm::open(r.backend.clone(), w, clock)?;
            r.backend = g.clone();
            r.worm = Some(g);
        }
        Ok(r)
    }

    fn open_inner(backend: Arc<dyn Backend>, u: &Unlock) -> Result<Self> {
        let un = unlock::unlock(backend.as_ref(), u)?;
        let mut repo = Repository {
            backend,
            config: un.config,
            keys: Arc::new(un.keys),
            index: Index::default(),
            damaged_indexes: Vec::new(),
            slot: un.slot,
            master: un.master,
            worm: None,
            lease: None,
            written: None,
        };
        repo.reload_index()?;
        Ok(repo)
    }

    /// The master secret of the current epoch (for key rotation).
    pub(crate) fn master(&self) -> &MasterSecret {
        &self.master
    }

    /// Takes the keys of a rotation that just replaced the config.
    pub(crate) fn set_keys(
        &mut self,
        config: RepoConfig,
        keys: Keys,
        master: MasterSecret,
        slot: String,
    ) {
        self.config = config;
        self.keys = Arc::new(keys);
        self.master = master;
        self.slot = slot;
    }

    /// Replaces the stored config with `config` (sealed by the caller under
    /// the current keys) and reads with it from now on.
    pub(crate) fn write_config(&mut self, config: RepoConfig) -> Result<()> {
        self.check_lease()?;
        self.backend.replace_config(&config.encode())?;
        self.config = config;
        Ok(())
    }

    /// Takes a config just written by this session, re-deriving its keys.
    pub(crate) fn replace_config_keys(&mut self, config: RepoConfig) -> Result<()> {
        self.keys = Arc::new(config.unlock_keys(&self.master)?);
        self.config = config;
        Ok(())
    }

    /// Re-reads every index file, [`crate::parallel::READS_IN_FLIGHT`] at a
    /// time, in name order.
    pub fn reload_index(&mut self) -> Result<()> {
        let mut idx = Index::default();
        let mut names: Vec<String> = self
            .backend
            .list(ObjectKind::Index)?
            .into_iter()
            .map(|o| o.name)
            .collect();
        names.sort();
        let mut damaged = Vec::new();
        let (backend, keys) = (self.backend.as_ref(), self.keys.as_ref());
        crate::parallel::for_each_in_order(
            &names,
            crate::parallel::READS_IN_FLIGHT,
            |name| {
                // An index is a cache: a damaged one is reported (verify names it, and
                // the blobs it listed show up as unindexed) but does not stop the open.
                match crate::backend::read_open(backend, ObjectKind::Index, name, |b| {
                    index::open_index_file(keys, name, b)
                }) {
                    Ok(packs) => Ok(Ok(packs)),
                    Err(e) if e.kind() == ErrorKind::Corrupt => Ok(Err(e)),
                    Err(e) => Err(e),
                }
            },
            |name, opened| {
                match opened {
                    Ok(packs) => {
                        for (p, entries) in packs {
                            idx.add_from_file(name, p, &entries);
                        }
                    }
                    Err(e) => {
                        tracing::warn!(index = %name, error = %e, "index file damaged; skipped");
                        damaged.push((name.clone(), e));
                    }
                }
                Ok(())
            },
        )?;
        idx.compact();
        self.index = idx;
        self.damaged_indexes = damaged;
        Ok(())
    }

    /// The storage.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// The config.
    pub fn config(&self) -> &RepoConfig {
        &self.config
    }

    /// The derived keys.
    pub fn keys(&self) -> &Arc<Keys> {
        &self.keys
    }

    /// The index.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The WORM guard, for repositories created with WORM rules.
    pub fn worm(&self) -> Option<&Arc<Worm>> {
        self.worm.as_ref()
    }

    /// The key slot that unlocked this session.
    pub fn unlocked_slot(&self) -> &str {
        &self.slot
    }

    /// Adds a key slot for `cred` (data is not touched).
    pub fn add_slot(
        &self,
        cred: &Credential,
        argon2: Argon2Params,
        now: OffsetDateTime,
    ) -> Result<KeySlot> {
        unlock::add_slot(
            self.backend.as_ref(),
            &self.master,
            &self.config,
            cred,
            argon2,
            now,
        )
    }

    /// Removes key slot `id`. Refuses to remove the last one, and (unless
    /// `force`) one whose removal would leave no slot proven in this session
    /// to open the repository: the slot that unlocked, or another that one
    /// of `creds` opens to the same master secret.
    pub fn remove_slot(&self, id: &str, creds: &[Credential], force: bool) -> Result<()> {
        let proven = if self.slot != id {
            vec![self.slot.clone()]
        } else {
            unlock::proven_slots(self.backend.as_ref(), &self.config, &self.master, creds, id)?
        };
        unlock::remove_slot(self.backend.as_ref(), id, &proven, force)
    }

    /// Re-wraps external slot `id` under the newest version of its outside key.
    pub fn rewrap_slot(&self, id: &str, cred: &Credential, now: OffsetDateTime) -> Result<KeySlot> {
        unlock::rewrap_slot(
            self.backend.as_ref(),
            &self.master,
            &self.config,
            id,
            cred,
            now,
        )
    }

    /// A new encoder at the repository's compression level.
    pub fn encoder(&self) -> Result<Encoder> {
        Encoder::new(self.config.compression)
    }

    /// Makes every later index and snapshot write first check that `lease`'s
    /// lock is still held, and fail instead of writing once it is lost.
    pub fn guard_writes(&mut self, lease: crate::lock::LockLease) {
        self.lease = Some(lease);
    }

    /// Where this repository's writers store packs.
    pub(crate) fn pack_store(&self) -> PackStore {
        PackStore {
            backend: self.backend.clone(),
            lease: self.lease.clone(),
        }
    }

    fn check_lease(&self) -> Result<()> {
        self.lease.as_ref().map_or(Ok(()), |l| l.check())
    }

    /// Adds packs already stored and writes one index file for them.
    pub fn commit_packs(&mut self, packs: &[(PackId, Vec<BlobEntry>)]) -> Result<()> {
        if packs.is_empty() {
            return Ok(());
        }
        let (name, bytes) = index::seal_index_file(&self.keys, &mut self.encoder()?, packs)?;
        self.check_lease()?;
        write_idempotent(self.backend.as_ref(), ObjectKind::Index, &name, &bytes)?;
        if let Some(l) = &self.lease {
            l.indexed(packs.iter().map(|p| p.0));
        }
        // A backup of a million files writes a ~45 MB index file: not held
        // while the in-memory index grows by as much.
        drop(bytes);
        for (p, e) in packs {
            self.index.add_pack(*p, e);
        }
        Ok(())
    }

    /// Indexes packs that no index lists (left by an interrupted backup) from
    /// their authenticated trailers, so their blobs are reused instead of
    /// stored again. Unreadable ones are left for prune. Returns how many.
    ///
    /// Under a lock, only when there can be such packs: a stopped writer left
    /// a sign when the lock was taken, or an index file is damaged (its packs
    /// are then unindexed too). Listing every pack is the one step of a
    /// backup's start that grows with the repository (crate::lock).
    pub fn adopt_unindexed_packs(&mut self) -> Result<usize> {
        let signs = self.lease.as_ref().is_none_or(|l| l.others_stopped());
        if !signs && self.damaged_indexes.is_empty() {
            return Ok(0);
        }
        let n = self.adopt_every_unindexed_pack()?;
        self.settle_stopped_writers();
        Ok(n)
    }

    /// Removes the signs of stopped writers seen when the lock was taken,
    /// once the packs they may have left are dealt with: indexed by a
    /// backup, or kept in or removed from the index by a prune.
    pub fn settle_stopped_writers(&self) {
        if let Some(l) = &self.lease {
            l.settle_others();
        }
    }

    fn adopt_every_unindexed_pack(&mut self) -> Result<usize> {
        let mut adopted = Vec::new();
        for o in self.backend.list(ObjectKind::Pack)? {
            let Ok(id) = PackId::from_hex(&o.name) else {
                continue;
            };
            if self.index.has_pack(&id) {
                continue;
            }
            match self.pack_trailer(&id, o.size) {
                Ok(entries) => adopted.push((id, entries)),
                Err(e) => {
                    tracing::warn!(pack = %id, error = %e, "unindexed pack unreadable; left for prune")
                }
            }
        }
        adopted.sort_by_key(|a| a.0);
        self.commit_packs(&adopted)?;
        Ok(adopted.len())
    }

    /// Reads a pack's trailer from its tail (two range reads, no full download).
    pub fn pack_trailer(&self, id: &PackId, size: u64) -> Result<Vec<BlobEntry>> {
        let name = id.to_hex();
        let footer_at = size
            .checked_sub(pack::FOOTER_LEN as u64)
            .ok_or_else(|| Error::corrupt(format!("pack {name} is shorter than its footer")))?;
        let footer =
            self.backend
                .read_range(ObjectKind::Pack, &name, footer_at, pack::FOOTER_LEN as u64)?;
        let (tid, tlen) = pack::parse_footer(&footer)?;
        let start = footer_at.checked_sub(u64::from(tlen)).ok_or_else(|| {
            Error::corrupt(format!("pack {name}: trailer length exceeds the pack"))
        })?;
        let sealed = self
            .backend
            .read_range(ObjectKind::Pack, &name, start, u64::from(tlen))?;
        pack::open_trailer(&self.keys, &tid, &sealed, start)
    }

    /// Reads and checks one blob.
    pub fn load_blob(&self, id: &BlobId) -> Result<Vec<u8>> {
        self.load_with(id, pack::open_blob)
    }

    /// [`Repository::load_blob`], opening the sealed bytes with `open`.
    fn load_with<T>(&self, id: &BlobId, open: OpenBlob<T>) -> Result<T> {
        let (pack, entry) = self.index.get(id).ok_or_else(|| {
            Error::corrupt(format!("blob {id} is referenced but not in the index"))
        })?;
        match self.load_at(&pack, &entry, open) {
            Ok(b) => Ok(b),
            Err(e) => self.elsewhere(id, &pack, e, open),
        }
    }

    fn load_at<T>(&self, pack: &PackId, entry: &BlobEntry, open: OpenBlob<T>) -> Result<T> {
        let sealed = self.backend.read_range(
            ObjectKind::Pack,
            &pack.to_hex(),
            u64::from(entry.offset),
            u64::from(entry.stored_len),
        )?;
        open(&self.keys, entry, &sealed)
    }

    /// After reading blob `id` from `pack` failed with `failed`: the blob
    /// from another place an index gives for it, or the failure naming the
    /// index file that placed it there. Only a missing or damaged pack
    /// (not a dead connection) is worth another place.
    pub fn load_elsewhere(&self, id: &BlobId, pack: &PackId, failed: Error) -> Result<Vec<u8>> {
        self.elsewhere(id, pack, failed, pack::open_blob)
    }

    fn elsewhere<T>(
        &self,
        id: &BlobId,
        pack: &PackId,
        failed: Error,
        open: OpenBlob<T>,
    ) -> Result<T> {
        let lied = || match self.index.listed_by(pack) {
            Some(f) => format!("index {f} places it in pack {}", pack.short()),
            None => format!("pack {}", pack.short()),
        };
        if !matches!(failed.kind(), ErrorKind::NotFound | ErrorKind::Corrupt) {
            return Err(failed.context(lied()));
        }
        for (other, entry) in self.index.alternates(id) {
            if let Ok(b) = self.load_at(&other, &entry, open) {
                tracing::warn!(blob = %id, error = %failed, "{}, which does not hold it; read it from pack {} instead (run verify)", lied(), other.short());
                return Ok(b);
            }
        }
        Err(failed.context(lied()))
    }

    /// Reads and checks one blob of file content: FORMAT.md §10 says a
    /// node's `content` names data blobs, so a tree blob there is refused
    /// (a second reader would refuse it too; both must agree).
    pub fn load_data(&self, id: &BlobId) -> Result<Vec<u8>> {
        if self.index.is_not_data(id) {
            return Err(data_kind_error(id));
        }
        self.load_blob(id)
    }

    /// [`Repository::load_data`], with the frame the blob was stored as
    /// (codec byte and payload, checked to decode to the plaintext): a copy
    /// into a repository that compresses alike stores it again instead of
    /// compressing the plaintext anew.
    pub fn load_data_framed(&self, id: &BlobId) -> Result<(Vec<u8>, Vec<u8>)> {
        if self.index.is_not_data(id) {
            return Err(data_kind_error(id));
        }
        self.load_with(id, pack::open_blob_framed)
    }

    /// Reads and validates a directory's tree, joining its parts when it
    /// is split (FORMAT.md §10.1).
    pub fn load_tree(&self, id: &BlobId) -> Result<Tree> {
        Ok(self.load_tree_parts(id)?.0)
    }

    /// [`Repository::load_tree`], with the ids of the parts it was joined
    /// from (none for a tree stored whole): walkers that keep every blob a
    /// snapshot uses (prune, verify) count them too.
    pub fn load_tree_parts(&self, id: &BlobId) -> Result<(Tree, Vec<BlobId>)> {
        match self.load_stored(id)? {
            Stored::Nodes(t) => Ok((t, vec![])),
            Stored::Parts(ids) => Ok((self.join_parts(id, &ids)?, ids)),
        }
    }

    /// The directory `id` whose list of parts is `ids` (read with
    /// [`Repository::load_stored`]): its parts read, checked and joined.
    pub fn join_parts(&self, id: &BlobId, ids: &[BlobId]) -> Result<Tree> {
        let mut total = 0u64;
        let mut parts = Vec::with_capacity(ids.len());
        for p in ids {
            let context = || format!("tree {}, part {}", id.short(), p.short());
            let bytes = self.load_tree_blob(p)?;
            total += bytes.len() as u64;
            if total > tree::parts::MAX_DIR_BYTES {
                return Err(Error::corrupt(format!(
                    "a split tree is larger than the {} byte limit",
                    tree::parts::MAX_DIR_BYTES
                ))
                .context(context()));
            }
            parts.push(Tree::decode(&bytes).map_err(|e| e.context(context()))?);
        }
        tree::parts::join(parts).map_err(|e| e.context(format!("tree {}", id.short())))
    }

    /// One tree blob, in the form it is stored in.
    pub fn load_stored(&self, id: &BlobId) -> Result<Stored> {
        Stored::decode(&self.load_tree_blob(id)?)
            .map_err(|e| e.context(format!("tree {}", id.short())))
    }

    fn load_tree_blob(&self, id: &BlobId) -> Result<Vec<u8>> {
        if let Some((_, e)) = self.index.get(id) {
            if e.kind != SealKind::Tree {
                return Err(Error::corrupt(format!(
                    "blob {id} is used as a tree but stored as data"
                )));
            }
        }
        self.load_blob(id)
    }

    /// Whether new trees of large directories are stored in parts: from
    /// format version 3 on, so older readers never meet a list of parts.
    pub fn splits_trees(&self) -> bool {
        self.config.version >= 3
    }

    /// Stores a snapshot object (the last write of a backup).
    pub fn save_snapshot(&self, meta: &SnapshotMeta) -> Result<SnapshotId> {
        let (id, bytes) = meta.seal(&self.keys, &mut self.encoder()?)?;
        self.check_lease()?;
        write_idempotent(
            self.backend.as_ref(),
            ObjectKind::Snapshot,
            &id.to_hex(),
            &bytes,
        )?;
        if let Some(w) = &self.written {
            if let Err(e) = w.record(&id) {
                tracing::warn!(snapshot = %id, error = %e, "could not note the new snapshot in this client's state; verify will not notice if it is deleted");
            }
        }
        Ok(id)
    }

    /// Removes a snapshot object (forget, re-encryption), and this client's
    /// record of having written it. `NotFound` when it is already gone.
    ///
    /// The record goes first, durably: a crash between the two steps then
    /// leaves a snapshot without a record (the rerun deletes it) rather than
    /// a record of a snapshot this client deleted itself, which verify would
    /// report as deleted by the storage.
    pub fn delete_snapshot(&self, id: &SnapshotId) -> Result<()> {
        if let Some(w) = &self.written {
            if let Err(e) = w.forget(&[*id]) {
                tracing::warn!(snapshot = %id, error = %e, "could not note the removal in this client's state; verify may report the snapshot as gone");
            }
        }
        let r = self.backend.delete(ObjectKind::Snapshot, &id.to_hex());
        if let (Err(e), Some(w)) = (&r, &self.written) {
            // Still there: keep watching it.
            if e.kind() != ErrorKind::NotFound {
                let _ = w.record(id);
            }
        }
        r
    }

    /// Keeps `record` of the snapshots this session writes and removes, so
    /// that verify can name those the storage deletes behind its back.
    pub fn keep_written_record(&mut self, record: crate::written::Written) {
        self.written = Some(record);
    }

    /// This client's record of the snapshots it wrote, if one is kept.
    pub fn written_record(&self) -> Option<&crate::written::Written> {
        self.written.as_ref()
    }

    /// Every snapshot, oldest first (ties by id): [`Repository::snapshot_entries`]
    /// without the epochs, for the many callers (forget plans, spec
    /// listings) that work on `(id, meta)` pairs.
    pub fn snapshots(&self) -> Result<Vec<(SnapshotId, SnapshotMeta)>> {
        Ok(self
            .snapshot_entries()?
            .into_iter()
            .map(|e| (e.id, e.meta))
            .collect())
    }

    /// Every readable snapshot, oldest first (ties by id), with the key
    /// epoch that sealed it. Damaged snapshot objects are skipped with a
    /// warning; [`Repository::snapshots_checked`] reports them instead.
    pub fn snapshot_entries(&self) -> Result<Vec<SnapshotEntry>> {
        let (ok, damaged) = self.read_snapshots(|_| true)?;
        warn_damaged(damaged);
        Ok(ok)
    }

    /// Index files that failed to open, with why.
    pub fn damaged_indexes(&self) -> &[(String, Error)] {
        &self.damaged_indexes
    }

    /// Every readable snapshot, oldest first, and the damaged ones with why.
    /// Separate from [`Repository::snapshot_entries`] because its callers
    /// (verify, prune, maintenance) must not skip damage: verify reports
    /// each damaged snapshot object, prune and maintenance refuse to guess
    /// which data a snapshot they cannot read needs.
    #[allow(clippy::type_complexity)]
    pub fn snapshots_checked(
        &self,
    ) -> Result<(Vec<(SnapshotId, SnapshotMeta)>, Vec<(String, Error)>)> {
        let (ok, damaged) = self.read_snapshots(|_| true)?;
        Ok((ok.into_iter().map(|e| (e.id, e.meta)).collect(), damaged))
    }

    /// Opens the snapshot objects whose names pass `wanted` (the rest are
    /// never read), [`crate::parallel::READS_IN_FLIGHT`] at a time, and
    /// returns them oldest first, with the damaged ones in name order.
    #[allow(clippy::type_complexity)]
    fn read_snapshots(
        &self,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<(Vec<SnapshotEntry>, Vec<(String, Error)>)> {
        let mut names: Vec<String> = self
            .backend
            .list(ObjectKind::Snapshot)?
            .into_iter()
            .map(|o| o.name)
            .filter(|n| wanted(n))
            .collect();
        names.sort();
        let mut out = Vec::new();
        let mut damaged = Vec::new();
        let (backend, keys) = (self.backend.as_ref(), self.keys.as_ref());
        crate::parallel::for_each_in_order(
            &names,
            crate::parallel::READS_IN_FLIGHT,
            // Damage is a result (listed, skipped); anything else (an
            // outage, refused credentials) stops the listing.
            |name| match open_snapshot(backend, keys, name) {
                Ok(s) => Ok(Ok(s)),
                Err(e) if matches!(e.kind(), ErrorKind::Corrupt | ErrorKind::Unsupported) => {
                    Ok(Err(e))
                }
                Err(e) => Err(e),
            },
            |name, opened| {
                match opened {
                    Ok(s) => out.push(s),
                    Err(e) => damaged.push((name.clone(), e)),
                }
                Ok(())
            },
        )?;
        // Times were validated when each snapshot was opened.
        out.sort_by_cached_key(|e| {
            (
                e.meta
                    .parsed_time()
                    .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
                e.id,
            )
        });
        Ok((out, damaged))
    }

    /// The snapshot `sel` names (see [`crate::select`]). For an id or a
    /// prefix only the snapshot objects whose names start with it are read.
    pub fn select(&self, sel: &Selector) -> Result<(SnapshotId, SnapshotMeta)> {
        let (ok, damaged) = self.read_snapshots(|name| sel.may_name(name))?;
        let picked = sel.pick(ok.into_iter().map(|e| (e.id, e.meta)).collect());
        // An id whose only object is damaged is not "no such snapshot":
        // name the damage, or the operator goes looking for a typo.
        if let Err(e) = &picked {
            if e.kind() == ErrorKind::NotFound && sel.names_an_id() {
                if let Some((name, why)) = damaged.into_iter().next() {
                    return Err(why.context(format!("snapshot {name}")));
                }
            }
        } else {
            warn_damaged(damaged);
        }
        picked
    }

    /// Resolves `latest`, a full id, or a unique prefix among every
    /// snapshot: [`Repository::select`] without filters.
    pub fn find_snapshot(&self, what: &str) -> Result<(SnapshotId, SnapshotMeta)> {
        self.select(&Selector::parse(what)?)
    }
}

impl crate::tree::TreeSource for Repository {
    fn tree(&self, id: &BlobId) -> Result<Tree> {
        self.load_tree(id)
    }
}

/// Reads, authenticates and decodes the snapshot object `name`.
fn open_snapshot(backend: &dyn Backend, keys: &Keys, name: &str) -> Result<SnapshotEntry> {
    let id = SnapshotId::from_hex(name)
        .map_err(|_| Error::corrupt(format!("snapshot object name {name:?} is not an id")))?;
    let (meta, epoch) = crate::backend::read_open(backend, ObjectKind::Snapshot, name, |b| {
        SnapshotMeta::open_epoch(keys, &id, b)
    })?;
    Ok(SnapshotEntry { id, meta, epoch })
}

/// Logs the snapshot objects a listing skipped.
fn warn_damaged(damaged: Vec<(String, Error)>) {
    for (name, e) in damaged {
        tracing::warn!(snapshot = %name, error = %e, "snapshot damaged; skipped (verify the repository to see the damage)");
    }
}

/// Resolves `latest`, a full id or a unique prefix among `all` (oldest
/// first), for callers that have listed every snapshot already.
pub fn find_in(
    all: Vec<(SnapshotId, SnapshotMeta)>,
    what: &str,
) -> Result<(SnapshotId, SnapshotMeta)> {
    Selector::parse(what)?.pick(all)
}

/// Writes a content-addressed object; an existing one with the same name is the same object.
pub fn write_idempotent(b: &dyn Backend, kind: ObjectKind, name: &str, bytes: &[u8]) -> Result<()> {
    settle(b, kind, name, bytes, b.write_new(kind, name, bytes))
}

/// Where a writer stores finished packs: the storage, and the lock they
/// are stored under, which learns of each so that a writer stopping before
/// its index leaves a sign of them (crate::lock). Cheap to clone into the
/// threads that upload.
#[derive(Clone)]
pub(crate) struct PackStore {
    backend: Arc<dyn Backend>,
    lease: Option<crate::lock::LockLease>,
}

impl PackStore {
    /// Stores a finished pack as [`write_idempotent`] does, sharing its
    /// buffer with storage that sends what it owns (the S3 client) instead
    /// of having it copied, and hands the buffer back for the next pack. A
    /// pack in flight costs one pack of memory, not two (docs/BENCHMARKS.md,
    /// backup to S3).
    pub(crate) fn store(&self, id: &PackId, bytes: Vec<u8>) -> Result<Vec<u8>> {
        if let Some(l) = &self.lease {
            l.storing(*id);
        }
        store_pack(self.backend.as_ref(), id, bytes)
    }
}

/// [`PackStore::store`] for a writer whose packs need no sign if it stops:
/// prune, which writes its own index and handles unindexed packs itself.
pub(crate) fn store_pack(b: &dyn Backend, id: &PackId, bytes: Vec<u8>) -> Result<Vec<u8>> {
    let name = id.to_hex();
    let shared = Bytes::from(bytes);
    let first = b.write_new_shared(ObjectKind::Pack, &name, &shared);
    settle(b, ObjectKind::Pack, &name, &shared, first)?;
    // The storage drops its references before the write returns, so this
    // takes the allocation back; were one still held, it would copy.
    Ok(Vec::from(shared))
}

/// The rest of an idempotent write, after the first attempt `first`.
fn settle(
    b: &dyn Backend,
    kind: ObjectKind,
    name: &str,
    bytes: &[u8],
    first: Result<()>,
) -> Result<()> {
    match first {
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
        r => return r,
    }
    // Same name, so the same content by construction: a rerun, or a racing
    // writer. Unless the stored copy is damaged: then "already there" would
    // let it stand in for these good bytes, and everything written next
    // (an index over it, a snapshot) would point at damage. It is replaced.
    match b.read(kind, name) {
        Ok(existing) if existing == bytes => return Ok(()),
        Ok(_) => tracing::warn!(
            ?kind,
            name,
            "stored copy differs from a fresh one; replacing it"
        ),
        Err(e) if e.kind() == ErrorKind::Transient => return Err(e),
        Err(e) => tracing::warn!(?kind, name, error = %e, "stored copy unreadable; replacing it"),
    }
    // Replaced in one atomic step (a synced temporary renamed over it, one
    // S3 PUT): the damaged copy is never deleted before the good one is
    // durable, so a crash here loses nothing.
    b.replace(kind, name, bytes).map_err(|e| {
        Error::new(
            ErrorKind::Corrupt,
            format!(
                "{} {name} is stored damaged and this session cannot replace it: {e}",
                kind.dir()
            ),
        )
        .hint("run the same command with delete rights (not append-only, not a service token); under WORM, wait until the damaged object's retention lapses")
    })
}

/// Opens a blob's sealed bytes: [`pack::open_blob`] or a variant of it.
type OpenBlob<T> = fn(&Keys, &BlobEntry, &[u8]) -> Result<T>;

/// A file's content names a blob stored as a tree.
pub(crate) fn data_kind_error(id: &BlobId) -> Error {
    Error::corrupt(format!(
        "blob {id} is used as file content but stored as a tree"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotStats;

    fn snap(time: &str) -> SnapshotMeta {
        SnapshotMeta {
            version: 1,
            time: time.into(),
            spec: None,
            host: "h".into(),
            paths: vec!["/x".into()],
            tags: vec![],
            parent: None,
            tree: BlobId([0; 32]),
            incomplete: false,
            errors: vec![],
            stats: SnapshotStats::default(),
            program: "t".into(),
        }
    }

    #[test]
    fn latest_is_by_time_value_and_prefixes_must_be_unique() {
        // As strings, "…00Z" sorts after "…00.5Z"; as times it is earlier.
        let a = (SnapshotId([0xaa; 32]), snap("2026-01-01T00:00:00.5Z"));
        let b = (SnapshotId([0xab; 32]), snap("2026-01-01T00:00:00Z"));
        let mut all = vec![b.clone(), a.clone()];
        all.sort_by_key(|(_, m)| m.parsed_time().unwrap());
        assert_eq!(find_in(all.clone(), "latest").unwrap().0, a.0);
        assert_eq!(find_in(all.clone(), "ab").unwrap().0, b.0);
        assert_eq!(
            find_in(all.clone(), "a").unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        assert_eq!(
            find_in(all.clone(), "ff").unwrap_err().kind(),
            ErrorKind::NotFound
        );
        assert_eq!(
            find_in(all, "zz").unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        assert_eq!(
            find_in(vec![], "latest").unwrap_err().kind(),
            ErrorKind::NotFound
        );
    }
}
