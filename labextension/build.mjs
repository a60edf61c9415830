// Bundles the views into one self-contained script for HTML reports and notebook
// fallbacks: tftrace/static/tftrace.js, exposing window.tftraceViews.
import { build } from "esbuild";

await build({
  entryPoints: ["src/standalone.ts"],
  bundle: true,
  format: "iife",
  globalName: "tftraceViews",
  minify: true,
  target: "es2020",
  legalComments: "none",
  outfile: "../tftrace/static/tftrace.js",
});
