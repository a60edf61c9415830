// The workers of a multi-worker capture (summary page): which requested worker was captured
// or is missing (and why), each worker's steps, its time in collectives split into waiting
// for the slowest peer and transfer, how often it started a collective last, and the clock
// offset that puts it on the first worker's clock (estimated from the collectives).

import { el, fmtUs } from "../dom";
import type { Workers } from "../payload";

const td = (text: string, attrs: Record<string, string> = {}) => el("td", attrs, [text]);

function share(part: number, whole: number): string {
  return whole > 0 ? ` (${((100 * part) / whole).toFixed(0)}%)` : "";
}

function offsetText(w: Workers, host: string): string {
  const clock = w.clock;
  if (!clock || !(host in clock.offsets_us)) return "-";
  if (host === clock.reference) return "reference";
  const spread = clock.spread_us[host];
  return `${clock.offsets_us[host] >= 0 ? "+" : "−"}${fmtUs(Math.abs(clock.offsets_us[host]))}` +
    (spread === null || spread === undefined ? " (session starts only)" : ` ± ${fmtUs(spread)}`);
}

export function workersBlock(w: Workers | undefined): HTMLElement | null {
  const requested = (w && w.requested) || [];
  const rows = (w && w.rows) || [];
  if (!w || (!requested.length && rows.length < 2)) return null;
  const box = el("div", { "data-tftrace-workers": "" });
  const captured = requested.filter((r) => r.status === "captured").length;
  box.append(el("h3", {}, [requested.length ? `Workers: ${captured} of ${requested.length} captured` : "Workers"]));
  const byHost = new Map(rows.map((r) => [r.host, r]));
  const head = ["worker", "address", "status", "steps", "median step", "in collectives", "waiting for peers",
    "transfer", "started last", "clock offset"];
  const table = el("table", { class: "tft-gpu" }, [el("tr", {}, head.map((h) => el("th", {}, [h])))]);
  const listed = requested.length ? requested : rows.map((r) => ({ address: "", host: r.host, status: "captured", reason: "" }));
  for (const req of listed) {
    const r = req.host ? byHost.get(req.host) : undefined;
    const missing = req.status !== "captured";
    table.append(el("tr", { "data-worker": req.address || req.host, "data-status": req.status }, [
      td(req.host || "-"), td(req.address || "-"),
      td(missing ? `missing: ${req.reason}` : "captured", missing ? { class: "tft-error" } : {}),
      td(r ? r.steps.toLocaleString() : "-"),
      td(r && r.steps ? fmtUs(r.step_median_us) : "-"),
      td(r ? fmtUs(r.collective_us) : "-"),
      td(r ? fmtUs(r.waiting_us) + share(r.waiting_us, r.collective_us) : "-"),
      td(r ? fmtUs(r.transfer_us) : "-"),
      td(r && r.instances ? `${r.last_to_start} of ${r.instances}` : "-"),
      td(r ? offsetText(w, r.host) : "-"),
    ]));
  }
  box.append(table);
  if (w.clock && rows.length > 1) {
    box.append(el("div", { class: "tft-muted" }, [
      `One clock: each worker's times are moved onto ${w.clock.reference}'s by the offset shown (${w.clock.method}; ` +
        `± the median deviation of the paired collectives). Waiting: from a worker's start of a collective until ` +
        `the last worker started it.`]));
  }
  return box;
}
