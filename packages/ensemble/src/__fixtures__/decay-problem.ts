// A user problem rebuilt in workers by module path: dy/dt = −k y, y(t) = y0 e^{−k t}.
import type { OdeProblem } from '@odeon/ode';

export const paramNames = ['k'];

export function problem(args: { readonly k?: number } = {}): OdeProblem {
  return {
    rhs: (_t, y, p, dydt) => {
      dydt[0] = -p[0] * y[0];
    },
    y0: [1],
    p: [args.k ?? 1],
    t0: 0,
    t1: 2,
    names: ['y'],
  };
}

export function throws(): never {
  throw new Error('a user factory that throws');
}

/** A factory whose worker thread dies (a crash, not an error). */
export function exits(): never {
  process.exit(3);
}

/** A factory that never returns (a task that runs until its worker is terminated). */
export function hangs(): never {
  for (;;) {
    // busy: a worker thread stuck in synchronous code
  }
}
