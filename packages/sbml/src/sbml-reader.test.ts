import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOdeonError } from '@odeon/ode';
import { sharedDir } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { compileModel } from './compile.ts';
import { parseSbml } from './sbml-reader.ts';
import { simulate } from './simulate.ts';

const doc = (body: string, level = 3, version = 2) =>
  `<?xml version="1.0"?>\n<sbml xmlns="http://www.sbml.org/sbml/level${level}/version${version}/core" level="${level}" version="${version}"><model>${body}</model></sbml>`;

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    return isOdeonError(error) ? error.code : `non-Odeon: ${String(error)}`;
  }
  return undefined;
}

describe('parseSbml: unsafe and malformed input', () => {
  it('refuses DOCTYPE and entity declarations (no entity expansion)', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><sbml level="3" version="2"><model name="&lol2;"/></sbml>`;
    expect(codeOf(() => parseSbml(bomb))).toBe('UnsafeInput');
    expect(codeOf(() => parseSbml(`<!DOCTYPE sbml SYSTEM "file:///etc/passwd">${doc('')}`))).toBe(
      'UnsafeInput',
    );
  });
  it('refuses oversized input before parsing', () => {
    expect(codeOf(() => parseSbml(doc(''), { maxChars: 50 }))).toBe('InputTooLarge');
  });
  it('refuses absurdly deep nesting', () => {
    const deep = doc(`<listOfParameters>${'<a>'.repeat(400)}${'</a>'.repeat(400)}</listOfParameters>`);
    expect(codeOf(() => parseSbml(deep))).toBe('InputTooLarge');
  });
  it('reports malformed XML with its line and column', () => {
    let caught: unknown;
    try {
      parseSbml('<sbml level="3" version="2">\n<model><listOfSpecies></model></sbml>');
    } catch (error) {
      caught = error;
    }
    expect(isOdeonError(caught, 'SbmlParseError')).toBe(true);
    expect(String((caught as Error).message)).toMatch(/line 2/);
  });
  it('refuses non-SBML roots, Level 1, and invalid ids', () => {
    expect(codeOf(() => parseSbml('<html/>'))).toBe('SbmlParseError');
    expect(codeOf(() => parseSbml('<sbml level="1" version="2"><model/></sbml>'))).toBe(
      'UnsupportedSbmlFeature',
    );
    expect(
      codeOf(() => parseSbml(doc('<listOfParameters><parameter id="a b" value="1"/></listOfParameters>'))),
    ).toBe('SbmlParseError');
  });
  it('records unsupported features with their element ids and refuses them at compile time', () => {
    const m = parseSbml(
      '<?xml version="1.0"?>\n<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" xmlns:fbc="http://www.sbml.org/sbml/level3/version1/fbc/version2" level="3" version="1" fbc:required="false"><model/></sbml>',
    );
    expect(m.unsupported).toEqual([{ feature: 'package:fbc', element: 'sbml' }]);
    expect(codeOf(() => compileModel(m))).toBe('UnsupportedSbmlFeature');
  });
  const algebraic = (math: string) =>
    parseSbml(
      doc(
        `<listOfParameters><parameter id="x" value="1" constant="false"/><parameter id="k" value="3" constant="true"/></listOfParameters><listOfRules><algebraicRule metaid="ar1"><math xmlns="http://www.w3.org/1998/Math/MathML">${math}</math></algebraicRule></listOfRules>`,
      ),
    );
  it('an algebraic rule affine in the variable it determines becomes an assignment; a nonlinear one an algebraic state', () => {
    const m = compileModel(
      algebraic('<apply><minus/><apply><times/><cn>2</cn><ci>x</ci></apply><ci>k</ci></apply>'),
    );
    expect(m.observer(['x'])(new Float64Array(1), 0, new Float64Array(0), m.p)[0]).toBe(1.5);
    expect(m.massMatrix).toBeUndefined();
    const nl = compileModel(
      algebraic('<apply><minus/><apply><times/><ci>x</ci><ci>x</ci></apply><ci>k</ci></apply>'),
    );
    expect(nl.stateIds).toEqual(['x']);
    expect(Array.from(nl.massMatrix ?? [])).toEqual([0]);
    const course = simulate(nl, { t1: 1, steps: 2, variables: ['x'] });
    for (const v of course.values) expect(v).toBeCloseTo(Math.sqrt(3), 9);
  });
});

describe('MathML', () => {
  const evalMath = (mathml: string, extra = ''): number => {
    const m = compileModel(
      parseSbml(
        doc(
          `${extra}<listOfParameters><parameter id="x" constant="false"/><parameter id="a" value="0.3" constant="true"/></listOfParameters><listOfRules><assignmentRule variable="x"><math xmlns="http://www.w3.org/1998/Math/MathML">${mathml}</math></assignmentRule></listOfRules>`,
        ),
      ),
    );
    return m.observer(['x'])(new Float64Array(1), 2, new Float64Array(0), m.p)[0];
  };
  it.each([
    ['<cn type="e-notation"> 1.5 <sep/> 3 </cn>', 1500],
    ['<cn type="rational"> 1 <sep/> 4 </cn>', 0.25],
    ['<apply><log/><logbase><cn>2</cn></logbase><cn>8</cn></apply>', 3],
    ['<apply><log/><cn>100</cn></apply>', 2],
    ['<apply><root/><degree><cn>3</cn></degree><cn>8</cn></apply>', 2],
    ['<apply><root/><cn>9</cn></apply>', 3],
    ['<apply><minus/><cn>3</cn></apply>', -3],
    ['<apply><plus/></apply>', 0],
    ['<apply><times/></apply>', 1],
    ['<apply><lt/><cn>1</cn><cn>2</cn><cn>3</cn></apply>', 1],
    ['<apply><lt/><cn>1</cn><cn>3</cn><cn>2</cn></apply>', 0],
    ['<apply><eq/><cn>2</cn><cn>2</cn><cn>2</cn></apply>', 1],
    ['<apply><xor/><true/><true/><true/></apply>', 1],
    ['<apply><implies/><false/><false/></apply>', 1],
    ['<apply><and/></apply>', 1],
    ['<apply><or/></apply>', 0],
    ['<apply><quotient/><cn>7</cn><cn>2</cn></apply>', 3],
    ['<apply><rem/><cn>-7</cn><cn>2</cn></apply>', -1],
    ['<apply><factorial/><cn>6</cn></apply>', 720],
    ['<apply><max/><cn>1</cn><cn>5</cn><cn>3</cn></apply>', 5],
    ['<piecewise><piece><cn>1</cn><false/></piece><otherwise><cn>2</cn></otherwise></piecewise>', 2],
    [
      '<apply><times/><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol><cn>3</cn></apply>',
      6,
    ],
    [
      '<apply><divide/><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/avogadro">N</csymbol><cn>1e23</cn></apply>',
      6.02214179,
    ],
    ['<apply><arccoth/><cn>2</cn></apply>', Math.atanh(0.5)],
    ['<apply><arcsech/><cn>0.5</cn></apply>', Math.acosh(2)],
    ['<apply><arccsch/><cn>2</cn></apply>', Math.asinh(0.5)],
    ['<apply><coth/><ci>a</ci></apply>', 1 / Math.tanh(0.3)],
    ['<apply><sech/><ci>a</ci></apply>', 1 / Math.cosh(0.3)],
    ['<apply><csch/><ci>a</ci></apply>', 1 / Math.sinh(0.3)],
    ['<apply><power/><exponentiale/><cn>1</cn></apply>', Math.E],
    ['<apply><ceiling/><pi/></apply>', 4],
  ])('%s = %d', (mathml, expected) => {
    expect(evalMath(mathml)).toBeCloseTo(expected, 12);
  });
  it('evaluates nested function definitions and refuses unknown functions', () => {
    const fns = `<listOfFunctionDefinitions>
<functionDefinition id="sq"><math xmlns="http://www.w3.org/1998/Math/MathML"><lambda><bvar><ci>u</ci></bvar><apply><times/><ci>u</ci><ci>u</ci></apply></lambda></math></functionDefinition>
<functionDefinition id="f"><math xmlns="http://www.w3.org/1998/Math/MathML"><lambda><bvar><ci>u</ci></bvar><bvar><ci>v</ci></bvar><apply><plus/><apply><ci>sq</ci><ci>u</ci></apply><ci>v</ci></apply></lambda></math></functionDefinition>
</listOfFunctionDefinitions>`;
    expect(evalMath('<apply><ci>f</ci><cn>3</cn><cn>1</cn></apply>', fns)).toBe(10);
    expect(codeOf(() => evalMath('<apply><ci>g</ci><cn>3</cn></apply>', fns))).toBe('SbmlSemanticError');
    expect(codeOf(() => evalMath('<apply><ci>f</ci><cn>3</cn></apply>', fns))).toBe('SbmlSemanticError');
  });
  it('rejects malformed MathML with SbmlParseError naming the element', () => {
    let caught: unknown;
    try {
      evalMath('<apply><divide/><cn>1</cn></apply>');
    } catch (error) {
      caught = error;
    }
    expect(isOdeonError(caught, 'SbmlParseError')).toBe(true);
    expect((caught as { context: { element: string } }).context.element).toBe('assignmentRule x');
    expect(codeOf(() => evalMath('<cn>abc</cn>'))).toBe('SbmlParseError');
    expect(codeOf(() => evalMath('<apply><foo/><cn>1</cn></apply>'))).toBe('SbmlParseError');
  });
});

describe('BIOMD0000000145 (Wang et al. 2007, SBML L2V1)', () => {
  const text = readFileSync(join(sharedDir(), 'biomodels', 'BIOMD0000000145.xml'), 'utf8');
  // The file declares two compartments (Cytosol and ER; the README's summary says one).
  it('imports 7 species, 11 reactions, 2 compartments', () => {
    const m = parseSbml(text);
    expect(m.level).toBe(2);
    expect(m.species).toHaveLength(7);
    expect(m.reactions).toHaveLength(11);
    expect(m.compartments.map((c) => c.id)).toEqual(['Cytosol', 'ER']);
  });
  it('simulates over [0, 50]; Rodas5P and Tsit5 at tight tolerances agree (independent methods)', () => {
    const m = compileModel(parseSbml(text));
    const stiff = simulate(m, { t1: 50, steps: 500, method: 'rodas5p', rtol: 1e-10, atol: 1e-10 });
    const explicit = simulate(m, { t1: 50, steps: 500, method: 'tsit5', rtol: 1e-11, atol: 1e-11 });
    expect(stiff.times).toHaveLength(501);
    for (const v of stiff.values) expect(Number.isFinite(v)).toBe(true);
    expect(stiff.values).toBeAllclose(explicit.values, { rtol: 1e-6, atol: 1e-6 });
    // Ca_Cyt oscillates: it both rises above and falls below its initial value.
    const j = stiff.names.indexOf('Ca_Cyt');
    const ca = Array.from({ length: 501 }, (_, i) => stiff.values[i * stiff.names.length + j]);
    expect(Math.max(...ca)).toBeGreaterThan(ca[0]);
    expect(Math.min(...ca.slice(100))).toBeLessThan(Math.max(...ca.slice(100)) * 0.9);
  });
});

describe('SBML L3V2 elements without MathML have no effect', () => {
  it('ignores event assignments, rules and initial assignments without math; a trigger without math never fires', () => {
    const m = compileModel(
      parseSbml(
        doc(`<listOfParameters><parameter id="P1" value="1" constant="false"/><parameter id="P2" value="2" constant="false"/></listOfParameters>
<listOfInitialAssignments><initialAssignment symbol="P2"/></listOfInitialAssignments>
<listOfRules><assignmentRule variable="P2"/></listOfRules>
<listOfEvents>
<event id="E0" useValuesFromTriggerTime="false"><trigger initialValue="true" persistent="true"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><geq/><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol><cn>0.5</cn></apply></math></trigger>
<delay><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>0.1</cn></math></delay>
<listOfEventAssignments><eventAssignment variable="P1"/></listOfEventAssignments></event>
<event id="E1"><trigger initialValue="false" persistent="true"/><listOfEventAssignments><eventAssignment variable="P2"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>7</cn></math></eventAssignment></listOfEventAssignments></event>
</listOfEvents>`),
      ),
    );
    const c = simulate(m, { t1: 1, steps: 2, variables: ['P1', 'P2'] });
    expect(Array.from(c.values)).toEqual([1, 2, 1, 2, 1, 2]);
    expect(c.events.map((e) => e.id)).toEqual(['E0']);
  });
});
