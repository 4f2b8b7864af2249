//! An in-memory backend: the reference semantics, for unit tests.

use crate::check_name;
use cairn_core::{Backend, Error, ErrorKind, ObjectInfo, ObjectKind, Result};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// An object's bytes and when it was stored (the "storage clock" of a
/// memory store is the host's wall clock, as a server's would be).
#[derive(Debug)]
struct Stored {
    data: Vec<u8>,
    modified: time::OffsetDateTime,
}

type Objects = BTreeMap<(ObjectKind, String), Arc<Stored>>;

fn stored(data: &[u8]) -> Arc<Stored> {
    Arc::new(Stored {
        data: data.to_vec(),
        modified: time::OffsetDateTime::now_utc(),
    })
}

/// Objects in a map; clones share the same store.
#[derive(Debug, Default, Clone)]
pub struct MemoryBackend {
    objects: Arc<Mutex<Objects>>,
}

impl MemoryBackend {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn map(&self) -> MutexGuard<'_, Objects> {
        // A panic while holding the lock cannot leave the map half-updated
        // (every mutation is a single insert or remove), so poisoning is ignored.
        self.objects.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn get(&self, kind: ObjectKind, name: &str) -> Result<Arc<Stored>> {
        check_name(name)?;
        self.map()
            .get(&(kind, name.to_string()))
            .cloned()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!("{} not found", kind.path(name)),
                )
            })
    }
}

impl Backend for MemoryBackend {
    fn location(&self) -> String {
        "memory:".into()
    }

    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        Ok(self.get(kind, name)?.data.clone())
    }

    fn read_range(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        let o = self.get(kind, name)?;
        let end = offset
            .checked_add(len)
            .filter(|e| *e <= o.data.len() as u64)
            .ok_or_else(|| {
                Error::corrupt(format!(
                    "{} is shorter than the range {offset}+{len}",
                    kind.path(name)
                ))
            })?;
        Ok(o.data[offset as usize..end as usize].to_vec())
    }

    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        check_name(name)?;
        let mut m = self.map();
        let key = (kind, name.to_string());
        if m.contains_key(&key) {
            return Err(Error::new(
                ErrorKind::AlreadyExists,
                format!("{} already exists", kind.path(name)),
            ));
        }
        m.insert(key, stored(data));
        Ok(())
    }

    fn replace_config(&self, data: &[u8]) -> Result<()> {
        self.map()
            .insert((ObjectKind::Config, "config".to_string()), stored(data));
        Ok(())
    }

    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        check_name(name)?;
        self.map().insert((kind, name.to_string()), stored(data));
        Ok(())
    }

    fn list_all(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
        Ok(self
            .map()
            .iter()
            .filter(|((k, _), _)| *k == kind)
            .map(|((_, n), v)| ObjectInfo {
                name: n.clone(),
                size: v.data.len() as u64,
                modified: Some(v.modified),
            })
            .collect())
    }

    fn stat(&self, kind: ObjectKind, name: &str) -> Result<ObjectInfo> {
        let o = self.get(kind, name)?;
        Ok(ObjectInfo {
            name: name.to_string(),
            size: o.data.len() as u64,
            modified: Some(o.modified),
        })
    }

    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        check_name(name)?;
        self.map()
            .remove(&(kind, name.to_string()))
            .map(|_| ())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!("{} not found", kind.path(name)),
                )
            })
    }

    fn exists(&self) -> Result<bool> {
        Ok(true)
    }
}
