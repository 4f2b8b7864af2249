//! A backend that passes every call through to another and runs a hook
//! around each write: how a test stages what happens between two steps of
//! real work (a lock stolen as the first pack lands, a session dying before
//! its second write) without a second copy of the `Backend` plumbing. It can
//! also watch reads ([`Hooked::watching_reads`]) and listings
//! ([`Hooked::watching_lists`]): how a test counts what a command fetches
//! from storage.

use cairn_core::{Backend, Bytes, ObjectInfo, ObjectKind, Result, Wrapper};
use std::sync::Arc;

/// Where a hook runs relative to the write it watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Before the write; an error from the hook is the write's error and
    /// nothing is written.
    Before,
    /// After the write landed; an error from the hook is the write's error.
    After,
}

type Hook = dyn Fn(When, ObjectKind, &str, &dyn Backend) -> Result<()> + Send + Sync;

/// One read a [`Hooked`] backend passed on: the object, and the range
/// (offset, length) or None for a whole-object read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub kind: ObjectKind,
    pub name: String,
    pub range: Option<(u64, u64)>,
    /// Asked through `read_span` (exactly these bytes, no read-ahead).
    pub span: bool,
}

type ReadHook = dyn Fn(Read) + Send + Sync;
type ListHook = dyn Fn(ObjectKind) + Send + Sync;

/// `inner` with `hook` called around `write_new` and `replace` (not
/// `replace_config`: the config is written once, at init).
pub struct Hooked {
    inner: Arc<dyn Backend>,
    hook: Box<Hook>,
    on_read: Option<Box<ReadHook>>,
    on_list: Option<Box<ListHook>>,
}

impl Hooked {
    /// The hook gets when, the object's kind and name, and `inner` (to act on
    /// the storage itself, as another process would).
    pub fn new(
        inner: Arc<dyn Backend>,
        hook: impl Fn(When, ObjectKind, &str, &dyn Backend) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        Hooked {
            inner,
            hook: Box::new(hook),
            on_read: None,
            on_list: None,
        }
    }

    /// `inner` with every listing told to `on_list` (the kind listed)
    /// before it is passed on; writes pass unhooked.
    pub fn watching_lists(
        inner: Arc<dyn Backend>,
        on_list: impl Fn(ObjectKind) + Send + Sync + 'static,
    ) -> Self {
        Hooked {
            on_list: Some(Box::new(on_list)),
            ..Hooked::new(inner, |_, _, _, _| Ok(()))
        }
    }

    /// `inner` with every read (whole or ranged) told to `on_read` before
    /// it is passed on; writes pass unhooked.
    pub fn watching_reads(
        inner: Arc<dyn Backend>,
        on_read: impl Fn(Read) + Send + Sync + 'static,
    ) -> Self {
        Hooked {
            on_read: Some(Box::new(on_read)),
            ..Hooked::new(inner, |_, _, _, _| Ok(()))
        }
    }

    fn saw(&self, kind: ObjectKind, name: &str, range: Option<(u64, u64)>, span: bool) {
        if let Some(f) = &self.on_read {
            f(Read {
                kind,
                name: name.to_string(),
                range,
                span,
            });
        }
    }

    fn around(&self, k: ObjectKind, n: &str, write: impl FnOnce() -> Result<()>) -> Result<()> {
        (self.hook)(When::Before, k, n, self.inner.as_ref())?;
        write()?;
        (self.hook)(When::After, k, n, self.inner.as_ref())
    }
}

// Reads are watched and writes hooked; everything else passes on
// (cairn_core::wrapper).
impl Wrapper for Hooked {
    fn inner(&self) -> &dyn Backend {
        self.inner.as_ref()
    }
    fn list_all(&self, k: ObjectKind) -> Result<Vec<ObjectInfo>> {
        if let Some(f) = &self.on_list {
            f(k);
        }
        self.inner.list_all(k)
    }
    fn read(&self, k: ObjectKind, n: &str) -> Result<Vec<u8>> {
        self.saw(k, n, None, false);
        self.inner.read(k, n)
    }
    fn read_range(&self, k: ObjectKind, n: &str, o: u64, l: u64) -> Result<Vec<u8>> {
        self.saw(k, n, Some((o, l)), false);
        self.inner.read_range(k, n, o, l)
    }
    fn read_span(&self, k: ObjectKind, n: &str, o: u64, l: u64) -> Result<Vec<u8>> {
        self.saw(k, n, Some((o, l)), true);
        self.inner.read_span(k, n, o, l)
    }
    fn write_new(&self, k: ObjectKind, n: &str, d: &[u8]) -> Result<()> {
        self.around(k, n, || self.inner.write_new(k, n, d))
    }
    fn write_new_shared(&self, k: ObjectKind, n: &str, d: &Bytes) -> Result<()> {
        self.around(k, n, || self.inner.write_new_shared(k, n, d))
    }
    fn replace(&self, k: ObjectKind, n: &str, d: &[u8]) -> Result<()> {
        self.around(k, n, || self.inner.replace(k, n, d))
    }
}
