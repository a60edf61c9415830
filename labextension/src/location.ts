// Lines of the user's code, as every view shows them: "In [7], line 3" for a line in a
// notebook cell, else "file.py:12" (the file's basename; the full path in the tooltip).
// Where the host can show a cell (JupyterLab passes a reveal hook to app.render), a
// location with a cell is a link that reveals it; elsewhere (the standalone report) it
// stays plain text. Text only: labels go in textContent and title.

import { el } from "./dom";
import type { SourceLocation } from "./payload";

export type RevealHook = (location: SourceLocation) => void;

export function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

// The label of a location ("" when it names nothing).
export function locationLabel(loc: SourceLocation | null | undefined): string {
  if (!loc) return "";
  const line = Number(loc.line) || 0;
  if (loc.cell) return line ? `${loc.cell}, line ${line}` : String(loc.cell);
  const file = String(loc.file || "");
  if (!file) return "";
  return line ? `${baseName(file)}:${line}` : baseName(file);
}

// The tooltip: the full file and line (and the cell).
export function locationTitle(loc: SourceLocation | null | undefined): string {
  if (!loc) return "";
  const line = Number(loc.line) || 0;
  const file = String(loc.file || "");
  const where = file ? (line ? `${file}:${line}` : file) : "";
  if (loc.cell) return where ? `${loc.cell}, line ${line} (${where})` : locationLabel(loc);
  return where;
}

// The execution count of a cell label like "In [7]", or null.
export function cellNumber(cell: string | null | undefined): number | null {
  const m = /\[\s*(\d+)\s*\]/.exec(String(cell || ""));
  return m ? Number(m[1]) : null;
}

// Makes location elements for the views of one rendering.
export class Locations {
  constructor(private readonly onReveal: RevealHook | null = null) {}

  // True if this location links to a cell here.
  canReveal(loc: SourceLocation | null | undefined): boolean {
    return !!(this.onReveal && loc && cellNumber(loc.cell) !== null);
  }

  reveal(loc: SourceLocation): void {
    if (this.onReveal && this.canReveal(loc)) this.onReveal(loc);
  }

  // A span with the label (title: the full path), or a link-styled button that reveals the cell.
  node(loc: SourceLocation | null | undefined, empty = ""): HTMLElement {
    const label = locationLabel(loc);
    if (!label) return el("span", { class: "tft-muted" }, [empty]);
    const title = locationTitle(loc);
    if (!this.canReveal(loc)) return el("span", { class: "tft-loc", title }, [label]);
    const link = el("button", { type: "button", class: "tft-loc tft-loc-link", title: `${title}\nshow this cell` }, [label]);
    link.addEventListener("click", (ev) => {
      ev.preventDefault();
      ev.stopPropagation(); // a link inside a selectable row does not select the row
      this.reveal(loc as SourceLocation);
    });
    return link;
  }
}

