//! A real browser for the console's tests: Debian's chromium, headless,
//! driven through chromedriver over WebDriver (plain JSON over HTTP, so a
//! few `ureq` calls, not a client library). `scripts/test.sh` installs
//! `chromium` and `chromium-driver`; `CAIRN_TEST_CHROMEDRIVER` and
//! `CAIRN_TEST_CHROMIUM` point elsewhere.
//!
//! The test network is closed: without the flags that stop chromium's own
//! background traffic (component updates, sync, QUIC probes) it stalls and
//! logs errors that are not the page's. Each browser gets a fresh profile,
//! so nothing leaks between tests, and a download folder the test reads.
//!
//! Every step the test names saves a screenshot (`NN-step.png`) in the
//! folder it gives, and a wait that times out saves one before failing, so
//! a red run shows what the page looked like; a failing test's screenshots
//! are copied out of its temporary folder (the path is printed).

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The key WebDriver uses for an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long a wait for the page lasts before the test fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// A headless chromium session; the driver and the browser stop on drop.
pub struct Browser {
    driver: Child,
    session: String,
    base: String,
    agent: ureq::Agent,
    shots: PathBuf,
    downloads: PathBuf,
    step: usize,
}

/// An element of the page.
#[derive(Clone, Debug)]
pub struct El(String);

impl Browser {
    /// Starts chromedriver and a headless chromium; screenshots go to
    /// `dir/shots`, downloads to `dir/downloads`, the profile to `dir/profile`.
    pub fn start(dir: &Path) -> Browser {
        let (shots, downloads, profile) = (
            dir.join("shots"),
            dir.join("downloads"),
            dir.join("profile"),
        );
        for d in [&shots, &downloads, &profile] {
            std::fs::create_dir_all(d).unwrap();
        }
        let port = crate::free_port();
        let driver_bin =
            std::env::var("CAIRN_TEST_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {driver_bin} ({e}): run scripts/test.sh, which installs chromium and chromium-driver")
            });
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let mut b = Browser {
            driver,
            session: String::new(),
            base,
            agent,
            shots,
            downloads,
            step: 0,
        };
        b.wait_for_driver();
        b.session = b.new_session(&profile);
        b
    }

    fn wait_for_driver(&self) {
        let t = Instant::now();
        loop {
            let ready = self
                .agent
                .get(format!("{}/status", self.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                return;
            }
            assert!(t.elapsed() < PATIENCE, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn new_session(&self, profile: &Path) -> String {
        let chromium =
            std::env::var("CAIRN_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1000",
            &format!("--user-data-dir={}", profile.display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args,
                "prefs": {
                    "download.default_directory": self.downloads.display().to_string(),
                    "download.prompt_for_download": false,
                },
            },
        }}});
        let v = self.raw("POST", "/session", Some(caps));
        v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {v}"))
            .to_string()
    }

    /// One WebDriver call: the answer's `value`, or the WebDriver error.
    fn try_raw(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, Value> {
        let url = format!("{}{path}", self.base);
        let resp = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, b) => self.agent.post(&url).send_json(b.unwrap_or(json!({}))),
        };
        let mut resp = resp.unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let ok = resp.status().is_success();
        let v: Value = resp.body_mut().read_json().unwrap_or(Value::Null);
        if ok {
            Ok(v["value"].clone())
        } else {
            Err(v)
        }
    }

    /// One WebDriver call; the answer's `value`. A WebDriver error panics.
    fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_raw(method, path, body)
            .unwrap_or_else(|v| panic!("WebDriver {method} {path}: {v}"))
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.raw(method, &format!("/session/{}{path}", self.session), body)
    }

    fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> Option<Value> {
        let path = format!("/session/{}{path}", self.session);
        self.try_raw(method, &path, body).ok()
    }

    /// Where downloads land.
    pub fn downloads(&self) -> &Path {
        &self.downloads
    }

    /// Resizes the window (CSS pixels), as a phone's screen would be.
    pub fn set_window(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// Opens `url`.
    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    /// The elements matching `css` now (maybe none).
    pub fn all(&self, css: &str) -> Vec<El> {
        let v = self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[ELEMENT].as_str().map(|s| El(s.to_string())))
            .collect()
    }

    /// The first element matching `css`, waiting for it to appear.
    pub fn find(&mut self, css: &str) -> El {
        self.wait(&format!("an element {css}"), |b| {
            b.all(css).into_iter().next()
        })
    }

    /// Clicks the first element matching `css` once it is there. The page
    /// re-renders its tables as data arrives, so an element found may be
    /// gone by the click: then it is found again.
    pub fn click(&mut self, css: &str) {
        self.wait(&format!("a click on {css}"), |b| {
            let e = b.all(css).into_iter().next()?;
            b.try_call("POST", &format!("/element/{}/click", e.0), None)
        });
    }

    /// Clicks `e`.
    pub fn click_el(&self, e: &El) {
        self.call("POST", &format!("/element/{}/click", e.0), None);
    }

    /// Types `text` into the element matching `css` (`\u{E007}` is Enter).
    pub fn type_into(&mut self, css: &str, text: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{}/clear", e.0), Some(json!({})));
        self.call(
            "POST",
            &format!("/element/{}/value", e.0),
            Some(json!({"text": text})),
        );
    }

    /// The rendered text of `e`.
    pub fn text_of(&self, e: &El) -> String {
        let v = self.call("GET", &format!("/element/{}/text", e.0), None);
        v.as_str().unwrap_or_default().to_string()
    }

    /// The rendered text of the first element matching `css`, waiting for it.
    pub fn text(&mut self, css: &str) -> String {
        self.wait(&format!("an element {css}"), |b| b.text_now(css))
    }

    /// The rendered text of the first element matching `css` now, if there
    /// is one (read in one step, so a re-render cannot come in between).
    pub fn text_now(&self, css: &str) -> Option<String> {
        let js = "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;";
        let v = self.script(js, json!([css]));
        v.as_str().map(String::from)
    }

    /// Whether `e` is shown.
    pub fn displayed(&self, e: &El) -> bool {
        self.call("GET", &format!("/element/{}/displayed", e.0), None) == true
    }

    /// A DOM property of `e` (`disabled`, `title`, `value`, ...).
    pub fn property(&self, e: &El, name: &str) -> Value {
        self.call("GET", &format!("/element/{}/property/{name}", e.0), None)
    }

    /// Runs `script` in the page with `args`; what it returns.
    pub fn script(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Accepts the open `confirm()` (or alert), waiting for it; its text.
    pub fn accept_dialog(&mut self) -> String {
        let text = self.wait("a dialog", |b| {
            let url = format!("{}/session/{}/alert/text", b.base, b.session);
            let mut r = b.agent.get(&url).call().ok()?;
            let ok = r.status().is_success();
            let v: Value = r.body_mut().read_json().ok()?;
            ok.then(|| v["value"].as_str().unwrap_or_default().to_string())
        });
        self.call("POST", "/alert/accept", None);
        text
    }

    /// Waits until the text of the first element matching `css` contains `want`.
    pub fn wait_text(&mut self, css: &str, want: &str) -> String {
        self.wait(&format!("{css} to say {want:?}"), |b| {
            b.text_now(css).filter(|t| t.contains(want))
        })
    }

    /// Polls `f` until it gives Some; on timeout saves a screenshot and fails.
    pub fn wait<T>(&mut self, what: &str, mut f: impl FnMut(&Browser) -> Option<T>) -> T {
        let t = Instant::now();
        loop {
            if let Some(v) = f(self) {
                return v;
            }
            if t.elapsed() > PATIENCE {
                self.shot("timed-out");
                panic!(
                    "timed out waiting for {what}; screenshots in {}",
                    self.shots.display()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Saves a screenshot of the page as the next step, `NN-name.png`.
    pub fn shot(&mut self, name: &str) -> PathBuf {
        use base64::Engine as _;
        self.step += 1;
        let v = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .unwrap();
        let path = self.shots.join(format!("{:02}-{name}.png", self.step));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// What the page logged at error level since the last call (console
    /// errors, uncaught exceptions, CSP violations, failed loads).
    pub fn console_errors(&self) -> Vec<String> {
        let v = self.call("POST", "/se/log", Some(json!({"type": "browser"})));
        v.as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Fails if the page logged errors, other than those containing one of
    /// `expected` (a refused request the test provoked logs its status).
    pub fn assert_no_console_errors(&mut self, expected: &[&str]) {
        let bad: Vec<String> = self
            .console_errors()
            .into_iter()
            .filter(|m| !expected.iter().any(|x| m.contains(x)))
            .collect();
        if !bad.is_empty() {
            self.shot("console-errors");
        }
        assert!(bad.is_empty(), "the page logged errors: {bad:#?}");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failing test's temporary folder goes with it: keep the
        // screenshots, which show what the page looked like (and a passing
        // test's too with CAIRN_TEST_KEEP_SHOTS set, to look at the pages).
        if std::thread::panicking() || std::env::var_os("CAIRN_TEST_KEEP_SHOTS").is_some() {
            let keep = std::env::temp_dir().join(format!(
                "cairn-browser-shots-{}-{}",
                std::process::id(),
                self.session
            ));
            if std::fs::create_dir_all(&keep).is_ok() {
                for e in std::fs::read_dir(&self.shots)
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    let _ = std::fs::copy(e.path(), keep.join(e.file_name()));
                }
                eprintln!("screenshots kept in {}", keep.display());
            }
        }
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.base, self.session);
            let _ = self.agent.delete(&url).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
