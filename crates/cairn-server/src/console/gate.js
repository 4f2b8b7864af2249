// The last RG-7 report: the verdict, the seed (a decimal string in the API:
// as a JSON number JavaScript would round it), every warning, each check
// with its reasons, each spec's RPO and RTO in human units against its
// target, and the configured specs the report does not cover.
"use strict";

import { $, api, el, table, duration, when, shortId, configSeconds } from "./dom.js";

/// Shows the last report; `specNames` are the configured specs.
export async function showGate(specNames) {
  let g;
  try {
    g = await api("GET", "/api/v1/dr/gate");
  } catch (e) {
    clearGate();
    $("gate").textContent = e.status === 404 ? "no report yet" : e.message;
    $("gate").className = "muted";
    return;
  }
  $("gate").replaceChildren((g.pass ? "PASS" : "FAIL") + " at ", when(g.time));
  $("gate").className = g.pass ? "pass" : "fail";
  $("gate-seed").textContent = g.seed;
  $("gate-seed-line").hidden = false;
  const missing = specNames.filter((n) => !g.specs.some((x) => x.name === n));
  $("gate-missing").textContent = missing.length ? "Not in this report: " + missing.join(", ") : "";
  const warnings = g.checks.flatMap((c) => (c.warnings || []).map((w) => c.id + ": " + w))
    .concat(g.specs.flatMap((s) => (s.notes || []).map((n) => s.name + ": " + n)));
  $("gate-warnings-title").textContent = warnings.length ? "Warnings (" + warnings.length + ")" : "";
  $("gate-warnings").replaceChildren(...warnings.map((w) => el("li", { text: w })));
  table($("gatechecks"), ["check", "result", "reason"],
    g.checks.map((c) => [c.id, { text: c.waived ? "waived" : (c.pass ? "pass" : "FAIL"), cls: c.pass ? "pass" : "fail" },
      // The reason names every cause; failing specs are listed only without one.
      c.reason || (c.specs || []).filter((x) => !x.pass).map((x) => x.name + ": " + (x.reason || "failed")).join("; ")]));
  table($("gatespecs"), ["spec", "RPO (measured of target)", "RTO (measured of target)", "recovery point"],
    g.specs.map((s) => [s.name, against(s.rpo_seconds, s.rpo_target, false),
      against(s.rto_seconds, s.rto_target, s.rto_extrapolated), recoveryPoint(s)]));
}

/// The snapshot RPO is measured from: its short id and when it was taken.
function recoveryPoint(s) {
  if (!s.recovery_point) return "none";
  const c = [s.latest, s.sample].concat(s.fallback || []).find((x) => x && x.id === s.recovery_point);
  return el("span", {}, shortId(s.recovery_point), c ? el("span", {}, " taken ", when(c.time)) : null);
}

/// "3 min 5 s of 1 d", green within the target and red beyond it.
function against(seconds, target, extrapolated) {
  const t = configSeconds(target);
  if (seconds === null || seconds === undefined) {
    return { text: "not measured" + (target ? " (target " + duration(t) + ")" : ""), cls: target ? "fail" : "muted" };
  }
  const text = duration(seconds) + (extrapolated ? " (extrapolated)" : "") + (t !== null ? " of " + duration(t) : ", no target");
  return { text, cls: t === null ? "" : seconds <= t ? "pass" : "fail", title: seconds + " s" + (target ? ", target " + target : "") };
}

export function clearGate() {
  for (const id of ["gatechecks", "gatespecs", "gate-warnings"]) $(id).replaceChildren();
  for (const id of ["gate-seed", "gate-missing", "gate-warnings-title"]) $(id).textContent = "";
  $("gate-seed-line").hidden = true;
}
