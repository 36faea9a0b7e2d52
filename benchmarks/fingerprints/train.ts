/**
 * Fingerprints of @odeon/train for refactors that must not change results: a seeded three-stage
 * `train()` run with groups, validation, early stopping, checkpoints and history limit (every
 * checkpoint and the result), its resumption from a checkpoint, `odeObjective` in 24 configurations
 * (dropout masks, normalisation, initial conditions, losses), `fitObjective` and a two-start `fit`.
 * Run it before and after a change and `cmp` the files:
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/fingerprints/train.ts before.json
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { OdeProblem } from '@odeon/ode';
import {
  type Batch,
  type Checkpoint,
  Dataset,
  fit,
  fitObjective,
  fullBatch,
  odeObjective,
  Rng,
  Strategy,
  train,
} from '@odeon/train';

const out: Record<string, unknown> = {};
const bits = (a: ArrayLike<number>) =>
  createHash('sha256')
    .update(new Uint8Array(Float64Array.from(a).buffer))
    .digest('hex')
    .slice(0, 16);

// 1. train() on a synthetic objective.
const objective = (x: Float64Array, b: Batch) => {
  const noise = b.rng.normal() * 0.01;
  let loss = 0;
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const target = 1 + (b.indices[0] ?? 0) * 0.1 + i;
    const r = x[i] - target;
    loss += r * r * b.length + noise * x[i];
    grad[i] = 2 * r * b.length + noise;
  }
  return { loss, grad, metrics: { half: loss / 2 } };
};
const strategy = () =>
  new Strategy()
    .addStep({
      lr: 0.05,
      steps: 7,
      batchSize: 2,
      length: 0.5,
      optimizer: { kind: 'adamw', weightDecay: 1e-3 },
    })
    .addStep({ lr: 0.02, steps: 6, schedule: { kind: 'cosine' }, train: 'parameters', clipNorm: 1 })
    .addStep({
      lr: 0.01,
      steps: 9,
      optimizer: { kind: 'sgd', momentum: 0.9 },
      rescaleNorm: 0.5,
      train: 'network',
    });
const common = (cps: Checkpoint[]) => ({
  seed: 5,
  datasetSize: 4,
  groups: { network: [{ start: 0, end: 2 }], parameters: [{ start: 2, end: 4 }] },
  validate: (p: Float64Array) => ({ loss: p.reduce((a, v) => a + Math.abs(v - 2), 0) }),
  validateEvery: 2,
  earlyStopping: { patience: 4, minDelta: 1e-4 },
  checkpointEvery: 3,
  historyLimit: 5,
  onCheckpoint: (c: Checkpoint) => {
    cps.push(JSON.parse(JSON.stringify(c)));
  },
  clock: () => 0,
});
const cps: Checkpoint[] = [];
const r = await train(objective, [0, 0.5, -1, 2], strategy(), common(cps));
out.train = {
  params: bits(r.params),
  history: r.history,
  validation: r.validation,
  reason: r.reason,
  steps: r.steps,
  best: r.best,
  checkpoint: r.checkpoint,
  cps,
};
const cps2: Checkpoint[] = [];
const r2 = await train(objective, [0, 0.5, -1, 2], strategy(), { ...common(cps2), resume: cps[1] });
out.resumed = {
  params: bits(r2.params),
  history: r2.history,
  reason: r2.reason,
  steps: r2.steps,
  checkpoint: r2.checkpoint,
  cps2,
};
// no early stopping, minimise max mode
const r3 = await train(objective, [1, 2, 3, 4], strategy(), {
  seed: 2,
  datasetSize: 3,
  groups: { network: [{ start: 0, end: 2 }], parameters: [{ start: 2, end: 4 }] },
  validate: (p) => ({ m: p[0] }),
  earlyStopping: { metric: 'm', mode: 'max', patience: 1, restoreBest: false },
});
out.maxmode = { params: bits(r3.params), reason: r3.reason, best: r3.best, checkpoint: r3.checkpoint };

// 2. odeObjective and fit on a small kinetic model.
const abc: OdeProblem = {
  rhs: (_t, y, p, d) => {
    d[0] = -p[0] * y[0];
    d[1] = p[0] * y[0] - p[1] * y[1];
    d[2] = p[1] * y[1];
  },
  y0: [1, 0, 0],
  t0: 0,
  t1: 20,
  p: [0.3, 0.6],
  names: ['A', 'B', 'C'],
};
const exact = (t: number, k1: number, k2: number, a0: number) => {
  const a = a0 * Math.exp(-k1 * t);
  const b = ((a0 * k1) / (k2 - k1)) * (Math.exp(-k1 * t) - Math.exp(-k2 * t));
  return [a, b, a0 - a - b];
};
const t1 = Array.from({ length: 16 }, (_, i) => i);
const t2 = [0, 0.5, 1, 2, 4, 8, 12];
const data = new Dataset(
  ['A', 'B', 'C'],
  [
    { name: 'x', t: t1, y: t1.map((t) => exact(t, 0.7, 0.25, 1)) },
    {
      name: 'y',
      t: t2,
      y: t2.map((t, i) =>
        exact(t, 0.7, 0.25, 2).map((v, j) => (i === 3 && j === 1 ? Number.NaN : v + 0.01 * Math.sin(i + j))),
      ),
    },
  ],
);
for (const dropoutMask of ['time', 'series'] as const)
  for (const normalise of ['kept', 'expected'] as const)
    for (const initialConditions of ['data', 'model'] as const)
      for (const loss of ['mse', 'scaledMae', 'logcosh'] as const) {
        const obj = odeObjective(abc, data, {
          dropoutMask,
          normalise,
          initialConditions,
          sensitivity: 'forward',
        });
        const stage = new Strategy().addStep({ lr: 1, steps: 1, loss, dropout: 0.3, length: 0.6 }).steps[0];
        const b: Batch = { ...fullBatch(2), stage, dropout: 0.3, length: 0.6, rng: Rng.derive(3) };
        const res = obj(Float64Array.of(0.5, 0.2), b);
        out[`ode:${dropoutMask}:${normalise}:${initialConditions}:${loss}`] = [
          bits([res.loss]),
          bits(res.grad),
          res.metrics,
        ];
      }
for (const initialConditions of ['data', 'model'] as const) {
  const fo = fitObjective(abc, data, {
    parameters: [0, { index: 1, lower: 0.01, upper: 5 }],
    initialConditions,
  });
  const e = fo.evaluate(Float64Array.of(-0.5, 0.3));
  const e2 = fo.asTrainObjective()(Float64Array.of(-0.5, 0.3), { ...fullBatch(2), length: 0.5 });
  out[`fitobj:${initialConditions}`] = [
    bits([e.value]),
    bits(e.grad),
    bits([e2.loss as number]),
    bits(e2.grad),
    fo.observed,
    fo.residualCount,
  ];
}
const fr = fit(abc, data, {
  parameterNames: ['k1', 'k2'],
  parameters: [{ name: 'k1', lower: 1e-3, upper: 10 }, 'k2'],
  multiStart: 2,
});
out.fit = {
  theta: bits(fr.theta),
  value: bits([fr.value]),
  evaluations: fr.evaluations,
  reason: fr.reason,
  se: fr.standardErrors,
  cov: fr.covariance && bits(fr.covariance),
};
writeFileSync(process.argv[2] ?? 'train-fingerprint.json', JSON.stringify(out, null, 1));
console.log('ok');
