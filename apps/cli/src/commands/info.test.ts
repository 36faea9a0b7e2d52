import { join } from 'node:path';
import { sbmlSuiteDir, sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

describe('odeon info', () => {
  it('describes BIOMD0000000145 (species, reactions, compiled size)', async () => {
    const io = capture();
    expect(await run(['info', join(sharedDir(), 'biomodels', 'BIOMD0000000145.xml')], io)).toBe(0);
    expect(io.out).toContain('SBML Level 2 Version 1');
    expect(io.out).toContain('species (7)');
    expect(io.out).toContain('reactions (11)');
    expect(io.out).toContain('unsupported: none');
    expect(io.out).toMatch(/compiles to 5 states/);
  });
  it('--json lists unsupported features with their elements', async () => {
    const io = capture();
    expect(
      await run(['info', join(sbmlSuiteDir(), 'cases', '01186', '01186-sbml-l3v2.xml'), '--json'], io),
    ).toBe(0);
    const info = JSON.parse(io.out) as {
      unsupported: { feature: string; element: string }[];
      error: { code: string } | null;
      compiled: unknown;
    };
    expect(info.unsupported).toContainEqual({ feature: 'package:fbc', element: 'fbc:listOfObjectives' });
    expect(info.error?.code).toBe('UnsupportedSbmlFeature');
    expect(info.compiled).toBeNull();
  });
  it('a missing file is an IoError (exit 1); --help works', async () => {
    const io = capture();
    expect(await run(['info', 'no-such-model.xml'], io)).toBe(1);
    expect(io.err).toContain('[IoError]');
    const help = capture();
    expect(await run(['info', '--help'], help)).toBe(0);
    expect(help.out).toContain('--json');
  });
});
