/**
 * Do Jacobian regularisers reduce solver work? (Finlay et al. 2020; Josias & Brink 2022.)
 *
 * Trains a small NeuralODE (2 → [16]×2 tanh → 2) on the damped oscillator dy/dt = A·y, A = [[−0.1, 1], [−1, −0.1]], y0 = (2, 0), t ∈ [0, 10] with an adaptive explicit method (dopri5, discrete adjoint) and Adam, with no
 * regulariser and with each of: kinetic energy ‖f‖², Frobenius ‖J‖²_F (exact), spectral norm σ_max(J)
 * and condition number σ_max/σ_min, evaluated at the states of the current trajectory. For each
 * regulariser and seed it prints the RHS evaluations (NFE) of the training run and of one final solve
 * of the trained model at rtol 1e-7, the fit error (MSE against the data) and the mean condition
 * number of J along the fitted trajectory.
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/neural/jacobian-regularisation.ts [seeds=3] [steps=300] [alphaScale=1] [width=16] [system=oscillator|spiral] [lr=0.02]
 */

import { NeuralODE } from '../../packages/neural/src/index.ts';
import { gradient, solve } from '../../packages/ode/src/index.ts';
import {
  jacobianCondition,
  jacobianFrobenius,
  jacobianSpectral,
  kineticEnergy,
  Penalties,
  Penalty,
  type PenaltyFn,
} from '../../packages/penalties/src/index.ts';

const seeds = Number(process.argv[2] ?? 3);
const steps = Number(process.argv[3] ?? 300);
/** Multiplies every regulariser's α. */
const alphaScale = Number(process.argv[4] ?? 1);
/** Hidden width of the network. */
const width = Number(process.argv[5] ?? 16);
/** Target system: `oscillator` (default) or `spiral` (the cubic spiral y′ = A·y³ of the torchdiffeq demo). */
const system = process.argv[6] ?? 'oscillator';
/** Adam learning rate. */
const lr = Number(process.argv[7] ?? 0.02);
const T1 = 10;
const times = Float64Array.from({ length: 25 }, (_, i) => (T1 * (i + 1)) / 25);
const Y0 = [2, 0];

const data = solve(
  {
    y0: Y0,
    t0: 0,
    t1: T1,
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

const REGULARISERS: readonly (readonly [string, PenaltyFn | null, number])[] = [
  ['none', null, 0],
  ['kinetic ‖f‖²', kineticEnergy, 1e-3],
  ['Frobenius ‖J‖²_F', jacobianFrobenius({ method: 'exact' }), 1e-3],
  ['spectral σ_max', jacobianSpectral(), 1e-2],
  ['condition σ_max/σ_min', jacobianCondition(), 1e-3],
];

function conditionAlong(model: NeuralODE, states: Float64Array): number {
  const prob = model.problem({ y0: Y0, t0: 0, t1: T1 });
  const J = new Float64Array(4);
  let acc = 0;
  const m = states.length / 2;
  for (let k = 0; k < m; k++) {
    prob.jacobian?.(0, states.subarray(2 * k, 2 * k + 2), model.p, J);
    const T = J[0] ** 2 + J[1] ** 2 + J[2] ** 2 + J[3] ** 2;
    const D = Math.abs(J[0] * J[3] - J[1] * J[2]);
    const s1 = Math.sqrt((T + Math.sqrt(Math.max(T * T - 4 * D * D, 0))) / 2);
    acc += s1 / (D / s1);
  }
  return acc / m;
}

interface Row {
  trainNfe: number;
  solveNfe: number;
  mse: number;
  cond: number;
}

function run(seed: number, fn: PenaltyFn | null, alpha: number): Row {
  const model = new NeuralODE({ n: 2, network: { width, depth: 2, activation: 'tanh', seed } });
  const penalties = fn
    ? new Penalties([new Penalty({ name: 'j', fn, alpha: alpha * alphaScale })])
    : new Penalties();
  const np = model.np;
  const m1 = new Float64Array(np);
  const m2 = new Float64Array(np);
  const states = new Float64Array(times.length * 2);
  const scale = 1 / (times.length * 2);
  let trainNfe = 0;
  for (let step = 1; step <= steps; step++) {
    const r = gradient(model.problem({ y0: Y0, t0: 0, t1: T1 }), {
      method: 'dopri5',
      rtol: 1e-5,
      atol: 1e-7,
      saveAt: times,
      sensitivity: { kind: 'discrete' },
      loss: {
        value: (i, _t, y) => {
          states[2 * i] = y[0];
          states[2 * i + 1] = y[1];
          return scale * ((y[0] - data[2 * i]) ** 2 + (y[1] - data[2 * i + 1]) ** 2);
        },
        grad: (i, _t, y, o) => {
          o[0] = 2 * scale * (y[0] - data[2 * i]);
          o[1] = 2 * scale * (y[1] - data[2 * i + 1]);
        },
      },
    });
    trainNfe += r.stats.forward.rhsEvals + r.stats.backward.rhsEvals;
    const g = Float64Array.from(r.dp);
    if (fn) {
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
  const sol = solve(model.problem({ y0: Y0, t0: 0, t1: T1 }), {
    method: 'dopri5',
    rtol: 1e-7,
    atol: 1e-9,
    saveAt: times,
  });
  let mse = 0;
  for (let i = 0; i < data.length; i++) mse += (sol.y[i] - data[i]) ** 2;
  mse /= data.length;
  return { trainNfe, solveNfe: sol.stats.rhsEvals, mse, cond: conditionAlong(model, sol.y) };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const lines = [
  `NeuralODE 2→[${width}]×2 tanh→2 on the ${system}, ${steps} Adam steps (lr ${lr}), dopri5 (training rtol 1e-5, final solve rtol 1e-7), ${seeds} seeds; means over seeds`,
  '',
  '| regulariser | α | training NFE | final-solve NFE | fit MSE | mean cond(J) | seconds/run |',
  '|---|---:|---:|---:|---:|---:|---:|',
];
for (const [name, fn, alpha] of REGULARISERS) {
  const rows: Row[] = [];
  const t0 = performance.now();
  for (let seed = 0; seed < seeds; seed++) rows.push(run(seed, fn, alpha));
  const secs = (performance.now() - t0) / 1000 / seeds;
  lines.push(
    `| ${name} | ${alpha * alphaScale || '–'} | ${mean(rows.map((r) => r.trainNfe)).toFixed(0)} | ${mean(rows.map((r) => r.solveNfe)).toFixed(0)} | ${mean(rows.map((r) => r.mse)).toExponential(2)} | ${mean(rows.map((r) => r.cond)).toFixed(2)} | ${secs.toFixed(1)} |`,
  );
  console.log(lines[lines.length - 1]);
}
console.log(`\n${lines.join('\n')}`);
