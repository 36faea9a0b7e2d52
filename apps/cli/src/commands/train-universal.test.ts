import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelFromJson, type UniversalODE } from '@odeon/neural';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

/** A → B with k = 0.7 (analytic: A = e^(−0.7 t)), 21 points on [0, 5]; columns in the given order. */
function csv(columns: readonly string[] = ['A', 'B']): string {
  const rows = [`measurement,time,${columns.join(',')}`];
  for (let i = 0; i <= 20; i++) {
    const t = i * 0.25;
    const v: Record<string, number> = { A: Math.exp(-0.7 * t), B: 1 - Math.exp(-0.7 * t) };
    rows.push(`ab,${t},${columns.map((c) => v[c]).join(',')}`);
  }
  return `${rows.join('\n')}\n`;
}

// The mechanism is right but its rate constant is not (0.3 instead of 0.7).
const MECHANISM = {
  species: [
    { id: 'A', initial: 1 },
    { id: 'B', initial: 0 },
  ],
  parameters: { k: 0.3 },
  reactions: [{ equation: 'A -> B', rate: 'k * A' }],
};

const CONFIG = {
  data: 'data.csv',
  model: {
    kind: 'universal-ode',
    mechanism: 'mechanism.json',
    trainable: ['k'],
    width: 4,
    depth: 1,
    activation: 'tanh',
    seed: 2,
  },
  seed: 1,
  penaltyStates: 'data',
  strategy: [{ lr: 0.03, steps: 60, loss: 'mse', penalties: { l1ResidualAlpha: 0.05 } }],
  output: 'model.json',
};

function workdir(config: unknown = CONFIG, columns?: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'odeon-train-ude-'));
  writeFileSync(join(dir, 'data.csv'), csv(columns));
  writeFileSync(join(dir, 'mechanism.json'), JSON.stringify(MECHANISM));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

describe('odeon train: universal-ode models, their penalty preset and penaltyStates', () => {
  it('trains the mechanistic parameter and the residual; the penalty is the UniversalODE preset', async () => {
    const dir = workdir();
    const io = capture(dir);
    expect(await run(['train', 'config.json', '--json'], io)).toBe(0);
    expect(io.err).toBe('');
    const r = JSON.parse(io.out);
    expect(r.model).toBe('universal-ode');
    expect(r.steps).toBe(60);
    expect(r.history.last).toBeLessThan(r.history.first / 5);
    expect(r.penalty).toBeGreaterThan(0);
    const model = modelFromJson(readFileSync(join(dir, 'model.json'), 'utf8')) as UniversalODE;
    expect(model.kind).toBe('universal-ode');
    expect(model.trainable).toEqual(['k']);
    // k moves from 0.3 towards the true 0.7 (the residual alone cannot explain a penalised error).
    expect(model.theta()[0]).toBeGreaterThan(0.4);
  });

  it('penaltyStates changes where the residual penalty is evaluated', async () => {
    const penaltyOf = async (penaltyStates: string | undefined) => {
      const config = { ...CONFIG, strategy: [{ ...CONFIG.strategy[0], steps: 1 }], penaltyStates };
      const io = capture(workdir(config));
      expect(await run(['train', 'config.json', '--json'], io)).toBe(0);
      return JSON.parse(io.out).penalty as number;
    };
    const atInitial = await penaltyOf('initial');
    const atData = await penaltyOf('data');
    expect(atInitial).toBeGreaterThan(0);
    expect(atData).toBeGreaterThan(0);
    expect(atData).not.toBeCloseTo(atInitial, 8);
  });

  it('refuses (usage error) data columns that are not the mechanism states in order, and a bad penaltyStates', async () => {
    let io = capture(workdir(CONFIG, ['B', 'A']));
    expect(await run(['train', 'config.json'], io)).toBe(2);
    expect(io.err).toContain('model.mechanism');
    expect(io.err).toContain('A, B');

    io = capture(workdir({ ...CONFIG, penaltyStates: 'everywhere' }));
    expect(await run(['train', 'config.json'], io)).toBe(2);
    expect(io.err).toContain('penaltyStates');

    io = capture(workdir({ ...CONFIG, model: { kind: 'universal-ode' } }));
    expect(await run(['train', 'config.json'], io)).toBe(2);
    expect(io.err).toContain('model.mechanism');
  });

  it('a stage with train "parameters" moves only θ, "network" only the residual; staged, θ ends near the truth', async () => {
    const staged = {
      ...CONFIG,
      model: { ...CONFIG.model, alphaInit: -10 },
      strategy: [
        { lr: 0.05, steps: 40, loss: 'mse', train: 'parameters' },
        { lr: 0.01, steps: 5, loss: 'mse', train: 'network' },
      ],
    };
    const dir = workdir(staged);
    const io = capture(dir);
    expect(
      await run(
        ['train', 'config.json', '--json', '--checkpoint', 'ck-{step}.json', '--checkpoint-every', '40'],
        io,
      ),
    ).toBe(0);
    expect(io.err).toBe('');
    const trained = modelFromJson(readFileSync(join(dir, 'model.json'), 'utf8')) as UniversalODE;
    const after40 = JSON.parse(readFileSync(join(dir, 'ck-40.json'), 'utf8')).params.map(Number) as number[];
    const final = trained.p;
    const thetaAt = trained.offsets.theta;
    // Stage 1 (θ only): every network parameter still has its initial value; the gate is off (α = −10),
    // so the mechanism alone fits the data and k approaches the true 0.7.
    expect(after40.slice(trained.offsets.alpha, trained.offsets.alpha + 2)).toEqual([-10, -10]);
    expect(after40[thetaAt]).toBeGreaterThan(0.6);
    expect(after40[thetaAt]).toBeLessThan(0.8);
    // Stage 2 (network only): θ is frozen at its stage-1 value, the network moved.
    expect(final[thetaAt]).toBe(after40[thetaAt]);
    expect(Array.from(final.subarray(0, thetaAt))).not.toEqual(after40.slice(0, thetaAt));
  });

  it('refuses a mechanism with events (UnsupportedSbmlFeature naming the event), never trains without them', async () => {
    const dir = workdir();
    writeFileSync(
      join(dir, 'mechanism.json'),
      JSON.stringify({
        ...MECHANISM,
        events: [{ id: 'redose', trigger: 'time >= 2', assignments: { A: '1' } }],
      }),
    );
    const io = capture(dir);
    expect(await run(['train', 'config.json', '--json'], io)).toBe(1);
    expect(io.err).toContain('UnsupportedSbmlFeature');
    expect(io.err).toContain('redose');
  });
});
