//! The snapshot listing behind `GET /api/v1/dr/snapshots`. Each repository
//! is unlocked once (key stretching is deliberately slow) and its decoded
//! snapshots are cached by object name; a listing costs one storage listing
//! plus reads of snapshot objects not seen before. Snapshot objects are
//! immutable and written atomically, so the cache is never stale in content,
//! only in membership, which the listing refreshes.

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::metrics::RepoLabel;
use cairn_core::backend::ObjectKind;
use cairn_core::snapshot::SnapshotMeta;
use cairn_core::{Repository, SnapshotId};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

struct Reader {
    repo: Repository,
    metas: HashMap<String, (SnapshotId, SnapshotMeta)>,
    /// WORM retain-until per snapshot object and when it was read. Retention
    /// only ever grows (maintenance extends it), so a date still in the
    /// future needs no re-reading; a lapsed one is re-read now and then, in
    /// case it was extended (on S3 that is a HEAD per object).
    held: HashMap<String, (Option<OffsetDateTime>, Instant)>,
    /// The rendered rows, oldest first, with what the filters look at;
    /// rebuilt only when a snapshot or a retain-until changed.
    rows: Option<Vec<Row>>,
}

/// A rendered row with the fields the filters look at.
struct Row {
    spec: Option<String>,
    paths: Vec<String>,
    tags: Vec<String>,
    json: Value,
}

/// One snapshot as `GET /api/v1/dr/snapshots` lists it.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(crate) struct SnapshotRow {
    id: String,
    /// The first 8 hex digits, for people.
    short_id: String,
    /// The repository's name in the config.
    repository: String,
    /// When it was taken (RFC 3339, UTC).
    time: String,
    spec: Option<String>,
    host: String,
    paths: Vec<String>,
    tags: Vec<String>,
    /// Some source entries could not be read.
    incomplete: bool,
    files: u64,
    bytes: u64,
    /// Plaintext bytes of data new to the repository (the rest was
    /// deduplicated): the console's history charts.
    bytes_added: u64,
    /// What those new bytes took in storage (compressed and encrypted).
    bytes_stored: u64,
    /// Until when storage WORM retention holds it (RFC 3339), if it does.
    retained_until: Option<String>,
    /// Protected from forget: read from the markers at each listing (the
    /// cached row holds false).
    protected: bool,
}

/// How often a lapsed retain-until is read again.
const RECHECK: Duration = Duration::from_secs(600);

/// Unlocked repositories and their decoded snapshots.
#[derive(Default)]
pub struct SnapshotCache {
    readers: Mutex<BTreeMap<String, std::sync::Arc<Mutex<Reader>>>>,
}

impl SnapshotCache {
    fn reader(&self, ctx: &Ctx, name: &str) -> Result<std::sync::Arc<Mutex<Reader>>> {
        let mut r = self
            .readers
            .lock()
            .map_err(|_| Error::Store("snapshot cache poisoned".into()))?;
        if let Some(x) = r.get(name) {
            return Ok(x.clone());
        }
        // Read access only: the session is append-only and takes no lock
        // (listing snapshot objects is safe without one).
        let s = cairn_app::session::open_configured_unlocked(&ctx.cfg, name, ctx.clock.clone())?;
        let x = std::sync::Arc::new(Mutex::new(Reader {
            repo: s,
            metas: HashMap::new(),
            held: HashMap::new(),
            rows: None,
        }));
        r.insert(name.to_string(), x.clone());
        Ok(x)
    }

    /// Snapshots of one spec's repository (or every repository), newest last.
    /// With a spec, only the spec's own snapshots (`cairn_app::spec`'s rule).
    pub fn list(&self, ctx: &Ctx, spec: Option<&str>, tag: Option<&str>) -> Result<Value> {
        let spec = match spec {
            Some(s) => Some(ctx.cfg.require_spec(s)?),
            None => None,
        };
        let repos: Vec<String> = match spec {
            Some(s) => vec![s.repository.clone()],
            None => ctx.cfg.repository.keys().cloned().collect(),
        };

        let mut out = Vec::new();
        for name in repos {
            let reader = self.reader(ctx, &name)?;
            let mut rd = reader
                .lock()
                .map_err(|_| Error::Store("snapshot cache poisoned".into()))?;
            let listed = rd.repo.backend().list(ObjectKind::Snapshot)?;
            let present: std::collections::HashSet<String> =
                listed.iter().map(|o| o.name.clone()).collect();
            let known = rd.metas.len();
            rd.metas.retain(|k, _| present.contains(k));
            rd.held.retain(|k, _| present.contains(k));
            let mut changed = rd.metas.len() != known;
            for o in listed {
                if rd.metas.contains_key(&o.name) {
                    continue;
                }
                changed = true;
                let Ok(id) = SnapshotId::from_hex(&o.name) else {
                    continue;
                };
                let bytes = rd.repo.backend().read(ObjectKind::Snapshot, &o.name)?;
                match SnapshotMeta::open(rd.repo.keys(), &id, &bytes) {
                    Ok(m) => {
                        rd.metas.insert(o.name, (id, m));
                    }
                    Err(e) => {
                        tracing::warn!(snapshot = %o.name, error = %e, "damaged snapshot skipped")
                    }
                }
            }
            let label = RepoLabel {
                repository: name.clone(),
            };
            ctx.metrics
                .snapshots_total
                .get_or_create(&label)
                .set(rd.metas.len() as i64);
            let (retained, held_changed) = retained_now(&mut rd, ctx.clock.now());
            ctx.metrics
                .retained_total
                .get_or_create(&label)
                .set(retained as i64);
            if changed || held_changed || rd.rows.is_none() {
                let rows = render(&rd, &name);
                rd.rows = Some(rows);
            }
            // Protection markers come and go without the snapshot changing:
            // one listing per request, never cached.
            let protected: std::collections::HashSet<String> = rd
                .repo
                .backend()
                .list(ObjectKind::Protect)?
                .into_iter()
                .map(|o| o.name)
                .collect();
            for r in rd.rows.iter().flatten() {
                let mine = spec.is_none_or(|s| {
                    cairn_app::spec::belongs_fields(s, r.spec.as_deref(), &r.paths)
                });
                if mine && tag.is_none_or(|t| r.tags.iter().any(|x| x == t)) {
                    let mut v = r.json.clone();
                    let id = v["id"].as_str().unwrap_or_default();
                    v["protected"] = protected.contains(id).into();
                    out.push(v);
                }
            }
        }
        Ok(Value::Array(out))
    }
}

/// The rows of one repository, oldest first.
fn render(rd: &Reader, name: &str) -> Vec<Row> {
    let mut rows: Vec<_> = rd
        .metas
        .values()
        .map(|(id, m)| (m.parsed_time().ok(), id, m))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    rows.into_iter()
        .map(|(_, id, m)| {
            let until = rd.held.get(&id.to_hex()).and_then(|h| h.0);
            let row = SnapshotRow {
                id: id.to_hex(),
                short_id: id.short(),
                repository: name.to_string(),
                time: m.time.clone(),
                spec: m.spec.clone(),
                host: m.host.clone(),
                paths: m.paths.clone(),
                tags: m.tags.clone(),
                incomplete: m.incomplete,
                files: m.stats.files,
                bytes: m.stats.bytes,
                bytes_added: m.stats.bytes_added,
                bytes_stored: m.stats.bytes_stored,
                retained_until: until.map(cairn_core::clock::rfc3339),
                protected: false,
            };
            Row {
                spec: m.spec.clone(),
                paths: m.paths.clone(),
                tags: m.tags.clone(),
                json: json!(row),
            }
        })
        .collect()
}

/// How many snapshots WORM retention still holds at `now`, reading the
/// retain-until of snapshots not seen before (and of lapsed ones, now and
/// then), and whether any date changed. An unreadable date counts as not
/// held, and is logged.
fn retained_now(rd: &mut Reader, now: OffsetDateTime) -> (usize, bool) {
    let mut held = 0;
    let mut changed = false;
    // Only names that need a (re)read are copied out; the common case is a
    // listing where every date is known and nothing is allocated.
    let mut due = Vec::new();
    for name in rd.metas.keys() {
        match rd.held.get(name) {
            Some((Some(u), _)) if *u > now => held += 1,
            Some((_, at)) if at.elapsed() < RECHECK => {}
            _ => due.push(name.clone()),
        }
    }
    for name in due {
        let until = match rd
            .repo
            .backend()
            .retained_until(ObjectKind::Snapshot, &name)
        {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!(snapshot = %name, error = %e, "cannot read the snapshot's retention");
                None
            }
        };
        if until.is_some_and(|u| u > now) {
            held += 1;
        }
        if let Some(old) = rd.held.insert(name, (until, Instant::now())) {
            changed |= old.0 != until;
        } else {
            changed = true;
        }
    }
    (held, changed)
}
