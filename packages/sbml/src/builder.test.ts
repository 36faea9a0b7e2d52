import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOdeonError } from '@odeon/ode';
import { loadSbmlSuiteCase, loadSbmlSuiteIndex } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { buildModel, ModelBuilder, parseModelJson, parseReactionEquation } from './builder.ts';
import { compileModel } from './compile.ts';
import { parseFormula } from './formula.ts';
import { parseSbml } from './sbml-reader.ts';
import { writeSbml } from './sbml-writer.ts';
import { simulate } from './simulate.ts';
import {
  compareSuiteResults,
  formatSuiteCsv,
  parseSuiteCsv,
  parseSuiteSettings,
  simulateSuiteCase,
} from './suite.ts';

function evalFormula(text: string, params: Record<string, number> = {}): number {
  const model = new ModelBuilder('f');
  for (const [k, v] of Object.entries(params)) model.parameter(k, v);
  model.parameter('out', 0, { constant: false }).assignmentRule('out', text);
  const m = compileModel(model.build());
  return m.observer(['out'])(new Float64Array(1), 0.25, new Float64Array(0), m.p)[0];
}

describe('parseFormula', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['-2 ^ 2', -4],
    ['8 / 4 / 2', 1],
    ['10 - 4 - 3', 3],
    ['1 < 2 && 2 < 1', 0],
    ['1 < 2 || 2 < 1', 1],
    ['!(1 > 2)', 1],
    ['piecewise(5, 1 > 2, 7, 2 > 1, 9)', 7],
    ['piecewise(5, 1 > 2, 9)', 9],
    ['log(exponentiale)', 1],
    ['log10(1000)', 3],
    ['log(2, 8)', 3],
    ['sqrt(16) + root(3, 27)', 7],
    ['min(3, 1, 2) + max(3, 1, 2)', 4],
    ['rem(7, 3) + quotient(7, 2)', 4],
    ['factorial(5)', 120],
    ['ceil(1.2) + floor(1.8)', 3],
    ['abs(-3)', 3],
    ['time', 0.25],
    ['2e-3 * 1000', 2],
  ])('%s = %d', (text, expected) => {
    expect(evalFormula(text)).toBeCloseTo(expected, 12);
  });
  it('evaluates trigonometric and hyperbolic functions like Math', () => {
    expect(evalFormula('sin(x) + cos(x) + tan(x)', { x: 0.3 })).toBeCloseTo(
      Math.sin(0.3) + Math.cos(0.3) + Math.tan(0.3),
      14,
    );
    expect(evalFormula('sec(x) * csc(x) * cot(x)', { x: 0.3 })).toBeCloseTo(
      1 / Math.cos(0.3) / Math.sin(0.3) / Math.tan(0.3),
      12,
    );
    expect(evalFormula('asinh(x) + acosh(1 + x) + atanh(x)', { x: 0.3 })).toBeCloseTo(
      Math.asinh(0.3) + Math.acosh(1.3) + Math.atanh(0.3),
      14,
    );
    expect(evalFormula('arcsec(2) + arccsc(2) + arccot(2)')).toBeCloseTo(
      Math.acos(0.5) + Math.asin(0.5) + Math.atan(0.5),
      14,
    );
  });
  it('reports errors with their position', () => {
    expect(() => parseFormula('k1 * (A + ', 'rate')).toThrow(/rate: .* at position/);
    expect(() => parseFormula('k1 # A')).toThrow(expect.objectContaining({ code: 'ModelFormatError' }));
    expect(() => parseFormula('sqrt(1, 2)')).toThrow(/sqrt takes 1 argument/);
  });
});

describe('parseReactionEquation', () => {
  it('reads stoichiometries, sources, sinks and reversibility', () => {
    expect(parseReactionEquation('2 A + B -> C')).toEqual({
      reactants: [
        { species: 'A', stoichiometry: 2 },
        { species: 'B', stoichiometry: 1 },
      ],
      products: [{ species: 'C', stoichiometry: 1 }],
      reversible: false,
    });
    expect(parseReactionEquation('-> A').reactants).toEqual([]);
    expect(parseReactionEquation('A <-> 0.5 B').reversible).toBe(true);
    expect(parseReactionEquation('A ->').products).toEqual([]);
    expect(() => parseReactionEquation('A + -> B')).toThrow(
      expect.objectContaining({ code: 'ModelFormatError' }),
    );
    expect(() => parseReactionEquation('A = B')).toThrow(/no arrow/);
  });
});

describe('builder and JSON format', () => {
  it('a builder model simulates mass action 2A -> B analytically', () => {
    // dA/dt = −2kA², A(t) = A0/(1 + 2k A0 t)
    const m = compileModel(
      new ModelBuilder('dimer')
        .species('A', 1)
        .species('B', 0)
        .parameter('k', 0.5)
        .reaction('2 A -> B', 'k*A^2')
        .build(),
    );
    const c = simulate(m, { t1: 2, steps: 2, rtol: 1e-10, atol: 1e-12 });
    expect(c.values[2 * 2]).toBeCloseTo(1 / (1 + 2 * 0.5 * 2), 9);
    expect(c.values[2 * 2 + 1]).toBeCloseTo((1 - 1 / 3) / 2, 9);
  });

  it('JSON, builder and SBML forms of suite case 00001 compile to the same system', () => {
    const sbml = compileModel(parseSbml(loadSbmlSuiteCase('00001').sbml));
    const json = compileModel(
      parseModelJson(
        JSON.stringify({
          id: 'case00001',
          compartments: [{ id: 'compartment', size: 1 }],
          species: [
            { id: 'S1', initial: 0.00015, amount: true, compartment: 'compartment' },
            { id: 'S2', initial: 0, amount: true, compartment: 'compartment' },
          ],
          parameters: { k1: 1 },
          reactions: [{ id: 'reaction1', equation: 'S1 -> S2', rate: 'compartment * k1 * S1' }],
        }),
      ),
    );
    const built = compileModel(
      new ModelBuilder('case00001')
        .compartment('compartment', 1)
        .species('S1', 0.00015, { amount: true })
        .species('S2', 0, { amount: true })
        .parameter('k1', 1)
        .reaction('S1 -> S2', 'compartment * k1 * S1', { id: 'reaction1' })
        .build(),
    );
    for (const m of [json, built]) {
      expect(m.stateIds).toEqual(sbml.stateIds);
      expect(Array.from(m.y0)).toEqual(Array.from(sbml.y0));
      const a = new Float64Array(2);
      const b = new Float64Array(2);
      m.rhs(0.1, Float64Array.of(1, 2), m.p, a);
      sbml.rhs(0.1, Float64Array.of(1, 2), sbml.p, b);
      expect(Array.from(a)).toEqual(Array.from(b));
    }
  });

  it('rejects malformed specs with ModelFormatError naming the element', () => {
    expect(() =>
      parseModelJson('{"species": {"A": 1}, "reactions": [{"equation": "A -> B", "rate": "k*"}]}'),
    ).toThrow(/rate of r1/);
    expect(() => parseModelJson('{not json')).toThrow(expect.objectContaining({ code: 'ModelFormatError' }));
    expect(() => buildModel({ species: [{ id: '1bad' }] })).toThrow(/Invalid species id/);
    let caught: unknown;
    try {
      buildModel({
        species: { A: 1 },
        rules: [{ type: 'algebraic' as 'rate', variable: 'A', formula: '1' }],
      });
    } catch (error) {
      caught = error;
    }
    expect(isOdeonError(caught, 'ModelFormatError')).toBe(true);
  });
});

describe('writeSbml (export to SBML L3V2)', () => {
  const cases = loadSbmlSuiteIndex().cases.filter((c) => c.plainOde || c.group === 'reject:event');
  it.each(cases.map((c) => [c.id]))(
    'case %s round-trips through L3V2 export and still passes the suite',
    (id) => {
      const c = loadSbmlSuiteCase(id);
      const exported = writeSbml(parseSbml(c.sbml));
      expect(exported).toContain('level="3" version="2"');
      const settings = parseSuiteSettings(readFileSync(join(c.dir, c.entry.settingsFile), 'utf8'));
      const course = simulateSuiteCase(exported, settings);
      const expected = parseSuiteCsv(readFileSync(join(c.dir, c.entry.resultsFile), 'utf8'));
      expect(
        compareSuiteResults(
          expected,
          parseSuiteCsv(formatSuiteCsv(course)),
          settings.absolute,
          settings.relative,
        ).pass,
      ).toBe(true);
    },
  );
  it('exports a builder model that re-imports to the same system, escaping names', () => {
    const model = new ModelBuilder('m')
      .species('A', 2, { name: 'A & "<b>"' })
      .parameter('k', 0.3)
      .reaction('A -> 2 B', 'k*A')
      .species('B', 0)
      .build();
    const back = parseSbml(writeSbml(model));
    expect(back.species[0].name).toBe('A & "<b>"');
    const a = compileModel(model);
    const b = compileModel(back);
    const da = new Float64Array(2);
    const db = new Float64Array(2);
    a.rhs(0, a.y0, a.p, da);
    b.rhs(0, b.y0, b.p, db);
    expect(Array.from(db)).toEqual(Array.from(da));
  });
});
