// Op graph view: the dataflow graph of each tf.function (partition graphs, nodes
// placed on devices and timed), laid out with dagre and drawn as SVG with pan and
// zoom. Name scopes collapse into single boxes so big graphs stay small; without a
// captured graph it falls back to the name-scope hierarchy of the ops table.
// Every name from the profile is set with textContent or as an attribute value.
//
// This module is the view itself: it holds the state (model, visible boxes,
// selection, search) and wires the parts together: mounting, graph switching,
// relayout and redraw, clicks, expand/collapse, search, and the selection bus.
// The parts: css (styles), model (ops, scopes, edges), collapse (what is open),
// visible (boxes and edges to draw), rank + layout (positions, edge paths), draw
// (SVG, highlight classes), details (side panel), toolbar, search, panzoom.

import type { Data, FunctionGraph } from "../../payload";
import { sameOp } from "../../bus";
import type { SelectionBus } from "../../bus";
import { el, markReady } from "../../dom";
import { Locations } from "../../location";
import { buildModel, defaultGraph, findItem, graphItems, opsItems } from "./model";
import type { Item, Model, Scope } from "./model";
import { collapseScope, ensureVisible, expandScope, initialCollapse, showMore } from "./collapse";
import { computeVisible } from "./visible";
import type { VEdge, VNode } from "./visible";
import { layoutGraph } from "./layout";
import type { EdgePath } from "./layout";
import { applyHighlight, createScene, drawGraph } from "./draw";
import type { Scene } from "./draw";
import { DetailsPanel } from "./details";
import { PanZoom } from "./panzoom";
import { Search } from "./search";
import { buildToolbar } from "./toolbar";
import { plural } from "./text";

// The name-scope tree never shrinks below this (its 11px labels stay at 9px).
const TREE_MIN_SCALE = 0.82;

class GraphView {
  private readonly root: HTMLElement;
  private readonly data: Data;
  private readonly bus: SelectionBus;
  private readonly graphs: FunctionGraph[];
  private model: Model | null = null;
  private graphIndex = -1;

  private vnodes: VNode[] = [];
  private vedges: VEdge[] = [];
  private rep: Int32Array = new Int32Array(0);
  private layoutW = 0;
  private layoutH = 0;
  private nodeByEl = new Map<Element, VNode>();

  private selItem: Item | null = null;
  private selId = "";
  private readonly finder = new Search();

  private readonly container: HTMLDivElement;
  private readonly toolbar: HTMLDivElement;
  private readonly canvas: HTMLDivElement;
  private readonly scene: Scene;
  private readonly details: DetailsPanel;
  private readonly pz: PanZoom;
  private readonly searchInput: HTMLInputElement;
  private readonly countEl: HTMLSpanElement;
  private readonly infoEl: HTMLSpanElement;
  private readonly emptyEl: HTMLDivElement;
  private select: HTMLSelectElement | null = null;
  lastLayoutMs = 0;

  constructor(root: HTMLElement, data: Data, bus: SelectionBus, links: Locations) {
    this.root = root;
    this.data = data;
    this.bus = bus;
    const payload = data && data.payload;
    this.graphs = payload && Array.isArray(payload.graphs) ? payload.graphs.filter((g) => g && Array.isArray(g.nodes)) : [];
    this.scene = createScene();

    this.container = el("div", { class: "tft-gr-view" });
    this.toolbar = el("div", { class: "tft-gr-toolbar" });
    this.searchInput = el("input", { type: "search", placeholder: "Search nodes", "aria-label": "Search graph nodes" });
    this.countEl = el("span", { class: "tft-gr-count" });
    this.infoEl = el("span", { class: "tft-gr-info" });
    this.canvas = el("div", { class: "tft-gr-canvas" });
    this.emptyEl = el("div", { class: "tft-gr-empty" });
    this.details = new DetailsPanel(el("div", { class: "tft-gr-details" }), {
      open: (item) => {
        this.focusItem(item);
        this.bus.select(item.name, "graph");
      },
      expand: (s) => this.expand(s),
      collapse: (s) => this.collapse(s),
      showMore: (s) => this.showMore(s),
    }, links);
    this.pz = new PanZoom(root, this.scene.svg, this.scene.viewport, {
      extent: () => ({ width: this.layoutW, height: this.layoutH, nodes: this.vnodes }),
      click: (target) => {
        const v = target ? this.nodeByEl.get(target) : undefined;
        if (v) this.onNodeClick(v);
        else {
          // empty space clears the selection here and in every view
          this.reveal(null);
          this.bus.clear("graph");
        }
      },
      minScale: () => (this.model && this.model.tree ? TREE_MIN_SCALE : 0),
      firstResize: () => {
        if (this.selItem) this.pz.panTo(this.vnodes[this.rep[this.selItem.idx]]);
      },
    });
    this.canvas.append(this.scene.svg, this.emptyEl);
  }

  mount(): void {
    const hasGraphs = this.graphs.length > 0;
    const items = hasGraphs ? [] : opsItems(this.data);
    if (!hasGraphs && !items.length) {
      this.container.append(el("p", { class: "tft-gr-note" }, ["No dataflow graph was captured for this profile, and it has no ops."]));
      this.root.append(this.container);
      markReady(this.root);
      return;
    }
    if (!hasGraphs) {
      this.container.append(
        el("p", { class: "tft-gr-note" }, [
          "No dataflow graph was captured for this profile; showing the name-scope hierarchy of its ops.",
        ]),
      );
    }
    this.select = buildToolbar(
      this.toolbar, this.graphs, { search: this.searchInput, count: this.countEl, info: this.infoEl },
      {
        pickGraph: (i) => {
          if (i >= 0 && i < this.graphs.length && i !== this.graphIndex) {
            this.selItem = null;
            this.selId = "";
            this.useGraph(i);
          }
        },
        search: () => this.search(),
        nextMatch: (step) => this.nextMatch(step),
        zoomBy: (f) => this.pz.zoomBy(f),
        fit: () => this.pz.fit(),
        reset: () => {
          if (this.model) initialCollapse(this.model);
          this.relayout(null, true);
        },
      },
    );
    const main = el("div", { class: "tft-gr-main" }, [this.canvas, this.details.root]);
    this.container.append(this.toolbar, main);
    this.root.append(this.container);
    this.pz.bind();
    this.details.hint(this.model);

    if (hasGraphs) {
      this.useGraph(defaultGraph(this.graphs));
    } else {
      this.model = buildModel(items, [], true);
      initialCollapse(this.model);
      this.relayout(null, true);
      this.details.hint(this.model);
    }
    this.bus.subscribe((name, origin) => {
      if (origin === "graph") return;
      this.reveal(name);
    });
    if (this.bus.selected) this.reveal(this.bus.selected, false);
    markReady(this.root);
  }

  private useGraph(i: number): void {
    this.graphIndex = i;
    if (this.select) this.select.value = String(i);
    const { items, edges } = graphItems(this.graphs[i]);
    this.model = buildModel(items, edges, false);
    initialCollapse(this.model);
    this.finder.forget();
    this.relayout(null, true);
    if (this.searchInput.value.trim()) this.search();
    this.details.hint(this.model);
  }

  // -------------------------------------------------------------- expand and collapse

  private collapse(s: Scope): void {
    const m = this.model;
    if (!m || s === m.root) return;
    collapseScope(m, s);
    this.selId = `s:${s.path}`;
    this.relayout(s, false);
    const v = this.vnodes.find((n) => n.id === this.selId);
    if (v) this.showDetails(v);
  }

  private expand(s: Scope): void {
    expandScope(s);
    this.selId = `s:${s.path}`;
    this.relayout(s, false);
    const v = this.vnodes.find((n) => n.id === this.selId);
    this.details.scope(this.model as Model, s, v || null);
  }

  private showMore(s: Scope): void {
    showMore(s);
    this.relayout(s, false);
    const v = this.vnodes.find((n) => n.id === `m:${s.path}`);
    if (v) {
      this.selId = v.id;
      this.applyClasses();
      this.showDetails(v);
    } else {
      this.selId = "";
      this.applyClasses();
      this.details.hint(this.model);
    }
  }

  // -------------------------------------------------------------- layout and drawing

  // Recompute, lay out and draw; then fit, or keep the focus scope's region in view.
  private relayout(focus: Scope | null, fit: boolean): void {
    if (!this.model) return;
    const visible = computeVisible(this.model);
    this.vnodes = visible.vnodes;
    this.vedges = visible.vedges;
    this.rep = visible.rep;
    this.layout();
    this.finder.relocate(this.rep);
    this.applyClasses();
    if (fit) this.pz.fit(true);
    else if (focus) this.pz.focusScope(this.model, focus, this.vnodes, this.rep);
  }

  private layout(): void {
    const t0 = performance.now();
    const n = this.vnodes.length;
    const tree = !!(this.model && this.model.tree);
    const { paths, width, height, work } = layoutGraph(this.vnodes, this.vedges, tree, this.pz.viewWidth());
    this.layoutW = width;
    this.layoutH = height;
    const t1 = performance.now();
    this.draw(paths, tree);
    const t2 = performance.now();
    this.lastLayoutMs = t2 - t0;
    this.container.setAttribute("data-layout-ms", `${(t1 - t0).toFixed(1)}+${(t2 - t1).toFixed(1)} nodes=${n} edges=${this.vedges.length} work=${work}`);
  }

  private draw(paths: EdgePath[], tree: boolean): void {
    this.nodeByEl = drawGraph(this.scene, this.vnodes, this.vedges, paths, tree);
    const m = this.model;
    this.emptyEl.textContent = this.vnodes.length ? "" : m && !m.tree ? "This graph has no nodes." : "Nothing to draw.";
    if (m) {
      this.infoEl.textContent = `${plural(this.vnodes.length, "box")} for ${plural(m.items.length, "op")}`;
    }
  }

  private applyClasses(): void {
    applyHighlight(this.vnodes, this.rep, {
      matchReps: this.finder.reps, matchCursor: this.finder.cursor, selId: this.selId, selItem: this.selItem,
    });
  }

  // -------------------------------------------------------------- search

  private search(): void {
    const q = this.searchInput.value.trim().toLowerCase();
    this.finder.find(this.model, q, this.rep);
    this.countEl.textContent = this.finder.summary(q);
    this.applyClasses();
    if (this.finder.cursor >= 0) this.pz.panTo(this.vnodes[this.finder.reps[0]]);
  }

  private nextMatch(step: number): void {
    if (!this.finder.reps.length) {
      this.search();
      return;
    }
    const r = this.finder.step(step);
    this.applyClasses();
    this.pz.panTo(this.vnodes[r]);
  }

  // -------------------------------------------------------------- selection

  // Another view selected an op (or this view's own details links).
  private reveal(name: string | null, pan = true): void {
    if (!name) {
      this.selItem = null;
      this.selId = "";
      this.applyClasses();
      return;
    }
    let item = findItem(this.model, name);
    if (!item && this.graphs.length > 1) {
      for (let i = 0; i < this.graphs.length && !item; i++) {
        if (i === this.graphIndex) continue;
        if (this.graphs[i].nodes.some((n) => n && sameOp(String(n.name), name))) {
          this.useGraph(i);
          item = findItem(this.model, name);
        }
      }
    }
    if (!item) {
      // Not in this graph: drop the stale highlight.
      this.selItem = null;
      if (this.selId.startsWith("o:")) this.selId = "";
      this.applyClasses();
      return;
    }
    this.focusItem(item, pan);
  }

  private focusItem(item: Item, pan = true): void {
    if (this.model && ensureVisible(item)) this.relayout(null, false);
    this.selItem = item;
    this.selId = `o:${item.idx}`;
    this.applyClasses();
    const v = this.vnodes[this.rep[item.idx]];
    if (v) {
      if (pan) this.pz.panTo(v);
      this.showDetails(v);
    }
  }

  private showDetails(v: VNode): void {
    this.details.show(this.model as Model, v);
  }

  private onNodeClick(v: VNode): void {
    if (v.kind === "op" && v.item) {
      this.selItem = v.item;
      this.selId = v.id;
      this.applyClasses();
      this.details.op(this.model as Model, v.item);
      this.bus.select(v.item.name, "graph");
    } else if (v.kind === "scope" && v.scope) {
      this.expand(v.scope);
    } else if (v.kind === "open" && v.scope) {
      this.collapse(v.scope);
    } else if (v.kind === "more" && v.scope) {
      this.showMore(v.scope);
    }
  }
}

export function renderGraph(root: HTMLElement, data: Data, bus: SelectionBus, links: Locations = new Locations()): void {
  const view = new GraphView(root, data, bus, links);
  view.mount();
}
