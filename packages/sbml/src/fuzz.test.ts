import { isOdeonError } from '@odeon/ode';
import { loadSbmlSuiteCase, loadSbmlSuiteIndex } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { compileModel } from './compile.ts';
import { parseSbml } from './sbml-reader.ts';
import { simulate } from './simulate.ts';

/** xorshift32: a reproducible stream of mutations. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const TAGS = [
  'apply',
  'ci',
  'cn',
  'plus',
  'times',
  'divide',
  'power',
  'piecewise',
  'piece',
  'otherwise',
  'lambda',
  'bvar',
  'species',
  'parameter',
  'compartment',
  'rateRule',
  'assignmentRule',
  'algebraicRule',
  'event',
  'trigger',
  'delay',
  'reaction',
  'kineticLaw',
  'csymbol',
  'root',
  'log',
  'logbase',
  'eq',
  'lt',
  'and',
  'not',
  'factorial',
  'ln',
];
const VALUES = [
  'NaN',
  'INF',
  '-INF',
  '0',
  '-1',
  '1e308',
  '1e-320',
  'true',
  'false',
  '',
  'x',
  'S1',
  'k1',
  'compartment',
  'time',
  '3',
  '1e999',
  '-0',
];
const JUNK = [
  '<!DOCTYPE sbml [<!ENTITY a "aaaaaaaaaa">]>',
  '&a;',
  '<<',
  '</apply>',
  '<apply><divide/><cn>1</cn><cn>0</cn></apply>',
  '<apply><ci> S1 </ci></apply>',
  '<ci> undefined_symbol </ci>',
  '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/delay">d</csymbol>',
  '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">r</csymbol>',
  `${'<apply><plus/>'.repeat(300)}<cn>1</cn>${'</apply>'.repeat(300)}`,
  '<cn type="e-notation"> 1 <sep/> 400 </cn>',
  '<cn type="rational"> 1 <sep/> 0 </cn>',
];

function mutate(text: string, r: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const pos = () => Math.floor(r() * text.length);
  let out = text;
  const k = 1 + Math.floor(r() * 3);
  for (let i = 0; i < k; i++) {
    switch (Math.floor(r() * 8)) {
      case 0: {
        const a = pos();
        out = out.slice(0, a) + out.slice(a + 1 + Math.floor(r() * 40));
        break;
      }
      case 1: {
        const a = pos();
        const len = Math.floor(r() * 200);
        out = out.slice(0, a) + out.slice(a, a + len) + out.slice(a);
        break;
      }
      case 2: {
        const lines = out.split('\n');
        const a = Math.floor(r() * lines.length);
        const b = Math.floor(r() * lines.length);
        [lines[a], lines[b]] = [lines[b], lines[a]];
        out = lines.join('\n');
        break;
      }
      case 3: {
        const nums = [...out.matchAll(/-?\d+(\.\d+)?(e-?\d+)?/g)];
        if (nums.length === 0) break;
        const m = pick(nums);
        out = out.slice(0, m.index) + pick(VALUES) + out.slice((m.index ?? 0) + m[0].length);
        break;
      }
      case 4: {
        const attrs = [...out.matchAll(/="[^"]*"/g)];
        if (attrs.length === 0) break;
        const m = pick(attrs);
        out = `${out.slice(0, m.index)}="${pick(VALUES)}"${out.slice((m.index ?? 0) + m[0].length)}`;
        break;
      }
      case 5: {
        const tags = [...out.matchAll(/<\/?([A-Za-z]+)/g)];
        if (tags.length === 0) break;
        const m = pick(tags);
        const start = (m.index ?? 0) + m[0].length - m[1].length;
        out = out.slice(0, start) + pick(TAGS) + out.slice(start + m[1].length);
        break;
      }
      case 6: {
        const a = pos();
        out = out.slice(0, a) + pick(JUNK) + out.slice(a);
        break;
      }
      default:
        out = out.slice(0, pos());
    }
  }
  return out;
}

describe('fuzzing the SBML importer with mutated suite files', () => {
  const ids = loadSbmlSuiteIndex().cases.map((c) => c.id);
  const sources = ids.map((id) => loadSbmlSuiteCase(id).sbml);
  const MUTATIONS = 2000;

  it(`${MUTATIONS} mutated files give a result or a typed OdeonError, never a crash or hang`, () => {
    const r = rng(20261123);
    const outcomes = { simulated: 0, refused: 0 };
    const codes = new Map<string, number>();
    for (let i = 0; i < MUTATIONS; i++) {
      const text = mutate(sources[Math.floor(r() * sources.length)], r);
      try {
        const model = compileModel(parseSbml(text));
        simulate(model, { t1: 2, steps: 4, maxSteps: 5000, timeLimitMs: 2000, rtol: 1e-6, atol: 1e-9 });
        outcomes.simulated++;
      } catch (error) {
        if (!isOdeonError(error))
          throw new Error(
            `mutation ${i} crashed with ${String(error)}\n--- input ---\n${text.slice(0, 4000)}`,
          );
        expect(error.message.length).toBeGreaterThan(0);
        codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
        outcomes.refused++;
      }
    }
    expect(outcomes.simulated + outcomes.refused).toBe(MUTATIONS);
    // The mutations exercise both paths: some files still simulate, many are refused.
    expect(outcomes.simulated).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(50);
    expect(codes.has('SbmlParseError')).toBe(true);
  }, 120_000);
});
