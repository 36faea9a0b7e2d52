import type { Tensor } from '../tensor.ts';
import type { OpName } from '../types.ts';

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
