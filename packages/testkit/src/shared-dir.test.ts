import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedDir } from './shared-dir.ts';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'ignore' });

describe('sharedDir', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.ODEON_SHARED;
    delete process.env.ODEON_SHARED;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.ODEON_SHARED;
    else process.env.ODEON_SHARED = saved;
  });

  it('finds ../shared beside the local repository a clone made elsewhere came from', () => {
    const home = mkdtempSync(join(tmpdir(), 'odeon-shared-'));
    mkdirSync(join(home, 'work', 'shared', 'reference'), { recursive: true });
    mkdirSync(join(home, 'work', 'repo'));
    git(join(home, 'work', 'repo'), 'init', '-q');
    const elsewhere = mkdtempSync(join(tmpdir(), 'odeon-clone-'));
    git(elsewhere, 'clone', '-q', join(home, 'work', 'repo'), 'clone');
    expect(sharedDir(join(elsewhere, 'clone'))).toBe(join(home, 'work', 'shared'));
  });

  it('is an error naming where it looked when neither place has the data', () => {
    const lone = mkdtempSync(join(tmpdir(), 'odeon-lone-'));
    mkdirSync(join(lone, 'repo'));
    git(join(lone, 'repo'), 'init', '-q');
    expect(() => sharedDir(join(lone, 'repo'))).toThrow(join(lone, 'shared'));
  });
});
