import { describe, expect, it } from 'vitest';
import { captureIo as capture } from './capture-io.ts';
import { run } from './main.ts';

describe('odeon CLI', () => {
  it('--help lists the subcommands and exits 0', async () => {
    const io = capture();
    expect(await run(['--help'], io)).toBe(0);
    expect(io.out).toContain('Usage: odeon');
    expect(io.out).toMatch(/demo\b/);
  });
  it('--version prints the package version', async () => {
    const io = capture();
    expect(await run(['--version'], io)).toBe(0);
    expect(io.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
  it('demo --help describes the demo and exits 0', async () => {
    const io = capture();
    expect(await run(['demo', '--help'], io)).toBe(0);
    expect(io.out).toContain('Usage: odeon demo');
    expect(io.out).toContain('--json');
  });
  it('an unknown subcommand is a usage error (exit 2) with a suggestion', async () => {
    const io = capture();
    expect(await run(['demoo'], io)).toBe(2);
    expect(io.err).toContain("unknown command 'demoo'");
    expect(io.err).toContain('demo');
  });
  it('an unknown option is a usage error (exit 2)', async () => {
    const io = capture();
    expect(await run(['demo', '--bogus'], io)).toBe(2);
    expect(io.err).toContain("unknown option '--bogus'");
  });
  it('no arguments prints help and exits 2', async () => {
    const io = capture();
    expect(await run([], io)).toBe(2);
    expect(io.out + io.err).toContain('Usage: odeon');
  });
});

describe('odeon as a process', () => {
  it('`--json | head` exits quietly when the reader closes the pipe (EPIPE)', async () => {
    const { spawn } = await import('node:child_process');
    const root = new URL('../../../', import.meta.url).pathname;
    const child = spawn(
      process.execPath,
      [
        '--conditions=@odeon/source',
        '--import',
        'tsx',
        'apps/cli/src/bin.ts',
        'simulate',
        '--problem',
        'rober',
        '--steps',
        '200000',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((done) => child.on('close', done));
    expect(err).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
