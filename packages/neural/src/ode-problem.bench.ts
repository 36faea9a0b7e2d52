import * as T from '@odeon/tensor';
import { bench, describe } from 'vitest';
import { type TensorVectorField, toOdeProblem } from './ode-problem.ts';

// MLP 3→[5]×6→3 GELU as an OdeProblem: compiled tape vs eager engine (never a CI gate).
const widths = [3, 5, 5, 5, 5, 5, 5, 3];
const params = widths.slice(1).map((w, i) => ({
  W: T.randn([w, widths[i]], { seed: i, std: 1 / Math.sqrt(widths[i]) }),
  b: T.randn([w], { seed: 50 + i, std: 0.1 }),
}));
const field: TensorVectorField<typeof params> = (_t, y, ps) => {
  let h = y;
  ps.forEach((l, i) => {
    h = T.add(T.matmul(l.W, h), l.b);
    if (i < ps.length - 1) h = T.gelu(h);
  });
  return h;
};
const opts = { y0: [0.1, 0.2, 0.3], t0: 0, t1: 1, params };
const taped = toOdeProblem(field, opts);
const eager = toOdeProblem(field, { ...opts, compile: false });
const y = Float64Array.of(0.3, -0.2, 0.5);
const v = Float64Array.of(1, -0.5, 0.25);
const outY = new Float64Array(3);
const outP = new Float64Array(taped.np);

describe('MLP 3→[5]×6→3 GELU forward + VJP', () => {
  bench('compiled tape', () => taped.vjp(0, y, taped.p, v, outY, outP));
  bench('eager engine', () => eager.vjp(0, y, eager.p, v, outY, outP));
});
