// The timeline view: one block of rows per lane (host thread, GPU stream, derived line),
// grouped by device, drawn on a canvas with level of detail so that 10^6 events pan and
// zoom interactively. Names are drawn with fillText or set with textContent only.
//
// This module wires the parts: the toolbar, scroller, canvas and tooltip elements, the
// row index (rows.ts), layout (layout.ts), colours (painter.ts), the view window
// (view.ts), drawing (draw.ts) and input (interact.ts); one redraw per animation frame;
// the `root.tftraceTimeline = { pan, zoom, range, steps, eventStarts, home, groups }` API; the selection bus subscription;
// redraws on resize; and markReady once the first frame is drawn. Steps (steps.ts): a strip
// above the axis, boundary lines over the events, the selected range shaded and zoomed to.
// It opens where the work is (view.ts homeWindow: the GPUs' kernels), GPU streams first,
// devices with nothing there collapsed and idle lanes on one row (layout.ts foldIdle); a click
// on a device or a folded lane's name opens or folds it.

import type { SelectionBus } from "../../bus";
import { el, fmtUs, frameScheduler, markReady, resizeCanvas, widthOf } from "../../dom";
import type { Data } from "../../payload";
import { createDraw } from "./draw";
import { attachInput } from "./interact";
import { Labels, safeNames } from "./labels";
import { foldIdle, groupAt, laneAtY, layOut, relayOut } from "./layout";
import { Painter } from "./painter";
import { StepStrip, zoomTo } from "./steps";
import { buildIndex } from "./rows";
import { AXIS_H, LABEL_W, MAX_VIEW_H } from "./style";
import { Tooltip } from "./tooltip";
import { homeWindow, View } from "./view";

export interface TimelineApi {
  pan(dxPx: number): number;
  zoom(factor: number, atPx?: number): number;
  range(): [number, number];
  steps(): [number, number][]; // [start, end] ns of each step on the timeline's clock
  eventStarts(name: string): number[]; // start ns of every event of that name, in order (for tests)
  home(): [number, number] | null; // the window it opened on (ns), null when it opened on the whole trace
  groups(): { label: string; collapsed: boolean; lanes: { name: string; compact: boolean }[] }[]; // in drawing order
}

// The string table with each kernel's full name replaced by its short name (null without kernels).
function kernelLabels(data: Data, strs: string[]): string[] | null {
  const k = data.payload.kernels;
  const full = k.columns.name;
  const short = k.columns.short_name;
  if (!full || !short || !k.count) return null;
  const out = strs.slice();
  for (let i = 0; i < k.count; i++) {
    const text = data.strings[short[i]];
    if (text) out[full[i]] = text;
  }
  return out;
}

export function renderTimeline(root: HTMLElement, data: Data, bus: SelectionBus): void {
  const tl = data.timeline;
  const strings = data.strings;
  const box = el("div", { class: "tft-tl" });
  box.style.position = "relative";
  root.replaceChildren(box);

  const bar = el("div", { class: "tft-tl-bar" });
  box.append(bar);
  if (tl.dropped > 0) {
    bar.append(
      el("span", { class: "tft-tl-note" }, [
        `${tl.dropped.toLocaleString()} shorter events (< ${fmtUs(tl.minKeptNs / 1000)}) not included`,
      ]),
    );
  }

  const api: TimelineApi = {
    pan: () => 0, zoom: () => 0, range: () => [0, 0], steps: () => [], eventStarts: () => [], home: () => null, groups: () => [],
  };
  (root as unknown as { tftraceTimeline: TimelineApi }).tftraceTimeline = api;

  if (!tl.count || !tl.lanes.length) {
    box.append(el("div", { class: "tft-empty" }, ["No timeline events in this profile."]));
    markReady(root);
    return;
  }

  const idx = buildIndex(tl);
  const total = Math.max(idx.total, 1);
  const lay = layOut(tl, idx);
  const home = homeWindow(data, total);
  if (home) {
    foldIdle(lay, idx, tl, home[0], home[1]);
    relayOut(lay, idx);
  }

  // colours and selection (ids outside the string table read as one "?" name)
  const { names, strs } = safeNames(tl, strings);
  const painter = new Painter(strs, idx.rStart, idx.order, idx.maxEnd, tl.dur, names);
  painter.warmUp(idx.rowBegin, total);
  painter.select(bus.selected);
  const labels = new Labels(strs);
  const drawnNames = kernelLabels(data, strs);
  if (drawnNames) {
    // kernel boxes are labelled with their short names; tooltips and the selection keep the full ones
    const short = new Labels(drawnNames);
    labels.fit = (c, id, avail) => short.fit(c, id, avail);
  }

  // ---- DOM
  const btn = (label: string, title: string, action: () => void) => {
    const b = el("button", { class: "tft-tl-btn", type: "button", title }, [label]);
    b.addEventListener("click", action);
    return b;
  };
  const rangeLabel = el("span", { class: "tft-tl-range" });
  bar.prepend(
    btn("+", "Zoom in", () => zoomBy(1.6)),
    btn("\u2212", "Zoom out", () => zoomBy(1 / 1.6)),
    ...(home ? [btn("GPU work", "Show the span where the GPUs ran kernels", () => goHome())] : []),
    btn("Reset", "Show the whole trace", () => reset()),
    rangeLabel,
  );
  bar.append(el("span", { class: "tft-tl-hint" }, ["drag to pan · wheel to zoom · shift+wheel to scroll · click selects"]));
  const scroller = el("div", { class: "tft-tl-scroll" });
  scroller.style.position = "relative";
  scroller.style.overflowX = "hidden";
  scroller.style.overflowY = "auto";
  const canvas = el("canvas", { class: "tft-tl-canvas", tabindex: "0" });
  canvas.style.display = "block";
  canvas.style.position = "sticky";
  canvas.style.top = "0";
  const spacer = el("div");
  scroller.append(canvas, spacer);
  const tooltip = new Tooltip(box, tl, names, labels, lay.multiHost);
  const view = new View(total);
  const strip = data.steps.rows.length ? new StepStrip(data.steps, view, bus, tooltip.el, box) : null;
  if (strip) box.append(strip.el);
  box.append(scroller, tooltip.el);
  const ctx = canvas.getContext("2d");

  const h0 = Math.min(AXIS_H + lay.contentH, MAX_VIEW_H);
  scroller.style.height = `${h0}px`;
  const fitSpacer = () => {
    spacer.style.height = `${Math.max(AXIS_H + lay.contentH - h0, 0)}px`;
  };
  fitSpacer();
  const layout = (): boolean => {
    // the scroller's height (and so its scrollbar) is fixed first, then its inner width is read
    const w = Math.max(Math.floor(scroller.clientWidth || widthOf(root)), LABEL_W + 120);
    const h = h0;
    const ratio = window.devicePixelRatio || 1;
    if (w === view.cssW && h === view.viewH && ratio === view.dpr) return false;
    view.cssW = w;
    view.viewH = h;
    view.dpr = ratio;
    resizeCanvas(canvas, w, h, ratio);
    return true;
  };

  const drawEvents = createDraw({
    canvas, ctx, scroller, rangeLabel, tl, idx, lay, painter, labels, view,
    overlay: strip ? (c, H) => strip.overlay(c, H) : undefined,
  });
  const draw = (): number => {
    const ms = drawEvents();
    if (strip) strip.draw();
    return ms;
  };

  const schedule = frameScheduler(() => {
    layout();
    draw();
  });

  const zoomBy = (factor: number) => {
    view.zoomAround(factor);
    schedule();
  };
  const reset = () => {
    view.reset();
    schedule();
  };
  const goHome = () => {
    if (home) view.setWindow(home[0], home[1]);
    schedule();
  };
  if (home) view.setWindow(home[0], home[1]);
  // a click on a device's header folds or opens it; on a lane's name, shows all its rows or one
  const toggleAt = (py: number): boolean => {
    const cy = py - AXIS_H + scroller.scrollTop;
    const g = groupAt(lay, cy);
    const l = g ? -1 : laneAtY(lay, cy);
    if (g) g.collapsed = !g.collapsed;
    else if (l >= 0 && (lay.compact[l] || idx.laneRows[l] > 1)) lay.compact[l] = lay.compact[l] ? 0 : 1;
    else return false;
    relayOut(lay, idx);
    fitSpacer();
    return true;
  };

  api.pan = (dxPx: number) => {
    view.panBy(dxPx);
    layout();
    return draw();
  };
  api.zoom = (factor: number, atPx?: number) => {
    view.zoomAround(factor, atPx);
    layout();
    return draw();
  };
  api.range = () => [view.t0, view.t1];
  api.home = () => home;
  api.groups = () => lay.groups.map((g) => ({
    label: g.label, collapsed: g.collapsed, lanes: g.lanes.map((l) => ({ name: tl.lanes[l].name, compact: !!lay.compact[l] })),
  }));
  api.steps = () => (strip ? strip.spans() : []);
  api.eventStarts = (name: string) => {
    const out: number[] = [];
    for (let e = 0; e < tl.count; e++) if (strs[names[e]] === name) out.push(tl.start[e]);
    return out.sort((a, b) => a - b);
  };

  attachInput({ canvas, scroller, view, idx, lay, dur: tl.dur, names, labels, tooltip, bus, schedule, toggleAt });

  bus.subscribe((name) => {
    painter.select(name);
    schedule();
  });
  bus.subscribeRange((range) => {
    if (range) zoomTo(view, range);
    schedule();
  });

  // redraw when the root is resized or shown (hidden tabs render at a fallback width)
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(() => schedule()).observe(root);
  }
  window.addEventListener("resize", () => {
    if (root.isConnected) schedule();
  });

  layout();
  draw();
  markReady(root);
}
