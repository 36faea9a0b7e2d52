import { describe, expect, it } from 'vitest';
import { parseSuiteSettings } from './index.ts';

// The one reader of SBML Test Suite settings files (the testkit and the CLI use it too).
describe('parseSuiteSettings', () => {
  it('reads numbers and lists; an empty or missing numeric field is NaN, never 0', () => {
    const s = parseSuiteSettings(
      'start: 0\nduration: 5\nsteps: 50\nvariables: S1, S2\nabsolute: \nrelative: 0.0001\namount: S1, S2\nconcentration:\n',
    );
    expect(s).toMatchObject({ start: 0, duration: 5, steps: 50, variables: ['S1', 'S2'], concentration: [] });
    expect(s.relative).toBe(1e-4);
    expect(s.absolute).toBeNaN();
    expect(parseSuiteSettings('start: 0\n').duration).toBeNaN();
  });
});
