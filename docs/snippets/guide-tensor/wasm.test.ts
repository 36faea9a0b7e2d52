import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('tensor guide, wasm: the float32 backend agrees with float64 to float32 accuracy', async () => {
  const { exports, lines } = await runSnippet(() => import('./wasm.ts'));
  const { difference, onCpu, onWasm } = exports;
  expect(onCpu.dtype).toBe('float64');
  expect(onWasm.dtype).toBe('float32');
  expect(onWasm.shape).toEqual([128, 64]);
  // Reference: the layer computed with a plain triple loop from the same seeded inputs.
  const { randn } = await import('@odeon/tensor');
  const W = randn([128, 128], { seed: 1, std: 0.1 }).toFloat64();
  const X = randn([128, 64], { seed: 2 }).toFloat64();
  const expected = new Float64Array(128 * 64);
  for (let i = 0; i < 128; i++)
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 128; k++) s += W[i * 128 + k] * X[k * 64 + j];
      expected[i * 64 + j] = Math.tanh(s);
    }
  expect(onCpu.toFloat64()).toBeAllclose(expected, { rtol: 1e-12, atol: 1e-14 });
  expect(onWasm.toFloat64()).toBeAllclose(expected, { rtol: 0, atol: 1e-5 });
  // float32 genuinely rounds: the difference is non-zero but at float32's scale.
  expect(difference).toBeGreaterThan(0);
  expect(difference).toBeLessThan(1e-5);
  expect(lines).toEqual(['cpu: float64, wasm: float32', `max |cpu − wasm| = ${difference.toExponential(1)}`]);
});
