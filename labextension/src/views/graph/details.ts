// Op graph view, details panel: the side panel's content for the selected box
// (op, scope or "more" box) or the hint with the heaviest ops, with links to ops
// and expand/collapse/show-more buttons that call back into the view. An op shows
// its device and how that placement is known, its Keras layer and the user line
// that created it (a link to the notebook cell in JupyterLab). Every name is set
// as text.

import { el, fmtUs } from "../../dom";
import type { Locations } from "../../location";
import type { Item, Model, Scope } from "./model";
import type { VNode } from "./visible";
import { MORE_STEP } from "./collapse";
import { button } from "./elements";
import { clip } from "./text";

const MAX_LIST = 25;

// How a node's device is known.
export const PLACEMENT: Record<string, string> = {
  runtime: "runtime (the partition graphs TensorFlow ran)",
  measured: "measured (where the profiler saw it run)",
  requested: "requested (what the graph asked for; not confirmed)",
  "only device": "the only device there is",
};

export interface DetailsActions {
  open(item: Item): void; // a link to an op was followed
  expand(s: Scope): void;
  collapse(s: Scope): void;
  showMore(s: Scope): void;
}

export class DetailsPanel {
  constructor(
    readonly root: HTMLDivElement,
    private readonly actions: DetailsActions,
    private readonly links: Locations,
  ) {}

  hint(m: Model | null): void {
    const lines = [
      "Click a box for its details; click a dashed scope box to expand it.",
      "Drag to pan, scroll to zoom.",
    ];
    const children: (Node | string)[] = [el("h4", {}, ["Details"])];
    for (const line of lines) children.push(el("p", { class: "tft-gr-hint" }, [line]));
    if (m && m.items.length) {
      children.push(el("div", { class: "tft-gr-section" }, ["Heaviest ops"]));
      const top = [...m.items].sort((a, b) => b.us - a.us).slice(0, 8).filter((it) => it.us > 0);
      children.push(this.itemList(top));
    }
    this.root.replaceChildren(...children);
  }

  show(m: Model, v: VNode): void {
    if (v.kind === "op" && v.item) this.op(m, v.item);
    else if ((v.kind === "scope" || v.kind === "open") && v.scope) this.scope(m, v.scope, v);
    else if (v.kind === "more" && v.scope) this.more(m, v);
  }

  op(m: Model, item: Item): void {
    const dl = el("dl");
    field(dl, "Op type", item.op || "-");
    if (m.tree) {
      field(dl, item.devices.length > 1 ? "Devices" : "Device", (item.devices.length ? item.devices : [item.device]).join(", ") || "-");
    } else {
      field(dl, "Device", item.device || "-");
      if (item.placement) field(dl, "Placement", PLACEMENT[item.placement] || item.placement, true);
    }
    if (item.layer) field(dl, "Keras layer", item.layer);
    if (item.source) field(dl, "Source", this.links.node(item.source));
    if (m.tree) {
      field(dl, "Self time", fmtUs(item.us));
      field(dl, "Total time", fmtUs(item.total));
      if (item.calls) field(dl, "Count", String(item.calls));
      if (item.mode) field(dl, "Mode", item.mode);
    } else {
      field(dl, "Measured", item.us > 0 ? fmtUs(item.us) : "not measured");
      if (item.dtype) field(dl, "Dtype", item.dtype);
      if (item.shapes.length) field(dl, "Output shapes", item.shapes.join(" "));
      field(dl, "Inputs", String(item.inputs.length));
      field(dl, "Outputs", String(item.outputs.length));
    }
    const children: (Node | string)[] = [el("h4", {}, [item.name || "(unnamed)"]), dl];
    if (!m.tree) {
      children.push(el("div", { class: "tft-gr-section" }, [`Kernels (${item.kernels.length})`]));
      if (item.kernels.length) {
        const ul = el("ul");
        for (const k of item.kernels.slice(0, MAX_LIST)) ul.append(el("li", {}, [k]));
        if (item.kernels.length > MAX_LIST) ul.append(el("li", { class: "tft-gr-hint" }, [`… ${item.kernels.length - MAX_LIST} more`]));
        children.push(ul);
      } else {
        children.push(el("p", { class: "tft-gr-hint" }, ["none recorded"]));
      }
      if (item.inputs.length) {
        children.push(el("div", { class: "tft-gr-section" }, ["Inputs"]), this.itemList(item.inputs.map((i) => m.items[i])));
      }
      if (item.outputs.length) {
        children.push(el("div", { class: "tft-gr-section" }, ["Outputs"]), this.itemList(item.outputs.map((i) => m.items[i])));
      }
    }
    const chain: Scope[] = [];
    for (let s: Scope | null = item.scope; s && s.parent; s = s.parent) chain.unshift(s);
    const expanded = chain.filter((s) => s.expanded);
    if (expanded.length) {
      const actions = el("div", { class: "tft-gr-actions" }, [el("span", { class: "tft-gr-hint" }, ["Collapse scope:"])]);
      for (const s of expanded) actions.append(button(clip(s.name || "(unnamed)", 24) + "/", `Collapse ${s.path}`, () => this.actions.collapse(s)));
      children.push(actions);
    }
    this.root.replaceChildren(...children);
  }

  scope(m: Model, s: Scope, v: VNode | null): void {
    const dl = el("dl");
    field(dl, "Ops", String(s.count));
    field(dl, "Total time", fmtUs(s.us));
    field(dl, "Device", s.kind.toUpperCase());
    field(dl, "State", v && v.kind === "scope" ? "collapsed" : "expanded");
    const children: (Node | string)[] = [el("h4", {}, [s.path || "(top level)"]), dl];
    const actions = el("div", { class: "tft-gr-actions" });
    if (v && v.kind === "scope") actions.append(button("Expand", "Expand this scope one level", () => this.actions.expand(s)));
    else if (s.parent) actions.append(button("Collapse", "Collapse this scope", () => this.actions.collapse(s)));
    if (s.parent && s.parent.parent && s.parent.expanded) {
      const p = s.parent;
      actions.append(button(`Collapse ${clip(p.name, 20)}/`, `Collapse ${p.path}`, () => this.actions.collapse(p)));
    }
    children.push(actions);
    const ops = m.order.slice(s.start, s.end).sort((a, b) => b.us - a.us);
    children.push(el("div", { class: "tft-gr-section" }, ["Heaviest ops"]), this.itemList(ops.slice(0, 10), ops.length));
    this.root.replaceChildren(...children);
  }

  more(m: Model, v: VNode): void {
    const s = v.scope as Scope;
    const dl = el("dl");
    field(dl, "Ops", String(v.ops));
    field(dl, "Total time", fmtUs(v.us));
    const children: (Node | string)[] = [el("h4", {}, [`${v.ops} more ops in ${s.path || "the top level"}`]), dl];
    children.push(el("div", { class: "tft-gr-actions" }, [button(`Show ${MORE_STEP} more`, "Draw more of this scope", () => this.actions.showMore(s))]));
    const ops: Item[] = [];
    for (const e of v.rest) {
      if (e.t === "o") ops.push(e);
      else for (let i = e.start; i < e.end; i++) ops.push(m.order[i]);
    }
    ops.sort((a, b) => b.us - a.us);
    children.push(el("div", { class: "tft-gr-section" }, ["Ops"]), this.itemList(ops.slice(0, 10), ops.length));
    this.root.replaceChildren(...children);
  }

  private itemList(items: Item[], total = items.length): HTMLUListElement {
    const ul = el("ul");
    const shown = items.slice(0, MAX_LIST);
    for (const it of shown) {
      const link = el("a", { class: "tft-gr-link", role: "button", tabindex: "0", title: "Show this op" }, [it.name || "(unnamed)"]);
      const go = () => this.actions.open(it);
      link.addEventListener("click", (ev) => {
        ev.preventDefault();
        go();
      });
      link.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          go();
        }
      });
      const li = el("li", {}, [link]);
      if (it.us > 0) li.append(" ", el("span", { class: "tft-gr-hint" }, [fmtUs(it.us)]));
      ul.append(li);
    }
    if (total > shown.length) ul.append(el("li", { class: "tft-gr-hint" }, [`… ${total - shown.length} more`]));
    return ul;
  }
}

// prose: wrap at spaces (names break anywhere)
function field(dl: HTMLElement, key: string, value: string | Node, prose = false): void {
  dl.append(el("dt", {}, [key]), el("dd", prose ? { class: "tft-gr-prose" } : {}, [value]));
}
