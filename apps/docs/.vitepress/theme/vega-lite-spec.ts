import type { SeriesPlot } from '../../../../docs/snippets/series-plot.ts';

/** One row of the long-format table that the chart is drawn from. */
export interface SeriesPoint {
  readonly t: number;
  readonly series: string;
  readonly value: number;
}

/** A Vega-Lite (v6) line-chart specification; plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * Long-format rows of a {@link SeriesPlot}: one row per (x, series) pair. Non-finite values, and
 * non-positive values on a log axis, are dropped (Vega-Lite cannot place them).
 */
export function seriesPoints(plot: SeriesPlot): SeriesPoint[] {
  const rows: SeriesPoint[] = [];
  const logX = plot.xScale === 'log';
  const logY = plot.yScale === 'log';
  const push = (x: number, series: string, value: number) => {
    if (!Number.isFinite(x) || !Number.isFinite(value)) return;
    if ((logX && x <= 0) || (logY && value <= 0)) return;
    rows.push({ t: x, value, series });
  };
  const x = plot.x ?? [];
  for (const [name, values] of Object.entries(plot.series ?? {})) {
    const m = Math.min(values.length, x.length);
    for (let i = 0; i < m; i++) push(x[i], name, values[i]);
  }
  if (plot.columns) {
    const { data, names } = plot.columns;
    const n = names.length;
    const m = Math.min(Math.floor(data.length / n), x.length);
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) push(x[i], names[j], data[i * n + j]);
  }
  for (const c of plot.curves ?? []) {
    const m = Math.min(c.x.length, c.y.length);
    for (let i = 0; i < m; i++) push(c.x[i], c.name, c.y[i]);
  }
  return rows;
}

/**
 * The Vega-Lite specification of a {@link SeriesPlot}: one coloured line per series. The same shape
 * as the CLI's `timeSeriesSpec` (apps/cli/src/plot.ts: long-format rows `{ t, value, series }`, a
 * line mark, colour by series), so a chart on the site and an SVG from `odeon … --plot` read alike.
 */
export function seriesPlotSpec(plot: SeriesPlot, width: number | 'container' = 'container'): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(plot.title ? { title: plot.title } : {}),
    width,
    height: 280,
    data: { values: seriesPoints(plot) },
    mark: { type: 'line', point: false, strokeWidth: 2 },
    encoding: {
      x: {
        field: 't',
        type: 'quantitative',
        title: plot.xLabel ?? 't',
        scale: plot.xScale === 'log' ? { type: 'log' } : { zero: false, nice: false },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: plot.yLabel ?? 'value',
        scale: plot.yScale === 'log' ? { type: 'log' } : { zero: false },
      },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}
