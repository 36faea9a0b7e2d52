/**
 * The bridge from a tensor vector field f(t, y, p) to the `@odeon/ode` problem interface (`rhs`,
 * `vjp`, `jvp`, `jacobian`, `paramJacobian` on Float64Arrays). By default each callback is a
 * compiled tape (see `compile.ts`), traced lazily on first use and replayed with preallocated
 * buffers: no tensors, graph nodes or arrays are created per call. With `compile: false` (needed if
 * f branches on values) or on the wasm backend, the callbacks run the eager engine instead.
 */
import { invalidOption, OdeonError, type OdeProblem, type Vec } from '@odeon/ode';
import {
  type BackendName,
  type CompiledFunction,
  compile,
  flatten,
  jacobian,
  jvp,
  reshape,
  type Shape,
  slice,
  type Tensor,
  type Tree,
  tensor,
  treeFromLeaves,
  treeLeaves,
  vjp,
} from '@odeon/tensor';

/** A tensor vector field: `t` is a scalar tensor, `y` has shape `[n]`, the result must too. */
export type TensorVectorField<P extends Tree> = (t: Tensor, y: Tensor, p: P) => Tensor;

/** Options of `toOdeProblem`. */
export interface ToOdeProblemOptions<P extends Tree> {
  readonly y0: ArrayLike<number>;
  readonly t0: number;
  readonly t1: number;
  /** The parameter tree at its initial values; the problem's `p` is `flatten(params)`. */
  readonly params: P;
  readonly names?: readonly string[];
  /** Replay compiled tapes (default true; cpu only). */
  readonly compile?: boolean;
  /** Backend of the eager path (default cpu); `wasm` implies `compile: false`. */
  readonly backend?: BackendName;
}

const DEFAULTS = { compile: true, backend: 'cpu' } as const satisfies Pick<
  Required<ToOdeProblemOptions<Tree>>,
  'compile' | 'backend'
>;

/** An `OdeProblem` built from a tensor field, with the parameter layout. */
export interface TensorOdeProblem<P extends Tree> extends OdeProblem {
  readonly p: Float64Array;
  readonly rhs: NonNullable<OdeProblem['rhs']>;
  readonly vjp: NonNullable<OdeProblem['vjp']>;
  readonly jvp: NonNullable<OdeProblem['jvp']>;
  readonly jacobian: NonNullable<OdeProblem['jacobian']>;
  readonly paramJacobian: NonNullable<OdeProblem['paramJacobian']>;
  /** Number of states. */
  readonly n: number;
  /** Number of parameters (`p.length`). */
  readonly np: number;
  /** The parameter tree holding the values of a flat parameter vector. */
  unflattenParams(p: ArrayLike<number>): P;
}

/** Turns `f(t, y, p)` into an `OdeProblem` whose `p` is the flattened parameter tree. */
export function toOdeProblem<P extends Tree>(
  f: TensorVectorField<P>,
  options: ToOdeProblemOptions<P>,
): TensorOdeProblem<P> {
  const backend = options.backend ?? DEFAULTS.backend;
  if (backend !== 'cpu' && backend !== 'wasm') throw invalidOption('backend', backend, "'cpu' or 'wasm'");
  const useTape = (options.compile ?? DEFAULTS.compile) && backend === 'cpu';
  const n = options.y0.length;
  const template = options.params;
  const leaves = treeLeaves(template);
  const leafShapes: Shape[] = leaves.map((l) => l.shape);
  const leafSizes = leafShapes.map((shape) => shape.reduce((a, b) => a * b, 1));
  const np = leafSizes.reduce((a, b) => a + b, 0);
  const p0 = flatten(template);
  const y0 = Float64Array.from(options.y0);

  const field = (t: Tensor, y: Tensor, ls: readonly Tensor[]): Tensor => {
    const out = f(t, y, treeFromLeaves(template, ls));
    if (out.shape.length !== 1 || out.shape[0] !== n)
      throw new OdeonError(
        'InvalidProblem',
        `toOdeProblem: f returned shape [${out.shape.join(',')}], expected [${n}].`,
        {
          hint: 'The vector field must return a tensor shaped like y.',
        },
      );
    return out;
  };
  // Checks the field once, eagerly, so shape errors surface at construction.
  field(
    tensor(options.t0, [], { backend }),
    tensor(y0, [n], { backend }),
    leaves.map((l) => tensor(l.toFloat64(), l.shape, { backend })),
  );
  const splitFlat = (pf: Tensor): Tensor[] => {
    let off = 0;
    return leafShapes.map((s, i) => {
      const part = reshape(slice(pf, [off], [leafSizes[i]]), s);
      off += leafSizes[i];
      return part;
    });
  };

  // Traced lazily: rhs, vjp, jvp, jacobian, paramJacobian.
  const shapesTY: Shape[] = [[], [n]];
  const fns = {
    rhs: (t: Tensor, y: Tensor, ...ls: Tensor[]) => field(t, y, ls),
    vjp: (t: Tensor, y: Tensor, v: Tensor, ...ls: Tensor[]) => {
      const r = vjp((args: Tensor[]) => field(t, args[0], args.slice(1)), [y, ...ls]);
      return r.vjp(v);
    },
    jvp: (t: Tensor, y: Tensor, u: Tensor, ...ls: Tensor[]) =>
      jvp((yy: Tensor) => field(t, yy, ls), y, u).tangent,
    jacobian: (t: Tensor, y: Tensor, ...ls: Tensor[]) => jacobian((yy: Tensor) => field(t, yy, ls))(y),
    paramJacobian: (t: Tensor, y: Tensor, pf: Tensor) =>
      jacobian((pp: Tensor) => field(t, y, splitFlat(pp)))(pf),
  };
  const inputShapes = {
    rhs: [...shapesTY, ...leafShapes],
    vjp: [...shapesTY, [n], ...leafShapes],
    jvp: [...shapesTY, [n], ...leafShapes],
    jacobian: [...shapesTY, ...leafShapes],
    paramJacobian: [...shapesTY, [np]],
  };
  const tapes: Partial<Record<keyof typeof fns, CompiledFunction>> = {};
  const tape = (k: keyof typeof fns): CompiledFunction => {
    let c = tapes[k];
    if (c === undefined) {
      c = compile(fns[k] as (...xs: Tensor[]) => Tensor | Tensor[], inputShapes[k]);
      tapes[k] = c;
    }
    return c;
  };

  // Reused per-call state: t as a 1-vector, views of p per leaf (cached for the last p seen).
  const tBuf = new Float64Array(1);
  let lastP: Vec | null = null;
  let pViews: Float64Array[] = [];
  let outPViews: Float64Array[] = [];
  let lastOutP: Vec | null = null;
  const views = (p: Vec): Float64Array[] => {
    if (p.length !== np)
      throw new OdeonError('ShapeMismatch', `Parameter vector has ${p.length} values, expected ${np}.`);
    let off = 0;
    return leafSizes.map((s) => {
      const v = p.subarray(off, off + s);
      off += s;
      return v;
    });
  };
  const bindP = (p: Vec): Float64Array[] => {
    if (p !== lastP) {
      pViews = views(p);
      lastP = p;
    }
    return pViews;
  };
  /** Fills a tape's argument list `args` (t as a 1-vector, y, the optional vector v, then p's leaves). */
  const bindArgs = (args: Float64Array[], t: number, y: Vec, p: Vec, v?: Vec): Float64Array[] => {
    tBuf[0] = t;
    args[0] = tBuf;
    args[1] = y;
    let k = 2;
    if (v !== undefined) args[k++] = v;
    const pv = bindP(p);
    for (let i = 0; i < pv.length; i++) args[k + i] = pv[i];
    return args;
  };
  const argsRhs: Float64Array[] = [tBuf, tBuf, ...leaves.map(() => tBuf)];
  const argsV: Float64Array[] = [tBuf, tBuf, tBuf, ...leaves.map(() => tBuf)];
  const argsPJ: Float64Array[] = [tBuf, tBuf, tBuf];
  const out1: Float64Array[] = [tBuf];
  const outVjp: Float64Array[] = [tBuf, ...leaves.map(() => tBuf)];

  const eager = (t: number, y: Vec, p: Vec) => ({
    tt: tensor(t, [], { backend }),
    yt: tensor(y, [n], { backend }),
    ls: views(p).map((v, i) => tensor(v, leafShapes[i], { backend })),
  });

  const problem: TensorOdeProblem<P> = {
    y0,
    t0: options.t0,
    t1: options.t1,
    p: p0,
    n,
    np,
    ...(options.names === undefined ? {} : { names: options.names }),
    unflattenParams: (p) => {
      const v = Float64Array.from(p);
      if (v.length !== np)
        throw new OdeonError('ShapeMismatch', `Parameter vector has ${v.length} values, expected ${np}.`);
      let off = 0;
      return treeFromLeaves(
        template,
        leafShapes.map((s, i) => {
          const part = tensor(v.subarray(off, off + leafSizes[i]), s, { backend });
          off += leafSizes[i];
          return part;
        }),
      );
    },
    rhs(t, y, p, dydt) {
      if (useTape) {
        out1[0] = dydt;
        tape('rhs').run(bindArgs(argsRhs, t, y, p), out1);
        return;
      }
      const { tt, yt, ls } = eager(t, y, p);
      dydt.set(field(tt, yt, ls).toFloat64());
    },
    vjp(t, y, p, v, outY, outP) {
      if (useTape) {
        bindArgs(argsV, t, y, p, v);
        if (outP !== lastOutP) {
          outPViews = views(outP);
          lastOutP = outP;
        }
        outVjp[0] = outY;
        for (let i = 0; i < outPViews.length; i++) outVjp[1 + i] = outPViews[i];
        tape('vjp').run(argsV, outVjp);
        return;
      }
      const { tt, yt, ls } = eager(t, y, p);
      const g = fns.vjp(tt, yt, tensor(v, [n], { backend }), ...ls);
      outY.set(g[0].toFloat64());
      let off = 0;
      for (let i = 1; i < g.length; i++) {
        outP.set(g[i].toFloat64(), off);
        off += leafSizes[i - 1];
      }
    },
    jvp(t, y, p, u, out) {
      if (useTape) {
        out1[0] = out;
        tape('jvp').run(bindArgs(argsV, t, y, p, u), out1);
        return;
      }
      const { tt, yt, ls } = eager(t, y, p);
      out.set(fns.jvp(tt, yt, tensor(u, [n], { backend }), ...ls).toFloat64());
    },
    jacobian(t, y, p, J) {
      if (useTape) {
        out1[0] = J;
        tape('jacobian').run(bindArgs(argsRhs, t, y, p), out1);
        return;
      }
      const { tt, yt, ls } = eager(t, y, p);
      J.set(fns.jacobian(tt, yt, ...ls).toFloat64());
    },
    paramJacobian(t, y, p, Jp) {
      if (useTape) {
        tBuf[0] = t;
        argsPJ[0] = tBuf;
        argsPJ[1] = y;
        argsPJ[2] = p;
        out1[0] = Jp;
        tape('paramJacobian').run(argsPJ, out1);
        return;
      }
      const tt = tensor(t, [], { backend });
      Jp.set(fns.paramJacobian(tt, tensor(y, [n], { backend }), tensor(p, [np], { backend })).toFloat64());
    },
  };
  return problem;
}
