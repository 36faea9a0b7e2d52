/**
 * Data for the universal-ODE example: S → P by Michaelis–Menten kinetics WITH competitive product
 * inhibition, v = Vmax·S / (Km·(1 + P/Ki) + S), Vmax = 1, Km = 0.5, Ki = 0.2 (the truth), from four
 * initial substrate levels S0 ∈ {0.5, 1, 2, 4} (P0 = 0), 21 equally spaced times in [0, 10].
 * `mechanism.json` is the same model without the inhibition term (and wrong Vmax, Km): the
 * UniversalODE's residual network has to learn what is missing. Deterministic (no noise);
 * Rodas5P at rtol 1e-10, atol 1e-12.
 *
 *   node --conditions=@odeon/source --import tsx examples/universal-ode/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { solve } from '../../packages/ode/src/index.ts';

export const TRUTH = { Vmax: 1, Km: 0.5, Ki: 0.2 } as const;
const S0 = [0.5, 1, 2, 4];
const times = Array.from({ length: 21 }, (_, i) => 0.5 * i);

const rows = ['measurement,time,S,P'];
for (const s0 of S0) {
  const sol = solve(
    {
      t0: 0,
      t1: 10,
      y0: Float64Array.of(s0, 0),
      p: Float64Array.of(TRUTH.Vmax, TRUTH.Km, TRUTH.Ki),
      rhs(_t, y, p, dy) {
        const v = (p[0] * y[0]) / (p[1] * (1 + y[1] / p[2]) + y[0]);
        dy[0] = -v;
        dy[1] = v;
      },
    },
    { method: 'rodas5p', rtol: 1e-10, atol: 1e-12, saveAt: times },
  );
  if (sol.status !== 'success') throw new Error(`solve failed: ${sol.status}`);
  for (let i = 0; i < sol.t.length; i++) {
    rows.push(`S0=${s0},${sol.t[i]},${sol.y[2 * i].toPrecision(17)},${sol.y[2 * i + 1].toPrecision(17)}`);
  }
}
const out = fileURLToPath(new URL('./data.csv', import.meta.url));
writeFileSync(out, `${rows.join('\n')}\n`);
console.log(`wrote ${out} (${rows.length - 1} rows)`);
