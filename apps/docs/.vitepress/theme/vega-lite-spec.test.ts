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
      { x: 0, series: 'a', value: 10 },
      { x: 1, series: 'a', value: 11 },
      { x: 0, series: 'u', value: 1 },
      { x: 1, series: 'u', value: 3 },
      { x: 0, series: 'v', value: 2 },
      { x: 1, series: 'v', value: 4 },
    ]);
  });

  test('curves carry their own abscissae', () => {
    const rows = seriesPoints({ curves: [{ name: 'c', x: [5, 6, 7], y: [1, 2] }] });
    expect(rows).toEqual([
      { x: 5, series: 'c', value: 1 },
      { x: 6, series: 'c', value: 2 },
    ]);
  });

  test('drops non-finite points, and non-positive ones on log axes', () => {
    const rows = seriesPoints({
      x: [0, 1, 2, 3],
      series: { a: [1, Number.NaN, -1, 2] },
      xScale: 'log',
      yScale: 'log',
    });
    expect(rows).toEqual([{ x: 3, series: 'a', value: 2 }]);
  });
});

test('seriesPlotSpec: a Vega-Lite line chart with the requested scales', () => {
  const spec = seriesPlotSpec({ x: [1, 2], series: { a: [1, 2] }, xScale: 'log', title: 'T' }) as {
    mark: { type: string };
    title: string;
    encoding: { x: { scale: { type: string } }; y: { scale: { type: string } } };
  };
  expect(spec.mark.type).toBe('line');
  expect(spec.title).toBe('T');
  expect(spec.encoding.x.scale.type).toBe('log');
  expect(spec.encoding.y.scale.type).toBe('linear');
});
