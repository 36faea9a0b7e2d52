import { isOdeonError } from '@odeon/ode';
import { describe, expect, it } from 'vitest';
import {
  parsePetabFormula,
  readMeasurementTable,
  readObservableTable,
  readParameterTable,
} from './tables.ts';
import { parseTsv } from './tsv.ts';

const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('PEtab tables', () => {
  it('reads sympy-style formulas: ** as power, log(x, b) as the base-b logarithm', () => {
    expect(parsePetabFormula('x**2', 'f')).toEqual(parsePetabFormula('x^2', 'f'));
    expect(parsePetabFormula('log(x, 2)', 'f')).toEqual({
      type: 'apply',
      op: 'log',
      args: [
        { type: 'number', value: 2 },
        { type: 'symbol', name: 'x' },
      ],
    });
    expect(parsePetabFormula('log(x)', 'f')).toEqual({
      type: 'apply',
      op: 'ln',
      args: [{ type: 'symbol', name: 'x' }],
    });
    expect(parsePetabFormula('catalog(x)', 'f')).toEqual({
      type: 'call',
      name: 'catalog',
      args: [{ type: 'symbol', name: 'x' }],
    });
  });

  it('counts observable and noise placeholders', () => {
    const [o] = readObservableTable(
      parseTsv(
        'observableId\tobservableFormula\tnoiseFormula\tobservableTransformation\tnoiseDistribution\nobs\tobservableParameter2_obs * A + observableParameter1_obs\tnoiseParameter1_obs\tlog10\tlaplace\n',
        'obs.tsv',
      ),
    );
    expect([o.observablePlaceholders, o.noisePlaceholders, o.transformation, o.distribution]).toEqual([
      2,
      1,
      'log10',
      'laplace',
    ]);
  });

  it('refuses bad entries with a typed error naming file, row and column', () => {
    const cases: [() => unknown, string, number, string][] = [
      [
        () =>
          readParameterTable(
            parseTsv(
              'parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate\nk\tlog\t0\t1\t0.5\t1\n',
              'p.tsv',
            ),
          ),
        'p.tsv',
        1,
        'lowerBound',
      ],
      [
        () =>
          readParameterTable(
            parseTsv(
              'parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate\nk\tln\t1\t2\t1\t1\n',
              'p.tsv',
            ),
          ),
        'p.tsv',
        1,
        'parameterScale',
      ],
      [
        () =>
          readMeasurementTable(
            parseTsv(
              'observableId\tsimulationConditionId\ttime\tmeasurement\no\tc\t1\t2\no\tc\tsoon\t1\n',
              'm.tsv',
            ),
          ),
        'm.tsv',
        2,
        'time',
      ],
      [
        () =>
          readObservableTable(
            parseTsv('observableId\tobservableFormula\tnoiseFormula\no\tA +\t1\n', 'o.tsv'),
          ),
        'o.tsv',
        1,
        'observableFormula',
      ],
    ];
    for (const [f, file, row, column] of cases) {
      const e = errorOf(f);
      expect(isOdeonError(e, 'PetabFormatError')).toBe(true);
      expect((e as { context: unknown }).context).toMatchObject({ file, row, column });
    }
  });

  it('reads inf as a steady-state time and semicolon-separated overrides', () => {
    const [m] = readMeasurementTable(
      parseTsv(
        'observableId\tsimulationConditionId\ttime\tmeasurement\tobservableParameters\no\tc\tinf\t2\t1.5;scale\n',
        'm.tsv',
      ),
    );
    expect(m.time).toBe(Number.POSITIVE_INFINITY);
    expect(m.observableParameters).toEqual([
      { kind: 'number', value: 1.5 },
      { kind: 'parameter', id: 'scale' },
    ]);
  });
});
