import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finalErrorVsReference, loadReference, sharedDir } from '@odeon/testkit';
import { bench, describe } from 'vitest';
import { ROBER } from '../problems/rober.ts';
import { solve } from '../solve.ts';
import type { OdeProblem } from '../types.ts';

// vitest bench: `pnpm --filter @odeon/ode bench`. ROBER as an index-1 DAE (y3 from y1 + y2 + y3 = 1)
// beside ROBER the ODE, with the final-time error against ../shared/reference and the peers' figures
// (../shared/peers, the ODE form) printed once.
const ROBER_DAE: OdeProblem = {
  t0: 0,
  t1: 1e5,
  y0: [1, 0, 0],
  p: [0.04, 3e7, 1e4],
  massMatrix: [1, 1, 0],
  rhs(_t, y, p, dy) {
    dy[0] = -p[0] * y[0] + p[2] * y[1] * y[2];
    dy[1] = p[0] * y[0] - p[1] * y[1] * y[1] - p[2] * y[1] * y[2];
    dy[2] = y[0] + y[1] + y[2] - 1;
  },
};

const ref = loadReference('rober');
interface PeerRun {
  problem: string;
  peer: string;
  method: string;
  rtol: number;
  error: number;
  steps?: number;
  nfe?: number;
  median_s: number;
}
const peers: PeerRun[] = JSON.parse(readFileSync(join(sharedDir(), 'peers', 'results.json'), 'utf8'))
  .work_precision.runs;

describe('ROBER as a DAE (rodas5p, rodas4) and as an ODE', () => {
  for (const rtol of [1e-6, 1e-8]) {
    const atol = rtol * ref.atol_factor;
    const rows: string[] = [];
    for (const method of ['rodas5p', 'rodas4'] as const) {
      for (const [form, prob] of [
        ['DAE', ROBER_DAE],
        ['ODE', ROBER],
      ] as const) {
        const sol = solve(prob, { method, rtol, atol, saveAt: [1e5] });
        const err = finalErrorVsReference(ref, sol.y);
        const s = sol.stats;
        rows.push(
          `${method} ${form} rtol ${rtol}: final error ${err.toExponential(2)}, steps ${s.steps}, rhs ${s.rhsEvals}, LU ${s.luFactorizations}`,
        );
        bench(
          `${method} ${form} rtol ${rtol}`,
          () => void solve(prob, { method, rtol, atol, saveAt: [1e5] }),
        );
      }
    }
    for (const r of peers.filter((q) => q.problem === 'rober' && q.rtol === rtol))
      rows.push(
        `peer ${r.peer} ${r.method} (ODE) rtol ${rtol}: final error ${r.error.toExponential(2)}, steps ${r.steps}, rhs ${r.nfe}, ${(r.median_s * 1e3).toFixed(2)} ms`,
      );
    console.log(rows.join('\n'));
  }
});
