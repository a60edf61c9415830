// Op graph view, toolbar: the function graph picker (when there are several), the
// search box and its keys (Enter/Shift+Enter to step, Escape to clear it), zoom, fit
// and reset buttons, the box count and the colour legend. Actions call back into
// the view.

import type { FunctionGraph } from "../../payload";
import { el, DEVICE_COLORS } from "../../dom";
import { button } from "./elements";
import { plural } from "./text";

export interface ToolbarParts {
  search: HTMLInputElement;
  count: HTMLSpanElement;
  info: HTMLSpanElement;
}

export interface ToolbarHooks {
  pickGraph(i: number): void;
  search(): void;
  nextMatch(step: number): void;
  zoomBy(f: number): void;
  fit(): void;
  reset(): void;
}

// Fills bar; returns the graph picker, if any.
export function buildToolbar(
  bar: HTMLDivElement, graphs: FunctionGraph[], parts: ToolbarParts, hooks: ToolbarHooks,
): HTMLSelectElement | null {
  let picker: HTMLSelectElement | null = null;
  if (graphs.length > 1) {
    const select = el("select", { "aria-label": "Function graph" });
    const seen = new Map<string, number>();
    for (const g of graphs) seen.set(String(g.function), (seen.get(String(g.function)) || 0) + 1);
    const nth = new Map<string, number>();
    graphs.forEach((g, i) => {
      const name = String(g.function);
      const k = (nth.get(name) || 0) + 1;
      nth.set(name, k);
      const label = (seen.get(name) || 0) > 1 ? `${name} (graph ${k})` : name;
      const opt = el("option", { value: String(i), title: `${plural(g.nodes.length, "node")}` }, [label]);
      select.append(opt);
    });
    select.addEventListener("change", () => hooks.pickGraph(Number(select.value)));
    picker = select;
    bar.append(select);
  }
  const search = parts.search;
  search.addEventListener("input", () => hooks.search());
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      hooks.nextMatch(ev.shiftKey ? -1 : 1);
    } else if (ev.key === "Escape" && search.value) {
      search.value = "";
      hooks.search();
      ev.stopPropagation(); // this Escape cleared the search, not the selection
    }
  });
  const zoomIn = button("+", "Zoom in", () => hooks.zoomBy(1.25));
  const zoomOut = button("−", "Zoom out", () => hooks.zoomBy(0.8));
  const fit = button("Fit", "Fit the graph in view", () => hooks.fit());
  const reset = button("Reset", "Collapse scopes back to the initial view", () => hooks.reset());
  const legend = el("span", { class: "tft-gr-legend" });
  const kinds: [string, string][] = [["cpu", "CPU"], ["gpu", "GPU"], ["other", "other"]];
  for (const [kind, label] of kinds) {
    const sw = el("span", { class: "tft-gr-swatch" });
    sw.style.background = DEVICE_COLORS[kind];
    legend.append(el("span", {}, [sw, label]));
  }
  legend.append(el("span", { title: "Darker boxes took more time" }, [el("span", { class: "tft-gr-ramp" }), "time"]));
  bar.append(search, parts.count, zoomIn, zoomOut, fit, reset, parts.info, el("span", { class: "tft-gr-spacer" }), legend);
  return picker;
}
