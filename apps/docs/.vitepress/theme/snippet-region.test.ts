import { describe, expect, test } from 'vitest';
import { joinRegion, splitRegion } from './snippet-region.ts';

const source = [
  "import type { X } from './x.ts';",
  'export function main() {',
  '  // #region example',
  '  const a = 1;',
  '',
  '  if (a) {',
  '    console.log(a);',
  '  }',
  '  // #endregion example',
  '  return 1;',
  '}',
].join('\n');

describe('splitRegion', () => {
  test('extracts the region dedented, as VitePress shows it', () => {
    const parts = splitRegion(source, 'example');
    expect(parts.region).toBe(['const a = 1;', '', 'if (a) {', '  console.log(a);', '}'].join('\n'));
    expect(parts.indent).toBe('  ');
    expect(parts.before.split('\n')).toHaveLength(2);
    expect(parts.after).toBe('  return 1;\n}');
  });

  test('joinRegion with the unedited region gives back the code without the markers', () => {
    const parts = splitRegion(source, 'example');
    const joined = joinRegion(parts, parts.region);
    const expected = source
      .split('\n')
      .filter((l) => !l.includes('#region') && !l.includes('#endregion'))
      .join('\n');
    expect(joined).toBe(expected);
  });

  test('an edited region replaces the original', () => {
    const parts = splitRegion(source, 'example');
    expect(joinRegion(parts, 'const b = 2;')).toContain('  const b = 2;\n  return 1;');
  });

  test('a missing region is an error, not an empty snippet', () => {
    expect(() => splitRegion(source, 'other')).toThrow(/no region "other"/);
    expect(() => splitRegion('// #region example\nconst a = 1;', 'example')).toThrow();
  });
});
