import { solve } from '@odeon/ode';
import { describe, expect, it } from 'vitest';
import { compileModel } from './compile.ts';
import { parseFormula } from './formula.ts';
import { loadModel } from './load.ts';

// Ids that name Object.prototype members are ordinary SBML ids.
const IDS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];

describe('ids named like Object.prototype members', () => {
  it.each(IDS)('parseFormula reads %s as a symbol', (id) => {
    expect(parseFormula(`${id} * 2`)).toEqual({
      type: 'apply',
      op: 'times',
      args: [
        { type: 'symbol', name: id },
        { type: 'number', value: 2 },
      ],
    });
  });

  it.each(IDS)('a model with species and parameter %s compiles and simulates A → B exactly', (id) => {
    const text = `{"species": {"${id}": 1, "B": 0}, "parameters": {"k_${id}": 0.7, "${id === 'B' ? 'x' : `${id}_2`}": 1},
      "reactions": [{"equation": "${id} -> B", "rate": "k_${id} * ${id}"}]}`;
    const m = compileModel(loadModel(text));
    expect(m.stateIds).toEqual([id, 'B']);
    const sol = solve(m.problem(0, 2), { rtol: 1e-10, atol: 1e-12 });
    expect(sol.y[sol.y.length - 2]).toBeCloseTo(Math.exp(-0.7 * 2), 8);
  });
});
