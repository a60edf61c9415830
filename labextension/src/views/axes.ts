// Value axes of the small charts (steps, memory): "nice" tick steps (1, 2 or 5 times a
// power of ten, or of 1024 for bytes), the ticks from 0 to a maximum, and tick labels
// without trailing zeros ("40 ms", "1.5 GiB").

import { fmtBytes, fmtUs } from "../dom";

export function niceStep(raw: number): number {
  if (!(raw > 0) || !isFinite(raw)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

// Byte steps: 1/2/4/8... times a power of 1024, so labels read 256 MiB, 512 MiB, 1 GiB.
export function niceByteStep(raw: number): number {
  if (!(raw > 0) || !isFinite(raw)) return 1;
  let unit = 1;
  while (unit * 1024 <= raw) unit *= 1024;
  let step = unit;
  while (step < raw) step *= 2;
  return step;
}

// Ticks 0, step, 2 step... up to max (about `count` of them).
export function ticks(max: number, count: number, bytes = false): number[] {
  const step = (bytes ? niceByteStep : niceStep)(max / Math.max(count, 1));
  const out: number[] = [];
  for (let v = 0; v <= max * 1.0001 && out.length < 50; v += step) out.push(v);
  return out;
}

// "40.00 ms" -> "40 ms", "1.50 GiB" -> "1.5 GiB"; 0 is "0".
export function trimZeros(label: string): string {
  return label.replace(/^(\d+)\.(\d*?)0+(?=\s)/, (_, whole, frac) => (frac ? `${whole}.${frac}` : whole));
}

export function axisUs(us: number): string {
  return us === 0 ? "0" : trimZeros(fmtUs(us));
}

export function axisBytes(bytes: number): string {
  return bytes === 0 ? "0" : trimZeros(fmtBytes(bytes));
}
