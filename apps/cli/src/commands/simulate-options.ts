import { FIXED_STEP_METHODS, METHODS, type MethodName, OdeonError } from '@odeon/ode';

/**
 * Options of `odeon simulate`, shared by its two forms: `--problem <name>` (bundled reference problems,
 * handled in simulate.ts) and a model file (SBML or Odeon JSON, handled in simulate-model.ts).
 */
export interface SimulateOptions {
  readonly problem?: string;
  readonly method?: string;
  readonly rtol?: number | string;
  readonly atol?: number | string;
  readonly t0?: number | string;
  readonly t1?: number | string;
  readonly steps?: number | string;
  /** Step size of the fixed-step methods (euler, midpoint, rk4). */
  readonly dt?: number | string;
  /** SBML Test Suite settings file (start, duration, steps, variables, tolerances, amount/concentration). */
  readonly settings?: string;
  readonly out?: string;
  readonly plot?: string;
  readonly json?: boolean;
  /** Logarithmic plot axes: 'x', 'y' or 'xy' (`--log`). */
  readonly log?: string;
}

/** The defaults each form uses (shown by `--help`). */
export const SIMULATE_DEFAULTS = {
  problem: { method: 'rodas5p', rtol: 1e-6, steps: 200 },
  model: { method: 'rodas5p', rtol: 1e-8, atol: 1e-12, t0: 0, steps: 100 },
  /** Fixed-step methods without --dt take this many steps per output interval. */
  fixedStepsPerInterval: 100,
} as const;

/** Validated numeric settings of both forms. */
export interface SimulateSettings {
  readonly method: MethodName;
  readonly rtol: number;
  readonly atol: number | undefined;
  readonly t0: number;
  readonly t1: number | undefined;
  readonly steps: number;
  /** Set for fixed-step methods: --dt, or (t1 − t0)/(steps · 100). */
  readonly dt: number | undefined;
}

function invalid(name: string, value: unknown, allowed: string): OdeonError {
  return new OdeonError(
    'InvalidOption',
    `Invalid --${name}: ${JSON.stringify(String(value).slice(0, 40))}.`,
    {
      option: name,
      value,
      allowed,
      hint: `Give --${name} as ${allowed}.`,
    },
  );
}

function num(value: unknown, name: string, ok: (x: number) => boolean, allowed: string): number | undefined {
  if (value === undefined) return undefined;
  const x = typeof value === 'number' ? value : Number(String(value).trim());
  if (String(value).trim() === '' || !Number.isFinite(x) || !ok(x)) throw invalid(name, value, allowed);
  return x;
}

/**
 * Validates the options both forms share, the same way for both (`InvalidOption` naming the option
 * and what is allowed): method, rtol ∈ (0, 1), atol > 0, t1 > t0, steps ∈ [1, 1e7], dt > 0.
 */
export function simulateSettings(
  options: SimulateOptions,
  defaults: { method: string; rtol: number; atol?: number; t0?: number; t1?: number; steps: number },
): SimulateSettings {
  const method = (options.method ?? defaults.method) as MethodName;
  if (!(METHODS as readonly string[]).includes(method))
    throw invalid('method', method, `one of ${METHODS.join(', ')}`);
  const rtol = num(options.rtol, 'rtol', (x) => x > 0 && x < 1, 'a number in (0, 1)') ?? defaults.rtol;
  const atol = num(options.atol, 'atol', (x) => x > 0, 'a number > 0') ?? defaults.atol;
  const t0 = num(options.t0, 't0', () => true, 'a finite number') ?? defaults.t0 ?? 0;
  const t1 = num(options.t1, 't1', (x) => x > t0, `a finite number after t0 = ${t0}`) ?? defaults.t1;
  if (t1 !== undefined && !(t1 > t0)) throw invalid('t0', t0, `a number before t1 = ${t1}`);
  const steps =
    num(
      options.steps,
      'steps',
      (x) => Number.isInteger(x) && x >= 1 && x <= 10_000_000,
      'an integer in [1, 1e7]',
    ) ?? defaults.steps;
  const dtGiven = num(options.dt, 'dt', (x) => x > 0, 'a step size > 0');
  const fixed = FIXED_STEP_METHODS.includes(method);
  if (dtGiven !== undefined && !fixed)
    throw invalid('dt', options.dt, `only with a fixed-step method (${FIXED_STEP_METHODS.join(', ')})`);
  const dt =
    fixed && t1 !== undefined
      ? (dtGiven ?? (t1 - t0) / (steps * SIMULATE_DEFAULTS.fixedStepsPerInterval))
      : dtGiven;
  return { method, rtol, atol, t0, t1, steps, dt };
}
