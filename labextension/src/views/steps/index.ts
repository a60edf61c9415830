// Steps view: what each step's wall time went to. Above, where the steps come from (step
// markers or the calls of one tf.function) and why; then the stacked bar chart (chart.ts)
// with its legend (each category's share of all step time), the picked step's line with
// a button to see it on the timeline, and the table of steps (step, start, wall, each
// category). Picking a step (bar, table row, a finding's step, the timeline's step strip)
// selects its time range on the bus: the timeline zooms to it. With no steps, the reason.

import type { SelectionBus } from "../../bus";
import { el, fmtUs, markReady } from "../../dom";
import type { Data, StepRow } from "../../payload";
import { Column, Row, VirtualTable } from "../tables/table";
import { StepChart } from "./chart";
import { categoryColor, categoryLabel, categoryLegend, categoryShort, median, pct, sourceLabel } from "./model";

export function renderSteps(root: HTMLElement, data: Data, bus: SelectionBus): void {
  const steps = data.steps;
  const box = el("div", { class: "tft-st" });
  root.replaceChildren(box);
  if (!steps.rows.length) {
    const why = steps.reason || "this profile has no step information (recorded before tftrace found steps)";
    box.append(el("div", { class: "tft-empty tft-st-none" }, [`No steps found: ${why}`]));
    markReady(root);
    return;
  }

  const rows = steps.rows;
  const walls = rows.map((r) => r.wallUs);
  const total = walls.reduce((a, b) => a + b, 0);
  const shown = rows.length < steps.count ? ` (the first ${rows.length.toLocaleString()} shown)` : "";
  box.append(
    el("div", { class: "tft-st-head" }, [
      el("b", {}, [`${steps.count.toLocaleString()} steps`]),
      ` from ${sourceLabel(steps)}${shown} \u00b7 median ${fmtUs(median(walls))} \u00b7 total ${fmtUs(total)}`,
    ]),
  );
  if (steps.reason) box.append(el("div", { class: "tft-st-reason" }, [steps.reason]));

  // legend: each category's share of all step time
  const legend = el("div", { class: "tft-st-legend" });
  steps.categories.forEach((c, k) => {
    const us = rows.reduce((a, r) => a + r.parts[k], 0);
    const swatch = el("span", { class: "tft-st-sw" });
    swatch.style.background = categoryColor(c);
    legend.append(
      el("span", { class: "tft-st-key", title: `${categoryLabel(c)}: ${fmtUs(us)} in all steps`, "data-category": c }, [
        swatch, `${categoryLegend(c)} `, el("span", { class: "tft-muted" }, [pct(us, total)]),
      ]),
    );
  });
  const fit = el("input", { type: "checkbox" });
  const fitLabel = el("label", { class: "tft-st-fit", title: "scale the chart to the tallest step instead of cutting it" }, [
    fit, " fit the tallest step",
  ]);

  let selected = -1;
  const pick = (i: number) => {
    if (i === selected) bus.selectRange(null, "steps");
    else {
      const r = rows[i];
      bus.selectRange({ startUs: r.startUs, endUs: r.startUs + r.wallUs, step: i }, "steps");
    }
  };
  const chart = new StepChart(steps, pick);
  fit.addEventListener("change", () => chart.setFitAll(fit.checked));

  const detail = el("div", { class: "tft-st-detail" });
  const showDetail = () => {
    if (selected < 0) {
      detail.replaceChildren(el("span", { class: "tft-muted" }, ["click a bar or a row to pick a step; it is also selected on the timeline"]));
      return;
    }
    const r = rows[selected];
    const go = el("button", { type: "button", class: "tft-st-go" }, ["show on the timeline \u2192"]);
    go.addEventListener("click", () => bus.openView("timeline"));
    const parts: (Node | string)[] = [
      el("b", {}, [`step ${r.step}`]),
      `${r.name && r.name !== `step ${r.step}` ? ` (${r.name})` : ""}: ${fmtUs(r.wallUs)}, from ${fmtUs(r.startUs)} to ${fmtUs(r.startUs + r.wallUs)} on the timeline `,
      go,
    ];
    if (r.outlier) parts.push(el("div", { class: "tft-st-out" }, [`\u25bc outlier: ${r.outlier}`]));
    detail.replaceChildren(...parts);
  };

  box.append(el("div", { class: "tft-st-bar" }, [legend, fitLabel]), chart.el, detail);

  // the table
  const tableRows: Row[] = rows.map((r: StepRow, i) => {
    const out: Row = { i, step: r.step, name: r.name, start: r.startUs, wall: r.wallUs, outlier: r.outlier };
    steps.categories.forEach((c, k) => (out[`c:${c}`] = r.parts[k]));
    return out;
  });
  const named = rows.some((r) => r.name && r.name !== `step ${r.step}`);
  const columns: Column[] = [{ key: "step", label: "step", kind: "num", width: 58 }];
  if (named) columns.push({ key: "name", label: "name", kind: "text", width: 170, tail: true });
  columns.push(
    { key: "start", label: "start", kind: "us", width: 84, title: "when the step starts, on the timeline's clock" },
    { key: "wall", label: "wall", kind: "us", width: 84, title: "the step's wall time (the sum of its parts)" },
    ...steps.categories.map((c): Column => ({
      key: `c:${c}`, label: categoryShort(c), kind: "us", title: categoryLabel(c),
      width: Math.max(76, Math.round(categoryShort(c).length * 7.8 + 28)),
    })),
    { key: "outlier", label: "outlier", kind: "text", title: "why the step is an outlier (empty if it is not)" },
  );
  const tableBox = el("div", { class: "tft-st-table" });
  box.append(tableBox);
  const table = new VirtualTable(tableBox, tableRows, columns, {
    sortKey: "step", ascending: true, origin: "steps", empty: "no steps", minFlex: 200,
    pick: { selected: (r) => r.i === selected, click: (r) => pick(Number(r.i)) },
  });

  bus.subscribeRange((range) => {
    selected = range && range.step !== undefined && range.step < rows.length ? range.step : -1;
    chart.select(selected);
    showDetail();
    table.showSelection(true);
  });

  showDetail();
  // hidden tabs draw at a fallback width: redraw when shown or resized
  const redraw = () => {
    if (root.isConnected && !root.hidden) chart.draw();
  };
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(redraw).observe(box);
  window.addEventListener("resize", redraw);
  chart.draw();
  markReady(root);
}
