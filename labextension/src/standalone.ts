// Entry of the self-contained bundle (tftrace/static/tftrace.js): renders every
// <script type="application/vnd.tftrace.payload+json"> into the element before it.

import { render } from "./app";

export { render };
export const MIME_TYPE = "application/vnd.tftrace.payload+json";

export async function renderAll(doc: Document = document): Promise<void> {
  const scripts = Array.from(doc.querySelectorAll(`script[type="${MIME_TYPE}"]`));
  await Promise.all(
    scripts.map(async (script) => {
      const target = doc.getElementById(script.getAttribute("data-target") || "") as HTMLElement | null;
      if (target) await render(target, script.textContent || "");
    }),
  );
}

if (typeof document !== "undefined") {
  const start = () => {
    renderAll().catch((error) => {
      document.body.append(document.createTextNode(`tftrace: cannot show this profile: ${String(error)}`));
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
