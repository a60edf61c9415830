// Comparison view, step time first: A's and B's step time (the method's statistic, the mean beside it) over the compared steps, B/A with its interval and the verdict (glyph, word and colour),
// then the chart of every step time (chart.ts) with its legend. Without step times on
// both sides, one line says so (the notes say why).

import { el } from "../../dom";
import { StepStrip } from "./chart";
import { fmtMs, fmtRatio, verdictClass, verdictGlyph, verdictWord } from "./format";
import { statisticNames } from "./model";
import type { Diff, DiffStep, Verdict } from "./model";

export function verdictBadge(verdict: Verdict | null | undefined): HTMLElement {
  return el("span", { class: `tft-df-verdict ${verdictClass(verdict)}`, "data-verdict": verdict || "" }, [
    `${verdictGlyph(verdict)} ${verdictWord(verdict)}`,
  ]);
}

function compared(step: DiffStep | null | undefined): step is DiffStep {
  return !!step && typeof step.a_ms === "number" && typeof step.b_ms === "number";
}

function means(step: DiffStep, statistic: string): HTMLElement | null {
  if (statistic === "mean" || typeof step.a_mean_ms !== "number" || typeof step.b_mean_ms !== "number") return null;
  return el("div", { class: "tft-df-muted tft-df-means" }, [
    `mean step time: A ${fmtMs(step.a_mean_ms)} \u2192 B ${fmtMs(step.b_mean_ms)} (slow steps included; the verdict reads the ${statistic})`,
  ]);
}

function numbers(step: DiffStep, statistic: string): HTMLElement {
  return el("div", { class: "tft-df-stepline" }, [
    el("span", { class: "tft-df-muted" }, [`step time, ${statistic}`]),
    el("span", { class: "tft-df-letter tft-df-letter-a" }, ["A"]),
    el("b", { class: "tft-df-step-a" }, [fmtMs(step.a_ms)]),
    el("span", { class: "tft-df-arrow" }, ["\u2192"]),
    el("span", { class: "tft-df-letter tft-df-letter-b" }, ["B"]),
    el("b", { class: "tft-df-step-b" }, [fmtMs(step.b_ms)]),
    el("span", { class: "tft-df-muted tft-df-gap" }, ["B/A"]),
    el("b", { class: "tft-df-step-ratio", title: "B's step time over A's, with its interval" }, [
      fmtRatio(step.ratio, step.low, step.high),
    ]),
    verdictBadge(step.verdict),
  ]);
}

function legend(step: DiffStep, statistic: string): HTMLElement {
  const key = (cls: string, text: string) => el("span", { class: "tft-df-lkey" }, [el("span", { class: cls }), text]);
  const keys = [key("tft-df-dot", "a compared step"), key("tft-df-meanbar", `${statistic} of the compared steps`),
    key("tft-df-ring", "warm-up step (set aside)")];
  if ((step.a_outliers_ms || []).length + (step.b_outliers_ms || []).length) {
    keys.push(key("tft-df-cross", "outlier step (set aside)"));
  }
  return el("div", { class: "tft-df-legend tft-df-muted" }, keys);
}

// The section and its chart (drawn by the caller once in the document).
export function stepSection(diff: Diff): { el: HTMLElement; chart: StepStrip | null } {
  const box = el("section", { class: "tft-df-step", "data-section": "step" }, [el("h3", {}, ["Step time"])]);
  const step = diff.step;
  if (!compared(step)) {
    box.append(el("div", { class: "tft-df-empty" }, ["Step times were not compared: a run has no steps (see the notes above)."]));
    return { el: box, chart: null };
  }
  const names = statisticNames(diff.method);
  const chart = new StepStrip(step, names.short);
  const mean = means(step, names.long);
  box.append(numbers(step, names.long), ...(mean ? [mean] : []), chart.el, legend(step, names.long));
  return { el: box, chart };
}
