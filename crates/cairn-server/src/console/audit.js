// The audit view (admin): the log's newest entries, filtered by actor (a
// token's name or id) and exact action, and the chain head to compare with
// one recorded elsewhere. The server reads only the log's tail.
"use strict";

import { $, api, el, table, when, shortId, note } from "./dom.js";

const seen = new Set(["backup", "restore", "forget", "gate", "protect", "unprotect", "download", "job.backup", "job.restore"]);
let timer = null;

export async function showAudit() {
  const q = new URLSearchParams({ limit: "50" });
  const actor = $("a-actor").value.trim(), action = $("a-action").value.trim();
  if (actor) q.set("actor", actor);
  if (action) q.set("action", action);
  let p;
  try {
    p = await api("GET", "/api/v1/dr/audit?" + q);
  } catch (e) {
    note($("audit-err"), e);
    return;
  }
  note($("audit-err"), null);
  $("audit-head").replaceChildren("Chain head: entry #" + p.head.seq + ", hash ", shortId(p.head.hash, p.head.hash.slice(0, 16)));
  $("audit-more").textContent = p.truncated ? "Only the newest 16 MiB of the log were searched; cairn audit verify reads all of it." : "";
  for (const e of p.entries) seen.add(e.action);
  $("a-actions").replaceChildren(...[...seen].sort().map((a) => el("option", { value: a })));
  table($("audit"), ["#", "time", "actor", "action", "target", "outcome", "detail"],
    p.entries.map((e) => [e.seq, when(e.time), e.actor, e.action, { text: e.target, cls: "wrap" },
      { text: e.outcome, cls: e.outcome === "refused" || e.outcome === "failed" ? "fail" : "" },
      { text: e.detail, cls: "wrap" }]));
}

for (const id of ["a-actor", "a-action"]) {
  $(id).addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(showAudit, 300); });
}
$("audit-filter").addEventListener("submit", (ev) => { ev.preventDefault(); showAudit(); });

export function clearAudit() {
  clearTimeout(timer);
  $("audit").replaceChildren();
  $("audit-head").textContent = "";
  $("audit-more").textContent = "";
}
