// Op graph view: the implementation is split into modules under ./graph/ (see
// ./graph/index.ts); this file keeps the import path of the other views.
export { renderGraph } from "./graph/index";
