/**
 * The A → B → C stoichiometry-recovery experiment (issue 7) and the training recipe that makes it
 * reliable. A RateFlowODE dy/dt = S·r(y) with a learnable 3×2 stoichiometry S and softplus rates is
 * trained on trajectories of A → B → C (mass action, k = (1, 0.5), generated with @odeon/ode's
 * `solve`). The recipe, per start:
 *
 * 1. fit phase (first `fitFraction` of the steps): the data plus the flux-parsimony penalty
 *    (`fluxPenalty` at the data states), which favours the tightest reaction cone that reproduces the
 *    data and so removes futile cycles (A → B running against B → A);
 * 2. `RateFlowODE.columnNormalizedParams`: every column of S rescaled to max |entry| 1 with the rates
 *    compensated, so that the integer penalty rounds columns of order 1;
 * 3. the structure penalties (integer + bipolar) ramp in linearly over `warmup` of the steps; Adam's
 *    learning rate decays by a cosine to a tenth.
 *
 * Several starts (different seeds of the network and of S) are trained and the one with the lowest
 * final training objective (data MSE + all penalties) is kept: selection never looks at the true S.
 *
 * Pure module (no Node built-ins): used by `rate-flow-abc.ts` (prints the table) and by the test
 * `packages/penalties/src/rate-flow-recovery.test.ts`. Uses a minimal Adam (the @odeon/train optimisers
 * depend on @odeon/neural, so they cannot be used from these packages' tests).
 */

import { RateFlowODE } from '@odeon/neural';
import { gradient, solve } from '@odeon/ode';
import { Penalties } from '@odeon/penalties';

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
  /** Integer + bipolar penalties (the structure penalties). */
  readonly structure: boolean;
  /** Flux-parsimony penalty during the whole run. Default: same as `structure`. */
  readonly flux?: boolean;
  /** Seed of the run: start k uses seed `seed · starts + k`. Default 0. */
  readonly seed?: number;
  /** Number of starts; the one with the lowest final training objective is returned. Default 4. */
  readonly starts?: number;
  readonly steps?: number;
  readonly lr?: number;
  /** Hidden width of the rate network (one tanh layer). Default 16. */
  readonly width?: number;
  readonly integerAlpha?: number;
  readonly bipolarAlpha?: number;
  readonly fluxAlpha?: number;
  /** Fraction of the steps fitted without the structure penalties before S is normalised. Default 0.4. */
  readonly fitFraction?: number;
  /** Fraction of the steps over which the structure penalties ramp up to full weight. Default 0.3. */
  readonly warmup?: number;
  /** Normalise the columns of S after the fit phase. Default true. */
  readonly normalise?: boolean;
}

/** One trained start. */
export interface AbcStart {
  readonly seed: number;
  /** Learned S, row-major species × reactions. */
  readonly S: Float64Array;
  /** `recoveryError(S)` (for reporting only; never used for selection). */
  readonly error: number;
  /** Mean squared error of the fit over all samples. */
  readonly mse: number;
  /** Final penalty total (all active penalties at full weight). */
  readonly penalty: number;
  /** mse + penalty: the selection criterion. */
  readonly objective: number;
  readonly rhsEvals: number;
}

/** The selected start and all starts. */
export interface AbcResult extends AbcStart {
  readonly starts: readonly AbcStart[];
}

/** The default weights of the recipe. */
export const ABC_DEFAULTS = {
  integerAlpha: 3e-3,
  bipolarAlpha: 3e-2,
  fluxAlpha: 1e-2,
} as const;

/** Trains one start of the recipe and returns the learned S and the fit. */
export function trainAbcStart(options: AbcOptions & { readonly startSeed: number }): AbcStart {
  const { times, y0s, ys } = abcData();
  const steps = options.steps ?? 1500;
  const lr = options.lr ?? 0.03;
  const warmup = options.warmup ?? 0.3;
  const fitSteps = Math.round((options.fitFraction ?? 0.4) * steps);
  const model = new RateFlowODE({
    species: 3,
    reactions: 2,
    network: { width: options.width ?? 16, depth: 1, activation: 'tanh' },
    seed: options.startSeed,
  });
  const flux = options.flux ?? options.structure;
  // alpha 0: only the terms named here (the preset's default-on terms stay off)
  const penalties = Penalties.forRateFlow({
    alpha: 0,
    integerAlpha: options.structure ? (options.integerAlpha ?? ABC_DEFAULTS.integerAlpha) : 0,
    bipolarAlpha: options.structure ? (options.bipolarAlpha ?? ABC_DEFAULTS.bipolarAlpha) : 0,
    fluxAlpha: flux ? (options.fluxAlpha ?? ABC_DEFAULTS.fluxAlpha) : 0,
  });
  // the flux penalty is evaluated at the initial states and the data
  const states = Float64Array.from([...y0s.flat(), ...ys.flatMap((y) => Array.from(y))]);
  const structureNames = penalties.names.filter((n) => n !== 'flux');
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
  for (let step = 1; step <= steps; step++) {
    if (step === fitSteps && (options.normalise ?? true)) {
      // the moments restart from zero (the bias correction does not), so the next steps are short
      model.setParams(model.columnNormalizedParams());
      m1.fill(0);
      m2.fill(0);
    }
    lossAndGrad(model.p, g);
    if (penalties.active.length > 0) {
      const ramp = Math.max(0, Math.min(1, (step - fitSteps) / Math.max(1, warmup * steps)));
      const weights = Object.fromEntries(
        structureNames.map((n) => [n, ramp * (penalties.get(n)?.alpha ?? 0)]),
      );
      const r = penalties.updateAlpha(undefined, weights).valueAndGrad(model, { states });
      for (let j = 0; j < np; j++) g[j] += r.grad[j];
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
  const mse = lossAndGrad(model.p, g);
  const penalty = penalties.active.length > 0 ? penalties.evaluate(model, { states }).total : 0;
  const S = model.stoichiometry();
  return {
    seed: options.startSeed,
    S,
    error: recoveryError(S),
    mse,
    penalty,
    objective: mse + penalty,
    rhsEvals,
  };
}

/**
 * Runs the recipe: `starts` starts, each trained by {@link trainAbcStart}; returns the start with the
 * lowest final training objective (data MSE + penalties), never using the true S.
 */
export function runAbcExperiment(options: AbcOptions): AbcResult {
  const K = options.starts ?? 4;
  const seed = options.seed ?? 0;
  const starts: AbcStart[] = [];
  for (let k = 0; k < K; k++) starts.push(trainAbcStart({ ...options, startSeed: seed * K + k }));
  let best = starts[0];
  for (const s of starts) if (s.objective < best.objective) best = s;
  return { ...best, starts };
}
