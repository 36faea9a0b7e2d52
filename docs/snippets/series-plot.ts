/**
 * The contract between a snippet and the page's chart. A snippet that produces time series exports
 * `plot: SeriesPlot` (outside its shown region); the Run button turns it into a Vega-Lite line chart.
 * Plain data only (no functions), so it crosses the Web Worker boundary unchanged.
 */
export interface SeriesPlot {
  /** Chart title. */
  readonly title?: string;
  /** The abscissa shared by `series` and `columns` (usually the saved times `sol.t`). */
  readonly x?: ArrayLike<number>;
  /** Axis label of the abscissa. */
  readonly xLabel?: string;
  /** Axis label of the ordinate. */
  readonly yLabel?: string;
  /** Named lines, each as long as `x`. */
  readonly series?: Readonly<Record<string, ArrayLike<number>>>;
  /**
   * Lines given as a row-major matrix with one row per `x` and one column per name (`sol.y` with the
   * state names): saves the snippet from slicing columns.
   */
  readonly columns?: { readonly data: ArrayLike<number>; readonly names: readonly string[] };
  /** Lines with their own abscissae (e.g. step sizes of two solvers that stepped differently). */
  readonly curves?: readonly {
    readonly name: string;
    readonly x: ArrayLike<number>;
    readonly y: ArrayLike<number>;
  }[];
  /** `log` needs positive values; non-positive points are dropped from the chart. */
  readonly xScale?: 'linear' | 'log';
  readonly yScale?: 'linear' | 'log';
}
