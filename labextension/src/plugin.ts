// The JupyterLab plugin: wires tftrace into JupyterLab's own conventions. The runs sidebar
// (runs-panel.ts, restored open or closed), run and comparison tabs tracked by
// WidgetTrackers (one tab per run or pair; both come back after a reload through the layout
// restorer), the tftrace commands in the palette and the sidebar's context menu
// (commands.ts), .tftrace files opening as documents (docwidget.ts), and the settings
// (schema/plugin.json, read into settings.ts, applied live). Also registers how to show a
// notebook cell (lab-reveal.ts), so that code locations in outputs and tabs link to cells.

import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { ICommandPalette, MainAreaWidget, WidgetTracker } from "@jupyterlab/apputils";
import { ISettingRegistry } from "@jupyterlab/settingregistry";

import { CommandIDs, Trackers, addCommands, addToContextMenu, addToPalette } from "./commands";
import { addRunFiles } from "./docwidget";
import { CellRevealer } from "./lab-reveal";
import { setRevealHandler } from "./reveal-hook";
import { RUNS_PANEL_ID, RunsPanel } from "./runs-panel";
import { CompareView, RunView } from "./runview";
import { LabSettings, labSettings, onLabSettings, setLabSettings, settingsFrom } from "./settings";
import { injectStyles } from "./styles";

export const PLUGIN_ID = "tftrace-labextension:plugin";

function restoreTabs(restorer: ILayoutRestorer, trackers: Trackers): void {
  void restorer.restore(trackers.runs, {
    command: CommandIDs.open,
    args: (w) => ({ id: w.content.run.id, name: w.content.run.name }),
    name: (w) => w.content.run.id,
  });
  void restorer.restore(trackers.compares, {
    command: CommandIDs.compare,
    args: (w) => ({ a: w.content.a.id, aName: w.content.a.name, b: w.content.b.id, bName: w.content.b.name }),
    name: (w) => `${w.content.a.id}:${w.content.b.id}`,
  });
}

// Reads the settings once and on every change; without a registry the defaults stay.
async function followSettings(registry: ISettingRegistry | null): Promise<void> {
  if (!registry) return;
  try {
    const settings = await registry.load(PLUGIN_ID);
    const apply = () => setLabSettings(settingsFrom(settings.composite as { [key: string]: unknown }));
    settings.changed.connect(apply);
    apply();
  } catch (error) {
    console.warn(`tftrace: settings not loaded, defaults used (${String(error)})`);
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: "tftrace in JupyterLab: the runs sidebar, run and comparison tabs, .tftrace files, commands, settings.",
  autoStart: true,
  optional: [ILayoutRestorer, ICommandPalette, ISettingRegistry],
  activate: async (
    app: JupyterFrontEnd,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null,
  ) => {
    injectStyles(); // the theme watcher (in Lab the CSS itself comes from style/)
    const revealer = new CellRevealer(app);
    setRevealHandler((location, from) => revealer.reveal(location, from));

    const trackers: Trackers = {
      runs: new WidgetTracker<MainAreaWidget<RunView>>({ namespace: "tftrace-run" }),
      compares: new WidgetTracker<MainAreaWidget<CompareView>>({ namespace: "tftrace-compare" }),
    };
    const panel = new RunsPanel(app.commands, CommandIDs);
    addCommands(app, panel, trackers, revealer);
    if (palette) addToPalette(palette);
    addToContextMenu(app);
    addRunFiles(app, revealer, restorer);

    const stop = onLabSettings((s: LabSettings) => panel.setPollInterval(s.pollInterval));
    panel.disposed.connect(stop);
    await followSettings(registry);
    panel.setPollInterval(labSettings().pollInterval);

    app.shell.add(panel, "left", { rank: 900 });
    if (restorer) {
      restorer.add(panel, RUNS_PANEL_ID);
      restoreTabs(restorer, trackers);
    }
  },
};

export default plugin;
