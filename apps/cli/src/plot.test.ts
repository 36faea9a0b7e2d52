import { describe, expect, it } from 'vitest';
import { SERIES_COLORS, timeSeriesSpec, timeSeriesSvg } from './plot.ts';

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

describe('plots that read right', () => {
  const names = Array.from({ length: 20 }, (_, i) => `s${20 - i}`); // model order, not alphabetical
  const t = Array.from({ length: 11 }, (_, k) => 10 ** (k - 5));
  const y = t.flatMap((tk) => names.map((_, i) => tk * (i + 1)));

  it('20 series get 20 distinct colours and the legend keeps the model order', async () => {
    const spec = timeSeriesSpec(t, y, names, { logX: true, logY: true });
    const color = (spec.encoding as { color: { scale: { domain: string[]; range: string[] } } }).color;
    expect(color.scale.domain).toEqual(names);
    expect(new Set(color.scale.range).size).toBe(20);
    const svg = await timeSeriesSvg(t, y, names, { logX: true, logY: true, title: 'POLLU-like' });
    const legend = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)]
      .map((m) => m[1])
      .filter((s) => /^s\d+$/.test(s));
    expect(legend).toEqual(names);
    const strokes = new Set([...svg.matchAll(/stroke="(#[0-9a-fA-F]{6})"/g)].map((m) => m[1].toLowerCase()));
    for (const c of SERIES_COLORS) expect(strokes.has(c)).toBe(true);
  });

  it('every tick is labelled in one format: decades on log axes, round numbers on linear ones', async () => {
    const svg = await timeSeriesSvg(t, y, names, { logX: true, logY: true });
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const decades = labels.filter((s) => /^1e[+-]\d+$/.test(s));
    expect(decades).toContain('1e-5');
    expect(decades).toContain('1e+5');
    const lin = await timeSeriesSvg([0, 5, 10], [0, 500, 1000], ['a']);
    const linLabels = [...lin.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(linLabels).toContain('10');
    expect(linLabels).toContain('1000');
    expect(linLabels.some((s) => /e\+/.test(s))).toBe(false);
  });
});
