//! Whether a backend wrapper passes each call on to the backend it wraps
//! (`cairn_core::Wrapper`). A wrapper that forgets a call falls back to the
//! trait's default without a word: `reread` says "the bytes were the
//! storage's own" and hides a cache's fresh copy, `retained_until` says
//! "not held" and lets prune think a held object free. [`check`] puts the
//! wrapper over a [`Probe`], a storage whose every answer differs from the
//! trait's default and which notes every call it gets, and makes each call
//! of the trait through the wrapper, on an object of every kind: a call the
//! wrapper passes on must reach the probe with the same arguments and come
//! back with the probe's answer; a call the wrapper refuses must fail and
//! never reach the probe.

use cairn_core::backend::WormMode;
use cairn_core::{Backend, Leftover, ObjectInfo, ObjectKind, ObjectVersion};
use cairn_core::{Bytes, Result, Wrapper};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

/// One call a [`Probe`] got: the method and its arguments, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub method: &'static str,
    pub args: String,
}

/// Storage that notes every call and answers each with something no
/// default of the trait answers (bytes naming the method and object, a
/// held-until date, support for every WORM grade, versions that survive a
/// delete), so an answer that did not come from it shows.
#[derive(Default)]
pub struct Probe {
    calls: Mutex<Vec<Call>>,
}

impl Probe {
    fn note(&self, method: &'static str, args: String) -> String {
        self.calls.lock().unwrap().push(Call {
            method,
            args: args.clone(),
        });
        format!("{method}({args})")
    }

    /// The calls since the last `take`, oldest first.
    pub fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

fn until() -> OffsetDateTime {
    // Later than any retention a wrapper under test computes.
    OffsetDateTime::from_unix_timestamp(4_000_000_000).unwrap()
}

/// A name of the exact form Cairn writes for each kind, so that wrappers
/// that treat canonical names specially (the cache) are checked on them.
pub fn sample_name(kind: ObjectKind) -> String {
    match kind {
        ObjectKind::Config => "config".into(),
        ObjectKind::Key => "ab".repeat(16),
        ObjectKind::Lock => "001700000000-0123456789abcdef".into(),
        // A record whose time has passed: deleting it is allowed.
        ObjectKind::Retention => format!("000000000001-p-{}", "cd".repeat(32)),
        _ => "cd".repeat(32),
    }
}

// Every method answered by the probe itself: a method added to the trait
// must be added here (and to `check`) before clippy passes.
#[deny(clippy::missing_trait_methods)]
impl Backend for Probe {
    fn location(&self) -> String {
        self.note("location", String::new())
    }
    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        Ok(self.note("read", format!("{kind:?} {name}")).into_bytes())
    }
    fn reread(&self, kind: ObjectKind, name: &str) -> Result<Option<Vec<u8>>> {
        Ok(Some(
            self.note("reread", format!("{kind:?} {name}")).into_bytes(),
        ))
    }
    fn read_range(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        let args = format!("{kind:?} {name} {offset} {len}");
        Ok(self.note("read_range", args).into_bytes())
    }
    fn read_span(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        let args = format!("{kind:?} {name} {offset} {len}");
        Ok(self.note("read_span", args).into_bytes())
    }
    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.note("write_new", format!("{kind:?} {name} {data:?}"));
        Ok(())
    }
    fn write_new_shared(&self, kind: ObjectKind, name: &str, data: &Bytes) -> Result<()> {
        let data: &[u8] = data;
        self.note("write_new_shared", format!("{kind:?} {name} {data:?}"));
        Ok(())
    }
    fn replace_config(&self, data: &[u8]) -> Result<()> {
        self.note("replace_config", format!("{data:?}"));
        Ok(())
    }
    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.note("replace", format!("{kind:?} {name} {data:?}"));
        Ok(())
    }
    fn list_all(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
        self.note("list_all", format!("{kind:?}"));
        Ok(vec![ObjectInfo {
            name: sample_name(kind),
            size: 7,
            modified: Some(until()),
        }])
    }
    fn list(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
        // Its names are all canonical: nothing to leave out.
        self.list_all(kind)
    }
    fn leftovers(&self) -> Result<Vec<Leftover>> {
        Ok(vec![Leftover {
            path: self.note("leftovers", String::new()),
            size: 1,
            modified: None,
        }])
    }
    fn remove_leftover(&self, leftover: &Leftover) -> Result<()> {
        self.note("remove_leftover", leftover.path.clone());
        Ok(())
    }
    fn stat(&self, kind: ObjectKind, name: &str) -> Result<ObjectInfo> {
        Ok(ObjectInfo {
            name: self.note("stat", format!("{kind:?} {name}")),
            size: 3,
            modified: Some(until()),
        })
    }
    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        self.note("delete", format!("{kind:?} {name}"));
        Ok(())
    }
    fn exists(&self) -> Result<bool> {
        self.note("exists", String::new());
        Ok(false)
    }
    fn hold(
        &self,
        kind: ObjectKind,
        name: &str,
        mode: WormMode,
        until: OffsetDateTime,
    ) -> Result<()> {
        self.note("hold", format!("{kind:?} {name} {mode} {until}"));
        Ok(())
    }
    fn worm_support(&self, mode: WormMode) -> Result<String> {
        Ok(self.note("worm_support", format!("{mode}")))
    }
    fn versions_survive_delete(&self) -> bool {
        self.note("versions_survive_delete", String::new());
        true
    }
    fn list_versions(&self, kind: ObjectKind) -> Result<Vec<ObjectVersion>> {
        Ok(vec![ObjectVersion {
            name: sample_name(kind),
            version: self.note("list_versions", format!("{kind:?}")),
            modified: None,
            current: true,
            delete_marker: false,
            retained_until: Some(until()),
        }])
    }
    fn read_version(&self, kind: ObjectKind, name: &str, version: &str) -> Result<Vec<u8>> {
        let args = format!("{kind:?} {name} {version}");
        Ok(self.note("read_version", args).into_bytes())
    }
    fn retained_until(&self, kind: ObjectKind, name: &str) -> Result<Option<OffsetDateTime>> {
        self.note("retained_until", format!("{kind:?} {name}"));
        Ok(Some(until()))
    }
}

/// Checks that `wrap` (a wrapper put over the given storage) passes every
/// call of the trait on, for objects of every kind, except those `refuses`
/// names (method name and kind, None for calls without one), which must
/// fail without reaching the storage. Each call runs on a fresh wrapper over
/// a fresh probe, so no call's effect (a ledger record, a cached copy)
/// changes another's answer. `what` names the wrapper in failures.
pub fn check(
    what: &str,
    wrap: impl Fn(Arc<dyn Backend>) -> Arc<dyn Backend>,
    refuses: impl Fn(&str, Option<ObjectKind>) -> bool,
) {
    let one =
        |method: &'static str, kind: Option<ObjectKind>, call: &dyn Fn(&dyn Backend) -> String| {
            let probe = Arc::new(Probe::default());
            let want = call(probe.as_ref());
            let direct = probe.take();
            let wrapper = wrap(probe.clone());
            probe.take(); // what building the wrapper asked (the WORM ledger's listing)
            let got = call(wrapper.as_ref());
            let seen = probe.take();
            let label = format!("{what}: {method} of {kind:?}");
            if refuses(method, kind) {
                assert!(got.starts_with("Err"), "{label} should be refused: {got}");
                assert!(
                    seen.iter().all(|c| c.method != method),
                    "{label} was refused, yet reached the storage: {seen:?}"
                );
                return;
            }
            assert_eq!(
                got, want,
                "{label} did not answer what the storage below said"
            );
            for c in &direct {
                // Shared bytes may arrive lent (a wrapper's default goes
                // through its own write_new): the same bytes reached the
                // storage. `shares_writes` checks the wrappers that keep
                // them shared.
                let lent = Call {
                    method: "write_new",
                    args: c.args.clone(),
                };
                assert!(
                    seen.contains(c) || (c.method == "write_new_shared" && seen.contains(&lent)),
                    "{label} did not pass {c:?} on to the storage: it saw {seen:?}"
                );
            }
        };
    for kind in ObjectKind::ALL {
        let name = sample_name(kind);
        let n = name.as_str();
        let k = Some(kind);
        one("read", k, &|b| format!("{:?}", b.read(kind, n)));
        one("reread", k, &|b| format!("{:?}", b.reread(kind, n)));
        one("read_range", k, &|b| {
            format!("{:?}", b.read_range(kind, n, 5, 9))
        });
        one("read_span", k, &|b| {
            format!("{:?}", b.read_span(kind, n, 6, 8))
        });
        one("write_new", k, &|b| {
            format!("{:?}", b.write_new(kind, n, b"new"))
        });
        one("write_new_shared", k, &|b| {
            format!(
                "{:?}",
                b.write_new_shared(kind, n, &Bytes::from_static(b"new"))
            )
        });
        one("replace", k, &|b| {
            format!("{:?}", b.replace(kind, n, b"again"))
        });
        one("list_all", k, &|b| format!("{:?}", b.list_all(kind)));
        one("list", k, &|b| format!("{:?}", b.list(kind)));
        one("stat", k, &|b| format!("{:?}", b.stat(kind, n)));
        one("delete", k, &|b| format!("{:?}", b.delete(kind, n)));
        one("list_versions", k, &|b| {
            format!("{:?}", b.list_versions(kind))
        });
        one("read_version", k, &|b| {
            format!("{:?}", b.read_version(kind, n, "v7"))
        });
        one("retained_until", k, &|b| {
            format!("{:?}", b.retained_until(kind, n))
        });
        for mode in [WormMode::Compliance, WormMode::Governance] {
            one("hold", k, &|b| {
                format!("{:?}", b.hold(kind, n, mode, until()))
            });
        }
    }
    let left = Leftover {
        path: "data/cd/.tmp-1".into(),
        size: 1,
        modified: None,
    };
    one("location", None, &|b| b.location());
    one("replace_config", None, &|b| {
        format!("{:?}", b.replace_config(b"cfg"))
    });
    one("leftovers", None, &|b| format!("{:?}", b.leftovers()));
    one("remove_leftover", None, &|b| {
        format!("{:?}", b.remove_leftover(&left))
    });
    one("exists", None, &|b| format!("{:?}", b.exists()));
    one("versions_survive_delete", None, &|b| {
        format!("{:?}", b.versions_survive_delete())
    });
    for mode in [
        WormMode::Compliance,
        WormMode::Governance,
        WormMode::Software,
    ] {
        one("worm_support", None, &|b| {
            format!("{:?}", b.worm_support(mode))
        });
    }
}

/// Whether `wrap` passes shared bytes on as shared, for every kind: the
/// wrappers on the path of a backup to S3 must, or each pack in flight is
/// copied once more (docs/BENCHMARKS.md, backup to S3).
pub fn shares_writes(what: &str, wrap: impl Fn(Arc<dyn Backend>) -> Arc<dyn Backend>) {
    for kind in ObjectKind::ALL {
        let name = sample_name(kind);
        let probe = Arc::new(Probe::default());
        let wrapper = wrap(probe.clone());
        probe.take();
        let _ = wrapper.write_new_shared(kind, &name, &Bytes::from_static(b"pack"));
        let seen = probe.take();
        assert!(
            seen.iter().any(|c| c.method == "write_new_shared"),
            "{what}: shared bytes of {kind:?} reached the storage lent, not shared: {seen:?}"
        );
    }
}

/// A wrapper that changes nothing: what [`check`] holds every wrapper to,
/// checked on the forwarding base itself.
pub struct Bare(pub Arc<dyn Backend>);

impl Wrapper for Bare {
    fn inner(&self) -> &dyn Backend {
        self.0.as_ref()
    }
}

/// For [`check`], of a wrapper that refuses no call.
pub fn refuses_nothing(_: &str, _: Option<ObjectKind>) -> bool {
    false
}
