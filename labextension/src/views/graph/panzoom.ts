// Op graph view, pan and zoom: the viewport transform (scale k, offset tx/ty) of
// the svg and everything that moves it: fit to the graph (or a readable first
// view), zoom buttons and wheel, drag to pan, centring on a box or a scope's
// region, and refitting when the canvas gets its real size. Clicks that are not
// the end of a drag are handed to the view. A view may set a readable floor
// (minScale): Fit then never shrinks below it, but fits the width and shows the top,
// and the rest is a drag away.

import { widthOf } from "../../dom";
import type { Model, Scope } from "./model";
import type { VNode } from "./visible";

const VIEW_H = 560;
const READABLE_K = 0.7;

export interface PanZoomHooks {
  // The laid-out graph: its size and boxes.
  extent(): { width: number; height: number; nodes: VNode[] };
  // A click on the svg (not ending a drag), with the node element under it if any.
  click(node: Element | null): void;
  // The canvas got its first real size while the view is not auto-fitted.
  firstResize(): void;
  // The smallest scale Fit and focusing may use (0: none).
  minScale(): number;
}

export class PanZoom {
  private k = 1;
  private tx = 0;
  private ty = 0;
  private autoFit = true;
  private autoReadable = true;

  constructor(
    private readonly root: HTMLElement,
    private readonly svgEl: SVGSVGElement,
    private readonly viewport: SVGGElement,
    private readonly hooks: PanZoomHooks,
  ) {}

  // The width of the canvas (an estimate while hidden).
  viewWidth(): number {
    return this.viewSize().w;
  }

  private viewSize(): { w: number; h: number } {
    const w = this.svgEl.clientWidth || Math.max(200, widthOf(this.root) - 300);
    const h = this.svgEl.clientHeight || VIEW_H;
    return { w, h };
  }

  private apply(): void {
    this.viewport.setAttribute("transform", `translate(${this.tx.toFixed(2)},${this.ty.toFixed(2)}) scale(${this.k.toFixed(4)})`);
  }

  // Whole graph in view. The first view (readable = true) does not shrink below a
  // readable scale: it then shows the top of the graph, centred on its heaviest box there.
  fit(readable = false): void {
    const { w, h } = this.viewSize();
    const { width, height, nodes } = this.hooks.extent();
    const gw = Math.max(1, width);
    const gh = Math.max(1, height);
    const whole = Math.max(0.02, Math.min(1.4, Math.min(w / gw, h / gh) * 0.97));
    this.autoFit = true;
    this.autoReadable = readable;
    const floor = this.hooks.minScale();
    if (floor > 0 && whole < floor) {
      // too big to fit readably: fit the width (never below the floor) and show the top
      this.k = Math.max(floor, Math.min(1, (w / gw) * 0.97));
      this.tx = gw * this.k <= w ? (w - gw * this.k) / 2 : 4;
      this.ty = 4;
      this.apply();
      return;
    }
    this.k = readable ? Math.max(whole, Math.min(1, READABLE_K)) : whole;
    if (this.k === whole) {
      this.tx = (w - gw * this.k) / 2;
      this.ty = Math.max(0, (h - gh * this.k) / 2);
    } else {
      let cx = gw / 2;
      let best = -1;
      for (const v of nodes) {
        if ((v.y + v.h / 2) * this.k > h) continue;
        if (v.us > best) {
          best = v.us;
          cx = v.x;
        }
      }
      this.tx = Math.min(10, Math.max(w - gw * this.k - 10, w / 2 - cx * this.k));
      this.ty = gh * this.k > h ? 4 : (h - gh * this.k) / 2;
    }
    this.apply();
  }

  zoomBy(f: number, cx?: number, cy?: number): void {
    const { w, h } = this.viewSize();
    const px = cx === undefined ? w / 2 : cx;
    const py = cy === undefined ? h / 2 : cy;
    const k2 = Math.max(0.02, Math.min(6, this.k * f));
    this.tx = px - ((px - this.tx) * k2) / this.k;
    this.ty = py - ((py - this.ty) * k2) / this.k;
    this.k = k2;
    this.autoFit = false;
    this.apply();
  }

  panTo(v: VNode | undefined): void {
    if (!v) return;
    const { w, h } = this.viewSize();
    if (this.k < Math.max(0.6, this.hooks.minScale())) this.k = Math.max(0.6, this.hooks.minScale());
    this.tx = w / 2 - v.x * this.k;
    this.ty = h / 2 - v.y * this.k;
    this.autoFit = false;
    this.apply();
  }

  // After expanding/collapsing: keep the scope's boxes in view (zooming out if needed).
  focusScope(m: Model, s: Scope, vnodes: VNode[], rep: Int32Array): void {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    const seen = new Set<number>();
    for (let i = s.start; i < s.end; i++) {
      const r = rep[m.order[i].idx];
      if (r < 0 || seen.has(r)) continue;
      seen.add(r);
      const v = vnodes[r];
      x0 = Math.min(x0, v.x - v.w / 2);
      x1 = Math.max(x1, v.x + v.w / 2);
      y0 = Math.min(y0, v.y - v.h / 2);
      y1 = Math.max(y1, v.y + v.h / 2);
    }
    const open = vnodes.find((v) => v.id === `s:${s.path}`);
    if (open) {
      x0 = Math.min(x0, open.x - open.w / 2);
      x1 = Math.max(x1, open.x + open.w / 2);
      y0 = Math.min(y0, open.y - open.h / 2);
      y1 = Math.max(y1, open.y + open.h / 2);
    }
    if (!isFinite(x0)) return;
    const { w, h } = this.viewSize();
    const need = Math.min(w / (x1 - x0 + 40), h / (y1 - y0 + 40));
    if (need < this.k) this.k = Math.max(0.1, this.hooks.minScale(), need);
    this.tx = w / 2 - ((x0 + x1) / 2) * this.k;
    this.ty = h / 2 - ((y0 + y1) / 2) * this.k;
    this.autoFit = false;
    this.apply();
  }

  bind(): void {
    const s = this.svgEl;
    let down: { x: number; y: number; tx: number; ty: number; id: number } | null = null;
    let dragging = false;
    let suppressClick = false;
    s.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      down = { x: ev.clientX, y: ev.clientY, tx: this.tx, ty: this.ty, id: ev.pointerId };
      dragging = false;
    });
    s.addEventListener("pointermove", (ev) => {
      if (!down || ev.pointerId !== down.id) return;
      const dx = ev.clientX - down.x;
      const dy = ev.clientY - down.y;
      if (!dragging && Math.abs(dx) + Math.abs(dy) > 4) {
        dragging = true;
        s.classList.add("tft-gr-dragging");
        try {
          s.setPointerCapture(ev.pointerId);
        } catch {
          // capture is a nicety; dragging works without it
        }
      }
      if (dragging) {
        this.tx = down.tx + dx;
        this.ty = down.ty + dy;
        this.autoFit = false;
        this.apply();
      }
    });
    const end = (ev: PointerEvent) => {
      if (!down || ev.pointerId !== down.id) return;
      if (dragging) suppressClick = true;
      down = null;
      dragging = false;
      s.classList.remove("tft-gr-dragging");
    };
    s.addEventListener("pointerup", end);
    s.addEventListener("pointercancel", end);
    s.addEventListener(
      "wheel",
      (ev) => {
        ev.preventDefault();
        const rect = s.getBoundingClientRect();
        const unit = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? 400 : 1;
        this.zoomBy(Math.exp(-ev.deltaY * unit * 0.0015), ev.clientX - rect.left, ev.clientY - rect.top);
      },
      { passive: false },
    );
    s.addEventListener("click", (ev) => {
      if (suppressClick) {
        suppressClick = false;
        return;
      }
      const target = ev.target instanceof Element ? ev.target.closest(".tft-gr-node") : null;
      this.hooks.click(target);
    });
    if (typeof ResizeObserver !== "undefined") {
      let lastW = 0;
      let lastH = 0;
      const ro = new ResizeObserver(() => {
        const w = s.clientWidth;
        const h = s.clientHeight;
        if (!w || !h || (w === lastW && h === lastH)) return;
        const first = lastW === 0;
        lastW = w;
        lastH = h;
        // Drawn while hidden (or resized before any interaction): redo the view at the real size.
        requestAnimationFrame(() => {
          if (this.autoFit) this.fit(this.autoReadable);
          else if (first) this.hooks.firstResize();
        });
      });
      ro.observe(s);
    }
  }
}
