// Comparison view, styles: theme-aware colours (JupyterLab's variables, with light
// fallbacks for the standalone report; the chart reads the same variables), the header,
// the step line and legend, the verdict badges and the rows table. Injected once per
// document, apart from the profile views' stylesheet (the view is used on its own).

export const DIFF_CSS = `
.tft-df { --tft-df-fg: var(--jp-ui-font-color1, #1f2328); --tft-df-muted: var(--jp-ui-font-color2, #59636e);
  --tft-df-bg: var(--jp-layout-color1, #fff); --tft-df-head: var(--jp-layout-color2, #f3f5f8);
  --tft-df-border: var(--jp-border-color2, #d0d7de); --tft-df-grid: var(--jp-border-color3, #e8ebef);
  --tft-df-a: #4a7fb5; --tft-df-b: #d9822b; --tft-df-link: var(--jp-content-link-color, #1a5fb4);
  --tft-df-slower: var(--jp-error-color1, #b42318); --tft-df-faster: var(--jp-success-color1, #067647);
  --tft-df-new: var(--jp-info-color1, #1a5fb4); --tft-df-gone: var(--jp-warn-color1, #9a6700);
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--tft-df-fg);
  background: var(--tft-df-bg); padding: 4px 2px; }
.tft-df h3 { font-size: 14px; margin: 16px 0 6px; }
.tft-df .tft-df-muted { color: var(--tft-df-muted); }
.tft-df-title { font-weight: 600; font-size: 15px; margin: 0 0 6px; }
.tft-df-side { display: grid; grid-template-columns: auto 1fr; gap: 8px; margin: 4px 0; align-items: start; }
.tft-df-side .tft-df-letter { margin-top: 2px; }
.tft-df-run { overflow-wrap: anywhere; }
.tft-df-steps { font-size: 12px; }
.tft-df-letter { display: inline-block; min-width: 17px; padding: 0 3px; box-sizing: border-box; border-radius: 3px;
  text-align: center; font-weight: 700; font-size: 11px; line-height: 17px; color: #fff; }
.tft-df-letter-a { background: var(--tft-df-a); } .tft-df-letter-b { background: var(--tft-df-b); }
.tft-df-method { color: var(--tft-df-muted); font-size: 12px; margin: 8px 0 2px; max-width: 960px; }
.tft-df-notes { margin: 4px 0 0; padding-left: 20px; font-size: 12px; max-width: 960px; }
.tft-df-stepline { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; font-size: 14px; margin: 2px 0 8px; }
.tft-df-stepline b { font-variant-numeric: tabular-nums; }
.tft-df-arrow { color: var(--tft-df-muted); margin: 0 2px; }
.tft-df-gap { margin-left: 14px; }
.tft-df-chart { border: 1px solid var(--tft-df-border); border-radius: 4px; max-width: 1100px; }
.tft-df-canvas { display: block; }
.tft-df-legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; margin: 4px 0 0; }
.tft-df-lkey { white-space: nowrap; display: inline-flex; align-items: center; gap: 5px; }
.tft-df-dot, .tft-df-ring { display: inline-block; width: 8px; height: 8px; border-radius: 50%; }
.tft-df-dot { background: var(--tft-df-a); box-shadow: 10px 0 0 var(--tft-df-b); margin-right: 10px; }
.tft-df-ring { border: 2px solid var(--tft-df-muted); width: 6px; height: 6px; }
.tft-df-cross::before { content: "\\00d7"; font-weight: 700; font-size: 15px; line-height: 8px; color: var(--tft-df-muted); }
.tft-df-meanbar { display: inline-block; width: 2px; height: 12px; background: var(--tft-df-fg); }
.tft-df-verdict { display: inline-block; white-space: nowrap; border: 1px solid currentColor; border-radius: 10px;
  padding: 0 7px; font-size: 12px; line-height: 17px; font-weight: 600;
  background: color-mix(in srgb, currentColor 10%, transparent); }
.tft-df .tft-df-v-slower { color: var(--tft-df-slower); } .tft-df .tft-df-v-faster { color: var(--tft-df-faster); }
.tft-df .tft-df-v-new { color: var(--tft-df-new); } .tft-df .tft-df-v-gone { color: var(--tft-df-gone); }
.tft-df .tft-df-v-same, .tft-df .tft-df-v-unknown { color: var(--tft-df-muted); }
.tft-df .tft-df-v-same.tft-df-verdict { font-weight: 400; }
.tft-df-table .tft-df-v-same.tft-df-verdict { white-space: normal; max-width: 9em; border: none; background: none;
  padding: 0; }
.tft-df-tools { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; margin: 0 0 6px; font-size: 12px; }
.tft-df-filter { flex: 0 1 300px; min-width: 160px; padding: 3px 6px; font: inherit; color: inherit;
  background: var(--jp-input-background, var(--tft-df-bg)); border: 1px solid var(--tft-df-border); border-radius: 3px; }
.tft-df-kindtoggle { white-space: nowrap; cursor: pointer; }
.tft-df-kindtoggle input { vertical-align: -2px; margin: 0 2px 0 0; }
.tft-df-count { margin-left: auto; }
.tft-df-table { border-collapse: separate; border-spacing: 0; width: 100%; font-size: 12px; }
.tft-df-table th { position: sticky; top: 0; z-index: 1; background: var(--tft-df-head); text-align: left; font-weight: 600;
  padding: 4px 8px; border-bottom: 1px solid var(--tft-df-border); white-space: nowrap; }
.tft-df-table th.num, .tft-df-table td.num { text-align: right; }
.tft-df-table td { padding: 3px 8px; border-bottom: 1px solid var(--tft-df-grid); vertical-align: top; }
.tft-df-table td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
.tft-df-table tr.tft-df-row:hover td { background: color-mix(in srgb, var(--tft-df-head) 60%, transparent); }
.tft-df-kind { white-space: nowrap; color: var(--tft-df-muted); }
.tft-df-name { min-width: 160px; overflow-wrap: break-word; } /* breaks after each "/" (<wbr>) first */
.tft-df-bkey { color: var(--tft-df-fg); font-size: 11.5px; }
.tft-df-meta { color: var(--tft-df-muted); font-size: 11px; }
.tft-df-table td.num .tft-df-meta { white-space: normal; }
.tft-df-note { min-width: 150px; max-width: 240px; color: var(--tft-df-muted); }
.tft-df-table tr.tft-df-group td { background: var(--tft-df-head); color: var(--tft-df-muted); font-weight: 600;
  padding: 4px 8px; }
.tft-df-fold { font: inherit; font-weight: 600; color: var(--tft-df-link); background: none; border: none; padding: 0;
  cursor: pointer; }
.tft-df-fold:hover { text-decoration: underline; }
.tft-df-empty { color: var(--tft-df-muted); font-style: italic; padding: 6px 2px; }
.tft-df-error { color: var(--tft-df-slower); }
`;

export function injectDiffStyles(doc: Document = document): void {
  if (doc.getElementById("tftrace-diff-styles")) return;
  const style = doc.createElement("style");
  style.id = "tftrace-diff-styles";
  style.textContent = DIFF_CSS;
  doc.head.append(style);
}
