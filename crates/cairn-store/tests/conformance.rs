//! Every backend passes the same conformance suite.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::{Backend, ErrorKind, ObjectKind};
use cairn_store::{
    AzureLocation, FsBackend, MemoryBackend, RemoteBackend, S3Backend, S3Location, SftpBackend,
    SftpLocation,
};
use cairn_test_support::conformance;

#[test]
fn memory_backend_conforms() {
    conformance::run(MemoryBackend::new);
}

#[test]
fn fs_backend_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    conformance::run(|| {
        n += 1;
        FsBackend::new(dir.path().join(format!("repo{n}")))
    });
}

#[test]
fn fs_leaves_no_temporaries_and_lists_skip_them() {
    let dir = tempfile::tempdir().unwrap();
    let b = FsBackend::new(dir.path());
    let name = "ab".repeat(32);
    b.write_new(ObjectKind::Pack, &name, b"x").unwrap();
    std::fs::write(dir.path().join("data/ab/.tmp-leftover"), b"half").unwrap();
    let names: Vec<_> = b
        .list(ObjectKind::Pack)
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(names, vec![name.clone()]);
    assert!(dir.path().join(format!("data/ab/{name}")).exists());
}

#[test]
fn fs_write_into_read_only_folder_is_classified() {
    if unsafe_is_root() {
        return; // root ignores permission bits
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("snapshots")).unwrap();
    let mut p = std::fs::metadata(dir.path().join("snapshots"))
        .unwrap()
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut p, 0o500);
    std::fs::set_permissions(dir.path().join("snapshots"), p).unwrap();
    let e = FsBackend::new(dir.path())
        .write_new(ObjectKind::Snapshot, "abc", b"x")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
}

fn unsafe_is_root() -> bool {
    std::env::var("USER").map(|u| u == "root").unwrap_or(false)
        || std::fs::metadata("/root")
            .map(|m| {
                std::os::unix::fs::MetadataExt::uid(&m) == 0 && std::fs::read_dir("/root").is_ok()
            })
            .unwrap_or(false)
}

#[test]
fn s3_backend_conforms_against_a_real_server() {
    conformance::run(|| {
        let loc = conformance::s3_test_bucket();
        S3Backend::new(S3Location::parse(&loc).unwrap()).unwrap()
    });
}

#[test]
fn s3_with_a_prefix_conforms_and_a_dead_server_is_a_clear_error() {
    let loc = conformance::s3_test_bucket();
    let mut n = 0;
    conformance::run(|| {
        n += 1;
        S3Backend::new(S3Location::parse(&format!("{loc}/some/prefix{n}")).unwrap()).unwrap()
    });
    // Nothing listens on port 9 of loopback: the error is classified, after bounded retries.
    let dead = S3Backend::new(S3Location::parse("s3:http://127.0.0.1:9/bucket").unwrap()).unwrap();
    let e = dead.read(ObjectKind::Config, "config").unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Transient | ErrorKind::Io),
        "{e:?}"
    );
    assert!(e.to_string().contains("S3 server"), "{e}");
}

#[test]
fn azure_backend_conforms_against_azurite() {
    conformance::run(|| {
        let loc = cairn_test_support::azure_test_container();
        RemoteBackend::azure(AzureLocation::parse(&loc).unwrap()).unwrap()
    });
}

#[test]
fn azure_with_a_prefix_conforms_and_a_missing_container_is_a_clear_error() {
    let loc = cairn_test_support::azure_test_container();
    let mut n = 0;
    conformance::run(|| {
        n += 1;
        RemoteBackend::azure(AzureLocation::parse(&format!("{loc}/some/prefix{n}")).unwrap())
            .unwrap()
    });
    let (base, _) = loc.rsplit_once('/').unwrap();
    let missing =
        RemoteBackend::azure(AzureLocation::parse(&format!("{base}/no-such-container")).unwrap())
            .unwrap();
    let e = missing.read(ObjectKind::Config, "config").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e:?}");
    assert!(
        e.to_string()
            .contains("container no-such-container does not exist on the Azure Blob Storage server at http://127.0.0.1"),
        "{e}"
    );
}

#[test]
fn sftp_backend_conforms_against_openssh() {
    let dir = tempfile::tempdir().unwrap();
    let sshd = cairn_test_support::Sshd::start(dir.path());
    // The only test here that starts a process (ssh): the PATH it sees.
    std::env::set_var("PATH", sshd.path_env());
    let mut n = 0;
    conformance::run(|| {
        n += 1;
        SftpBackend::new(SftpLocation::parse(&sshd.location(&format!("repo{n}"))).unwrap()).unwrap()
    });
    // Objects were published by link: no temporary is left behind.
    let leftovers: Vec<_> = walk(&sshd.folder("repo3"))
        .into_iter()
        .filter(|p| p.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A writer killed between its write and its link leaves a temporary:
    // listed as a leftover (never as an object), and removable.
    let b = SftpBackend::new(SftpLocation::parse(&sshd.location("repo3")).unwrap()).unwrap();
    let shard = walk(&sshd.folder("repo3/data"))[0].clone();
    let tmp = std::path::Path::new(&shard).with_file_name(".tmp-killed");
    std::fs::write(&tmp, b"half").unwrap();
    let found = b.leftovers().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].path.starts_with("data/") && found[0].path.ends_with("/.tmp-killed"));
    assert_eq!(found[0].size, 4);
    assert_eq!(b.list(ObjectKind::Pack).unwrap().len(), 1);
    b.remove_leftover(&found[0]).unwrap();
    assert!(!tmp.exists());
    assert!(b.leftovers().unwrap().is_empty());
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.display().to_string());
        }
    }
    out
}
