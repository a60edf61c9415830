// The flame graph: a canvas icicle (root at the top). Widths are measured times relative
// to the current zoom root; named remainders (time a node holds beyond its measured
// children) are hatched grey. Click zooms and shows the node's details (its code
// location links to the notebook cell in JupyterLab); op and kernel nodes join the
// linked selection; a click on empty space or Escape clears it; the search box
// highlights names. Names are drawn with fillText or set with textContent only.
//
// This module wires the parts: tree (flat arrays and layout), draw (painting, hit
// testing), tooltip (texts about a node), style (looks).
// The canvas carries data-kinds ("python:3 op:5 remainder:1", the boxes of the last
// frame) and data-selected (selected boxes drawn), for tests and tools.

import type { SelectionBus } from "../../bus";
import { sameOp } from "../../bus";
import { el, frameScheduler, markReady, placeTooltip, resizeCanvas, widthOf } from "../../dom";
import { Locations } from "../../location";
import type { Data } from "../../payload";
import { FlamePainter } from "./draw";
import { MAX_VIEW_H, ROW_H } from "./style";
import { detailLine, tooltipRows } from "./tooltip";
import { flatten } from "./tree";

// Selected names: trace events "scope/op:Type" name the op "scope/op"; C++ names only match exactly.
function matchesSelection(name: string, selected: string): boolean {
  if (name === selected) return true;
  if (name.includes("::") || selected.includes("::")) return false;
  return sameOp(name, selected);
}

const SOURCE_NOTE: Record<string, string> = {
  python: "Python frames (py-spy) \u2192 tf.function \u2192 ops \u2192 kernels",
  ops: "device \u2192 op type \u2192 op \u2192 kernel (no Python samples)",
};

export function renderFlame(root: HTMLElement, data: Data, bus: SelectionBus, links: Locations = new Locations()): void {
  const tree = data.flame;
  const box = el("div", { class: "tft-fl" });
  root.replaceChildren(box);

  if (!tree || !tree.children || !tree.children.length) {
    box.append(el("div", { class: "tft-empty" }, ["No flame graph data in this profile (no Python samples and no op times)."]));
    markReady(root);
    return;
  }
  const t = flatten(tree);
  const N = t.nodes.length;
  if (!(t.lw[0] > 0)) {
    box.append(el("div", { class: "tft-empty" }, ["The flame graph is empty: every node has zero time."]));
    markReady(root);
    return;
  }
  const painter = new FlamePainter(t);
  const lower: (string | undefined)[] = new Array(N);
  const hasRemainder = t.nodes.some((n) => n.kind === "remainder");

  // ---- DOM
  const bar = el("div", { class: "tft-fl-bar" });
  const crumbs = el("div", { class: "tft-fl-crumbs" });
  const resetButton = el("button", { class: "tft-fl-btn", type: "button", title: "Show the whole tree" }, ["Reset zoom"]);
  const search = el("input", { class: "tft-fl-search", type: "search", placeholder: "Search names\u2026", "aria-label": "Search flame graph" });
  const count = el("span", { class: "tft-fl-count" });
  const source = (data.payload && data.payload.flame_source) || "";
  const right = el("span", { class: "tft-fl-source" }, [SOURCE_NOTE[source] || ""]);
  if (hasRemainder) {
    right.prepend(el("span", { class: "tft-fl-legend", title: "time a node holds beyond its measured children, named by what it is" }, [
      el("span", {}, [el("span", { class: "tft-fl-sw tft-fl-sw-rem" }), "remainder"]),
    ]), " ");
  }
  bar.append(crumbs, resetButton, search, count, right);
  const detail = el("div", { class: "tft-fl-detail" });
  const wrap = el("div", { class: "tft-fl-wrap" });
  wrap.style.maxHeight = `${MAX_VIEW_H}px`;
  const canvas = el("canvas", { class: "tft-fl-canvas" });
  wrap.append(canvas);
  const tip = el("div", { class: "tft-tip" });
  box.append(bar, detail, wrap, tip);
  const ctx = canvas.getContext("2d");

  // ---- state
  let zoom = 0;
  let shown = -1; // the node in the details line
  let cssW = 0;
  let cssH = 0;
  let dpr = 1;
  let hover = -1;
  let query = "";
  let searchHit: Uint8Array | null = null;
  let selected: string | null = bus.selected;
  let selHit = new Uint8Array(N);
  let selCount = 0;

  const computeSelection = () => {
    selHit = new Uint8Array(N);
    selCount = 0;
    if (selected === null) return;
    for (let i = 0; i < N; i++) {
      const kind = t.nodes[i].kind;
      if ((kind === "op" || kind === "kernel") && matchesSelection(t.nodes[i].name, selected)) {
        selHit[i] = 1;
        selCount++;
      }
    }
  };
  const computeSearch = () => {
    if (!query) {
      searchHit = null;
      count.textContent = "";
      return;
    }
    const hit = new Uint8Array(N);
    let found = 0;
    for (let i = 0; i < N; i++) {
      let name = lower[i];
      if (name === undefined) name = lower[i] = String(t.nodes[i].name).toLowerCase();
      if (name.includes(query)) {
        hit[i] = 1;
        found++;
      }
    }
    searchHit = hit;
    count.textContent = found === 1 ? "1 match" : `${found.toLocaleString()} matches`;
  };

  const layout = (): boolean => {
    const h = (t.deepest[zoom] + 1) * ROW_H;
    if (h !== cssH) canvas.style.height = `${h}px`;
    const w = Math.max(Math.floor(wrap.clientWidth || widthOf(root)), 120);
    const ratio = window.devicePixelRatio || 1;
    if (w === cssW && h === cssH && ratio === dpr) return false;
    cssW = w;
    cssH = h;
    dpr = ratio;
    resizeCanvas(canvas, w, h, ratio);
    return true;
  };

  const draw = () => {
    if (!ctx) return;
    painter.draw(ctx, canvas, {
      zoom, width: cssW, height: cssH, dpr, hover, selected: selHit,
      filter: searchHit ? searchHit : selCount > 0 ? selHit : null,
    });
    canvas.setAttribute("data-kinds", Object.entries(painter.kinds).map(([k, n]) => `${k}:${n}`).join(" "));
    canvas.setAttribute("data-selected", String(painter.selectedDrawn));
  };

  const updateCrumbs = () => {
    const path: number[] = [];
    for (let a = zoom; a >= 0; a = t.parent[a]) path.push(a);
    path.reverse();
    const items: Node[] = [];
    path.forEach((a, j) => {
      if (j) items.push(el("span", { class: "tft-fl-sep" }, ["\u203a"]));
      const name = String(t.nodes[a].name) || "(unnamed)";
      const b = el("button", { class: "tft-fl-crumb", type: "button", title: name }, [
        name.length > 48 ? `${name.slice(0, 47)}\u2026` : name,
      ]);
      if (a === zoom) b.disabled = true;
      else b.addEventListener("click", () => zoomTo(a));
      items.push(b);
    });
    crumbs.replaceChildren(...items);
    resetButton.disabled = zoom === 0;
  };

  const schedule = frameScheduler(() => {
    layout();
    draw();
  });
  const hideTip = () => {
    tip.style.display = "none";
  };
  const zoomTo = (i: number) => {
    zoom = i;
    hover = -1;
    hideTip();
    updateCrumbs();
    layout();
    draw();
  };
  const showDetail = (i: number) => {
    shown = i;
    detailLine(detail, t, i, links);
  };

  const local = (ev: MouseEvent): [number, number] => {
    const rect = canvas.getBoundingClientRect();
    return [ev.clientX - rect.left, ev.clientY - rect.top];
  };
  canvas.addEventListener("mousemove", (ev) => {
    const [x, y] = local(ev);
    const i = painter.hitTest(x, y);
    if (i !== hover) {
      hover = i;
      schedule();
    }
    if (i >= 0) {
      tip.replaceChildren(...tooltipRows(t, i, zoom));
      placeTooltip(tip, box, ev.clientX, ev.clientY);
    } else hideTip();
  });
  canvas.addEventListener("mouseleave", () => {
    hideTip();
    if (hover >= 0) {
      hover = -1;
      schedule();
    }
  });
  canvas.addEventListener("click", (ev) => {
    const [x, y] = local(ev);
    const i = painter.hitTest(x, y);
    if (i < 0) {
      bus.clear("flame"); // empty space
      return;
    }
    if (i !== zoom) zoomTo(i);
    showDetail(i);
    const kind = t.nodes[i].kind;
    if (kind === "op" || kind === "kernel") bus.select(String(t.nodes[i].name), "flame");
  });
  resetButton.addEventListener("click", () => zoomTo(0));
  search.addEventListener("input", () => {
    query = search.value.trim().toLowerCase();
    computeSearch();
    schedule();
  });
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && search.value) {
      search.value = "";
      query = "";
      computeSearch();
      schedule();
      ev.stopPropagation(); // this Escape cleared the search, not the selection
    }
  });

  bus.subscribe((name) => {
    selected = name;
    computeSelection();
    schedule();
  });

  if (typeof ResizeObserver !== "undefined") {
    const observer = new ResizeObserver(() => schedule());
    observer.observe(root);
    observer.observe(wrap);
  }
  window.addEventListener("resize", () => {
    if (root.isConnected) schedule();
  });

  computeSelection();
  updateCrumbs();
  showDetail(shown);
  layout();
  draw();
  markReady(root);
}
