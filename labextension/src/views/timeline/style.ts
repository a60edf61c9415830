// What the timeline looks like: the geometry and fonts that drawing, layout and hit
// testing share, and the colours of the frame being painted (COLORS, set from the theme
// at the canvas by paintWith before each frame). The stylesheet is style/timeline.css.

import { Theme, alpha } from "../../theme";

export const ROW_H = 16; // one nesting row
export const LANE_GAP = 4; // below each lane
export const GROUP_H = 20; // device header
export const AXIS_H = 24;
export const LABEL_W = 200; // lane names column
export const MAX_VIEW_H = 640;
export const TEXT_MIN_W = 28; // label events at least this wide (CSS px)
export const FONT = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
export const BOLD_FONT = "600 11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

// The chrome's colours for the frame being painted (lanes.ts, axis.ts, draw.ts, steps.ts).
export const COLORS = {
  bg: "#ffffff", // plot and unshaded lanes
  band: "#f7f8fa", // shaded lanes
  group: "#f0f2f5", // device header bands and the axis band
  text: "#1f2328", // lane and device names
  muted: "#5c6370", // derived lanes, axis labels
  rule: "#d8dce2", // the name column's border, the axis' bottom line
  grid: "#eef0f3",
  tick: "#9aa3ae",
  hover: "#1f2328", // the hovered event's outline
  boundary: "rgba(31, 35, 40, 0.28)", // step boundaries over the events
  selectLine: "#b7860b",
};
export let THEME: Theme | null = null;

export function paintWith(theme: Theme): void {
  THEME = theme;
  COLORS.bg = theme.bg;
  COLORS.band = theme.band;
  COLORS.group = theme.head;
  COLORS.text = theme.fg;
  COLORS.muted = theme.muted;
  COLORS.rule = theme.border;
  COLORS.grid = theme.row;
  COLORS.tick = theme.tick;
  COLORS.hover = theme.fg;
  COLORS.boundary = alpha(theme.fg, 0.3);
  COLORS.selectLine = theme.selectLine;
}

