//! Receivers for what `cairn serve` sends out: an HTTP server that records
//! webhook requests (answering with the statuses a test scripts, then 200)
//! and an SMTP server that records mail. Both are real servers on a
//! loopback port, small enough to read: std's `TcpListener`, one thread,
//! one connection at a time.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A listener thread that stops when its owner is dropped.
struct Listening {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl Listening {
    fn start(serve: impl Fn(TcpStream) + Send + 'static) -> Self {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        std::thread::spawn(move || {
            for conn in l.incoming() {
                if s.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                serve(conn);
            }
        });
        Listening { port, stop }
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Polls `f` every 100 ms until it returns Some, for at most `limit`.
pub fn eventually<T>(limit: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let t = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(t.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One HTTP request as received.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: String,
    pub path: String,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// A header's value (`name` in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (panics if it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }
}

/// An HTTP receiver on 127.0.0.1 recording every request.
pub struct HttpSink {
    got: Arc<Mutex<Vec<HttpRequest>>>,
    listening: Listening,
}

impl HttpSink {
    /// Answers the first requests with `statuses`, in order, then 200.
    pub fn start(statuses: &[u16]) -> Self {
        let got = Arc::new(Mutex::new(Vec::new()));
        let script = Mutex::new(statuses.iter().copied().collect::<VecDeque<u16>>());
        let g = got.clone();
        let listening = Listening::start(move |conn| {
            if let Some(req) = read_request(&conn) {
                let status = script.lock().unwrap().pop_front().unwrap_or(200);
                g.lock().unwrap().push(req);
                let _ = (&conn).write_all(
                    format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                    .as_bytes(),
                );
            }
        });
        HttpSink { got, listening }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.listening.port)
    }

    /// The requests so far.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `n` requests have arrived (30 s at most) and returns all.
    pub fn wait_for(&self, n: usize) -> Vec<HttpRequest> {
        eventually(
            Duration::from_secs(30),
            &format!("{n} webhook request(s)"),
            || {
                let r = self.requests();
                (r.len() >= n).then_some(r)
            },
        )
    }
}

fn read_request(conn: &TcpStream) -> Option<HttpRequest> {
    let mut r = BufReader::new(conn);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(HttpRequest {
        method,
        path,
        headers,
        body,
    })
}

/// One mail as received: the envelope and the message (dot-unstuffed).
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

/// An SMTP server on 127.0.0.1 (no TLS, no authentication) recording every
/// mail: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
pub struct SmtpSink {
    got: Arc<Mutex<Vec<Mail>>>,
    listening: Listening,
}

impl SmtpSink {
    pub fn start() -> Self {
        let got = Arc::new(Mutex::new(Vec::new()));
        let g = got.clone();
        let listening = Listening::start(move |conn| {
            let _ = smtp_session(&conn, &g);
        });
        SmtpSink { got, listening }
    }

    /// The port to give as `smtp-port`.
    pub fn port(&self) -> u16 {
        self.listening.port
    }

    /// The mail so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `n` mails have arrived (30 s at most) and returns all.
    pub fn wait_for(&self, n: usize) -> Vec<Mail> {
        eventually(Duration::from_secs(30), &format!("{n} mail(s)"), || {
            let m = self.mails();
            (m.len() >= n).then_some(m)
        })
    }
}

/// The address in `MAIL FROM:<a>` or `RCPT TO:<a>` (parameters after it ignored).
fn angle(arg: &str) -> String {
    let a = arg.split_once('<').map_or(arg, |(_, rest)| rest);
    a.split('>').next().unwrap_or("").to_string()
}

fn smtp_session(conn: &TcpStream, got: &Mutex<Vec<Mail>>) -> std::io::Result<()> {
    let mut w = conn;
    let mut r = BufReader::new(conn);
    w.write_all(b"220 127.0.0.1 test sink ESMTP\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end();
        let verb = line.get(..4).unwrap_or(line).to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 127.0.0.1\r\n",
            "MAIL" => {
                from = angle(line);
                b"250 2.1.0 ok\r\n"
            }
            "RCPT" => {
                to.push(angle(line));
                b"250 2.1.5 ok\r\n"
            }
            "DATA" => {
                w.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if r.read_line(&mut l)? == 0 {
                        return Ok(());
                    }
                    if l == ".\r\n" || l == ".\n" {
                        break;
                    }
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                got.lock().unwrap().push(Mail {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    data,
                });
                b"250 2.0.0 queued\r\n"
            }
            "RSET" => {
                (from, to) = (String::new(), Vec::new());
                b"250 2.0.0 ok\r\n"
            }
            "NOOP" => b"250 2.0.0 ok\r\n",
            "QUIT" => {
                w.write_all(b"221 2.0.0 bye\r\n")?;
                return Ok(());
            }
            _ => b"502 5.5.2 not implemented\r\n",
        };
        w.write_all(reply)?;
    }
}
