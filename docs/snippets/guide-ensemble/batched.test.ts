import { solve } from '@odeon/ode';
import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('batched trajectories: cpu rows equal single solves; wasm agrees to float32 accuracy', async () => {
  const { exports, lines } = await runSnippet(() => import('./batched.ts'));
  const { backend, difference, onCpu } = exports;
  expect(backend).toBe('wasm-f32');
  expect(difference).toBeGreaterThan(0);
  expect(difference).toBeLessThan(1e-3);
  // Reference: trajectory 7 on its own (the unbatched fused-kernel problem).
  const { NeuralODE } = await import('@odeon/neural');
  const model = new NeuralODE({ n: 3, network: { width: 32, depth: 2, activation: 'tanh', seed: 1 } });
  const y0 = [7 * 3, 7 * 3 + 1, 7 * 3 + 2].map(Math.sin);
  const single = solve(model.problem({ y0, t0: 0, t1: 1 }), {
    method: 'tsit5',
    saveAt: [1],
    rtol: 1e-10,
    atol: 1e-12,
  });
  for (let j = 0; j < 3; j++) expect(onCpu.y[7 * 3 + j]).toBeCloseTo(single.y[j], 5);
  expect(lines[0]).toBe('auto backend for batch 256, width 32: wasm-f32');
}, 120_000);
