import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOdeonError } from '@odeon/ode';
import { loadSbmlSuiteCase, loadSbmlSuiteIndex } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { compileModel } from './compile.ts';
import { parseSbml } from './sbml-reader.ts';
import {
  compareSuiteResults,
  formatSuiteCsv,
  parseSuiteCsv,
  parseSuiteSettings,
  simulateSuiteCase,
} from './suite.ts';

const index = loadSbmlSuiteIndex();
const runnable = index.cases.filter((c) => c.plainOde || c.group === 'reject:event');
/** Each reject group and the feature name our error must carry. */
const REJECT_FEATURE: Record<string, string> = {
  'reject:delay': 'csymbol delay',
  'reject:algebraicRule': 'algebraicRule',
  'reject:fastReaction': 'fastReaction',
  'reject:package-comp': 'package:comp',
  'reject:package-fbc': 'package:fbc',
};

describe('SBML Test Suite sample (official pass rule against the suite results)', () => {
  it('has the 50 plain-ODE cases and 3 event cases this test relies on', () => {
    expect(index.cases.filter((c) => c.plainOde)).toHaveLength(50);
    expect(index.cases.filter((c) => c.group === 'reject:event')).toHaveLength(3);
  });

  it.each(runnable.map((c) => [c.id, c.group] as const))('case %s (%s) passes', (id) => {
    const c = loadSbmlSuiteCase(id);
    const settingsText = readFileSync(join(c.dir, c.entry.settingsFile), 'utf8');
    const settings = parseSuiteSettings(settingsText);
    const course = simulateSuiteCase(c.sbml, settings);
    const expected = parseSuiteCsv(readFileSync(join(c.dir, c.entry.resultsFile), 'utf8'));
    const cmp = compareSuiteResults(
      expected,
      parseSuiteCsv(formatSuiteCsv(course)),
      settings.absolute,
      settings.relative,
    );
    expect(cmp.missing).toEqual([]);
    expect(cmp.worst).toBeUndefined();
    expect(cmp.pass).toBe(true);
  });

  it.each(index.cases.filter((c) => c.group in REJECT_FEATURE).map((c) => [c.id, c.group] as const))(
    'case %s (%s) is refused with UnsupportedSbmlFeature naming the feature and element',
    (id, group) => {
      const c = loadSbmlSuiteCase(id);
      let caught: unknown;
      try {
        compileModel(parseSbml(c.sbml));
      } catch (error) {
        caught = error;
      }
      expect(isOdeonError(caught, 'UnsupportedSbmlFeature')).toBe(true);
      if (!isOdeonError(caught)) return;
      expect(caught.context.feature).toBe(REJECT_FEATURE[group]);
      expect(typeof caught.context.element).toBe('string');
      expect(String(caught.context.element).length).toBeGreaterThan(0);
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
