// Op graph view, styles: the stylesheet of every tft-gr-* element (toolbar, canvas,
// node boxes and their highlight states, edges, details panel). Nothing else.

export const GRAPH_CSS = `
.tft-gr-view { font: 12px system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--jp-ui-font-color1, #1a1a1a); }
.tft-gr-note { margin: 0 0 6px; padding: 4px 8px; border-left: 3px solid var(--jp-brand-color1, #4a7fb5); background: var(--jp-layout-color2, #f3f5f8); }
.tft-gr-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 0 0 6px; }
.tft-gr-toolbar select, .tft-gr-toolbar input, .tft-gr-toolbar button, .tft-gr-details button {
  font: inherit; color: inherit; background: var(--jp-layout-color1, #fff);
  border: 1px solid var(--jp-border-color1, #bbb); border-radius: 3px; padding: 2px 7px; }
.tft-gr-toolbar button, .tft-gr-details button { cursor: pointer; }
.tft-gr-toolbar button:hover, .tft-gr-details button:hover { background: var(--jp-layout-color2, #eef1f5); }
.tft-gr-toolbar select { max-width: 340px; }
.tft-gr-toolbar input { width: 200px; }
.tft-gr-count, .tft-gr-info { color: var(--jp-ui-font-color2, #666); }
.tft-gr-spacer { flex: 1 1 auto; }
.tft-gr-legend { display: flex; gap: 10px; align-items: center; color: var(--jp-ui-font-color2, #555); }
.tft-gr-swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.tft-gr-ramp { display: inline-block; width: 46px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px;
  background: linear-gradient(90deg, rgba(110,110,110,0.12), rgba(110,110,110,0.95)); }
.tft-gr-main { display: flex; gap: 8px; align-items: stretch; }
.tft-gr-canvas { position: relative; flex: 1 1 auto; min-width: 0; height: 560px; overflow: hidden;
  border: 1px solid var(--jp-border-color1, #ccc); border-radius: 4px; background: var(--jp-layout-color0, #fff); }
.tft-gr-svg { display: block; width: 100%; height: 100%; cursor: grab; user-select: none; touch-action: none; }
.tft-gr-svg.tft-gr-dragging { cursor: grabbing; }
.tft-gr-empty { position: absolute; left: 0; right: 0; top: 45%; text-align: center; color: var(--jp-ui-font-color2, #777); }
.tft-gr-node { cursor: pointer; }
.tft-gr-node rect { stroke-width: 1.2; }
.tft-gr-node text { font: 11px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; pointer-events: none; }
.tft-gr-node .tft-gr-sub { font-size: 10px; opacity: 0.85; }
.tft-gr-node.tft-gr-scope rect { stroke-dasharray: 5 2; stroke-width: 1.6; }
.tft-gr-node.tft-gr-open rect { stroke-dasharray: 2 2; }
.tft-gr-node.tft-gr-more rect { stroke-dasharray: 1 3; }
.tft-gr-node:hover rect { stroke-width: 2.4; }
.tft-gr-node.tft-gr-match rect { stroke: #e0a800; stroke-width: 3.5; stroke-dasharray: none; }
.tft-gr-node.tft-gr-current rect { stroke: #ff7f0e; stroke-width: 4.5; }
.tft-gr-node.tft-gr-selected rect { stroke: #d62728; stroke-width: 4; stroke-dasharray: none; }
.tft-gr-edge { fill: none; stroke: #9aa0a6; }
.tft-gr-edge.tft-gr-long { stroke-opacity: 0.55; }
.tft-gr-edge.tft-gr-tree { stroke: #b5bac0; }
.tft-gr-arrowhead { fill: #9aa0a6; }
.tft-gr-details { flex: 0 0 290px; max-height: 560px; overflow: auto; box-sizing: border-box; padding: 8px 10px;
  border: 1px solid var(--jp-border-color1, #ccc); border-radius: 4px; background: var(--jp-layout-color1, #fff); }
.tft-gr-details h4 { margin: 0 0 6px; font-size: 13px; word-break: break-all; }
.tft-gr-details dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 3px 8px; }
.tft-gr-details dt { color: var(--jp-ui-font-color2, #666); }
.tft-gr-details dd { margin: 0; word-break: break-all; }
.tft-gr-details dd.tft-gr-prose { word-break: normal; overflow-wrap: anywhere; }
.tft-gr-details ul { margin: 2px 0 6px; padding-left: 16px; }
.tft-gr-details li { word-break: break-all; margin: 1px 0; }
.tft-gr-details .tft-gr-section { margin: 8px 0 2px; font-weight: 600; }
.tft-gr-details .tft-gr-actions { display: flex; flex-wrap: wrap; gap: 4px; margin: 8px 0 2px; }
.tft-gr-link { color: var(--jp-content-link-color, #1a6dd4); cursor: pointer; word-break: break-all; text-decoration: none; }
.tft-gr-link:hover { text-decoration: underline; }
.tft-gr-hint { color: var(--jp-ui-font-color2, #777); }
.tft-gr-details li .tft-gr-hint { white-space: nowrap; }
`;

