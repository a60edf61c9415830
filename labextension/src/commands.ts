// The tftrace commands (open, compare, export report, delete run, refresh, show the runs),
// in the command palette (category "tftrace") and the runs sidebar's context menu. A command
// takes its run from its arguments ({id} or {a, b}), else from the sidebar row right-clicked
// ({from: "sidebar"}), else from the run tab in front (export, delete), else asks with a
// list of the store's runs. Opening a run or a pair already open brings its tab forward. A
// run tab's toolbar has the run's export and delete buttons.

import type { JupyterFrontEnd } from "@jupyterlab/application";
import {
  Dialog, ICommandPalette, InputDialog, MainAreaWidget, WidgetTracker, showDialog, showErrorMessage,
} from "@jupyterlab/apputils";
import { CommandToolbarButton } from "@jupyterlab/ui-components";
import type { ReadonlyPartialJSONObject } from "@lumino/coreutils";

import { RunInfo, deleteRun, errorText, listRuns, runReport } from "./api";
import { tftraceIcon } from "./icons";
import type { CellRevealer } from "./lab-reveal";
import type { RunsPanel } from "./runs-panel";
import { CompareView, RunRef, RunView, compareTab, label, runTab } from "./runview";

export const CommandIDs = {
  open: "tftrace:open-run",
  compare: "tftrace:compare-runs",
  exportReport: "tftrace:export-report",
  deleteRun: "tftrace:delete-run",
  refresh: "tftrace:refresh-runs",
  showRuns: "tftrace:show-runs",
};

export const PALETTE_CATEGORY = "tftrace";

export interface Trackers {
  runs: WidgetTracker<MainAreaWidget<RunView>>;
  compares: WidgetTracker<MainAreaWidget<CompareView>>;
}

type Args = ReadonlyPartialJSONObject;

const text = (value: unknown): string => (typeof value === "string" ? value : "");

export function addCommands(app: JupyterFrontEnd, panel: RunsPanel, trackers: Trackers, revealer: CellRevealer): void {
  const { commands, shell } = app;
  const fromSidebar = (args: Args) => args.from === "sidebar";

  const refOf = (id: string, name = ""): RunRef => ({ id, name: name || panel.run(id)?.name || "" });

  // The run a command is about (see the module comment); null if the user chose none.
  async function targetRun(args: Args, question: string, frontTab: boolean): Promise<RunRef | null> {
    if (text(args.id)) return refOf(text(args.id), text(args.name));
    if (fromSidebar(args)) {
      const row = app.contextMenuHitTest((node) => node.classList.contains("tft-run") && !!node.dataset.run);
      if (row) return refOf(row.dataset.run as string);
    }
    const front = trackers.runs.currentWidget;
    if (frontTab && front && shell.currentWidget === front) return front.content.run;
    return pickRun(question);
  }

  commands.addCommand(CommandIDs.open, {
    label: (args) => (fromSidebar(args) ? "Open" : "Open Run…"),
    caption: "Open a tftrace run from the store in a tab, with every view",
    icon: (args) => (fromSidebar(args) ? undefined : tftraceIcon),
    execute: async (args) => {
      const run = await targetRun(args, "Open a tftrace run", false);
      if (run) openRun(run);
    },
  });

  commands.addCommand(CommandIDs.compare, {
    label: (args) => (fromSidebar(args) ? "Compare the 2 Checked Runs" : "Compare Two Runs…"),
    caption: "Compare two tftrace runs step by step (A: before, B: after)",
    isEnabled: (args) => !fromSidebar(args) || panel.checkedPair() !== null,
    execute: async (args) => {
      const pair = text(args.a) && text(args.b)
        ? [refOf(text(args.a), text(args.aName)), refOf(text(args.b), text(args.bName))]
        : panel.checkedPair() || (await pickPair());
      if (pair) openCompare(pair[0], pair[1]);
    },
  });

  commands.addCommand(CommandIDs.exportReport, {
    label: (args) => (fromSidebar(args) ? "Export HTML Report" : "Export Run as HTML Report…"),
    caption: "Download a run's self-contained HTML report (as `tftrace report` writes it)",
    execute: async (args) => {
      const run = await targetRun(args, "Export a tftrace run as an HTML report", true);
      if (run) await exportReport(run);
    },
  });

  commands.addCommand(CommandIDs.deleteRun, {
    label: (args) => (fromSidebar(args) ? "Delete Run…" : "Delete Run from the Store…"),
    caption: "Delete a tftrace run and its run file from the store (asks first)",
    execute: async (args) => {
      const run = await targetRun(args, "Delete a tftrace run", true);
      if (run) await removeRun(run);
    },
  });

  commands.addCommand(CommandIDs.refresh, {
    label: "Refresh Runs",
    caption: "Read the run list from the server again",
    execute: () => panel.refresh(),
  });

  commands.addCommand(CommandIDs.showRuns, {
    label: "Show Runs",
    caption: "Show the tftrace runs sidebar",
    icon: tftraceIcon,
    execute: () => shell.activateById(panel.id),
  });

  function openRun(run: RunRef): MainAreaWidget<RunView> {
    const open = trackers.runs.find((w) => w.content.run.id === run.id);
    if (open) {
      shell.activateById(open.id);
      return open;
    }
    const widget = runTab(run, revealer);
    for (const [name, id, label] of [["export", CommandIDs.exportReport, "Export HTML report"],
      ["delete", CommandIDs.deleteRun, "Delete run…"]]) {
      widget.toolbar.addItem(name, new CommandToolbarButton({ commands, id, label, args: { id: run.id } }));
    }
    void trackers.runs.add(widget);
    shell.add(widget, "main");
    shell.activateById(widget.id);
    return widget;
  }

  function openCompare(a: RunRef, b: RunRef): MainAreaWidget<CompareView> {
    const open = trackers.compares.find((w) => w.content.a.id === a.id && w.content.b.id === b.id);
    if (open) {
      shell.activateById(open.id);
      return open;
    }
    const widget = compareTab(a, b);
    void trackers.compares.add(widget);
    shell.add(widget, "main");
    shell.activateById(widget.id);
    return widget;
  }

  async function exportReport(run: RunRef): Promise<void> {
    try {
      const { blob, filename } = await runReport(run.id);
      download(blob, filename);
    } catch (error) {
      await showErrorMessage("tftrace: cannot export the report", errorText(error));
    }
  }

  async function removeRun(run: RunRef): Promise<void> {
    const answer = await showDialog({
      title: "Delete tftrace run",
      body: `Delete the run ${label(run)} (${run.id}) and its run file from the store? This cannot be undone.`,
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: "Delete" })],
    });
    if (!answer.button.accept) return;
    try {
      await deleteRun(run.id);
    } catch (error) {
      await showErrorMessage("tftrace: cannot delete the run", errorText(error));
      return;
    }
    trackers.runs.find((w) => w.content.run.id === run.id)?.close();
    trackers.compares.forEach((w) => {
      if (w.content.a.id === run.id || w.content.b.id === run.id) w.close();
    });
    await panel.refresh();
  }
}

// One of the store's runs, chosen in a dialog; null if cancelled or there is none.
async function pickRun(title: string): Promise<RunRef | null> {
  let runs: RunInfo[];
  try {
    runs = await listRuns();
  } catch (error) {
    await showErrorMessage("tftrace: cannot list runs", errorText(error));
    return null;
  }
  if (!runs.length) {
    await showErrorMessage(title, "No runs yet: run a cell with %%tftrace.");
    return null;
  }
  const items = runs.map((r) => `${r.name || r.id} · ${r.created} · ${r.id}`);
  const answer = await InputDialog.getItem({ title, items, current: 0 });
  const index = answer.button.accept && answer.value !== null ? items.indexOf(answer.value) : -1;
  return index >= 0 ? { id: runs[index].id, name: runs[index].name } : null;
}

async function pickPair(): Promise<[RunRef, RunRef] | null> {
  const a = await pickRun("Compare: run A (before)");
  const b = a && (await pickRun("Compare: run B (after)"));
  return a && b ? [a, b] : null;
}

// Saves BLOB as FILENAME through the browser's download.
function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function addToPalette(palette: ICommandPalette): void {
  for (const command of [CommandIDs.showRuns, CommandIDs.refresh, CommandIDs.open, CommandIDs.compare,
    CommandIDs.exportReport, CommandIDs.deleteRun]) {
    palette.addItem({ command, category: PALETTE_CATEGORY });
  }
}

// The sidebar rows' context menu.
export function addToContextMenu(app: JupyterFrontEnd): void {
  const selector = ".tft-runs .tft-run";
  const items = [CommandIDs.open, CommandIDs.compare, CommandIDs.exportReport, CommandIDs.deleteRun];
  items.forEach((command, rank) => app.contextMenu.addItem({ command, selector, rank, args: { from: "sidebar" } }));
}
