// Line charts as plain SVG, drawn here: no library, nothing fetched. Every
// label is a text node; each point carries its time (local, with UTC) and
// value in a <title>, shown on hover.
"use strict";

import { el } from "./dom.js";

const NS = "http://www.w3.org/2000/svg";
const W = 320, H = 150, LEFT = 68, RIGHT = 10, TOP = 10, BOTTOM = 22;

function svg(tag, attrs, ...kids) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const k of kids) e.appendChild(typeof k === "object" ? k : document.createTextNode(String(k)));
  return e;
}

/// A figure named `name` (data-series) titled `title`, plotting `points`
/// ([{t: Date, v: number}], oldest first) with `fmt` writing a value.
export function lineChart(name, title, points, fmt) {
  const fig = el("figure", { class: "chart", "data-series": name }, el("figcaption", { text: title }));
  if (!points.length) {
    fig.appendChild(el("p", { class: "muted", text: "no data yet" }));
    return fig;
  }
  const ts = points.map((p) => p.t.getTime());
  const t0 = Math.min(...ts), t1 = Math.max(...ts);
  const top = Math.max(...points.map((p) => p.v)) || 1;
  const x = (t) => LEFT + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (W - LEFT - RIGHT);
  const y = (v) => TOP + (1 - v / top) * (H - TOP - BOTTOM);
  const plot = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "plot", role: "img", "aria-label": title });
  plot.append(
    svg("line", { class: "axis", x1: LEFT, y1: TOP, x2: LEFT, y2: H - BOTTOM }),
    svg("line", { class: "axis", x1: LEFT, y1: H - BOTTOM, x2: W - RIGHT, y2: H - BOTTOM }),
    svg("line", { class: "grid", x1: LEFT, y1: TOP, x2: W - RIGHT, y2: TOP }),
    svg("text", { class: "tick", x: LEFT - 4, y: TOP + 4, "text-anchor": "end" }, fmt(top)),
    svg("text", { class: "tick", x: LEFT - 4, y: H - BOTTOM, "text-anchor": "end" }, fmt(0)),
    svg("text", { class: "tick", x: LEFT, y: H - 6, "text-anchor": "start" }, new Date(t0).toLocaleDateString()),
  );
  if (t1 !== t0) {
    plot.append(svg("text", { class: "tick", x: W - RIGHT, y: H - 6, "text-anchor": "end" }, new Date(t1).toLocaleString()));
  }
  plot.append(svg("polyline", { class: "line", points: points.map((p) => x(p.t.getTime()) + "," + y(p.v)).join(" ") }));
  for (const p of points) {
    const tip = p.t.toLocaleString() + " (UTC " + p.t.toISOString() + "): " + fmt(p.v);
    plot.append(svg("circle", { class: "pt", cx: x(p.t.getTime()), cy: y(p.v), r: 3 }, svg("title", {}, tip)));
  }
  fig.appendChild(plot);
  return fig;
}
