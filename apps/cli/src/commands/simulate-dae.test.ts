import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

const M = 'http://www.w3.org/1998/Math/MathML';
// S decays at rate k·x, with x from the nonlinear algebraic rule 0 = x³ + x − S (x = 1 at S = 2)
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model id="m">
  <listOfCompartments><compartment id="C" size="1" constant="true"/></listOfCompartments>
  <listOfSpecies><species id="S" compartment="C" initialAmount="2" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/></listOfSpecies>
  <listOfParameters><parameter id="x" constant="false"/><parameter id="k" value="0.5" constant="true"/></listOfParameters>
  <listOfRules><algebraicRule><math xmlns="${M}"><apply><minus/><apply><plus/><apply><power/><ci>x</ci><cn>3</cn></apply><ci>x</ci></apply><ci>S</ci></apply></math></algebraicRule></listOfRules>
  <listOfReactions><reaction id="R" reversible="false"><listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
    <kineticLaw><math xmlns="${M}"><apply><times/><ci>k</ci><ci>x</ci></apply></math></kineticLaw></reaction></listOfReactions>
</model></sbml>`;

describe('odeon simulate: a model with a nonlinear algebraic rule (an index-1 DAE)', () => {
  it('simulates it; x satisfies its rule on every row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-dae-'));
    writeFileSync(join(dir, 'm.xml'), XML);
    const io = capture(dir);
    expect(await run(['simulate', 'm.xml', '--t1', '2', '--steps', '4', '--json'], io)).toBe(0);
    const out = JSON.parse(io.out) as { names: string[]; times: number[]; values: number[] };
    expect(out.names).toEqual(['S']);
    expect(out.times).toHaveLength(5);
    // S′ = −k·x with x³ + x = S: S decreases from 2
    expect(out.values[0]).toBe(2);
    for (let i = 1; i < 5; i++) expect(out.values[i]).toBeLessThan(out.values[i - 1]);
  });

  it('an explicit method is refused naming the algebraic state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-dae-'));
    writeFileSync(join(dir, 'm.xml'), XML);
    const io = capture(dir);
    // an option the model cannot take is a usage error (exit 2)
    expect(await run(['simulate', 'm.xml', '--t1', '2', '--method', 'tsit5'], io)).toBe(2);
    expect(io.err).toMatch(/\[InvalidOption\].*algebraic states \(x\)/);
  });
});
