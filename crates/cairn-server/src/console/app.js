// The console: sign-in, then status, specs, jobs, snapshots (filtered and
// paged here: the listing is one request), a snapshot's files, restores
// and the gate. What the token's role may not do is hidden (restores,
// downloads, deletes) or disabled with the reason; an action's error shows
// next to it and clears when that action next succeeds.
"use strict";

import { $, api, el, table, bytes, duration, when, shortId, note, token, configSeconds } from "./dom.js";
import { openBrowse, closeBrowse } from "./browse.js";
import { showGate, clearGate } from "./gate.js";
import { showHistory } from "./history.js";
import { showAudit, clearAudit } from "./audit.js";

const PAGE = 25;
const BOXES = ["specs-box", "jobs-box", "snaps-box", "gate-box", "history-box"];
const VERB = { backup: "start backups", restore: "restore", verify: "verify", delete: "delete or forget" };
const state = { me: null, specs: [], snaps: [], page: 0, timer: null, restore: null, rowErrs: {} };

// ---- signing in and out --------------------------------------------------

$("signin").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const t = $("token").value.trim();
  if (!t) { note($("signin-err"), "enter a token (cairn token create prints one)"); return; }
  token.set(t);
  $("token").value = "";
  await signIn();
});

$("signout").addEventListener("click", signOut);
$("refresh").addEventListener("click", () => refresh());

async function signIn() {
  try {
    state.me = await api("GET", "/api/v1/dr/whoami");
  } catch (e) {
    signOut();
    note($("signin-err"), e);
    return;
  }
  note($("signin-err"), null);
  $("who").textContent = "signed in as " + state.me.name + " (role " + state.me.role + ")";
  $("signin").hidden = true;
  $("session").hidden = false;
  for (const b of BOXES) $(b).hidden = false;
  $("audit-box").hidden = !state.me.may.audit;
  for (const b of document.querySelectorAll("[data-needs]")) gate(b, b.getAttribute("data-needs"));
  $("restore-roots").replaceChildren(...state.me.allow_roots.map((r) => el("option", { value: r })));
  await refresh();
}

function signOut() {
  token.clear();
  state.me = null;
  clearTimeout(state.timer);
  $("signin").hidden = false;
  $("session").hidden = true;
  for (const b of BOXES.concat(["browse-box", "restore-box", "audit-box"])) $(b).hidden = true;
  for (const t of ["specs", "jobs", "snaps", "charts"]) $(t).replaceChildren();
  clearGate();
  clearAudit();
  closeBrowse();
  $("token").focus();
}

/// Disables `b` with the reason when the role lacks `need`.
function gate(b, need) {
  if (state.me.may[need]) { b.disabled = false; b.title = ""; return; }
  b.disabled = true;
  b.title = "role " + state.me.role + " may not " + VERB[need];
}

/// A button for an action needing `need`: disabled with the reason when
/// the role may not; `run` gets the button's error slot.
function action(label, need, run) {
  const err = el("span", { class: "err", role: "alert" });
  const b = el("button", { type: "button", text: label });
  gate(b, need);
  b.addEventListener("click", () => attempt(err, run));
  return el("span", { class: "actions" }, b, err);
}

/// Runs an action; its error goes to `slot`, a success clears it.
async function attempt(slot, run) {
  try {
    await run();
    note(slot, null);
  } catch (e) {
    note(slot, e);
  }
}

// ---- refreshing ----------------------------------------------------------

async function refresh() {
  health();
  if (!state.me) return;
  await Promise.all([reports(), jobs(), state.me.may.audit ? showAudit() : null]);
}

/// What a finished job may have changed: snapshots, history, the gate report.
async function reports() {
  await specsAndSnaps();
  await showGate(state.specs.map((s) => s.name));
}

async function health() {
  try {
    const h = await api("GET", "/healthz");
    $("health").textContent = "server " + h.status + ", " + h.jobs_active + " job(s) active, audit head #" + h.audit_head.seq;
  } catch (e) { $("health").textContent = e.message; }
}

async function specsAndSnaps() {
  await attempt($("snaps-err"), async () => { state.snaps = (await api("GET", "/api/v1/dr/snapshots")).slice().reverse(); });
  await attempt($("specs-err"), async () => { state.specs = await api("GET", "/api/v1/dr/specs"); });
  const names = state.specs.map((s) => s.name);
  const sel = $("f-spec");
  const keep = sel.value;
  sel.replaceChildren(el("option", { value: "", text: "any" }), ...names.map((n) => el("option", { value: n, text: n })));
  sel.value = names.includes(keep) ? keep : "";
  const h = $("h-spec");
  const was = h.value;
  h.replaceChildren(...names.map((n) => el("option", { value: n, text: n })));
  h.value = names.includes(was) ? was : (names[0] || "");
  renderSpecs();
  renderSnaps();
  showHistory(state.snaps);
}

function newest(spec) {
  return state.snaps.find((s) => s.spec === spec);
}

/// An objective from the config ("26h") in words, the original on hover.
function target(t) {
  const s = configSeconds(t);
  return t ? { text: s === null ? t : duration(s), title: t } : "";
}

function renderSpecs() {
  table($("specs"), ["spec", "repository", "paths", "schedule", "next run", "RPO", "RTO", "newest snapshot", ""],
    state.specs.map((s) => {
      const n = newest(s.name);
      return [s.name, s.repository, s.paths.join(" "), s.schedule || "on demand", s.next_run ? when(s.next_run) : "",
        target(s.rpo), target(s.rto), n ? when(n.time) : "none",
        action("Back up now", "backup", () => startJob("POST", "/api/v1/dr/backup", { spec: s.name }))];
    }));
}

// ---- snapshots: filter, page, open ---------------------------------------

for (const id of ["f-spec", "f-host", "f-tag", "f-from", "f-to"]) {
  $(id).addEventListener("input", () => { state.page = 0; renderSnaps(); });
}
$("snap-filter").addEventListener("submit", (ev) => ev.preventDefault());
$("page-prev").addEventListener("click", () => { state.page--; renderSnaps(); });
$("page-next").addEventListener("click", () => { state.page++; renderSnaps(); });

function filtered() {
  const spec = $("f-spec").value, host = $("f-host").value.trim(), tag = $("f-tag").value.trim();
  const from = $("f-from").value ? new Date($("f-from").value + "T00:00:00") : null;
  const to = $("f-to").value ? new Date($("f-to").value + "T23:59:59.999") : null;
  return state.snaps.filter((s) => (!spec || s.spec === spec)
    && (!host || s.host.includes(host))
    && (!tag || s.tags.includes(tag))
    && (!from || new Date(s.time) >= from)
    && (!to || new Date(s.time) <= to));
}

function renderSnaps() {
  const all = filtered();
  const pages = Math.max(1, Math.ceil(all.length / PAGE));
  state.page = Math.min(Math.max(0, state.page), pages - 1);
  const rows = all.slice(state.page * PAGE, (state.page + 1) * PAGE);
  $("page-info").textContent = "page " + (state.page + 1) + " of " + pages + " (" + all.length + " of " + state.snaps.length + " snapshots)";
  $("page-prev").disabled = state.page === 0;
  $("page-next").disabled = state.page >= pages - 1;
  table($("snaps"), ["time", "spec", "host", "paths", "tags", "files", "size", "id", ""],
    rows.map((s) => [when(s.time), s.spec || "", s.host, s.paths.join(" "), s.tags.join(", "), s.files, bytes(s.bytes),
      el("span", {}, shortId(s.id, s.short_id), s.incomplete ? el("span", { class: "fail", text: " incomplete" }) : null,
        s.protected ? el("span", { class: "pass protected", text: " protected" }) : null,
        s.retained_until ? el("span", { class: "muted" }, " held until ", when(s.retained_until)) : null),
      snapActions(s)]));
}

function snapActions(s) {
  const box = el("span", { class: "actions" });
  box.appendChild(el("button", { type: "button", class: "browse", text: "Browse", on: { click: () => openBrowse(s, state.me, openRestore) } }));
  if (state.me.may.restore) {
    box.appendChild(el("button", { type: "button", class: "restore", text: "Restore…", on: { click: () => openRestore(s, "") } }));
  }
  if (state.me.may.delete) {
    const err = el("span", { class: "err", role: "alert", text: state.rowErrs[s.id] || "" });
    const run = (f) => async () => {
      try {
        await f();
        delete state.rowErrs[s.id];
        note(err, null);
      } catch (e) {
        state.rowErrs[s.id] = e.message;
        note(err, e);
      }
    };
    const path = "/api/v1/dr/snapshots/" + encodeURIComponent(s.id) + "/";
    const toggle = s.protected
      ? { cls: "unprotect", text: "Unprotect", go: () => api("POST", path + "unprotect", {}) }
      : { cls: "protect", text: "Protect", go: () => api("POST", path + "protect", { note: "protected in the console by " + state.me.name }) };
    box.appendChild(el("button", { type: "button", class: toggle.cls, text: toggle.text, on: { click: run(async () => { await toggle.go(); await specsAndSnaps(); }) } }));
    box.appendChild(el("button", {
      type: "button", class: "forget", text: "Forget…",
      on: {
        click: run(async () => {
          const what = "snapshot " + s.short_id + " of " + (s.spec || "no spec") + " taken " + new Date(s.time).toLocaleString();
          if (!window.confirm("Forget " + what + "? Its files can no longer be restored from it; prune frees its data.")) return;
          await api("POST", path + "forget", {});
          await specsAndSnaps();
        }),
      },
    }));
    box.appendChild(err);
  }
  return box;
}

$("browse-close").addEventListener("click", closeBrowse);

// ---- restore: plan first, then start -------------------------------------

function openRestore(snap, path) {
  state.restore = { snap, path, planned: null };
  $("restore-what").textContent = "Snapshot " + snap.short_id + " (" + (snap.spec || "no spec") + ", " + new Date(snap.time).toLocaleString()
    + "): " + (path ? path : "everything");
  if (!$("restore-target").value && state.me.allow_roots.length) $("restore-target").value = state.me.allow_roots[0];
  $("restore-start").disabled = true;
  $("restore-start").title = "show the plan first";
  $("restore-status").textContent = "";
  note($("restore-err"), null);
  $("restore-box").hidden = false;
  $("restore-box").scrollIntoView({ block: "start" });
}

/// A glob matching exactly `path` (the restore's include is a glob).
function literal(path) {
  return path.replace(/[\\*?[\]{}]/g, (c) => "\\" + c);
}

function restoreBody(dry) {
  const r = state.restore;
  return {
    spec: r.snap.spec || undefined, snapshot: r.snap.id, target: $("restore-target").value.trim(),
    include: r.path ? [literal(r.path)] : [], dry_run: dry,
  };
}

$("restore-close").addEventListener("click", () => { $("restore-box").hidden = true; state.restore = null; });
$("restore-target").addEventListener("input", () => { $("restore-start").disabled = true; $("restore-start").title = "show the plan first"; });
$("restore-plan").addEventListener("click", () => attempt($("restore-err"), async () => {
  $("restore-status").textContent = "planning";
  const j = await waitJob(await api("POST", "/api/v1/dr/restore", restoreBody(true)), $("restore-status"));
  if (j.state !== "succeeded") throw new Error("the plan failed: " + (j.error || j.state));
  const t = j.result.totals;
  $("restore-status").textContent = "Plan: " + t.create + " to create, " + t.overwrite + " to overwrite, " + t.skip + " to skip, "
    + t.refuse + " refused; " + bytes(t.bytes) + " to write.";
  $("restore-start").disabled = false;
  $("restore-start").title = "";
}));
$("restore-start").addEventListener("click", () => attempt($("restore-err"), async () => {
  $("restore-start").disabled = true;
  const j = await waitJob(await api("POST", "/api/v1/dr/restore", restoreBody(false)), $("restore-status"));
  if (j.state !== "succeeded") throw new Error("the restore failed: " + (j.error || j.state));
  $("restore-status").textContent = "Restored: " + summary(j);
}));

// ---- jobs ----------------------------------------------------------------

async function startJob(method, path, body) {
  await api(method, path, body);
  await jobs();
}

/// Polls job `j` until it ends, writing its progress into `line`.
async function waitJob(j, line) {
  jobs();
  for (;;) {
    if (j.state !== "queued" && j.state !== "running") { jobs(); return j; }
    line.textContent = j.kind + " " + j.state + (j.progress ? ": " + bytes(j.progress.bytes_done) : "");
    await new Promise((r) => setTimeout(r, 500));
    j = await api("GET", "/api/v1/dr/jobs/" + encodeURIComponent(j.id));
  }
}

const secs = (a, b) => (new Date(b || Date.now()) - new Date(a)) / 1000;

/// A finished job's result in words.
function summary(j) {
  const r = j.result;
  if (j.error) return j.error;
  if (!r) return "";
  switch (j.kind) {
    case "backup":
      return r.stats.files + " files, " + bytes(r.stats.bytes)
        + ", " + bytes(r.stats.bytes_added) + " new" + (r.incomplete ? ", INCOMPLETE (" + r.errors.length + " unreadable)" : "");
    case "restore": {
      if (r.dry_run || !r.report) return "plan: " + r.totals.create + " to create, " + r.totals.skip + " to skip, " + bytes(r.totals.bytes);
      const p = r.report;
      return p.files_written + " files, " + bytes(p.bytes_written) + " written, " + p.skipped + " skipped, "
        + p.errors.length + " failed, in " + duration(secs(j.started, j.finished));
    }
    case "verify":
      return (r.ok ? "no damage found" : "DAMAGE FOUND") + " (" + r.report.trees + " trees, " + r.report.blobs + " blobs)";
    case "forget":
      return r.removed.length + " forgotten, " + r.kept + " kept";
    case "gate":
      return r.pass ? "pass" : "FAIL";
    default:
      return "";
  }
}

/// A job's result in words, after the snapshot it wrote or read (its short
/// id, which copies the full one).
function resultCell(j) {
  const id = !j.error && j.result && j.result.snapshot_id;
  return id ? el("span", {}, "snapshot ", shortId(id), ": " + summary(j)) : summary(j);
}

/// A running backup's bar: its bytes against the spec's newest snapshot
/// (the best guess of its size), with rate and an estimate of what is left.
function progressCell(j) {
  if (!j.progress || !j.started) return j.state === "queued" || j.state === "running" ? el("progress") : "";
  const done = j.progress.bytes_done;
  const rate = done / Math.max(0.1, secs(j.started));
  const prev = newest(j.spec);
  const total = prev ? prev.bytes : 0;
  const bar = el("progress", { max: 1, value: total ? Math.min(0.99, done / total) : 0 });
  if (!total) bar.removeAttribute("value");
  const eta = total > done && rate > 0 ? ", about " + duration((total - done) / rate) + " left" : "";
  return el("span", { class: "progress" }, bar, " " + bytes(done) + " at " + bytes(rate) + "/s" + eta);
}

async function jobs() {
  clearTimeout(state.timer);
  let list = [];
  const q = new URLSearchParams({ limit: "20" });
  for (const [k, id] of [["kind", "j-kind"], ["state", "j-state"]]) if ($(id).value) q.set(k, $(id).value);
  await attempt($("jobs-err"), async () => { list = await api("GET", "/api/v1/dr/jobs?" + q); });
  table($("jobs"), ["kind", "spec", "actor", "state", "started", "duration", "progress", "result"],
    list.map((j) => [j.kind, j.spec, j.actor, { text: j.state, cls: j.state === "failed" ? "fail" : j.state === "succeeded" ? "pass" : "" },
      when(j.started || j.submitted), j.started ? duration(secs(j.started, j.finished)) : "", progressCell(j), resultCell(j)]));
  const active = list.some((j) => j.state === "queued" || j.state === "running");
  if (state.me) state.timer = setTimeout(() => { jobs(); if (!active) reports(); }, active ? 1000 : 15000);
  if (!active && state.wasActive) reports();
  state.wasActive = active;
}

for (const id of ["j-kind", "j-state"]) $(id).addEventListener("change", () => jobs());

// ---- the gate, history, audit -------------------------------------------

$("rungate").addEventListener("click", () => attempt($("gate-err"), () => startJob("POST", "/api/v1/dr/gate", {})));
$("h-spec").addEventListener("change", () => showHistory(state.snaps));
$("history-filter").addEventListener("submit", (ev) => ev.preventDefault());

// ---- start ---------------------------------------------------------------

if (token.get()) signIn(); else { health(); $("token").focus(); }
