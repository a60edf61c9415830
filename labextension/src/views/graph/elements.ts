// Op graph view, element factories shared by its modules: SVG elements with
// attributes, and the small buttons of the toolbar and the details panel.

import { el } from "../../dom";

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag) as SVGElementTagNameMap[K];
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export function button(text: string, title: string, onClick: () => void, cls = ""): HTMLButtonElement {
  const b = el("button", { type: "button", title }, [text]);
  if (cls) b.className = cls;
  b.addEventListener("click", (ev) => {
    ev.preventDefault();
    onClick();
  });
  return b;
}
