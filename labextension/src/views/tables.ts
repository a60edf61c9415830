// Tables view: the implementation lives in ./tables/ (see ./tables/index.ts); this file
// keeps the import path of the other modules.
export { renderFunctions, renderKernels, renderOps, renderTable } from "./tables/index";
export type { Column, Row } from "./tables/index";
