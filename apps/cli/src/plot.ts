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
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: options.yLabel ?? 'value',
        scale: options.logY === true ? { type: 'log' } : { zero: false },
      },
      color: { field: 'series', type: 'nominal', title: null },
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
