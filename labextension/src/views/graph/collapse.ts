// Op graph view, collapse state: which scopes are expanded, how many children each
// shows before the rest folds into a "more" box, and which entries are pinned past
// that cut. Sets the initial view within a box budget and opens the way to an op.
// Works on the model only: callers re-lay out and redraw.

import type { Entry, Item, Model, Scope } from "./model";

const BUDGET = 150; // boxes drawn at first
const LIMIT_GRAPH = 40; // children shown per expanded scope before the rest folds into "more"
const LIMIT_GRAPH_ROOT = 100;
const LIMIT_TREE = 25;
export const MORE_STEP = 50;

function defaultLimit(m: Model, s: Scope): number {
  if (m.tree) return LIMIT_TREE;
  return s.depth === 0 ? LIMIT_GRAPH_ROOT : LIMIT_GRAPH;
}

// A scope's children and ops, heaviest first (cached on the scope).
function entries(s: Scope): Entry[] {
  if (!s.sorted) {
    const list: Entry[] = [...s.children.values(), ...s.items];
    const name = (e: Entry) => (e.t === "s" ? e.path : e.name);
    list.sort((a, b) => b.us - a.us || (b.t === "s" ? b.count : 1) - (a.t === "s" ? a.count : 1) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
    s.sorted = list;
  }
  return s.sorted;
}

// The entries drawn for an expanded scope, and the rest that folds into "more".
export function split(s: Scope): { shown: Entry[]; rest: Entry[] } {
  const list = entries(s);
  if (list.length <= s.limit + 1) return { shown: list, rest: [] };
  const shown = list.slice(0, s.limit);
  const rest: Entry[] = [];
  for (let i = s.limit; i < list.length; i++) (s.pinned.has(list[i]) ? shown : rest).push(list[i]);
  if (rest.length === 1) shown.push(rest.pop() as Entry);
  return { shown, rest };
}

function resetScope(m: Model, s: Scope): void {
  s.expanded = false;
  s.limit = defaultLimit(m, s);
  s.pinned.clear();
}

// Expand the heaviest visible collapsed scope while the drawn boxes stay within
// budget (best first by time, then by size), so the hot paths open first.
export function initialCollapse(m: Model): void {
  for (const s of m.scopes) resetScope(m, s);
  m.root.expanded = true;
  let { shown, rest } = split(m.root);
  let count = shown.length + (rest.length ? 1 : 0);
  const queue: Scope[] = shown.filter((e): e is Scope => e.t === "s");
  const heavier = (a: Scope, b: Scope) => b.us - a.us || b.count - a.count;
  while (queue.length) {
    let best = 0;
    for (let i = 1; i < queue.length; i++) if (heavier(queue[i], queue[best]) < 0) best = i;
    const s = queue[best];
    queue[best] = queue[queue.length - 1];
    queue.pop();
    ({ shown, rest } = split(s));
    const delta = shown.length + (rest.length ? 1 : 0) - (m.tree ? 0 : 1);
    if (count + delta > BUDGET) continue;
    s.expanded = true;
    count += delta;
    for (const e of shown) if (e.t === "s") queue.push(e);
  }
}

export function expandScope(s: Scope): void {
  s.expanded = true;
}

// Collapse a scope and every expanded scope inside it back to their defaults.
export function collapseScope(m: Model, s: Scope): void {
  const stack: Scope[] = [s];
  while (stack.length) {
    const x = stack.pop() as Scope;
    resetScope(m, x);
    for (const c of x.children.values()) if (c.expanded) stack.push(c);
  }
}

// Show MORE_STEP more of a scope's entries.
export function showMore(s: Scope): void {
  s.limit += MORE_STEP;
}

// Make an op visible: expand its scopes and pin it (and its scopes) past the "more" cut.
// True if anything changed.
export function ensureVisible(item: Item): boolean {
  const chain: Entry[] = [item];
  for (let s: Scope | null = item.scope; s && s.parent; s = s.parent) chain.push(s);
  let changed = false;
  for (let i = chain.length - 1; i >= 0; i--) {
    const e = chain[i];
    const parent = e.t === "s" ? (e.parent as Scope) : e.scope;
    if (!parent.expanded) {
      parent.expanded = true;
      changed = true;
    }
    const list = entries(parent);
    if (list.length > parent.limit + 1 && list.indexOf(e) >= parent.limit && !parent.pinned.has(e)) {
      parent.pinned.add(e);
      changed = true;
    }
  }
  return changed;
}
