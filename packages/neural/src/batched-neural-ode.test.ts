import { solve } from '@odeon/ode';
import { initBackend } from '@odeon/tensor';
import { numericGradient } from '@odeon/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchedMlpCpu } from './batched-mlp-cpu.ts';
import { batchedNeuralOdeProblem, chooseBatchedBackend } from './batched-neural-ode.ts';
import { NeuralODE } from './neural-ode.ts';

const B = 5;
const model = new NeuralODE({
  n: 3,
  network: { width: 8, depth: 2, activation: 'tanh', seed: 4 },
  timeInput: true,
  scaling: { yScale: [1, 2, 0.5], tScale: 2 },
});
const y0 = Float64Array.from({ length: B * 3 }, (_, k) => Math.sin(k + 1));

describe('batched neural ODE (cpu, float64)', () => {
  it('each row of the batched network equals the fused kernel bit for bit', () => {
    const net = new BatchedMlpCpu(model.mlp, B);
    const x = Float64Array.from({ length: B * 4 }, (_, k) => Math.cos(k));
    const out = net.forward(new Float64Array(B * 3), model.p, x, B);
    const k = model.mlp.kernel();
    const row = new Float64Array(3);
    for (let r = 0; r < B; r++) {
      k.forward(row, model.p, 0, x.subarray(r * 4, r * 4 + 4));
      expect(Array.from(out.subarray(r * 3, r * 3 + 3))).toEqual(Array.from(row));
    }
  });

  it('the batched system integrates every trajectory as the single problem does', () => {
    const saveAt = [0, 0.5, 1];
    const batched = batchedNeuralOdeProblem(model, { y0, batch: B, t0: 0, t1: 1 });
    const sol = solve(batched, { method: 'tsit5', saveAt, rtol: 1e-10, atol: 1e-12 });
    for (let r = 0; r < B; r++) {
      const single = solve(model.problem({ y0: y0.subarray(r * 3, r * 3 + 3), t0: 0, t1: 1 }), {
        method: 'tsit5',
        saveAt,
        rtol: 1e-10,
        atol: 1e-12,
      });
      for (let i = 0; i < saveAt.length; i++)
        for (let j = 0; j < 3; j++) expect(sol.y[i * B * 3 + r * 3 + j]).toBeCloseTo(single.y[i * 3 + j], 8);
    }
  });

  it('vjp matches central differences in y and p', () => {
    const prob = batchedNeuralOdeProblem(model, { y0, batch: B, t0: 0, t1: 1 });
    const p = Float64Array.from(prob.p as ArrayLike<number>);
    const y = Float64Array.from(y0);
    const v = Float64Array.from({ length: B * 3 }, (_, k) => Math.cos(3 * k));
    const f = (yy: Float64Array, pp: Float64Array) => {
      const d = new Float64Array(B * 3);
      prob.rhs(0.3, yy, pp, d);
      return d.reduce((s, di, k) => s + di * v[k], 0);
    };
    const gy = new Float64Array(B * 3);
    const gp = new Float64Array(model.np);
    prob.vjp?.(0.3, y, p, v, gy, gp);
    const fdY = numericGradient((yy) => f(yy, p), y, 1e-6);
    const fdP = numericGradient((pp) => f(y, pp), p, 1e-6);
    for (let k = 0; k < gy.length; k++) expect(gy[k]).toBeCloseTo(fdY[k], 6);
    for (let k = 0; k < gp.length; k++) expect(gp[k]).toBeCloseTo(fdP[k], 6);
    const gyOnly = new Float64Array(B * 3);
    prob.vjpY?.(0.3, y, p, v, gyOnly);
    expect(Array.from(gyOnly)).toEqual(Array.from(gy));
  });

  it('auto picks wasm-f32 only above the measured crossover and when wasm is ready', () => {
    expect(chooseBatchedBackend(1, 8, true)).toBe('cpu');
    expect(chooseBatchedBackend(64, 32, true)).toBe('cpu');
    expect(chooseBatchedBackend(256, 32, true)).toBe('wasm-f32');
    expect(chooseBatchedBackend(1024, 256, true)).toBe('wasm-f32');
    expect(chooseBatchedBackend(1024, 256, false)).toBe('cpu');
  });
});

describe('batched neural ODE (tfjs wasm, float32)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('rhs and vjp agree with the float64 path to float32 accuracy', () => {
    const cpu = batchedNeuralOdeProblem(model, { y0, batch: B, t0: 0, t1: 1 });
    const wasm = batchedNeuralOdeProblem(model, { y0, batch: B, t0: 0, t1: 1, backend: 'wasm-f32' });
    expect(wasm.backend).toBe('wasm-f32');
    const p = Float64Array.from(cpu.p as ArrayLike<number>);
    const y = Float64Array.from(y0);
    const a = new Float64Array(B * 3);
    const b = new Float64Array(B * 3);
    cpu.rhs(0.2, y, p, a);
    wasm.rhs(0.2, y, p, b);
    for (let k = 0; k < a.length; k++)
      expect(Math.abs(a[k] - b[k])).toBeLessThan(1e-5 * (1 + Math.abs(a[k])));
    expect(a.some((ak, k) => ak !== b[k])).toBe(true); // float32 genuinely rounds
    const v = Float64Array.from({ length: B * 3 }, (_, k) => Math.cos(k));
    const gy1 = new Float64Array(B * 3);
    const gp1 = new Float64Array(model.np);
    const gy2 = new Float64Array(B * 3);
    const gp2 = new Float64Array(model.np);
    cpu.vjp?.(0.2, y, p, v, gy1, gp1);
    wasm.vjp?.(0.2, y, p, v, gy2, gp2);
    for (let k = 0; k < gy1.length; k++)
      expect(Math.abs(gy1[k] - gy2[k])).toBeLessThan(1e-4 * (1 + Math.abs(gy1[k])));
    for (let k = 0; k < gp1.length; k++)
      expect(Math.abs(gp1[k] - gp2[k])).toBeLessThan(1e-4 * (1 + Math.abs(gp1[k])));
    const sol = solve(wasm, { method: 'tsit5', saveAt: [1], rtol: 1e-5, atol: 1e-7 });
    const ref = solve(cpu, { method: 'tsit5', saveAt: [1], rtol: 1e-5, atol: 1e-7 });
    for (let k = 0; k < B * 3; k++) expect(sol.y[k]).toBeCloseTo(ref.y[k], 3);
  });
});
