import { dirname, resolve } from 'node:path';
import { didYouMean, OdeonError } from '@odeon/ode';
import type { LossName, TransformKind } from '@odeon/train';
import type { CliIo } from '../io.ts';
import { readTextFile } from '../io.ts';
import { loadModelFile, type ModelFile } from '../model-file.ts';

/** Losses of `odeon fit`: the elementwise means of @odeon/train plus the root of the sum of squares. */
export type FitLossName = LossName | 'sqrtSumOfSquares';

/** Gradient methods `odeon fit` accepts. */
export const FIT_SENSITIVITIES = ['forward', 'quadrature', 'interpolating', 'backsolve', 'discrete'] as const;
/** Integrators `odeon fit` accepts. */
export const FIT_METHODS = ['rodas5p', 'rodas4', 'dopri5'] as const;
/** Losses `odeon fit` accepts. */
export const FIT_LOSSES: readonly FitLossName[] = [
  'mse',
  'scaledMse',
  'logcosh',
  'mae',
  'scaledMae',
  'sqrtSumOfSquares',
];
const TRANSFORMS: readonly TransformKind[] = ['none', 'log', 'logistic'];
const DEFAULT_TRANSFORMS = ['auto', 'none', 'log'] as const;
const GRADIENT_OPTIMIZERS = ['adam', 'adamw', 'adabelief'] as const;

/** Bounds and transform of one fitted parameter. */
export interface FitBound {
  readonly lower?: number;
  readonly upper?: number;
  readonly transform?: TransformKind;
}

/** The optimiser of a fit: L-BFGS (default) or a first-order method for a fixed number of steps. */
export type FitOptimizerConfig =
  | { readonly kind: 'lbfgs'; readonly maxIterations?: number }
  | {
      readonly kind: (typeof GRADIENT_OPTIMIZERS)[number];
      readonly lr: number;
      readonly steps: number;
      readonly beta1?: number;
      readonly beta2?: number;
      readonly eps?: number;
      readonly weightDecay?: number;
    };

/**
 * `odeon fit config.json`: the configuration file (paths relative to it). Only `model`, `data` and
 * `params` are required.
 *
 * ```json
 * {
 *   "model": "BIOMD0000000145.xml",
 *   "data": "target.csv",
 *   "params": ["k1", "k2"],
 *   "bounds": { "k1": { "lower": 1e-3, "upper": 10 } },
 *   "transform": "auto",
 *   "initial": "model",
 *   "loss": "sqrtSumOfSquares",
 *   "optimizer": { "kind": "adam", "lr": 1e-3, "steps": 1000 },
 *   "multiStart": 1, "seed": 0,
 *   "sensitivity": "forward", "method": "rodas5p", "rtol": 1e-8, "atol": 1e-10
 * }
 * ```
 */
export interface FitConfig {
  /** SBML (.xml) or Odeon JSON model, relative to the config file. */
  readonly model: string;
  /** CSV `measurement,time,<species ids>...` (the target), relative to the config file. */
  readonly data: string;
  /** Parameter ids to fit, or `"all"` (every parameter of the model). */
  readonly params: readonly string[] | 'all';
  /** Bounds (and transform) per parameter id. */
  readonly bounds?: Readonly<Record<string, FitBound>>;
  /**
   * Transform of the parameters without an entry in `bounds`: `auto` (default: log for positive
   * values, so the search runs over decades), `none` (raw values, as the SBMLtoODEjax tutorial),
   * or `log`.
   */
  readonly transform?: (typeof DEFAULT_TRANSFORMS)[number];
  /** Initial conditions from the data (default) or from the model. */
  readonly initial?: 'data' | 'model';
  /**
   * Loss: the mean of an elementwise loss over the observed values (`mse` default, `mae`,
   * `logcosh`, `scaledMae`, `scaledMse`) or `sqrtSumOfSquares`, L = sqrt(Σ r²) over all observed
   * values (the SBMLtoODEjax tutorial's loss; L-BFGS then minimises the equivalent mse).
   */
  readonly loss?: FitLossName;
  /** Default `{ "kind": "lbfgs", "maxIterations": 500 }`. */
  readonly optimizer?: FitOptimizerConfig;
  /** Starts (L-BFGS only); default 1. */
  readonly multiStart?: number;
  /** Seed of the extra starts; default 0. */
  readonly seed?: number;
  readonly sensitivity?: (typeof FIT_SENSITIVITIES)[number];
  readonly method?: (typeof FIT_METHODS)[number];
  readonly rtol?: number;
  readonly atol?: number;
}

/** Everything a fit needs, resolved from the positional arguments or a config file. */
export interface FitSettings {
  /** The model path as given (for the report). */
  readonly modelPath: string;
  readonly dataPath: string;
  /** The model text and its comp external files, parsed again in worker threads and queue tasks. */
  readonly modelFile: ModelFile;
  readonly dataText: string;
  readonly params: readonly string[] | 'all';
  readonly bounds: ReadonlyMap<string, FitBound>;
  readonly transform: (typeof DEFAULT_TRANSFORMS)[number];
  readonly initial: 'data' | 'model';
  readonly loss: FitLossName;
  readonly optimizer: FitOptimizerConfig;
  readonly multiStart: number;
  readonly seed: number;
  readonly sensitivity: (typeof FIT_SENSITIVITIES)[number];
  readonly method?: (typeof FIT_METHODS)[number];
  readonly rtol: number;
  readonly atol: number;
  /** The config file, when the fit came from one. */
  readonly config?: string;
}

const TOP_KEYS = [
  'model',
  'data',
  'params',
  'bounds',
  'transform',
  'initial',
  'loss',
  'optimizer',
  'multiStart',
  'seed',
  'sensitivity',
  'method',
  'rtol',
  'atol',
  'description',
] as const;

function configError(message: string, element: string, hint?: string): OdeonError {
  return new OdeonError('InvalidOption', `Invalid fit config: ${message}`, {
    option: element,
    hint: hint ?? 'See `odeon fit --help` for the config format.',
  });
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], at: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw configError(
        `unknown key ${JSON.stringify(key.slice(0, 40))}${at === '' ? '' : ` in \`${at}\``}${didYouMean(key, allowed)}.`,
        at === '' ? key : `${at}.${key}`,
        `Allowed: ${allowed.join(', ')}.`,
      );
    }
  }
}

function oneOf<T extends string>(value: unknown, at: string, allowed: readonly T[], fallback: T): T;
function oneOf<T extends string>(value: unknown, at: string, allowed: readonly T[]): T | undefined;
function oneOf<T extends string>(value: unknown, at: string, allowed: readonly T[], fallback?: T) {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw configError(`\`${at}\` must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)}).`, at);
  }
  return value as T;
}

function numberAt(
  value: unknown,
  at: string,
  check: (x: number) => boolean,
  what: string,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
    throw configError(`\`${at}\` must be ${what} (got ${JSON.stringify(value)}).`, at);
  }
  return value;
}

const positive = (x: number) => x > 0;
const positiveInt = (x: number) => Number.isInteger(x) && x >= 1;

function parseOptimizer(value: unknown): FitOptimizerConfig {
  if (value === undefined) return { kind: 'lbfgs' };
  if (!isRecord(value)) throw configError('`optimizer` must be an object with a `kind`.', 'optimizer');
  const kind = oneOf(value.kind, 'optimizer.kind', ['lbfgs', ...GRADIENT_OPTIMIZERS] as const);
  if (kind === undefined) throw configError('`optimizer.kind` is required.', 'optimizer.kind');
  if (kind === 'lbfgs') {
    checkKeys(value, ['kind', 'maxIterations'], 'optimizer');
    const maxIterations = numberAt(
      value.maxIterations,
      'optimizer.maxIterations',
      positiveInt,
      'an integer ≥ 1',
    );
    return maxIterations === undefined ? { kind } : { kind, maxIterations };
  }
  checkKeys(value, ['kind', 'lr', 'steps', 'beta1', 'beta2', 'eps', 'weightDecay'], 'optimizer');
  const lr = numberAt(value.lr, 'optimizer.lr', positive, 'a positive number');
  const steps = numberAt(value.steps, 'optimizer.steps', positiveInt, 'an integer ≥ 1');
  if (lr === undefined || steps === undefined) {
    throw configError(`\`optimizer\` of kind ${kind} needs \`lr\` and \`steps\`.`, 'optimizer');
  }
  const unit = (x: number) => x >= 0 && x < 1;
  const beta1 = numberAt(value.beta1, 'optimizer.beta1', unit, 'in [0, 1)');
  const beta2 = numberAt(value.beta2, 'optimizer.beta2', unit, 'in [0, 1)');
  const eps = numberAt(value.eps, 'optimizer.eps', positive, 'a positive number');
  const weightDecay = numberAt(value.weightDecay, 'optimizer.weightDecay', (x) => x >= 0, 'a number ≥ 0');
  if (weightDecay !== undefined && kind === 'adam') {
    throw configError('`optimizer.weightDecay` needs kind adamw or adabelief.', 'optimizer.weightDecay');
  }
  return {
    kind,
    lr,
    steps,
    ...(beta1 !== undefined ? { beta1 } : {}),
    ...(beta2 !== undefined ? { beta2 } : {}),
    ...(eps !== undefined ? { eps } : {}),
    ...(weightDecay !== undefined ? { weightDecay } : {}),
  };
}

function parseBounds(value: unknown): Map<string, FitBound> {
  const out = new Map<string, FitBound>();
  if (value === undefined) return out;
  if (!isRecord(value)) {
    throw configError('`bounds` must map parameter ids to { lower, upper, transform }.', 'bounds');
  }
  for (const [id, b] of Object.entries(value)) {
    const at = `bounds.${id.slice(0, 40)}`;
    if (!isRecord(b)) throw configError(`\`${at}\` must be an object { lower, upper, transform }.`, at);
    checkKeys(b, ['lower', 'upper', 'transform'], at);
    const lower = numberAt(b.lower, `${at}.lower`, () => true, 'a finite number');
    const upper = numberAt(b.upper, `${at}.upper`, () => true, 'a finite number');
    if (lower !== undefined && upper !== undefined && !(lower < upper)) {
      throw configError(`\`${at}\` needs lower < upper (got ${lower} and ${upper}).`, at);
    }
    const transform = oneOf(b.transform, `${at}.transform`, TRANSFORMS);
    out.set(id, {
      ...(lower !== undefined ? { lower } : {}),
      ...(upper !== undefined ? { upper } : {}),
      ...(transform !== undefined ? { transform } : {}),
    });
  }
  return out;
}

/**
 * Reads and validates an `odeon fit` config file (see {@link FitConfig}); model and data paths are
 * resolved relative to the config's folder. Unknown keys, wrong types and missing files are
 * `OdeonError`s naming the element at fault.
 */
export function loadFitConfig(io: CliIo, configPath: string): FitSettings {
  const text = readTextFile(io, configPath, 'fit config');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new OdeonError('InvalidOption', `The fit config ${JSON.stringify(configPath)} is not valid JSON.`, {
      cause,
      option: 'config',
      hint: (cause as Error).message,
    });
  }
  if (!isRecord(raw)) throw configError('the file must hold a JSON object.', 'config');
  checkKeys(raw, TOP_KEYS, '');
  if (typeof raw.model !== 'string' || raw.model === '')
    throw configError('`model` (path of the SBML or JSON model) is required.', 'model');
  if (typeof raw.data !== 'string' || raw.data === '')
    throw configError('`data` (path of the CSV) is required.', 'data');
  let params: readonly string[] | 'all';
  if (raw.params === 'all') params = 'all';
  else if (
    Array.isArray(raw.params) &&
    raw.params.length > 0 &&
    raw.params.every((p) => typeof p === 'string' && p !== '')
  ) {
    params = raw.params as string[];
    if (new Set(params).size !== params.length)
      throw configError('`params` lists a parameter twice.', 'params');
  } else {
    throw configError('`params` must be a non-empty list of parameter ids, or "all".', 'params');
  }
  const optimizer = parseOptimizer(raw.optimizer);
  const multiStart = numberAt(raw.multiStart, 'multiStart', positiveInt, 'an integer ≥ 1') ?? 1;
  if (multiStart > 1 && optimizer.kind !== 'lbfgs') {
    throw configError('`multiStart` > 1 needs the lbfgs optimizer.', 'multiStart');
  }
  const base = dirname(resolve(io.cwd, configPath));
  const dataIo = { ...io, cwd: base };
  const method = oneOf(raw.method, 'method', FIT_METHODS);
  return {
    config: configPath,
    modelPath: raw.model,
    dataPath: raw.data,
    modelFile: loadModelFile(dataIo, raw.model).file,
    dataText: readTextFile(dataIo, raw.data, 'data file'),
    params,
    bounds: parseBounds(raw.bounds),
    transform: oneOf(raw.transform, 'transform', DEFAULT_TRANSFORMS, 'auto'),
    initial: oneOf(raw.initial, 'initial', ['data', 'model'] as const, 'data'),
    loss: oneOf(raw.loss, 'loss', FIT_LOSSES, 'mse'),
    optimizer,
    multiStart,
    seed: numberAt(raw.seed, 'seed', (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer') ?? 0,
    sensitivity: oneOf(raw.sensitivity, 'sensitivity', FIT_SENSITIVITIES, 'forward'),
    ...(method !== undefined ? { method } : {}),
    rtol: numberAt(raw.rtol, 'rtol', positive, 'a positive number') ?? 1e-8,
    atol: numberAt(raw.atol, 'atol', positive, 'a positive number') ?? 1e-10,
  };
}
