// Tables, the generic table: sortable, filterable, and virtually scrolled (only the rows
// in view, plus a margin, are in the DOM; the others are two spacer rows of the fixed row
// height), so every row of a 10^4-row table is reachable and it opens instantly. Rows
// join the linked selection: a click selects, a click on empty space clears, and a row
// selected in another view is scrolled into view (at once, or when the table is shown).
// A table of something other than ops (steps) brings its own selection (`pick`). Rows with
// `children` (the kernels grouped by kernel) expand in place: a ▸ in the first cell shows
// their child rows under them (in their own order, whatever the sort).

import { SelectionBus, sameOp } from "../../bus";
import { el, fmtBytes, fmtUs } from "../../dom";
import type { Locations } from "../../location";
import { locationTitle } from "../../location";
import type { SourceLocation } from "../../payload";
import { MAX_H, ROW_H } from "./css";

export type Row = Record<string, unknown>;

export interface Column {
  key: string;
  label: string;
  kind: "text" | "num" | "us" | "pct" | "loc" | "bytes";
  width?: number; // px; columns without one share what is left
  group?: string; // a header spanning adjacent columns of the same group
  title?: string; // header tooltip
  tail?: boolean; // long text shows its end ("…/dense_1/MatMul"): names, devices
  loc?: (row: Row) => SourceLocation | null; // kind "loc": the location (row[key] is its label)
  titleKey?: string; // the cell's tooltip is this key's value (a kernel's full name) instead of its text
  // (rows with a true `tail_text` show such a column's text by its end, like `tail`)
}

export interface TableOptions {
  sortKey: string;
  selectKey?: string; // the op name column that joins the linked selection
  bus?: SelectionBus;
  links?: Locations;
  origin: string;
  empty: string;
  minFlex?: number; // px at least for the columns without a width (default 240)
  ascending?: boolean; // the first sort goes up (default: down)
  // a selection of its own instead of the bus's op: which rows are selected, what a click does
  pick?: { selected: (row: Row) => boolean; click: (row: Row) => void };
  children?: (row: Row) => Row[]; // child rows a row expands into (none: not expandable)
  searchKeys?: string[]; // more keys the filter searches (full names the cells only show in tooltips)
}

const OVERSCAN = 12; // rows rendered above and below the visible ones
const FLEX_DEFAULT = 240;

function numText(value: unknown, kind: Column["kind"]): string {
  if (value === undefined || value === null || value === "") return "-";
  const n = Number(value);
  if (!isFinite(n)) return "-";
  if (kind === "us") return n === 0 ? "0" : fmtUs(n);
  if (kind === "pct") return `${n.toFixed(2)}%`;
  if (kind === "bytes") return fmtBytes(n);
  return n.toLocaleString();
}

export class VirtualTable {
  readonly wrap: HTMLDivElement;
  private readonly table: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly head: HTMLTableSectionElement;
  private readonly count: HTMLSpanElement;
  private readonly input: HTMLInputElement;
  private sortKey: string;
  private descending = true;
  private filter = "";
  private visible: Row[] = [];
  private first = -1; // rendered range [first, last)
  private last = -1;
  private rowH = ROW_H;
  private selIndex = -1; // first visible row matching the selection
  private pending = -1; // a row to scroll to once the table has a size
  private scrollTop = 0; // restored when the table is shown again
  private frame = 0;
  private readonly expanded = new Set<Row>();
  private readonly childOf = new Set<Row>(); // rows shown as children

  constructor(
    root: HTMLElement,
    private readonly rows: Row[],
    private readonly columns: Column[],
    private readonly opts: TableOptions,
  ) {
    this.sortKey = opts.sortKey;
    this.descending = !opts.ascending;
    this.input = el("input", { type: "search", placeholder: "filter (substring of any text column)", "aria-label": "filter rows" });
    this.count = el("span", { class: "tft-muted" });
    this.table = el("table", { class: "tft-tb" });
    this.head = el("thead");
    this.body = el("tbody");
    const colgroup = el("colgroup");
    let fixed = 0;
    for (const c of columns) {
      const col = el("col");
      if (c.width) {
        col.style.width = `${c.width}px`;
        fixed += c.width;
      }
      colgroup.append(col);
    }
    const flexCols = columns.filter((c) => !c.width).length;
    this.table.style.minWidth = `${fixed + flexCols * (opts.minFlex ?? FLEX_DEFAULT)}px`;
    this.table.append(colgroup, this.head, this.body);
    this.wrap = el("div", { class: "tft-tb-wrap" }, [this.table]);
    root.append(el("div", { class: "tft-tb-bar" }, [this.input, this.count]), this.wrap);

    this.input.addEventListener("input", () => {
      this.filter = this.input.value;
      this.refresh(false);
    });
    this.wrap.addEventListener("scroll", () => {
      if (this.wrap.clientHeight) this.scrollTop = this.wrap.scrollTop;
      if (!this.frame) this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.renderRows();
      });
    });
    this.body.addEventListener("click", (ev) => this.onClick(ev));
    this.wrap.addEventListener("click", (ev) => {
      // empty space (below the rows, the spacer of a short table) clears the selection
      const target = ev.target as Element;
      if (target.closest && (target.closest("tr.tft-tb-row") || target.closest("thead"))) return;
      if (opts.bus) opts.bus.clear(opts.origin);
    });
    if (opts.bus) {
      opts.bus.subscribe((_name, origin) => {
        this.findSelection();
        this.renderRows(true);
        if (origin !== opts.origin && this.selIndex >= 0) this.scrollToRow(this.selIndex);
      });
    }
    // Shown again (a tab switch sends a resize; the observer covers the rest): a size at last.
    const shown = () => this.onShown();
    window.addEventListener("resize", () => {
      if (this.wrap.isConnected) shown();
    });
    if (typeof ResizeObserver !== "undefined") new ResizeObserver(shown).observe(this.wrap);
    this.drawHead();
    this.refresh(false);
  }

  // Sort and filter, then redraw; keeps the selected row in view if asked to.
  private refresh(keepSelection: boolean): void {
    const needle = this.filter.toLowerCase();
    const textKeys = this.columns.filter((c) => c.kind === "text" || c.kind === "loc").map((c) => c.key);
    textKeys.push(...(this.opts.searchKeys || []));
    const kids = this.opts.children;
    const matches = (r: Row) => textKeys.some((k) => String(r[k] ?? "").toLowerCase().includes(needle));
    this.visible = needle
      ? this.rows.filter((r) => matches(r) || (kids ? kids(r).some(matches) : false))
      : this.rows.slice();
    const key = this.sortKey;
    const sign = this.descending ? -1 : 1;
    this.visible.sort((a, b) => {
      const x = a[key];
      const y = b[key];
      const nx = typeof x === "number" ? x : NaN;
      const ny = typeof y === "number" ? y : NaN;
      let order: number;
      if (!isNaN(nx) || !isNaN(ny)) order = isNaN(nx) ? -1 : isNaN(ny) ? 1 : nx - ny; // no value sorts as least
      else order = String(x ?? "").localeCompare(String(y ?? ""));
      return sign * order;
    });
    this.withChildren();
    const n = this.visible.length;
    this.count.textContent = this.rows.length
      ? n === this.rows.length
        ? `${n.toLocaleString()} ${n === 1 ? "row" : "rows"}`
        : `${n.toLocaleString()} of ${this.rows.length.toLocaleString()} rows`
      : this.opts.empty;
    this.findSelection();
    this.first = this.last = -1;
    if (keepSelection && this.selIndex >= 0) this.scrollToRow(this.selIndex);
    else {
      this.wrap.scrollTop = 0;
      this.scrollTop = 0;
      this.renderRows(true);
    }
  }

  // Expanded rows followed by their children (the sorted parents stay in `visible`).
  private withChildren(): void {
    const kids = this.opts.children;
    this.childOf.clear();
    if (!kids || !this.expanded.size) return;
    const out: Row[] = [];
    for (const r of this.visible) {
      if (this.childOf.has(r)) continue;
      out.push(r);
      if (!this.expanded.has(r)) continue;
      for (const c of kids(r)) {
        this.childOf.add(c);
        out.push(c);
      }
    }
    this.visible = out;
  }

  // Show or hide a row's children, keeping the scroll position.
  toggle(row: Row): void {
    if (this.expanded.has(row)) this.expanded.delete(row);
    else this.expanded.add(row);
    const top = this.wrap.scrollTop;
    this.visible = this.visible.filter((r) => !this.childOf.has(r));
    this.withChildren();
    this.findSelection();
    this.first = this.last = -1;
    this.wrap.scrollTop = top;
    this.renderRows(true);
  }

  isExpanded(row: Row): boolean {
    return this.expanded.has(row);
  }

  private drawHead(): void {
    const rows: HTMLTableRowElement[] = [];
    if (this.columns.some((c) => c.group)) {
      const tr = el("tr");
      for (let i = 0; i < this.columns.length; ) {
        const g = this.columns[i].group;
        let j = i + 1;
        while (g && j < this.columns.length && this.columns[j].group === g) j++;
        const th = el("th", { class: `tft-tb-group${g ? " tft-tb-grouped" : ""}`, colspan: String(j - i) }, [g || ""]);
        tr.append(th);
        i = j;
      }
      rows.push(tr);
    }
    const tr = el("tr");
    for (const c of this.columns) {
      const th = el("th", { class: c.kind === "text" || c.kind === "loc" ? "" : "num", title: c.title || c.label }, [c.label]);
      th.setAttribute("data-key", c.key);
      if (c.key === this.sortKey) th.setAttribute("data-sort", this.descending ? "desc" : "asc");
      th.addEventListener("click", () => {
        this.descending = c.key === this.sortKey ? !this.descending : c.kind !== "text" && c.kind !== "loc";
        this.sortKey = c.key;
        this.drawHead();
        this.refresh(true);
      });
      tr.append(th);
    }
    rows.push(tr);
    this.head.replaceChildren(...rows);
  }

  private selected(row: Row): boolean {
    if (this.opts.pick) return this.opts.pick.selected(row);
    const key = this.opts.selectKey;
    return !!(key && this.opts.bus && this.opts.bus.selected !== null && sameOp(String(row[key] ?? ""), this.opts.bus.selected));
  }

  private findSelection(): void {
    this.selIndex = -1;
    if (this.opts.pick) {
      this.selIndex = this.visible.findIndex((r) => this.selected(r));
      return;
    }
    if (!this.opts.selectKey || !this.opts.bus || this.opts.bus.selected === null) return;
    this.selIndex = this.visible.findIndex((r) => this.selected(r));
  }

  private headH(): number {
    return this.head.offsetHeight || 25;
  }

  // Render the rows in view (plus OVERSCAN); `force` redraws an unchanged range.
  private renderRows(force = false): void {
    const n = this.visible.length;
    const viewH = this.wrap.clientHeight || MAX_H;
    const top = Math.max(0, this.wrap.scrollTop - this.headH());
    const first = Math.max(0, Math.min(n, Math.floor(top / this.rowH) - OVERSCAN));
    const last = Math.min(n, Math.ceil((top + viewH) / this.rowH) + OVERSCAN);
    if (!force && first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    const span = this.columns.length;
    const pad = (h: number) => {
      const td = el("td", { colspan: String(span) });
      td.style.height = `${h}px`;
      return el("tr", { class: "tft-tb-pad", "aria-hidden": "true" }, [td]);
    };
    const out: HTMLTableRowElement[] = [];
    if (first > 0) out.push(pad(first * this.rowH));
    for (let i = first; i < last; i++) out.push(this.renderRow(this.visible[i], i));
    if (last < n) out.push(pad((n - last) * this.rowH));
    this.body.replaceChildren(...out);
    // the real row height (fonts, zoom) keeps the spacers exact
    const sample = this.body.querySelector("tr.tft-tb-row") as HTMLElement | null;
    const h = sample ? sample.getBoundingClientRect().height : 0;
    if (h > 0 && Math.abs(h - this.rowH) > 0.01) {
      this.rowH = h;
      this.renderRows(true);
    }
  }

  private renderRow(r: Row, i: number): HTMLTableRowElement {
    const tr = el("tr", { class: "tft-tb-row", "data-row": String(i) });
    if ((this.opts.selectKey && this.opts.bus) || this.opts.pick) tr.classList.add("tft-tb-pick");
    if (this.selected(r)) tr.classList.add("tft-selected");
    const child = this.childOf.has(r);
    if (child) tr.classList.add("tft-tb-child");
    this.columns.forEach((c, i) => {
      const td = this.cell(r, c);
      if (i === 0 && this.opts.children && !child) {
        const n = this.opts.children(r).length;
        const open = this.expanded.has(r);
        const toggle = el("span", { class: "tft-tb-toggle", role: "button", "aria-expanded": String(open),
          title: n ? `${open ? "hide" : "show"} the ${n} rows under it` : "" }, [n ? (open ? "▾" : "▸") : ""]);
        td.prepend(toggle);
        td.classList.add("tft-tb-has-toggle");
      }
      tr.append(td);
    });
    return tr;
  }

  private cell(r: Row, c: Column): HTMLTableCellElement {
    const value = r[c.key];
    if (c.kind === "loc") {
      const loc = c.loc ? c.loc(r) : null;
      const td = el("td", { title: locationTitle(loc) });
      td.append(this.opts.links ? this.opts.links.node(loc) : String(value ?? ""));
      return td;
    }
    if (c.kind === "text") {
      const text = String(value ?? "");
      const title = c.titleKey && r[c.titleKey] ? String(r[c.titleKey]) : text;
      if (c.tail || (r.tail_text && c.titleKey)) return el("td", { class: "tft-tb-tail", title }, [el("bdi", {}, [text])]);
      return el("td", { title }, [text]);
    }
    const text = numText(value, c.kind);
    return el("td", { class: text === "-" ? "num tft-tb-none" : "num", title: String(value ?? "") }, [text]);
  }

  private onClick(ev: MouseEvent): void {
    const toggle = (ev.target as Element).closest(".tft-tb-toggle");
    if (toggle) {
      const tr = toggle.closest("tr.tft-tb-row");
      const r = tr ? this.visible[Number(tr.getAttribute("data-row"))] : undefined;
      if (r) this.toggle(r);
      return;
    }
    if (this.opts.pick) {
      const tr = (ev.target as Element).closest("tr.tft-tb-row");
      const r = tr ? this.visible[Number(tr.getAttribute("data-row"))] : undefined;
      if (r) this.opts.pick.click(r);
      return;
    }
    const bus = this.opts.bus;
    const key = this.opts.selectKey;
    if (!bus || !key) return;
    const tr = (ev.target as Element).closest("tr.tft-tb-row");
    if (!tr) return;
    const r = this.visible[Number(tr.getAttribute("data-row"))];
    if (!r) return;
    if (this.selected(r)) bus.select(null, this.opts.origin); // a second click unselects
    else bus.select(String(r[key]), this.opts.origin);
  }

  // Redraw after the selection changed elsewhere (`pick` tables), scrolling it into view if asked.
  showSelection(scroll: boolean): void {
    this.findSelection();
    this.renderRows(true);
    if (scroll && this.selIndex >= 0) this.scrollToRow(this.selIndex);
  }

  // Scroll so that row i is in view (centred if it was not); waits for a size if hidden.
  scrollToRow(i: number): void {
    const viewH = this.wrap.clientHeight;
    if (!viewH) {
      this.pending = i; // hidden: scroll once shown
      this.renderRows(true);
      return;
    }
    this.pending = -1;
    const headH = this.headH();
    const rowTop = headH + i * this.rowH;
    const st = this.wrap.scrollTop;
    if (rowTop < st + headH || rowTop + this.rowH > st + viewH) {
      this.wrap.scrollTop = Math.max(0, rowTop - headH - (viewH - headH - this.rowH) / 2);
    }
    this.scrollTop = this.wrap.scrollTop;
    this.renderRows(true);
  }

  private onShown(): void {
    if (!this.wrap.clientHeight) return;
    if (this.pending >= 0) this.scrollToRow(this.pending);
    else {
      if (this.wrap.scrollTop !== this.scrollTop) this.wrap.scrollTop = this.scrollTop;
      this.renderRows();
    }
  }
}

export function renderTable(root: HTMLElement, rows: Row[], columns: Column[], opts: TableOptions): VirtualTable {
  return new VirtualTable(root, rows, columns, opts);
}
