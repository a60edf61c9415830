// Memory, the chart: one allocator's bytes in use over time (a step line, filled), its
// peak marked and labelled (bytes and time), the capacity as a dashed line when it is
// close enough to the peak to share the scale. Hover shows the time and the bytes in use
// then. Times are on the timeline's clock. The canvas carries data-points and data-peak.
// Colours: the theme at the canvas (src/theme.ts); the line keeps the CPU blue.

import { chartCanvas, el, fmtBytes, fmtUs, lastAtOrBefore, placeTooltip } from "../../dom";
import type { RawAllocator } from "../../payload";
import { alpha, themeOf } from "../../theme";
import { axisBytes, axisUs, niceStep, ticks } from "../axes";

const H = 240;
const LEFT = 74;
const RIGHT = 16;
const TOP = 22;
const BOTTOM = 24;
const LINE = "#4a7fb5";
const FILL = "rgba(74, 127, 181, 0.16)";
const FONT = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const CAPACITY_SHARE = 1.6; // draw the capacity line when it is at most this many peaks

export function peakLabel(a: RawAllocator, originUs: number): string {
  return `peak ${fmtBytes(a.peak_bytes)} at ${fmtUs(a.peak_time_us - originUs)}`;
}

export class MemoryChart {
  readonly el: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private readonly tip: HTMLDivElement;
  private readonly t: number[];
  private readonly bytes: number[];
  private cssW = 0;
  private hoverX = -1;
  private t0 = 0;
  private t1 = 1;
  private yMax = 1;

  constructor(
    private readonly a: RawAllocator,
    private readonly originUs: number,
  ) {
    this.t = a.timeline.t_us.map((t) => t - originUs);
    this.bytes = a.timeline.bytes;
    this.canvas = el("canvas", { class: "tft-mem-canvas", "data-points": String(this.t.length), "data-peak": String(a.peak_bytes) });
    this.tip = el("div", { class: "tft-tip" });
    this.el = el("div", { class: "tft-mem-chart" }, [this.canvas, this.tip]);
    this.el.style.position = "relative";
    this.canvas.addEventListener("pointermove", (ev) => this.onMove(ev));
    this.canvas.addEventListener("pointerleave", () => {
      this.tip.style.display = "none";
      this.hoverX = -1;
      this.draw();
    });
  }

  // Bytes in use at time t: the last point at or before it (-1 before the first).
  bytesAt(t: number): number {
    const i = lastAtOrBefore(this.t, t);
    return i < 0 ? -1 : this.bytes[i];
  }

  private plotW(): number {
    return Math.max(this.cssW - LEFT - RIGHT, 10);
  }

  private xOf(t: number): number {
    return LEFT + ((t - this.t0) / (this.t1 - this.t0)) * this.plotW();
  }

  private onMove(ev: PointerEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const x = ev.clientX - rect.left;
    if (x < LEFT || x > LEFT + this.plotW() || !this.t.length) {
      this.tip.style.display = "none";
      this.hoverX = -1;
      this.draw();
      return;
    }
    this.hoverX = x;
    const t = this.t0 + ((x - LEFT) / this.plotW()) * (this.t1 - this.t0);
    const b = this.bytesAt(t);
    const line = (k: string, v: string) => el("div", {}, [el("span", { class: "tft-tip-k" }, [`${k} `]), v]);
    this.tip.replaceChildren(
      line("time", `${fmtUs(t)} on the timeline`),
      line("in use", b < 0 ? "(before the first allocator event)" : `${fmtBytes(b)} (${b.toLocaleString()} bytes)`),
    );
    placeTooltip(this.tip, this.el, ev.clientX, ev.clientY);
    this.draw();
  }

  draw(): void {
    const a = this.a;
    const sized = chartCanvas(this.canvas, this.el, 360, H, this.cssW);
    if (!sized) return;
    const { w, ctx } = sized;
    this.cssW = w;
    const n = this.t.length;
    const peakT = a.peak_time_us - this.originUs;
    const first = n ? Math.min(this.t[0], peakT) : peakT;
    const last = n ? Math.max(this.t[n - 1], peakT) : peakT;
    const pad = Math.max((last - first) * 0.02, 1);
    this.t0 = first - pad;
    this.t1 = last + pad;
    const top = Math.max(a.peak_bytes, ...this.bytes, 1);
    const capShown = a.capacity_bytes > 0 && a.capacity_bytes <= CAPACITY_SHARE * top;
    this.yMax = (capShown ? a.capacity_bytes : top) * 1.12;
    const plotW = this.plotW();
    const baseY = H - BOTTOM;
    const plotH = baseY - TOP;
    const y = (b: number) => baseY - (b / this.yMax) * plotH;

    const theme = themeOf(this.canvas);
    ctx.font = FONT;
    // value axis in bytes
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const v of ticks(this.yMax, 5, true)) {
      const ty = Math.round(y(v)) + 0.5;
      if (ty < TOP - 2) continue;
      ctx.fillStyle = v === 0 ? theme.tick : theme.row;
      ctx.fillRect(LEFT, ty - 0.5, plotW, 1);
      ctx.fillStyle = theme.muted;
      ctx.fillText(axisBytes(v), LEFT - 6, ty);
    }
    // time axis
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const step = niceStep(((this.t1 - this.t0) * 90) / plotW);
    for (let t = Math.ceil(this.t0 / step) * step, i = 0; t <= this.t1 && i < 60; t += step, i++) {
      const x = Math.round(this.xOf(t)) + 0.5;
      ctx.fillStyle = theme.tick;
      ctx.fillRect(x - 0.5, baseY, 1, 4);
      ctx.fillStyle = theme.muted;
      ctx.fillText(axisUs(t), x, baseY + 6);
    }

    // the step line and its fill
    if (n) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(LEFT, TOP - 4, plotW, plotH + 4);
      ctx.clip();
      ctx.beginPath();
      ctx.moveTo(this.xOf(this.t[0]), baseY);
      let previous = baseY;
      for (let i = 0; i < n; i++) {
        const x = this.xOf(this.t[i]);
        ctx.lineTo(x, previous);
        previous = y(this.bytes[i]);
        ctx.lineTo(x, previous);
      }
      const end = this.xOf(this.t[n - 1]);
      ctx.lineTo(end, baseY);
      ctx.closePath();
      ctx.fillStyle = FILL;
      ctx.fill();
      ctx.beginPath();
      ctx.moveTo(this.xOf(this.t[0]), y(this.bytes[0]));
      for (let i = 1; i < n; i++) {
        const x = this.xOf(this.t[i]);
        ctx.lineTo(x, y(this.bytes[i - 1]));
        ctx.lineTo(x, y(this.bytes[i]));
      }
      ctx.strokeStyle = LINE;
      ctx.lineWidth = 1.25;
      ctx.stroke();
      ctx.restore();
    }

    // capacity
    ctx.textAlign = "right";
    ctx.textBaseline = "bottom";
    if (capShown) {
      const cy = Math.round(y(a.capacity_bytes)) + 0.5;
      ctx.strokeStyle = theme.muted;
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(LEFT, cy);
      ctx.lineTo(LEFT + plotW, cy);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = theme.muted;
      ctx.fillText(`capacity ${fmtBytes(a.capacity_bytes)}`, LEFT + plotW - 2, cy - 2);
    }

    // the peak
    const px = this.xOf(peakT);
    const py = y(a.peak_bytes);
    ctx.strokeStyle = alpha(theme.bad, 0.5);
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(Math.round(px) + 0.5, py);
    ctx.lineTo(Math.round(px) + 0.5, baseY);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = theme.bad;
    ctx.beginPath();
    ctx.arc(px, py, 4, 0, 2 * Math.PI);
    ctx.fill();
    ctx.font = `600 ${FONT}`;
    const label = peakLabel(a, this.originUs);
    const lw = ctx.measureText(label).width;
    const right = px + 8 + lw <= LEFT + plotW;
    ctx.textAlign = right ? "left" : "right";
    ctx.textBaseline = "middle";
    ctx.fillText(label, right ? px + 8 : px - 8, Math.max(py - 8, TOP - 12));
    ctx.font = FONT;

    // hover crosshair
    if (this.hoverX >= 0) {
      const t = this.t0 + ((this.hoverX - LEFT) / plotW) * (this.t1 - this.t0);
      const b = this.bytesAt(t);
      ctx.fillStyle = alpha(theme.fg, 0.35);
      ctx.fillRect(Math.round(this.hoverX), TOP - 4, 1, plotH + 4);
      if (b >= 0) {
        ctx.fillStyle = LINE;
        ctx.beginPath();
        ctx.arc(this.hoverX, y(b), 3, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
}
