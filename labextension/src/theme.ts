// The theme for what CSS does not paint (canvases, SVG labels): the tftrace palette
// (style/variables.css: JupyterLab's --jp-* variables in Lab, light and dark fallbacks
// switched by color-scheme in the report) read from the host element as resolved colours;
// text that reads on any fill (WCAG contrast, black or white by luminance); categorical
// fills made darker on a dark background; and one signal when the theme changes
// (JupyterLab sets data-jp-theme-* on <body>, the report follows prefers-color-scheme).

export type Rgba = [number, number, number, number]; // r, g, b 0..255, alpha 0..1

// Palette entries: CSS custom property of style/variables.css -> light fallback (used before
// the element is in a document, when nothing can be resolved).
const ENTRIES = {
  fg: ["--tft-fg", "#1f2328"],
  muted: ["--tft-muted", "#5c6370"],
  bg: ["--tft-bg", "#ffffff"],
  panel: ["--tft-panel", "#ffffff"],
  head: ["--tft-head", "#f0f2f5"],
  border: ["--tft-border", "#d8dce2"],
  row: ["--tft-row", "#eef0f3"],
  band: ["--tft-band", "#f7f8fa"],
  dim: ["--tft-dim", "#e9ebee"],
  tick: ["--tft-tick", "#9aa3ae"],
  accent: ["--tft-accent", "#d81b60"],
  select: ["--tft-select", "#fff0bf"],
  selectLine: ["--tft-select-line", "#b7860b"],
  bad: ["--tft-bad", "#b3261e"],
  good: ["--tft-good", "#1d6b3a"],
  cpu: ["--tft-cpu", "#4a7fb5"],
  gpu: ["--tft-gpu", "#d9822b"],
} as const;

export type Theme = { [K in keyof typeof ENTRIES]: string } & { dark: boolean; generation: number };

let generation = 0;
const cache = new WeakMap<Element, Theme>();

// ---- colours

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [f(0) * 255, f(8) * 255, f(4) * 255];
}

// A CSS colour as computed styles and canvases write it: #rgb(a), #rrggbb(aa), rgb()/rgba()
// (commas or spaces), hsl()/hsla(), color(srgb r g b / a). Null for anything else.
export function parseColor(text: string): Rgba | null {
  const s = text.trim().toLowerCase();
  let m = /^#([0-9a-f]{3,8})$/.exec(s);
  if (m) {
    let h = m[1];
    if (h.length === 3 || h.length === 4) h = h.split("").map((c) => c + c).join("");
    if (h.length !== 6 && h.length !== 8) return null;
    const n = (i: number) => parseInt(h.slice(i, i + 2), 16);
    return [n(0), n(2), n(4), h.length === 8 ? n(6) / 255 : 1];
  }
  if (s === "transparent") return [0, 0, 0, 0];
  m = /^(rgba?|hsla?|color)\((.*)\)$/.exec(s);
  if (!m) return null;
  let body = m[2].trim();
  let space = "";
  if (m[1] === "color") {
    const sp = /^([a-z0-9-]+)\s+(.*)$/.exec(body);
    if (!sp || (sp[1] !== "srgb" && sp[1] !== "srgb-linear")) return null;
    space = sp[1];
    body = sp[2];
  }
  const parts = body.split(/[\s,/]+/).filter(Boolean);
  if (parts.length < 3) return null;
  const num = (p: string, scale: number) => (p.endsWith("%") ? (parseFloat(p) / 100) * scale : parseFloat(p));
  const alpha = parts.length > 3 ? clamp01(num(parts[3], 1)) : 1;
  let rgb: [number, number, number];
  if (m[1].startsWith("rgb")) rgb = [num(parts[0], 255), num(parts[1], 255), num(parts[2], 255)];
  else if (m[1].startsWith("hsl")) rgb = hslToRgb(parseFloat(parts[0]), num(parts[1], 1) / (parts[1].endsWith("%") ? 1 : 100), num(parts[2], 1) / (parts[2].endsWith("%") ? 1 : 100));
  else {
    const lin = [num(parts[0], 1), num(parts[1], 1), num(parts[2], 1)];
    const enc = (v: number) => (space === "srgb-linear" ? (v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055) : v);
    rgb = [enc(lin[0]) * 255, enc(lin[1]) * 255, enc(lin[2]) * 255];
  }
  if (rgb.some((v) => !isFinite(v)) || !isFinite(alpha)) return null;
  return [Math.round(Math.min(255, Math.max(0, rgb[0]))), Math.round(Math.min(255, Math.max(0, rgb[1]))),
    Math.round(Math.min(255, Math.max(0, rgb[2]))), alpha];
}

export function toCss(c: Rgba): string {
  return c[3] >= 1 ? `rgb(${c[0]}, ${c[1]}, ${c[2]})` : `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${+c[3].toFixed(3)})`;
}

// `color` at opacity `a` (times its own).
export function alpha(color: string, a: number): string {
  const c = parseColor(color);
  return c ? toCss([c[0], c[1], c[2], c[3] * a]) : color;
}

// `top` painted over the opaque `under`.
export function over(top: Rgba, under: Rgba): Rgba {
  const a = top[3];
  return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
}

// WCAG relative luminance of an opaque colour.
export function luminance(c: Rgba): number {
  const ch = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]);
}

export function contrast(a: Rgba, b: Rgba): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

const INK_DARK: Rgba = [17, 20, 24, 1];
const INK_LIGHT: Rgba = [255, 255, 255, 1];
const INK_BLACK: Rgba = [0, 0, 0, 1];
const inkCache = new Map<string, string>();

// Text for an opaque fill: near-black or white, whichever reads (>= 4.5:1); pure black
// where neither does (mid-luminance fills: black always reaches 4.58:1 there).
export function inkOn(fill: string | Rgba): string {
  const key = typeof fill === "string" ? fill : fill.join(",");
  const known = inkCache.get(key);
  if (known) return known;
  const c = typeof fill === "string" ? parseColor(fill) : fill;
  let ink = "#111418";
  if (c) {
    const bg = c[3] < 1 ? over(c, [255, 255, 255, 1]) : c;
    const dark = contrast(INK_DARK, bg);
    const light = contrast(INK_LIGHT, bg);
    ink = dark >= 4.5 && dark >= light ? "#111418" : light >= 4.5 ? "#ffffff" : contrast(INK_BLACK, bg) >= light ? "#000000" : "#ffffff";
  }
  if (inkCache.size < 8192) inkCache.set(key, ink);
  return ink;
}

function rgbToHsl(c: Rgba): [number, number, number] {
  const r = c[0] / 255;
  const g = c[1] / 255;
  const b = c[2] / 255;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [h * 60, s, l];
}

const shadeCache = new Map<string, string>();

// A categorical fill (op kinds, devices, event names: made for a light background) as it
// is drawn on this theme: unchanged on light; on dark the same hue, a little less
// saturated, with lightness turned over so pale fills become deep ones (and dimmed fills
// the darkest), so boxes do not glare and light text reads on most of them.
export function shade(color: string, theme: Theme): string {
  if (!theme.dark) return color;
  const known = shadeCache.get(color);
  if (known) return known;
  const c = parseColor(color);
  if (!c) return color;
  const [h, s, l] = rgbToHsl(c);
  const [r, g, b] = hslToRgb(h, s * 0.82, Math.min(Math.max(0.94 - 0.8 * l, 0.16), 0.52));
  const out = toCss([Math.round(r), Math.round(g), Math.round(b), c[3]]);
  if (shadeCache.size < 8192) shadeCache.set(color, out);
  return out;
}

// ---- the palette of an element

function resolve(probe: HTMLElement, variable: string): string {
  probe.style.color = `var(${variable})`;
  return getComputedStyle(probe).color;
}

// One CSS colour variable as resolved at `host` (the fallback outside a document).
export function cssColor(host: Element, variable: string, fallback: string): string {
  if (!host.isConnected) return fallback;
  const probe = host.ownerDocument.createElement("span");
  probe.style.display = "none";
  host.append(probe);
  const value = resolve(probe, variable);
  probe.remove();
  return parseColor(value) ? value : fallback;
}

function fallbackTheme(): Theme {
  const out = { dark: false, generation: -1 } as Theme;
  for (const [key, [, light]] of Object.entries(ENTRIES)) (out as unknown as Record<string, string>)[key] = light;
  return out;
}

// The palette at `host` (cached until the theme changes). Colours come back as the browser
// resolves them (rgb()/rgba()/color()), usable as canvas styles. A host outside any
// document gets the light fallbacks, not cached (it is asked again once shown).
export function themeOf(host: Element): Theme {
  const known = cache.get(host);
  if (known && known.generation === generation) return known;
  if (!host.isConnected) return fallbackTheme();
  const probe = host.ownerDocument.createElement("span");
  probe.style.display = "none";
  host.append(probe);
  const out = { generation } as Theme;
  for (const [key, [variable, light]] of Object.entries(ENTRIES)) {
    const value = resolve(probe, variable);
    (out as unknown as Record<string, string>)[key] = parseColor(value) ? value : light;
  }
  probe.remove();
  const bg = parseColor(out.bg);
  out.dark = !!bg && bg[3] > 0.5 && luminance(bg) < 0.22;
  cache.set(host, out);
  return out;
}

// ---- theme changes

let watching = false;
const listeners = new Set<() => void>();

function changed(): void {
  generation++;
  for (const fn of listeners) fn();
  // every view redraws on a window resize (as when its tab is shown): canvases repaint with the new palette
  window.dispatchEvent(new Event("resize"));
}

// Starts watching the theme once per page: JupyterLab's theme attributes on <body> (set
// once the theme's stylesheet has loaded) and the system's colour scheme (the report). A
// change bumps the palette generation and announces a redraw.
export function watchTheme(doc: Document = document): void {
  if (watching || typeof MutationObserver === "undefined" || !doc.body) return;
  watching = true;
  new MutationObserver(() => changed()).observe(doc.body, {
    attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name"],
  });
  const view = doc.defaultView;
  if (view && typeof view.matchMedia === "function") {
    const media = view.matchMedia("(prefers-color-scheme: dark)");
    if (media.addEventListener) media.addEventListener("change", () => changed());
  }
}

// Calls `fn` after every theme change (views whose drawing does not follow window resizes).
export function onThemeChange(fn: () => void): void {
  listeners.add(fn);
}
