import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('loading tfjs under plain Node ESM (no loader, no bundler)', () => {
  it('dynamic imports of tfjs-core and tfjs-backend-wasm resolve to ONE tfjs-core instance and run wasm', () => {
    // Exactly what backends/wasm-backend.ts does, run by plain `node` from this package's directory.
    const script = `
      const tf = await import('@tensorflow/tfjs-core');
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const ok = await tf.setBackend('wasm');
      await tf.ready();
      const r = tf.engine().runKernel('Add', { a: tf.tensor([1, 2]), b: tf.tensor([3, 4]) }, {});
      console.log(JSON.stringify({ ok, backend: tf.getBackend(), sum: Array.from(r.dataSync()), hasPaths: typeof wasm.setWasmPaths }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: pkgDir,
      encoding: 'utf8',
    });
    const r = JSON.parse(out.trim().split('\n').pop() as string);
    expect(r).toEqual({ ok: true, backend: 'wasm', sum: [4, 6], hasPaths: 'function' });
  });
});
