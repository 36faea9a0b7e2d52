import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOdeonError } from '@odeon/ode';
import { loadSbmlSuiteCase, loadSbmlSuiteIndex, numericJacobian, sharedDir } from '@odeon/testkit';
import type {} from '@odeon/testkit/setup';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.ts';
import { type CompiledModel, compileModel } from './compile.ts';
import { parseSbml } from './sbml-reader.ts';

const plainCases = loadSbmlSuiteIndex().cases.filter((c) => c.plainOde || c.group === 'reject:event');
const biomd = () => parseSbml(readFileSync(join(sharedDir(), 'biomodels', 'BIOMD0000000145.xml'), 'utf8'));

/** A state away from zero (so quotients are well defined) and deterministic. */
function probeState(m: CompiledModel, seed: number): Float64Array {
  const y = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++)
    y[i] = Math.abs(m.y0[i]) * (1 + 0.1 * Math.sin(seed + i)) + 0.05 * (1 + ((i * 7 + seed) % 5));
  return y;
}

function checkDerivatives(m: CompiledModel, t: number, y: Float64Array, rtol: number): void {
  const { n, np } = m;
  const p = m.p;
  const f = (yy: Float64Array) => {
    const out = new Float64Array(n);
    m.rhs(t, yy, p, out);
    return out;
  };
  const J = new Float64Array(n * n);
  m.jacobian(t, y, p, J);
  const num = numericJacobian(f, y);
  const scale = Math.max(1e-12, ...Array.from(num.J, Math.abs));
  expect(J).toBeAllclose(num.J, { rtol, atol: rtol * scale });
  // ∂f/∂p against finite differences in p.
  const fp = (pp: Float64Array) => {
    const out = new Float64Array(n);
    m.rhs(t, y, pp, out);
    return out;
  };
  const Jp = new Float64Array(n * np);
  m.paramJacobian(t, y, p, Jp);
  const numP = numericJacobian(fp, p);
  const scaleP = Math.max(1e-12, ...Array.from(numP.J, Math.abs));
  expect(Jp).toBeAllclose(numP.J, { rtol, atol: rtol * scaleP });
  // VJP and JVP agree with the explicit matrices.
  const v = Float64Array.from({ length: n }, (_, i) => Math.cos(i + 1));
  const outY = new Float64Array(n);
  const outP = new Float64Array(np);
  m.vjp(t, y, p, v, outY, outP);
  const refY = new Float64Array(n);
  const refP = new Float64Array(np);
  const jv = new Float64Array(n);
  m.jvp(t, y, p, v, jv);
  const refJv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      refY[j] += v[i] * J[i * n + j];
      refJv[i] += J[i * n + j] * v[j];
    }
    for (let k = 0; k < np; k++) refP[k] += v[i] * Jp[i * np + k];
  }
  expect(outY).toBeAllclose(refY, { rtol: 1e-12, atol: 1e-14 * scale });
  expect(outP).toBeAllclose(refP, { rtol: 1e-12, atol: 1e-14 * scaleP });
  expect(jv).toBeAllclose(refJv, { rtol: 1e-12, atol: 1e-14 * scale });
}

describe('compileModel: analytic derivatives', () => {
  it('BIOMD0000000145: analytic Jacobian, ∂f/∂p, VJP and JVP match finite differences', () => {
    const m = compileModel(biomd());
    expect(m.n).toBe(5);
    for (const seed of [0, 1, 2]) checkDerivatives(m, 0, probeState(m, seed), 1e-5);
  });

  it.each(plainCases.filter((c) => c.id !== '00048').map((c) => [c.id]))(
    'suite case %s: derivatives match finite differences',
    (id) => {
      const m = compileModel(parseSbml(loadSbmlSuiteCase(id).sbml));
      if (m.n === 0) return;
      checkDerivatives(m, 0.37, probeState(m, 3), 1e-5);
    },
  );

  it('matches finite differences for random smooth rate laws (property)', () => {
    const leaf = fc.constantFrom('A', 'B', 'k1', 'k2', '0.5', '2');
    const expr = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('e'), fc.constantFrom('+', '-', '*'), tie('e')).map(([a, o, b]) => `(${a} ${o} ${b})`),
        tie('e').map((a) => `exp(-(${a})^2)`),
        tie('e').map((a) => `sin(${a})`),
        tie('e').map((a) => `(${a})/(1 + (${a})^2)`),
        tie('e').map((a) => `sqrt(1 + (${a})^2)`),
        fc.tuple(tie('e'), fc.constantFrom(2, 3)).map(([a, k]) => `(${a})^${k}`),
      ),
    })).e;
    fc.assert(
      fc.property(expr, expr, (r1, r2) => {
        const model = new ModelBuilder('prop')
          .species('A', 0.7)
          .species('B', 1.3)
          .parameter('k1', 0.9)
          .parameter('k2', 1.7)
          .reaction('A -> B', r1)
          .reaction('B -> 2 A', r2)
          .build();
        const m = compileModel(model);
        checkDerivatives(m, 0, Float64Array.from([0.8, 1.1]), 2e-5);
      }),
      { numRuns: 60, seed: 42 },
    );
  });

  it('generates a sparse Jacobian with shared subexpressions rather than duplicated code', () => {
    const m = compileModel(biomd());
    const temps = (m.sources.jacobian.match(/const t\d+ =/g) ?? []).length;
    expect(temps).toBeGreaterThan(0);
    // Every Jacobian assignment is an index into o0, and only nonzero entries are written.
    const writes = m.sources.jacobian.match(/o0\[\d+\] =/g) ?? [];
    expect(writes.length).toBeLessThan(m.n * m.n);
  });
});

describe('compileModel: interpreter fallback (strict CSP)', () => {
  it.each(plainCases.map((c) => [c.id]))(
    'suite case %s: interpreter and generated code agree exactly',
    (id) => {
      const model = parseSbml(loadSbmlSuiteCase(id).sbml);
      const a = compileModel(model, { backend: 'codegen' });
      const b = compileModel(model, { backend: 'interpreter' });
      expect(a.backend).toBe('codegen');
      expect(b.backend).toBe('interpreter');
      if (a.n === 0) return;
      const y = probeState(a, 1);
      const outs = [
        new Float64Array(a.n),
        new Float64Array(a.n),
        new Float64Array(a.n * a.n),
        new Float64Array(a.n * a.n),
      ];
      a.rhs(1.3, y, a.p, outs[0]);
      b.rhs(1.3, y, b.p, outs[1]);
      a.jacobian(1.3, y, a.p, outs[2]);
      b.jacobian(1.3, y, b.p, outs[3]);
      expect(Array.from(outs[1])).toEqual(Array.from(outs[0]));
      expect(Array.from(outs[3])).toEqual(Array.from(outs[2]));
    },
  );

  it('falls back to the interpreter when new Function is forbidden', () => {
    const original = globalThis.Function;
    const blocked = new Proxy(original, {
      construct() {
        throw new EvalError('Code generation from strings disallowed for this context');
      },
    });
    globalThis.Function = blocked as FunctionConstructor;
    let m: CompiledModel;
    try {
      m = compileModel(biomd(), { backend: 'auto' });
    } finally {
      globalThis.Function = original;
    }
    expect(m.backend).toBe('interpreter');
    const ref = compileModel(biomd(), { backend: 'codegen' });
    const a = new Float64Array(5);
    const b = new Float64Array(5);
    m.rhs(0, m.y0, m.p, a);
    ref.rhs(0, ref.y0, ref.p, b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

describe('generated code never embeds input text', () => {
  const HOSTILE_NAME = `"); globalThis.__pwned = 1; (function(){ //</name> \${process.exit(1)}`;
  const hostileSbml = (ids: Record<string, string>) => `<?xml version="1.0"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
<model id="${ids.model}" name="${HOSTILE_NAME.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')}">
<listOfFunctionDefinitions><functionDefinition id="${ids.fn}"><math xmlns="http://www.w3.org/1998/Math/MathML"><lambda><bvar><ci>${ids.arg}</ci></bvar><apply><times/><ci>${ids.arg}</ci><cn>2</cn></apply></lambda></math></functionDefinition></listOfFunctionDefinitions>
<listOfCompartments><compartment id="${ids.comp}" size="2" constant="true" spatialDimensions="3"/></listOfCompartments>
<listOfSpecies>
<species id="${ids.a}" name="${HOSTILE_NAME.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')}" compartment="${ids.comp}" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
<species id="${ids.b}" compartment="${ids.comp}" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
</listOfSpecies>
<listOfParameters><parameter id="${ids.k}" value="0.5" constant="true"/></listOfParameters>
<listOfReactions><reaction id="${ids.r}" reversible="false">
<listOfReactants><speciesReference species="${ids.a}" stoichiometry="1" constant="true"/></listOfReactants>
<listOfProducts><speciesReference species="${ids.b}" stoichiometry="1" constant="true"/></listOfProducts>
<kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>${ids.comp}</ci><apply><ci>${ids.fn}</ci><ci>${ids.k}</ci></apply><ci>${ids.a}</ci></apply></math></kineticLaw>
</reaction></listOfReactions>
</model></sbml>`;
  const hostile = {
    model: '__proto__',
    fn: 'constructor',
    arg: 'process',
    comp: 'Function',
    a: 'globalThis',
    b: 'eval',
    k: 'toString',
    r: 'require',
  };
  const benign = { model: 'm', fn: 'f', arg: 'x', comp: 'c', a: 'A', b: 'B', k: 'k', r: 'R' };

  it('uses only indices, literals and a fixed vocabulary in generated sources', () => {
    const m = compileModel(parseSbml(hostileSbml(hostile)));
    const allowed = new Set([
      'use',
      'strict',
      'return',
      'function',
      'kernel',
      't',
      'y',
      'p',
      'w',
      'o0',
      'o1',
      'const',
      'M',
      'H',
      'fill',
      'NaN',
      'Infinity',
    ]);
    for (const src of Object.values(m.sources)) {
      for (const word of src.match(/[A-Za-z_$][A-Za-z0-9_$]*/g) ?? []) {
        if (/^t\d+$/.test(word)) continue;
        if (
          /^(exp|log|sqrt|sin|cos|tan|sinh|cosh|tanh|asin|acos|atan|asinh|acosh|atanh|abs|floor|ceil|trunc|pow|factorial|rem|min|max)$/.test(
            word,
          )
        )
          continue;
        if (/^e$/.test(word)) continue; // exponent of a number literal
        expect(allowed.has(word), `unexpected identifier ${word}`).toBe(true);
      }
      for (const id of Object.values(hostile)) expect(src.includes(id)).toBe(false);
      expect(src.includes('pwned')).toBe(false);
    }
    expect((globalThis as Record<string, unknown>).__pwned).toBeUndefined();
  });

  it('simulates hostile ids exactly like benign ones', () => {
    const a = compileModel(parseSbml(hostileSbml(hostile)));
    const b = compileModel(parseSbml(hostileSbml(benign)));
    const da = new Float64Array(2);
    const db = new Float64Array(2);
    a.rhs(0, a.y0, a.p, da);
    b.rhs(0, b.y0, b.p, db);
    expect(Array.from(da)).toEqual(Array.from(db));
    // d[A]/dt·V = −V·2k·[A]: with V = 2, k = 0.5, [A] = 1 the amount of A falls at 2 per time.
    expect(da[0]).toBeCloseTo(-2, 14);
  });

  it('refuses MathML that names undeclared symbols instead of passing text through', () => {
    const sbml = hostileSbml(benign).replace('<ci>k</ci>', '<ci>y[0]);process.exit(1);//</ci>');
    expect(() => compileModel(parseSbml(sbml))).toThrow(
      expect.objectContaining({ code: 'SbmlSemanticError' }),
    );
  });
});

describe('compileModel: semantic errors', () => {
  const base = (rules: string) => `<?xml version="1.0"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model>
<listOfParameters><parameter id="a" value="1" constant="false"/><parameter id="b" value="1" constant="false"/></listOfParameters>
<listOfRules>${rules}</listOfRules></model></sbml>`;
  const rule = (v: string, x: string) =>
    `<assignmentRule variable="${v}"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><plus/><ci>${x}</ci><cn>1</cn></apply></math></assignmentRule>`;
  it('reports cyclic assignment rules with the cycle', () => {
    let caught: unknown;
    try {
      compileModel(parseSbml(base(rule('a', 'b') + rule('b', 'a'))));
    } catch (error) {
      caught = error;
    }
    expect(isOdeonError(caught, 'SbmlSemanticError')).toBe(true);
    expect(String((caught as Error).message)).toMatch(/cycle: (a → b → a|b → a → b)/);
  });
  it('orders assignment rules by dependency regardless of document order', () => {
    const m = compileModel(
      parseSbml(
        base(rule('a', 'b') + rule('b', 'b_src').replace('b_src', 'c')).replace(
          '</listOfParameters>',
          '<parameter id="c" value="5" constant="true"/></listOfParameters>',
        ),
      ),
    );
    const out = new Float64Array(2);
    m.observer(['a', 'b'])(out, 0, new Float64Array(0), m.p);
    expect(Array.from(out)).toEqual([7, 6]);
  });
});

describe('compileModel: compartmentsAsParameters', () => {
  it('keeps constant compartment sizes in p (differentiable) with the same right-hand side', () => {
    const model = parseSbml(loadSbmlSuiteCase('00021').sbml);
    const folded = compileModel(model);
    const kept = compileModel(model, { compartmentsAsParameters: true });
    expect(folded.paramIds).not.toContain('compartment');
    expect(kept.paramIds).toContain('compartment');
    const a = new Float64Array(folded.n);
    const b = new Float64Array(kept.n);
    folded.rhs(0, folded.y0, folded.p, a);
    kept.rhs(0, kept.y0, kept.p, b);
    expect(b).toBeAllclose(a, { rtol: 1e-15, atol: 0 });
    checkDerivatives(kept, 0, probeState(kept, 2), 1e-5);
  });
});

describe('compileModel: initial assignments stay functions of the declared values', () => {
  it('initialize() and initialJacobian() follow the initial assignments (finite differences)', () => {
    const model = new ModelBuilder('ia')
      .compartment('V', 2)
      .species('A', 0)
      .species('B', 1)
      .parameter('k', 3)
      .parameter('scale', 0.5, { constant: false })
      .initialAssignment('A', 'k^2 * scale')
      .initialAssignment('V', '1 + k')
      .reaction('A -> B', 'k*A')
      .build();
    const m = compileModel(model, { compartmentsAsParameters: true });
    const { y0, p } = m.initialize();
    // A is a concentration species: amount = [A]·V = k²·scale·(1 + k) = 9·0.5·4.
    expect(y0[m.stateIds.indexOf('A')]).toBeCloseTo(18, 12);
    expect(p[m.paramIds.indexOf('V')]).toBe(4);
    const f = (d: Float64Array) => {
      const r = m.initialize(d);
      return Float64Array.from([...r.y0, ...r.p]);
    };
    const num = numericJacobian(f, m.declared);
    expect(m.initialJacobian()).toBeAllclose(num.J, { rtol: 1e-6, atol: 1e-8 });
    // The declared k feeds A's amount: ∂A/∂k = 2k·scale·(1 + k) + k²·scale = 12 + 4.5.
    const nd = m.n + m.np;
    expect(m.initialJacobian()[m.stateIds.indexOf('A') * nd + m.n + m.paramIds.indexOf('k')]).toBeCloseTo(
      16.5,
      10,
    );
  });
});
