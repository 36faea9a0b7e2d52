import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sbmlSuiteDir, sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

const csvRows = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => l.split(',').map((c) => c.trim()));

describe('odeon simulate/gradient/fit refuse values that would be silently wrong', () => {
  const case1 = () => join(sbmlSuiteDir(), 'cases', '00001', '00001-sbml-l3v2.xml');
  const noValue = () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-noval-'));
    const xml = readFileSync(case1(), 'utf8').replace(/(<parameter id="k1"[^>]*?) value="1"/, '$1');
    expect(xml).not.toContain('value="1" constant');
    writeFileSync(join(dir, 'm.xml'), xml);
    writeFileSync(join(dir, 'd.csv'), 'measurement,time,S1,S2\nm,0,1.5e-4,0\nm,1,1e-4,5e-5\n');
    return dir;
  };

  it.each([
    ['simulate', ['simulate', 'm.xml', '--t1', '1', '--steps', '3']],
    ['simulate --method rk4', ['simulate', 'm.xml', '--t1', '1', '--steps', '3', '--method', 'rk4']],
    ['gradient', ['gradient', '--model', 'm.xml', '--t1', '1']],
    ['fit', ['fit', 'm.xml', 'd.csv', '--params', 'k1']],
  ])('a parameter without a value is a typed error naming it (%s)', async (_name, args) => {
    const io = capture(noValue());
    expect(await run(args, io)).toBe(1);
    expect(io.err).toMatch(/error \[SbmlSemanticError\].*parameter "k1"/);
    expect(io.out).toBe('');
  });

  it("plots are titled with the model's name, not the file path", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-title-'));
    const model = join(sharedDir(), 'biomodels', 'BIOMD0000000145.xml');
    expect(await run(['simulate', model, '--t1', '1', '--steps', '5', '--plot', 'p.svg'], capture(dir))).toBe(
      0,
    );
    const svg = readFileSync(join(dir, 'p.svg'), 'utf8');
    expect(svg).toContain('Wang2007');
    expect(svg).not.toContain('biomodels');
  });

  it('a truncated XML file says where it ends and which elements are still open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-trunc-'));
    const xml = readFileSync(case1(), 'utf8');
    writeFileSync(join(dir, 't.xml'), xml.slice(0, 300));
    const lines = xml.slice(0, 300).split('\n');
    const io = capture(dir);
    expect(await run(['simulate', 't.xml', '--t1', '1'], io)).toBe(1);
    expect(io.err).toContain(
      `[SbmlParseError]: The XML ends at line ${lines.length}, column ${lines[lines.length - 1].length + 1}`,
    );
    expect(io.err).toContain('<listOfUnits>');
    expect(io.err).toContain('truncated');
    // cut inside a tag (an attribute, a tag name): also where it ends, not "malformed"
    for (const end of [xml.indexOf(' id=', 300) + 2, xml.indexOf('<', 300) + 3]) {
      const text = xml.slice(0, end);
      writeFileSync(join(dir, 'u.xml'), text);
      const rows = text.split('\n');
      const cut = capture(dir);
      expect(await run(['simulate', 'u.xml', '--t1', '1'], cut)).toBe(1);
      expect(cut.err).toContain(
        `[SbmlParseError]: The XML ends at line ${rows.length}, column ${rows[rows.length - 1].length + 1} inside an unfinished tag: the file looks truncated.`,
      );
    }
    // a malformed file that is not cut short says so
    writeFileSync(join(dir, 'm.xml'), xml.replace('<model', '<model a="1" a="2"'));
    const bad = capture(dir);
    expect(await run(['simulate', 'm.xml', '--t1', '1'], bad)).toBe(1);
    expect(bad.err).toContain('Malformed XML');
  });

  it('a duration of 1e308 (options or settings file) is a typed error, not INF times', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-huge-'));
    writeFileSync(
      join(dir, 's.txt'),
      'start: 0\nduration: 1e308\nsteps: 50\nvariables: S1, S2\nabsolute: 1e-7\nrelative: 1e-4\namount: S1, S2\nconcentration:\n',
    );
    for (const args of [
      ['simulate', case1(), '--t1', '1e308', '--steps', '3'],
      ['simulate', case1(), '--settings', 's.txt'],
    ]) {
      const io = capture(dir);
      expect(await run(args, io)).toBe(2);
      expect(io.err).toMatch(/error \[InvalidOption\].*overflow/);
      expect(io.out).not.toContain('INF');
    }
  });
});

describe('odeon simulate model.xml', () => {
  it('--settings writes the suite CSV: same header and rows, values within the suite tolerance (case 01121)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-sim-'));
    const caseDir = join(sbmlSuiteDir(), 'cases', '01121');
    const io = capture(dir);
    expect(
      await run(
        [
          'simulate',
          join(caseDir, '01121-sbml-l3v2.xml'),
          '--settings',
          join(caseDir, '01121-settings.txt'),
          '--out',
          'out.csv',
        ],
        io,
      ),
    ).toBe(0);
    const ours = csvRows(readFileSync(join(dir, 'out.csv'), 'utf8'));
    const expected = csvRows(readFileSync(join(caseDir, '01121-results.csv'), 'utf8'));
    expect(ours[0]).toEqual(expected[0]);
    expect(ours.length).toBe(expected.length);
    const settings = readFileSync(join(caseDir, '01121-settings.txt'), 'utf8');
    const abs = Number(/absolute:\s*(\S+)/.exec(settings)?.[1]);
    const rel = Number(/relative:\s*(\S+)/.exec(settings)?.[1]);
    for (let i = 1; i < expected.length; i++)
      for (let j = 0; j < expected[i].length; j++) {
        const c = Number(expected[i][j]);
        expect(Math.abs(c - Number(ours[i][j]))).toBeLessThanOrEqual(abs + rel * Math.abs(c));
      }
  });

  it('--t1/--steps prints every species as CSV; --json gives the series; --plot writes an SVG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-sim-'));
    const model = join(sharedDir(), 'biomodels', 'BIOMD0000000145.xml');
    const io = capture(dir);
    expect(await run(['simulate', model, '--t1', '50', '--steps', '500', '--plot', 'ca.svg'], io)).toBe(0);
    const rows = csvRows(io.out);
    expect(rows[0][0]).toBe('time');
    expect(rows[0]).toContain('Ca_Cyt');
    expect(rows).toHaveLength(502);
    expect(Number(rows[501][0])).toBe(50);
    expect(readFileSync(join(dir, 'ca.svg'), 'utf8')).toMatch(/^<svg/);
    const json = capture(dir);
    expect(
      await run(['simulate', model, '--t1', '5', '--steps', '10', '--method', 'tsit5', '--json'], json),
    ).toBe(0);
    const parsed = JSON.parse(json.out) as { names: string[]; times: number[]; values: number[] };
    expect(parsed.times).toHaveLength(11);
    expect(parsed.values).toHaveLength(11 * parsed.names.length);
  });

  it('accepts the JSON model format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-sim-'));
    writeFileSync(
      join(dir, 'decay.json'),
      JSON.stringify({
        species: { A: 1 },
        parameters: { k: 2 },
        reactions: [{ equation: 'A ->', rate: 'k*A' }],
      }),
    );
    const io = capture(dir);
    expect(await run(['simulate', 'decay.json', '--t1', '1', '--steps', '1'], io)).toBe(0);
    const rows = csvRows(io.out);
    expect(Number(rows[2][1])).toBeCloseTo(Math.exp(-2), 7);
  });

  it('refuses unsupported models and bad options with typed errors', async () => {
    const bad = capture();
    expect(
      await run(
        ['simulate', join(sbmlSuiteDir(), 'cases', '01186', '01186-sbml-l3v2.xml'), '--t1', '1'],
        bad,
      ),
    ).toBe(1);
    expect(bad.err).toContain('[UnsupportedSbmlFeature]');
    const model = join(sharedDir(), 'biomodels', 'BIOMD0000000145.xml');
    const noT1 = capture();
    expect(await run(['simulate', model], noT1)).toBe(2);
    expect(noT1.err).toContain('--t1');
    const badMethod = capture();
    expect(await run(['simulate', model, '--t1', '1', '--method', 'nope'], badMethod)).toBe(2);
    expect(badMethod.err).toContain('[InvalidOption]');
  });
});
