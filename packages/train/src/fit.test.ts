import { gradient, type OdeProblem, solve } from '@odeon/ode';
import { loadReference, numericGradient } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { addNoise } from './augment.ts';
import { Dataset } from './dataset.ts';
// Imported under another name: linters read a bare `fit(...)` as a focused Jasmine test.
import { fit as fitModel, fitObjective } from './fit.ts';
import { Strategy } from './strategy.ts';
import { train } from './train.ts';

// A → B → C with rates k1, k2 (p = [k1, k2]); analytic solution for A(0) = a0, B(0) = C(0) = 0.
const abc: OdeProblem = {
  rhs: (_t, y, p, dydt) => {
    dydt[0] = -p[0] * y[0];
    dydt[1] = p[0] * y[0] - p[1] * y[1];
    dydt[2] = p[1] * y[1];
  },
  jacobian: (_t, _y, p, J) => {
    J.fill(0);
    J[0] = -p[0];
    J[3] = p[0];
    J[4] = -p[1];
    J[7] = p[1];
  },
  y0: [1, 0, 0],
  t0: 0,
  t1: 20,
  p: [0.1, 0.1],
  names: ['A', 'B', 'C'],
};

function abcExact(t: number, k1: number, k2: number, a0: number): number[] {
  const a = a0 * Math.exp(-k1 * t);
  const b = ((a0 * k1) / (k2 - k1)) * (Math.exp(-k1 * t) - Math.exp(-k2 * t));
  return [a, b, a0 - a - b];
}

const K = [0.7, 0.25];

function abcData(): Dataset {
  const t1 = Array.from({ length: 21 }, (_, i) => i);
  const t2 = [0, 0.5, 1.5, 3, 6, 12];
  const rows1 = t1.map((t) => abcExact(t, K[0], K[1], 1));
  const rows2 = t2.map((t) => abcExact(t, K[0], K[1], 2));
  rows1[5][0] = Number.NaN; // a missing value
  return new Dataset(
    ['A', 'B', 'C'],
    [
      { name: 'a0=1', t: t1, y: rows1 },
      { name: 'a0=2', t: t2, y: rows2 },
    ],
  );
}

describe('fit', () => {
  it('recovers A → B → C rates from exact data (analytic solution), default engine: @odeon/ode gradient, forward', () => {
    const r = fitModel(abc, abcData(), {
      parameterNames: ['k1', 'k2'],
      parameters: [
        { name: 'k1', lower: 1e-3, upper: 10 },
        { name: 'k2', lower: 1e-3, upper: 10 },
      ],
    });
    expect(r.converged).toBe(true);
    expect(r.parameters.k1).toBeCloseTo(K[0], 5);
    expect(r.parameters.k2).toBeCloseTo(K[1], 5);
    expect(r.value).toBeLessThan(1e-12);
    expect(Array.from(r.p)).toEqual([r.parameters.k1, r.parameters.k2]);
  });

  it('parameters named like Object.prototype members are reported under their own names', () => {
    const names = ['__proto__', 'constructor'];
    const r = fitModel(abc, abcData(), {
      parameterNames: names,
      parameters: [
        { name: '__proto__', lower: 1e-3, upper: 10 },
        { name: 'constructor', lower: 1e-3, upper: 10 },
      ],
    });
    expect(Object.keys(r.parameters)).toEqual(names);
    expect(Object.keys(r.standardErrors ?? {})).toEqual(names);
    expect(Object.getOwnPropertyDescriptor(r.parameters, '__proto__')?.value).toBeCloseTo(K[0], 5);
    expect(Object.getOwnPropertyDescriptor(r.parameters, 'constructor')?.value).toBeCloseTo(K[1], 5);
    expect(JSON.parse(JSON.stringify(r.parameters))).toEqual(
      JSON.parse(`{"__proto__": ${r.p[0]}, "constructor": ${r.p[1]}}`),
    );
  });

  it('the objective gradient matches central differences of its value', () => {
    const obj = fitObjective(abc, abcData(), {
      parameters: [0, { index: 1, lower: 0 }],
      gradient,
      rtol: 1e-10,
      atol: 1e-12,
    });
    const u = Float64Array.of(0.4, Math.log(0.5));
    const g = obj.evaluate(u).grad;
    const fd = numericGradient((x) => obj.evaluate(x).value, u, 1e-5);
    for (let k = 0; k < 2; k++) expect(Math.abs(g[k] - fd[k])).toBeLessThan(1e-5 * Math.abs(fd[k]) + 1e-9);
  });

  // Lotka–Volterra: x' = αx − βxy, y' = δxy − γy, p = [α, β, δ, γ].
  const lotka: OdeProblem = {
    rhs: (_t, y, p, d) => {
      d[0] = p[0] * y[0] - p[1] * y[0] * y[1];
      d[1] = p[2] * y[0] * y[1] - p[3] * y[1];
    },
    y0: [1, 1],
    t0: 0,
    t1: 10,
    p: [1.5, 1, 1, 3],
    names: ['prey', 'predator'],
  };
  const truth = [1.5, 1, 1, 3];
  const lvData = () => {
    const t = Array.from({ length: 41 }, (_, i) => i * 0.25);
    const sol = solve(lotka, { saveAt: t, rtol: 1e-11, atol: 1e-12, method: 'rodas5p' });
    return new Dataset(['prey', 'predator'], [{ name: 'lv', t, y: sol.y }]);
  };

  it('recovers Lotka–Volterra parameters with multi-start from poor guesses within bounds', () => {
    const r = fitModel({ ...lotka, p: [1, 1, 1, 1] }, lvData(), {
      parameterNames: ['alpha', 'beta', 'delta', 'gamma'],
      parameters: ['alpha', 'beta', 'delta', 'gamma'].map((name) => ({ name, lower: 0.1, upper: 10 })),
      multiStart: 4,
      seed: 2,
      gradient,
    });
    expect(r.starts).toHaveLength(4);
    expect(r.value).toBeLessThan(1e-12);
    for (let k = 0; k < 4; k++) expect(r.theta[k]).toBeCloseTo(truth[k], 4);
  });

  it('fits noisy data to within the noise and is reproducible', () => {
    const noisy = addNoise(lvData(), { relative: 0.02, seed: 1 });
    const opts = {
      parameterNames: ['alpha', 'beta', 'delta', 'gamma'],
      parameters: ['alpha', 'beta', 'delta', 'gamma'].map((name) => ({ name, lower: 0.1, upper: 10 })),
      gradient,
    };
    const a = fitModel({ ...lotka, p: [1.2, 0.8, 1.2, 2.5] }, noisy, opts);
    const b = fitModel({ ...lotka, p: [1.2, 0.8, 1.2, 2.5] }, noisy, opts);
    expect(Array.from(b.theta)).toEqual(Array.from(a.theta));
    for (let k = 0; k < 4; k++) expect(Math.abs(a.theta[k] / truth[k] - 1)).toBeLessThan(0.05);
  });

  it('also trains with Adam through train() and the fit objective', async () => {
    const obj = fitObjective(abc, abcData(), {
      parameterNames: ['k1', 'k2'],
      parameters: [
        { name: 'k1', lower: 1e-3, upper: 10 },
        { name: 'k2', lower: 1e-3, upper: 10 },
      ],
      gradient,
      rtol: 1e-6,
      atol: 1e-8,
    });
    const strategy = new Strategy().addStep({ lr: 0.1, steps: 300, schedule: { kind: 'cosine' } });
    const r = await train(obj.asTrainObjective(), obj.toU([0.3, 0.5]), strategy, { datasetSize: 2 });
    const theta = obj.toTheta(r.params);
    expect(theta[0]).toBeCloseTo(K[0], 2);
    expect(theta[1]).toBeCloseTo(K[1], 2);
  });

  it('recovers the ROBER rate constants (0.04, 3e7, 1e4) from the shared reference trajectory', () => {
    // Data: the Radau/CVODES reference at 50 log-spaced times in [1e-5, 1e5]; starts 2.5× to 3× off.
    const ref = loadReference('rober');
    const rober: OdeProblem = {
      rhs: (_t, y, q, d) => {
        d[0] = -q[0] * y[0] + q[2] * y[1] * y[2];
        d[1] = q[0] * y[0] - q[2] * y[1] * y[2] - q[1] * y[1] * y[1];
        d[2] = q[1] * y[1] * y[1];
      },
      y0: ref.y0,
      t0: ref.t0,
      t1: ref.tf,
      p: [0.1, 1e7, 3e3],
      names: ['y1', 'y2', 'y3'],
    };
    const data = new Dataset(['y1', 'y2', 'y3'], [{ t: ref.times, y: ref.values }]);
    const r = fitModel(rober, data, {
      parameterNames: ['k1', 'k2', 'k3'],
      parameters: ['k1', 'k2', 'k3'].map((name) => ({ name, lower: 1e-4, upper: 1e9 })),
      loss: 'scaledMse',
      rtol: 1e-8,
      atol: 1e-14,
      gradient,
    });
    expect(Math.abs(r.parameters.k1 / 0.04 - 1)).toBeLessThan(1e-6);
    expect(Math.abs(r.parameters.k2 / 3e7 - 1)).toBeLessThan(1e-6);
    expect(Math.abs(r.parameters.k3 / 1e4 - 1)).toBeLessThan(1e-6);
  });

  it('standard errors match the closed form for exponential decay', () => {
    // y' = −k y, y(0) = 1; data e^{−0.3 t} + noise at t = 1..20. With residuals r_i = e^{−k t_i} − y_i:
    // ∂r/∂k = −t e^{−kt}, ∂²r/∂k² = t² e^{−kt}; ∇²L = (2/N) Σ (∂r² + r ∂²r) over N = 21 observed values;
    // σ̂² = SSR/(20 − 1); SE = sqrt(σ̂² (2/N) / ∇²L).
    const decay: OdeProblem = {
      rhs: (_t, y, p, d) => {
        d[0] = -p[0] * y[0];
      },
      y0: [1],
      t0: 0,
      t1: 20,
      p: [0.5],
      names: ['y'],
    };
    const t = Array.from({ length: 21 }, (_, i) => i);
    const noise = [
      0, 0.012, -0.008, 0.005, 0.011, -0.013, 0.002, -0.004, 0.009, -0.01, 0.006, 0.001, -0.007, 0.004,
      -0.002, 0.008, -0.005, 0.003, -0.009, 0.007, -0.001,
    ];
    const y = t.map((s, i) => Math.exp(-0.3 * s) + noise[i]);
    const data = new Dataset(['y'], [{ t, y: y.map((v) => [v]) }]);
    const r = fitModel(decay, data, { parameters: [{ index: 0, lower: 0 }], rtol: 1e-11, atol: 1e-13 });
    const k = r.theta[0];
    let ssr = 0;
    let h = 0;
    let jtj = 0;
    for (let i = 1; i < t.length; i++) {
      const e = Math.exp(-k * t[i]);
      const res = e - y[i];
      ssr += res * res;
      jtj += (t[i] * e) ** 2;
      h += (t[i] * e) ** 2 + res * t[i] * t[i] * e;
    }
    const N = 21;
    const sigma2 = ssr / 19;
    const seExact = Math.sqrt((sigma2 * (2 / N)) / ((2 / N) * h));
    const se = r.standardErrors?.['p[0]'] as number;
    expect(Math.abs(se / seExact - 1)).toBeLessThan(1e-4);
    // And close to the pure Gauss–Newton value (small residuals).
    expect(Math.abs(se / Math.sqrt(sigma2 / jtj) - 1)).toBeLessThan(0.1);
    expect(r.covariance?.[0]).toBeCloseTo(se * se, 15);
  });

  it('validates inputs with typed errors', () => {
    const d = abcData();
    const base = { gradient, parameterNames: ['k1', 'k2'] } as const;
    expect(() => fitModel(abc, d, { ...base, parameters: ['k3'] })).toThrowError(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
    expect(() => fitModel(abc, d, { ...base, parameters: [] })).toThrowError(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
    expect(() =>
      fitModel(abc, d, { ...base, parameters: [{ name: 'k1', lower: 1, upper: 2 }] }),
    ).toThrowError(
      expect.objectContaining({ context: expect.objectContaining({ option: 'parameters.k1.initial' }) }),
    );
    const other = new Dataset(['A', 'D'], [{ t: [0, 1], y: [1, 0, 0.5, 0.5] }]);
    expect(() => fitModel(abc, other, { ...base, parameters: ['k1'] })).toThrowError(
      expect.objectContaining({ code: 'DatasetError', context: expect.objectContaining({ column: 'D' }) }),
    );
  });

  it('treats solver failures as an infinite loss so L-BFGS backs off', () => {
    // Blows up in finite time when k > 1: y' = k·y², y(0) = 1 → y = 1/(1 − k t), singular at t = 1/k.
    const blow: OdeProblem = {
      rhs: (_t, y, p, d) => {
        d[0] = p[0] * y[0] * y[0];
      },
      y0: [1],
      t0: 0,
      t1: 0.9,
      p: [0.5],
      names: ['y'],
    };
    const t = [0, 0.3, 0.6, 0.9];
    const data = new Dataset(['y'], [{ t, y: t.map((s) => 1 / (1 - 0.5 * s)) }]);
    const obj = fitObjective(blow, data, { parameters: [0], gradient });
    expect(obj.evaluate(Float64Array.of(1.5)).value).toBe(Number.POSITIVE_INFINITY);
    const r = fitModel({ ...blow, p: [0.9] }, data, { parameters: [0], gradient });
    expect(r.theta[0]).toBeCloseTo(0.5, 6);
  });
});
