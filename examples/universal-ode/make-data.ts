/**
 * Data for the universal-ODE example: S → P by Michaelis–Menten kinetics WITH competitive product
 * inhibition, v = Vmax·S / (Km·(1 + P/Ki) + S), Vmax = 1, Km = 0.5, Ki = 0.2 (the truth), from five
 * initial substrate levels S0 ∈ {0.25, 0.5, 1, 2, 4} (P0 = 0), as an enzymologist would design it:
 * each run sampled densely at the start (t = 0, 0.025, …, 0.1: the initial-rate phase, where little
 * product has formed and the inhibition is weak) and then over the whole reaction up to t = 10
 * (16 times per run). The spread of S0 around Km and the initial rates are what make Vmax and Km
 * identifiable apart from the inhibition.
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
const S0 = [0.25, 0.5, 1, 2, 4];
const times = [0, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10];

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
