// Comparison view, one table row: what (kind), the name (A's; "→ B: …" under it when the
// match renamed it; op type, layer and share of the step in small type), A and B per step
// (tf.functions: per call, with their call counts), the signed delta, B/A with its
// interval ("new" / "gone" instead for rows on one side only), the verdict and the note.
// Every string from the JSON goes in as text.

import { el } from "../../dom";
import { fmtCount, fmtDelta, fmtPct, fmtRatio, fmtTime, kindLabel, verdictClass } from "./format";
import type { DiffRow } from "./model";
import { APPEARED, CHANGED, layerName } from "./model";
import { verdictBadge } from "./step";

export const COLUMNS: [string, string, string][] = [
  ["what", "", "op, tf.function or step part (the step's wall time split by what was running)"],
  ["name", "", "A's name; \u201c\u2192 B:\u201d gives B's when the match renamed it"],
  ["A", "num", "per step (tf.functions: per call, tracing calls excluded)"],
  ["B", "num", "per step (tf.functions: per call, tracing calls excluded)"],
  ["\u0394 B \u2212 A", "num", "B minus A, per step (tf.functions: per call)"],
  ["B/A [interval]", "num", "B over A with its interval"],
  ["verdict", "", "slower / faster only when the change stands out from run-to-run noise"],
  ["note", "", ""],
];

// The row's own name: A's (B's for a new row), exactly as the JSON gives it.
export function displayName(row: DiffRow): string {
  return String(row.key);
}

// A scoped name as text nodes with a line-break opportunity after each "/" (<wbr>), so long
// names wrap between scopes rather than mid-word.
export function breakable(name: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  name.split(/(?<=\/)/).forEach((part, i) => {
    if (i) out.push(el("wbr"));
    out.push(part);
  });
  return out;
}

function nameCell(row: DiffRow): HTMLElement {
  const cell = el("td", { class: "tft-df-name" }, [el("div", { class: "tft-df-key" }, breakable(displayName(row)))]);
  if (row.b_key && row.b_key !== row.key) {
    cell.append(el("div", { class: "tft-df-bkey" }, ["\u2192 B:\u00a0", ...breakable(row.b_key)]));
  }
  const share = fmtPct(row.share_pct);
  const facts = [row.type || "", layerName(row.layer) ? `layer ${layerName(row.layer)}` : "",
    share ? `${share} of ${row.verdict === "new" ? "B" : "A"}'s step` : ""].filter(Boolean);
  if (facts.length) cell.append(el("div", { class: "tft-df-meta" }, [facts.join(" \u00b7 ")]));
  return cell;
}

// A or B: "—" on the side a new or gone row does not exist on.
function timeCell(row: DiffRow, side: "a" | "b"): HTMLElement {
  const absent = row.verdict === (side === "a" ? "new" : "gone");
  const us = side === "a" ? row.a_us : row.b_us;
  const calls = side === "a" ? row.a_calls : row.b_calls;
  const cell = el("td", { class: "num" }, [absent ? "\u2014" : fmtTime(us)]);
  if (row.kind === "function" && !absent) {
    const count = typeof calls === "number" ? `${fmtCount(calls)}\u00a0call${calls === 1 ? "" : "s"}` : "";
    cell.append(el("div", { class: "tft-df-meta" }, [["per\u00a0call", count].filter(Boolean).join(" \u00b7 ")]));
  }
  return cell;
}

function ratioCell(row: DiffRow): HTMLElement {
  if (APPEARED.has(row.verdict)) return el("td", { class: `num ${verdictClass(row.verdict)}` }, [row.verdict]);
  return el("td", { class: "num" }, [fmtRatio(row.ratio, row.low, row.high)]);
}

export function rowElement(row: DiffRow): HTMLTableRowElement {
  const deltaClass = CHANGED.has(row.verdict) ? verdictClass(row.verdict) : "tft-df-muted";
  const tr = el("tr", { class: "tft-df-row", "data-kind": row.kind, "data-verdict": row.verdict }, [
    el("td", { class: "tft-df-kind" }, [kindLabel(row.kind)]),
    nameCell(row),
    timeCell(row, "a"),
    timeCell(row, "b"),
    el("td", { class: `num tft-df-delta ${deltaClass}` }, [fmtDelta(row.delta_us)]),
    ratioCell(row),
    el("td", {}, [verdictBadge(row.verdict)]),
    el("td", { class: "tft-df-note" }, [row.note || ""]),
  ]);
  return tr;
}
