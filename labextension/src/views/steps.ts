// The steps view; its parts live in ./steps/ (index.ts wires them).
export { renderSteps } from "./steps/index";
