/**
 * @odeon/tensor benchmarks. Prints three tables:
 *  1. per-op overhead on small tensors, cpu (float64) vs wasm (tfjs, float32);
 *  2. the stiff-neural-ODE network, MLP 3→[5]×6→3 with GELU: forward + VJP (w.r.t. y and all
 *     parameters) per call, hand-written Float64Array loops vs the compiled tape (`toOdeProblem`)
 *     vs the eager engine;
 *  3. a batched MLP (batch 1024, widths 8–256): forward + gradient of all parameters, cpu vs wasm,
 *     and the crossover width.
 * Times are medians of several repetitions; compare ratios within one run.
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/tensor/tensor-bench.ts
 */
import { cpus } from 'node:os';
import { toOdeProblem } from '@odeon/neural';
import * as T from '@odeon/tensor';
import { erfScalar as erf } from '@odeon/tensor';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median time per call in µs: `reps` batches of `inner` calls after a warm-up. */
function timeUs(fn: () => void, inner: number, reps = 7): number {
  for (let i = 0; i < inner; i++) fn();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    ts.push(((performance.now() - t0) * 1000) / inner);
  }
  return median(ts);
}

/**
 * Interleaved timing of two functions (A, B, A, B, ...) so that load changes on a shared machine hit
 * both alike: median µs per call of each and the median of the per-round ratios B/A.
 */
function pairUs(
  a: () => void,
  b: () => void,
  innerA: number,
  innerB: number,
  reps = 15,
): [number, number, number] {
  timeUs(a, innerA, 1);
  timeUs(b, innerB, 1);
  const ta: number[] = [];
  const tb: number[] = [];
  const ratio: number[] = [];
  for (let r = 0; r < reps; r++) {
    const x = timeUs(a, innerA, 1);
    const y = timeUs(b, innerB, 1);
    ta.push(x);
    tb.push(y);
    ratio.push(y / x);
  }
  return [median(ta), median(tb), median(ratio)];
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function table(title: string, head: string[], rows: (string | number)[][]): void {
  console.log(`\n## ${title}\n`);
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.map((c) => (typeof c === 'number' ? fmt(c) : c)).join(' | ')} |`);
}

await T.initBackend('wasm');
console.log(
  `# @odeon/tensor benchmarks\n\nNode ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), wasm: tfjs-backend-wasm 4.22.0, 1 thread in Node.`,
);

// 1. Per-op overhead -------------------------------------------------------------------------
{
  const rows: (string | number)[][] = [];
  const mk = (backend: T.BackendName) => ({
    a: T.randn([8], { seed: 1, backend }),
    b: T.randn([8], { seed: 2, backend }),
    m: T.randn([4, 4], { seed: 3, backend }),
  });
  const ops: [string, (x: ReturnType<typeof mk>) => T.Tensor][] = [
    ['add [8]+[8]', (x) => T.add(x.a, x.b)],
    ['mul [8]·scalar', (x) => T.mul(x.a, 2)],
    ['exp [8]', (x) => T.exp(x.a)],
    ['gelu [8]', (x) => T.gelu(x.a)],
    ['sum [8]', (x) => T.sum(x.a)],
    ['matmul [4,4]@[4,4]', (x) => T.matmul(x.m, x.m)],
    ['transpose [4,4]', (x) => T.transpose(x.m)],
  ];
  const cpu = mk('cpu');
  const wasm = mk('wasm');
  for (const [name, op] of ops) {
    const tc = timeUs(() => op(cpu), 20000);
    const tw = timeUs(() => op(wasm).dispose(), 2000);
    rows.push([name, tc, tw, `${(tw / tc).toFixed(1)}×`]);
  }
  const gc = timeUs(() => T.grad((x: T.Tensor) => T.sum(T.gelu(x)))(cpu.a), 5000);
  const gw = timeUs(() => T.grad((x: T.Tensor) => T.sum(T.gelu(x)))(wasm.a), 500);
  rows.push(['grad(sum∘gelu) [8]', gc, gw, `${(gw / gc).toFixed(1)}×`]);
  table(
    'Per-op overhead, small tensors (µs per call)',
    ['op', 'cpu float64', 'wasm float32', 'wasm/cpu'],
    rows,
  );
}

// 2. MLP 3→[5]×6→3 GELU: forward + VJP ----------------------------------------------------------
{
  const widths = [3, 5, 5, 5, 5, 5, 5, 3];
  const L = widths.length - 1;
  const params = Array.from({ length: L }, (_, i) => ({
    W: T.randn([widths[i + 1], widths[i]], { seed: 10 + i, std: 1 / Math.sqrt(widths[i]) }),
    b: T.randn([widths[i + 1]], { seed: 30 + i, std: 0.1 }),
  }));
  const field: T.TensorVectorField<typeof params> = (_t, y, ps) => {
    let h = y;
    ps.forEach((l, i) => {
      h = T.add(T.matmul(l.W, h), l.b);
      if (i < ps.length - 1) h = T.gelu(h);
    });
    return h;
  };
  const prob = toOdeProblem(field, { y0: [0.1, 0.2, 0.3], t0: 0, t1: 1, params });
  const eagerProb = toOdeProblem(field, { y0: [0.1, 0.2, 0.3], t0: 0, t1: 1, params, compile: false });
  const p = prob.p;
  const y = Float64Array.of(0.3, -0.2, 0.5);
  const v = Float64Array.of(1, -0.5, 0.25);
  const outY = new Float64Array(3);
  const outP = new Float64Array(prob.np);
  const dy = new Float64Array(3);

  // Hand-written reference: the same network as plain loops over the flat parameter vector.
  // Flat layout from flatten(): per layer (array order) the object keys sorted: 'W' < 'b'.
  const offB: number[] = [];
  const offW: number[] = [];
  let off = 0;
  for (let i = 0; i < L; i++) {
    offW.push(off);
    off += widths[i + 1] * widths[i];
    offB.push(off);
    off += widths[i + 1];
  }
  const acts = widths.map((w) => new Float64Array(w)); // h_0..h_L
  const pre = widths.map((w) => new Float64Array(w)); // z_1..z_L
  const g = widths.map((w) => new Float64Array(w));
  const INV_SQRT2 = Math.SQRT1_2;
  const INV_SQRT_2PI = 0.3989422804014327;
  const forwardLoops = (yy: Float64Array, pp: Float64Array, out: Float64Array) => {
    acts[0].set(yy);
    for (let l = 0; l < L; l++) {
      const nin = widths[l];
      const nout = widths[l + 1];
      const h = acts[l];
      const z = pre[l + 1];
      const a = acts[l + 1];
      for (let i = 0; i < nout; i++) {
        let s = pp[offB[l] + i];
        const row = offW[l] + i * nin;
        for (let j = 0; j < nin; j++) s += pp[row + j] * h[j];
        z[i] = s;
        a[i] = l < L - 1 ? 0.5 * s * (1 + erf(s * INV_SQRT2)) : s;
      }
    }
    out.set(acts[L]);
  };
  const vjpLoops = (
    yy: Float64Array,
    pp: Float64Array,
    vv: Float64Array,
    oy: Float64Array,
    op: Float64Array,
  ) => {
    forwardLoops(yy, pp, dy);
    g[L].set(vv);
    for (let l = L - 1; l >= 0; l--) {
      const nin = widths[l];
      const nout = widths[l + 1];
      const gz = g[l + 1];
      if (l < L - 1) {
        const z = pre[l + 1];
        for (let i = 0; i < nout; i++) {
          const s = z[i];
          gz[i] *= 0.5 * (1 + erf(s * INV_SQRT2)) + s * INV_SQRT_2PI * Math.exp(-0.5 * s * s);
        }
      }
      const h = acts[l];
      const gh = g[l];
      gh.fill(0);
      for (let i = 0; i < nout; i++) {
        const gi = gz[i];
        op[offB[l] + i] = gi;
        const row = offW[l] + i * nin;
        for (let j = 0; j < nin; j++) {
          op[row + j] = gi * h[j];
          gh[j] += gi * pp[row + j];
        }
      }
    }
    oy.set(g[0]);
  };
  // Cross-check the hand-written loops against the library before timing.
  const refY = new Float64Array(3);
  const refP = new Float64Array(prob.np);
  vjpLoops(y, p, v, refY, refP);
  prob.vjp(0, y, p, v, outY, outP);
  let maxErr = 0;
  for (let i = 0; i < 3; i++) maxErr = Math.max(maxErr, Math.abs(refY[i] - outY[i]));
  for (let i = 0; i < prob.np; i++) maxErr = Math.max(maxErr, Math.abs(refP[i] - outP[i]));

  const [tLoopF, tTapeF, rF] = pairUs(
    () => forwardLoops(y, p, dy),
    () => prob.rhs(0, y, p, dy),
    20000,
    20000,
  );
  const [tLoopV, tTapeV, rV] = pairUs(
    () => vjpLoops(y, p, v, refY, refP),
    () => prob.vjp(0, y, p, v, outY, outP),
    10000,
    10000,
  );
  const tEagerF = timeUs(() => eagerProb.rhs(0, y, p, dy), 2000);
  const tEagerV = timeUs(() => eagerProb.vjp(0, y, p, v, outY, outP), 500);
  const tTapeJ = timeUs(() => prob.jvp(0, y, p, v, dy), 10000);
  const Jbuf = new Float64Array(9);
  const tTapeJac = timeUs(() => prob.jacobian(0, y, p, Jbuf), 5000);
  table(
    `MLP 3→[5]×6→3 GELU (${prob.np} parameters), µs per call; hand-written vs library max |Δ| = ${maxErr.toExponential(1)}`,
    [
      'call',
      'hand-written loops',
      'compiled tape',
      'eager engine',
      'tape / loops (median of interleaved rounds)',
    ],
    [
      ['forward (rhs)', tLoopF, tTapeF, tEagerF, `${rF.toFixed(2)}×`],
      ['forward + VJP (y and p)', tLoopV, tTapeV, tEagerV, `${rV.toFixed(2)}×`],
      ['JVP (forward mode)', '', tTapeJ, '', ''],
      ['Jacobian 3×3', '', tTapeJac, '', ''],
    ],
  );
}

// 3. Batched MLP: cpu vs wasm ------------------------------------------------------------------
{
  const batch = 1024;
  const rows: (string | number)[][] = [];
  const ratios: [number, number][] = [];
  for (const width of [8, 16, 32, 64, 128, 256]) {
    const run = (backend: T.BackendName) => {
      const ws = [3, width, width, 3];
      const params = ws.slice(1).map((w, i) => ({
        W: T.randn([ws[i], w], { seed: i, std: 1 / Math.sqrt(ws[i]), backend }),
        b: T.zeros([w], { backend }),
      }));
      const x = T.randn([batch, 3], { seed: 99, backend });
      const loss = (ps: typeof params) => {
        let h = x;
        ps.forEach((l, i) => {
          h = T.add(T.matmul(h, l.W), l.b);
          if (i < ps.length - 1) h = T.gelu(h);
        });
        return T.mean(T.square(h));
      };
      const vg = T.valueAndGrad(loss);
      return () => {
        const r = vg(params);
        r.value.item(); // forces completion
      };
    };
    const inner = width >= 128 ? 1 : 4;
    const [tWasm, tCpu, ratio] = pairUs(run('wasm'), run('cpu'), inner, inner, width >= 128 ? 3 : 7);
    ratios.push([width, ratio]);
    rows.push([String(width), tCpu / 1000, tWasm / 1000, `${ratio.toFixed(2)}×`]);
  }
  table(
    'Batched MLP 3→[w]×2→3 GELU, batch 1024: forward + gradient of all parameters, ms per step',
    ['width w', 'cpu float64', 'wasm float32', 'cpu/wasm'],
    rows,
  );
  // Crossover: the smallest width from which wasm is faster at every larger width measured.
  let crossover: number | null = null;
  for (let i = ratios.length - 1; i >= 0 && ratios[i][1] > 1; i--) crossover = ratios[i][0];
  console.log(`\nCrossover: wasm is faster from width ${crossover ?? '(not reached)'} on.`);
}
