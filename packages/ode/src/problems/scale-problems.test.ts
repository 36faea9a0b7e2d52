import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { numericJacobian, sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { isOdeonError } from '../errors.ts';
import { validatePattern } from '../linalg/sparsity.ts';
import { bruss2d, chain, type ScaleProblem } from './index.ts';

const scaleDir = join(sharedDir(), 'peers', 'scale');
const spec = JSON.parse(readFileSync(join(scaleDir, 'problems-scale.json'), 'utf8')) as {
  problems: {
    name: string;
    sizes: Record<string, { nnz_jacobian: number; source_points_ij?: number[][] }>;
  }[];
};
const sizesOf = (name: string) => spec.problems.find((p) => p.name === name)?.sizes ?? {};
const reference = (key: string) =>
  JSON.parse(readFileSync(join(scaleDir, `reference-${key}.json`), 'utf8')) as { values: number[][] };

function denseOf(prob: ScaleProblem, t: number, y: Float64Array): Float64Array {
  const { n, rowPtr, colIdx } = prob.jacobianSparsity;
  const values = new Float64Array(rowPtr[n]);
  prob.sparseJacobian(t, y, prob.p, values);
  const J = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) J[i * n + colIdx[q]] = values[q];
  return J;
}

describe.each([
  ['bruss2d', 32, () => bruss2d({ N: 32 }), 'bruss2d-32'],
  ['bruss2d', 64, () => bruss2d({ N: 64 }), undefined],
  ['chain', 500, () => chain({ n: 500 }), 'chain-500'],
  ['chain', 2000, () => chain({ n: 2000 }), undefined],
] as const)('%s size %i (problems-scale.json)', (name, size, make, refKey) => {
  const prob = make();
  it('has a valid CSR pattern with the specified number of non-zeros', () => {
    validatePattern(prob.jacobianSparsity, prob.y0.length);
    expect(prob.jacobianSparsity.rowPtr[prob.y0.length]).toBe(sizesOf(name)[String(size)].nnz_jacobian);
  });
  if (refKey !== undefined) {
    it('starts from the reference initial values', () => {
      expect(prob.y0).toBeAllclose(reference(refKey).values[0], { rtol: 1e-14, atol: 1e-14 });
    });
  }
});

describe('analytic sparse Jacobians against central differences (small sizes)', () => {
  it.each([
    ['bruss2d N = 5', bruss2d({ N: 5 }), 2],
    ['bruss2d N = 4 with the source on', bruss2d({ N: 4, source: 'on' }), 2],
    ['chain n = 20', chain({ n: 20 }), 0],
  ] as const)('%s', (_name, prob, t) => {
    const n = prob.y0.length;
    const y = Float64Array.from(prob.y0, (v, i) => v + 0.1 + 0.01 * i);
    const fd = numericJacobian((x) => {
      const out = new Float64Array(n);
      prob.rhs(t, x, prob.p, out);
      return out;
    }, y).J;
    const J = denseOf(prob, t, y);
    const scale = Math.max(...Array.from(fd, Math.abs));
    expect(J).toBeAllclose(fd, { rtol: 1e-6, atol: 1e-7 * scale });
    // ∂f/∂p too
    const np = prob.p.length;
    const Jp = new Float64Array(n * np);
    prob.paramJacobian?.(t, y, prob.p, Jp);
    const fdp = numericJacobian((pp) => {
      const out = new Float64Array(n);
      prob.rhs(t, y, pp, out);
      return out;
    }, prob.p).J;
    expect(Jp).toBeAllclose(fdp, { rtol: 1e-6, atol: 1e-6 * Math.max(1, ...Array.from(fdp, Math.abs)) });
  });
});

describe('bruss2d source disc', () => {
  it.each([32, 64, 128])('N = %i has exactly the source points of problems-scale.json', (N) => {
    const prob = bruss2d({ N, source: 'on' });
    const n = prob.y0.length;
    const zero = new Float64Array(n);
    const f = new Float64Array(n);
    prob.rhs(2, zero, prob.p, f);
    const points: number[][] = [];
    for (let g = 0; g < N * N; g++) if (f[2 * g] === 1 + 5) points.push([Math.floor(g / N), g % N]);
    expect(points).toEqual(sizesOf('bruss2d')[String(N)].source_points_ij);
  });

  it('refuses bad sizes with InvalidOption', () => {
    for (const bad of [() => bruss2d({ N: 2 }), () => chain({ n: 501 }), () => chain({ n: 2 })])
      expect(() => bad()).toThrowError(expect.objectContaining({ code: 'InvalidOption' }));
    expect(isOdeonError(new Error('x'))).toBe(false);
  });
});
