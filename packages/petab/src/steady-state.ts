import { luFactor, luSolve, OdeonError, solve } from '@odeon/ode';
import type { CompiledModel } from '@odeon/sbml';

/** Options of {@link steadyState}. */
export interface SteadyStateOptions {
  /** Convergence: the weighted RMS of f with weights atol_i + rtol·|x_i| is ≤ 1 (atol scalar or per state). */
  readonly rtol?: number;
  readonly atol?: number | ArrayLike<number>;
  /** Newton iterations before falling back to integration. */
  readonly maxNewtonIterations?: number;
  /** Integration horizon limit (model time). */
  readonly maxTime?: number;
  /** Solver tolerances of the integration fallback. */
  readonly solverRtol?: number;
  readonly solverAtol?: number | ArrayLike<number>;
}

/** Defaults of the steady-state search (preequilibration and `inf` time points). */
export const STEADY_STATE_DEFAULTS = {
  rtol: 1e-8,
  atol: 1e-12,
  maxNewtonIterations: 50,
  maxTime: 1e12,
  solverRtol: 1e-8,
  solverAtol: 1e-12,
} satisfies Required<SteadyStateOptions>;

/** A steady state and how it was found. */
export interface SteadyState {
  readonly y: Float64Array;
  /** `newton`: y solves f(y) = 0 with a regular Jacobian; `integration`: y = y(T) from y0. */
  readonly method: 'newton' | 'integration';
  /** Integration end time (`integration` only). */
  readonly time: number;
}

/** Weighted RMS of the rates, √(Σ (f_i / (atol_i + rtol·|y_i|))² / n) (AMICI's steady-state norm). */
function converged(f: Float64Array, y: Float64Array, rtol: number, atol: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < f.length; i++) {
    const r = f[i] / (atol[i] + rtol * Math.abs(y[i]));
    sum += r * r;
  }
  return Math.sqrt(sum / f.length);
}

const perState = (atol: number | ArrayLike<number>, n: number): Float64Array =>
  typeof atol === 'number' ? new Float64Array(n).fill(atol) : Float64Array.from(atol);

/** True when the LU factors are numerically singular (a conservation law, or a degenerate point). */
function isSingular(lu: Float64Array, n: number): boolean {
  let max = 0;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(lu[i * n + i]);
    max = Math.max(max, d);
    min = Math.min(min, d);
  }
  return !(min > 1e-12 * max);
}

/**
 * A steady state f(y, p) = 0 reached from y0: damped Newton first (accepted only with a regular Jacobian
 * and without new negative components), else integration over growing horizons until the rates meet the
 * tolerance.
 *
 * @throws OdeonError `MaxStepsReached` when no steady state is reached by `maxTime`.
 */
export function steadyState(
  model: CompiledModel,
  y0: Float64Array,
  p: Float64Array,
  options: SteadyStateOptions = {},
): SteadyState {
  const o = { ...STEADY_STATE_DEFAULTS, ...options };
  const n = model.n;
  if (n === 0) return { y: new Float64Array(0), method: 'newton', time: 0 };
  const atol = perState(o.atol, n);
  const newton = tryNewton(model, y0, p, o, atol);
  if (newton) return { y: newton, method: 'newton', time: 0 };
  const f = new Float64Array(n);
  let y = Float64Array.from(y0);
  let t = 0;
  for (let horizon = 1; horizon <= o.maxTime; horizon *= 10) {
    const sol = solve(model.problem(t, horizon, { y0: y, p }), {
      method: 'rodas5p',
      rtol: o.solverRtol,
      atol: typeof o.solverAtol === 'number' ? o.solverAtol : Float64Array.from(o.solverAtol),
      maxSteps: 1_000_000,
    });
    y = sol.y.slice((sol.t.length - 1) * n);
    t = horizon;
    model.rhs(t, y, p, f);
    if (converged(f, y, o.rtol, atol) <= 1) return { y, method: 'integration', time: t };
  }
  throw new OdeonError('MaxStepsReached', `No steady state reached by t = ${o.maxTime}.`, {
    t: o.maxTime,
    hint: 'The model may oscillate or grow without bound; check the preequilibration condition or loosen the steady-state tolerances.',
  });
}

function tryNewton(
  model: CompiledModel,
  y0: Float64Array,
  p: Float64Array,
  o: Required<SteadyStateOptions>,
  atol: Float64Array,
): Float64Array | undefined {
  const n = model.n;
  const y = Float64Array.from(y0);
  const f = new Float64Array(n);
  const J = new Float64Array(n * n);
  const piv = new Int32Array(n);
  const dx = new Float64Array(n);
  const trial = new Float64Array(n);
  const ft = new Float64Array(n);
  const nonNegative = y0.every((v) => v >= 0);
  model.rhs(0, y, p, f);
  let err = converged(f, y, o.rtol, atol);
  for (let it = 0; it < o.maxNewtonIterations; it++) {
    if (err <= 1) break;
    model.jacobian(0, y, p, J);
    if (luFactor(J, piv, n) === null || isSingular(J, n)) return undefined;
    for (let i = 0; i < n; i++) dx[i] = -f[i];
    luSolve(dx, J, piv, n);
    let lambda = 1;
    let accepted = false;
    for (let k = 0; k < 12; k++, lambda /= 2) {
      for (let i = 0; i < n; i++) trial[i] = y[i] + lambda * dx[i];
      model.rhs(0, trial, p, ft);
      const e = converged(ft, trial, o.rtol, atol);
      if (Number.isFinite(e) && e < err) {
        y.set(trial);
        f.set(ft);
        err = e;
        accepted = true;
        break;
      }
    }
    if (!accepted) return undefined;
  }
  if (!(err <= 1)) return undefined;
  if (nonNegative) for (let i = 0; i < n; i++) if (y[i] < -atol[i] - 1e-8 * Math.abs(y0[i])) return undefined;
  // The Jacobian at the solution must be regular (else y is not locally unique: conservation laws).
  model.jacobian(0, y, p, J);
  if (luFactor(J, piv, n) === null || isSingular(J, n)) return undefined;
  return y;
}
