import type {} from '@odeon/testkit/setup';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  gelu,
  grad,
  initBackend,
  isBackendReady,
  matmul,
  randn,
  sum,
  type Tensor,
  tensor,
  tidy,
  toBackend,
} from '../index.ts';
import { WASM_KERNELS_USED } from './wasm-kernels.ts';

describe('wasm backend', () => {
  it('initBackend is idempotent and memoised', async () => {
    const a = initBackend('wasm');
    const b = initBackend('wasm');
    expect(a).toBe(b);
    await a;
    expect(isBackendReady('wasm')).toBe(true);
  });

  it('shares one tfjs-core instance with tfjs-backend-wasm (Node resolves both CommonJS mains)', async () => {
    await initBackend('wasm');
    // The tfjs-core this test imports is the one our backend activated: its engine runs 'wasm'.
    expect(tf.getBackend()).toBe('wasm');
  });

  it('every tfjs kernel we call is registered for wasm', async () => {
    await initBackend('wasm');
    const missing = WASM_KERNELS_USED.filter((k) => tf.getKernel(k, 'wasm') === undefined);
    expect(missing).toEqual([]);
  });

  it('values are float32: a conversion round trip rounds to the nearest float32', async () => {
    await initBackend('wasm');
    const x = tensor([1 / 3], [1], { backend: 'wasm' });
    expect(x.dtype).toBe('float32');
    expect(x.toFloat64()[0]).toBe(Math.fround(1 / 3));
    expect(toBackend(x, 'cpu').dtype).toBe('float64');
  });

  it('large batched matmul agrees with the float64 cpu result to float32 accuracy', async () => {
    await initBackend('wasm');
    const a = randn([64, 128], { seed: 1 });
    const b = randn([128, 32], { seed: 2 });
    const ref = matmul(a, b).toFloat64();
    const got = matmul(toBackend(a, 'wasm'), toBackend(b, 'wasm')).toFloat64();
    // |error| ≲ k·eps32·Σ|a||b| ~ 128 · 6e-8 · 128 (entries ~N(0,1)).
    expect(got).toBeAllclose(ref, { rtol: 1e-4, atol: 1e-3 });
    expect(sum(toBackend(a, 'wasm')).item()).toBeCloseTo(sum(a).item(), 2);
  });

  it('mixing backends in one op is an OdeonError', async () => {
    await initBackend('wasm');
    expect(() => matmul(tensor([[1]]), tensor([[1]], undefined, { backend: 'wasm' }))).toThrowError(
      /different backends/,
    );
  });
});

describe('tidy', () => {
  it('frees the wasm memory of intermediates and keeps the result', async () => {
    await initBackend('wasm');
    const x = randn([32, 32], { backend: 'wasm' });
    // Warm-up: the backend caches a few float32 scalar constants on first use.
    tidy(() => grad((y: Tensor) => sum(gelu(matmul(y, y))))(x)).dispose();
    const before = tf.memory().numTensors;
    const g = tidy(() => grad((y: Tensor) => sum(gelu(matmul(y, y))))(x));
    // only the gradient (one tensor) survives
    expect(tf.memory().numTensors).toBe(before + 1);
    const ref = grad((y: Tensor) => sum(gelu(matmul(y, y))))(toBackend(x, 'cpu'));
    expect(g.toFloat64()).toBeAllclose(ref.toFloat64(), { rtol: 1e-3, atol: 1e-3 });
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
