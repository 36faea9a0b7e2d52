/**
 * Noisy, sparse data for the temporal-dropout example: Lotka–Volterra (`LOTKA` of
 * @odeon/ode/problems, p = (1.5, 1, 3, 1)) from four initial states, each observed at NPOINTS
 * random times in (0, 10] plus t = 0, with NOISE relative Gaussian noise (seeded, so the CSV is
 * reproducible; the initial point is kept noise-free, as the initial condition). Rodas5P at
 * rtol 1e-10, atol 1e-12. Sparse and noisy on purpose: few enough points that a flexible network
 * trained long can chase the noise (the regime regularisation is for).
 *
 *   node --conditions=@odeon/source --import tsx examples/temporal-dropout/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { solve } from '../../packages/ode/src/index.ts';
import { LOTKA } from '../../packages/ode/src/problems/index.ts';
import { Rng } from '../../packages/train/src/index.ts';

const NPOINTS = 8;
const NOISE = 0.2;
const STARTS = [
  [1, 1],
  [2, 1],
  [1, 2],
  [1.5, 0.5],
];
const rng = Rng.fromSeed(2026);
const starts = STARTS;
const rows = ['measurement,time,prey,predator'];
starts.forEach((y0, k) => {
  const times = [0, ...Array.from({ length: NPOINTS }, () => 10 * rng.uniform()).sort((a, b) => a - b)];
  const sol = solve(
    { ...LOTKA, y0: Float64Array.from(y0) },
    { method: 'rodas5p', rtol: 1e-10, atol: 1e-12, saveAt: times },
  );
  if (sol.status !== 'success') throw new Error(`solve failed: ${sol.status}`);
  for (let i = 0; i < sol.t.length; i++) {
    const noisy = (v: number) => (i === 0 ? v : v * (1 + NOISE * rng.normal()));
    rows.push(
      `run${k + 1},${sol.t[i]},${noisy(sol.y[2 * i]).toPrecision(12)},${noisy(sol.y[2 * i + 1]).toPrecision(12)}`,
    );
  }
});
const out = fileURLToPath(new URL('./data.csv', import.meta.url));
writeFileSync(out, `${rows.join('\n')}\n`);
console.log(`wrote ${out} (${rows.length - 1} rows)`);
