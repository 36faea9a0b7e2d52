import { jacobian, tensor, vjp } from '@odeon/tensor';
import { bench, describe } from 'vitest';
import { MLP } from './mlp.ts';

// The stiff neural ODE network of Kim et al. 2021: 3 → [5]×6 → 3, GELU.
const mlp = new MLP({ inputs: 3, outputs: 3, width: 5, depth: 6, activation: 'gelu', seed: 1 });
const p = mlp.init();
const tree = mlp.tree(p);
const kernel = mlp.kernel();
const x = Float64Array.of(0.3, -0.2, 0.5);
const v = Float64Array.of(1, -1, 0.5);
const out = new Float64Array(3);
const gx = new Float64Array(3);
const gp = new Float64Array(mlp.np);
const J = new Float64Array(9);

describe('MLP 3→[5]×6→3 GELU: forward + VJP', () => {
  bench('fused float64 kernel', () => {
    kernel.forward(out, p, 0, x);
    kernel.vjp(gx, gp, p, 0, v, 0);
  });
  bench('@odeon/tensor path', () => {
    vjp((t: typeof tree) => mlp.apply(t, tensor(x)), tree).vjp(tensor(v));
  });
});

describe('MLP 3→[5]×6→3 GELU: Jacobian', () => {
  bench('fused float64 kernel', () => {
    kernel.forward(out, p, 0, x);
    kernel.jacobian(J, p, 0);
  });
  bench('@odeon/tensor path', () => {
    jacobian((xx) => mlp.apply(tree, xx))(tensor(x));
  });
});
