// The runs sidebar: the history of runs from the server's store (not the kernel), newest
// first. A row opens its run; two checked rows compare; right-click a row for the tftrace
// commands (commands.ts, which this panel only invokes). The list refreshes on a lumino
// Poll every `pollInterval` seconds (settings.ts) while the sidebar is shown and the browser
// tab is visible, at once when the sidebar is shown again, never after dispose. Its look is
// style/sidebar.css (the extension's stylesheet).

import type { CommandRegistry } from "@lumino/commands";
import type { Message } from "@lumino/messaging";
import { Poll } from "@lumino/polling";
import { Widget } from "@lumino/widgets";

import { RunInfo, errorText, listRuns } from "./api";
import { el, fmtUs, markReady } from "./dom";
import { tftraceIcon } from "./icons";

export const RUNS_PANEL_ID = "tftrace-runs";

export class RunsPanel extends Widget {
  private runs: RunInfo[] = [];
  private checked = new Set<string>();
  private list = el("div", { class: "tft-runs-list" });
  private compareButton = el("button", { class: "tft-runs-compare" }, ["compare 2 checked"]) as HTMLButtonElement;
  private poll = new Poll({
    name: "tftrace:runs",
    factory: () => this.refresh(),
    frequency: { interval: Poll.NEVER, backoff: false },
    standby: () => !this.isVisible || document.hidden,
    auto: false,
  });
  private readonly openCommand: string;

  // IDS: the commands a row (open) and the bar's buttons (compare, refresh) run.
  constructor(
    private readonly commands: CommandRegistry,
    ids: { open: string; compare: string; refresh: string },
  ) {
    super();
    this.id = RUNS_PANEL_ID;
    this.title.caption = "tftrace runs";
    this.title.icon = tftraceIcon;
    this.addClass("tft-runs");
    this.node.setAttribute("data-tftrace-view", "runs");
    const refresh = el("button", { class: "tft-runs-refresh" }, ["refresh"]);
    refresh.addEventListener("click", () => void commands.execute(ids.refresh));
    this.compareButton.addEventListener("click", () => void commands.execute(ids.compare, { from: "sidebar" }));
    this.openCommand = ids.open;
    this.node.append(el("div", { class: "tft-runs-bar" }, [refresh, this.compareButton]), this.list);
    void this.refresh();
  }

  // Seconds between refreshes while shown; 0 stops the poll.
  setPollInterval(seconds: number): void {
    if (this.isDisposed) return;
    if (!(seconds > 0)) {
      void this.poll.stop();
      return;
    }
    const interval = Math.round(seconds * 1000);
    this.poll.frequency = { interval, max: interval, backoff: false };
    void (this.poll.state.phase === "constructed" || this.poll.state.phase === "stopped"
      ? this.poll.start()
      : this.poll.refresh());
  }

  get runList(): readonly RunInfo[] {
    return this.runs;
  }

  run(id: string): RunInfo | undefined {
    return this.runs.find((r) => r.id === id);
  }

  // The two checked runs, older first; null unless exactly two are checked.
  checkedPair(): [RunInfo, RunInfo] | null {
    const pair = this.runs.filter((r) => this.checked.has(r.id)).reverse();
    return pair.length === 2 ? [pair[0], pair[1]] : null;
  }

  async refresh(): Promise<void> {
    if (this.isDisposed) return;
    try {
      this.runs = await listRuns();
    } catch (error) {
      if (!this.isDisposed) this.list.replaceChildren(el("div", {}, [`tftrace: cannot list runs: ${errorText(error)}`]));
      return;
    }
    if (this.isDisposed) return;
    const known = new Set(this.runs.map((r) => r.id));
    this.checked.forEach((id) => known.has(id) || this.checked.delete(id));
    this.draw();
    markReady(this.node);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.poll.dispose();
    super.dispose();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.refresh();
  }

  private draw(): void {
    this.list.replaceChildren();
    if (!this.runs.length) this.list.append(el("div", {}, ["No runs yet: run a cell with %%tftrace."]));
    for (const run of this.runs) this.list.append(this.row(run));
    this.compareButton.disabled = this.checked.size !== 2;
  }

  private row(run: RunInfo): HTMLElement {
    const box = el("input", { type: "checkbox", "data-run": run.id }) as HTMLInputElement;
    box.checked = this.checked.has(run.id);
    box.addEventListener("change", () => {
      if (box.checked) this.checked.add(run.id);
      else this.checked.delete(run.id);
      this.compareButton.disabled = this.checked.size !== 2;
    });
    const open = el("button", { class: "tft-run-open", "data-run": run.id }, [run.name || run.id]);
    open.addEventListener("click", () => void this.commands.execute(this.openCommand, { id: run.id, name: run.name }));
    const meta = `${run.created} · ${fmtUs(run.duration_us)} · ${run.events.toLocaleString()} events · ${run.ops} ops` +
      (run.error ? ` · raised ${run.error}` : "");
    return el("div", { class: "tft-run", "data-run": run.id, title: run.id },
      [box, open, el("div", { class: "tft-run-meta" }, [meta])]);
  }
}
