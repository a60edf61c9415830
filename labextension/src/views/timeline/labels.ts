// Event names as text: the string table made safe for every event (ids outside it read
// as one "?" name), label fitting for event boxes (cut by an estimate from the full
// width, measured once per string id) and ellipsis for lane, device and axis texts
// (measured, cached per font, width and text). Text is only drawn with fillText or set
// with textContent by the callers, never parsed as HTML.

import type { Timeline } from "../../payload";

export function safeNames(tl: Timeline, strings: string[]): { names: Int32Array; strs: string[] } {
  let names = tl.name;
  let strs = strings;
  for (let i = 0; i < tl.count; i++) {
    const id = names[i];
    if (!(id >= 0 && id < strings.length)) {
      strs = strings.concat(["?"]);
      names = names.map((v) => (v >= 0 && v < strings.length ? v : strings.length));
      break;
    }
  }
  return { names, strs };
}

export class Labels {
  private readonly textWidth: Float32Array;
  private readonly ellipsized = new Map<string, string>();

  constructor(private readonly strs: string[]) {
    this.textWidth = new Float32Array(strs.length).fill(-1);
  }

  name(id: number): string {
    return this.strs[id] ?? "";
  }

  // The name of string `id` fitted to `avail` px (null if not even two characters fit).
  fit(c: CanvasRenderingContext2D, id: number, avail: number): string | null {
    const name = this.name(id);
    if (!name) return null;
    let full = this.textWidth[id];
    if (full < 0) full = this.textWidth[id] = c.measureText(name).width;
    if (full <= avail) return name;
    const chars = Math.floor((0.9 * name.length * (avail - 8)) / full) - 1;
    return chars >= 2 ? name.slice(0, chars) + "\u2026" : null;
  }

  ellipsize(c: CanvasRenderingContext2D, text: string, avail: number): string {
    const key = `${c.font}\u0000${avail}\u0000${text}`;
    const known = this.ellipsized.get(key);
    if (known !== undefined) return known;
    const fitted = ellipsizeNow(c, text, avail);
    if (this.ellipsized.size < 4096) this.ellipsized.set(key, fitted);
    return fitted;
  }
}

function ellipsizeNow(c: CanvasRenderingContext2D, text: string, avail: number): string {
  if (c.measureText(text).width <= avail) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (c.measureText(text.slice(0, mid) + "\u2026").width <= avail) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo) + "\u2026";
}
