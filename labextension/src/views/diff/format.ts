// Comparison view, the words and numbers on screen: one time format for every cell (ms at
// and above a millisecond, else µs, so a column reads in two units only), the signed delta
// (a true minus sign), B/A with its interval ("1.42× [1.21–1.66]"), and each verdict's
// word, glyph and colour class (colour never alone).

import type { RowKind, Verdict } from "./model";

const MINUS = "\u2212";

function known(x: number | null | undefined): x is number {
  return typeof x === "number" && isFinite(x);
}

// "41.23 ms", "45.6 µs"; "—" when there is no value.
export function fmtTime(us: number | null | undefined): string {
  if (!known(us)) return "\u2014";
  const abs = Math.abs(us);
  const text = abs >= 999.95 ? `${(abs / 1000).toFixed(2)} ms` : `${abs.toFixed(1)} \u00b5s`;
  return us < 0 ? `${MINUS}${text}` : text;
}

export function fmtMs(ms: number | null | undefined): string {
  return known(ms) ? fmtTime(ms * 1000) : "\u2014";
}

// "+1.23 ms", "−45.6 µs", "0.0 µs".
export function fmtDelta(us: number | null | undefined): string {
  if (!known(us)) return "\u2014";
  const text = fmtTime(Math.abs(us));
  return us > 0 ? `+${text}` : us < 0 ? `${MINUS}${text}` : text;
}

export function fmtFactor(x: number): string {
  return x >= 0.1 ? x.toFixed(2) : x.toPrecision(2);
}

// "1.42× [1.21–1.66]", or "1.42×" without an interval; "—" without a ratio.
export function fmtRatio(ratio: number | null | undefined, low?: number | null, high?: number | null): string {
  if (!known(ratio)) return "\u2014";
  const interval = known(low) && known(high) ? ` [${fmtFactor(low)}\u2013${fmtFactor(high)}]` : "";
  return `${fmtFactor(ratio)}\u00d7${interval}`;
}

export function fmtPct(pct: number | null | undefined): string {
  if (!known(pct)) return "";
  return pct > 0 && pct < 0.1 ? "<0.1%" : `${pct.toFixed(1)}%`;
}

export function fmtCount(n: number | null | undefined): string {
  return known(n) ? n.toLocaleString("en-US") : "\u2014";
}

const WORDS: Record<Verdict, string> = {
  slower: "slower", faster: "faster", same: "no detectable change", new: "new", gone: "gone",
};
const GLYPHS: Record<Verdict, string> = { slower: "\u25b2", faster: "\u25bc", same: "=", new: "+", gone: "\u2212" };

export function verdictWord(verdict: Verdict | null | undefined): string {
  return (verdict && WORDS[verdict]) || "unknown";
}

export function verdictGlyph(verdict: Verdict | null | undefined): string {
  return (verdict && GLYPHS[verdict]) || "?";
}

// The CSS class that colours a verdict (style.ts).
export function verdictClass(verdict: Verdict | null | undefined): string {
  return `tft-df-v-${verdict && WORDS[verdict] ? verdict : "unknown"}`;
}

const KINDS: Record<RowKind, string> = { op: "op", function: "tf.function", category: "step part" };

export function kindLabel(kind: RowKind | string): string {
  return KINDS[kind as RowKind] || String(kind);
}
