// What every part of the console stands on: the API call, building
// elements, human units. Everything the server sends becomes text
// (textContent, text nodes, attributes), never HTML: snapshot paths, file
// names, tags and host names come from backed-up machines and may be hostile.
"use strict";

export const $ = (id) => document.getElementById(id);

const KEY = "cairn-token";
export const token = {
  get: () => sessionStorage.getItem(KEY) || "",
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

/// An API error: the HTTP status and the server's message.
export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

/// Calls the API with the tab's token; the envelope's data, or an ApiError.
export async function api(method, path, body) {
  const headers = { "Authorization": "Bearer " + token.get() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let r;
  try {
    r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, "the server did not answer: " + e.message);
  }
  let v = null;
  try { v = await r.json(); } catch (e) { v = null; }
  if (!r.ok) {
    const m = v && v.error ? v.error.message : r.statusText;
    throw new ApiError(r.status, m + " (HTTP " + r.status + ")");
  }
  return v.data;
}

/// An element with properties (text, class, title, hidden, disabled, ...)
/// and children (elements, or strings that become text nodes).
export function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null) continue;
    if (k === "text") e.textContent = String(v);
    else if (k === "class") e.className = v;
    else if (k === "on") for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f);
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) {
    if (c === undefined || c === null) continue;
    e.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
  return e;
}

/// Fills a table: a header row, then one row per item; a cell is a string,
/// a number, an element, or {text, cls, title}.
export function table(t, heads, rows) {
  t.replaceChildren(el("tr", {}, ...heads.map((h) => el("th", { text: h }))));
  for (const r of rows) {
    const tr = el("tr");
    for (const c of r) {
      if (c instanceof Node) tr.appendChild(el("td", {}, c));
      else if (c && typeof c === "object") tr.appendChild(el("td", { text: c.text ?? "", class: c.cls, title: c.title }));
      else tr.appendChild(el("td", { text: c ?? "" }));
    }
    t.appendChild(tr);
  }
}

export function bytes(n) {
  if (n === null || n === undefined) return "";
  const u = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return n.toFixed(i ? 1 : 0) + " " + u[i];
}

/// Seconds in words: "0.4 s", "12 s", "3 min 5 s", "2 h 10 min", "3 d 4 h".
export function duration(s) {
  if (s === null || s === undefined || isNaN(s)) return "";
  if (s < 10) return s.toFixed(1) + " s";
  if (s < 60) return Math.round(s) + " s";
  const parts = [[86400, "d"], [3600, "h"], [60, "min"], [1, "s"]];
  const out = [];
  for (const [n, u] of parts) {
    if (s >= n && out.length < 2) { out.push(Math.floor(s / n) + " " + u); s %= n; }
    else if (out.length) break;
  }
  return out.join(" ");
}

/// A time in the browser's zone, with the UTC original on hover.
export function when(iso) {
  if (!iso) return el("span", { text: "" });
  const d = new Date(iso);
  if (isNaN(d)) return el("span", { text: iso });
  return el("time", { text: d.toLocaleString(), title: iso, dateTime: iso });
}

/// A short id that copies the full one when clicked (and shows it on hover).
export function shortId(full, short) {
  return el("span", {
    class: "id", text: short || full.slice(0, 8), title: full + " (click to copy)",
    on: { click: () => { if (navigator.clipboard) navigator.clipboard.writeText(full).catch(() => {}); } },
  });
}

/// `drwxr-xr-x`, as ls -l writes it.
export function modeString(type, mode) {
  const first = { dir: "d", symlink: "l", fifo: "p", socket: "s", chardev: "c", blockdev: "b" }[type] || "-";
  let s = first;
  const r = "rwxrwxrwx";
  for (let i = 0; i < 9; i++) s += (mode & (0o400 >> i)) ? r[i] : "-";
  return s;
}

/// A name as the repository stores it: text, or {hex} for bytes that are
/// not UTF-8 (shown escaped, never decoded into markup).
export function nameText(n) {
  if (typeof n === "string") return n;
  if (n && typeof n.hex === "string") return "(bytes " + n.hex + ")";
  return "";
}

/// Shows `e` (or nothing) in an action's error slot.
export function note(slot, e) {
  slot.textContent = e ? String(e.message || e) : "";
}

/// A config duration ("26h", "90m", "1h30m", "1d") in seconds, or null:
/// the config's syntax (cairn_app::duration), for comparing with targets.
export function configSeconds(s) {
  if (typeof s !== "string" || !/^(\d+[smhdw])+$/.test(s)) return null;
  const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  for (const [, n, u] of s.matchAll(/(\d+)([smhdw])/g)) total += Number(n) * unit[u];
  return total;
}
