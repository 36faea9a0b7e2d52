import { OdeonError } from '@odeon/ode';
import type { DerivativeEntry } from '../sparse-jacobian.ts';
import type { NodeId } from './dag.ts';
import type { LoweredSystem } from './lowered-system.ts';
import type { KernelSpec, KernelTarget } from './program.ts';

/** The kernel specs of the right-hand side and its derivatives. */
export interface DerivativeSpecs {
  readonly jy: readonly DerivativeEntry[];
  readonly jp: readonly DerivativeEntry[];
  readonly rhs: KernelSpec;
  readonly jacobian: KernelSpec;
  readonly paramJacobian: KernelSpec;
  readonly vjp: KernelSpec;
  readonly jvp: KernelSpec;
}

/** Indices of the parameters whose ∂f/∂p columns are computed (all when `ids` is empty). */
export function sensitivityIndices(sys: LoweredSystem, ids: readonly string[]): Set<number> {
  const sensSet = new Set<number>();
  if (ids.length === 0) for (let k = 0; k < sys.np; k++) sensSet.add(k);
  for (const id of ids) {
    const k = sys.paramIds.indexOf(id);
    if (k < 0)
      throw new OdeonError(
        'InvalidOption',
        `Unknown parameter ${JSON.stringify(id.slice(0, 60))} in sensitivities.`,
        {
          option: 'sensitivities',
          allowed: 'ids from compiled.paramIds',
          hint: 'Use ids listed in paramIds (local parameters as reaction.local).',
        },
      );
    sensSet.add(k);
  }
  return sensSet;
}

/** Differentiates the right-hand side symbolically and lays out the RHS, Jacobian, ∂f/∂p, VJP and JVP kernels. */
export function derivativeSpecs(sys: LoweredSystem, sensSet: ReadonlySet<number>): DerivativeSpecs {
  const { dag, n, np } = sys;
  const jy: DerivativeEntry[] = [];
  const jp: DerivativeEntry[] = [];
  for (let i = 0; i < n; i++) {
    for (const leaf of dag.topo([sys.rhs[i]])) {
      const node = dag.node(leaf);
      if (node.op === 'y') {
        const d = dag.diff(sys.rhs[i], leaf);
        if (!dag.isConst(d, 0)) jy.push({ i, col: node.value, node: d });
      } else if (node.op === 'p' && sensSet.has(node.value)) {
        const d = dag.diff(sys.rhs[i], leaf);
        if (!dag.isConst(d, 0)) jp.push({ i, col: node.value, node: d });
      }
    }
  }
  return {
    jy,
    jp,
    rhs: {
      outputs: 1,
      weighted: false,
      zero: [],
      targets: sys.rhs.map((node, i) => ({ array: 0, index: i, terms: [{ w: -1, node }] })),
    },
    jacobian: {
      outputs: 1,
      weighted: false,
      zero: [0],
      targets: jy.map((e) => ({ array: 0, index: e.i * n + e.col, terms: [{ w: -1, node: e.node }] })),
    },
    paramJacobian: {
      outputs: 1,
      weighted: false,
      zero: [0],
      targets: jp.map((e) => ({ array: 0, index: e.i * np + e.col, terms: [{ w: -1, node: e.node }] })),
    },
    vjp: {
      outputs: 2,
      weighted: true,
      zero: [0, 1],
      targets: [...gather(jy, 0, true), ...gather(jp, 1, true)],
    },
    jvp: { outputs: 1, weighted: true, zero: [0], targets: gather(jy, 0, false) },
  };
}

/** Weighted sums of entries: by column with row weights (transpose products), or by row with column weights. */
function gather(entries: readonly DerivativeEntry[], array: number, weightByRow: boolean): KernelTarget[] {
  const by = new Map<number, { w: number; node: NodeId }[]>();
  for (const e of entries) {
    const key = weightByRow ? e.col : e.i;
    const list = by.get(key) ?? [];
    list.push({ w: weightByRow ? e.i : e.col, node: e.node });
    by.set(key, list);
  }
  return [...by.entries()].map(([index, terms]) => ({ array, index, terms }));
}
