/**
 * Cost of ODE gradients in @odeon/ode: for ROBER, POLLU (stiff, rodas5p) and Lotka–Volterra (dopri5),
 * the median CPU time of each sensitivity method divided by the median time of `solve` with the same
 * options (method, tolerances, saveAt = the output times: the forward pass every kind runs), steps, stored states, the largest LU, and
 * the error against the CVODES gradients of shared/reference; then a scaling series in the number of
 * parameters np = 1e2…1e4 for a parameter-heavy right-hand side with n = 3; then a stiff neural ODE
 * (3→[5]×6→3 GELU MLP, scaled to ROBER, untrained: the training loop's first gradient).
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/ode-gradients/gradients.ts [--quick]
 *
 * Times are CPU times (process.cpuUsage, robust to other processes on a shared machine), medians of
 * interleaved rounds after a warm-up; compare the ratios, not absolute times.
 */
import { cpus } from 'node:os';
import { equationScaling, NeuralODE } from '@odeon/neural';
import {
  type GradientMethod,
  type GradientOptions,
  type GradientResult,
  gradient,
  type OdeProblem,
  type SensitivityKind,
  solve,
} from '@odeon/ode';
import { LOTKA, POLLU, ROBER } from '@odeon/ode/problems';
import { loadReference } from '@odeon/testkit';

const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 3 : 7;
const KINDS: SensitivityKind[] = ['quadrature', 'interpolating', 'forward', 'backsolve', 'discrete'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** CPU time (user + system, ms) of one call, averaged over enough repetitions to last ≥ 20 ms. */
function cpuMs(f: () => unknown): number {
  let reps = 1;
  for (;;) {
    const a = process.cpuUsage();
    for (let k = 0; k < reps; k++) f();
    const b = process.cpuUsage(a);
    const ms = (b.user + b.system) / 1000;
    if (ms >= 20 || reps >= 64) return ms / reps;
    reps *= 2;
  }
}

/** Median CPU time per call of each function, measured in interleaved rounds after a warm-up. */
function timeAll(fs: Record<string, () => unknown>, rounds = RUNS): Record<string, number> {
  const samples: Record<string, number[]> = {};
  for (const f of Object.values(fs)) f();
  for (let r = 0; r < rounds; r++) {
    for (const [k, f] of Object.entries(fs)) {
      try {
        (samples[k] ??= []).push(cpuMs(f));
      } catch {
        samples[k] = [Number.NaN];
      }
    }
  }
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(samples)) out[k] = median(v);
  return out;
}

function pad(s: string | number, w: number): string {
  return String(s).padStart(w);
}

interface Case {
  readonly name: 'rober' | 'pollu' | 'lotka';
  readonly problem: OdeProblem;
  readonly method: GradientMethod;
  readonly rtol: number;
  readonly atol: number;
  /** Which state the loss sums (the reference's per-species functional), or all with weights. */
  readonly weights: number[];
  readonly component: number | undefined;
}

function times(name: Case['name']): number[] {
  return [...loadReference(name).times];
}

function linearLoss(w: readonly number[]): GradientOptions['loss'] {
  return {
    value: (_i, _t, y) => {
      let s = 0;
      for (let j = 0; j < w.length; j++) s += w[j] * y[j];
      return s;
    },
    grad: (_i, _t, _y, out) => {
      for (let j = 0; j < w.length; j++) out[j] = w[j];
    },
  };
}

const cases: Case[] = [
  {
    name: 'rober',
    problem: ROBER,
    method: 'rodas5p',
    rtol: 1e-8,
    atol: 1e-16,
    weights: [0, 1, 0],
    component: 1,
  },
  {
    name: 'rober',
    problem: ROBER,
    method: 'rodas5p',
    rtol: 1e-6,
    atol: 1e-14,
    weights: [0, 1, 0],
    component: 1,
  },
  {
    name: 'pollu',
    problem: POLLU,
    method: 'rodas5p',
    rtol: 1e-8,
    atol: 1e-14,
    weights: Array.from({ length: 20 }, () => 1),
    component: undefined,
  },
  {
    name: 'pollu',
    problem: POLLU,
    method: 'rodas5p',
    rtol: 1e-6,
    atol: 1e-12,
    weights: Array.from({ length: 20 }, () => 1),
    component: undefined,
  },
  { name: 'lotka', problem: LOTKA, method: 'dopri5', rtol: 1e-8, atol: 1e-11, weights: [1, 0], component: 0 },
];

function errorVsCvodes(c: Case, g: GradientResult): string {
  const ref = loadReference(c.name).gradients;
  if (!ref || c.component === undefined) return '-';
  const rp = ref.per_component.dL_dp[c.component];
  let e = 0;
  for (let j = 0; j < rp.length; j++) e = Math.max(e, Math.abs(g.dp[j] - rp[j]) / Math.abs(rp[j]));
  return e.toExponential(1);
}

console.log(`# ODE gradients: cost relative to the forward solve`);
console.log(
  `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores); CPU time (user+system), median of ${RUNS} interleaved rounds.`,
);
console.log(
  'Loss: L = Σ_k y_j(t_k) over the reference’s 50 output times (rober: y2, lotka: y1, pollu: all 20 species).',
);
console.log(
  'solve = @odeon/ode solve with the gradient’s options (same method, tolerances, saveAt): every kind’s forward pass.\n',
);
console.log(
  `| problem | rtol | method | solve ms | sensitivity | grad ms | grad/solve | fwd steps | bwd steps | stored states | max LU | rel. err dL/dp vs CVODES |`,
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const c of cases) {
  const base = {
    method: c.method,
    rtol: c.rtol,
    atol: c.atol,
    saveAt: times(c.name),
    loss: linearLoss(c.weights),
  } as const;
  const results: Partial<Record<SensitivityKind, GradientResult | string>> = {};
  const fs: Record<string, () => unknown> = {
    solve: () => solve(c.problem, { method: c.method, rtol: c.rtol, atol: c.atol, saveAt: base.saveAt }),
  };
  for (const kind of KINDS) {
    try {
      results[kind] = gradient(c.problem, { ...base, sensitivity: { kind } });
      fs[kind] = () => gradient(c.problem, { ...base, sensitivity: { kind } });
    } catch (e) {
      results[kind] = `fails: ${(e as { code?: string }).code ?? String(e)}`;
    }
  }
  // the discrete adjoint keeping every step's stages instead of √(2N) checkpoints (no recomputation)
  const keepAll = {
    ...base,
    sensitivity: { kind: 'discrete' as const, checkpoints: Number.POSITIVE_INFINITY },
  };
  const keepAllResult = gradient(c.problem, keepAll);
  fs.discreteAll = () => gradient(c.problem, keepAll);
  // the same adjoint with a looser backward tolerance: half the backward steps, gradient still ~1e-6
  const loose = { ...base, adjointRtol: 100 * c.rtol, sensitivity: { kind: 'quadrature' as const } };
  const looseResult = gradient(c.problem, loose);
  fs.looseQuadrature = () => gradient(c.problem, loose);
  const t = timeAll(fs);
  {
    const s = looseResult.stats;
    console.log(
      `| ${c.name} | ${c.rtol} | ${c.method} | ${t.solve.toFixed(3)} | quadrature, adjointRtol = 100·rtol | ${t.looseQuadrature.toFixed(2)} | ${(t.looseQuadrature / t.solve).toFixed(1)} | ${s.forward.acceptedSteps} | ${s.backward.acceptedSteps} | ${s.storedStates} | ${s.maxLuSize} | ${errorVsCvodes(c, looseResult)} |`,
    );
  }
  {
    const s = keepAllResult.stats;
    console.log(
      `| ${c.name} | ${c.rtol} | ${c.method} | ${t.solve.toFixed(3)} | discrete, checkpoints = Infinity | ${t.discreteAll.toFixed(2)} | ${(t.discreteAll / t.solve).toFixed(1)} | ${s.forward.acceptedSteps} | ${s.backward.acceptedSteps} | ${s.storedStates} | ${s.maxLuSize} | ${errorVsCvodes(c, keepAllResult)} |`,
    );
  }
  for (const kind of KINDS) {
    const g = results[kind];
    if (g === undefined) continue;
    const head = `| ${c.name} | ${c.rtol} | ${c.method} | ${t.solve.toFixed(3)} | ${kind} |`;
    if (typeof g === 'string') {
      console.log(`${head} ${g} | | | | | | |`);
      continue;
    }
    const s = g.stats;
    console.log(
      `${head} ${t[kind].toFixed(2)} | ${(t[kind] / t.solve).toFixed(1)} | ${s.forward.acceptedSteps} | ${s.backward.acceptedSteps} | ${s.storedStates} | ${s.maxLuSize} | ${errorVsCvodes(c, g)} |`,
    );
  }
}

/**
 * A parameter-heavy right-hand side with n = 3: y' = −y + P·φ(y)/m, φ_k(y) = tanh(w_k·y + b_k) with fixed
 * w_k, b_k and the trained output weights P (3×m, np = 3m): a neural ODE's last layer. Exact J, ∂f/∂p, vjp.
 */
function wideProblem(np: number): OdeProblem {
  const n = 3;
  const m = np / n;
  const W = new Float64Array(m * n);
  const b = new Float64Array(m);
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  for (let i = 0; i < W.length; i++) W[i] = 2 * rnd();
  for (let i = 0; i < m; i++) b[i] = rnd();
  const p = new Float64Array(np);
  for (let i = 0; i < np; i++) p[i] = rnd();
  const phi = new Float64Array(m);
  const dphi = new Float64Array(m);
  const feat = (y: Float64Array) => {
    for (let k = 0; k < m; k++) {
      const a = Math.tanh(W[k * 3] * y[0] + W[k * 3 + 1] * y[1] + W[k * 3 + 2] * y[2] + b[k]);
      phi[k] = a;
      dphi[k] = 1 - a * a;
    }
  };
  return {
    y0: [0.5, -0.3, 0.8],
    t0: 0,
    t1: 5,
    p,
    rhs(_t, y, p, dy) {
      feat(y);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += p[i * m + k] * phi[k];
        dy[i] = -y[i] + s / m;
      }
    },
    jacobian(_t, y, p, J) {
      feat(y);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < m; k++) s += p[i * m + k] * dphi[k] * W[k * 3 + j];
          J[i * n + j] = (i === j ? -1 : 0) + s / m;
        }
    },
    paramJacobian(_t, y, _p, Jp) {
      feat(y);
      Jp.fill(0);
      for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) Jp[i * np + i * m + k] = phi[k] / m;
    },
    vjp(_t, y, p, v, outY, outP) {
      feat(y);
      outY.fill(0);
      for (let i = 0; i < n; i++) {
        outY[i] -= v[i];
        for (let k = 0; k < m; k++) {
          outP[i * m + k] = (v[i] * phi[k]) / m;
          const c = (v[i] * p[i * m + k] * dphi[k]) / m;
          for (let j = 0; j < n; j++) outY[j] += c * W[k * 3 + j];
        }
      }
    },
  };
}

console.log('\n# Scaling in the number of parameters (n = 3, dopri5, rtol 1e-8, 20 observations of Σy²/2)\n');
console.log(
  '| np | solve ms | quadrature ms | quadrature/solve | quadrature µs per parameter | forward-sensitivity ms | forward/solve |',
);
console.log('|---|---|---|---|---|---|---|');
const sq: GradientOptions['loss'] = {
  value: (_i, _t, y) => 0.5 * (y[0] * y[0] + y[1] * y[1] + y[2] * y[2]),
  grad: (_i, _t, y, out) => out.set(y),
};
const obs = Array.from({ length: 20 }, (_v, k) => (5 * (k + 1)) / 20);
for (const np of [99, 300, 999, 3000, 9999]) {
  const prob = wideProblem(np);
  const base = { method: 'dopri5', rtol: 1e-8, atol: 1e-10, saveAt: obs, loss: sq } as const;
  const fs: Record<string, () => unknown> = {
    fwd: () => solve(prob, { method: 'dopri5', rtol: 1e-8, atol: 1e-10, saveAt: obs }),
    quadrature: () => gradient(prob, { ...base, sensitivity: { kind: 'quadrature' } }),
  };
  if (np <= 1000) fs.forward = () => gradient(prob, { ...base, sensitivity: { kind: 'forward' } });
  const tm = timeAll(fs, np > 3000 ? 3 : RUNS);
  const tFwd = tm.fwd;
  const tq = tm.quadrature;
  const tf = tm.forward ?? Number.NaN;
  console.log(
    `| ${pad(np, 5)} | ${tFwd.toFixed(2)} | ${tq.toFixed(2)} | ${(tq / tFwd).toFixed(2)} | ${((1000 * tq) / np).toFixed(2)} | ${Number.isNaN(tf) ? '-' : tf.toFixed(1)} | ${Number.isNaN(tf) ? '-' : (tf / tFwd).toFixed(1)} |`,
  );
}

// A neural ODE on ROBER's scales (Kim et al. 2021 setting): the gradient a training step needs.
console.log(
  '\n# Neural ODE (n = 3, MLP 3→[5]×6→3 GELU, rodas5p, rtol 1e-6, atol 1e-8, 50 log-spaced observations, L1 loss vs ROBER)\n',
);
{
  const tObs = Array.from({ length: 50 }, (_v, k) => 10 ** (-5 + (10 * k) / 49));
  const ref = solve(ROBER, { method: 'rodas5p', rtol: 1e-10, atol: 1e-14, saveAt: tObs });
  const model = new NeuralODE({
    n: 3,
    network: { width: 5, depth: 6, activation: 'gelu', seed: 1 },
    scaling: equationScaling(tObs, ref.y, 3),
  });
  const prob = model.problem({ y0: [1, 0, 0], t0: 0, t1: 1e5 });
  const scale = [1, 1e-4, 1];
  const l1: GradientOptions['loss'] = {
    value: (i, _t, y) => {
      let s = 0;
      for (let j = 0; j < 3; j++) s += Math.abs(y[j] - ref.y[3 * i + j]) / scale[j];
      return s;
    },
    grad: (i, _t, y, out) => {
      for (let j = 0; j < 3; j++) out[j] = Math.sign(y[j] - ref.y[3 * i + j]) / scale[j];
    },
  };
  const base = { method: 'rodas5p', rtol: 1e-6, atol: 1e-8, saveAt: tObs, loss: l1 } as const;
  const fs: Record<string, () => unknown> = {
    solve: () => solve(prob, { method: 'rodas5p', rtol: 1e-6, atol: 1e-8, saveAt: tObs }),
  };
  const res: Record<string, GradientResult> = {};
  for (const kind of ['quadrature', 'interpolating', 'forward', 'discrete'] as const) {
    res[kind] = gradient(prob, { ...base, sensitivity: { kind } });
    fs[kind] = () => gradient(prob, { ...base, sensitivity: { kind } });
  }
  const tm = timeAll(fs);
  console.log(`np = ${model.np}; solve: ${tm.solve.toFixed(3)} ms\n`);
  console.log('| sensitivity | grad ms | grad/solve | fwd steps | bwd steps |');
  console.log('|---|---|---|---|---|');
  for (const [kind, g] of Object.entries(res)) {
    console.log(
      `| ${kind} | ${tm[kind].toFixed(3)} | ${(tm[kind] / tm.solve).toFixed(1)} | ${g.stats.forward.acceptedSteps} | ${g.stats.backward.acceptedSteps} |`,
    );
  }
}
