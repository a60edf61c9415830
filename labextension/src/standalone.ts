// Entry of the self-contained bundle (tftrace/static/tftrace.js): renders every
// <script type="application/vnd.tftrace.payload+json"> (a profile's views) and every
// <script type="application/vnd.tftrace.diff+json"> (a comparison of two runs) into the
// element its data-target names.

import { render } from "./app";
import { renderDiff } from "./views/diff";

export { render, renderDiff };
export const MIME_TYPE = "application/vnd.tftrace.payload+json";
export const DIFF_MIME_TYPE = "application/vnd.tftrace.diff+json";

type Renderer = (target: HTMLElement, text: string) => unknown;

const RENDERERS: [string, Renderer][] = [
  [MIME_TYPE, (target, text) => render(target, text)],
  [DIFF_MIME_TYPE, (target, text) => renderDiff(target, text)],
];

export async function renderAll(doc: Document = document): Promise<void> {
  const jobs = RENDERERS.flatMap(([mime, renderer]) =>
    Array.from(doc.querySelectorAll(`script[type="${mime}"]`)).map(async (script) => {
      const target = doc.getElementById(script.getAttribute("data-target") || "") as HTMLElement | null;
      if (target) await renderer(target, script.textContent || "");
    }),
  );
  await Promise.all(jobs);
}

if (typeof document !== "undefined") {
  const start = () => {
    renderAll().catch((error) => {
      document.body.append(document.createTextNode(`tftrace: cannot show this page: ${String(error)}`));
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
