// Tables, styles: the filter bar, the scroll container, fixed-height rows (virtual
// scrolling needs one row height), the selected row, long names ellipsized at their
// start, and the functions view's notes and retrace list.

export const ROW_H = 22; // px, every body row (cells are one line)
export const MAX_H = 560; // px, the scroll container's height limit

export const TABLES_CSS = `
.tft-tb-bar { display: flex; gap: 8px; align-items: center; margin: 4px 0 6px; }
.tft-tb-bar input { flex: 0 0 280px; padding: 3px 6px; font: inherit; }
.tft-tb-wrap { max-height: ${MAX_H}px; overflow: auto; border: 1px solid var(--tft-border); position: relative; }
.tft-tb { border-collapse: separate; border-spacing: 0; width: 100%; table-layout: fixed; font-size: 12px; }
.tft-tb thead { position: sticky; top: 0; z-index: 2; }
.tft-tb th { background: var(--tft-head); cursor: pointer; text-align: left; padding: 3px 6px;
  border-bottom: 1px solid var(--tft-border); white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  user-select: none; font-weight: 600; }
.tft-tb th.num { text-align: right; }
.tft-tb th.tft-tb-group { cursor: default; text-align: center; font-weight: 500; color: var(--tft-muted);
  border-bottom: 1px solid var(--tft-border); padding: 2px 6px 0; }
.tft-tb th.tft-tb-group.tft-tb-grouped { border-left: 1px solid var(--tft-border); border-right: 1px solid var(--tft-border); }
.tft-tb th[data-sort="asc"]::after { content: " ▲"; } .tft-tb th[data-sort="desc"]::after { content: " ▼"; }
.tft-tb td { height: ${ROW_H}px; box-sizing: border-box; padding: 0 6px; line-height: ${ROW_H - 1}px;
  border-bottom: 1px solid var(--tft-row); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.tft-tb td.num { text-align: right; font-variant-numeric: tabular-nums; }
.tft-tb td.tft-tb-tail { direction: rtl; text-align: left; }
.tft-tb td.tft-tb-tail > bdi { direction: ltr; unicode-bidi: isolate; }
.tft-tb td.tft-tb-none { color: var(--tft-muted); }
.tft-tb tr.tft-tb-row { cursor: default; }
.tft-tb tr.tft-tb-row.tft-tb-pick { cursor: pointer; }
.tft-tb tr.tft-tb-row:hover td { background: var(--tft-hover); }
.tft-tb tr.tft-selected td { background: var(--tft-select); }
.tft-tb tr.tft-selected td:first-child { box-shadow: inset 3px 0 0 #e8175d; }
.tft-tb tr.tft-tb-pad td { padding: 0; border: 0; height: auto; line-height: 0; }
.tft-tb-foot { color: var(--tft-muted); font-size: 11px; margin: 3px 0 0; }
.tft-fn-note { margin: 2px 0 6px; color: #3a4250; max-width: 920px; }
.tft-fn-h { margin: 14px 0 4px; font-size: 13px; }
.tft-fn-item { margin: 6px 0 10px; }
.tft-fn-item > .tft-fn-name { font-weight: 600; }
.tft-fn-meta { color: var(--tft-muted); font-size: 12px; margin: 1px 0 3px 12px; }
.tft-retrace { margin: 3px 0 3px 12px; font-size: 12px; border-left: 3px solid #d9822b; padding: 1px 0 1px 8px; }
.tft-retrace .tft-fix { color: var(--tft-muted); overflow-wrap: anywhere; }
.tft-retrace .tft-fix b { color: #1d6b3a; font-weight: 600; }
`;
