// The steps view; its parts live in ./steps/ (index.ts wires them).
export { STEPS_CSS, renderSteps } from "./steps/index";
