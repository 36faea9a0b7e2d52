/** Every method `solve` knows. */
export const METHODS = [
  'euler',
  'midpoint',
  'rk4',
  'bs3',
  'tsit5',
  'dopri5',
  'dop853',
  'rosenbrock23',
  'rodas4',
  'rodas5p',
  'bdf',
  'auto',
] as const;

/** A method name accepted by `solve` (see the README's methods table). */
export type MethodName = (typeof METHODS)[number];
