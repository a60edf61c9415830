// The labextension's settings (schema/plugin.json) as the plugin last read them, shared with
// the mime renderer (mime.ts), which has no setting registry of its own: one module instance
// serves both entry points of the labextension (as reveal-hook.ts does). No JupyterLab
// imports here; plugin.ts reads the registry and calls setLabSettings.

import { VIEWS } from "./app";

export interface LabSettings {
  // Seconds between the runs sidebar's refreshes while it is shown; 0: only when asked.
  pollInterval: number;
  // The view (a data-tftrace-view name) a profile opens on.
  defaultView: string;
  // Tallest a notebook output is drawn, in pixels, before it scrolls inside; 0: no limit.
  notebookOutputMaxHeight: number;
}

export const DEFAULT_SETTINGS: LabSettings = { pollInterval: 5, defaultView: "summary", notebookOutputMaxHeight: 0 };

type Listener = (settings: LabSettings) => void;

let current: LabSettings = { ...DEFAULT_SETTINGS };
const listeners = new Set<Listener>();

export function labSettings(): LabSettings {
  return current;
}

// Settings from the registry's composite values; anything unusable keeps its default.
export function settingsFrom(composite: { [key: string]: unknown }): LabSettings {
  const number = (value: unknown, fallback: number) =>
    typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : fallback;
  const view = composite.defaultView;
  return {
    pollInterval: number(composite.pollInterval, DEFAULT_SETTINGS.pollInterval),
    defaultView: VIEWS.some(([name]) => name === view) ? (view as string) : DEFAULT_SETTINGS.defaultView,
    notebookOutputMaxHeight: number(composite.notebookOutputMaxHeight, DEFAULT_SETTINGS.notebookOutputMaxHeight),
  };
}

export function setLabSettings(settings: LabSettings): void {
  current = settings;
  listeners.forEach((listener) => listener(settings));
}

// Calls LISTENER on every change; returns what stops it.
export function onLabSettings(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Opens a rendered profile (app.render's tabs under ROOT) on the view NAME.
export function showView(root: HTMLElement, name: string): void {
  const tab = root.querySelector<HTMLButtonElement>(`[data-tftrace-tab="${name}"]`);
  if (tab && !tab.classList.contains("tft-active")) tab.click();
}
