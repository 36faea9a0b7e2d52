import type { ParameterScale } from './tables.ts';

/** A linear value on a parameter scale. */
export function toScale(value: number, scale: ParameterScale): number {
  return scale === 'lin' ? value : scale === 'log' ? Math.log(value) : Math.log10(value);
}

/** A value on a parameter scale back on the linear scale. */
export function fromScale(x: number, scale: ParameterScale): number {
  return scale === 'lin' ? x : scale === 'log' ? Math.exp(x) : 10 ** x;
}

/** d(linear value)/d(scaled value) at the scaled value x. */
export function fromScaleDerivative(x: number, scale: ParameterScale): number {
  return scale === 'lin' ? 1 : scale === 'log' ? Math.exp(x) : 10 ** x * Math.LN10;
}
