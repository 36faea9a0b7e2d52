import { gradcheck } from '@odeon/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dag } from './dag.ts';
import { DAG_OPS, type DagOp, type NodeId, type OperatorOp } from './dag-ops.ts';
import { compileKernel, interpretKernel, type KernelSpec } from './program.ts';

const ops = Object.keys(DAG_OPS) as DagOp[];
const operators = ops.filter((op): op is OperatorOp => DAG_OPS[op].arity !== 0);
const argCount = (op: OperatorOp): number => {
  const arity = DAG_OPS[op].arity;
  return arity === 'n' ? 3 : arity;
};

/** One kernel computing `op(p[0], p[1], ...)` and its derivative with respect to each argument. */
function kernels(op: OperatorOp) {
  const dag = new Dag();
  const args: NodeId[] = [];
  for (let k = 0; k < argCount(op); k++) args.push(dag.p(k));
  const e = dag.op(op, args);
  expect(dag.node(e).op).toBe(op);
  const outputs = [e, ...args.map((a) => dag.diff(e, a))];
  const spec: KernelSpec = {
    outputs: 1,
    weighted: false,
    zero: [],
    targets: outputs.map((node, index) => ({ array: 0, index, terms: [{ w: -1, node }] })),
  };
  const run = (kernel: ReturnType<typeof compileKernel>) => (p: ArrayLike<number>) => {
    const out = new Float64Array(outputs.length);
    kernel(0, new Float64Array(0), Float64Array.from(p), out);
    return out;
  };
  return {
    dag,
    outputs,
    codegen: run(compileKernel(dag, spec)),
    interpreter: run(interpretKernel(dag, spec)),
  };
}

const SAMPLES = [0, -0, 1, -1, 0.5, -2.5, 3, 7.25, 1e-300, -1e300, Number.NaN, Infinity, -Infinity];

describe('DAG_OPS', () => {
  it('gives every operator its own interpreter opcode, 0 … n − 1', () => {
    const codes = ops.map((op) => DAG_OPS[op].opcode).sort((a, b) => a - b);
    expect(codes).toEqual(ops.map((_, i) => i));
  });

  it.each(operators)('%s: generated code, interpreter and eval agree bit for bit', (op) => {
    const { codegen, interpreter } = kernels(op);
    const n = argCount(op);
    const tuples: number[][] = n === 1 ? SAMPLES.map((x) => [x]) : [];
    if (n > 1)
      for (const a of SAMPLES)
        for (const b of SAMPLES) tuples.push(n === 2 ? [a, b] : [a, b, SAMPLES[(tuples.length * 7) % 13]]);
    for (const p of tuples) {
      const expected = DAG_OPS[op].eval(p);
      expect(Object.is(codegen(p)[0], expected), `${op}(${p}) codegen`).toBe(true);
      expect(Object.is(interpreter(p)[0], expected), `${op}(${p}) interpreter`).toBe(true);
    }
  });

  /** Where each operator is differentiable: a sampler of its arguments. */
  const domain: Partial<Record<OperatorOp, fc.Arbitrary<number[]>>> = {};
  const real = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true });
  const tuple = (...a: fc.Arbitrary<number>[]) => fc.tuple(...a).map((x) => [...x]);
  for (const op of ['exp', 'sin', 'cos', 'sinh', 'cosh', 'tanh', 'atan', 'asinh', 'neg'] as const)
    domain[op] = tuple(real(-2, 2));
  domain.ln = tuple(real(0.1, 5));
  domain.sqrt = tuple(real(0.1, 5));
  domain.tan = tuple(real(-1.2, 1.2));
  domain.asin = tuple(real(-0.9, 0.9));
  domain.acos = tuple(real(-0.9, 0.9));
  domain.atanh = tuple(real(-0.9, 0.9));
  domain.acosh = tuple(real(1.1, 5));
  domain.abs = tuple(real(0.1, 3)).map(([x]) => [x * (x > 1.5 ? -1 : 1)]);
  domain.add = tuple(real(-2, 2), real(-2, 2), real(-2, 2));
  domain.mul = tuple(real(-2, 2), real(-2, 2), real(-2, 2));
  domain.div = tuple(real(-2, 2), real(0.2, 3));
  domain.pow = tuple(real(0.2, 3), real(-2, 2));
  domain.min = tuple(real(-2, 2), real(-2, 2)).filter(([a, b]) => Math.abs(a - b) > 1e-3);
  domain.max = tuple(real(-2, 2), real(-2, 2)).filter(([a, b]) => Math.abs(a - b) > 1e-3);
  domain.rem = tuple(real(-5, 5), real(0.5, 2)).filter(([a, b]) => {
    const q = a / b;
    return Math.abs(q - Math.round(q)) > 1e-3;
  });
  domain.select = tuple(fc.constantFrom(0, 1), real(-2, 2), real(-2, 2));

  it.each(operators)('%s: the derivative rule matches central differences', (op) => {
    const { dag, outputs, codegen } = kernels(op);
    const arb = domain[op];
    if (arb === undefined) {
      // Piecewise-constant and logical operators: the rule gives the constant 0.
      for (const d of outputs.slice(1)) expect(dag.isConst(d, 0)).toBe(true);
      return;
    }
    fc.assert(
      fc.property(arb, (p) => {
        const report = gradcheck(
          (x) => codegen(x)[0],
          (x) => codegen(x).slice(1),
          p,
          { rtol: 1e-6, atol: 1e-7 },
        );
        // select's condition is not differentiable: skip its (zero) column.
        if (op === 'select') report.numeric[0] = report.analytic[0];
        expect(report.analytic).toBeAllclose(report.numeric, { rtol: 1e-6, atol: 1e-7 });
      }),
      { numRuns: 30 },
    );
  });
});
