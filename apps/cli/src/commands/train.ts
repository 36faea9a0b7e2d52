import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import {
  ACTIVATIONS,
  type ModelSpec,
  modelFromJson,
  modelFromSpec,
  type OdeModel,
  parameterGroups,
} from '@odeon/neural';
import {
  didYouMean,
  type GradientMethod,
  isOdeonError,
  OdeonError,
  rejectUnknownKeys,
  type SensitivityKind,
} from '@odeon/ode';
import { type NeuralOdePenaltyOptions, Penalties, type UniversalOdePenaltyOptions } from '@odeon/penalties';
import {
  type Checkpoint,
  type Dataset,
  fullBatch,
  odeObjective,
  parseCsv,
  Strategy,
  type StrategyStepOptions,
  splitDataset,
  train,
} from '@odeon/train';
import type { Command } from 'commander';
import type { RegisterCommand } from '../command.ts';
import { CommandExit, signalExitCode } from '../exit-codes.ts';
import { type CliIo, readTextFile, writeJson } from '../io.ts';
import { loadModelFile } from '../model-file.ts';
import { progressReporter } from '../progress.ts';
import { batchedTraining, parseTrainBatched, type TrainBatched } from './train-batched.ts';
import type { TrainCommandResult, TrainFromConfigOptions } from './train-result.ts';
import { trainSweep } from './train-sweep.ts';

/**
 * `odeon train config.json`: the configuration file (paths relative to it).
 *
 * ```json
 * {
 *   "data": "data.csv",
 *   "model": { "kind": "neural-ode", "width": 5, "depth": 6, "activation": "gelu", "scaling": true, "seed": 0 },
 *   "seed": 1,
 *   "sensitivity": "quadrature", "method": "rodas5p", "rtol": 1e-6, "atol": 1e-8,
 *   "validation": { "fraction": 0.2, "by": "point", "every": 100, "patience": 5 },
 *   "strategy": [{ "lr": 0.005, "steps": 2000, "loss": "scaledMae", "optimizer": { "kind": "adamw", "weightDecay": 1e-6 } }],
 *   "output": "trained-model.json"
 * }
 * ```
 * `model` may instead be `{ "load": "model.json" }` (a model saved by `modelToJson`/`--out`).
 */
/** Penalty knobs of a stage: the preset of the model's kind (see {@link TrainConfig.strategy}). */
export type PenaltyKnobs = NeuralOdePenaltyOptions & UniversalOdePenaltyOptions;

export interface TrainConfig {
  readonly data: string;
  /** A model to build (see `modelFromSpec` of @odeon/neural), or `{ "load": "model.json" }`. */
  readonly model: ModelSpec | { readonly load: string };
  readonly seed?: number;
  readonly sensitivity?: SensitivityKind;
  readonly method?: GradientMethod;
  readonly rtol?: number;
  readonly atol?: number;
  readonly validation?: {
    readonly fraction: number;
    readonly by?: 'measurement' | 'point';
    readonly every?: number;
    readonly patience?: number;
  };
  /**
   * Stages; a stage's `penalties` are the knobs of the model's preset: NeuralODE
   * (`{ "l2Alpha": 1e-4, "l1Alpha": 0 }`) or UniversalODE (`{ "l1ResidualAlpha": 0.1, "l2GateAlpha": ... }`).
   */
  readonly strategy: readonly StrategyStepOptions<PenaltyKnobs>[];
  /**
   * States at which state-dependent penalties (the universal ODE's residual) are evaluated:
   * `initial` (each measurement's initial state) or `data` (every fully observed row); default the
   * preset's own (the model's initial state).
   */
  readonly penaltyStates?: 'initial' | 'data';
  /**
   * Temporal-dropout masks (a stage's `dropout`): `time` (default, the seed's form: one mask per time
   * point shared by every measurement and species) or `series` (one mask per measurement).
   */
  readonly dropoutMask?: 'time' | 'series';
  /**
   * `cpu` / `wasm-f32` / `auto`: integrate the measurements of a step as one batched system (neural
   * ODE, measurements on shared time points, dopri5); `wasm-f32` runs the network in float32 on tfjs
   * wasm. Default `off` (one solve per measurement). See `TRAIN_BATCHED`.
   */
  readonly batched?: TrainBatched;
  /**
   * Where to write the trained model (JSON), relative to the config file. Without it (and without
   * `--out`) the model goes to the run folder (`--out-dir`, default `out/train/<folder>-<config>/`
   * under the working directory), so a run never overwrites files beside the config.
   */
  readonly output?: string;
}

/** The default run folder of a config: `out/train/<folder>-<config name>` (relative to the cwd). */
export function defaultRunDir(configPath: string, cwd: string): string {
  const full = resolve(cwd, configPath);
  const stem = basename(full, extname(full));
  return join('out', 'train', `${basename(dirname(full))}-${stem}`);
}

function configError(message: string, element: string): OdeonError {
  return new OdeonError('InvalidOption', `Invalid training config: ${message}`, {
    option: element,
    hint: 'See `odeon train --help` for the config format.',
  });
}

const CONFIG_KEYS = [
  'data',
  'model',
  'seed',
  'sensitivity',
  'method',
  'rtol',
  'atol',
  'validation',
  'strategy',
  'penaltyStates',
  'dropoutMask',
  'batched',
  'output',
  'description',
] as const satisfies readonly (keyof TrainConfig | 'description')[];
const MODEL_KEYS: Readonly<Record<string, readonly string[]>> = {
  'neural-ode': ['kind', 'width', 'depth', 'activation', 'timeInput', 'scaling', 'seed'],
  'universal-ode': [
    'kind',
    'mechanism',
    'trainable',
    'width',
    'depth',
    'activation',
    'gate',
    'alphaInit',
    'seed',
  ],
  load: ['load'],
};

/** Unknown keys anywhere in a training config are errors with a "did you mean" (never ignored). */
function checkConfigKeys(config: TrainConfig): void {
  const m0 = config.model as { activation?: unknown } | undefined;
  if (
    m0 !== null &&
    typeof m0 === 'object' &&
    m0.activation !== undefined &&
    !(ACTIVATIONS as readonly unknown[]).includes(m0.activation)
  )
    throw configError(
      `\`model.activation\` ${JSON.stringify(String(m0.activation).slice(0, 40))} is not one of ${ACTIVATIONS.join(', ')}${didYouMean(String(m0.activation), ACTIVATIONS)}.`,
      'model.activation',
    );
  const inConfig = (where: string, obj: unknown, keys: readonly string[]) => {
    if (obj === null || typeof obj !== 'object') return;
    try {
      rejectUnknownKeys(obj, keys, where);
    } catch (e) {
      throw new OdeonError('InvalidOption', `Invalid training config: ${(e as Error).message}`, {
        option: (e as OdeonError).context.option ?? where,
        hint: 'See `odeon train --help` for the config format.',
        cause: e,
      });
    }
  };
  inConfig('training config', config, CONFIG_KEYS);
  const m = config.model as Record<string, unknown> | undefined;
  if (m !== null && typeof m === 'object') {
    const kind = 'load' in m ? 'load' : typeof m.kind === 'string' ? m.kind : undefined;
    const keys = kind !== undefined && Object.hasOwn(MODEL_KEYS, kind) ? MODEL_KEYS[kind] : undefined;
    if (keys !== undefined) inConfig(`\`model\` (${kind})`, m, keys);
  }
  inConfig('`validation`', config.validation, ['fraction', 'by', 'every', 'patience']);
}

function buildModel(config: TrainConfig, data: Dataset, base: string, io: CliIo): OdeModel {
  const m = config.model as Record<string, unknown> | undefined;
  if (m === undefined || m === null || typeof m !== 'object')
    throw configError('`model` is required.', 'model');
  if (typeof m.load === 'string') {
    const model = modelFromJson(readTextFile({ ...io, cwd: base }, m.load, 'model'));
    if (model.n !== data.n) {
      throw configError(`the saved model has ${model.n} states, the data ${data.n} species.`, 'model.load');
    }
    return model;
  }
  if (m.kind !== 'neural-ode' && m.kind !== 'universal-ode')
    throw configError(
      '`model.kind` must be "neural-ode" or "universal-ode" (or give `model.load`).',
      'model.kind',
    );
  try {
    return modelFromSpec(config.model as ModelSpec, {
      species: data.species,
      scaling: () => ({ yScale: data.yScale(), tScale: data.tScale() }),
      readMechanism: (path) => loadModelFile({ ...io, cwd: base }, path, 'mechanism').model,
    });
  } catch (e) {
    if (isOdeonError(e, 'InvalidOption')) throw configError(e.message, e.context.option ?? 'model');
    throw e;
  }
}

/** Rows at which state-dependent penalties are evaluated (`penaltyStates`), row-major. */
function penaltyStatesOf(data: Dataset, which: TrainConfig['penaltyStates']): Float64Array | undefined {
  if (which === undefined) return undefined;
  if (which !== 'initial' && which !== 'data')
    throw configError('`penaltyStates` must be "initial" or "data".', 'penaltyStates');
  const rows: number[] = [];
  for (const m of data.measurements) {
    const nt = which === 'initial' ? 1 : m.t.length;
    for (let i = 0; i < nt; i++) {
      const row = which === 'initial' ? m.y0 : m.y.subarray(i * data.n, (i + 1) * data.n);
      if (row.every((v) => Number.isFinite(v))) rows.push(...row);
    }
  }
  return Float64Array.from(rows);
}

/** Runs a training configuration. */
export async function trainFromConfig(
  configPath: string,
  options: TrainFromConfigOptions,
  io: CliIo,
): Promise<TrainCommandResult> {
  let config: TrainConfig;
  try {
    config = JSON.parse(readTextFile(io, configPath, 'config'));
  } catch (e) {
    if (e instanceof OdeonError) throw e;
    throw new OdeonError(
      'InvalidOption',
      `The config ${JSON.stringify(configPath)} is not valid JSON: ${(e as Error).message}`,
      {
        option: 'config',
      },
    );
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw configError('the file must hold a JSON object.', 'config');
  checkConfigKeys(config);
  const base = dirname(resolve(io.cwd, configPath));
  const baseIo = { ...io, cwd: base };
  if (typeof config.data !== 'string') throw configError('`data` must be the path of a CSV file.', 'data');
  const all = parseCsv(readTextFile(baseIo, config.data, 'data file'));
  if (!Array.isArray(config.strategy) || config.strategy.length === 0) {
    throw configError('`strategy` must be a non-empty list of steps ({ lr, steps, ... }).', 'strategy');
  }
  const strategy = new Strategy<PenaltyKnobs>();
  for (const step of config.strategy) strategy.addStep(step);
  const seed = config.seed ?? 0;
  const v = config.validation;
  const { train: trainData, validation: valData } =
    v === undefined
      ? { train: all, validation: undefined }
      : splitDataset(all, { validationFraction: v.fraction, by: v.by ?? 'measurement', seed });
  const model = buildModel(config, all, base, io);
  const m0 = trainData.measurements[0];
  const problem = {
    ...model.problem({
      y0: m0.y0.map((x) => (Number.isNaN(x) ? 0 : x)),
      t0: m0.t[0],
      t1: m0.t[m0.t.length - 1],
    }),
    names: all.species,
  };
  const solver = {
    ...(config.sensitivity !== undefined ? { sensitivity: config.sensitivity } : {}),
    ...(config.method !== undefined ? { method: config.method } : {}),
    ...(config.rtol !== undefined ? { rtol: config.rtol } : {}),
    ...(config.atol !== undefined ? { atol: config.atol } : {}),
  };
  if (config.dropoutMask !== undefined && config.dropoutMask !== 'time' && config.dropoutMask !== 'series')
    throw configError('`dropoutMask` must be "time" or "series".', 'dropoutMask');
  const presets = new Map<object, Penalties>();
  const states = penaltyStatesOf(trainData, config.penaltyStates);
  const penalty = (p: Float64Array, stage: { readonly penalties: PenaltyKnobs | undefined }) => {
    const knobs = stage.penalties;
    if (knobs === undefined) return undefined;
    let pens = presets.get(knobs);
    if (pens === undefined) {
      pens =
        model.kind === 'universal-ode' ? Penalties.forUniversalOde(knobs) : Penalties.forNeuralOde(knobs);
      presets.set(knobs, pens);
    }
    const r = pens.valueAndGrad(model, { params: p, ...(states !== undefined ? { states } : {}) });
    return { value: r.total, grad: r.grad, byName: r.byName };
  };
  const batched = await batchedTraining(
    parseTrainBatched(config.batched),
    model,
    trainData.measurements.length,
    config.method,
  );
  const objective = odeObjective<PenaltyKnobs>(problem, trainData, {
    ...solver,
    ...(batched !== undefined ? { batched: batched.batched, method: batched.method } : {}),
    penalty,
    ...(config.dropoutMask !== undefined ? { dropoutMask: config.dropoutMask } : {}),
  });
  const valObjective = valData ? odeObjective(problem, valData, solver) : undefined;
  const fullObjective = odeObjective(problem, all, solver);
  let resume: Checkpoint | undefined;
  if (options.resume !== undefined) {
    try {
      resume = JSON.parse(readTextFile(io, options.resume, 'checkpoint'));
    } catch (e) {
      if (e instanceof OdeonError) throw e;
      throw new OdeonError(
        'CheckpointError',
        `The checkpoint ${JSON.stringify(options.resume)} is not valid JSON.`,
      );
    }
  }
  const runDir = options.outDir ?? defaultRunDir(configPath, io.cwd);
  const write = (path: string, text: string) => {
    try {
      mkdirSync(dirname(resolve(io.cwd, path)), { recursive: true });
      writeFileSync(resolve(io.cwd, path), text);
    } catch (cause) {
      throw new OdeonError('IoError', `Cannot write ${JSON.stringify(path)}: ${(cause as Error).message}`, {
        cause,
      });
    }
  };
  const checkpointEvery = options.checkpointEvery === undefined ? 100 : Number(options.checkpointEvery);
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) {
    throw new OdeonError(
      'UsageError',
      `--checkpoint-every must be an integer ≥ 1 (got ${JSON.stringify(options.checkpointEvery)}).`,
      {
        option: 'checkpoint-every',
      },
    );
  }
  // Checkpoints are on by default (every 100 steps and at the end, also after an interrupt), into the
  // run folder unless --checkpoint names a file.
  const checkpointPath = options.checkpoint ?? join(runDir, 'checkpoint.json');
  const progress = progressReporter(io, { quiet: options.json === true });
  const interrupt = { aborted: false, signal: undefined as string | undefined };
  const unregister = io.onInterrupt?.((signal) => {
    interrupt.aborted = true;
    interrupt.signal = signal;
    io.stderr(`\n${signal}: stopping after this step; writing the model and a checkpoint...\n`);
  });
  const start = performance.now();
  let r: Awaited<ReturnType<typeof train>>;
  try {
    r = await train(objective, model.p, strategy, {
      seed,
      datasetSize: trainData.size,
      groups: parameterGroups(model),
      ...(valObjective && valData
        ? {
            validate: (p: Float64Array) => ({
              loss: valObjective(p, fullBatch(valData.size, { loss: 'scaledMae' })).loss,
            }),
            validateEvery: v?.every ?? 0,
            ...(v?.patience !== undefined ? { earlyStopping: { patience: v.patience } } : {}),
          }
        : {}),
      checkpointEvery,
      onCheckpoint: (c: Checkpoint) =>
        write(checkpointPath.replaceAll('{step}', String(c.step)), JSON.stringify(c)),
      signal: interrupt,
      ...(resume !== undefined ? { resume } : {}),
      onProgress: (p) => {
        const width = 30;
        const filled = Math.round((width * p.step) / p.totalSteps);
        const val = p.validation?.loss !== undefined ? ` val ${p.validation.loss.toExponential(3)}` : '';
        const pen = p.metrics?.penalty !== undefined ? ` pen ${p.metrics.penalty.toExponential(2)}` : '';
        progress.update(
          `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.step}/${p.totalSteps} loss ${p.loss.toExponential(3)}${val}${pen} ${p.stepsPerSecond.toFixed(1)} steps/s`,
        );
      },
    });
  } finally {
    unregister?.();
    progress.done();
  }
  model.setParams(r.params);
  const out =
    options.out ??
    (config.output !== undefined
      ? relative(io.cwd, resolve(base, config.output)) || config.output
      : join(runDir, 'trained-model.json'));
  write(out, `${JSON.stringify(model.toJSON())}\n`);
  const scaledMae = fullObjective(r.params, fullBatch(all.size, { loss: 'scaledMae' })).loss;
  const mse = fullObjective(r.params, fullBatch(all.size, { loss: 'mse' })).loss;
  const wallSeconds = (performance.now() - start) / 1000;
  const h = r.history;
  const lastPenalty = h.length > 0 ? h[h.length - 1].metrics?.penalty : undefined;
  return {
    config: configPath,
    model: model.kind,
    parameters: model.np,
    steps: r.steps,
    reason: r.reason,
    history: {
      first: h.length > 0 ? h[0].loss : Number.NaN,
      last: h.length > 0 ? h[h.length - 1].loss : Number.NaN,
    },
    ...(lastPenalty !== undefined ? { penalty: lastPenalty } : {}),
    ...(batched !== undefined ? { batched: batched.backend } : {}),
    ...(r.validation.length > 0 ? { validation: r.validation[r.validation.length - 1].metrics } : {}),
    output: out,
    checkpoint: checkpointPath.replaceAll('{step}', String(r.steps)),
    ...(interrupt.signal !== undefined ? { interrupted: interrupt.signal } : {}),
    scaledMae,
    mse,
    wallSeconds,
  };
}

export const registerTrain: RegisterCommand = (program: Command, io: CliIo) => {
  program
    .command('train')
    .description(
      'Train a neural ODE on measurements as described by a JSON config (strategy stages, validation, checkpoints).',
    )
    .argument('<config>', 'training configuration (JSON; see below)')
    .option('--out <file>', 'write the trained model (JSON) here (overrides the config\'s "output")')
    .option(
      '--out-dir <dir>',
      'run folder for the model (when neither --out nor "output" is given) and checkpoints (default out/train/<folder>-<config>/)',
    )
    .option(
      '--checkpoint <file>',
      'write checkpoints here (default <run folder>/checkpoint.json; "{step}" in the name keeps one file per checkpoint)',
    )
    .option(
      '--checkpoint-every <n>',
      'steps between checkpoints (default 100; one more at the end and on Ctrl-C/SIGTERM)',
    )
    .option('--resume <file>', 'continue bit-for-bit from a checkpoint written by --checkpoint')
    .option('--json', 'print a machine-readable summary (ends with scaledMae, mse and wallSeconds)')
    .option(
      '--sweep <file>',
      'train once per member of a sweep: {"grid": {"strategy.0.lr": [...], ...}} or {"list": [...]}',
    )
    .option('--workers <k>', 'with --sweep: train members on k worker threads')
    .option('--redis <url>', 'with --sweep: train members on `odeon worker`s through Redis')
    .option('--results <file>', 'with --sweep --redis: results file, resumed on a rerun')
    .option('--timeout <s>', 'with --sweep --redis: give up after this many seconds (default 86400)')
    .addHelpText(
      'after',
      `
Sweeps: --sweep sweep.json trains the config once per member, member k into <run folder>/sweep-<name>/<k>/;
  { "grid": { "strategy.0.lr": [0.01, 0.001], "model.width": [4, 8], "seed": [1, 2] } }  (every combination)
  { "list": [ { "model.width": 4 }, { "model.width": 8, "strategy.0.steps": 500 } ] }
  Each member is a task with its files by value (--workers K threads, --redis URL machines): the same
  models whatever the number of workers. The report ranks members by validation (else training) scaled MAE.

Config (paths relative to the config file):
  {
    "data": "data.csv",                       measurement,time,<species>...
    "model": { "kind": "neural-ode", "width": 5, "depth": 6, "activation": "gelu", "scaling": true }
             or { "kind": "universal-ode", "mechanism": "model.xml", "trainable": ["Vmax", "Km"],
                  "width": 8, "depth": 2, "activation": "tanh" }   (mechanism + gated neural residual)
             or { "load": "model.json" },
    "penaltyStates": "initial",               where state penalties are evaluated (initial | data)
    "dropoutMask": "time",                    dropout masks: one per time point shared by all
                                              measurements and species (time) or per measurement (series)
    "batched": "off",                         off | cpu | wasm-f32 | auto: a step's measurements (neural ODE,
                                              shared time points) as one batched system, dopri5; wasm-f32
                                              runs the network in float32; auto picks by batch × width²
    "seed": 1, "sensitivity": "quadrature", "method": "rodas5p", "rtol": 1e-6, "atol": 1e-8,
    "validation": { "fraction": 0.2, "by": "point", "every": 100, "patience": 5 },
    "strategy": [ { "lr": 0.005, "steps": 2000, "loss": "scaledMae", "length": 1, "dropout": 0,
                    "optimizer": { "kind": "adamw", "weightDecay": 1e-6 }, "clipNorm": 10,
                    "penalties": { "l2Alpha": 1e-4, "l1Alpha": 0 },
                    (universal-ode: { "l1ResidualAlpha": 0.1, "l2GateAlpha": 0, ... })
                    "train": "both" | "network" | "parameters" (universal-ode: the trainable θ;
                    with "alphaInit": -10 in the model the residual starts gated off) } ],
    "output": "trained-model.json"
  }
`,
    )
    .action(
      async (
        configPath: string,
        options: {
          out?: string;
          outDir?: string;
          checkpoint?: string;
          checkpointEvery?: string;
          resume?: string;
          json?: boolean;
          sweep?: string;
          workers?: string;
          redis?: string;
          results?: string;
          timeout?: string;
        },
      ) => {
        if (options.sweep !== undefined) {
          const runDir = defaultRunDir(configPath, io.cwd);
          const sweep = await trainSweep(configPath, options.sweep, options, io, trainFromConfig, runDir);
          if (options.json) writeJson(io, sweep);
          else
            for (const m of sweep.members)
              io.stdout(
                `${m.index === sweep.best ? '*' : ' '} ${m.index} ${JSON.stringify(m.overrides)}: scaled MAE ${m.result.scaledMae.toExponential(3)}${m.result.validation?.scaledMae !== undefined ? `, validation ${m.result.validation.scaledMae.toExponential(3)}` : ''} -> ${m.result.output}\n`,
              );
          return;
        }
        for (const flag of ['workers', 'redis', 'results', 'timeout'] as const)
          if (options[flag] !== undefined)
            throw new OdeonError('UsageError', `--${flag} goes with --sweep.`, {
              option: flag,
              hint: 'See `odeon train --help`.',
            });
        const r = await trainFromConfig(configPath, options, io);
        // after a signal: the output is written, and the exit code says the run was cut short (130)
        const exit = () => {
          if (r.interrupted !== undefined) throw new CommandExit(signalExitCode(r.interrupted));
        };
        if (options.json) {
          writeJson(io, r);
          return exit();
        }
        io.stdout(
          `trained ${r.model} (${r.parameters} parameters) for ${r.steps} steps (${r.reason}): loss ${r.history.first.toExponential(3)} -> ${r.history.last.toExponential(3)}\n`,
        );
        if (r.validation) io.stdout(`validation: ${JSON.stringify(r.validation)}\n`);
        io.stdout(
          `scaled MAE ${r.scaledMae.toExponential(3)}, MSE ${r.mse.toExponential(3)}, ${r.wallSeconds.toFixed(1)} s\n`,
        );
        if (r.interrupted !== undefined)
          io.stdout(`interrupted by ${r.interrupted} after step ${r.steps}: the model so far is saved\n`);
        io.stdout(`wrote ${r.output}\n`);
        io.stdout(
          `checkpoint ${r.checkpoint} (continue with: odeon train ${configPath} --resume ${r.checkpoint})\n`,
        );
        exit();
      },
    );
};
