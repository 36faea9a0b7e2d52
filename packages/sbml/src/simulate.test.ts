import type {} from '@odeon/testkit/setup';
import { describe, expect, it } from 'vitest';
import { type EventSpec, ModelBuilder } from './builder.ts';
import { compileModel } from './compile.ts';
import { parseSbml } from './sbml-reader.ts';
import { simulate } from './simulate.ts';

const TOL = { rtol: 1e-10, atol: 1e-12 };

function at(course: ReturnType<typeof simulate>, name: string, t: number): number {
  const i = course.times.findIndex((x) => Math.abs(x - t) < 1e-12);
  return course.values[i * course.names.length + course.names.indexOf(name)];
}

describe('simulate: SBML event semantics (analytic expectations)', () => {
  const decay = (event: EventSpec) =>
    compileModel(
      new ModelBuilder('decay')
        .species('A', 1)
        .species('B', 0)
        .parameter('k', 1)
        .reaction('A ->', 'k*A')
        .event(event)
        .build(),
    );

  it('executes a delayed event at trigger time + delay', () => {
    const m = decay({ trigger: 'time >= 1', delay: '0.5', assignments: { A: '1' } });
    const c = simulate(m, { t1: 2, steps: 4, variables: ['A'], ...TOL });
    expect(at(c, 'A', 1)).toBeCloseTo(Math.exp(-1), 9);
    expect(at(c, 'A', 2)).toBeCloseTo(Math.exp(-0.5), 9);
    expect(c.events.map((e) => e.id)).toEqual(['e1']);
    expect(c.events[0].t).toBeCloseTo(1.5, 9);
  });

  it('useValuesFromTriggerTime decides when assignment values are computed', () => {
    const early = simulate(decay({ trigger: 'time >= 1', delay: '1', assignments: { B: 'A' } }), {
      t1: 3,
      steps: 3,
      variables: ['B'],
      ...TOL,
    });
    const late = simulate(
      decay({ trigger: 'time >= 1', delay: '1', useValuesFromTriggerTime: false, assignments: { B: 'A' } }),
      {
        t1: 3,
        steps: 3,
        variables: ['B'],
        ...TOL,
      },
    );
    expect(at(early, 'B', 3)).toBeCloseTo(Math.exp(-1), 9);
    expect(at(late, 'B', 3)).toBeCloseTo(Math.exp(-2), 9);
  });

  it('runs simultaneous events by descending priority', () => {
    const make = (pDouble: number, pInc: number) =>
      compileModel(
        new ModelBuilder('prio')
          .species('A', 1)
          .parameter('x', 1, { constant: false })
          .reaction('A ->', '0*A')
          .event({
            id: 'double',
            trigger: 'time >= 1',
            priority: String(pDouble),
            assignments: { x: 'x*2' },
            useValuesFromTriggerTime: false,
          })
          .event({
            id: 'inc',
            trigger: 'time >= 1',
            priority: String(pInc),
            assignments: { x: 'x+1' },
            useValuesFromTriggerTime: false,
          })
          .build(),
      );
    expect(at(simulate(make(2, 1), { t1: 2, steps: 2, variables: ['x'], ...TOL }), 'x', 2)).toBe(3);
    expect(at(simulate(make(1, 2), { t1: 2, steps: 2, variables: ['x'], ...TOL }), 'x', 2)).toBe(4);
  });

  it('cancels a non-persistent delayed event whose trigger turns false, keeps a persistent one', () => {
    const make = (persistent: boolean) =>
      compileModel(
        new ModelBuilder('persist')
          .species('A', 1)
          .parameter('y', 0, { constant: false })
          .reaction('A ->', '0*A')
          .event({ trigger: 'time > 1 && time < 1.5', delay: '1', persistent, assignments: { y: '5' } })
          .build(),
      );
    expect(at(simulate(make(false), { t1: 3, steps: 3, variables: ['y'], ...TOL }), 'y', 3)).toBe(0);
    expect(at(simulate(make(true), { t1: 3, steps: 3, variables: ['y'], ...TOL }), 'y', 3)).toBe(5);
  });

  it('fires at t0 when initialValue is false and the trigger already holds; not when it is true', () => {
    const make = (initialValue: boolean) =>
      compileModel(
        new ModelBuilder('init')
          .species('A', 1)
          .reaction('A ->', 'A')
          .event({ trigger: 'time >= 0', initialValue, assignments: { A: '2' } })
          .build(),
      );
    expect(at(simulate(make(false), { t1: 1, steps: 1, variables: ['A'], ...TOL }), 'A', 1)).toBeCloseTo(
      2 * Math.exp(-1),
      9,
    );
    expect(at(simulate(make(true), { t1: 1, steps: 1, variables: ['A'], ...TOL }), 'A', 1)).toBeCloseTo(
      Math.exp(-1),
      9,
    );
  });

  it('reports the value after an event that fires exactly at an output time', () => {
    for (const trigger of ['time >= 1', 'time > 1', 'time >= 0.3']) {
      const m = decay({ trigger, assignments: { B: '5' } });
      const c = simulate(m, { t1: 2, steps: 20, variables: ['B'], ...TOL });
      const tEvent = trigger.endsWith('0.3') ? 0.3 : 1;
      // A strict trigger fires just after its boundary; the output at the boundary is still the old value.
      const expected = trigger.startsWith('time >=') ? 5 : 0;
      expect(at(c, 'B', tEvent)).toBe(expected);
      expect(at(c, 'B', tEvent + 0.1)).toBe(5);
      expect(at(c, 'B', tEvent - 0.1)).toBe(0);
    }
  });

  it('locates state-triggered events (A < 0.1 resets A to 1) at the analytic crossing times', () => {
    const m = decay({ trigger: 'A < 0.1', assignments: { A: '1' } });
    const c = simulate(m, { t1: 5, steps: 10, variables: ['A'], ...TOL });
    expect(c.events.length).toBe(2);
    expect(c.events[0].t).toBeCloseTo(Math.log(10), 8);
    expect(c.events[1].t).toBeCloseTo(2 * Math.log(10), 8);
    expect(at(c, 'A', 5)).toBeCloseTo(Math.exp(-(5 - 2 * Math.log(10))), 8);
  });
});

describe('simulate: species in varying compartments', () => {
  const sbml = (speciesRule: string) => `<?xml version="1.0"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model>
<listOfCompartments><compartment id="V" size="1" constant="false" spatialDimensions="3"/></listOfCompartments>
<listOfSpecies>
<species id="S" compartment="V" initialConcentration="2" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
<species id="R" compartment="V" initialAmount="3" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
</listOfSpecies>
<listOfRules>
<rateRule variable="V"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>1</cn></math></rateRule>
${speciesRule}
</listOfRules>
<listOfReactions><reaction id="J" reversible="false"><listOfReactants><speciesReference species="R" stoichiometry="1" constant="true"/></listOfReactants>
<kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>0</cn></math></kineticLaw></reaction></listOfReactions>
</model></sbml>`;

  it('a rate rule on a concentration species governs the concentration; amounts follow the volume', () => {
    const rule =
      '<rateRule variable="S"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>0</cn></math></rateRule>';
    const m = compileModel(parseSbml(sbml(rule)));
    const c = simulate(m, {
      t1: 1,
      steps: 1,
      variables: ['S', 'S', 'R', 'R', 'V'],
      kinds: ['concentration', 'amount', 'concentration', 'amount', 'auto'],
      ...TOL,
    });
    const row = Array.from(c.values.slice(5, 10));
    // V(1) = 2; [S] stays 2 so its amount doubles; R's amount (reactions only) stays 3, so [R] halves.
    expect(row).toBeAllclose([2, 4, 1.5, 3, 2], { rtol: 1e-9, atol: 1e-12 });
  });

  it('rateOf a concentration in a growing compartment uses the product rule', () => {
    const m = compileModel(
      parseSbml(
        sbml('')
          .replace(
            '</listOfRules>',
            '<assignmentRule variable="q"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">rateOf</csymbol><ci>R</ci></apply></math></assignmentRule></listOfRules>',
          )
          .replace(
            '</listOfSpecies>',
            '</listOfSpecies><listOfParameters><parameter id="q" constant="false"/></listOfParameters>',
          ),
      ),
    );
    // [R] = 3/V with V = 1 + t: d[R]/dt = −3/V² = −3/4 at t = 1.
    const c = simulate(m, { t1: 1, steps: 1, variables: ['q'], ...TOL });
    expect(c.values[1]).toBeCloseTo(-0.75, 9);
  });
});

describe('rateOf in initial values (the rate at t0)', () => {
  it('x = rateOf(S1) for a reacting concentration species in a non-unit compartment, also at t0', () => {
    // J0: -> S1 at 2 amount/time in C = 2: d[S1]/dt = 1 throughout.
    const m = compileModel(
      new ModelBuilder('rateof')
        .compartment('C', 2)
        .species('S1', 1, { amount: false })
        .parameter('x', 0, { constant: false })
        .assignmentRule('x', 'rateOf(S1)')
        .reaction('-> S1', '2')
        .build(),
    );
    const c = simulate(m, {
      t1: 1,
      steps: 2,
      variables: ['x', 'S1'],
      kinds: ['auto', 'concentration'],
      ...TOL,
    });
    expect(Array.from(c.values)).toBeAllclose([1, 1, 1, 1.5, 1, 2], { rtol: 1e-10, atol: 1e-12 });
  });
  it('an initial assignment may use rateOf of a rate-rule variable', () => {
    const m = compileModel(
      new ModelBuilder('rateof_ia')
        .parameter('v', 3, { constant: false })
        .parameter('q', 0)
        .rateRule('v', '0.5 * v')
        .initialAssignment('q', 'rateOf(v)')
        .build(),
    );
    expect(m.p[m.paramIds.indexOf('q')]).toBe(1.5);
  });
});
