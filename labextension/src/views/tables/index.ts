// Tables: ops, GPU kernels and tf.functions, on one virtually scrolled table (table.ts).
export { renderOps } from "./ops";
export { renderKernels } from "./kernels";
export { renderFunctions } from "./functions";
export { renderTable } from "./table";
export type { Column, Row } from "./table";
