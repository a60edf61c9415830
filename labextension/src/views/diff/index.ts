// Comparison view of two runs (tftrace.diff/1): the header (runs A and B, the steps each
// compared and set aside, the method, the notes), step time first (step.ts, chart.ts),
// then the ops, tf.functions and step parts that changed (table.ts). Used by the
// JupyterLab sidebar's compare panel and the standalone comparison report alike. The
// root carries data-tftrace-view="diff" and data-tftrace-ready="true" once drawn (also
// when the JSON is not a comparison: then its one line says why).

import { el, markReady } from "../../dom";
import { injectStyles } from "../../styles";
import { header } from "./header";
import { parseDiff } from "./model";
import { stepSection } from "./step";
import { RowsTable } from "./table";

export { DIFF_SCHEMA } from "./model";
export type { Diff } from "./model";

// Redraw the chart when its width changes (the panel is resized or shown).
function keepDrawn(view: HTMLElement, draw: () => void): void {
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => view.isConnected && draw()).observe(view);
  draw();
}

export function renderDiff(root: HTMLElement, input: unknown): HTMLElement {
  injectStyles(root.ownerDocument);
  const view = el("div", { class: "tft-df", "data-tftrace-view": "diff" });
  root.replaceChildren(view);
  try {
    const diff = parseDiff(input);
    const step = stepSection(diff);
    view.append(header(diff), step.el, new RowsTable(diff.rows).el);
    const chart = step.chart;
    if (chart) keepDrawn(view, () => chart.draw());
  } catch (error) {
    view.replaceChildren(el("div", { class: "tft-df-error" }, [`tftrace: cannot show this comparison: ${String(error)}`]));
    view.setAttribute("data-tftrace-error", "true");
    console.error(error);
  }
  markReady(view);
  return view;
}
