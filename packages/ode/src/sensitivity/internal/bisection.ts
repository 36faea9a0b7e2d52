/**
 * The bounded-memory backward sweep of `discrete` and `interpolating`: steps a … b−1 are processed
 * from last to first, starting from the state at step a. A range of at most `budget` steps goes to
 * `leaf` whole; a longer one is split at its midpoint: `advance` replays the first half to get the
 * midpoint state, the second half is processed (recursively), then the first. At most `budget` steps
 * of recomputed data and one state per level are held: O(K·n) memory for O(N·log(N/K)) replayed steps.
 */
import type { Vec } from '../../types.ts';

/** Returns the deepest bisection level reached (0: the range fit the budget). */
export function reverseByBisection(
  a: number,
  b: number,
  y: Vec,
  budget: number,
  advance: (a: number, b: number, y: Vec) => Vec,
  leaf: (a: number, b: number, y: Vec) => void,
): number {
  if (b - a <= budget) {
    leaf(a, b, y);
    return 0;
  }
  const mid = a + Math.ceil((b - a) / 2);
  const yMid = Float64Array.from(advance(a, mid, y));
  const second = reverseByBisection(mid, b, yMid, budget, advance, leaf);
  const first = reverseByBisection(a, mid, y, budget, advance, leaf);
  return 1 + Math.max(second, first);
}
