/**
 * Neural ODE epoch time against the torchdiffeq peer (../shared/peers/RESULTS.md, "Neural ODE peer"):
 * one epoch = dopri5 solve (rtol 1e-6, atol 1e-8) + loss + gradient + Adam step (lr 1e-3), full
 * batch, run through @odeon/train's `train` + `odeObjective` with @odeon/neural's NeuralODE.
 * Median of 20 epochs after 2 warm-up epochs. Same setups as the peer:
 * - lotka: dy/dt = MLP(y), 2-32-32-2 tanh; data = the 50 reference points on linspace(0, 10, 50); MSE.
 * - rober: Kim et al. scaled NN 3-5×6-3 GELU, y_scale = max − min per species, t_scale = 1e5;
 *   data = the 50 reference points at logspace(-5, 5, 50) integrated from t0 = 0; scaled MSE.
 * `discrete` differentiates the solver's steps (≈ torchdiffeq `odeint` backprop); `quadrature`,
 * `interpolating` and `backsolve` are adjoints (≈ `odeint_adjoint`, which is a backsolve adjoint).
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/train/epoch-time.ts
 */
import { cpus } from 'node:os';
import { NeuralODE } from '@odeon/neural';
import type { OdeProblem, SensitivityKind } from '@odeon/ode';
import { loadReference } from '@odeon/testkit';
import { Dataset, type LossName, odeObjective, Strategy, train } from '@odeon/train';

const WARMUP = 2;
const EPOCHS = 20;
const KINDS: SensitivityKind[] = ['discrete', 'quadrature', 'interpolating', 'backsolve'];
// torchdiffeq figures from ../shared/peers/RESULTS.md (median epoch, ms).
const PEER: Record<string, { odeint: number; adjoint: number }> = {
  lotka: { odeint: 13.5, adjoint: 187 },
  rober: { odeint: 18.1, adjoint: 372 },
};

interface Setup {
  readonly name: 'lotka' | 'rober';
  readonly data: Dataset;
  readonly model: NeuralODE;
  readonly loss: LossName;
  readonly t1: number;
}

function lotka(): Setup {
  const ref = loadReference('lotka');
  const data = new Dataset(['x', 'y'], [{ name: 'lotka', t: ref.times, y: ref.values }]);
  const model = new NeuralODE({ n: 2, network: { width: 32, depth: 2, activation: 'tanh', seed: 0 } });
  return { name: 'lotka', data, model, loss: 'mse', t1: ref.tf };
}

function rober(): Setup {
  const ref = loadReference('rober');
  const data = new Dataset(
    ['y1', 'y2', 'y3'],
    [{ name: 'rober', t: [0, ...ref.times], y: [ref.y0, ...ref.values] }],
  );
  const model = new NeuralODE({
    n: 3,
    network: { width: 5, depth: 6, activation: 'gelu', seed: 0 },
    scaling: { yScale: data.yScale(), tScale: 1e5 },
  });
  return { name: 'rober', data, model, loss: 'scaledMse', t1: ref.tf };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(
  `Neural ODE epoch time: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}\n`,
);
console.log(
  '| problem | sensitivity | median epoch (ms) | min–max (ms) | RHS+VJP calls / epoch | loss first → last | torchdiffeq (ms): odeint / adjoint |',
);
console.log('|---|---|---|---|---|---|---|');
for (const make of [lotka, rober]) {
  for (const kind of KINDS) {
    const s = make();
    const m = s.data.measurements[0];
    const base = s.model.problem({ y0: m.y0, t0: m.t[0], t1: s.t1 });
    let calls = 0;
    const counted: OdeProblem = {
      ...base,
      rhs: (t, y, p, d) => {
        calls++;
        base.rhs(t, y, p, d);
      },
      ...(base.vjp
        ? {
            vjp: (
              t: number,
              y: Float64Array,
              p: Float64Array,
              v: Float64Array,
              oy: Float64Array,
              op: Float64Array,
            ) => {
              calls++;
              base.vjp?.(t, y, p, v, oy, op);
            },
          }
        : {}),
    };
    const objective = odeObjective(counted, s.data, {
      sensitivity: kind,
      method: 'dopri5',
      rtol: 1e-6,
      atol: 1e-8,
    });
    const strategy = new Strategy().addStep({ lr: 1e-3, steps: WARMUP + EPOCHS, loss: s.loss });
    const times: number[] = [];
    const perEpochCalls: number[] = [];
    let last = performance.now();
    let lastCalls = 0;
    let status = 'ok';
    let r: Awaited<ReturnType<typeof train>> | undefined;
    try {
      r = await train(objective, s.model.p, strategy, {
        onStep: (rec) => {
          const now = performance.now();
          if (rec.step >= WARMUP) {
            times.push(now - last);
            perEpochCalls.push(calls - lastCalls);
          }
          last = now;
          lastCalls = calls;
        },
      });
    } catch (e) {
      status = (e as Error).message.slice(0, 60);
    }
    if (r === undefined || times.length === 0) {
      console.log(`| ${s.name} | ${kind} | – | – | – | – | failed: ${status} |`);
      continue;
    }
    const h = r.history;
    console.log(
      `| ${s.name} | ${kind} | ${median(times).toFixed(1)} | ${Math.min(...times).toFixed(1)}–${Math.max(...times).toFixed(1)} | ${median(perEpochCalls)} | ${h[0].loss.toExponential(1)} → ${h[h.length - 1].loss.toExponential(1)} | ${PEER[s.name].odeint} / ${PEER[s.name].adjoint} |`,
    );
  }
}
