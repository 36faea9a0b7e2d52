/**
 * Gradients of a large sparse problem: dL/dp of bruss2d (p = [α, source amplitude]) by the adjoints,
 * beside the forward solve with the same method and tolerances, in one process.
 *
 *   npx tsx --conditions=@odeon/source benchmarks/ode-scale/gradient.ts [--N 32] [--rtols 1e-4,1e-6]
 *       [--repeats 1]
 *
 * L = mean of u over the grid at t1 = 11.5 (the full problem, source switched on at t = 1.1), atol = rtol ·
 * atol_factor. Times: median process CPU time (and wall) of `repeats` runs after one warm-up; the ratio is
 * gradient CPU / forward-solve CPU with the same method. Agreement: the largest relative difference of
 * each gradient from the discrete adjoint's (the exact derivative of the Rodas5P solution) at that rtol.
 * Peak RSS is the process's at the end.
 */
import { type GradientMethod, gradient, type SensitivityKind, solve } from '@odeon/ode';
import { bruss2d } from '@odeon/ode/problems';

const arg = (name: string, dflt: string): string =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt;
const N = Number(arg('--N', '32'));
const RTOLS = arg('--rtols', '1e-4,1e-6').split(',').map(Number);
const REPEATS = Number(arg('--repeats', '1'));

const problem = bruss2d({ N });
const n = problem.y0.length;
const cells = N * N;
const loss = {
  value: (_i: number, _t: number, y: Float64Array) => {
    let a = 0;
    for (let c = 0; c < cells; c++) a += y[2 * c];
    return a / cells;
  },
  grad: (_i: number, _t: number, _y: Float64Array, out: Float64Array) => {
    out.fill(0);
    for (let c = 0; c < cells; c++) out[2 * c] = 1 / cells;
  },
};

function measure(run: () => unknown): { cpu: number; wall: number } {
  run();
  const cpus: number[] = [];
  const walls: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    run();
    const c = process.cpuUsage(c0);
    walls.push(performance.now() - w0);
    cpus.push((c.user + c.system) / 1000);
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { cpu: med(cpus), wall: med(walls) };
}

const rows: string[] = [];
for (const rtol of RTOLS) {
  const atol = rtol * problem.atolFactor;
  const forward: Record<string, number> = {};
  for (const method of ['rodas5p', 'bdf'] as const) {
    const m = measure(() => solve(problem, { rtol, atol, method, saveAt: [problem.t1] }));
    forward[method] = m.cpu;
    rows.push(
      `| ${rtol} | forward solve | ${method} | ${m.cpu.toFixed(0)} (${m.wall.toFixed(0)}) | 1 | – | – |`,
    );
  }
  const cases: [SensitivityKind, GradientMethod][] = [
    ['discrete', 'rodas5p'],
    ['quadrature', 'rodas5p'],
    ['interpolating', 'rodas5p'],
    ['quadrature', 'bdf'],
  ];
  let ref: Float64Array | undefined;
  for (const [kind, method] of cases) {
    let dp = new Float64Array(2);
    const m = measure(() => {
      dp = gradient(problem, { rtol, atol, method, loss, sensitivity: { kind } }).dp;
    });
    ref ??= Float64Array.from(dp);
    const agree = Math.max(...[0, 1].map((j) => Math.abs(dp[j] - ref![j]) / Math.abs(ref![j])));
    rows.push(
      `| ${rtol} | ${kind} | ${method} | ${m.cpu.toFixed(0)} (${m.wall.toFixed(0)}) | ${(m.cpu / forward[method]).toFixed(2)} | ${Array.from(dp, (v) => v.toExponential(6)).join(', ')} | ${agree.toExponential(1)} |`,
    );
  }
}
console.log(
  `bruss2d-${N} (n = ${n}), ${REPEATS} repeat(s) after a warm-up; load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}\n`,
);
console.log(
  '| rtol | run | method | CPU ms (wall) | × forward solve | dL/dp [α, amplitude] | rel. diff. from discrete |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
