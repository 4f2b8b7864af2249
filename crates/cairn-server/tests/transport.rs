//! `cairn serve` on a real loopback socket, in process: TLS with a CA made
//! in the test, client certificates, the refusal to serve plaintext beyond
//! loopback, the header and body timeouts under a slowloris, the connection
//! cap, HEAD on public routes and the envelope on 404/405.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::clock::{parse_rfc3339, FixedClock};
use cairn_server::config::ServerConfig;
use cairn_server::rbac::Role;
use cairn_test_support::{curl, curl_with, free_port, ServerToml, TestCa};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A server running in its own runtime until dropped.
struct Running {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn config(dir: &Path, toml: ServerToml) -> ServerConfig {
    std::fs::write(dir.join("pass"), "pw\n").unwrap();
    let text = toml
        .repository(
            "main",
            dir.join("repo"),
            &ServerToml::password_file(&dir.join("pass")),
        )
        .spec("home", "main", &[dir.join("src")], "")
        .allow_roots(&[dir.join("restore")])
        .to_toml();
    ServerConfig::parse(&text, "test").unwrap()
}

/// A plaintext config on a free loopback port with these `[limits]` lines.
fn on_loopback(limits: &str) -> (tempfile::TempDir, ServerConfig, u16) {
    let d = tempfile::tempdir().unwrap();
    let port = free_port();
    let toml = ServerToml::new(d.path())
        .listen(port)
        .tail(&format!("[limits]\n{limits}"));
    let cfg = config(d.path(), toml);
    (d, cfg, port)
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock(parse_rfc3339("2026-11-27T10:00:00Z").unwrap()))
}

/// What `serve` returned, run to its end (a startup error, say).
fn serve_result(cfg: ServerConfig) -> Result<(), cairn_server::Error> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let st = cairn_server::server::state(cfg, clock())?;
        let shutdown = tokio::time::sleep(Duration::from_millis(300));
        cairn_server::server::serve(st, shutdown, Duration::ZERO, Duration::ZERO).await
    })
}

/// Starts `serve` and waits until its port accepts connections.
fn start(cfg: ServerConfig, port: u16) -> Running {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let st = cairn_server::server::state(cfg, clock()).unwrap();
            let shutdown = async {
                let _ = rx.await;
            };
            cairn_server::server::serve(st, shutdown, Duration::ZERO, Duration::ZERO)
                .await
                .unwrap();
        })
    });
    let t = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Running {
        stop: Some(tx),
        thread: Some(thread),
    }
}

fn token(cfg: &ServerConfig, role: Role) -> String {
    cairn_server::tokens::TokenStore::new(&cfg.tokens)
        .create(&format!("{role:?}"), role, time::OffsetDateTime::UNIX_EPOCH)
        .unwrap()
        .0
}

fn path_arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn tls_with_a_test_ca_and_client_certificates() {
    let d = tempfile::tempdir().unwrap();
    let ca = TestCa::new("cairn test CA");
    let ca_pem = ca.write(&d.path().join("ca.pem"));
    let server = ca.server(&d.path().join("tls"));
    let port = free_port();
    let cfg = config(
        d.path(),
        ServerToml::new(d.path()).listen(port).tls(&server, None),
    );
    let _s = start(cfg, port);
    let url = format!("https://127.0.0.1:{port}/healthz");

    let (s, v) = curl_with("GET", &url, None, None, &["--cacert", path_arg(&ca_pem)]);
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["status"], "ok");
    // A client that does not trust the CA refuses the server...
    let (s, _) = curl("GET", &url, None, None);
    assert_eq!(s, 0, "curl must refuse an unknown CA");
    // ...and plaintext on the TLS port gets no HTTP answer.
    let (s, _) = curl(
        "GET",
        &format!("http://127.0.0.1:{port}/healthz"),
        None,
        None,
    );
    assert_ne!(s, 200);

    // With client-ca, a connection without a certificate from that CA is refused.
    let clients = TestCa::new("client CA");
    let clients_pem = clients.write(&d.path().join("clients.pem"));
    let good = clients.client(&d.path().join("tls"), "ops");
    let stranger = TestCa::new("stranger").client(&d.path().join("tls"), "stranger");
    let d2 = tempfile::tempdir().unwrap();
    let port = free_port();
    let cfg = config(
        d2.path(),
        ServerToml::new(d2.path())
            .listen(port)
            .tls(&server, Some(&clients_pem)),
    );
    let _s2 = start(cfg, port);
    let url = format!("https://127.0.0.1:{port}/healthz");
    let ca_arg = ["--cacert", path_arg(&ca_pem)];
    let (s, _) = curl_with("GET", &url, None, None, &ca_arg);
    assert_eq!(s, 0, "no client certificate: refused in the handshake");
    let with = |c: &cairn_test_support::CertFiles| {
        curl_with(
            "GET",
            &url,
            None,
            None,
            &[
                ca_arg[0],
                ca_arg[1],
                "--cert",
                path_arg(&c.cert),
                "--key",
                path_arg(&c.key),
            ],
        )
        .0
    };
    assert_eq!(with(&stranger), 0, "a certificate from another CA: refused");
    assert_eq!(with(&good), 200);
}

#[test]
fn plaintext_beyond_loopback_is_refused_unless_the_config_says_insecure() {
    let d = tempfile::tempdir().unwrap();
    let port = free_port();
    let addr = format!("0.0.0.0:{port}");
    let cfg = config(d.path(), ServerToml::new(d.path()).listen_addr(&addr));
    let e = serve_result(cfg).unwrap_err().to_string();
    assert!(
        e.contains("refusing to serve plaintext") && e.contains("insecure-plaintext = true"),
        "{e}"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "nothing listens"
    );

    let cfg = config(
        d.path(),
        ServerToml::new(d.path())
            .listen_addr(&addr)
            .setting("insecure-plaintext = true"),
    );
    let audit = cfg.audit_log.clone();
    serve_result(cfg).unwrap();
    let log = std::fs::read_to_string(audit).unwrap();
    assert!(
        log.contains("insecure plaintext on a non-loopback address"),
        "the start says so in the audit log: {log}"
    );
}

/// Reads until the server closes the connection; how long that took.
fn closed_within(mut s: TcpStream, limit: Duration) -> Duration {
    let t = Instant::now();
    s.set_read_timeout(Some(limit)).unwrap();
    let mut buf = Vec::new();
    match s.read_to_end(&mut buf) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("connection still open after {limit:?}: {e}"),
    }
    t.elapsed()
}

#[test]
fn a_slowloris_is_closed_and_does_not_starve_other_clients() {
    let (_d, cfg, port) =
        on_loopback("header-timeout = \"1s\"\nbody-timeout = \"1s\"\nmax-connections = 40");
    let svc = token(&cfg, Role::Service);
    let _s = start(cfg, port);
    // 30 clients each send half a request head and then nothing more.
    let loris: Vec<TcpStream> = (0..30)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .unwrap();
            s
        })
        .collect();
    // Meanwhile an honest client is served.
    let (s, _) = curl(
        "GET",
        &format!("http://127.0.0.1:{port}/healthz"),
        None,
        None,
    );
    assert_eq!(s, 200);
    for c in loris {
        closed_within(c, Duration::from_secs(5));
    }
    // A body that stops arriving: 408 within the body timeout.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST /api/v1/dr/backup HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {svc}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"spec\""
    )
    .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut head = [0u8; 12];
    s.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 408", "{}", String::from_utf8_lossy(&head));
}

#[test]
fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let (_d, cfg, port) = on_loopback("header-timeout = \"2s\"\nmax-connections = 2");
    let _s = start(cfg, port);
    let url = format!("http://127.0.0.1:{port}/healthz");
    assert_eq!(curl("GET", &url, None, None).0, 200);
    // Two idle connections take both slots until the header timeout frees them.
    let held: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    assert_eq!(curl("GET", &url, None, None).0, 200);
    assert!(
        t.elapsed() > Duration::from_millis(1200),
        "a third connection was served at once: {:?}",
        t.elapsed()
    );
    for c in held {
        closed_within(c, Duration::from_secs(5));
    }
}

#[test]
fn head_on_public_routes_and_the_envelope_on_404_and_405() {
    let (_d, cfg, port) = on_loopback("");
    let _s = start(cfg, port);
    let base = format!("http://127.0.0.1:{port}");
    for path in ["/healthz", "/metrics", "/", "/api/v1/openapi.json"] {
        let (s, _) = curl_with("HEAD", &format!("{base}{path}"), None, None, &["-I"]);
        assert_eq!(s, 200, "HEAD {path}");
    }
    // HEAD on a route that needs a token needs the token.
    let (s, _) = curl_with(
        "HEAD",
        &format!("{base}/api/v1/dr/snapshots"),
        None,
        None,
        &["-I"],
    );
    assert_eq!(s, 401);
    let (s, v) = curl("GET", &format!("{base}/no/such/route"), None, None);
    assert_eq!(s, 404);
    assert!(
        v["request_id"].is_string() && v["error"]["code"] == "not_found",
        "{v}"
    );
    let (s, v) = curl("DELETE", &format!("{base}/api/v1/dr/backup"), None, None);
    assert_eq!(s, 405);
    assert!(
        v["request_id"].is_string() && v["error"]["message"].as_str().unwrap().contains("DELETE"),
        "{v}"
    );
}

#[test]
fn requests_without_a_valid_token_are_rate_limited_per_address_before_the_audit_log() {
    let (d, cfg, port) = on_loopback("unauthenticated-per-minute = 5");
    let _s = start(cfg, port);
    let url = format!("http://127.0.0.1:{port}/api/v1/dr/backup");
    let bogus = "cairn_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_00000000";
    let codes: Vec<u16> = (0..8)
        .map(|i| {
            let token = (i % 2 == 0).then_some(bogus);
            curl("POST", &url, token, Some(r#"{"spec": "home"}"#)).0
        })
        .collect();
    assert_eq!(codes, [401, 401, 401, 401, 401, 429, 429, 429]);
    let log = std::fs::read_to_string(d.path().join("audit.jsonl")).unwrap();
    let refused = log.lines().filter(|l| l.contains("\"refused\"")).count();
    assert_eq!(refused, 5, "the flood stops at the limit: {log}");
}

#[test]
fn metrics_can_require_a_read_token() {
    let d = tempfile::tempdir().unwrap();
    let port = free_port();
    let toml = ServerToml::new(d.path())
        .listen(port)
        .setting("metrics-auth = true");
    let cfg = config(d.path(), toml);
    let analyst = token(&cfg, Role::Analyst);
    let _s = start(cfg, port);
    let url = format!("http://127.0.0.1:{port}/metrics");
    assert_eq!(curl("GET", &url, None, None).0, 401);
    assert_eq!(curl("GET", &url, Some(&analyst), None).0, 200);
}

#[test]
fn a_torn_last_audit_line_does_not_stop_the_server_from_starting() {
    let (d, cfg, port) = on_loopback("");
    let log = cfg.audit_log.clone();
    // A server ran, then crashed in the middle of an append.
    drop(start(cfg.clone(), port));
    let whole = std::fs::read(&log).unwrap();
    let mut torn = whole.clone();
    torn.extend_from_slice(b"{\"seq\":99,\"time\":\"2026-11-");
    std::fs::write(&log, &torn).unwrap();
    let _s = start(cfg, port);
    let (s, v) = curl(
        "GET",
        &format!("http://127.0.0.1:{port}/healthz"),
        None,
        None,
    );
    assert_eq!(s, 200, "{v}");
    let text = std::fs::read_to_string(&log).unwrap();
    let recovered = text
        .lines()
        .find(|l| l.contains("\"audit.recovered\""))
        .unwrap_or_else(|| panic!("no recovery entry: {text}"));
    let aside = d.path().join(format!("audit.jsonl.torn-{}", whole.len()));
    assert!(recovered.contains(aside.to_str().unwrap()), "{recovered}");
    assert_eq!(
        std::fs::read(&aside).unwrap(),
        b"{\"seq\":99,\"time\":\"2026-11-"
    );
}
