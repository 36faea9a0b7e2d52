import type { SparsityPattern } from './sparsity.ts';

/**
 * A minimum-degree fill-reducing order of the symmetrised pattern of A + Aᵀ (the diagonal ignored):
 * `order[k]` is the k-th variable to eliminate. Factorising A[order, order] creates far less fill than
 * the natural order (2-D grids, reaction networks).
 *
 * The elimination graph is kept explicitly (adjacency lists that gain the fill edges), with exact
 * degrees in bucket lists. Variables whose closed neighbourhoods are identical from the start (the u, v
 * pair of a reaction–diffusion grid point) are merged into one weighted supervariable, which divides the
 * work of the order by up to their size squared. Meant to run once per pattern, not per step.
 */
export function minimumDegreeOrder(pattern: SparsityPattern): Int32Array {
  const n = pattern.n;
  const sym = symmetricAdjacency(pattern);
  // supervariables: identical closed neighbourhoods (hash, then exact compare)
  const rep = new Int32Array(n).fill(-1);
  const weight = new Int32Array(n);
  const hash = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    let h = v;
    for (let q = sym.ptr[v]; q < sym.ptr[v + 1]; q++) h += sym.idx[q];
    hash[v] = h * 1_000_003 + (sym.ptr[v + 1] - sym.ptr[v]);
  }
  const byHash = new Map<number, number[]>();
  for (let v = 0; v < n; v++) {
    const list = byHash.get(hash[v]);
    if (list === undefined) byHash.set(hash[v], [v]);
    else list.push(v);
  }
  const mark = new Int32Array(n).fill(-1);
  for (const list of byHash.values()) {
    for (let a = 0; a < list.length; a++) {
      const u = list[a];
      if (rep[u] >= 0) continue;
      rep[u] = u;
      weight[u] = 1;
      if (list.length === 1) break;
      // mark the closed neighbourhood of u
      mark[u] = u;
      for (let q = sym.ptr[u]; q < sym.ptr[u + 1]; q++) mark[sym.idx[q]] = u;
      const du = sym.ptr[u + 1] - sym.ptr[u];
      for (let b = a + 1; b < list.length; b++) {
        const w = list[b];
        if (rep[w] >= 0 || sym.ptr[w + 1] - sym.ptr[w] !== du || mark[w] !== u) continue;
        let same = true;
        for (let q = sym.ptr[w]; q < sym.ptr[w + 1]; q++) {
          const x = sym.idx[q];
          if (x !== u && mark[x] !== u) {
            same = false;
            break;
          }
        }
        if (same) {
          rep[w] = u;
          weight[u]++;
        }
      }
    }
  }
  // the quotient graph of the supervariables: adjacency as growable Int32Arrays
  const adj: Int32Array[] = new Array(n);
  const len = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    if (rep[v] !== v) continue;
    const list: number[] = [];
    for (let q = sym.ptr[v]; q < sym.ptr[v + 1]; q++) {
      const w = sym.idx[q];
      if (rep[w] === w && w !== v) list.push(w);
    }
    adj[v] = Int32Array.from(list);
    len[v] = list.length;
  }
  // degree buckets (weighted degree)
  const deg = new Int32Array(n);
  const head = new Int32Array(n + 1).fill(-1);
  const next = new Int32Array(n).fill(-1);
  const prev = new Int32Array(n).fill(-1);
  const alive = new Uint8Array(n);
  let remaining = 0;
  for (let v = 0; v < n; v++) {
    if (rep[v] !== v) continue;
    alive[v] = 1;
    remaining++;
    let d = 0;
    const a = adj[v];
    for (let k = 0; k < len[v]; k++) d += weight[a[k]];
    deg[v] = d;
    insert(v);
  }
  function insert(v: number): void {
    const d = deg[v];
    prev[v] = -1;
    next[v] = head[d];
    if (head[d] >= 0) prev[head[d]] = v;
    head[d] = v;
  }
  function remove(v: number): void {
    if (prev[v] >= 0) next[prev[v]] = next[v];
    else head[deg[v]] = next[v];
    if (next[v] >= 0) prev[next[v]] = prev[v];
  }
  const superOrder = new Int32Array(remaining);
  mark.fill(-1);
  let minDeg = 0;
  let stamp = 0;
  for (let k = 0; k < remaining; k++) {
    while (head[minDeg] < 0) minDeg++;
    const v = head[minDeg];
    remove(v);
    alive[v] = 0;
    superOrder[k] = v;
    const nb = adj[v];
    const nbLen = len[v];
    for (let a = 0; a < nbLen; a++) {
      const u = nb[a];
      // drop v from u's list and mark u's remaining neighbours
      stamp++;
      let au = adj[u];
      let lu = 0;
      for (let b = 0; b < len[u]; b++) {
        const w = au[b];
        if (w === v) continue;
        au[lu++] = w;
        mark[w] = stamp;
      }
      mark[u] = stamp;
      // the fill: u becomes adjacent to every other neighbour of v
      for (let b = 0; b < nbLen; b++) {
        const w = nb[b];
        if (mark[w] === stamp) continue;
        if (lu === au.length) {
          const grown = new Int32Array(Math.max(8, 2 * au.length));
          grown.set(au);
          au = grown;
          adj[u] = au;
        }
        au[lu++] = w;
      }
      len[u] = lu;
      let d = 0;
      for (let b = 0; b < lu; b++) d += weight[au[b]];
      remove(u);
      deg[u] = d;
      insert(u);
      if (d < minDeg) minDeg = d;
    }
    adj[v] = new Int32Array(0);
    len[v] = 0;
  }
  // expand the supervariables
  const members: number[][] = [];
  const order = new Int32Array(n);
  const memberStart = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    if (rep[v] === v) {
      memberStart[v] = members.length;
      members.push([v]);
    }
  }
  for (let v = 0; v < n; v++) if (rep[v] !== v) members[memberStart[rep[v]]].push(v);
  let o = 0;
  for (let k = 0; k < superOrder.length; k++)
    for (const v of members[memberStart[superOrder[k]]]) order[o++] = v;
  return order;
}

/** Adjacency of A + Aᵀ without the diagonal, rows sorted. */
function symmetricAdjacency(p: SparsityPattern): { ptr: Int32Array; idx: Int32Array } {
  const { n, rowPtr, colIdx } = p;
  const count = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) {
      const j = colIdx[q];
      if (j === i) continue;
      count[i + 1]++;
      count[j + 1]++;
    }
  }
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const fill = count.slice(0, n);
  const raw = new Int32Array(count[n]);
  for (let i = 0; i < n; i++) {
    for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) {
      const j = colIdx[q];
      if (j === i) continue;
      raw[fill[i]++] = j;
      raw[fill[j]++] = i;
    }
  }
  // dedupe per row
  const ptr = new Int32Array(n + 1);
  const idx = new Int32Array(raw.length);
  const seen = new Int32Array(n).fill(-1);
  let k = 0;
  for (let i = 0; i < n; i++) {
    ptr[i] = k;
    const start = k;
    for (let q = count[i]; q < count[i + 1]; q++) {
      const j = raw[q];
      if (seen[j] === i) continue;
      seen[j] = i;
      idx[k++] = j;
    }
    idx.subarray(start, k).sort();
  }
  ptr[n] = k;
  return { ptr, idx: idx.slice(0, k) };
}
