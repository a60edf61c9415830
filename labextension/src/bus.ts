// Linked selection: selecting an op (by name) in one view highlights it in the others.
// null is "nothing selected": Escape or a click on empty space clears the selection in
// every view (each listener handles null).

export type Listener = (name: string | null, origin: string) => void;

export class SelectionBus {
  private listeners: Listener[] = [];
  selected: string | null = null;

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  select(name: string | null, origin: string): void {
    this.selected = name;
    for (const listener of this.listeners) listener(name, origin);
  }

  // Clear the selection (a no-op when nothing is selected); true if something was selected.
  clear(origin: string): boolean {
    if (this.selected === null) return false;
    this.select(null, origin);
    return true;
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
