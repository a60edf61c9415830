// The timeline view; its parts live in ./timeline/ (index.ts wires them).
export { TIMELINE_CSS, renderTimeline } from "./timeline/index";
export type { TimelineApi } from "./timeline/index";
