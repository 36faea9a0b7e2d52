import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '@odeon/testkit';
import { bench, describe } from 'vitest';
import { compileModel } from './compile.ts';
import { parseSbml } from './sbml-reader.ts';
import { simulate } from './simulate.ts';

const text = readFileSync(join(sharedDir(), 'biomodels', 'BIOMD0000000145.xml'), 'utf8');
const compiled = compileModel(parseSbml(text));
const interpreted = compileModel(parseSbml(text), { backend: 'interpreter' });
const dy = new Float64Array(compiled.n);
const J = new Float64Array(compiled.n * compiled.n);

describe('BIOMD0000000145', () => {
  bench('parse + compile (RHS, Jacobian, ∂f/∂p, VJP, JVP)', () => {
    compileModel(parseSbml(text));
  });
  bench('generated RHS', () => {
    compiled.rhs(0, compiled.y0, compiled.p, dy);
  });
  bench('interpreted RHS', () => {
    interpreted.rhs(0, interpreted.y0, interpreted.p, dy);
  });
  bench('generated Jacobian', () => {
    compiled.jacobian(0, compiled.y0, compiled.p, J);
  });
  bench('simulate [0, 50], 500 outputs (Rodas5P, rtol 1e-8)', () => {
    simulate(compiled, { t1: 50, steps: 500 });
  });
});
