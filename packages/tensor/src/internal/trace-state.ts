import { OdeonError } from '@odeon/core';
import type { OpName, Shape } from '../types.ts';

/**
 * Receives every primitive executed while a function is being compiled (see `compile.ts`). Generic in
 * the tensor type `X` so this module does not import `tensor.ts` (which imports the read guard).
 */
export interface TapeRecorder<X = unknown> {
  record(op: OpName, inputs: readonly X[], attrs: unknown, outShape: Shape, out: X): void;
  /** `alias` holds the same values as `source` (no kernel ran). */
  alias(alias: X, source: X): void;
  /** True if `t` depends on a traced input (its values are not known at compile time). */
  isTraced(t: X): boolean;
}

let recorder: TapeRecorder | null = null;

export function activeRecorder(): TapeRecorder | null {
  return recorder;
}

export function withRecorder<T>(r: TapeRecorder, body: () => T): T {
  const prev = recorder;
  recorder = r;
  try {
    return body();
  } finally {
    recorder = prev;
  }
}

/** Reading traced values would bake them into the compiled tape: refuse loudly. */
export function traceReadGuard(t: unknown): void {
  if (recorder?.isTraced(t))
    throw new OdeonError(
      'InvalidProblem',
      'A compiled tensor function read the values of a tensor that depends on its inputs.',
      {
        hint: 'Compiled functions must not branch on tensor values: use where(), maximum() etc., or pass { compile: false }.',
      },
    );
}
