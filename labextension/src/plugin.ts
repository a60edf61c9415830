// JupyterLab sidebar: the history of runs from the server's store (not the kernel),
// each opening in the main area with every view; two checked runs open a comparison.
// Also registers how to show a notebook cell (lab-reveal.ts), so that code locations
// in notebook outputs and opened runs link to their cells.

import { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { URLExt } from "@jupyterlab/coreutils";
import { ServerConnection } from "@jupyterlab/services";
import { Widget } from "@lumino/widgets";

import { render } from "./app";
import { CellRevealer, REVEAL_CSS } from "./lab-reveal";
import { setRevealHandler } from "./reveal-hook";
import { el, fmtUs, markReady } from "./dom";
import { injectStyles } from "./styles";
import { renderDiff } from "./views/diff";

interface RunInfo {
  id: string;
  name: string;
  created: string;
  source: string;
  duration_us: number;
  events: number;
  ops: number;
  kernels: number;
  error: string;
}

const ICON =
  "url(\"data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>" +
  "<rect x='1' y='2' width='14' height='3' fill='%234a7fb5'/><rect x='3' y='6.5' width='9' height='3' fill='%23d9822b'/>" +
  "<rect x='5' y='11' width='5' height='3' fill='%23616161'/></svg>\")";

const SIDEBAR_CSS = `
.tftrace-sidebar-icon { background-image: ${ICON}; background-repeat: no-repeat; background-position: center;
  background-size: 16px; min-width: 16px; min-height: 16px; }
.tft-runs { padding: 8px; overflow: auto; font: 13px system-ui, sans-serif; color: var(--jp-ui-font-color1, #1f2328); }
.tft-runs-bar { display: flex; gap: 6px; margin-bottom: 6px; }
.tft-run { display: grid; grid-template-columns: auto 1fr; gap: 2px 6px; padding: 4px 2px;
  border-bottom: 1px solid var(--jp-border-color2, #e3e6ea); }
.tft-run button.tft-run-open { text-align: left; background: none; border: none; padding: 0; cursor: pointer;
  color: var(--jp-content-link-color, #1a5fb4); font: inherit; word-break: break-all; }
.tft-run .tft-run-meta { grid-column: 2; color: var(--jp-ui-font-color2, #667085); font-size: 11px; }
.tft-compare { padding: 10px 14px; overflow: auto; background: var(--jp-layout-color1, #fff); }
.tft-compare-status { font: 13px system-ui, sans-serif; color: var(--jp-ui-font-color1, #1f2328); }
.tft-compare-error { color: var(--jp-error-color1, #b42318); }
${REVEAL_CSS}`;

async function api<T>(path: string): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const response = await ServerConnection.makeRequest(URLExt.join(settings.baseUrl, "tftrace", path), {}, settings);
  const text = await response.text();
  let body: { error?: string } | null = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null; // an error page, not the server extension's JSON
  }
  if (!response.ok) throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
  if (body === null) throw new Error("the server's answer is not JSON");
  return body as T;
}

// An error as one line of text.
function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
}

function injectSidebarStyles(): void {
  if (document.getElementById("tftrace-sidebar-styles")) return;
  const style = document.createElement("style");
  style.id = "tftrace-sidebar-styles";
  style.textContent = SIDEBAR_CSS;
  document.head.append(style);
}

class RunView extends Widget {
  constructor(run: RunInfo, revealer: CellRevealer) {
    super();
    this.id = `tftrace-run-${run.id}`;
    this.title.label = `tftrace: ${run.name || run.id}`;
    this.title.closable = true;
    this.node.style.overflow = "auto";
    this.node.style.padding = "8px";
    this.node.setAttribute("data-tftrace-run", run.id);
    this.node.append(el("div", {}, [`loading run ${run.id}…`]));
    api<never>(`runs/${encodeURIComponent(run.id)}`)
      .then((payload) => render(this.node, payload, { onReveal: (location) => revealer.reveal(location, this.node) }))
      .catch((error) => this.node.replaceChildren(el("div", {}, [`tftrace: cannot load run ${run.id}: ${errorText(error)}`])));
  }
}

// Two runs compared by the server (tftrace.diff/1), drawn by the comparison view; a
// server error is one line.
class CompareView extends Widget {
  constructor(a: RunInfo, b: RunInfo) {
    super();
    this.id = `tftrace-compare-${a.id}-${b.id}`;
    this.title.label = `tftrace: ${a.name || a.id} vs ${b.name || b.id}`;
    this.title.closable = true;
    this.addClass("tft-compare");
    this.node.setAttribute("data-tftrace-compare", `${a.id} ${b.id}`);
    this.node.append(el("div", { class: "tft-compare-status" }, [`comparing ${a.name || a.id} with ${b.name || b.id}…`]));
    api<unknown>(`compare?a=${encodeURIComponent(a.id)}&b=${encodeURIComponent(b.id)}`)
      .then((diff) => renderDiff(this.node, diff))
      .catch((error) => this.node.replaceChildren(
        el("div", { class: "tft-compare-status tft-compare-error" }, [`tftrace: cannot compare: ${errorText(error)}`]),
      ));
  }
}

class RunsPanel extends Widget {
  private runs: RunInfo[] = [];
  private checked = new Set<string>();
  private list = el("div");
  private compareButton = el("button", {}, ["compare 2 checked"]);

  constructor(
    private app: JupyterFrontEnd,
    private revealer: CellRevealer,
  ) {
    super();
    this.id = "tftrace-runs";
    this.title.caption = "tftrace runs";
    this.title.iconClass = "tftrace-sidebar-icon";
    this.addClass("tft-runs");
    this.node.setAttribute("data-tftrace-view", "runs");
    const refresh = el("button", {}, ["refresh"]);
    refresh.addEventListener("click", () => void this.refresh());
    this.compareButton.addEventListener("click", () => this.compare());
    this.node.append(el("div", { class: "tft-runs-bar" }, [refresh, this.compareButton]), this.list);
    void this.refresh();
    window.setInterval(() => {
      if (this.isVisible && !document.hidden) void this.refresh();
    }, 5000);
  }

  async refresh(): Promise<void> {
    try {
      this.runs = (await api<{ runs: RunInfo[] }>("runs")).runs;
    } catch (error) {
      this.list.replaceChildren(el("div", {}, [`tftrace: cannot list runs: ${errorText(error)}`]));
      return;
    }
    this.draw();
    markReady(this.node);
  }

  private draw(): void {
    this.list.replaceChildren();
    if (!this.runs.length) this.list.append(el("div", {}, ["No runs yet: run a cell with %%tftrace."]));
    for (const run of this.runs) {
      const box = el("input", { type: "checkbox", "data-run": run.id });
      (box as HTMLInputElement).checked = this.checked.has(run.id);
      box.addEventListener("change", () => {
        if ((box as HTMLInputElement).checked) this.checked.add(run.id);
        else this.checked.delete(run.id);
        this.updateButton();
      });
      const open = el("button", { class: "tft-run-open", "data-run": run.id }, [run.name || run.id]);
      open.addEventListener("click", () => this.open(run));
      const meta = `${run.created} · ${fmtUs(run.duration_us)} · ${run.events.toLocaleString()} events · ${run.ops} ops` +
        (run.error ? ` · raised ${run.error}` : "");
      this.list.append(el("div", { class: "tft-run" }, [box, open, el("div", { class: "tft-run-meta" }, [meta])]));
    }
    this.updateButton();
  }

  private updateButton(): void {
    (this.compareButton as HTMLButtonElement).disabled = this.checked.size !== 2;
  }

  private open(run: RunInfo): void {
    const view = new RunView(run, this.revealer);
    this.app.shell.add(view, "main");
    this.app.shell.activateById(view.id);
  }

  private compare(): void {
    const [a, b] = this.runs.filter((r) => this.checked.has(r.id)).reverse(); // older first
    if (!a || !b) return;
    const view = new CompareView(a, b);
    this.app.shell.add(view, "main");
    this.app.shell.activateById(view.id);
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: "tftrace-labextension:runs",
  description: "The tftrace sidebar: runs from the server's store, opened and compared in the main area.",
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    injectStyles();
    injectSidebarStyles();
    const revealer = new CellRevealer(app);
    setRevealHandler((location, from) => revealer.reveal(location, from));
    app.shell.add(new RunsPanel(app, revealer), "left", { rank: 900 });
  },
};

export default plugin;
