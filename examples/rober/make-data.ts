/**
 * ROBER training data of Kim et al. 2021 ("Stiff neural ordinary differential equations"):
 * y at 50 log-spaced times in [1e-5, 1e5], integrated from y0 = (1, 0, 0) at t0 = 1e-5 with
 * k = (0.04, 3e7, 1e4) (as their script does: `odeint(robertson, y0, logspace(-5, 5, 50))`).
 * Deterministic (no noise); Rodas5P at rtol 1e-10, atol 1e-14.
 *
 *   node --conditions=@odeon/source --import tsx examples/rober/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { solve } from '../../packages/ode/src/index.ts';
import { ROBER } from '../../packages/ode/src/problems/index.ts';

const N = 50;
const times = Array.from({ length: N }, (_, i) => 10 ** (-5 + (10 * i) / (N - 1)));
const sol = solve(
  { ...ROBER, y0: Float64Array.of(1, 0, 0), t0: times[0], t1: times[N - 1] },
  { method: 'rodas5p', rtol: 1e-10, atol: 1e-14, saveAt: times },
);
if (sol.status !== 'success') throw new Error(`solve failed: ${sol.status}`);
const rows = ['measurement,time,y1,y2,y3'];
for (let i = 0; i < sol.t.length; i++) {
  const y = Array.from(sol.y.subarray(i * 3, i * 3 + 3), (v) => v.toPrecision(17));
  rows.push(`rober,${sol.t[i].toPrecision(17)},${y.join(',')}`);
}
const out = fileURLToPath(new URL('./data.csv', import.meta.url));
writeFileSync(out, `${rows.join('\n')}\n`);
console.log(`wrote ${out} (${sol.t.length} rows)`);
