import { loadReference } from '@odeon/testkit';
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
});
