import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('gradients guide: three sensitivity methods match the hand-differentiated closed form', async () => {
  const { exports, lines } = await runSnippet(() => import('./gradients.ts'));
  const { dk1, dk2 } = exports;
  expect(lines).toHaveLength(4);
  const steps: Record<string, [number, number]> = {};
  for (const line of lines.slice(0, 3)) {
    const m =
      /^(\w+)\s+L = \S+\s+dL\/dk1 = (\S+)\s+dL\/dk2 = (\S+)\s+\((\d+) forward \/ (\d+) backward steps\)$/.exec(
        line,
      );
    expect(m).not.toBeNull();
    const [, kind, a, b, fwd, bwd] = m!;
    expect(Math.abs(Number(a) - dk1)).toBeLessThan(1e-6 * Math.abs(dk1));
    expect(Math.abs(Number(b) - dk2)).toBeLessThan(1e-6 * Math.abs(dk2));
    steps[kind] = [Number(fwd), Number(bwd)];
  }
  // the discrete adjoint reverses exactly the forward steps; forward sensitivities have no backward pass
  expect(steps.discrete[1]).toBe(steps.discrete[0]);
  expect(steps.forward[1]).toBe(0);
  expect(lines[3]).toMatch(/^exact\s+dL\/dk1 = /);
});
