// Memory, styles: the allocator bar and note, the peak line, the chart frame and the
// heading of the table of tensors alive at the peak.

export const MEMORY_CSS = `
.tft-mem-bar { display: flex; align-items: center; gap: 6px; margin: 2px 0 2px; font-size: 12.5px; }
.tft-mem-select { font: inherit; padding: 1px 4px; max-width: 560px; }
.tft-mem-note { color: var(--tft-muted); font-size: 12px; margin: 0 0 6px; }
.tft-mem-head { margin: 6px 0 4px; font-size: 12.5px; }
.tft-mem-peak { color: #b3261e; }
.tft-mem-chart { border: 1px solid var(--tft-border); border-radius: 3px; }
.tft-mem-canvas { display: block; cursor: crosshair; }
.tft-mem-h { margin: 12px 0 2px; font-size: 13px; }
`;
