// Bundles the views into one self-contained script for HTML reports and notebook
// fallbacks: tftrace/static/tftrace.js, exposing window.tftraceViews. The stylesheet is
// the one JupyterLab loads (style/index.css and its imports), bundled and minified by
// esbuild and inlined as __TFTRACE_CSS__ (src/styles.ts puts it in the page): one source
// of CSS for both.
import { build } from "esbuild";

const css = await build({
  entryPoints: ["style/index.css"],
  bundle: true,
  minify: true,
  write: false,
  loader: { ".svg": "dataurl" },
  logLevel: "warning",
});

await build({
  entryPoints: ["src/standalone.ts"],
  bundle: true,
  format: "iife",
  globalName: "tftraceViews",
  minify: true,
  target: "es2020",
  legalComments: "none",
  define: { __TFTRACE_CSS__: JSON.stringify(css.outputFiles[0].text) },
  outfile: "../tftrace/static/tftrace.js",
});
