// The lane chrome around the events: background bands behind the rows (device header
// bands and alternating lane shades across the canvas) and the lane-name column on the
// left (device headers in bold with a ▾/▸ to collapse them, lane names, derived lines
// greyed, compacted lanes marked) with its border. Only groups and lanes that intersect
// the scrolled viewport are painted. Colours: COLORS (style.ts), set from the theme.

import type { Lane } from "../../payload";
import type { Labels } from "./labels";
import type { Layout } from "./layout";
import { AXIS_H, BOLD_FONT, COLORS, FONT, GROUP_H, LABEL_W, ROW_H } from "./style";

// Bands W px wide; the caller clips to the area below the axis. (`_laneRows`: the lanes'
// heights are the layout's, which knows collapsed groups and compacted lanes.)
export function drawLaneBands(
  c: CanvasRenderingContext2D,
  lay: Layout,
  _laneRows: Uint8Array,
  scrollTop: number,
  W: number,
  H: number,
): void {
  const { laneY, laneH, laneShade } = lay;
  for (const g of lay.groups) {
    const gy = AXIS_H + g.y - scrollTop;
    if (gy > H) break;
    if (gy + GROUP_H >= AXIS_H) {
      c.fillStyle = COLORS.group;
      c.fillRect(0, gy, W, GROUP_H);
    }
    if (g.collapsed) continue;
    for (const l of g.lanes) {
      const ly = AXIS_H + laneY[l] - scrollTop;
      const lh = laneH[l];
      if (ly > H || ly + lh < AXIS_H) continue;
      c.fillStyle = laneShade[l] ? COLORS.band : COLORS.bg;
      c.fillRect(0, ly, W, lh);
    }
  }
}

export function drawLaneNames(
  c: CanvasRenderingContext2D,
  labels: Labels,
  lay: Layout,
  lanes: Lane[],
  _laneRows: Uint8Array,
  scrollTop: number,
  H: number,
): void {
  const X0 = LABEL_W;
  const { laneY, laneH, laneShade, compact } = lay;
  c.save();
  c.beginPath();
  c.rect(0, AXIS_H, X0, H - AXIS_H);
  c.clip();
  c.textBaseline = "middle";
  for (const g of lay.groups) {
    const gy = AXIS_H + g.y - scrollTop;
    if (gy > H) break;
    if (gy + GROUP_H >= AXIS_H) {
      c.fillStyle = COLORS.group;
      c.fillRect(0, gy, X0, GROUP_H);
      c.font = BOLD_FONT;
      c.fillStyle = COLORS.text;
      const label = g.collapsed ? `\u25b8 ${g.label} (${g.lanes.length} ${g.lanes.length === 1 ? "lane" : "lanes"})` : `\u25be ${g.label}`;
      c.fillText(labels.ellipsize(c, label, X0 - 12), 4, gy + GROUP_H / 2 + 0.5);
    }
    if (g.collapsed) continue;
    c.font = FONT;
    for (const l of g.lanes) {
      const ly = AXIS_H + laneY[l] - scrollTop;
      const lh = laneH[l];
      if (ly > H || ly + lh < AXIS_H) continue;
      c.fillStyle = laneShade[l] ? COLORS.band : COLORS.bg;
      c.fillRect(0, ly, X0, lh);
      const lane = lanes[l];
      c.fillStyle = lane.derived || compact[l] ? COLORS.muted : COLORS.text;
      const label = `${compact[l] ? "\u25b8 " : ""}${lane.name || "(unnamed)"}`;
      c.fillText(labels.ellipsize(c, label, X0 - 24), compact[l] ? 8 : 16, ly + ROW_H / 2 + 0.5);
    }
  }
  c.restore();
  c.fillStyle = COLORS.rule;
  c.fillRect(X0 - 1, AXIS_H, 1, H - AXIS_H);
}
