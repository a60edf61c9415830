// Main-area tabs over the server's run store: one run with every view (RunView), two runs
// compared (CompareView), each the content of a MainAreaWidget that plugin.ts tracks (one
// tab per run or pair, restored after a reload). Names reach the page as text only.

import { MainAreaWidget } from "@jupyterlab/apputils";
import { Widget } from "@lumino/widgets";

import { compareRuns, errorText, runPayload } from "./api";
import { render } from "./app";
import { el } from "./dom";
import { tftraceIcon } from "./icons";
import type { CellRevealer } from "./lab-reveal";
import { labSettings, showView } from "./settings";
import { renderDiff } from "./views/diff";

// What identifies a run in a tab (and in the restorer's saved state).
export interface RunRef {
  id: string;
  name: string;
}

export class RunView extends Widget {
  constructor(
    readonly run: RunRef,
    private readonly revealer: CellRevealer,
  ) {
    super();
    this.addClass("tft-main");
    this.node.setAttribute("data-tftrace-run", run.id);
    this.node.append(el("div", { class: "tft-main-status" }, [`loading run ${run.id}…`]));
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const payload = await runPayload(this.run.id);
      if (this.isDisposed) return;
      await render(this.node, payload as never, { onReveal: (location) => this.revealer.reveal(location, this.node) });
      showView(this.node, labSettings().defaultView);
    } catch (error) {
      this.node.replaceChildren(el("div", { class: "tft-main-status tft-main-error" },
        [`tftrace: cannot load run ${this.run.id}: ${errorText(error)}`]));
    }
  }
}

// Two runs compared by the server (tftrace.diff/1), drawn by the comparison view.
export class CompareView extends Widget {
  constructor(
    readonly a: RunRef,
    readonly b: RunRef,
  ) {
    super();
    this.addClass("tft-main");
    this.node.setAttribute("data-tftrace-compare", `${a.id} ${b.id}`);
    this.node.append(el("div", { class: "tft-main-status" }, [`comparing ${label(a)} with ${label(b)}…`]));
    compareRuns(a.id, b.id)
      .then((diff) => renderDiff(this.node, diff))
      .catch((error) => this.node.replaceChildren(
        el("div", { class: "tft-main-status tft-main-error" }, [`tftrace: cannot compare: ${errorText(error)}`]),
      ));
  }
}

export function label(run: RunRef): string {
  return run.name || run.id;
}

export function runTab(run: RunRef, revealer: CellRevealer): MainAreaWidget<RunView> {
  return tab(new RunView(run, revealer), `tftrace-run-${run.id}`, label(run), `tftrace run ${run.id}`);
}

export function compareTab(a: RunRef, b: RunRef): MainAreaWidget<CompareView> {
  return tab(new CompareView(a, b), `tftrace-compare-${a.id}-${b.id}`, `${label(a)} vs ${label(b)}`,
    `tftrace: run ${a.id} compared with run ${b.id}`);
}

function tab<T extends Widget>(content: T, id: string, text: string, caption: string): MainAreaWidget<T> {
  const widget = new MainAreaWidget({ content });
  widget.id = id;
  widget.title.label = text;
  widget.title.caption = caption;
  widget.title.icon = tftraceIcon;
  widget.title.closable = true;
  return widget;
}
