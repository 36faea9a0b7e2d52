import { OdeonError } from '@odeon/ode';
import type { LoweredSystem } from './lowered-system.ts';
import { interpretKernel, type KernelSpec, type KernelTarget } from './program.ts';

/** Initial values as functions of the declared numbers, and their Jacobian. */
export interface InitialValues {
  initialize(declared?: ArrayLike<number>, t0?: number): { y0: Float64Array; p: Float64Array };
  initialJacobian(declared?: ArrayLike<number>, t0?: number): Float64Array;
}

/** Interprets the initial-value graph over the declared vector (leaves p[k] of `initDag` index `declared`). */
export function initialValues(sys: LoweredSystem): InitialValues {
  const { n, np } = sys;
  const nd = n + np;
  const initSpec: KernelSpec = {
    outputs: 2,
    weighted: false,
    zero: [],
    targets: [
      ...sys.initY.map((node, i) => ({ array: 0, index: i, terms: [{ w: -1, node }] })),
      ...sys.initP.map((node, k) => ({ array: 1, index: k, terms: [{ w: -1, node }] })),
    ],
  };
  const initK = interpretKernel(sys.initDag, initSpec);
  const empty = new Float64Array(0);
  const initialize = (
    declared: ArrayLike<number> = sys.declared,
    t0 = 0,
  ): { y0: Float64Array; p: Float64Array } => {
    if (declared.length !== nd)
      throw new OdeonError('ShapeMismatch', `Expected ${nd} declared values, got ${declared.length}.`, {
        hint: 'Pass a vector laid out like compiled.declared.',
      });
    const y0 = new Float64Array(n);
    const p = new Float64Array(np);
    initK(t0, empty, Float64Array.from(declared), y0, p);
    return { y0, p };
  };
  const initialJacobian = (declared: ArrayLike<number> = sys.declared, t0 = 0): Float64Array => {
    const idag = sys.initDag;
    const roots = [...sys.initY, ...sys.initP];
    const targets: KernelTarget[] = [];
    roots.forEach((r, row) => {
      for (const leaf of idag.topo([r])) {
        const node = idag.node(leaf);
        if (node.op !== 'p') continue;
        const d = idag.diff(r, leaf);
        if (!idag.isConst(d, 0))
          targets.push({ array: 0, index: row * nd + node.value, terms: [{ w: -1, node: d }] });
      }
    });
    const out = new Float64Array(nd * nd);
    interpretKernel(idag, { outputs: 1, weighted: false, zero: [0], targets })(
      t0,
      empty,
      Float64Array.from(declared),
      out,
    );
    return out;
  };
  return { initialize, initialJacobian };
}
