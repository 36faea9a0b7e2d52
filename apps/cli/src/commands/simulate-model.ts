import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { METHODS, type MethodName, OdeonError } from '@odeon/ode';
import {
  compileModel,
  formatSuiteCsv,
  loadModel,
  parseSuiteSettings,
  simulate,
  suiteSolverOptions,
  type TimeCourse,
} from '@odeon/sbml';
import { type CliIo, writeJson } from '../io.ts';
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
  const tol = {
    ...(method !== undefined ? { method } : {}),
    ...(options.rtol !== undefined ? { rtol: options.rtol } : {}),
    ...(options.atol !== undefined ? { atol: options.atol } : {}),
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
    const amount = new Set(settings.amount);
    const concentration = new Set(settings.concentration);
    course = simulate(model, {
      ...suiteSolverOptions(settings),
      ...tol,
      t0: settings.start,
      t1: settings.start + settings.duration,
      steps: settings.steps,
      variables: settings.variables,
      kinds: settings.variables.map((v) =>
        amount.has(v) ? 'amount' : concentration.has(v) ? 'concentration' : 'auto',
      ),
    });
  } else {
    const t0 = options.t0 ?? 0;
    const t1 = options.t1;
    if (t1 === undefined || !Number.isFinite(t1))
      throw new OdeonError(
        'UsageError',
        'Give the end time with --t1 (or an SBML Test Suite --settings file).',
        {
          option: 't1',
          hint: 'Example: odeon simulate model.xml --t1 50 --steps 500',
        },
      );
    course = simulate(model, { rtol: 1e-8, atol: 1e-12, ...tol, t0, t1, steps: options.steps ?? 100 });
  }
  const csv = formatSuiteCsv(course);
  if (options.out !== undefined) writeTextFile(io, options.out, csv);
  if (options.plot !== undefined) writeTextFile(io, options.plot, await plotSvg(course, path));
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

/** Renders the time course as an SVG line chart with Vega-Lite (headless, no browser). */
async function plotSvg(course: TimeCourse, title: string): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const m = course.names.length;
  const values: { t: number; variable: string; value: number }[] = [];
  for (let i = 0; i < course.times.length; i++)
    for (let j = 0; j < m; j++) {
      const v = course.values[i * m + j];
      if (Number.isFinite(v)) values.push({ t: course.times[i], variable: course.names[j], value: v });
    }
  const spec = vegaLite.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 640,
    height: 360,
    data: { values },
    mark: { type: 'line' },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time' },
      y: { field: 'value', type: 'quantitative' },
      color: { field: 'variable', type: 'nominal' },
    },
  } as never).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
