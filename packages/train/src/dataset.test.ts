import { isOdeonError, type OdeonError, type OdeonErrorCode } from '@odeon/ode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addNoise } from './augment.ts';
import { parseCsv, toCsv } from './csv.ts';
import { Dataset } from './dataset.ts';
import { splitDataset } from './split.ts';

function catchError<C extends OdeonErrorCode = 'DatasetError'>(
  f: () => unknown,
  code: C = 'DatasetError' as C,
): OdeonError<C> {
  try {
    f();
  } catch (e) {
    if (isOdeonError(e, code)) return e;
    throw e;
  }
  throw new Error('expected an OdeonError');
}

const CSV = `measurement,time,A,B
run1,0,1,0
run1,1,0.6,0.4
run1,2,,0.6
run2,0,2,0
run2,0.5,1.5,NaN
`;

describe('Dataset', () => {
  it('accepts rows or flat arrays and defaults y0 to the first row', () => {
    const d = new Dataset(
      ['A', 'B'],
      [
        {
          name: 'r',
          t: [0, 1],
          y: [
            [1, 2],
            [3, Number.NaN],
          ],
        },
        { t: [0, 2, 5], y: [0, 1, 2, 3, 4, 5], y0: [0, Number.NaN] },
      ],
    );
    expect(d.size).toBe(2);
    expect(Array.from(d.measurements[0].y0)).toEqual([1, 2]);
    expect(d.measurements[1].name).toBe('m1');
    expect(Number.isNaN(d.measurements[1].y0[1])).toBe(true);
    expect(d.observedCount).toBe(9);
  });

  it('yScale is max − min per species over observed values (1 for constant species)', () => {
    const d = new Dataset(
      ['A', 'B', 'C'],
      [
        {
          t: [0, 1],
          y: [
            [1, 5, 2],
            [3, Number.NaN, 2],
          ],
        },
        { t: [0], y: [[-1, 7, 2]] },
      ],
    );
    expect(Array.from(d.yScale())).toEqual([4, 2, 1]);
    expect(d.tScale()).toBe(1);
  });

  it('truncate keeps the first fraction of each series (at least two points)', () => {
    const d = new Dataset(['A'], [{ t: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], y: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }]);
    expect(Array.from(d.truncate(0.3).measurements[0].t)).toEqual([0, 1, 2]);
    expect(d.truncate(0.01).measurements[0].t.length).toBe(2);
    expect(d.truncate(1)).toBe(d);
  });

  it('rejects malformed input with DatasetError naming the place', () => {
    expect(catchError(() => new Dataset(['A', 'A'], [{ t: [0], y: [1, 2] }])).context.column).toBe('A');
    const e = catchError(() => new Dataset(['A'], [{ name: 'x', t: [0, 0], y: [1, 2] }]));
    expect(e.code).toBe('DatasetError');
    expect(e.context.measurement).toBe('x');
    expect(e.message).toMatch(/strictly increasing/);
    expect(
      catchError(() => new Dataset(['A', 'B'], [{ t: [0], y: [1, Number.POSITIVE_INFINITY] }])).context
        .column,
    ).toBe('B');
    expect(catchError(() => new Dataset(['A'], [{ t: [0, 1], y: [1] }])).code).toBe('DatasetError');
    expect(catchError(() => new Dataset(['A'], [])).code).toBe('DatasetError');
  });

  it('JSON round trip is exact, NaN included', () => {
    const d = parseCsv(CSV);
    const back = Dataset.fromJSON(JSON.parse(JSON.stringify(d.toJSON())));
    expect(back.toJSON()).toEqual(d.toJSON());
    expect(Number.isNaN(back.measurements[0].y[4])).toBe(true);
  });
});

describe('CSV', () => {
  it('parses grouped measurements, missing values and initial conditions', () => {
    const d = parseCsv(CSV);
    expect(d.species).toEqual(['A', 'B']);
    expect(d.measurements.map((m) => m.name)).toEqual(['run1', 'run2']);
    const r1 = d.measurements[0];
    expect(Array.from(r1.t)).toEqual([0, 1, 2]);
    expect(Array.from(r1.y0)).toEqual([1, 0]);
    expect(Number.isNaN(r1.y[4])).toBe(true);
    expect(Number.isNaN(d.measurements[1].y[3])).toBe(true);
  });

  it('sorts rows by time, ignores comments, blank lines and CRLF, reads quoted fields', () => {
    const d = parseCsv('# data\r\nmeasurement,time,"A, total"\r\n\r\n"r ""1""",2,3\r\n"r ""1""",1e-3,4\r\n');
    expect(d.species).toEqual(['A, total']);
    expect(d.measurements[0].name).toBe('r "1"');
    expect(Array.from(d.measurements[0].t)).toEqual([1e-3, 2]);
    expect(Array.from(d.measurements[0].y)).toEqual([4, 3]);
  });

  it('names the row and column of malformed input', () => {
    expect(catchError(() => parseCsv('time,A\n0,1\n')).context.row).toBe(1);
    const bad = catchError(() => parseCsv('measurement,time,A,B\nr,0,1,2\nr,1,x1,2\n'));
    expect(bad.code).toBe('DatasetError');
    expect(bad.context).toMatchObject({ row: 3, column: 'A' });
    expect(catchError(() => parseCsv('measurement,time,A\nr,0,1,2\n')).context.row).toBe(2);
    expect(catchError(() => parseCsv('measurement,time,A\nr,abc,1\n')).context).toMatchObject({
      row: 2,
      column: 'time',
    });
    expect(catchError(() => parseCsv('measurement,time,A\nr,1,1\n\nr,1,2\n')).context.row).toBe(4);
    expect(catchError(() => parseCsv('')).code).toBe('DatasetError');
    expect(catchError(() => parseCsv('measurement,time,A\n')).code).toBe('DatasetError');
    expect(catchError(() => parseCsv('measurement,time,A\nr,1,0x10\n')).context.column).toBe('A');
  });

  it('export → parse is the identity on any dataset (property)', () => {
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(Number.NaN));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.infiniteStream(value),
        (n, lengths, values) => {
          const it = values[Symbol.iterator]();
          const species = Array.from({ length: n }, (_, j) => `S${j}`);
          const ms = lengths.map((nt, k) => ({
            name: `m,${k}`,
            t: Array.from({ length: nt }, (_, i) => i * 0.1 + k),
            y: Array.from({ length: nt * n }, () => it.next().value as number),
          }));
          const d = new Dataset(species, ms);
          const back = parseCsv(toCsv(d));
          expect(back.species).toEqual(d.species);
          for (let k = 0; k < d.size; k++) {
            expect(back.measurements[k].name).toBe(d.measurements[k].name);
            expect(Array.from(back.measurements[k].t)).toEqual(Array.from(d.measurements[k].t));
            expect(Array.from(back.measurements[k].y)).toEqual(Array.from(d.measurements[k].y));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('splitDataset', () => {
  const many = new Dataset(
    ['A'],
    Array.from({ length: 10 }, (_, k) => ({ name: `m${k}`, t: [0, 1], y: [k, k + 1] })),
  );

  it('splits by measurement: disjoint, complete, seeded', () => {
    const { train, validation } = splitDataset(many, { validationFraction: 0.3, seed: 5 });
    expect(validation.size).toBe(3);
    expect(train.size).toBe(7);
    const names = [...train.measurements, ...validation.measurements].map((m) => m.name).sort();
    expect(names).toEqual(many.measurements.map((m) => m.name).sort());
    const again = splitDataset(many, { validationFraction: 0.3, seed: 5 });
    expect(again.validation.measurements.map((m) => m.name)).toEqual(
      validation.measurements.map((m) => m.name),
    );
  });

  it('splits by point: complementary masks, initial point on both sides', () => {
    const d = new Dataset(
      ['A', 'B'],
      [{ t: Array.from({ length: 50 }, (_, i) => i), y: Array.from({ length: 100 }, (_, i) => i) }],
    );
    const { train, validation } = splitDataset(d, { by: 'point', validationFraction: 0.4, seed: 1 });
    const yt = train.measurements[0].y;
    const yv = validation.measurements[0].y;
    expect(yt[0]).toBe(0);
    expect(yv[0]).toBe(0);
    let held = 0;
    for (let i = 2; i < 100; i++) {
      expect(Number.isNaN(yt[i]) !== Number.isNaN(yv[i])).toBe(true);
      if (Number.isNaN(yt[i])) held++;
    }
    expect(held / 98).toBeGreaterThan(0.2);
    expect(held / 98).toBeLessThan(0.6);
  });

  it('rejects a measurement split of a single series and bad fractions', () => {
    const one = many.subset([0]);
    expect(catchError(() => splitDataset(one)).code).toBe('DatasetError');
    expect(catchError(() => splitDataset(many, { validationFraction: 1 }), 'InvalidOption').code).toBe(
      'InvalidOption',
    );
  });
});

describe('addNoise', () => {
  const d = new Dataset(
    ['A', 'B'],
    [
      {
        name: 'r',
        t: Array.from({ length: 2001 }, (_, i) => i),
        y: Array.from({ length: 4002 }, (_, i) => (i % 2 ? 10 : Number.NaN)),
      },
    ],
  );

  it('adds N(0, σ²) noise with σ = absolute + relative·|y|, keeps NaN and the initial point', () => {
    const noisy = addNoise(d, { absolute: [0, 0.5], relative: 0.1, seed: 9 });
    const y = noisy.measurements[0].y;
    expect(y[1]).toBe(10);
    let s = 0;
    let s2 = 0;
    for (let i = 1; i < 2001; i++) {
      expect(Number.isNaN(y[2 * i])).toBe(true);
      const e = y[2 * i + 1] - 10;
      s += e;
      s2 += e * e;
    }
    const N = 2000;
    // σ = 0.5 + 0.1·10 = 1.5: mean within 5σ/√N, variance within 5·σ²√(2/N).
    expect(Math.abs(s / N)).toBeLessThan((5 * 1.5) / Math.sqrt(N));
    expect(Math.abs(s2 / N - 2.25)).toBeLessThan(5 * 2.25 * Math.sqrt(2 / N));
    expect(Array.from(addNoise(d, { absolute: 1, seed: 9 }).measurements[0].y.subarray(0, 20))).toEqual(
      Array.from(addNoise(d, { absolute: 1, seed: 9 }).measurements[0].y.subarray(0, 20)),
    );
  });

  it('makes named copies and validates options', () => {
    const c = addNoise(d, { absolute: 1, copies: 3 });
    expect(c.measurements.map((m) => m.name)).toEqual(['r#0', 'r#1', 'r#2']);
    expect(catchError(() => addNoise(d, { absolute: [1] }), 'InvalidOption').code).toBe('InvalidOption');
    expect(catchError(() => addNoise(d, { relative: -1 }), 'InvalidOption').code).toBe('InvalidOption');
  });
});
