import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareSuiteResults, parseSuiteCsv, parseSuiteSettings } from '@odeon/sbml';
import { sbmlSuiteDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

// case 01778: a comp model whose submodel is an externalModelDefinition in external-l3v2.xml
const caseDir = () => join(sbmlSuiteDir(), 'cases', '01778');
const MODEL = '01778-sbml-l3v2.xml';

/** The case copied into models/ of a fresh folder (the CLI runs from that folder, not from models/). */
function copyCase(edit?: (xml: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), 'odeon-ext-'));
  const dir = join(root, 'models');
  cpSync(caseDir(), dir, { recursive: true });
  if (edit) writeFileSync(join(dir, MODEL), edit(readFileSync(join(dir, MODEL), 'utf8')));
  return root;
}

const withSource = (source: string) => (xml: string) =>
  xml.replace('comp:source="external-l3v2.xml"', `comp:source="${source}"`);

describe('odeon simulate resolves comp external model files beside the model', () => {
  it('reads external-l3v2.xml from the model’s folder and passes the suite case', async () => {
    const root = copyCase();
    const io = capture(root);
    const code = await run(
      ['simulate', join('models', MODEL), '--settings', join('models', '01778-settings.txt')],
      io,
    );
    expect(io.err).toBe('');
    expect(code).toBe(0);
    const settings = parseSuiteSettings(readFileSync(join(caseDir(), '01778-settings.txt'), 'utf8'));
    const expected = parseSuiteCsv(readFileSync(join(caseDir(), '01778-results.csv'), 'utf8'));
    const cmp = compareSuiteResults(expected, parseSuiteCsv(io.out), settings.absolute, settings.relative);
    expect(cmp.missing).toEqual([]);
    expect(cmp.pass).toBe(true);
  });

  it('reads a file in a subfolder', async () => {
    const root = copyCase(withSource('sub/external-l3v2.xml'));
    mkdirSync(join(root, 'models', 'sub'));
    cpSync(join(caseDir(), 'external-l3v2.xml'), join(root, 'models', 'sub', 'external-l3v2.xml'));
    const io = capture(root);
    expect(await run(['simulate', join('models', MODEL), '--t1', '1', '--steps', '2'], io)).toBe(0);
  });

  it.each([
    ['a URL', 'https://example.org/external-l3v2.xml', /is a URL/],
    ['a file: URL', 'file:external-l3v2.xml', /is a URL/],
    ['a path outside the folder', '../external-l3v2.xml', /outside the model's folder/],
    ['an absolute path', '/etc/hosts', /not a relative path/],
  ])('refuses %s with UnsafeInput', async (_what, source, message) => {
    const root = copyCase(withSource(source));
    // the file exists one level up too: refusing must not depend on it being missing
    cpSync(join(caseDir(), 'external-l3v2.xml'), join(root, 'external-l3v2.xml'));
    const io = capture(root);
    expect(await run(['simulate', join('models', MODEL), '--t1', '1'], io)).toBe(1);
    expect(io.err).toMatch(/\[UnsafeInput\]/);
    expect(io.err).toMatch(message);
    expect(io.out).toBe('');
  });

  it('refuses a symbolic link that leads outside the folder', async () => {
    const root = copyCase(withSource('link.xml'));
    cpSync(join(caseDir(), 'external-l3v2.xml'), join(root, 'outside.xml'));
    symlinkSync(join(root, 'outside.xml'), join(root, 'models', 'link.xml'));
    const io = capture(root);
    expect(await run(['simulate', join('models', MODEL), '--t1', '1'], io)).toBe(1);
    expect(io.err).toMatch(/\[UnsafeInput\].*links to a file outside/);
  });

  it('a missing file is an IoError naming it', async () => {
    const root = copyCase(withSource('missing.xml'));
    const io = capture(root);
    expect(await run(['simulate', join('models', MODEL), '--t1', '1'], io)).toBe(1);
    expect(io.err).toMatch(/\[IoError\].*missing\.xml/);
  });
});
