// Comparison view, the header: runs A (older) and B (newer) with name, run id and
// creation time, where their steps came from, how many steps each side compared and
// which it set aside (warm-up, outliers); then the method's sentence and the notes.

import { el } from "../../dom";
import type { Diff, DiffSide, StepSet } from "./model";
import { countOf, numbersOf } from "./model";

const MAX_LISTED = 8;

function stepSourceText(side: DiffSide): string {
  if (side.step_source === "markers") return "steps from step markers";
  if (side.step_source === "function") return `steps are the calls of tf.function ${side.step_function || "(unnamed)"}`;
  if (side.step_source === "none") return "no steps found";
  return side.step_source ? `steps from ${side.step_source}` : "";
}

// "warm-up step 1", "outlier steps 17, 23", "2 outlier steps" (when only counted).
function setAsideText(label: string, set: StepSet): string {
  const count = countOf(set);
  if (!count) return "";
  const numbers = numbersOf(set);
  const plural = count === 1 ? "step" : "steps";
  if (!numbers) return `${count} ${label} ${plural}`;
  const listed = numbers.slice(0, MAX_LISTED).join(", ");
  return `${label} ${plural} ${listed}${numbers.length > MAX_LISTED ? ` \u2026 (${count})` : ""}`;
}

function stepsText(side: DiffSide): string {
  const steps = side.steps || {};
  const used = countOf(steps.used);
  const total = countOf(steps.total);
  if (used === null) return "";
  const compared = `${used.toLocaleString("en-US")}${total !== null ? ` of ${total.toLocaleString("en-US")}` : ""} steps compared`;
  const aside = [setAsideText("warm-up", steps.warmup), setAsideText("outlier", steps.outliers)].filter(Boolean);
  return aside.length ? `${compared}; set aside: ${aside.join(", ")}` : compared;
}

function sideLine(letter: "A" | "B", side: DiffSide, role: string): HTMLElement {
  const id = [side.run_id ? `run ${side.run_id}` : "", side.created ? `created ${side.created}` : ""].filter(Boolean);
  const facts = [stepSourceText(side), stepsText(side)].filter(Boolean);
  return el("div", { class: "tft-df-side", "data-side": letter.toLowerCase() }, [
    el("span", { class: `tft-df-letter tft-df-letter-${letter.toLowerCase()}`, title: role }, [letter]),
    el("div", {}, [
      el("div", {}, [
        el("b", { class: "tft-df-run" }, [side.name || side.run_id || side.source || "(unnamed run)"]),
        el("span", { class: "tft-df-muted" }, [id.length ? `  \u00b7 ${id.join(" \u00b7 ")}` : ""]),
      ]),
      el("div", { class: "tft-df-muted tft-df-steps" }, [facts.join(" \u00b7 ")]),
    ]),
  ]);
}

export function header(diff: Diff): HTMLElement {
  const box = el("div", { class: "tft-df-head" }, [
    el("div", { class: "tft-df-title" }, ["Comparison of two runs: B against A"]),
    sideLine("A", diff.a, "A: the older run, the baseline"),
    sideLine("B", diff.b, "B: the newer run, compared against A"),
  ]);
  if (diff.method && diff.method.text) box.append(el("div", { class: "tft-df-method" }, [diff.method.text]));
  const notes = (diff.notes || []).filter((n) => typeof n === "string" && n);
  if (notes.length) {
    box.append(el("ul", { class: "tft-df-notes" }, notes.map((n) => el("li", {}, [n]))));
  }
  return box;
}
