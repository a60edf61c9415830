// The stylesheet outside JupyterLab. Every view's CSS lives in labextension/style/
// (JupyterLab loads it through package.json "style"); build.mjs inlines those same files
// into the views bundle as __TFTRACE_CSS__, and this puts them in a page once (the HTML
// report, the notebook's iframe, the anywidget). In the JupyterLab build the constant is
// not defined and this does nothing. The theme watcher starts here too (src/theme.ts).

import { watchTheme } from "./theme";

declare const __TFTRACE_CSS__: string | undefined;

export function injectStyles(doc: Document = document): void {
  watchTheme(doc);
  const css = typeof __TFTRACE_CSS__ === "string" ? __TFTRACE_CSS__ : "";
  if (!css || doc.getElementById("tftrace-styles")) return;
  const style = doc.createElement("style");
  style.id = "tftrace-styles";
  style.textContent = css;
  doc.head.append(style);
}
