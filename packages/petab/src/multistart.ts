import { isOdeonError } from '@odeon/ode';
import { type LocalOptimizeOptions, type LocalResult, localOptimize } from './optimize.ts';
import type { PetabModel } from './petab-model.ts';
import { latinHypercubeStarts } from './starts.ts';

/** One start of a multistart fit. */
export interface StartResult {
  readonly start: number;
  readonly x0: readonly number[];
  /** Absent when the start failed. */
  readonly result?: {
    readonly theta: readonly number[];
    readonly objective: number;
    readonly iterations: number;
    readonly evaluations: number;
    readonly converged: boolean;
    readonly reason: string;
    readonly wallMs: number;
  };
  readonly error?: { readonly code: string; readonly message: string };
}

/** Options of {@link multistart}. */
export interface MultistartOptions extends LocalOptimizeOptions {
  /** Number of starts. Default 50. */
  readonly starts?: number;
  /** Seed of the Latin-hypercube design. Default 1. */
  readonly seed?: number;
  /** Results already known (resuming): their start indices are skipped. */
  readonly done?: readonly StartResult[];
  /** Called after every start (save it to resume later). */
  readonly onResult?: (r: StartResult) => void;
}

/** A finished multistart: results ranked by objective (failures last). */
export interface MultistartResult {
  readonly ranked: readonly StartResult[];
  readonly best?: StartResult;
}

/** Ranks start results: finite objectives ascending, failures last. */
export function rankStarts(results: readonly StartResult[]): StartResult[] {
  const key = (r: StartResult) => r.result?.objective ?? Number.POSITIVE_INFINITY;
  return [...results].sort((a, b) => key(a) - key(b) || a.start - b.start);
}

function toStart(start: number, x0: Float64Array, r: LocalResult): StartResult {
  return {
    start,
    x0: [...x0],
    result: {
      theta: [...r.theta],
      objective: r.objective,
      iterations: r.iterations,
      evaluations: r.evaluations,
      converged: r.converged,
      reason: r.reason,
      wallMs: r.wallMs,
    },
  };
}

/**
 * Multistart local optimisation: Latin-hypercube starts inside the bounds (on parameter scales), one
 * bounded L-BFGS run from each, every result passed to `onResult` as it arrives (so a run can resume
 * with `done`), and the results ranked.
 */
export function multistart(model: PetabModel, options: MultistartOptions = {}): MultistartResult {
  const count = options.starts ?? 50;
  const starts = latinHypercubeStarts(model, count, options.seed ?? 1);
  const done = new Map((options.done ?? []).map((r) => [r.start, r]));
  const results: StartResult[] = [...done.values()];
  for (let s = 0; s < count; s++) {
    if (done.has(s)) continue;
    let r: StartResult;
    try {
      r = toStart(s, starts[s], localOptimize(model, starts[s], options));
    } catch (error) {
      if (!isOdeonError(error)) throw error;
      r = { start: s, x0: [...starts[s]], error: { code: error.code, message: error.message } };
    }
    results.push(r);
    options.onResult?.(r);
  }
  const ranked = rankStarts(results);
  return { ranked, ...(ranked[0]?.result ? { best: ranked[0] } : {}) };
}
