// The flame graph: a canvas icicle (root at the top). Widths are node values relative
// to the current zoom root; click zooms, the search box highlights names, and op and
// kernel nodes join the linked selection. Names are drawn with fillText or set with
// textContent only.

import type { SelectionBus } from "../bus";
import { sameOp } from "../bus";
import { DEVICE_COLORS, colorFor, deviceKind, el, fmtUs, frameScheduler, markReady, placeTooltip, resizeCanvas, widthOf } from "../dom";
import type { Data, FlameNode } from "../payload";

const ROW_H = 18;
const MIN_BOX_W = 0.5; // px; narrower boxes (and their subtrees) are not drawn
const LABEL_MIN_W = 22;
const MAX_VIEW_H = 640;
const FONT = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const DIM_FILL = "#e7e9ed";
const DIM_TEXT = "#9aa1ab";
const SELECT_STROKE = "#e8175d";

export const FLAME_CSS = `
.tft-fl { position: relative; font-size: 12px; }
.tft-fl-bar { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; margin: 0 0 6px; }
.tft-fl-crumbs { display: flex; align-items: center; gap: 2px; flex-wrap: wrap; min-width: 0; }
.tft-fl-crumb { font: inherit; border: none; background: none; padding: 1px 3px; cursor: pointer;
  color: #2f5f98; max-width: 260px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tft-fl-crumb:hover { text-decoration: underline; }
.tft-fl-crumb:disabled { color: inherit; cursor: default; text-decoration: none; font-weight: 600; }
.tft-fl-sep { color: var(--tft-muted, #667085); }
.tft-fl-btn { font: inherit; padding: 1px 8px; border: 1px solid var(--tft-border, #c8ced6); background: #f7f8fa;
  border-radius: 3px; cursor: pointer; color: inherit; }
.tft-fl-btn:hover:enabled { background: #eceff3; }
.tft-fl-btn:disabled { opacity: 0.5; cursor: default; }
.tft-fl-search { font: inherit; padding: 1px 6px; width: 200px; border: 1px solid var(--tft-border, #c8ced6); border-radius: 3px; }
.tft-fl-count { color: var(--tft-muted, #667085); font-variant-numeric: tabular-nums; }
.tft-fl-source { color: var(--tft-muted, #667085); font-size: 11px; margin-left: auto; }
.tft-fl-wrap { position: relative; overflow-x: hidden; overflow-y: auto; border: 1px solid var(--tft-border, #d0d5dc); }
.tft-fl-canvas { display: block; cursor: pointer; }
`;

const KIND_LABEL: Record<string, string> = {
  python: "Python frame",
  function: "tf.function call",
  tensorflow: "TensorFlow internals",
  op: "TensorFlow op",
  kernel: "GPU kernel",
  device: "device",
  type: "op type",
  root: "all samples",
};

// Selected names: trace events "scope/op:Type" name the op "scope/op"; C++ names only match exactly.
function matchesSelection(name: string, selected: string): boolean {
  if (name === selected) return true;
  if (name.includes("::") || selected.includes("::")) return false;
  return sameOp(name, selected);
}

function hueOf(text: string): number {
  const m = /hsl\((\d+)/.exec(colorFor(text));
  return m ? Number(m[1]) : 0;
}

// "#rgb" / "#rrggbb" mixed with white by `amount` (0..1).
function lighten(hex: string, amount: number): string {
  let h = hex.replace("#", "");
  if (h.length === 3) h = h.split("").map((c) => c + c).join("");
  const n = parseInt(h, 16);
  if (h.length !== 6 || isNaN(n)) return hex;
  const mix = (v: number) => Math.round(v + (255 - v) * amount);
  return `rgb(${mix((n >> 16) & 255)}, ${mix((n >> 8) & 255)}, ${mix(n & 255)})`;
}

function colorOf(node: FlameNode, device: string): string {
  switch (node.kind) {
    case "python": {
      const hue = hueOf(node.file || node.name);
      return `hsl(${22 + (hue % 34)}, ${28 + (hue % 5) * 6}%, ${70 + (hue % 3) * 4}%)`;
    }
    case "function":
      return `hsl(${262 + (hueOf(node.name) % 18)}, 48%, 74%)`;
    case "op":
      if (device) return lighten(DEVICE_COLORS[deviceKind(device)] ?? DEVICE_COLORS.other, 0.38 + (hueOf(node.name) % 4) * 0.07);
      return colorFor(node.name);
    case "kernel":
      return `hsl(${20 + (hueOf(node.name) % 16)}, 86%, ${60 + (hueOf(node.name) % 3) * 4}%)`;
    case "tensorflow":
      return "#b9c5d5";
    case "root":
      return "#d3d8df";
    case "device":
      return "#9fb8d6";
    case "type":
      return "#c6d5e8";
    default:
      return colorFor(node.name);
  }
}

export function renderFlame(root: HTMLElement, data: Data, bus: SelectionBus): void {
  const tree = data.flame;
  const box = el("div", { class: "tft-fl" });
  box.style.position = "relative";
  root.replaceChildren(box);

  if (!tree || !tree.children || !tree.children.length) {
    box.append(el("div", { class: "tft-empty" }, ["No flame graph data in this profile (no Python samples and no op times)."]));
    markReady(root);
    return;
  }

  // ---- flatten in preorder: the subtree of i is [i, i + size[i])
  const nodes: FlameNode[] = [];
  const parentList: number[] = [];
  const depthList: number[] = [];
  const deviceList: string[] = [];
  const stack: [FlameNode, number, number, string][] = [[tree, -1, 0, ""]];
  while (stack.length) {
    const [node, parent, depth, inherited] = stack.pop() as [FlameNode, number, number, string];
    const device = node.kind === "device" ? node.name : inherited;
    const i = nodes.length;
    nodes.push(node);
    parentList.push(parent);
    depthList.push(depth);
    deviceList.push(device);
    const children = node.children || [];
    for (let c = children.length - 1; c >= 0; c--) stack.push([children[c], i, depth + 1, device]);
  }
  const N = nodes.length;
  const parent = Int32Array.from(parentList);
  const depth = Int32Array.from(depthList);
  const size = new Int32Array(N).fill(1);
  const deepest = Int32Array.from(depthList); // deepest depth in the subtree
  for (let i = N - 1; i > 0; i--) {
    const p = parent[i];
    size[p] += size[i];
    if (deepest[i] > deepest[p]) deepest[p] = deepest[i];
  }
  const value = (i: number) => {
    const v = Number(nodes[i].value);
    return isFinite(v) && v > 0 ? v : 0;
  };
  // layout x and width in value units; children are scaled down if they exceed their parent
  const lx = new Float64Array(N);
  const lw = new Float64Array(N);
  let childSum0 = 0;
  for (let j = 1; j < N; j += size[j]) childSum0 += value(j);
  lw[0] = value(0) > 0 ? value(0) : childSum0;
  for (let i = 0; i < N; i++) {
    if (size[i] === 1) continue;
    const natural = value(i) > 0 ? lw[i] / value(i) : 1;
    let sum = 0;
    for (let j = i + 1; j < i + size[i]; j += size[j]) sum += value(j) * natural;
    const k = sum > lw[i] && sum > 0 ? (natural * lw[i]) / sum : natural;
    let x = lx[i];
    for (let j = i + 1; j < i + size[i]; j += size[j]) {
      lx[j] = x;
      lw[j] = value(j) * k;
      x += lw[j];
    }
  }
  if (!(lw[0] > 0)) {
    box.append(el("div", { class: "tft-empty" }, ["The flame graph is empty: every node has zero time."]));
    markReady(root);
    return;
  }
  const rootValue = value(0) > 0 ? value(0) : lw[0];
  const fills = nodes.map((n, i) => colorOf(n, deviceList[i]));
  const textWidth = new Float32Array(N).fill(-1);
  const lower: (string | undefined)[] = new Array(N);

  // ---- DOM
  const bar = el("div", { class: "tft-fl-bar" });
  const crumbs = el("div", { class: "tft-fl-crumbs" });
  const resetButton = el("button", { class: "tft-fl-btn", type: "button", title: "Show the whole tree" }, ["Reset zoom"]);
  const search = el("input", { class: "tft-fl-search", type: "search", placeholder: "Search names\u2026", "aria-label": "Search flame graph" });
  const count = el("span", { class: "tft-fl-count" });
  const source = data.payload && data.payload.flame_source;
  const sourceNote =
    source === "python"
      ? "Python frames (py-spy) \u2192 tf.function \u2192 ops \u2192 kernels"
      : source === "ops"
        ? "device \u2192 op type \u2192 op \u2192 kernel (no Python samples)"
        : "";
  bar.append(crumbs, resetButton, search, count, el("span", { class: "tft-fl-source" }, [sourceNote]));
  const wrap = el("div", { class: "tft-fl-wrap" });
  wrap.style.position = "relative";
  wrap.style.overflowX = "hidden";
  wrap.style.overflowY = "auto";
  wrap.style.maxHeight = `${MAX_VIEW_H}px`;
  const canvas = el("canvas", { class: "tft-fl-canvas" });
  canvas.style.display = "block";
  wrap.append(canvas);
  const tip = el("div", { class: "tft-tip" });
  tip.style.position = "absolute";
  tip.style.display = "none";
  tip.style.pointerEvents = "none";
  box.append(bar, wrap, tip);
  const ctx = canvas.getContext("2d");

  // ---- state
  let zoom = 0;
  let cssW = 0;
  let cssH = 0;
  let dpr = 1;
  let hover = -1;
  let query = "";
  let searchHit: Uint8Array | null = null;
  let selected: string | null = bus.selected;
  let selHit = new Uint8Array(N);
  let selCount = 0;
  // boxes of the last frame, for hit testing
  let drawnId = new Int32Array(1024);
  let drawnX = new Float64Array(1024);
  let drawnW = new Float64Array(1024);
  let drawnN = 0;

  const computeSelection = () => {
    selHit = new Uint8Array(N);
    selCount = 0;
    if (selected === null) return;
    for (let i = 0; i < N; i++) {
      const kind = nodes[i].kind;
      if ((kind === "op" || kind === "kernel") && matchesSelection(nodes[i].name, selected)) {
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
      if (name === undefined) name = lower[i] = String(nodes[i].name).toLowerCase();
      if (name.includes(query)) {
        hit[i] = 1;
        found++;
      }
    }
    searchHit = hit;
    count.textContent = found === 1 ? "1 match" : `${found.toLocaleString()} matches`;
  };

  const layout = (): boolean => {
    const h = (deepest[zoom] + 1) * ROW_H;
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

  const fitText = (c: CanvasRenderingContext2D, i: number, avail: number): string | null => {
    const name = String(nodes[i].name);
    let full = textWidth[i];
    if (full < 0) full = textWidth[i] = c.measureText(name).width;
    if (full <= avail) return name;
    if (avail < 16) return null;
    let lo = 0;
    let hi = Math.min(name.length, Math.ceil((name.length * avail) / full) + 1);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (c.measureText(name.slice(0, mid) + "\u2026").width <= avail) lo = mid;
      else hi = mid - 1;
    }
    return lo >= 1 ? name.slice(0, lo) + "\u2026" : null;
  };

  const pushDrawn = (i: number, x: number, w: number) => {
    if (drawnN === drawnId.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      drawnId = grow(drawnId, (n) => new Int32Array(n));
      drawnX = grow(drawnX, (n) => new Float64Array(n));
      drawnW = grow(drawnW, (n) => new Float64Array(n));
    }
    drawnId[drawnN] = i;
    drawnX[drawnN] = x;
    drawnW[drawnN] = w;
    drawnN++;
  };

  const draw = () => {
    if (!ctx) return;
    const W = cssW;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, W, cssH);
    ctx.font = FONT;
    ctx.textBaseline = "middle";
    const filter = searchHit ? searchHit : selCount > 0 ? selHit : null;
    const k = W / lw[zoom];
    const base = lx[zoom];
    drawnN = 0;
    // ancestors of the zoom root (and itself) span the full width
    const path: number[] = [];
    for (let a = zoom; a >= 0; a = parent[a]) path.push(a);
    path.reverse();
    for (const a of path) pushDrawn(a, 0, W);
    for (let i = zoom + 1, end = zoom + size[zoom]; i < end; ) {
      const w = lw[i] * k;
      if (w < MIN_BOX_W) {
        i += size[i];
        continue;
      }
      pushDrawn(i, (lx[i] - base) * k, w);
      i++;
    }
    const outlines: number[] = [];
    let lastFill = "";
    for (let d = 0; d < drawnN; d++) {
      const i = drawnId[d];
      const x = drawnX[d];
      const w = drawnW[d];
      const y = depth[i] * ROW_H;
      const dim = filter !== null && !filter[i];
      const fill = dim ? DIM_FILL : fills[i];
      if (fill !== lastFill) {
        ctx.fillStyle = fill;
        lastFill = fill;
      }
      ctx.fillRect(x, y, w > 1.5 ? w - 1 : w, ROW_H - 1);
      if (selHit[i]) outlines.push(x, y, w);
      if (w >= LABEL_MIN_W) {
        const label = fitText(ctx, i, w - 7);
        if (label !== null) {
          ctx.fillStyle = dim ? DIM_TEXT : "#14171c";
          lastFill = "";
          ctx.fillText(label, x + 3, y + ROW_H / 2);
        }
      }
    }
    if (outlines.length) {
      ctx.strokeStyle = SELECT_STROKE;
      ctx.lineWidth = 2;
      for (let j = 0; j < outlines.length; j += 3) {
        ctx.strokeRect(outlines[j] + 1, outlines[j + 1] + 1, Math.max(outlines[j + 2] - 3, 1), ROW_H - 3);
      }
    }
    if (hover >= 0) {
      for (let d = 0; d < drawnN; d++) {
        if (drawnId[d] !== hover) continue;
        ctx.strokeStyle = "#111";
        ctx.lineWidth = 1;
        ctx.strokeRect(drawnX[d] + 0.5, depth[hover] * ROW_H + 0.5, Math.max(drawnW[d] - 2, 1), ROW_H - 2);
        break;
      }
    }
  };

  const updateCrumbs = () => {
    const path: number[] = [];
    for (let a = zoom; a >= 0; a = parent[a]) path.push(a);
    path.reverse();
    const items: Node[] = [];
    path.forEach((a, j) => {
      if (j) items.push(el("span", { class: "tft-fl-sep" }, ["\u203a"]));
      const name = String(nodes[a].name) || "(unnamed)";
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
  const zoomTo = (i: number) => {
    zoom = i;
    hover = -1;
    hideTip();
    updateCrumbs();
    layout();
    draw();
  };

  const hitTest = (x: number, y: number): number => {
    const row = Math.floor(y / ROW_H);
    for (let d = 0; d < drawnN; d++) {
      const i = drawnId[d];
      if (depth[i] === row && x >= drawnX[d] && x < drawnX[d] + Math.max(drawnW[d], 1)) return i;
    }
    return -1;
  };

  const showTip = (i: number, clientX: number, clientY: number) => {
    const n = nodes[i];
    const line = (k: string, v: string) => el("div", {}, [el("span", { class: "tft-tip-k" }, [`${k} `]), v]);
    const v = value(i);
    const rows: Node[] = [
      el("div", { class: "tft-tip-name" }, [String(n.name) || "(unnamed)"]),
      line("kind", KIND_LABEL[n.kind] ?? String(n.kind)),
      line("time", `${fmtUs(v)} (${((100 * v) / rootValue).toFixed(1)}% of total)`),
    ];
    if (n.kind === "op" || n.kind === "kernel") rows.push(line("measured", fmtUs(Number(n.measured))));
    if (n.kind === "op" && deviceList[i]) rows.push(line("device", deviceList[i]));
    if (n.kind === "python" && n.file) rows.push(line("at", `${n.file}:${n.line}`));
    if (zoom !== 0 && i !== zoom && v > 0) {
      rows.push(line("of zoomed", `${((100 * v) / Math.max(value(zoom), 1e-12)).toFixed(1)}%`));
    }
    tip.replaceChildren(...rows);
    placeTooltip(tip, box, clientX, clientY);
  };
  const hideTip = () => {
    tip.style.display = "none";
  };

  const local = (ev: MouseEvent): [number, number] => {
    const rect = canvas.getBoundingClientRect();
    return [ev.clientX - rect.left, ev.clientY - rect.top];
  };
  canvas.addEventListener("mousemove", (ev) => {
    const [x, y] = local(ev);
    const i = hitTest(x, y);
    if (i !== hover) {
      hover = i;
      schedule();
    }
    if (i >= 0) showTip(i, ev.clientX, ev.clientY);
    else hideTip();
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
    const i = hitTest(x, y);
    if (i < 0) return;
    if (i !== zoom) zoomTo(i);
    const kind = nodes[i].kind;
    if (kind === "op" || kind === "kernel") bus.select(String(nodes[i].name), "flame");
  });
  resetButton.addEventListener("click", () => zoomTo(0));
  search.addEventListener("input", () => {
    query = search.value.trim().toLowerCase();
    computeSearch();
    schedule();
  });
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") {
      search.value = "";
      query = "";
      computeSearch();
      schedule();
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
  layout();
  draw();
  markReady(root);
}
