// Renders every view of one profile into a root element, with tabs and linked selection.
// Used alike by the HTML report, the notebook output and the JupyterLab mime renderer.

import { SelectionBus } from "./bus";
import { el } from "./dom";
import { Data, Payload, decode } from "./payload";
import { injectStyles } from "./styles";
import { renderFlame } from "./views/flame";
import { renderGraph } from "./views/graph";
import { renderSummary } from "./views/summary";
import { renderFunctions, renderKernels, renderOps } from "./views/tables";
import { renderTimeline } from "./views/timeline";

type Renderer = (root: HTMLElement, data: Data, bus: SelectionBus) => void;

export const VIEWS: [string, string, Renderer][] = [
  ["summary", "Summary", (root, data) => renderSummary(root, data)],
  ["ops", "Ops", renderOps],
  ["kernels", "GPU kernels", renderKernels],
  ["functions", "tf.functions", renderFunctions],
  ["graph", "Op graph", renderGraph],
  ["flame", "Flame graph", renderFlame],
  ["timeline", "Timeline", renderTimeline],
];

export async function render(root: HTMLElement, payload: Payload | string): Promise<Data> {
  injectStyles(root.ownerDocument);
  const parsed: Payload = typeof payload === "string" ? JSON.parse(payload) : payload;
  const data = await decode(parsed);
  const bus = new SelectionBus();
  const app = el("div", { class: "tft-app", "data-tftrace-app": "true" });
  const title = el("div", { class: "tft-title" }, [
    `tftrace · ${parsed.meta.name || parsed.meta.source || "profile"} · ${parsed.meta.event_count.toLocaleString()} events`,
  ]);
  const tabs = el("div", { class: "tft-tabs", role: "tablist" });
  app.append(title, tabs);
  root.replaceChildren(app);
  const views: HTMLElement[] = [];
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
  }
  // Draw every view (hidden ones at a default width) so all are ready at once.
  VIEWS.forEach(([name, , renderer], i) => {
    try {
      renderer(views[i], data, bus);
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
