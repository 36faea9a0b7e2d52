import { describe, expect, it } from 'vitest';
import { withoutTsx, workerThreadInput, workerThreadStart } from './worker-thread.ts';

describe('workerThreadStart', () => {
  it('drops every form of a tsx loader from the flags and keeps the others', () => {
    const execArgv = [
      '--import',
      'tsx',
      '--import=tsx/esm',
      '--require',
      'tsx/cjs',
      '--max-old-space-size=512',
      '--import',
      './other.mjs',
    ];
    const s = workerThreadStart(new URL('file:///x/worker.js'), { execArgv: [], workerData: 1 });
    expect(s).toEqual({ script: '/x/worker.js', execArgv: [], workerData: 1 });
    expect(withoutTsx(execArgv)).toEqual(['--max-old-space-size=512', '--import', './other.mjs']);
    // explicit flags are kept as given; defaults come from the process without tsx
    const explicit = workerThreadStart(new URL('file:///x/w.js'), { execArgv });
    expect(explicit.execArgv).toEqual(execArgv);
  });

  it('starts TypeScript through the bootstrap with the source condition, and passes the data through', () => {
    const s = workerThreadStart(new URL('file:///x/a%20b/worker.ts'), {
      execArgv: ['--x'],
      workerData: { k: 2 },
    });
    expect(s.script.endsWith('/ts-worker-bootstrap.mjs')).toBe(true);
    expect(s.execArgv).toEqual(['--x', '--conditions=@odeon/source']);
    expect(s.workerData).toEqual({ odeonTsEntry: 'file:///x/a%20b/worker.ts', data: { k: 2 } });
    expect(workerThreadInput(s.workerData)).toEqual({ k: 2 });
    expect(workerThreadInput({ k: 3 })).toEqual({ k: 3 });
  });
});
