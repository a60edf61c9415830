// Renders every view of one profile into a root element, with tabs and linked selection.
// Used alike by the HTML report, the notebook output and the JupyterLab mime renderer.
// Escape anywhere in the views clears the selection in all of them. `onReveal` (given by
// JupyterLab) makes code locations in notebook cells links that show the cell. Views can
// open another tab through the bus (`bus.openView`), e.g. a step from the steps view on
// the timeline.

import { SelectionBus } from "./bus";
import { el } from "./dom";
import { Locations, RevealHook } from "./location";
import { Data, Payload, decode, unpack } from "./payload";
import { injectStyles } from "./styles";
import { renderFlame } from "./views/flame";
import { renderGraph } from "./views/graph";
import { renderMemory } from "./views/memory";
import { renderSteps } from "./views/steps";
import { renderSummary } from "./views/summary";
import { renderFunctions, renderKernels, renderOps } from "./views/tables";
import { renderTimeline } from "./views/timeline";

type Renderer = (root: HTMLElement, data: Data, bus: SelectionBus, links: Locations) => void;

export const VIEWS: [string, string, Renderer][] = [
  ["summary", "Summary", renderSummary],
  ["steps", "Steps", renderSteps],
  ["ops", "Ops", renderOps],
  ["kernels", "GPU kernels", renderKernels],
  ["functions", "tf.functions", renderFunctions],
  ["graph", "Op graph", renderGraph],
  ["flame", "Flame graph", renderFlame],
  ["timeline", "Timeline", renderTimeline],
  ["memory", "Memory", renderMemory],
];

export interface RenderOptions {
  // Show the notebook cell of a location (JupyterLab); without it locations are plain text.
  onReveal?: RevealHook;
}

export async function render(root: HTMLElement, payload: Payload | string, options: RenderOptions = {}): Promise<Data> {
  injectStyles(root.ownerDocument);
  const parsed: Payload = await unpack(typeof payload === "string" ? JSON.parse(payload) : payload);
  const data = await decode(parsed);
  const bus = new SelectionBus();
  const links = new Locations(options.onReveal || null);
  // focusable (not in the tab order) so that a click anywhere inside takes the keyboard here
  const app = el("div", { class: "tft-app", "data-tftrace-app": "true", tabindex: "-1" });
  app.addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape") return;
    if (bus.clear("keyboard")) {
      ev.stopPropagation(); // handled: JupyterLab must not also leave edit mode etc.
      ev.preventDefault();
    }
  });
  const title = el("div", { class: "tft-title" }, [
    `tftrace · ${parsed.meta.name || parsed.meta.source || "profile"} · ${parsed.meta.event_count.toLocaleString()} events`,
  ]);
  const tabs = el("div", { class: "tft-tabs", role: "tablist" });
  app.append(title, tabs);
  root.replaceChildren(app);
  const views: HTMLElement[] = [];
  const buttons = new Map<string, HTMLButtonElement>();
  for (const [name, label] of VIEWS) {
    const view = el("div", { class: "tft-view", "data-tftrace-view": name, role: "tabpanel" });
    const button = el("button", { role: "tab", "data-tftrace-tab": name }, [label]);
    button.addEventListener("click", () => {
      views.forEach((v) => (v.hidden = v !== view));
      tabs.querySelectorAll("button").forEach((b) => b.classList.toggle("tft-active", b === button));
      window.dispatchEvent(new Event("resize"));
    });
    tabs.append(button);
    app.append(view);
    views.push(view);
    buttons.set(name, button);
  }
  // the button that asked is hidden with its view: keep the keyboard (Escape) in the app
  bus.openView = (name) => {
    buttons.get(name)?.click();
    app.focus({ preventScroll: true });
  };
  // Draw every view (hidden ones at a default width) so all are ready at once.
  VIEWS.forEach(([name, , renderer], i) => {
    try {
      renderer(views[i], data, bus, links);
    } catch (error) {
      // one broken view must not take the others down; the message is the view's content
      views[i].append(el("div", { class: "tft-warn" }, [`the ${name} view failed: ${String(error)}`]));
      console.error(error);
    }
  });
  views.forEach((v, i) => (v.hidden = i !== 0));
  (tabs.firstChild as HTMLElement).classList.add("tft-active");
  return data;
}
