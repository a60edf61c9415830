// The tooltip: one absolutely placed box over the timeline describing the hovered event
// (name, duration, start, lane) or lane (name, device, host, event count), kept inside
// the timeline's width. Filled with elements and text nodes only (names are hostile).

import { el, fmtUs, placeTooltip } from "../../dom";
import type { Timeline } from "../../payload";
import type { Labels } from "./labels";

const line = (k: string, v: string) => el("div", {}, [el("span", { class: "tft-tip-k" }, [`${k} `]), v]);

export class Tooltip {
  readonly el: HTMLDivElement;

  constructor(
    private readonly box: HTMLElement,
    private readonly tl: Timeline,
    private readonly names: Int32Array,
    private readonly labels: Labels,
    private readonly multiHost: boolean,
  ) {
    const tip = el("div", { class: "tft-tip" });
    tip.style.position = "absolute";
    tip.style.display = "none";
    tip.style.pointerEvents = "none";
    this.el = tip;
  }

  showEvent(e: number, clientX: number, clientY: number): void {
    const tl = this.tl;
    const lane = tl.lanes[tl.lane[e]];
    this.el.replaceChildren(
      el("div", { class: "tft-tip-name" }, [this.labels.name(this.names[e])]),
      line("duration", fmtUs(tl.dur[e] / 1000)),
      line("start", fmtUs(tl.start[e] / 1000)),
      line("lane", `${lane.device} \u203a ${lane.name}${this.multiHost ? ` (${lane.host})` : ""}`),
    );
    this.place(clientX, clientY);
  }

  showLane(l: number, clientX: number, clientY: number): void {
    const tl = this.tl;
    const lane = tl.lanes[l];
    const n = Math.min(tl.laneOffsets[l + 1], tl.count) - Math.min(tl.laneOffsets[l], tl.count);
    const rows: Node[] = [
      el("div", { class: "tft-tip-name" }, [lane.name || "(unnamed)"]),
      line("device", lane.device),
      line("host", lane.host),
      line("events", n.toLocaleString()),
    ];
    if (lane.derived) rows.push(line("line", "derived by the profiler"));
    this.el.replaceChildren(...rows);
    this.place(clientX, clientY);
  }

  hide(): void {
    this.el.style.display = "none";
  }

  private place(clientX: number, clientY: number): void {
    placeTooltip(this.el, this.box, clientX, clientY);
  }
}
