import { invalidOption, OdeonError } from '@odeon/ode';

/** Copies `values` into a Float64Array of length `n`, or throws `ShapeMismatch` naming `option`. */
export function vecOfLength(option: string, values: ArrayLike<number>, n: number): Float64Array {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number')
    throw invalidOption(option, values, `an array of ${n} numbers`);
  if (values.length !== n)
    throw new OdeonError('ShapeMismatch', `\`${option}\` has length ${values.length}, expected ${n}.`, {
      option,
      value: values.length,
      hint: `Give exactly ${n} numbers.`,
    });
  const out = Float64Array.from(values);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(out[i]))
      throw new OdeonError(
        'InvalidOption',
        `\`${option}[${i}]\` is ${out[i]}; finite numbers are required.`,
        {
          option,
          value: out[i],
          component: i,
        },
      );
  return out;
}

/** A row-major copy of a `rows × cols` matrix given as nested arrays, or throws `ShapeMismatch`. */
export function matrixOf(
  option: string,
  m: readonly (readonly number[])[],
  rows: number,
  cols: number,
): Float64Array {
  if (!Array.isArray(m) || m.length !== rows)
    throw new OdeonError('ShapeMismatch', `\`${option}\` must have ${rows} rows.`, {
      option,
      hint: `Give a ${rows}×${cols} array.`,
    });
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) out.set(vecOfLength(`${option}[${i}]`, m[i], cols), i * cols);
  return out;
}

/** Throws `InvalidOption` unless `v` is an integer ≥ min. */
export function intAtLeast(option: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw invalidOption(option, v, `an integer ≥ ${min}`);
  return v;
}
