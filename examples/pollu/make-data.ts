/**
 * POLLU training data (Kim et al. 2021): the 20-species, 25-reaction air-pollution model of
 * Verwer (1994) at 20 equally spaced times in [0, 60] from its standard y0 and rate constants
 * (`POLLU` of @odeon/ode/problems, as in shared/reference/pollu.json). Deterministic (no noise);
 * Rodas5P at rtol 1e-10, atol 1e-14.
 *
 *   node --conditions=@odeon/source --import tsx examples/pollu/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { solve } from '../../packages/ode/src/index.ts';
import { POLLU } from '../../packages/ode/src/problems/index.ts';

const N = 20;
const times = Array.from({ length: N }, (_, i) => (60 * i) / (N - 1));
const sol = solve(
  { ...POLLU, t0: 0, t1: 60 },
  { method: 'rodas5p', rtol: 1e-10, atol: 1e-14, saveAt: times },
);
if (sol.status !== 'success') throw new Error(`solve failed: ${sol.status}`);
const n = sol.n;
const rows = [`measurement,time,${POLLU.names.join(',')}`];
for (let i = 0; i < sol.t.length; i++) {
  const y = Array.from(sol.y.subarray(i * n, (i + 1) * n), (v) => v.toPrecision(17));
  rows.push(`pollu,${sol.t[i].toPrecision(17)},${y.join(',')}`);
}
const out = fileURLToPath(new URL('./data.csv', import.meta.url));
writeFileSync(out, `${rows.join('\n')}\n`);
console.log(`wrote ${out} (${sol.t.length} rows)`);
