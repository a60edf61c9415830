// Flame graph, looks: sizes, fonts, what each node kind is called, what each named
// remainder means, and the fill of every kind (made for a light background, darkened on
// dark themes by theme.shade; remainders hatched in the theme's greys, so time that no op
// measured never reads as an op). The stylesheet is style/flame.css.

import { DEVICE_COLORS, colorFor, deviceKind } from "../../dom";
import type { FlameNode } from "../../payload";
import type { Theme } from "../../theme";

export const ROW_H = 18;
export const MIN_BOX_W = 0.5; // px; narrower boxes (and their subtrees) are not drawn
export const LABEL_MIN_W = 22;
export const MAX_VIEW_H = 640;
export const FONT = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
export const REMAINDER_FONT = "italic 11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

export const KIND_LABEL: Record<string, string> = {
  python: "Python frame",
  function: "tf.function call",
  tensorflow: "TensorFlow internals",
  op: "TensorFlow op",
  kernel: "GPU kernel",
  remainder: "remainder \u2014 time the function's samples hold beyond its measured ops",
  device: "device",
  type: "op type",
  root: "all samples",
};

// What each named remainder holds.
export const REMAINDER_NOTE: Record<string, string> = {
  "tracing / graph building": "Python time tracing the function into a graph (its first call and every retrace)",
  "runtime and dispatch": "TensorFlow's executor and op dispatch around the measured ops",
  "waiting for input": "the step waiting for its input pipeline (tf.data)",
  unaccounted: "time the samples show but no measurement explains",
};

export function isRemainder(node: FlameNode): boolean {
  return node.kind === "remainder";
}

// The text drawn in a box: remainders say what they are.
export function labelOf(node: FlameNode): string {
  const name = String(node.name);
  return isRemainder(node) ? `remainder: ${name}` : name;
}

export function hueOf(text: string): number {
  const m = /hsl\((\d+)/.exec(colorFor(text));
  return m ? Number(m[1]) : 0;
}

// "#rgb" / "#rrggbb" mixed with white by `amount` (0..1).
function lighten(hex: string, amount: number): string {
  let h = hex.replace("#", "");
  if (h.length === 3) h = h.split("").map((c) => c + c).join("");
  const n = parseInt(h, 16);
  if (h.length !== 6 || isNaN(n)) return hex;
  const mix = (v: number) => Math.round(v + (255 - v) * amount);
  return `rgb(${mix((n >> 16) & 255)}, ${mix((n >> 8) & 255)}, ${mix(n & 255)})`;
}

// The fill of a box (remainders get the hatch pattern instead, see hatch()).
export function colorOf(node: FlameNode, device: string): string {
  switch (node.kind) {
    case "python": {
      const hue = hueOf(node.file || node.name);
      return `hsl(${22 + (hue % 34)}, ${28 + (hue % 5) * 6}%, ${70 + (hue % 3) * 4}%)`;
    }
    case "function":
      return `hsl(${262 + (hueOf(node.name) % 18)}, 48%, 74%)`;
    case "op":
      if (device) return lighten(DEVICE_COLORS[deviceKind(device)] ?? DEVICE_COLORS.other, 0.38 + (hueOf(node.name) % 4) * 0.07);
      return colorFor(node.name);
    case "kernel":
      return `hsl(${20 + (hueOf(node.name) % 16)}, 86%, ${60 + (hueOf(node.name) % 3) * 4}%)`;
    case "remainder":
      return "#e9ebef";
    case "tensorflow":
      return "#c3d6cf"; // TensorFlow internals: grey-green, apart from the blue CPU ops
    case "root":
      return "#d3d8df";
    case "device":
      return "#9fb8d6";
    case "type":
      return "#c6d5e8";
    default:
      return colorFor(node.name);
  }
}

// Diagonal hatching for remainder boxes in the theme's greys (a pattern in device pixels).
export function hatch(ctx: CanvasRenderingContext2D, dpr: number, theme: Theme): CanvasPattern | string {
  const size = Math.max(6, Math.round(6 * dpr));
  const tile = document.createElement("canvas");
  tile.width = tile.height = size;
  const t = tile.getContext("2d");
  if (!t) return theme.dim;
  t.fillStyle = theme.dim;
  t.fillRect(0, 0, size, size);
  t.strokeStyle = theme.border;
  t.lineWidth = Math.max(1, dpr);
  t.beginPath();
  for (const o of [-size, 0, size]) {
    t.moveTo(o, size);
    t.lineTo(o + size, 0);
  }
  t.stroke();
  const pattern = ctx.createPattern(tile, "repeat");
  if (!pattern) return theme.dim;
  // the canvas is drawn in CSS pixels (scaled by dpr): undo that for the tile
  if (typeof DOMMatrix !== "undefined" && pattern.setTransform) pattern.setTransform(new DOMMatrix().scale(1 / dpr, 1 / dpr));
  return pattern;
}
