// The memory view; its parts live in ./memory/ (index.ts wires them).
export { renderMemory } from "./memory/index";
