/**
 * Compiled tapes: trace a tensor function once (on cpu, float64) into a flat list of primitive
 * kernel calls over preallocated buffers, then replay it with new inputs without creating tensors,
 * graph nodes or arrays. Differentiation happens while tracing (the traced function may call `vjp`,
 * `jvp`, `grad`, ...), so the tape of a gradient is produced by the same engine and rules as eager
 * mode: there is no second differentiation implementation.
 *
 * Restriction: the function must not branch on tensor values (use `where`, `maximum`); reading
 * values of a traced tensor throws. Shapes are fixed at compile time.
 */
import { OdeonError } from '@odeon/core';
import { fromValues } from './creation.ts';
import { sizeOf } from './internal/shape.ts';
import { buildSteps } from './internal/tape-steps.ts';
import { type TapeRecorder, withRecorder } from './internal/trace-state.ts';
import { Tensor } from './tensor.ts';
import type { OpName, Shape } from './types.ts';

/** A function traced into a replayable tape. */
export interface CompiledFunction {
  readonly inputShapes: readonly Shape[];
  readonly outputShapes: readonly Shape[];
  /** Number of kernel calls per run (after dead-code elimination). */
  readonly instructionCount: number;
  /**
   * Runs the tape. `inputs[i]` must hold `inputShapes[i]` values (read, never written or kept);
   * `outputs[k]` receives output k (`sizeOf(outputShapes[k])` values). Returns `outputs`.
   */
  run(inputs: readonly Float64Array[], outputs: readonly Float64Array[]): readonly Float64Array[];
}

/** Traces `f` at inputs of the given shapes and returns its replayable tape. */
export function compile(
  f: (...inputs: Tensor[]) => Tensor | readonly Tensor[],
  inputShapes: readonly Shape[],
): CompiledFunction {
  const slotOf = new Map<Tensor, number>();
  const buffers: Float64Array[] = [];
  const raw: { op: OpName; ins: number[]; shapes: Shape[]; outShape: Shape; attrs: unknown; out: number }[] =
    [];
  const slotFor = (t: Tensor): number => {
    let s = slotOf.get(t);
    if (s === undefined) {
      // A tensor not produced on the tape: a constant, captured by value.
      s = buffers.length;
      buffers.push(t.toFloat64());
      slotOf.set(t, s);
    }
    return s;
  };
  const recorder: TapeRecorder<Tensor> = {
    record(op, inputs, attrs, outShape, out) {
      const ins = inputs.map(slotFor);
      if (op === 'reshape' || op === 'identity') {
        slotOf.set(out, ins[0]); // same values, no kernel call
        return;
      }
      const s = buffers.length;
      buffers.push(new Float64Array(sizeOf(outShape)));
      slotOf.set(out, s);
      traced.add(s);
      raw.push({ op, ins, shapes: inputs.map((x) => x.shape), outShape, attrs, out: s });
    },
    alias(alias, source) {
      slotOf.set(alias, slotFor(source));
    },
    isTraced(t) {
      const s = slotOf.get(t);
      return s !== undefined && traced.has(s);
    },
  };
  const traced = new Set<number>();
  const inputs = inputShapes.map((shape, i) => {
    const t = fromValues(new Float64Array(sizeOf(shape)), shape, 'cpu');
    slotOf.set(t, i);
    traced.add(i);
    buffers.push(new Float64Array(0)); // placeholder: bound to the caller's array at run time
    return t;
  });
  const result = withRecorder(recorder, () => f(...inputs));
  const outs = result instanceof Tensor ? [result] : result;
  for (const o of outs)
    if (o.backend !== 'cpu')
      throw new OdeonError(
        'InvalidProblem',
        'compile: the traced function produced a tensor on another backend.',
        {
          hint: 'Compiled functions run on the float64 cpu backend only.',
        },
      );
  const outSlots = outs.map((o) => slotFor(o));

  // Dead-code elimination: keep instructions that some output depends on.
  const live = new Set<number>(outSlots);
  const kept: typeof raw = [];
  for (let k = raw.length - 1; k >= 0; k--) {
    const r = raw[k];
    if (!live.has(r.out)) continue;
    kept.push(r);
    for (const i of r.ins) live.add(i);
  }
  kept.reverse();
  const steps = buildSteps(kept, buffers, outSlots);
  const inputSizes = inputShapes.map(sizeOf);
  const outputShapes = outs.map((o) => o.shape);
  const outputSizes = outputShapes.map(sizeOf);

  return {
    inputShapes,
    outputShapes,
    instructionCount: steps.length,
    run(ins, outputs) {
      if (ins.length !== inputSizes.length)
        throw new OdeonError(
          'ShapeMismatch',
          `compiled function: expected ${inputSizes.length} inputs, got ${ins.length}.`,
        );
      for (let i = 0; i < inputSizes.length; i++) {
        if (ins[i].length !== inputSizes[i])
          throw new OdeonError(
            'ShapeMismatch',
            `compiled function: input ${i} has ${ins[i].length} values, expected ${inputSizes[i]}.`,
          );
        buffers[i] = ins[i];
      }
      for (let k = 0; k < steps.length; k++) steps[k]();
      for (let k = 0; k < outSlots.length; k++) {
        const o = outputs[k];
        if (o.length !== outputSizes[k])
          throw new OdeonError(
            'ShapeMismatch',
            `compiled function: output ${k} needs ${outputSizes[k]} values, got ${o.length}.`,
          );
        o.set(buffers[outSlots[k]]);
      }
      return outputs;
    },
  };
}
