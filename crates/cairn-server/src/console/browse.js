// A snapshot's files: its tree, one directory at a time (each directory
// is listed only when first opened), each file's size, mode, mtime and
// SHA-256, and downloads that are checked against that SHA-256 before the
// browser saves them. Names are the backed-up host's bytes: text only.
"use strict";

import { $, api, el, bytes, when, modeString, nameText, note, token, ApiError } from "./dom.js";

let current = null;

/// Shows the tree of snapshot `snap` (a listing row); `me` says what the
/// role may do, `restore(snap, path)` opens the restore form.
export function openBrowse(snap, me, restore) {
  current = { snap, me, restore };
  $("browse-title").replaceChildren(
    "snapshot " + snap.short_id + " of " + (snap.spec || "no spec") + ", ", when(snap.time));
  $("browse-box").hidden = false;
  note($("browse-err"), null);
  const root = el("ul");
  $("browse-tree").replaceChildren(root);
  expand(root, "");
  $("browse-box").scrollIntoView({ block: "start" });
}

export function closeBrowse() {
  current = null;
  $("browse-box").hidden = true;
  $("browse-tree").replaceChildren();
}

async function expand(ul, path) {
  const snap = current.snap;
  ul.replaceChildren(el("li", { class: "muted", text: "loading" }));
  try {
    const d = await api("GET", "/api/v1/dr/snapshots/" + encodeURIComponent(snap.id) + "/ls?path=" + encodeURIComponent(path));
    if (!current || current.snap !== snap) return;
    ul.replaceChildren(...d.entries.map(item));
    if (!d.entries.length) ul.appendChild(el("li", { class: "muted", text: "(empty)" }));
    note($("browse-err"), null);
  } catch (e) {
    ul.replaceChildren();
    note($("browse-err"), e);
  }
}

function item(e) {
  const full = nameText(e.path);
  const name = full.split("/").pop();
  const text = typeof e.path === "string";
  const li = el("li", { "data-path": full, "data-type": e.type });
  const status = el("span", { class: "muted" });
  const err = el("span", { class: "err", role: "alert" });
  let label;
  let child = null;
  if (e.type === "dir" && text) {
    child = el("ul", { hidden: true });
    let loaded = false;
    label = el("button", { class: "toggle", type: "button", text: "▸ " + name + "/" });
    label.addEventListener("click", () => {
      child.hidden = !child.hidden;
      label.textContent = (child.hidden ? "▸ " : "▾ ") + name + "/";
      if (!loaded) { loaded = true; expand(child, full); }
    });
  } else {
    label = el("span", { text: name + (e.type === "dir" ? "/" : "") + (e.target ? " -> " + nameText(e.target) : "") });
  }
  const acts = el("span", { class: "actions" });
  if (current.me.may.restore && text) {
    if (e.type === "file") {
      acts.appendChild(el("button", {
        type: "button", class: "download", text: "Download",
        on: { click: () => download(e, full, name, status, err) },
      }));
    }
    acts.appendChild(el("button", {
      type: "button", class: "restore", text: "Restore…",
      on: { click: () => current.restore(current.snap, full) },
    }));
  }
  acts.append(status, err);
  const sha = e.sha256 || "";
  li.appendChild(el("div", { class: "entry" },
    el("span", { class: "name" }, label),
    el("span", { class: "size", text: e.type === "file" ? bytes(e.size) : "" }),
    el("span", { class: "mode", text: modeString(e.type, e.mode) }),
    el("span", { class: "mtime" }, when(e.mtime)),
    el("span", { class: "sha", text: sha, title: sha }),
    acts));
  if (child) li.appendChild(child);
  return li;
}

function hex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
}

/// Fetches the file, checks its SHA-256 (the server checked it too, and
/// cuts a forged file short), then hands it to the browser to save.
async function download(e, full, name, status, err) {
  status.textContent = "downloading";
  note(err, null);
  try {
    const url = "/api/v1/dr/snapshots/" + encodeURIComponent(current.snap.id) + "/file?path=" + encodeURIComponent(full);
    const r = await fetch(url, { headers: { "Authorization": "Bearer " + token.get() } });
    if (!r.ok) {
      let m = r.statusText;
      try { m = (await r.json()).error.message; } catch (x) { /* not the envelope */ }
      throw new ApiError(r.status, m + " (HTTP " + r.status + ")");
    }
    const blob = await r.blob();
    const want = r.headers.get("X-Cairn-SHA256") || e.sha256;
    let checked = "checked by the server";
    if (window.crypto && crypto.subtle) {
      const got = hex(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
      if (got !== want) throw new Error("the download's SHA-256 " + got + " is not the snapshot's " + want + "; not saved");
      checked = "SHA-256 matches";
    }
    const a = el("a", { href: URL.createObjectURL(blob), download: name, hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
    status.textContent = "downloaded " + bytes(blob.size) + ", " + checked;
  } catch (x) {
    status.textContent = "";
    note(err, x);
  }
}
