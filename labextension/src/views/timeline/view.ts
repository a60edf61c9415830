// The view state that drawing, input and the API share: the visible time window
// [t0, t1] in ns (kept inside the trace plus a 1% margin and at least MIN_SPAN_NS wide),
// the canvas size in CSS px with its device pixel ratio, and the event under the pointer.
// Pan and zoom are arithmetic on the window here; callers schedule the redraw.

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

  // the whole trace
  reset(): void {
    this.t0 = -this.margin;
    this.t1 = this.total + this.margin;
  }
}
