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

interface DiffRow {
  key: string | string[];
  a_us: number;
  b_us: number;
  delta_us: number;
  ratio: number | null;
}

interface Comparison {
  a: { name: string; created: string };
  b: { name: string; created: string };
  totals: { a_self_us: number; b_self_us: number };
  ops: DiffRow[];
  functions: DiffRow[];
}

const ICON =
  "url(\"data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>" +
  "<rect x='1' y='2' width='14' height='3' fill='%234a7fb5'/><rect x='3' y='6.5' width='9' height='3' fill='%23d9822b'/>" +
  "<rect x='5' y='11' width='5' height='3' fill='%23616161'/></svg>\")";

const SIDEBAR_CSS = `
.tftrace-sidebar-icon { background-image: ${ICON}; background-repeat: no-repeat; background-position: center;
  background-size: 16px; min-width: 16px; min-height: 16px; }
.tft-runs { padding: 8px; overflow: auto; font: 13px system-ui, sans-serif; }
.tft-runs-bar { display: flex; gap: 6px; margin-bottom: 6px; }
.tft-run { display: grid; grid-template-columns: auto 1fr; gap: 2px 6px; padding: 4px 2px; border-bottom: 1px solid #e3e6ea; }
.tft-run button.tft-run-open { text-align: left; background: none; border: none; padding: 0; cursor: pointer;
  color: #1a5fb4; font: inherit; word-break: break-all; }
.tft-run .tft-run-meta { grid-column: 2; color: #667085; font-size: 11px; }
.tft-compare { padding: 10px; overflow: auto; font: 13px system-ui, sans-serif; }
.tft-compare td.num { text-align: right; font-variant-numeric: tabular-nums; }
.tft-compare .tft-up { color: #b42318; } .tft-compare .tft-down { color: #067647; }
${REVEAL_CSS}`;

async function api<T>(path: string): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const response = await ServerConnection.makeRequest(URLExt.join(settings.baseUrl, "tftrace", path), {}, settings);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body as T;
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
      .catch((error) => this.node.replaceChildren(el("div", {}, [`tftrace: cannot load run ${run.id}: ${error}`])));
  }
}

function diffTable(rows: DiffRow[], label: (key: string | string[]) => string): HTMLTableElement {
  const table = el("table", { class: "tft-tb" });
  table.append(el("thead", {}, [el("tr", {}, ["", "A", "B", "B − A", "B / A"].map((h) => el("th", {}, [h])))]));
  const body = el("tbody");
  for (const r of rows) {
    const delta = el("td", { class: `num ${r.delta_us > 0 ? "tft-up" : r.delta_us < 0 ? "tft-down" : ""}` }, [
      `${r.delta_us > 0 ? "+" : ""}${fmtUs(r.delta_us)}`,
    ]);
    body.append(
      el("tr", {}, [
        el("td", { class: "name" }, [label(r.key)]),
        el("td", { class: "num" }, [fmtUs(r.a_us)]),
        el("td", { class: "num" }, [fmtUs(r.b_us)]),
        delta,
        el("td", { class: "num" }, [r.ratio === null ? "new" : `${r.ratio.toFixed(2)}×`]),
      ]),
    );
  }
  table.append(body);
  return table;
}

class CompareView extends Widget {
  constructor(a: RunInfo, b: RunInfo) {
    super();
    this.id = `tftrace-compare-${a.id}-${b.id}`;
    this.title.label = `tftrace: ${a.name || a.id} vs ${b.name || b.id}`;
    this.title.closable = true;
    this.addClass("tft-compare");
    this.node.setAttribute("data-tftrace-view", "compare");
    this.node.append(el("div", {}, ["comparing…"]));
    api<Comparison>(`compare?a=${encodeURIComponent(a.id)}&b=${encodeURIComponent(b.id)}`)
      .then((c) => {
        this.node.replaceChildren(
          el("h3", {}, [`A: ${c.a.name} (${c.a.created})  ·  B: ${c.b.name} (${c.b.created})`]),
          el("p", {}, [`total op self time: A ${fmtUs(c.totals.a_self_us)}, B ${fmtUs(c.totals.b_self_us)}`]),
          el("h4", {}, ["Ops, largest change first"]),
          diffTable(c.ops, (k) => (Array.isArray(k) ? `${k[0]} (${k[1]}, ${k[2]}, ${k[3]})` : String(k))),
          el("h4", {}, ["tf.functions"]),
          diffTable(c.functions, (k) => String(k)),
        );
        markReady(this.node);
      })
      .catch((error) => this.node.replaceChildren(el("div", {}, [`tftrace: cannot compare: ${error}`])));
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
      this.list.replaceChildren(el("div", {}, [`tftrace: cannot list runs: ${error}`]));
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
