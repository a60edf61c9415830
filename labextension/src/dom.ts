// DOM helpers. Every name from a profile is set with textContent (never innerHTML),
// so op names, kernel names with <...> and file names with quotes render as text.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(typeof child === "string" ? document.createTextNode(child) : child);
  return node;
}

export function fmtUs(us: number): string {
  if (!isFinite(us)) return "-";
  if (us >= 1e6) return `${(us / 1e6).toFixed(2)} s`;
  if (us >= 1e3) return `${(us / 1e3).toFixed(2)} ms`;
  if (us >= 1) return `${us.toFixed(1)} µs`;
  return `${(us * 1e3).toFixed(0)} ns`;
}

export function fmtBytes(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(2)} GiB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(2)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} B`;
}

export function markReady(root: HTMLElement): void {
  root.setAttribute("data-tftrace-ready", "true");
}

// Width for canvases drawn while their tab is hidden (clientWidth 0).
export function widthOf(node: HTMLElement, fallback = 1000): number {
  return node.clientWidth || (node.parentElement && node.parentElement.clientWidth) || fallback;
}

// A stable colour per string (hue from a hash), for flame and timeline boxes.
export function colorFor(name: string, saturation = 55, lightness = 62): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return `hsl(${Math.abs(h) % 360}, ${saturation}%, ${lightness}%)`;
}

export const DEVICE_COLORS: Record<string, string> = { cpu: "#4a7fb5", gpu: "#d9822b", other: "#888" };

export function deviceKind(device: string): string {
  if (/GPU/i.test(device)) return "gpu";
  if (/CPU|host/i.test(device)) return "cpu";
  return "other";
}

// Size a canvas for CSS pixels w x h at the device pixel ratio.
export function resizeCanvas(canvas: HTMLCanvasElement, w: number, h: number, ratio: number): void {
  canvas.width = Math.round(w * ratio);
  canvas.height = Math.round(h * ratio);
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
}

// A chart's canvas sized to its container (at least minW css px wide, h tall) at the device's pixel
// ratio, resized only when that changed since cssW: its css width and its 2d context with the
// device-pixel transform set and the canvas cleared (null without a context).
export function chartCanvas(
  canvas: HTMLCanvasElement, container: HTMLElement, minW: number, h: number, cssW: number,
): { w: number; ctx: CanvasRenderingContext2D } | null {
  const w = Math.max(Math.floor(widthOf(container)), minW);
  const ratio = window.devicePixelRatio || 1;
  if (w !== cssW || canvas.height !== Math.round(h * ratio)) resizeCanvas(canvas, w, h, ratio);
  const ctx = canvas.getContext("2d");
  if (!ctx) return null;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { w, ctx };
}

// Position of the last value <= t in ascending ``values`` (-1 when t comes before them all).
export function lastAtOrBefore(values: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = values.length - 1;
  if (hi < 0 || t < values[0]) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (values[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// Coalesce redraw requests into one per animation frame.
export function frameScheduler(frame: () => void): () => void {
  let pending = 0;
  return () => {
    if (pending) return;
    pending = requestAnimationFrame(() => {
      pending = 0;
      frame();
    });
  };
}

// Show a tooltip near the pointer inside `box`, flipped left when it would overflow.
export function placeTooltip(tip: HTMLElement, box: HTMLElement, clientX: number, clientY: number): void {
  tip.style.display = "block";
  const rect = box.getBoundingClientRect();
  let x = clientX - rect.left + 14;
  const y = clientY - rect.top + 14;
  const tw = tip.offsetWidth;
  if (x + tw > rect.width) x = Math.max(0, clientX - rect.left - tw - 10);
  tip.style.left = `${x}px`;
  tip.style.top = `${y}px`;
}
