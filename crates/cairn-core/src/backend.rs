//! The storage seam. The core speaks objects (a kind and a name), never paths.
//!
//! Contract every backend keeps (the conformance suite in cairn-test-support checks it):
//! - `write_new` is atomic: readers see the whole object or nothing, never a
//!   prefix under the real name; it refuses to replace an existing object
//!   (`AlreadyExists`), so content-addressed writes are idempotent;
//! - reads of a missing object fail with `NotFound`, never with empty bytes;
//! - `list` returns every object of a kind written before the call started;
//! - errors are classified (`NotFound`, `AlreadyExists`, `Transient`,
//!   `WormLocked`, `NoSpace`, ...) so no caller has to match strings.

use crate::error::Result;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The kinds of object in a repository, each in its own namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    /// The single `config` object (name is always "config").
    Config,
    /// Key slots wrapping the master secret.
    Key,
    /// Snapshot objects.
    Snapshot,
    /// Index files.
    Index,
    /// Pack files.
    Pack,
    /// Lock objects.
    Lock,
    /// Protection markers: a snapshot named here is never forgotten.
    Protect,
    /// WORM ledger records: which object is retained until when.
    Retention,
}

impl ObjectKind {
    /// Every kind, in a stable order.
    pub const ALL: [ObjectKind; 8] = [
        ObjectKind::Config,
        ObjectKind::Key,
        ObjectKind::Snapshot,
        ObjectKind::Index,
        ObjectKind::Pack,
        ObjectKind::Lock,
        ObjectKind::Protect,
        ObjectKind::Retention,
    ];

    /// The folder (or key prefix) the kind lives under; empty for the config.
    pub fn dir(self) -> &'static str {
        match self {
            ObjectKind::Config => "",
            ObjectKind::Key => "keys",
            ObjectKind::Snapshot => "snapshots",
            ObjectKind::Index => "index",
            ObjectKind::Pack => "data",
            ObjectKind::Lock => "locks",
            ObjectKind::Protect => "protect",
            ObjectKind::Retention => "retention",
        }
    }

    /// Whether names of this kind are sharded by their first two characters (`data/ab/abcd...`).
    pub fn sharded(self) -> bool {
        matches!(self, ObjectKind::Pack)
    }

    /// The largest object of this kind a reader accepts. Storage is hostile:
    /// a 3 GB file in place of a key slot must be a named error, not an
    /// out-of-memory. Config, slots, locks, markers and ledger records are a
    /// few KiB when written; snapshots and indexes have their own decoder
    /// limits; a pack is at most the largest configured pack size plus one
    /// blob that did not fit and its trailer.
    pub fn max_len(self) -> u64 {
        match self {
            ObjectKind::Config | ObjectKind::Key | ObjectKind::Lock => 4 << 20,
            ObjectKind::Protect | ObjectKind::Retention => 4 << 20,
            ObjectKind::Snapshot => crate::snapshot::MAX_SNAPSHOT_LEN as u64,
            ObjectKind::Index => crate::index::MAX_INDEX_LEN as u64,
            ObjectKind::Pack => (1 << 30) + 2 * crate::pack::MAX_BLOB_LEN as u64,
        }
    }

    /// Whether `name` is in the exact form Cairn writes for this kind
    /// (docs/FORMAT.md §1): lowercase hex of the right length for ids and
    /// slots, `<12+ digits>-<16 hex>` for locks, and for retention records
    /// `<12+ digits>-<kind letter>-<canonical name of that kind>`.
    pub fn is_canonical(self, name: &str) -> bool {
        match self {
            ObjectKind::Config => name == "config",
            ObjectKind::Key => lower_hex(name, 32),
            ObjectKind::Snapshot | ObjectKind::Index | ObjectKind::Pack | ObjectKind::Protect => {
                lower_hex(name, 64)
            }
            ObjectKind::Lock => name
                .split_once('-')
                .is_some_and(|(t, r)| seconds(t) && lower_hex(r, 16)),
            ObjectKind::Retention => {
                parse_record(name)
                    .is_some_and(|(k, n, _)| k != ObjectKind::Retention && k.is_canonical(&n))
                    && name.split('-').next().is_some_and(seconds)
            }
        }
    }

    /// The relative path of an object, `/`-separated, as laid out on every backend.
    pub fn path(self, name: &str) -> String {
        match self {
            ObjectKind::Config => "config".to_string(),
            k if k.sharded() && name.len() >= 2 => format!("{}/{}/{}", k.dir(), &name[..2], name),
            k => format!("{}/{}", k.dir(), name),
        }
    }
}

fn lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// Unix seconds as object names carry them: at least 12 decimal digits.
fn seconds(s: &str) -> bool {
    (12..=19).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit())
}

// The WORM vocabulary the storage seam speaks (crate::worm enforces it):
// the grade a backend is asked to hold objects at, and the names of the
// ledger's `retention` records, which `is_canonical` checks.

/// The grade of WORM a repository was created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WormMode {
    /// S3 Object Lock COMPLIANCE.
    Compliance,
    /// S3 Object Lock GOVERNANCE, or immutable local files.
    Governance,
    /// Cairn refuses; nothing below it does.
    Software,
}

impl std::fmt::Display for WormMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WormMode::Compliance => "compliance",
            WormMode::Governance => "governance",
            WormMode::Software => "software",
        })
    }
}

/// Kinds the ledger can cover: everything a snapshot's restore depends on,
/// including (below software grade) the config and key slots that unlock it.
pub(crate) fn held(kind: ObjectKind) -> Option<char> {
    match kind {
        ObjectKind::Pack => Some('p'),
        ObjectKind::Index => Some('i'),
        ObjectKind::Snapshot => Some('s'),
        ObjectKind::Protect => Some('m'),
        ObjectKind::Key => Some('k'),
        ObjectKind::Config => Some('c'),
        _ => None,
    }
}

fn kind_of(code: &str) -> Option<ObjectKind> {
    Some(match code {
        "p" => ObjectKind::Pack,
        "i" => ObjectKind::Index,
        "s" => ObjectKind::Snapshot,
        "m" => ObjectKind::Protect,
        "k" => ObjectKind::Key,
        "c" => ObjectKind::Config,
        _ => return None,
    })
}

/// A ledger record's name: `<until unix seconds, 12 digits>-<kind>-<name>`.
pub(crate) fn record_name(kind: ObjectKind, name: &str, until: OffsetDateTime) -> Option<String> {
    held(kind).map(|c| format!("{:012}-{c}-{name}", until.unix_timestamp().max(0)))
}

pub(crate) fn parse_record(rec: &str) -> Option<(ObjectKind, String, OffsetDateTime)> {
    let mut parts = rec.splitn(3, '-');
    let secs: i64 = parts.next()?.parse().ok()?;
    let kind = kind_of(parts.next()?)?;
    let name = parts.next()?.to_string();
    Some((kind, name, OffsetDateTime::from_unix_timestamp(secs).ok()?))
}

/// One object as listed or stat-ed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Its name within its kind.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// When the storage last wrote it, by the storage's own clock (S3
    /// LastModified, a file's mtime); None where the storage cannot say.
    /// Lock staleness is judged with it, never with a client's clock.
    pub modified: Option<time::OffsetDateTime>,
}

/// A partial object a killed writer left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// Where it is, relative to the repository root (`data/ab/.tmp-...`).
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// When the storage last wrote it.
    pub modified: Option<time::OffsetDateTime>,
}

/// One stored version of an object, on storage that keeps versions (an S3
/// bucket with Object Lock, the config history of a governance folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectVersion {
    /// The object's name within its kind.
    pub name: String,
    /// The storage's version id.
    pub version: String,
    /// When the storage wrote it.
    pub modified: Option<time::OffsetDateTime>,
    /// Whether this is what a plain read returns now.
    pub current: bool,
    /// A delete marker: the object was removed here; earlier versions stay.
    pub delete_marker: bool,
    /// Until when the storage holds this version (None: not held).
    pub retained_until: Option<time::OffsetDateTime>,
}

/// A place where a repository's objects live. A backend that adds one
/// concern to another (a guard, a cache) implements [`crate::Wrapper`]
/// instead, and forwards what it does not change by construction.
pub trait Backend: Send + Sync {
    /// Where this is, for messages (a path or URL, never credentials).
    fn location(&self) -> String;

    /// Reads a whole object.
    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>>;

    /// Reads a whole object again from the storage itself, for a caller
    /// whose open of [`Backend::read`]'s bytes failed (a wrong tag, a wrong
    /// keyed id): a backend that answered from a local copy (the cache of
    /// cairn-store) drops that copy and returns the storage's bytes. `None`
    /// when the bytes read were the storage's own: a second read would not
    /// differ. Wrappers forward it ([`crate::Wrapper`] does by default).
    fn reread(&self, _kind: ObjectKind, _name: &str) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }

    /// Reads `len` bytes at `offset`; fails with `Corrupt` if the object is shorter.
    fn read_range(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>>;

    /// Reads `len` bytes at `offset` as [`Backend::read_range`] does, for a
    /// caller that already gathered into this range exactly the bytes it
    /// needs (a restore's schedule, docs/RESTORE.md): storage that reads
    /// ahead around small reads (the S3 pack windows) does not here, or it
    /// would fetch again bytes that another span of the same pack fetched.
    fn read_span(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        self.read_range(kind, name, offset, len)
    }

    /// Writes a new object atomically; `AlreadyExists` if the name is taken.
    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()>;

    /// [`Backend::write_new`] of bytes the caller shares rather than lends
    /// (a full pack): storage whose client must own what it sends (the S3
    /// and Azure clients) keeps a reference instead of copying them, so an
    /// upload in flight holds one pack of memory, not two. Same contract as
    /// `write_new`; the default lends the bytes to it. A wrapper's default
    /// ([`crate::Wrapper`]) goes through that wrapper's own `write_new`, so
    /// its concern (a ledger record, a crash point) is never skipped; a
    /// wrapper passes shared bytes on only where it says so.
    fn write_new_shared(&self, kind: ObjectKind, name: &str, data: &bytes::Bytes) -> Result<()> {
        self.write_new(kind, name, data)
    }

    /// Replaces the config object atomically: a reader sees the old or the
    /// new config, never neither. The config is the only object ever
    /// replaced (by `keys rotate-master`); everything else is write-once.
    fn replace_config(&self, data: &[u8]) -> Result<()>;

    /// Replaces an existing object atomically, in one step: a reader sees
    /// the old bytes or the new ones, never neither, and a crash leaves one
    /// of them. Only for a stored copy found damaged (`write_idempotent`):
    /// objects are otherwise write-once. The default refuses.
    fn replace(&self, kind: ObjectKind, name: &str, _data: &[u8]) -> Result<()> {
        Err(crate::Error::new(
            crate::ErrorKind::Unsupported,
            format!(
                "{} cannot replace {} in place",
                self.location(),
                kind.path(name)
            ),
        ))
    }

    /// Lists every object of a kind that passes the name rule (any order),
    /// canonical or not. Backends implement this; readers call [`Backend::list`].
    fn list_all(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>>;

    /// The objects of a kind whose names are in the exact form Cairn writes
    /// ([`ObjectKind::is_canonical`]), any order. Storage is hostile: an
    /// uppercase or otherwise renamed copy of a snapshot would otherwise be
    /// a second snapshot with the same id, and make `restore <id>`
    /// ambiguous. Verify reports the names left out. Not overridden (the
    /// wrappers' impl, crate::wrapper, applies the same rule).
    fn list(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
        Ok(canonical_only(kind, self.list_all(kind)?))
    }

    /// Partial objects that writers killed mid-write left behind (the
    /// `.tmp-*` files of a folder), with their size and the storage's time.
    /// Storage that writes each object in one request has none.
    fn leftovers(&self) -> Result<Vec<Leftover>> {
        Ok(vec![])
    }

    /// Removes one leftover that [`Backend::leftovers`] listed.
    fn remove_leftover(&self, leftover: &Leftover) -> Result<()> {
        Err(crate::Error::new(
            crate::ErrorKind::Unsupported,
            format!(
                "{} keeps no partial objects ({})",
                self.location(),
                leftover.path
            ),
        ))
    }

    /// Size and modification time of one object; `NotFound` if absent.
    fn stat(&self, kind: ObjectKind, name: &str) -> Result<ObjectInfo>;

    /// Deletes an object; deleting a missing object is `NotFound`.
    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()>;

    /// Whether the repository root exists at all (to tell "not a repository" from "empty").
    fn exists(&self) -> Result<bool>;

    /// Puts a storage-level hold on an object until `until`, as the WORM mode
    /// asks (S3 Object Lock retention, an immutable file). Backends that cannot
    /// say `Unsupported`; software WORM never calls this.
    fn hold(
        &self,
        kind: ObjectKind,
        name: &str,
        _mode: WormMode,
        _until: time::OffsetDateTime,
    ) -> Result<()> {
        Err(crate::Error::new(
            crate::ErrorKind::Unsupported,
            format!(
                "{} cannot hold {} at the storage level",
                self.location(),
                kind.path(name)
            ),
        ))
    }

    /// Checks that the storage can enforce `mode` and says how, truthfully
    /// (e.g. "S3 Object Lock (COMPLIANCE) is enabled on bucket b").
    fn worm_support(&self, mode: WormMode) -> Result<String> {
        Err(crate::Error::new(
            crate::ErrorKind::Unsupported,
            format!("{} cannot enforce {mode} WORM", self.location()),
        ))
    }

    /// Whether deleting an object only hides it while its earlier versions
    /// stay readable (a versioned S3 bucket, which every Object Lock bucket
    /// is). Under storage-level WORM a held key slot may then be removed: the
    /// held version stays, for `keys recover`.
    fn versions_survive_delete(&self) -> bool {
        false
    }

    /// Every stored version (and delete marker) of the objects of `kind`.
    /// Only for the config and key slots; `Unsupported` where the storage
    /// keeps no versions.
    fn list_versions(&self, kind: ObjectKind) -> Result<Vec<ObjectVersion>> {
        Err(crate::Error::new(
            crate::ErrorKind::Unsupported,
            format!(
                "{} keeps no earlier versions of {} objects",
                self.location(),
                kind.dir()
            ),
        ))
    }

    /// Reads one stored version of an object.
    fn read_version(&self, kind: ObjectKind, name: &str, _version: &str) -> Result<Vec<u8>> {
        Err(crate::Error::new(
            crate::ErrorKind::Unsupported,
            format!(
                "{} keeps no earlier versions of {}",
                self.location(),
                kind.path(name)
            ),
        ))
    }

    /// Until when the storage (or Cairn's WORM guard) forbids deleting the
    /// object; None when nothing holds it. Prune asks before deleting.
    fn retained_until(
        &self,
        _kind: ObjectKind,
        _name: &str,
    ) -> Result<Option<time::OffsetDateTime>> {
        Ok(None)
    }
}

/// [`Backend::list`]'s rule, stated once for the trait's default and for
/// the wrappers' forwarding impl (crate::wrapper), which must spell out
/// every method.
pub(crate) fn canonical_only(kind: ObjectKind, mut all: Vec<ObjectInfo>) -> Vec<ObjectInfo> {
    all.retain(|o| kind.is_canonical(&o.name));
    all
}

/// Reads object `name` of `kind` and opens it with `open`. When the bytes do
/// not open (`Corrupt`, `Unsupported`) and the backend had answered from a
/// local copy, the storage's own bytes are opened instead, by the same
/// `open`: a copy can save reads, never change what is trusted, and a
/// damaged copy never makes a healthy object look damaged.
pub fn read_open<T>(
    backend: &dyn Backend,
    kind: ObjectKind,
    name: &str,
    open: impl Fn(&[u8]) -> Result<T>,
) -> Result<T> {
    let bytes = backend.read(kind, name)?;
    match open(&bytes) {
        Err(e)
            if matches!(
                e.kind(),
                crate::ErrorKind::Corrupt | crate::ErrorKind::Unsupported
            ) =>
        {
            match backend.reread(kind, name)? {
                Some(fresh) => open(&fresh),
                None => Err(e),
            }
        }
        r => r,
    }
}
