/**
 * Peak memory of a large sparse solve: bruss2d with N = 128 (n = 32 768) by BDF + sparse LU over the
 * first segment [0, 1.1] (source off), in a fresh process so that the peak RSS is this solve's.
 *
 *   npx tsx --conditions=@odeon/source benchmarks/ode-scale/memory.ts [--N 128] [--t1 1.1] [--rtol 1e-4]
 */
import { solve } from '@odeon/ode';
import { bruss2d } from '@odeon/ode/problems';

const arg = (name: string, dflt: string): string =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt;
const N = Number(arg('--N', '128'));
const t1 = Number(arg('--t1', '1.1'));
const rtol = Number(arg('--rtol', '1e-4'));
const prob = bruss2d({ N, source: 'off' });
const c0 = process.cpuUsage();
const w0 = performance.now();
const sol = solve({ ...prob, t1 }, { method: 'bdf', rtol, atol: rtol * prob.atolFactor, saveAt: [t1] });
const wall = performance.now() - w0;
const c = process.cpuUsage(c0);
console.log(
  JSON.stringify({
    N,
    n: prob.y0.length,
    t1,
    rtol,
    wallMs: Math.round(wall),
    cpuMs: Math.round((c.user + c.system) / 1000),
    stats: sol.stats,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
