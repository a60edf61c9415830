// The tftrace server extension's REST API (tftrace/server.py) under <base_url>/tftrace/,
// for the JupyterLab plugin: runs, payloads, comparisons, reports, run files, deletion.
// Requests carry JupyterLab's credentials; every failure is an Error with one line of text.

import { URLExt } from "@jupyterlab/coreutils";
import { ServerConnection } from "@jupyterlab/services";

export interface RunInfo {
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

// An error as one line of text.
export function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const settings = ServerConnection.makeSettings();
  const response = await ServerConnection.makeRequest(URLExt.join(settings.baseUrl, "tftrace", path), init, settings);
  if (!response.ok) throw new Error(await failure(response));
  return response;
}

// The server extension's {"error": ...} message, else the HTTP status.
async function failure(response: Response): Promise<string> {
  try {
    const body = JSON.parse(await response.text());
    if (body && typeof body.error === "string") return body.error;
  } catch {
    // an error page, not the server extension's JSON
  }
  return `${response.status} ${response.statusText}`;
}

async function json<T>(path: string): Promise<T> {
  const text = await (await request(path)).text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error("the server's answer is not JSON");
  }
}

const enc = encodeURIComponent;

export async function listRuns(): Promise<RunInfo[]> {
  return (await json<{ runs: RunInfo[] }>("runs")).runs;
}

export function runPayload(id: string): Promise<unknown> {
  return json(`runs/${enc(id)}`);
}

// The payload of a run file under the server's root (a .tftrace file in the file browser).
export function filePayload(path: string): Promise<unknown> {
  return json(`file?path=${enc(path)}`);
}

export function compareRuns(a: string, b: string): Promise<unknown> {
  return json(`compare?a=${enc(a)}&b=${enc(b)}`);
}

export async function deleteRun(id: string): Promise<void> {
  await request(`runs/${enc(id)}`, { method: "DELETE" });
}

// The run's self-contained HTML report and the file name the server suggests for it.
export async function runReport(id: string): Promise<{ blob: Blob; filename: string }> {
  const response = await request(`runs/${enc(id)}/report`);
  const disposition = response.headers.get("Content-Disposition") || "";
  const named = /filename="([^"]+)"/.exec(disposition);
  return { blob: await response.blob(), filename: named ? named[1] : `tftrace-${id}.html` };
}
