import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isOdeonError, OdeonError } from '@odeon/ode';
import {
  compareSuiteResults,
  compileModel,
  formatSuiteCsv,
  parseSuiteCsv,
  parseSuiteSettings,
  type SuiteComparison,
  simulateForSettings,
} from '@odeon/sbml';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { RegisterCommand } from '../command.ts';
import { type CliIo, readTextFile, writeJson } from '../io.ts';
import { loadModelFile } from '../model-file.ts';

/** The outcome of one suite case. */
export interface SuiteCaseResult {
  readonly id: string;
  readonly status: 'pass' | 'fail' | 'unsupported';
  /** Why it failed or is unsupported (error code and message, or the worst mismatch). */
  readonly detail?: string;
  readonly feature?: string;
  readonly comparison?: SuiteComparison;
  readonly ms: number;
}

export interface SuiteRunResult {
  readonly dir: string;
  readonly cases: readonly SuiteCaseResult[];
  readonly passed: number;
  readonly failed: number;
  readonly unsupported: number;
  readonly total: number;
}

/** Case folders under dir: `cases/NNNNN/`, `NNNNN/`, or dir itself when it is a case folder. */
export function findSuiteCases(dir: string): { id: string; dir: string }[] {
  const isCase = (d: string, name: string) =>
    /^\d{5}$/.test(name) && existsSync(join(d, `${name}-settings.txt`));
  const base =
    existsSync(join(dir, 'cases')) && statSync(join(dir, 'cases')).isDirectory() ? join(dir, 'cases') : dir;
  const self = /(\d{5})\/?$/.exec(dir);
  if (self && isCase(dir, self[1])) return [{ id: self[1], dir }];
  let names: string[];
  try {
    names = readdirSync(base);
  } catch (cause) {
    throw new OdeonError('IoError', `Cannot read the folder ${JSON.stringify(dir)}.`, {
      cause,
      hint: 'Give the suite folder (with cases/NNNNN/ or NNNNN/ inside).',
    });
  }
  return names
    .filter((n) => isCase(join(base, n), n))
    .sort()
    .map((id) => ({ id, dir: join(base, id) }));
}

/** The model file of a case: L3V2 when present, otherwise the highest Level/Version. */
export function caseModelFile(caseDir: string, id: string): string | undefined {
  const files = readdirSync(caseDir)
    .map((f) => ({ f, m: new RegExp(`^${id}-sbml-l(\\d)v(\\d)\\.xml$`).exec(f) }))
    .filter((x) => x.m !== null)
    .map((x) => ({ f: x.f, rank: Number(x.m?.[1]) * 10 + Number(x.m?.[2]) }));
  const l3v2 = files.find((x) => x.rank === 32);
  if (l3v2) return l3v2.f;
  files.sort((a, b) => b.rank - a.rank);
  return files[0]?.f;
}

/** Runs one case with the official pass rule. Never throws for model problems: they become fail/unsupported. */
export function runSuiteCase(io: CliIo, c: { id: string; dir: string }): SuiteCaseResult {
  const start = Date.now();
  const done = (r: Omit<SuiteCaseResult, 'ms'>): SuiteCaseResult => ({ ...r, ms: Date.now() - start });
  try {
    const modelFile = caseModelFile(c.dir, c.id);
    if (!modelFile) return done({ id: c.id, status: 'fail', detail: 'no model file' });
    const settings = parseSuiteSettings(readTextFile(io, join(c.dir, `${c.id}-settings.txt`), 'settings'));
    // comp external model definitions: files in the case folder only
    const model = compileModel(loadModelFile(io, join(c.dir, modelFile)).model);
    for (const key of ['start', 'duration', 'steps'] as const)
      if (!Number.isFinite(settings[key]))
        throw new OdeonError('UnsupportedSbmlFeature', `The case has no time course (no ${key}).`, {
          feature: 'non-time-course test',
          element: c.id,
        });
    const course = simulateForSettings(model, settings, { timeLimitMs: 120_000 });
    const expected = parseSuiteCsv(readTextFile(io, join(c.dir, `${c.id}-results.csv`), 'results'));
    const comparison = compareSuiteResults(
      expected,
      parseSuiteCsv(formatSuiteCsv(course)),
      settings.absolute,
      settings.relative,
    );
    if (comparison.pass) return done({ id: c.id, status: 'pass', comparison });
    const w = comparison.worst;
    const detail =
      comparison.missing.length > 0
        ? `missing columns ${comparison.missing.join(', ')}`
        : w
          ? `${comparison.failures} values off; worst ${w.column} at row ${w.row}: expected ${w.expected}, got ${w.actual}`
          : `${comparison.failures} values off`;
    return done({ id: c.id, status: 'fail', detail, comparison });
  } catch (error) {
    if (isOdeonError(error, 'UnsupportedSbmlFeature'))
      return done({
        id: c.id,
        status: 'unsupported',
        detail: error.message,
        feature: String(error.context.feature ?? ''),
      });
    if (isOdeonError(error))
      return done({ id: c.id, status: 'fail', detail: `[${error.code}] ${error.message}` });
    return done({
      id: c.id,
      status: 'fail',
      detail: `internal error: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

export function runSuite(dir: string, io: CliIo, onCase?: (r: SuiteCaseResult) => void): SuiteRunResult {
  const abs = resolve(io.cwd, dir);
  const found = findSuiteCases(abs);
  if (found.length === 0)
    throw new OdeonError('IoError', `No SBML Test Suite cases under ${JSON.stringify(dir)}.`, {
      hint: 'Expected folders cases/NNNNN/ or NNNNN/ holding NNNNN-settings.txt, NNNNN-results.csv and NNNNN-sbml-lXvY.xml.',
    });
  const cases: SuiteCaseResult[] = [];
  for (const c of found) {
    const r = runSuiteCase(io, c);
    cases.push(r);
    onCase?.(r);
  }
  const count = (s: SuiteCaseResult['status']) => cases.filter((c) => c.status === s).length;
  return {
    dir,
    cases,
    passed: count('pass'),
    failed: count('fail'),
    unsupported: count('unsupported'),
    total: cases.length,
  };
}

export function summaryLine(r: SuiteRunResult): string {
  return `passed ${r.passed} of ${r.total} (${r.failed} failed, ${r.unsupported} unsupported)`;
}

export const registerSbmlSuite: RegisterCommand = (program: Command, io: CliIo) => {
  program
    .command('sbml-suite')
    .description(
      'Run SBML Test Suite cases (folders cases/NNNNN/ or NNNNN/) and compare with the official rule |expected − actual| ≤ absolute + relative·|expected|.',
    )
    .argument('<dir>', 'suite folder')
    .option('--json', 'print per-case results and the summary as JSON')
    .action((dir: string, options: { json?: boolean }) => {
      const total = findSuiteCases(resolve(io.cwd, dir)).length;
      const bar =
        io.isTTY && !options.json
          ? new SingleBar({
              format: 'sbml-suite [{bar}] {value}/{total} {id}',
              stream: process.stderr,
              clearOnComplete: true,
              hideCursor: true,
            })
          : undefined;
      bar?.start(total, 0, { id: '' });
      const result = runSuite(dir, io, (r) => {
        bar?.increment(1, { id: r.id });
        if (!options.json)
          io.stdout(`${r.id} ${r.status}${r.status === 'pass' ? '' : `: ${r.detail ?? ''}`}\n`);
      });
      bar?.stop();
      if (options.json) writeJson(io, { ...result, summary: summaryLine(result) });
      else io.stdout(`${summaryLine(result)}\n`);
    });
};
