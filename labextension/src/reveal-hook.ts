// The bridge between the JupyterLab plugin (plugin.ts, which has the application and
// registers how to show a notebook cell) and the mime renderer (mime.ts, which renders
// the %%tftrace outputs and passes that hook to app.render). One module instance is
// shared by both entry points of the labextension. No JupyterLab imports here.

import type { SourceLocation } from "./payload";

// Show the cell of `location`; `from` is the element of the output asking (to find its notebook).
export type RevealHandler = (location: SourceLocation, from: HTMLElement) => void;

let handler: RevealHandler | null = null;

export function setRevealHandler(h: RevealHandler | null): void {
  handler = h;
}

export function revealHandler(): RevealHandler | null {
  return handler;
}
