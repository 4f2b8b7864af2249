//! One forwarding base for the backends that wrap another.
//!
//! A wrapper adds one concern to a backend and passes everything else on:
//! the append-only guard refuses deletes, the WORM guard keeps its ledger,
//! the local cache answers some reads, the crash injector counts writes, the
//! tests' hook watches calls. Each used to spell out the ~20 one-line
//! forwards of [`Backend`] by hand, and a forward forgotten there did not
//! fail to compile: it silently fell back to the trait's default (`reread`
//! "the bytes were the storage's own", `hold` "unsupported",
//! `retained_until` "not held"). A guard that forgot `reread` would hide the
//! cache's answer below it; one that forgot `retained_until` would let prune
//! believe a held object free.
//!
//! So a wrapper implements [`Wrapper`] instead of [`Backend`]: it names its
//! inner backend and writes only the methods it changes; every other method
//! forwards by default. [`Backend`] comes from the one blanket impl below.
//!
//! Why this shape and not a macro that expands the forwards for the methods
//! not listed: Rust has no specialisation, so a blanket `impl<T: Wrapper>
//! Backend for T` cannot let one wrapper override one method. The override
//! point has to be a trait of its own whose provided methods forward, and a
//! declarative macro would need a list of overridden method names kept in
//! step with the bodies by hand (a second thing to forget). A trait with
//! provided methods is checked by the compiler: an override with a wrong
//! signature does not compile, and the bodies read as ordinary trait impls.
//!
//! When a method is added to [`Backend`]: the blanket impl must say how
//! wrappers handle it, or the build fails. A required method fails to
//! compile; a provided one fails `clippy -D warnings`, because the impl
//! denies `clippy::missing_trait_methods` (the check CI runs; a plain
//! `cargo build` does not run clippy and would pass). The one place
//! that fixes it is here: add the method to [`Wrapper`] with a default that
//! forwards, and every wrapper forwards it without being touched. A wrapper
//! that must treat the new method differently (the guards, for a new way to
//! delete) still has to be changed by whoever adds it. The forwarding check
//! in cairn-test-support (`forwarding::check`, run over each wrapper) makes
//! every call through a wrapper and fails on one that does not reach the
//! backend below unless the wrapper is said to refuse it. Its probe storage
//! denies the same lint, so a new method must be answered there too; the
//! call in `check` is still written by hand.
//!
//! [`Backend::list`] is not forwarded: it filters the wrapper's own
//! `list_all`, so a wrapper that follows listings (the cache) sees them.

use crate::backend::{
    canonical_only, Backend, Leftover, ObjectInfo, ObjectKind, ObjectVersion, WormMode,
};
use crate::error::Result;
use bytes::Bytes;
use time::OffsetDateTime;

/// A backend that adds one concern to [`Wrapper::inner`] and forwards the
/// rest: implement this (not [`Backend`]) and override only the methods the
/// concern changes. Each provided method calls the same method of the inner
/// backend, but `write_new_shared`, which goes through `write_new`; the
/// documentation of each is on [`Backend`].
#[allow(missing_docs)] // each method is documented on `Backend`
pub trait Wrapper: Send + Sync {
    /// The backend this one forwards to.
    fn inner(&self) -> &dyn Backend;

    fn location(&self) -> String {
        self.inner().location()
    }
    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        self.inner().read(kind, name)
    }
    fn reread(&self, kind: ObjectKind, name: &str) -> Result<Option<Vec<u8>>> {
        self.inner().reread(kind, name)
    }
    fn read_range(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        self.inner().read_range(kind, name, offset, len)
    }
    fn read_span(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        self.inner().read_span(kind, name, offset, len)
    }
    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.inner().write_new(kind, name, data)
    }
    /// The one provided method that does not call the same method of the
    /// inner backend: it goes through this wrapper's own
    /// [`Wrapper::write_new`]. Forwarding it by default would let a wrapper
    /// that adds a concern to `write_new` (the WORM ledger, the crash
    /// injector) skip that concern for every pack, silently; going through
    /// `write_new` costs only the copy the shared bytes were to save. A
    /// wrapper that handles shared bytes overrides this and passes them on.
    fn write_new_shared(&self, kind: ObjectKind, name: &str, data: &Bytes) -> Result<()> {
        Wrapper::write_new(self, kind, name, data)
    }
    fn replace_config(&self, data: &[u8]) -> Result<()> {
        self.inner().replace_config(data)
    }
    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.inner().replace(kind, name, data)
    }
    fn list_all(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
        self.inner().list_all(kind)
    }
    fn leftovers(&self) -> Result<Vec<Leftover>> {
        self.inner().leftovers()
    }
    fn remove_leftover(&self, leftover: &Leftover) -> Result<()> {
        self.inner().remove_leftover(leftover)
    }
    fn stat(&self, kind: ObjectKind, name: &str) -> Result<ObjectInfo> {
        self.inner().stat(kind, name)
    }
    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        self.inner().delete(kind, name)
    }
    fn exists(&self) -> Result<bool> {
        self.inner().exists()
    }
    fn hold(
        &self,
        kind: ObjectKind,
        name: &str,
        mode: WormMode,
        until: OffsetDateTime,
    ) -> Result<()> {
        self.inner().hold(kind, name, mode, until)
    }
    fn worm_support(&self, mode: WormMode) -> Result<String> {
        self.inner().worm_support(mode)
    }
    fn versions_survive_delete(&self) -> bool {
        self.inner().versions_survive_delete()
    }
    fn list_versions(&self, kind: ObjectKind) -> Result<Vec<ObjectVersion>> {
        self.inner().list_versions(kind)
    }
    fn read_version(&self, kind: ObjectKind, name: &str, version: &str) -> Result<Vec<u8>> {
        self.inner().read_version(kind, name, version)
    }
    fn retained_until(&self, kind: ObjectKind, name: &str) -> Result<Option<OffsetDateTime>> {
        self.inner().retained_until(kind, name)
    }
}

// Every method spelled out, none left to `Backend`'s defaults: see the
// module documentation for why the lint is denied here.
#[deny(clippy::missing_trait_methods)]
impl<W: Wrapper> Backend for W {
    fn location(&self) -> String {
        Wrapper::location(self)
    }
    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        Wrapper::read(self, kind, name)
    }
    fn reread(&self, kind: ObjectKind, name: &str) -> Result<Option<Vec<u8>>> {
        Wrapper::reread(self, kind, name)
    }
    fn read_range(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        Wrapper::read_range(self, kind, name, offset, len)
    }
    fn read_span(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        Wrapper::read_span(self, kind, name, offset, len)
    }
    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        Wrapper::write_new(self, kind, name, data)
    }
    fn write_new_shared(&self, kind: ObjectKind, name: &str, data: &Bytes) -> Result<()> {
        Wrapper::write_new_shared(self, kind, name, data)
    }
    fn replace_config(&self, data: &[u8]) -> Result<()> {
        Wrapper::replace_config(self, data)
    }
    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        Wrapper::replace(self, kind, name, data)
    }
    fn list_all(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
        Wrapper::list_all(self, kind)
    }
    fn list(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
        // Not forwarded: the wrapper's own `list_all` is what is filtered.
        Ok(canonical_only(kind, Wrapper::list_all(self, kind)?))
    }
    fn leftovers(&self) -> Result<Vec<Leftover>> {
        Wrapper::leftovers(self)
    }
    fn remove_leftover(&self, leftover: &Leftover) -> Result<()> {
        Wrapper::remove_leftover(self, leftover)
    }
    fn stat(&self, kind: ObjectKind, name: &str) -> Result<ObjectInfo> {
        Wrapper::stat(self, kind, name)
    }
    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        Wrapper::delete(self, kind, name)
    }
    fn exists(&self) -> Result<bool> {
        Wrapper::exists(self)
    }
    fn hold(
        &self,
        kind: ObjectKind,
        name: &str,
        mode: WormMode,
        until: OffsetDateTime,
    ) -> Result<()> {
        Wrapper::hold(self, kind, name, mode, until)
    }
    fn worm_support(&self, mode: WormMode) -> Result<String> {
        Wrapper::worm_support(self, mode)
    }
    fn versions_survive_delete(&self) -> bool {
        Wrapper::versions_survive_delete(self)
    }
    fn list_versions(&self, kind: ObjectKind) -> Result<Vec<ObjectVersion>> {
        Wrapper::list_versions(self, kind)
    }
    fn read_version(&self, kind: ObjectKind, name: &str, version: &str) -> Result<Vec<u8>> {
        Wrapper::read_version(self, kind, name, version)
    }
    fn retained_until(&self, kind: ObjectKind, name: &str) -> Result<Option<OffsetDateTime>> {
        Wrapper::retained_until(self, kind, name)
    }
}
