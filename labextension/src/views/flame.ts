// The flame graph view; its parts live in ./flame/ (index.ts wires them).
export { FLAME_CSS, renderFlame } from "./flame/index";
