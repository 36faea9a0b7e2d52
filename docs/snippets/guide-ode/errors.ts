// #region example
import { isOdeonError, solve } from '@odeon/ode';

const decay = {
  y0: [1],
  t0: 0,
  t1: 1,
  rhs: (_t: number, y: Float64Array, _p: Float64Array, dydt: Float64Array) => {
    dydt[0] = -y[0];
  },
};

try {
  solve(decay, { rtol: 2 }); // a relative tolerance must lie in (0, 1)
} catch (e) {
  if (!isOdeonError(e)) throw e;
  console.log(`code:    ${e.code}`);
  console.log(`option:  ${e.context.option}`);
  console.log(`message: ${e.message}`);
}

try {
  solve(decay, { method: 'euler' }); // fixed-step methods need dt
} catch (e) {
  if (isOdeonError(e, 'InvalidOption')) console.log(`${e.code} (${e.context.option}): ${e.message}`);
}
// #endregion example
