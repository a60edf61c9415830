// The tftrace.payload/1 format (written by tftrace/payload.py) and its decoding.
// Names are interned in `strings`; the timeline's columns are gzip+base64 binary.

export const SCHEMA = "tftrace.payload/1";

export interface Table {
  count: number;
  text: string[]; // columns holding string ids
  columns: Record<string, number[]>;
}

export interface Lane {
  name: string;
  device: string;
  host: string;
  derived: boolean;
}

export interface RawTimeline {
  lanes: Lane[];
  count: number;
  dropped: number;
  min_kept_ns?: number;
  lane_u16?: string;
  dur_u32?: string;
  name_i32?: string;
  start_delta_u32?: string;
  start_abs_f64?: string;
  encoding?: string;
  origin_us?: number; // where the timeline's 0 sits on the XSpace clock (steps and memory use that clock)
}

// A line of the user's code: a file and line, and the notebook cell ("In [7]") when it ran in one.
export interface SourceLocation {
  file?: string;
  line?: number;
  cell?: string | null;
}

// The Keras layer an op belongs to.
export interface LayerRef {
  name?: string;
  class?: string;
}

export interface GraphNode {
  name: string;
  op: string;
  device: string;
  us: number;
  kernels: string[];
  dtype?: string;
  shapes?: string[];
  source?: SourceLocation;
  layer?: LayerRef;
  // how the device is known: "runtime" (RunMetadata partition graphs), "measured" (where the
  // profiler saw it run) or "requested" (the device the graph asked for)
  placement?: string;
}

export interface FunctionGraph {
  function: string;
  nodes: GraphNode[];
  edges: [number, number][];
}

export interface Retrace {
  signature: string;
  reason: string;
  fix?: string;
  call?: number;
}

// Execution time per call, calls that traced excluded.
export interface CallTimes {
  n?: number;
  min?: number;
  median?: number;
  p95?: number;
  max?: number;
}

export interface FunctionRow {
  name: string;
  calls: number;
  traces: number;
  total_us: number;
  mean_us?: number;
  retraces: Retrace[];
  trace_us?: number; // time spent tracing (building graphs)
  call_us?: CallTimes;
  defined_at?: SourceLocation | null;
  definition?: { file?: string; line?: number };
  call_sites?: { file: string; line: number; cell?: string | null; function: string; calls: number }[];
}

// [name id, kind id, value_us, 0 (measured_us in older payloads; ignored), children, file id, line,
//  cell id, device id (op nodes), calls (function nodes)]; older payloads end after the line.
// [name, kind, value, 0, children, file?, line?, cell?, device?, calls?]: trailing unknown slots are left out.
export type RawFlameNode = [number, number, number, number, RawFlameNode[], ...number[]];

// A finding: what to change, with the measurement behind it and the user line it is about.
export interface Finding {
  kind: string; // input-bound | retrace-bound | eager-bound | launch-bound | cpu-fallback | memcpy | step-outlier | ...
  severity: string; // high | medium | low
  title: string;
  evidence: string;
  fix: string;
  location: SourceLocation; // {} when none
  steps?: number[]; // step numbers affected (the `step` column of the steps)
  steps_omitted?: number;
  impact_us?: number;
}

// The steps, rows as columns (string ids for name and outlier), times in us on the XSpace clock.
export interface RawSteps {
  source: string; // markers | function | none
  function: string;
  reason: string;
  count: number; // every step found
  shown?: number; // the rows here
  categories: string[];
  // name: string ids, or absent when every name is `name_prefix` + the step number
  columns: { step: number[]; name?: number[]; start_us: number[]; wall_us: number[]; outlier: number[] };
  name_prefix?: string;
  breakdown: Record<string, number[]>;
}

export interface RawAllocator {
  name: string;
  host: string;
  capacity_bytes: number; // 0 if unknown
  peak_bytes: number;
  peak_time_us: number; // XSpace clock
  fragmentation_pct: number;
  events?: number;
  lifetime_peak_bytes?: number;
  timeline: { t_us: number[]; bytes: number[] };
  at_peak: Table; // op, shape, dtype, region (text); bytes, requested_bytes, count
  at_peak_omitted?: number;
}

// A GPU kernel and launch shape over every device (XProf's kernel_stats row); names are string ids.
export interface KernelGroup {
  name: number; // the full demangled name
  short_name: number;
  family: number; // cuBLAS | cuDNN | CUTLASS | NCCL | cub | cuFFT | Eigen | TensorFlow | XLA | other
  grid: string;
  block: string;
  registers: number;
  shared_mem_bytes: number;
  occupancy_pct: number;
  count: number;
  total_us: number;
  avg_us: number;
  min_us: number;
  max_us: number;
  ops: [number, number, number, number][]; // [op id, launches, us, share %], most time first
  ops_total: number; // ops in all (ops lists at most 200)
  op_groups: [number, number, number, number, number][]; // [pattern id, ops, launches, us, share %]
  devices: [number, number, number][]; // [device id, launches, us]
}

// How busy one GPU was (kernels and copies; overlapping work counts once). Times in us; *_start_us /
// *_end_us on the XSpace clock (subtract timeline.origin_us for the timeline's).
export interface GpuStream {
  name: string;
  kind: string; // compute | memcpy | mixed
  kernels: number;
  copies: number;
  busy_us: number;
  kernel_us: number;
  memcpy_us: number;
  busy_pct: number | null;
}

export interface GpuGap {
  start_us: number;
  end_us: number;
  duration_us: number;
  host_busy_pct: number;
  host: { name: string; thread: string; overlap_us: number }[];
}

export interface GpuUtilisation {
  device: string;
  host: string;
  busy_us: number;
  kernel_us: number;
  memcpy_us: number;
  span_us: number;
  busy_pct: number | null;
  active_start_us: number;
  active_end_us: number;
  active_busy_pct: number | null;
  kernel_start_us: number | null;
  kernel_end_us: number | null;
  steps: { busy_us: number; wall_us: number; busy_pct: number | null } | null;
  streams: GpuStream[];
  gap_threshold_us: number;
  gaps_total?: number; // idle gaps of at least the threshold (`gaps` lists the 5 longest)
  gaps: GpuGap[]; // in time order
}

export interface Payload {
  schema: string;
  meta: { name: string; source: string; created: string; duration_us: number; event_count: number; hosts: string[]; error: string };
  devices: { name: string; host: string; kind: string; events: number }[];
  warnings: string[];
  ops: Table;
  kernels: Table;
  memcpy: { device: string; direction: string; op: string; count: number; bytes: number; total_us: number }[];
  functions: FunctionRow[];
  tapes: Record<string, unknown>[];
  graphs: FunctionGraph[];
  python: { samples: number; seconds?: number; top: { function: string; file: string; line: number; self_pct: number; total_pct: number }[] };
  flame: RawFlameNode;
  flame_source: string;
  timeline: RawTimeline;
  charts: Record<string, string>;
  strings: string[];
  // added within /1: absent in older payloads
  findings?: Finding[];
  steps?: RawSteps;
  memory?: { allocators: RawAllocator[]; note: string };
  kernels_by_name?: KernelGroup[];
  gpu_utilisation?: GpuUtilisation[];
  workers?: Workers; // a multi-worker capture (views/workers.ts)
  totals?: { ops: number; kernels: number };
}

export interface FlameNode {
  name: string;
  kind: string; // python | function | op | kernel | remainder (device | type in the ops-only tree)
  value: number; // us measured, the width in the flame graph
  file: string;
  line: number;
  cell: string; // "In [7]" when the line is in a notebook cell, else ""
  device: string; // where an op ran ("" if not known)
  calls: number; // calls a function node stands for (0 if not known)
  children: FlameNode[];
}

export interface Timeline {
  lanes: Lane[];
  count: number;
  dropped: number;
  minKeptNs: number;
  lane: Uint16Array;
  start: Float64Array; // ns since the first event
  dur: Uint32Array; // ns
  name: Int32Array; // string ids
  laneOffsets: Uint32Array; // events of lane i are [laneOffsets[i], laneOffsets[i+1]), sorted by start
}

export interface StepRow {
  index: number; // row in the payload
  step: number;
  name: string;
  startUs: number; // on the timeline's clock (0 = the timeline's first event)
  wallUs: number;
  parts: number[]; // us per category, in `categories` order
  outlier: string; // "" or why
}

export interface Steps {
  source: string;
  function: string;
  reason: string;
  count: number;
  categories: string[];
  rows: StepRow[];
}

export interface Data {
  payload: Payload;
  strings: string[];
  timeline: Timeline;
  flame: FlameNode;
  steps: Steps;
}

// The steps, rows resolved, start times moved to the timeline's clock.
export function decodeSteps(raw: RawSteps | undefined, strings: string[], originUs: number): Steps {
  if (!raw || !raw.columns) return { source: "none", function: "", reason: "", count: 0, categories: [], rows: [] };
  const c = raw.columns;
  const categories = raw.categories || [];
  const rows: StepRow[] = [];
  for (let i = 0; i < (c.step || []).length; i++) {
    rows.push({
      index: i,
      step: c.step[i],
      name: c.name ? (strings[c.name[i]] ?? "") : `${raw.name_prefix ?? ""}${c.step[i]}`,
      startUs: (Number(c.start_us[i]) || 0) - originUs,
      wallUs: Number(c.wall_us[i]) || 0,
      parts: categories.map((k) => Number((raw.breakdown[k] || [])[i]) || 0),
      outlier: strings[c.outlier[i]] ?? "",
    });
  }
  return { source: raw.source || "none", function: raw.function || "", reason: raw.reason || "", count: raw.count || rows.length, categories, rows };
}

const B64 = new Uint8Array(256);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".split("").forEach((c, i) => {
  B64[c.charCodeAt(0)] = i;
});

export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  let pad = 0;
  if (text.endsWith("==")) pad = 2;
  else if (text.endsWith("=")) pad = 1;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (B64[text.charCodeAt(i)] << 18) |
      (B64[text.charCodeAt(i + 1)] << 12) |
      (B64[text.charCodeAt(i + 2)] << 6) |
      B64[text.charCodeAt(i + 3)];
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).arrayBuffer();
}

// A notebook output stores its payload packed (tftrace/display.py): {schema: "tftrace.packed/1",
// encoding: "gzip+base64", data: the tftrace.payload/1 JSON, gzipped}. Anything else passes as is.
export const PACKED_SCHEMA = "tftrace.packed/1";

export async function unpack(raw: Payload): Promise<Payload> {
  const packed = raw as unknown as { schema?: string; encoding?: string; data?: unknown };
  if (!packed || packed.schema !== PACKED_SCHEMA) return raw;
  if (packed.encoding !== "gzip+base64" || typeof packed.data !== "string") {
    throw new Error(`unsupported packed tftrace payload (encoding ${String(packed.encoding)})`);
  }
  return JSON.parse(new TextDecoder().decode(await gunzip(base64ToBytes(packed.data)))) as Payload;
}

async function column(text: string | undefined, gzip: boolean): Promise<ArrayBuffer> {
  if (!text) return new ArrayBuffer(0);
  const bytes = base64ToBytes(text);
  if (gzip) return await gunzip(bytes);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export async function decodeTimeline(raw: RawTimeline): Promise<Timeline> {
  const gzip = raw.encoding === "gzip+base64";
  const [laneBuf, durBuf, nameBuf, startBuf] = await Promise.all([
    column(raw.lane_u16, gzip),
    column(raw.dur_u32, gzip),
    column(raw.name_i32, gzip),
    column(raw.start_delta_u32 ?? raw.start_abs_f64, gzip),
  ]);
  const n = raw.count || 0;
  const lane = new Uint16Array(laneBuf, 0, n);
  const dur = new Uint32Array(durBuf, 0, n);
  const name = new Int32Array(nameBuf, 0, n);
  const start = new Float64Array(n);
  if (raw.start_delta_u32) {
    const delta = new Uint32Array(startBuf, 0, n);
    let previous = 0;
    for (let i = 0; i < n; i++) {
      const first = i === 0 || lane[i] !== lane[i - 1];
      previous = first ? delta[i] : previous + delta[i];
      start[i] = previous;
    }
  } else if (n) {
    start.set(new Float64Array(startBuf, 0, n));
  }
  const laneOffsets = new Uint32Array(raw.lanes.length + 1);
  for (let i = 0; i < n; i++) laneOffsets[lane[i] + 1]++;
  for (let i = 0; i < raw.lanes.length; i++) laneOffsets[i + 1] += laneOffsets[i];
  return { lanes: raw.lanes, count: n, dropped: raw.dropped || 0, minKeptNs: raw.min_kept_ns || 0, lane, start, dur, name, laneOffsets };
}

export function decodeFlame(raw: RawFlameNode, strings: string[]): FlameNode {
  return {
    name: strings[raw[0]] ?? "",
    kind: strings[raw[1]] ?? "",
    value: raw[2],
    children: raw[4].map((c) => decodeFlame(c, strings)),
    file: raw.length > 5 ? (strings[raw[5] as number] ?? "") : "",
    line: raw.length > 6 ? Number(raw[6]) || 0 : 0,
    cell: raw.length > 7 ? (strings[raw[7] as number] ?? "") : "",
    device: raw.length > 8 ? (strings[raw[8] as number] ?? "") : "",
    calls: raw.length > 9 ? Number(raw[9]) || 0 : 0,
  };
}

export async function decode(payload: Payload): Promise<Data> {
  if (!payload || payload.schema !== SCHEMA) {
    throw new Error(`unsupported tftrace payload: ${payload ? payload.schema : "none"} (expected ${SCHEMA})`);
  }
  const timeline = await decodeTimeline(payload.timeline);
  const steps = decodeSteps(payload.steps, payload.strings, Number(payload.timeline.origin_us) || 0);
  return { payload, strings: payload.strings, timeline, flame: decodeFlame(payload.flame, payload.strings), steps };
}

// Row i of a payload table as an object, string ids resolved.
export function row(table: Table, strings: string[], i: number): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, values] of Object.entries(table.columns)) {
    out[name] = table.text.includes(name) ? strings[values[i]] : values[i];
  }
  return out;
}

// Profile.workers (capture/remote.py, analysis/workers.py).
export interface WorkerRequest { address: string; host: string; status: string; reason: string }
export interface WorkerRow {
  host: string; steps: number; step_median_us: number; collective_us: number; waiting_us: number;
  transfer_us: number; instances: number; last_to_start: number;
}
export interface Workers {
  requested?: WorkerRequest[];
  rows?: WorkerRow[];
  clock?: { reference: string; method: string; offsets_us: Record<string, number>; spread_us: Record<string, number | null> };
}
