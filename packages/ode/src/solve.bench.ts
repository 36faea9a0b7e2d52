import { bench, describe } from 'vitest';
import { HIRES, LOTKA, PLEIADES, ROBER } from './problems/index.ts';
import { solve } from './solve.ts';

// vitest bench: `pnpm --filter @odeon/ode bench`. Tables against the peers: benchmarks/ode-work-precision.
describe('stiff (rtol 1e-6)', () => {
  bench(
    'rober rodas5p',
    () => void solve(ROBER, { method: 'rodas5p', rtol: 1e-6, atol: 1e-14, saveAt: [ROBER.t1] }),
  );
  bench(
    'hires rodas5p',
    () => void solve(HIRES, { method: 'rodas5p', rtol: 1e-6, atol: 1e-10, saveAt: [HIRES.t1] }),
  );
  bench(
    'rober auto',
    () => void solve(ROBER, { method: 'auto', rtol: 1e-6, atol: 1e-14, saveAt: [ROBER.t1] }),
  );
});

describe('non-stiff (rtol 1e-8)', () => {
  bench(
    'lotka tsit5',
    () => void solve(LOTKA, { method: 'tsit5', rtol: 1e-8, atol: 1e-11, saveAt: [LOTKA.t1] }),
  );
  bench(
    'pleiades dop853',
    () => void solve(PLEIADES, { method: 'dop853', rtol: 1e-8, atol: 1e-11, saveAt: [PLEIADES.t1] }),
  );
  bench(
    'pleiades tsit5, dense',
    () => void solve(PLEIADES, { method: 'tsit5', rtol: 1e-8, atol: 1e-11, dense: true }),
  );
});
