import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('train guide, datasets: CSV with a missing value, a measurement-wise split, noisy copies', async () => {
  const { exports, lines } = await runSnippet(() => import('./datasets.ts'));
  const { data, train, validation, augmented } = exports;
  expect(data.species).toEqual(['A', 'B']);
  expect(data.measurements.map((m) => m.name)).toEqual(['run1', 'run2', 'run3']);
  // 9 rows × 2 species, one empty cell (run1 at t = 2, species B).
  expect(data.observedCount).toBe(17);
  expect(Number.isNaN(data.measurements[0].y[2 * 2 + 1])).toBe(true);
  expect(Array.from(data.measurements[1].t)).toEqual([0, 1, 3]);
  // The split partitions the measurements.
  const names = [...train.measurements, ...validation.measurements].map((m) => m.name).sort();
  expect(names).toEqual(['run1', 'run2', 'run3']);
  expect(validation.size).toBeGreaterThan(0);
  // Two copies per training measurement, the initial rows untouched, the others within ~5 σ of 5 %.
  expect(augmented.size).toBe(2 * train.size);
  for (const m of augmented.measurements) {
    const source = train.measurements.find((s) => m.name.startsWith(`${s.name}#`));
    expect(source).toBeDefined();
    if (!source) continue;
    expect(Array.from(m.y.subarray(0, 2))).toEqual(Array.from(source.y.subarray(0, 2)));
    for (let i = 2; i < m.y.length; i++) {
      if (Number.isNaN(source.y[i])) expect(Number.isNaN(m.y[i])).toBe(true);
      else expect(Math.abs(m.y[i] - source.y[i])).toBeLessThanOrEqual(0.25 * Math.abs(source.y[i]) + 1e-12);
    }
  }
  expect(lines[0]).toBe('3 measurements of A, B: 17 observed values');
  expect(lines[3].split('\n')[0]).toBe('measurement,time,A,B');
});
