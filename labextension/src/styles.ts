// One stylesheet for every view, injected once per document (or shadow root).

import { LOCATION_CSS } from "./location";
import { FINDINGS_CSS } from "./views/findings";
import { FLAME_CSS } from "./views/flame";
import { GRAPH_CSS } from "./views/graph";
import { MEMORY_CSS } from "./views/memory";
import { STEPS_CSS } from "./views/steps";
import { SUMMARY_CSS } from "./views/summary";
import { TABLES_CSS } from "./views/tables";
import { TIMELINE_CSS } from "./views/timeline";

const BASE_CSS = `
.tft-app { --tft-border: #d0d5dc; --tft-head: #f3f5f8; --tft-row: #eef0f3; --tft-hover: #f7f9fc;
  --tft-select: #fff2c6; --tft-muted: #667085; --tft-warn-bg: #fff7e8;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2433; }
.tft-app .tft-muted { color: var(--tft-muted); }
.tft-tabs { display: flex; gap: 2px; border-bottom: 1px solid var(--tft-border); margin-bottom: 6px; flex-wrap: wrap; }
.tft-tabs button { border: 1px solid transparent; border-bottom: none; background: none; padding: 4px 10px;
  cursor: pointer; font: inherit; color: inherit; }
.tft-tabs button.tft-active { border-color: var(--tft-border); background: #fff; border-radius: 4px 4px 0 0;
  margin-bottom: -1px; font-weight: 600; }
.tft-app:focus { outline: none; }
.tft-view[hidden] { display: none !important; }
.tft-title { font-weight: 600; margin: 2px 0 6px; }
.tft-tip { position: absolute; z-index: 20; pointer-events: none; display: none; max-width: 520px;
  background: rgba(255, 255, 255, 0.97); border: 1px solid #b8bec8; border-radius: 3px;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.15); padding: 4px 7px; font-size: 11px; line-height: 1.4;
  overflow-wrap: anywhere; white-space: pre-wrap; }
.tft-tip-name { font-weight: 600; margin-bottom: 2px; }
.tft-tip-k { color: var(--tft-muted, #667085); }
.tft-empty { color: var(--tft-muted, #667085); padding: 12px 4px; font-style: italic; }
`;

export const CSS = [BASE_CSS, LOCATION_CSS, TABLES_CSS, SUMMARY_CSS, FINDINGS_CSS, STEPS_CSS, MEMORY_CSS, GRAPH_CSS, FLAME_CSS,
  TIMELINE_CSS].join("\n");

export function injectStyles(doc: Document = document): void {
  if (doc.getElementById("tftrace-styles")) return;
  const style = doc.createElement("style");
  style.id = "tftrace-styles";
  style.textContent = CSS;
  doc.head.append(style);
}
