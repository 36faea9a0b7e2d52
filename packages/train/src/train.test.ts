import { isOdeonError, OdeonError, type OdeonErrorCode } from '@odeon/ode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from './checkpoint.ts';
import { Strategy } from './strategy.ts';
import { type Batch, type Objective, selectBatch, train } from './train.ts';

// Linear least squares: rows a_k·x ≈ b_k, one "measurement" per row; x* = (1, −2, 0.5).
const A = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1, 1, 0],
  [1, 0, 1],
  [0, 1, 1],
  [1, 1, 1],
  [2, -1, 0.5],
];
const xStar = [1, -2, 0.5];
const b = A.map((row) => row.reduce((s, v, j) => s + v * xStar[j], 0));

/** Mean squared residual over the batch rows; `noisy` adds per-step randomness from batch.rng. */
function leastSquares(noisy = false): Objective {
  return (x: Float64Array, batch: Batch) => {
    const grad = new Float64Array(3);
    let loss = 0;
    for (const k of batch.indices) {
      const keep = !noisy || batch.rng.uniform() > 0.3;
      if (!keep) continue;
      const r = A[k][0] * x[0] + A[k][1] * x[1] + A[k][2] * x[2] - b[k];
      loss += r * r;
      for (let j = 0; j < 3; j++) grad[j] += 2 * r * A[k][j];
    }
    const m = batch.indices.length;
    for (let j = 0; j < 3; j++) grad[j] /= m;
    return { loss: loss / m, grad, metrics: { rows: m } };
  };
}

const same = (a: ArrayLike<number>, c: ArrayLike<number>) =>
  a.length === c.length && Array.from(a).every((v, i) => Object.is(v, c[i]));

async function catchAsync<C extends OdeonErrorCode = 'TrainingDiverged'>(
  p: Promise<unknown>,
  code: C = 'TrainingDiverged' as C,
): Promise<OdeonError<C>> {
  try {
    await p;
  } catch (e) {
    if (isOdeonError(e, code)) return e;
    throw e;
  }
  throw new Error('expected an OdeonError');
}

describe('train', () => {
  it('converges to the least-squares solution with full batches', async () => {
    const strategy = new Strategy().addStep({ lr: 0.05, steps: 3000, schedule: { kind: 'cosine' } });
    const r = await train(leastSquares(), [0, 0, 0], strategy, { datasetSize: A.length });
    expect(r.reason).toBe('completed');
    expect(r.steps).toBe(3000);
    for (let j = 0; j < 3; j++) expect(r.params[j]).toBeCloseTo(xStar[j], 6);
    expect(r.history[2999].loss).toBeLessThan(1e-12);
    expect(r.history[0].metrics).toEqual({ rows: 8 });
  });

  it('does not modify the initial parameters', async () => {
    const x0 = Float64Array.of(0.1, 0.2, 0.3);
    await train(leastSquares(), x0, new Strategy().addStep({ lr: 0.1, steps: 5 }), { datasetSize: 8 });
    expect(Array.from(x0)).toEqual([0.1, 0.2, 0.3]);
  });

  const twoStages = () =>
    new Strategy().addStep({ lr: 0.05, steps: 30, batchSize: 3 }).addStep({
      lr: 0.02,
      steps: 30,
      batchSize: 5,
      optimizer: { kind: 'adamw', weightDecay: 0.01 },
      clipNorm: 1,
    });

  it('same seed → identical run; different seed → different run', async () => {
    const a = await train(leastSquares(true), [0, 0, 0], twoStages(), { datasetSize: 8, seed: 4 });
    const c = await train(leastSquares(true), [0, 0, 0], twoStages(), { datasetSize: 8, seed: 4 });
    const d = await train(leastSquares(true), [0, 0, 0], twoStages(), { datasetSize: 8, seed: 5 });
    expect(same(a.params, c.params)).toBe(true);
    expect(same(a.params, d.params)).toBe(false);
  });

  it('resumes bit-for-bit from any checkpoint (mid-stage and at the stage boundary)', async () => {
    const saved: Checkpoint[] = [];
    const full = await train(leastSquares(true), [0, 0, 0], twoStages(), {
      datasetSize: 8,
      seed: 3,
      checkpointEvery: 1,
      onCheckpoint: (c) => {
        saved.push(JSON.parse(JSON.stringify(c)));
      },
    });
    expect(saved).toHaveLength(60);
    for (const at of [1, 17, 30, 31, 59]) {
      const resumed = await train(leastSquares(true), [9, 9, 9], twoStages(), {
        datasetSize: 8,
        seed: 3,
        resume: saved[at - 1],
      });
      expect(resumed.steps).toBe(60);
      expect(same(resumed.params, full.params)).toBe(true);
      expect(resumed.history.map((h) => h.loss)).toEqual(full.history.map((h) => h.loss));
    }
  });

  it('historyLimit bounds the kept history (result and checkpoints) without changing the run', async () => {
    const saved: Checkpoint[] = [];
    const opts = { datasetSize: 8, seed: 3 };
    const full = await train(leastSquares(true), [0, 0, 0], twoStages(), opts);
    const limited = await train(leastSquares(true), [0, 0, 0], twoStages(), {
      ...opts,
      historyLimit: 10,
      checkpointEvery: 25,
      onCheckpoint: (c) => {
        saved.push(JSON.parse(JSON.stringify(c)));
      },
    });
    expect(same(limited.params, full.params)).toBe(true);
    expect(limited.history.map((h) => h.step)).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
    for (const c of saved) expect(c.history.length).toBeLessThanOrEqual(10);
    const resumed = await train(leastSquares(true), [0, 0, 0], twoStages(), {
      ...opts,
      historyLimit: 10,
      resume: saved[0],
    });
    expect(same(resumed.params, full.params)).toBe(true);
    expect(resumed.history).toEqual(limited.history);
  });

  it('refuses a checkpoint from another seed or strategy', async () => {
    const r = await train(leastSquares(), [0, 0, 0], twoStages(), { datasetSize: 8, seed: 1 });
    expect(
      (
        await catchAsync(
          train(leastSquares(), [0, 0, 0], twoStages(), { datasetSize: 8, seed: 2, resume: r.checkpoint }),
          'CheckpointError',
        )
      ).code,
    ).toBe('CheckpointError');
    const other = new Strategy().addStep({ lr: 0.05, steps: 30 });
    expect(
      (
        await catchAsync(
          train(leastSquares(), [0, 0, 0], other, { datasetSize: 8, seed: 1, resume: r.checkpoint }),
          'CheckpointError',
        )
      ).code,
    ).toBe('CheckpointError');
    expect(
      (
        await catchAsync(
          train(leastSquares(), [0, 0, 0], other, { resume: { format: 'x' } as never }),
          'CheckpointError',
        )
      ).code,
    ).toBe('CheckpointError');
  });

  it('stops with TrainingDiverged on a NaN loss and keeps the last good state', async () => {
    let calls = 0;
    const base = leastSquares();
    const flaky: Objective = (x, batch) => {
      calls++;
      if (batch.step === 12) return { loss: Number.NaN, grad: new Float64Array(3) };
      return base(x, batch);
    };
    const strategy = new Strategy().addStep({ lr: 0.05, steps: 40 });
    const e = await catchAsync(train(flaky, [0, 0, 0], strategy, { datasetSize: 8 }));
    expect(e.code).toBe('TrainingDiverged');
    expect(e.context.step).toBe(12);
    expect(calls).toBe(13);
    const cp = e.context.checkpoint as Checkpoint;
    expect(cp.step).toBe(12);
    // The last good state equals an undisturbed run stopped after 12 steps, and resuming finishes the run.
    const twelve = await train(base, [0, 0, 0], new Strategy().addStep({ lr: 0.05, steps: 40 }), {
      datasetSize: 8,
      onStep: (r) => r.step < 11,
    });
    expect(same(e.context.params as Float64Array, twelve.params)).toBe(true);
    const resumed = await train(base, [0, 0, 0], strategy, { datasetSize: 8, resume: cp });
    const clean = await train(base, [0, 0, 0], strategy, { datasetSize: 8 });
    expect(same(resumed.params, clean.params)).toBe(true);
  });

  it('turns a solver failure inside the objective into TrainingDiverged with the cause and last good state', async () => {
    const base = leastSquares();
    const failing: Objective = (x, batch) => {
      if (batch.step === 3)
        throw new OdeonError('StepSizeTooSmall', 'Step size 1e-300 too small at t = 2.', { t: 2 });
      return base(x, batch);
    };
    const e = await catchAsync(
      train(failing, [0, 0, 0], new Strategy().addStep({ lr: 0.1, steps: 10 }), { datasetSize: 8 }),
    );
    expect(e.code).toBe('TrainingDiverged');
    expect(e.message).toContain('StepSizeTooSmall');
    expect((e.cause as OdeonError).context.t).toBe(2);
    expect((e.context.checkpoint as Checkpoint).step).toBe(3);
    // Other errors (bugs, bad options) propagate unchanged.
    const buggy: Objective = () => {
      throw new TypeError('boom');
    };
    await expect(train(buggy, [0], new Strategy().addStep({ lr: 0.1, steps: 1 }))).rejects.toThrow(TypeError);
  });

  it('treats an infinite gradient entry as divergence too', async () => {
    const bad: Objective = () => ({ loss: 1, grad: Float64Array.of(0, Number.POSITIVE_INFINITY, 0) });
    const e = await catchAsync(train(bad, [0, 0, 0], new Strategy().addStep({ lr: 0.1, steps: 3 })));
    expect(e.code).toBe('TrainingDiverged');
    expect(e.message).toMatch(/gradient/);
  });

  it('early stopping stops after `patience` validations without improvement and restores the best', async () => {
    // Validation error is smallest when x[0] is near 0.5 (the run passes it on its way to 1).
    const strategy = new Strategy().addStep({ lr: 0.01, steps: 2000, optimizer: { kind: 'sgd' } });
    const r = await train(leastSquares(), [0, 0, 0], strategy, {
      datasetSize: 8,
      validate: (x) => ({ loss: Math.abs(x[0] - 0.5) }),
      validateEvery: 5,
      earlyStopping: { patience: 3 },
    });
    expect(r.reason).toBe('earlyStopping');
    expect(r.steps).toBeLessThan(2000);
    expect(r.best).toBeDefined();
    const vals = r.validation.map((v) => v.metrics.loss);
    const bestIdx = vals.indexOf(Math.min(...vals));
    expect(r.validation.length - 1 - bestIdx).toBe(3);
    expect(Math.abs(r.params[0] - 0.5)).toBe(vals[bestIdx]);
  });

  it('freezes parameters outside the trained group (even under weight decay)', async () => {
    const strategy = new Strategy()
      .addStep({ lr: 0.05, steps: 50, train: 'parameters', optimizer: { kind: 'adamw', weightDecay: 0.5 } })
      .addStep({ lr: 0.05, steps: 50, train: 'network' });
    const firstStage: Float64Array[] = [];
    let cur: Float64Array | undefined;
    const obj = leastSquares();
    const spy: Objective = (x, batch) => {
      if (batch.stageIndex === 1 && cur === undefined) cur = x.slice();
      if (batch.stageIndex === 0) firstStage.push(x.slice());
      return obj(x, batch);
    };
    const r = await train(spy, [0.3, 0.3, 0.3], strategy, {
      datasetSize: 8,
      groups: { network: [{ start: 0, end: 2 }], parameters: [{ start: 2, end: 3 }] },
    });
    for (const x of firstStage) expect([x[0], x[1]]).toEqual([0.3, 0.3]);
    expect(firstStage[49][2]).not.toBe(0.3);
    expect(r.params[2]).toBe((cur as Float64Array)[2]);
    expect(
      (await catchAsync(train(obj, [0, 0, 0], strategy, { datasetSize: 8 }), 'InvalidOption')).context.option,
    ).toBe('steps[0].train');
  });

  it('applies clipNorm and rescaleNorm to the gradient before the step', async () => {
    const grad = Float64Array.of(3, 4, 0); // norm 5
    const obj: Objective = () => ({ loss: 1, grad });
    const sgd = { kind: 'sgd' } as const;
    const clipped = await train(
      obj,
      [0, 0, 0],
      new Strategy().addStep({ lr: 1, steps: 1, optimizer: sgd, clipNorm: 1 }),
    );
    expect(clipped.params[0]).toBeCloseTo(-0.6, 15);
    expect(clipped.params[1]).toBeCloseTo(-0.8, 15);
    expect(clipped.params[2]).toBe(0);
    const rescaled = await train(
      obj,
      [0, 0, 0],
      new Strategy().addStep({ lr: 1, steps: 1, optimizer: sgd, rescaleNorm: 100 }),
    );
    expect(rescaled.params[0]).toBeCloseTo(-60, 12);
    expect(rescaled.params[1]).toBeCloseTo(-80, 12);
    expect(clipped.history[0].gradNorm).toBe(5);
  });

  it('passes curriculum length, dropout and stage settings to the objective', async () => {
    const seen: { length: number; dropout: number; loss: unknown }[] = [];
    const obj: Objective = (_x, batch) => {
      seen.push({ length: batch.length, dropout: batch.dropout, loss: batch.stage.loss });
      return { loss: 0, grad: new Float64Array(1) };
    };
    await train(
      obj,
      [0],
      new Strategy()
        .addStep({ lr: 1, steps: 1, length: 0.25, dropout: 0.3, loss: 'scaledMae' })
        .addStep({ lr: 1, steps: 1 }),
    );
    expect(seen).toEqual([
      { length: 0.25, dropout: 0.3, loss: 'scaledMae' },
      { length: 1, dropout: 0, loss: 'mse' },
    ]);
  });

  it('reports progress through the callback with steps/s from the injected clock', async () => {
    let now = 0;
    const progress: number[] = [];
    let last: { stepsPerSecond: number; totalSteps: number } | undefined;
    await train(
      leastSquares(),
      [0, 0, 0],
      new Strategy().addStep({ lr: 0.1, steps: 4 }).addStep({ lr: 0.1, steps: 6 }),
      {
        datasetSize: 8,
        clock: () => (now += 250),
        onProgress: (p) => {
          progress.push(p.step);
          last = p;
        },
      },
    );
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(last?.totalSteps).toBe(10);
    // 10 steps over 10 × 0.25 s of clock (one clock read per step after the start).
    expect(last?.stepsPerSecond).toBeCloseTo(4, 12);
  });

  it('stops when onStep returns false or the signal aborts', async () => {
    const s = new Strategy().addStep({ lr: 0.1, steps: 100 });
    const r = await train(leastSquares(), [0, 0, 0], s, { datasetSize: 8, onStep: (rec) => rec.step < 9 });
    expect(r.reason).toBe('callback');
    expect(r.steps).toBe(10);
    const signal = { aborted: false };
    const a = await train(leastSquares(), [0, 0, 0], s, {
      datasetSize: 8,
      signal,
      onStep: (rec) => {
        if (rec.step === 4) signal.aborted = true;
      },
    });
    expect(a.reason).toBe('aborted');
    expect(a.steps).toBe(5);
  });
});

describe('selectBatch', () => {
  it('draws sorted distinct in-range indices, reproducibly (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.nat(1000),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        (seed, step, m, bs) => {
          const idx = selectBatch(seed, step, m, bs);
          expect(idx.length).toBe(Math.min(m, bs));
          for (let i = 0; i < idx.length; i++) {
            expect(idx[i] >= 0 && idx[i] < m).toBe(true);
            if (i > 0) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
          }
          expect(Array.from(selectBatch(seed, step, m, bs))).toEqual(Array.from(idx));
        },
      ),
    );
  });

  it('covers every measurement about equally often', () => {
    const counts = new Array(10).fill(0);
    for (let s = 0; s < 5000; s++) for (const i of selectBatch(1, s, 10, 3)) counts[i]++;
    for (const c of counts) expect(Math.abs(c - 1500)).toBeLessThan(150);
  });
});
