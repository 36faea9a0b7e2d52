import type { Backend } from '../backend.ts';
import { sizeOf } from '../internal/shape.ts';
import type { OpName } from '../types.ts';
import { type CpuKernel, cpuKernels } from './cpu-kernels.ts';

/** The default backend: float64 kernels on `Float64Array`s. */
export const cpuBackend: Backend<Float64Array> = {
  name: 'cpu',
  dtype: 'float64',
  fromFloat64: (values) => values,
  toFloat64: (data) => data.slice(),
  run(op, inputs, shapes, outShape, attrs) {
    // Storage is immutable, so shape-only ops share their input's buffer.
    if (op === 'identity' || op === 'reshape') return inputs[0];
    const kernel = cpuKernels[op] as CpuKernel<OpName>;
    return kernel(new Float64Array(sizeOf(outShape)), inputs, shapes, outShape, attrs);
  },
};
