import { OdeonError } from '@odeon/core';
import type { Backend } from './backend.ts';
import { sizeOf } from './internal/shape.ts';
import { traceReadGuard } from './internal/trace-state.ts';
import type { BackendName, DType, OpName, Shape } from './types.ts';

/**
 * A node of the reverse-mode graph. Ids increase monotonically, so a node created before a
 * differentiated input cannot depend on it: backward passes skip every node older than their inputs.
 */
export interface GraphNode {
  readonly id: number;
  readonly op: OpName;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  /** The tensor this node produced (set right after construction). */
  out: Tensor | null;
}

/**
 * An immutable n-dimensional array on one backend. Create tensors with `tensor`, `zeros`, `ones`,
 * `randn`, `eye`; combine them with the ops; read values with `toFloat64()`.
 */
export class Tensor {
  /** Extent of each axis; `[]` for a scalar. */
  readonly shape: Shape;
  /** Number of elements. */
  readonly size: number;
  /** @internal Backend storage (a `Float64Array` on cpu). Never mutate it. */
  readonly data: unknown;
  /** @internal The backend holding the storage. */
  readonly impl: Backend;
  /** @internal Autodiff graph node, when this tensor depends on a differentiated input. */
  readonly node: GraphNode | null;

  /** @internal Use the creation functions instead. */
  constructor(impl: Backend, data: unknown, shape: Shape, node: GraphNode | null = null) {
    this.impl = impl;
    this.data = data;
    // Callers pass a shape they own (creation functions copy user input once), so no copy here:
    // this constructor runs once per op.
    this.shape = shape;
    this.size = sizeOf(shape);
    this.node = node;
  }

  /** Name of the backend holding the values. */
  get backend(): BackendName {
    return this.impl.name;
  }

  /** Storage precision: `float64` on cpu, `float32` on wasm. */
  get dtype(): DType {
    return this.impl.dtype;
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** The values (row-major) as a fresh `Float64Array` (widening from float32 on wasm). */
  toFloat64(): Float64Array {
    traceReadGuard(this);
    return this.impl.toFloat64(this.data, this.shape);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1)
      throw new OdeonError(
        'ShapeMismatch',
        `item() needs a one-element tensor, got shape [${this.shape.join(',')}].`,
        {
          hint: 'Reduce it first, e.g. with sum().',
        },
      );
    return this.toFloat64()[0];
  }

  /** Releases backend memory now (wasm); the tensor must not be used afterwards. Optional. */
  dispose(): void {
    this.impl.release?.(this.data);
  }

  toString(): string {
    return `Tensor(shape=[${this.shape.join(',')}], ${this.dtype}, ${this.backend})`;
  }
}
