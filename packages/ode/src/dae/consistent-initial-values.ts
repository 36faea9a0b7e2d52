import { invalidOption, OdeonError } from '../errors.ts';
import { emptyStats, type SolverContext } from '../internal/context.ts';
import { guardRhs } from '../rhs-guard.ts';
import type { OdeProblem } from '../types.ts';
import { ConsistentInitializer } from './consistent-init.ts';
import { massMatrixOf } from './mass-matrix.ts';

/** Options of {@link consistentInitialValues}: the tolerances that weigh the Newton updates. */
export interface ConsistentInitialValuesOptions {
  /** Relative tolerance. Default 1e-6 (as `solve`). */
  readonly rtol?: number;
  /** Absolute tolerance, scalar or per component. Default 1e-9 (as `solve`). */
  readonly atol?: number | ArrayLike<number>;
}

/**
 * The state of an index-1 DAE `M y′ = f` at `problem.t0` with its algebraic components made consistent
 * (g(t0, y) = 0 by Newton, the differential components of `problem.y0` kept), as `solve` does before it
 * integrates. Use it to restart a simulation after changing the state or the parameters by hand.
 *
 * @throws OdeonError `InvalidProblem` (no or a malformed `massMatrix`), `InitializationFailed`.
 */
export function consistentInitialValues(
  problem: OdeProblem,
  options: ConsistentInitialValuesOptions = {},
): Float64Array {
  if (problem.massMatrix === undefined)
    throw new OdeonError('InvalidProblem', 'consistentInitialValues needs a problem with a `massMatrix`.', {
      option: 'massMatrix',
      hint: 'Give the mass matrix of M y′ = f (zero rows: algebraic equations).',
    });
  const y = Float64Array.from(problem.y0);
  const n = y.length;
  const rtol = options.rtol ?? 1e-6;
  if (!(rtol > 0 && rtol < 1)) throw invalidOption('rtol', rtol, 'a number in (0, 1)');
  const atolIn = options.atol ?? 1e-9;
  const atol = new Float64Array(n);
  if (typeof atolIn === 'number') atol.fill(atolIn);
  else if (atolIn.length === n) atol.set(atolIn);
  else throw invalidOption('atol', atolIn, `a number or an array of length ${n}`);
  for (let i = 0; i < n; i++)
    if (!(atol[i] >= 0 && Number.isFinite(atol[i])))
      throw invalidOption('atol', atolIn, 'finite numbers ≥ 0');
  const ctx: SolverContext = {
    n,
    rhs: guardRhs(problem.rhs),
    p: Float64Array.from(problem.p ?? []),
    jacobian: problem.jacobian,
    tgrad: problem.tgrad,
    rtol,
    atol,
    stats: emptyStats(),
  };
  return new ConsistentInitializer(ctx, massMatrixOf(problem.massMatrix, n), problem.names).run(
    y,
    problem.t0,
  );
}
