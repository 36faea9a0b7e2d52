import type { SparsityPattern } from './sparsity.ts';

/**
 * An approximate-minimum-degree (AMD) fill-reducing order of the symmetrised pattern of A + Aᵀ (the
 * diagonal ignored): `order[k]` is the k-th variable to eliminate. Factorising A[order, order] creates
 * far less fill than the natural order (2-D grids, reaction networks).
 *
 * The algorithm of Amestoy, Davis & Duff (1996; the form of Davis, "Direct Methods for Sparse Linear
 * Systems", 2006, §7.1): the elimination graph is kept implicitly as a quotient graph of variables and
 * elements (no fill edges are stored, so memory stays O(nnz)), degrees are approximated from element
 * set differences, elements covered by the new one are absorbed, variables with identical adjacency are
 * merged into supervariables and eliminated together, and rows denser than 10√n are ordered last. The
 * result is postordered along the assembly tree. Meant to run once per pattern, not per step.
 */
export function minimumDegreeOrder(pattern: SparsityPattern): Int32Array {
  const n = pattern.n;
  const order = new Int32Array(n);
  if (n === 0) return order;
  const sym = symmetricAdjacency(pattern);
  const cnz0 = sym.ptr[n];
  const nzmax = cnz0 + Math.floor(cnz0 / 5) + 2 * n + 8;
  const ci = new Int32Array(nzmax);
  ci.set(sym.idx);
  // cp[i]: start of i's list in ci; for absorbed nodes flip(parent); -1 for roots
  const cp = new Int32Array(n + 1);
  cp.set(sym.ptr.subarray(0, n));
  const len = new Int32Array(n + 1);
  const nv = new Int32Array(n + 1);
  const next = new Int32Array(n + 1);
  const head = new Int32Array(n + 1);
  const elen = new Int32Array(n + 1);
  const degree = new Int32Array(n + 1);
  const w = new Int32Array(n + 1);
  const hhead = new Int32Array(n + 1);
  const last = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) len[i] = sym.ptr[i + 1] - sym.ptr[i];
  len[n] = 0;
  for (let i = 0; i <= n; i++) {
    head[i] = -1;
    last[i] = -1;
    next[i] = -1;
    hhead[i] = -1;
    nv[i] = 1;
    w[i] = 1;
    elen[i] = 0;
    degree[i] = len[i];
  }
  const dense = Math.min(n - 2, Math.max(16, Math.floor(10 * Math.sqrt(n))));
  let mark = clearW(0, 0, w, n);
  elen[n] = -2;
  cp[n] = -1;
  w[n] = 0;
  let nel = 0;
  for (let i = 0; i < n; i++) {
    const d = degree[i];
    if (d === 0) {
      elen[i] = -2;
      nel++;
      cp[i] = -1;
      w[i] = 0;
    } else if (d > dense) {
      // a dense row: absorbed into the placeholder node n, ordered last
      nv[i] = 0;
      elen[i] = -1;
      nel++;
      cp[i] = flip(n);
      nv[n]++;
    } else {
      if (head[d] !== -1) last[head[d]] = i;
      next[i] = head[d];
      head[d] = i;
    }
  }
  let mindeg = 0;
  let lemax = 0;
  let cnz = cnz0;
  while (nel < n) {
    // 1. the pivot: a variable of minimum approximate degree
    let k = -1;
    for (; mindeg < n; mindeg++) {
      k = head[mindeg];
      if (k !== -1) break;
    }
    if (next[k] !== -1) last[next[k]] = -1;
    head[mindeg] = next[k];
    const elenk = elen[k];
    let nvk = nv[k];
    nel += nvk;
    // 2. garbage collection when the new element may not fit
    if (elenk > 0 && cnz + mindeg >= nzmax) {
      for (let j = 0; j < n; j++) {
        const p = cp[j];
        if (p >= 0) {
          cp[j] = ci[p];
          ci[p] = flip(j);
        }
      }
      let q = 0;
      for (let p = 0; p < cnz; ) {
        const j = flip(ci[p++]);
        if (j >= 0) {
          ci[q] = cp[j];
          cp[j] = q++;
          for (let k3 = 0; k3 < len[j] - 1; k3++) ci[q++] = ci[p++];
        }
      }
      cnz = q;
    }
    // 3. the new element Lk: the union of k's variables and of the elements adjacent to k
    let dk = 0;
    nv[k] = -nvk;
    let p = cp[k];
    const pk1 = elenk === 0 ? p : cnz;
    let pk2 = pk1;
    for (let k1 = 1; k1 <= elenk + 1; k1++) {
      let e: number;
      let pj: number;
      let ln: number;
      if (k1 > elenk) {
        e = k;
        pj = p;
        ln = len[k] - elenk;
      } else {
        e = ci[p++];
        pj = cp[e];
        ln = len[e];
      }
      for (let k2 = 1; k2 <= ln; k2++) {
        const i = ci[pj++];
        const nvi = nv[i];
        if (nvi <= 0) continue;
        dk += nvi;
        nv[i] = -nvi;
        ci[pk2++] = i;
        if (next[i] !== -1) last[next[i]] = last[i];
        if (last[i] !== -1) next[last[i]] = next[i];
        else head[degree[i]] = next[i];
      }
      if (e !== k) {
        cp[e] = flip(k);
        w[e] = 0;
      }
    }
    if (elenk !== 0) cnz = pk2;
    degree[k] = dk;
    cp[k] = pk1;
    len[k] = pk2 - pk1;
    elen[k] = -2;
    // 4. |Le \ Lk| for every element e adjacent to a variable of Lk
    mark = clearW(mark, lemax, w, n);
    for (let pk = pk1; pk < pk2; pk++) {
      const i = ci[pk];
      const eln = elen[i];
      if (eln <= 0) continue;
      const nvi = -nv[i];
      const wnvi = mark - nvi;
      for (let q = cp[i]; q <= cp[i] + eln - 1; q++) {
        const e = ci[q];
        if (w[e] >= mark) w[e] -= nvi;
        else if (w[e] !== 0) w[e] = degree[e] + wnvi;
      }
    }
    // 5. approximate degrees, element absorption, and the hash of each variable's adjacency
    for (let pk = pk1; pk < pk2; pk++) {
      const i = ci[pk];
      const p1 = cp[i];
      const p2 = p1 + elen[i] - 1;
      let pn = p1;
      let h = 0;
      let d = 0;
      for (let q = p1; q <= p2; q++) {
        const e = ci[q];
        if (w[e] !== 0) {
          const dext = w[e] - mark;
          if (dext > 0) {
            d += dext;
            ci[pn++] = e;
            h += e;
          } else {
            // Le ⊆ Lk: absorb e (aggressive absorption)
            cp[e] = flip(k);
            w[e] = 0;
          }
        }
      }
      elen[i] = pn - p1 + 1;
      const p3 = pn;
      const p4 = p1 + len[i];
      for (let q = p2 + 1; q < p4; q++) {
        const j = ci[q];
        const nvj = nv[j];
        if (nvj <= 0) continue;
        d += nvj;
        ci[pn++] = j;
        h += j;
      }
      if (d === 0) {
        // i is adjacent to k only: eliminate it with k (mass elimination)
        cp[i] = flip(k);
        const nvi = -nv[i];
        dk -= nvi;
        nvk += nvi;
        nel += nvi;
        nv[i] = 0;
        elen[i] = -1;
      } else {
        degree[i] = Math.min(degree[i], d);
        ci[pn] = ci[p3];
        ci[p3] = ci[p1];
        ci[p1] = k;
        len[i] = pn - p1 + 1;
        h %= n;
        next[i] = hhead[h];
        hhead[h] = i;
        last[i] = h;
      }
    }
    degree[k] = dk;
    lemax = Math.max(lemax, dk);
    mark = clearW(mark + lemax, lemax, w, n);
    // 6. supervariables: variables of Lk with identical adjacency (same hash bucket, then compared)
    for (let pk = pk1; pk < pk2; pk++) {
      let i = ci[pk];
      if (nv[i] >= 0) continue;
      const h = last[i];
      i = hhead[h];
      hhead[h] = -1;
      for (; i !== -1 && next[i] !== -1; i = next[i], mark++) {
        const ln = len[i];
        const eln = elen[i];
        for (let q = cp[i] + 1; q <= cp[i] + ln - 1; q++) w[ci[q]] = mark;
        let jlast = i;
        for (let j = next[i]; j !== -1; ) {
          let ok = len[j] === ln && elen[j] === eln;
          for (let q = cp[j] + 1; ok && q <= cp[j] + ln - 1; q++) if (w[ci[q]] !== mark) ok = false;
          if (ok) {
            cp[j] = flip(i);
            nv[i] += nv[j];
            nv[j] = 0;
            elen[j] = -1;
            j = next[j];
            next[jlast] = j;
          } else {
            jlast = j;
            j = next[j];
          }
        }
      }
    }
    // 7. back into the degree lists; Lk keeps its principal variables
    let pout = pk1;
    for (let pk = pk1; pk < pk2; pk++) {
      const i = ci[pk];
      const nvi = -nv[i];
      if (nvi <= 0) continue;
      nv[i] = nvi;
      const d = Math.min(degree[i] + dk - nvi, n - nel - nvi);
      if (head[d] !== -1) last[head[d]] = i;
      next[i] = head[d];
      last[i] = -1;
      head[d] = i;
      mindeg = Math.min(mindeg, d);
      degree[i] = d;
      ci[pout++] = i;
    }
    nv[k] = nvk;
    len[k] = pout - pk1;
    if (len[k] === 0) {
      cp[k] = -1;
      w[k] = 0;
    }
    if (elenk !== 0) cnz = pout;
  }
  // postorder of the assembly tree (children before parents; merged variables just before theirs)
  for (let i = 0; i < n; i++) cp[i] = flip(cp[i]);
  for (let j = 0; j <= n; j++) head[j] = -1;
  for (let j = n; j >= 0; j--) {
    if (nv[j] > 0) continue;
    next[j] = head[cp[j]];
    head[cp[j]] = j;
  }
  for (let e = n; e >= 0; e--) {
    if (nv[e] <= 0) continue;
    if (cp[e] !== -1) {
      next[e] = head[cp[e]];
      head[cp[e]] = e;
    }
  }
  const post = new Int32Array(n + 1);
  let k = 0;
  for (let i = 0; i <= n; i++) if (cp[i] === -1) k = postorderTree(i, k, head, next, post, w);
  order.set(post.subarray(0, n));
  return order;
}

/** −2 − i: the flipped index that marks a node as absorbed into i (flip(flip(i)) = i). */
function flip(i: number): number {
  return -2 - i;
}

/** Resets the marks w when `mark` would overflow; returns the mark to use. */
function clearW(mark: number, lemax: number, w: Int32Array, n: number): number {
  if (mark < 2 || mark + lemax >= 0x7fffffff - 1) {
    for (let k = 0; k < n; k++) if (w[k] !== 0) w[k] = 1;
    return 2;
  }
  return mark;
}

/** Depth-first postorder of the tree rooted at j (children lists head/next, consumed); returns k. */
function postorderTree(
  j: number,
  k: number,
  head: Int32Array,
  next: Int32Array,
  post: Int32Array,
  stack: Int32Array,
): number {
  let top = 0;
  stack[0] = j;
  while (top >= 0) {
    const p = stack[top];
    const i = head[p];
    if (i === -1) {
      top--;
      post[k++] = p;
    } else {
      head[p] = next[i];
      stack[++top] = i;
    }
  }
  return k;
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
