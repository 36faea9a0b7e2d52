/**
 * The matched-fit protocol for "do Jacobian regularisers reduce solver work?" (issue 7; Finlay et al.
 * 2020, Josias & Brink 2022).
 *
 * A NeuralODE is trained with Adam on one trajectory of a known system, integrating with an adaptive
 * explicit method (dopri5, discrete adjoint, rtol 1e-5), with no regulariser or with one Jacobian
 * regulariser evaluated at the states of the current trajectory. Every run stops as soon as its
 * training MSE reaches the same target (or after `maxSteps`), so the regularised and unregularised
 * models are compared at the same data fit, not at the same budget. Reported per run: the steps and
 * the RHS evaluations (NFE, forward + backward) spent to reach the target, the NFE of one adaptive
 * solve of the trained model at a fixed tolerance (rtol 1e-7), the fit MSE of that solve, and the
 * mean condition number σ_max/σ_min and mean spectral norm of J along it.
 *
 * Pure module (no Node built-ins): used by `jacobian-regularisation.ts` (prints the table).
 */

import { NeuralODE } from '@odeon/neural';
import { gradient, solve } from '@odeon/ode';
import {
  jacobianCondition,
  jacobianFrobenius,
  jacobianSpectral,
  kineticEnergy,
  Penalties,
  Penalty,
  type PenaltyFn,
} from '@odeon/penalties';

/** Target systems (2 states). */
export type JacobianSystem = 'spiral' | 'oscillator' | 'twist' | 'moons';

/** The regularisers compared (Josias & Brink's set plus Finlay et al.'s kinetic energy). */
export type Regulariser = 'none' | 'kinetic' | 'frobenius' | 'spectral' | 'condition';

const PENALTY: Record<Exclude<Regulariser, 'none'>, PenaltyFn> = {
  kinetic: kineticEnergy,
  frobenius: jacobianFrobenius({ method: 'exact' }),
  spectral: jacobianSpectral(),
  condition: jacobianCondition(),
};

export interface JacobianExperimentOptions {
  readonly system?: JacobianSystem;
  readonly regulariser: Regulariser;
  /** Weight α of the regulariser (ignored for `none`). */
  readonly alpha?: number;
  readonly seed?: number;
  /** Training stops once the training MSE is ≤ this. Default 1e-2. */
  readonly targetMse?: number;
  /** Step budget (a run that has not reached the target by then is reported as not reached). Default 3000. */
  readonly maxSteps?: number;
  readonly lr?: number;
  /** Hidden width (two tanh layers). Default 32. */
  readonly width?: number;
  /** End of the time span. Default 10. */
  readonly t1?: number;
  /** Hidden layers. Default 2. */
  readonly depth?: number;
  /** Weight initialisation of the network. Default `glorot`. */
  readonly init?: 'glorot' | 'he';
  /** Number of samples on (0, t1]. Default 25. */
  readonly samples?: number;
}

export interface JacobianExperimentResult {
  readonly reached: boolean;
  readonly steps: number;
  /** RHS evaluations of training (forward and backward passes) until the stop. */
  readonly trainNfe: number;
  /** RHS evaluations of one dopri5 solve of the trained model at rtol 1e-7, atol 1e-9. */
  readonly solveNfe: number;
  /** Rejected steps of that solve (stiffness shows as rejections at the stability limit). */
  readonly solveRejected: number;
  /** MSE of that solve against the data. */
  readonly mse: number;
  /** Mean σ_max/σ_min of J along that solve's output states. */
  readonly cond: number;
  /** Mean σ_max of J along the same states. */
  readonly spectral: number;
}

/** One trajectory of the training data: start, save times, targets (row-major) and which times count. */
export interface Experiment {
  readonly y0: number[];
  readonly times: Float64Array;
  readonly data: Float64Array;
  /** Loss weight of each saved time (0: saved only to collect states for the regulariser). */
  readonly weight: Float64Array;
  /** Class label ±1: the loss is the logistic loss log(1 + exp(−label·y₂)) instead of squared error. */
  readonly label?: number;
}

function sampleLoss(e: Experiment, i: number, y: Float64Array): number {
  if (e.label !== undefined) {
    const z = -e.label * y[1];
    return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  }
  return (y[0] - e.data[2 * i]) ** 2 + (y[1] - e.data[2 * i + 1]) ** 2;
}

function sampleGrad(e: Experiment, i: number, y: Float64Array, w: number, out: Float64Array): void {
  if (e.label !== undefined) {
    const z = -e.label * y[1];
    out[0] = 0;
    out[1] = -e.label * w * (1 / (1 + Math.exp(-z)));
    return;
  }
  out[0] = 2 * w * (y[0] - e.data[2 * i]);
  out[1] = 2 * w * (y[1] - e.data[2 * i + 1]);
}

/** The twist map g(y) = R(π‖y‖/2)·y: points rotated by an angle growing with their radius. */
export function twist(y: readonly number[]): number[] {
  const a = (Math.PI / 2) * Math.hypot(y[0], y[1]);
  return [Math.cos(a) * y[0] - Math.sin(a) * y[1], Math.sin(a) * y[0] + Math.cos(a) * y[1]];
}

/**
 * Training data. `spiral`/`oscillator`: one trajectory from y0 = (2, 0), `samples` states on (0, t1].
 * `twist` (a flow-map task as in Finlay et al. and Josias & Brink's classification setting): a 4×4
 * grid of starts in [−1, 1]², each with its image under {@link twist} as the target at t1 only (the
 * path is free); the states at t1/4, t1/2, 3t1/4 are saved for the regulariser.
 */
export function jacobianData(system: JacobianSystem, t1: number, samples = 25): Experiment[] {
  if (system === 'moons') {
    // two interleaved half-moons, 12 points each; class = sign of y₂(t1) (a fixed linear read-out)
    const times = Float64Array.of(t1 / 4, t1 / 2, (3 * t1) / 4, t1);
    const out: Experiment[] = [];
    for (let k = 0; k < 12; k++) {
      const th = (Math.PI * (k + 0.5)) / 12;
      const c = Math.cos(th);
      const sn = Math.sin(th);
      const weight = Float64Array.of(0, 0, 0, 1);
      const data = new Float64Array(8);
      out.push({ y0: [c - 0.5, sn - 0.25], times, data, weight, label: 1 });
      out.push({ y0: [0.5 - c, 0.25 - sn], times, data, weight, label: -1 });
    }
    return out;
  }
  if (system === 'twist') {
    const times = Float64Array.of(t1 / 4, t1 / 2, (3 * t1) / 4, t1);
    const out: Experiment[] = [];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) {
        const y0 = [-1 + (2 * i) / 3, -1 + (2 * j) / 3];
        const data = new Float64Array(8);
        data.set(twist(y0), 6);
        out.push({ y0, times, data, weight: Float64Array.of(0, 0, 0, 1) });
      }
    return out;
  }
  const times = Float64Array.from({ length: samples }, (_, i) => (t1 * (i + 1)) / samples);
  const y0 = [2, 0];
  const data = solve(
    {
      y0,
      t0: 0,
      t1,
      rhs: (_t, y, _p, dy) => {
        if (system === 'spiral') {
          const a = y[0] ** 3;
          const b = y[1] ** 3;
          dy[0] = -0.1 * a + 2 * b;
          dy[1] = -2 * a - 0.1 * b;
        } else {
          dy[0] = -0.1 * y[0] + y[1];
          dy[1] = -y[0] - 0.1 * y[1];
        }
      },
    },
    { method: 'dopri5', rtol: 1e-10, atol: 1e-12, saveAt: times },
  ).y;
  return [{ y0, times, data: Float64Array.from(data), weight: new Float64Array(samples).fill(1) }];
}

/** σ_max and σ_min of a 2×2 matrix (closed form). */
function singular2(J: Float64Array): [number, number] {
  const T = J[0] ** 2 + J[1] ** 2 + J[2] ** 2 + J[3] ** 2;
  const D = Math.abs(J[0] * J[3] - J[1] * J[2]);
  const s1 = Math.sqrt((T + Math.sqrt(Math.max(T * T - 4 * D * D, 0))) / 2);
  return [s1, s1 > 0 ? D / s1 : 0];
}

/** Trains one model under the matched-fit protocol and measures it. */
export function runJacobianExperiment(options: JacobianExperimentOptions): JacobianExperimentResult {
  const system = options.system ?? 'spiral';
  const t1 = options.t1 ?? (system === 'twist' || system === 'moons' ? 1 : 10);
  const target = options.targetMse ?? 1e-2;
  const maxSteps = options.maxSteps ?? 3000;
  const lr = options.lr ?? 0.01;
  const experiments = jacobianData(system, t1, options.samples ?? 25);
  const model = new NeuralODE({
    n: 2,
    network: {
      width: options.width ?? 32,
      depth: options.depth ?? 2,
      activation: 'tanh',
      init: options.init ?? 'glorot',
      seed: options.seed ?? 0,
    },
  });
  const reg = options.regulariser;
  const penalties =
    reg === 'none'
      ? new Penalties()
      : new Penalties([new Penalty({ name: reg, fn: PENALTY[reg], alpha: options.alpha ?? 1e-3 })]);
  const np = model.np;
  const m1 = new Float64Array(np);
  const m2 = new Float64Array(np);
  let count = 0;
  for (const e of experiments) for (const w of e.weight) if (w > 0) count += e.label === undefined ? 2 : 1;
  const scale = 1 / count;
  const states = new Float64Array(experiments.reduce((a, e) => a + 2 * e.times.length, 0));
  const g = new Float64Array(np);
  let trainNfe = 0;
  let steps = 0;
  let reached = false;
  for (let step = 1; step <= maxSteps; step++) {
    g.fill(0);
    let loss = 0;
    let off = 0;
    for (const e of experiments) {
      const base = off;
      const r = gradient(model.problem({ y0: e.y0, t0: 0, t1 }), {
        method: 'dopri5',
        rtol: 1e-5,
        atol: 1e-7,
        saveAt: e.times,
        sensitivity: { kind: 'discrete' },
        loss: {
          value: (i, _t, y) => {
            states[base + 2 * i] = y[0];
            states[base + 2 * i + 1] = y[1];
            return e.weight[i] * scale * sampleLoss(e, i, y);
          },
          grad: (i, _t, y, o) => sampleGrad(e, i, y, e.weight[i] * scale, o),
        },
      });
      off += 2 * e.times.length;
      trainNfe += r.stats.forward.rhsEvals + r.stats.backward.rhsEvals;
      loss += r.value;
      for (let j = 0; j < np; j++) g[j] += r.dp[j];
    }
    steps = step - 1;
    if (loss <= target) {
      reached = true;
      break;
    }
    steps = step;
    if (reg !== 'none') {
      const pg = penalties.valueAndGrad(model, { states });
      for (let j = 0; j < np; j++) g[j] += pg.grad[j];
    }
    const p = model.p.slice();
    for (let j = 0; j < np; j++) {
      m1[j] = 0.9 * m1[j] + 0.1 * g[j];
      m2[j] = 0.999 * m2[j] + 0.001 * g[j] * g[j];
      p[j] -= (lr * (m1[j] / (1 - 0.9 ** step))) / (Math.sqrt(m2[j] / (1 - 0.999 ** step)) + 1e-8);
    }
    model.setParams(p);
  }
  // the trained model: one adaptive solve per experiment at a fixed tolerance
  let solveNfe = 0;
  let solveRejected = 0;
  let mse = 0;
  let cond = 0;
  let spectral = 0;
  let m = 0;
  const J = new Float64Array(4);
  for (const e of experiments) {
    const problem = model.problem({ y0: e.y0, t0: 0, t1 });
    const sol = solve(problem, { method: 'dopri5', rtol: 1e-7, atol: 1e-9, saveAt: e.times });
    solveNfe += sol.stats.rhsEvals;
    solveRejected += sol.stats.rejectedSteps;
    for (let i = 0; i < e.times.length; i++) {
      const w = e.weight[i] * scale;
      mse += w * sampleLoss(e, i, sol.y.subarray(2 * i, 2 * i + 2));
      problem.jacobian?.(0, sol.y.subarray(2 * i, 2 * i + 2), model.p, J);
      const [s1, s2] = singular2(J);
      cond += s1 / s2;
      spectral += s1;
      m++;
    }
  }
  return {
    reached,
    steps,
    trainNfe,
    solveNfe,
    solveRejected,
    mse,
    cond: cond / m,
    spectral: spectral / m,
  };
}
