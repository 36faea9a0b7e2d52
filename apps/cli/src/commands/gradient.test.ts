import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { solve } from '@odeon/ode';
import { compileModel, loadModel } from '@odeon/sbml';
import { loadReference, sharedDir } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('odeon gradient', () => {
  it('--help documents the options', async () => {
    const io = capture();
    expect(await run(['gradient', '--help'], io)).toBe(0);
    for (const opt of [
      '--problem',
      '--sensitivity',
      '--method',
      '--rtol',
      '--atol',
      '--component',
      '--model',
      '--t1',
      '--points',
      '--json',
    ]) {
      expect(io.out).toContain(opt);
    }
  });

  it('ROBER, quadrature: the total is conserved (dL/dy0 = 50), per species matches CVODES', async () => {
    const ref = loadReference('rober');
    let io = capture();
    expect(
      await run(
        ['gradient', '--problem', 'rober', '--sensitivity', 'quadrature', '--rtol', '1e-8', '--json'],
        io,
      ),
    ).toBe(0);
    let json = JSON.parse(io.out);
    expect(json.value).toBeCloseTo(50, 6);
    for (const v of Object.values(json.dy0) as number[]) expect(rel(v, 50)).toBeLessThan(1e-6);
    expect(json.stats.maxLuSize).toBe(3);
    expect(json.stats.storedStates).toBeGreaterThan(0);
    io = capture();
    expect(
      await run(['gradient', '--problem', 'rober', '--component', 'y1', '--rtol', '1e-8', '--json'], io),
    ).toBe(0);
    json = JSON.parse(io.out);
    const g = ref.gradients!.per_component;
    expect(rel(json.value, g.L[0])).toBeLessThan(1e-6);
    (Object.values(json.dp) as number[]).forEach((v, k) => {
      expect(rel(v, g.dL_dp[0][k])).toBeLessThan(1e-5);
    });
  });

  it('Lotka–Volterra with the forward method (text output) and a component index', async () => {
    const ref = loadReference('lotka');
    const io = capture();
    expect(
      await run(
        [
          'gradient',
          '--problem',
          'lotka',
          '--sensitivity',
          'forward',
          '--rtol',
          '1e-9',
          '--json',
          '--component',
          '1',
        ],
        io,
      ),
    ).toBe(0);
    const json = JSON.parse(io.out);
    expect(json.method).toBe('dopri5');
    (Object.values(json.dp) as number[]).forEach((v, k) => {
      expect(rel(v, ref.gradients!.per_component.dL_dp[1][k])).toBeLessThan(1e-5);
    });
    const text = capture();
    expect(await run(['gradient', '--problem', 'lotka', '--sensitivity', 'discrete'], text)).toBe(0);
    expect(text.out).toContain('dL/dp:');
    expect(text.out).toContain('alpha');
  });

  it('runs the discrete Rosenbrock adjoint on stiff ROBER and matches the CVODES gradients', async () => {
    const ref = loadReference('rober');
    const io = capture();
    const args = ['gradient', '--problem', 'rober', '--sensitivity', 'discrete', '--rtol', '1e-8'];
    expect(await run([...args, '--checkpoints', 'Infinity', '--json', '--component', '1'], io)).toBe(0);
    const json = JSON.parse(io.out);
    expect(json.method).toBe('rodas5p');
    expect(json.stats.backward.acceptedSteps).toBe(json.stats.forward.acceptedSteps);
    (Object.values(json.dp) as number[]).forEach((v, k) => {
      expect(rel(v, ref.gradients!.per_component.dL_dp[1][k])).toBeLessThan(1e-5);
    });
  });

  it('--model: ids named like Object.prototype members keep their entries in dp and dy0', async () => {
    // __proto__ -> constructor at rate toString·__proto__ (toString = 0.7); L = Σ_k constructor(t_k),
    // t_k = k/50: dL/dtoString = Σ t_k e^(−0.7 t_k), dL/d__proto__(0) = Σ (1 − e^(−0.7 t_k)).
    const dir = mkdtempSync(join(tmpdir(), 'odeon-proto-'));
    writeFileSync(
      join(dir, 'm.json'),
      '{"species": {"__proto__": 1, "constructor": 0}, "parameters": {"toString": 0.7, "valueOf": 2},' +
        ' "reactions": [{"equation": "__proto__ -> constructor", "rate": "toString * __proto__"}]}',
    );
    const io = capture(dir);
    const args = ['gradient', '--model', 'm.json', '--t1', '1', '--component', 'constructor'];
    expect(await run([...args, '--rtol', '1e-10', '--json'], io)).toBe(0);
    const json = JSON.parse(io.out);
    const t = Array.from({ length: 50 }, (_, k) => (k + 1) / 50);
    expect(Object.keys(json.dp)).toEqual(['toString', 'valueOf']);
    expect(Object.keys(json.dy0)).toEqual(['__proto__', 'constructor']);
    const sum = (f: (x: number) => number) => t.reduce((s, x) => s + f(x), 0);
    expect(json.dp.toString).toBeAllclose(
      sum((x) => x * Math.exp(-0.7 * x)),
      { rtol: 1e-6 },
    );
    expect(Object.getOwnPropertyDescriptor(json.dy0, '__proto__')?.value).toBeAllclose(
      sum((x) => 1 - Math.exp(-0.7 * x)),
      { rtol: 1e-6 },
    );
  });

  it('rejects bad input as usage errors (exit 2)', async () => {
    for (const args of [
      ['gradient', '--problem', 'nope'],
      ['gradient'],
      ['gradient', '--problem', 'rober', '--sensitivity', 'magic'],
      ['gradient', '--problem', 'rober', '--method', 'euler'],
      ['gradient', '--problem', 'rober', '--rtol', 'x'],
      ['gradient', '--problem', 'rober', '--component', '7'],
    ]) {
      const io = capture();
      expect(await run(args, io)).toBe(2);
      expect(io.err).toMatch(/odeon: error \[(UsageError|InvalidOption)\]/);
    }
  });

  it('--model: the gradient of an SBML model (BIOMD0000000145) matches central differences of its simulation', async () => {
    const path = join(sharedDir(), 'biomodels', 'BIOMD0000000145.xml');
    const io = capture();
    const args = ['gradient', '--model', path, '--t1', '10', '--points', '20', '--component', 'Ca_Cyt'];
    expect(await run([...args, '--sensitivity', 'discrete', '--rtol', '1e-9', '--json'], io)).toBe(0);
    const json = JSON.parse(io.out);
    // the reference: L(p) = Σ_k Ca_Cyt(t_k) by solve() on the compiled model, differenced centrally
    const model = compileModel(loadModel(readFileSync(path, 'utf8')));
    const ca = model.stateIds.indexOf('Ca_Cyt');
    const times = Array.from({ length: 20 }, (_, k) => (10 * (k + 1)) / 20);
    const L = (p: Float64Array) => {
      const sol = solve(model.problem(0, 10, { p }), {
        method: 'rodas5p',
        rtol: 1e-12,
        atol: 1e-12,
        saveAt: times,
      });
      let s = 0;
      for (let k = 0; k < times.length; k++) s += sol.y[k * model.n + ca];
      return s;
    };
    expect(json.value).toBeAllclose(L(model.p), { rtol: 1e-7 });
    const dp = json.dp as Record<string, number>;
    let checked = 0;
    for (let j = 0; j < model.np; j++) {
      const name = model.paramIds[j];
      if (!(name in dp) || model.p[j] === 0) continue;
      const h = 1e-5 * Math.abs(model.p[j]);
      const a = Float64Array.from(model.p);
      const b = Float64Array.from(model.p);
      a[j] += h;
      b[j] -= h;
      const fd = (L(a) - L(b)) / (2 * h);
      // relative to the larger of the two and the loss's scale per relative change of p_j
      expect(Math.abs(dp[name] - fd)).toBeLessThan(
        1e-5 * Math.max(Math.abs(fd), (1e-3 * json.value) / Math.abs(model.p[j])),
      );
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    expect(Object.keys(json.dy0)).toEqual(model.stateIds);
  });

  it('--model refuses a missing --t1 (usage, exit 2) and an unreadable file (IoError, exit 1)', async () => {
    const path = join(sharedDir(), 'biomodels', 'BIOMD0000000145.xml');
    let io = capture();
    expect(await run(['gradient', '--model', path], io)).toBe(2);
    expect(io.err).toContain('--t1');
    io = capture();
    expect(await run(['gradient', '--model', 'no-such-model.xml', '--t1', '1'], io)).toBe(1);
    expect(io.err).toContain('IoError');
    io = capture();
    expect(await run(['gradient', '--model', path, '--problem', 'rober', '--t1', '1'], io)).toBe(2);
    // a delayed event (SBML Test Suite 00622) cannot be differentiated: refused, naming the event
    const delayed = join(sharedDir(), 'sbml-suite-extended', 'cases', '00622', '00622-sbml-l3v2.xml');
    io = capture();
    expect(await run(['gradient', '--model', delayed, '--t1', '1'], io)).toBe(1);
    expect(io.err).toContain('UnsupportedSbmlFeature');
    expect(io.err).toContain('event1');
  });

  it('--model differentiates through the events of SBML Test Suite 00026', async () => {
    const path = join(sharedDir(), 'sbml-suite', 'cases', '00026', '00026-sbml-l3v2.xml');
    const io = capture();
    expect(await run(['gradient', '--model', path, '--t1', '5', '--json'], io)).toBe(0);
    const json = JSON.parse(io.out);
    for (const v of Object.values(json.dp)) expect(Number.isFinite(v)).toBe(true);
  });
});
