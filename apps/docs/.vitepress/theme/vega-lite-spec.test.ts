import { describe, expect, test } from 'vitest';
import { seriesPlotSpec, seriesPoints } from './vega-lite-spec.ts';

describe('seriesPoints', () => {
  test('one row per (x, series) from named series and from row-major columns', () => {
    const rows = seriesPoints({
      x: [0, 1],
      series: { a: [10, 11] },
      columns: { data: [1, 2, 3, 4], names: ['u', 'v'] },
    });
    expect(rows).toEqual([
      { t: 0, value: 10, series: 'a' },
      { t: 1, value: 11, series: 'a' },
      { t: 0, value: 1, series: 'u' },
      { t: 1, value: 3, series: 'u' },
      { t: 0, value: 2, series: 'v' },
      { t: 1, value: 4, series: 'v' },
    ]);
  });

  test('curves carry their own abscissae', () => {
    const rows = seriesPoints({ curves: [{ name: 'c', x: [5, 6, 7], y: [1, 2] }] });
    expect(rows).toEqual([
      { t: 5, value: 1, series: 'c' },
      { t: 6, value: 2, series: 'c' },
    ]);
  });

  test('drops non-finite points, and non-positive ones on log axes', () => {
    const rows = seriesPoints({
      x: [0, 1, 2, 3],
      series: { a: [1, Number.NaN, -1, 2] },
      xScale: 'log',
      yScale: 'log',
    });
    expect(rows).toEqual([{ t: 3, value: 2, series: 'a' }]);
  });
});

test('seriesPlotSpec: a Vega-Lite line chart with the requested scales', () => {
  const spec = seriesPlotSpec({ x: [1, 2], series: { a: [1, 2] }, xScale: 'log', title: 'T' }) as {
    mark: { type: string };
    title: string;
    encoding: { x: { scale: { type?: string } }; y: { scale: { type?: string; zero?: boolean } } };
  };
  expect(spec.mark.type).toBe('line');
  expect(spec.title).toBe('T');
  expect(spec.encoding.x.scale.type).toBe('log');
  expect(spec.encoding.y.scale).toEqual({ zero: false });
});
