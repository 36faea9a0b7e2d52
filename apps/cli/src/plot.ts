/**
 * Time-series plots for the CLI: a Vega-Lite spec (one line per component, optional log axes) rendered
 * to SVG headless with vega + vega-lite (no browser, no canvas). Shared by `simulate`, `demo` and others.
 */

/** Options of `timeSeriesSpec`. */
export interface TimeSeriesPlotOptions {
  readonly title?: string;
  /** Logarithmic time axis (non-positive times are dropped). */
  readonly logX?: boolean;
  /** Logarithmic value axis (non-positive values are dropped). */
  readonly logY?: boolean;
  readonly width?: number;
  readonly height?: number;
  readonly xLabel?: string;
  readonly yLabel?: string;
}

/** A Vega-Lite (v6) top-level spec as plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * 20 colours that stay distinct from each other (Trubetskoy's list of 20 distinct colours), so a
 * model with up to 20 species (POLLU has 20) never reuses a colour; more series cycle.
 */
export const SERIES_COLORS = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#bfef45',
  '#fabed4',
  '#469990',
  '#dcbeff',
  '#9a6324',
  '#000075',
  '#800000',
  '#aaffc3',
  '#808000',
  '#ffd8b1',
  '#a9a9a9',
  '#ffe119',
  '#000000',
] as const;

/** Colour encoding for `series`: the legend in the given (model) order, one distinct colour each. */
export function seriesColor(names: readonly string[]): Record<string, unknown> {
  return {
    field: 'series',
    type: 'nominal',
    title: null,
    sort: [...names],
    scale: { domain: [...names], range: names.map((_, i) => SERIES_COLORS[i % SERIES_COLORS.length]) },
  };
}

/**
 * An axis whose every tick carries a label in one format: decades (1e-5, 1e-4, ...) on a log axis
 * (with 2 and 5 between them when the values span two decades or less, so that a narrow range such
 * as a loss curve's is labelled too), shortest round numbers (~g) on a linear one.
 */
export function axisFor(values: readonly number[], log: boolean): Record<string, unknown> {
  if (!log) return { format: '.6~g', labelOverlap: false, tickCount: 6 };
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v > 0) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(hi >= lo)) return { format: '.0e' };
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const step = Math.max(1, Math.ceil((b - a) / 10));
  const ticks: number[] = [];
  if (b - a <= 2) {
    // 1, 2, 5 per decade over the decades the (nice) log domain covers
    for (let e = a; e <= b; e++) for (const m of e < b ? [1, 2, 5] : [1]) ticks.push(Number(`${m}e${e}`));
  } else for (let e = a; e <= b; e += step) ticks.push(Number(`1e${e}`));
  return { format: '.0e', values: ticks, labelOverlap: false };
}

/**
 * Builds a Vega-Lite line chart of `y` (row-major, t.length × names.length) against `t`, one colour per
 * component. Returns plain JSON (embed it in a page, or render it with `renderSvg`).
 */
export function timeSeriesSpec(
  t: ArrayLike<number>,
  y: ArrayLike<number>,
  names: readonly string[],
  options: TimeSeriesPlotOptions = {},
): VegaLiteSpec {
  const n = names.length;
  const values: { t: number; value: number; series: string }[] = [];
  for (let k = 0; k < t.length; k++) {
    const tk = t[k];
    if (options.logX === true && !(tk > 0)) continue;
    for (let i = 0; i < n; i++) {
      const v = y[k * n + i];
      if (!Number.isFinite(v) || (options.logY === true && !(v > 0))) continue;
      values.push({ t: tk, value: v, series: names[i] });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title === undefined ? {} : { title: options.title }),
    width: options.width ?? 640,
    height: options.height ?? 360,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: {
        field: 't',
        type: 'quantitative',
        title: options.xLabel ?? 'time',
        scale: options.logX === true ? { type: 'log' } : { zero: false },
        axis: axisFor(
          values.map((d) => d.t),
          options.logX === true,
        ),
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: options.yLabel ?? 'value',
        scale: options.logY === true ? { type: 'log' } : { zero: false },
        axis: axisFor(
          values.map((d) => d.value),
          options.logY === true,
        ),
      },
      color: seriesColor(names),
    },
  };
}

/** Renders a Vega-Lite spec to an SVG string headless (vega's `renderer: 'none'` view). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** `timeSeriesSpec` + `renderSvg`. */
export async function timeSeriesSvg(
  t: ArrayLike<number>,
  y: ArrayLike<number>,
  names: readonly string[],
  options: TimeSeriesPlotOptions = {},
): Promise<string> {
  return renderSvg(timeSeriesSpec(t, y, names, options));
}
