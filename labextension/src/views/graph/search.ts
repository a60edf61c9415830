// Op graph view, search state: the ops whose name contains the query, the distinct
// boxes holding them (in the current layout) and which of those is current.
// No DOM: the view shows the count, highlights and pans.

import type { Item, Model } from "./model";

// The boxes holding these ops, each once, in the ops' order.
function distinctReps(items: Item[], rep: Int32Array): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const it of items) {
    const r = rep[it.idx];
    if (r >= 0 && !seen.has(r)) {
      seen.add(r);
      out.push(r);
    }
  }
  return out;
}

export class Search {
  matches: Item[] = [];
  reps: number[] = [];
  cursor = -1; // index into reps of the current match, or -1

  // A new query (trimmed, lower case): its matches; the first box is current.
  find(m: Model | null, q: string, rep: Int32Array): void {
    this.matches = m && q ? m.items.filter((it) => it.lower.includes(q)) : [];
    this.reps = distinctReps(this.matches, rep);
    this.cursor = this.reps.length ? 0 : -1;
  }

  // The count shown next to the search box.
  summary(q: string): string {
    if (!q) return "";
    if (!this.matches.length) return "no matches";
    return this.matches.length === 1 ? "1 match" : `${this.matches.length} matches`;
  }

  // Another graph was loaded: its matches come from the next find().
  forget(): void {
    this.matches = [];
  }

  // After a relayout: the boxes that now hold the same matches.
  relocate(rep: Int32Array): void {
    if (this.matches.length) this.reps = distinctReps(this.matches, rep);
  }

  // Move the current match by step (wrapping); returns its box.
  step(step: number): number {
    const n = this.reps.length;
    this.cursor = (((this.cursor + step) % n) + n) % n;
    return this.reps[this.cursor];
  }
}
