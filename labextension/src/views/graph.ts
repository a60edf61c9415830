// Op graph view: the implementation is split into modules under ./graph/ (see
// ./graph/index.ts); this file keeps the import path of the other views.
export { GRAPH_CSS, renderGraph } from "./graph/index";
