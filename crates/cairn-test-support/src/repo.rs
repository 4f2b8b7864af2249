//! A repository for a test: real format, real crypto, cheap key derivation.

use cairn_core::keyslot::{Argon2Params, Credential};
use cairn_core::repo::InitOptions;
use cairn_core::{Backend, Repository};
use cairn_store::MemoryBackend;
use std::sync::Arc;

/// When every test repository was created.
/// 2026-01-01T00:00:00Z, when every test repository was made.
fn created() -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(1_767_225_600)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// A repository for a test, on the given storage (memory by default):
/// unlocked by [`TestRepo::credential`] (the passphrase `pw`), zstd level 3,
/// Argon2 at its test cost (the format is real, only key derivation is
/// cheap), no WORM, created 2026-01-01T00:00:00Z.
///
/// ```text
/// let repo = TestRepo::memory().init();
/// let repo = TestRepo::on(Arc::new(FsBackend::new(dir))).init();
/// ```
pub struct TestRepo {
    backend: Arc<dyn Backend>,
}

impl TestRepo {
    /// The credential that unlocks a test repository.
    pub fn credential() -> Credential {
        Credential::Passphrase("pw".into())
    }

    /// A repository on `backend`.
    pub fn on(backend: Arc<dyn Backend>) -> Self {
        TestRepo { backend }
    }

    /// A repository in a new [`MemoryBackend`].
    pub fn memory() -> Self {
        Self::on(Arc::new(MemoryBackend::new()))
    }

    /// The storage the repository is (or will be) on.
    pub fn backend(&self) -> Arc<dyn Backend> {
        self.backend.clone()
    }

    /// Initializes the repository; panics if the storage refuses.
    #[track_caller]
    pub fn init(self) -> Repository {
        let options = InitOptions {
            compression: 3,
            argon2: Argon2Params::INSECURE_FOR_TESTS,
            worm: None,
        };
        Repository::init(self.backend, &Self::credential(), options, created())
            .unwrap_or_else(|e| panic!("init of a test repository: {e}"))
    }

    /// Initializes the repository as a release that wrote format `version`
    /// did (its config says so, sealed with the repository's keys), e.g. 1
    /// for a repository that keeps whole trees (FORMAT.md §10.1).
    #[track_caller]
    pub fn init_at_version(self, version: u32) -> Repository {
        let backend = self.backend.clone();
        let repo = self.init();
        let mut config = repo.config().clone();
        config.version = version;
        config.seal(repo.keys());
        backend.replace_config(&config.encode()).unwrap();
        drop(repo);
        Repository::open(backend, &Self::credential()).unwrap()
    }
}

/// Backup options for a test: `paths`, host `h`, no tags or excludes, two
/// workers and two uploads, at `now`.
pub fn backup_options(
    paths: &[std::path::PathBuf],
    now: time::OffsetDateTime,
) -> cairn_core::backup::BackupOptions {
    cairn_core::backup::BackupOptions {
        paths: paths.to_vec(),
        tags: vec![],
        host: "h".into(),
        excludes: vec![],
        one_file_system: false,
        spec: None,
        now,
        workers: 2,
        force: false,
        uploads: 2,
    }
}

/// Restore options for a test: into `target`, everything, files replaced
/// when they differ, nothing deleted, two workers, no special files.
pub fn restore_options(target: &std::path::Path) -> cairn_core::restore::RestoreOptions {
    cairn_core::restore::RestoreOptions {
        target: target.to_path_buf(),
        include: vec![],
        exclude: vec![],
        overwrite: cairn_core::restore::Overwrite::IfChanged,
        delete: false,
        workers: 2,
        special: false,
    }
}

/// Restores the latest snapshot of `repo` into `target` (which must not
/// exist) and checks it equals `src`, then runs `verify --read-data`: both
/// must find nothing wrong. `what` names the step in a failure.
#[track_caller]
pub fn assert_latest_restores_and_verifies(
    repo: &Repository,
    src: &std::path::Path,
    target: &std::path::Path,
    what: &str,
) {
    use cairn_core::restore::{restore, RestoreProgress};
    use cairn_core::verify::{verify, DataCheck};
    let (id, latest) = repo.snapshots().unwrap().pop().unwrap();
    let opts = restore_options(target);
    let r = restore(repo, id, &latest.tree, &opts, &RestoreProgress::default()).unwrap();
    assert!(r.report.errors.is_empty(), "{what}: {:?}", r.report.errors);
    crate::assert_same_tree(src, target);
    let v = verify(repo, &[], DataCheck::All, 2).unwrap();
    assert!(v.damage.is_empty(), "{what}: {:?}", v.damage);
}
