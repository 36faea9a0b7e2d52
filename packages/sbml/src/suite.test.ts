import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOdeonError } from '@odeon/ode';
import { loadSbmlSuiteCase, loadSbmlSuiteIndex, type SbmlSuiteName } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import {
  compareSuiteResults,
  formatSuiteCsv,
  parseSuiteCsv,
  parseSuiteSettings,
  simulateSuiteCase,
} from './suite.ts';

const SUITES = ['sbml-suite', 'sbml-suite-extended'] as const satisfies readonly SbmlSuiteName[];

/**
 * Features not simulated yet, as the index names them, and the `feature` our refusal must carry. A case
 * using none of them must pass; a case using one must pass or be refused with that feature and its element.
 */
const NOT_YET: Record<string, string> = {
  delay: 'csymbol delay',
  algebraicRule: 'algebraicRule',
  fastReaction: 'fastReaction',
  'package:comp': 'package:comp',
  'package:fbc': 'package:fbc',
};

const cases = SUITES.flatMap((suite) =>
  loadSbmlSuiteIndex(suite).cases.map((c) => ({ suite, id: c.id, group: c.group, entry: c })),
);

function runCase(suite: SbmlSuiteName, id: string) {
  const c = loadSbmlSuiteCase(id, suite);
  const settings = parseSuiteSettings(readFileSync(join(c.dir, c.entry.settingsFile), 'utf8'));
  const course = simulateSuiteCase(
    c.sbml,
    settings,
    {},
    {
      resolveExternal: (source) => readFileSync(join(c.dir, source), 'utf8'),
    },
  );
  const expected = parseSuiteCsv(readFileSync(join(c.dir, c.entry.resultsFile), 'utf8'));
  return compareSuiteResults(
    expected,
    parseSuiteCsv(formatSuiteCsv(course)),
    settings.absolute,
    settings.relative,
  );
}

describe('SBML Test Suite samples (official pass rule against the suite results)', () => {
  it('covers both samples: 61 + 68 cases', () => {
    expect(cases.filter((c) => c.suite === 'sbml-suite')).toHaveLength(61);
    expect(cases.filter((c) => c.suite === 'sbml-suite-extended')).toHaveLength(68);
  });

  it.each(cases.map((c) => [c.suite, c.id, c.group] as const))(
    '%s %s (%s) passes, or is refused naming a feature not supported yet',
    (suite, id) => {
      const entry = cases.find((c) => c.suite === suite && c.id === id)?.entry;
      const allowed = (entry?.unsupportedFeatures ?? []).filter((f) => f in NOT_YET).map((f) => NOT_YET[f]);
      let cmp: ReturnType<typeof runCase> | undefined;
      try {
        cmp = runCase(suite, id);
      } catch (error) {
        if (allowed.length === 0 || !isOdeonError(error, 'UnsupportedSbmlFeature')) throw error;
        expect(allowed).toContain(error.context.feature);
        expect(String(error.context.element ?? '').length).toBeGreaterThan(0);
        return;
      }
      expect(cmp.missing).toEqual([]);
      expect(cmp.worst).toBeUndefined();
      expect(cmp.pass).toBe(true);
    },
  );
});

describe('compareSuiteResults (the suite rule)', () => {
  const table = (header: string[], rows: number[][]) => ({ header, rows });
  it('accepts values within absolute + relative·|expected| and rejects values outside', () => {
    const expected = table(['time', 'S'], [[0, 100]]);
    expect(compareSuiteResults(expected, table(['time', 'S'], [[0, 100.0105]]), 1e-3, 1e-4).pass).toBe(true);
    expect(compareSuiteResults(expected, table(['time', 'S'], [[0, 100.0115]]), 1e-3, 1e-4).pass).toBe(false);
  });
  it('matches NaN only with NaN and infinities only with the same infinity', () => {
    const e = table(['time', 'S'], [[0, Number.NaN]]);
    expect(compareSuiteResults(e, table(['time', 'S'], [[0, Number.NaN]]), 1, 1).pass).toBe(true);
    expect(compareSuiteResults(e, table(['time', 'S'], [[0, 0]]), 1, 1).pass).toBe(false);
    expect(
      compareSuiteResults(table(['time', 'S'], [[0, 1]]), table(['time', 'S'], [[0, Number.NaN]]), 1, 1).pass,
    ).toBe(false);
    const inf = table(['time', 'S'], [[0, Number.POSITIVE_INFINITY]]);
    expect(compareSuiteResults(inf, table(['time', 'S'], [[0, Number.POSITIVE_INFINITY]]), 1, 1).pass).toBe(
      true,
    );
    expect(compareSuiteResults(inf, table(['time', 'S'], [[0, Number.NEGATIVE_INFINITY]]), 1, 1).pass).toBe(
      false,
    );
  });
  it('matches columns by case-sensitive name, allows extra columns, needs every row and the time column', () => {
    const e = table(
      ['time', 'S'],
      [
        [0, 1],
        [1, 2],
      ],
    );
    expect(
      compareSuiteResults(
        e,
        table(
          ['time', 'X', 'S'],
          [
            [0, 9, 1],
            [1, 9, 2],
          ],
        ),
        0,
        0,
      ).pass,
    ).toBe(true);
    expect(
      compareSuiteResults(
        e,
        table(
          ['time', 's'],
          [
            [0, 1],
            [1, 2],
          ],
        ),
        0,
        0,
      ).missing,
    ).toEqual(['S']);
    expect(compareSuiteResults(e, table(['time', 'S'], [[0, 1]]), 0, 0).pass).toBe(false);
    expect(
      compareSuiteResults(
        e,
        table(
          ['time', 'S'],
          [
            [0, 1],
            [1.5, 2],
          ],
        ),
        0.1,
        0,
      ).pass,
    ).toBe(false);
  });
  it('parses the CSV spellings of the suite (Time header, spaces, INF/NaN in any case)', () => {
    const t = parseSuiteCsv('Time, A,B\n0,nan,-inf\n1,INF,2\n');
    expect(t.header).toEqual(['Time', 'A', 'B']);
    expect(t.rows[0][1]).toBeNaN();
    expect(t.rows[0][2]).toBe(Number.NEGATIVE_INFINITY);
    expect(t.rows[1][1]).toBe(Number.POSITIVE_INFINITY);
  });
});
