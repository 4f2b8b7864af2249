//! The web console in a real browser: headless chromium driven through
//! chromedriver (`cairn_test_support::Browser`) against a real `cairn
//! serve` with a real repository. Each step saves a screenshot under the
//! test's temporary folder (kept, and named in the output, when the test
//! fails), and the page must log no errors but those the test provokes.
//!
//! Needs `chromium` and `chromium-driver` (Debian's packages; scripts/test.sh
//! installs them).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use cairn_test_support::Browser;
use common::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// A name a hostile host could give a file: markup, if anyone rendered it so.
const HOSTILE: &str = "<img src=x onerror=document.title='pwned'>.txt";

/// The source tree: three directories deep, a file large enough to take
/// more than one chunk of the download stream, and a hostile name.
fn source(src: &Path) {
    std::fs::create_dir_all(src.join("a/b/c")).unwrap();
    std::fs::write(src.join("a/b/c/deep.txt"), b"three levels down\n").unwrap();
    std::fs::write(src.join("a/b/note.txt"), b"a note\n").unwrap();
    std::fs::write(src.join("a/data.bin"), noise(700 * 1024, 7)).unwrap();
    std::fs::write(src.join(HOSTILE), b"not markup\n").unwrap();
}

fn sha256(p: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(p).unwrap()))
}

/// The repository, a config with `specs` and a token per role; the server started.
fn serve(
    env: &Env,
    specs: &[(&str, &Path, &str)],
) -> (
    Server,
    String,
    std::collections::HashMap<&'static str, String>,
) {
    env.repo(&env.path("repo"), &["init"]).ok();
    let port = free_port();
    let cfg = serve_config(env, port, specs);
    let cfg = cfg.to_str().unwrap();
    let mut tokens = std::collections::HashMap::new();
    for role in ["admin", "service", "analyst"] {
        let args = [
            "token", "create", "--config", cfg, "--role", role, "--name", role,
        ];
        tokens.insert(role, env.run(&args).ok().stdout.trim().to_string());
    }
    let (server, base) = start_server(env, cfg, port, "5");
    (server, base, tokens)
}

fn sign_in(b: &mut Browser, token: &str, role: &str) {
    // Enter submits.
    b.type_into("#token", &format!("{token}\u{E007}"));
    b.wait_text("#who", &format!("role {role}"));
}

/// Opens the newest snapshot's files.
fn open_browse(b: &mut Browser) {
    b.click("#snaps button.browse");
    b.find("#browse-tree li[data-path='a']");
}

/// Expands the directory at `path` in the tree and waits for `child`.
fn expand(b: &mut Browser, path: &str, child: &str) {
    b.click(&format!(
        "#browse-tree li[data-path='{path}'] > .entry button.toggle"
    ));
    b.find(&format!("#browse-tree li[data-path='{child}']"));
}

/// The downloaded file once chromium has finished writing it.
fn downloaded(b: &mut Browser, name: &str) -> PathBuf {
    let p = b.downloads().join(name);
    b.wait(&format!("the download of {name}"), |_| {
        let partial = std::fs::read_dir(p.parent().unwrap()).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".crdownload")
        });
        (p.exists() && !partial).then(|| p.clone())
    })
}

#[test]
fn an_operator_backs_up_browses_downloads_and_restores_in_the_console() {
    let env = Env::new();
    let src = env.path("src");
    source(&src);
    let (_server, base, tok) = serve(&env, &[("docs", &src, "tags = [\"web\"]")]);
    let mut b = Browser::start(&env.path("browser"));
    eprintln!("screenshots: {}", env.path("browser/shots").display());

    b.goto(&base);
    b.find("#signin");
    b.shot("signed-out");

    // A wrong token: the error shows next to the sign-in, and goes with the next success.
    b.type_into("#token", "cairn_wrong\u{E007}");
    b.wait_text("#signin-err", "401");
    b.shot("wrong-token");
    sign_in(&mut b, &tok["admin"], "admin");
    assert_eq!(b.text("#signin-err"), "");
    b.shot("admin-signed-in");

    // A backup from the specs table; the jobs list shows it succeed.
    b.click("#specs button");
    b.wait_text("#jobs", "succeeded");
    b.wait_text("#snaps", "docs");
    b.shot("backed-up");

    // Three levels deep; the file's size and SHA-256 as the tree records them.
    open_browse(&mut b);
    expand(&mut b, "a", "a/b");
    expand(&mut b, "a/b", "a/b/c");
    expand(&mut b, "a/b/c", "a/b/c/deep.txt");
    let row = b.text("#browse-tree li[data-path='a/b/c/deep.txt'] .entry");
    let want = sha256(&env.path("src/a/b/c/deep.txt"));
    assert!(row.contains("deep.txt") && row.contains("18 B"), "{row}");
    let sha = b.find("#browse-tree li[data-path='a/b/c/deep.txt'] .sha");
    assert_eq!(b.property(&sha, "title"), want.as_str());
    b.shot("three-levels-deep");

    // The hostile name is text: shown as it is, no element made of it.
    let shown = b.wait("the hostile name", |b| {
        b.all("#browse-tree > ul > li > .entry .name")
            .iter()
            .map(|e| b.text_of(e))
            .find(|t| t.starts_with("<img"))
    });
    assert_eq!(shown, HOSTILE);
    assert!(
        b.all("#browse-tree img, img").is_empty(),
        "markup was rendered"
    );
    assert_ne!(
        b.script("return document.title", serde_json::json!([])),
        "pwned"
    );
    b.shot("hostile-name-as-text");

    // A download, checked in the page and here against the source.
    b.click("#browse-tree li[data-path='a/data.bin'] button.download");
    b.wait_text(
        "#browse-tree li[data-path='a/data.bin'] .actions",
        "SHA-256 matches",
    );
    let got = downloaded(&mut b, "data.bin");
    assert_eq!(sha256(&got), sha256(&env.path("src/a/data.bin")));
    b.shot("downloaded");
    // The same route as a script sees it: the hash in a header, the name
    // encoded; an analyst may list files but not read them.
    let snap = b.text("#snaps .id");
    let url = format!("{base}/api/v1/dr/snapshots/{snap}/file?path=a/data.bin");
    let out = std::process::Command::new("curl")
        .args(["-s", "-D", "-", "-o"])
        .arg(env.path("curl.bin"))
        .args([
            "-H",
            &format!("Authorization: Bearer {}", tok["service"]),
            &url,
        ])
        .output()
        .unwrap();
    let head = String::from_utf8_lossy(&out.stdout).to_lowercase();
    let want = sha256(&env.path("src/a/data.bin"));
    assert!(head.contains(&format!("x-cairn-sha256: {want}")), "{head}");
    assert!(head.contains("filename*=utf-8''data.bin"), "{head}");
    assert_eq!(sha256(&env.path("curl.bin")), want);
    let (s, v) = curl("GET", &url, Some(&tok["analyst"]), None);
    assert_eq!(s, 403, "{v}");
    assert!(v["audit_id"].is_u64(), "a refused download is audited: {v}");
    // A one-digit prefix names no snapshot safely enough to forget it.
    let short = format!("{base}/api/v1/dr/snapshots/{}/forget", &snap[..1]);
    let (s, v) = curl("POST", &short, Some(&tok["admin"]), Some("{}"));
    assert_eq!(s, 400, "{v}");

    // A subtree restored into an allowed root: the plan first, then the restore.
    b.click("#browse-tree li[data-path='a/b'] > .entry button.restore");
    // Outside the allowed roots: refused, the reason next to the button.
    b.type_into("#restore-target", env.path("elsewhere").to_str().unwrap());
    b.click("#restore-plan");
    b.wait_text("#restore-err", "403");
    b.shot("restore-refused");
    let target = env.path("restore/r1");
    b.type_into("#restore-target", target.to_str().unwrap());
    let start = b.find("#restore-start");
    assert_eq!(b.property(&start, "disabled"), true, "the plan comes first");
    b.click("#restore-plan");
    b.wait_text("#restore-status", "Plan:");
    assert_eq!(b.text("#restore-err"), "", "a success clears the error");
    b.shot("restore-plan");
    assert!(!target.exists(), "a plan writes nothing");
    b.click("#restore-start");
    b.wait_text("#restore-status", "Restored:");
    b.shot("restored");
    assert_diff_r(&env.path("src/a/b"), &target.join("a/b"), &[]);
    // The jobs list, filtered by kind: the plan and the restore, not the backup.
    b.click("#j-kind option:nth-child(3)");
    b.wait("only restores in the jobs list", |b| {
        let t = b.text_now("#jobs")?;
        (t.matches("restore").count() >= 2 && !t.contains("backup")).then_some(())
    });
    b.shot("jobs-filtered");
    b.assert_no_console_errors(&["401", "403", "/api/v1/dr/gate"]);

    // Sign out; an analyst reads but sees no restore or download, and the
    // backup button says why it is disabled.
    b.click("#signout");
    b.find("#signin:not([hidden])");
    sign_in(&mut b, &tok["analyst"], "analyst");
    b.wait_text("#snaps", "docs");
    // (Read in one step: the table is re-rendered as data arrives.)
    let backup = b.script(
        "const b = document.querySelector('#specs button'); return [b.disabled, b.title];",
        serde_json::json!([]),
    );
    assert_eq!(backup[0], true, "{backup}");
    assert!(backup[1].as_str().unwrap().contains("may not"), "{backup}");
    assert!(
        b.all("button.restore").is_empty(),
        "an analyst sees a restore button"
    );
    open_browse(&mut b);
    expand(&mut b, "a", "a/data.bin");
    assert!(b.all("button.download, button.restore").is_empty());
    assert!(b.all("button.protect, button.forget").is_empty());
    b.shot("analyst");
    b.assert_no_console_errors(&["/api/v1/dr/gate"]);

    // An admin protects the snapshot; forgetting it is then refused, the
    // reason next to the button; unprotected, it can be forgotten. The
    // confirmation names the snapshot.
    b.click("#signout");
    sign_in(&mut b, &tok["admin"], "admin");
    let short = b.text("#snaps .id");
    b.click("#snaps button.protect");
    b.wait_text("#snaps", "protected");
    b.shot("protected");
    b.click("#snaps button.forget");
    let asked = b.accept_dialog();
    assert!(asked.contains(&short), "{asked}");
    b.wait_text("#snaps .err", "protected");
    b.shot("forget-refused");
    b.click("#snaps button.unprotect");
    b.find("#snaps button.protect");
    b.click("#snaps button.forget");
    b.accept_dialog();
    b.wait_text("#page-info", "(0 of 0 snapshots)");
    b.shot("forgotten");
    b.assert_no_console_errors(&["/api/v1/dr/gate", "400"]);

    // Content that left the repository, and every change, is on the record.
    let log = std::fs::read_to_string(env.path("state/audit.jsonl")).unwrap();
    for action in ["\"download\"", "\"protect\"", "\"unprotect\"", "\"forget\""] {
        assert!(log.contains(action), "no {action} in the audit log:\n{log}");
    }
}

#[test]
fn a_running_backup_shows_its_progress_moving_and_the_page_fits_a_phone() {
    let env = Env::new();
    let src = env.path("src");
    std::fs::create_dir_all(&src).unwrap();
    // Enough incompressible data that the backup runs for a while.
    for i in 0..32 {
        let mut f = std::fs::File::create(src.join(format!("f{i:02}"))).unwrap();
        let mut r = std::io::Read::take(std::fs::File::open("/dev/urandom").unwrap(), 4 << 20);
        std::io::copy(&mut r, &mut f).unwrap();
    }
    let (_server, base, tok) = serve(&env, &[("big", &src, "")]);
    let mut b = Browser::start(&env.path("browser"));
    b.goto(&base);
    sign_in(&mut b, &tok["service"], "service");
    b.click("#specs button");
    // While it runs, its progress (bytes, rate) moves.
    let mut seen = std::collections::BTreeSet::new();
    b.wait("the progress to move", |b| {
        if let Some(t) = b.text_now("#jobs .progress") {
            seen.insert(t);
        }
        (seen.len() >= 3).then_some(())
    });
    b.shot("progress");
    b.wait_text("#jobs", "succeeded");
    b.shot("done");
    // At a phone's width, nothing is wider than the screen.
    b.set_window(390, 844);
    assert_fits_a_phone(&b);
    b.shot("phone");
    b.assert_no_console_errors(&["/api/v1/dr/gate"]);
}

/// The number of points drawn in each history chart, in the page's order.
fn chart_points(b: &Browser) -> serde_json::Value {
    b.script(
        "return ['size', 'added', 'duration', 'dedup', 'repo'].map((s) => \
         document.querySelectorAll('#charts figure[data-series=' + s + '] circle.pt').length)",
        serde_json::json!([]),
    )
}

/// At a phone's width (the window set to 390 px), nothing in the page is
/// wider than the screen.
fn assert_fits_a_phone(b: &Browser) {
    let wide = b.script(
        "return [window.innerWidth, document.documentElement.scrollWidth]",
        serde_json::json!([]),
    );
    let (inner, scroll) = (wide[0].as_u64().unwrap(), wide[1].as_u64().unwrap());
    assert!(inner <= 400 && scroll <= inner, "{wide}");
}

/// Scrolls the box `id` into view, for the next screenshot.
fn scroll_to(b: &Browser, id: &str) {
    b.script(
        "document.getElementById(arguments[0]).scrollIntoView()",
        serde_json::json!([id]),
    );
}

#[test]
fn the_gate_history_and_audit_views_show_what_happened() {
    let env = Env::new();
    let (src, other) = (env.path("src"), env.path("other"));
    source(&src);
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("x"), b"x\n").unwrap();
    let (_server, base, tok) = serve(
        &env,
        &[
            ("docs", &src, "rpo = \"1d\"\nrto = \"1h\""),
            ("other", &other, ""),
        ],
    );
    let mut b = Browser::start(&env.path("browser"));
    b.goto(&base);
    sign_in(&mut b, &tok["admin"], "admin");

    // Three backups of docs, each with a new file: the snapshots grow (the
    // first two new files are alike, so the second backup adds next to nothing).
    for i in 0..3u64 {
        std::fs::write(src.join(format!("new{i}.bin")), noise(300 * 1024, i + 10)).unwrap();
        b.click("#specs button");
        b.wait("the backup to succeed", |b| {
            let t = b.text_now("#jobs")?;
            (t.matches("succeeded").count() as u64 == i + 1 && !t.contains("running")).then_some(())
        });
    }
    // History: every chart has a point per backup, and the sizes rise.
    b.wait("three points in every chart", |b| {
        (chart_points(b) == serde_json::json!([3, 3, 3, 3, 3])).then_some(())
    });
    let ys = b.script(
        "return [...document.querySelectorAll('#charts figure[data-series=size] circle.pt')]\
         .map((c) => Number(c.getAttribute('cy')))",
        serde_json::json!([]),
    );
    let ys: Vec<f64> = ys
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(
        ys[0] > ys[1] && ys[1] > ys[2],
        "larger snapshots are drawn higher: {ys:?}"
    );
    let tip = b.text_now("#charts figure[data-series=duration]").unwrap();
    assert!(tip.contains("Backup duration"), "{tip}");
    // The repository chart's points are the backups' recorded sizes, and
    // the newest is what the folder holds.
    let (s, jobs) = curl(
        "GET",
        &format!("{base}/api/v1/dr/jobs?kind=backup&state=succeeded"),
        Some(&tok["analyst"]),
        None,
    );
    assert_eq!(s, 200, "{jobs}");
    let newest = jobs["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|j| j["result"]["repository_bytes"].as_u64())
        .max()
        .expect("backup jobs record the repository's size");
    let on_disk: u64 = all_files(&env.path("repo"))
        .iter()
        .map(|(_, d)| d.len() as u64)
        .sum();
    assert!(
        newest <= on_disk && newest * 10 >= on_disk * 9,
        "recorded {newest} bytes, the folder holds {on_disk}"
    );
    scroll_to(&b, "history-box");
    b.shot("history");

    // The gate from the console: verdict, seed as the API's text, warnings,
    // RPO and RTO in words against their targets.
    b.click("#rungate");
    let seed = b.wait("the gate's seed", |b| {
        b.text_now("#gate-seed").filter(|t| !t.is_empty())
    });
    let (s, g) = curl(
        "GET",
        &format!("{base}/api/v1/dr/gate"),
        Some(&tok["analyst"]),
        None,
    );
    assert_eq!(s, 200, "{g}");
    assert_eq!(
        seed,
        g["data"]["seed"].as_str().unwrap(),
        "the seed is shown as sent"
    );
    b.wait_text("#gate-warnings", "no WORM retention");
    let specs = b.wait_text("#gatespecs", "of 1 d");
    assert!(specs.contains("of 1 h"), "{specs}");
    // The recovery point: the newest snapshot, by short id and time.
    let newest = b.text("#snaps .id");
    assert!(specs.contains(&format!("{newest} taken ")), "{specs}");
    assert_eq!(
        b.text("#gate-missing"),
        "",
        "the console's run covers every spec"
    );
    scroll_to(&b, "gate-box");
    b.shot("gate");
    // A gate over docs alone: the page names the spec it left out.
    let (s, v) = curl(
        "POST",
        &format!("{base}/api/v1/dr/gate"),
        Some(&tok["service"]),
        Some(r#"{"specs": ["docs"]}"#),
    );
    assert_eq!(s, 202, "{v}");
    let done = wait_job(&base, &tok["service"], v["data"]["id"].as_str().unwrap());
    assert_eq!(done["state"], "succeeded", "{done}");
    b.click("#refresh");
    b.wait_text("#gate-missing", "Not in this report: other");
    scroll_to(&b, "gate-box");
    b.shot("gate-missing-spec");

    // The audit view: the admin's three backup requests, and the chain head.
    b.type_into("#a-actor", "admin");
    b.type_into("#a-action", "backup");
    let rows = b.wait("the filtered audit entries", |b| {
        let rows = b.all("#audit tr");
        (rows.len() == 4).then(|| {
            rows.iter()
                .skip(1)
                .map(|r| b.text_of(r))
                .collect::<Vec<_>>()
        })
    });
    for r in &rows {
        assert!(
            r.contains(":admin") && r.contains("backup") && r.contains("accepted"),
            "{r}"
        );
    }
    let (_, h) = curl(
        "GET",
        &format!("{base}/api/v1/dr/audit/head"),
        Some(&tok["analyst"]),
        None,
    );
    b.wait_text("#audit-head", &format!("entry #{},", h["data"]["seq"]));
    let head = b.find("#audit-head .id");
    assert_eq!(
        b.property(&head, "title"),
        format!("{} (click to copy)", h["data"]["hash"].as_str().unwrap()).as_str()
    );
    scroll_to(&b, "audit-box");
    b.shot("audit");

    // Every time shown is local with its UTC original on hover, and every
    // short id shows (and copies) its full id.
    let hover = b.script(
        "const t = [...document.querySelectorAll('time')]; \
         const ids = [...document.querySelectorAll('.id')].filter((e) => e.id !== 'gate-seed'); \
         return [t.length, t.filter((e) => !/^\\d{4}-\\d\\d-\\d\\dT.*(Z|[+-]\\d\\d:\\d\\d)$/.test(e.title)).map((e) => e.title), \
           ids.length, ids.filter((e) => !/^[0-9a-f]{16,64} \\(click to copy\\)$/.test(e.title) \
             || !e.title.startsWith(e.textContent)).map((e) => e.title)]",
        serde_json::json!([]),
    );
    assert!(
        hover[0].as_u64().unwrap() >= 10 && hover[2].as_u64().unwrap() >= 5,
        "{hover}"
    );
    assert_eq!(
        (&hover[1], &hover[3]),
        (&serde_json::json!([]), &serde_json::json!([])),
        "{hover}"
    );

    // At a phone's width, with charts, gate and audit shown, nothing is
    // wider than the screen.
    b.set_window(390, 844);
    assert_fits_a_phone(&b);
    b.shot("phone");
    b.assert_no_console_errors(&["/api/v1/dr/gate"]);

    // A service token sees no audit view, and the API refuses it the log.
    b.set_window(1280, 1000);
    b.click("#signout");
    sign_in(&mut b, &tok["service"], "service");
    b.wait_text("#snaps", "docs");
    let audit = b.find("#audit-box");
    assert!(!b.displayed(&audit), "a service token sees the audit view");
    let (s, v) = curl(
        "GET",
        &format!("{base}/api/v1/dr/audit"),
        Some(&tok["service"]),
        None,
    );
    assert_eq!(s, 403, "{v}");
    b.shot("service-no-audit");
    b.assert_no_console_errors(&["/api/v1/dr/gate"]);
}
