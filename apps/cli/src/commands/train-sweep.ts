import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { runTasks, type Task, type TaskHandler, unwrapReply } from '@odeon/ensemble';
import { OdeonError } from '@odeon/ode';
import { cliRunner, type ScaleOptions } from '../cli-pool.ts';
import type { CliIo } from '../io.ts';
import { readTextFile } from '../io.ts';
import type { TrainCommandResult, Trainer } from './train-result.ts';

/**
 * A sweep over training configs: `grid` (every combination, the last path varying fastest) or `list`
 * of overrides, each a map from a dotted path of the config (`strategy.0.lr`, `model.width`, `seed`)
 * to its value.
 */
export type SweepSpec =
  | { readonly grid: Readonly<Record<string, readonly unknown[]>> }
  | { readonly list: readonly Readonly<Record<string, unknown>>[] };

const MAX_MEMBERS = 10_000;

function sweepError(message: string, element: string): OdeonError {
  return new OdeonError('InvalidOption', `Invalid sweep: ${message}`, {
    option: element,
    element,
    hint: 'A sweep is { "grid": { "strategy.0.lr": [1e-3, 1e-2], "seed": [1, 2] } } or { "list": [ { "model.width": 4 }, ... ] }.',
  });
}

/** The overrides of every member of a sweep (validated). */
export function sweepMembers(spec: SweepSpec): Record<string, unknown>[] {
  if (spec === null || typeof spec !== 'object')
    throw sweepError('the sweep must be a JSON object.', 'sweep');
  const keys = Object.keys(spec);
  if (keys.length !== 1 || (keys[0] !== 'grid' && keys[0] !== 'list'))
    throw sweepError('give exactly one of "grid" or "list".', keys.join(',') || 'sweep');
  if ('list' in spec) {
    if (!Array.isArray(spec.list) || spec.list.length === 0 || spec.list.length > MAX_MEMBERS)
      throw sweepError(`"list" must hold 1 to ${MAX_MEMBERS} override objects.`, 'list');
    return spec.list.map((o, k) => {
      if (o === null || typeof o !== 'object' || Array.isArray(o))
        throw sweepError(`list[${k}] must be an object of path: value.`, `list.${k}`);
      return { ...o };
    });
  }
  const axes = Object.entries(spec.grid ?? {});
  if (axes.length === 0) throw sweepError('"grid" names no path.', 'grid');
  for (const [path, values] of axes)
    if (!Array.isArray(values) || values.length === 0)
      throw sweepError(`grid.${path} must be a non-empty list.`, `grid.${path}`);
  const total = axes.reduce((n, [, v]) => n * v.length, 1);
  if (total > MAX_MEMBERS)
    throw sweepError(`the grid has ${total} combinations (at most ${MAX_MEMBERS}).`, 'grid');
  return Array.from({ length: total }, (_, k) => {
    const o: Record<string, unknown> = {};
    let rest = k;
    for (let a = axes.length - 1; a >= 0; a--) {
      const [path, values] = axes[a];
      o[path] = values[rest % values.length];
      rest = Math.floor(rest / values.length);
    }
    return o;
  });
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** The config with the overrides set (a deep copy; intermediate objects and arrays must exist). */
export function applyOverrides(
  config: unknown,
  overrides: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out = structuredClone(config) as Record<string, unknown>;
  for (const [path, value] of Object.entries(overrides)) {
    const parts = path.split('.');
    if (parts.some((p) => p === '' || FORBIDDEN.has(p)))
      throw sweepError(`the path ${JSON.stringify(path.slice(0, 60))} is not a config path.`, path);
    let node: unknown = out;
    for (const part of parts.slice(0, -1)) {
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
      if (node === null || typeof node !== 'object')
        throw sweepError(
          `the config has nothing at ${JSON.stringify(path.slice(0, 60))} (${JSON.stringify(part)} is missing).`,
          path,
        );
    }
    (node as Record<string, unknown>)[parts[parts.length - 1]] = structuredClone(value);
  }
  return out;
}

/** Input of a `train.config` task: a config with its files by value (so any machine can run it). */
export interface TrainConfigInput {
  readonly config: Record<string, unknown>;
  /** Contents of the files the config names: `data`, and `model.mechanism` or `model.load`. */
  readonly files: Readonly<Record<string, string>>;
}

/** Output of a `train.config` task: the report and the trained model (JSON text). */
export interface TrainConfigOutput {
  readonly result: TrainCommandResult;
  readonly model: string;
}

const silentIo = (cwd: string): CliIo => ({ stdout: () => {}, stderr: () => {}, isTTY: false, cwd });

/** Trains one config (the `train.config` task) in a private temporary folder. */
export async function trainConfigTask(input: TrainConfigInput, train: Trainer): Promise<TrainConfigOutput> {
  const dir = mkdtempSync(join(tmpdir(), 'odeon-sweep-'));
  try {
    const config = structuredClone(input.config) as Record<string, unknown> & {
      model?: Record<string, unknown>;
    };
    writeFileSync(join(dir, 'data.csv'), input.files.data ?? '');
    config.data = 'data.csv';
    for (const key of ['mechanism', 'load'] as const) {
      const text = input.files[`model.${key}`];
      if (text !== undefined && config.model !== undefined) {
        const name = `model-${key}${String(config.model[key]).endsWith('.xml') ? '.xml' : '.json'}`;
        writeFileSync(join(dir, name), text);
        config.model[key] = name;
      }
    }
    delete config.output;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const out = join(dir, 'trained-model.json');
    const result = await train(join(dir, 'config.json'), { out, json: true }, silentIo(dir));
    return { result: { ...result, output: 'trained-model.json' }, model: readFileSync(out, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One member of a sweep in the report. */
export interface SweepMemberReport {
  readonly index: number;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly result: TrainCommandResult;
}

/** What `odeon train config --sweep sweep.json` reports. */
export interface SweepReport {
  readonly config: string;
  readonly folder: string;
  readonly members: readonly SweepMemberReport[];
  /** Index of the member with the lowest validation (else training) scaled MAE. */
  readonly best: number;
  readonly wallSeconds: number;
}

/**
 * `odeon train config.json --sweep sweep.json [--workers K | --redis URL]`: trains the config once
 * per member of the sweep, each member as a task; member k's model goes to `<folder>/<k>/`.
 */
export async function trainSweep(
  configPath: string,
  sweepPath: string,
  options: ScaleOptions & { readonly outDir?: string },
  io: CliIo,
  train: Trainer,
  runDir: string,
): Promise<SweepReport> {
  const parse = (path: string, what: string) => {
    try {
      return JSON.parse(readTextFile(io, path, what)) as unknown;
    } catch (cause) {
      if (cause instanceof OdeonError) throw cause;
      throw new OdeonError(
        'InvalidOption',
        `The ${what} ${JSON.stringify(path)} is not valid JSON: ${(cause as Error).message}`,
        {
          option: what,
          hint: 'Fix the JSON syntax.',
        },
      );
    }
  };
  const config = parse(configPath, 'config') as Record<string, unknown> & { model?: Record<string, unknown> };
  const overrides = sweepMembers(parse(sweepPath, 'sweep') as SweepSpec);
  const baseIo = { ...io, cwd: dirname(resolve(io.cwd, configPath)) };
  const tasks: Task<TrainConfigInput>[] = overrides.map((o) => {
    const c = applyOverrides(config, o) as Record<string, unknown> & { model?: Record<string, unknown> };
    const files: Record<string, string> = {};
    if (typeof c.data === 'string') files.data = readTextFile(baseIo, c.data, 'data file');
    for (const key of ['mechanism', 'load'] as const) {
      const path = c.model?.[key];
      if (typeof path === 'string')
        files[`model.${key}`] = readTextFile(baseIo, path, key === 'load' ? 'model' : 'mechanism');
    }
    return { name: 'train.config', input: { config: c, files } };
  });
  const folder = options.outDir ?? join(runDir, `sweep-${basename(sweepPath).replace(/\.json$/, '')}`);
  const handler = ((input: TrainConfigInput) => trainConfigTask(input, train)) as TaskHandler;
  const runner = cliRunner(options, tasks, { 'train.config': handler }, io, 'train');
  const start = performance.now();
  const members: SweepMemberReport[] = new Array(tasks.length);
  let failed: Error | undefined;
  try {
    await runTasks(runner, tasks, {
      onResult: (reply, index, done, total) => {
        try {
          const out = unwrapReply<TrainConfigOutput>(reply, `Sweep member ${index}`);
          const dir = resolve(io.cwd, folder, String(index));
          mkdirSync(dir, { recursive: true });
          writeFileSync(join(dir, 'trained-model.json'), out.model);
          writeFileSync(join(dir, 'config.json'), `${JSON.stringify(tasks[index].input.config, null, 2)}\n`);
          const output = relative(io.cwd, join(dir, 'trained-model.json'));
          members[index] = { index, overrides: overrides[index], result: { ...out.result, output } };
          if (!io.isTTY) return;
          io.stderr(`\rsweep ${done}/${total}   `);
        } catch (error) {
          failed ??= error as Error;
        }
      },
    });
  } finally {
    await runner.close();
  }
  if (failed !== undefined) throw failed;
  const score = (m: SweepMemberReport) => m.result.validation?.scaledMae ?? m.result.scaledMae;
  let best = 0;
  for (let k = 1; k < members.length; k++) if (score(members[k]) < score(members[best])) best = k;
  return { config: configPath, folder, members, best, wallSeconds: (performance.now() - start) / 1000 };
}
