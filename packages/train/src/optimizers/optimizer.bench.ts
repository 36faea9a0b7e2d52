import { bench, describe } from 'vitest';
import { minimizeLbfgs } from './lbfgs.ts';
import { createOptimizer } from './optimizer.ts';

const N = 10_000;
const grad = Float64Array.from({ length: N }, (_, i) => Math.sin(i));

describe('first-order update, 10 000 parameters', () => {
  for (const kind of ['adam', 'adamw', 'adabelief', 'sgd'] as const) {
    const opt = createOptimizer({ kind }, N);
    const x = new Float64Array(N);
    bench(kind, () => {
      opt.update(x, grad, 1e-3);
    });
  }
});

describe('L-BFGS', () => {
  const rosenbrock = (x: Float64Array) => {
    const g = new Float64Array(x.length);
    let v = 0;
    for (let i = 0; i < x.length - 1; i++) {
      const a = x[i + 1] - x[i] * x[i];
      const b = 1 - x[i];
      v += 100 * a * a + b * b;
      g[i] += -400 * x[i] * a - 2 * b;
      g[i + 1] += 200 * a;
    }
    return { value: v, grad: g };
  };
  bench('Rosenbrock n = 2 from (−1.2, 1)', () => {
    minimizeLbfgs(rosenbrock, [-1.2, 1]);
  });
  bench('extended Rosenbrock n = 100', () => {
    minimizeLbfgs(
      rosenbrock,
      Float64Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1.2)),
    );
  });
});
