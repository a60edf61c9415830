// Findings, the summary's first block. Each finding is a card: severity badge, title, the user line it is about (a link to the cell in JupyterLab, text in the
// report), the evidence (its numbers) and the fix; the steps it names link to them in the
// steps view. Without findings: one line when steps were found (so there was something to
// judge), else nothing. Every text from the profile goes in textContent.

import type { SelectionBus } from "../bus";
import { el, fmtUs } from "../dom";
import type { Locations } from "../location";
import type { Data, Finding } from "../payload";
import { median, sourceLabel } from "./steps/model";

const MAX_STEP_LINKS = 12;

// "steps 1, 23, 40 (+5 more)": each a button that selects the step and opens the steps view.
function stepLinks(f: Finding, data: Data, bus: SelectionBus): HTMLElement | null {
  const steps = (f.steps || []).slice().sort((a, b) => a - b);
  if (!steps.length) return null;
  const rowOf = new Map(data.steps.rows.map((r) => [r.step, r]));
  const line = el("div", { class: "tft-finding-steps" }, [steps.length === 1 ? "step " : "steps "]);
  steps.slice(0, MAX_STEP_LINKS).forEach((n, i) => {
    if (i) line.append(", ");
    const row = rowOf.get(n);
    if (!row) {
      line.append(String(n));
      return;
    }
    const b = el("button", { type: "button", title: `show step ${n} in the steps view and on the timeline` }, [String(n)]);
    b.addEventListener("click", () => {
      bus.selectRange({ startUs: row.startUs, endUs: row.startUs + row.wallUs, step: row.index }, "summary");
      bus.openView("steps");
    });
    line.append(b);
  });
  const more = steps.length - MAX_STEP_LINKS + (f.steps_omitted || 0);
  if (more > 0) line.append(` (+${more} more)`);
  return line;
}

function card(f: Finding, data: Data, bus: SelectionBus, links: Locations): HTMLElement {
  const severity = ["high", "medium", "low"].includes(f.severity) ? f.severity : "low";
  const head = el("div", { class: "tft-finding-head" }, [
    el("span", { class: `tft-sev tft-sev-${severity}` }, [severity]),
    el("span", { class: "tft-finding-title" }, [f.title || f.kind]),
  ]);
  if (links.canReveal(f.location) || (f.location && (f.location.file || f.location.cell))) {
    head.append(el("span", { class: "tft-finding-loc" }, ["at ", links.node(f.location)]));
  }
  const box = el("div", { class: "tft-finding", "data-kind": f.kind, "data-severity": severity }, [head]);
  if (f.evidence) box.append(el("div", { class: "tft-finding-ev" }, [f.evidence]));
  if (f.fix) box.append(el("div", { class: "tft-finding-fix" }, [el("b", {}, ["Fix: "]), f.fix]));
  const steps = stepLinks(f, data, bus);
  if (steps) box.append(steps);
  return box;
}

// The findings block, or null when there is nothing to say.
export function findingsBlock(data: Data, bus: SelectionBus, links: Locations): HTMLElement | null {
  const findings = data.payload.findings || [];
  const steps = data.steps;
  if (!findings.length) {
    if (!steps.rows.length) return null;
    const walls = steps.rows.map((r) => r.wallUs);
    return el("div", { class: "tft-findings tft-findings-none", "data-tftrace-findings": "0" }, [
      `No problems found: ${steps.count.toLocaleString()} steps (${sourceLabel(steps)}) checked, median step ` +
        `${fmtUs(median(walls))}, none past the findings' thresholds.`,
    ]);
  }
  const box = el("div", { class: "tft-findings", "data-tftrace-findings": String(findings.length) }, [
    el("h3", {}, [findings.length === 1 ? "Finding" : `Findings (${findings.length}, most important first)`]),
  ]);
  for (const f of findings) box.append(card(f, data, bus, links));
  return box;
}
