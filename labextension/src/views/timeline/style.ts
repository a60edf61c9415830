// What the timeline looks like: its CSS (exported for the page's style sheet) and the
// geometry, fonts and highlight colour that drawing, layout and hit testing share.

export const ROW_H = 16; // one nesting row
export const LANE_GAP = 4; // below each lane
export const GROUP_H = 20; // device header
export const AXIS_H = 24;
export const LABEL_W = 200; // lane names column
export const MAX_VIEW_H = 640;
export const TEXT_MIN_W = 28; // label events at least this wide (CSS px)
export const FONT = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
export const BOLD_FONT = "600 11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
export const HIGHLIGHT = "#e8175d";

export const TIMELINE_CSS = `
.tft-tl { position: relative; font-size: 12px; }
.tft-tl-bar { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; margin: 0 0 6px; }
.tft-tl-btn { font: inherit; padding: 1px 8px; min-width: 28px; border: 1px solid var(--tft-border, #c8ced6);
  background: #f7f8fa; border-radius: 3px; cursor: pointer; color: inherit; }
.tft-tl-btn:hover { background: #eceff3; }
.tft-tl-range { color: var(--tft-muted, #667085); font-variant-numeric: tabular-nums; }
.tft-tl-note { color: #7a4d00; background: var(--tft-warn-bg, #fff7e8); border: 1px solid #f0d48a;
  border-radius: 3px; padding: 0 6px; }
.tft-tl-hint { color: var(--tft-muted, #667085); margin-left: auto; font-size: 11px; }
.tft-tl-scroll { position: relative; overflow-x: hidden; overflow-y: auto; border: 1px solid var(--tft-border, #d0d5dc); }
.tft-tl-strip { border: 1px solid var(--tft-border, #d0d5dc); border-bottom: none; }
.tft-tl-steps { display: block; cursor: pointer; }
.tft-tl-canvas { display: block; position: sticky; top: 0; left: 0; cursor: grab; outline: none; touch-action: none; }
.tft-tl-canvas.tft-tl-dragging { cursor: grabbing; }
`;
