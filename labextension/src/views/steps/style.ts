// Steps, styles: the header and reason lines, the legend, the chart, the picked step's
// line and the tooltip's category rows.

export const STEPS_CSS = `
.tft-st-head { margin: 2px 0 1px; }
.tft-st-reason { color: var(--tft-muted); font-size: 12px; margin: 0 0 6px; }
.tft-st-bar { display: flex; align-items: center; gap: 6px 14px; flex-wrap: wrap; margin: 4px 0 4px; font-size: 12px; }
.tft-st-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; }
.tft-st-key { white-space: nowrap; }
.tft-st-sw { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px;
  vertical-align: -1px; box-shadow: inset 0 0 0 1px rgba(0, 0, 0, 0.12); }
.tft-st-fit { margin-left: auto; color: var(--tft-muted); white-space: nowrap; cursor: pointer; }
.tft-st-fit input { vertical-align: -2px; margin: 0 2px 0 0; }
.tft-st-chart { border: 1px solid var(--tft-border); border-radius: 3px; }
.tft-st-canvas { display: block; cursor: pointer; }
.tft-st-detail { margin: 5px 0 8px; min-height: 20px; font-size: 12.5px; }
.tft-st-detail .tft-st-out, .tft-st-tip-out { color: #b3261e; }
.tft-st-go { font: inherit; font-size: 12px; padding: 0 8px; margin-left: 6px; border: 1px solid var(--tft-border);
  border-radius: 3px; background: #f7f8fa; cursor: pointer; color: inherit; }
.tft-st-go:hover { background: #eceff3; }
.tft-st-tip-parts { margin: 3px 0 0; }
.tft-st-tip-parts > div { white-space: nowrap; }
.tft-st-table .tft-tb td:last-child { color: #b3261e; }
`;
