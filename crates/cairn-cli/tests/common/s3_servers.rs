//! S3 servers a test controls: s3s-fs (disk-backed, so it can be killed and
//! restarted with its data) and a fault-injecting HTTP proxy in front of moto.
//! Both stop when dropped.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The credentials s3s-fs checks (SigV4); give them to cairn as AWS_*.
pub const ACCESS_KEY: &str = "cairn-test";
pub const SECRET_KEY: &str = "cairn-test-secret";

/// Waits until something accepts connections on `port`.
fn wait_listening(port: u16, what: &str, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not listen on port {port} within 20s; its log:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running s3s-fs: `ROOT/BUCKET/KEY` on disk, one directory per bucket.
pub struct S3sFs {
    child: Option<Child>,
    pub port: u16,
    pub root: PathBuf,
    log: PathBuf,
}

impl S3sFs {
    /// The s3s-fs binary: `CAIRN_TEST_S3S_FS` (set by scripts/test.sh, which
    /// installs it), else the project's `.tools/bin/s3s-fs`. Missing, the
    /// test fails: it must never pass without having run.
    pub fn binary() -> PathBuf {
        let path = std::env::var_os("CAIRN_TEST_S3S_FS")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/bin/s3s-fs")
            });
        assert!(
            path.is_file(),
            "s3s-fs (a disk-backed S3 server these tests need) is not installed at {}: run \
             scripts/test.sh, which installs it with `cargo install --locked s3s-fs@0.14.1 \
             --features binary --root .tools` (it needs the crates.io registry), or set \
             CAIRN_TEST_S3S_FS to an s3s-fs binary",
            path.display()
        );
        path
    }

    /// Starts s3s-fs on `port` (127.0.0.1) over `root`, with the test credentials.
    pub fn start(root: &Path, port: u16) -> Self {
        std::fs::create_dir_all(root).unwrap();
        let log = root.with_extension(format!("{port}.log"));
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let child = Command::new(Self::binary())
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(root)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("start s3s-fs");
        let mut s = S3sFs {
            child: Some(child),
            port,
            root: root.to_path_buf(),
            log,
        };
        wait_listening(port, "s3s-fs", &s.log);
        assert!(
            s.child.as_mut().unwrap().try_wait().unwrap().is_none(),
            "s3s-fs exited at start; its log:\n{}",
            std::fs::read_to_string(&s.log).unwrap_or_default()
        );
        s
    }

    /// Creates a bucket: s3s-fs keeps each bucket as a folder of its root
    /// (and refuses unsigned requests, so no raw CreateBucket).
    pub fn create_bucket(&self, name: &str) {
        std::fs::create_dir(self.root.join(name)).unwrap();
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGKILL, as a crash or a pulled plug would: no shutdown, no flush.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for S3sFs {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A raw HTTP/1.1 request to a loopback server (no signature); returns the
/// status line's code and the whole reply.
pub fn raw_request(port: u16, method: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    let code = reply
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, reply)
}

/// One request as the proxy saw it, for the rule deciding its fate.
pub struct Seen<'a> {
    /// 0-based arrival number.
    pub n: u64,
    pub method: &'a str,
    /// Path and query.
    pub target: &'a str,
    /// The Range header, if any.
    pub range: Option<&'a str>,
}

type Rule = dyn Fn(&Seen<'_>) -> bool + Send + Sync;

/// An HTTP proxy on loopback that answers `503 SlowDown` (with S3's XML
/// error body) to the requests its rule picks and forwards the others to
/// the upstream server, one connection per request (`Connection: close`).
pub struct FaultProxy {
    pub port: u16,
    requests: Arc<AtomicU64>,
    injected: Arc<AtomicU64>,
    /// Requests it could not handle (a proxy bug, not a fault to inject).
    broken: Arc<std::sync::Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

const SLOW_DOWN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>cairn-fault-proxy</RequestId></Error>";

impl FaultProxy {
    /// Proxies to `upstream` ("127.0.0.1:PORT"); `fail` picks the requests to refuse.
    pub fn start(upstream: &str, fail: impl Fn(&Seen<'_>) -> bool + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicU64::new(0));
        let injected = Arc::new(AtomicU64::new(0));
        let broken = Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let rule: Arc<Rule> = Arc::new(fail);
        let upstream = upstream.to_string();
        let accept = {
            let (requests, injected, broken, stop) = (
                requests.clone(),
                injected.clone(),
                broken.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let (requests, injected, broken, rule, upstream) = (
                        requests.clone(),
                        injected.clone(),
                        broken.clone(),
                        rule.clone(),
                        upstream.clone(),
                    );
                    std::thread::spawn(move || {
                        if let Err(e) = handle(conn, &upstream, &*rule, &requests, &injected) {
                            broken.lock().unwrap().push(e);
                        }
                    });
                }
            })
        };
        FaultProxy {
            port,
            requests,
            injected,
            broken,
            stop,
            accept: Some(accept),
        }
    }

    /// Requests seen.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    /// Requests answered with 503.
    pub fn injected(&self) -> u64 {
        self.injected.load(Ordering::SeqCst)
    }

    /// Requests the proxy itself failed on (should stay empty).
    pub fn broken(&self) -> Vec<String> {
        self.broken.lock().unwrap().clone()
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads up to the end of the head (`\r\n\r\n`); returns head and what came after it.
fn read_head(s: &mut TcpStream) -> Result<Option<(String, Vec<u8>)>, String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(at) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..at + 4]).into_owned();
            return Ok(Some((head, buf[at + 4..].to_vec())));
        }
        let n = s.read(&mut chunk).map_err(|e| format!("read head: {e}"))?;
        if n == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err("connection closed inside a request head".into())
            };
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The head with its Connection header replaced by `Connection: close`.
fn closing(head: &str) -> String {
    let mut out: String = head
        .trim_end_matches("\r\n")
        .split("\r\n")
        .filter(|l| {
            !l.split_once(':')
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("connection"))
        })
        .map(|l| format!("{l}\r\n"))
        .collect();
    out.push_str("Connection: close\r\n\r\n");
    out
}

fn handle(
    mut client: TcpStream,
    upstream: &str,
    rule: &Rule,
    requests: &AtomicU64,
    injected: &AtomicU64,
) -> Result<(), String> {
    let Some((head, mut body)) = read_head(&mut client)? else {
        return Ok(()); // a connection opened and closed (the proxy's own wake-up)
    };
    if header(&head, "transfer-encoding").is_some() || header(&head, "expect").is_some() {
        let _ = client.write_all(
            b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return Err(format!("unsupported request (chunked or Expect): {head}"));
    }
    let len: usize = header(&head, "content-length")
        .map(|v| {
            v.parse()
                .map_err(|_| format!("bad Content-Length in {head}"))
        })
        .transpose()?
        .unwrap_or(0);
    // The whole body first, also for a request about to be refused: a client
    // still sending would see a reset instead of the answer.
    while body.len() < len {
        let mut chunk = vec![0u8; (len - body.len()).min(256 * 1024)];
        let n = client
            .read(&mut chunk)
            .map_err(|e| format!("read body: {e}"))?;
        if n == 0 {
            return Err("client closed inside a request body".into());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let mut words = head.split_whitespace();
    let method = words.next().unwrap_or("").to_string();
    let target = words.next().unwrap_or("").to_string();
    let n = requests.fetch_add(1, Ordering::SeqCst);
    let seen = Seen {
        n,
        method: &method,
        target: &target,
        range: header(&head, "range"),
    };
    if rule(&seen) {
        injected.fetch_add(1, Ordering::SeqCst);
        let reply = format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nRetry-After: 0\r\nConnection: close\r\n\r\n{SLOW_DOWN}",
            SLOW_DOWN.len()
        );
        client
            .write_all(reply.as_bytes())
            .map_err(|e| format!("write 503: {e}"))?;
        let _ = client.shutdown(Shutdown::Both);
        return Ok(());
    }
    let mut up = TcpStream::connect(upstream).map_err(|e| format!("connect upstream: {e}"))?;
    up.write_all(closing(&head).as_bytes())
        .and_then(|_| up.write_all(&body))
        .map_err(|e| format!("forward {method} {target}: {e}"))?;
    let mut reply = Vec::new();
    up.read_to_end(&mut reply)
        .map_err(|e| format!("read upstream reply to {method} {target}: {e}"))?;
    let at = find(&reply, b"\r\n\r\n")
        .ok_or_else(|| format!("upstream reply to {method} {target} has no head"))?;
    let reply_head = closing(&String::from_utf8_lossy(&reply[..at + 4]));
    client
        .write_all(reply_head.as_bytes())
        .and_then(|_| client.write_all(&reply[at + 4..]))
        .map_err(|e| format!("relay reply to {method} {target}: {e}"))?;
    let _ = client.shutdown(Shutdown::Both);
    Ok(())
}
