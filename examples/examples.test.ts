import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../apps/cli/src/io.ts';
import { run } from '../apps/cli/src/main.ts';

const examples = fileURLToPath(new URL('.', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'odeon-examples-'));

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    isTTY: false,
    cwd: tmp,
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

/**
 * A copy of `examples/<config>` in a temporary folder with every stage cut to `steps` steps,
 * validation every few steps, file paths made absolute and no output file: the example's own
 * config as it stands, only shorter.
 */
function shortConfig(config: string, steps: number): string {
  const path = join(examples, config);
  const dir = resolve(path, '..');
  const c = JSON.parse(readFileSync(path, 'utf8'));
  c.data = resolve(dir, c.data);
  if (typeof c.model?.mechanism === 'string') c.model.mechanism = resolve(dir, c.model.mechanism);
  if (typeof c.model?.load === 'string') c.model.load = resolve(dir, c.model.load);
  c.strategy = c.strategy.map((s: Record<string, unknown>) => ({ ...s, steps }));
  if (c.validation) c.validation = { ...c.validation, every: 2 };
  delete c.output;
  const out = join(tmp, `${config.replaceAll('/', '-')}`);
  writeFileSync(out, JSON.stringify(c));
  return out;
}

/** Runs a shortened config; also returns the per-step history (from a checkpoint at the end). */
async function trainJson(config: string, steps: number) {
  const io = capture();
  const checkpoint = join(tmp, `${config.replaceAll('/', '-')}-checkpoint.json`);
  const code = await run(
    [
      'train',
      shortConfig(config, steps),
      '--json',
      '--out',
      join(tmp, 'model.json'),
      '--checkpoint',
      checkpoint,
      '--checkpoint-every',
      '1000000',
    ],
    io,
  );
  expect(io.err).toBe('');
  expect(code).toBe(0);
  const history = JSON.parse(readFileSync(checkpoint, 'utf8')).history as {
    stage: number;
    loss: number;
  }[];
  return { r: JSON.parse(io.out), history };
}

describe('examples write nothing into the repository', () => {
  it('no example config names an output file (runs go to the git-ignored out/ folder)', () => {
    for (const folder of readdirSync(examples, { withFileTypes: true })) {
      if (!folder.isDirectory()) continue;
      for (const file of readdirSync(join(examples, folder.name))) {
        if (!/^config.*\.json$/.test(file)) continue;
        const c = JSON.parse(readFileSync(join(examples, folder.name, file), 'utf8'));
        expect({ file: `${folder.name}/${file}`, output: c.output }).toEqual({
          file: `${folder.name}/${file}`,
          output: undefined,
        });
      }
    }
  });
});

describe('examples (smoke: each config as it stands, a handful of steps)', () => {
  it.each([
    ['rober/config.json', 10],
    ['rober-baseline/config.json', 2],
    ['pollu/config.json', 4],
    ['temporal-dropout/config-baseline.json', 10],
    ['temporal-dropout/config-dropout.json', 10],
    ['temporal-dropout/config-penalties.json', 10],
    ['temporal-dropout/config-l2.json', 10],
    ['temporal-dropout/config-finetune.json', 10],
    ['temporal-dropout/config-finetune-dropout.json', 10],
    ['universal-ode/config.json', 10],
  ])('odeon train %s: the loss decreases and --json has the documented fields', async (config, steps) => {
    const { r, history } = await trainJson(config, steps);
    const original = JSON.parse(readFileSync(join(examples, config), 'utf8'));
    const stages = original.strategy.length;
    expect(r.steps).toBe(steps * stages);
    expect(r.reason).toBe('completed');
    for (const key of ['scaledMae', 'mse', 'wallSeconds', 'parameters'])
      expect(Number.isFinite(r[key])).toBe(true);
    // Stages may train different parts on different objectives (length, penalties): the loss falls
    // within the last stage.
    const last = history.filter((h) => h.stage === stages - 1);
    if ((original.strategy[stages - 1].dropout ?? 0) > 0 && typeof original.model.load === 'string') {
      // A warm start under temporal dropout: each step's loss is on a random subset of the points,
      // so a few steps need not lower it; they must not blow it up either.
      expect(last[last.length - 1].loss).toBeLessThan(2 * last[0].loss);
    } else expect(last[last.length - 1].loss).toBeLessThan(last[0].loss);
    // The summary ends with the final metrics and the wall time.
    expect(Object.keys(r).slice(-3)).toEqual(['scaledMae', 'mse', 'wallSeconds']);
  });

  it('odeon fit on the SBML tutorial model lowers the loss (3 L-BFGS iterations)', async () => {
    const dir = join(examples, 'sbml-gradient-descent');
    const io = capture();
    const code = await run(
      [
        'fit',
        join(dir, 'BIOMD0000000145.xml'),
        join(dir, 'target.csv'),
        '--params',
        'k1,k2,k3,k4,k5,k6',
        '--initial',
        'model',
        '--max-iterations',
        '3',
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const r = JSON.parse(io.out);
    expect(r.finalLoss).toBeLessThan(r.initialLoss);
    expect(Object.keys(r).slice(-3)).toEqual(['initialLoss', 'finalLoss', 'wallSeconds']);
  });

  it('odeon fit sbml-gradient-descent/config.json as it stands, cut to 3 Adam steps', async () => {
    const path = join(examples, 'sbml-gradient-descent/config.json');
    const dir = resolve(path, '..');
    const c = JSON.parse(readFileSync(path, 'utf8'));
    expect(c.optimizer).toMatchObject({ kind: 'adam', lr: 1e-3, steps: 1000 });
    c.model = resolve(dir, c.model);
    c.data = resolve(dir, c.data);
    c.optimizer = { ...c.optimizer, steps: 3 };
    const short = join(tmp, 'sbml-gradient-descent-config.json');
    writeFileSync(short, JSON.stringify(c));
    const io = capture();
    expect(await run(['fit', short, '--json'], io)).toBe(0);
    expect(io.err).toBe('');
    const r = JSON.parse(io.out);
    expect(r.optimizer).toBe('adam');
    expect(r.iterations).toBe(3);
    expect(Object.keys(r.parameters)).toHaveLength(24);
    expect(r.finalLoss).toBeLessThan(r.initialLoss);
    expect(Object.keys(r).slice(-3)).toEqual(['initialLoss', 'finalLoss', 'wallSeconds']);
  });
});
