// JupyterLab: show the notebook cell of a code location ("In [7], line 3"). Finds the
// notebook that holds the output asking (else the notebook used last, else any open
// notebook with that cell), the code cell whose execution count is 7, activates it,
// scrolls it into view, puts the cursor on line 3 and flashes the cell. Works on the
// notebook widgets by their public properties, so it needs no @jupyterlab/notebook
// import (the labextension only builds against what it already depends on).

import type { JupyterFrontEnd } from "@jupyterlab/application";
import type { Widget } from "@lumino/widgets";

import { cellNumber } from "./location";
import type { SourceLocation } from "./payload";

interface CellLike {
  model: { type: string; executionCount?: number | null };
  node: HTMLElement;
  editor?: { setCursorPosition(p: { line: number; column: number }): void; focus(): void } | null;
  ready?: Promise<void>;
}

interface NotebookLike {
  widgets: readonly CellLike[];
  activeCellIndex: number;
  mode: string;
  deselectAll?(): void;
  scrollToItem?(index: number, behavior?: string, margin?: number, align?: string): Promise<void>;
}

interface PanelLike extends Widget {
  content: NotebookLike;
}

function isNotebookPanel(w: Widget | null | undefined): w is PanelLike {
  const content = w ? (w as unknown as { content?: NotebookLike }).content : undefined;
  return !!(content && Array.isArray(content.widgets) && typeof content.activeCellIndex === "number");
}

function findCell(panel: PanelLike, count: number): number {
  return panel.content.widgets.findIndex((c) => c && c.model && c.model.type === "code" && c.model.executionCount === count);
}

export class CellRevealer {
  private lastNotebook: PanelLike | null = null;

  constructor(private readonly app: JupyterFrontEnd) {
    const shell = app.shell as unknown as { currentChanged?: { connect(fn: (s: unknown, args: { newValue: Widget | null }) => void): void } };
    if (shell.currentChanged) {
      shell.currentChanged.connect((_s, args) => {
        if (isNotebookPanel(args.newValue)) this.lastNotebook = args.newValue;
      });
    }
  }

  private notebooks(): PanelLike[] {
    const out: PanelLike[] = [];
    for (const w of this.app.shell.widgets("main")) if (isNotebookPanel(w)) out.push(w);
    return out;
  }

  // The notebook and cell index for the location, best candidate first.
  private target(count: number, from: HTMLElement): [PanelLike, number] | null {
    const all = this.notebooks();
    const current = this.app.shell.currentWidget;
    const candidates: PanelLike[] = [];
    const holder = all.find((p) => p.node.contains(from));
    if (holder) candidates.push(holder);
    if (isNotebookPanel(current)) candidates.push(current);
    if (this.lastNotebook && !this.lastNotebook.isDisposed) candidates.push(this.lastNotebook);
    candidates.push(...all);
    for (const panel of candidates) {
      const i = findCell(panel, count);
      if (i >= 0) return [panel, i];
    }
    return null;
  }

  reveal(location: SourceLocation, from: HTMLElement): void {
    const count = cellNumber(location.cell);
    if (count === null) return;
    const found = this.target(count, from);
    if (!found) {
      console.warn(`tftrace: no open notebook has a cell ${location.cell}`);
      return;
    }
    const [panel, index] = found;
    void this.show(panel, index, Number(location.line) || 0);
  }

  private async show(panel: PanelLike, index: number, line: number): Promise<void> {
    const nb = panel.content;
    this.app.shell.activateById(panel.id);
    if (nb.deselectAll) nb.deselectAll();
    nb.activeCellIndex = index;
    const cell = nb.widgets[index];
    try {
      if (nb.scrollToItem) await nb.scrollToItem(index, "auto", 0, "center");
      else cell.node.scrollIntoView({ block: "center" });
    } catch {
      cell.node.scrollIntoView({ block: "center" });
    }
    if (cell.ready) await cell.ready;
    if (line > 0 && cell.editor) {
      nb.mode = "edit";
      cell.editor.setCursorPosition({ line: line - 1, column: 0 });
      cell.editor.focus();
    }
    cell.node.classList.add("tft-revealed");
    window.setTimeout(() => cell.node.classList.remove("tft-revealed"), 1600);
  }
}
