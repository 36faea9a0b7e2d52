import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from './shared-dir.ts';

export interface SbmlSuiteCaseEntry {
  readonly id: string;
  readonly dir: string;
  readonly group: string;
  readonly sbml: string;
  readonly sbmlLevel: number;
  readonly sbmlVersion: number;
  readonly settingsFile: string;
  readonly resultsFile: string;
  readonly unsupportedFeatures: readonly string[];
  readonly plainOde: boolean;
}

export interface SbmlSuiteIndex {
  readonly caseCount: number;
  readonly plainOdeCount: number;
  readonly cases: readonly SbmlSuiteCaseEntry[];
}

export interface SbmlSuiteCase {
  readonly entry: SbmlSuiteCaseEntry;
  /** Absolute path of the case folder. */
  readonly dir: string;
  readonly sbml: string;
  readonly results: { readonly header: readonly string[]; readonly rows: readonly (readonly number[])[] };
}

/** The SBML Test Suite samples in `../shared`: the public sample and its extension (event faults, comp, ...). */
export type SbmlSuiteName = 'sbml-suite' | 'sbml-suite-extended';

export function sbmlSuiteDir(suite: SbmlSuiteName = 'sbml-suite'): string {
  return join(sharedDir(), suite);
}

export function loadSbmlSuiteIndex(suite: SbmlSuiteName = 'sbml-suite'): SbmlSuiteIndex {
  return JSON.parse(readFileSync(join(sbmlSuiteDir(suite), 'index.json'), 'utf8')) as SbmlSuiteIndex;
}

export function loadSbmlSuiteCase(id: string, suite: SbmlSuiteName = 'sbml-suite'): SbmlSuiteCase {
  const entry = loadSbmlSuiteIndex(suite).cases.find((c) => c.id === id);
  if (!entry) throw new Error(`@odeon/testkit: no SBML suite case ${id} in ${suite}`);
  const dir = join(sbmlSuiteDir(suite), entry.dir);
  return {
    entry,
    dir,
    sbml: readFileSync(join(dir, entry.sbml), 'utf8'),
    results: parseSuiteResults(readFileSync(join(dir, entry.resultsFile), 'utf8')),
  };
}

/** Parses a suite results CSV (NaN, INF, -INF in any case). */
export function parseSuiteResults(text: string): { header: string[]; rows: number[][] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const header = lines[0].split(',').map((s) => s.trim());
  const rows = lines.slice(1).map((l) => l.split(',').map(parseSuiteNumber));
  return { header, rows };
}

export function parseSuiteNumber(cell: string): number {
  const s = cell.trim().toLowerCase();
  if (s === 'nan') return Number.NaN;
  if (s === 'inf' || s === '+inf' || s === 'infinity') return Number.POSITIVE_INFINITY;
  if (s === '-inf' || s === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(s);
}
