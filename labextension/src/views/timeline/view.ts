// The view state that drawing, input and the API share: the visible time window
// [t0, t1] in ns (kept inside the trace plus a 1% margin and at least MIN_SPAN_NS wide),
// the canvas size in CSS px with its device pixel ratio, and the event under the pointer.
// Pan and zoom are arithmetic on the window here; callers schedule the redraw. The view
// opens on `home` (where the work is: the GPUs' kernels, see index.ts) when one is set.

import type { Data } from "../../payload";
import { LABEL_W } from "./style";

const MIN_SPAN_NS = 100;

export class View {
  readonly margin: number;
  t0: number;
  t1: number;
  cssW = 0;
  viewH = 0;
  dpr = 1;
  hoverEvent = -1;

  constructor(readonly total: number) {
    this.margin = total * 0.01;
    this.t0 = -this.margin;
    this.t1 = total + this.margin;
  }

  plotW(): number {
    return Math.max(this.cssW - LABEL_W, 10);
  }

  clamp(): void {
    const margin = this.margin;
    const total = this.total;
    const maxSpan = total + 2 * margin;
    let span = Math.min(Math.max(this.t1 - this.t0, MIN_SPAN_NS), maxSpan);
    const lo = -margin;
    const hi = total + margin;
    let a = this.t0;
    if (a < lo) a = lo;
    if (a + span > hi) a = hi - span;
    if (!isFinite(a) || !isFinite(span)) {
      a = lo;
      span = maxSpan;
    }
    this.t0 = a;
    this.t1 = a + span;
  }

  panBy(dx: number): void {
    const span = this.t1 - this.t0;
    const dt = (dx / this.plotW()) * span;
    this.t0 -= dt;
    this.t1 -= dt;
    this.clamp();
  }

  zoomAround(factor: number, atPx?: number): void {
    if (!(factor > 0) || !isFinite(factor)) return;
    const pw = this.plotW();
    const fx = atPx === undefined ? 0.5 : Math.min(Math.max(atPx / pw, 0), 1);
    const at = this.t0 + fx * (this.t1 - this.t0);
    const span = Math.max((this.t1 - this.t0) / factor, MIN_SPAN_NS);
    this.t0 = at - fx * span;
    this.t1 = this.t0 + span;
    this.clamp();
  }

  // Show [a, b] ns (clamped to the trace).
  setWindow(a: number, b: number): void {
    if (!(b > a) || !isFinite(a) || !isFinite(b)) return;
    this.t0 = a;
    this.t1 = b;
    this.clamp();
  }

  // the whole trace
  reset(): void {
    this.t0 = -this.margin;
    this.t1 = this.total + this.margin;
  }
}

// Where the work is, in ns on the timeline's clock: the span of the GPUs' kernels (else of their
// copies) with a 3% margin; null without GPU activity or when it is most of the trace anyway.
export function homeWindow(data: Data, total: number): [number, number] | null {
  const gpus = data.payload.gpu_utilisation || [];
  const origin = Number(data.payload.timeline.origin_us) || 0;
  let a = Infinity;
  let b = -Infinity;
  for (const g of gpus) {
    if (g.kernel_start_us !== null && g.kernel_end_us !== null) {
      a = Math.min(a, g.kernel_start_us);
      b = Math.max(b, g.kernel_end_us);
    }
  }
  if (!(b > a)) {
    for (const g of gpus) {
      a = Math.min(a, g.active_start_us);
      b = Math.max(b, g.active_end_us);
    }
  }
  if (!(b > a)) return null;
  const start = (a - origin) * 1000;
  const end = (b - origin) * 1000;
  if (end - start > 0.8 * total) return null;
  const pad = 0.03 * (end - start);
  return [Math.max(start - pad, 0), Math.min(end + pad, total)];
}
