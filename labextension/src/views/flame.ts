// The flame graph view; its parts live in ./flame/ (index.ts wires them).
export { renderFlame } from "./flame/index";
