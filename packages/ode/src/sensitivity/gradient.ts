/**
 * `gradient(problem, options)`: the value and the gradient (with respect to the parameters p and the
 * initial state y0) of a loss on an ODE solution, by one of five sensitivity methods.
 */
import { invalidOption, OdeonError } from '../errors.ts';
import type { Solver } from '../solvers/solver-values.ts';
import type { OdeProblem } from '../types.ts';
import { Derivatives } from './derivatives.ts';
import type { GradientContext } from './internal/context.ts';
import { backsolveGradient } from './methods/backsolve.ts';
import { discreteGradient } from './methods/discrete.ts';
import { forwardGradient } from './methods/forward.ts';
import { interpolatingGradient } from './methods/interpolating.ts';
import type { MethodResult } from './methods/method-result.ts';
import { quadratureGradient } from './methods/quadrature.ts';
import { needsSegments, segmentedGradient } from './segmented-gradient.ts';
import type {
  GradientMethod,
  GradientOptions,
  GradientResult,
  SensitivityKind,
  SensitivityOptions,
} from './types.ts';

/** Defaults of `gradient()`'s options. */
export const GRADIENT_DEFAULTS = {
  method: 'rodas5p',
  rtol: 1e-6,
  atol: 1e-9,
  maxSteps: 1_000_000,
  sensitivity: { kind: 'quadrature' },
} as const satisfies {
  method: GradientMethod;
  rtol: number;
  atol: number;
  maxSteps: number;
  sensitivity: { kind: SensitivityKind };
};

/** Every sensitivity kind `gradient` takes. */
export const SENSITIVITY_KINDS: readonly SensitivityKind[] = [
  'quadrature',
  'interpolating',
  'backsolve',
  'forward',
  'discrete',
];
/** Every integrator name `gradient` takes (solver values are accepted too). */
export const GRADIENT_METHODS: readonly GradientMethod[] = [
  'rodas5p',
  'rodas4',
  'dopri5',
  'tsit5',
  'bs3',
  'dop853',
  'rosenbrock23',
  'bdf',
  'auto',
];
/**
 * Kinds that replay or reverse the method's steps: `auto` switches methods, BDF has no step reverser
 * (its continuous adjoints solve λ backward with Rodas5P), rosenbrock23 has no system.
 */
function methodFits(method: GradientMethod, kind: SensitivityKind): boolean {
  if (kind === 'quadrature' || kind === 'backsolve') return true;
  if (method === 'auto' || method === 'bdf') return false;
  return method !== 'rosenbrock23' || kind === 'interpolating';
}

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
    throw invalidOption(name, v, 'a finite number > 0');
  return v;
}

function toVec(name: string, a: ArrayLike<number> | undefined, expected?: number): Float64Array {
  const v = Float64Array.from(a ?? []);
  if (expected !== undefined && v.length !== expected) {
    throw new OdeonError('ShapeMismatch', `\`${name}\` has length ${v.length}, expected ${expected}.`, {
      option: name,
      value: v.length,
      allowed: String(expected),
    });
  }
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      throw new OdeonError('InvalidProblem', `\`${name}[${i}]\` is not finite (${v[i]}).`, {
        element: `${name}[${i}]`,
        component: i,
        hint: 'Every entry must be a finite number.',
      });
    }
  }
  return v;
}

/** Validates everything once, so the integrators' inner loops stay unchecked. */
export function gradientContext(problem: OdeProblem, options: GradientOptions): GradientContext {
  if (problem === null || typeof problem !== 'object' || typeof problem.rhs !== 'function') {
    throw new OdeonError('InvalidProblem', 'The problem needs an `rhs(t, y, p, dydt)` function.', {
      element: 'rhs',
    });
  }
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', options, 'an options object');
  if (problem.massMatrix !== undefined)
    throw new OdeonError(
      'InvalidProblem',
      'gradient does not differentiate DAEs (a problem with a `massMatrix`).',
      {
        option: 'massMatrix',
        hint: 'Simulate it (solve(), odeon simulate); for gradients, write the model as an ODE (eliminate the algebraic variables).',
      },
    );
  const y0 = toVec('y0', problem.y0);
  if (y0.length === 0) throw new OdeonError('InvalidProblem', '`y0` is empty.', { element: 'y0' });
  const p = toVec('p', problem.p);
  const n = y0.length;
  const { t0, t1 } = problem;
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || !(t1 > t0)) {
    throw new OdeonError('InvalidProblem', `Need finite t0 < t1 (got t0 = ${t0}, t1 = ${t1}).`, {
      element: 't1',
      hint: 'Gradients integrate forward in time: give t1 > t0.',
    });
  }
  const loss = options.loss;
  if (!loss || typeof loss.value !== 'function' || typeof loss.grad !== 'function') {
    throw invalidOption('loss', loss, 'an object with value(i, t, y) and grad(i, t, y, out)');
  }
  if (
    options.integral !== undefined &&
    (typeof options.integral.value !== 'function' || typeof options.integral.grad !== 'function')
  ) {
    throw invalidOption('integral', options.integral, 'an object with value(t, y) and grad(t, y, out)');
  }
  const sens: SensitivityOptions = options.sensitivity ?? GRADIENT_DEFAULTS.sensitivity;
  if (!SENSITIVITY_KINDS.includes(sens.kind))
    throw invalidOption('sensitivity.kind', sens.kind, SENSITIVITY_KINDS.map((k) => `'${k}'`).join(' | '));
  const methodIn: unknown = options.method ?? GRADIENT_DEFAULTS.method;
  // a solver value of a built-in method stands for its name; tableau methods have no gradient steppers
  const method = (
    typeof methodIn === 'object' && methodIn !== null && (methodIn as Solver).kind === 'method'
      ? (methodIn as { name: string }).name
      : methodIn
  ) as GradientMethod;
  if (!GRADIENT_METHODS.includes(method))
    throw invalidOption('method', method, GRADIENT_METHODS.map((k) => `'${k}'`).join(' | '));
  if (!methodFits(method, sens.kind)) {
    throw invalidOption(
      'method',
      method,
      `a method other than '${method}' with sensitivity '${sens.kind}' (every adaptive method works with 'quadrature' or 'backsolve'; 'auto' switches methods and 'bdf' has no step reverser, so 'forward', 'discrete' and 'interpolating' need a fixed one-step method)`,
    );
  }
  if (options.integral && (sens.kind === 'forward' || sens.kind === 'discrete')) {
    throw invalidOption(
      'integral',
      'given',
      "no running cost with 'forward' or 'discrete' (use 'quadrature', 'interpolating' or 'backsolve')",
    );
  }
  const checkpoints = sens.checkpoints;
  if (
    checkpoints !== undefined &&
    checkpoints !== Number.POSITIVE_INFINITY &&
    (!Number.isInteger(checkpoints) || checkpoints < 2)
  ) {
    throw invalidOption(
      'sensitivity.checkpoints',
      checkpoints,
      'an integer ≥ 2, or Infinity (keep every step)',
    );
  }
  const checkpointEvery = sens.checkpointEvery;
  if (checkpointEvery !== undefined) {
    if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) {
      throw invalidOption('sensitivity.checkpointEvery', checkpointEvery, 'an integer ≥ 1');
    }
    if (sens.kind !== 'interpolating' || checkpoints !== undefined) {
      throw invalidOption(
        'sensitivity.checkpointEvery',
        checkpointEvery,
        "only with kind 'interpolating' and without `checkpoints`",
      );
    }
  }
  const rtol = positive('rtol', options.rtol ?? GRADIENT_DEFAULTS.rtol);
  const atolIn = options.atol ?? GRADIENT_DEFAULTS.atol;
  const atol = new Float64Array(n);
  if (typeof atolIn === 'number') atol.fill(positive('atol', atolIn));
  else {
    const a = toVec('atol', atolIn, n);
    for (let i = 0; i < n; i++) positive(`atol[${i}]`, a[i]);
    atol.set(a);
  }
  const dt0 = options.dt0 === undefined ? Number.NaN : positive('dt0', options.dt0);
  const dtMax = options.dtMax === undefined ? Number.POSITIVE_INFINITY : positive('dtMax', options.dtMax);
  const maxSteps = positive('maxSteps', options.maxSteps ?? GRADIENT_DEFAULTS.maxSteps);
  const obsT = options.saveAt === undefined ? Float64Array.of(t1) : toVec('saveAt', options.saveAt);
  for (let i = 0; i < obsT.length; i++) {
    if (obsT[i] < t0 || obsT[i] > t1 || (i > 0 && obsT[i] < obsT[i - 1])) {
      throw invalidOption('saveAt', options.saveAt, `non-decreasing times within [t0, t1] = [${t0}, ${t1}]`);
    }
  }
  return {
    problem,
    n,
    np: p.length,
    p,
    y0,
    t0,
    t1,
    obsT,
    loss,
    integral: options.integral,
    method,
    rtol,
    atol,
    adjointRtol: positive('adjointRtol', options.adjointRtol ?? rtol),
    adjointAtol: options.adjointAtol === undefined ? undefined : positive('adjointAtol', options.adjointAtol),
    maxSteps,
    dt0,
    dtMax,
    checkpoints,
    checkpointEvery,
    deriv: new Derivatives(problem, p, n),
  };
}

/**
 * Value and gradient of L = Σ_i loss.value(i, t_i, y(t_i)) (+ ∫ q dt) with respect to `problem.p`
 * and `problem.y0`.
 *
 * @example
 * const g = gradient(problem, {
 *   saveAt: times,
 *   loss: { value: (i, t, y) => y[0], grad: (i, t, y, out) => { out[0] = 1; } },
 *   sensitivity: { kind: 'quadrature' },
 *   rtol: 1e-8,
 * });
 * g.value; g.dp; g.dy0; g.stats.maxLuSize;
 */
export function gradient(problem: OdeProblem, options: GradientOptions): GradientResult {
  const ctx = gradientContext(problem, options);
  const kind = options.sensitivity?.kind ?? GRADIENT_DEFAULTS.sensitivity.kind;
  const segmented = needsSegments(ctx, options);
  const r = segmented
    ? segmentedGradient(problem, options, ctx, runMethod, gradientContext)
    : runMethod(ctx, kind);
  for (let j = 0; j < r.dp.length; j++) {
    if (!Number.isFinite(r.dp[j])) {
      throw new OdeonError('GradientFailed', `dL/dp[${j}] is not finite.`, {
        component: j,
        hint: 'Check the loss gradient and the Jacobians for NaN/Inf, or tighten the tolerances.',
      });
    }
  }
  return {
    value: r.value,
    dp: r.dp,
    dy0: r.dy0,
    sensitivity: kind,
    method: ctx.method,
    stats: {
      forward: r.forward,
      backward: r.backward,
      storedStates: r.storedStates,
      maxLuSize: r.maxLuSize,
      checkpoints: r.checkpoints,
      forwardSteps: r.forwardSteps,
      quadratureError: r.quadratureError,
      derivatives: r.derivatives ?? ctx.deriv.report,
    },
  };
}

/** Runs one sensitivity method on a validated context (one smooth segment). */
export function runMethod(ctx: GradientContext, kind: SensitivityKind): MethodResult {
  switch (kind) {
    case 'quadrature':
      return quadratureGradient(ctx);
    case 'interpolating':
      return interpolatingGradient(ctx);
    case 'backsolve':
      return backsolveGradient(ctx);
    case 'forward':
      ctx.deriv.requireDense(kind);
      return forwardGradient(ctx);
    case 'discrete':
      return discreteGradient(ctx);
  }
}
