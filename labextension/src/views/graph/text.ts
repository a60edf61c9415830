// Op graph view, label text: measuring text width for box sizes (canvas, cached),
// clipping long labels, the last name component and plural counts. No DOM output.

const MAX_CHARS = 34;

let measureCtx: CanvasRenderingContext2D | null | undefined;
const widthCache = new Map<string, number>();

export function textWidth(text: string, font: string, charW: number): number {
  const key = font + "\u0000" + text;
  const hit = widthCache.get(key);
  if (hit !== undefined) return hit;
  if (measureCtx === undefined) {
    try {
      measureCtx = document.createElement("canvas").getContext("2d");
    } catch {
      measureCtx = null;
    }
  }
  let w = text.length * charW;
  if (measureCtx) {
    measureCtx.font = font;
    const m = measureCtx.measureText(text).width;
    if (m > 0) w = Math.max(m, text.length * charW * 0.8);
  }
  if (widthCache.size > 20000) widthCache.clear();
  widthCache.set(key, w);
  return w;
}

export function clip(text: string, max = MAX_CHARS): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

export function lastPart(name: string): string {
  const i = name.lastIndexOf("/");
  const last = i >= 0 ? name.slice(i + 1) : name;
  return last || name || "(unnamed)";
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : /(x|s|ch|sh)$/.test(word) ? "es" : "s"}`;
}
