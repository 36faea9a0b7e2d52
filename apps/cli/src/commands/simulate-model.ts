import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { METHODS, type MethodName, OdeonError } from '@odeon/ode';
import {
  compileModel,
  formatSuiteCsv,
  loadModel,
  parseSuiteSettings,
  simulate,
  simulateForSettings,
  type TimeCourse,
} from '@odeon/sbml';
import { type CliIo, writeJson } from '../io.ts';
import { requireFiniteGrid, requireModelValues } from '../model-values.ts';
import { timeSeriesSvg } from '../plot.ts';
import type { SimulateOptions } from './simulate-options.ts';

/** Reads a text file relative to the CLI's working directory, as a typed `IoError` on failure. */
export function readTextFile(io: CliIo, path: string, what: string): string {
  try {
    return readFileSync(resolve(io.cwd, path), 'utf8');
  } catch (cause) {
    throw new OdeonError(
      'IoError',
      `Cannot read the ${what} ${JSON.stringify(path)}: ${(cause as Error).message}`,
      {
        cause,
        hint: 'Check the path.',
      },
    );
  }
}

function writeTextFile(io: CliIo, path: string, text: string): void {
  try {
    writeFileSync(resolve(io.cwd, path), text);
  } catch (cause) {
    throw new OdeonError('IoError', `Cannot write ${JSON.stringify(path)}: ${(cause as Error).message}`, {
      cause,
      hint: 'Check the folder exists and is writable.',
    });
  }
}

/** Reads a numeric option given as a number or a command-line string; `InvalidOption` when malformed. */
function numberOption(
  value: unknown,
  name: string,
  ok: (x: number) => boolean,
  allowed: string,
): number | undefined {
  if (value === undefined) return undefined;
  const x = typeof value === 'number' ? value : Number(String(value).trim());
  if (String(value).trim() === '' || !ok(x))
    throw new OdeonError(
      'InvalidOption',
      `Invalid --${name}: ${JSON.stringify(String(value).slice(0, 40))}.`,
      {
        option: name,
        value,
        allowed,
        hint: `Give --${name} as ${allowed}.`,
      },
    );
  return x;
}

/**
 * `odeon simulate model.xml ...`: simulates an SBML (or Odeon JSON) model. With `--settings` it follows an
 * SBML Test Suite settings file and writes the suite's CSV layout; otherwise it reports every species over
 * [t0, t1] at `steps` + 1 times. `--out` writes the CSV to a file, `--plot` an SVG chart, `--json` prints JSON.
 */
export async function simulateModel(path: string, options: SimulateOptions, io: CliIo): Promise<void> {
  const text = readTextFile(io, path, 'model');
  const model = compileModel(loadModel(text));
  let method: MethodName | undefined;
  if (options.method !== undefined) {
    if (!(METHODS as readonly string[]).includes(options.method))
      throw new OdeonError('InvalidOption', `Unknown method ${JSON.stringify(options.method)}.`, {
        option: 'method',
        value: options.method,
        allowed: METHODS.join(', '),
        hint: `Use one of ${METHODS.join(', ')}.`,
      });
    method = options.method as MethodName;
  }
  const rtol = numberOption(options.rtol, 'rtol', (x) => x > 0 && x < 1, 'a number in (0, 1)');
  const atol = numberOption(options.atol, 'atol', (x) => x > 0, 'a number > 0');
  const tol = {
    ...(method !== undefined ? { method } : {}),
    ...(rtol !== undefined ? { rtol } : {}),
    ...(atol !== undefined ? { atol } : {}),
  };
  let course: TimeCourse;
  if (options.settings !== undefined) {
    const settings = parseSuiteSettings(readTextFile(io, options.settings, 'settings file'));
    for (const key of ['start', 'duration', 'steps'] as const)
      if (!Number.isFinite(settings[key]))
        throw new OdeonError('ModelFormatError', `The settings file has no valid \`${key}\`.`, {
          element: key,
          hint: 'Give start, duration and steps.',
        });
    requireFiniteGrid(settings.start, settings.start + settings.duration, settings.steps, 'duration');
    requireModelValues(model, settings.start, path);
    course = simulateForSettings(model, settings, tol);
  } else {
    const t0 = numberOption(options.t0, 't0', Number.isFinite, 'a finite number') ?? 0;
    const t1 = numberOption(
      options.t1,
      't1',
      (x) => Number.isFinite(x) && x > t0,
      'a finite number after t0',
    );
    const steps =
      numberOption(
        options.steps,
        'steps',
        (x) => Number.isInteger(x) && x > 0 && x <= 10_000_000,
        'an integer in [1, 1e7]',
      ) ?? 100;
    if (t1 === undefined)
      throw new OdeonError(
        'UsageError',
        'Give the end time with --t1 (or an SBML Test Suite --settings file).',
        {
          option: 't1',
          hint: 'Example: odeon simulate model.xml --t1 50 --steps 500',
        },
      );
    requireFiniteGrid(t0, t1, steps, 't1');
    requireModelValues(model, t0, path);
    course = simulate(model, { rtol: 1e-8, atol: 1e-12, ...tol, t0, t1, steps });
  }
  const csv = formatSuiteCsv(course);
  if (options.out !== undefined) writeTextFile(io, options.out, csv);
  if (options.plot !== undefined) {
    const log = options.log ?? '';
    if (!['', 'x', 'y', 'xy'].includes(log))
      throw new OdeonError('UsageError', `--log must be x, y or xy (got ${JSON.stringify(log)}).`, {
        option: 'log',
        hint: 'Use --log x, --log y or --log xy.',
      });
    const svg = await timeSeriesSvg(course.times, course.values, course.names, {
      title: path,
      logX: log.includes('x'),
      logY: log.includes('y'),
    });
    writeTextFile(io, options.plot, svg);
  }
  if (options.json) {
    writeJson(io, {
      model: path,
      names: course.names,
      times: course.times,
      values: course.values,
      events: course.events,
      stats: course.stats,
      backend: model.backend,
      ...(options.out !== undefined ? { out: options.out } : {}),
      ...(options.plot !== undefined ? { plot: options.plot } : {}),
    });
  } else if (options.out === undefined) io.stdout(csv);
  else
    io.stdout(`wrote ${course.times.length} rows × ${course.names.length + 1} columns to ${options.out}\n`);
}
