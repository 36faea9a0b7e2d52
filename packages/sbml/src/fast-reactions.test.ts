import { isOdeonError } from '@odeon/ode';
import { describe, expect, it } from 'vitest';
import { compileModel } from './compile.ts';
import { parseSbml } from './sbml-reader.ts';
import { simulate } from './simulate.ts';

const ci = (x: string) => `<ci>${x}</ci>`;
const times = (...a: string[]) => `<apply><times/>${a.join('')}</apply>`;
const reaction = (id: string, fast: boolean, reactants: string[], products: string[], law: string) =>
  `<reaction id="${id}" reversible="true" fast="${fast}">` +
  (reactants.length > 0
    ? `<listOfReactants>${reactants.map((s) => `<speciesReference species="${s}" stoichiometry="1" constant="true"/>`).join('')}</listOfReactants>`
    : '') +
  `<listOfProducts>${products.map((s) => `<speciesReference species="${s}" stoichiometry="1" constant="true"/>`).join('')}</listOfProducts>` +
  `<kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML">${law}</math></kineticLaw></reaction>`;

/** A ⇌ B fast (kf·A − kr·B), ∅ → A slow at k0: an index-1 DAE with A = kr/(kf+kr)·T, T = T0 + k0·t. */
const model = `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">
  <model id="rapid">
    <listOfCompartments><compartment id="C" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="C" initialAmount="3" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="C" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="kf" value="2" constant="true"/><parameter id="kr" value="1" constant="true"/><parameter id="k0" value="0.5" constant="true"/>
    </listOfParameters>
    <listOfReactions>
      ${reaction('fastAB', true, ['A'], ['B'], `<apply><minus/>${times(ci('kf'), ci('A'))}${times(ci('kr'), ci('B'))}</apply>`)}
      ${reaction('feed', false, [], ['A'], ci('k0'))}
    </listOfReactions>
  </model>
</sbml>`;

describe('fast reactions (rapid equilibrium, an index-1 DAE)', () => {
  it('start on the equilibrium and follow the known solution A = T/3, B = 2T/3 with T = 3 + t/2', () => {
    const course = simulate(compileModel(parseSbml(model)), { t1: 10, steps: 10, variables: ['A', 'B'] });
    for (let i = 0; i <= 10; i++) {
      const T = 3 + 0.5 * course.times[i];
      expect(course.values[2 * i]).toBeCloseTo(T / 3, 7);
      expect(course.values[2 * i + 1]).toBeCloseTo((2 * T) / 3, 7);
    }
  });
  it('are refused by problem() (so by gradients) with UnsupportedSbmlFeature naming the reaction', () => {
    let e: unknown;
    try {
      compileModel(parseSbml(model)).problem(0, 1);
    } catch (err) {
      e = err;
    }
    expect(isOdeonError(e, 'UnsupportedSbmlFeature')).toBe(true);
    if (isOdeonError(e)) {
      expect(e.context.feature).toBe('fastReaction');
      expect(e.message).toMatch(/fast reactions/);
    }
  });
});
