//! No import circles between modules, in the library crates.
//!
//! Each file module is a node; module A depends on module B when A names an
//! item of B: in a `use`, or in a path (`crate::b::f()`, `super::X`,
//! `child::Y`). A path through a `pub use` re-export counts for the module
//! that defines the item, and a parent re-exporting its own child's item
//! (`pub use child::X`, a facade) is not a dependency. Test code
//! (`#[cfg(test)]` items and modules) is left out. A circle means the
//! modules cannot be read, or changed, one below the other: move what both
//! need into a lower module (see docs/ARCHITECTURE.md).
//!
//! This reads the sources as text (comments and strings removed, then
//! tokens), so it needs nothing beyond std; it is not a compiler, and it
//! errs towards seeing a dependency rather than missing one.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

type ModPath = Vec<String>;

const CRATES: &[&str] = &[
    "cairn-core",
    "cairn-store",
    "cairn-app",
    "cairn-server",
    "cairn-cli",
];

#[test]
fn no_import_circle_between_modules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut report = String::new();
    for krate in CRATES {
        let src = root.join(krate).join("src");
        let files = read_modules(&src);
        assert!(files.len() > 3, "no modules found under {}", src.display());
        for cycle in cycles(&files) {
            report.push_str(&format!("{krate}: {cycle}\n"));
        }
    }
    assert!(
        report.is_empty(),
        "import circles between modules (move what both sides need into a lower module):\n{report}"
    );
}

#[test]
fn the_check_sees_a_circle_and_not_a_facade() {
    let files = |a: &str, b: &str| -> BTreeMap<ModPath, String> {
        [
            (
                vec![],
                "pub mod a;\npub mod b;\npub use a::A;\n".to_string(),
            ),
            (vec!["a".to_string()], a.to_string()),
            (vec!["b".to_string()], b.to_string()),
        ]
        .into_iter()
        .collect()
    };
    // a -> b by a direct path; b -> a through the root's re-export of A.
    let circle = files(
        "pub struct A;\nfn f() { crate::b::g(); }\n",
        "use crate::A;\npub fn g() {}\n",
    );
    assert_eq!(cycles(&circle).len(), 1, "{:?}", cycles(&circle));
    // The same, with the back edge only in tests, in a comment and in a string.
    let clean = files(
        "pub struct A;\nfn f() { crate::b::g(); }\n",
        "// crate::A\npub fn g() { let _ = \"crate::A\"; }\n#[cfg(test)]\nmod tests {\n    use crate::A;\n}\n",
    );
    assert!(cycles(&clean).is_empty(), "{:?}", cycles(&clean));
}

/// Every `.rs` file under `src`, by module path (`lib.rs` and `mod.rs` name their folder).
fn read_modules(src: &Path) -> BTreeMap<ModPath, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(src, &mut paths);
    let mut out = BTreeMap::new();
    for p in paths {
        let rel = p.strip_prefix(src).unwrap().with_extension("");
        let mut m: ModPath = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if matches!(m.last().map(String::as_str), Some("mod" | "lib" | "main")) {
            m.pop();
        }
        out.insert(m, std::fs::read_to_string(&p).unwrap());
    }
    out
}

/// One token: an identifier or a single punctuation character (`::` is two `:`).
#[derive(Debug, Clone, PartialEq)]
struct Tok {
    text: String,
    line: usize,
}

/// Tokens of `src` without comments, string and char literals.
fn tokens(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    let at = |i: usize, s: &str| s.chars().enumerate().all(|(k, x)| c.get(i + k) == Some(&x));
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if at(i, "//") {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if at(i, "/*") {
            let mut depth = 0;
            loop {
                if at(i, "/*") {
                    depth += 1;
                    i += 2;
                } else if at(i, "*/") {
                    depth -= 1;
                    i += 2;
                } else {
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
                if depth == 0 || i >= c.len() {
                    break;
                }
            }
        } else if ch == 'r' && (at(i, "r\"") || at(i, "r#")) {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            while c.get(j) == Some(&'#') {
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(Tok {
                    text: "r".into(),
                    line,
                });
                i += 1;
                continue;
            }
            let hashes = j - i - 1;
            j += 1;
            while j < c.len() && !(c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')))
            {
                line += usize::from(c[j] == '\n');
                j += 1;
            }
            i = j + 1 + hashes;
        } else if ch == '"' {
            let mut j = i + 1;
            while j < c.len() && c[j] != '"' {
                line += usize::from(c[j] == '\n');
                j += if c[j] == '\\' { 2 } else { 1 };
            }
            i = j + 1;
        } else if ch == '\'' {
            // A char literal ('x', '\n', '\u{..}'); otherwise a lifetime.
            if c.get(i + 1) == Some(&'\\') {
                let mut j = i + 2;
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
            } else if c.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if ch.is_alphanumeric() || ch == '_' {
            let mut j = i;
            while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_') {
                j += 1;
            }
            out.push(Tok {
                text: c[i..j].iter().collect(),
                line,
            });
            i = j;
        } else {
            if !ch.is_whitespace() {
                out.push(Tok {
                    text: ch.to_string(),
                    line,
                });
            }
            i += 1;
        }
    }
    out
}

fn is(t: &[Tok], i: usize, s: &str) -> bool {
    t.get(i).is_some_and(|x| x.text == s)
}

/// Removes every item under `#[cfg(test)]`.
fn drop_test_items(mut t: Vec<Tok>) -> Vec<Tok> {
    let pat = ["#", "[", "cfg", "(", "test", ")", "]"];
    while let Some(start) =
        (0..t.len()).find(|&i| pat.iter().enumerate().all(|(k, s)| is(&t, i + k, s)))
    {
        let mut i = start + pat.len();
        let mut depth = 0i32;
        while i < t.len() {
            match t[i].text.as_str() {
                "{" | "[" | "(" => depth += 1,
                "}" | "]" | ")" => {
                    depth -= 1;
                    if depth == 0 && t[i].text == "}" {
                        i += 1;
                        break;
                    }
                }
                ";" if depth == 0 => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        t.drain(start..i.min(t.len()));
    }
    t
}

/// A `use` tree from `t[i..]` (after `use`), expanded to paths; returns the index after `;`.
fn use_tree(t: &[Tok], mut i: usize, prefix: &[String], out: &mut Vec<ModPath>) -> usize {
    let mut path = prefix.to_vec();
    loop {
        match t.get(i).map(|x| x.text.as_str()) {
            Some("{") => {
                i += 1;
                while !is(t, i, "}") && i < t.len() {
                    i = use_tree(t, i, &path, out);
                    if is(t, i, ",") {
                        i += 1;
                    }
                }
                return i + 1;
            }
            Some(":") => i += 1,
            Some("*") => {
                out.push(path.clone());
                i += 1;
            }
            Some("as") => i += 2,
            Some("," | "}" | ";") | None => {
                if path.len() > prefix.len() {
                    if path.last().is_some_and(|s| s == "self") {
                        path.pop();
                    }
                    out.push(path);
                }
                return if is(t, i, ";") { i + 1 } else { i };
            }
            Some(seg) => {
                path.push(seg.to_string());
                i += 1;
            }
        }
    }
}

struct Module {
    /// `use` paths: (path, line, re-exported with `pub`).
    uses: Vec<(ModPath, usize, bool)>,
    /// Other paths written in the code: (path, line).
    paths: Vec<(ModPath, usize)>,
    children: Vec<String>,
}

fn parse(src: &str) -> Module {
    let t = drop_test_items(tokens(src));
    let mut m = Module {
        uses: vec![],
        paths: vec![],
        children: vec![],
    };
    let mut i = 0;
    while i < t.len() {
        if t[i].text == "use" && !(i > 0 && is(&t, i - 1, ":")) {
            // `pub use` or `pub(crate) use`, `pub(super) use`.
            let public = (i >= 1 && is(&t, i - 1, "pub"))
                || (i >= 4 && is(&t, i - 1, ")") && is(&t, i - 4, "pub"));
            let mut paths = Vec::new();
            let end = use_tree(&t, i + 1, &[], &mut paths);
            m.uses
                .extend(paths.into_iter().map(|p| (p, t[i].line, public)));
            i = end;
        } else if t[i].text == "mod" && is(&t, i + 2, ";") {
            m.children.push(t[i + 1].text.clone());
            i += 3;
        } else if is(&t, i + 1, ":") && is(&t, i + 2, ":") && !(i > 0 && is(&t, i - 1, ":")) {
            let line = t[i].line;
            let mut p = vec![t[i].text.clone()];
            let mut j = i + 1;
            while is(&t, j, ":")
                && is(&t, j + 1, ":")
                && t.get(j + 2)
                    .is_some_and(|x| x.text.chars().all(|c| c.is_alphanumeric() || c == '_'))
            {
                p.push(t[j + 2].text.clone());
                j += 3;
            }
            m.paths.push((p, line));
            i = j;
        } else {
            i += 1;
        }
    }
    m
}

/// The crate-absolute form of `path` written in module `m`, if it names something in this crate.
fn absolute(m: &[String], path: &[String], modules: &HashMap<ModPath, Module>) -> Option<ModPath> {
    let first = path.first()?;
    let mut cur = m.to_vec();
    let mut rest = path;
    match first.as_str() {
        "crate" => {
            cur.clear();
            rest = &path[1..];
        }
        "self" => rest = &path[1..],
        "super" => {
            while rest.first().is_some_and(|s| s == "super") {
                cur.pop();
                rest = &rest[1..];
            }
        }
        s if modules.contains_key(&[m, &[s.to_string()]].concat()) => {}
        _ => return None,
    }
    cur.extend(rest.iter().cloned());
    Some(cur)
}

/// The module that defines what `path` (crate-absolute) names, following `pub use`.
fn resolve(
    path: &[String],
    modules: &HashMap<ModPath, Module>,
    reexports: &HashMap<ModPath, HashMap<String, ModPath>>,
    depth: usize,
) -> ModPath {
    let mut cur = ModPath::new();
    for (k, seg) in path.iter().enumerate() {
        let next = [cur.as_slice(), std::slice::from_ref(seg)].concat();
        if modules.contains_key(&next) {
            cur = next;
        } else if let Some(target) = reexports
            .get(&cur)
            .and_then(|r| r.get(seg))
            .filter(|_| depth < 16)
        {
            return resolve(
                &[target.as_slice(), &path[k + 1..]].concat(),
                modules,
                reexports,
                depth + 1,
            );
        } else {
            break;
        }
    }
    cur
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// Each circle, as "a -> b (line 3), b -> a (line 7)".
fn cycles(files: &BTreeMap<ModPath, String>) -> Vec<String> {
    let all: HashMap<ModPath, Module> = files.iter().map(|(m, s)| (m.clone(), parse(s))).collect();
    // Only modules the crate compiles outside tests.
    let mut live = HashMap::new();
    let mut stack = vec![ModPath::new()];
    let mut all = all;
    while let Some(m) = stack.pop() {
        if let Some(module) = all.remove(&m) {
            stack.extend(
                module
                    .children
                    .iter()
                    .map(|c| [m.as_slice(), std::slice::from_ref(c)].concat()),
            );
            live.insert(m, module);
        }
    }
    let modules = live;
    let mut reexports: HashMap<ModPath, HashMap<String, ModPath>> = HashMap::new();
    for (m, module) in &modules {
        for (p, _, public) in &module.uses {
            if let (true, Some(a), Some(last)) = (*public, absolute(m, p, &modules), p.last()) {
                reexports
                    .entry(m.clone())
                    .or_default()
                    .insert(last.clone(), a);
            }
        }
    }
    let mut edges: BTreeMap<ModPath, BTreeMap<ModPath, usize>> = BTreeMap::new();
    for (m, module) in &modules {
        let uses = module.uses.iter().map(|(p, l, public)| (p, *l, *public));
        let paths = module.paths.iter().map(|(p, l)| (p, *l, false));
        for (p, line, public) in uses.chain(paths) {
            let Some(a) = absolute(m, p, &modules) else {
                continue;
            };
            if public && a.starts_with(m) {
                continue; // a facade: the parent re-exports its own child's item
            }
            let target = resolve(&a, &modules, &reexports, 0);
            if &target != m {
                edges
                    .entry(m.clone())
                    .or_default()
                    .entry(target)
                    .or_insert(line);
            }
        }
    }
    // Strongly connected components (Tarjan); each with more than one module is a circle.
    struct Tarjan<'a> {
        edges: &'a BTreeMap<ModPath, BTreeMap<ModPath, usize>>,
        index: HashMap<ModPath, usize>,
        low: HashMap<ModPath, usize>,
        stack: Vec<ModPath>,
        comps: Vec<BTreeSet<ModPath>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: &ModPath) {
            let n = self.index.len();
            self.index.insert(v.clone(), n);
            self.low.insert(v.clone(), n);
            self.stack.push(v.clone());
            for w in self
                .edges
                .get(v)
                .map(|e| e.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
            {
                if !self.index.contains_key(&w) {
                    self.visit(&w);
                    let l = self.low[&w].min(self.low[v]);
                    self.low.insert(v.clone(), l);
                } else if self.stack.contains(&w) {
                    let l = self.index[&w].min(self.low[v]);
                    self.low.insert(v.clone(), l);
                }
            }
            if self.low[v] == self.index[v] {
                let mut comp = BTreeSet::new();
                while let Some(w) = self.stack.pop() {
                    let done = &w == v;
                    comp.insert(w);
                    if done {
                        break;
                    }
                }
                self.comps.push(comp);
            }
        }
    }
    let mut t = Tarjan {
        edges: &edges,
        index: HashMap::new(),
        low: HashMap::new(),
        stack: vec![],
        comps: vec![],
    };
    let mut nodes: Vec<&ModPath> = modules.keys().collect();
    nodes.sort();
    for v in nodes {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    t.comps
        .iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            let mut parts = Vec::new();
            for a in c {
                for (b, line) in edges.get(a).into_iter().flatten() {
                    if c.contains(b) {
                        parts.push(format!("{} -> {} (line {line})", name(a), name(b)));
                    }
                }
            }
            parts.join(", ")
        })
        .collect()
}
