// Op graph view, layering: assigns each box a rank (row) for the top-to-bottom
// layout and marks the edges that close cycles. Pure graph algorithm, no DOM.

// Layer ranks: cycles broken at DFS back edges, longest path from the sources, then
// each node pulled down to just above its nearest consumer (so a variable read sits
// by the op using it, not at the top). back[i] marks edges closing a cycle.
export function rankNodes(n: number, edges: { a: number; b: number }[]): { rank: Int32Array; back: Uint8Array } {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push([]);
  edges.forEach((e, i) => out[e.a].push(i));
  const back = new Uint8Array(edges.length);
  const state = new Uint8Array(n);
  const stackV: number[] = [];
  const stackI: number[] = [];
  for (let s = 0; s < n; s++) {
    if (state[s]) continue;
    stackV.push(s);
    stackI.push(0);
    state[s] = 1;
    while (stackV.length) {
      const top = stackV.length - 1;
      const v = stackV[top];
      const i = stackI[top];
      if (i < out[v].length) {
        stackI[top] = i + 1;
        const ei = out[v][i];
        const w = edges[ei].b;
        if (state[w] === 1) back[ei] = 1;
        else if (state[w] === 0) {
          state[w] = 1;
          stackV.push(w);
          stackI.push(0);
        }
      } else {
        state[v] = 2;
        stackV.pop();
        stackI.pop();
      }
    }
  }
  const indeg = new Int32Array(n);
  edges.forEach((e, i) => {
    if (!back[i]) indeg[e.b]++;
  });
  const topo: number[] = [];
  for (let v = 0; v < n; v++) if (!indeg[v]) topo.push(v);
  for (let h = 0; h < topo.length; h++) {
    for (const ei of out[topo[h]]) if (!back[ei] && --indeg[edges[ei].b] === 0) topo.push(edges[ei].b);
  }
  const rank = new Int32Array(n);
  for (const v of topo) {
    for (const ei of out[v]) if (!back[ei]) rank[edges[ei].b] = Math.max(rank[edges[ei].b], rank[v] + 1);
  }
  for (let h = topo.length - 1; h >= 0; h--) {
    const v = topo[h];
    let min = Infinity;
    for (const ei of out[v]) if (!back[ei]) min = Math.min(min, rank[edges[ei].b]);
    if (min !== Infinity && min - 1 > rank[v]) rank[v] = min - 1;
  }
  return { rank, back };
}
