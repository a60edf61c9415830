// Steps, what the chart and table share: the categories' fixed colours and labels (a
// category keeps its colour in every profile), what the step source means in words, and
// small statistics.

import { colorFor } from "../../dom";
import type { Steps } from "../../payload";

// Fixed per category; an unknown category gets a stable hashed colour.
export const CATEGORY_COLORS: Record<string, string> = {
  input: "#e8a33d",
  tracing: "#d2607a",
  python: "#f2d15c",
  eager_dispatch: "#a678c9",
  host_compute: "#4a7fb5",
  kernel_launch: "#6cc0d1",
  device_compute: "#3f9b5c",
  device_idle: "#cfd4db",
  memcpy_h2d: "#e0743a",
  memcpy_d2h: "#b8912a",
  memcpy_d2d: "#a9774f",
  collectives: "#5b6ee1",
  other: "#9aa3ae",
  gc: "#8d6e63",
};

export const CATEGORY_LABELS: Record<string, string> = {
  input: "input (waiting for data)",
  tracing: "tracing",
  python: "Python (remainder: outside tf.function calls, no op running)",
  eager_dispatch: "eager dispatch",
  host_compute: "host compute",
  kernel_launch: "kernel launch",
  device_compute: "device compute",
  device_idle: "device idle",
  memcpy_h2d: "copy host \u2192 device",
  memcpy_d2h: "copy device \u2192 host",
  memcpy_d2d: "copy device \u2192 device",
  collectives: "collectives",
  other: "TensorFlow runtime (remainder: inside calls, no op running)",
  gc: "Python garbage collection",
};

export function categoryColor(category: string): string {
  return CATEGORY_COLORS[category] || colorFor(category, 45, 60);
}

export function categoryLabel(category: string): string {
  return CATEGORY_LABELS[category] || category.replace(/_/g, " ");
}

const SHORT: Record<string, string> = {
  input: "input", python: "Python", other: "TF runtime", device_compute: "device compute",
  host_compute: "host compute", eager_dispatch: "eager dispatch", kernel_launch: "kernel launch",
  device_idle: "device idle", gc: "GC", memcpy_h2d: "copy H→D", memcpy_d2h: "copy D→H", memcpy_d2d: "copy D→D",
};

// Short labels for the legend and table headers (the long one in their tooltip).
export function categoryShort(category: string): string {
  return SHORT[category] || categoryLabel(category);
}

// Remainders (what no measured interval covers) say so wherever they are named.
export const REMAINDERS = new Set(["other", "python"]);

export function categoryLegend(category: string): string {
  return REMAINDERS.has(category) ? `${categoryShort(category)} (remainder)` : categoryShort(category);
}

// What the steps are, in a few words: "step markers", "calls of train_function".
export function sourceLabel(steps: Steps): string {
  if (steps.source === "repeat") return "repeats of the traced code (--repeat)";
  if (steps.source === "markers") return "step markers";
  if (steps.source === "function") return steps.function ? `calls of ${steps.function}` : "tf.function calls";
  return steps.source;
}

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const v = values.slice().sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const v = values.slice().sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.max(0, Math.round(q * (v.length - 1))))];
}

// A share as "38%", "<1%" for a non-zero share under one percent, "0%" for none.
export function pct(part: number, whole: number): string {
  if (!(whole > 0) || !(part > 0)) return "0%";
  const p = (100 * part) / whole;
  return p < 1 ? "<1%" : `${p.toFixed(0)}%`;
}
