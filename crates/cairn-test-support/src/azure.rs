//! Containers on the local Azure Blob Storage emulator (Azurite) the test
//! command starts, for the Azure backend's tests.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use std::io::{Read, Write};

/// Azurite's one built-in account and its published development key
/// (documented by Microsoft; it guards nothing).
pub const AZURITE_ACCOUNT: &str = "devstoreaccount1";
/// The key of [`AZURITE_ACCOUNT`].
pub const AZURITE_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// The local Azurite the test command started (`CAIRN_TEST_AZURITE`,
/// `http://127.0.0.1:PORT`), with a new empty container for the caller:
/// `azblob:http://127.0.0.1:PORT/devstoreaccount1/CONTAINER`. The backend
/// finds the account key in `AZURE_STORAGE_KEY`, which the test command
/// sets too.
pub fn azure_test_container() -> String {
    let endpoint = std::env::var("CAIRN_TEST_AZURITE").expect(
        "CAIRN_TEST_AZURITE is not set: run scripts/test.sh, which starts a local Azure Blob Storage emulator (Azurite) and sets it",
    );
    let rnd: [u8; 6] = cairn_core::crypto::random_array().expect("random");
    let container = format!("cairn-{}", hex::encode(rnd));
    let hostport = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let reply = create_container(&hostport, &container);
    assert!(
        reply.starts_with("HTTP/1.1 201"),
        "container creation failed: {reply}"
    );
    format!("azblob:http://{hostport}/{AZURITE_ACCOUNT}/{container}")
}

/// Create Container (path-style, as Azurite serves it), signed with the
/// account's shared key: the request the Azure CLI would send.
fn create_container(hostport: &str, container: &str) -> String {
    let now = time::OffsetDateTime::now_utc();
    // RFC 1123, as HTTP dates are written: "Sat, 05 Dec 2026 17:46:03 GMT".
    let date = format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        &now.weekday().to_string()[..3],
        now.day(),
        &now.month().to_string()[..3],
        now.year(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let version = "2021-08-06";
    let path = format!("/{AZURITE_ACCOUNT}/{container}");
    // VERB, eleven standard headers (all empty here), canonical headers, resource.
    let to_sign = format!(
        "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:{date}\nx-ms-version:{version}\n/{AZURITE_ACCOUNT}{path}\nrestype:container"
    );
    let key = base64::engine::general_purpose::STANDARD
        .decode(AZURITE_KEY)
        .unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(to_sign.as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let mut s = std::net::TcpStream::connect(hostport).expect("connect to Azurite");
    write!(
        s,
        "PUT {path}?restype=container HTTP/1.1\r\nHost: {hostport}\r\nx-ms-date: {date}\r\nx-ms-version: {version}\r\nAuthorization: SharedKey {AZURITE_ACCOUNT}:{sig}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    reply
}

/// An Azurite of a test's own, over a folder that outlives it (so it can be
/// stopped in the middle of something and started again with its data).
/// Killed when dropped.
pub struct Azurite {
    child: Option<std::process::Child>,
    /// Its loopback port.
    pub port: u16,
    dir: std::path::PathBuf,
}

impl Azurite {
    /// The emulator's binary: `CAIRN_TEST_AZURITE_BIN` (set by
    /// scripts/test.sh, which installs it). Missing, the test fails: it must
    /// never pass without having run.
    pub fn binary() -> std::path::PathBuf {
        let path = std::env::var_os("CAIRN_TEST_AZURITE_BIN")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../.tools/node/node_modules/.bin/azurite-blob")
            });
        assert!(
            path.is_file(),
            "azurite-blob (the Azure Blob Storage emulator these tests need) is not installed at {}: run scripts/test.sh, which installs it from npm into .tools/node, or set CAIRN_TEST_AZURITE_BIN",
            path.display()
        );
        path
    }

    /// Starts Azurite on `port` of 127.0.0.1, keeping its data in `dir`.
    pub fn start(dir: &std::path::Path, port: u16) -> Self {
        std::fs::create_dir_all(dir).unwrap();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.with_extension("log"))
            .unwrap();
        let child = std::process::Command::new(Self::binary())
            .args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()])
            .arg("--location")
            .arg(dir)
            .args(["--skipApiVersionCheck", "--disableTelemetry", "--silent"])
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start azurite-blob");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "Azurite did not listen on port {port} within 30s; see {}",
                dir.with_extension("log").display()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Azurite {
            child: Some(child),
            port,
            dir: dir.to_path_buf(),
        }
    }

    /// A new container: `azblob:http://127.0.0.1:PORT/devstoreaccount1/NAME`.
    pub fn container(&self, name: &str) -> String {
        let hostport = format!("127.0.0.1:{}", self.port);
        let reply = create_container(&hostport, name);
        assert!(
            reply.starts_with("HTTP/1.1 201"),
            "container creation failed: {reply}"
        );
        format!("azblob:http://{hostport}/{AZURITE_ACCOUNT}/{name}")
    }

    /// Stops it as an operator would (SIGTERM), and waits until it is gone.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = std::process::Command::new("kill")
                .arg(c.id().to_string())
                .status();
            let _ = c.wait();
        }
    }

    /// Where it keeps its data.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
