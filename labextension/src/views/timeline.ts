// The timeline view; its parts live in ./timeline/ (index.ts wires them).
export { renderTimeline } from "./timeline/index";
export type { TimelineApi } from "./timeline/index";
