import { describe, expect, it } from 'vitest';
import { timeSeriesSpec, timeSeriesSvg } from './plot.ts';

describe('plot', () => {
  it('builds a long-form Vega-Lite spec, one series per component', () => {
    const spec = timeSeriesSpec([0, 1, 2], [1, 10, 2, 20, 3, 30], ['a', 'b'], { title: 'T' }) as {
      data: { values: { t: number; value: number; series: string }[] };
      title: string;
    };
    expect(spec.title).toBe('T');
    expect(spec.data.values).toHaveLength(6);
    expect(spec.data.values[3]).toEqual({ t: 1, value: 20, series: 'b' });
  });

  it('drops points a log axis cannot show', () => {
    const spec = timeSeriesSpec([0, 1], [0, -1, 2, 3], ['a', 'b'], { logX: true, logY: true }) as {
      data: { values: unknown[] };
      encoding: { x: { scale: { type: string } } };
    };
    expect(spec.data.values).toHaveLength(2);
    expect(spec.encoding.x.scale.type).toBe('log');
  });

  it('renders SVG headless', async () => {
    const svg = await timeSeriesSvg([0, 1, 2], [0, 1, 4], ['square']);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('square');
  });
});
