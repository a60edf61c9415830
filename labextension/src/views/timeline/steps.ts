// Steps on the timeline: a strip above the time axis with one band per step (alternating
// shades, outliers in red, "step 7" when wide enough), thin lines at step boundaries over
// the events, and the selected range (a step picked here, in the steps view or in a
// finding) shaded. Hover a band for the step's time; click it to select and zoom to it.
// Steps arrive on the timeline's clock (payload.ts moves them by timeline.origin_us).
// Colours: the frame's (style.ts COLORS; band tints darkened on dark themes, step numbers
// black or white by their band).

import type { SelectionBus, TimeRange } from "../../bus";
import { el, fmtUs, lastAtOrBefore, placeTooltip, resizeCanvas } from "../../dom";
import type { StepRow, Steps } from "../../payload";
import { inkOn, shade } from "../../theme";
import { AXIS_H, COLORS, FONT, LABEL_W, THEME } from "./style";
import type { View } from "./view";

export const STRIP_H = 18;
const MIN_LINE_GAP = 4; // px between boundary lines, else they are left out

export class StepStrip {
  readonly el: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private readonly starts: Float64Array; // ns
  private readonly ends: Float64Array;
  private hover = -1;

  constructor(
    private readonly steps: Steps,
    private readonly view: View,
    private readonly bus: SelectionBus,
    private readonly tip: HTMLElement,
    private readonly box: HTMLElement,
  ) {
    const rows = steps.rows;
    this.starts = Float64Array.from(rows, (r) => r.startUs * 1000);
    this.ends = Float64Array.from(rows, (r) => (r.startUs + r.wallUs) * 1000);
    this.canvas = el("canvas", { class: "tft-tl-steps", "data-steps": String(rows.length) });
    this.el = el("div", { class: "tft-tl-strip" }, [this.canvas]);
    this.canvas.addEventListener("pointermove", (ev) => {
      const i = this.at(ev);
      if (i !== this.hover) {
        this.hover = i;
        this.draw();
      }
      if (i < 0) this.tip.style.display = "none";
      else this.showTip(rows[i], ev);
    });
    this.canvas.addEventListener("pointerleave", () => {
      this.tip.style.display = "none";
      this.hover = -1;
      this.draw();
    });
    this.canvas.addEventListener("click", (ev) => {
      const i = this.at(ev);
      if (i < 0) return;
      const r = rows[i];
      const same = bus.range && bus.range.step === i;
      bus.selectRange(same ? null : { startUs: r.startUs, endUs: r.startUs + r.wallUs, step: i }, "timeline");
    });
  }

  // [start, end] ns of each step, for tests and callers.
  spans(): [number, number][] {
    return Array.from(this.starts, (s, i) => [s, this.ends[i]]);
  }

  private at(ev: MouseEvent): number {
    const rect = this.canvas.getBoundingClientRect();
    const x = ev.clientX - rect.left;
    if (x < LABEL_W) return -1;
    const v = this.view;
    const t = v.t0 + ((x - LABEL_W) / v.plotW()) * (v.t1 - v.t0);
    // last step starting at or before t that has not ended
    const i = lastAtOrBefore(this.starts, t);
    return i >= 0 && t <= this.ends[i] ? i : -1;
  }

  private showTip(r: StepRow, ev: MouseEvent): void {
    const line = (k: string, v: string) => el("div", {}, [el("span", { class: "tft-tip-k" }, [`${k} `]), v]);
    const nodes: Node[] = [
      el("div", { class: "tft-tip-name" }, [`step ${r.step}${r.name && r.name !== `step ${r.step}` ? ` \u00b7 ${r.name}` : ""}`]),
      line("wall", fmtUs(r.wallUs)),
      line("from", `${fmtUs(r.startUs)} to ${fmtUs(r.startUs + r.wallUs)}`),
    ];
    if (r.outlier) nodes.push(el("div", { class: "tft-st-tip-out" }, [`\u25bc outlier: ${r.outlier}`]));
    nodes.push(el("div", { class: "tft-tip-k" }, ["click to select and zoom to this step"]));
    this.tip.replaceChildren(...nodes);
    placeTooltip(this.tip, this.box, ev.clientX, ev.clientY);
  }

  // The strip, at the view's width and window.
  draw(): void {
    const v = this.view;
    const W = v.cssW;
    if (!W) return;
    if (this.canvas.width !== Math.round(W * v.dpr) || this.canvas.height !== Math.round(STRIP_H * v.dpr)) {
      resizeCanvas(this.canvas, W, STRIP_H, v.dpr);
    }
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(v.dpr, 0, 0, v.dpr, 0, 0);
    ctx.fillStyle = COLORS.band;
    ctx.fillRect(0, 0, W, STRIP_H);
    ctx.font = FONT;
    ctx.textBaseline = "middle";
    ctx.fillStyle = COLORS.text;
    ctx.fillText(`steps (${this.steps.count.toLocaleString()})`, 6, STRIP_H / 2);
    ctx.fillStyle = COLORS.rule;
    ctx.fillRect(LABEL_W - 1, 0, 1, STRIP_H);
    ctx.save();
    ctx.beginPath();
    ctx.rect(LABEL_W, 0, W - LABEL_W, STRIP_H);
    ctx.clip();
    const ppn = v.plotW() / (v.t1 - v.t0);
    const rows = this.steps.rows;
    const selected = this.bus.range && this.bus.range.step !== undefined ? this.bus.range.step : -1;
    let lastLabelEnd = -Infinity;
    for (let i = 0; i < rows.length; i++) {
      if (this.ends[i] < v.t0 || this.starts[i] > v.t1) continue;
      const x0 = LABEL_W + (this.starts[i] - v.t0) * ppn;
      const x1 = LABEL_W + (this.ends[i] - v.t0) * ppn;
      const w = Math.max(x1 - x0, 1);
      const odd = rows[i].outlier !== "";
      let fill = odd ? (i % 2 ? "#f4c7c5" : "#f8dad8") : i % 2 ? "#d5dfec" : "#e4ebf4";
      if (i === this.hover) fill = odd ? "#eeb0ad" : "#c3d2e6";
      if (i === selected) fill = "#ffd66b";
      if (THEME) fill = shade(fill, THEME);
      ctx.fillStyle = fill;
      ctx.fillRect(x0, 1, w, STRIP_H - 2);
      if (w >= 3) {
        ctx.fillStyle = COLORS.bg;
        ctx.fillRect(Math.round(x0), 1, 1, STRIP_H - 2);
      }
      if (w < 14 || x0 + 3 <= lastLabelEnd) continue; // no room for a label (and no text measured)
      const long = `step ${rows[i].step}`;
      const short = String(rows[i].step);
      const text = w >= ctx.measureText(long).width + 8 ? long : w >= ctx.measureText(short).width + 6 ? short : "";
      if (text) {
        ctx.fillStyle = inkOn(fill);
        const tx = Math.max(x0, LABEL_W) + 3;
        ctx.fillText(text, tx, STRIP_H / 2 + 0.5);
        lastLabelEnd = tx + ctx.measureText(text).width;
      }
    }
    ctx.restore();
  }

  // Over the events (the caller clips to the plot below the axis): boundary lines when
  // they are far enough apart, and the selected range shaded.
  overlay(ctx: CanvasRenderingContext2D, H: number): void {
    const v = this.view;
    const ppn = v.plotW() / (v.t1 - v.t0);
    let previous = -Infinity;
    ctx.fillStyle = COLORS.boundary;
    const line = (t: number) => {
      const x = Math.round(LABEL_W + (t - v.t0) * ppn);
      if (x - previous < MIN_LINE_GAP) return;
      ctx.fillRect(x, AXIS_H, 1, H - AXIS_H);
      previous = x;
    };
    for (let i = 0; i < this.starts.length; i++) {
      if (this.ends[i] < v.t0 || this.starts[i] > v.t1) continue;
      line(this.starts[i]);
      if (i + 1 >= this.starts.length || this.starts[i + 1] > this.ends[i]) line(this.ends[i]);
    }
    const range = this.bus.range;
    if (range) this.shade(ctx, range, ppn, H);
  }

  private shade(ctx: CanvasRenderingContext2D, range: TimeRange, ppn: number, H: number): void {
    const v = this.view;
    const x0 = LABEL_W + (range.startUs * 1000 - v.t0) * ppn;
    const x1 = LABEL_W + (range.endUs * 1000 - v.t0) * ppn;
    ctx.fillStyle = "rgba(255, 200, 60, 0.14)";
    ctx.fillRect(x0, AXIS_H, Math.max(x1 - x0, 1), H - AXIS_H);
    ctx.fillStyle = COLORS.selectLine;
    ctx.fillRect(Math.round(x0), AXIS_H, 1.5, H - AXIS_H);
    ctx.fillRect(Math.round(x1) - 1, AXIS_H, 1.5, H - AXIS_H);
  }
}

// Zoom the view to a range with a margin of a tenth of it each side.
export function zoomTo(view: View, range: TimeRange): void {
  const a = range.startUs * 1000;
  const b = range.endUs * 1000;
  const pad = Math.max((b - a) * 0.1, 500);
  view.t0 = a - pad;
  view.t1 = b + pad;
  view.clamp();
}
