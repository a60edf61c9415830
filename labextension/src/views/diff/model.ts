// Comparison view, the data: the tftrace.diff/1 object (written by tftrace/diff/, see
// DESIGN.md "Contracts") as types, its parsing (one clear error when it is not a
// comparison), and what the view asks of it: the steps a side used or set aside, the rows
// of each section (changes, new and gone, no detectable change) and what a row matches in
// the filter. Nothing here computes a number that is not in the JSON.

export const DIFF_SCHEMA = "tftrace.diff/1";

export type Verdict = "faster" | "slower" | "same" | "new" | "gone";
export type RowKind = "category" | "function" | "op";

// A count of steps, or which steps (their numbers): the view reads either.
export type StepSet = number | number[] | null | undefined;

export interface DiffSide {
  name?: string | null;
  run_id?: string | null;
  source?: string | null;
  created?: string | null;
  step_source?: string | null;
  step_function?: string | null;
  steps?: { total?: number | null; used?: StepSet; warmup?: StepSet; outliers?: StepSet } | null;
}

export interface DiffMethod {
  statistic?: string;
  quantile?: number;
  resamples?: number;
  confidence?: number;
  noise_pct?: number;
  text?: string;
}

export interface DiffStep {
  a_ms: number | null;
  b_ms: number | null;
  a_mean_ms?: number | null; // the mean, beside the statistic (when the statistic is not the mean)
  b_mean_ms?: number | null;
  ratio: number | null;
  low: number | null;
  high: number | null;
  verdict: Verdict | null;
  a_samples_ms?: number[] | null;
  b_samples_ms?: number[] | null;
  a_warmup_ms?: number[] | null;
  b_warmup_ms?: number[] | null;
  a_outliers_ms?: number[] | null; // outlier steps set aside, when the JSON gives them
  b_outliers_ms?: number[] | null;
}

// A Keras layer as a name, or as stats' {name, class}.
export type Layer = string | { name?: string; class?: string } | null | undefined;

export interface DiffRow {
  kind: RowKind;
  key: string;
  b_key?: string | null;
  a_us: number | null;
  b_us: number | null;
  delta_us: number | null;
  ratio: number | null;
  low: number | null;
  high: number | null;
  verdict: Verdict;
  note?: string | null;
  share_pct?: number | null;
  type?: string | null;
  layer?: Layer;
  a_calls?: number | null;
  b_calls?: number | null;
}

export interface Diff {
  schema: string;
  a: DiffSide;
  b: DiffSide;
  method?: DiffMethod | null;
  step?: DiffStep | null;
  rows: DiffRow[];
  notes?: string[] | null;
}

// The JSON (object or text) as a Diff; throws with the reason when it is not one.
export function parseDiff(input: unknown): Diff {
  const data = typeof input === "string" ? JSON.parse(input) : input;
  if (!data || typeof data !== "object") throw new Error("not a comparison (no JSON object)");
  const diff = data as Diff;
  if (diff.schema !== DIFF_SCHEMA) throw new Error(`not a ${DIFF_SCHEMA} comparison (schema ${String(diff.schema)})`);
  if (!diff.a || !diff.b) throw new Error("the comparison names no runs (a, b)");
  if (!Array.isArray(diff.rows)) diff.rows = [];
  return diff;
}

export function countOf(set: StepSet): number | null {
  if (Array.isArray(set)) return set.length;
  return typeof set === "number" ? set : null;
}

// The step numbers when the set lists them (else null).
export function numbersOf(set: StepSet): number[] | null {
  return Array.isArray(set) && set.length ? set : null;
}

export function layerName(layer: Layer): string {
  if (!layer) return "";
  if (typeof layer === "string") return layer;
  return [layer.name, layer.class ? `(${layer.class})` : ""].filter(Boolean).join(" ");
}

export const CHANGED: ReadonlySet<Verdict> = new Set<Verdict>(["slower", "faster"]);
export const APPEARED: ReadonlySet<Verdict> = new Set<Verdict>(["new", "gone"]);

export interface Sections {
  changed: DiffRow[];
  appeared: DiffRow[];
  same: DiffRow[];
}

// The rows by section, each in the JSON's order.
export function sections(rows: DiffRow[]): Sections {
  return {
    changed: rows.filter((r) => CHANGED.has(r.verdict)),
    appeared: rows.filter((r) => APPEARED.has(r.verdict)),
    same: rows.filter((r) => !CHANGED.has(r.verdict) && !APPEARED.has(r.verdict)),
  };
}

// Lower-case text a filter matches: names (A's and B's), op type and layer.
export function searchText(row: DiffRow, label: string): string {
  return [row.key, row.b_key, label, row.type, layerName(row.layer)].filter(Boolean).join("\n").toLowerCase();
}

// What a row's numbers are, long ("lower quartile") and short ("p25"), from the method
// (older comparisons and hand-made ones without it: the mean).
export function statisticNames(method: DiffMethod | null | undefined): { long: string; short: string } {
  const statistic = (method && method.statistic) || "mean per step";
  const long = statistic.replace(/ per (step|call)$/, "");
  const q = method && typeof method.quantile === "number" ? method.quantile : null;
  return { long, short: q !== null && long !== "mean" ? `p${q}` : long };
}
