/**
 * The A → B → C stoichiometry-recovery experiment (issue 7): a RateFlowODE dy/dt = S·r(y) with a
 * learnable 3×2 stoichiometry S is trained on trajectories of A → B → C (mass action, k = (1, 0.5),
 * generated with @odeon/ode's `solve`), with and without the integer and bipolar penalties. Only with
 * them does S come out as [[-1,0],[1,-1],[0,1]] up to column order and scale: without them any basis
 * of the plane {f : f_A + f_B + f_C = 0} fits the data equally well.
 *
 * Pure module (no Node built-ins): used by `rate-flow-abc.ts` (prints a table) and by the test
 * `packages/penalties/src/rate-flow-recovery.test.ts`. Uses a minimal Adam (the @odeon/train optimisers
 * depend on @odeon/neural, so they cannot be used from these packages' tests).
 */

import { RateFlowODE } from '../../packages/neural/src/index.ts';
import { gradient, solve } from '../../packages/ode/src/index.ts';
import { Penalties } from '../../packages/penalties/src/index.ts';

/** The true stoichiometry (species × reactions). */
export const TARGET_S = [
  [-1, 0],
  [1, -1],
  [0, 1],
];

const K1 = 1;
const K2 = 0.5;

/** Trajectories of A → B → C from several initial states, sampled at `times` (row-major per trajectory). */
export function abcData(): { times: Float64Array; y0s: number[][]; ys: Float64Array[] } {
  const times = Float64Array.from({ length: 16 }, (_, i) => 0.5 * (i + 1));
  const y0s = [
    [1, 0, 0],
    [0.2, 0.8, 0],
    [0.6, 0.3, 0.1],
  ];
  const ys = y0s.map((y0) => {
    const sol = solve(
      {
        y0,
        t0: 0,
        t1: times[times.length - 1],
        rhs: (_t, y, _p, dy) => {
          dy[0] = -K1 * y[0];
          dy[1] = K1 * y[0] - K2 * y[1];
          dy[2] = K2 * y[1];
        },
      },
      { method: 'dopri5', rtol: 1e-11, atol: 1e-13, saveAt: times },
    );
    return Float64Array.from(sol.y);
  });
  return { times, y0s, ys };
}

/**
 * Distance of a learned S (row-major species × reactions) from the target up to column order and
 * positive scale: each column is divided by its largest |entry|, then the best column matching's
 * largest entrywise difference is returned.
 */
export function recoveryError(S: ArrayLike<number>, species = 3, reactions = 2): number {
  const cols = Array.from({ length: reactions }, (_, j) => {
    const c = Array.from({ length: species }, (_, i) => S[i * reactions + j]);
    const m = Math.max(...c.map(Math.abs)) || 1;
    return c.map((v) => v / m);
  });
  const target = Array.from({ length: reactions }, (_, j) => TARGET_S.map((row) => row[j]));
  const diff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  // two reactions: two matchings
  const direct = Math.max(diff(cols[0], target[0]), diff(cols[1], target[1]));
  const swapped = Math.max(diff(cols[0], target[1]), diff(cols[1], target[0]));
  return Math.min(direct, swapped);
}

export interface AbcOptions {
  /** Turn on the integer and bipolar penalties. */
  readonly penalties: boolean;
  readonly seed?: number;
  readonly steps?: number;
  readonly lr?: number;
  readonly integerAlpha?: number;
  readonly bipolarAlpha?: number;
  readonly sparsityAlpha?: number;
  /** Penalties ramp linearly from 0 to full weight over the first `warmup` fraction of the steps. Default 0.3. */
  readonly warmup?: number;
  /** Fraction of the steps trained on the data alone before the penalties start ramping up. Default 0. */
  readonly delay?: number;
  readonly densityAlpha?: number;
}

export interface AbcResult {
  /** Learned S, row-major species × reactions. */
  readonly S: Float64Array;
  /** `recoveryError(S)`. */
  readonly error: number;
  /** Mean squared error of the fit over all samples. */
  readonly mse: number;
  readonly penalty: number;
  readonly rhsEvals: number;
}

/** Trains a RateFlowODE on the A → B → C data with Adam and returns the learned S and the fit. */
export function runAbcExperiment(options: AbcOptions): AbcResult {
  const { times, y0s, ys } = abcData();
  const steps = options.steps ?? 1500;
  const lr = options.lr ?? 0.03;
  const warmup = options.warmup ?? 0.3;
  const delay = options.delay ?? 0;
  const model = new RateFlowODE({
    species: 3,
    reactions: 2,
    network: { width: 8, depth: 1, activation: 'tanh' },
    seed: options.seed ?? 0,
  });
  const penalties = options.penalties
    ? Penalties.forRateFlow({
        integerAlpha: options.integerAlpha ?? 3e-3,
        bipolarAlpha: options.bipolarAlpha ?? 3e-2,
        sparsityAlpha: options.sparsityAlpha ?? 0,
        densityAlpha: options.densityAlpha ?? 0,
      })
    : new Penalties();
  const np = model.np;
  const m1 = new Float64Array(np);
  const m2 = new Float64Array(np);
  const g = new Float64Array(np);
  const b1 = 0.9;
  const b2 = 0.999;
  const scale = 1 / (ys.length * times.length * 3);
  let rhsEvals = 0;
  const lossAndGrad = (p: Float64Array, out: Float64Array): number => {
    out.fill(0);
    let total = 0;
    for (let k = 0; k < y0s.length; k++) {
      const data = ys[k];
      const problem = model.problem({ y0: y0s[k], t0: 0, t1: times[times.length - 1], p });
      const r = gradient(problem, {
        method: 'dopri5',
        rtol: 1e-6,
        atol: 1e-8,
        saveAt: times,
        sensitivity: { kind: 'discrete' },
        loss: {
          value: (i, _t, y) => {
            let s = 0;
            for (let j = 0; j < 3; j++) s += (y[j] - data[i * 3 + j]) ** 2;
            return s * scale;
          },
          grad: (i, _t, y, o) => {
            for (let j = 0; j < 3; j++) o[j] = 2 * scale * (y[j] - data[i * 3 + j]);
          },
        },
      });
      rhsEvals += r.stats.forward.rhsEvals + r.stats.backward.rhsEvals;
      total += r.value;
      for (let j = 0; j < np; j++) out[j] += r.dp[j];
    }
    return total;
  };
  let mse = 0;
  let pen = 0;
  for (let step = 1; step <= steps; step++) {
    mse = lossAndGrad(model.p, g);
    if (penalties.active.length > 0) {
      const ramp = Math.max(0, Math.min(1, (step - delay * steps) / Math.max(1, warmup * steps)));
      const r = penalties.valueAndGrad(model);
      pen = r.total;
      for (let j = 0; j < np; j++) g[j] += ramp * r.grad[j];
    }
    const p = model.p.slice();
    // cosine decay to lr/10
    const lrStep = lr * (0.1 + 0.45 * (1 + Math.cos((Math.PI * step) / steps)));
    const c1 = 1 - b1 ** step;
    const c2 = 1 - b2 ** step;
    for (let j = 0; j < np; j++) {
      m1[j] = b1 * m1[j] + (1 - b1) * g[j];
      m2[j] = b2 * m2[j] + (1 - b2) * g[j] * g[j];
      p[j] -= (lrStep * (m1[j] / c1)) / (Math.sqrt(m2[j] / c2) + 1e-8);
    }
    model.setParams(p);
  }
  mse = lossAndGrad(model.p, g);
  const S = model.stoichiometry();
  return { S, error: recoveryError(S), mse, penalty: pen, rhsEvals };
}
