//! A `cairn serve` config file for a test, so each test states only what it
//! is about (the port, a credential, a spec's RPO) and not the layout.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A `cairn serve` config: the audit log and token store in one state
/// folder, then repositories, specs, restore roots and any further lines, in
/// the order the TOML needs them.
///
/// ```text
/// ServerToml::new(&env.path("state"))
///     .listen(port)
///     .repository("main", &repo, &ServerToml::password_file(&env.path("pass")))
///     .spec("docs", "main", &[&src], "rpo = \"26h\"")
///     .allow_roots(&[env.path("restore")])
///     .write(&env.path("cairn.toml"));
/// ```
#[derive(Debug, Clone)]
pub struct ServerToml {
    top: String,
    tables: String,
    restore: Option<Vec<PathBuf>>,
    tail: String,
}

/// A TOML basic string.
fn quoted(s: impl std::fmt::Display) -> String {
    let s = s.to_string();
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn path(p: impl AsRef<Path>) -> String {
    quoted(p.as_ref().display())
}

fn list<P: AsRef<Path>>(paths: &[P]) -> String {
    let items: Vec<String> = paths.iter().map(path).collect();
    format!("[{}]", items.join(", "))
}

impl ServerToml {
    /// The audit log (`STATE/audit.jsonl`) and tokens (`STATE/tokens.json`).
    pub fn new(state: &Path) -> Self {
        let mut top = String::new();
        writeln!(top, "audit-log = {}", path(state.join("audit.jsonl"))).unwrap();
        writeln!(top, "tokens = {}", path(state.join("tokens.json"))).unwrap();
        ServerToml {
            top,
            tables: String::new(),
            restore: None,
            tail: String::new(),
        }
    }

    /// The credential line for a passphrase in `file`.
    pub fn password_file(file: &Path) -> String {
        format!("password-file = {}", path(file))
    }

    /// Listens on `127.0.0.1:PORT`.
    pub fn listen(mut self, port: u16) -> Self {
        self.top = format!("listen = \"127.0.0.1:{port}\"\n{}", self.top);
        self
    }

    /// Listens on `addr` as written (`0.0.0.0:PORT`, `localhost:PORT`).
    pub fn listen_addr(mut self, addr: &str) -> Self {
        self.top = format!("listen = {}\n{}", quoted(addr), self.top);
        self
    }

    /// A `[tls]` table serving `server`, and asking for client certificates
    /// signed by `client_ca` when given.
    pub fn tls(mut self, server: &crate::CertFiles, client_ca: Option<&Path>) -> Self {
        writeln!(self.tables, "[tls]").unwrap();
        writeln!(self.tables, "cert = {}", path(&server.cert)).unwrap();
        writeln!(self.tables, "key = {}", path(&server.key)).unwrap();
        if let Some(ca) = client_ca {
            writeln!(self.tables, "client-ca = {}", path(ca)).unwrap();
        }
        self
    }

    /// A top-level setting (`body-limit = 1024`).
    pub fn setting(mut self, line: &str) -> Self {
        writeln!(self.top, "{line}").unwrap();
        self
    }

    /// `[repository.NAME]` at `location`, opened with `credentials` (TOML lines).
    pub fn repository(mut self, name: &str, location: impl AsRef<Path>, credentials: &str) -> Self {
        writeln!(self.tables, "[repository.{name}]").unwrap();
        writeln!(self.tables, "location = {}", path(location)).unwrap();
        if !credentials.is_empty() {
            writeln!(self.tables, "{credentials}").unwrap();
        }
        self
    }

    /// A `[[spec]]` of `paths` in `repository`, with `extra` TOML lines
    /// (`rpo`, `retention`, `schedule`, ...).
    pub fn spec<P: AsRef<Path>>(
        mut self,
        name: &str,
        repository: &str,
        paths: &[P],
        extra: &str,
    ) -> Self {
        writeln!(self.tables, "[[spec]]").unwrap();
        writeln!(self.tables, "name = {}", quoted(name)).unwrap();
        writeln!(self.tables, "repository = {}", quoted(repository)).unwrap();
        writeln!(self.tables, "paths = {}", list(paths)).unwrap();
        if !extra.is_empty() {
            writeln!(self.tables, "{extra}").unwrap();
        }
        self
    }

    /// `[restore] allow-roots` (an empty list is written as one).
    pub fn allow_roots(mut self, roots: &[PathBuf]) -> Self {
        self.restore = Some(roots.to_vec());
        self
    }

    /// Lines at the end (a `[gate]` table, say).
    pub fn tail(mut self, toml: &str) -> Self {
        writeln!(self.tail, "{toml}").unwrap();
        self
    }

    /// The config's text.
    pub fn to_toml(&self) -> String {
        let mut s = format!("{}{}", self.top, self.tables);
        if let Some(roots) = &self.restore {
            writeln!(s, "[restore]\nallow-roots = {}", list(roots)).unwrap();
        }
        s + &self.tail
    }

    /// Writes the config to `file` and returns its path.
    pub fn write(&self, file: &Path) -> PathBuf {
        std::fs::write(file, self.to_toml()).unwrap();
        file.to_path_buf()
    }
}
