// Steps, the chart: one stacked bar per step (wall time, split by category in the
// summary's category order, fixed colours), outliers marked with a red caret, a step far
// taller than the rest cut at the top (a break mark and its time above it; its parts
// scaled into the height shown, so its make-up still reads) unless "fit the tallest" is on. More steps than pixels: each pixel column shows its tallest step.
// Hover shows the step's parts in a tooltip (text nodes only); a click picks a step.
// The canvas carries data-bars, data-outliers, data-clipped and data-selected for tests.
// Colours: the theme at the canvas (src/theme.ts); category colours are fixed hues.

import { chartCanvas, el, fmtUs, placeTooltip } from "../../dom";
import type { StepRow, Steps } from "../../payload";
import { alpha, themeOf } from "../../theme";
import { axisUs, ticks } from "../axes";
import { categoryColor, categoryLegend, median, pct } from "./model";

const H = 230;
const LEFT = 62;
const RIGHT = 14;
const TOP = 30; // room for carets and the times of cut bars
const BOTTOM = 24;
const CLIP_RATIO = 5; // steps above this many medians are cut (when some are below)
const FONT = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

export class StepChart {
  readonly el: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private readonly tip: HTMLDivElement;
  private readonly rows: StepRow[];
  private selected = -1;
  private hover = -1;
  private fitAll = false;
  private cssW = 0;
  private yMax = 1;
  private clippedCount = 0;

  constructor(
    private readonly steps: Steps,
    private readonly onPick: (row: number) => void,
  ) {
    this.rows = steps.rows;
    this.canvas = el("canvas", { class: "tft-st-canvas", "data-bars": String(this.rows.length) });
    this.tip = el("div", { class: "tft-tip" });
    this.el = el("div", { class: "tft-st-chart" }, [this.canvas, this.tip]);
    this.el.style.position = "relative";
    this.canvas.addEventListener("pointermove", (ev) => this.onMove(ev));
    this.canvas.addEventListener("pointerleave", () => {
      this.tip.style.display = "none";
      if (this.hover >= 0) {
        this.hover = -1;
        this.draw();
      }
    });
    this.canvas.addEventListener("click", (ev) => {
      const i = this.rowAt(ev);
      if (i >= 0) this.onPick(i);
    });
  }

  setFitAll(on: boolean): void {
    this.fitAll = on;
    this.draw();
  }

  select(row: number): void {
    this.selected = row;
    this.draw();
  }

  // The value the y axis ends at: the tallest step, or the tallest of those under CLIP_RATIO medians
  // when some are above (they are cut).
  private scale(): void {
    const walls = this.rows.map((r) => r.wallUs);
    const top = Math.max(...walls, 1e-3);
    const limit = CLIP_RATIO * median(walls);
    const under = walls.filter((w) => w <= limit);
    const cut = !this.fitAll && walls.length >= 5 && under.length < walls.length && under.length > 0;
    this.yMax = (cut ? Math.max(...under) : top) * 1.08;
    this.clippedCount = cut ? walls.length - under.length : 0;
  }

  private plotW(): number {
    return Math.max(this.cssW - LEFT - RIGHT, 10);
  }

  // [row, x] of the bars drawn: every row, or with more steps than pixels the tallest of each
  // pixel column (at that column, so the columns leave no gaps).
  private columns(slot: number, barW: number): [number, number][] {
    const n = this.rows.length;
    const pw = Math.floor(this.plotW());
    if (n <= pw) return this.rows.map((_, i) => [i, LEFT + i * slot + (slot - barW) / 2]);
    const out: [number, number][] = [];
    for (let c = 0; c < pw; c++) {
      let best = -1;
      for (let i = Math.floor((c * n) / pw); i < Math.floor(((c + 1) * n) / pw); i++) {
        if (best < 0 || this.rows[i].wallUs > this.rows[best].wallUs) best = i;
      }
      if (best >= 0) out.push([best, LEFT + c]);
    }
    return out;
  }

  private slot(): number {
    return this.plotW() / Math.max(this.rows.length, 1);
  }

  private rowAt(ev: MouseEvent): number {
    const rect = this.canvas.getBoundingClientRect();
    const x = ev.clientX - rect.left - LEFT;
    const y = ev.clientY - rect.top;
    if (x < 0 || x >= this.plotW() || y > H - BOTTOM + 4 || !this.rows.length) return -1;
    const n = this.rows.length;
    const i = Math.min(n - 1, Math.floor(x / this.slot()));
    if (n <= Math.floor(this.plotW())) return i;
    // LOD: the column's tallest step
    const pw = Math.floor(this.plotW());
    const c = Math.min(pw - 1, Math.floor(x));
    let best = -1;
    for (let k = Math.floor((c * n) / pw); k < Math.floor(((c + 1) * n) / pw); k++) {
      if (best < 0 || this.rows[k].wallUs > this.rows[best].wallUs) best = k;
    }
    return best >= 0 ? best : i;
  }

  private onMove(ev: PointerEvent): void {
    const i = this.rowAt(ev);
    if (i !== this.hover) {
      this.hover = i;
      this.draw();
    }
    if (i < 0) {
      this.tip.style.display = "none";
      return;
    }
    this.fillTip(this.rows[i]);
    placeTooltip(this.tip, this.el, ev.clientX, ev.clientY);
  }

  private fillTip(r: StepRow): void {
    const steps = this.steps;
    const head = `step ${r.step}${r.name && r.name !== `step ${r.step}` ? ` \u00b7 ${r.name}` : ""}`;
    const line = (k: string, v: string) => el("div", {}, [el("span", { class: "tft-tip-k" }, [`${k} `]), v]);
    const nodes: Node[] = [el("div", { class: "tft-tip-name" }, [head]), line("wall", fmtUs(r.wallUs)),
      line("starts at", `${fmtUs(r.startUs)} on the timeline`)];
    const parts = el("div", { class: "tft-st-tip-parts" });
    steps.categories.forEach((c, k) => {
      const us = r.parts[k];
      if (!(us > 0)) return;
      const share = ` (${pct(us, r.wallUs)})`;
      const swatch = el("span", { class: "tft-st-sw" });
      swatch.style.background = categoryColor(c);
      parts.append(el("div", {}, [swatch, `${categoryLegend(c)} `, el("b", {}, [fmtUs(us)]), share]));
    });
    nodes.push(parts);
    if (r.outlier) nodes.push(el("div", { class: "tft-st-tip-out" }, [`\u25bc outlier: ${r.outlier}`]));
    this.tip.replaceChildren(...nodes);
  }

  draw(): void {
    const sized = chartCanvas(this.canvas, this.el, 320, H, this.cssW);
    if (!sized) return;
    const { w, ctx } = sized;
    this.cssW = w;
    this.scale();
    const theme = themeOf(this.canvas);
    ctx.font = FONT;
    const plotW = this.plotW();
    const baseY = H - BOTTOM;
    const plotH = baseY - TOP;
    const y = (us: number) => baseY - (Math.min(us, this.yMax) / this.yMax) * plotH;

    // grid and value axis
    ctx.textBaseline = "middle";
    ctx.textAlign = "right";
    for (const t of ticks(this.yMax, 5)) {
      const ty = Math.round(y(t)) + 0.5;
      ctx.fillStyle = t === 0 ? theme.tick : theme.row;
      ctx.fillRect(LEFT, ty - 0.5, plotW, 1);
      ctx.fillStyle = theme.muted;
      ctx.fillText(axisUs(t), LEFT - 6, ty);
    }

    const slot = this.slot();
    const lod = this.rows.length > Math.floor(plotW);
    const barW = lod ? 1 : slot >= 5 ? Math.max(slot * 0.78, 1) : Math.max(slot - 0.5, 0.8);
    const xOf = (i: number) => (lod ? LEFT + Math.floor((i / this.rows.length) * plotW) : LEFT + i * slot + (slot - barW) / 2);
    const bars = this.columns(slot, barW);

    // hover and selection bands behind the bars
    for (const [i, color] of [[this.hover, alpha(theme.fg, 0.07)], [this.selected, theme.select]] as [number, string][]) {
      if (i < 0 || i >= this.rows.length) continue;
      ctx.fillStyle = color;
      ctx.fillRect(LEFT + i * slot, TOP - 4, Math.max(slot, 2), plotH + 4);
    }

    const outliers = this.rows.filter((r) => r.outlier).length;
    const cutLabels: [number, number, string][] = [];
    const carets: [number, number][] = [];
    for (const [i, x] of bars) {
      const r = this.rows[i];
      const cut = r.wallUs > this.yMax;
      // a cut bar keeps its proportions: its parts are scaled into the height shown
      const k0 = cut ? this.yMax / r.wallUs : 1;
      let acc = 0;
      this.steps.categories.forEach((c, k) => {
        const us = r.parts[k] * k0;
        if (!(us > 0)) return;
        const y0 = y(acc);
        acc += us;
        const y1 = y(acc);
        if (y0 - y1 <= 0) return;
        ctx.fillStyle = categoryColor(c);
        ctx.fillRect(x, y1, barW, y0 - y1);
      });
      if (cut) {
        // a break mark near the top, and the step's time above it
        ctx.fillStyle = theme.bg;
        ctx.beginPath();
        ctx.moveTo(x - 1, TOP + 9);
        ctx.lineTo(x + barW + 1, TOP + 5);
        ctx.lineTo(x + barW + 1, TOP + 9);
        ctx.lineTo(x - 1, TOP + 13);
        ctx.closePath();
        ctx.fill();
        cutLabels.push([x + barW / 2, TOP - 3, fmtUs(r.wallUs)]);
      }
      if (r.outlier) {
        carets.push([x + barW / 2, cut ? TOP - 14 : y(r.wallUs) - 3]);
      }
    }
    // selection outline
    if (this.selected >= 0 && this.selected < this.rows.length) {
      const r = this.rows[this.selected];
      const x = xOf(this.selected);
      ctx.strokeStyle = theme.fg;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(x - 0.75, y(r.wallUs) - 0.75, barW + 1.5, baseY - y(r.wallUs) + 0.75);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "alphabetic";
    ctx.fillStyle = theme.fg;
    let lastLabelX = -Infinity;
    for (const [x, ly, text] of cutLabels) {
      const half = ctx.measureText(text).width / 2;
      const cx = Math.min(Math.max(x, LEFT + half), LEFT + plotW - half); // inside the plot
      if (cx - half < lastLabelX + 6) continue;
      ctx.fillText(text, cx, ly);
      lastLabelX = cx + half;
    }
    ctx.fillStyle = theme.bad;
    for (const [x, cy] of carets) {
      ctx.beginPath();
      ctx.moveTo(x - 4.5, cy - 7);
      ctx.lineTo(x + 4.5, cy - 7);
      ctx.lineTo(x, cy);
      ctx.closePath();
      ctx.fill();
    }

    // step numbers under the bars, at least 44 px apart
    ctx.fillStyle = theme.muted;
    ctx.textBaseline = "top";
    const every = Math.max(1, Math.ceil(44 / Math.max(slot, 1e-6)));
    const nice = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000].find((k) => k >= every) || every;
    for (let i = 0; i < this.rows.length; i++) {
      const r = this.rows[i];
      if (i !== 0 && r.step % nice !== 0) continue;
      const x = LEFT + (i + 0.5) * slot;
      if (i === 0 || x - (LEFT + 0.5 * slot) > 30) ctx.fillText(String(r.step), x, baseY + 5);
    }
    ctx.textAlign = "left";
    ctx.fillText("step", 4, baseY + 5);

    this.canvas.setAttribute("data-outliers", String(outliers));
    this.canvas.setAttribute("data-clipped", String(this.clippedCount));
    this.canvas.setAttribute("data-selected", this.selected >= 0 ? String(this.rows[this.selected].step) : "");
  }

  get clipped(): number {
    return this.clippedCount;
  }
}
