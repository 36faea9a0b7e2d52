import type { Profile, StartResult } from '@odeon/petab';
import { renderSvg, type VegaLiteSpec } from '../plot.ts';

/** Waterfall plot: objective − best + 1 per start, ranked (log axis), failures left out. */
export function waterfallSpec(ranked: readonly StartResult[]): VegaLiteSpec {
  const ok = ranked.filter((r) => r.result !== undefined);
  const best = ok[0]?.result?.objective ?? 0;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Waterfall: ${ok.length} of ${ranked.length} starts (best objective ${best.toPrecision(8)})`,
    width: 480,
    height: 300,
    data: {
      values: ok.map((r, rank) => ({
        rank: rank + 1,
        delta: (r.result?.objective as number) - best + 1,
        converged: r.result?.converged ? 'converged' : 'not converged',
      })),
    },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'rank', type: 'quantitative', title: 'start (ranked)' },
      y: { field: 'delta', type: 'quantitative', title: 'objective − best + 1', scale: { type: 'log' } },
    },
  };
}

/** Fitted against measured, one colour per observable and one shape per simulation condition. */
export function fittedSpec(
  rows: readonly {
    observable: string;
    condition: string;
    time: number;
    measurement: number;
    simulation: number;
  }[],
): VegaLiteSpec {
  const lo = Math.min(...rows.map((r) => Math.min(r.measurement, r.simulation)));
  const hi = Math.max(...rows.map((r) => Math.max(r.measurement, r.simulation)));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Fitted vs measured',
    width: 400,
    height: 400,
    layer: [
      {
        data: {
          values: [
            { x: lo, y: lo },
            { x: hi, y: hi },
          ],
        },
        mark: { type: 'line', color: '#999', strokeDash: [4, 4] },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true },
        encoding: {
          x: { field: 'measurement', type: 'quantitative', title: 'measured' },
          y: { field: 'simulation', type: 'quantitative', title: 'simulated' },
          color: { field: 'observable', type: 'nominal' },
          shape: { field: 'condition', type: 'nominal' },
        },
      },
    ],
  };
}

/** Profiles: objective − best per parameter with the 95 % threshold. */
export function profilesSpec(profiles: readonly Profile[], threshold: number): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: {
      values: profiles.flatMap((p) =>
        p.values.map((v, i) => ({ parameter: p.parameter, value: v, delta: p.objectives[i] - p.best })),
      ),
    },
    facet: { field: 'parameter', type: 'nominal', title: null },
    columns: 3,
    spec: {
      width: 220,
      height: 160,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: {
              field: 'value',
              type: 'quantitative',
              title: 'value (parameter scale)',
              scale: { zero: false },
            },
            y: { field: 'delta', type: 'quantitative', title: 'objective − best' },
          },
        },
        { mark: { type: 'rule', color: 'red', strokeDash: [4, 4] }, encoding: { y: { datum: threshold } } },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  };
}

export { renderSvg };
