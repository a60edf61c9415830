// Input on the timeline canvas: drag to pan (and scroll rows), hover for the tooltip and
// the hover outline, click to select an op on the bus (empty space clears it; in the name
// column a click collapses or expands a device or a compacted lane), wheel to
// zoom at the pointer (horizontal wheel pans, shift+wheel scrolls rows), keys without
// letters (+ = - arrows Home; a notebook's command mode binds letters). Every change
// goes through `schedule`, one redraw per animation frame.

import type { SelectionBus } from "../../bus";
import { eventAt, laneAt } from "./hit";
import type { Labels } from "./labels";
import type { Layout } from "./layout";
import type { Index } from "./rows";
import { AXIS_H, LABEL_W } from "./style";
import type { Tooltip } from "./tooltip";
import type { View } from "./view";

export interface Input {
  canvas: HTMLCanvasElement;
  scroller: HTMLElement;
  view: View;
  idx: Index;
  lay: Layout;
  dur: Uint32Array;
  names: Int32Array;
  labels: Labels;
  tooltip: Tooltip;
  bus: SelectionBus;
  schedule: () => void;
  // a click in the lane-name column at canvas y (CSS px): collapse/expand a device or a lane;
  // true when it did something
  toggleAt?: (py: number) => boolean;
}

export function attachInput(input: Input): void {
  const { canvas, scroller, view, idx, lay, dur, names, labels, tooltip, bus, schedule } = input;
  const hitTest = (px: number, py: number): number => eventAt(idx, lay, dur, view, scroller, px, py);

  let drag: { x: number; y: number; t0: number; t1: number; top: number; moved: boolean; id: number } | null = null;
  const local = (ev: MouseEvent): [number, number] => {
    const rect = canvas.getBoundingClientRect();
    return [ev.clientX - rect.left, ev.clientY - rect.top];
  };
  canvas.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0) return;
    const [x, y] = local(ev);
    if (y < AXIS_H) return;
    drag = { x, y, t0: view.t0, t1: view.t1, top: scroller.scrollTop, moved: false, id: ev.pointerId };
    try {
      canvas.setPointerCapture(ev.pointerId);
    } catch {
      // capture is best effort
    }
    canvas.focus({ preventScroll: true });
    ev.preventDefault();
  });
  canvas.addEventListener("pointermove", (ev) => {
    const [x, y] = local(ev);
    if (drag) {
      const dx = x - drag.x;
      const dy = y - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) > 3) {
        drag.moved = true;
        canvas.classList.add("tft-tl-dragging");
        tooltip.hide();
      }
      if (drag.moved) {
        const span = drag.t1 - drag.t0;
        view.t0 = drag.t0 - (dx / view.plotW()) * span;
        view.t1 = view.t0 + span;
        view.clamp();
        scroller.scrollTop = drag.top - dy;
        schedule();
      }
      return;
    }
    const e = hitTest(x, y);
    if (e !== view.hoverEvent) {
      view.hoverEvent = e;
      schedule();
    }
    const lane = e < 0 && x < LABEL_W ? laneAt(idx, lay, scroller, y) : -1;
    if (e >= 0) tooltip.showEvent(e, ev.clientX, ev.clientY);
    else if (lane >= 0) tooltip.showLane(lane, ev.clientX, ev.clientY);
    else tooltip.hide();
  });
  const endDrag = (ev: PointerEvent, click: boolean) => {
    if (!drag) return;
    const wasClick = click && !drag.moved;
    try {
      if (canvas.hasPointerCapture(drag.id)) canvas.releasePointerCapture(drag.id);
    } catch {
      // already released
    }
    drag = null;
    canvas.classList.remove("tft-tl-dragging");
    if (wasClick) {
      const [x, y] = local(ev);
      if (x < LABEL_W) {
        if (input.toggleAt && input.toggleAt(y)) schedule();
        return;
      }
      const e = hitTest(x, y);
      bus.select(e >= 0 ? labels.name(names[e]) : null, "timeline");
    }
  };
  canvas.addEventListener("pointerup", (ev) => endDrag(ev, true));
  canvas.addEventListener("pointercancel", (ev) => endDrag(ev, false));
  canvas.addEventListener("pointerleave", () => {
    if (drag) return;
    tooltip.hide();
    if (view.hoverEvent >= 0) {
      view.hoverEvent = -1;
      schedule();
    }
  });
  canvas.addEventListener(
    "wheel",
    (ev) => {
      const unit = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? view.viewH : 1;
      const dx = ev.deltaX * unit;
      const dy = ev.deltaY * unit;
      ev.preventDefault();
      tooltip.hide();
      if (ev.shiftKey) {
        scroller.scrollTop += dy || dx;
      } else if (Math.abs(dx) > Math.abs(dy)) {
        view.panBy(-dx);
      } else {
        const [x] = local(ev);
        const factor = Math.exp(-dy * (ev.ctrlKey ? 0.01 : 0.002));
        view.zoomAround(factor, Math.max(x - LABEL_W, 0));
      }
      schedule();
    },
    { passive: false },
  );
  // Keys without letters (a notebook's command mode binds letters such as "d" and "0").
  canvas.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const pw = view.plotW();
    switch (ev.key) {
      case "+":
      case "=":
        view.zoomAround(1.4);
        break;
      case "-":
        view.zoomAround(1 / 1.4);
        break;
      case "ArrowLeft":
        view.panBy(pw * 0.15);
        break;
      case "ArrowRight":
        view.panBy(-pw * 0.15);
        break;
      case "Home":
        view.reset();
        break;
      default:
        return;
    }
    ev.preventDefault();
    ev.stopPropagation();
    schedule();
  });
  scroller.addEventListener("scroll", () => {
    tooltip.hide();
    schedule();
  });
}
