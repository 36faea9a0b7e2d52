/**
 * Parameter-estimation benchmark: `fit` (L-BFGS on @odeon/ode's `gradient`) on three problems with
 * each sensitivity method. Prints median wall time over `RUNS` runs, loss evaluations, L-BFGS
 * iterations, final loss and the worst relative error of the recovered parameters against the
 * values the data were generated with (A→B→C: analytic solution; Lotka–Volterra and ROBER:
 * ../shared/reference data).
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/train/fit-methods.ts
 */
import { cpus } from 'node:os';
import { gradient, type OdeProblem } from '@odeon/ode';
import { loadReference } from '@odeon/testkit';
// Imported under another name: linters read a bare `fit(...)` as a focused Jasmine test.
import { Dataset, type FitOptions, fit as fitModel } from '@odeon/train';

const RUNS = 3;
type Kind = NonNullable<FitOptions['sensitivity']>;
const KINDS: Kind[] = ['forward', 'quadrature', 'interpolating'];

interface Case {
  readonly name: string;
  readonly problem: OdeProblem;
  readonly data: Dataset;
  readonly truth: readonly number[];
  readonly options: Omit<FitOptions, 'sensitivity' | 'gradient'>;
}

function abcCase(): Case {
  const k1 = 0.7;
  const k2 = 0.25;
  const t = Array.from({ length: 21 }, (_, i) => i);
  const rows = t.map((s) => {
    const a = Math.exp(-k1 * s);
    const b = (k1 / (k2 - k1)) * (Math.exp(-k1 * s) - Math.exp(-k2 * s));
    return [a, b, 1 - a - b];
  });
  return {
    name: 'A→B→C (2 params)',
    problem: {
      rhs: (_t, y, p, d) => {
        d[0] = -p[0] * y[0];
        d[1] = p[0] * y[0] - p[1] * y[1];
        d[2] = p[1] * y[1];
      },
      y0: [1, 0, 0],
      t0: 0,
      t1: 20,
      p: [0.1, 1],
      names: ['A', 'B', 'C'],
    },
    data: new Dataset(['A', 'B', 'C'], [{ t, y: rows }]),
    truth: [k1, k2],
    options: { parameters: [0, 1].map((index) => ({ index, lower: 1e-3, upper: 10 })) },
  };
}

function lotkaCase(): Case {
  const ref = loadReference('lotka');
  // p = [alpha, beta, gamma, delta]: x' = αx − βxy, y' = δxy − γy.
  const p = [ref.params.alpha, ref.params.beta, ref.params.gamma, ref.params.delta];
  return {
    name: 'Lotka–Volterra (4 params)',
    problem: {
      rhs: (_t, y, q, d) => {
        d[0] = q[0] * y[0] - q[1] * y[0] * y[1];
        d[1] = q[3] * y[0] * y[1] - q[2] * y[1];
      },
      y0: ref.y0,
      t0: ref.t0,
      t1: ref.tf,
      p: p.map((v) => v * 1.5),
    },
    data: new Dataset(['x', 'y'], [{ t: ref.times, y: ref.values }]),
    truth: p,
    options: { parameters: p.map((_, index) => ({ index, lower: 1e-2, upper: 100 })) },
  };
}

function roberCase(): Case {
  const ref = loadReference('rober');
  const k = [ref.params.k1, ref.params.k2, ref.params.k3];
  return {
    name: 'ROBER (3 params, stiff)',
    problem: {
      rhs: (_t, y, q, d) => {
        d[0] = -q[0] * y[0] + q[2] * y[1] * y[2];
        d[1] = q[0] * y[0] - q[2] * y[1] * y[2] - q[1] * y[1] * y[1];
        d[2] = q[1] * y[1] * y[1];
      },
      jacobian: (_t, y, q, J) => {
        J[0] = -q[0];
        J[1] = q[2] * y[2];
        J[2] = q[2] * y[1];
        J[3] = q[0];
        J[4] = -q[2] * y[2] - 2 * q[1] * y[1];
        J[5] = -q[2] * y[1];
        J[6] = 0;
        J[7] = 2 * q[1] * y[1];
        J[8] = 0;
      },
      y0: ref.y0,
      t0: ref.t0,
      t1: ref.tf,
      p: [0.1, 1e7, 3e3],
    },
    // Initial conditions come from the first data row (t = 1e-5).
    data: new Dataset(['y1', 'y2', 'y3'], [{ t: ref.times, y: ref.values }]),
    truth: k,
    options: {
      parameters: k.map((_, index) => ({ index, lower: 1e-4, upper: 1e9 })),
      loss: 'scaledMse',
      rtol: 1e-8,
      atol: 1e-14,
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(
  `fit benchmark: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}; median of ${RUNS} runs\n`,
);
console.log(
  '| problem | sensitivity | median wall (s) | evaluations | iterations | final loss | max rel. param error | reason |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const c of [abcCase(), lotkaCase(), roberCase()]) {
  for (const kind of KINDS) {
    const times: number[] = [];
    let last: ReturnType<typeof fitModel> | undefined;
    let failure: string | undefined;
    for (let r = 0; r < RUNS; r++) {
      const start = performance.now();
      try {
        last = fitModel(c.problem, c.data, { ...c.options, sensitivity: kind, gradient });
      } catch (e) {
        failure = (e as Error).message.slice(0, 80);
        break;
      }
      times.push((performance.now() - start) / 1000);
    }
    if (last === undefined || failure !== undefined) {
      console.log(`| ${c.name} | ${kind} | – | – | – | – | – | failed: ${failure} |`);
      continue;
    }
    const err = Math.max(
      ...c.truth.map((v, k) => Math.abs((last as { theta: Float64Array }).theta[k] / v - 1)),
    );
    console.log(
      `| ${c.name} | ${kind} | ${median(times).toFixed(3)} | ${last.evaluations} | ${last.starts[0].iterations} | ${last.value.toExponential(2)} | ${err.toExponential(2)} | ${last.reason} |`,
    );
  }
}
