// Linked selection: selecting an op (by name) in one view highlights it in the others.
// null is "nothing selected": Escape or a click on empty space clears the selection in
// every view (each listener handles null). A time range (a step) is selected apart from
// the op: the steps view, the timeline's step strip and the findings set it, the timeline
// zooms to it; Escape clears both. `openView` shows another tab (set by app.ts).

export type Listener = (name: string | null, origin: string) => void;

// A span on the timeline's clock (us from its first event); `step` is the row index in Data.steps.
export interface TimeRange {
  startUs: number;
  endUs: number;
  step?: number;
}

export type RangeListener = (range: TimeRange | null, origin: string) => void;

export class SelectionBus {
  private listeners: Listener[] = [];
  private rangeListeners: RangeListener[] = [];
  selected: string | null = null;
  range: TimeRange | null = null;
  openView: (name: string) => void = () => {};

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  select(name: string | null, origin: string): void {
    this.selected = name;
    for (const listener of this.listeners) listener(name, origin);
  }

  subscribeRange(listener: RangeListener): void {
    this.rangeListeners.push(listener);
  }

  selectRange(range: TimeRange | null, origin: string): void {
    this.range = range;
    for (const listener of this.rangeListeners) listener(range, origin);
  }

  // Clear the selection and the range (a no-op when neither is set); true if something was selected.
  clear(origin: string): boolean {
    const had = this.selected !== null || this.range !== null;
    if (this.selected !== null) this.select(null, origin);
    if (this.range !== null) this.selectRange(null, origin);
    return had;
  }
}

// Trace op names carry the caller's StatefulPartitionedCall/ prefix; graph nodes may not.
export function sameOp(a: string | null, b: string | null): boolean {
  if (!a || !b) return false;
  if (a === b) return true;
  const strip = (s: string) => s.replace(/^((Stateful)?PartitionedCall(_\d+)?\/)+/, "");
  const sa = strip(a.split(":")[0]);
  const sb = strip(b.split(":")[0]);
  return sa === sb;
}
