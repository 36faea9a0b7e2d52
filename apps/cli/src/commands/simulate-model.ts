import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OdeonError } from '@odeon/ode';
import {
  compileModel,
  formatSuiteCsv,
  parseSuiteSettings,
  simulate,
  simulateForSettings,
  type TimeCourse,
} from '@odeon/sbml';
import { type CliIo, readTextFile, writeJson } from '../io.ts';
import { loadModelFile } from '../model-file.ts';
import { modelTitle } from '../model-title.ts';
import { requireFiniteGrid, requireModelValues } from '../model-values.ts';
import { timeSeriesSvg } from '../plot.ts';
import { SIMULATE_DEFAULTS, type SimulateOptions, simulateSettings } from './simulate-options.ts';

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
  const { model: parsed } = loadModelFile(io, path);
  const model = compileModel(parsed);
  const d = SIMULATE_DEFAULTS.model;
  const set = simulateSettings(options, {
    method: d.method,
    rtol: d.rtol,
    atol: d.atol,
    t0: d.t0,
    steps: d.steps,
  });
  const tol = {
    method: set.method,
    rtol: set.rtol,
    ...(set.atol !== undefined ? { atol: set.atol } : {}),
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
    course = simulateForSettings(model, settings, {
      ...tol,
      ...(set.dt !== undefined ? { dt: set.dt } : {}),
    });
  } else {
    const { t0, t1, steps } = set;
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
    course = simulate(model, { ...tol, t0, t1, steps, ...(set.dt !== undefined ? { dt: set.dt } : {}) });
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
      title: modelTitle(parsed, path),
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
