// Comparison view, the rows: a text filter (names, op types, layers) and one toggle per
// kind (ops, tf.functions, step parts) above one table of three sections in the JSON's
// order: changes (slower / faster), then new and gone, then the rows with no detectable
// change folded under a toggle. A row's element is built the first time it is shown and
// kept, so a thousand folded rows cost nothing until unfolded, and filtering re-attaches.

import { el } from "../../dom";
import { COLUMNS, displayName, rowElement } from "./cells";
import { kindLabel } from "./format";
import type { DiffRow, RowKind, Sections } from "./model";
import { searchText, sections } from "./model";

const KINDS: RowKind[] = ["op", "function", "category"];

class RowCache {
  private elements = new Map<DiffRow, HTMLTableRowElement>();
  private texts = new Map<DiffRow, string>();

  element(row: DiffRow): HTMLTableRowElement {
    let tr = this.elements.get(row);
    if (!tr) this.elements.set(row, (tr = rowElement(row)));
    return tr;
  }

  text(row: DiffRow): string {
    let text = this.texts.get(row);
    if (text === undefined) this.texts.set(row, (text = searchText(row, displayName(row))));
    return text;
  }
}

function groupRow(label: string): HTMLTableRowElement {
  return el("tr", { class: "tft-df-group" }, [el("td", { colspan: String(COLUMNS.length) }, [label])]);
}

function head(): HTMLTableSectionElement {
  return el("thead", {}, [el("tr", {}, COLUMNS.map(([label, cls, title]) => el("th", { class: cls, title }, [label])))]);
}

export class RowsTable {
  readonly el: HTMLElement;
  private readonly parts: Sections;
  private readonly cache = new RowCache();
  private readonly filter = el("input", { type: "search", class: "tft-df-filter", placeholder: "filter: name, op type, layer" });
  private readonly kinds = new Map<RowKind, HTMLInputElement>();
  private readonly count = el("span", { class: "tft-df-count tft-df-muted" });
  private readonly bodies = { changed: el("tbody", { "data-section": "changed" }), appeared: el("tbody", { "data-section": "appeared" }),
    fold: el("tbody", { "data-section": "fold" }), same: el("tbody", { "data-section": "same" }) };
  private readonly foldButton = el("button", { type: "button", class: "tft-df-fold", "aria-expanded": "false" });
  private unfolded = false;

  constructor(private readonly rows: DiffRow[]) {
    this.parts = sections(rows);
    this.foldButton.addEventListener("click", () => this.toggleFold());
    this.filter.addEventListener("input", () => this.apply());
    const table = el("table", { class: "tft-df-table" }, [head(), ...Object.values(this.bodies)]);
    this.el = el("section", { class: "tft-df-rows", "data-section": "rows" }, [
      el("h3", {}, ["Ops, tf.functions and step parts"]), this.toolbar(), table,
    ]);
    this.apply();
  }

  private toolbar(): HTMLElement {
    const bar = el("div", { class: "tft-df-tools" }, [this.filter]);
    for (const kind of KINDS) {
      const n = this.rows.filter((r) => r.kind === kind).length;
      if (!n) continue;
      const box = el("input", { type: "checkbox", "data-kind": kind });
      box.checked = true;
      box.addEventListener("change", () => this.apply());
      this.kinds.set(kind, box);
      bar.append(el("label", { class: "tft-df-kindtoggle" }, [box, ` ${kindLabel(kind)}s (${n.toLocaleString("en-US")})`]));
    }
    bar.append(this.count);
    return bar;
  }

  private matches(row: DiffRow, query: string): boolean {
    const box = this.kinds.get(row.kind);
    if (box && !box.checked) return false;
    return !query || this.cache.text(row).includes(query);
  }

  private toggleFold(): void {
    this.unfolded = !this.unfolded;
    this.apply();
  }

  // Show the rows that pass the filter and kind toggles, each section in its order.
  private apply(): void {
    const query = this.filter.value.trim().toLowerCase();
    const pick = (rows: DiffRow[]) => rows.filter((r) => this.matches(r, query));
    const changed = pick(this.parts.changed);
    const appeared = pick(this.parts.appeared);
    const same = pick(this.parts.same);
    this.fill(this.bodies.changed, changed, `slower or faster (${changed.length})`);
    this.fill(this.bodies.appeared, appeared, `new or gone (${appeared.length})`);
    this.fillFold(same.length);
    this.bodies.same.replaceChildren(...(this.unfolded ? same.map((r) => this.cache.element(r)) : []));
    const shown = changed.length + appeared.length + same.length;
    this.explainEmpty(shown);
    this.count.textContent = shown === this.rows.length ? `${shown.toLocaleString("en-US")} rows`
      : `${shown.toLocaleString("en-US")} of ${this.rows.length.toLocaleString("en-US")} rows match`;
  }

  private fill(body: HTMLTableSectionElement, rows: DiffRow[], label: string): void {
    body.replaceChildren(...(rows.length ? [groupRow(label), ...rows.map((r) => this.cache.element(r))] : []));
  }

  private fillFold(n: number): void {
    this.foldButton.setAttribute("aria-expanded", String(this.unfolded));
    this.foldButton.textContent = `${this.unfolded ? "\u25be" : "\u25b8"} ${n.toLocaleString("en-US")} row${n === 1 ? "" : "s"} with no detectable change`;
    const cell = el("td", { colspan: String(COLUMNS.length) }, [this.foldButton]);
    this.bodies.fold.replaceChildren(...(n ? [el("tr", { class: "tft-df-group" }, [cell])] : []));
  }

  // One line when nothing changed at all, or when nothing passes the filter.
  private explainEmpty(shown: number): void {
    const none = !this.parts.changed.length && !this.parts.appeared.length;
    const text = !this.rows.length ? "no op, tf.function or step part to compare"
      : !shown ? "no row matches the filter" : none ? "no op, tf.function or step part changed detectably" : "";
    if (text) this.bodies.changed.replaceChildren(el("tr", { class: "tft-df-group tft-df-none" }, [
      el("td", { colspan: String(COLUMNS.length) }, [text]),
    ]));
  }
}
