import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allclose } from './allclose.ts';
import { stableMatrix, wellConditionedMatrix } from './arbitraries.ts';
import { gradcheck, numericJacobian } from './gradcheck.ts';
import { loadReference, REFERENCE_PROBLEMS } from './reference.ts';
import { loadSbmlSuiteCase, loadSbmlSuiteIndex, parseSuiteResults } from './sbml-suite.ts';

describe('allclose', () => {
  it('accepts values within atol + rtol|expected| and rejects values outside', () => {
    expect(allclose([1, 2], [1 + 1e-8, 2], { rtol: 1e-7 }).pass).toBe(true);
    const bad = allclose([1, 2.1], [1, 2], { rtol: 1e-3 });
    expect(bad.pass).toBe(false);
    expect(bad.worstIndex).toBe(1);
  });
  it('treats NaN as unequal unless asked, and infinities by identity', () => {
    expect(allclose([Number.NaN], [Number.NaN]).pass).toBe(false);
    expect(allclose([Number.NaN], [Number.NaN], { equalNan: true }).pass).toBe(true);
    expect(allclose([Number.POSITIVE_INFINITY], [Number.POSITIVE_INFINITY]).pass).toBe(true);
    expect(allclose([Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY]).pass).toBe(false);
  });
  it('registers the toBeAllclose matcher with both polarities', () => {
    expect([1, 2, 3]).toBeAllclose([1, 2, 3 + 1e-12], { rtol: 1e-10 });
    expect([1, 2, 3]).not.toBeAllclose([1, 2, 4], { rtol: 1e-3 });
    expect(() => expect([1]).toBeAllclose([2])).toThrow(/worst at \[0\]/);
  });
});

describe('gradcheck', () => {
  it('passes a correct gradient and fails a wrong one', () => {
    const f = (x: Float64Array) => Math.sin(x[0]) * x[1] ** 2;
    const good = (x: Float64Array) => [Math.cos(x[0]) * x[1] ** 2, 2 * Math.sin(x[0]) * x[1]];
    const bad = (x: Float64Array) => [Math.cos(x[0]) * x[1] ** 2, 2 * Math.sin(x[0]) * x[1] + 1e-3];
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        (a, b) => {
          expect(gradcheck(f, good, [a, b]).pass).toBe(true);
          expect(gradcheck(f, bad, [a, b]).pass).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });
  it('numericJacobian matches the linear map it differentiates', () => {
    const { J } = numericJacobian((x) => [2 * x[0] + 3 * x[1], -x[1]], [0.3, 0.7]);
    expect(J).toBeAllclose([2, 3, 0, -1], { rtol: 1e-9, atol: 1e-9 });
  });
});

describe('arbitraries', () => {
  it('wellConditionedMatrix is strictly diagonally dominant', () => {
    fc.assert(
      fc.property(wellConditionedMatrix(4), (a) => {
        for (let i = 0; i < 4; i++) {
          let off = 0;
          for (let j = 0; j < 4; j++) if (j !== i) off += Math.abs(a[i * 4 + j]);
          expect(Math.abs(a[i * 4 + i])).toBeGreaterThan(off);
        }
      }),
    );
  });
  it('stableMatrix has a negative-definite symmetric part', () => {
    fc.assert(
      fc.property(
        stableMatrix(3),
        fc.tuple(
          fc.double({ min: -1, max: 1, noNaN: true }),
          fc.double({ min: -1, max: 1, noNaN: true }),
          fc.double({ min: 0.1, max: 1, noNaN: true }),
        ),
        (a, v) => {
          let q = 0;
          for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) q += v[i] * a[i * 3 + j] * v[j];
          expect(q).toBeLessThan(0);
        },
      ),
    );
  });
});

describe('shared data loaders', () => {
  it('loads every reference problem with 50 output times', () => {
    for (const name of REFERENCE_PROBLEMS) {
      const ref = loadReference(name);
      expect(ref.times).toHaveLength(50);
      expect(ref.values[0]).toHaveLength(ref.y0.length);
    }
    expect(loadReference('rober').gradients?.per_component.functionals).toHaveLength(3);
  });
  it('parses suite results with NaN and infinities', () => {
    const r = parseSuiteResults('time, a,b\n0,NaN,INF\n1,-inf,2\n');
    expect(r.header).toEqual(['time', 'a', 'b']);
    expect(r.rows[0][1]).toBeNaN();
    expect(r.rows[1][1]).toBe(Number.NEGATIVE_INFINITY);
  });
  it('loads the SBML suite sample index and a case', () => {
    const index = loadSbmlSuiteIndex();
    expect(index.cases.length).toBe(index.caseCount);
    const c = loadSbmlSuiteCase('00001');
    expect(c.sbml).toContain('<sbml');
    expect(c.results.rows.length).toBeGreaterThan(1);
    expect(c.entry.settingsFile).toMatch(/settings\.txt$/);
  });
});
