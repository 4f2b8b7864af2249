// History per spec, drawn from what the API already serves: each snapshot's
// size, data added (new to the repository) and share deduplicated from the
// snapshot listing, each backup's duration from the job history (backups
// not run by this server, e.g. by the CLI, have none), and the repository's
// size in storage as each of the spec's backups left it (a backup job's
// result records it; a prune in between shows as a drop).
"use strict";

import { $, api, bytes, duration, note } from "./dom.js";
import { lineChart } from "./chart.js";

let drawing = 0;

const pct = (v) => Math.round(v) + " %";

/// Draws the charts of the spec picked in #h-spec; `snaps` is the listing.
export async function showHistory(snaps) {
  const spec = $("h-spec").value;
  const mine = drawing + 1;
  drawing = mine;
  if (!spec) { $("charts").replaceChildren(); return; }
  const byTime = (a, b) => new Date(a.time) - new Date(b.time);
  const own = snaps.filter((s) => s.spec === spec).sort(byTime);
  let took = {};
  let sized = [];
  try {
    const q = new URLSearchParams({ kind: "backup", spec, state: "succeeded", limit: "1000" });
    const jobs = await api("GET", "/api/v1/dr/jobs?" + q);
    for (const j of jobs) {
      if (j.result && j.started && j.finished) took[j.result.snapshot_id] = (new Date(j.finished) - new Date(j.started)) / 1000;
      if (j.result && j.finished && typeof j.result.repository_bytes === "number") {
        sized.push({ t: new Date(j.finished), v: j.result.repository_bytes });
      }
    }
    note($("history-err"), null);
  } catch (e) {
    took = {};
    sized = [];
    note($("history-err"), e);
  }
  if (mine !== drawing) return;
  const at = (s) => new Date(s.time);
  const repo = own.length ? own[own.length - 1].repository : null;
  sized.sort((a, b) => a.t - b.t);
  $("charts").replaceChildren(
    lineChart("size", "Snapshot size", own.map((s) => ({ t: at(s), v: s.bytes })), bytes),
    lineChart("added", "Data added (new to the repository)", own.map((s) => ({ t: at(s), v: s.bytes_added })), bytes),
    lineChart("duration", "Backup duration", own.filter((s) => s.id in took).map((s) => ({ t: at(s), v: took[s.id] })), duration),
    lineChart("dedup", "Deduplicated (share of the snapshot already stored)",
      own.filter((s) => s.bytes > 0).map((s) => ({ t: at(s), v: 100 * Math.max(0, 1 - s.bytes_added / s.bytes) })), pct),
    lineChart("repo", "Repository " + (repo || "") + ": size in storage after each backup", sized, bytes),
  );
}
