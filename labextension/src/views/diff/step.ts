// Comparison view, step time first: A's and B's mean step time over the compared steps, B/A with its interval and the verdict (glyph, word and colour),
// then the chart of every step time (chart.ts) with its legend. Without step times on
// both sides, one line says so (the notes say why).

import { el } from "../../dom";
import { StepStrip } from "./chart";
import { fmtMs, fmtRatio, verdictClass, verdictGlyph, verdictWord } from "./format";
import type { Diff, DiffStep, Verdict } from "./model";

export function verdictBadge(verdict: Verdict | null | undefined): HTMLElement {
  return el("span", { class: `tft-df-verdict ${verdictClass(verdict)}`, "data-verdict": verdict || "" }, [
    `${verdictGlyph(verdict)} ${verdictWord(verdict)}`,
  ]);
}

function compared(step: DiffStep | null | undefined): step is DiffStep {
  return !!step && typeof step.a_ms === "number" && typeof step.b_ms === "number";
}

function numbers(step: DiffStep): HTMLElement {
  return el("div", { class: "tft-df-stepline" }, [
    el("span", { class: "tft-df-muted" }, ["mean step time"]),
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

function legend(step: DiffStep): HTMLElement {
  const key = (cls: string, text: string) => el("span", { class: "tft-df-lkey" }, [el("span", { class: cls }), text]);
  const keys = [key("tft-df-dot", "a compared step"), key("tft-df-meanbar", "mean of the compared steps"),
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
  const chart = new StepStrip(step);
  box.append(numbers(step), chart.el, legend(step));
  return { el: box, chart };
}
