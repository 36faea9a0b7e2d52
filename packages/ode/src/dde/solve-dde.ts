import { invalidOption } from '../errors.ts';
import { emptyStats } from '../internal/context.ts';
import { solve } from '../solve.ts';
import type { SolveOptions } from '../solve-options.ts';
import type { SolveStats, Vec } from '../types.ts';
import { DenseHistory } from './dense-history.ts';

/**
 * A delay-differential problem with constant lags: y′(t) = f(t, y(t), y(t − τ₁), …, y(t − τₖ), p) on
 * [t0, t1], with y(t) = history(t) for t ≤ t0.
 */
export interface DdeProblem {
  /** Writes f into `dydt`; `lagged[j]` holds y(t − lags[j]). */
  rhs(t: number, y: Vec, lagged: readonly Vec[], p: Vec, dydt: Vec): void;
  /** Number of states. */
  readonly n: number;
  /** The constant delays τⱼ > 0. */
  readonly lags: readonly number[];
  /** y(t) for t ≤ t0, written into `out`. */
  history(t: number, out: Float64Array): Float64Array;
  /** y(t0) when it differs from history(t0) (a jump at the start). Default history(t0). */
  readonly y0?: ArrayLike<number>;
  readonly t0: number;
  readonly t1: number;
  readonly p?: ArrayLike<number>;
}

/** Options of {@link solveDde}: those of `solve` that apply per segment. */
export type DdeOptions = Pick<SolveOptions, 'method' | 'rtol' | 'atol' | 'dt' | 'dt0' | 'maxSteps'> & {
  /** Generations of propagated derivative discontinuities t0 + Σ kⱼτⱼ to step to exactly. Default 5. */
  readonly discontinuityOrder?: number;
};

/** A DDE solution: its dense output over [t0, t1] (the history before t0) and the work done. */
export interface DdeSolution {
  readonly t0: number;
  readonly t1: number;
  /** Segment ends (the method-of-steps breakpoints), t0 first. */
  readonly breakpoints: Float64Array;
  interpolate(t: number, out?: Float64Array): Float64Array;
  readonly stats: SolveStats;
}

/**
 * Solves a DDE with constant lags by the method of steps: each segment is an ODE on an interval no
 * longer than the smallest lag, whose lagged values come from the dense output of earlier segments (or
 * the history), so every segment is an ordinary initial-value problem for `solve`. Segments end at the
 * derivative discontinuities the start propagates (t0 + Σ kⱼτⱼ, up to `discontinuityOrder`
 * generations), where a one-step method would otherwise lose its order.
 *
 * @throws OdeonError `InvalidOption` for lags that are not finite and > 0, plus the errors of `solve`.
 */
export function solveDde(problem: DdeProblem, options: DdeOptions = {}): DdeSolution {
  const { t0, t1, lags } = problem;
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || !(t1 > t0))
    throw invalidOption('t1', t1, 'finite t1 > t0');
  if (lags.length === 0 || lags.some((l) => !(l > 0 && Number.isFinite(l))))
    throw invalidOption('lags', lags, 'one or more finite delays > 0');
  const order = options.discontinuityOrder ?? 5;
  const p = Float64Array.from(problem.p ?? []);
  const n = problem.n;
  if (!(Number.isInteger(n) && n > 0)) throw invalidOption('n', n, 'a positive integer');
  const yStart = Float64Array.from(problem.y0 ?? problem.history(t0, new Float64Array(n)));
  if (yStart.length !== n) throw invalidOption('y0', problem.y0, `${n} numbers`);
  const history = new DenseHistory<undefined>(t0, (t, out) => {
    if (t === t0) out.set(yStart);
    else problem.history(t, out);
  });

  // Breakpoints: t0 + sums of up to `order` lags, within (t0, t1].
  const marks = new Set<number>([t0]);
  let frontier = [t0];
  for (let g = 0; g < order; g++) {
    const next: number[] = [];
    for (const b of frontier)
      for (const l of lags) {
        const x = b + l;
        if (x < t1 && !marks.has(x)) {
          marks.add(x);
          next.push(x);
        }
      }
    frontier = next;
  }
  // Merge points within rounding of each other or of t1 (no sliver segments).
  const near = 64 * Number.EPSILON * Math.max(1, Math.abs(t0), Math.abs(t1));
  const stops: number[] = [];
  for (const x of [...marks].sort((a, b) => a - b))
    if (t1 - x > near && (stops.length === 0 || x - stops[stops.length - 1] > near)) stops.push(x);
  stops.push(t1);
  const minLag = Math.min(...lags);

  const lagged = lags.map(() => new Float64Array(n));
  const rhs = (t: number, y: Vec, pp: Vec, dydt: Vec): void => {
    for (let j = 0; j < lags.length; j++) history.at(lagged[j], t - lags[j]);
    problem.rhs(t, y, lagged, pp, dydt);
  };
  const stats: SolveStats = emptyStats();
  const ends: number[] = [t0];
  const y = Float64Array.from(yStart);
  let t = t0;
  let k = 1;
  const { discontinuityOrder: _, ...solveOptions } = options;
  while (t < t1) {
    const tol = 64 * Number.EPSILON * Math.max(1, Math.abs(t), Math.abs(t1));
    while (k < stops.length - 1 && stops[k] <= t + tol) k++;
    // A breakpoint within rounding of t + τmin is that breakpoint (no sliver segments).
    const tNext = stops[k] <= t + minLag + tol ? stops[k] : t + minLag;
    const sol = solve({ rhs, y0: y, t0: t, t1: tNext, p }, { ...solveOptions, dense: true });
    for (const key of Object.keys(stats) as (keyof SolveStats)[]) stats[key] += sol.stats[key];
    history.push({ ta: t, tb: tNext, interpolate: (tau, out) => sol.interpolate(tau, out), tag: undefined });
    y.set(sol.y.subarray((sol.t.length - 1) * n, sol.t.length * n));
    t = tNext;
    ends.push(t);
  }
  return {
    t0,
    t1,
    breakpoints: Float64Array.from(ends),
    interpolate: (tau, out = new Float64Array(n)) => {
      history.at(out, tau);
      return out;
    },
    stats,
  };
}
