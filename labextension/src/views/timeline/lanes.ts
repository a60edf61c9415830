// The lane chrome around the events: background bands behind the rows (device header
// bands and alternating lane shades across the canvas) and the lane-name column on the
// left (device headers in bold, lane names, derived lines greyed) with its border.
// Only groups and lanes that intersect the scrolled viewport are painted.

import type { Lane } from "../../payload";
import type { Labels } from "./labels";
import type { Layout } from "./layout";
import { AXIS_H, BOLD_FONT, FONT, GROUP_H, LABEL_W, LANE_GAP, ROW_H } from "./style";

// Bands W px wide; the caller clips to the area below the axis.
export function drawLaneBands(
  c: CanvasRenderingContext2D,
  lay: Layout,
  laneRows: Uint8Array,
  scrollTop: number,
  W: number,
  H: number,
): void {
  const { laneY, laneShade } = lay;
  for (const g of lay.groups) {
    const gy = AXIS_H + g.y - scrollTop;
    if (gy > H) break;
    if (gy + GROUP_H >= AXIS_H) {
      c.fillStyle = "#e9eef5";
      c.fillRect(0, gy, W, GROUP_H);
    }
    for (const l of g.lanes) {
      const ly = AXIS_H + laneY[l] - scrollTop;
      const lh = laneRows[l] * ROW_H + LANE_GAP;
      if (ly > H || ly + lh < AXIS_H) continue;
      c.fillStyle = laneShade[l] ? "#f6f7f9" : "#fff";
      c.fillRect(0, ly, W, lh);
    }
  }
}

export function drawLaneNames(
  c: CanvasRenderingContext2D,
  labels: Labels,
  lay: Layout,
  lanes: Lane[],
  laneRows: Uint8Array,
  scrollTop: number,
  H: number,
): void {
  const X0 = LABEL_W;
  const { laneY, laneShade } = lay;
  c.save();
  c.beginPath();
  c.rect(0, AXIS_H, X0, H - AXIS_H);
  c.clip();
  c.textBaseline = "middle";
  for (const g of lay.groups) {
    const gy = AXIS_H + g.y - scrollTop;
    if (gy > H) break;
    if (gy + GROUP_H >= AXIS_H) {
      c.fillStyle = "#e9eef5";
      c.fillRect(0, gy, X0, GROUP_H);
      c.font = BOLD_FONT;
      c.fillStyle = "#1d2433";
      c.fillText(labels.ellipsize(c, g.label, X0 - 12), 6, gy + GROUP_H / 2 + 0.5);
    }
    c.font = FONT;
    for (const l of g.lanes) {
      const ly = AXIS_H + laneY[l] - scrollTop;
      const lh = laneRows[l] * ROW_H + LANE_GAP;
      if (ly > H || ly + lh < AXIS_H) continue;
      c.fillStyle = laneShade[l] ? "#f1f3f6" : "#fafbfc";
      c.fillRect(0, ly, X0, lh);
      const lane = lanes[l];
      c.fillStyle = lane.derived ? "#667085" : "#1d2433";
      const label = lane.name || "(unnamed)";
      c.fillText(labels.ellipsize(c, label, X0 - 24), 16, ly + ROW_H / 2 + 0.5);
    }
  }
  c.restore();
  c.fillStyle = "#d0d5dc";
  c.fillRect(X0 - 1, AXIS_H, 1, H - AXIS_H);
}
