import { bench, describe } from 'vitest';
import { compileModel } from './compile.ts';
import { parseSbml } from './sbml-reader.ts';
import { simulate } from './simulate.ts';

// vitest bench: `pnpm --filter @odeon/sbml bench`. y′ = −delay(y, lag), y = 1 before 0, with a constant
// lag (1) and a state-dependent one (1 + y); the error against the analytic solution and the work are
// printed once (state-dependent: y = t − 3 + 2e^{1−t} on [1, 1 + ln 2]).
const MATHML = 'http://www.w3.org/1998/Math/MathML';
const model = (lag: string) => `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model id="m">
  <listOfParameters><parameter id="y" value="1" constant="false"/></listOfParameters>
  <listOfRules><rateRule variable="y"><math xmlns="${MATHML}"><apply><minus/><apply>
    <csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/delay"> delay </csymbol>
    <ci> y </ci>${lag}</apply></apply></math></rateRule></listOfRules>
</model></sbml>`;

const cases = [
  ['constant lag 1', '<cn>1</cn>', 2, (t: number) => 1 - t + (t - 1) ** 2 / 2],
  [
    'state-dependent lag 1 + y',
    '<apply><plus/><cn>1</cn><ci>y</ci></apply>',
    1.65,
    (t: number) => t - 3 + 2 * Math.exp(1 - t),
  ],
] as const;

describe('csymbol delay', () => {
  for (const [name, lag, t1, exact] of cases) {
    const compiled = compileModel(parseSbml(model(lag)));
    for (const rtol of [1e-6, 1e-10]) {
      const run = () => simulate(compiled, { t1, times: [t1], variables: ['y'], rtol, atol: rtol * 1e-2 });
      const c = run();
      console.log(
        `${name}, rtol ${rtol}: |error| at t = ${t1}: ${Math.abs(c.values[0] - exact(t1)).toExponential(2)}, steps ${c.stats.steps}, rhs ${c.stats.rhsEvals}`,
      );
      bench(`${name} rtol ${rtol}`, () => void run());
    }
  }
});
