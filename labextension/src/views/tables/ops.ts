// Tables, ops: the payload's column table as rows, with the op's Keras layer and the user
// line that created it (a link to its cell in JupyterLab) when the profile knows them. Rows
// join the linked selection by op name. (GPU kernels: kernels.ts.)

import type { SelectionBus } from "../../bus";
import { markReady } from "../../dom";
import type { Locations } from "../../location";
import { Data, row } from "../../payload";
import { Column, Row, renderTable } from "./table";

function tableRows(data: Data, key: "ops"): Row[] {
  const table = data.payload[key];
  const out: Row[] = [];
  for (let i = 0; i < table.count; i++) out.push(row(table, data.strings, i));
  return out;
}

const has = (rows: Row[], key: string) => rows.some((r) => r[key] !== undefined && r[key] !== "");

export function renderOps(root: HTMLElement, data: Data, bus: SelectionBus, links?: Locations): void {
  const rows = tableRows(data, "ops");
  const total = rows.reduce((s, r) => s + Number(r.self_us), 0) || 1;
  for (const r of rows) r.pct = (100 * Number(r.self_us)) / total;
  // times next to the name: in a narrow notebook output the columns to scroll to are the last ones
  const columns: Column[] = [
    { key: "name", label: "op", kind: "text", tail: true },
    { key: "type", label: "type", kind: "text", width: 120 },
    { key: "self_us", label: "self", kind: "us", width: 80 },
    { key: "pct", label: "% self", kind: "pct", width: 66 },
    { key: "total_us", label: "total", kind: "us", width: 80 },
    { key: "count", label: "count", kind: "num", width: 62 },
  ];
  if (has(rows, "layer")) columns.push({ key: "layer", label: "Keras layer", kind: "text", width: 130, title: "the Keras layer the op belongs to" });
  if (has(rows, "source")) {
    columns.push({
      key: "source", label: "source", kind: "loc", width: 116, title: "the line of your code that created the op",
      loc: (r) => ({ file: String(r.source_file || ""), line: Number(r.source_line) || 0, cell: String(r.source_cell || "") }),
    });
  }
  columns.push(
    { key: "device", label: "device", kind: "text", width: 150, tail: true },
    { key: "mode", label: "mode", kind: "text", width: 58 },
  );
  renderTable(root, rows, columns, {
    sortKey: "self_us", selectKey: "name", bus, links, origin: "ops", empty: "no TensorFlow ops were recorded", minFlex: 220,
  });
  markReady(root);
}
