// The memory view; its parts live in ./memory/ (index.ts wires them).
export { MEMORY_CSS, renderMemory } from "./memory/index";
