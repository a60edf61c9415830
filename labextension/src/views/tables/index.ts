// Tables: ops, GPU kernels and tf.functions, on one virtually scrolled table (table.ts).
export { TABLES_CSS } from "./css";
export { renderKernels, renderOps } from "./ops";
export { renderFunctions } from "./functions";
export { renderTable } from "./table";
export type { Column, Row } from "./table";
