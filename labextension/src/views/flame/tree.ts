// Flame graph, the tree as flat arrays: nodes in preorder (the subtree of i is
// [i, i + size[i])), parent, depth, deepest depth below, the device each op inherits,
// and the layout: x and width of every node in value units (children scaled down if
// they ever exceed their parent). No DOM.

import type { FlameNode } from "../../payload";

export interface FlatTree {
  nodes: FlameNode[];
  parent: Int32Array;
  depth: Int32Array;
  size: Int32Array;
  deepest: Int32Array; // deepest depth in the subtree
  device: string[]; // an op's own device, else its nearest "device" ancestor's (ops-only tree)
  lx: Float64Array;
  lw: Float64Array;
  rootValue: number;
}

export function valueOf(node: FlameNode): number {
  const v = Number(node.value);
  return isFinite(v) && v > 0 ? v : 0;
}

export function flatten(tree: FlameNode): FlatTree {
  const nodes: FlameNode[] = [];
  const parentList: number[] = [];
  const depthList: number[] = [];
  const device: string[] = [];
  const stack: [FlameNode, number, number, string][] = [[tree, -1, 0, ""]];
  while (stack.length) {
    const [node, parent, depth, inherited] = stack.pop() as [FlameNode, number, number, string];
    const dev = node.kind === "device" ? node.name : inherited;
    const i = nodes.length;
    nodes.push(node);
    parentList.push(parent);
    depthList.push(depth);
    device.push(node.device || dev);
    const children = node.children || [];
    for (let c = children.length - 1; c >= 0; c--) stack.push([children[c], i, depth + 1, dev]);
  }
  const N = nodes.length;
  const parent = Int32Array.from(parentList);
  const depth = Int32Array.from(depthList);
  const size = new Int32Array(N).fill(1);
  const deepest = Int32Array.from(depthList);
  for (let i = N - 1; i > 0; i--) {
    const p = parent[i];
    size[p] += size[i];
    if (deepest[i] > deepest[p]) deepest[p] = deepest[i];
  }
  const value = (i: number) => valueOf(nodes[i]);
  const lx = new Float64Array(N);
  const lw = new Float64Array(N);
  let childSum0 = 0;
  for (let j = 1; j < N; j += size[j]) childSum0 += value(j);
  lw[0] = value(0) > 0 ? value(0) : childSum0;
  for (let i = 0; i < N; i++) {
    if (size[i] === 1) continue;
    const natural = value(i) > 0 ? lw[i] / value(i) : 1;
    let sum = 0;
    for (let j = i + 1; j < i + size[i]; j += size[j]) sum += value(j) * natural;
    const k = sum > lw[i] && sum > 0 ? (natural * lw[i]) / sum : natural;
    let x = lx[i];
    for (let j = i + 1; j < i + size[i]; j += size[j]) {
      lx[j] = x;
      lw[j] = value(j) * k;
      x += lw[j];
    }
  }
  const rootValue = value(0) > 0 ? value(0) : lw[0];
  return { nodes, parent, depth, size, deepest, device, lx, lw, rootValue };
}
