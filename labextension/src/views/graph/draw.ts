// Op graph view, SVG rendering: the svg scaffold (arrow marker, viewport, edge and
// node layers), the laid-out boxes and edges (colour by device kind, shade by
// time, data-kind/data-name/data-scope attributes), and the highlight classes
// (search match, current match, selection). Names only go in textContent or
// attribute values. A box's labels are black or white, whichever reads on its fill as
// blended over the theme's background; they are picked again when the theme changes.

import { deviceKind, DEVICE_COLORS } from "../../dom";
import { inkOn, onThemeChange, over, parseColor, themeOf } from "../../theme";
import type { Item } from "./model";
import type { EdgePath } from "./layout";
import type { VEdge, VNode } from "./visible";
import { svg } from "./elements";

let instances = 0;

export interface Scene {
  svg: SVGSVGElement;
  viewport: SVGGElement;
  edgeLayer: SVGGElement;
  nodeLayer: SVGGElement;
  markerId: string;
  labels: Label[]; // the drawn boxes' texts with their fill, for recolouring
}

interface Label {
  texts: SVGTextElement[];
  color: string;
  opacity: number;
}

// The label colour on a box of `color` at `opacity` over the theme's background at `host`.
function labelInk(host: Element, color: string, opacity: number): string {
  const fill = parseColor(color);
  const bg = parseColor(themeOf(host).bg);
  if (!fill || !bg) return inkOn(color);
  return inkOn(over([fill[0], fill[1], fill[2], opacity], over(bg, [255, 255, 255, 1])));
}

function recolor(scene: Scene): void {
  for (const l of scene.labels) {
    const ink = labelInk(scene.svg, l.color, l.opacity);
    for (const t of l.texts) t.style.fill = ink;
  }
}

export function createScene(): Scene {
  const markerId = `tft-gr-arrow-${++instances}-${Math.random().toString(36).slice(2, 8)}`;
  const svgEl = svg("svg", { class: "tft-gr-svg", role: "img", "aria-label": "op graph" });
  const defs = svg("defs");
  const marker = svg("marker", {
    id: markerId, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
    markerUnits: "userSpaceOnUse", orient: "auto",
  });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "tft-gr-arrowhead" }));
  defs.append(marker);
  const viewport = svg("g", { class: "tft-gr-viewport" });
  const edgeLayer = svg("g", { class: "tft-gr-edges" });
  const nodeLayer = svg("g", { class: "tft-gr-nodes" });
  viewport.append(edgeLayer, nodeLayer);
  svgEl.append(defs, viewport);
  const scene: Scene = { svg: svgEl, viewport, edgeLayer, nodeLayer, markerId, labels: [] };
  onThemeChange(() => svgEl.isConnected && recolor(scene));
  return scene;
}

// Replace the drawn graph; sets each box's g and returns the box of each g.
export function drawGraph(
  scene: Scene, vnodes: VNode[], vedges: VEdge[], paths: EdgePath[], tree: boolean,
): Map<Element, VNode> {
  const nodeByEl = new Map<Element, VNode>();
  const edgeFrag = document.createDocumentFragment();
  vedges.forEach((e, i) => {
    const { d, long } = paths[i];
    if (!d) return;
    const path = svg("path", { d, class: `tft-gr-edge${tree ? " tft-gr-tree" : ""}${long ? " tft-gr-long" : ""}` });
    if (!tree) path.setAttribute("marker-end", `url(#${scene.markerId})`);
    if (e.n > 1) {
      path.setAttribute("stroke-width", (1 + Math.min(4, Math.log2(e.n) * 0.8)).toFixed(2));
      const title = svg("title");
      title.textContent = `${e.n} edges`;
      path.append(title);
    }
    edgeFrag.append(path);
  });

  let maxUs = 0;
  for (const v of vnodes) if (v.us > maxUs) maxUs = v.us;
  const nodeFrag = document.createDocumentFragment();
  scene.labels = [];
  for (const v of vnodes) {
    const color = DEVICE_COLORS[v.kind === "op" ? deviceKind(v.device) : v.device] || DEVICE_COLORS.other;
    const t = maxUs > 0 ? Math.sqrt(Math.max(0, v.us) / maxUs) : 0;
    const opacity = v.kind === "open" ? 0.06 : 0.12 + 0.83 * t;
    const g = svg("g", {
      class: `tft-gr-node tft-gr-${v.kind}`,
      transform: `translate(${(v.x - v.w / 2).toFixed(1)},${(v.y - v.h / 2).toFixed(1)})`,
    });
    g.setAttribute("data-kind", v.kind);
    if (v.item) g.setAttribute("data-name", v.item.name);
    else if (v.scope) g.setAttribute("data-scope", v.scope.path);
    const rect = svg("rect", {
      width: v.w, height: v.h, rx: v.kind === "op" ? 4 : 7, fill: color, "fill-opacity": opacity.toFixed(3), stroke: color,
    });
    const title = svg("title");
    title.textContent = v.tip;
    const fg = labelInk(scene.svg, color, opacity);
    const label = svg("text", { x: v.w / 2, y: v.sub ? 14 : 16, "text-anchor": "middle" });
    label.setAttribute("style", `fill:${fg}`);
    label.textContent = v.label;
    g.append(title, rect, label);
    const texts = [label];
    if (v.sub) {
      const sub = svg("text", { x: v.w / 2, y: 27, "text-anchor": "middle", class: "tft-gr-sub" });
      sub.setAttribute("style", `fill:${fg}`);
      sub.textContent = v.sub;
      g.append(sub);
      texts.push(sub);
    }
    scene.labels.push({ texts, color, opacity });
    v.g = g;
    nodeByEl.set(g, v);
    nodeFrag.append(g);
  }
  scene.edgeLayer.replaceChildren(edgeFrag);
  scene.nodeLayer.replaceChildren(nodeFrag);
  return nodeByEl;
}

export interface Highlight {
  matchReps: number[]; // boxes holding a search match
  matchCursor: number; // index into matchReps of the current match, or -1
  selId: string; // id of the selected box, or ""
  selItem: Item | null; // the selected op (its box is selected if selId is not drawn)
}

export function applyHighlight(vnodes: VNode[], rep: Int32Array, h: Highlight): void {
  const match = new Set(h.matchReps);
  const current = h.matchCursor >= 0 && h.matchCursor < h.matchReps.length ? h.matchReps[h.matchCursor] : -1;
  let sel = -1;
  if (h.selId) sel = vnodes.findIndex((v) => v.id === h.selId);
  if (sel < 0 && h.selItem) sel = rep[h.selItem.idx];
  vnodes.forEach((v, i) => {
    if (!v.g) return;
    v.g.classList.toggle("tft-gr-match", match.has(i));
    v.g.classList.toggle("tft-gr-current", i === current);
    v.g.classList.toggle("tft-gr-selected", i === sel);
  });
}
